"""Each region's business days: weekdays that are neither public holidays nor closures.

The ops feed sends, per region, the public holidays (single dates) and closures: days the
fulfilment centre is shut for a stretch, such as the winter shutdown, given as ranges whose
``first`` and ``last`` days are both closed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

MAX_CLOSURE_DAYS = 31  # a longer closure is a typo in the feed, not a shutdown


class ClosureFeedError(ValueError):
    """An entry of the ops feed cannot be read."""


@dataclass(frozen=True)
class HolidayCalendar:
    region: str
    version: int  # goes up by one each time the region's calendar is replaced
    closed: frozenset[date]

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int) -> date:
        """The date ``count`` business days after ``day`` (``day`` itself is not counted)."""
        for _ in range(count):
            day = self.next_business_day(day)
        return day


def closed_days(holidays: Iterable[str], closures: Iterable[Mapping[str, str]]) -> frozenset[date]:
    """The dates of the holidays and of every day of every closure."""
    try:
        days = {date.fromisoformat(day) for day in holidays}
        for closure in closures:
            first = date.fromisoformat(closure["first"])
            last = date.fromisoformat(closure["last"])
            length = (last - first).days
            if not 0 <= length <= MAX_CLOSURE_DAYS:
                raise ClosureFeedError(f"closure {closure!r}: expected 0 to {MAX_CLOSURE_DAYS} days")
            days.update(first + timedelta(days=offset) for offset in range(length))
    except ClosureFeedError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ClosureFeedError(f"cannot read the closure feed: {exc}") from exc
    return frozenset(days)


class CalendarRegistry:
    """The current calendar of each region. Replacing one makes a new version."""

    def __init__(self) -> None:
        self._calendars: dict[str, HolidayCalendar] = {}
        self._lock = threading.Lock()

    def get(self, region: str) -> HolidayCalendar | None:
        with self._lock:
            return self._calendars.get(region)

    def replace(
        self, region: str, holidays: Iterable[str], closures: Iterable[Mapping[str, str]] = ()
    ) -> HolidayCalendar:
        """Install a region's calendar from the feed, as the next version."""
        closed = closed_days(holidays, closures)
        with self._lock:
            current = self._calendars.get(region)
            version = current.version + 1 if current is not None else 1
            calendar = HolidayCalendar(region, version, closed)
            self._calendars[region] = calendar
        return calendar
