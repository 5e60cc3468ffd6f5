"""The estimate service: regions, holiday calendars and cut-offs, with a cache in front."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from .cache import TTLCache
from .calendars import CalendarRegistry, HolidayCalendar
from .cutoffs import dispatch_day
from .models import CalendarUnavailable, Estimate, UnknownRegion
from .regions import Region, load_regions

CACHE_TTL_SECONDS = 600.0


class EstimateService:
    """Promised dates for every region.

    Every order dispatched from the same region on the same day at the same service level
    gets the same dates, so estimates are cached by (region, level, dispatch day) and by the
    calendar version they were computed with: replacing a region's calendar changes the
    version, so no estimate computed with the old calendar is served again.
    """

    def __init__(
        self,
        regions: Mapping[str, Region] | None = None,
        calendars: CalendarRegistry | None = None,
        cache: TTLCache[Estimate] | None = None,
    ) -> None:
        self._regions = dict(regions) if regions is not None else load_regions()
        self._calendars = calendars if calendars is not None else CalendarRegistry()
        self._cache = cache if cache is not None else TTLCache(CACHE_TTL_SECONDS)

    def region(self, code: str) -> Region:
        region = self._regions.get(code)
        if region is None:
            raise UnknownRegion(code)
        return region

    def calendar(self, code: str) -> HolidayCalendar:
        calendar = self._calendars.get(self.region(code).code)
        if calendar is None:
            raise CalendarUnavailable(f"no holiday calendar loaded for {code}")
        return calendar

    def reload_calendar(
        self, code: str, holidays: Iterable[str], closures: Iterable[Mapping[str, str]] = ()
    ) -> int:
        """Replace a region's holidays and closures from the ops feed. Returns the new version."""
        return self._calendars.replace(self.region(code).code, holidays, closures).version

    def add_business_days(self, code: str, day: date, count: int) -> date:
        return self.calendar(code).add_business_days(day, count)

    def estimate(self, code: str, level: str, ordered_at: datetime) -> Estimate:
        region = self.region(code)
        if level not in region.transit:
            raise ValueError(f"{code} has no {level!r} service")
        calendar = self.calendar(code)
        dispatch = dispatch_day(region, calendar, ordered_at)
        key = (code, level, dispatch, calendar.version)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        fewest, most = region.transit[level]
        estimate = Estimate(
            region=code,
            level=level,
            dispatch=dispatch,
            earliest=calendar.add_business_days(dispatch, fewest),
            latest=calendar.add_business_days(dispatch, most),
        )
        self._cache.put(key, estimate)
        return estimate
