"""Reports on delivery promises, for the operations dashboards and carrier planning."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from promiseledger.db import load_queries

QUERIES = load_queries()


@dataclass(frozen=True)
class OverdueOrder:
    """An open order whose promised delivery date has passed."""

    order_id: int
    region: str
    promised_on: str


def promises_due(conn: sqlite3.Connection, start: date, days: int = 1) -> dict[str, int]:
    """Open orders promised for ``start`` or the ``days - 1`` days after it, per region."""
    end = start + timedelta(days=days)
    rows = conn.execute(QUERIES["promises_due"], {"start": str(start), "end": str(end)})
    return dict(rows.fetchall())


def orders_by_status(conn: sqlite3.Connection) -> dict[str, int]:
    """How many orders are open, delivered and cancelled."""
    return dict(conn.execute(QUERIES["orders_by_status"]).fetchall())


def overdue_orders(
    conn: sqlite3.Connection, today: date, regions: Sequence[str]
) -> list[OverdueOrder]:
    """Open orders in ``regions`` promised before ``today`` that have no delivered scan."""
    if not regions:
        return []
    placeholders = ", ".join("?" for _ in regions)
    sql = QUERIES["overdue_orders"].format(regions=placeholders)
    rows = conn.execute(sql, (today.isoformat(), *regions))
    return [OverdueOrder(*row) for row in rows]
