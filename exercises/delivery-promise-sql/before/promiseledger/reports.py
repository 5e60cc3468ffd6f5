"""Reports on delivery promises, for the operations dashboards and carrier planning."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from promiseledger.db import load_queries

QUERIES = load_queries()


def promises_due(conn: sqlite3.Connection, start: date, days: int = 1) -> dict[str, int]:
    """Open orders promised for ``start`` or the ``days - 1`` days after it, per region."""
    end = start + timedelta(days=days)
    rows = conn.execute(QUERIES["promises_due"], {"start": str(start), "end": str(end)})
    return dict(rows.fetchall())


def orders_by_status(conn: sqlite3.Connection) -> dict[str, int]:
    """How many orders are open, delivered and cancelled."""
    return dict(conn.execute(QUERIES["orders_by_status"]).fetchall())
