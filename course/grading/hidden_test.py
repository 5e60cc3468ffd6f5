"""What the hidden grade cell calls inside a student's kernel: `grade_review` and the re-score behind it.

This runs under nbgrader in the student's kernel, so it imports only the standard library (and
the student side's checks) at module level and prints nothing to stderr: nbgrader gives 0 for
any stderr output, a warning included. The class grader re-scores with the same `rescore`.
"""

from __future__ import annotations

import math
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..review.checks import quiet

if TYPE_CHECKING:  # pragma: no cover
    from ..keys.bank import Bank
    from ..review.finding import Finding
    from ..scoring.match import Score

__all__ = [
    "GradingError",
    "Rescore",
    "ReviewScoredZero",
    "feedback_text",
    "findings_text",
    "grade_review",
    "points_for",
    "rescore",
    "zero_reason",
]


class GradingError(Exception):
    """The review could not be graded; the message says why, for the student to read."""


class ReviewScoredZero(GradingError):
    """The review earned nothing. Raising (not returning 0.0) makes the release version fail
    `nbgrader validate --invert` and shows the student a plain reason in the feedback."""


def _check_points(points: Any) -> float:
    if isinstance(points, bool) or not isinstance(points, (int, float)):
        raise GradingError(f"points must be a number, not {points!r}")
    value = float(points)
    if not math.isfinite(value) or value <= 0:
        raise GradingError(f"points must be a positive number, not {points!r}")
    return value


def points_for(score: float, points: float) -> float:
    """The partial credit nbgrader records: a plain float, rounded to cents, within [0, points].

    nbgrader gives FULL credit for NaN, negatives, numpy floats, strings, True and None, so
    only this exact shape may ever be the grade cell's value.
    """
    value = round(float(points) * float(score), 2)
    return float(min(float(points), max(0.0, value)))


@dataclass(frozen=True)
class Rescore:
    """One review scored outside nbgrader: what the grade cell should have recorded."""

    slug: str
    points: float  # what nbgrader should record: 0.0 whenever grade_review raises
    max_points: float
    problem: str | None  # why nothing could be scored (no sidecar, corrupt, other exercise)
    result: Score | None = None
    stale: bool = False  # the review was made against another version of the diff
    findings: tuple[Finding, ...] = ()  # what the student flagged, as the sidecar holds it


def rescore(directory: str | os.PathLike, slug: str, points: float, bank: Bank | None = None) -> Rescore:
    """Score the sidecar `<slug>.findings.json` in `directory` as grade_review does.

    Shared by the hidden test and the class grader, so that both always agree on the number.
    """
    from ..diff.model import DiffError
    from ..keys.bank import Bank, BankError
    from ..review.store import SidecarCorrupt, read_sidecar, sidecar_path
    from ..scoring.match import score

    max_points = _check_points(points)
    try:
        exercise = (bank or Bank()).get(slug)
        key = exercise.key
    except (BankError, DiffError) as exc:
        raise GradingError(f"cannot load the answer key of {slug!r} on this machine: {exc}") from None
    path: Path = sidecar_path(directory, slug)
    try:
        side = read_sidecar(path)
    except SidecarCorrupt as exc:
        return Rescore(slug, 0.0, max_points, f"your review file {path.name} cannot be read: {exc.problem}")
    if side is None:
        return Rescore(
            slug,
            0.0,
            max_points,
            f"no review was saved: {path.name} is not beside the notebook "
            "(flag lines in the viewer; every flag is saved to that file at once)",
        )
    if side.exercise != slug:
        return Rescore(slug, 0.0, max_points, f"{path.name} is a review of {side.exercise!r}, not {slug!r}")
    result = score(side.findings, key, side.verdict)
    stale = False
    if side.diff_sha256 is not None:
        try:
            stale = side.diff_sha256 != exercise.bundle.diff_sha256
        except (BankError, DiffError, ValueError):
            stale = False
    return Rescore(slug, points_for(result.score, max_points), max_points, None, result, stale, tuple(side.findings))


