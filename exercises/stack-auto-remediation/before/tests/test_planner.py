from stackwarden.models import DriftResult, Stack, StackStatus
from stackwarden.planner import Action, plan_remediation

STACK = Stack("orders-api", "{}", StackStatus.CREATE_COMPLETE, {"environment": "staging"})


def test_in_sync_stack_needs_nothing():
    assert plan_remediation(STACK, DriftResult("orders-api", drifted=False)).action is Action.NOTHING


def test_mutable_drift_is_an_update():
    drift = DriftResult("orders-api", drifted=True, changed_properties=("InstanceType",))
    plan = plan_remediation(STACK, drift)
    assert plan.action is Action.UPDATE and plan.reason == "properties drifted: InstanceType"


def test_replacement_drift_is_a_replace():
    drift = DriftResult("orders-api", True, ("SubnetIds", "VpcId"), replacement_required=True)
    plan = plan_remediation(STACK, drift)
    assert plan.action is Action.REPLACE and plan.reason.endswith("SubnetIds, VpcId")
