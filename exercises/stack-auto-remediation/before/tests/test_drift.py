import json

from stackwarden.cloud import InMemoryStackClient
from stackwarden.drift import DriftDetector
from stackwarden.models import Stack, StackStatus
from stackwarden.state import InMemoryStateTable

DESIRED = json.dumps({"VpcId": "vpc-1", "InstanceType": "m5.large"})


def stack(name: str, **props: str) -> Stack:
    body = json.dumps({"VpcId": "vpc-1", "InstanceType": "m5.large", **props})
    return Stack(name, body, StackStatus.CREATE_COMPLETE, {"environment": "staging"})


def test_stack_matching_its_template_has_not_drifted():
    result = DriftDetector({"orders": DESIRED}).check(stack("orders"))
    assert not result.drifted and result.changed_properties == ()


def test_mutable_property_drift_needs_no_replacement():
    result = DriftDetector({"orders": DESIRED}).check(stack("orders", InstanceType="m5.xlarge"))
    assert result.drifted and result.changed_properties == ("InstanceType",)
    assert not result.replacement_required


def test_vpc_drift_needs_replacement():
    result = DriftDetector({"orders": DESIRED}).check(stack("orders", VpcId="vpc-2"))
    assert result.replacement_required


def test_scan_records_every_stack():
    client = InMemoryStackClient([stack("orders"), stack("search", VpcId="vpc-9")])
    table = InMemoryStateTable()
    detector = DriftDetector({"orders": DESIRED, "search": DESIRED})
    assert [r.drifted for r in detector.scan(client, table)] == [False, True]
    assert table.get("drift/search") == {"drifted": True, "changed": ["VpcId"]}
