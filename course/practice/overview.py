"""My Progress: what the learner record (course.practice.record) says, per exercise and per
category, with a plot and what to do next. Pure computation here; the page is course.practice.page.

Every text from the record or a notebook is untrusted: the page escapes all of it.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..keys.bank import Bank, BankError
from ..vocab import CATEGORIES
from .record import Attempt, LearnerRecord, RecordState

__all__ = ["PASS_SCORE", "CategoryStats", "ExerciseStats", "Overview", "overview"]

PASS_SCORE = 0.8  # an exercise is passed by a review scoring this much with the right verdict
RECENT = 10  # a category's recall "now": over the last this many of its defects the learner met
MAX_NOTEBOOK_BYTES = 5 * 1024 * 1024
_PRACTICE_CALL = re.compile(r'practice\(\s*\\?"([a-z0-9][a-z0-9-]*)')


@dataclass
class ExerciseStats:
    slug: str
    title: str = ""
    notebook: str = ""
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def best(self) -> float:
        return max((a.score for a in self.attempts), default=0.0)

    @property
    def passed(self) -> bool:
        return any(a.score >= PASS_SCORE and a.verdict_correct for a in self.attempts)


@dataclass
class CategoryStats:
    category: str
    outcomes: list[str] = field(default_factory=list)  # statuses, oldest first
    attempts: int = 0

    @property
    def met(self) -> int:
        return len(self.outcomes)

    @property
    def found(self) -> int:
        return sum(1 for s in self.outcomes if s != "missed")

    @property
    def recall(self) -> float:
        return self.found / self.met if self.met else 0.0

    @property
    def recent_recall(self) -> float:
        recent = self.outcomes[-RECENT:]
        return sum(1 for s in recent if s != "missed") / len(recent) if recent else 0.0


@dataclass
class Overview:
    """Everything My Progress shows, computed from the record and the bank."""

    directory: Path
    record: RecordState
    exercises: list[ExerciseStats]  # reviews, per exercise (attempted ones first, then the rest)
    categories: list[CategoryStats]  # those met, in vocabulary order
    drills: list[Attempt]
    bank_problem: str = ""
    due: list[Any] = field(default_factory=list)  # course.practice.schedule.Card, due now
    upcoming: Any = None  # the next card to come due, if none is due now

    @property
    def attempts(self) -> list[Attempt]:
        return self.record.attempts

    @property
    def tried(self) -> list[ExerciseStats]:
        return [e for e in self.exercises if e.attempts]

    @property
    def not_tried(self) -> list[ExerciseStats]:
        return [e for e in self.exercises if not e.attempts]

    @property
    def not_passed(self) -> list[ExerciseStats]:
        return [e for e in self.tried if not e.passed]

    @property
    def weakest(self) -> CategoryStats | None:
        """The category with the lowest recent recall (more misses first), if any was missed."""
        weak = [c for c in self.categories if c.recent_recall < 1.0]
        if not weak:
            return None
        return min(weak, key=lambda c: (c.recent_recall, -(c.met - c.found), CATEGORIES.index(c.category)))


def notebook_of(directory: Path) -> dict[str, str]:
    """Which notebook in `directory` practises which exercise (the first to call practice on it)."""
    found: dict[str, str] = {}
    for nb in sorted(directory.glob("*.ipynb")):
        try:
            if not nb.is_file() or nb.is_symlink() or nb.stat().st_size > MAX_NOTEBOOK_BYTES:
                continue
            text = nb.read_text(encoding="utf-8")
            json.loads(text)
        except (OSError, ValueError):
            continue  # not a notebook this page can read: it simply names none
        for slug in _PRACTICE_CALL.findall(text):
            found.setdefault(slug, nb.name)
    return found


def _bank_exercises(bank: Bank | None) -> tuple[list[tuple[str, str]], str]:
    """(slug, title) of the public exercises, and the problem if the bank cannot be read."""
    if bank is None:
        return [], ""
    try:
        public = bank.public_only() if bank.private_root is not None else bank
        return [(e.slug, e.title) for e in public], ""
    except (BankError, OSError) as exc:
        return [], f"the exercise bank could not be read ({exc}); exercises not yet tried are not listed"


def overview(directory: str | os.PathLike = ".", bank: Bank | None = None, bank_problem: str = "") -> Overview:
    directory = Path(directory)
    state = LearnerRecord(directory).read()
    listed, problem = _bank_exercises(bank)
    problem = problem or (f"{bank_problem}; exercises not yet tried are not listed" if bank_problem else "")
    notebooks = notebook_of(directory)
    by_slug: dict[str, ExerciseStats] = {}
    for slug, title in listed:
        by_slug[slug] = ExerciseStats(slug, title, notebooks.get(slug, ""))
    categories: dict[str, CategoryStats] = defaultdict(lambda: CategoryStats(""))
    drills: list[Attempt] = []
    for attempt in sorted(state.attempts, key=lambda a: a.when):
        if attempt.kind == "review":
            stats = by_slug.setdefault(
                attempt.exercise, ExerciseStats(attempt.exercise, "", notebooks.get(attempt.exercise, ""))
            )
            stats.attempts.append(attempt)
        else:
            drills.append(attempt)
        seen = set()
        for d in attempt.defects:
            cat = categories[d.category]
            cat.category = d.category
            cat.outcomes.append(d.status)
            seen.add(d.category)
        for c in seen:
            categories[c].attempts += 1
    exercises = sorted(by_slug.values(), key=lambda e: (not e.attempts, e.slug))
    return Overview(
        directory=directory,
        record=state,
        exercises=exercises,
        categories=[categories[c] for c in CATEGORIES if c in categories],
        drills=drills,
        bank_problem=problem,
    )
