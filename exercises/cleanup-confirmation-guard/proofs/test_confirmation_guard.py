"""Checks that the teardown guard does what the PR says. They pass on after/: the change is correct."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from opsctl.approvals import InMemoryApprovalClient
from opsctl.stacks import InMemoryStackClient
from opsctl.teardown import APPROVAL_TTL, TeardownRefused, check_approval, main, plan_teardown

T0 = datetime(2026, 2, 10, 9, 0, tzinfo=timezone.utc)


def world():
    client = InMemoryStackClient({"api-pr-7": "pr-7", "queue-pr-7": "pr-7", "api": "production"})
    return client, InMemoryApprovalClient("alice")


def run(client, approvals, *args, at=T0):
    return main(list(args), client=client, approvals=approvals, now=lambda: at)


def test_without_execute_nothing_is_deleted():
    client, approvals = world()
    assert run(client, approvals, "pr-7") == 0
    assert client.deleted == []


def test_full_two_person_flow_deletes_exactly_the_plan():
    client, approvals = world()
    run(client, approvals, "pr-7")
    [change_id] = approvals.requests
    approvals.approve(change_id, "bob", T0)
    assert run(client, approvals, "pr-7", "--execute", at=T0 + timedelta(minutes=5)) == 0
    assert client.deleted == ["api-pr-7", "queue-pr-7"]


@pytest.mark.parametrize("approver", ["alice", "ALICE", "Alice"])
def test_operator_cannot_approve_their_own_teardown(approver):
    client, approvals = world()
    run(client, approvals, "pr-7")
    [change_id] = approvals.requests
    approvals.approve(change_id, approver, T0)
    assert run(client, approvals, "pr-7", "--execute") == 2
    assert client.deleted == []


def test_requester_cannot_approve_for_a_third_engineer():
    client, approvals = world()
    plan = plan_teardown(client, "pr-7")
    approvals.request(plan.change_id, plan.summary())  # alice asks
    approvals.approve(plan.change_id, "alice", T0)  # and approves herself
    with pytest.raises(TeardownRefused):
        check_approval(plan, approvals.granted(plan.change_id), "carol", T0)  # carol would run it


def test_approval_expires():
    client, approvals = world()
    run(client, approvals, "pr-7")
    [change_id] = approvals.requests
    approvals.approve(change_id, "bob", T0)
    late = T0 + APPROVAL_TTL + timedelta(seconds=1)
    assert run(client, approvals, "pr-7", "--execute", at=late) == 2
    assert client.deleted == []


def test_stack_added_after_approval_needs_a_new_approval():
    client, approvals = world()
    run(client, approvals, "pr-7")
    [change_id] = approvals.requests
    approvals.approve(change_id, "bob", T0)
    # Before the teardown runs, a stack that nobody approved appears in the environment.
    later = InMemoryStackClient({"api-pr-7": "pr-7", "queue-pr-7": "pr-7", "billing": "pr-7"})
    assert run(later, approvals, "pr-7", "--execute") == 2
    assert later.deleted == []


def test_approval_for_one_environment_does_not_cover_another():
    client, approvals = world()
    plan = plan_teardown(client, "pr-7")
    approvals.request(plan.change_id, plan.summary())
    approvals.approve(plan.change_id, "bob", T0)
    production = plan_teardown(client, "production")
    with pytest.raises(TeardownRefused):
        check_approval(production, approvals.granted(plan.change_id), "alice", T0)
