"""Percentage rollouts: which customers a feature flag is on for."""

from __future__ import annotations

import hashlib

from checkoutflow.settings import FeatureFlag


def bucket(flag_name: str, customer_id: str) -> int:
    """A stable bucket from 0 to 99 for this customer and flag."""
    digest = hashlib.sha256(f"{flag_name}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def in_rollout(flag_name: str, flag: FeatureFlag | None, customer_id: str) -> bool:
    """True when ``flag`` is enabled and ``customer_id`` falls inside its rollout percentage."""
    if flag is None or not flag.enabled:
        return False
    return bucket(flag_name, customer_id) < flag.rollout_percent
