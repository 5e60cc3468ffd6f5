"""The review record as the reviews service returns it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Review:
    """One customer review. Title, body and author name are exactly what the customer typed."""

    review_id: str
    product_sku: str
    author_name: str
    rating: int
    title: str
    body: str
    created: datetime
    helpful_votes: int = 0
