"""Proof: a flag rolled out to 5% of customers must reach about 5% of checkouts, not all of them."""

from typing import Any

from checkoutflow.checkout import CheckoutService
from checkoutflow.config_cache import ConfigCache
from checkoutflow.models import Cart, CartLine

# The document as it was bundled before the move: payment router v2 on for 5% of customers.
PAYLOAD = {
    "max_items_per_order": 50,
    "accepted_payment_methods": ["card"],
    "features": {"payment_router_v2": {"enabled": True, "rollout_percent": 5}},
}


class StaticSource:
    def fetch(self) -> dict[str, Any]:
        return PAYLOAD


class Gateway:
    def __init__(self) -> None:
        self.routers: list[str] = []

    def charge(self, router: str, customer_id: str, amount_cents: int) -> str:
        self.routers.append(router)
        return f"ch_{len(self.routers)}"


def test_five_percent_rollout_stays_near_five_percent() -> None:
    gateway = Gateway()
    service = CheckoutService(ConfigCache(StaticSource()), gateway)
    for n in range(1000):
        service.place_order(Cart(f"customer-{n}", "card", (CartLine("sku-1", 1, 1250),)))
    share = gateway.routers.count("v2") / len(gateway.routers)
    assert share <= 0.10, f"{share:.0%} of checkouts went to payment router v2 at a 5% rollout"
