"""Data types shared by the drift scanner and its reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class StackStatus(str, Enum):
    """Lifecycle states reported by the provisioning service."""

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    CREATE_COMPLETE = "CREATE_COMPLETE"
    CREATE_FAILED = "CREATE_FAILED"
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    UPDATE_COMPLETE = "UPDATE_COMPLETE"
    UPDATE_FAILED = "UPDATE_FAILED"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETE_FAILED = "DELETE_FAILED"


@dataclass(frozen=True)
class Stack:
    """A deployed stack as the provisioning service describes it.

    ``template_body`` is the deployed template: a JSON object of resource
    properties. ``tags`` are the tags the stack was created with.
    """

    name: str
    template_body: str
    status: StackStatus
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DriftResult:
    """The outcome of comparing one deployed stack with its desired template."""

    stack_name: str
    drifted: bool
    changed_properties: tuple[str, ...] = ()
    replacement_required: bool = False
