"""The storefront's pricing objects, built once per process from the environment."""

from __future__ import annotations

import os

from pricefront.breaker import CircuitBreaker
from pricefront.cache import PriceCache
from pricefront.client import PricingClient


def build_price_cache(environ: dict[str, str] | None = None) -> PriceCache:
    env = os.environ if environ is None else environ
    # One breaker per process, shared by every request thread: the point is that once the
    # pricing service is known to be down, no thread waits on it until the cooldown is over.
    breaker = CircuitBreaker(
        "pricing",
        failure_threshold=int(env.get("PRICING_BREAKER_FAILURES", "5")),
        reset_after_s=float(env.get("PRICING_BREAKER_RESET_S", "10")),
    )
    client = PricingClient(
        env.get("PRICING_URL", "http://pricing.internal:8080"),
        env.get("STOREFRONT_REGION", "us"),
        timeout_s=float(env.get("PRICING_TIMEOUT_S", "0.8")),
        attempts=int(env.get("PRICING_ATTEMPTS", "2")),
        breaker=breaker,
    )
    return PriceCache(
        client,
        ttl_s=float(env.get("PRICE_TTL_S", "60")),
        stale_ttl_s=float(env.get("PRICE_STALE_TTL_S", "900")),
    )
