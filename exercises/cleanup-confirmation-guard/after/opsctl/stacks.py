"""The calls opsctl makes to the provisioning service, and an in-memory stand-in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol


class StackClient(Protocol):
    """The provisioning service, as opsctl sees it."""

    def list_stacks_in(self, environment: str) -> list[str]:
        """Names of the stacks whose ``environment`` tag is ``environment``."""
        ...

    def delete_stack(self, name: str) -> None:
        """Start deleting a stack. Deleting a stack that no longer exists succeeds."""
        ...


class InMemoryStackClient:
    """A StackClient over a name -> environment mapping, for tests. ``deleted`` records deletes."""

    def __init__(self, stacks: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        self._stacks = dict(stacks)
        self.deleted: list[str] = []

    def list_stacks_in(self, environment: str) -> list[str]:
        return [name for name, env in self._stacks.items() if env == environment]

    def delete_stack(self, name: str) -> None:
        self._stacks.pop(name, None)
        self.deleted.append(name)
