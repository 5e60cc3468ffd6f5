"""Proof: checkout keeps taking orders on its last good settings while config is unavailable."""

from typing import Any

import pytest

from checkoutflow.checkout import CheckoutService
from checkoutflow.config_cache import ConfigCache
from checkoutflow.config_client import ConfigUnavailable
from checkoutflow.models import Cart, CartLine

PAYLOAD = {
    "max_items_per_order": 50,
    "accepted_payment_methods": ["card"],
    "features": {"payment_router_v2": {"enabled": False, "rollout_percent": 0}},
}


class FlakySource:
    def __init__(self) -> None:
        self.down = False

    def fetch(self) -> dict[str, Any]:
        if self.down:
            raise ConfigUnavailable("connection refused")
        return PAYLOAD


class Gateway:
    def charge(self, router: str, customer_id: str, amount_cents: int) -> str:
        return "ch_1"


def test_checkout_survives_a_config_outage() -> None:
    source, now = FlakySource(), [1000.0]
    service = CheckoutService(ConfigCache(source, ttl_s=30.0, clock=lambda: now[0]), Gateway())
    cart = Cart("c-1", "card", (CartLine("sku-1", 1, 1250),))
    service.place_order(cart)  # settings loaded and cached

    source.down = True
    now[0] += 60.0  # the cached copy is due for a refresh, and the refresh fails
    try:
        result = service.place_order(cart)
    except Exception as exc:
        pytest.fail(f"checkout refused an order while valid settings were in memory: {exc!r}")
    assert result.charge_id == "ch_1"
