"""Checkout settings: order limits, accepted payment methods and feature flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FeatureFlag:
    """A flag that is on for ``rollout_percent`` percent of customers while ``enabled``."""

    enabled: bool
    rollout_percent: int


@dataclass(frozen=True)
class CheckoutSettings:
    """Everything checkout needs to know that is not code."""

    max_items_per_order: int
    accepted_payment_methods: frozenset[str]
    features: Mapping[str, FeatureFlag]


def parse_settings(payload: Mapping[str, Any]) -> CheckoutSettings:
    """Build settings from their JSON form.

    Raises KeyError, TypeError or ValueError when the document is malformed.
    """
    return CheckoutSettings(
        max_items_per_order=int(payload["max_items_per_order"]),
        accepted_payment_methods=frozenset(payload["accepted_payment_methods"]),
        features={
            name: FeatureFlag(bool(spec["enabled"]), int(spec["rollout_percent"]))
            for name, spec in payload.get("features", {}).items()
        },
    )
