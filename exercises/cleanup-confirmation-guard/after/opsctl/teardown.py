"""``opsctl teardown ENV``: delete every stack in an environment, with a second engineer's approval.

Without ``--execute`` the command is a dry run: it prints the plan and asks the approval
service to approve it. Once another engineer has approved, the same command with
``--execute`` deletes exactly the stacks in the approved plan.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from opsctl.approvals import Approval, ApprovalClient
from opsctl.stacks import StackClient

#: How long an approval can be used after it was granted.
APPROVAL_TTL = timedelta(minutes=30)


class TeardownRefused(RuntimeError):
    """There is no valid approval, from someone else, for exactly this plan."""


@dataclass(frozen=True)
class TeardownPlan:
    """The stacks a teardown deletes, fixed when the plan is made."""

    environment: str
    stack_names: tuple[str, ...]

    @property
    def change_id(self) -> str:
        """Names this exact plan: another environment or another list of stacks gives another id."""
        content = "\n".join((self.environment, *self.stack_names)).encode()
        return f"teardown-{self.environment}-{hashlib.sha256(content).hexdigest()}"

    def summary(self) -> str:
        """The plan as the approver sees it."""
        return f"delete {len(self.stack_names)} stacks in {self.environment}: {', '.join(self.stack_names)}"


def plan_teardown(client: StackClient, environment: str) -> TeardownPlan:
    """What a teardown of ``environment`` would delete. Changes nothing."""
    return TeardownPlan(environment, tuple(sorted(client.list_stacks_in(environment))))


def check_approval(plan: TeardownPlan, approval: Approval | None, operator: str, now: datetime) -> None:
    """Raise TeardownRefused unless ``approval`` lets ``operator`` carry out ``plan`` at ``now``."""
    if approval is None or approval.change_id != plan.change_id:
        raise TeardownRefused(f"{plan.change_id} has not been approved")
    if approval.approved_by.casefold() in {operator.casefold(), approval.requested_by.casefold()}:
        raise TeardownRefused("the approval must come from someone other than the requester and the operator")
    if now - approval.approved_at > APPROVAL_TTL:
        raise TeardownRefused(f"the approval of {plan.change_id} has expired: ask for a new one")


def teardown(client: StackClient, plan: TeardownPlan, report: Callable[[str], None] = print) -> None:
    """Delete the stacks in ``plan``, and only those, reporting each one as it is deleted."""
    for name in plan.stack_names:
        client.delete_stack(name)
        report(f"deleted {name}")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def main(
    argv: Sequence[str] | None = None,
    *,
    client: StackClient,
    approvals: ApprovalClient,
    now: Callable[[], datetime] = _utc_now,
) -> int:
    """Entry point, called by the ``opsctl`` dispatcher with the session's clients."""
    parser = argparse.ArgumentParser(prog="opsctl teardown", description="Delete every stack in an environment.")
    parser.add_argument("environment", help="the environment tag, for example staging or pr-4821")
    parser.add_argument(
        "--execute", action="store_true", help="delete the stacks (needs another engineer's approval of this plan)"
    )
    args = parser.parse_args(argv)
    plan = plan_teardown(client, args.environment)
    if not plan.stack_names:
        print(f"no stacks in {args.environment}: nothing to do")
        return 0
    print(plan.summary())
    if not args.execute:
        approvals.request(plan.change_id, plan.summary())
        print(f"dry run, nothing deleted. Once someone else approves {plan.change_id}, run again with --execute.")
        return 0
    try:
        check_approval(plan, approvals.granted(plan.change_id), approvals.whoami(), now())
    except TeardownRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    teardown(client, plan)
    return 0
