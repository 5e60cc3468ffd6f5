"""The course's per-defect feedback: the grade cell's text, the section put into nbgrader's page, the leak check.

What each item shows of the key is decided by `course.scoring.disclosure.disclose`, the one
policy; this module only lays it out (plain text for the grade cell's stdout, HTML for the
page a student fetches), works out a graded student's section from what `course grade` left
(`graded_feedback`, for every path to feedback: see preprocessors.CourseReviewFeedback) and
checks a student's pages against `allowed_key_texts`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .hidden_test import GradingError, Rescore, feedback_text, rescore
from .results import GRADING_DIR

if TYPE_CHECKING:  # pragma: no cover
    from ..keys.bank import Bank
    from .cells import ReviewCell

__all__ = [
    "SECTION_ID",
    "FeedbackLeakError",
    "FeedbackRefusedError",
    "GradedFeedback",
    "feedback_leaks",
    "feedback_section",
    "feedback_text",
    "graded_feedback",
    "inject_feedback",
    "insert_section",
    "page_leaks",
]

SECTION_ID = "course-review-feedback"
# What insert_section adds (the section between a newline after <body> and one before what
# followed), and any other copy of it: both are taken out before it goes in again.
_INSERTED = re.compile(rf"\n<!-- {SECTION_ID} -->.*?<!-- /{SECTION_ID} -->\n", re.S)
_SECTION = re.compile(rf"<!-- {SECTION_ID} -->.*?<!-- /{SECTION_ID} -->", re.S)

# Every rule is scoped to the section and every class is the course's own (cra-): nbgrader's
# feedback page carries Bootstrap 3, whose `.label` is white on a background it leaves to
# `.label-*` classes and whose root font size is 10px (so rem sizes shrink). Sizes are px.
_STYLE = (
    "#{sid}{{font:15px/1.55 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#fff;"
    "border:1px solid #d0d7de;border-radius:6px;padding:8px 20px 16px;margin:16px 0}}"
    "#{sid} h2{{font-size:24px;line-height:1.3;font-weight:600;color:#1f2328;margin:12px 0 8px}}"
    "#{sid} h3{{font-size:19px;line-height:1.3;font-weight:600;color:#1f2328;margin:20px 0 6px}}"
    "#{sid} p{{font-size:15px;margin:6px 0}}"
    "#{sid} ul.cra-items{{list-style:none;padding-left:0;margin:8px 0}}"
    "#{sid} li.cra-item{{margin:12px 0;padding-left:10px;border-left:3px solid #d0d7de}}"
    "#{sid} .cra-title{{font-weight:600}}"
    "#{sid} .cra-status{{display:inline-block;font-size:13px;font-weight:600;line-height:1.5;"
    "padding:0 8px;margin-right:8px;border-radius:10px;border:1px solid}}"
    "#{sid} .cra-found .cra-status{{color:#116329;background:#dafbe1;border-color:#4ac26b}}"
    "#{sid} .cra-miscategorised .cra-status{{color:#7d4e00;background:#fff8c5;border-color:#d4a72c}}"
    "#{sid} .cra-missed .cra-status{{color:#a40e26;background:#ffebe9;border-color:#ff8182}}"
    "#{sid} .cra-false-positive .cra-status{{color:#424a53;background:#eaeef2;border-color:#afb8c1}}"
    "#{sid} .cra-found{{border-left-color:#4ac26b}}#{sid} .cra-miscategorised{{border-left-color:#d4a72c}}"
    "#{sid} .cra-missed{{border-left-color:#ff8182}}"
    "#{sid} .cra-problem{{color:#a40e26}}"
    "#{sid} .cra-text{{margin:4px 0 0;color:#1f2328}}"
    "#{sid} .cra-text h1,#{sid} .cra-text h2,#{sid} .cra-text h3,#{sid} .cra-text h4,#{sid} .cra-text h5,"
    "#{sid} .cra-text h6{{font-size:16px;margin:8px 0 4px}}"
    "#{sid} code{{font-size:13px;color:#1f2328;background:#eff1f3;padding:1px 4px;border-radius:4px}}"
    "#{sid} pre{{font-size:13px;color:#1f2328;background:#f6f8fa;border:1px solid #d0d7de;padding:8px}}"
    "#{sid} pre code{{padding:0;background:none}}"
)


@cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # Raw HTML off: a key's text is the author's, but it is shown in a student's page, and
    # nothing in it is ever markup; links it would not follow (javascript:) stay text.
    return MarkdownIt("commonmark", {"html": False})


def markdown_html(text: str) -> str:
    """A key text (Markdown, hard-wrapped in key.toml) as HTML blocks: paragraphs flow."""
    return str(_markdown().render(text or "")).strip()


def _title_html(kind: str, title: str) -> str:
    if not title:
        return ""
    # a false positive's title is where the student flagged (untrusted): text, never Markdown
    inner = escape(title) if kind == "false-positive" else _markdown().renderInline(title)
    return f' <span class="cra-title">{inner}</span>'


def _review_html(outcome: Rescore) -> list[str]:
    from ..scoring.disclosure import disclose

    parts = [f"<h3>Review of {escape(outcome.slug)}: {outcome.points:g} of {outcome.max_points:g} points</h3>"]
    if outcome.problem is not None:
        return [*parts, f'<p class="cra-problem">{escape(outcome.problem)}</p>']
    result = outcome.result
    assert result is not None
    parts.append(
        f"<p>Precision {result.precision:.2f}, recall {result.recall:.2f}; verdict "
        f"{escape(result.verdict or 'none')} (expected {escape(result.verdict_expected)}).</p>"
    )
    if outcome.stale:
        parts.append("<p>Note: this review was made against another version of the diff.</p>")
    parts.append('<ul class="cra-items">')
    for item in disclose(outcome.slug, result):
        parts.append(
            f'<li class="cra-item cra-{item.kind}"><span class="cra-status">{escape(item.label)}</span>'
            f'{_title_html(item.kind, item.title)}<div class="cra-text">{markdown_html(item.text)}</div></li>'
        )
    parts.append("</ul>")
    return parts


def feedback_section(outcomes: list[Rescore]) -> str:
    """The course's per-defect feedback on some reviews, as an HTML fragment for the top of
    nbgrader's feedback page of the notebook that holds them (see `insert_section`).

    Found and miscategorised defects: title and explanation; missed: the first hint only;
    false positives: the decoy's why_fine (`disclose` decides). The key's texts are Markdown,
    rendered with raw HTML off; everything a student wrote is escaped. Its styles are scoped
    to the section.
    """
    sid = SECTION_ID
    parts = [
        f"<!-- {sid} -->",
        f'<div class="container"><section id="{sid}">',
        f"<style>{_STYLE.format(sid=sid)}</style>",
        "<h2>Your reviews, defect by defect</h2>",
        "<p>A missed defect is shown only by its first hint: go back to the diff and find it.</p>",
    ]
    for outcome in outcomes:
        parts.extend(_review_html(outcome))
    parts.append(f"</section></div>\n<!-- /{sid} -->")
    return "\n".join(parts)


def insert_section(page: str, section: str) -> str:
    """nbgrader's feedback page `page` with `section` at its top (just inside <body>); any
    section put in before is taken out first, so inserting again changes nothing."""
    text = _SECTION.sub("", _INSERTED.sub("", page))
    body = re.search(r"<body\b[^>]*>", text, re.I)
    at = body.end() if body else 0
    return f"{text[:at]}\n{section}\n{text[at:]}"


def inject_feedback(page: Path, section: str) -> None:
    """Put `section` at the top of nbgrader's feedback page file `page` (see `insert_section`).

    nbgrader's release_feedback publishes every *.html of a student's feedback folder, but a
    student's fetch_feedback only finds `<notebook>.html` for each notebook submitted, so the
    course's feedback must live inside that page. Injecting again replaces the old section.
    """
    page.write_text(insert_section(page.read_text(encoding="utf-8"), section), encoding="utf-8")


# the leak scan ---------------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def visible_text(html: str) -> str:
    """The text of an HTML page or fragment without its tags (entities decoded)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def page_leaks(html: str, outcomes: list[Rescore], secrets: dict[str, str]) -> list[str]:
    """Labels of key texts in one feedback page that the student did not earn.

    A key text may be on the page as written (printed by a notebook, in an attribute) or
    rendered from Markdown (this section does so; so do Markdown cells and outputs), where
    `code` and **bold** become tags: the page is searched as it is and as its text, for each
    key text as written and as its rendered text.
    """
    from ..scoring.disclosure import allowed_key_texts, leaks

    labels, texts = allowed_key_texts((o.slug, o.result) for o in outcomes)
    shown = visible_text(html)
    rendered = {label: visible_text(markdown_html(text)) for label, text in secrets.items()}
    earned = [*texts, *(rendered[label] for label in labels if label in rendered)]
    found: list[str] = []
    for label in [*leaks(html, secrets, earned), *leaks(shown, secrets, earned), *leaks(shown, rendered, earned)]:
        if label not in labels and secrets[label] not in texts and label not in found:
            found.append(label)
    return found


