"""HTTP-facing handlers for catalog pages: read the query string, call the read model.

Each handler takes the parsed query string (``urllib.parse.parse_qs`` output) and
returns ``(status, body)``; the web layer serialises the body as JSON.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from catalogsearch.catalog import Product, list_category
from catalogsearch.search import SORT_ORDERS, SearchFilters, search_products

Query = Mapping[str, list[str]]


def _first(query: Query, name: str) -> str | None:
    """The first value of a query parameter, or None when it is absent."""
    values = query.get(name)
    return values[0] if values else None


def _cents(value: str | None) -> int | None:
    """A price bound from the query string, in whole cents; empty means no bound."""
    if value is None or not value.strip():
        return None
    return int(value)


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


def handle_search(conn: sqlite3.Connection, query: Query) -> tuple[int, dict[str, object]]:
    """GET /search?q=...&brand=...&min_price=...&max_price=...&in_stock=1&sort=...

    ``brand`` may repeat (the brand facet is a multi-select). Prices are in cents.
    """
    sort = _first(query, "sort") or "relevance"
    if sort not in SORT_ORDERS:
        return 400, {"error": f"unknown sort order: {sort}"}
    try:
        min_price = _cents(_first(query, "min_price"))
        max_price = _cents(_first(query, "max_price"))
    except ValueError:
        return 400, {"error": "prices must be whole numbers of cents"}
    filters = SearchFilters(
        keyword=(_first(query, "q") or "").strip(),
        brands=tuple(brand for brand in query.get("brand", []) if brand),
        min_price_cents=min_price,
        max_price_cents=max_price,
        in_stock_only=_first(query, "in_stock") == "1",
        sort=sort,
    )
    products = search_products(conn, filters)
    return 200, {"results": [_product_json(p) for p in products]}
