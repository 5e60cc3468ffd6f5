"""Proofs for the deploy workflow: which events reach which job, holding which token.

GitHub Actions is not run here. A small evaluator reads every workflow under
.github/workflows/ of the tree under test (EXERCISE_TREE) and follows the documented rules:

- a workflow runs for an event listed under `on:`, after its `branches` / `branches-ignore`
  filters (the base branch for `pull_request`, the pushed branch for `push`);
  `workflow_dispatch` has no branch filter: whoever runs it picks the branch;
- a job runs when every job it `needs` ran and its `if:` holds (`if:` without a status
  function means "the needed jobs succeeded, and"). The expression evaluator knows `github.*`
  and `inputs.*`, string, boolean and null literals, `==`, `!=` (strings compared ignoring
  case, as GitHub does), `!`, `&&`, `||`, parentheses, `startsWith`, `endsWith`, `contains`;
- a job's token holds the job's `permissions:`, or else the workflow's; `write-all` grants
  write on every scope, `read-all` read on every scope, and a scope not listed gets none.

The scenarios are pull requests from a branch of this repository (a colleague's, or an
agent's), for which GitHub grants the workflow's permissions as written. (Pull requests from
forks get a read-only token whatever the workflow says.)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SCOPES = (
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
)
LEVEL = {"none": 0, "read": 1, "write": 2}

# What each job's steps use the token for: checking out code (contents: read), exchanging an
# OIDC token for a cloud role (id-token: write), commenting on the pull request
# (pull-requests: write).
NEEDS = {
    "test": {"contents": "read"},
    "deploy-preview": {"contents": "read", "id-token": "write", "pull-requests": "write"},
    "deploy-production": {"contents": "read", "id-token": "write"},
}


@dataclass(frozen=True)
class Event:
    name: str
    ref: str
    base: str = ""  # the pull request's base branch
    inputs: dict[str, str] = field(default_factory=dict)


BRANCH = "refs/heads/spike/faster-rollups"  # a branch nobody has reviewed
SCENARIOS = {
    "pull request to main": Event("pull_request", "refs/pull/42/merge", base="main"),
    "merge to main": Event("push", "refs/heads/main"),
    "push to a branch": Event("push", BRANCH),
    "manual run on main": Event("workflow_dispatch", "refs/heads/main", inputs={"reason": "redeploy after rollback"}),
    "manual run on a branch": Event("workflow_dispatch", BRANCH, inputs={"reason": "try the new rollups"}),
}


def workflows() -> dict[str, dict]:
    folder = Path(os.environ["EXERCISE_TREE"]) / ".github" / "workflows"
    found = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.y*ml"))}
    assert found, f"no workflows in {folder}"
    return found


# ---- triggers ---------------------------------------------------------------------------


def triggers(workflow: dict) -> dict[str, dict]:
    on = workflow["on"] if "on" in workflow else workflow[True]  # YAML 1.1 reads a bare `on` as true
    if isinstance(on, str):
        on = [on]
    if isinstance(on, list):
        on = dict.fromkeys(on)
    return {name: config or {} for name, config in on.items()}


def glob(pattern: str) -> re.Pattern:
    """GitHub's branch filter glob: `*` stops at `/`, `**` does not."""
    parts = re.split(r"(\*\*|\*|\?)", pattern)
    table = {"**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(table.get(p, re.escape(p)) for p in parts) + r"\Z")


def triggered(workflow: dict, event: Event) -> bool:
    config = triggers(workflow)
    if event.name not in config:
        return False
    if event.name == "workflow_dispatch":
        return True
    branch = event.base if event.name == "pull_request" else event.ref.removeprefix("refs/heads/")
    filters = config[event.name]
    if "branches" in filters and not any(glob(p).match(branch) for p in filters["branches"]):
        return False
    return not any(glob(p).match(branch) for p in filters.get("branches-ignore", []))


# ---- `if:` expressions ------------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||[!(),])|(?P<word>[A-Za-z_][\w.-]*))")


def tokens(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    out, pos = [], 0
    while text[pos:].strip():
        m = TOKEN.match(text, pos)
        assert m, f"the evaluator cannot read {text[pos:]!r}"
        out.append(m.group(m.lastgroup))
        pos = m.end()
    return [*out, ""]


def same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b


class Expression:
    def __init__(self, text: str, context: dict[str, object]):
        self.toks, self.i, self.context = tokens(text), 0, context
        self.uses_status = False

    def next(self) -> str:
        self.i += 1
        return self.toks[self.i - 1]

    def value(self):
        result = self.either()
        assert self.toks[self.i] == "", f"unexpected {self.toks[self.i]!r}"
        return result

    def either(self):
        left = self.both()
        while self.toks[self.i] == "||":
            self.next()
            right = self.both()
            left = left or right
        return left

    def both(self):
        left = self.compare()
        while self.toks[self.i] == "&&":
            self.next()
            right = self.compare()
            left = left and right
        return left

    def compare(self):
        left = self.unary()
        if self.toks[self.i] in ("==", "!="):
            op = self.next()
            return same(left, self.unary()) == (op == "==")
        return left

    def unary(self):
        if self.toks[self.i] == "!":
            self.next()
            return not self.unary()
        return self.atom()

    def atom(self):
        tok = self.next()
        if tok == "(":
            inner = self.either()
            assert self.next() == ")"
            return inner
        if tok.startswith("'"):
            return tok[1:-1].replace("''", "'")
        if tok in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[tok]
        if self.toks[self.i] == "(":
            self.next()
            args = []
            while self.toks[self.i] != ")":
                args.append(self.either())
                if self.toks[self.i] == ",":
                    self.next()
            self.next()
            return self.call(tok, args)
        return self.context.get(tok, "")

    def call(self, name: str, args: list):
        name = name.lower()
        if name in ("success", "always", "failure", "cancelled"):
            self.uses_status = True
            return name in ("success", "always")
        text = [str(a).lower() for a in args]
        if name == "startswith":
            return text[0].startswith(text[1])
        if name == "endswith":
            return text[0].endswith(text[1])
        if name == "contains":
            return text[1] in text[0]
        raise AssertionError(f"the evaluator does not know {name}()")


def context(event: Event) -> dict[str, object]:
    values: dict[str, object] = {
        "github.event_name": event.name,
        "github.ref": event.ref,
        "github.ref_name": event.ref.removeprefix("refs/heads/"),
        "github.base_ref": event.base,
    }
    values.update({f"inputs.{k}": v for k, v in event.inputs.items()})
    return values


# ---- runs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    workflow: str
    job: str
    environment: str
    grants: dict[str, str]


def grants(workflow: dict, job: dict) -> dict[str, str]:
    declared = job.get("permissions", workflow.get("permissions"))
    assert declared is not None, "no permissions: the token would depend on the repository's settings"
    if declared == "write-all":
        return dict.fromkeys(SCOPES, "write")
    if declared == "read-all":
        return dict.fromkeys(SCOPES, "read")
    return {scope: level for scope, level in declared.items() if level != "none"}


def runs(event: Event) -> list[Run]:
    out = []
    for name, workflow in workflows().items():
        if not triggered(workflow, event):
            continue
        ran: set[str] = set()
        for job_id, job in workflow["jobs"].items():  # needs point backwards in these files
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            condition = str(job.get("if", "true"))
            expression = Expression(condition, context(event))
            holds = bool(expression.value())
            if not (holds and (expression.uses_status or all(n in ran for n in needs))):
                continue
            ran.add(job_id)
            env = job.get("environment", "")
            out.append(Run(name, job_id, env["name"] if isinstance(env, dict) else env, grants(workflow, job)))
    return out


# ---- the proofs -------------------------------------------------------------------------


def test_evaluator_sanity():
    """The evaluator itself: a pull request gets tests and a preview, a merge gets production."""
    pr = {r.job for r in runs(SCENARIOS["pull request to main"])}
    assert pr == {"test", "deploy-preview"}
    merge = {r.job: r.environment for r in runs(SCENARIOS["merge to main"])}
    assert merge["deploy-production"] == "production"
    assert "deploy-preview" not in merge
    assert Expression("github.ref == 'REFS/heads/main' && !(inputs.x != '')", {"github.ref": "refs/heads/main"}).value()


def test_only_main_is_deployed_to_production():
    """Code that has not been merged to main, through review, never reaches the production job."""
    reaching = {
        scenario
        for scenario, event in SCENARIOS.items()
        if any(r.environment == "production" or r.job == "deploy-production" for r in runs(event))
    }
    assert "merge to main" in reaching
    unreviewed = reaching - {"merge to main", "manual run on main"}
    assert unreviewed == set(), f"production is deployed by: {sorted(unreviewed)}"


def test_each_job_gets_only_the_permissions_it_uses():
    """No job's token can do more than its steps need (least privilege)."""
    excess: dict[str, set[str]] = {}
    for event in SCENARIOS.values():
        for run in runs(event):
            needed = NEEDS[run.job]
            extra = {f"{s}: {lvl}" for s, lvl in run.grants.items() if LEVEL[lvl] > LEVEL[needed.get(s, "none")]}
            if extra:
                excess.setdefault(run.job, set()).update(extra)
    report = "; ".join(f"{job} also gets {', '.join(sorted(scopes))}" for job, scopes in sorted(excess.items()))
    assert not excess, f"tokens wider than the jobs need: {report}"
