"""What a student may run on their own review: checks of its structure that need no answer key.

`require_review` is the visible half of every grade cell; `self_check` is the public checklist.
Both live on the student side: nothing here can reach a key.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator

from ..diff.bundle import load_bundle
from ..diff.parse import Diff
from ..vocab import CATEGORIES, SEVERITIES
from ..vocab import where as span_where
from .finding import Finding
from .store import SidecarCorrupt, read_sidecar, sidecar_path

__all__ = ["ReviewNotReady", "quiet", "require_review", "self_check"]


class ReviewNotReady(Exception):
    """The public self-check found a structural problem (nothing about the answer key)."""


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Nothing reaches stderr: warnings are silenced and anything written there is dropped.

    nbgrader turns any stderr output in a grade cell into zero points, so a deprecation warning
    from a dependency would silently fail every student.
    """
    sink = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(sink):
            yield


def require_review(slug: str) -> None:
    """The visible part of a grade cell: fail at once when there is no review to grade.

    So the release version (no review yet) fails `nbgrader validate`, as it must, and a student
    who validates before flagging anything is told so.
    """
    path = sidecar_path(".", slug)
    with quiet():
        try:
            side = read_sidecar(path)
        except SidecarCorrupt as exc:
            raise ReviewNotReady(str(exc)) from None
    if side is None or (not side.findings and side.verdict is None):
        raise ReviewNotReady(
            f"no review of {slug} yet: flag the lines you would comment on in the viewer "
            f"(they are saved to {path.name}), then choose a verdict"
        )


def self_check(slug: str) -> None:
    """Check the review's structure (never its answers) and print a checklist.

    The review file parses and belongs to this exercise, every finding points at lines that
    exist in the diff, categories and severities are valid, every finding has a comment, and a
    verdict is chosen. Raises ReviewNotReady listing what to fix.
    """
    problems: list[str] = []
    lines: list[str] = []
    path = sidecar_path(".", slug)
    with quiet():
        bundle = load_bundle(f"{slug}.diff")
        try:
            side = read_sidecar(path)
        except SidecarCorrupt as exc:
            side = None
            problems.append(str(exc))
    if side is None and not problems:
        problems.append(f"no findings saved yet ({path.name} does not exist): flag lines in the viewer")
    if side is not None:
        if side.exercise != slug:
            problems.append(f"{path.name} is a review of {side.exercise!r}, not {slug!r}")
        lines.append(f"review file {path.name} reads cleanly")
        if side.diff_sha256 and side.diff_sha256 != bundle.diff_sha256:
            problems.append(
                "the review was made against another version of the diff: check each finding still points at the right line"
            )
        if not side.findings and side.verdict != "approve":
            problems.append("no findings yet (or choose 'approve' if the change is right)")
        for f in side.findings:
            problems += _finding_problems(f, bundle.diff)
        n = len(side.findings)
        lines.append(f"{n} finding{'s' * (n != 1)}")
        if side.verdict is None:
            problems.append("no verdict yet: approve, or request changes")
        else:
            lines.append(f"verdict: {side.verdict}")
    for line in lines:
        print(f"  ok  {line}")
    for p in problems:
        print(f"  fix {p}")
    if problems:
        raise ReviewNotReady(
            f"{len(problems)} thing{'s' * (len(problems) != 1)} to fix before you submit (listed above)"
        )
    print("Structure looks right. (This check never looks at the answers.)")


def _finding_problems(f: Finding, diff: Diff) -> list[str]:
    """What is structurally wrong with one finding (never whether it is right)."""
    where = span_where(f.path, f.side, f.start, f.end)
    problems = []
    if not diff.has_line(f.path, f.side, f.start) or not diff.has_line(f.path, f.side, f.end):
        problems.append(f"finding at {where}: those lines are not on the {f.side} side of the diff")
    if f.category not in CATEGORIES:
        problems.append(f"finding at {where}: unknown category {f.category!r}")
    if f.severity not in SEVERITIES:
        problems.append(f"finding at {where}: unknown severity {f.severity!r}")
    if not f.comment.strip():
        problems.append(f"finding at {where}: add a comment saying what is wrong (the author will read it)")
    return problems
