"""Proofs for the checkout v2 capstone: each test fails on after/ and passes on fixed/."""

from __future__ import annotations

import threading
import urllib.request
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from checkoutv2.cart import CartLine
from checkoutv2.checkout import Confirmation
from checkoutv2.confirmation import render_confirmation
from checkoutv2.flags import use_checkout_v2
from checkoutv2.inventory import OutOfStock, StockLedger
from checkoutv2.payments import PaymentError, PaymentGateway
from checkoutv2.pricing import Promotion, Totals, price_cart


class CountsThatWaitForASecondReader(dict):
    """Stock counts whose reads pause until a second checkout has read too.

    This forces the worst interleaving: both checkouts read the count before either writes.
    If the ledger reads under its lock, the second checkout cannot read until the first one
    is done; the first reader then gives up waiting after a few seconds and carries on.
    """

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__(counts)
        self.both_read = threading.Barrier(2)

    def get(self, key: str, default: int | None = None) -> int | None:
        value = super().get(key, default)
        try:
            self.both_read.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass
        return value


def test_two_checkouts_cannot_both_take_the_last_unit() -> None:
    counts = CountsThatWaitForASecondReader({"LAST-ONE": 1})
    ledger = StockLedger(counts)
    outcomes: list[str] = []

    def checkout() -> None:
        try:
            ledger.reserve("LAST-ONE", 1)
            outcomes.append("reserved")
        except OutOfStock:
            outcomes.append("out of stock")

    threads = [threading.Thread(target=checkout) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert sorted(outcomes) == ["out of stock", "reserved"], (
        f"one unit in stock, outcomes {outcomes}: the last unit was sold twice"
    )


class _Executable(HTMLParser):
    """Lists what a browser would execute: script elements and on* handler attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.found.append("<script>")
        self.found.extend(f"<{tag} {name}=...>" for name, _ in attrs if name.startswith("on"))


def executable(html: str) -> list[str]:
    parser = _Executable()
    parser.feed(html)
    parser.close()
    return parser.found


def confirmation(gift_message: str) -> Confirmation:
    return Confirmation(
        order_id="5f0c2a", customer_name="Ana", lines=(CartLine("MUG", "Mug", 850, 2),),
        totals=Totals(1700, 0, 140, 1840), payment_id="au_1", gift_message=gift_message,
    )


def test_gift_message_cannot_add_script_to_the_confirmation_page() -> None:
    """The page's own analytics script is expected; anything the shopper typed must stay text."""
    benign = executable(render_confirmation(confirmation("Happy birthday!\nLove, Sam")))
    hostile_message = 'Happy birthday!\n<img src=x onerror="alert(document.cookie)"></p><script>steal()</script>'
    hostile = executable(render_confirmation(confirmation(hostile_message)))
    assert hostile == benign, f"the gift message added executable HTML: {hostile}"


def test_regions_outside_the_canary_stay_on_v1() -> None:
    """The rollout table lists us-west-2 only; every other region must stay on v1."""
    customers = [f"cust-{n}" for n in range(200)]
    on_v2 = [(region, customer) for region in ("us-east-1", "eu-west-1", "ap-northeast-1")
             for customer in customers if use_checkout_v2(region, customer)]
    assert len(on_v2) == 0, f"{len(on_v2)} of 600 customers in regions without a rollout entry got v2"


def test_authorization_gives_up_on_a_gateway_that_never_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A gateway that accepts the connection and never replies, as a hung dependency does."""
    patience_s = 1.0

    def silent_gateway(request: urllib.request.Request, data: object = None, timeout: float | None = None) -> None:
        never = threading.Event()
        if timeout is None:
            never.wait(patience_s)
            raise AssertionError(
                f"authorize() was still waiting after {patience_s} s: urlopen got no timeout, so a"
                " silent gateway holds this checkout thread forever"
            )
        never.wait(timeout)
        raise TimeoutError("timed out")

    monkeypatch.setattr(urllib.request, "urlopen", silent_gateway)
    gateway = PaymentGateway("https://pay.example", "key", timeout_s=0.2)
    with pytest.raises(PaymentError):
        gateway.authorize("o-1", 1200, "tok")


def test_tax_is_charged_on_the_discounted_price() -> None:
    """$100 coat, 20% promo, 10% tax: tax is $8.00 on the $80.00 paid for goods."""
    totals = price_cart([CartLine("COAT", "Winter coat", 10000, 1)], Decimal("0.10"),
                        Promotion("WINTER20", 20))
    assert (totals.discount_cents, totals.tax_cents, totals.total_cents) == (2000, 800, 8800)
