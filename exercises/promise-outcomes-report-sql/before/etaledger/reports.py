"""Reports on delivery promises, for the operations dashboards and the incident reviews."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from etaledger.db import load_queries

QUERIES = load_queries()


def late_deliveries(conn: sqlite3.Connection, start: date, days: int = 1) -> dict[str, int]:
    """Orders delivered late, per region, among those promised for ``start`` and the
    ``days - 1`` days after it."""
    end = start + timedelta(days=days)
    rows = conn.execute(QUERIES["late_deliveries"], {"start": str(start), "end": str(end)})
    return dict(rows.fetchall())


def orders_by_status(conn: sqlite3.Connection) -> dict[str, int]:
    """How many orders are open, delivered and cancelled."""
    return dict(conn.execute(QUERIES["orders_by_status"]).fetchall())
