"""Proof: a one-day window counts one day of promises; consecutive windows do not overlap."""

from datetime import date, timedelta

from promiseledger.db import connect
from promiseledger.reports import promises_due


def test_one_day_window_counts_one_day() -> None:
    conn = connect()
    conn.executemany(
        "INSERT INTO orders (order_id, region, ordered_at, promised_on, status)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (1, "us-east", "2026-02-27 15:00:00", "2026-03-02", "open"),
            (2, "us-east", "2026-02-27 16:00:00", "2026-03-02", "open"),
            (3, "us-east", "2026-02-28 09:00:00", "2026-03-03", "open"),
        ],
    )
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    assert promises_due(conn, monday) == {"us-east": 2}, "Monday's count includes Tuesday's orders"
    week = sum(promises_due(conn, monday + timedelta(days=n)).get("us-east", 0) for n in range(7))
    assert week == 3
