from datetime import date

import pytest

from promisedates.calendars import CalendarRegistry, ClosureFeedError, closed_days

WINTER_SHUTDOWN = {"first": "2025-12-24", "last": "2025-12-26", "reason": "winter shutdown"}


def test_holidays_and_closures_are_closed():
    closed = closed_days(["2025-07-04"], [WINTER_SHUTDOWN])
    assert date(2025, 7, 4) in closed
    assert {date(2025, 12, 24), date(2025, 12, 25)} <= closed
    assert date(2025, 12, 23) not in closed


@pytest.mark.parametrize(
    "closures",
    [
        [{"first": "2025-12-26", "last": "2025-12-24"}],
        [{"first": "2025-01-01", "last": "2025-06-30"}],
        [{"first": "2025-12-24"}],
        [{"first": "Christmas", "last": "2025-12-26"}],
    ],
)
def test_bad_closures_are_refused(closures):
    with pytest.raises(ClosureFeedError):
        closed_days([], closures)


def test_business_days_skip_weekends_and_closures():
    calendar = CalendarRegistry().replace("us-west", ["2025-07-04"])
    assert calendar.next_business_day(date(2025, 7, 3)) == date(2025, 7, 7)
    assert calendar.add_business_days(date(2025, 7, 1), 4) == date(2025, 7, 8)


def test_each_replace_is_a_new_version():
    registry = CalendarRegistry()
    assert registry.replace("de", ["2025-10-03"]).version == 1
    assert registry.replace("de", ["2025-10-03", "2025-12-25"]).version == 2
    assert registry.get("de").closed == {date(2025, 10, 3), date(2025, 12, 25)}
