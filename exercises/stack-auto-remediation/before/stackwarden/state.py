"""The state table shared by every stackwarden process, on every host.

In production this is a key-value table that supports conditional writes; the
tests use InMemoryStateTable.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol


class StateTable(Protocol):
    """A key-value table of small JSON-like records."""

    def get(self, key: str) -> dict[str, Any] | None:
        """The record at ``key``, or None."""
        ...

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Write ``value`` at ``key``, replacing any record there."""
        ...

    def put_if_absent(self, key: str, value: dict[str, Any]) -> bool:
        """Write ``value`` only if ``key`` holds no record; True if it was written.

        The check and the write are one conditional write in the table.
        """
        ...


class InMemoryStateTable:
    """A StateTable kept in memory; each call is atomic."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            item = self._items.get(key)
            return dict(item) if item is not None else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = dict(value)

    def put_if_absent(self, key: str, value: dict[str, Any]) -> bool:
        with self._lock:
            if key in self._items:
                return False
            self._items[key] = dict(value)
            return True
