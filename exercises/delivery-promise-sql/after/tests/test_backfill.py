"""Tests for the incident backfill."""

import sqlite3
from datetime import datetime, timezone

import pytest

from promiseledger.backfill import shift_promises
from promiseledger.db import connect

UTC = timezone.utc
WINDOW = (datetime(2026, 3, 2, 13, 0, tzinfo=UTC), datetime(2026, 3, 2, 19, 0, tzinfo=UTC))


def ledger() -> sqlite3.Connection:
    conn = connect()
    conn.executemany(
        "INSERT INTO orders (order_id, region, ordered_at, promised_on, status)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (1, "us-east", "2026-03-02 14:00:00", "2026-03-04", "open"),
            (2, "us-east", "2026-03-02 15:00:00", "2026-03-04", "delivered"),
            (3, "us-east", "2026-03-02 16:00:00", "2026-03-06", "open"),
            (4, "us-east", "2026-03-02 23:00:00", "2026-03-05", "open"),
        ],
    )
    return conn


def test_shift_promises_moves_open_orders_placed_in_the_window() -> None:
    conn = ledger()
    assert shift_promises(conn, "us-east", *WINDOW) == 2
    rows = conn.execute("SELECT order_id, promised_on FROM orders ORDER BY order_id").fetchall()
    assert rows == [(1, "2026-03-05"), (2, "2026-03-04"), (3, "2026-03-09"), (4, "2026-03-05")]


def test_shift_promises_cannot_run_twice_for_a_region() -> None:
    conn = ledger()
    shift_promises(conn, "us-east", *WINDOW)
    with pytest.raises(sqlite3.IntegrityError):
        shift_promises(conn, "us-east", *WINDOW)
    row = conn.execute("SELECT promised_on FROM orders WHERE order_id = 1").fetchone()
    assert row == ("2026-03-05",)
