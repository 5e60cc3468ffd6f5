"""Syntax highlighting for the diff viewer: Pygments tokens as escaped HTML, one string per line."""

from __future__ import annotations

import html
import os
from functools import cache, lru_cache

from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_for_filename
from pygments.lexers.configs import TerraformLexer
from pygments.lexers.javascript import TypeScriptLexer
from pygments.lexers.special import TextLexer
from pygments.styles import get_all_styles, get_style_by_name
from pygments.token import STANDARD_TYPES

from .model import FileDiff

__all__ = [
    "contrast",
    "fit",
    "grounds",
    "highlight_file_diff",
    "highlight_lines",
    "highlight_runs",
    "lexer_for",
    "stylesheet",
]

LIGHT_STYLE = "default"
DARK_STYLES = ("github-dark", "monokai")  # the first one this Pygments has
# Classes painted as plain text: plain text and whitespace need no colour, and a hunk is a
# fragment of a file, so the lexer's "error" tokens are usually artefacts, not mistakes.
PLAIN = frozenset({"", "w", "err"})


# File names Pygments gets wrong by its patterns: go.mod would be read as Modula-2, and the
# ES-module TypeScript extensions and Terraform's variable files (.tfvars, HCL attributes) are
# not registered. (JavaScript .js/.mjs/.cjs, TypeScript .ts, .tsx, Go .go, Terraform .tf/.hcl
# and YAML .yml/.yaml are found by Pygments itself.)
_BY_NAME: dict[str, type[Lexer]] = {"go.mod": TextLexer, "go.sum": TextLexer, "go.work": TextLexer}
_BY_SUFFIX: dict[str, type[Lexer]] = {".mts": TypeScriptLexer, ".cts": TypeScriptLexer, ".tfvars": TerraformLexer}


@lru_cache(maxsize=512)
def _lexer_class(name: str) -> type[Lexer]:
    special = _BY_NAME.get(name) or _BY_SUFFIX.get(os.path.splitext(name)[1].lower())
    if special is not None:
        return special
    try:
        cls = find_lexer_class_for_filename(name)
    except Exception:  # a lexer plugin misbehaving must not break the viewer
        cls = None
    return cls or TextLexer


def lexer_for(path: str) -> Lexer:
    """The Pygments lexer for a file name, or the plain-text lexer; never raises."""
    name = os.path.basename(str(path))
    # stripnl=False: Pygments would otherwise drop leading blank lines and shift every line
    try:
        return _lexer_class(name)(stripnl=False)
    except Exception:
        return TextLexer(stripnl=False)


@cache
def _short(ttype) -> str:
    # custom token types of a lexer take the class of their nearest standard ancestor
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


def _tokens(text: str, path: str) -> list[tuple[str, str]]:
    """(class, text) pairs that concatenate to exactly `text`."""
    try:
        # get_tokens_unprocessed, not get_tokens: the latter rewrites "\r" as "\n" and
        # expands tabs, which would change what the learner reads.
        pairs = [(_short(t), v) for _, t, v in lexer_for(path).get_tokens_unprocessed(text)]
    except Exception:
        pairs = []
    if "".join(v for _, v in pairs) != text:
        return [("", text)]  # a lexer that loses or invents text: show the text uncoloured
    return pairs


def _escape(text: str) -> str:
    # "\r" as a character reference keeps every output string on one physical line
    return html.escape(text, quote=True).replace("\r", "&#13;")


def highlight_runs(code: str, path: str) -> list[list[list[str]]]:
    """One list of [class, text] runs per line of `code`, highlighted as the file `path` would
    be (lines counted as in `highlight_lines`). A class is a Pygments short name ("k", "s2") or
    "" for plain text; the text is raw, for a page that builds text nodes itself."""
    if not code:
        return []
    text = code if code.endswith("\n") else code + "\n"  # lexers expect a finished last line
    lines: list[list[list[str]]] = [[]]
    for css, value in _tokens(text, path):
        css = "" if css in PLAIN else css
        for k, part in enumerate(value.split("\n")):
            if k:
                lines.append([])
            if not part:
                continue
            current = lines[-1]
            if current and current[-1][0] == css:
                current[-1][1] += part  # one run for a run of tokens of the same class
            else:
                current.append([css, part])
    lines.pop()  # the empty line after the final "\n"
    return lines


def highlight_lines(code: str, path: str) -> list[str]:
    """One HTML string per line of `code`, highlighted as the file `path` would be.

    A line ends at "\\n" or at the end of `code`; a final "\\n" does not start another line,
    so the result has `code.count("\\n")` entries when `code` ends with "\\n" (or is empty)
    and one more otherwise: "" -> [], "a" -> [1 entry], "a\\n" -> [1], "a\\n\\n" -> [2].

    Each string is text and `<span class="tok-XX">` elements (XX a Pygments short class
    name such as "k" or "s2"), with every character escaped; a token spanning lines (a
    docstring, a block comment) is cut at each newline so every line's spans close on that
    line. There is no `<pre>` and no newline in the output; tabs stay tabs."""
    return [
        "".join(_escape(part) if not css else f'<span class="tok-{css}">{_escape(part)}</span>' for css, part in line)
        for line in highlight_runs(code, path)
    ]


