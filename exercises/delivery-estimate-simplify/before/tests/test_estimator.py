"""Tests for delivery promises."""

from datetime import date, datetime, timezone

import pytest

from deliverydates.cache import EstimateCache
from deliverydates.estimator import DeliveryEstimator
from deliverydates.regions import REGIONS
from deliverydates.service import promise_for

UTC = timezone.utc
EAST = REGIONS["us-east"]


def test_morning_order_ships_same_day() -> None:
    estimator = DeliveryEstimator(EAST)
    assert estimator.dispatch_day(datetime(2026, 3, 3, 9, 0, tzinfo=UTC)) == date(2026, 3, 3)


def test_order_after_cutoff_ships_next_day() -> None:
    estimator = DeliveryEstimator(EAST)
    assert estimator.dispatch_day(datetime(2026, 3, 3, 20, 0, tzinfo=UTC)) == date(2026, 3, 4)


def test_weekend_order_ships_monday() -> None:
    estimator = DeliveryEstimator(EAST)
    assert estimator.dispatch_day(datetime(2026, 3, 7, 10, 0, tzinfo=UTC)) == date(2026, 3, 9)


def test_transit_rounds_up_to_whole_days() -> None:
    assert DeliveryEstimator(EAST).transit_days() == 2


def test_promise_adds_transit_business_days() -> None:
    estimator = DeliveryEstimator(EAST)
    assert estimator.promise(datetime(2026, 3, 3, 9, 0, tzinfo=UTC)) == date(2026, 3, 5)


def test_naive_timestamp_is_rejected() -> None:
    with pytest.raises(ValueError):
        DeliveryEstimator(EAST).dispatch_day(datetime(2026, 3, 3, 9, 0))


def test_promise_is_cached() -> None:
    cache = EstimateCache()
    estimator = DeliveryEstimator(EAST, cache)
    estimator.promise(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    estimator.promise(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    assert len(cache) == 1


def test_unknown_region_raises_key_error() -> None:
    with pytest.raises(KeyError):
        promise_for("eu-north", datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
