"""The teardown plan: exactly which stacks a teardown deletes, and which it leaves alone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from .scope import Scope
from .stacks import Stack, StackClient

ENV_TAG = "env"


@dataclass(frozen=True)
class Skipped:
    stack: Stack
    reason: str


@dataclass(frozen=True)
class Plan:
    environment: str
    to_delete: tuple[Stack, ...]
    skipped: tuple[Skipped, ...]

    @property
    def plan_id(self) -> str:
        """A short hash of the environment and the exact stacks the plan deletes.

        The dry run prints it and ``--execute`` must be given it back, so a teardown
        only ever deletes a set of stacks that an operator has seen.
        """
        identity = {
            "environment": self.environment,
            "stacks": sorted([stack.stack_id, stack.name] for stack in self.to_delete),
        }
        digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8"))
        return digest.hexdigest()[:12]


def build_plan(client: StackClient, environment: str, scope: Scope) -> Plan:
    """Plan the teardown of ``environment``. Raises ScopeError if it may not be torn down.

    A stack is deleted only if it is tagged with the environment, its name is in the
    scope's allow-list and termination protection is off. A stack that meets some of
    these but not all is listed as skipped, with the reason, so the operator sees it.
    """
    scope.check_environment(environment)
    to_delete: list[Stack] = []
    skipped: list[Skipped] = []
    for stack in client.list_stacks():
        tagged = stack.tags.get(ENV_TAG) == environment
        named = scope.allows_stack(environment, stack.name)
        if not tagged and not named:
            continue  # another environment's stack: not part of this plan at all
        if not tagged:
            skipped.append(Skipped(stack, f"its {ENV_TAG} tag is not {environment}"))
        elif not named:
            skipped.append(Skipped(stack, "its name is not in the teardown allow-list"))
        elif stack.termination_protection:
            skipped.append(Skipped(stack, "termination protection is on"))
        else:
            to_delete.append(stack)
    return Plan(
        environment,
        tuple(sorted(to_delete, key=lambda stack: stack.name)),
        tuple(sorted(skipped, key=lambda item: item.stack.name)),
    )


def print_plan(plan: Plan, out: TextIO) -> None:
    if not plan.to_delete:
        print(f"Nothing to tear down in {plan.environment}.", file=out)
    else:
        print(f"Teardown plan {plan.plan_id} for {plan.environment}:", file=out)
        _print_stacks("delete", plan.to_delete, out)
    if plan.skipped:
        print("Left alone:", file=out)
        for item in plan.skipped:
            print(f"  keep    {item.stack.name} ({item.stack.stack_id}): {item.reason}", file=out)


def _print_stacks(verb: str, stacks: Iterable[Stack], out: TextIO) -> None:
    for stack in stacks:
        print(f"  {verb:<7} {stack.name} ({stack.stack_id})", file=out)
