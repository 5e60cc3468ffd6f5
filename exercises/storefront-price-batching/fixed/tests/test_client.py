import json

import pytest
from fakes import FakeOpener, quotes

from pricefront.client import MAX_BATCH, PricingClient, PricingError


def client_for(opener: FakeOpener, **options: object) -> PricingClient:
    return PricingClient("http://pricing.test/", "us", opener=opener, sleep=lambda s: None, **options)


def test_quote_many_posts_one_batch_for_the_region() -> None:
    opener = FakeOpener(quotes(MUG_4=1299, TEA_9=450))
    prices = client_for(opener).quote_many(["MUG-4", "TEA-9"])
    assert {sku: quote.price_cents for sku, quote in prices.items()} == {"MUG-4": 1299, "TEA-9": 450}
    request = opener.requests[0]
    assert (request.full_url, request.get_method()) == ("http://pricing.test/v2/quotes", "POST")
    assert json.loads(request.data) == {"region": "us", "skus": ["MUG-4", "TEA-9"]}
    assert opener.timeouts == [0.8]


def test_large_carts_are_split_into_batches() -> None:
    skus = [f"SKU-{n}" for n in range(2 * MAX_BATCH + 20)]
    answers = [
        {"quotes": [{"sku": sku, "price_cents": 100} for sku in skus[start : start + MAX_BATCH]]}
        for start in range(0, len(skus), MAX_BATCH)
    ]
    opener = FakeOpener(*answers)
    prices = client_for(opener).quote_many(skus)
    assert [len(batch) for batch in opener.asked_for()] == [MAX_BATCH, MAX_BATCH, 20]
    assert len(prices) == len(skus)


def test_a_sku_is_asked_for_once() -> None:
    opener = FakeOpener(quotes(MUG_4=1299))
    client_for(opener).quote_many(["MUG-4", "MUG-4"])
    assert opener.asked_for() == [["MUG-4"]]


def test_a_failed_attempt_is_retried() -> None:
    pauses: list[float] = []
    opener = FakeOpener(OSError("reset"), quotes(MUG_4=1299))
    client = PricingClient("http://pricing.test", "us", opener=opener, sleep=pauses.append)
    assert client.quote("MUG-4").price_cents == 1299
    assert len(pauses) == 1 and 0 <= pauses[0] <= 0.05


def test_network_errors_are_pricing_errors() -> None:
    opener = FakeOpener(OSError("refused"), OSError("refused"))
    with pytest.raises(PricingError):
        client_for(opener).quote("MUG-4")


@pytest.mark.parametrize("price", [0, -5, None, "12.99", True, 12.5])
def test_unusable_prices_are_refused(price: object) -> None:
    opener = FakeOpener({"quotes": [{"sku": "MUG-4", "price_cents": price}]})
    with pytest.raises(PricingError):
        client_for(opener).quote("MUG-4")


def test_quotes_are_matched_by_sku_not_by_position() -> None:
    opener = FakeOpener(quotes(TEA_9=450, MUG_4=1299))
    prices = client_for(opener).quote_many(["MUG-4", "TEA-9"])
    assert {sku: quote.price_cents for sku, quote in prices.items()} == {"MUG-4": 1299, "TEA-9": 450}


def test_a_sku_left_out_of_the_answer_is_an_error() -> None:
    opener = FakeOpener(quotes(TEA_9=450))
    with pytest.raises(PricingError):
        client_for(opener).quote_many(["MUG-4", "TEA-9"])
