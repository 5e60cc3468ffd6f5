"""Which customers get checkout v2. The storefront asks this on every checkout."""

from __future__ import annotations

import hashlib

#: Percent of customers per region who get checkout v2. Regions not listed stay on v1.
CHECKOUT_V2_ROLLOUT: dict[str, int] = {"us-west-2": 25}

#: Kill switch: False sends every checkout back to v1.
CHECKOUT_V2_ENABLED = True


def _bucket(customer_id: str) -> int:
    """A stable number from 0 to 99 for a customer, so a customer stays on one version."""
    return int(hashlib.sha256(customer_id.encode()).hexdigest(), 16) % 100


def use_checkout_v2(region: str, customer_id: str) -> bool:
    """Whether this customer's checkout runs on v2."""
    if not CHECKOUT_V2_ENABLED:
        return False
    percent = CHECKOUT_V2_ROLLOUT.get(region, 0)
    return _bucket(customer_id) < percent
