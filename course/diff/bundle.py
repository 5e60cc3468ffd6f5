"""The public face of an exercise: a pull request (title, author, description) plus its unified diff."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .model import DiffError
from .parse import Diff

__all__ = ["Bundle", "load_bundle", "parse_bundle", "render_bundle"]

_HEADER = re.compile(r"^(Exercise|Title|Author):[ \t]?(.*)$")
# Where the diff starts: a git header, or a plain unified diff's old-file line.
_DIFF_START = re.compile(r"^(diff --git |--- )", re.MULTILINE)


@dataclass(frozen=True)
class Bundle:
    """A pull request to review. Every field is untrusted text: the viewer escapes it."""

    slug: str | None
    title: str
    author: str
    description: str
    diff: Diff

    @property
    def diff_sha256(self) -> str:
        return self.diff.sha256


def render_bundle(slug: str, title: str, author: str, description: str, diff_text: str) -> str:
    """Write a bundle: mail-style headers, a blank line, the description, a blank line, the diff."""
    body = description.strip("\n")
    if _DIFF_START.search(body):
        raise ValueError(
            f"exercise {slug}: the description has a line starting with 'diff --git ' or '--- ', "
            "which would be read as the start of the diff; reword it"
        )
    for name, value in (("title", title), ("author", author)):
        if "\n" in value:
            raise ValueError(f"exercise {slug}: the {name} must be one line")
    return f"Exercise: {slug}\nTitle: {title}\nAuthor: {author}\n\n{body}\n\n{diff_text}"


def parse_bundle(text: str, source: str = "<diff>") -> Bundle:
    """Split a bundle into its parts; a plain diff (from git or any tool) is a bundle without them."""
    match = _DIFF_START.search(text)
    if match is None:
        raise DiffError(f"{source}: no diff found (expected a line starting with 'diff --git ' or '--- ')")
    preamble, diff_text = text[: match.start()], text[match.start() :]
    headers: dict[str, str] = {}
    lines = preamble.splitlines()
    i = 0
    while i < len(lines):
        m = _HEADER.match(lines[i])
        if not m:
            break
        headers[m.group(1).lower()] = m.group(2).strip()
        i += 1
    description = "\n".join(lines[i:]).strip("\n")
    diff = Diff.parse(diff_text, source=source)
    title = headers.get("title") or Path(source).stem
    return Bundle(
        slug=headers.get("exercise"),
        title=title,
        author=headers.get("author", ""),
        description=description,
        diff=diff,
    )


def load_bundle(path: str | os.PathLike) -> Bundle:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such diff file (is it beside the notebook?)") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiffError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_bundle(text, source=str(path))
