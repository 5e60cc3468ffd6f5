"""Tests for stock reservations."""

import pytest

from stockroom.reservations import (
    BACKOFF_CAP_S,
    MAX_UNITS_PER_RESERVATION,
    OutOfStock,
    ReservationService,
    backoff_delay,
)
from stockroom.store import StockStore


class OnceContendedStore(StockStore):
    """Loses the first compare-and-set, as if another order had written the row first."""

    def __init__(self, stock: dict[str, int]) -> None:
        super().__init__(stock)
        self.conflicts = 0

    def compare_and_set(self, sku: str, expected_version: int, available: int) -> bool:
        if self.conflicts == 0:
            self.conflicts += 1
            return False
        return super().compare_and_set(sku, expected_version, available)


def make_service(units: int = 5) -> tuple[ReservationService, StockStore]:
    store = StockStore({"sku-1": units})
    return ReservationService(store, sleep=lambda seconds: None), store


def test_single_unit_takes_the_fast_path() -> None:
    service, store = make_service()
    assert service.reserve("o-1", "sku-1", 1).quantity == 1
    assert store.get("sku-1").available == 4


def test_reserve_takes_units_out_of_stock() -> None:
    service, store = make_service()
    reservation = service.reserve("o-1", "sku-1", 3)
    assert reservation.quantity == 3
    assert store.get("sku-1").available == 2


@pytest.mark.parametrize(("units", "quantity"), [(0, 1), (2, 3)])
def test_reserve_more_than_available_raises_out_of_stock(units: int, quantity: int) -> None:
    service, store = make_service(units=units)
    with pytest.raises(OutOfStock):
        service.reserve("o-1", "sku-1", quantity)
    assert store.get("sku-1").available == units


def test_more_than_the_per_reservation_limit_is_rejected() -> None:
    service, _ = make_service(units=50)
    with pytest.raises(ValueError):
        service.reserve("o-1", "sku-1", MAX_UNITS_PER_RESERVATION + 1)


def test_a_conflict_is_retried() -> None:
    store = OnceContendedStore({"sku-1": 5})
    service = ReservationService(store, sleep=lambda seconds: None)
    service.reserve("o-1", "sku-1", 2)
    assert store.conflicts == 1
    assert store.get("sku-1").available == 3


def test_release_puts_units_back() -> None:
    service, store = make_service()
    service.release(service.reserve("o-1", "sku-1", 2))
    assert store.get("sku-1").available == 5


def test_backoff_delay_is_capped() -> None:
    assert all(0.0 <= backoff_delay(attempt) <= BACKOFF_CAP_S for attempt in range(20))
