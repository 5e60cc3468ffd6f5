"""Read queries over the catalog: what the storefront shows to shoppers."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

PRODUCT_COLUMNS = "sku, title, brand, price_cents, stock_units"
PAGE_SIZE = 24


@dataclass(frozen=True)
class Product:
    """One product as a listing page shows it."""

    sku: str
    title: str
    brand: str
    price_cents: int
    stock_units: int

    @property
    def in_stock(self) -> bool:
        """True when at least one unit can be sold now."""
        return self.stock_units > 0


def list_category(
    conn: sqlite3.Connection, category: str, limit: int = PAGE_SIZE
) -> list[Product]:
    """Active products in ``category``, best sellers first."""
    rows = conn.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM products"
        " WHERE active = 1 AND category = ?"
        " ORDER BY sales_rank, sku LIMIT ?",
        (category, limit),
    ).fetchall()
    return [Product(*row) for row in rows]
