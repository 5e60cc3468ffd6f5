"""Rich formatting for review text: paragraphs, bullet lists, bold, and search highlights."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BULLET = "- "


def format_body(body: str) -> Markup:
    """Turn a review body into HTML using the small formatting syntax reviewers may use.

    A blank line starts a new paragraph, a paragraph whose lines all start with "- " becomes
    a bulleted list, and text between double asterisks is bold.
    """
    blocks: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(body.strip()):
        if not paragraph:
            continue
        lines = [_BOLD.sub(r"<strong>\1</strong>", line) for line in paragraph.splitlines()]
        if all(line.startswith(_BULLET) for line in lines):
            items = "".join(f"<li>{line[len(_BULLET):]}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br>".join(lines) + "</p>")
    return Markup("".join(blocks))


def highlight_terms(text: str, terms: Sequence[str]) -> str:
    """Return ``text`` as HTML with every occurrence of a search term wrapped in <mark>.

    Matching ignores case. The text itself is escaped here, piece by piece.
    """
    words = sorted((term for term in terms if term.strip()), key=len, reverse=True)
    if not words:
        return str(escape(text))
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(str(escape(text[position:match.start()])))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(str(escape(text[position:])))
    return "".join(pieces)
