"""Promised delivery dates: when an order placed now will leave the warehouse and arrive."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class UnknownRegion(KeyError):
    """No fulfilment region has this code."""


@dataclass(frozen=True)
class Region:
    code: str
    zone: ZoneInfo  # the fulfilment centre's time zone
    cutoff: time  # local time; an order placed at or after it is dispatched the next business day
    transit: Mapping[str, tuple[int, int]]  # service level -> (fewest, most) business days in transit


REGIONS = {
    "us-west": Region(
        "us-west", ZoneInfo("America/Los_Angeles"), time(14, 0), {"standard": (2, 4), "express": (1, 1)}
    ),
    "us-east": Region(
        "us-east", ZoneInfo("America/New_York"), time(15, 0), {"standard": (2, 3), "express": (1, 1)}
    ),
    "de": Region("de", ZoneInfo("Europe/Berlin"), time(13, 0), {"standard": (1, 2), "express": (1, 1)}),
}


@dataclass
class Estimate:
    region: str
    level: str
    dispatch: date
    earliest: date
    latest: date


class Estimator:
    """Computes estimates from the regions above and each region's holidays."""

    def __init__(self, holidays: Mapping[str, Iterable[date]]) -> None:
        self._holidays = {code: frozenset(days) for code, days in holidays.items()}
        self._lock = threading.Lock()

    def reload_holidays(self, code: str, days: Iterable[date]) -> None:
        """Replace one region's holidays (the ops feed calls this when it changes)."""
        if code not in REGIONS:
            raise UnknownRegion(code)
        days = frozenset(days)
        with self._lock:
            self._holidays[code] = days

    def is_business_day(self, code: str, day: date) -> bool:
        with self._lock:
            holidays = self._holidays.get(code, frozenset())
        return day.weekday() < 5 and day not in holidays

    def next_business_day(self, code: str, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_business_day(code, day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, code: str, day: date, count: int) -> date:
        for _ in range(count):
            day = self.next_business_day(code, day)
        return day

    def dispatch_day(self, region: Region, ordered_at: datetime) -> date:
        """The business day an order placed at ``ordered_at`` leaves the fulfilment centre."""
        if ordered_at.tzinfo is None:
            raise ValueError("ordered_at must include a UTC offset")
        local = ordered_at.astimezone(region.zone)
        day = local.date()
        if self.is_business_day(region.code, day) and local.time() < region.cutoff:
            return day
        return self.next_business_day(region.code, day)

    def estimate(self, code: str, level: str, ordered_at: datetime) -> Estimate:
        region = REGIONS.get(code)
        if region is None:
            raise UnknownRegion(code)
        if level not in region.transit:
            raise ValueError(f"{code} has no {level!r} service")
        dispatch = self.dispatch_day(region, ordered_at)
        fewest, most = region.transit[level]
        return Estimate(
            region=code,
            level=level,
            dispatch=dispatch,
            earliest=self.add_business_days(code, dispatch, fewest),
            latest=self.add_business_days(code, dispatch, most),
        )
