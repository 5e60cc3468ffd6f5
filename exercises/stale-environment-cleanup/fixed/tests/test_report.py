from datetime import datetime, timezone

from previewenv.client import InMemoryEnvironmentClient
from previewenv.models import Environment, parse_timestamp
from previewenv.report import format_report


def test_api_timestamps_are_utc():
    assert parse_timestamp("2026-01-05T09:30:00Z") == datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)


def test_report_lists_newest_first():
    old = Environment("pr-101", "dana", parse_timestamp("2026-01-01T00:00:00Z"), parse_timestamp("2026-01-02T08:00:00Z"))
    new = Environment("staging", "platform", parse_timestamp("2025-06-01T00:00:00Z"), parse_timestamp("2026-01-05T09:30:00Z"))
    lines = format_report(InMemoryEnvironmentClient([old, new])).splitlines()
    assert lines[0].startswith("staging") and lines[0].endswith("2026-01-05 09:30 UTC")
    assert lines[1].startswith("pr-101")
