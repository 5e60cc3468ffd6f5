"""The learner record: every practice submission, kept in `.learner-record.json` in the folder the
findings files use (beside the notebooks). It never leaves this machine and holds no key text:
per attempt the time, the exercise, the kind ("review" or "drill"), the weighted score, recall,
precision, whether the verdict was right, and per keyed defect its id, status, category and
pattern. My Progress (course.practice.overview) and spaced practice (course.practice.schedule)
are computed from it.

It is changed like the findings sidecar: a read-modify-write under a file lock, written
atomically, so two kernels submitting at once both land. It is read as hostile input (the
sidecar reader's rules: no links, size and depth caps, strict JSON). A file that cannot be read
is moved aside, never deleted, and a fresh record is started whose notes say where the old one
went; a file with some unreadable attempts is moved aside the same way, and the readable ones
are carried over. My Progress shows those notes.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

from ..review.sidecar import read_json_file
from ..review.store import LOCK_TIMEOUT, SidecarCorrupt, atomic_write_text
from ..vocab import CATEGORIES, PATTERNS

__all__ = [
    "KINDS",
    "MAX_ATTEMPTS",
    "RECORD_NAME",
    "STATUSES",
    "VERDICT_TOLD",
    "Attempt",
    "DefectOutcome",
    "LearnerRecord",
    "RecordFull",
    "attempt_from_score",
    "record_path",
    "told_by",
]

RECORD_NAME = ".learner-record.json"
RECORD_SCHEMA = 1
KINDS = ("review", "drill")
STATUSES = ("found", "miscategorised", "missed")
# Caps far above an honest learner (a few hundred submissions) that keep the file under the
# hostile reader's 5 MB limit (course.review.sidecar.MAX_SIDECAR_BYTES).
MAX_ATTEMPTS = 4_000
MAX_DEFECTS = 50  # per attempt; the bank's largest key has a handful
MAX_NOTES = 20
MAX_TEXT = 200  # characters of a slug, an id or a time


def record_path(directory: str | os.PathLike) -> Path:
    return Path(directory) / RECORD_NAME


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(text: str) -> _dt.datetime:
    when = _dt.datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise ValueError(f"time {text!r} has no time zone")
    return when.astimezone(_dt.UTC)


def _text(data: dict[str, Any], name: str, *, empty: bool = False) -> str:
    value = data.get(name)
    if not isinstance(value, str) or len(value) > MAX_TEXT or (not value and not empty):
        raise ValueError(f"field {name!r}: expected a short string, got {str(value)[:60]!r}")
    return value


def _ratio(data: dict[str, Any], name: str) -> float:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"field {name!r}: expected a number from 0 to 1, got {str(value)[:60]!r}")
    return float(value)


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise ValueError(f"field {name!r}: expected true or false")
    return value


@dataclass(frozen=True)
class DefectOutcome:
    """What became of one keyed defect in one attempt (no key text: an id, never a title)."""

    id: str
    status: str  # found | miscategorised | missed
    category: str
    pattern: str  # one of vocab.PATTERNS, or "" where the key names none
    helped: bool = False  # its hints or explanation had been shown before this submission

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "category": self.category,
            "pattern": self.pattern,
            "helped": self.helped,
        }

    @classmethod
    def from_dict(cls, data: Any) -> DefectOutcome:
        if not isinstance(data, dict):
            raise ValueError("a defect must be an object")
        out = cls(
            id=_text(data, "id"),
            status=_text(data, "status"),
            category=_text(data, "category"),
            pattern=_text(data, "pattern", empty=True),
            helped=_flag(data, "helped"),
        )
        if (
            out.status not in STATUSES
            or out.category not in CATEGORIES
            or (out.pattern and out.pattern not in PATTERNS)
        ):
            raise ValueError(f"defect {out.id!r}: unknown status, category or pattern")
        return out


@dataclass(frozen=True)
class Attempt:
    """One submitted practice review or drill."""

    time: str  # ISO 8601, UTC
    exercise: str
    kind: str  # review | drill
    score: float
    recall: float
    precision: float
    verdict_correct: bool
    defects: tuple[DefectOutcome, ...] = ()
    drill: str = ""  # for a drill: the id of the defect it was cut around
    verdict_helped: bool = False  # right after the submission before showed the expected verdict

    @property
    def when(self) -> _dt.datetime:
        return parse_time(self.time)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "time": self.time,
            "exercise": self.exercise,
            "kind": self.kind,
            "score": self.score,
            "recall": self.recall,
            "precision": self.precision,
            "verdict_correct": self.verdict_correct,
            "defects": [d.to_dict() for d in self.defects],
        }
        if self.drill:
            out["drill"] = self.drill
        if self.verdict_helped:
            out["verdict_helped"] = True
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Attempt:
        if not isinstance(data, dict):
            raise ValueError("an attempt must be an object")
        defects = data.get("defects", [])
        if not isinstance(defects, list) or len(defects) > MAX_DEFECTS:
            raise ValueError(f"field 'defects': expected a list of at most {MAX_DEFECTS}")
        out = cls(
            time=_text(data, "time"),
            exercise=_text(data, "exercise"),
            kind=_text(data, "kind"),
            score=_ratio(data, "score"),
            recall=_ratio(data, "recall"),
            precision=_ratio(data, "precision"),
            verdict_correct=_flag(data, "verdict_correct"),
            defects=tuple(DefectOutcome.from_dict(d) for d in defects),
            drill=_text(data, "drill", empty=True) if "drill" in data else "",
            verdict_helped=_flag(data, "verdict_helped"),
        )
        if out.kind not in KINDS:
            raise ValueError(f"field 'kind': {out.kind!r} is not one of {', '.join(KINDS)}")
        parse_time(out.time)
        return out


#: In a submission's help set: the submission before it had the wrong verdict, and its score
#: showed the expected one (walk-through 19 flipped a correct change's verdict after reading it,
#: and My Progress said "passed" unaided). Not a defect id: those never start with ":".
VERDICT_TOLD = ":verdict"


def help_given(progress: dict, before: Any, now: Any) -> frozenset[str]:
    """The help a submission scored `now` had, from the progress file's `progress` and the score
    of the submission `before` it (None for a first one): the defects whose hints were shown,
    whose explanation was read while not found, whose category `before` showed (`told_by`).

    Help changes nothing a defect had already earned: one that fares as it did in `before`, and
    was not helped there, is left out (walk-through 28: a finding under another category, left as
    it was, read "with help" after hints for another defect and a resubmit)."""
    if before is None:
        return frozenset(progress["hints"]) | frozenset(progress["revealed"])
    found = {r.defect.id for r in before.defects if r.status == "found"}
    helped = frozenset(progress["hints"]) | (frozenset(progress["revealed"]) - found) | told_by(before, now)
    was = {r.defect.id: r.status for r in before.defects}
    kept = set(progress["submitted"]["helped"]) if progress["submitted"] is not None else set()
    return helped - {r.defect.id for r in now.defects if was.get(r.defect.id) == r.status and r.defect.id not in kept}


def told_by(before: Any, now: Any) -> set[str]:
    """What the score of the submission `before` (a course.scoring Score) told the learner that
    the one scored `now` uses: the defects it found under another category (their expected
    category), and the verdict, wrong before and right now."""
    told = {r.defect.id for r in before.defects if r.status == "miscategorised"}
    return told | ({VERDICT_TOLD} if not before.verdict_correct and now.verdict_correct else set())


def attempt_from_score(
    result: Any, exercise: str, kind: str = "review", *, helped: frozenset[str] = frozenset(), drill: str = ""
) -> Attempt:
    """The record's entry for a scored submission (a course.scoring Score)."""
    return Attempt(
        time=_now(),
        exercise=exercise,
        kind=kind,
        score=float(result.score),
        recall=float(result.recall),
        precision=float(result.precision),
        verdict_correct=bool(result.verdict_correct),
        defects=tuple(
            DefectOutcome(r.defect.id, r.status, r.defect.category, r.defect.pattern, r.defect.id in helped)
            for r in result.defects
        ),
        drill=drill,
        verdict_helped=VERDICT_TOLD in helped and bool(result.verdict_correct),
    )


