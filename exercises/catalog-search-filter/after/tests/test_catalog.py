"""Tests for category browsing."""

from __future__ import annotations

import sqlite3

import pytest

from catalogsearch.catalog import list_category
from catalogsearch.db import connect, insert_product
from catalogsearch.handlers import handle_category


@pytest.fixture
def conn() -> sqlite3.Connection:
    conn = connect()
    insert_product(conn, sku="K-1", title="Chef knife 20 cm", brand="Sabre",
                   category="kitchen", price_cents=4900, stock_units=3, sales_rank=2)
    insert_product(conn, sku="K-2", title="Paring knife", brand="Sabre",
                   category="kitchen", price_cents=1900, stock_units=0, sales_rank=1)
    insert_product(conn, sku="K-3", title="Recalled kettle", brand="Boilwell",
                   category="kitchen", price_cents=2900, active=False)
    return conn


def test_lists_active_products_best_sellers_first(conn: sqlite3.Connection) -> None:
    assert [p.sku for p in list_category(conn, "kitchen")] == ["K-2", "K-1"]


def test_category_handler_requires_a_name(conn: sqlite3.Connection) -> None:
    assert handle_category(conn, {})[0] == 400
    status, body = handle_category(conn, {"name": ["kitchen"]})
    assert status == 200
    assert body["results"][0]["in_stock"] is False
