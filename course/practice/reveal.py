"""What the practice viewer shows of a revealed defect besides its words: where it is (every span,
`also_at` included) and its fix, as a small diff of only the hunks that repair it.

The fix is the exercise's fixed/ folder against after/; course.keys.fixes says which of its
changes repair which defect. Nothing here is HTML: code goes out as [class, text] runs from the
highlighter (course.diff.highlight.highlight_runs), Markdown as plain blocks
(course.review.markdown), and the page builds both with text nodes.
"""

from __future__ import annotations

from typing import Any

from ..diff.highlight import highlight_runs
from ..diff.model import split_lines
from ..diff.parse import Diff
from ..diff.write import tree_texts
from ..keys.bank import Exercise
from ..keys.fixes import FixChange, defect_fix, fix_changes
from ..keys.model import Defect

__all__ = ["FIX_CONTEXT", "MAX_FIX_ROWS", "fix_diff", "spans_of"]

# Unchanged lines shown around each change of a fix.
FIX_CONTEXT = 2
# A fix diff longer than this is cut (the page says so): the point is the lines that change.
MAX_FIX_ROWS = 60


def spans_of(defect: Defect) -> list[list[Any]]:
    """Every place of a defect as [file, side, first, last]: its `lines` first, then `also_at`."""
    return [[file, side, first, last] for file, side, first, last in defect.spans]


def _lines(text: str, path: str) -> list[list[list[str]]]:
    """Runs per line of one file; plain runs when the highlighter counts lines otherwise."""
    lines = split_lines(text)
    runs = highlight_runs(text, path)
    if len(runs) != len(lines):
        runs = [[["", line.rstrip("\r\n")]] for line in lines]
    for line in runs:  # a CRLF file: the "\r" is the line's end, not its text
        if line and line[-1][1].endswith("\r"):
            line[-1][1] = line[-1][1][:-1]
    return runs


def _groups(picked: list[FixChange], in_file: list[FixChange]) -> list[list[FixChange]]:
    """Picked changes of one file, merged when only a few unchanged lines part them."""
    groups: list[list[FixChange]] = []
    for i, c in enumerate(in_file):
        if c not in picked:
            continue
        prev = groups[-1][-1] if groups else None
        if prev is not None and in_file[i - 1] is prev and c.first - prev.last - 1 <= 2 * FIX_CONTEXT:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _hunk(group: list[FixChange], in_file: list[FixChange], after: list, fixed: list) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def context(i: int, offset: int) -> None:
        rows.append({"k": "context", "o": i, "n": i + offset, "c": after[i - 1]})

    head, tail = group[0], group[-1]
    at = in_file.index(head)
    low = in_file[at - 1].last + 1 if at > 0 else 1
    for i in range(max(low, head.first - FIX_CONTEXT), head.first):
        context(i, head.fixed[0] - head.first)
    for k, c in enumerate(group):
        rows += [{"k": "remove", "o": i, "n": None, "c": after[i - 1]} for i in range(c.first, c.last + 1)]
        rows += [{"k": "add", "o": None, "n": j, "c": fixed[j - 1]} for j in range(c.fixed[0], c.fixed[1] + 1)]
        if k + 1 < len(group):
            for i in range(c.last + 1, group[k + 1].first):
                context(i, c.fixed[1] - c.last)
    at = in_file.index(tail)
    high = in_file[at + 1].first - 1 if at + 1 < len(in_file) else len(after)
    for i in range(tail.last + 1, min(high, tail.last + FIX_CONTEXT) + 1):
        context(i, tail.fixed[1] - tail.last)
    return rows


def fix_diff(exercise: Exercise, defect: Defect, diff: Diff) -> dict[str, Any]:
    """{"hunks": [{"path", "rows"}], "cut": bool}: the hunks of fixed/ that repair `defect`.

    A row is {"k": "context" | "remove" | "add", "o": after/ number, "n": fixed/ number, "c":
    runs}. No hunks when the exercise has no fixed/ folder or its fix touches none of the
    defect's spans (`course check` reports that to the author).
    """
    after_dir, fixed_dir = exercise.root / "after", exercise.root / "fixed"
    if not fixed_dir.is_dir():
        return {"hunks": [], "cut": False}
    changes = fix_changes(after_dir, fixed_dir)
    picked = defect_fix(defect, diff, changes, exercise.key)
    if not picked:
        return {"hunks": [], "cut": False}
    a_tree, f_tree = tree_texts(after_dir), tree_texts(fixed_dir)
    hunks, count, cut = [], 0, False
    for path in dict.fromkeys(c.path for c in picked):
        in_file = [c for c in changes if c.path == path]
        after, fixed = _lines(a_tree.get(path, ""), path), _lines(f_tree.get(path, ""), path)
        for group in _groups(picked, in_file):
            rows = _hunk(group, in_file, after, fixed)
            if count + len(rows) > MAX_FIX_ROWS:
                rows, cut = rows[: max(0, MAX_FIX_ROWS - count)], True
            if rows:
                hunks.append({"path": path, "rows": rows})
            count += len(rows)
    return {"hunks": hunks, "cut": cut}
