"""Tests for the estimate reports."""

from datetime import date, datetime, timezone

from etaledger.db import connect
from etaledger.estimates import record_estimate
from etaledger.reports import (
    Outcomes,
    backfill_estimates,
    late_deliveries,
    orders_by_build,
    orders_by_status,
    orders_without_estimate,
    promise_outcomes,
    prune_superseded_estimates,
)


def seed(conn, orders, scans=()) -> None:
    conn.executemany(
        "INSERT INTO orders (order_id, region, ordered_on, promised_on, status) VALUES (?, ?, ?, ?, ?)",
        orders,
    )
    conn.executemany("INSERT INTO delivery_scans (order_id, kind, scanned_on) VALUES (?, ?, ?)", scans)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=timezone.utc)


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


def test_promise_outcomes_count_orders_that_never_arrived() -> None:
    conn = connect()
    seed(
        conn,
        [
            (1, "us-east", "2026-02-27", "2026-03-02", "delivered"),  # on time
            (2, "us-east", "2026-02-27", "2026-03-02", "delivered"),  # late
            (3, "us-east", "2026-02-27", "2026-03-02", "open"),  # never arrived
            (4, "us-east", "2026-02-27", "2026-03-02", "cancelled"),
        ],
        [(1, "delivered", "2026-03-02"), (2, "delivered", "2026-03-04"), (3, "out_for_delivery", "2026-03-02")],
    )
    got = promise_outcomes(conn, date(2026, 3, 2), date(2026, 3, 2), as_of=date(2026, 3, 5))
    assert got == {"us-east": Outcomes(promised=3, on_time=1, late=1, undelivered=1, overdue=1)}


def test_orders_without_estimate_and_by_build() -> None:
    conn = connect()
    seed(
        conn,
        [
            (1, "us-east", "2026-03-01", "2026-03-03", "open"),
            (2, "us-west", "2026-03-01", "2026-03-04", "open"),
        ],
    )
    record_estimate(conn, 1, "eta-2026.03.01", date(2026, 3, 3), at(1))
    record_estimate(conn, 1, "eta-2026.03.02", date(2026, 3, 4), at(2))
    assert orders_without_estimate(conn) == [2]
    assert orders_by_build(conn, "eta-2026.03.02") == {"us-east": 1}


def test_prune_keeps_the_latest_estimate_of_each_build() -> None:
    conn = connect()
    seed(conn, [(1, "us-east", "2026-03-01", "2026-03-03", "open")])
    record_estimate(conn, 1, "eta-2026.03.01", date(2026, 3, 3), at(1, hour=9))
    record_estimate(conn, 1, "eta-2026.03.01", date(2026, 3, 5), at(1, hour=15))
    record_estimate(conn, 1, "eta-2026.03.02", date(2026, 3, 4), at(2))
    assert prune_superseded_estimates(conn, date(2026, 4, 1)) == 1
    left = conn.execute("SELECT build, promised_on FROM estimates ORDER BY estimate_id").fetchall()
    assert left == [("eta-2026.03.01", "2026-03-05"), ("eta-2026.03.02", "2026-03-04")]
    assert orders_by_build(conn, "eta-2026.03.01") == {"us-east": 1}


def test_backfill_runs_once() -> None:
    conn = connect()
    seed(conn, [(1, "us-east", "2026-03-01", "2026-03-03", "open"), (2, "us-east", "2026-03-09", "2026-03-11", "open")])
    assert backfill_estimates(conn, before=date(2026, 3, 9)) == 1
    assert backfill_estimates(conn, before=date(2026, 3, 9)) == 0
    assert orders_without_estimate(conn) == [2]


def test_orders_by_status() -> None:
    conn = connect()
    seed(conn, [(1, "us-east", "2026-02-27", "2026-03-02", "open")])
    assert orders_by_status(conn) == {"open": 1}
