"""Tests for keyword search and its filters."""

from __future__ import annotations

import sqlite3

import pytest

from catalogsearch.db import connect, insert_product
from catalogsearch.handlers import handle_search
from catalogsearch.search import SearchFilters, search_products


@pytest.fixture
def conn() -> sqlite3.Connection:
    conn = connect()
    insert_product(conn, sku="T-1", title="Trail running shoe", brand="Northpeak",
                   category="shoes", price_cents=8900, stock_units=4, sales_rank=3)
    insert_product(conn, sku="T-2", title="Road running shoe", brand="Velo",
                   category="shoes", price_cents=12900, stock_units=0, sales_rank=1)
    insert_product(conn, sku="T-3", title="Running socks, 3 pack", brand="Velo",
                   category="socks", price_cents=1500, stock_units=20, sales_rank=2)
    insert_product(conn, sku="T-4", title="Running shoe (recalled)", brand="Velo",
                   category="shoes", price_cents=9900, active=False)
    return conn


def skus(products: list) -> list[str]:
    return [p.sku for p in products]


def test_keyword_matches_title_case_insensitively(conn: sqlite3.Connection) -> None:
    assert skus(search_products(conn, SearchFilters(keyword="SHOE"))) == ["T-2", "T-1"]


def test_brand_facet_accepts_several_brands(conn: sqlite3.Connection) -> None:
    filters = SearchFilters(keyword="running", brands=("Velo", "Northpeak"))
    assert skus(search_products(conn, filters)) == ["T-2", "T-3", "T-1"]
    assert skus(search_products(conn, SearchFilters(brands=("Northpeak",)))) == ["T-1"]


def test_price_bounds_stock_and_sort(conn: sqlite3.Connection) -> None:
    filters = SearchFilters(max_price_cents=10000, in_stock_only=True, sort="price-high")
    assert skus(search_products(conn, filters)) == ["T-1", "T-3"]


def test_handler_parses_the_query_string(conn: sqlite3.Connection) -> None:
    status, body = handle_search(conn, {"q": [" running "], "brand": ["Velo"], "min_price": ["2000"]})
    assert status == 200
    assert [r["sku"] for r in body["results"]] == ["T-2"]


def test_handler_rejects_bad_input(conn: sqlite3.Connection) -> None:
    assert handle_search(conn, {"sort": ["price; DROP TABLE products"]})[0] == 400
    assert handle_search(conn, {"min_price": ["ten"]})[0] == 400
