"""Promised delivery dates shown on product and checkout pages."""

from __future__ import annotations

from datetime import date, datetime

from deliverydates.businessdays import add_business_days, first_dispatch_day, transit_days
from deliverydates.cache import EstimateCache
from deliverydates.regions import Region


class DeliveryEstimator:
    """Computes promised delivery dates for every region.

    Promises are cached by dispatch day: every order that leaves the fulfilment centre on the
    same day is promised the same delivery date.
    """

    def __init__(self, cache: EstimateCache | None = None) -> None:
        self._cache = cache if cache is not None else EstimateCache()

    def dispatch_day(self, ordered_at: datetime, region: Region) -> date:
        """The day an order placed at ``ordered_at`` leaves ``region``'s fulfilment centre.

        ``ordered_at`` must be timezone-aware; the order pipeline records it in UTC.
        """
        if ordered_at.tzinfo is None:
            raise ValueError("ordered_at must be timezone-aware")
        order_day = ordered_at.astimezone(region.tz).date()
        cutoff_at = datetime.combine(order_day, region.cutoff, tzinfo=region.tz)
        return first_dispatch_day(order_day, after_cutoff=ordered_at >= cutoff_at)

    def promise(self, ordered_at: datetime, region: Region) -> date:
        """The delivery date to show for an order placed at ``ordered_at`` in ``region``."""
        dispatch = self.dispatch_day(ordered_at, region)
        return self._cache.get_or_compute(
            (region.code, dispatch),
            lambda: add_business_days(dispatch, transit_days(region.transit_hours)),
        )
