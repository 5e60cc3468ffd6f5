"""A process-wide price cache in front of the pricing service, with stale-if-error.

A price is fresh for `ttl_s` seconds. After that it is fetched again; if the pricing service
fails (`PricingError`), the old price is served for up to `stale_ttl_s` seconds after it was
fetched, so that a short pricing outage does not take product pages and carts down with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
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
        now = self._clock()
        with self._lock:
            entry = self._entries.get(sku)
        if entry is not None and now - entry.fetched_at < self.ttl_s:
            return entry.quote
        try:
            quote = self.client.quote(sku)
        except PricingError:
            if entry is not None and now - entry.fetched_at < self.stale_ttl_s:
                return entry.quote
            raise
        with self._lock:
            self._entries[sku] = Entry(quote, now)
        return quote
