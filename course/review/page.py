"""The page model: a diff as the rows, folds and anchors the viewer's front end paints.

Everything here is plain JSON built in Python; `h` fields are HTML that Python escaped.
"""

from __future__ import annotations

import html
from typing import Any

from ..diff.highlight import highlight_file_diff
from ..vocab import where

__all__ = ["CONTEXT", "MIN_FOLD", "Index", "build_files", "describe", "diff_size", "finding_anchor", "span_for_rows"]

# Unchanged lines kept visible on each side of a change; longer runs fold behind a control.
CONTEXT = 3
# A run is only folded when that hides at least this many lines (a fold of one line is noise).
MIN_FOLD = 4


# the diff as rows ---------------------------------------------------------------------------


def _plain(fd) -> list[list[str]]:
    return [[html.escape(line.text) for line in hunk.lines] for hunk in fd.hunks]


def _highlighted(fd) -> list[list[str]]:
    """Highlighted HTML per hunk, per line; plain escaped text if the highlighter fails."""
    out = highlight_file_diff(fd)
    if len(out) == len(fd.hunks) and all(len(h) == len(hk.lines) for h, hk in zip(out, fd.hunks)):
        return out
    return _plain(fd)  # pragma: no cover - a highlighter that lost lines is a bug there, not a crash here


def _hunk_header(hunk) -> str:
    head = f"@@ -{hunk.old_start},{hunk.old_length} +{hunk.new_start},{hunk.new_length} @@"
    section = getattr(hunk, "section", "") or ""
    return f"{head} {section}" if section else head


def _folds(rows: list[dict], file_index: int) -> list[dict]:
    """Runs of unchanged lines long enough to hide, as row ranges (first, last inclusive)."""
    folds = []
    i = 0
    n = len(rows)
    while i < n:
        if rows[i]["k"] != "context":
            i += 1
            continue
        j = i
        while j + 1 < n and rows[j + 1]["k"] == "context":
            j += 1
        # Keep CONTEXT lines next to a change; a hunk header or the file edge needs none.
        lead = CONTEXT if i > 0 and rows[i - 1]["k"] in ("add", "remove") else 0
        trail = CONTEXT if j + 1 < n and rows[j + 1]["k"] in ("add", "remove") else 0
        first, last = i + lead, j - trail
        if last - first + 1 >= MIN_FOLD:
            folds.append({"id": f"{file_index}:{first}", "first": first, "last": last, "count": last - first + 1})
        i = j + 1
    return folds


def diff_size(diff) -> int:
    """Lines of code in a diff (what the page paints), hunk headers aside."""
    return sum(len(h.lines) for fd in diff.files if not fd.binary for h in fd.hunks)


def build_files(diff, *, highlight: bool = True) -> list[dict[str, Any]]:
    """Every file of the diff as the JSON the front end paints.

    A row is a hunk header `{"k": "hunk", "text": ..., "h": html}` or a line
    `{"k": "context" | "add" | "remove", "o": old number | None, "n": new number | None, "h": html}`.
    `h` is always HTML that Python escaped: the highlighter's spans, or with `highlight=False`
    the plain escaped text (same rows, same structure, so the page can swap one for the other).
    """
    files = []
    for fi, fd in enumerate(diff.files):
        rows: list[dict[str, Any]] = []
        additions = deletions = 0
        if not fd.binary:
            for hunk, htmls in zip(fd.hunks, _highlighted(fd) if highlight else _plain(fd)):
                header = _hunk_header(hunk)
                rows.append({"k": "hunk", "text": header, "h": html.escape(header)})
                for line, h in zip(hunk.lines, htmls):
                    if line.kind == "add":
                        additions += 1
                    elif line.kind == "remove":
                        deletions += 1
                    rows.append({"k": line.kind, "o": line.old, "n": line.new, "h": h})
        old_path = getattr(fd, "old_path", None)
        files.append(
            {
                "index": fi,
                "path": fd.path,
                "old_path": old_path if old_path and old_path != fd.path else None,
                "status": getattr(fd, "status", "modified"),
                "binary": bool(fd.binary),
                "additions": additions,
                "deletions": deletions,
                "rows": rows,
                "folds": _folds(rows, fi),
            }
        )
    return files


class Index:
    """(path, side, number) -> (file index, row), and back; built once per diff."""

    def __init__(self, files: list[dict]):
        self.files = files
        self.by_path = {f["path"]: f["index"] for f in files}
        self.rows: list[dict[tuple[str, int], int]] = []
        for f in files:
            where: dict[tuple[str, int], int] = {}
            for r, row in enumerate(f["rows"]):
                if row["k"] == "remove":
                    where[("old", row["o"])] = r
                elif row["k"] in ("add", "context"):
                    where[("new", row["n"])] = r
            self.rows.append(where)


def finding_anchor(index: Index, path: str, side: str, start: int, end: int) -> tuple[int, int, int] | None:
    """Where a finding sits: (file index, first row, last row), or None if it is not in the diff."""
    fi = index.by_path.get(path)
    if fi is None:
        return None
    where = index.rows[fi]
    a, b = where.get((side, start)), where.get((side, end))
    if a is None or b is None:
        return None
    return fi, min(a, b), max(a, b)


def span_for_rows(file: dict, first: int, last: int) -> tuple[str, int, int]:
    """The (side, start, end) a selection of rows first..last flags.

    Unchanged and added lines are addressed on the new side, removed lines on the old. With an
    added line a selection is on the new side. With none, it is on the old side, its removed
    lines, when they are at least as many as the unchanged ones (walk-through 25 flagged a
    deleted test with the blank line beside it, and the finding went to the new side's lines
    there, another test); else on the new side, its unchanged lines (a range shrunk by a line
    onto a removed one stays where it was). Hunk headers inside the selection are skipped.
    """
    rows = file["rows"]
    if not (0 <= first <= last < len(rows)):
        raise ValueError(f"rows {first}..{last} are not in {file['path']}")
    picked = [rows[r] for r in range(first, last + 1) if rows[r]["k"] != "hunk"]
    old = [r["o"] for r in picked if r["k"] == "remove"]
    kept = sum(1 for r in picked if r["k"] == "context")
    if old and len(old) >= kept and not any(r["k"] == "add" for r in picked):
        return "old", min(old), max(old)
    new = [r["n"] for r in picked if r["k"] in ("add", "context")]
    if new:
        return "new", min(new), max(new)
    raise ValueError("the selection holds no lines of code")


def describe(path: str, side: str, start: int, end: int) -> str:
    """How a span is named on the page: `app.py:12-14`, with `(old)` for removed lines."""
    return where(path, side, start, end)
