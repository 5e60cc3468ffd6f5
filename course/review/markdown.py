"""Markdown (PR descriptions, hints, explanations) as plain data, parsed by markdown-it-py.

Nothing here produces HTML: the result is blocks of [kind, text] runs that a page builds with
text nodes (the viewer) or escapes itself (feedback pages). Raw HTML in the source stays text,
and links are kept as their text and address, never made clickable.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["plain_text", "render_markdown"]


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # markdown-it drops links it would not follow (javascript:, data:); we never follow any, and
    # a learner should see the address the author wrote, so every link is kept, as text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = _parser()


def _runs(children: list[Token] | None) -> list[list[str]]:
    """Inline tokens -> [kind, text] runs: text, code, strong, url."""
    out: list[list[str]] = []
    strong = 0
    href: list[str] = []
    boundary = [False]  # a link's text starts a run of its own

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == kind and kind in ("text", "strong") and not boundary[0]:
            out[-1][1] += text
        else:
            out.append([kind, text])
        boundary[0] = False

    for tok in children or []:
        if tok.type == "text":
            add("strong" if strong else "text", tok.content)
        elif tok.type == "code_inline":
            out.append(["code", tok.content])
        elif tok.type in ("softbreak", "hardbreak"):
            add("strong" if strong else "text", " ")
        elif tok.type == "strong_open":
            strong += 1
        elif tok.type == "strong_close":
            strong -= 1
        elif tok.type == "link_open":
            href.append(str(tok.attrs.get("href", "")))
            boundary[0] = True
        elif tok.type == "link_close":
            out.append(["url", href.pop() if href else ""])
            boundary[0] = True
        elif tok.type == "image":
            add("text", tok.content)
            out.append(["url", str(tok.attrs.get("src", ""))])
        elif tok.type in ("html_inline",):  # unreachable with html off; kept as text regardless
            add("text", tok.content)
    return out


def render_markdown(text: str) -> list[dict[str, Any]]:
    """Markdown as blocks: {"t": "h"|"p", "c": runs}, {"t": "ul"|"ol", "items": [runs]},
    {"t": "pre", "text": str}. Quotes and nested lists are flattened into their items."""
    blocks: list[dict[str, Any]] = []
    lists: list[dict[str, Any]] = []
    item_open = False
    tokens = _MD.parse(text or "")
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                block: dict[str, Any] = {"t": "ul" if tok.type == "bullet_list_open" else "ol", "items": []}
                blocks.append(block)
                lists.append(block)
            else:
                lists.append(lists[-1])
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "list_item_open":
            if len(lists) == 1:
                lists[0]["items"].append([])
            item_open = True
        elif tok.type == "list_item_close":
            item_open = False
        elif tok.type == "inline":
            runs = _runs(tok.children)
            if lists and item_open:
                item = lists[0]["items"][-1]
                if item and runs:
                    item.append(["text", " "])
                item.extend(runs)
            elif tokens[i - 1].type == "heading_open":
                blocks.append({"t": "h", "c": runs})
            else:
                blocks.append({"t": "p", "c": runs})
        elif tok.type in ("fence", "code_block"):
            blocks.append({"t": "pre", "text": tok.content.rstrip("\n")})
    return blocks


def plain_text(text: str) -> str:
    """The Markdown's words without its marks, one line per block (for terminal output)."""
    lines = []
    for block in render_markdown(text):
        if block["t"] == "pre":
            lines.append(block["text"])
        elif block["t"] in ("ul", "ol"):
            for n, runs in enumerate(block["items"], 1):
                mark = f"{n}." if block["t"] == "ol" else "-"
                lines.append(f"{mark} " + "".join(t if k != "url" else f" ({t})" for k, t in runs))
        else:
            lines.append("".join(t if k != "url" else f" ({t})" for k, t in block["c"]))
    return "\n".join(lines)
