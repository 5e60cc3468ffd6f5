"""Checkout v2: turn a cart into a confirmed, paid order."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from checkoutv2.cart import Cart, CartLine
from checkoutv2.inventory import StockLedger
from checkoutv2.payments import PaymentGateway
from checkoutv2.pricing import Totals, price_cart


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows."""

    order_id: str
    customer_name: str
    lines: tuple[CartLine, ...]
    totals: Totals
    payment_id: str


def new_order_id() -> str:
    """A fresh, unguessable order id."""
    return uuid.uuid4().hex


class CheckoutService:
    """Places orders. One instance serves every request thread."""

    def __init__(
        self,
        ledger: StockLedger,
        payments: PaymentGateway,
        tax_rates: Mapping[str, Decimal],
    ) -> None:
        self.ledger = ledger
        self.payments = payments
        self.tax_rates = tax_rates

    def place_order(self, cart: Cart, customer_name: str, card_token: str) -> Confirmation:
        """Price the cart, charge the card, and take the units out of stock."""
        if not cart.lines:
            raise ValueError("the cart is empty")
        totals = price_cart(cart.lines, self.tax_rates[cart.region])
        order_id = new_order_id()
        payment_id = self.payments.charge(order_id, totals.total_cents, card_token)
        for line in cart.lines:
            self.ledger.reserve(line.sku, line.quantity)
        return Confirmation(
            order_id=order_id,
            customer_name=customer_name,
            lines=tuple(cart.lines),
            totals=totals,
            payment_id=payment_id,
        )
