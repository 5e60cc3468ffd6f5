"""GET /estimate?region=us-west&level=standard&ordered_at=...&gift_wrap=1
POST /holidays/<region> with the ops feed's {"holidays": ["2025-07-04", ...]}"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .estimator import Estimator, UnknownRegion

GIFT_WRAP_DAYS = 1  # wrapping can hold a parcel back a business day: the latest date moves


def handle_estimate(estimator: Estimator, params: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
    """The status and JSON body for one estimate request."""
    try:
        region = params["region"]
        level = params.get("level", "standard")
        ordered_at = datetime.fromisoformat(params["ordered_at"])
    except KeyError as exc:
        return 400, {"error": f"missing parameter {exc.args[0]}"}
    except ValueError:
        return 400, {"error": "ordered_at is not an ISO 8601 timestamp"}
    try:
        estimate = estimator.estimate(region, level, ordered_at)
    except UnknownRegion:
        return 404, {"error": f"unknown region {region}"}
    except ValueError as exc:
        return 400, {"error": str(exc)}
    if params.get("gift_wrap") == "1":
        estimate.latest = estimator.add_business_days(region, estimate.latest, GIFT_WRAP_DAYS)
    return 200, {
        "region": estimate.region,
        "level": estimate.level,
        "dispatch": estimate.dispatch.isoformat(),
        "earliest": estimate.earliest.isoformat(),
        "latest": estimate.latest.isoformat(),
    }


def handle_holiday_feed(estimator: Estimator, region: str, body: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """The ops feed posts a region's whole holiday list whenever it changes."""
    try:
        days = [date.fromisoformat(day) for day in body.get("holidays", [])]
    except (TypeError, ValueError) as exc:
        return 422, {"error": f"cannot read the holiday feed: {exc}"}
    if not days:
        # The feed always lists at least the public holidays: an empty list means the feed
        # failed upstream. Keep the calendar we have rather than promise dates on holidays.
        return 422, {"error": f"refusing an empty holiday list for {region}"}
    try:
        estimator.reload_holidays(region, days)
    except UnknownRegion:
        return 404, {"error": f"unknown region {region}"}
    return 200, {"region": region, "holidays": len(days)}
