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
    discount_cents: int
    tax_cents: int
    total_cents: int


def to_cents(amount: Decimal) -> int:
    """Round an amount in cents to a whole cent, halves away from zero (finance's rule)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Promotion:
    """A promo code that takes a percentage off the price of the goods."""

    code: str
    percent_off: int

    def __post_init__(self) -> None:
        if not 0 < self.percent_off <= 100:
            raise ValueError("percent_off must be between 1 and 100")

    def discount_on(self, amount_cents: int) -> int:
        """The discount on ``amount_cents``, rounded once to a whole cent."""
        return to_cents(Decimal(amount_cents) * self.percent_off / 100)


def price_cart(
    lines: Sequence[CartLine], tax_rate: Decimal, promotion: Promotion | None = None
) -> Totals:
    """Subtotal, discount, tax and total for the cart.

    The discount comes off the goods before tax, so tax is charged on the discounted price.
    Tax is computed once on the order, not per line, so that rounding happens once.
    """
    subtotal_cents = sum(line.amount_cents for line in lines)
    discount_cents = promotion.discount_on(subtotal_cents) if promotion else 0
    tax_cents = to_cents((subtotal_cents - discount_cents) * tax_rate)
    return Totals(
        subtotal_cents=subtotal_cents,
        discount_cents=discount_cents,
        tax_cents=tax_cents,
        total_cents=subtotal_cents - discount_cents + tax_cents,
    )
