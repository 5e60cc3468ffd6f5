"""The shopper's cart as checkout v2 sees it."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_QUANTITY_PER_LINE = 10
MAX_GIFT_MESSAGE_CHARS = 240


@dataclass(frozen=True)
class CartLine:
    """One product in the cart, at the unit price shown to the shopper, in cents."""

    sku: str
    title: str
    unit_price_cents: int
    quantity: int

    @property
    def amount_cents(self) -> int:
        """The line's price before any discount or tax."""
        return self.unit_price_cents * self.quantity


@dataclass
class Cart:
    """A customer's cart. There is at most one line per SKU."""

    customer_id: str
    region: str
    lines: list[CartLine] = field(default_factory=list)
    gift_message: str | None = None
    promo_code: str | None = None

    def add(self, sku: str, title: str, unit_price_cents: int, quantity: int = 1) -> None:
        """Add units of a product, merging them into the line for the same SKU if there is one."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        index = next((i for i, line in enumerate(self.lines) if line.sku == sku), None)
        if index is not None:
            quantity += self.lines[index].quantity
        if quantity > MAX_QUANTITY_PER_LINE:
            raise ValueError(f"at most {MAX_QUANTITY_PER_LINE} of one product per order")
        line = CartLine(sku, title, unit_price_cents, quantity)
        if index is None:
            self.lines.append(line)
        else:
            self.lines[index] = line

    def set_gift_message(self, message: str) -> None:
        """Attach a gift message, printed on the packing slip and shown on the confirmation page."""
        message = message.strip()
        if len(message) > MAX_GIFT_MESSAGE_CHARS:
            raise ValueError(f"a gift message has at most {MAX_GIFT_MESSAGE_CHARS} characters")
        self.gift_message = message or None

    def apply_promo_code(self, code: str) -> None:
        """Remember the promo code the shopper entered; checkout checks that it exists."""
        self.promo_code = code.strip().upper() or None
