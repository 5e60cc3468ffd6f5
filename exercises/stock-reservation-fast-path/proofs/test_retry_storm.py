"""Proof: a reservation on a row that stays contended gives up after a few spaced-out attempts."""

import pytest

from stockroom.reservations import ReservationConflict, ReservationService
from stockroom.store import StockStore


class RunawayRetries(Exception):
    """Raised by the test store to stop a loop that would otherwise never end."""


class AlwaysContendedStore(StockStore):
    """Every compare-and-set loses, as on a hot SKU that other writers keep changing."""

    def __init__(self, stock: dict[str, int]) -> None:
        super().__init__(stock)
        self.attempts = 0

    def compare_and_set(self, sku: str, expected_version: int, available: int) -> bool:
        self.attempts += 1
        if self.attempts >= 1000:
            raise RunawayRetries(f"{self.attempts} attempts")
        return False


def test_contended_reservation_backs_off_and_gives_up() -> None:
    store = AlwaysContendedStore({"sku-1": 5})
    pauses: list[float] = []
    service = ReservationService(store, sleep=pauses.append)
    with pytest.raises((ReservationConflict, RunawayRetries)):
        service.reserve("o-1", "sku-1", 2)
    assert store.attempts <= 10, f"{store.attempts} attempts against one contended row"
    assert len(pauses) >= store.attempts - 1, f"{len(pauses)} pauses in {store.attempts} attempts"
