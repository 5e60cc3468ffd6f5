"""GET /estimate?region=us-west&level=standard&ordered_at=...&gift_wrap=1
POST /calendars/<region> with the ops feed's {"holidays": [...], "closures": [...]}"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .calendars import ClosureFeedError
from .models import CalendarUnavailable, UnknownRegion
from .service import EstimateService

GIFT_WRAP_DAYS = 1  # wrapping can hold a parcel back a business day: the latest date moves


def handle_estimate(estimator: EstimateService, params: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
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
    except CalendarUnavailable:
        return 503, {"error": f"delivery estimates for {region} are not available yet"}
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


def handle_calendar_feed(
    estimator: EstimateService, region: str, body: Mapping[str, Any]
) -> tuple[int, dict[str, Any]]:
    """The ops feed posts a region's whole calendar whenever it changes."""
    try:
        version = estimator.reload_calendar(region, body.get("holidays", []), body.get("closures", []))
    except UnknownRegion:
        return 404, {"error": f"unknown region {region}"}
    except ClosureFeedError as exc:
        return 422, {"error": str(exc)}
    return 200, {"region": region, "version": version}