def feedback_leaks(folder: Path, outcomes: list[Rescore], secrets: dict[str, str]) -> list[str]:
    """Labels of key texts in a student's feedback pages (every *.html of `folder`) that the
    student did not earn (see `page_leaks`)."""
    found: list[str] = []
    for page in sorted(folder.glob("*.html")):
        for label in page_leaks(page.read_text(encoding="utf-8", errors="replace"), outcomes, secrets):
            if label not in found:
                found.append(label)
    return found


# a graded student's feedback, from what `course grade` left -----------------------------------


class FeedbackRefusedError(GradingError):
    """No feedback page may be made for this student (nbgrader reports it and writes none)."""


class FeedbackLeakError(FeedbackRefusedError):
    """The finished page would show answer-key text the student did not earn."""


@dataclass
class GradedFeedback:
    """One student's feedback on one assignment as `course grade` confirmed it."""

    cells: list[ReviewCell]  # the assignment's review cells, as course grade grades them
    outcomes: list[Rescore]  # the re-score of each, from the frozen sidecars
    secrets: dict[str, str] = field(default_factory=dict)  # the key texts of the assignment's exercises

    def section(self, notebook: str) -> str | None:
        """The course's section for `notebook`'s page; None when it grades no review."""
        chosen = [o for rc, o in zip(self.cells, self.outcomes) if rc.notebook == notebook]
        return feedback_section(chosen) if chosen else None


