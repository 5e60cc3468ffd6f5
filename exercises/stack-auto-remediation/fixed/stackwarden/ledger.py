"""In-progress marks, kept in the shared state table, that stop two runs on different
hosts (the schedule and on-call's ``stackwarden remediate``) working on one stack."""

from __future__ import annotations

from stackwarden.state import StateTable

_PREFIX = "remediation/"


class RemediationLedger:
    """One in-progress mark per stack, kept in the shared state table."""

    def __init__(self, table: StateTable) -> None:
        self._table = table

    def begin(self, stack_name: str, run_id: str) -> bool:
        """Mark ``stack_name`` as being remediated by ``run_id``; False if another run holds it."""
        return self._table.put_if_absent(_PREFIX + stack_name, {"run_id": run_id})

    def finish(self, stack_name: str) -> None:
        """Remove the mark, whether the remediation succeeded or not."""
        self._table.delete(_PREFIX + stack_name)
