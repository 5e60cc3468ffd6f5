"""The calls envctl makes to the provisioning service, and an in-memory stand-in for tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol


class StackError(Exception):
    """The provisioning service refused or failed a call."""


@dataclass(frozen=True)
class Stack:
    name: str
    tags: Mapping[str, str] = field(default_factory=dict)


class StackClient(Protocol):
    """The provisioning service, as envctl sees it."""

    def list_stacks(self) -> list[Stack]:
        """Every stack in the account."""
        ...

    def delete_stack(self, name: str) -> None:
        """Start deleting a stack. Raises StackError if the service refuses."""
        ...


class InMemoryStackClient:
    """A StackClient over a list of stacks, for tests. ``deleted`` records the deletes."""

    def __init__(self, stacks: Iterable[Stack]) -> None:
        self._stacks = {stack.name: stack for stack in stacks}
        self.deleted: list[str] = []

    def list_stacks(self) -> list[Stack]:
        return list(self._stacks.values())

    def delete_stack(self, name: str) -> None:
        if name not in self._stacks:
            raise StackError(f"no stack named {name}")
        del self._stacks[name]
        self.deleted.append(name)
