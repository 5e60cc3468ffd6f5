"""Fulfilment regions, read from regions.toml."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta, timezone, tzinfo
from pathlib import Path

REGIONS_FILE = Path(__file__).with_name("regions.toml")


class RegionConfigError(ValueError):
    """regions.toml is missing a field or has a value of the wrong shape."""


@dataclass(frozen=True)
class Region:
    code: str
    zone: tzinfo  # the fulfilment centre's local time
    cutoff: time  # local; an order placed at or after it is dispatched the next business day
    transit: Mapping[str, tuple[int, int]]  # service level -> (fewest, most) business days


def load_regions(path: Path = REGIONS_FILE) -> dict[str, Region]:
    """Every region in ``path``, by code. Raises RegionConfigError naming the bad entry."""
    with path.open("rb") as config:
        table = tomllib.load(config).get("regions", {})
    regions = {}
    for code, raw in table.items():
        try:
            regions[code] = Region(
                code=code,
                zone=_parse_offset(raw["utc_offset"]),
                cutoff=time.fromisoformat(raw["cutoff"]),
                transit={level: _parse_transit(days) for level, days in raw["transit"].items()},
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise RegionConfigError(f"{path}: region {code!r}: {exc!r}") from exc
    if not regions:
        raise RegionConfigError(f"{path}: no regions")
    return regions


def _parse_offset(text: str) -> timezone:
    """"-08:00" -> UTC-08:00."""
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)), text)


def _parse_transit(days: list[int]) -> tuple[int, int]:
    fewest, most = days
    if not 0 <= fewest <= most:
        raise ValueError(f"transit {days!r}: expected [fewest, most] with 0 <= fewest <= most")
    return int(fewest), int(most)
