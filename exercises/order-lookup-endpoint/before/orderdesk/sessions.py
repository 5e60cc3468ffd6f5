"""Who is calling: bearer session tokens, checked against the session service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from orderdesk.http import Request


class Unauthenticated(Exception):
    """The request carries no valid session."""


class SessionServiceUnavailable(Exception):
    """The session service could not answer; the caller's identity is unknown."""


class SessionVerifier(Protocol):
    def customer_for(self, token: str) -> str | None:
        """The customer id a session token belongs to, or None if it is invalid or expired.

        Raises SessionServiceUnavailable when the service cannot be reached.
        """


@dataclass(frozen=True)
class Caller:
    """The signed-in customer making the request."""

    customer_id: str


def authenticate(request: Request, sessions: SessionVerifier) -> Caller:
    """The caller behind ``request``'s bearer token, or Unauthenticated."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("missing bearer token")
    customer_id = sessions.customer_for(token)
    if customer_id is None:
        raise Unauthenticated("invalid or expired session")
    return Caller(customer_id)
