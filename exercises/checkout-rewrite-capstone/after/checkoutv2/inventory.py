"""Sellable stock for this fulfilment node, shared by every checkout thread in the process."""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from dataclasses import dataclass


class OutOfStock(Exception):
    """Fewer units are available than the order needs."""

    def __init__(self, sku: str, requested: int, available: int) -> None:
        super().__init__(f"{sku}: requested {requested}, available {available}")
        self.sku = sku
        self.requested = requested
        self.available = available


@dataclass(frozen=True)
class Reservation:
    """Units taken out of sellable stock for one order line."""

    sku: str
    quantity: int


class StockLedger:
    """Units that can still be sold, per SKU. One ledger serves all request threads."""

    def __init__(self, counts: MutableMapping[str, int]) -> None:
        self._counts = counts
        self._lock = threading.Lock()

    def available(self, sku: str) -> int:
        """Units of ``sku`` that can be sold now."""
        with self._lock:
            return self._counts.get(sku, 0)

    def reserve(self, sku: str, quantity: int) -> Reservation:
        """Take ``quantity`` units of ``sku`` out of sellable stock, or raise OutOfStock."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        available = self._counts.get(sku, 0)
        if available < quantity:
            raise OutOfStock(sku, requested=quantity, available=available)
        with self._lock:
            self._counts[sku] = available - quantity
        return Reservation(sku, quantity)

    def release(self, reservation: Reservation) -> None:
        """Return a reservation's units to sellable stock, for an order that did not go through."""
        with self._lock:
            self._counts[reservation.sku] = (
                self._counts.get(reservation.sku, 0) + reservation.quantity
            )