class RecordFull(Exception):
    """The record holds MAX_ATTEMPTS attempts: it is kept, and nothing more is added."""


@dataclass
class RecordState:
    attempts: list[Attempt] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what happened to an unreadable record

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": RECORD_SCHEMA,
            "kind": "code-review-academy learner record",
            "notes": self.notes[-MAX_NOTES:],
            "attempts": [a.to_dict() for a in self.attempts],
        }


class LearnerRecord:
    """Read and append to the learner record in `directory` (see the module docstring)."""

    def __init__(self, directory: str | os.PathLike = "."):
        self.path = record_path(directory)

    def _lock(self) -> FileLock:
        return FileLock(self.path.with_name(f"{self.path.name}.lock"), timeout=LOCK_TIMEOUT)

    def _parse(self) -> tuple[RecordState, str | None]:
        """The record and, when (part of) it cannot be read, why: then it must be set aside."""
        try:
            data = read_json_file(self.path)
        except SidecarCorrupt as exc:
            return RecordState(), exc.problem
        if data is None:
            return RecordState(), None
        if (
            not isinstance(data, dict)
            or data.get("schema") != RECORD_SCHEMA
            or not isinstance(data.get("attempts"), list)
        ):
            return RecordState(), "is not a learner record this course can read (no schema 1 and no list of attempts)"
        notes = data.get("notes", [])
        state = RecordState(notes=[n[:1000] for n in notes if isinstance(n, str)] if isinstance(notes, list) else [])
        bad = 0
        for item in data["attempts"][:MAX_ATTEMPTS]:
            try:
                state.attempts.append(Attempt.from_dict(item))
            except (ValueError, TypeError):
                bad += 1
        bad += max(0, len(data["attempts"]) - MAX_ATTEMPTS)
        if bad:
            return state, f"has {bad} attempt{'s' if bad != 1 else ''} that could not be read"
        return state, None

    def _set_aside(self, state: RecordState, problem: str) -> RecordState:
        """Under the lock: move the file aside (never delete it) and write what could be kept."""
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists() or target.is_symlink():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        os.replace(self.path, target)
        kept = len(state.attempts)
        state.notes.append(
            f"{_now()}: your learner record {self.path.name} {problem}. It was moved, unchanged, to "
            f"{target.name}; {'a new record was started' if not kept else f'the {kept} readable attempts were carried over'}."
        )
        self._write(state)
        return state

    def _write(self, state: RecordState) -> None:
        atomic_write_text(self.path, json.dumps(state.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")

    def read(self) -> RecordState:
        """The record as it is now; an unreadable one is set aside first (see the module docstring)."""
        state, problem = self._parse()
        if problem is None:
            return state
        with self._lock():
            state, problem = self._parse()  # another writer may have set it aside meanwhile
            return state if problem is None else self._set_aside(state, problem)

    def append(self, attempt: Attempt) -> RecordState:
        """Add one attempt, under the lock, written atomically."""
        with self._lock():
            state, problem = self._parse()
            if problem is not None:
                state = self._set_aside(state, problem)
            if len(state.attempts) >= MAX_ATTEMPTS:
                raise RecordFull(
                    f"{self.path}: the learner record holds {MAX_ATTEMPTS:,} attempts, its limit; this one was not "
                    "added. Move the file aside to start a new record (My Progress then starts from it)."
                )
            state.attempts.append(attempt)
            self._write(state)
            return state
