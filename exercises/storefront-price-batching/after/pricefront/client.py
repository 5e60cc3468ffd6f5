"""Client for the pricing service.

POST {base_url}/v2/quotes  {"region": "us", "skus": ["MUG-4", "TEA-9"]}   (at most MAX_BATCH SKUs)
    -> {"quotes": [{"sku": "TEA-9", "price_cents": 450, "currency": "USD"},
                   {"sku": "MUG-4", "price_cents": 1299, "currency": "USD"}]}

Every failure (network, HTTP status, a body that is not a usable price) is raised as
`PricingError`, so callers have one exception to handle.
"""

from __future__ import annotations

import http.client
import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.request import Request, urlopen

from pricefront.breaker import CircuitBreaker

# The pricing service rejects larger batches with 413.
MAX_BATCH = 50


class PricingError(Exception):
    """The pricing service did not give a usable price."""


@dataclass(frozen=True)
class Quote:
    sku: str
    price_cents: int
    currency: str


class PricingClient:
    def __init__(
        self,
        base_url: str,
        region: str,
        *,
        timeout_s: float = 0.8,
        attempts: int = 2,
        backoff_s: float = 0.05,
        opener: Callable[..., Any] = urlopen,
        sleep: Callable[[float], None] = time.sleep,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {attempts}")
        self.base_url = base_url.rstrip("/")
        self.region = region
        self.timeout_s = timeout_s
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._open = opener
        self._sleep = sleep
        self._breaker = breaker or CircuitBreaker("pricing")

    def quote(self, sku: str) -> Quote:
        """The current price of `sku` in this client's region."""
        return self.quote_many([sku])[sku]

    def quote_many(self, skus: Sequence[str]) -> dict[str, Quote]:
        """The current prices of `skus`, in batches of at most MAX_BATCH, by SKU."""
        quotes: dict[str, Quote] = {}
        unique = list(dict.fromkeys(skus))
        for start in range(0, len(unique), MAX_BATCH):
            chunk = unique[start : start + MAX_BATCH]
            body = self._breaker.call(lambda: self._post({"region": self.region, "skus": chunk}))
            try:
                items = body["quotes"]
                quotes.update((sku, _parse_quote(sku, item)) for sku, item in zip(chunk, items))
            except (KeyError, TypeError, ValueError) as exc:
                raise PricingError(f"malformed quotes for {len(chunk)} SKUs: {exc!r}") from exc
        return quotes

    def _post(self, payload: Mapping[str, Any]) -> Any:
        """POST a quote request, retrying a failed attempt once after a short, jittered pause.

        Quoting changes nothing on the pricing side, so a repeated request is harmless.
        """
        data = json.dumps(payload).encode()
        for attempt in range(self.attempts):
            request = Request(
                f"{self.base_url}/v2/quotes",
                data=data,
                headers={"Accept": "application/json", "Content-Type": "application/json"},
                method="POST",
            )
            try:
                with self._open(request, timeout=self.timeout_s) as response:
                    return json.load(response)
            except (OSError, ValueError, http.client.HTTPException) as exc:
                if attempt + 1 == self.attempts:
                    raise PricingError(f"quote request failed: {exc}") from exc
                self._sleep(random.uniform(0, self.backoff_s * 2**attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")


def _parse_quote(sku: str, item: Mapping[str, Any]) -> Quote:
    price = item["price_cents"]
    if not isinstance(price, int) or isinstance(price, bool):
        raise ValueError(f"price of {sku} is not a whole number of cents: {price!r}")
    return Quote(sku=sku, price_cents=price, currency=str(item.get("currency", "USD")))
