"""Which environments and stacks envctl teardown may touch (envctl/teardown.toml)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

DEFAULT_SCOPE_FILE = Path(__file__).with_name("teardown.toml")


class ScopeError(Exception):
    """The environment or the scope file does not allow a teardown."""


@dataclass(frozen=True)
class Scope:
    environment_pattern: re.Pattern[str] | None  # None: no environment may be torn down
    protected_environments: frozenset[str]
    stack_globs: tuple[str, ...]

    @classmethod
    def deny_all(cls) -> Scope:
        return cls(None, frozenset(), ())

    def check_environment(self, environment: str) -> None:
        """Raise ScopeError unless ``environment`` may be torn down."""
        if self.environment_pattern is None:
            raise ScopeError("no teardown scope is configured, so nothing may be torn down")
        if environment.casefold() in self.protected_environments:
            raise ScopeError(f"{environment} is a protected environment")
        if not self.environment_pattern.fullmatch(environment):
            raise ScopeError(
                f"{environment!r} is not a preview environment "
                f"(expected a name matching {self.environment_pattern.pattern})"
            )

    def allows_stack(self, environment: str, stack_name: str) -> bool:
        """Whether a stack of this name may be deleted when ``environment`` is torn down."""
        return any(
            fnmatchcase(stack_name, glob.format(env=environment)) for glob in self.stack_globs
        )


def load_scope(path: Path = DEFAULT_SCOPE_FILE) -> Scope:
    """Read the scope file. A missing file allows nothing; a malformed one is an error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Scope.deny_all()
    try:
        table = tomllib.loads(raw.decode("utf-8"))["teardown"]
        pattern = re.compile(table["environment_pattern"])
        protected = _strings(table["protected_environments"])
        globs = _strings(table["stack_globs"])
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, re.error) as exc:
        raise ScopeError(f"{path}: not a valid teardown scope ({exc!r})") from exc
    for glob in globs:
        if not glob.startswith("{env}-"):
            raise ScopeError(f"{path}: every stack glob must start with '{{env}}-', not {glob!r}")
        try:
            glob.format(env="pr-1")
        except (KeyError, IndexError, ValueError) as exc:
            raise ScopeError(f"{path}: stack glob {glob!r} names no placeholder but {{env}}") from exc
    return Scope(pattern, frozenset(name.casefold() for name in protected), globs)


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return tuple(value)
