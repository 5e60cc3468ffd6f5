"""Tests for the settings cache."""

from typing import Any

import pytest

from checkoutflow.config_cache import ConfigCache
from checkoutflow.config_client import ConfigUnavailable

PAYLOAD = {"max_items_per_order": 50, "accepted_payment_methods": ["card"], "features": {}}


class CountingSource:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.calls = 0

    def fetch(self) -> dict[str, Any]:
        self.calls += 1
        return self.payload


def test_settings_are_reused_within_the_ttl_and_refreshed_after_it() -> None:
    source, now = CountingSource(PAYLOAD), [1000.0]
    cache = ConfigCache(source, ttl_s=30.0, clock=lambda: now[0])
    assert cache.current().max_items_per_order == 50
    now[0] += 10.0
    cache.current()
    assert source.calls == 1
    source.payload = {**PAYLOAD, "max_items_per_order": 20}
    now[0] += 21.0
    assert cache.current().max_items_per_order == 20
    assert source.calls == 2


def test_a_malformed_document_is_reported_as_unavailable() -> None:
    with pytest.raises(ConfigUnavailable):
        ConfigCache(CountingSource({"features": {}})).current()
