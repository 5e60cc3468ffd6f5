import pytest
from fakes import FakeOpener

from pricefront.client import PricingClient, PricingError


def test_quote_asks_for_the_sku_in_the_region() -> None:
    opener = FakeOpener({"sku": "MUG-4", "price_cents": 1299, "currency": "USD"})
    client = PricingClient("http://pricing.test/", "us", opener=opener)
    quote = client.quote("MUG-4")
    assert quote.price_cents == 1299
    assert opener.requests[0].full_url == "http://pricing.test/v1/price/MUG-4?region=us"
    assert opener.timeouts == [0.8]


def test_network_errors_are_pricing_errors() -> None:
    client = PricingClient("http://pricing.test", "us", opener=FakeOpener(OSError("refused")))
    with pytest.raises(PricingError):
        client.quote("MUG-4")


@pytest.mark.parametrize("price", [0, -5, None, "12.99", True])
def test_unusable_prices_are_refused(price: object) -> None:
    opener = FakeOpener({"sku": "MUG-4", "price_cents": price})
    with pytest.raises(PricingError):
        PricingClient("http://pricing.test", "us", opener=opener).quote("MUG-4")
