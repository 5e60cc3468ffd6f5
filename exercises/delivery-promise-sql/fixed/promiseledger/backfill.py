"""One-off repairs to the promise ledger, run by hand during incident clean-up."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from promiseledger.db import HERE

SHIFT_PROMISES = HERE / "backfills" / "shift_promises_inc4127.sql"


def utc_text(moment: datetime) -> str:
    """``moment`` as the ledger stores timestamps: UTC, 'YYYY-MM-DD HH:MM:SS'."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def shift_promises(
    conn: sqlite3.Connection, region: str, window_start: datetime, window_end: datetime
) -> int:
    """Move open ``region`` orders placed in [window_start, window_end) one business day later.

    Runs in one transaction, records the run in ``backfill_runs`` and returns the number of
    orders changed. Raises sqlite3.IntegrityError if the region has already been backfilled.
    """
    params = {
        "region": region,
        "window_start": utc_text(window_start),
        "window_end": utc_text(window_end),
    }
    with conn:
        conn.execute(
            "INSERT INTO backfill_runs (name, ran_at) VALUES (?, ?)",
            (f"{SHIFT_PROMISES.stem}:{region}", utc_text(datetime.now(timezone.utc))),
        )
        return conn.execute(SHIFT_PROMISES.read_text(), params).rowcount
