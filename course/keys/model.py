"""The answer key's model: planted defects (where a flag counts, what it teaches) and decoys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..vocab import (
    CATEGORIES,
    PATTERNS,
    SEVERITIES,
    SIDES,
    VERDICTS,
    WEIGHTS,
    check_choice,
    check_text,
    is_int,
)

__all__ = ["Decoy", "Defect", "Key"]


def _lines(owner: str, value: Any) -> tuple[int, int]:
    try:
        first, last = value
    except (TypeError, ValueError):
        raise ValueError(f"{owner} field 'lines': expected [first, last], got {value!r}") from None
    if not (is_int(first) and is_int(last)) or not 1 <= first <= last:
        raise ValueError(f"{owner} field 'lines': need integers 1 <= first <= last, got {value!r}")
    return (first, last)


def _str_tuple(owner: str, name: str, value: Any) -> tuple[str, ...]:
    # TOML hands over lists; a bare string would otherwise be split into characters.
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{owner} field {name!r}: expected a list of strings, got {value!r}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{owner} field {name!r}: expected strings, got {item!r}")
    return items


@dataclass(frozen=True)
class Defect:
    """A planted defect: where a flag counts, and what it teaches."""

    id: str
    file: str
    side: str
    lines: tuple[int, int]
    category: str
    severity: str
    title: str
    explanation: str = ""
    hints: tuple[str, ...] = ()
    proof: str = ""
    also: tuple[str, ...] = ()
    # Other places where a flag counts as finding this defect, as (file, side, first, last):
    # a defect often shows on two lines (the sink and the call that feeds it, the removed
    # timeout and the call that lost it), and a reviewer who names either has found it.
    also_at: tuple[tuple[str, str, int, int], ...] = ()
    # The reusable lesson (one of vocab.PATTERNS), or "" where the key does not name one yet.
    pattern: str = ""

    def __post_init__(self) -> None:
        owner = f"defect {self.id!r}"
        spans = []
        for span in self.also_at:
            try:
                file, side, first, last = span
            except (TypeError, ValueError):
                raise ValueError(f"{owner} field 'also_at': expected (file, side, first, last), got {span!r}") from None
            check_text(owner, "also_at file", file, required=True)
            check_choice(owner, "also_at side", side, SIDES)
            spans.append((file, side, *_lines(owner, (first, last))))
        object.__setattr__(self, "also_at", tuple(spans))
        check_text(owner, "id", self.id, required=True)
        check_text(owner, "file", self.file, required=True)
        check_choice(owner, "side", self.side, SIDES)
        object.__setattr__(self, "lines", _lines(owner, self.lines))
        check_choice(owner, "category", self.category, CATEGORIES)
        check_choice(owner, "severity", self.severity, SEVERITIES)
        check_text(owner, "title", self.title, required=True)
        check_text(owner, "explanation", self.explanation, required=False)
        check_text(owner, "proof", self.proof, required=False)
        object.__setattr__(self, "hints", _str_tuple(owner, "hints", self.hints))
        also = _str_tuple(owner, "also", self.also)
        for category in also:
            check_choice(owner, "also", category, CATEGORIES)
        object.__setattr__(self, "also", also)
        if self.pattern:
            check_choice(owner, "pattern", self.pattern, PATTERNS)

    @property
    def weight(self) -> int:
        return WEIGHTS[self.severity]

    @property
    def spans(self) -> tuple[tuple[str, str, int, int], ...]:
        """Every place a flag counts: the main span first, then `also_at`."""
        return ((self.file, self.side, *self.lines), *self.also_at)

    def accepts(self, category: str) -> bool:
        """Whether a hit with this category earns the full weight."""
        return category == self.category or category in self.also


@dataclass(frozen=True)
class Decoy:
    """A line that looks suspicious but is correct."""

    file: str
    side: str
    lines: tuple[int, int]
    why_fine: str

    def __post_init__(self) -> None:
        owner = f"decoy at {self.file!r}"
        check_text(owner, "file", self.file, required=True)
        check_choice(owner, "side", self.side, SIDES)
        object.__setattr__(self, "lines", _lines(owner, self.lines))
        check_text(owner, "why_fine", self.why_fine, required=True)


@dataclass(frozen=True)
class Key:
    """An exercise's answer key: its defects, decoys and the right verdict."""

    defects: tuple[Defect, ...]
    decoys: tuple[Decoy, ...] = ()
    verdict: str = "request-changes"
    # For a correct change (verdict approve): the proofs that show it is correct; each passes
    # on after/ (`course check` runs them).
    proofs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "proofs", _str_tuple("key", "proofs", self.proofs))
        defects = tuple(self.defects)
        decoys = tuple(self.decoys)
        for item in defects:
            if not isinstance(item, Defect):
                raise ValueError(f"key field 'defects': expected Defect, got {type(item).__name__}")
        for decoy in decoys:
            if not isinstance(decoy, Decoy):
                raise ValueError(f"key field 'decoys': expected Decoy, got {type(decoy).__name__}")
        check_choice("key", "verdict", self.verdict, VERDICTS)
        ids = [d.id for d in defects]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"key field 'defects': duplicate ids {', '.join(duplicates)}")
        # A verdict that disagrees with the defects is not refused here: `course check` loads
        # such a key and reports the disagreement beside every other problem it finds.
        object.__setattr__(self, "defects", defects)
        object.__setattr__(self, "decoys", decoys)

    @property
    def total_weight(self) -> int:
        return sum(d.weight for d in self.defects) if self.defects else 1
