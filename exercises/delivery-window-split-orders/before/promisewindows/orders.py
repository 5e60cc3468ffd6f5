"""The promise for a whole order, whose lines may ship from different warehouses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from promisewindows.promise import promise_date
from promisewindows.warehouses import WAREHOUSES


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    warehouse: str  # code of the warehouse that holds the stock for this line


def order_promise(lines: Sequence[OrderLine], ordered_at: datetime, zone: str) -> date:
    """The date by which every line of the order will have arrived."""
    if not lines:
        raise ValueError("an order has at least one line")
    return max(promise_date(ordered_at, WAREHOUSES[line.warehouse], zone) for line in lines)
