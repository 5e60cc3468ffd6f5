"""A per-process cache of the checkout settings held in the configuration service."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from checkoutflow.config_client import ConfigUnavailable
from checkoutflow.settings import CheckoutSettings, load_settings, parse_settings


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
        self._attempted_at: float | None = None
        self._refresh_lock = threading.Lock()

    def current(self) -> CheckoutSettings:
        """The settings to use now.

        Raises ConfigUnavailable when a refresh is due and the service cannot provide one, and
        when there are no settings yet because the last attempt failed less than a TTL ago.
        """
        if self._refresh_due():
            with self._refresh_lock:
                if self._refresh_due():  # another thread may have refreshed while we waited
                    return self._refresh()
        settings = self._settings
        if settings is None:
            raise ConfigUnavailable("no checkout settings fetched yet; the last attempt failed")
        return settings

    def last_known_good(self) -> CheckoutSettings:
        """The settings from the last successful refresh, or the bundled defaults before one."""
        return self._settings if self._settings is not None else load_settings()

    def _refresh_due(self) -> bool:
        # Attempts count, not only successes: after a failure the next try waits a TTL, so a
        # service that is down is not asked again by every checkout.
        attempted_at = self._attempted_at
        return attempted_at is None or self._clock() - attempted_at >= self._ttl_s

    def _refresh(self) -> CheckoutSettings:
        self._attempted_at = self._clock()
        payload = self._source.fetch()
        try:
            settings = parse_settings(payload)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ConfigUnavailable(f"invalid checkout settings: {exc!r}") from exc
        self._settings = settings
        return settings
