"""A finding: one flag a learner raised on a span of the diff (the sidecar's unit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..vocab import CATEGORIES, SEVERITIES, SIDES, check_choice, check_text, is_int

__all__ = ["Finding"]


@dataclass(frozen=True)
class Finding:
    """One flag a learner raised on a span of the diff."""

    id: str
    path: str
    side: str
    start: int
    end: int
    category: str
    severity: str = "major"
    comment: str = ""
    created: str = ""
    updated: str = ""

    def __post_init__(self) -> None:
        # Validated on construction, not only in from_dict, so a bad finding built in a
        # notebook fails where it is made rather than deep inside the grader.
        owner = "finding"
        check_text(owner, "id", self.id, required=True)
        check_text(owner, "path", self.path, required=True)
        check_choice(owner, "side", self.side, SIDES)
        if not is_int(self.start) or self.start < 1:
            raise ValueError(f"finding field 'start': need an integer >= 1, got {self.start!r}")
        if not is_int(self.end) or self.end < self.start:
            raise ValueError(f"finding field 'end': need an integer >= start, got {self.end!r}")
        check_choice(owner, "category", self.category, CATEGORIES)
        check_choice(owner, "severity", self.severity, SEVERITIES)
        for name in ("comment", "created", "updated"):
            check_text(owner, name, getattr(self, name), required=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "side": self.side,
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "severity": self.severity,
            "comment": self.comment,
            "created": self.created,
            "updated": self.updated,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Finding:
        """Build a finding from its sidecar form; raise ValueError naming the bad field."""
        if not isinstance(d, Mapping):
            raise ValueError(f"finding: expected an object, got {type(d).__name__}")
        for name in ("id", "path", "side", "start", "end", "category"):
            if name not in d:
                raise ValueError(f"finding field {name!r}: missing")
        # Unknown keys are ignored so that an older grader can read a newer sidecar.
        optional = {name: d[name] for name in ("severity", "comment", "created", "updated") if name in d}
        return cls(
            id=d["id"],
            path=d["path"],
            side=d["side"],
            start=d["start"],
            end=d["end"],
            category=d["category"],
            **optional,
        )

    def sort_key(self) -> tuple:
        """The canonical order that makes scoring independent of arrival order."""
        return (
            self.path,
            self.side,
            self.start,
            self.end,
            self.category,
            self.id,
            self.severity,
            self.comment,
            self.created,
            self.updated,
        )
