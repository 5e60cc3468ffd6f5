"""Order storage: the orders read replica, through sqlite3."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id         TEXT PRIMARY KEY,
    customer_id      TEXT NOT NULL,
    placed_at        TEXT NOT NULL,
    status           TEXT NOT NULL,
    total_cents      INTEGER NOT NULL,
    ship_to_name     TEXT NOT NULL,
    ship_to_address  TEXT NOT NULL,
    card_last4       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, placed_at);
"""

_COLUMNS = (
    "order_id, customer_id, placed_at, status, total_cents,"
    " ship_to_name, ship_to_address, card_last4"
)


@dataclass(frozen=True)
class Order:
    """One order, as stored."""

    order_id: str
    customer_id: str
    placed_at: str
    status: str
    total_cents: int
    ship_to_name: str
    ship_to_address: str
    card_last4: str


class OrderStore:
    """Read access to orders."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._conn.executescript(SCHEMA)

    def add(self, order: Order) -> None:
        """Insert an order (used by the replication job and by tests)."""
        self._conn.execute(
            f"INSERT INTO orders ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (order.order_id, order.customer_id, order.placed_at, order.status,
             order.total_cents, order.ship_to_name, order.ship_to_address, order.card_last4),
        )

    def get(self, order_id: str) -> Order | None:
        """Any order by its id, whoever placed it (the fulfilment tools look orders up this way)."""
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders WHERE order_id = ?", (order_id,)
        ).fetchone()
        return Order(*row) if row else None

    def orders_for_customer(self, customer_id: str) -> list[Order]:
        """A customer's orders, newest first."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders WHERE customer_id = ? ORDER BY placed_at DESC",
            (customer_id,),
        ).fetchall()
        return [Order(*row) for row in rows]
