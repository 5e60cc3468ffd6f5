"""The course's fixed vocabulary (categories, severities and weights, sides, verdicts) and the
field checks and span wording that findings, keys and every page share."""

from __future__ import annotations

from typing import Any

CATEGORIES = ("logic", "edge-case", "concurrency", "security", "blast-radius", "error-handling")
SEVERITIES = ("blocker", "major", "minor")
WEIGHTS = {"blocker": 3, "major": 2, "minor": 1}
SIDES = ("old", "new")
VERDICTS = ("approve", "request-changes")

# A defect's pattern: the reusable lesson behind it, across languages and exercises. Spaced
# practice brings back the patterns a learner missed; a key names one per defect.
PATTERNS = (
    "unscoped-bulk-change",  # a bulk UPDATE/DELETE/destroy reaches more than the stated scope
    "destroy-and-recreate",  # a change that replaces (deletes, then creates) a live resource
    "missing-authorisation",  # an action or object reachable by someone who may not use it
    "check-then-act-race",  # a check and the action it guards are not atomic
    "shared-mutable-state",  # state shared across threads, requests or goroutines unguarded
    "fail-open",  # an error or unknown value is treated as "allowed" or "safe"
    "time-and-date-arithmetic",  # time zones, business days, cut-offs, clocks
    "boundary-off-by-one",  # inclusive/exclusive ends, first/last page, limits
    "null-and-empty-input",  # NULL, None, empty list or string, missing field
    "unescaped-output",  # untrusted text reaches HTML, a URL or a script unescaped (XSS)
    "injection",  # untrusted text reaches SQL, a shell or a template as code
    "swallowed-error",  # an error caught and dropped, logged only, or turned into success
    "unchecked-response",  # a call's status, result or return code not checked
    "wildcard-permission",  # a permission or scope far wider than the job needs
    "missing-deletion-protection",  # nothing stops a delete of something that must not go
    "unguarded-production-target",  # a path that can reach production without a guard
    "missing-timeout",  # a call, lock or context that can wait forever
    "global-change-blast-radius",  # one change reaches every user, region or service at once
    "removed-safeguard",  # the defect is in what the change removed
    "test-passes-for-wrong-reason",  # a test that cannot fail, or proves something else
    "order-of-operations",  # right steps, wrong order (tax before discount, log before check)
    "information-exposure",  # internals, secrets or other users' data sent where they should not go
    "dependency-failure-not-contained",  # one dependency's outage takes down what could keep working
    "unbounded-retry",  # retries without a limit, backoff or jitter
)


def is_int(value: Any) -> bool:
    # bool is an int subclass, and True as a line number is always a bug upstream.
    return isinstance(value, int) and not isinstance(value, bool)


def check_choice(owner: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{owner} field {name!r}: {value!r} is not one of {', '.join(allowed)}")


def check_text(owner: str, name: str, value: Any, *, required: bool) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{owner} field {name!r}: expected a string, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{owner} field {name!r}: must not be empty")


def span_text(start: int, end: int) -> str:
    """ "12" or "12-14"."""
    return f"{start}" if start == end else f"{start}-{end}"


def where(path: str, side: str, start: int, end: int) -> str:
    """How every page names a span: "app/views.py:12-14", with " (old)" for removed lines."""
    return f"{path}:{span_text(start, end)}" + (" (old)" if side == "old" else "")


__all__ = [
    "CATEGORIES",
    "SEVERITIES",
    "SIDES",
    "VERDICTS",
    "WEIGHTS",
    "check_choice",
    "check_text",
    "is_int",
    "span_text",
    "where",
]
