"""Cart totals from the price cache: what the cart page and checkout show and charge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pricefront.cache import PriceCache
from pricefront.client import PricingError


@dataclass(frozen=True)
class CartLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class PricedLine:
    sku: str
    quantity: int
    unit_cents: int
    line_cents: int


@dataclass(frozen=True)
class CartTotal:
    lines: tuple[PricedLine, ...]
    total_cents: int


def price_cart(lines: Sequence[CartLine], prices: PriceCache) -> CartTotal:
    """Price every line at the current price. Raises PricingError if any line has no price.

    All the cart's SKUs are priced with one `get_many`, so a 30-line cart costs the pricing
    service one batch instead of 30 requests.
    """
    for line in lines:
        if line.quantity <= 0:
            raise ValueError(f"quantity of {line.sku} must be positive, got {line.quantity}")
    quotes = prices.get_many([line.sku for line in lines])
    priced = []
    for line in lines:
        quote = quotes.get(line.sku)
        if quote is None:
            raise PricingError(f"no price for {line.sku}")
        priced.append(
            PricedLine(line.sku, line.quantity, quote.price_cents, quote.price_cents * line.quantity)
        )
    return CartTotal(tuple(priced), sum(line.line_cents for line in priced))
