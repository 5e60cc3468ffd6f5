"""Proofs for storefront-price-batching: each test fails on after/ and passes on fixed/."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pricefront.breaker import CircuitBreaker
from pricefront.cache import PriceCache
from pricefront.cart import CartLine, price_cart
from pricefront.client import PricingClient, PricingError


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


class Opener:
    """urlopen's stand-in: answers /v2/quotes requests from a list of canned answers."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, request: Any, timeout: float | None = None) -> io.BytesIO:
        self.calls += 1
        answer = self.answers.pop(0) if self.answers else OSError("connection refused")
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(json.dumps(answer).encode())


def client(opener: Opener, **options: Any) -> PricingClient:
    return PricingClient("http://pricing.test", "us", opener=opener, sleep=lambda s: None, **options)


def test_a_sku_the_service_prices_at_zero_is_not_sold_for_nothing() -> None:
    # The pricing service answers 0 for a SKU it has no price for in the region.
    answer = {"quotes": [{"sku": "KETTLE-1", "price_cents": 0, "currency": "USD"}]}
    prices = PriceCache(client(Opener(answer)), clock=Clock())
    try:
        total = price_cart([CartLine("KETTLE-1", 3)], prices)
    except PricingError:
        return
    pytest.fail(f"three kettles were priced at {total.total_cents} cents in all; expected PricingError")


def test_quotes_are_matched_to_skus_by_their_sku_field() -> None:
    # The service answers in the order its shards reply: here TEA-9 first.
    answer = {
        "quotes": [
            {"sku": "TEA-9", "price_cents": 450, "currency": "USD"},
            {"sku": "KETTLE-1", "price_cents": 3900, "currency": "USD"},
        ]
    }
    prices = client(Opener(answer)).quote_many(["KETTLE-1", "TEA-9"])
    got = {sku: quote.price_cents for sku, quote in prices.items()}
    assert got == {"KETTLE-1": 3900, "TEA-9": 450}, f"prices swapped between SKUs: {got}"


def test_stale_prices_are_still_served_once_the_breaker_opens() -> None:
    clock = Clock()
    breaker = CircuitBreaker("pricing", failure_threshold=5, reset_after_s=10, clock=clock)
    first = {"quotes": [{"sku": "MUG-4", "price_cents": 1299, "currency": "USD"}]}
    opener = Opener(first)  # then every request is refused
    prices = PriceCache(client(opener, attempts=1, breaker=breaker), ttl_s=60, clock=clock)
    prices.get("MUG-4")
    clock.now += 120  # the price is stale, well inside the 15 minutes of stale-if-error
    served = []
    for request in range(10):
        try:
            served.append(prices.get("MUG-4").price_cents)
        except Exception as exc:  # noqa: BLE001 - the proof reports what escaped
            pytest.fail(
                f"request {request + 1} of a pricing outage raised {type(exc).__name__}: {exc}; "
                f"the stale price was served {len(served)} times, then the breaker opened"
            )
    assert served == [1299] * 10


def _load_pr_test_module() -> ModuleType:
    tests = Path(os.environ["EXERCISE_TREE"]) / "tests"
    sys.path.insert(0, str(tests))
    spec = importlib.util.spec_from_file_location("pr_test_cache", tests / "test_cache.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class NotAPricingError(Exception):
    """What a client breaks its contract with: an outage error callers do not expect."""


def test_the_stale_if_error_test_catches_a_client_that_fails_differently(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Reintroduce the failure the stale-if-error test exists to catch: the real client's
    # outage error escapes as something other than PricingError. A test that exercises the
    # real client must now fail; one that replaces the client with a fake cannot notice.
    original = PricingClient.quote_many

    def quote_many_breaking_the_contract(self: PricingClient, skus: Any) -> Any:
        try:
            return original(self, skus)
        except PricingError as exc:
            raise NotAPricingError(str(exc)) from exc

    monkeypatch.setattr(PricingClient, "quote_many", quote_many_breaking_the_contract)
    module = _load_pr_test_module()
    try:
        module.test_stale_prices_are_served_while_the_pricing_service_is_down()
    except Exception:  # noqa: BLE001 - any failure of the PR's test means it noticed
        return
    pytest.fail(
        "the PR's stale-if-error test still passes when the real client's outage error is not "
        "a PricingError: it replaces the client with a fake, so it never exercises that path"
    )
