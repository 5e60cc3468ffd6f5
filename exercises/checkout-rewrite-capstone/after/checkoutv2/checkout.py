"""Checkout v2: turn a cart into a confirmed, paid order."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from checkoutv2.cart import Cart, CartLine
from checkoutv2.inventory import Reservation, StockLedger
from checkoutv2.payments import PaymentGateway
from checkoutv2.pricing import Promotion, Totals, price_cart


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows."""

    order_id: str
    customer_name: str
    lines: tuple[CartLine, ...]
    totals: Totals
    payment_id: str
    gift_message: str | None = None
    promo_code: str | None = None


class UnknownPromotion(ValueError):
    """The cart carries a promo code that does not exist."""


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
        promotions: Mapping[str, Promotion] | None = None,
    ) -> None:
        self.ledger = ledger
        self.payments = payments
        self.tax_rates = tax_rates
        self.promotions = dict(promotions or {})

    def place_order(self, cart: Cart, customer_name: str, card_token: str) -> Confirmation:
        """Price the cart, hold the stock, then authorize the card.

        Stock is reserved before payment so that nobody pays for an item that has just sold
        out. If a reservation or the authorization fails, the reservations made so far are
        released and the error goes to the caller.
        """
        if not cart.lines:
            raise ValueError("the cart is empty")
        promotion = self._promotion(cart.promo_code)
        totals = price_cart(cart.lines, self.tax_rates[cart.region], promotion)
        order_id = new_order_id()
        reservations: list[Reservation] = []
        try:
            for line in cart.lines:
                reservations.append(self.ledger.reserve(line.sku, line.quantity))
            payment_id = self.payments.authorize(order_id, totals.total_cents, card_token)
        except Exception:
            for reservation in reservations:
                self.ledger.release(reservation)
            raise
        return Confirmation(
            order_id=order_id,
            customer_name=customer_name,
            lines=tuple(cart.lines),
            totals=totals,
            payment_id=payment_id,
            gift_message=cart.gift_message,
            promo_code=promotion.code if promotion else None,
        )

    def _promotion(self, code: str | None) -> Promotion | None:
        """The promotion for ``code``, None without a code, or UnknownPromotion."""
        if code is None:
            return None
        try:
            return self.promotions[code]
        except KeyError:
            raise UnknownPromotion(code) from None
