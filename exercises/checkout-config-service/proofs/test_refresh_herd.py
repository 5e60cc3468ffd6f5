"""Proof: when the cached settings expire, concurrent checkouts trigger one fetch, not one each."""

import threading
from typing import Any

from checkoutflow.config_cache import ConfigCache

PAYLOAD = {"max_items_per_order": 50, "accepted_payment_methods": ["card"], "features": {}}
THREADS = 8


class GatedSource:
    """Counts fetches. Once armed, a fetch waits for a second concurrent fetch before answering."""

    def __init__(self) -> None:
        self.calls = 0
        self.armed = False
        self._count_lock = threading.Lock()
        self._pair = threading.Barrier(2, timeout=2.0)

    def fetch(self) -> dict[str, Any]:
        with self._count_lock:
            self.calls += 1
        if self.armed:
            try:
                self._pair.wait()  # passes only if two fetches are in flight at once
            except threading.BrokenBarrierError:
                pass  # no second fetch arrived: the refresh was single-flight
        return dict(PAYLOAD)


def test_expired_settings_are_fetched_once() -> None:
    source, now = GatedSource(), [1000.0]
    cache = ConfigCache(source, ttl_s=30.0, clock=lambda: now[0])
    cache.current()
    source.calls = 0
    source.armed = True
    now[0] += 60.0

    start = threading.Barrier(THREADS)

    def checkout() -> None:
        start.wait()
        cache.current()

    threads = [threading.Thread(target=checkout) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10.0)
    assert source.calls == 1, f"{source.calls} concurrent fetches for one expiry; expected 1"
