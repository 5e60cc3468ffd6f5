"""Delays for polling the provisioning service without hammering it."""

from __future__ import annotations

import random
from collections.abc import Iterator


def backoff_delays(attempts: int, *, base: float, cap: float, rng: random.Random) -> Iterator[float]:
    """Yield ``attempts`` delays in seconds: exponential, capped, with full jitter.

    Delay n is drawn uniformly from [0, min(cap, base * 2**n)], so pollers that
    start together spread out instead of calling the service in lockstep.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(attempts):
        ceiling = min(cap, base * 2**attempt)
        yield rng.uniform(0.0, ceiling)
