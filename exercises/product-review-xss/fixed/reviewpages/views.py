"""Server-side rendering of the review section on a product page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from reviewpages.formatting import format_body, highlight_terms
from reviewpages.models import Review

TEMPLATES = Path(__file__).parent / "templates"
MAX_HIGHLIGHT_TERMS = 5

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
)


@dataclass(frozen=True)
class ReviewView:
    """A review as the template shows it, with its title and body already turned into HTML."""

    review_id: str
    author_name: str
    rating: int
    created: datetime
    helpful_votes: int
    title_html: str
    body_html: Markup

    @classmethod
    def of(cls, review: Review, terms: Sequence[str]) -> ReviewView:
        """The view of ``review``, with ``terms`` marked in its title."""
        return cls(
            review_id=review.review_id,
            author_name=review.author_name,
            rating=review.rating,
            created=review.created,
            helpful_votes=review.helpful_votes,
            title_html=highlight_terms(review.title, terms),
            body_html=format_body(review.body),
        )


def render_reviews(product_title: str, reviews: Sequence[Review], highlight: str = "") -> str:
    """The HTML of the review section, newest review first.

    ``highlight`` is what the shopper typed in the review search box; its words are marked
    in the review titles.
    """
    terms = highlight.split()[:MAX_HIGHLIGHT_TERMS]
    ordered = sorted(reviews, key=lambda review: review.created, reverse=True)
    views = [ReviewView.of(review, terms) for review in ordered]
    template = environment.get_template("reviews.html")
    return template.render(product_title=product_title, reviews=views)
