"""Server-side rendering of the review section on a product page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reviewpages.models import Review

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
)


def render_reviews(product_title: str, reviews: Sequence[Review]) -> str:
    """The HTML of the review section, newest review first."""
    ordered = sorted(reviews, key=lambda review: review.created, reverse=True)
    template = environment.get_template("reviews.html")
    return template.render(product_title=product_title, reviews=ordered)
