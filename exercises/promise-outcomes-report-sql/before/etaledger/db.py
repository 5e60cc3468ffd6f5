"""SQLite access for the estimate ledger: the schema and the named queries."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

HERE = Path(__file__).parent
_QUERY_NAME = re.compile(r"^-- name: (\S+)[ \t]*$", re.MULTILINE)


def connect(path: str = ":memory:") -> sqlite3.Connection:
    """Open the ledger, creating the tables that do not exist yet."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript((HERE / "schema.sql").read_text())
    return conn


def load_queries(path: Path = HERE / "queries.sql") -> dict[str, str]:
    """The named queries in ``path``; each runs from its ``-- name: <name>`` line to the next."""
    parts = _QUERY_NAME.split(path.read_text())
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2])}
