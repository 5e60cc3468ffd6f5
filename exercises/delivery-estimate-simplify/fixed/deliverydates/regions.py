"""Fulfilment regions and the dispatch rules each one runs on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Region:
    """A delivery region served from one fulfilment centre."""

    code: str
    tz: ZoneInfo
    """The region's local time zone; the dispatch cutoff is a wall-clock time in it."""
    cutoff: time
    """Orders placed before this local time leave the fulfilment centre the same business day."""
    transit_hours: int
    """Linehaul time from the fulfilment centre to the region's customers."""


REGIONS: dict[str, Region] = {
    "us-east": Region("us-east", ZoneInfo("America/New_York"), time(14, 0), 30),
    "us-central": Region("us-central", ZoneInfo("America/Chicago"), time(14, 0), 40),
    "us-west": Region("us-west", ZoneInfo("America/Los_Angeles"), time(13, 0), 52),
}
