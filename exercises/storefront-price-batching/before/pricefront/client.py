"""Client for the pricing service.

GET {base_url}/v1/price/{sku}?region={region}
    -> {"sku": "MUG-4", "price_cents": 1299, "currency": "USD"}

Every failure (network, HTTP status, a body that is not a usable price) is raised as
`PricingError`, so callers have one exception to handle.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote as url_quote
from urllib.request import Request, urlopen


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
        opener: Callable[..., Any] = urlopen,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.region = region
        self.timeout_s = timeout_s
        self._open = opener

    def quote(self, sku: str) -> Quote:
        """The current price of `sku` in this client's region."""
        url = f"{self.base_url}/v1/price/{url_quote(sku, safe='')}?region={url_quote(self.region)}"
        request = Request(url, headers={"Accept": "application/json"})
        try:
            with self._open(request, timeout=self.timeout_s) as response:
                body = json.load(response)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise PricingError(f"price of {sku}: {exc}") from exc
        return _parse_quote(sku, body)


def _parse_quote(sku: str, item: Mapping[str, Any]) -> Quote:
    price = item.get("price_cents")
    # The service answers 0 for a SKU it has no price for in this region (delisted, or not
    # sold here). Selling at 0 is never right, so that is an error like any other.
    if not isinstance(price, int) or isinstance(price, bool) or price <= 0:
        raise PricingError(f"no usable price for {sku}: {price!r}")
    return Quote(sku=sku, price_cents=price, currency=str(item.get("currency", "USD")))
