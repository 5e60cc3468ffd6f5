import io
from datetime import datetime, timezone
from pathlib import Path

import pytest

from envctl.audit import read_events
from envctl.stacks import InMemoryStackClient, Stack
from envctl.teardown import EXIT_FAILED, EXIT_REFUSED, teardown

T0 = datetime(2026, 1, 12, 9, 30, tzinfo=timezone.utc)


def client(**kwargs):
    return InMemoryStackClient(
        [
            Stack("stk-101", "pr-4821-web", {"env": "pr-4821"}),
            Stack("stk-102", "pr-4821-worker", {"env": "pr-4821"}),
            Stack("stk-900", "checkout-web", {"env": "production"}),
        ],
        **kwargs,
    )


@pytest.fixture
def run(tmp_path: Path):
    def run(c, environment="pr-4821", *, typed="pr-4821", **kwargs):
        return teardown(
            c,
            environment,
            state_dir=tmp_path,
            operator="sam",
            prompt=lambda _: typed,
            clock=lambda: T0,
            **kwargs,
        )

    run.audit = tmp_path / "audit.jsonl"
    return run


def dry_run_plan_id(run, c) -> str:
    out = io.StringIO()
    assert run(c, out=out) == 0
    return out.getvalue().split("--plan ")[1].split()[0]


def test_dry_run_deletes_nothing(run):
    c = client()
    assert run(c) == 0
    assert c.deleted == []


def test_execute_with_the_dry_run_plan_deletes_the_environment(run):
    c = client()
    plan_id = dry_run_plan_id(run, c)
    assert run(c, execute_plan=True, plan_id=plan_id) == 0
    assert c.deleted == ["stk-101", "stk-102"]


def test_execute_without_a_plan_id_is_refused(run):
    c = client()
    assert run(c, execute_plan=True) == EXIT_REFUSED
    assert c.deleted == []


def test_wrong_typed_name_is_refused(run):
    c = client()
    plan_id = dry_run_plan_id(run, c)
    assert run(c, execute_plan=True, plan_id=plan_id, typed="yes") == EXIT_REFUSED
    assert c.deleted == []


def test_protected_environment_is_refused(run):
    c = client()
    assert run(c, "production") == EXIT_REFUSED
    assert c.deleted == []


def test_failed_delete_stops_the_teardown(run):
    c = client(fail_on={"stk-101"})
    plan_id = dry_run_plan_id(run, c)
    assert run(c, execute_plan=True, plan_id=plan_id) == EXIT_FAILED
    assert c.deleted == []
    assert [e["event"] for e in read_events(run.audit)][-2:] == ["confirmed", "delete-failed"]


def test_audit_log_records_each_step(run):
    c = client()
    plan_id = dry_run_plan_id(run, c)
    run(c, execute_plan=True, plan_id=plan_id)
    events = read_events(run.audit)
    assert [e["event"] for e in events] == ["planned", "confirmed", "deleted", "deleted", "completed"]
    assert {e["operator"] for e in events} == {"sam"}
