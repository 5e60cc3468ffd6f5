"""A per-process cache of the checkout settings held in the configuration service."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, Protocol

from checkoutflow.config_client import ConfigUnavailable
from checkoutflow.settings import CheckoutSettings, parse_settings


class ConfigSource(Protocol):
    """Where fresh settings come from: a ConfigClient in production."""

    def fetch(self) -> dict[str, Any]: ...


class ConfigCache:
    """Serves the checkout settings, fetching a fresh copy once the cached one outlives the TTL."""

    def __init__(
        self,
        source: ConfigSource,
        ttl_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        # Hosts deployed together would otherwise all refresh in the same second.
        self._ttl_s = ttl_s * random.uniform(0.8, 1.0)
        self._clock = clock
        self._settings: CheckoutSettings | None = None
        self._fetched_at = 0.0

    def current(self) -> CheckoutSettings:
        """The settings to use now.

        Raises ConfigUnavailable when a refresh is due and the service cannot provide one.
        """
        settings = self._settings
        if settings is None or self._clock() - self._fetched_at >= self._ttl_s:
            settings = self._refresh()
        return settings

    def _refresh(self) -> CheckoutSettings:
        payload = self._source.fetch()
        try:
            settings = parse_settings(payload)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ConfigUnavailable(f"invalid checkout settings: {exc!r}") from exc
        self._settings = settings
        self._fetched_at = self._clock()
        return settings
