"""Tests for the promise reports."""

from datetime import date

from promiseledger.db import connect
from promiseledger.reports import orders_by_status, promises_due


def seed(conn, rows) -> None:
    conn.executemany(
        "INSERT INTO orders (order_id, region, ordered_at, promised_on, status)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def test_promises_due_counts_open_orders_per_region() -> None:
    conn = connect()
    seed(
        conn,
        [
            (1, "us-east", "2026-02-27 15:00:00", "2026-03-02", "open"),
            (2, "us-west", "2026-02-27 16:00:00", "2026-03-02", "open"),
            (3, "us-west", "2026-02-27 17:00:00", "2026-03-02", "delivered"),
        ],
    )
    assert promises_due(conn, date(2026, 3, 2)) == {"us-east": 1, "us-west": 1}


def test_orders_by_status() -> None:
    conn = connect()
    seed(conn, [(1, "us-east", "2026-02-27 15:00:00", "2026-03-02", "open")])
    assert orders_by_status(conn) == {"open": 1}
