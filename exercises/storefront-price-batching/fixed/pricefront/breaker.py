"""A circuit breaker: stop calling a dependency that keeps failing, and try again later.

closed     calls go through; `failure_threshold` failures in a row open the circuit.
open       calls fail at once with CircuitOpen, without touching the dependency, until
           `reset_after_s` seconds have passed since it opened.
half-open  one trial call goes through (others still get CircuitOpen); success closes the
           circuit, failure opens it again for another `reset_after_s`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class CircuitOpen(Exception):
    """Raised instead of calling a dependency whose circuit is open."""


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        reset_after_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError(f"failure_threshold must be at least 1, got {failure_threshold}")
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_after_s = reset_after_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at < self.reset_after_s:
            return "open"
        return "half-open"

    def call(self, fn: Callable[[], T]) -> T:
        """Run `fn` unless the circuit is open. Its result or exception is passed on."""
        with self._lock:
            state = self._state()
            if state == "open" or (state == "half-open" and self._trial_in_flight):
                raise CircuitOpen(f"{self.name}: circuit open, not calling")
            trial = state == "half-open"
            if trial:
                self._trial_in_flight = True
        # The dependency is called outside the lock: a slow call must not block other callers
        # from getting their CircuitOpen (or their own call) straight away.
        succeeded = False
        try:
            result = fn()
            succeeded = True
        finally:
            self._record(success=succeeded, trial=trial)
        return result

    def _record(self, *, success: bool, trial: bool) -> None:
        with self._lock:
            if trial:  # only the trial's own outcome ends it, not a call that began earlier
                self._trial_in_flight = False
            if success:
                self._failures = 0
                self._opened_at = None
                return
            self._failures += 1
            if self._opened_at is not None or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
