"""Decides whether automation may change a stack without a human."""

from __future__ import annotations

from stackwarden.models import Stack

#: Environments whose stacks automation may update or replace unattended.
UNATTENDED_ENVIRONMENTS = frozenset({"development", "test", "staging"})


def environment_of(stack: Stack) -> str:
    """The stack's ``environment`` tag, normalised to lower case."""
    return stack.tags.get("environment", "development").strip().lower()


def may_remediate(stack: Stack) -> bool:
    """True when ``stack`` belongs to an environment automation may change on its own."""
    return environment_of(stack) in UNATTENDED_ENVIRONMENTS
