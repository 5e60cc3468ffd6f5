"""Tests for delivery promises."""

from datetime import date, datetime, timezone

import pytest

from deliverydates.businessdays import first_dispatch_day, transit_days
from deliverydates.cache import EstimateCache
from deliverydates.estimator import DeliveryEstimator
from deliverydates.regions import REGIONS
from deliverydates.service import promise_for

UTC = timezone.utc
EAST = REGIONS["us-east"]


def test_morning_order_ships_same_day() -> None:
    ordered_at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert DeliveryEstimator().dispatch_day(ordered_at, EAST) == date(2026, 3, 3)


def test_order_after_cutoff_ships_next_day() -> None:
    ordered_at = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    assert DeliveryEstimator().dispatch_day(ordered_at, EAST) == date(2026, 3, 4)


def test_weekend_order_ships_monday() -> None:
    ordered_at = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
    assert DeliveryEstimator().dispatch_day(ordered_at, EAST) == date(2026, 3, 9)


@pytest.mark.parametrize(
    ("order_day", "after_cutoff", "expected"),
    [
        (date(2026, 3, 3), False, date(2026, 3, 3)),
        (date(2026, 3, 3), True, date(2026, 3, 4)),
        (date(2026, 3, 7), False, date(2026, 3, 9)),
        (date(2026, 3, 8), False, date(2026, 3, 9)),
    ],
)
def test_first_dispatch_day(order_day: date, after_cutoff: bool, expected: date) -> None:
    assert first_dispatch_day(order_day, after_cutoff) == expected


@pytest.mark.parametrize(("hours", "days"), [(24, 1), (30, 2), (48, 2), (52, 3)])
def test_transit_hours_round_up_to_whole_days(hours: int, days: int) -> None:
    assert transit_days(hours) == days


def test_promise_adds_transit_business_days() -> None:
    ordered_at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert DeliveryEstimator().promise(ordered_at, EAST) == date(2026, 3, 5)


def test_naive_timestamp_is_rejected() -> None:
    with pytest.raises(ValueError):
        DeliveryEstimator().dispatch_day(datetime(2026, 3, 3, 9, 0), EAST)


def test_promise_is_cached() -> None:
    cache = EstimateCache()
    estimator = DeliveryEstimator(cache)
    estimator.promise(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), EAST)
    estimator.promise(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), EAST)
    assert len(cache) == 1


def test_promise_for_uses_the_region() -> None:
    assert promise_for("us-west", datetime(2026, 3, 3, 9, 0, tzinfo=UTC)) == date(2026, 3, 6)


def test_unknown_region_raises_key_error() -> None:
    with pytest.raises(KeyError):
        promise_for("eu-north", datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
