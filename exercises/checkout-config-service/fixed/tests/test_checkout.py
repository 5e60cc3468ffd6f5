"""Tests for placing orders."""

from typing import Any

import pytest

from checkoutflow.checkout import CheckoutRejected, CheckoutService
from checkoutflow.config_cache import ConfigCache
from checkoutflow.config_client import ConfigUnavailable
from checkoutflow.models import Cart, CartLine

PAYLOAD = {
    "max_items_per_order": 50,
    "accepted_payment_methods": ["card", "gift_card", "paypal"],
    "features": {"payment_router_v2": {"enabled": False, "rollout_percent": 0}},
}


class RecordingGateway:
    def __init__(self) -> None:
        self.charges: list[tuple[str, str, int]] = []

    def charge(self, router: str, customer_id: str, amount_cents: int) -> str:
        self.charges.append((router, customer_id, amount_cents))
        return f"ch_{len(self.charges)}"


class StaticSource:
    def __init__(self, payload: dict[str, Any] | None) -> None:
        self.payload = payload

    def fetch(self) -> dict[str, Any]:
        if self.payload is None:
            raise ConfigUnavailable("connection refused")
        return self.payload


def make_cart(quantity: int = 1, payment_method: str = "card") -> Cart:
    return Cart("c-1", payment_method, (CartLine("sku-1", quantity, 1250),))


def config(payload: dict[str, Any] | None = PAYLOAD) -> ConfigCache:
    return ConfigCache(StaticSource(payload))


def test_places_order_and_charges_the_total() -> None:
    payments = RecordingGateway()
    result = CheckoutService(config(), payments).place_order(make_cart(quantity=2))
    assert result.charge_id == "ch_1"
    assert payments.charges[0][1:] == ("c-1", 2500)


def test_rejects_too_many_items() -> None:
    with pytest.raises(CheckoutRejected):
        CheckoutService(config(), RecordingGateway()).place_order(make_cart(quantity=51))


def test_rejects_an_unaccepted_payment_method() -> None:
    with pytest.raises(CheckoutRejected):
        CheckoutService(config(), RecordingGateway()).place_order(make_cart(payment_method="iou"))


def test_enabled_flag_routes_to_v2() -> None:
    flags = {"payment_router_v2": {"enabled": True, "rollout_percent": 100}}
    payload = {**PAYLOAD, "features": flags}
    result = CheckoutService(config(payload), RecordingGateway()).place_order(make_cart())
    assert result.payment_router == "v2"


def test_checkout_falls_back_to_bundled_settings_without_the_service() -> None:
    result = CheckoutService(config(None), RecordingGateway()).place_order(make_cart())
    assert result.charge_id == "ch_1"
