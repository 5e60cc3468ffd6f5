"""Proof: the us-east backfill must leave every other region's promises alone."""

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from promiseledger.backfill import shift_promises

TREE = Path(os.environ["EXERCISE_TREE"])


def test_backfill_changes_only_the_named_region() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript((TREE / "promiseledger" / "schema.sql").read_text())
    conn.executemany(
        "INSERT INTO orders (order_id, region, ordered_at, promised_on, status)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (1, "us-east", "2026-03-02 14:00:00", "2026-03-04", "open"),
            (2, "us-west", "2026-03-02 14:30:00", "2026-03-05", "open"),
            (3, "us-central", "2026-03-02 15:00:00", "2026-03-04", "open"),
        ],
    )
    start = datetime(2026, 3, 2, 13, 0, tzinfo=timezone.utc)
    end = datetime(2026, 3, 2, 19, 0, tzinfo=timezone.utc)
    changed = shift_promises(conn, "us-east", start, end)
    others = conn.execute(
        "SELECT order_id, promised_on FROM orders WHERE region <> 'us-east' ORDER BY order_id"
    ).fetchall()
    assert others == [(2, "2026-03-05"), (3, "2026-03-04")], f"other regions were moved: {others}"
    assert changed == 1