def highlight_file_diff(fd: FileDiff) -> list[list[str]]:
    """Per hunk, per line, the HTML of that line's text.

    The new side of a hunk (context and added lines) is highlighted as one text, and so is
    the old side (context and removed lines), so a token that spans lines is coloured right
    on both; each line then takes its HTML from its own side. A binary file gives []."""
    path = fd.path
    result = []
    for hunk in fd.hunks:
        new_idx = [i for i, line in enumerate(hunk.lines) if line.kind != "remove"]
        old_idx = [i for i, line in enumerate(hunk.lines) if line.kind == "remove"]
        old_side = [line for line in hunk.lines if line.kind != "add"]
        html_by_line: list[str] = [""] * len(hunk.lines)
        new_html = highlight_lines("".join(hunk.lines[i].text + "\n" for i in new_idx), path)
        for i, h in zip(new_idx, new_html):
            html_by_line[i] = h
        if old_idx:
            old_html = highlight_lines("".join(line.text + "\n" for line in old_side), path)
            removed = (h for line, h in zip(old_side, old_html) if line.kind == "remove")
            for i, h in zip(old_idx, removed):
                html_by_line[i] = h
        result.append(html_by_line)
    return result


def _declarations(spec: dict) -> dict[str, str]:
    decl = {}
    if spec.get("color") and not spec["color"].startswith("ansi"):
        decl["color"] = "#" + spec["color"].lstrip("#")
    if spec.get("bgcolor") and not spec["bgcolor"].startswith("ansi"):
        decl["background-color"] = "#" + spec["bgcolor"].lstrip("#")
    if spec.get("bold"):
        decl["font-weight"] = "bold"
    if spec.get("italic"):
        decl["font-style"] = "italic"
    if spec.get("underline"):
        decl["text-decoration"] = "underline"
    return decl


# The grounds a token is read on: the theme's page (JupyterLab's --jp-layout-color0), and that page
# under viewer.css's translucent tints of an added, a removed and a selected line (the same
# numbers as --cra-add-bg, --cra-del-bg and --cra-sel-bg; tests/test_highlight.py holds them
# equal). Pygments' own styles are made for a plain page: on the tints 'default' fell to 3.95:1
# (walk-through 28 measured it) and 'github-dark' to 3.1:1 on a selected line.
TINTS = {"add": ((46, 160, 67), 0.16), "del": ((248, 81, 73), 0.16), "sel": ((255, 196, 0), 0.28)}
PAGES = {"light": (255, 255, 255), "dark": (17, 17, 17)}
MIN_CONTRAST = 4.5  # WCAG 2 AA for text


def _over(tint: tuple[float, ...], alpha: float, page: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(tint, page))


def grounds(theme: str) -> list[tuple[float, ...]]:
    """The colours a token of `theme` ("light" or "dark") may be read on."""
    page = PAGES[theme]
    return [page, *(_over(tint, alpha, page) for tint, alpha in TINTS.values())]


def _luminance(rgb: tuple[float, ...]) -> float:
    def linear(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG 2's contrast ratio of two colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(v):02x}" for v in rgb)


def fit(color: str, theme: str) -> str:
    """`color` ("#rrggbb"), or the nearest mix of it with black (light) or white (dark) that reads
    at MIN_CONTRAST on every ground of `theme`."""
    rgb = tuple(float(int(color.lstrip("#")[i : i + 2], 16)) for i in (0, 2, 4))
    toward = (0.0, 0.0, 0.0) if theme == "light" else (255.0, 255.0, 255.0)
    for step in range(21):
        mixed = _over(toward, step / 20, rgb)
        if min(contrast(mixed, g) for g in grounds(theme)) >= MIN_CONTRAST:
            return color.lower() if step == 0 else _hex(mixed)
    return _hex(toward)


def _style_rules(name: str, theme: str) -> dict[str, dict[str, str]]:
    rules = {}
    for ttype, spec in get_style_by_name(name):
        css = STANDARD_TYPES.get(ttype)
        if css is None or css in PLAIN:
            continue
        decl = _declarations(spec)
        if "color" in decl:
            decl["color"] = fit(decl["color"], theme)
        if decl:
            rules[css] = decl
    return rules


# What a dark rule sets when its style leaves a property alone, so no light colour leaks through.
_RESET = {
    "color": "inherit",
    "background-color": "transparent",
    "font-weight": "inherit",
    "font-style": "inherit",
    "text-decoration": "none",
}


def _block(selector: str, decl: dict[str, str]) -> str:
    body = " ".join(f"{k}: {v};" for k, v in decl.items())
    return f"{selector} {{ {body} }}"


@lru_cache(maxsize=16)
def stylesheet(scope: str = ".cra-code") -> str:
    """CSS for the tok-* classes inside `scope`: a light Pygments style by default, and a
    dark one when JupyterLab says its theme is dark (`data-jp-theme-light="false"`), each colour
    darkened (lightened) where needed to read at MIN_CONTRAST on the diff's tints (`fit`)."""
    available = set(get_all_styles())
    dark_name = next((n for n in DARK_STYLES if n in available), LIGHT_STYLE)
    light, dark = _style_rules(LIGHT_STYLE, "light"), _style_rules(dark_name, "dark")
    out = [f"/* Pygments '{LIGHT_STYLE}' (light) and '{dark_name}' (dark) for {scope} */"]
    for css in sorted(light):
        out.append(_block(f"{scope} .tok-{css}", light[css]))
    dark_scope = f'[data-jp-theme-light="false"] {scope}'
    # the dark rules cover every class the light ones colour, so none keeps a light colour
    for css in sorted(light.keys() | dark.keys()):
        out.append(_block(f"{dark_scope} .tok-{css}", {**_RESET, **dark.get(css, {})}))
    return "\n".join(out) + "\n"
