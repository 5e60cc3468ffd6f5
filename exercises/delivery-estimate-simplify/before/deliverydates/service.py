"""Entry point the product page and checkout call to show a delivery promise."""

from __future__ import annotations

from datetime import date, datetime

from deliverydates.estimator import DeliveryEstimator
from deliverydates.regions import REGIONS

_ESTIMATORS: dict[str, DeliveryEstimator] = {
    code: DeliveryEstimator(region) for code, region in REGIONS.items()
}


def promise_for(region_code: str, ordered_at: datetime) -> date:
    """The promised delivery date for an order placed at ``ordered_at`` in ``region_code``.

    Raises KeyError for a region we do not serve.
    """
    return _ESTIMATORS[region_code].promise(ordered_at)
