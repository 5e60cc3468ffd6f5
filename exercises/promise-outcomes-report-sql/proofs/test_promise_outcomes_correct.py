"""Checks that the change does what the PR says. They pass on after/: the change is correct.

Each check compares a query with the same rule computed in plain Python over synthetic data
(a fixed random seed, so every run sees the same rows), or shows that the schema refuses the
row that would make a suspicious-looking line wrong."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest

from etaledger.db import connect
from etaledger.estimates import record_estimate
from etaledger.reports import (
    Outcomes,
    backfill_estimates,
    orders_by_build,
    orders_without_estimate,
    promise_outcomes,
    prune_superseded_estimates,
)

DAY0 = date(2026, 3, 1)
REGIONS = ("us-east", "us-west", "eu-west")


def synthetic_ledger(seed: int = 20260302, n: int = 400):
    """A ledger of n synthetic orders with random promises, scans and estimates."""
    rng = random.Random(seed)
    conn = connect()
    orders, scans = [], []
    for order_id in range(1, n + 1):
        promised = DAY0 + timedelta(days=rng.randrange(0, 10))
        status = rng.choice(("open", "open", "delivered", "cancelled"))
        orders.append((order_id, rng.choice(REGIONS), str(promised - timedelta(days=3)), str(promised), status))
        for kind in ("out_for_delivery", "failed_attempt", "delivered"):
            if rng.random() < 0.5:
                scans.append((order_id, kind, str(promised + timedelta(days=rng.randrange(-2, 4)))))
    conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", orders)
    conn.executemany("INSERT INTO delivery_scans VALUES (?, ?, ?)", scans)
    return conn, rng, orders, scans


def test_not_in_over_estimates_cannot_meet_a_null() -> None:
    """`order_id NOT IN (SELECT order_id FROM estimates)` returns nothing at all if the subquery
    yields a NULL. The column is NOT NULL, so it never does: the row is refused."""
    conn, rng, orders, _ = synthetic_ledger()
    estimated = set()
    for order_id, *_ in orders:
        if rng.random() < 0.6:
            record_estimate(conn, order_id, "eta-1", DAY0, datetime(2026, 3, 1, tzinfo=timezone.utc))
            estimated.add(order_id)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO estimates (order_id, build, promised_on, given_at) VALUES (NULL, 'x', '2026-03-01', 'x')")
    expected = sorted(o[0] for o in orders if o[4] == "open" and o[0] not in estimated)
    assert expected, "the synthetic data must leave some open orders without an estimate"
    assert orders_without_estimate(conn) == expected


def oracle_outcomes(orders, scans, first: date, last: date, as_of: date) -> dict[str, Outcomes]:
    delivered = {order_id: day for order_id, kind, day in scans if kind == "delivered"}
    counts: dict[str, list[int]] = {}
    for order_id, region, _, promised, status in orders:
        if status == "cancelled" or not (str(first) <= promised <= str(last)):
            continue
        c = counts.setdefault(region, [0, 0, 0, 0, 0])
        c[0] += 1
        day = delivered.get(order_id)
        if day is None:
            c[3] += 1
            c[4] += promised < str(as_of)
        elif day <= promised:
            c[1] += 1
        else:
            c[2] += 1
    return {region: Outcomes(*c) for region, c in counts.items()}


@pytest.mark.parametrize(("first", "last"), [(3, 3), (2, 5), (0, 9)])
def test_promise_outcomes_match_the_rule(first: int, last: int) -> None:
    """BETWEEN on a date-only column includes both days and nothing else, and the LEFT JOIN
    with the scan kind in its ON clause keeps every order without a delivered scan."""
    conn, _, orders, scans = synthetic_ledger()
    first_day, last_day = DAY0 + timedelta(days=first), DAY0 + timedelta(days=last)
    as_of = DAY0 + timedelta(days=6)
    got = promise_outcomes(conn, first_day, last_day, as_of)
    assert got == oracle_outcomes(orders, scans, first_day, last_day, as_of)
    assert sum(o.undelivered for o in got.values()) > 0
    assert sum(o.promised for o in got.values()) == sum(o.on_time + o.late + o.undelivered for o in got.values())


def test_date_columns_refuse_a_time_of_day() -> None:
    """BETWEEN '2026-03-03' AND '2026-03-05' would miss '2026-03-05 10:00' on a timestamp
    column; here such a value cannot be stored."""
    conn = connect()
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO orders VALUES (1, 'us-east', '2026-03-01', '2026-03-05 10:00:00', 'open')")


def test_prune_deletes_only_superseded_estimates_before_the_cutoff() -> None:
    """A row goes only if it was given before the cutoff and the same build later gave the same
    order a newer estimate: the latest estimate of each (order, build) stays, so every order
    keeps its latest estimate and orders_by_build counts the same for every build."""
    conn, rng, orders, _ = synthetic_ledger()
    builds = ("eta-1", "eta-2", "eta-3")
    for _ in range(900):
        order_id = rng.choice(orders)[0]
        given = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
        record_estimate(conn, order_id, rng.choice(builds), DAY0, given)
    before = conn.execute("SELECT estimate_id, order_id, build, given_at FROM estimates").fetchall()
    cutoff = date(2026, 2, 15)
    latest: dict[int, int] = {}
    latest_of_build: dict[tuple[int, str], int] = {}
    for estimate_id, order_id, build, _ in before:
        latest[order_id] = max(latest.get(order_id, 0), estimate_id)
        latest_of_build[order_id, build] = max(latest_of_build.get((order_id, build), 0), estimate_id)
    doomed = {e for e, o, b, given in before if given[:10] < str(cutoff) and e != latest_of_build[o, b]}
    across_builds = {e for e, o, b, given in before if given[:10] < str(cutoff) and e != latest[o]} - doomed
    assert doomed and len(doomed) < len(before)
    assert across_builds, "the synthetic data must have estimates that only another build superseded"
    by_build = {b: orders_by_build(conn, b) for b in builds}

    assert prune_superseded_estimates(conn, cutoff) == len(doomed)
    left = {e for (e,) in conn.execute("SELECT estimate_id FROM estimates")}
    assert left == {e for e, _, _, _ in before} - doomed
    assert set(latest.values()) <= left  # every order keeps its latest estimate
    assert {b: orders_by_build(conn, b) for b in builds} == by_build


def test_prune_keeps_an_order_that_a_later_build_revised() -> None:
    """An order shown the bad build's estimate, then revised by another build, still counts
    for the bad build after a prune: the incident question survives retention."""
    conn = connect()
    conn.execute("INSERT INTO orders VALUES (1, 'us-east', '2026-03-01', '2026-03-03', 'open')")
    record_estimate(conn, 1, "eta-bad", date(2026, 3, 3), datetime(2026, 3, 1, 9, tzinfo=timezone.utc))
    record_estimate(conn, 1, "eta-bad", date(2026, 3, 9), datetime(2026, 3, 1, 15, tzinfo=timezone.utc))
    record_estimate(conn, 1, "eta-fixed", date(2026, 3, 4), datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    assert orders_by_build(conn, "eta-bad") == {"us-east": 1}
    assert prune_superseded_estimates(conn, date(2026, 4, 1)) == 1  # the bad build's first date
    assert orders_by_build(conn, "eta-bad") == {"us-east": 1}
    assert orders_by_build(conn, "eta-fixed") == {"us-east": 1}
    kept = conn.execute("SELECT build, promised_on FROM estimates ORDER BY estimate_id").fetchall()
    assert kept == [("eta-bad", "2026-03-09"), ("eta-fixed", "2026-03-04")]


def test_backfill_fills_only_old_orders_without_an_estimate_and_only_once() -> None:
    conn, _, orders, _ = synthetic_ledger()
    record_estimate(conn, 1, "eta-1", DAY0, datetime(2026, 3, 1, tzinfo=timezone.utc))
    before = DAY0 + timedelta(days=3)  # orders are placed from DAY0 - 3 to DAY0 + 6
    old = {o[0] for o in orders if o[2] < str(before)}
    new_open = sorted(o[0] for o in orders if o[2] >= str(before) and o[4] == "open")
    assert 1 in old and new_open
    assert backfill_estimates(conn, before) == len(old) - 1
    assert backfill_estimates(conn, before) == 0
    assert conn.execute("SELECT COUNT(*) FROM estimates WHERE order_id = 1").fetchone() == (1,)
    assert orders_without_estimate(conn) == new_open  # later orders are not filled in
