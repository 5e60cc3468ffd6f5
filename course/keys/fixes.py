"""Where fixed/ differs from after/, and whether each defect's fix touches the defect's lines.

A key's spans use the numbering of the public diff (before/ -> after/): side "new" is an
after/ line, side "old" a before/ line the change removed. The fix is after/ -> fixed/, so
both are placed on one ruler, after/'s, in half steps: after/ line k is position 2k, and the
gap between lines k and k+1 (where an insertion goes, or where a removed before/ line sat) is
position 2k + 1. A span then touches a fix change when their positions overlap.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..diff.model import split_lines
from ..diff.parse import Diff
from ..diff.write import tree_texts
from ..vocab import where
from .model import Defect, Key

__all__ = [
    "FIX_TOLERANCE",
    "NEAR_LINES",
    "OUTSIDE_ALLOWANCE",
    "FixChange",
    "defect_fix",
    "fix_changes",
    "fix_findings",
]

# A defect's fix must change one of its lines, or a line right beside them (as scoring widens
# a defect's lines by one each side, a fix one line off still lands where learners flag).
FIX_TOLERANCE = 1
# A fix change this close to any span of a defect belongs to that defect's fix.
NEAR_LINES = 5
# Changed lines a fix may make away from every defect (a helper, a constant, a field) before
# `course check` warns. Blank lines, comments, imports and the project's own tests do not count.
OUTSIDE_ALLOWANCE = 5

_IGNORED = re.compile(r"^\s*($|#|//|--|/\*|\*|import\s|from\s+\S+\s+import\s|package\s)")
_TEST_PATH = re.compile(r"(^|/)(tests?|__tests__|spec)/|(^|/)test_[^/]*$|_test\.\w+$|\.(test|spec)\.\w+$")


@dataclass(frozen=True)
class FixChange:
    """One place where fixed/ differs from after/: after/ lines first..last (a pure insertion
    has last = first - 1 and sits after line `last`), and the lines it changes or adds."""

    path: str
    first: int
    last: int
    texts: tuple[str, ...]
    # fixed/ lines that replace them, first..last (last = first - 1 when the change only removes)
    fixed: tuple[int, int] = (1, 0)

    @property
    def positions(self) -> tuple[int, int]:
        if self.last < self.first:  # an insertion: the gap after line `last`
            return (2 * self.last + 1, 2 * self.last + 1)
        return (2 * self.first, 2 * self.last)

    @property
    def counted(self) -> int:
        """Changed lines that count against the allowance (not blank, comment or import)."""
        if _TEST_PATH.search(self.path):
            return 0
        return sum(1 for t in self.texts if not _IGNORED.match(t))

    def __str__(self) -> str:
        if self.last < self.first:
            return f"{self.path}: lines added after line {self.last}"
        return f"{self.path}:{self.first}" + (f"-{self.last}" if self.last != self.first else "")


def fix_changes(after: Path, fixed: Path) -> list[FixChange]:
    """Every change from after/ to fixed/, file by file in path order (after/ numbering)."""
    a_tree, f_tree = tree_texts(after), tree_texts(fixed)
    changes: list[FixChange] = []
    for path in sorted(a_tree.keys() | f_tree.keys()):
        a, f = split_lines(a_tree.get(path, "")), split_lines(f_tree.get(path, ""))
        if a == f:
            continue
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, f, autojunk=False).get_opcodes():
            if tag != "equal":
                texts = tuple(x.rstrip("\r\n") for x in [*a[i1:i2], *f[j1:j2]])
                changes.append(FixChange(path, i1 + 1, i2, texts, (j1 + 1, j2)))
    return changes


def _positions(diff: Diff, file: str, side: str, first: int, last: int) -> tuple[int, int] | None:
    """A key span on after/'s ruler; None when the span is not in the diff (reported elsewhere)."""
    if side == "new":
        return (2 * first, 2 * last)
    try:
        lines = list(diff.file(file).lines())
    except KeyError:
        return None
    gap, found = 0, {}
    for line in lines:
        if line.kind == "remove":
            found[line.old] = 2 * gap + 1
        else:
            gap = line.new or 0
    if first not in found or last not in found:
        return None
    return (found[first], found[last])


