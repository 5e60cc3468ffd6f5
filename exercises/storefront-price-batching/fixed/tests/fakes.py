"""Stand-ins for urlopen and the clock: canned JSON answers, and a record of every request."""

from __future__ import annotations

import io
import json
from typing import Any


class FakeOpener:
    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[Any] = []
        self.timeouts: list[float | None] = []

    def __call__(self, request: Any, timeout: float | None = None) -> io.BytesIO:
        self.requests.append(request)
        self.timeouts.append(timeout)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(json.dumps(answer).encode())

    def asked_for(self) -> list[list[str]]:
        """The SKUs of every request, in order."""
        return [json.loads(request.data)["skus"] for request in self.requests]


def quotes(**prices: int) -> dict[str, Any]:
    """A /v2/quotes answer: quotes(MUG_4=1299) answers for MUG-4."""
    return {
        "quotes": [
            {"sku": sku.replace("_", "-"), "price_cents": cents, "currency": "USD"}
            for sku, cents in prices.items()
        ]
    }


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
