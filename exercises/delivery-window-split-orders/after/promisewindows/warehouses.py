"""The fulfilment centres that ship parcels, with their dispatch cutoffs and transit times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Warehouse:
    code: str
    tz: ZoneInfo
    cutoff: time  # local wall-clock time; orders at or after it are dispatched the next business day
    transit_days: Mapping[str, int]  # business days of ground transit, by destination zone
    zone: str  # the delivery zone the warehouse itself is in
    air_lanes: frozenset[str] = field(default_factory=frozenset)  # zones with an overnight flight


WAREHOUSES: dict[str, Warehouse] = {
    "RNO1": Warehouse(
        "RNO1",
        ZoneInfo("America/Los_Angeles"),
        time(13, 0),
        {"west": 1, "central": 3, "east": 4},
        zone="west",
        air_lanes=frozenset({"east"}),
    ),
    "IND2": Warehouse(
        "IND2",
        ZoneInfo("America/Indiana/Indianapolis"),
        time(14, 0),
        {"west": 3, "central": 1, "east": 2},
        zone="central",
    ),
    "PHL3": Warehouse(
        "PHL3",
        ZoneInfo("America/New_York"),
        time(14, 0),
        {"west": 4, "central": 2, "east": 1},
        zone="east",
        air_lanes=frozenset({"west"}),
    ),
}