def _summary_status(grading: Path, assignment: str, student: str) -> tuple[str, dict[str, Any]]:
    path = grading / "summary.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FeedbackRefusedError(f"no {path}: run `course grade {assignment}` before making feedback") from None
    except (OSError, ValueError) as exc:
        raise FeedbackRefusedError(f"{path} cannot be read ({exc}): run `course grade {assignment}` again") from None
    rows = data.get("students") if isinstance(data, dict) and data.get("assignment") == assignment else None
    row = next((r for r in rows or [] if isinstance(r, dict) and r.get("student") == student), None)
    if row is None:
        raise FeedbackRefusedError(
            f"{student!r} is not in {path}: `course grade {assignment}` has not graded this submission"
        )
    bank = data.get("bank")
    return str(row.get("status")), bank if isinstance(bank, dict) else {}


def graded_feedback(
    root: Path,
    assignment: str,
    student: str,
    *,
    source: Path | None = None,
    bank: Bank | None = None,
    check_summary: bool = True,
) -> GradedFeedback:
    """What `course grade` confirmed of `student`'s reviews in `assignment`, re-scored from the
    sidecars it froze; refuses (FeedbackRefusedError) a student it did not grade, or did not
    grade cleanly. `source` is the assignment's source folder (default root/source/assignment).
    `check_summary` off: the caller (course grade's own workers, before the summary is
    written) has just confirmed the student itself."""
    from ..keys.bank import Bank, BankError, find_bank
    from ..scoring.disclosure import key_texts
    from .cells import assignment_reviews

    grading = root / GRADING_DIR.format(assignment=assignment)
    graded_with: dict[str, Any] = {}
    if check_summary:
        status, graded_with = _summary_status(grading, assignment, student)
        if status not in ("graded", "repaired"):
            raise FeedbackRefusedError(
                f"{student!r} is {status} in {grading / 'summary.json'}: no feedback until the "
                f"instructor has looked (see its summary.txt) and `course grade {assignment}` grades it cleanly"
            )
    frozen = grading / "frozen" / student
    if not frozen.is_dir():
        raise FeedbackRefusedError(
            f"no frozen copy of {student!r}'s reviews ({frozen}): `course grade {assignment}` has not graded "
            "this submission, and feedback shows only what it confirmed"
        )
    try:
        # the folders `course grade` graded with (its --bank, COURSE_PRIVATE_BANK), as its summary
        # says; else the course's own bank
        if bank is None and isinstance(graded_with.get("root"), str) and Path(graded_with["root"]).is_dir():
            private = graded_with.get("private")
            bank = Bank(graded_with["root"], private=private if isinstance(private, str) else None)
        bank = bank or Bank(find_bank(root))
    except BankError as exc:
        raise FeedbackRefusedError(str(exc)) from None
    cells = assignment_reviews(source or root / "source" / assignment)
    outcomes = [rescore(frozen, rc.slug, rc.points, bank) for rc in cells]
    return GradedFeedback(cells, outcomes, key_texts(bank, {rc.slug for rc in cells}))
