"""Proof: an order placed on Friday after the cutoff leaves on Monday, not on Saturday."""

from datetime import date, datetime, timezone

from deliverydates.estimator import DeliveryEstimator
from deliverydates.regions import REGIONS


def test_friday_order_after_cutoff_ships_monday() -> None:
    # Friday 6 March 2026, 21:00 UTC is 16:00 in New York, two hours after the cutoff.
    ordered_at = datetime(2026, 3, 6, 21, 0, tzinfo=timezone.utc)
    estimator = DeliveryEstimator()
    east = REGIONS["us-east"]
    dispatch = estimator.dispatch_day(ordered_at, east)
    assert dispatch == date(2026, 3, 9), f"dispatch on {dispatch:%A %d %B}, not Monday 9 March"
    # Monday plus two business days of transit: Wednesday. A Saturday dispatch promises Tuesday.
    assert estimator.promise(ordered_at, east) == date(2026, 3, 11)
