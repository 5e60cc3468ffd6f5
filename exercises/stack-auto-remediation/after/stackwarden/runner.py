"""Repairs drifted stacks: updates them in place, or replaces them."""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from stackwarden.backoff import backoff_delays
from stackwarden.cloud import ProvisioningError, StackClient
from stackwarden.drift import DriftDetector
from stackwarden.ledger import RemediationLedger
from stackwarden.models import StackStatus
from stackwarden.planner import Action, plan_remediation

log = logging.getLogger(__name__)

MAX_POLLS = 20


class RemediationError(RuntimeError):
    """A stack did not reach the state a remediation step waited for."""


@dataclass(frozen=True)
class Outcome:
    """What a run did about one stack."""

    stack_name: str
    action: Action
    status: str  # "healed", "planned", "skipped", "escalated" or "failed"
    detail: str = ""


class RemediationRunner:
    """Checks a stack for drift and carries out its plan; a dry run unless ``dry_run=False``."""

    def __init__(
        self, client: StackClient, detector: DriftDetector, ledger: RemediationLedger, *,
        dry_run: bool = True, sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None,
    ) -> None:
        self._client, self._detector, self._ledger = client, detector, ledger
        self._dry_run = dry_run
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._run_id = uuid.uuid4().hex

    def remediate(self, stack_name: str) -> Outcome:
        """Bring one stack back to its desired template, if its plan allows.

        The stack is marked in the ledger before it is read, so one run at a time
        makes a plan for it and carries the plan out.
        """
        if not self._ledger.begin(stack_name, self._run_id):
            return Outcome(stack_name, Action.NOTHING, "skipped", "another run is remediating it")
        try:
            return self._remediate(stack_name)
        finally:
            self._ledger.finish(stack_name)

    def _remediate(self, stack_name: str) -> Outcome:
        """Plan and carry out the remediation of a stack this run holds the mark for."""
        stack = self._client.describe_stack(stack_name)
        if stack is None:
            return Outcome(stack_name, Action.NOTHING, "skipped", "stack not found")
        plan = plan_remediation(stack, self._detector.check(stack))
        if plan.action is Action.NOTHING:
            return Outcome(stack_name, plan.action, "skipped", plan.reason)
        if plan.action is Action.ESCALATE:
            log.warning("stack %s needs a human: %s", stack_name, plan.reason)
            return Outcome(stack_name, plan.action, "escalated", plan.reason)
        if self._dry_run:
            return Outcome(stack_name, plan.action, "planned", plan.reason)
        try:
            desired = self._detector.desired_template(stack_name)
            if plan.action is Action.UPDATE:
                self._client.update_stack(stack_name, desired)
                self._wait_for(stack_name, StackStatus.UPDATE_COMPLETE)
            else:
                self._replace(stack_name, desired, stack.tags)
        except (ProvisioningError, RemediationError) as exc:
            log.error("remediation of %s failed: %s", stack_name, exc)
            return Outcome(stack_name, plan.action, "failed", str(exc))
        return Outcome(stack_name, plan.action, "healed", plan.reason)

    def _replace(self, stack_name: str, template_body: str, tags: Mapping[str, str]) -> None:
        """Delete the stack, wait until it is gone, then create it again."""
        self._client.delete_stack(stack_name)
        self._wait_for(stack_name, None)
        try:
            self._client.create_stack(stack_name, template_body, tags)
            self._wait_for(stack_name, StackStatus.CREATE_COMPLETE)
        except Exception:
            log.exception("re-create of %s did not finish; the next scan will retry it", stack_name)

    def _wait_for(self, stack_name: str, status: StackStatus | None) -> None:
        """Poll until the stack reaches ``status``; None means until it is gone."""
        for delay in backoff_delays(MAX_POLLS, base=2.0, cap=60.0, rng=self._rng):
            stack = self._client.describe_stack(stack_name)
            current = stack.status if stack is not None else None
            if current == status:
                return
            if current is not None and current.value.endswith("_FAILED"):
                raise RemediationError(f"stack {stack_name} is {current.value}")
            self._sleep(delay)
        raise RemediationError(f"stack {stack_name} did not reach {status} in time")
