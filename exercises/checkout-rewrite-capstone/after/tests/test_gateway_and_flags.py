"""Tests for the payment gateway client and the v2 rollout flag."""

from __future__ import annotations

import io
import json
import urllib.error

import pytest

from checkoutv2 import flags
from checkoutv2.payments import PaymentDeclined, PaymentGateway


def answer(payload: dict) -> io.BytesIO:
    return io.BytesIO(json.dumps(payload).encode())


def test_authorize_returns_the_authorization_id(monkeypatch: pytest.MonkeyPatch) -> None:
    sent = []
    monkeypatch.setattr("urllib.request.urlopen",
                        lambda request, **kwargs: sent.append(request) or answer({"authorization_id": "au_9"}))
    assert PaymentGateway("https://pay.example", "key").authorize("o-1", 1200, "tok") == "au_9"
    assert sent[0].get_header("Idempotency-key") == "authorize-o-1"
    assert json.loads(sent[0].data)["capture"] == "manual"


def test_a_402_is_a_decline(monkeypatch: pytest.MonkeyPatch) -> None:
    def declined(request: object, **kwargs: object) -> None:
        raise urllib.error.HTTPError("https://pay.example", 402, "declined", {}, None)
    monkeypatch.setattr("urllib.request.urlopen", declined)
    with pytest.raises(PaymentDeclined):
        PaymentGateway("https://pay.example", "key").authorize("o-1", 1200, "tok")


def test_rollout_share_in_the_canary_region() -> None:
    on = sum(flags.use_checkout_v2("us-west-2", f"cust-{n}") for n in range(2000))
    assert 0 < on < 2000 * flags.CHECKOUT_V2_ROLLOUT["us-west-2"] * 2 // 100
