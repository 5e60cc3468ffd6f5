"""Business-day arithmetic: fulfilment centres dispatch and carriers deliver Monday to Friday."""

from __future__ import annotations

from datetime import date, timedelta


def is_business_day(day: date) -> bool:
    """True from Monday to Friday."""
    return day.weekday() < 5


def next_business_day(day: date) -> date:
    """The first business day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days after ``start``; ``start`` itself is not counted."""
    day = start
    for _ in range(days):
        day = next_business_day(day)
    return day
