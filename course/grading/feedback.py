"""The course's per-defect feedback: the grade cell's text, the section put into nbgrader's page, the leak check.

What each item shows of the key is decided by `course.scoring.disclosure.disclose`, the one
policy; this module only lays it out (plain text for the grade cell's stdout, HTML for the
page a student fetches) and checks a student's pages against `allowed_key_texts`.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from .hidden_test import Rescore, feedback_text

__all__ = ["SECTION_ID", "feedback_leaks", "feedback_section", "feedback_text", "inject_feedback"]

SECTION_ID = "course-review-feedback"
_SECTION = re.compile(rf"\n?<!-- {SECTION_ID} -->.*?<!-- /{SECTION_ID} -->\n?", re.S)


def _style(sid: str) -> str:
    return (
        f"<style>#{sid}{{font:15px/1.5 system-ui,sans-serif;color:#1f2328;border:1px solid #d0d7de;"
        "border-radius:6px;padding:.5rem 1.25rem 1rem;margin:1rem 0}"
        f"#{sid} h2{{font-size:1.3rem}}#{sid} h3{{font-size:1.1rem;margin-top:1.25rem}}#{sid} li{{margin:.6rem 0}}"
        f"#{sid} .found{{color:#1a7f37}}#{sid} .miscategorised{{color:#9a6700}}#{sid} .missed{{color:#cf222e}}"
        f"#{sid} .false-positive{{color:#57606a}}#{sid} .label{{font-weight:600}}"
        f"#{sid} .text{{white-space:pre-wrap;margin:.2rem 0 0;color:#1f2328}}</style>"
    )


def _review_html(outcome: Rescore) -> list[str]:
    from ..scoring.disclosure import disclose

    parts = [f"<h3>Review of {escape(outcome.slug)}: {outcome.points:g} of {outcome.max_points:g} points</h3>"]
    if outcome.problem is not None:
        return [*parts, f'<p class="missed">{escape(outcome.problem)}</p>']
    result = outcome.result
    assert result is not None
    parts.append(
        f"<p>Precision {result.precision:.2f}, recall {result.recall:.2f}; verdict "
        f"{escape(result.verdict or 'none')} (expected {escape(result.verdict_expected)}).</p><ul>"
    )
    for item in disclose(outcome.slug, result):
        title = f" {escape(item.title)}" if item.title else ""
        parts.append(
            f'<li class="{item.kind}"><span class="label">{escape(item.label)}</span>{title}'
            f'<p class="text">{escape(item.text)}</p></li>'
        )
    parts.append("</ul>")
    return parts


def feedback_section(outcomes: list[Rescore]) -> str:
    """The course's per-defect feedback on some reviews, as an HTML fragment for the top of
    nbgrader's feedback page of the notebook that holds them (see `inject_feedback`).

    Found and miscategorised defects: title and explanation; missed: the first hint only;
    false positives: the decoy's why_fine. Its styles are scoped to the section.
    """
    sid = SECTION_ID
    parts = [
        f"<!-- {sid} -->",
        f'<div class="container"><section id="{sid}">',
        _style(sid),
        "<h2>Your reviews, defect by defect</h2>",
        "<p>A missed defect is shown only by its first hint: go back to the diff and find it.</p>",
    ]
    for outcome in outcomes:
        parts.extend(_review_html(outcome))
    parts.append(f"</section></div>\n<!-- /{sid} -->")
    return "\n".join(parts)


def inject_feedback(page: Path, section: str) -> None:
    """Put `section` at the top of nbgrader's feedback page `page` (just inside <body>).

    nbgrader's release_feedback publishes every *.html of a student's feedback folder, but a
    student's fetch_feedback only finds `<notebook>.html` for each notebook submitted, so the
    course's feedback must live inside that page. Injecting again replaces the old section.
    """
    text = _SECTION.sub("\n", page.read_text(encoding="utf-8"))
    body = re.search(r"<body\b[^>]*>", text, re.I)
    at = body.end() if body else 0
    page.write_text(f"{text[:at]}\n{section}\n{text[at:]}", encoding="utf-8")


def feedback_leaks(folder: Path, outcomes: list[Rescore], secrets: dict[str, str]) -> list[str]:
    """Labels of key texts in a student's feedback pages that the student did not earn."""
    from ..scoring.disclosure import allowed_key_texts, leaks

    labels, texts = allowed_key_texts((o.slug, o.result) for o in outcomes)
    found: list[str] = []
    for page in sorted(folder.glob("*.html")):
        for label in leaks(page.read_text(encoding="utf-8", errors="replace"), secrets):
            if label not in labels and secrets[label] not in texts and label not in found:
                found.append(label)
    return found
