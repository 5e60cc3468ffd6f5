"""SQLite schema and connection for the catalog read model."""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    sku          TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    brand        TEXT NOT NULL,
    category     TEXT NOT NULL,
    price_cents  INTEGER NOT NULL CHECK (price_cents >= 0),
    stock_units  INTEGER NOT NULL DEFAULT 0,
    sales_rank   INTEGER NOT NULL DEFAULT 1000000,
    listed_at    TEXT NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS products_by_category ON products (category, sales_rank);
"""


def connect(path: str = ":memory:") -> sqlite3.Connection:
    """Open the catalog database and make sure the schema exists."""
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    return conn


def insert_product(
    conn: sqlite3.Connection,
    *,
    sku: str,
    title: str,
    brand: str,
    category: str,
    price_cents: int,
    stock_units: int = 0,
    sales_rank: int = 1_000_000,
    listed_at: str = "2026-01-01",
    active: bool = True,
) -> None:
    """Insert one product row. Inactive rows are recalled or unreleased items."""
    conn.execute(
        "INSERT INTO products (sku, title, brand, category, price_cents,"
        " stock_units, sales_rank, listed_at, active)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sku, title, brand, category, price_cents, stock_units, sales_rank, listed_at, int(active)),
    )
