"""Business-day arithmetic: fulfilment centres dispatch and carriers deliver Monday to Friday."""

from __future__ import annotations

import math
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


def roll_forward(day: date) -> date:
    """``day`` itself when it is a business day, otherwise the next business day."""
    return day if is_business_day(day) else next_business_day(day)


def first_dispatch_day(order_day: date, after_cutoff: bool) -> date:
    """The first day an order placed on ``order_day`` can leave the fulfilment centre.

    Weekend orders wait for Monday, whatever the time; orders placed after the cutoff wait one
    more business day.
    """
    if not is_business_day(order_day):
        return roll_forward(order_day)
    if after_cutoff:
        return order_day + timedelta(days=1)
    return order_day


def transit_days(transit_hours: int) -> int:
    """Whole days of linehaul transit, rounded up: a 30-hour linehaul is promised as 2 days."""
    return math.ceil(transit_hours / 24)


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days after ``start``; ``start`` itself is not counted."""
    day = start
    for _ in range(days):
        day = next_business_day(day)
    return day
