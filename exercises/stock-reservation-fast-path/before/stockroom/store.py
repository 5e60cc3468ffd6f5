"""The inventory table: units available per SKU, with a version for optimistic concurrency."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class StockRecord:
    """One row: units available to reserve, and a version that every write increments."""

    sku: str
    available: int
    version: int


class UnknownSku(KeyError):
    """No stock row exists for the SKU."""


class StockStore:
    """An in-memory stand-in for the inventory table.

    Each method behaves like one SQL statement: atomic on its own, and nothing is atomic across
    two calls.
    """

    def __init__(self, stock: dict[str, int] | None = None) -> None:
        self._lock = threading.Lock()
        self._rows = {sku: StockRecord(sku, units, 1) for sku, units in (stock or {}).items()}

    def get(self, sku: str) -> StockRecord:
        """SELECT available, version FROM stock WHERE sku = ?"""
        with self._lock:
            try:
                return self._rows[sku]
            except KeyError:
                raise UnknownSku(sku) from None

    def compare_and_set(self, sku: str, expected_version: int, available: int) -> bool:
        """UPDATE stock SET available = ?, version = version + 1 WHERE sku = ? AND version = ?

        Returns False, and changes nothing, when the row has been written since it was read.
        """
        with self._lock:
            row = self._rows.get(sku)
            if row is None or row.version != expected_version:
                return False
            self._rows[sku] = StockRecord(sku, available, row.version + 1)
            return True

    def set_available(self, sku: str, available: int) -> None:
        """UPDATE stock SET available = ?, version = version + 1 WHERE sku = ?

        Replaces the count outright, whatever it was: for restocks and stock takes.
        """
        with self._lock:
            row = self._rows.get(sku)
            self._rows[sku] = StockRecord(sku, available, row.version + 1 if row else 1)
