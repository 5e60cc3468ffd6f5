from pathlib import Path

import pytest

from rolepolicy.loader import PolicyError, load_policy, parse_policy

POLICY = Path(__file__).resolve().parents[1] / "policies" / "stack-remediation-role.json"


def test_shipped_policy_is_valid():
    policy = load_policy(POLICY)
    assert policy.version == "2024-01-01"
    assert len(policy.statements) == 5


def test_remediation_can_replace_stacks():
    actions = load_policy(POLICY).statement("RemediateDriftedStacks").actions
    assert {"stacks:DeleteStack", "stacks:CreateStack"} <= set(actions)


def test_production_stacks_are_denied():
    deny = load_policy(POLICY).statement("DenyProductionStacks")
    assert deny.effect == "Deny"
    assert "stacks:DeleteStack" in deny.actions
    assert "production" in deny.conditions["StringEquals"]["request:tag/environment"]


def test_bad_effect_is_rejected():
    document = {"Version": "2024-01-01", "Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]}
    with pytest.raises(PolicyError, match="Effect"):
        parse_policy(document)


def test_unknown_condition_key_is_rejected():
    statement = {
        "Sid": "S", "Effect": "Deny", "Action": "stacks:DeleteStack", "Resource": "*",
        "Condition": {"StringEquals": {"tag:environment": "production"}},
    }
    with pytest.raises(PolicyError, match="unknown condition key"):
        parse_policy({"Version": "2024-01-01", "Statement": [statement]})


def test_duplicate_sids_are_rejected():
    statement = {"Sid": "S", "Effect": "Allow", "Action": "stacks:GetTemplate", "Resource": "*"}
    with pytest.raises(PolicyError, match="unique"):
        parse_policy({"Version": "2024-01-01", "Statement": [statement, statement]})
