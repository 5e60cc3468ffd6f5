"""What an estimate is, for the service and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class UnknownRegion(KeyError):
    """No fulfilment region has this code."""


class CalendarUnavailable(RuntimeError):
    """No holiday calendar has been loaded for a region yet, so no date can be promised."""


@dataclass
class Estimate:
    region: str
    level: str
    dispatch: date
    earliest: date
    latest: date
