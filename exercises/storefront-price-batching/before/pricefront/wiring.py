"""The storefront's pricing objects, built once per process from the environment."""

from __future__ import annotations

import os

from pricefront.cache import PriceCache
from pricefront.client import PricingClient


def build_price_cache(environ: dict[str, str] | None = None) -> PriceCache:
    env = os.environ if environ is None else environ
    client = PricingClient(
        env.get("PRICING_URL", "http://pricing.internal:8080"),
        env.get("STOREFRONT_REGION", "us"),
        timeout_s=float(env.get("PRICING_TIMEOUT_S", "0.8")),
    )
    return PriceCache(
        client,
        ttl_s=float(env.get("PRICE_TTL_S", "60")),
        stale_ttl_s=float(env.get("PRICE_STALE_TTL_S", "900")),
    )
