"""Carts, order results and the payment gateway that checkout charges through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CartLine:
    """One product in a cart."""

    sku: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class Cart:
    """What the customer is about to buy, and how they will pay."""

    customer_id: str
    payment_method: str
    lines: tuple[CartLine, ...]

    @property
    def item_count(self) -> int:
        """Units across all lines."""
        return sum(line.quantity for line in self.lines)

    @property
    def total_cents(self) -> int:
        """The amount to charge."""
        return sum(line.quantity * line.unit_price_cents for line in self.lines)


@dataclass(frozen=True)
class OrderResult:
    """A placed order."""

    order_id: str
    charge_id: str
    payment_router: str


class PaymentGateway(Protocol):
    """Charges customers; ``router`` picks the payment routing stack, "v1" or "v2"."""

    def charge(self, router: str, customer_id: str, amount_cents: int) -> str:
        """Charge the customer and return the charge id."""
        ...
