"""Unified diffs (a real `git diff`, or two texts) as immutable files, hunks and lines."""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterator

import unidiff
from unidiff.constants import (
    RE_DIFF_GIT_HEADER,
    RE_DIFF_GIT_HEADER_NO_PREFIX,
    RE_DIFF_GIT_HEADER_URI_LIKE,
    RE_HUNK_HEADER,
    RE_SOURCE_FILENAME,
    RE_TARGET_FILENAME,
)

__all__ = ["DiffError", "Line", "Hunk", "FileDiff", "Diff", "unified_diff", "tree_texts"]

DEV_NULL = "/dev/null"
NO_NEWLINE_MARKER = "\\ No newline at end of file"
# Folders and files that are by-products of running code, never part of a reviewed tree.
SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".git", ".ipynb_checkpoints"})
SKIPPED_SUFFIXES = (".pyc",)

_PREFIX = re.compile(r"^[abciow12]/")  # git's a/ b/, its mnemonic prefixes, and --no-index 1/ 2/
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


class DiffError(ValueError):
    """A diff that cannot be read; the message names the source and the problem."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        super().__init__(message)
        self.source = source
        self.line = line


@dataclass(frozen=True)
class Line:
    """One line of a hunk, addressed by (side, number) as the design fixes it."""

    kind: str  # "context" | "add" | "remove"
    old: int | None
    new: int | None
    text: str
    crlf: bool = False
    no_newline: bool = False

    @property
    def side(self) -> str:
        return "old" if self.kind == "remove" else "new"

    @property
    def number(self) -> int:
        number = self.old if self.kind == "remove" else self.new
        assert number is not None  # the parser sets the number of the line's own side
        return number

    @property
    def raw(self) -> str:
        """The line as it was in its file, line ending included."""
        return self.text + ("\r" if self.crlf else "") + ("" if self.no_newline else "\n")


@dataclass(frozen=True)
class Hunk:
    old_start: int
    old_length: int
    new_start: int
    new_length: int
    section: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class FileDiff:
    old_path: str | None
    new_path: str | None
    status: str  # "added" | "deleted" | "modified" | "renamed"
    binary: bool
    hunks: tuple[Hunk, ...]

    @property
    def path(self) -> str:
        path = self.new_path if self.new_path is not None else self.old_path
        assert path is not None  # a file always has at least one side
        return path

    @property
    def reviewable(self) -> bool:
        return not self.binary

    @cached_property
    def _index(self) -> dict[tuple[str, int], Line]:
        # cached_property writes straight into __dict__, so it works on a frozen dataclass
        return {(line.side, line.number): line for line in self.lines()}

    def line(self, side: str, number: int) -> Line | None:
        """The line addressed as the design does: ("new", n) for added and context lines,
        ("old", n) for removed lines only, so a context line has exactly one address."""
        if side not in ("old", "new"):
            raise ValueError(f"side must be 'old' or 'new', not {side!r}")
        return self._index.get((side, number))

    def lines(self) -> Iterator[Line]:
        for hunk in self.hunks:
            yield from hunk.lines

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines() if line.kind == "add")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines() if line.kind == "remove")


@dataclass(frozen=True)
class Diff:
    files: tuple[FileDiff, ...]
    text: str = field(repr=False)
    source: str = "<diff>"

    @classmethod
    def parse(cls, text: str, source: str = "<diff>") -> Diff:
        return cls(files=_parse(text, source), text=text, source=source)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Diff:
        source = os.fspath(path)
        data = Path(path).read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DiffError(
                f"{source}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                source=source,
            ) from None
        return cls.parse(text, source=source)

    @classmethod
    def compare(cls, before: str, after: str, path: str = "file.txt", *, context: int = 3) -> Diff:
        text = unified_diff({path: before}, {path: after}, context=context)
        if not text:
            # Equal texts are a valid comparison with nothing to show, not a broken diff.
            return cls(files=(), text="", source="<diff>")
        return cls.parse(text)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def file(self, path: str) -> FileDiff:
        for fd in self.files:
            if fd.path == path:
                return fd
        for fd in self.files:
            if fd.old_path == path:  # a renamed file is still found by its old name
                return fd
        available = ", ".join(fd.path for fd in self.files) or "none"
        raise KeyError(f"{path!r} is not in {self.source} (files: {available})")

    def has_line(self, path: str, side: str, number: int) -> bool:
        try:
            fd = self.file(path)
        except KeyError:
            return False
        return fd.line(side, number) is not None

    def lines(self) -> Iterator[tuple[FileDiff, Line]]:
        for fd in self.files:
            for line in fd.lines():
                yield fd, line


# --------------------------------------------------------------------------- parsing


def _split_lines(text: str) -> list[str]:
    # Only "\n" ends a line in a diff; str.splitlines would also split on "\r", "\x0c",
    # "\u2028"... which are legitimate characters inside a line of code.
    return list(io.StringIO(text, newline="\n"))


def _unquote(token: str) -> str:
    """Undo git's C-style quoting ("a/caf\\303\\251.txt") of a path; plain tokens pass through."""
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        return token
    body, out, i = token[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 == len(body):
            out += ch.encode("utf-8")
            i += 1
        elif body[i + 1] in _C_ESCAPES:
            out.append(_C_ESCAPES[body[i + 1]])
            i += 2
        elif re.match(r"[0-7]{3}", body[i + 1 : i + 4]):
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += body[i + 1].encode("utf-8")
            i += 2
    return out.decode("utf-8", errors="replace")


def _split_git_header(rest: str) -> tuple[str, str] | None:
    """The two path tokens of `diff --git A B`, or None when the split is ambiguous.

    unidiff splits at the last " b/", which is wrong for a path such as "plan b/notes.txt";
    git itself resolves it the same way as here: quoted tokens, or two equal halves."""
    if rest.startswith('"'):
        m = re.match(r'"(?:[^"\\]|\\.)*"', rest)
        if m and rest[m.end() : m.end() + 1] == " ":
            return m.group(0), rest[m.end() + 1 :]
        return None
    if rest.endswith('"') and ' "' in rest:
        i = rest.index(' "')
        return rest[:i], rest[i + 1 :]
    if len(rest) % 2 == 1 and rest[len(rest) // 2] == " ":
        a, b = rest[: len(rest) // 2], rest[len(rest) // 2 + 1 :]
        if a == b or (_PREFIX.match(a) and _PREFIX.match(b) and a[2:] == b[2:]):
            return a, b
    return None


def _unidiff_git_target(line: str) -> str | None:
    for regex in (RE_DIFF_GIT_HEADER, RE_DIFF_GIT_HEADER_URI_LIKE, RE_DIFF_GIT_HEADER_NO_PREFIX):
        m = regex.match(line)
        if m:
            return m.group("target")
    return None


def _prepare(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines as this module reads them, and the copy that unidiff reads, its gaps patched."""
    # A diff saved through a CRLF-converting tool has "\r\n" on every line, headers included;
    # the "\r" then belongs to the transport, not to the files' lines.
    ended = lines if lines and lines[-1].endswith("\n") else lines[:-1]
    if ended and all(line.endswith("\r\n") for line in ended):
        lines = [line[:-2] + "\n" if line.endswith("\r\n") else line for line in lines]
    if lines and lines[0].startswith("\ufeff"):
        lines = [lines[0][1:], *lines[1:]]
    # unidiff checks "+++ X" against its own split of "diff --git", which goes wrong when a
    # path contains " b/". When the header agrees with the "+++" line, show unidiff what it
    # expects there; the real paths are read from the unpatched lines.
    fed = lines
    for i, line in enumerate(lines):
        if not line.startswith("diff --git "):
            continue
        for j in range(i + 1, len(lines)):
            if lines[j].startswith(("diff --git ", "@@ ")):
                break
            m = RE_TARGET_FILENAME.match(lines[j])
            if not m:
                continue
            target, expected = m.group("filename"), _unidiff_git_target(line)
            rest = line[len("diff --git ") :].rstrip("\n")
            agrees = rest.endswith(" " + target)
            if target != DEV_NULL and expected not in (None, target) and agrees:
                fed = list(lines) if fed is lines else fed
                fed[j] = f"+++ {expected}\n"
            break
    return lines, fed


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _is_body(line: str) -> bool:
    return line[:1] in (" ", "+", "-", "\\") or line in ("\n", "\r\n")


def _is_file_header(lines: list[str], i: int) -> bool:
    return (
        lines[i].startswith("--- ")
        and i + 1 < len(lines)
        and lines[i + 1].startswith("+++ ")
    )


def _check_hunk_at(lines: list[str], header: int) -> str | None:
    """Count the body lines after the hunk header at index `header`; a problem, or None."""
    m = RE_HUNK_HEADER.match(lines[header])
    assert m is not None
    want_old = int(m.group(2)) if m.group(2) is not None else 1
    want_new = int(m.group(4)) if m.group(4) is not None else 1
    old = new = 0
    i = header + 1
    while i < len(lines) and _is_body(lines[i]) and not _is_file_header(lines, i):
        kind = lines[i][:1]
        if kind in (" ", "\n", "\r"):
            old += 1
            new += 1
        elif kind == "-":
            old += 1
        elif kind == "+":
            new += 1
        i += 1
    where = f"hunk at line {header + 1} is malformed"
    if old != want_old:
        return f"{where}: expected {_plural(want_old, 'line')} of the old file, found {old}"
    if new != want_new:
        return f"{where}: expected {_plural(want_new, 'line')} of the new file, found {new}"
    return None


_UNIDIFF_MESSAGES = {
    "Unexpected hunk found": "a hunk comes before any file header",
    "Target without source": "this '+++' line does not match its file's header",
    "Hunk diff line expected": "a hunk line should start with ' ', '+', '-' or '\\'",
    "Unexpected new file found": "'new file mode' comes before any file header",
    "Unexpected deleted file found": "'deleted file mode' comes before any file header",
    "Unexpected binary patch marker": "'GIT binary patch' comes before any file header",
}


def _explain(exc: Exception, lines: list[str]) -> tuple[str, int | None]:
    """Turn one of unidiff's terse errors into a sentence with a line number."""
    for i, line in enumerate(lines):
        if RE_HUNK_HEADER.match(line):
            problem = _check_hunk_at(lines, i)
            if problem:
                return problem, i + 1
    message = str(exc)
    # unidiff ends most messages with the offending line; point at its first occurrence
    head, _, quoted = message.partition(": ")
    head = _UNIDIFF_MESSAGES.get(head, head.lower())
    if quoted:
        for i, line in enumerate(lines):
            if line.rstrip("\r\n") == quoted.rstrip("\r\n"):
                return f"line {i + 1}: {head}: {quoted.rstrip()!r}", i + 1
    return f"not a valid unified diff: {message.strip()}", None


def _header_block(lines: list[str], pf: unidiff.PatchedFile, next_start: int) -> list[str]:
    """The raw lines of a `diff --git` entry before its first hunk."""
    start = (pf.diff_line_no or 1) - 1
    end = next_start
    if len(pf) and len(pf[0]) and pf[0][0].diff_line_no:
        end = pf[0][0].diff_line_no - 2  # the first hunk's @@ line
    return lines[start:end]


def _paths(lines: list[str], pf: unidiff.PatchedFile, next_start: int) -> dict:
    """Old and new path, status markers, read from the entry's own lines."""
    info: dict = {"old": None, "new": None}
    info.update(added=False, deleted=False, renamed=False, mode=False)
    git = bool(pf.patch_info) and pf.patch_info[0].startswith("diff --git ")
    old_tok = new_tok = None
    if git:
        block = _header_block(lines, pf, next_start)
        header = _split_git_header(block[0][len("diff --git ") :].rstrip("\r\n"))
        if header is None:
            # an ambiguous header: unidiff's guess, which "---"/"+++" or rename lines override
            header = (pf.source_file or DEV_NULL, pf.target_file or DEV_NULL)
        old_tok, new_tok = header
        rest = block[0][len("diff --git ") :]
        prefixed = bool(re.match(r'"?[abciow12]/', rest) and re.search(r' "?[abciow12]/', rest))
        renamed_from = renamed_to = None
        for line in block[1:]:
            line = line.rstrip("\r\n")
            if line.startswith("new file mode "):
                info["added"] = True
            elif line.startswith("deleted file mode "):
                info["deleted"] = True
            elif line.startswith(("old mode ", "new mode ")):
                info["mode"] = True
            elif line.startswith(("rename from ", "copy from ")):
                renamed_from = _unquote(line.split(" ", 2)[2])
            elif line.startswith(("rename to ", "copy to ")):
                renamed_to = _unquote(line.split(" ", 2)[2])
            elif (m := RE_SOURCE_FILENAME.match(line)) is not None:
                old_tok = m.group("filename")
            elif (m := RE_TARGET_FILENAME.match(line)) is not None:
                new_tok = m.group("filename")
        old, new = _unquote(old_tok), _unquote(new_tok)
        if prefixed:
            old = old if old == DEV_NULL else old[2:]
            new = new if new == DEV_NULL else new[2:]
        if renamed_from is not None and renamed_to is not None:
            old, new, info["renamed"] = renamed_from, renamed_to, True
    else:
        old, new = _unquote(pf.source_file or DEV_NULL), _unquote(pf.target_file or DEV_NULL)
        # without a git header, a/ and b/ are prefixes only when both sides use them
        if (old == DEV_NULL or old.startswith("a/")) and (new == DEV_NULL or new.startswith("b/")):
            old = old if old == DEV_NULL else old[2:]
            new = new if new == DEV_NULL else new[2:]
    info["old"] = None if old == DEV_NULL or info["added"] else old
    info["new"] = None if new == DEV_NULL or info["deleted"] else new
    return info


def _convert_hunk(h: unidiff.Hunk) -> Hunk:
    out: list[Line] = []
    for ul in h:
        kind = ul.line_type
        if kind == "\\":
            if out:
                last = out[-1]
                out[-1] = Line(last.kind, last.old, last.new, last.text, last.crlf, True)
            continue
        if kind not in ("+", "-", " "):
            continue  # unidiff's record of a blank separator line after the hunk
        text = ul.value[:-1] if ul.value.endswith("\n") else ul.value
        crlf = text.endswith("\r")
        if crlf:
            text = text[:-1]
        if kind == "+":
            out.append(Line("add", None, ul.target_line_no, text, crlf))
        elif kind == "-":
            out.append(Line("remove", ul.source_line_no, None, text, crlf))
        else:
            out.append(Line("context", ul.source_line_no, ul.target_line_no, text, crlf))
    return Hunk(
        h.source_start,
        h.source_length,
        h.target_start,
        h.target_length,
        h.section_header.rstrip("\r"),
        tuple(out),
    )


def _check_no_overrun(lines: list[str], pf: unidiff.PatchedFile) -> tuple[str, int] | None:
    """unidiff stops reading a hunk once its counts are met and drops what follows; a body
    line right after a hunk means the header under-counts, so say so instead of losing it."""
    for h in pf:
        numbers = [ul.diff_line_no for ul in h if ul.diff_line_no]
        if not numbers:
            continue
        i = max(numbers)  # index of the line after the hunk's last line
        while i < len(lines) and (lines[i].startswith("\\") or lines[i] in ("\n", "\r\n")):
            i += 1
        if i >= len(lines):
            continue
        nxt = lines[i]
        signature = nxt.rstrip("\r\n") == "-- "  # git format-patch ends a mail with it
        if nxt[:1] in (" ", "+", "-") and not signature and not _is_file_header(lines, i):
            header = min(numbers) - 2
            problem = _check_hunk_at(lines, header) or (
                f"hunk at line {header + 1} is malformed: "
                f"line {i + 1} follows it but is not counted in its header"
            )
            return problem, header + 1
    return None


def _parse(text: str, source: str) -> tuple[FileDiff, ...]:
    def fail(problem: str, line: int | None = None) -> DiffError:
        return DiffError(f"{source}: {problem}", source=source, line=line)

    if not isinstance(text, str):
        raise TypeError(f"a diff is text, not {type(text).__name__}")
    if not text.strip():
        raise fail("the diff is empty")
    lines, fed = _prepare(_split_lines(text))
    try:
        patch = unidiff.PatchSet(fed)
    except (unidiff.UnidiffParseError, UnicodeError) as exc:
        problem, line = _explain(exc, lines)
        raise fail(problem, line) from None
    if not len(patch):
        raise fail(
            "no file headers found "
            "(expected 'diff --git a/... b/...' or '--- ...' and '+++ ...' lines)"
        )

    starts = [(pf.diff_line_no or 1) - 1 for pf in patch] + [len(lines)]
    files = []
    for n, pf in enumerate(patch):
        overrun = _check_no_overrun(lines, pf)
        if overrun:
            raise fail(*overrun)
        info = _paths(lines, pf, starts[n + 1])
        if info["old"] is None and info["new"] is None:
            raise fail(f"file entry at line {starts[n] + 1} names no file", starts[n] + 1)
        hunks = tuple(_convert_hunk(h) for h in pf)
        justified = pf.is_binary_file or any(
            info[k] for k in ("renamed", "added", "deleted", "mode")
        )
        if not hunks and not justified:
            name = info["new"] or info["old"]
            where = starts[n] + 1
            raise fail(f"file {name!r} at line {where} has a header but no hunks", where)
        if info["old"] is None:
            status = "added"
        elif info["new"] is None:
            status = "deleted"
        elif info["renamed"] or info["old"] != info["new"]:
            status = "renamed"
        else:
            status = "modified"
        files.append(FileDiff(info["old"], info["new"], status, bool(pf.is_binary_file), hunks))
    return tuple(files)


# --------------------------------------------------------------------------- writing


def _quote_path(path: str) -> str:
    # git quotes names holding quotes, backslashes or control characters; non-ASCII stays
    # readable, as with core.quotePath=false, and git apply reads it either way.
    if not any(c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return path
    names = {v: k for k, v in _C_ESCAPES.items() if k not in "abvf"}
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
    return _split_lines(text)


def _range(start: int, length: int) -> str:
    # git's convention: an empty range names the line before it, a single line drops ",1"
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _body(prefix: str, line: str) -> str:
    if line.endswith("\n"):
        return prefix + line
    return f"{prefix}{line}\n{NO_NEWLINE_MARKER}\n"


def unified_diff(
    before: dict[str, str], after: dict[str, str], *, context: int | None = None
) -> str:
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
