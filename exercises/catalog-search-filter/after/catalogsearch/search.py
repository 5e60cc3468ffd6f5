"""Keyword search with filters, for the storefront search page."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from catalogsearch.catalog import PAGE_SIZE, PRODUCT_COLUMNS, Product

SORT_ORDERS: dict[str, str] = {
    "relevance": "sales_rank ASC, sku ASC",
    "price-low": "price_cents ASC, sku ASC",
    "price-high": "price_cents DESC, sku ASC",
    "newest": "listed_at DESC, sku ASC",
}


@dataclass(frozen=True)
class SearchFilters:
    """What the shopper asked for. Prices are in cents; None means no bound."""

    keyword: str = ""
    brands: tuple[str, ...] = ()
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    in_stock_only: bool = False
    sort: str = "relevance"


def search_products(
    conn: sqlite3.Connection, filters: SearchFilters, limit: int = PAGE_SIZE
) -> list[Product]:
    """Active products whose title contains the keyword and that pass every filter.

    ``filters.sort`` must be a key of ``SORT_ORDERS``; the handler rejects others.
    """
    sql = f"SELECT {PRODUCT_COLUMNS} FROM products WHERE active = 1"
    params: list[object] = []
    if filters.keyword:
        sql += " AND title LIKE ?"
        params.append(f"%{filters.keyword}%")
    if filters.brands:
        quoted = ", ".join(f"'{brand}'" for brand in filters.brands)
        sql += f" AND brand IN ({quoted})"
    if filters.min_price_cents is not None:
        sql += " AND price_cents >= ?"
        params.append(filters.min_price_cents)
    if filters.max_price_cents is not None:
        sql += " AND price_cents <= ?"
        params.append(filters.max_price_cents)
    if filters.in_stock_only:
        sql += " AND stock_units > 0"
    sql += (
        " ORDER BY " + SORT_ORDERS[filters.sort]
        + " LIMIT ?"
    )
    params.append(limit)
    rows = conn.execute(sql, params).fetchall()
    return [Product(*row) for row in rows]
