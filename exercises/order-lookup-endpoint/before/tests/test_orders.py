"""Tests for the order history endpoints."""

from __future__ import annotations

import sqlite3

import pytest

from orderdesk.handlers import OrderHandlers
from orderdesk.http import Request
from orderdesk.routes import dispatch
from orderdesk.sessions import SessionServiceUnavailable
from orderdesk.store import Order, OrderStore


class FakeSessions:
    """Session service stand-in: token -> customer id."""

    def __init__(self, tokens: dict[str, str], available: bool = True) -> None:
        self.tokens = tokens
        self.available = available

    def customer_for(self, token: str) -> str | None:
        if not self.available:
            raise SessionServiceUnavailable("session service timed out")
        return self.tokens.get(token)


def make_order(order_id: str, customer_id: str, placed_at: str = "2026-03-01T10:00:00Z") -> Order:
    return Order(order_id=order_id, customer_id=customer_id, placed_at=placed_at,
                 status="shipped", total_cents=2599, ship_to_name="A. Customer",
                 ship_to_address="1 Main St, Springfield", card_last4="4242")


@pytest.fixture
def handlers() -> OrderHandlers:
    store = OrderStore(sqlite3.connect(":memory:"))
    store.add(make_order("111-0000001-0000001", "cust-ana", "2026-03-01T10:00:00Z"))
    store.add(make_order("111-0000001-0000002", "cust-ana", "2026-03-03T10:00:00Z"))
    store.add(make_order("111-0000002-0000001", "cust-ben"))
    return OrderHandlers(store, FakeSessions({"tok-ana": "cust-ana", "tok-ben": "cust-ben"}))


def get(path: str, token: str | None = None) -> Request:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return Request("GET", path, headers)


def test_lists_only_the_callers_orders_newest_first(handlers: OrderHandlers) -> None:
    response = dispatch(handlers, get("/orders", "tok-ana"))
    assert response.status == 200
    assert [o["order_id"] for o in response.body["orders"]] == [
        "111-0000001-0000002", "111-0000001-0000001"]


def test_requires_a_valid_session(handlers: OrderHandlers) -> None:
    assert dispatch(handlers, get("/orders")).status == 401
    assert dispatch(handlers, get("/orders", "tok-stale")).status == 401


def test_session_outage_is_a_503(handlers: OrderHandlers) -> None:
    handlers.sessions = FakeSessions({}, available=False)
    assert dispatch(handlers, get("/orders", "tok-ana")).status == 503
