"""Writing unified diffs: two trees (or two texts) -> git-style text, byte-stable."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from .model import C_ESCAPES, DEV_NULL, NO_NEWLINE_MARKER, DiffError, split_lines

__all__ = ["tree_texts", "unified_diff"]

# Folders and files that are by-products of running code, never part of a reviewed tree.
SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".git", ".ipynb_checkpoints"})
SKIPPED_SUFFIXES = (".pyc",)


def _quote_path(path: str) -> str:
    # git quotes names holding quotes, backslashes or control characters; non-ASCII stays
    # readable, as with core.quotePath=false, and git apply reads it either way.
    if not any(c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return path
    names = {v: k for k, v in C_ESCAPES.items() if k not in "abvf"}
    out = []
    for c in path:
        if ord(c) in names:
            out.append("\\" + names[ord(c)])
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\{ord(c):03o}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _file_lines(text: str) -> list[str]:
    # Keep each line's "\n": a last line without one must not compare equal to the same
    # text with one, which is how git sees a change of the final newline.
    return split_lines(text)


def _range(start: int, length: int) -> str:
    # git's convention: an empty range names the line before it, a single line drops ",1"
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _body(prefix: str, line: str) -> str:
    if line.endswith("\n"):
        return prefix + line
    return f"{prefix}{line}\n{NO_NEWLINE_MARKER}\n"


def unified_diff(before: dict[str, str], after: dict[str, str], *, context: int | None = None) -> str:
    """Stable git-style unified diff of two trees given as {relative posix path: text}.

    Files whose text is equal on both sides are left out; the others come in sorted path
    order, each with `diff --git a/P b/P` and git's headers for added and deleted files.
    `context=None` keeps the whole file as context, so a viewer can expand every unchanged
    line; an int keeps that many lines around each change. A missing final newline gets
    git's `\\ No newline at end of file` marker, and a "\\r" before "\\n" stays in its line
    so CRLF files round-trip."""
    if context is not None and context < 0:
        raise ValueError(f"context must be None or >= 0, not {context}")
    out: list[str] = []
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        a, b = _file_lines(old or ""), _file_lines(new or "")
        out.append(f"diff --git {_quote_path('a/' + path)} {_quote_path('b/' + path)}\n")
        if old is None:
            out.append("new file mode 100644\n")
        elif new is None:
            out.append("deleted file mode 100644\n")
        if not a and not b:
            continue  # an empty file added or deleted: git writes no hunk for it
        # as git does, so GNU patch can tell where a name with spaces ends
        tab = "\t" if " " in path else ""
        out.append(f"--- {DEV_NULL if old is None else _quote_path('a/' + path) + tab}\n")
        out.append(f"+++ {DEV_NULL if new is None else _quote_path('b/' + path) + tab}\n")
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        width = max(len(a), len(b)) if context is None else context
        for group in matcher.get_grouped_opcodes(width):
            i1, i2 = group[0][1], group[-1][2]
            j1, j2 = group[0][3], group[-1][4]
            out.append(f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@\n")
            for tag, x1, x2, y1, y2 in group:
                if tag == "equal":
                    out.extend(_body(" ", line) for line in a[x1:x2])
                    continue
                if tag in ("replace", "delete"):
                    out.extend(_body("-", line) for line in a[x1:x2])
                if tag in ("replace", "insert"):
                    out.extend(_body("+", line) for line in b[y1:y2])
    return "".join(out)


def tree_texts(root: str | os.PathLike[str]) -> dict[str, str]:
    """Every file under `root` as {posix path relative to root: text}, in sorted order.

    Caches and VCS folders are skipped. Files are decoded as UTF-8 with line endings kept,
    so a CRLF file stays CRLF in the diff."""
    base = Path(root)
    found: dict[str, str] = {}
    for folder, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in names:
            if name.endswith(SKIPPED_SUFFIXES):
                continue
            path = Path(folder, name)
            data = path.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DiffError(
                    f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                    source=str(path),
                ) from None
            found[path.relative_to(base).as_posix()] = text
    return dict(sorted(found.items()))
