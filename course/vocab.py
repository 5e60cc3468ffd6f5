"""The course's fixed vocabulary (categories, severities and weights, sides, verdicts) and the
field checks and span wording that findings, keys and every page share."""

from __future__ import annotations

from typing import Any

CATEGORIES = ("logic", "edge-case", "concurrency", "security", "blast-radius", "error-handling")
SEVERITIES = ("blocker", "major", "minor")
WEIGHTS = {"blocker": 3, "major": 2, "minor": 1}
SIDES = ("old", "new")
VERDICTS = ("approve", "request-changes")


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
