import re
from pathlib import Path

import pytest

from envctl.plan import build_plan
from envctl.scope import Scope, ScopeError, load_scope
from envctl.stacks import InMemoryStackClient, Stack

SCOPE = Scope(re.compile(r"pr-[0-9]{1,6}"), frozenset({"production"}), ("{env}-*",))


def names(stacks):
    return [stack.name for stack in stacks]


def test_plan_deletes_only_tagged_and_allowed_stacks():
    c = InMemoryStackClient(
        [
            Stack("stk-1", "pr-4821-web", {"env": "pr-4821"}),
            Stack("stk-2", "pr-48-web", {"env": "pr-48"}),
            Stack("stk-3", "pr-4821-db", {"env": "pr-4821"}, termination_protection=True),
            Stack("stk-4", "pr-4821-dns", {}),
            Stack("stk-5", "shared-vpc", {"env": "pr-4821"}),
        ]
    )
    plan = build_plan(c, "pr-4821", SCOPE)
    assert names(plan.to_delete) == ["pr-4821-web"]
    assert names(s.stack for s in plan.skipped) == ["pr-4821-db", "pr-4821-dns", "shared-vpc"]


def test_plan_id_changes_when_the_stacks_change():
    one = InMemoryStackClient([Stack("stk-1", "pr-7-web", {"env": "pr-7"})])
    two = InMemoryStackClient([*one.list_stacks(), Stack("stk-2", "pr-7-api", {"env": "pr-7"})])
    assert build_plan(one, "pr-7", SCOPE).plan_id != build_plan(two, "pr-7", SCOPE).plan_id


@pytest.mark.parametrize("environment", ["production", "Production", "pr-", "pr-7 ", "staging-2"])
def test_environments_outside_the_scope_are_refused(environment):
    with pytest.raises(ScopeError):
        SCOPE.check_environment(environment)


def test_shipped_scope_file_loads():
    scope = load_scope()
    scope.check_environment("pr-4821")
    assert scope.allows_stack("pr-4821", "pr-4821-web")


def test_missing_scope_file_allows_nothing(tmp_path: Path):
    with pytest.raises(ScopeError):
        load_scope(tmp_path / "missing.toml").check_environment("pr-4821")
