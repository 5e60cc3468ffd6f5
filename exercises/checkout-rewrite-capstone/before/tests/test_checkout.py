"""Tests for checkout v2: cart, pricing, stock and the confirmation page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checkoutv2.cart import Cart
from checkoutv2.checkout import CheckoutService
from checkoutv2.confirmation import render_confirmation
from checkoutv2.inventory import OutOfStock, StockLedger
from checkoutv2.payments import PaymentDeclined
from checkoutv2.pricing import Totals, price_cart

TAX = {"us-west-2": Decimal("0.0825"), "us-or": Decimal("0")}


class FakeGateway:
    """Stands in for PaymentGateway and records what it was asked to do."""

    def __init__(self, decline: bool = False) -> None:
        self.decline = decline
        self.calls: list[tuple[str, int]] = []

    def charge(self, order_id: str, amount_cents: int, card_token: str) -> str:
        self.calls.append((order_id, amount_cents))
        if self.decline:
            raise PaymentDeclined(order_id)
        return "pay_1"


def make_cart(region: str = "us-west-2") -> Cart:
    cart = Cart(customer_id="cust-1", region=region)
    cart.add("KETTLE", "Kettle", 3999)
    cart.add("MUG", "Mug", 850, quantity=2)
    return cart


def test_cart_merges_lines_for_the_same_sku() -> None:
    cart = make_cart()
    cart.add("MUG", "Mug", 850)
    assert [(line.sku, line.quantity) for line in cart.lines] == [("KETTLE", 1), ("MUG", 3)]
    with pytest.raises(ValueError):
        cart.add("MUG", "Mug", 850, quantity=8)


def test_tax_is_computed_once_on_the_order() -> None:
    assert price_cart(make_cart().lines, Decimal("0.0825")) == Totals(5699, 470, 6169)


def test_place_order_charges_and_takes_stock() -> None:
    ledger = StockLedger({"KETTLE": 5, "MUG": 5})
    gateway = FakeGateway()
    confirmation = CheckoutService(ledger, gateway, TAX).place_order(make_cart(), "Ana", "tok")
    assert gateway.calls == [(confirmation.order_id, 6169)]
    assert ledger.available("MUG") == 3


def test_out_of_stock_is_reported() -> None:
    ledger = StockLedger({"KETTLE": 0, "MUG": 5})
    with pytest.raises(OutOfStock):
        CheckoutService(ledger, FakeGateway(), TAX).place_order(make_cart(), "Ana", "tok")


def test_confirmation_page_shows_the_order() -> None:
    ledger = StockLedger({"KETTLE": 5, "MUG": 5})
    confirmation = CheckoutService(ledger, FakeGateway(), TAX).place_order(make_cart(), "Ana", "tok")
    html = render_confirmation(confirmation)
    assert "Thank you, Ana!" in html
    assert "<dt>Total</dt><dd>$61.69</dd>" in html
