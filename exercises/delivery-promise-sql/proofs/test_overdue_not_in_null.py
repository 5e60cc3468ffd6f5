"""Proof: one unmatched scan (order_id NULL) must not hide every overdue order."""

from datetime import date

from promiseledger.db import connect
from promiseledger.reports import overdue_orders


def test_unmatched_scan_does_not_empty_the_overdue_report() -> None:
    conn = connect()
    conn.executemany(
        "INSERT INTO orders (order_id, region, ordered_at, promised_on, status)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (1, "us-east", "2026-02-26 15:00:00", "2026-03-01", "open"),  # overdue: no scan
            (2, "us-east", "2026-02-26 16:00:00", "2026-03-01", "open"),  # delivered scan
        ],
    )
    conn.executemany(
        "INSERT INTO delivery_scans (tracking_id, order_id, kind, scanned_at) VALUES (?, ?, ?, ?)",
        [
            ("T2", 2, "delivered", "2026-03-01 11:00:00"),
            ("T9", None, "delivered", "2026-03-01 12:00:00"),  # not matched to an order yet
        ],
    )
    overdue = [o.order_id for o in overdue_orders(conn, date(2026, 3, 3), ["us-east"])]
    assert overdue == [1], f"overdue report returned {overdue}; order 1 was never delivered"
