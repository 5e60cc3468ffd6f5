"""Proofs for the catalog search exercise: each test fails on after/ and passes on fixed/."""

from __future__ import annotations

import sqlite3

from catalogsearch.db import connect, insert_product
from catalogsearch.search import SearchFilters, search_products


def small_catalog() -> sqlite3.Connection:
    conn = connect()
    insert_product(conn, sku="TEE-1", title="100% cotton tee", brand="Loomwell",
                   category="tops", price_cents=1800, stock_units=10, sales_rank=1)
    insert_product(conn, sku="USB-1", title="USB-C cable, 100 cm", brand="Voltline",
                   category="cables", price_cents=900, stock_units=50, sales_rank=2)
    insert_product(conn, sku="HEAT-9", title="Space heater (recalled)", brand="Voltline",
                   category="home", price_cents=3900, stock_units=7, active=False)
    return conn


def test_brand_value_cannot_rewrite_the_where_clause() -> None:
    """A brand value is data: it must not be able to lift the active = 1 filter."""
    conn = small_catalog()
    hostile = "x') OR active = 0 OR brand IN ('x"
    found = [p.sku for p in search_products(conn, SearchFilters(brands=(hostile,)))]
    assert found == [], f"a crafted brand value returned {found}, including a recalled product"


def test_percent_sign_in_keyword_is_matched_literally() -> None:
    """A shopper searching "100%" wants titles that contain "100%", not any "100"."""
    conn = small_catalog()
    found = [p.sku for p in search_products(conn, SearchFilters(keyword="100%"))]
    assert found == ["TEE-1"]
