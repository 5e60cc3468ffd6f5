from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from promisedates.calendars import CalendarRegistry
from promisedates.models import CalendarUnavailable, UnknownRegion
from promisedates.regions import load_regions
from promisedates.service import EstimateService

UTC = timezone.utc


def service() -> EstimateService:
    calendars = CalendarRegistry()
    for region in ("us-west", "us-east"):
        calendars.replace(region, ["2025-07-04", "2025-12-25"])
    calendars.replace("de", ["2025-10-03", "2025-12-25"])
    return EstimateService(calendars=calendars)


def test_shipped_regions_load():
    regions = load_regions()
    assert set(regions) == {"us-west", "us-east", "de"}
    assert regions["us-west"].transit["standard"] == (2, 4)


def test_before_cutoff_dispatches_today():
    # 09:00 in Los Angeles on Tuesday 2 December 2025
    e = service().estimate("us-west", "standard", datetime(2025, 12, 2, 17, 0, tzinfo=UTC))
    assert e.dispatch == date(2025, 12, 2)
    assert (e.earliest, e.latest) == (date(2025, 12, 4), date(2025, 12, 8))


def test_after_cutoff_dispatches_next_business_day():
    # 14:30 in Los Angeles on Wednesday 24 December 2025; the 25th is a holiday
    e = service().estimate("us-west", "standard", datetime(2025, 12, 24, 22, 30, tzinfo=UTC))
    assert e.dispatch == date(2025, 12, 26)


def test_berlin_cutoff():
    # 12:30 in Berlin on Friday 5 December 2025
    e = service().estimate("de", "express", datetime(2025, 12, 5, 11, 30, tzinfo=UTC))
    assert (e.dispatch, e.latest) == (date(2025, 12, 5), date(2025, 12, 8))


def test_naive_timestamp_is_refused():
    with pytest.raises(ValueError):
        service().estimate("us-west", "standard", datetime(2025, 12, 2, 9, 0))


def test_repeated_estimates_agree():
    s = service()
    at = datetime(2025, 12, 2, 17, 0, tzinfo=UTC)
    assert s.estimate("us-west", "standard", at) == s.estimate("us-west", "standard", at)


def test_a_new_calendar_is_used_at_once():
    s = service()
    at = datetime(2025, 12, 2, 17, 0, tzinfo=UTC)
    assert s.estimate("us-west", "standard", at).earliest == date(2025, 12, 4)
    s.reload_calendar("us-west", ["2025-12-25"], [{"first": "2025-12-03", "last": "2025-12-05"}])
    assert s.estimate("us-west", "standard", at).earliest > date(2025, 12, 4)


def test_unknown_region_and_missing_calendar():
    with pytest.raises(UnknownRegion):
        service().estimate("mars", "standard", datetime(2025, 12, 2, 17, 0, tzinfo=UTC))
    with pytest.raises(CalendarUnavailable):
        EstimateService(calendars=CalendarRegistry()).estimate(
            "de", "standard", datetime(2025, 12, 2, 9, 0, tzinfo=UTC)
        )


def test_regions_file_errors_name_the_region(tmp_path: Path):
    bad = tmp_path / "regions.toml"
    bad.write_text('[regions.fr]\nzone = "Europe/Paris"\ncutoff = "noon"\ntransit = {}\n')
    with pytest.raises(ValueError, match="'fr'"):
        load_regions(bad)
