"""The date a parcel is promised for: dispatch day plus ground transit, in business days."""

from __future__ import annotations

from datetime import date, datetime

from promisewindows.businessdays import add_business_days, is_business_day, next_business_day
from promisewindows.warehouses import Warehouse


def dispatch_day(ordered_at: datetime, warehouse: Warehouse) -> date:
    """The day the warehouse hands the parcel to the carrier.

    The cutoff is the warehouse's local time, so the order time is read in the warehouse's zone.
    """
    local = ordered_at.astimezone(warehouse.tz)
    day = local.date()
    if not is_business_day(day) or local.time() >= warehouse.cutoff:
        return next_business_day(day)
    return day


def promise_date(ordered_at: datetime, warehouse: Warehouse, zone: str) -> date:
    """The delivery date shown to the customer for a parcel from `warehouse` to `zone`."""
    return add_business_days(dispatch_day(ordered_at, warehouse), warehouse.transit_days[zone])
