"""Load and validate the role policies shipped in ``policies/``.

The policies use the platform's IAM-style language:

* A statement has an ``Effect`` (``Allow`` or ``Deny``), an ``Action`` and a
  ``Resource``, each a string or a list of strings in which ``*`` and ``?`` are
  wildcards, and an optional ``Condition``.
* A request is allowed when some statement allows it and no statement denies
  it: an explicit ``Deny`` always wins.
* ``Condition`` maps an operator (``StringEquals`` or ``StringLike``) to context
  keys and their expected values. A condition on a key that the request does not
  carry does not hold, so the statement does not apply. The tag keys are:

  - ``resource:tag/<key>``: a tag on the existing resource the request acts on;
  - ``request:tag/<key>``: a tag passed in the request itself, which only create
    and tag requests carry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED_VERSION = "2024-01-01"
EFFECTS = frozenset({"Allow", "Deny"})
CONDITION_OPERATORS = frozenset({"StringEquals", "StringLike"})
CONDITION_KEY_PREFIXES = ("resource:tag/", "request:tag/", "principal:")


class PolicyError(ValueError):
    """The policy document is malformed."""


@dataclass(frozen=True)
class Statement:
    """One policy statement, with every list normalised to a tuple."""

    sid: str
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """A validated policy document."""

    version: str
    statements: tuple[Statement, ...]

    def statement(self, sid: str) -> Statement:
        """The statement whose ``Sid`` is ``sid``."""
        for statement in self.statements:
            if statement.sid == sid:
                return statement
        raise KeyError(sid)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise PolicyError(f"{where} must be a string or a non-empty list of strings")


def _conditions(raw: Any, where: str) -> dict[str, dict[str, tuple[str, ...]]]:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: Condition must be an object")
    conditions = {}
    for operator, tests in raw.items():
        if operator not in CONDITION_OPERATORS:
            raise PolicyError(f"{where}: unsupported condition operator {operator!r}")
        if not isinstance(tests, dict) or not tests:
            raise PolicyError(f"{where}: {operator} must map condition keys to values")
        for key in tests:
            if not key.startswith(CONDITION_KEY_PREFIXES):
                raise PolicyError(f"{where}: unknown condition key {key!r}")
        conditions[operator] = {key: _strings(value, f"{where}: {key}") for key, value in tests.items()}
    return conditions


def parse_policy(document: dict[str, Any]) -> Policy:
    """Validate a policy document and return it in normalised form."""
    if document.get("Version") != SUPPORTED_VERSION:
        raise PolicyError(f"Version must be {SUPPORTED_VERSION!r}")
    raw_statements = document.get("Statement")
    if not isinstance(raw_statements, list) or not raw_statements:
        raise PolicyError("Statement must be a non-empty list")
    statements = []
    for index, raw in enumerate(raw_statements):
        if not isinstance(raw, dict):
            raise PolicyError(f"statement #{index} must be an object")
        sid = raw.get("Sid") or f"#{index}"
        if raw.get("Effect") not in EFFECTS:
            raise PolicyError(f"{sid}: Effect must be Allow or Deny")
        statements.append(
            Statement(
                sid=sid,
                effect=raw["Effect"],
                actions=_strings(raw.get("Action"), f"{sid}: Action"),
                resources=_strings(raw.get("Resource"), f"{sid}: Resource"),
                conditions=_conditions(raw.get("Condition", {}), sid),
            )
        )
    sids = [statement.sid for statement in statements]
    if len(sids) != len(set(sids)):
        raise PolicyError("statement Sids must be unique")
    return Policy(SUPPORTED_VERSION, tuple(statements))


def load_policy(path: Path) -> Policy:
    """Read and validate the policy at ``path``."""
    return parse_policy(json.loads(path.read_text(encoding="utf-8")))
