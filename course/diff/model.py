"""The diff model: immutable files, hunks and lines, each line addressed by (side, number)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

__all__ = ["DEV_NULL", "NO_NEWLINE_MARKER", "DiffError", "FileDiff", "Hunk", "Line", "split_lines"]

DEV_NULL = "/dev/null"
NO_NEWLINE_MARKER = "\\ No newline at end of file"
# git's C-style escapes in quoted paths: read by the parser, written by the writer.
C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


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


def split_lines(text: str) -> list[str]:
    # Only "\n" ends a line in a diff; str.splitlines would also split on "\r", "\x0c",
    # "\u2028"... which are legitimate characters inside a line of code.
    return list(io.StringIO(text, newline="\n"))
