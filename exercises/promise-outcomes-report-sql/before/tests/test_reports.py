"""Tests for the estimate reports."""

from datetime import date

from etaledger.db import connect
from etaledger.reports import late_deliveries, orders_by_status


def seed(conn, orders, scans=()) -> None:
    conn.executemany(
        "INSERT INTO orders (order_id, region, ordered_on, promised_on, status) VALUES (?, ?, ?, ?, ?)",
        orders,
    )
    conn.executemany("INSERT INTO delivery_scans (order_id, kind, scanned_on) VALUES (?, ?, ?)", scans)


def test_late_deliveries_per_region() -> None:
    conn = connect()
    seed(
        conn,
        [
            (1, "us-east", "2026-02-27", "2026-03-02", "delivered"),
            (2, "us-east", "2026-02-27", "2026-03-02", "delivered"),
            (3, "us-west", "2026-02-27", "2026-03-02", "delivered"),
        ],
        [(1, "delivered", "2026-03-03"), (2, "delivered", "2026-03-02"), (3, "delivered", "2026-03-04")],
    )
    assert late_deliveries(conn, date(2026, 3, 2)) == {"us-east": 1, "us-west": 1}


def test_orders_by_status() -> None:
    conn = connect()
    seed(conn, [(1, "us-east", "2026-02-27", "2026-03-02", "open")])
    assert orders_by_status(conn) == {"open": 1}
