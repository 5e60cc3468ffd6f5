"""Proof: one shared estimator must not hand one region's promise to another region."""

from datetime import datetime, timezone

from deliverydates.estimator import DeliveryEstimator
from deliverydates.regions import REGIONS


def test_regions_do_not_share_cached_promises() -> None:
    ordered_at = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    west = REGIONS["us-west"]
    expected = DeliveryEstimator().promise(ordered_at, west)

    shared = DeliveryEstimator()
    shared.promise(ordered_at, REGIONS["us-east"])  # 30 hours of transit
    served = shared.promise(ordered_at, west)  # 52 hours of transit
    assert served == expected, f"us-west was promised {served} (the us-east date), not {expected}"
