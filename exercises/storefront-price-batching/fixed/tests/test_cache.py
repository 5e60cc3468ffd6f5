import pytest
from fakes import FakeClock, FakeOpener, quotes

from pricefront.cache import PriceCache
from pricefront.breaker import CircuitBreaker
from pricefront.client import PricingClient, PricingError


def cache_for(opener: FakeOpener, clock: FakeClock) -> PriceCache:
    # The real client and breaker, so that an outage fails exactly as it does in production.
    breaker = CircuitBreaker("pricing", failure_threshold=2, reset_after_s=10, clock=clock)
    client = PricingClient(
        "http://pricing.test", "us", attempts=1, opener=opener, sleep=lambda s: None, breaker=breaker
    )
    return PriceCache(client, ttl_s=60, stale_ttl_s=900, clock=clock)


def test_fresh_prices_come_from_the_cache() -> None:
    clock = FakeClock()
    opener = FakeOpener(quotes(MUG_4=1299))
    prices = cache_for(opener, clock)
    prices.get("MUG-4")
    clock.advance(30)
    assert prices.get("MUG-4").price_cents == 1299
    assert len(opener.requests) == 1


def test_only_the_missing_skus_are_fetched() -> None:
    clock = FakeClock()
    opener = FakeOpener(quotes(MUG_4=1299), quotes(TEA_9=450))
    prices = cache_for(opener, clock)
    prices.get("MUG-4")
    both = prices.get_many(["MUG-4", "TEA-9"])
    assert {sku: quote.price_cents for sku, quote in both.items()} == {"MUG-4": 1299, "TEA-9": 450}
    assert opener.asked_for() == [["MUG-4"], ["TEA-9"]]


def test_stale_prices_are_served_while_the_pricing_service_is_down() -> None:
    clock = FakeClock()
    # The service fails from the second request on: the breaker opens after two failures.
    opener = FakeOpener(quotes(MUG_4=1299), *[OSError("refused")] * 10)
    prices = cache_for(opener, clock)
    prices.get("MUG-4")
    clock.advance(120)
    for _ in range(10):
        assert prices.get("MUG-4").price_cents == 1299
    assert len(opener.requests) == 3  # two failures, then the open circuit answers


def test_prices_older_than_the_stale_limit_are_not_served() -> None:
    clock = FakeClock()
    prices = cache_for(FakeOpener(quotes(MUG_4=1299), OSError("refused")), clock)
    prices.get("MUG-4")
    clock.advance(901)
    with pytest.raises(PricingError):
        prices.get("MUG-4")
