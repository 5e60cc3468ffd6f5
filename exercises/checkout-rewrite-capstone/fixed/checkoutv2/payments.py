"""Client for the payment gateway's HTTP API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


class PaymentError(Exception):
    """The gateway could not be reached, or answered with an error."""


class PaymentDeclined(PaymentError):
    """The card issuer declined the payment."""


class PaymentGateway:
    """Talks to the gateway. Every call is bounded by ``timeout_s``."""

    def __init__(self, base_url: str, api_key: str, timeout_s: float = 4.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s

    def _request(self, path: str, payload: dict[str, object], idempotency_key: str) -> urllib.request.Request:
        return urllib.request.Request(
            f"{self.base_url}{path}",
            data=json.dumps(payload).encode(),
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
                "Idempotency-Key": idempotency_key,
            },
            method="POST",
        )

    def authorize(self, order_id: str, amount_cents: int, card_token: str) -> str:
        """Place a hold for ``amount_cents`` on the card and return the authorization id.

        Nothing is charged yet: fulfilment captures the hold when the order ships.
        """
        request = self._request(
            "/v1/authorizations",
            {
                "order_id": order_id,
                "amount_cents": amount_cents,
                "card_token": card_token,
                "capture": "manual",
            },
            idempotency_key=f"authorize-{order_id}",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                body = json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code == 402:
                raise PaymentDeclined(order_id) from exc
            raise PaymentError(f"gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            raise PaymentError("gateway unreachable") from exc
        return str(body["authorization_id"])
