"""Proofs for the auto-remediation pull request: each test shows one planted defect."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Mapping

from stackwarden.cloud import InMemoryStackClient, ProvisioningError
from stackwarden.drift import DriftDetector
from stackwarden.ledger import RemediationLedger
from stackwarden.models import Stack, StackStatus
from stackwarden.runner import RemediationRunner
from stackwarden.state import InMemoryStateTable

NAME = "billing-api"
DESIRED = json.dumps({"VpcId": "vpc-new", "InstanceType": "m5.large"})
DRIFTED = json.dumps({"VpcId": "vpc-old", "InstanceType": "m5.large"})  # VpcId forces replacement


def runner_for(client: InMemoryStackClient, table: InMemoryStateTable | None = None) -> RemediationRunner:
    return RemediationRunner(
        client,
        DriftDetector({NAME: DESIRED}),
        RemediationLedger(table or InMemoryStateTable()),
        dry_run=False,
        sleep=lambda _seconds: None,
        rng=random.Random(0),
    )


def test_untagged_stack_is_escalated_not_deleted():
    """A stack with no environment tag may be production: automation must not replace it."""
    client = InMemoryStackClient([Stack(NAME, DRIFTED, StackStatus.CREATE_COMPLETE, tags={})])
    outcome = runner_for(client).remediate(NAME)
    assert ("delete", NAME) not in client.calls, "an untagged (possibly production) stack was deleted"
    assert outcome.status == "escalated"
    assert client.describe_stack(NAME) is not None


class CreateFails(InMemoryStackClient):
    """The provisioning service accepts the delete, then refuses the re-create."""

    def create_stack(self, name: str, template_body: str, tags: Mapping[str, str]) -> None:
        self.calls.append(("create", name))
        raise ProvisioningError("limit exceeded: cannot create stack")


def test_failed_recreate_is_reported_as_failed():
    """After the delete, a re-create that fails leaves no stack at all: the run must say so."""
    client = CreateFails([Stack(NAME, DRIFTED, StackStatus.CREATE_COMPLETE, {"environment": "staging"})])
    outcome = runner_for(client).remediate(NAME)
    assert client.describe_stack(NAME) is None  # the stack really is gone
    assert outcome.status == "failed", f"a deleted, never re-created stack was reported as {outcome.status!r}"


class LockstepTable(InMemoryStateTable):
    """Holds each run at its first read or claim of the table until both runs got there.

    This forces the interleaving in which two runs look at the ledger before either has
    written to it. An atomic claim (a conditional write) is still decided inside the
    table's own lock, so exactly one run can win it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.barrier = threading.Barrier(2, timeout=5)

    def _meet(self) -> None:
        try:
            self.barrier.wait()
        except threading.BrokenBarrierError:
            pass

    def get(self, key: str):
        value = super().get(key)
        self._meet()
        return value

    def put_if_absent(self, key: str, value) -> bool:
        won = super().put_if_absent(key, value)
        self._meet()
        return won


class LookTogetherClient(InMemoryStackClient):
    """Holds each run, after its first read of the stack, until the other run has read it too
    or has already finished. Without this, one run could finish its whole replacement before
    the other even looked, and the proof would depend on timing."""

    def __init__(self, stacks) -> None:
        super().__init__(stacks)
        self._cond = threading.Condition()
        self._first_read_done: set[int] = set()
        self._finished = 0

    def describe_stack(self, name: str):
        stack = super().describe_stack(name)
        me = threading.get_ident()
        with self._cond:
            if me not in self._first_read_done:
                self._first_read_done.add(me)
                self._cond.notify_all()
                self._cond.wait_for(lambda: len(self._first_read_done) + self._finished >= 2, timeout=5)
        return stack

    def run_finished(self) -> None:
        with self._cond:
            self._finished += 1
            self._cond.notify_all()


def test_two_overlapping_runs_replace_the_stack_once():
    """The scheduled run and on-call's run start together: only one may delete the stack."""
    client = LookTogetherClient([Stack(NAME, DRIFTED, StackStatus.CREATE_COMPLETE, {"environment": "staging"})])
    table = LockstepTable()
    outcomes: list = []

    def one_run(runner: RemediationRunner) -> None:
        try:
            outcomes.append(runner.remediate(NAME))
        finally:
            client.run_finished()

    threads = [threading.Thread(target=one_run, args=(runner_for(client, table),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads)
    deletes = client.calls.count(("delete", NAME))
    assert deletes == 1, f"two overlapping runs deleted the stack {deletes} times"
    assert sorted(outcome.status for outcome in outcomes) == ["healed", "skipped"]
