"""Reserves stock for orders, so that no unit is ever promised to two customers."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from stockroom.store import StockStore

MAX_ATTEMPTS = 5
BACKOFF_BASE_S = 0.01
BACKOFF_CAP_S = 0.2
MAX_UNITS_PER_RESERVATION = 10


@dataclass(frozen=True)
class Reservation:
    """Units of one SKU held for one order."""

    order_id: str
    sku: str
    quantity: int


class OutOfStock(Exception):
    """Fewer units are available than the order asks for."""


class ReservationConflict(Exception):
    """The stock row kept changing under us; the caller may retry the whole request later."""


def backoff_delay(attempt: int) -> float:
    """Seconds to wait after the ``attempt``-th conflict (counting from 0): capped, full jitter."""
    return random.uniform(0.0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt))


class ReservationService:
    """Takes units out of available stock for an order, and puts them back on cancellation."""

    def __init__(self, store: StockStore, sleep: Callable[[float], None] = time.sleep) -> None:
        self._store = store
        self._sleep = sleep

    def reserve(self, order_id: str, sku: str, quantity: int) -> Reservation:
        """Reserve ``quantity`` units of ``sku`` for ``order_id``.

        Single-unit reservations, most of our traffic, take a fast path of one read and one
        write. Raises ValueError above MAX_UNITS_PER_RESERVATION units and OutOfStock when there
        are not enough units.
        """
        if quantity > MAX_UNITS_PER_RESERVATION:
            raise ValueError(f"at most {MAX_UNITS_PER_RESERVATION} units per reservation")
        if quantity == 1:
            return self._reserve_one(order_id, sku)
        return self._reserve_many(order_id, sku, quantity)

    def _reserve_one(self, order_id: str, sku: str) -> Reservation:
        record = self._store.get(sku)
        if record.available < 1:
            raise OutOfStock(f"{sku}: 1 requested, none available")
        self._store.set_available(sku, record.available - 1)
        return Reservation(order_id, sku, 1)

    def _reserve_many(self, order_id: str, sku: str, quantity: int) -> Reservation:
        while True:
            record = self._store.get(sku)
            if record.available < quantity:
                raise OutOfStock(f"{sku}: {quantity} requested, {record.available} available")
            if self._store.compare_and_set(sku, record.version, record.available - quantity):
                return Reservation(order_id, sku, quantity)

    def release(self, reservation: Reservation) -> None:
        """Return a reservation's units to available stock when its order is cancelled."""
        sku = reservation.sku
        for attempt in range(MAX_ATTEMPTS):
            record = self._store.get(sku)
            restored = record.available + reservation.quantity
            if self._store.compare_and_set(sku, record.version, restored):
                return
            self._sleep(backoff_delay(attempt))
        raise ReservationConflict(sku)
