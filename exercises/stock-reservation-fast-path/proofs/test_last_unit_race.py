"""Proof: two customers racing for the last unit must not both get it."""

import threading

from stockroom.reservations import OutOfStock, Reservation, ReservationService
from stockroom.store import StockRecord, StockStore


class LockstepStore(StockStore):
    """Holds each buyer thread after its first read until the other buyer has read too.

    This forces the interleaving a busy service sees now and then: both requests read the row
    before either writes it. Reads from the thread that built the store are not held.
    """

    def __init__(self, stock: dict[str, int]) -> None:
        super().__init__(stock)
        self._both_read = threading.Barrier(2, timeout=5.0)
        self._seen = threading.local()
        self._owner = threading.get_ident()

    def get(self, sku: str) -> StockRecord:
        record = super().get(sku)
        if threading.get_ident() == self._owner:
            return record
        if not getattr(self._seen, "first_read_done", False):
            self._seen.first_read_done = True
            self._both_read.wait()
        return record


def test_the_last_unit_is_sold_once() -> None:
    store = LockstepStore({"sku-1": 1})
    service = ReservationService(store, sleep=lambda seconds: None)
    won: list[Reservation] = []
    lost: list[BaseException] = []

    def buy(order_id: str) -> None:
        try:
            won.append(service.reserve(order_id, "sku-1", 1))
        except OutOfStock as exc:
            lost.append(exc)

    buyers = [threading.Thread(target=buy, args=(f"o-{n}",)) for n in (1, 2)]
    for buyer in buyers:
        buyer.start()
    for buyer in buyers:
        buyer.join(timeout=10.0)
    assert len(won) == 1, f"{len(won)} reservations for 1 unit: {[r.order_id for r in won]}"
    assert len(lost) == 1
    assert store.get("sku-1").available == 0
