"""Order totals for checkout v2. Money is in integer cents; rates are Decimals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from checkoutv2.cart import CartLine


@dataclass(frozen=True)
class Totals:
    """What the customer pays, in cents."""

    subtotal_cents: int
    tax_cents: int
    total_cents: int


def to_cents(amount: Decimal) -> int:
    """Round an amount in cents to a whole cent, halves away from zero (finance's rule)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def price_cart(lines: Sequence[CartLine], tax_rate: Decimal) -> Totals:
    """Subtotal, tax and total for the cart.

    Tax is computed once on the order, not per line, so that rounding happens once.
    """
    subtotal = sum(line.amount_cents for line in lines)
    tax = to_cents(subtotal * tax_rate)
    return Totals(subtotal_cents=subtotal, tax_cents=tax, total_cents=subtotal + tax)
