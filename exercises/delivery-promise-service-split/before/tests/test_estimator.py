from datetime import date, datetime, timezone

import pytest

from promisedates.api import handle_estimate, handle_holiday_feed
from promisedates.estimator import Estimator

UTC = timezone.utc
JULY_4 = date(2025, 7, 4)


def estimator():
    return Estimator({"us-west": [JULY_4], "us-east": [JULY_4], "de": [date(2025, 10, 3)]})


def test_before_cutoff_dispatches_today():
    # 10:00 in Los Angeles on Tuesday 1 July 2025
    e = estimator().estimate("us-west", "standard", datetime(2025, 7, 1, 17, 0, tzinfo=UTC))
    assert e.dispatch == date(2025, 7, 1)
    assert (e.earliest, e.latest) == (date(2025, 7, 3), date(2025, 7, 8))  # skips the 4th


def test_after_cutoff_dispatches_next_business_day():
    e = estimator().estimate("us-west", "standard", datetime(2025, 7, 3, 22, 0, tzinfo=UTC))
    assert e.dispatch == date(2025, 7, 7)  # Thursday 15:00, Friday is a holiday


def test_naive_timestamp_is_refused():
    with pytest.raises(ValueError):
        estimator().estimate("us-west", "standard", datetime(2025, 7, 1, 10, 0))


def test_holiday_feed_replaces_the_calendar():
    e = estimator()
    assert handle_holiday_feed(e, "us-west", {"holidays": ["2025-07-02"]})[0] == 200
    assert e.estimate("us-west", "standard", datetime(2025, 7, 1, 17, 0, tzinfo=UTC)).earliest == date(2025, 7, 4)


def test_empty_holiday_feed_is_refused():
    assert handle_holiday_feed(estimator(), "us-west", {"holidays": []})[0] == 422


def test_api_gift_wrap_adds_a_day():
    status, body = handle_estimate(
        estimator(),
        {"region": "us-west", "ordered_at": "2025-07-01T17:00:00+00:00", "gift_wrap": "1"},
    )
    assert status == 200
    assert body["latest"] == "2025-07-09"


def test_api_unknown_region_is_404():
    status, _ = handle_estimate(estimator(), {"region": "mars", "ordered_at": "2025-07-01T17:00:00+00:00"})
    assert status == 404
