"""Turns a drift result into the action that would bring a stack back in line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from stackwarden.guard import environment_of, may_remediate
from stackwarden.models import DriftResult, Stack


class Action(str, Enum):
    """What should be done about one stack."""

    NOTHING = "nothing"
    UPDATE = "update"
    REPLACE = "replace"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class Plan:
    """The action chosen for one stack, and why, for the drift report."""

    stack_name: str
    action: Action
    reason: str


def plan_remediation(stack: Stack, drift: DriftResult) -> Plan:
    """Choose how to bring ``stack`` back to its desired template.

    Drift in properties that can change in place is updated. Drift in a
    property that forces replacement means deleting and re-creating the stack.
    Stacks outside the unattended environments are escalated to on-call.
    """
    if not drift.drifted:
        return Plan(stack.name, Action.NOTHING, "in sync")
    if not may_remediate(stack):
        return Plan(stack.name, Action.ESCALATE, f"environment {environment_of(stack)!r} needs a human")
    changed = ", ".join(drift.changed_properties)
    if drift.replacement_required:
        return Plan(stack.name, Action.REPLACE, f"replacement properties drifted: {changed}")
    return Plan(stack.name, Action.UPDATE, f"properties drifted: {changed}")
