"""Decides whether automation may change a stack without a human."""

from __future__ import annotations

from stackwarden.models import Stack

#: Environments whose stacks automation may update or replace unattended.
UNATTENDED_ENVIRONMENTS = frozenset({"development", "test", "staging"})


def environment_of(stack: Stack) -> str | None:
    """The stack's ``environment`` tag, normalised to lower case; None when it has none."""
    environment = stack.tags.get("environment")
    return environment.strip().lower() if environment is not None else None


def may_remediate(stack: Stack) -> bool:
    """True when ``stack`` belongs to an environment automation may change on its own."""
    return environment_of(stack) in UNATTENDED_ENVIRONMENTS
