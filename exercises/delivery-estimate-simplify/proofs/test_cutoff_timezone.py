"""Proof: the dispatch cutoff is local wall-clock time and is compared in the region's zone."""

from datetime import date, datetime, timezone

from deliverydates.estimator import DeliveryEstimator
from deliverydates.regions import REGIONS


def test_morning_orders_ship_the_same_day() -> None:
    estimator = DeliveryEstimator()
    # Monday 2 March 2026, 15:00 UTC is 10:00 in New York: four hours before the 14:00 cutoff.
    east_order = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    east = estimator.dispatch_day(east_order, REGIONS["us-east"])
    # 18:30 UTC is 10:30 in Los Angeles: before the 13:00 cutoff.
    west_order = datetime(2026, 3, 2, 18, 30, tzinfo=timezone.utc)
    west = estimator.dispatch_day(west_order, REGIONS["us-west"])
    assert (east, west) == (date(2026, 3, 2), date(2026, 3, 2)), (
        f"morning orders were treated as late: us-east ships {east}, us-west ships {west}"
    )
