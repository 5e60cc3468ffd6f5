import pytest
from fakes import FakeClock, FakeOpener

from pricefront.cache import PriceCache
from pricefront.cart import CartLine, price_cart
from pricefront.client import PricingClient, PricingError


def cache_for(*answers: object, clock: FakeClock | None = None) -> PriceCache:
    client = PricingClient("http://pricing.test", "us", opener=FakeOpener(*answers))
    return PriceCache(client, ttl_s=60, stale_ttl_s=900, clock=clock or FakeClock())


def test_cart_total_is_the_sum_of_its_lines() -> None:
    prices = cache_for({"price_cents": 1299}, {"price_cents": 450})
    total = price_cart([CartLine("MUG-4", 2), CartLine("TEA-9", 1)], prices)
    assert [line.line_cents for line in total.lines] == [2598, 450]
    assert total.total_cents == 3048


def test_a_fresh_price_is_not_fetched_again() -> None:
    clock = FakeClock()
    prices = cache_for({"price_cents": 1299}, clock=clock)
    prices.get("MUG-4")
    clock.advance(30)
    assert prices.get("MUG-4").price_cents == 1299  # a second fetch would find no answer


def test_a_stale_price_is_served_while_pricing_is_down() -> None:
    clock = FakeClock()
    prices = cache_for({"price_cents": 1299}, OSError("refused"), clock=clock)
    prices.get("MUG-4")
    clock.advance(120)
    assert prices.get("MUG-4").price_cents == 1299


def test_without_a_usable_price_the_cart_cannot_be_priced() -> None:
    prices = cache_for(OSError("refused"))
    with pytest.raises(PricingError):
        price_cart([CartLine("MUG-4", 1)], prices)
