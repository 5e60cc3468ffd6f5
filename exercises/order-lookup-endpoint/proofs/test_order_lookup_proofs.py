"""Proofs for the order lookup exercise: each fails on after/ and passes on fixed/."""

from __future__ import annotations

import json
import logging
import sqlite3

from orderdesk.handlers import OrderHandlers
from orderdesk.http import Request
from orderdesk.routes import dispatch
from orderdesk.store import Order, OrderStore

ANA_ORDER = "111-0000001-0000001"
BEN_ORDER = "111-0000002-0000001"


class Sessions:
    def customer_for(self, token: str) -> str | None:
        return {"tok-ana": "cust-ana", "tok-ben": "cust-ben"}.get(token)


def order(order_id: str, customer_id: str, name: str, address: str) -> Order:
    return Order(order_id=order_id, customer_id=customer_id, placed_at="2026-03-01T10:00:00Z",
                 status="shipped", total_cents=4599, ship_to_name=name,
                 ship_to_address=address, card_last4="1881")


def two_customers() -> tuple[OrderHandlers, sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    store = OrderStore(conn)
    store.add(order(ANA_ORDER, "cust-ana", "Ana Lima", "4 Elm Row, Leeds"))
    store.add(order(BEN_ORDER, "cust-ben", "Ben Okoro", "27 Quay St, Cork"))
    return OrderHandlers(store, Sessions()), conn


def as_customer(token: str, path: str) -> Request:
    return Request("GET", path, {"authorization": f"Bearer {token}"})


def test_a_customer_cannot_open_another_customers_order() -> None:
    """Ana is signed in and types Ben's order number into the URL."""
    handlers, _ = two_customers()
    response = dispatch(handlers, as_customer("tok-ana", f"/orders/{BEN_ORDER}"))
    exposed = json.dumps(response.body)
    assert "27 Quay St" not in exposed, f"Ana received Ben's order: {exposed}"
    assert response.status in (403, 404)


def test_a_failed_lookup_does_not_send_internals_to_the_client() -> None:
    """The replica goes away mid-request: the client gets a plain error, the log gets the detail."""
    handlers, conn = two_customers()
    conn.close()
    logging.disable(logging.CRITICAL)
    try:
        response = dispatch(handlers, as_customer("tok-ana", f"/orders/{ANA_ORDER}"))
    finally:
        logging.disable(logging.NOTSET)
    sent = json.dumps(response.body)
    leaked = [text for text in ("Traceback", "ProgrammingError", "closed database", "handlers.py")
              if text in sent]
    assert response.status == 500
    assert leaked == [], f"the 500 response carries internal details: {sent[:300]}"