def grade_review(slug: str, points: float = 10) -> float:
    """The hidden test: score the review saved beside the notebook and return the points.

    Returns a plain float in (0, points], rounded to two places. Raises on a zero score and on
    every failure, so nbgrader records 0 and the student reads why. Prints per-defect feedback
    on stdout; a missed defect shows only its first hint. Reads the key from the bank on the
    grading machine (the course root, or COURSE_BANK); no key text is ever in the notebook.
    """
    with quiet():
        try:
            outcome = rescore(".", slug, points)
        except GradingError:
            raise
        except Exception as exc:  # an internal failure must never look like a grade
            raise GradingError(f"grading {slug!r} failed: {type(exc).__name__}: {exc}") from None
        print(feedback_text(outcome))
    reason = zero_reason(outcome)
    if reason is not None:
        raise ReviewScoredZero(reason)
    return outcome.points


def zero_reason(outcome: Rescore) -> str | None:
    """Why a review earned nothing, in the words the grade cell raises; None when it scored."""
    if outcome.problem is not None:
        return f"0 of {outcome.max_points:g} points: {outcome.problem}"
    if outcome.points <= 0:
        return f"your review of {outcome.slug} scored 0 of {outcome.max_points:g} points (see above)"
    return None


_MARKS = {"found": "+", "miscategorised": "~", "missed": "-", "false-positive": "?"}


def feedback_text(outcome: Rescore) -> str:
    """The feedback block grade_review prints (stdout only)."""
    from ..scoring.disclosure import disclose

    head = f"Review of {outcome.slug}: {outcome.points:g} of {outcome.max_points:g} points"
    if outcome.problem is not None:
        return f"{head}\n  {outcome.problem}"
    result = outcome.result
    assert result is not None
    out = [head + f" (precision {result.precision:.2f}, recall {result.recall:.2f})"]
    if outcome.stale:
        out.append("  note: this review was made against another version of the diff")
    for item in disclose(outcome.slug, result):
        title = f" {item.title}" if item.title else ""
        out.append(f"  {_MARKS[item.kind]} {item.label}{':' if title else ''}{title}")
        for para in item.text.splitlines():
            out.extend(textwrap.wrap(para, 96, initial_indent="      ", subsequent_indent="      ") or [""])
    verdict = result.verdict or "none"
    mark = "right" if result.verdict_correct else f"expected {result.verdict_expected}"
    out.append(f"  verdict: {verdict} ({mark})")
    out.extend(findings_text(outcome.findings))
    return "\n".join(out)


MAX_LISTED = 100  # findings listed in the grade cell's output (a review may hold 2,000)
MAX_COMMENT = 2000  # characters of one comment shown there
# Control characters (ANSI colour codes among them) and the bidirectional overrides that make
# text read otherwise than it is stored: a student's text is shown with each one replaced.
_UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """A student's text fit for a plain-text output: line breaks kept, every control character
    and direction override shown as U+FFFD. (Outputs are text/plain streams: nbconvert and
    formgrader escape them, so markup stays text.)"""
    return _UNSHOWN.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def findings_text(findings: tuple[Finding, ...] | list[Finding]) -> list[str]:
    """What the student flagged, for the grade cell's output (so a grader sees each comment beside
    the score): where (`course.vocab.where`), category, severity and the comment, in the diff's order."""
    from ..vocab import where

    if not findings:
        return ["  your findings: none"]
    ordered = sorted(findings, key=lambda f: (f.path, f.start, f.end, f.side, f.id))
    out = [f"  your findings ({len(ordered)}):"]
    for f in ordered[:MAX_LISTED]:
        out.append(f"    {plain(where(f.path, f.side, f.start, f.end))}  {f.category}, {f.severity}")
        comment = plain(f.comment.strip())
        if len(comment) > MAX_COMMENT:
            comment = f"{comment[:MAX_COMMENT]}... ({len(comment) - MAX_COMMENT} more characters)"
        for para in comment.splitlines() or ["(no comment)"]:
            out.extend(textwrap.wrap(para, 96, initial_indent="      ", subsequent_indent="      ") or [""])
    if len(ordered) > MAX_LISTED:
        out.append(f"    ... and {len(ordered) - MAX_LISTED} more")
    return out
