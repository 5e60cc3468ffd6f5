"""Proofs for the usage-reports refactor: what would `terraform plan` do to production?

Terraform is not run here. The proof reads the configuration with a small reader for the
part of HCL these files use, evaluates it for an environment, and models the plan between
before/ and the tree under test (EXERCISE_TREE):

- the reader knows blocks, attributes, strings with `${...}`, numbers, bools, null, lists,
  objects, references (`var.x`, `local.x`, `module.m.output`, `type.name.attr`), `!`, `==`,
  `!=`, `&&`, `||`, `cond ? a : b` and function calls (a call is not evaluated: its value is
  "unknown", which no attribute this proof looks at uses). It rejects `count`, `for_each` and
  `dynamic`, which these files do not use, instead of guessing;
- local modules (`source = "../.."`) are read with their variables' defaults and the
  arguments of the `module` block;
- the plan follows Terraform's rules: `moved` blocks rename state addresses first; an address
  only in the old configuration is destroyed, one only in the new is created; for one in both,
  a change to an attribute that forces replacement (REPLACES, from the AWS provider's
  documentation) destroys the object and creates a new one. A reference to another resource's
  attribute (an id or ARN) is known only after apply, and forces replacement when the resource
  it names is itself replaced.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

BEFORE = Path(__file__).resolve().parent.parent / "before"
STACK = Path("stacks") / "usage-reports"

# Attributes whose change destroys the object and creates a new one (AWS provider: these
# arguments are documented as forcing a new resource). Other changes are made in place.
REPLACES = {
    "aws_dynamodb_table": ("name", "hash_key", "range_key"),
    "aws_s3_bucket": ("bucket", "bucket_prefix"),
    "aws_s3_bucket_versioning": ("bucket",),
    "aws_iam_role": ("name",),
    "aws_iam_role_policy": ("name", "role"),
}
# Resources that hold data: destroying one loses it.
STATEFUL = {"aws_dynamodb_table", "aws_s3_bucket"}


# ---- reading the HCL subset -------------------------------------------------------------

TOKEN = re.compile(
    r"""(?P<ws>[ \t\r]+)|(?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)|(?P<nl>\n)
    |(?P<num>\d+(\.\d+)?)|(?P<ident>[A-Za-z_][A-Za-z0-9_-]*)|(?P<str>")
    |(?P<op>==|!=|&&|\|\||[{}\[\]().,=?:!*/+-])""",
    re.S | re.X,
)


class HclError(Exception):
    pass


def tokenize(text: str, where: str) -> list[tuple[str, object]]:
    tokens: list[tuple[str, object]] = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise HclError(f"{where}: cannot read {text[pos : pos + 20]!r}")
        kind = m.lastgroup
        if kind == "str":
            parts, pos = read_string(text, m.end(), where)
            tokens.append(("str", parts))
            continue
        pos = m.end()
        if kind in ("ws", "comment"):
            continue
        tokens.append((kind, m.group()))
    tokens.append(("eof", None))
    return tokens


def read_string(text: str, pos: int, where: str):
    """A quoted template: a list of literal strings and parsed `${...}` expressions."""
    parts: list[object] = []
    literal = []
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while pos < len(text):
        ch = text[pos]
        if ch == '"':
            parts.append("".join(literal))
            return parts, pos + 1
        if ch == "\\":
            literal.append(escapes[text[pos + 1]])
            pos += 2
        elif text.startswith("${", pos):
            depth, end = 1, pos + 2
            while depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            parts.append("".join(literal))
            literal = []
            parts.append(Parser(tokenize(text[pos + 2 : end - 1], where), where).expression())
            pos = end
        else:
            literal.append(ch)
            pos += 1
    raise HclError(f"{where}: unterminated string")


@dataclass
class Block:
    type: str
    labels: list[str]
    attrs: dict[str, object] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


class Parser:
    def __init__(self, tokens, where: str):
        self.tokens, self.i, self.where = tokens, 0, where

    def peek(self, skip_nl: bool = False):
        if skip_nl:
            while self.tokens[self.i][0] == "nl":
                self.i += 1
        return self.tokens[self.i]

    def take(self, value=None, skip_nl: bool = False):
        tok = self.peek(skip_nl)
        if value is not None and tok[1] != value:
            raise HclError(f"{self.where}: expected {value!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def body(self, closing: str | None) -> Block:
        block = Block("body", [])
        while True:
            kind, value = self.peek(skip_nl=True)
            if (closing is None and kind == "eof") or value == closing:
                self.take()
                return block
            name = self.take()[1]
            if self.peek()[1] == "=":
                self.take("=")
                block.attrs[name] = self.expression()
                continue
            labels = []
            while self.peek()[0] == "str":
                labels.append(self.take()[1][0])
            self.take("{")
            inner = self.body("}")
            if name == "dynamic" or {"count", "for_each"} & inner.attrs.keys():
                raise HclError(f"{self.where}: the reader does not support count, for_each or dynamic")
            block.blocks.append(Block(name, labels, inner.attrs, inner.blocks))

    def expression(self):
        cond = self.binary(0)
        if self.peek()[1] == "?":
            self.take()
            yes = self.expression()
            self.take(":", skip_nl=True)
            return ("if", cond, yes, self.expression())
        return cond

    LEVELS = (("||",), ("&&",), ("==", "!="))

    def binary(self, level: int):
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek()[1] in self.LEVELS[level]:
            op = self.take()[1]
            left = (op, left, self.binary(level + 1))
        return left

    def unary(self):
        if self.peek()[1] == "!":
            self.take()
            return ("!", self.unary())
        return self.postfix()

    def postfix(self):
        node = self.primary()
        while self.peek()[1] == ".":
            self.take()
            node = ("get", node, self.take()[1])
        return node

    def items(self, closing: str, item):
        out = []
        while self.peek(skip_nl=True)[1] != closing:
            out.append(item())
            if self.peek(skip_nl=True)[1] == ",":
                self.take()
        self.take(closing, skip_nl=True)
        return out

    def object_item(self):
        key = self.take(skip_nl=True)[1]
        key = key[0] if isinstance(key, list) else key
        self.take("=")
        return key, self.expression()

    def primary(self):
        kind, value = self.take(skip_nl=True)
        if kind == "num":
            return ("lit", float(value) if "." in value else int(value))
        if kind == "str":
            return ("tmpl", value)
        if value == "(":
            inner = self.expression()
            self.take(")", skip_nl=True)
            return inner
        if value == "[":
            return ("list", self.items("]", self.expression))
        if value == "{":
            return ("object", dict(self.items("}", self.object_item)))
        if kind == "ident":
            if value in ("true", "false", "null"):
                return ("lit", {"true": True, "false": False, "null": None}[value])
            if self.peek()[1] == "(":
                self.take()
                return ("call", value, self.items(")", self.expression))
            return ("ref", value)
        raise HclError(f"{self.where}: unexpected {value!r}")


def read_dir(path: Path) -> Block:
    files = sorted(path.glob("*.tf"))
    assert files, f"no .tf files in {path}"
    config = Block("config", [])
    for f in files:
        body = Parser(tokenize(f.read_text(encoding="utf-8"), str(f)), str(f)).body(None)
        config.blocks += body.blocks
    return config


def read_tfvars(path: Path) -> dict[str, object]:
    body = Parser(tokenize(path.read_text(encoding="utf-8"), str(path)), str(path)).body(None)
    return {name: Module.constant(expr) for name, expr in body.attrs.items()}


# ---- evaluating a configuration ---------------------------------------------------------


@dataclass(frozen=True)
class Unknown:
    """A value known only after apply: an attribute of the resource at `address`."""

    address: str
    attr: str


class Module:
    def __init__(self, path: Path, inputs: dict[str, object], prefix: str = ""):
        self.path, self.prefix = path, prefix
        self.config = read_dir(path)
        self.vars = {}
        for b in self.blocks("variable"):
            name = b.labels[0]
            if name in inputs:
                self.vars[name] = inputs[name]
            elif "default" in b.attrs:
                self.vars[name] = self.constant(b.attrs["default"])
            else:
                raise HclError(f"{path}: variable {name} has no value")
        self.locals = {k: v for b in self.blocks("locals") for k, v in b.attrs.items()}
        self.modules = {}
        for b in self.blocks("module"):
            source = self.constant(b.attrs["source"])
            args = {k: self.eval(v) for k, v in b.attrs.items() if k != "source"}
            self.modules[b.labels[0]] = Module((path / source).resolve(), args, f"{prefix}module.{b.labels[0]}.")

    @staticmethod
    def constant(expr):
        return Module.__new__(Module).eval(expr)

    def blocks(self, kind: str) -> list[Block]:
        return [b for b in self.config.blocks if b.type == kind]

    def resources(self) -> dict[str, Block]:
        found = {f"{self.prefix}{b.labels[0]}.{b.labels[1]}": b for b in self.blocks("resource")}
        for child in self.modules.values():
            found.update(child.resources())
        return found

    def outputs(self) -> dict[str, object]:
        return {b.labels[0]: self.eval(b.attrs["value"]) for b in self.blocks("output")}

    def moves(self) -> dict[str, str]:
        def address(expr) -> str:
            return expr[1] if expr[0] == "ref" else f"{address(expr[1])}.{expr[2]}"

        return {
            self.prefix + address(b.attrs["from"]): self.prefix + address(b.attrs["to"]) for b in self.blocks("moved")
        }

    def eval(self, expr):
        op = expr[0]
        if op == "lit":
            return expr[1]
        if op == "tmpl":
            values = [p if isinstance(p, str) else self.eval(p) for p in expr[1]]
            unknown = [v for v in values if isinstance(v, Unknown)]
            return unknown[0] if unknown else "".join(str(v).lower() if isinstance(v, bool) else str(v) for v in values)
        if op == "list":
            return [self.eval(e) for e in expr[1]]
        if op == "object":
            return {k: self.eval(e) for k, e in expr[1].items()}
        if op == "call":
            return Unknown(f"{expr[1]}()", "result")
        if op == "if":
            return self.eval(expr[2]) if self.eval(expr[1]) else self.eval(expr[3])
        if op == "!":
            return not self.eval(expr[1])
        if op in ("==", "!="):
            return (self.eval(expr[1]) == self.eval(expr[2])) == (op == "==")
        if op == "&&":
            return self.eval(expr[1]) and self.eval(expr[2])
        if op == "||":
            return self.eval(expr[1]) or self.eval(expr[2])
        return self.reference(expr)

    def reference(self, expr):
        path = []
        while expr[0] == "get":
            path.insert(0, expr[2])
            expr = expr[1]
        root = expr[1]
        if root == "var":
            return self.vars[path[0]]
        if root == "local":
            return self.eval(self.locals[path[0]])
        if root == "module":
            return self.modules[path[0]].outputs()[path[1]]
        return Unknown(f"{self.prefix}{root}.{path[0]}", path[1])  # a resource attribute


def configuration(tree: Path, tfvars: str, extra: dict[str, object] | None = None) -> Module:
    stack = tree / STACK
    inputs = read_tfvars(stack / "envs" / tfvars)
    inputs.update(extra or {})
    return Module(stack, inputs)


def owner_of(module: Module, address: str) -> Module:
    """The module whose scope a resource's expressions are evaluated in."""
    for name in re.findall(r"module\.([\w-]+)\.", address):
        module = module.modules[name]
    return module


def resource_values(module: Module, address: str, names) -> dict[str, object]:
    """The named attributes of a resource; `block.attr` names an attribute of a nested block."""
    block, owner = module.resources()[address], owner_of(module, address)
    found = {n: owner.eval(block.attrs[n]) for n in names if n in block.attrs}
    for nested in block.blocks:
        found.update(
            {f"{nested.type}.{n}": owner.eval(e) for n, e in nested.attrs.items() if f"{nested.type}.{n}" in names}
        )
    return found


def plan(old: Module, new: Module) -> dict[str, str]:
    """address (new naming) -> create | destroy | replace | keep."""
    moves = new.moves()
    old_res = {moves.get(a, a): (a, b) for a, b in old.resources().items()}
    new_res = new.resources()
    actions = {a: "destroy" for a in old_res.keys() - new_res.keys()}
    actions.update({a: "create" for a in new_res.keys() - old_res.keys()})
    both = sorted(old_res.keys() & new_res.keys())
    before = {a: resource_values(old, old_res[a][0], REPLACES.get(kind(a), ())) for a in both}
    after = {a: resource_values(new, a, REPLACES.get(kind(a), ())) for a in both}
    replaced: set[str] = set()
    while True:
        grew = False
        for a in both:
            if a in replaced:
                continue
            for name in set(before[a]) | set(after[a]):
                was, now = before[a].get(name), after[a].get(name)
                if isinstance(was, Unknown):
                    was = Unknown(moves.get(was.address, was.address), was.attr)
                if was != now or (isinstance(now, Unknown) and now.address in replaced):
                    replaced.add(a)
                    grew = True
                    break
        if not grew:
            break
    actions.update({a: "replace" if a in replaced else "keep" for a in both})
    return actions


def kind(address: str) -> str:
    return address.split(".")[-2]


def tree() -> Path:
    return Path(os.environ["EXERCISE_TREE"])


# ---- the proofs -------------------------------------------------------------------------


def test_plan_model_sanity():
    """The model itself: no change plans nothing; a renamed bucket would be replaced."""
    old = configuration(BEFORE, "production.tfvars")
    assert set(plan(old, old).values()) == {"keep"}
    assert old.vars["environment"] == "production"
    renamed = configuration(BEFORE, "production.tfvars")
    renamed.resources()["aws_s3_bucket.exports"].attrs["bucket"] = ("tmpl", ["exports-v2"])
    actions = plan(old, renamed)
    assert actions["aws_s3_bucket.exports"] == "replace"
    assert actions["aws_s3_bucket_versioning.exports"] == "replace"  # its bucket id is new
    assert actions["aws_dynamodb_table.rollups"] == "keep"


def test_production_plan_keeps_every_stateful_resource():
    """Applying the change to production must not destroy or replace a table or a bucket."""
    actions = plan(configuration(BEFORE, "production.tfvars"), configuration(tree(), "production.tfvars"))
    lost = {a: act for a, act in actions.items() if kind(a) in STATEFUL and act in ("destroy", "replace")}
    assert lost == {}, f"the production plan would destroy data: {lost}"


def test_production_data_is_protected_from_deletion():
    """In production the table has deletion protection and backups, and the bucket is not force-destroyable."""
    config = configuration(tree(), "production.tfvars")
    [table] = [a for a in config.resources() if a.endswith("aws_dynamodb_table.rollups")]
    [bucket] = [a for a in config.resources() if a.endswith("aws_s3_bucket.exports")]
    table_values = resource_values(config, table, ("deletion_protection_enabled", "point_in_time_recovery.enabled"))
    bucket_values = resource_values(config, bucket, ("force_destroy",))
    assert table_values == {"deletion_protection_enabled": True, "point_in_time_recovery.enabled": True}, (
        f"production table {table}: {table_values}"
    )
    assert bucket_values == {"force_destroy": False}, f"production bucket {bucket}: {bucket_values}"
    preview = configuration(tree(), "preview.tfvars", {"environment": "preview-pr-481"})
    assert resource_values(preview, bucket, ("force_destroy",)) == {"force_destroy": True}
