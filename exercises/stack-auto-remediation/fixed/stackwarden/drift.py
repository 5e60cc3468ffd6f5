"""Compares deployed stacks with the templates they should be running."""

from __future__ import annotations

import json
from collections.abc import Mapping

from stackwarden.cloud import StackClient
from stackwarden.models import DriftResult, Stack
from stackwarden.state import StateTable

#: Properties the provisioning service cannot change in place: a new value
#: means the stack's resources have to be replaced.
REPLACEMENT_PROPERTIES = frozenset({"VpcId", "SubnetIds", "TableName", "KeySchema"})


class DriftDetector:
    """Finds stacks whose deployed template differs from the desired one."""

    def __init__(self, desired_templates: Mapping[str, str]) -> None:
        self._desired = dict(desired_templates)

    def desired_template(self, stack_name: str) -> str:
        """The template ``stack_name`` should be running."""
        return self._desired[stack_name]

    def check(self, stack: Stack) -> DriftResult:
        """Compare one stack's deployed properties with its desired template."""
        desired = self._desired.get(stack.name)
        if desired is None:
            return DriftResult(stack.name, drifted=False)
        deployed_props = json.loads(stack.template_body)
        desired_props = json.loads(desired)
        changed = tuple(
            sorted(
                key
                for key in deployed_props.keys() | desired_props.keys()
                if deployed_props.get(key) != desired_props.get(key)
            )
        )
        return DriftResult(
            stack.name,
            drifted=bool(changed),
            changed_properties=changed,
            replacement_required=any(key in REPLACEMENT_PROPERTIES for key in changed),
        )

    def scan(self, client: StackClient, table: StateTable) -> list[DriftResult]:
        """Check every stack in the account and record each result in the state table."""
        results = [self.check(stack) for stack in client.list_stacks()]
        for result in results:
            table.put(
                f"drift/{result.stack_name}",
                {"drifted": result.drifted, "changed": list(result.changed_properties)},
            )
        return results
