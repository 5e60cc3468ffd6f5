import pytest
from fakes import FakeClock, FakeOpener, quotes

from pricefront.cache import PriceCache
from pricefront.cart import CartLine, price_cart
from pricefront.client import PricingClient, PricingError


def cache_for(*answers: object) -> PriceCache:
    opener = FakeOpener(*answers)
    client = PricingClient("http://pricing.test", "us", opener=opener, sleep=lambda s: None)
    return PriceCache(client, ttl_s=60, stale_ttl_s=900, clock=FakeClock())


def test_cart_total_is_the_sum_of_its_lines() -> None:
    prices = cache_for(quotes(MUG_4=1299, TEA_9=450))
    total = price_cart([CartLine("MUG-4", 2), CartLine("TEA-9", 1)], prices)
    assert [line.line_cents for line in total.lines] == [2598, 450]
    assert total.total_cents == 3048


def test_a_cart_is_priced_with_one_request() -> None:
    opener = FakeOpener(quotes(MUG_4=1299, TEA_9=450, KETTLE_1=3900))
    client = PricingClient("http://pricing.test", "us", opener=opener)
    lines = [CartLine("MUG-4", 1), CartLine("TEA-9", 3), CartLine("KETTLE-1", 1)]
    price_cart(lines, PriceCache(client, clock=FakeClock()))
    assert opener.asked_for() == [["MUG-4", "TEA-9", "KETTLE-1"]]


def test_without_a_usable_price_the_cart_cannot_be_priced() -> None:
    prices = cache_for(OSError("refused"), OSError("refused"))
    with pytest.raises(PricingError):
        price_cart([CartLine("MUG-4", 1)], prices)


def test_quantities_must_be_positive() -> None:
    with pytest.raises(ValueError):
        price_cart([CartLine("MUG-4", 0)], cache_for())
