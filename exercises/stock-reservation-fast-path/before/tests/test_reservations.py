"""Tests for stock reservations."""

import pytest

from stockroom.reservations import OutOfStock, ReservationService
from stockroom.store import StockStore


def make_service(units: int = 5) -> tuple[ReservationService, StockStore]:
    store = StockStore({"sku-1": units})
    return ReservationService(store, sleep=lambda seconds: None), store


def test_reserve_takes_units_out_of_stock() -> None:
    service, store = make_service()
    reservation = service.reserve("o-1", "sku-1", 3)
    assert reservation.quantity == 3
    assert store.get("sku-1").available == 2


def test_reserve_more_than_available_raises_out_of_stock() -> None:
    service, store = make_service(units=2)
    with pytest.raises(OutOfStock):
        service.reserve("o-1", "sku-1", 3)
    assert store.get("sku-1").available == 2


def test_zero_quantity_is_rejected() -> None:
    service, _ = make_service()
    with pytest.raises(ValueError):
        service.reserve("o-1", "sku-1", 0)


def test_release_puts_units_back() -> None:
    service, store = make_service()
    service.release(service.reserve("o-1", "sku-1", 2))
    assert store.get("sku-1").available == 5
