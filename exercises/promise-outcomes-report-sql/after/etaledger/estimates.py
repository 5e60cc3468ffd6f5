"""Recording the delivery estimates the estimator shows customers."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone


def record_estimate(conn: sqlite3.Connection, order_id: int, build: str, promised_on: date, given_at: datetime) -> None:
    """Store one estimate shown for ``order_id``. ``given_at`` must be timezone-aware; it is
    stored in UTC. The order must exist (the foreign key refuses an unknown order_id)."""
    if given_at.tzinfo is None:
        raise ValueError("given_at must be timezone-aware")
    if not build:
        raise ValueError("build must name the estimator build")
    stamp = given_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    with conn:
        conn.execute(
            "INSERT INTO estimates (order_id, build, promised_on, given_at) VALUES (?, ?, ?, ?)",
            (order_id, build, promised_on.isoformat(), stamp),
        )
