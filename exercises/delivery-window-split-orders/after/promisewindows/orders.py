"""The promise for a whole order, whose lines may ship from different warehouses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import attrgetter

from promisewindows.promise import PromiseWindow, promise_window
from promisewindows.warehouses import WAREHOUSES


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    warehouse: str  # code of the warehouse that holds the stock for this line


@dataclass(frozen=True)
class Package:
    warehouse: str
    lines: tuple[OrderLine, ...]
    window: PromiseWindow


def split_into_packages(
    lines: Sequence[OrderLine], ordered_at: datetime, zone: str, *, member: bool = False
) -> list[Package]:
    """One package per warehouse, each with its own promise window."""
    if not lines:
        raise ValueError("an order has at least one line")
    by_warehouse = attrgetter("warehouse")
    packages = []
    for code, group in groupby(sorted(lines, key=by_warehouse), key=by_warehouse):
        window = promise_window(ordered_at, WAREHOUSES[code], zone, member=member)
        packages.append(Package(code, tuple(group), window))
    return packages


def order_window(packages: Sequence[Package]) -> PromiseWindow:
    """When the whole order will have arrived: it is complete when its last package is."""
    if not packages:
        raise ValueError("an order has at least one package")
    by_arrival = sorted(packages, key=lambda package: package.window.latest)
    return PromiseWindow(
        earliest=by_arrival[0].window.earliest,
        latest=by_arrival[-1].window.latest,
    )
