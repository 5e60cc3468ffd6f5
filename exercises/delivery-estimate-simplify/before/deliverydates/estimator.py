"""Promised delivery dates shown on product and checkout pages."""

from __future__ import annotations

from datetime import date, datetime

from deliverydates.businessdays import add_business_days, is_business_day, next_business_day
from deliverydates.cache import EstimateCache
from deliverydates.regions import Region


class DeliveryEstimator:
    """Computes promised delivery dates for one region.

    Promises are cached by dispatch day: every order that leaves the fulfilment centre on the
    same day is promised the same delivery date.
    """

    def __init__(self, region: Region, cache: EstimateCache | None = None) -> None:
        self.region = region
        self._cache = cache if cache is not None else EstimateCache()

    def dispatch_day(self, ordered_at: datetime) -> date:
        """The day an order placed at ``ordered_at`` leaves the fulfilment centre.

        ``ordered_at`` must be timezone-aware; the order pipeline records it in UTC.
        """
        if ordered_at.tzinfo is None:
            raise ValueError("ordered_at must be timezone-aware")
        local = ordered_at.astimezone(self.region.tz)
        order_day = local.date()
        if not is_business_day(order_day):
            return next_business_day(order_day)
        if local.time() >= self.region.cutoff:
            return next_business_day(order_day)
        return order_day

    def transit_days(self) -> int:
        """Whole days of linehaul transit; a part day counts as a full day."""
        days, remainder = divmod(self.region.transit_hours, 24)
        if remainder:
            days += 1
        return days

    def promise(self, ordered_at: datetime) -> date:
        """The delivery date to show for an order placed at ``ordered_at``."""
        dispatch = self.dispatch_day(ordered_at)
        cached = self._cache.get(dispatch)
        if cached is not None:
            return cached
        promised = add_business_days(dispatch, self.transit_days())
        self._cache.put(dispatch, promised)
        return promised
