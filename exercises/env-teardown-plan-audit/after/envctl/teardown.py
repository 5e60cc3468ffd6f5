"""envctl teardown ENV: delete the stacks of a preview environment, in two steps.

1. ``envctl teardown pr-4821`` is a dry run: it prints the plan (what it would delete,
   what it leaves alone and why) and its plan id, and deletes nothing.
2. ``envctl teardown pr-4821 --execute --plan <id>`` plans again, refuses unless the new
   plan has that id, asks the operator to type the environment's name, then deletes the
   stacks of that plan, one by one, recording each step in the audit log.
"""

from __future__ import annotations

import argparse
import os
import pwd
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from .audit import AuditLog
from .locking import LockBusy, environment_lock
from .plan import Plan, build_plan, print_plan
from .scope import DEFAULT_SCOPE_FILE, ScopeError, load_scope
from .stacks import StackClient, StackError

EXIT_REFUSED = 2
EXIT_FAILED = 1
DEFAULT_STATE_DIR = Path("/var/lib/envctl")  # the audit log and the locks


class Refused(Exception):
    """The operator's confirmation does not match the plan."""


def confirm(plan: Plan, given_plan_id: str | None, prompt: Callable[[str], str]) -> None:
    """Both confirmation steps. Raises Refused unless each matches this exact plan."""
    if given_plan_id is None:
        raise Refused("--execute needs --plan: run the dry run first and check its plan")
    if given_plan_id != plan.plan_id:
        raise Refused(
            f"the plan has changed since the dry run (now {plan.plan_id}, "
            f"you confirmed {given_plan_id}): run the dry run again"
        )
    count = len(plan.to_delete)
    try:
        answer = prompt(f"Type {plan.environment} to delete these {count} stacks: ")
    except EOFError:
        answer = ""
    if answer.strip() != plan.environment:
        raise Refused("the typed name does not match the environment")


def execute(plan: Plan, client: StackClient, audit: AuditLog, out: TextIO) -> None:
    """Delete the plan's stacks, in the plan's order. Stops at the first failure."""
    for stack in plan.to_delete:
        try:
            client.delete_stack(stack.stack_id)
        except Exception as exc:
            audit.record("delete-failed", stack=stack.name, stack_id=stack.stack_id, error=str(exc))
            raise
        audit.record("deleted", stack=stack.name, stack_id=stack.stack_id)
        print(f"Deleted {stack.name} ({stack.stack_id})", file=out)


def teardown(
    client: StackClient,
    environment: str,
    *,
    plan_id: str | None = None,
    execute_plan: bool = False,
    scope_file: Path = DEFAULT_SCOPE_FILE,
    state_dir: Path = DEFAULT_STATE_DIR,
    operator: str | None = None,
    prompt: Callable[[str], str] = input,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Run one teardown (a dry run unless ``execute_plan``). Returns the exit status."""
    audit = AuditLog(
        state_dir / "audit.jsonl",
        operator=operator or pwd.getpwuid(os.getuid()).pw_name,  # not $USER
        environment=environment,
        clock=clock,
    )
    try:
        try:
            scope = load_scope(scope_file)
            scope.check_environment(environment)  # before the name reaches a lock or a plan
        except ScopeError as exc:
            audit.record("refused", reason=str(exc))
            raise
        with environment_lock(state_dir / "locks", environment):
            plan = build_plan(client, environment, scope)
            print_plan(plan, out)
            stacks = [stack.name for stack in plan.to_delete]
            if not execute_plan:
                audit.record("planned", plan_id=plan.plan_id, stacks=stacks)
                if stacks:
                    print(
                        f"Dry run: nothing was deleted. To delete these stacks, run\n"
                        f"  envctl teardown {environment} --execute --plan {plan.plan_id}",
                        file=out,
                    )
                return 0
            if not stacks:
                return 0
            try:
                confirm(plan, plan_id, prompt)
            except Refused as exc:
                audit.record("refused", plan_id=plan.plan_id, reason=str(exc))
                raise
            audit.record("confirmed", plan_id=plan.plan_id, stacks=stacks)
            execute(plan, client, audit, out)
            audit.record("completed", plan_id=plan.plan_id)
            return 0
    except (ScopeError, LockBusy, Refused) as exc:
        print(f"envctl teardown: refused: {exc}", file=err)
        return EXIT_REFUSED
    except StackError as exc:
        print(f"envctl teardown: stopped: {exc}", file=err)
        return EXIT_FAILED
    except OSError as exc:  # e.g. the state directory (audit log, locks) cannot be written
        print(f"envctl teardown: stopped: {exc}", file=err)
        return EXIT_FAILED


def main(argv: list[str] | None = None, *, client: StackClient) -> int:
    parser = argparse.ArgumentParser(prog="envctl teardown")
    parser.add_argument("environment", help="the environment to tear down, e.g. pr-4821")
    parser.add_argument(
        "--execute",
        action="store_true",
        help="delete the stacks (without it, only print the plan)",
    )
    parser.add_argument("--plan", metavar="ID", help="the plan id the dry run printed")
    args = parser.parse_args(argv)
    return teardown(client, args.environment, plan_id=args.plan, execute_plan=args.execute)
