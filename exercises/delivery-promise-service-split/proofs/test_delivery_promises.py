"""Proofs for the keyed defects: each test fails on after/ and passes on fixed/."""

from __future__ import annotations

from datetime import date, datetime, timezone

from promisedates.api import handle_calendar_feed, handle_estimate
from promisedates.calendars import CalendarRegistry
from promisedates.service import EstimateService

UTC = timezone.utc
HOLIDAYS = ["2026-07-03", "2026-12-25"]


def service(closures=()) -> EstimateService:
    calendars = CalendarRegistry()
    for region in ("us-west", "us-east", "de"):
        calendars.replace(region, HOLIDAYS, closures)
    return EstimateService(calendars=calendars)  # the regions come from the shipped regions.toml


def test_a_gift_wrapped_order_does_not_move_other_shoppers_dates():
    s = service()
    ordered = "2026-06-02T16:00:00+00:00"  # 09:00 in Los Angeles, Tuesday
    plain = {"region": "us-west", "ordered_at": ordered}
    _, before = handle_estimate(s, plain)
    for _ in range(3):  # three gift-wrapped orders from other shoppers, same dispatch day
        handle_estimate(s, {**plain, "gift_wrap": "1"})
    _, after = handle_estimate(s, plain)
    assert after["latest"] == before["latest"] == "2026-06-08"


def test_the_last_day_of_a_closure_is_closed():
    shutdown = [{"first": "2026-12-23", "last": "2026-12-29", "reason": "winter shutdown"}]
    calendar = CalendarRegistry().replace("us-west", HOLIDAYS, shutdown)
    assert not calendar.is_business_day(date(2026, 12, 29))
    # 10:00 in Los Angeles on Tuesday 22 December, before the cut-off: it leaves on the 22nd,
    # and its two business days in transit come after the whole shutdown (23rd to 29th).
    estimate = service(shutdown).estimate("us-west", "standard", datetime(2026, 12, 22, 18, 0, tzinfo=UTC))
    assert estimate.earliest == date(2026, 12, 31)


def test_an_empty_holiday_feed_keeps_the_calendar():
    s = service()
    status, _ = handle_calendar_feed(s, "us-west", {"holidays": [], "closures": []})
    assert status == 422
    assert not s.calendar("us-west").is_business_day(date(2026, 7, 3))


def test_the_cutoff_follows_daylight_saving_time():
    s = service()
    # Tuesday 10 March 2026, 21:30 UTC: 14:30 in Los Angeles (PDT since 8 March), after the
    # 14:00 cut-off, so the order leaves on Wednesday.
    assert s.estimate("us-west", "express", datetime(2026, 3, 10, 21, 30, tzinfo=UTC)).dispatch == date(2026, 3, 11)
    # Thursday 2 July 2026, 11:30 UTC: 13:30 in Berlin (CEST), after the 13:00 cut-off;
    # the 3rd is a holiday, so it leaves on Monday.
    assert s.estimate("de", "standard", datetime(2026, 7, 2, 11, 30, tzinfo=UTC)).dispatch == date(2026, 7, 6)
