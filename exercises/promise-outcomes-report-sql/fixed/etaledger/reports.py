"""Reports on delivery promises, for the operations dashboards and the incident reviews."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from etaledger.db import HERE, load_queries

QUERIES = load_queries()


@dataclass(frozen=True)
class Outcomes:
    """What happened to one region's promises."""

    promised: int
    on_time: int
    late: int
    undelivered: int
    overdue: int  # undelivered, and the promised day is over


def late_deliveries(conn: sqlite3.Connection, start: date, days: int = 1) -> dict[str, int]:
    """Orders delivered late, per region, among those promised for ``start`` and the
    ``days - 1`` days after it."""
    end = start + timedelta(days=days)
    rows = conn.execute(QUERIES["late_deliveries"], {"start": str(start), "end": str(end)})
    return dict(rows.fetchall())


def promise_outcomes(conn: sqlite3.Connection, first_day: date, last_day: date, as_of: date) -> dict[str, Outcomes]:
    """Outcomes per region of the orders promised for ``first_day`` to ``last_day``, both
    included, from the delivered scans on record, with an undelivered order counted as overdue
    once ``as_of`` is past its promised day. Unlike ``late_deliveries``, it counts the orders
    that were never delivered."""
    if last_day < first_day:
        raise ValueError(f"last_day {last_day} is before first_day {first_day}")
    rows = conn.execute(
        QUERIES["promise_outcomes"],
        {"first_day": str(first_day), "last_day": str(last_day), "as_of": str(as_of)},
    )
    return {region: Outcomes(*counts) for region, *counts in rows}


def orders_without_estimate(conn: sqlite3.Connection) -> list[int]:
    """Open orders that have no estimate on record."""
    return [order_id for order_id, _, _ in conn.execute(QUERIES["orders_without_estimate"])]


def orders_by_build(conn: sqlite3.Connection, build: str) -> dict[str, int]:
    """Orders per region that were shown an estimate by ``build``."""
    return dict(conn.execute(QUERIES["orders_by_build"], {"build": build}).fetchall())


def prune_superseded_estimates(conn: sqlite3.Connection, cutoff: date) -> int:
    """Delete the estimates given before ``cutoff`` that a later one from the same build
    replaced, in one transaction; say how many."""
    with conn:
        return conn.execute(QUERIES["prune_superseded_estimates"], {"cutoff": str(cutoff)}).rowcount


def backfill_estimates(conn: sqlite3.Connection, before: date) -> int:
    """Give every order placed before ``before`` that has no estimate one from its checkout
    promise; say how many."""
    with conn:
        sql = (HERE / "backfills" / "estimates_from_orders.sql").read_text()
        return conn.execute(sql, {"before": str(before)}).rowcount


def orders_by_status(conn: sqlite3.Connection) -> dict[str, int]:
    """How many orders are open, delivered and cancelled."""
    return dict(conn.execute(QUERIES["orders_by_status"]).fetchall())
