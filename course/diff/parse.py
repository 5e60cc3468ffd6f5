"""Parsing unified diffs (a real `git diff`, or two texts) into the model, on top of unidiff."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import unidiff
from unidiff.constants import (
    RE_DIFF_GIT_HEADER,
    RE_DIFF_GIT_HEADER_NO_PREFIX,
    RE_DIFF_GIT_HEADER_URI_LIKE,
    RE_HUNK_HEADER,
    RE_SOURCE_FILENAME,
    RE_TARGET_FILENAME,
)

from .model import (
    C_ESCAPES,
    DEV_NULL,
    DiffError,
    FileDiff,
    Hunk,
    Line,
    split_lines,
)
from .write import unified_diff

__all__ = ["Diff"]

_PREFIX = re.compile(r"^[abciow12]/")  # git's a/ b/, its mnemonic prefixes, and --no-index 1/ 2/


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
        elif body[i + 1] in C_ESCAPES:
            out.append(C_ESCAPES[body[i + 1]])
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
    return lines[i].startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")


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
    git = pf.patch_info is not None and len(pf.patch_info) > 0 and pf.patch_info[0].startswith("diff --git ")
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
                f"hunk at line {header + 1} is malformed: line {i + 1} follows it but is not counted in its header"
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
    lines, fed = _prepare(split_lines(text))
    try:
        patch = unidiff.PatchSet(fed)
    except (unidiff.UnidiffParseError, UnicodeError) as exc:
        problem, line = _explain(exc, lines)
        raise fail(problem, line) from None
    if not len(patch):
        raise fail("no file headers found (expected 'diff --git a/... b/...' or '--- ...' and '+++ ...' lines)")

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
        justified = pf.is_binary_file or any(info[k] for k in ("renamed", "added", "deleted", "mode"))
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
