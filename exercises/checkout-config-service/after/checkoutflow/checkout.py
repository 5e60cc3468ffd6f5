"""Places orders: validates the cart against the checkout settings and charges the customer."""

from __future__ import annotations

import uuid

from checkoutflow.config_cache import ConfigCache
from checkoutflow.config_client import ConfigUnavailable
from checkoutflow.models import Cart, OrderResult, PaymentGateway

PAYMENT_ROUTER_V2 = "payment_router_v2"


class CheckoutRejected(Exception):
    """The cart cannot be checked out as it stands; the message says why."""


class CheckoutUnavailable(Exception):
    """Checkout cannot take orders right now; the customer is asked to try again."""


class CheckoutService:
    """Turns a cart into a paid order."""

    def __init__(self, config: ConfigCache, payments: PaymentGateway) -> None:
        self._config = config
        self._payments = payments

    def place_order(self, cart: Cart) -> OrderResult:
        """Validate ``cart`` and charge the customer; raises CheckoutRejected for a bad cart.

        Raises CheckoutUnavailable when the current checkout settings cannot be loaded.
        """
        try:
            settings = self._config.current()
        except ConfigUnavailable as exc:
            raise CheckoutUnavailable("checkout settings are unavailable") from exc
        if not cart.lines:
            raise CheckoutRejected("the cart is empty")
        if cart.item_count > settings.max_items_per_order:
            raise CheckoutRejected(f"at most {settings.max_items_per_order} items per order")
        if cart.payment_method not in settings.accepted_payment_methods:
            raise CheckoutRejected(f"{cart.payment_method} is not accepted")
        flag = settings.features.get(PAYMENT_ROUTER_V2)
        router = "v2" if flag is not None and flag.enabled else "v1"
        charge_id = self._payments.charge(router, cart.customer_id, cart.total_cents)
        return OrderResult(order_id=uuid.uuid4().hex, charge_id=charge_id, payment_router=router)
