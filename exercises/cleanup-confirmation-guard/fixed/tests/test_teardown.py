from datetime import datetime, timedelta, timezone

import pytest

from opsctl.approvals import InMemoryApprovalClient
from opsctl.stacks import InMemoryStackClient
from opsctl.teardown import TeardownRefused, check_approval, main, plan_teardown

NOW = datetime(2026, 2, 10, 9, 0, tzinfo=timezone.utc)


def stacks() -> InMemoryStackClient:
    return InMemoryStackClient({"web-pr-12": "pr-12", "db-pr-12": "pr-12", "web": "production"})


def test_plan_lists_only_the_environment():
    plan = plan_teardown(stacks(), "pr-12")
    assert plan.stack_names == ("db-pr-12", "web-pr-12")
    assert plan.summary() == "delete 2 stacks in pr-12: db-pr-12, web-pr-12"


def test_default_is_a_dry_run_that_asks_for_approval(capsys):
    client, approvals = stacks(), InMemoryApprovalClient("alice")
    assert main(["pr-12"], client=client, approvals=approvals, now=lambda: NOW) == 0
    assert client.deleted == []
    assert len(approvals.requests) == 1
    assert "dry run, nothing deleted" in capsys.readouterr().out


def test_execute_with_another_engineers_approval_deletes_the_plan(capsys):
    client, approvals = stacks(), InMemoryApprovalClient("alice")
    main(["pr-12"], client=client, approvals=approvals, now=lambda: NOW)
    [change_id] = approvals.requests
    approvals.approve(change_id, "bob", NOW)
    assert main(["pr-12", "--execute"], client=client, approvals=approvals, now=lambda: NOW) == 0
    assert client.deleted == ["db-pr-12", "web-pr-12"]


def test_execute_without_approval_is_refused():
    client, approvals = stacks(), InMemoryApprovalClient("alice")
    assert main(["pr-12", "--execute"], client=client, approvals=approvals, now=lambda: NOW) == 2
    assert client.deleted == []


def test_own_approval_is_refused():
    plan = plan_teardown(stacks(), "pr-12")
    approvals = InMemoryApprovalClient("alice")
    approvals.request(plan.change_id, plan.summary())
    approvals.approve(plan.change_id, "alice", NOW)
    with pytest.raises(TeardownRefused, match="someone other"):
        check_approval(plan, approvals.granted(plan.change_id), "alice", NOW)


def test_expired_approval_is_refused():
    plan = plan_teardown(stacks(), "pr-12")
    approvals = InMemoryApprovalClient("alice")
    approvals.request(plan.change_id, plan.summary())
    approvals.approve(plan.change_id, "bob", NOW)
    with pytest.raises(TeardownRefused, match="expired"):
        check_approval(plan, approvals.granted(plan.change_id), "alice", NOW + timedelta(minutes=31))
