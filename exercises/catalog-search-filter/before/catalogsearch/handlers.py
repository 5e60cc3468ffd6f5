"""HTTP-facing handlers for catalog pages: read the query string, call the read model.

Each handler takes the parsed query string (``urllib.parse.parse_qs`` output) and
returns ``(status, body)``; the web layer serialises the body as JSON.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from catalogsearch.catalog import Product, list_category

Query = Mapping[str, list[str]]


def _first(query: Query, name: str) -> str | None:
    """The first value of a query parameter, or None when it is absent."""
    values = query.get(name)
    return values[0] if values else None


def _product_json(product: Product) -> dict[str, object]:
    return {
        "sku": product.sku,
        "title": product.title,
        "brand": product.brand,
        "price_cents": product.price_cents,
        "in_stock": product.in_stock,
    }


def handle_category(conn: sqlite3.Connection, query: Query) -> tuple[int, dict[str, object]]:
    """GET /category?name=...: the first page of one category."""
    name = _first(query, "name")
    if not name:
        return 400, {"error": "missing category name"}
    products = list_category(conn, name)
    return 200, {"results": [_product_json(p) for p in products]}
