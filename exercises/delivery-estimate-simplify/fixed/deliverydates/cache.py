"""A small, thread-safe LRU cache for computed delivery promises."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date


class EstimateCache:
    """Least-recently-used map from a cache key to a promised delivery date."""

    def __init__(self, maxsize: int = 4096) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self._maxsize = maxsize
        self._entries: OrderedDict[Hashable, date] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> date | None:
        """The cached date for ``key``, or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: date) -> None:
        """Store ``value`` under ``key``, evicting the least recently used entry when full."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], date]) -> date:
        """The cached date for ``key``, computing and storing it on a miss.

        ``compute`` runs outside the lock. Two callers that miss at the same moment both compute;
        the results are equal, so whichever is stored last is as good as the first.
        """
        cached = self.get(key)
        if cached is not None:
            return cached
        value = compute()
        self.put(key, value)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
