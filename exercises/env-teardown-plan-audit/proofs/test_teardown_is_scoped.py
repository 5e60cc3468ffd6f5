"""Checks that the teardown change does what its PR says. They pass on after/: the change is correct.

Each test takes one of the lines a hasty reviewer would flag and shows that it is right.
"""

from __future__ import annotations

import io
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from envctl.audit import read_events
from envctl.locking import LockBusy, environment_lock
from envctl.scope import load_scope
from envctl.stacks import InMemoryStackClient, Stack, StackError
from envctl.teardown import EXIT_FAILED, EXIT_REFUSED, execute, teardown
from envctl.plan import build_plan

T0 = datetime(2026, 1, 12, 9, 30, tzinfo=timezone.utc)
TREE = Path(os.environ.get("EXERCISE_TREE", "."))
SCOPE_FILE = TREE / "envctl" / "teardown.toml"


def account() -> list[Stack]:
    return [
        Stack("stk-1", "pr-4821-web", {"env": "pr-4821"}),
        Stack("stk-2", "pr-4821-worker", {"env": "pr-4821"}),
        Stack("stk-3", "pr-48-web", {"env": "pr-48"}),
        Stack("stk-4", "pr-48-worker", {"env": "pr-48"}),
        Stack("stk-5", "pr-48-db", {"env": "pr-48"}, termination_protection=True),
        Stack("stk-6", "pr-48-dns", {"env": "production"}),
        Stack("stk-7", "pr-48", {"env": "pr-48"}),
        Stack("stk-8", "checkout-web", {"env": "production"}),
    ]


def run(client, environment, tmp_path, *, typed=None, **kwargs):
    return teardown(
        client,
        environment,
        scope_file=kwargs.pop("scope_file", SCOPE_FILE),
        state_dir=tmp_path,
        operator="sam",
        prompt=lambda _: environment if typed is None else typed,
        clock=lambda: T0,
        err=io.StringIO(),
        **kwargs,
    )


def two_steps(client, environment, tmp_path, **kwargs) -> int:
    out = io.StringIO()
    assert run(client, environment, tmp_path, out=out) == 0
    plan_id = out.getvalue().split("--plan ")[1].split()[0]
    return run(client, environment, tmp_path, execute_plan=True, plan_id=plan_id, **kwargs)


def test_the_glob_is_anchored_to_the_environment_and_a_dash(tmp_path):
    """`{env}-*` with a fully matched environment name cannot reach a longer environment."""
    client = InMemoryStackClient(account())
    assert two_steps(client, "pr-48", tmp_path) == 0
    # pr-4821's stacks start with "pr-48" but not "pr-48-"; the protected, the production-tagged
    # and the dash-less stacks stay too.
    assert client.deleted == ["stk-3", "stk-4"]


@pytest.mark.parametrize(
    "environment", ["production", "PRODUCTION", "staging", "pr-48*", "pr-48-", "xpr-48", "pr-48\n", "../pr-48"]
)
def test_the_environment_pattern_is_matched_whole(tmp_path, environment):
    client = InMemoryStackClient(account())
    assert run(client, environment, tmp_path, execute_plan=True, plan_id="x") == EXIT_REFUSED
    assert client.deleted == []
    # Refused before the name reaches a lock file or a plan; the refusal itself is audited.
    assert [path.name for path in tmp_path.iterdir()] == ["audit.jsonl"]
    [event] = read_events(tmp_path / "audit.jsonl")
    assert (event["event"], event["environment"]) == ("refused", environment)


def test_a_missing_scope_file_denies_every_teardown(tmp_path):
    client = InMemoryStackClient(account())
    missing = tmp_path / "nowhere.toml"
    assert run(client, "pr-48", tmp_path, scope_file=missing, execute_plan=True, plan_id="x") == EXIT_REFUSED
    assert client.deleted == []
    assert load_scope(missing).allows_stack("pr-48", "pr-48-web") is False


def test_a_failed_delete_is_audited_reraised_and_stops_the_loop(tmp_path):
    client = InMemoryStackClient(account(), fail_on={"stk-3"})
    assert two_steps(client, "pr-48", tmp_path) == EXIT_FAILED
    assert client.deleted == []  # stk-4 was not attempted after stk-3 failed
    events = [e["event"] for e in read_events(tmp_path / "audit.jsonl")]
    assert events == ["planned", "confirmed", "delete-failed"]


def test_execute_reraises_any_error_from_the_client(tmp_path):
    class Broken(InMemoryStackClient):
        def delete_stack(self, stack_id):
            raise ConnectionResetError("provisioning service went away")

    client = Broken(account())
    scope = load_scope(SCOPE_FILE)
    plan = build_plan(client, "pr-48", scope)
    from envctl.audit import AuditLog

    audit = AuditLog(tmp_path / "a.jsonl", operator="sam", environment="pr-48", clock=lambda: T0)
    with pytest.raises(ConnectionResetError):
        execute(plan, client, audit, io.StringIO())
    assert read_events(tmp_path / "a.jsonl")[0]["event"] == "delete-failed"


def test_the_deletion_loop_only_deletes_the_confirmed_plan(tmp_path):
    client = InMemoryStackClient(account())
    out = io.StringIO()
    run(client, "pr-48", tmp_path, out=out)
    plan_id = out.getvalue().split("--plan ")[1].split()[0]
    # A stack appears in the environment after the dry run: the plan id no longer matches.
    client = InMemoryStackClient([*account(), Stack("stk-9", "pr-48-api", {"env": "pr-48"})])
    assert run(client, "pr-48", tmp_path, execute_plan=True, plan_id=plan_id) == EXIT_REFUSED
    assert client.deleted == []


def test_end_of_input_at_the_prompt_is_a_refusal(tmp_path):
    client = InMemoryStackClient(account())

    def closed_stdin(_):
        raise EOFError

    out = io.StringIO()
    run(client, "pr-48", tmp_path, out=out)
    plan_id = out.getvalue().split("--plan ")[1].split()[0]
    status = teardown(
        client, "pr-48", plan_id=plan_id, execute_plan=True, scope_file=SCOPE_FILE, state_dir=tmp_path,
        operator="sam", prompt=closed_stdin, clock=lambda: T0, out=io.StringIO(), err=io.StringIO(),
    )  # fmt: skip
    assert status == EXIT_REFUSED
    assert client.deleted == []


def test_the_lock_is_released_after_a_failure_and_held_during_a_run(tmp_path):
    with pytest.raises(StackError):
        with environment_lock(tmp_path, "pr-48"):
            raise StackError("boom")
    with environment_lock(tmp_path, "pr-48"):  # released by the finally above
        busy = threading.Event()

        def second():
            try:
                with environment_lock(tmp_path, "pr-48"):
                    pass
            except LockBusy:
                busy.set()

        worker = threading.Thread(target=second)
        worker.start()
        worker.join()
        assert busy.is_set()
