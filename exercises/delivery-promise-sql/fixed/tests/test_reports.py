"""Tests for the promise reports."""

from datetime import date

from promiseledger.db import connect
from promiseledger.reports import OverdueOrder, orders_by_status, overdue_orders, promises_due


def seed(conn, rows) -> None:
    conn.executemany(
        "INSERT INTO orders (order_id, region, ordered_at, promised_on, status)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def scan(conn, order_id, kind="delivered") -> None:
    conn.execute(
        "INSERT INTO delivery_scans (tracking_id, order_id, kind, scanned_at) VALUES (?, ?, ?, ?)",
        (f"T{order_id}", order_id, kind, "2026-03-02 12:00:00"),
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


def test_overdue_orders_lists_orders_without_a_delivered_scan() -> None:
    conn = connect()
    seed(
        conn,
        [
            (1, "us-east", "2026-02-26 15:00:00", "2026-03-01", "open"),
            (2, "us-east", "2026-02-26 16:00:00", "2026-03-01", "open"),
            (3, "us-east", "2026-02-26 17:00:00", "2026-03-04", "open"),
            (4, "us-west", "2026-02-26 18:00:00", "2026-03-01", "open"),
        ],
    )
    scan(conn, 1, kind="out_for_delivery")
    scan(conn, 2)
    assert overdue_orders(conn, date(2026, 3, 3), ["us-east"]) == [
        OverdueOrder(1, "us-east", "2026-03-01")
    ]


def test_overdue_orders_for_no_regions_is_empty() -> None:
    assert overdue_orders(connect(), date(2026, 3, 3), []) == []


def test_orders_by_status() -> None:
    conn = connect()
    seed(conn, [(1, "us-east", "2026-02-27 15:00:00", "2026-03-02", "open")])
    assert orders_by_status(conn) == {"open": 1}
