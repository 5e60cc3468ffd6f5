"""Tests for review formatting and search highlighting."""

from __future__ import annotations

from datetime import datetime

from reviewpages.formatting import format_body, highlight_terms
from reviewpages.models import Review
from reviewpages.views import render_reviews


def test_paragraphs_and_line_breaks() -> None:
    assert format_body("First line\nsecond line\n\nNew paragraph") == (
        "<p>First line<br>second line</p><p>New paragraph</p>"
    )


def test_bullet_list_and_bold() -> None:
    body = "Pros:\n\n- **quiet** motor\n- easy to clean"
    assert format_body(body) == (
        "<p>Pros:</p><ul><li><strong>quiet</strong> motor</li><li>easy to clean</li></ul>"
    )


def test_highlight_marks_terms_in_any_case() -> None:
    assert highlight_terms("Quiet and quick", ["QUI"]) == "<mark>Qui</mark>et and <mark>qui</mark>ck"


def test_highlight_escapes_the_title() -> None:
    assert highlight_terms("Fits 5 < 6 cups", ["cups"]) == "Fits 5 &lt; 6 <mark>cups</mark>"
    assert highlight_terms("R&D approved", []) == "R&amp;D approved"


def test_page_shows_formatted_body_and_highlighted_title() -> None:
    review = Review(review_id="r1", product_sku="KT-100", author_name="Sam P.", rating=5,
                    title="Quiet kettle", body="**Love it**\n\n- boils fast",
                    created=datetime(2026, 2, 1))
    html = render_reviews("Kettle", [review], highlight="quiet")
    assert '<h3 class="review-title"><mark>Quiet</mark> kettle</h3>' in html
    assert "<p><strong>Love it</strong></p><ul><li>boils fast</li></ul>" in html
    assert 'data-reviewer-name="Sam P."' in html
