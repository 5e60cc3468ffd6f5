"""Maps method and path to a handler; the last line of defence for unexpected errors."""

from __future__ import annotations

import logging
import re

from orderdesk.handlers import OrderHandlers
from orderdesk.http import Request, Response

log = logging.getLogger(__name__)

ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"/orders"), "list_orders"),
]


def dispatch(handlers: OrderHandlers, request: Request) -> Response:
    """Call the handler for ``request``. Unexpected errors become a plain 500."""
    for method, pattern, name in ROUTES:
        match = pattern.fullmatch(request.path)
        if match and request.method == method:
            try:
                return getattr(handlers, name)(request, **match.groupdict())
            except Exception:
                log.exception("unhandled error in %s", name)
                return Response(500, {"error": "internal error"})
    return Response(404, {"error": "no such endpoint"})
