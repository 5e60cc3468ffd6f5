"""Places orders: validates the cart against the checkout settings and charges the customer."""

from __future__ import annotations

import logging
import uuid

from checkoutflow.config_cache import ConfigCache
from checkoutflow.config_client import ConfigUnavailable
from checkoutflow.features import in_rollout
from checkoutflow.models import Cart, OrderResult, PaymentGateway

logger = logging.getLogger(__name__)

PAYMENT_ROUTER_V2 = "payment_router_v2"


class CheckoutRejected(Exception):
    """The cart cannot be checked out as it stands; the message says why."""


class CheckoutService:
    """Turns a cart into a paid order."""

    def __init__(self, config: ConfigCache, payments: PaymentGateway) -> None:
        self._config = config
        self._payments = payments

    def place_order(self, cart: Cart) -> OrderResult:
        """Validate ``cart`` and charge the customer; raises CheckoutRejected for a bad cart.

        When fresh settings cannot be loaded, checkout carries on with the last good copy.
        """
        try:
            settings = self._config.current()
        except ConfigUnavailable:
            logger.warning("checkout settings unavailable; using the last good copy", exc_info=True)
            settings = self._config.last_known_good()
        if not cart.lines:
            raise CheckoutRejected("the cart is empty")
        if cart.item_count > settings.max_items_per_order:
            raise CheckoutRejected(f"at most {settings.max_items_per_order} items per order")
        if cart.payment_method not in settings.accepted_payment_methods:
            raise CheckoutRejected(f"{cart.payment_method} is not accepted")
        flag = settings.features.get(PAYMENT_ROUTER_V2)
        router = "v2" if in_rollout(PAYMENT_ROUTER_V2, flag, cart.customer_id) else "v1"
        charge_id = self._payments.charge(router, cart.customer_id, cart.total_cents)
        return OrderResult(order_id=uuid.uuid4().hex, charge_id=charge_id, payment_router=router)
