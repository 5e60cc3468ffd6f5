"""The provisioning service, as stackwarden sees it."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Protocol

from stackwarden.models import Stack, StackStatus


class ProvisioningError(RuntimeError):
    """The provisioning service rejected or failed a request."""


class StackClient(Protocol):
    """The calls stackwarden makes to the provisioning service."""

    def list_stacks(self) -> list[Stack]:
        """Every stack in the account, in name order."""
        ...

    def describe_stack(self, name: str) -> Stack | None:
        """The stack called ``name``, or None once it no longer exists."""
        ...

    def create_stack(self, name: str, template_body: str, tags: Mapping[str, str]) -> None:
        """Start creating a stack; poll ``describe_stack`` for the result."""
        ...

    def update_stack(self, name: str, template_body: str) -> None:
        """Start updating a stack in place; poll ``describe_stack`` for the result."""
        ...

    def delete_stack(self, name: str) -> None:
        """Start deleting a stack. Deleting a stack that does not exist succeeds."""
        ...


class InMemoryStackClient:
    """A StackClient that keeps stacks in memory and finishes every call at once.

    Used by the tests. ``calls`` records each mutating call as (verb, stack name).
    """

    def __init__(self, stacks: Iterable[Stack] = ()) -> None:
        self._stacks = {stack.name: stack for stack in stacks}
        self._lock = threading.Lock()
        self.calls: list[tuple[str, str]] = []

    def list_stacks(self) -> list[Stack]:
        with self._lock:
            return sorted(self._stacks.values(), key=lambda stack: stack.name)

    def describe_stack(self, name: str) -> Stack | None:
        with self._lock:
            return self._stacks.get(name)

    def create_stack(self, name: str, template_body: str, tags: Mapping[str, str]) -> None:
        with self._lock:
            self.calls.append(("create", name))
            if name in self._stacks:
                raise ProvisioningError(f"stack {name} already exists")
            self._stacks[name] = Stack(name, template_body, StackStatus.CREATE_COMPLETE, dict(tags))

    def update_stack(self, name: str, template_body: str) -> None:
        with self._lock:
            self.calls.append(("update", name))
            stack = self._stacks.get(name)
            if stack is None:
                raise ProvisioningError(f"stack {name} does not exist")
            self._stacks[name] = replace(
                stack, template_body=template_body, status=StackStatus.UPDATE_COMPLETE
            )

    def delete_stack(self, name: str) -> None:
        with self._lock:
            self.calls.append(("delete", name))
            self._stacks.pop(name, None)
