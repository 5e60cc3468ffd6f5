"""Business-day arithmetic for the carrier network: no dispatch or delivery at weekends."""

from __future__ import annotations

from datetime import date, timedelta

# Network holidays (synthetic, for the course): no dispatch and no delivery on these days.
HOLIDAYS: frozenset[date] = frozenset(
    {
        date(2026, 1, 1),
        date(2026, 5, 25),
        date(2026, 7, 3),
        date(2026, 9, 7),
        date(2026, 11, 26),
        date(2026, 12, 25),
    }
)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def next_business_day(day: date) -> date:
    """The first business day strictly after `day`."""
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    """The business day `count` business days after `day` (`day` itself need not be one)."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    for _ in range(count):
        day = next_business_day(day)
    return day
