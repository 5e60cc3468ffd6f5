"""A process-wide price cache in front of the pricing service, with stale-if-error.

A price is fresh for `ttl_s` seconds. After that it is fetched again; if the pricing service
fails (`PricingError`), the old price is served for up to `stale_ttl_s` seconds after it was
fetched, so that a short pricing outage does not take product pages and carts down with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pricefront.client import PricingClient, PricingError, Quote


@dataclass(frozen=True)
class Entry:
    quote: Quote
    fetched_at: float


class PriceCache:
    def __init__(
        self,
        client: PricingClient,
        *,
        ttl_s: float = 60.0,
        stale_ttl_s: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.stale_ttl_s = stale_ttl_s
        self._clock = clock
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def get(self, sku: str) -> Quote:
        return self.get_many([sku])[sku]

    def get_many(self, skus: Sequence[str]) -> dict[str, Quote]:
        """Prices for `skus`: fresh ones from the cache, the rest in one batch from the service."""
        now = self._clock()
        with self._lock:
            entries = {sku: self._entries.get(sku) for sku in skus}
        found = {
            sku: entry.quote
            for sku, entry in entries.items()
            if entry is not None and now - entry.fetched_at < self.ttl_s
        }
        missing = [sku for sku in entries if sku not in found]
        if not missing:
            return found
        # Fetched without holding the lock: two requests that miss the same SKU at once both
        # fetch it, which costs one extra quote and is cheaper than serialising every miss.
        try:
            fetched = self.client.quote_many(missing)
        except PricingError:
            stale = {}
            for sku in missing:
                entry = entries[sku]
                if entry is None or now - entry.fetched_at >= self.stale_ttl_s:
                    raise
                stale[sku] = entry.quote
            return {**found, **stale}
        with self._lock:
            for sku, quote in fetched.items():
                self._entries[sku] = Entry(quote, now)
        return {**found, **fetched}
