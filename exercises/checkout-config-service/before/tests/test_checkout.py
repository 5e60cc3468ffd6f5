"""Tests for placing orders."""

import pytest

from checkoutflow.checkout import CheckoutRejected, CheckoutService
from checkoutflow.models import Cart, CartLine
from checkoutflow.settings import load_settings, parse_settings


class RecordingGateway:
    def __init__(self) -> None:
        self.charges: list[tuple[str, str, int]] = []

    def charge(self, router: str, customer_id: str, amount_cents: int) -> str:
        self.charges.append((router, customer_id, amount_cents))
        return f"ch_{len(self.charges)}"


def make_cart(quantity: int = 1, payment_method: str = "card") -> Cart:
    return Cart("c-1", payment_method, (CartLine("sku-1", quantity, 1250),))


def test_bundled_settings_load() -> None:
    settings = load_settings()
    assert settings.max_items_per_order == 50
    assert "card" in settings.accepted_payment_methods


def test_places_order_and_charges_the_total() -> None:
    payments = RecordingGateway()
    result = CheckoutService(load_settings(), payments).place_order(make_cart(quantity=2))
    assert result.charge_id == "ch_1"
    assert payments.charges[0][1:] == ("c-1", 2500)


def test_rejects_too_many_items() -> None:
    with pytest.raises(CheckoutRejected):
        CheckoutService(load_settings(), RecordingGateway()).place_order(make_cart(quantity=51))


def test_rejects_an_unaccepted_payment_method() -> None:
    with pytest.raises(CheckoutRejected):
        CheckoutService(load_settings(), RecordingGateway()).place_order(make_cart(payment_method="iou"))


def test_flag_at_zero_percent_routes_everyone_to_v1() -> None:
    settings = parse_settings(
        {
            "max_items_per_order": 50,
            "accepted_payment_methods": ["card"],
            "features": {"payment_router_v2": {"enabled": True, "rollout_percent": 0}},
        }
    )
    result = CheckoutService(settings, RecordingGateway()).place_order(make_cart())
    assert result.payment_router == "v1"
