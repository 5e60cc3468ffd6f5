"""The window a parcel is promised for: dispatch day plus transit, in business days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from promisewindows.businessdays import add_business_days, is_business_day, next_business_day
from promisewindows.warehouses import Warehouse

# FastLane members get one business day of transit where the network can make it.
FAST_TRACK_DAYS = 1
# A promise is a window: from the planned arrival to two business days after it.
WINDOW_BUSINESS_DAYS = 2


@dataclass(frozen=True)
class PromiseWindow:
    earliest: date
    latest: date

    def label(self) -> str:
        first, last = _day(self.earliest), _day(self.latest)
        return f"Arrives {first}" if first == last else f"Arrives {first} - {last}"


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def dispatch_day(ordered_at: datetime, warehouse: Warehouse) -> date:
    """The day the warehouse hands the parcel to the carrier.

    The cutoff is the warehouse's local time, so the order time is read in the warehouse's zone.
    """
    local = ordered_at.astimezone(warehouse.tz)
    day = local.date()
    if not is_business_day(day) or local.time() >= warehouse.cutoff:
        return next_business_day(day)
    return day


def transit_days(warehouse: Warehouse, zone: str, *, member: bool) -> int:
    """Business days from dispatch to arrival.

    FastLane members get FAST_TRACK_DAYS from a warehouse in their own zone, or from any
    warehouse with an overnight air lane to their zone. Everyone else gets ground transit.
    """
    ground = warehouse.transit_days[zone]
    if member and (warehouse.zone == zone or zone in warehouse.air_lanes):
        return min(ground, FAST_TRACK_DAYS)
    return ground


def promise_window(
    ordered_at: datetime, warehouse: Warehouse, zone: str, *, member: bool = False
) -> PromiseWindow:
    """The window shown to the customer for a parcel from `warehouse` to `zone`."""
    days = transit_days(warehouse, zone, member=member)
    earliest = add_business_days(dispatch_day(ordered_at, warehouse), days)
    latest = add_business_days(earliest, WINDOW_BUSINESS_DAYS)
    return PromiseWindow(earliest=earliest, latest=latest)
