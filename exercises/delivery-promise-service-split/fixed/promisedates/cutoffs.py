"""Regional cut-offs: the business day an order leaves the fulfilment centre."""

from __future__ import annotations

from datetime import date, datetime

from .calendars import HolidayCalendar
from .regions import Region


def dispatch_day(region: Region, calendar: HolidayCalendar, ordered_at: datetime) -> date:
    """The business day an order placed at ``ordered_at`` is dispatched from ``region``.

    The cut-off is the fulfilment centre's local time, so the order's timestamp is
    converted to that time first: the local date is the order day, and an order placed
    at or after the cut-off, or on a day that is not a business day, waits for the next
    business day.
    """
    if ordered_at.tzinfo is None:
        raise ValueError("ordered_at must include a UTC offset")
    local = ordered_at.astimezone(region.zone)
    order_day = local.date()
    if calendar.is_business_day(order_day) and local.time() < region.cutoff:
        return order_day
    return calendar.next_business_day(order_day)
