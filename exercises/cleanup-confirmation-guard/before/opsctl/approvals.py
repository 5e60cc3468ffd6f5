"""The change-approval service: one engineer requests a change, another approves it.

The service authenticates everyone who calls it. ``whoami`` and the identities in an
``Approval`` are identities the service verified, not values the caller supplied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Approval:
    """A granted approval, as recorded by the service. ``approved_at`` is aware, in UTC."""

    change_id: str
    requested_by: str
    approved_by: str
    approved_at: datetime


class ApprovalClient(Protocol):
    """The calls opsctl makes to the approval service."""

    def whoami(self) -> str:
        """The identity the service authenticated for this session."""
        ...

    def request(self, change_id: str, summary: str) -> None:
        """Ask for approval of ``change_id``. Asking again for the same change is a no-op."""
        ...

    def granted(self, change_id: str) -> Approval | None:
        """The approval granted for ``change_id``; None while it is pending, rejected or unknown."""
        ...


class InMemoryApprovalClient:
    """An ApprovalClient for tests: ``approve`` plays the second engineer."""

    def __init__(self, me: str) -> None:
        self._me = me
        self.requests: dict[str, tuple[str, str]] = {}
        self._granted: dict[str, Approval] = {}

    def whoami(self) -> str:
        return self._me

    def request(self, change_id: str, summary: str) -> None:
        self.requests.setdefault(change_id, (self._me, summary))

    def granted(self, change_id: str) -> Approval | None:
        return self._granted.get(change_id)

    def approve(self, change_id: str, approver: str, at: datetime) -> None:
        requested_by, _summary = self.requests[change_id]
        self._granted[change_id] = Approval(change_id, requested_by, approver, at)
