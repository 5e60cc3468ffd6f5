import json
import random

from stackwarden.cloud import InMemoryStackClient
from stackwarden.drift import DriftDetector
from stackwarden.ledger import RemediationLedger
from stackwarden.models import Stack, StackStatus
from stackwarden.planner import Action
from stackwarden.runner import RemediationRunner
from stackwarden.state import InMemoryStateTable

DESIRED = json.dumps({"VpcId": "vpc-new", "InstanceType": "m5.large"})


def make_runner(environment: str, **props: str) -> tuple[RemediationRunner, InMemoryStackClient]:
    body = json.dumps({"VpcId": "vpc-new", "InstanceType": "m5.large", **props})
    client = InMemoryStackClient([Stack("orders-api", body, StackStatus.CREATE_COMPLETE, {"environment": environment})])
    ledger = RemediationLedger(InMemoryStateTable())
    detector = DriftDetector({"orders-api": DESIRED})
    runner = RemediationRunner(client, detector, ledger, dry_run=False, sleep=lambda _: None, rng=random.Random(7))
    return runner, client


def test_replacement_drift_on_staging_replaces_the_stack():
    runner, client = make_runner("staging", VpcId="vpc-old")
    outcome = runner.remediate("orders-api")
    assert (outcome.action, outcome.status) == (Action.REPLACE, "healed")
    assert client.calls == [("delete", "orders-api"), ("create", "orders-api")]
    assert client.describe_stack("orders-api").template_body == DESIRED


def test_mutable_drift_is_updated_in_place():
    runner, client = make_runner("test", InstanceType="m5.xlarge")
    assert runner.remediate("orders-api").status == "healed"
    assert client.calls == [("update", "orders-api")]


def test_production_stack_is_escalated_not_touched():
    runner, client = make_runner("Production", VpcId="vpc-old")
    assert runner.remediate("orders-api").status == "escalated"
    assert client.calls == []


def test_ledger_refuses_a_second_run_until_the_first_finishes():
    ledger = RemediationLedger(InMemoryStateTable())
    assert ledger.begin("orders-api", "run-1")
    assert not ledger.begin("orders-api", "run-2")
    ledger.finish("orders-api")
    assert ledger.begin("orders-api", "run-2")
