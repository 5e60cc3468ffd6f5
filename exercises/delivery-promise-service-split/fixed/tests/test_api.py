from promisedates.api import handle_calendar_feed, handle_estimate
from promisedates.calendars import CalendarRegistry
from promisedates.service import EstimateService

ORDERED = "2025-12-02T17:00:00+00:00"  # 09:00 in Los Angeles, Tuesday


def service() -> EstimateService:
    calendars = CalendarRegistry()
    calendars.replace("us-west", ["2025-12-25"])
    return EstimateService(calendars=calendars)


def test_estimate():
    status, body = handle_estimate(service(), {"region": "us-west", "ordered_at": ORDERED})
    assert status == 200
    assert (body["dispatch"], body["earliest"], body["latest"]) == ("2025-12-02", "2025-12-04", "2025-12-08")


def test_gift_wrap_adds_a_day():
    status, body = handle_estimate(service(), {"region": "us-west", "ordered_at": ORDERED, "gift_wrap": "1"})
    assert status == 200
    assert body["latest"] == "2025-12-09"


def test_unknown_region_is_404_and_missing_calendar_503():
    assert handle_estimate(service(), {"region": "mars", "ordered_at": ORDERED})[0] == 404
    assert handle_estimate(service(), {"region": "de", "ordered_at": ORDERED})[0] == 503


def test_bad_timestamps_are_400():
    assert handle_estimate(service(), {"region": "us-west", "ordered_at": "yesterday"})[0] == 400
    assert handle_estimate(service(), {"region": "us-west", "ordered_at": "2025-12-02T09:00"})[0] == 400


def test_calendar_feed():
    s = service()
    feed = {"holidays": ["2025-12-25"], "closures": [{"first": "2025-12-24", "last": "2025-12-26"}]}
    assert handle_calendar_feed(s, "us-west", feed) == (200, {"region": "us-west", "version": 2})
    assert handle_calendar_feed(s, "us-west", {"closures": [{"first": "soon"}]})[0] == 422
    assert handle_calendar_feed(s, "mars", feed)[0] == 404
