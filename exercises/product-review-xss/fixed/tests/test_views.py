"""Tests for the review section."""

from __future__ import annotations

from datetime import datetime

from reviewpages.models import Review
from reviewpages.views import render_reviews


def review(review_id: str, day: int, **fields: object) -> Review:
    values: dict = dict(review_id=review_id, product_sku="KT-100", author_name="Sam P.",
                        rating=4, title="Solid kettle", body="Boils fast.",
                        created=datetime(2026, 2, day), helpful_votes=1)
    values.update(fields)
    return Review(**values)


def test_newest_review_comes_first() -> None:
    html = render_reviews("Kettle", [review("r1", 1, title="Older"), review("r2", 9, title="Newer")])
    assert html.index("Newer") < html.index("Older")
    assert "1 person found this helpful" in html


def test_empty_section_says_so() -> None:
    assert "No reviews yet." in render_reviews("Kettle", [])
