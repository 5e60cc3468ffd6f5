"""Handlers for the order history API. Each takes a Request and returns a Response."""

from __future__ import annotations

import logging
import re
import traceback

from orderdesk.http import Request, Response
from orderdesk.sessions import (
    Caller,
    SessionServiceUnavailable,
    SessionVerifier,
    Unauthenticated,
    authenticate,
)
from orderdesk.store import Order, OrderStore

log = logging.getLogger(__name__)

ORDER_ID = re.compile(r"[0-9]{3}-[0-9]{7}-[0-9]{7}")


def order_summary(order: Order) -> dict[str, object]:
    """The fields the order history list shows."""
    return {
        "order_id": order.order_id,
        "placed_at": order.placed_at,
        "status": order.status,
        "total_cents": order.total_cents,
    }


def order_details(order: Order) -> dict[str, object]:
    """Everything the order details page shows."""
    return {
        **order_summary(order),
        "ship_to": {"name": order.ship_to_name, "address": order.ship_to_address},
        "payment": {"card_last4": order.card_last4},
    }


class OrderHandlers:
    """The order history endpoints."""

    def __init__(self, store: OrderStore, sessions: SessionVerifier) -> None:
        self.store = store
        self.sessions = sessions

    def _caller(self, request: Request) -> Caller | Response:
        """The signed-in caller, or the error response to send instead."""
        try:
            return authenticate(request, self.sessions)
        except Unauthenticated:
            return Response(401, {"error": "sign in to see your orders"})
        except SessionServiceUnavailable:
            return Response(503, {"error": "please try again in a moment"})

    def list_orders(self, request: Request) -> Response:
        """GET /orders: the signed-in customer's orders, newest first."""
        caller = self._caller(request)
        if isinstance(caller, Response):
            return caller
        orders = self.store.orders_for_customer(caller.customer_id)
        return Response(200, {"orders": [order_summary(order) for order in orders]})

    def get_order(self, request: Request, order_id: str) -> Response:
        """GET /orders/{order_id}: one order with its shipping and payment details."""
        caller = self._caller(request)
        if isinstance(caller, Response):
            return caller
        if not ORDER_ID.fullmatch(order_id):
            return Response(400, {"error": f"not an order number: {order_id!r}"})
        try:
            order = self.store.get(order_id)
            if order is None:
                return Response(404, {"error": "order not found"})
            log.info("customer %s opened order %s", caller.customer_id, order_id)
            return Response(200, order_details(order))
        except Exception as exc:
            log.exception("loading order %s failed", order_id)
            return Response(500, {
                "error": "could not load the order",
                "detail": repr(exc),
                "trace": traceback.format_exc(),
            })
