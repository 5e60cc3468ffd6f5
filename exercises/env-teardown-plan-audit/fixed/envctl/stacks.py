"""The calls envctl makes to the provisioning service, and an in-memory stand-in for tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol


class StackError(Exception):
    """The provisioning service refused or failed a call."""


@dataclass(frozen=True)
class Stack:
    stack_id: str  # assigned by the service, never reused
    name: str
    tags: Mapping[str, str] = field(default_factory=dict)
    termination_protection: bool = False


class StackClient(Protocol):
    """The provisioning service, as envctl sees it."""

    def list_stacks(self) -> list[Stack]:
        """Every stack in the account."""
        ...

    def delete_stack(self, stack_id: str) -> None:
        """Start deleting one stack, by id. Raises StackError if the service refuses."""
        ...


class InMemoryStackClient:
    """A StackClient over a list of stacks, for tests. ``deleted`` records the deleted ids.

    ``fail_on`` names stack ids whose delete raises StackError, as the service does for a
    stack with termination protection or one it cannot delete right now.
    """

    def __init__(self, stacks: Iterable[Stack], *, fail_on: Iterable[str] = ()) -> None:
        self._stacks = {stack.stack_id: stack for stack in stacks}
        self._fail_on = set(fail_on)
        self.deleted: list[str] = []

    def list_stacks(self) -> list[Stack]:
        return list(self._stacks.values())

    def delete_stack(self, stack_id: str) -> None:
        stack = self._stacks.get(stack_id)
        if stack is None:
            raise StackError(f"no stack with id {stack_id}")
        if stack.termination_protection or stack_id in self._fail_on:
            raise StackError(f"{stack.name} ({stack_id}) cannot be deleted")
        del self._stacks[stack_id]
        self.deleted.append(stack_id)