def _touches(span: tuple[int, int], change: tuple[int, int], lines: int) -> bool:
    # widened by `lines` whole lines and the gaps beside them
    return span[0] - 2 * lines - 1 <= change[1] and change[0] <= span[1] + 2 * lines + 1


def _overlap(defect: Defect, diff: Diff, change: FixChange) -> int:
    """How many of the change's half-step positions lie on one of the defect's spans (the most)."""
    best = 0
    for file, side, first, last in defect.spans:
        pos = _positions(diff, file, side, first, last) if file == change.path else None
        if pos is not None:
            best = max(best, min(pos[1], change.positions[1]) - max(pos[0], change.positions[0]) + 1)
    return best


def defect_fix(defect: Defect, diff: Diff, changes: list[FixChange], key: Key | None = None) -> list[FixChange]:
    """The changes of the fix that repair `defect`: those touching one of its spans (`lines`
    and `also_at`) within FIX_TOLERANCE lines, or, when none does, within NEAR_LINES; in order.

    With the `key`, a change that lies more on another defect's spans than on this one's (two
    defects keyed on the same lines) is left to that defect.
    """
    spans = [(file, _positions(diff, file, side, first, last)) for file, side, first, last in defect.spans]
    for lines in (FIX_TOLERANCE, NEAR_LINES):
        hit = [
            c
            for c in changes
            if any(pos is not None and c.path == file and _touches(pos, c.positions, lines) for file, pos in spans)
        ]
        if hit:
            break
    others = [d for d in (key.defects if key is not None else ()) if d.id != defect.id]
    return [c for c in hit if all(_overlap(o, diff, c) <= _overlap(defect, diff, c) for o in others)]


def fix_findings(key: Key, diff: Diff, changes: list[FixChange]) -> tuple[list[tuple[str, str]], list[str]]:
    """(problems as (where, message), warnings) about how fixed/ repairs the key's defects.

    A problem: a defect whose `lines` the fix does not touch (within FIX_TOLERANCE lines), or
    a decoy whose lines the fix changes. A warning: fix changes near no defect's spans (within
    NEAR_LINES) that add up to more than OUTSIDE_ALLOWANCE counted lines.
    """
    problems: list[tuple[str, str]] = []
    by_file: dict[str, list[FixChange]] = {}
    for c in changes:
        by_file.setdefault(c.path, []).append(c)
    near: set[FixChange] = set()
    for d in key.defects:
        main = _positions(diff, d.file, d.side, *d.lines)
        if main is not None and not any(_touches(main, c.positions, FIX_TOLERANCE) for c in by_file.get(d.file, [])):
            elsewhere = ", ".join(str(c) for c in changes[:6]) or "nothing: fixed/ is the same as after/"
            problems.append(
                (
                    d.id,
                    f"key.toml 'lines': {where(d.file, d.side, *d.lines)} is not where fixed/ repairs the defect: "
                    f"fixed/ changes none of these lines nor a line beside them (it changes {elsewhere})",
                )
            )
        for file, side, first, last in d.spans:
            span = _positions(diff, file, side, first, last)
            if span is not None:
                near |= {c for c in by_file.get(file, []) if _touches(span, c.positions, NEAR_LINES)}
    for i, decoy in enumerate(key.decoys, 1):
        span = _positions(diff, decoy.file, decoy.side, *decoy.lines)
        hit = [
            c
            for c in by_file.get(decoy.file, [])
            if span is not None and span[0] <= c.positions[1] and c.positions[0] <= span[1]
        ]
        if hit and not any(c in near for c in hit):
            problems.append(
                (
                    f"decoy {i}",
                    f"key.toml decoy at {where(decoy.file, decoy.side, *decoy.lines)}: fixed/ changes it "
                    f"({', '.join(map(str, hit))}), but a decoy is correct code that the fix leaves alone",
                )
            )
    outside = [c for c in changes if c not in near and c.counted]
    warnings = []
    total = sum(c.counted for c in outside)
    if total > OUTSIDE_ALLOWANCE:
        warnings.append(
            f"fixed/ changes {total} lines away from every defect (more than the {OUTSIDE_ALLOWANCE} "
            f"allowed for helpers and constants): {', '.join(map(str, outside))}; "
            "key what they repair, or leave them as in after/"
        )
    return problems, warnings
