"""Proof: a reservation for zero or a negative number of units is refused and leaves stock alone."""

from stockroom.reservations import ReservationService
from stockroom.store import StockStore


def test_non_positive_quantities_are_rejected() -> None:
    accepted = {}
    for quantity in (0, -3):
        store = StockStore({"sku-1": 5})
        service = ReservationService(store, sleep=lambda seconds: None)
        try:
            service.reserve("o-1", "sku-1", quantity)
        except ValueError:
            continue
        accepted[quantity] = store.get("sku-1").available
    assert not accepted, f"accepted quantities, with stock left afterwards (was 5): {accepted}"
