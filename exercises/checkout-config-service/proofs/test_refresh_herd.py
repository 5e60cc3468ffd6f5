"""Proof: when the cached settings expire, concurrent checkouts trigger one fetch, not one each.

The interleaving is forced, not hoped for. The test clock hands out readings that report the
moment a thread subtracts the last refresh time from them: that is when the thread has decided
whether the settings are stale. The first fetch answers only after every checkout thread has
decided. An unsynchronised cache therefore has all of them decide "stale" and fetch; a
single-flight cache has the others wait for the one refresh (or see it already done).
"""

from __future__ import annotations

import threading
from typing import Any

from checkoutflow.config_cache import ConfigCache

PAYLOAD = {"max_items_per_order": 50, "accepted_payment_methods": ["card"], "features": {}}
THREADS = 8
SAFETY_TIMEOUT_S = 5.0  # only reached if the cache never compares the clock at all


class Reading(float):
    """One clock reading; subtracting from it tells the clock which thread is deciding."""

    clock: Clock

    def __sub__(self, other: float) -> float:
        self.clock.decided()
        return float(self) - float(other)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.armed = False
        self._deciders: set[threading.Thread] = set()  # not idents: those get reused
        self._changed = threading.Condition()

    def __call__(self) -> float:
        reading = Reading(self.now)
        reading.clock = self
        return reading

    def decided(self) -> None:
        if self.armed:
            with self._changed:
                self._deciders.add(threading.current_thread())
                self._changed.notify_all()

    def wait_until_all_decided(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: len(self._deciders) >= THREADS, SAFETY_TIMEOUT_S)


class GatedSource:
    """Counts fetches. Once armed, a fetch answers only after every thread has decided."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls = 0
        self._count_lock = threading.Lock()

    def fetch(self) -> dict[str, Any]:
        with self._count_lock:
            self.calls += 1
        if self.clock.armed:
            self.clock.wait_until_all_decided()
        return dict(PAYLOAD)


def test_expired_settings_are_fetched_once() -> None:
    clock = Clock(1000.0)
    source = GatedSource(clock)
    cache = ConfigCache(source, ttl_s=30.0, clock=clock)
    cache.current()
    source.calls = 0
    clock.now += 60.0
    clock.armed = True

    threads = [threading.Thread(target=cache.current) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10.0)
    assert source.calls == 1, f"{source.calls} concurrent fetches for one expiry; expected 1"
