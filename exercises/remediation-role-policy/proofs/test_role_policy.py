"""Proofs for the remediation role policy, evaluated with a small IAM-style evaluator.

The evaluator follows the rules in rolepolicy/loader.py's docstring: a request is allowed
when some statement allows it and no statement denies it; ``*`` and ``?`` are wildcards;
a condition on a key the request does not carry does not hold.
"""

from __future__ import annotations

import json
import os
from fnmatch import fnmatchcase
from pathlib import Path

ACCOUNT = "210987654321"
PROD_STACK = f"arn:cloud:stacks:cn-north-1:{ACCOUNT}:stack/cost-explorer-api"
STAGING_STACK = f"arn:cloud:stacks:cn-north-1:{ACCOUNT}:stack/cost-explorer-api-staging"


def load() -> dict:
    path = Path(os.environ["EXERCISE_TREE"]) / "policies" / "stack-remediation-role.json"
    return json.loads(path.read_text(encoding="utf-8"))


def as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def action_matches(patterns, action: str) -> bool:
    return any(fnmatchcase(action.lower(), pattern.lower()) for pattern in as_list(patterns))


def resource_matches(patterns, resource: str) -> bool:
    return any(fnmatchcase(resource, pattern) for pattern in as_list(patterns))


def conditions_hold(condition: dict, context: dict[str, str]) -> bool:
    for operator, tests in condition.items():
        for key, expected in tests.items():
            if key not in context:
                return False
            value = context[key]
            if operator == "StringEquals" and value not in as_list(expected):
                return False
            if operator == "StringLike" and not any(fnmatchcase(value, p) for p in as_list(expected)):
                return False
            if operator not in ("StringEquals", "StringLike"):
                raise AssertionError(f"evaluator does not know {operator}")
    return True


def decide(policy: dict, action: str, resource: str, context: dict[str, str] | None = None) -> str:
    context = context or {}
    allowed = False
    for statement in policy["Statement"]:
        if not action_matches(statement["Action"], action):
            continue
        if not resource_matches(statement["Resource"], resource):
            continue
        if not conditions_hold(statement.get("Condition", {}), context):
            continue
        if statement["Effect"] == "Deny":
            return "deny"
        allowed = True
    return "allow" if allowed else "deny"


def test_evaluator_sanity():
    """The evaluator itself: the role does the job it is for on a staging stack."""
    policy = load()
    staging = {"resource:tag/environment": "staging"}
    assert decide(policy, "stacks:DescribeStacks", STAGING_STACK, staging) == "allow"
    assert decide(policy, "stacks:DeleteStack", STAGING_STACK, staging) == "allow"
    created = {"request:tag/environment": "staging"}
    assert decide(policy, "stacks:CreateStack", STAGING_STACK, created) == "allow"


def test_role_cannot_act_outside_the_stack_service():
    """The remediation role must not be able to do anything at all, anywhere."""
    policy = load()
    outside = [
        ("identity:AttachRolePolicy", f"arn:cloud:identity::{ACCOUNT}:role/stack-remediation"),
        ("identity:CreateAccessKey", f"arn:cloud:identity::{ACCOUNT}:user/alice"),
        ("tables:DeleteTable", f"arn:cloud:tables:cn-north-1:{ACCOUNT}:table/cost-explorer-usage"),
        ("secrets:GetSecretValue", f"arn:cloud:secrets:cn-north-1:{ACCOUNT}:secret/billing-db"),
    ]
    allowed = [(action, resource) for action, resource in outside if decide(policy, action, resource) == "allow"]
    assert allowed == [], f"the remediation role is allowed {allowed}"


def test_production_stack_cannot_be_deleted_or_updated():
    """DeleteStack and UpdateStack on a stack tagged environment=production must be denied."""
    policy = load()
    production = {"resource:tag/environment": "production"}
    assert decide(policy, "stacks:DeleteStack", PROD_STACK, production) == "deny", "DeleteStack on production is allowed"
    assert decide(policy, "stacks:UpdateStack", PROD_STACK, production) == "deny", "UpdateStack on production is allowed"
    assert decide(policy, "stacks:CreateStack", PROD_STACK, {"request:tag/environment": "production"}) == "deny"
