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
        self._fetched_at = 0.0
        self._refresh_lock = threading.Lock()

    def current(self) -> CheckoutSettings:
        """The settings to use now.

        Raises ConfigUnavailable when a refresh is due and the service cannot provide one.
        """
        settings = self._settings
        if settings is None or self._refresh_due():
            with self._refresh_lock:
                settings = self._settings
                if settings is None or self._refresh_due():
                    settings = self._refresh()
        return settings

    def last_known_good(self) -> CheckoutSettings:
        """The settings from the last successful refresh, or the bundled defaults before one."""
        return self._settings if self._settings is not None else load_settings()

    def _refresh_due(self) -> bool:
        return self._clock() - self._fetched_at >= self._ttl_s

    def _refresh(self) -> CheckoutSettings:
        # Count the attempt, not only a success: after a failure the next try waits a TTL.
        self._fetched_at = self._clock()
        payload = self._source.fetch()
        try:
            settings = parse_settings(payload)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigUnavailable(f"invalid checkout settings: {exc!r}") from exc
        self._settings = settings
        return settings
