"""Handlers for the order history API. Each takes a Request and returns a Response."""

from __future__ import annotations

import logging

from orderdesk.http import Request, Response
from orderdesk.sessions import (
    SessionServiceUnavailable,
    SessionVerifier,
    Unauthenticated,
    authenticate,
)
from orderdesk.store import Order, OrderStore

log = logging.getLogger(__name__)


def order_summary(order: Order) -> dict[str, object]:
    """The fields the order history list shows."""
    return {
        "order_id": order.order_id,
        "placed_at": order.placed_at,
        "status": order.status,
        "total_cents": order.total_cents,
    }


class OrderHandlers:
    """The order history endpoints."""

    def __init__(self, store: OrderStore, sessions: SessionVerifier) -> None:
        self.store = store
        self.sessions = sessions

    def list_orders(self, request: Request) -> Response:
        """GET /orders: the signed-in customer's orders, newest first."""
        try:
            caller = authenticate(request, self.sessions)
        except Unauthenticated:
            return Response(401, {"error": "sign in to see your orders"})
        except SessionServiceUnavailable:
            return Response(503, {"error": "please try again in a moment"})
        orders = self.store.orders_for_customer(caller.customer_id)
        return Response(200, {"orders": [order_summary(order) for order in orders]})
