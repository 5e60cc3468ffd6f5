"""My Progress: what the learner record (course.practice.record) says, per exercise and per
category, with a plot and what to do next. Pure computation here; the page is course.practice.page.

Every text from the record or a notebook is untrusted: the page escapes all of it.

An exercise is passed by a review scoring PASS_SCORE or more with the right verdict in which no
defect was found with help (its hints or explanation shown before that submission). One whose
only such reviews had help is "passed with help": it is neither suggested as a retry (its
explanations were read; its patterns come back as drills) nor counted as passed on one's own.

Category recall counts each keyed defect once per exercise: its outcome in the first submitted
review of that exercise that met it. That review is always unaided (hints and explanations are
offered only after a submission); a retry after reading them would count the same defect again,
found with help. Retries still show in the exercise's own row (attempts, best score) and in the
plot. Drills are not in recall either: a drill is a cut of an exercise the learner has already
seen (often seen solved), so it would flatter recall; drills are counted in their own columns. A
category is called weak only once MIN_WEAK of its defects were met.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..keys.bank import DIFFICULTIES, Bank, BankError
from ..vocab import CATEGORIES
from .record import Attempt, LearnerRecord, RecordState

__all__ = [
    "MIN_WEAK",
    "PASS_SCORE",
    "CategoryStats",
    "ExerciseStats",
    "Overview",
    "overview",
    "passes",
    "plot_series",
    "with_help",
]

PASS_SCORE = 0.8  # an exercise is passed by a review scoring this much with the right verdict, unaided
RECENT = 10  # a category's recall "now": over the last this many of its defects the learner met
MIN_WEAK = 3  # defects of a category met in reviews before the page calls it weak
MAX_NOTEBOOK_BYTES = 5 * 1024 * 1024
_PRACTICE_CALL = re.compile(r'practice\(\s*\\?"([a-z0-9][a-z0-9-]*)')
_HEADING = re.compile(r"^#\s+(.{1,200})$", re.MULTILINE)


def passes(attempt: Attempt) -> bool:
    """The score and the verdict pass, help aside."""
    return attempt.score >= PASS_SCORE and attempt.verdict_correct


def with_help(attempt: Attempt) -> bool:
    """A defect was found (or miscategorised) after its hints or explanation were shown, or the
    verdict was put right after the score before had shown the expected one."""
    return attempt.verdict_helped or any(d.helped and d.status != "missed" for d in attempt.defects)


@dataclass
class ExerciseStats:
    slug: str
    title: str = ""
    notebook: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    difficulty: str = ""  # the bank's: easy, medium, hard or expert
    categories: frozenset[str] = frozenset()  # of its keyed defects (no key text: category names)

    @property
    def course_order(self) -> tuple[str, int, str]:
        """Notebook order (00, 01, ...; none last), then easiest first."""
        rank = DIFFICULTIES.index(self.difficulty) if self.difficulty in DIFFICULTIES else len(DIFFICULTIES)
        return (self.notebook or "~", rank, self.slug)

    @property
    def first_step(self) -> bool:
        """Fit to suggest as a next step: not the capstone, not an expert-sized pull request."""
        return self.difficulty != "expert" and "capstone" not in f"{self.slug} {self.notebook}".lower()

    @property
    def best(self) -> float:
        return max((a.score for a in self.attempts), default=0.0)

    @property
    def passed(self) -> bool:
        """Passed on one's own: by a review with no defect found with help."""
        return any(passes(a) and not with_help(a) for a in self.attempts)

    @property
    def passed_with_help(self) -> bool:
        """Not passed on one's own, but by a review in which a defect was found with help."""
        return not self.passed and any(passes(a) for a in self.attempts)


@dataclass
class CategoryStats:
    category: str
    outcomes: list[str] = field(default_factory=list)  # per defect, its first review's status, oldest first
    attempts: int = 0  # reviews that met one of its defects for the first time
    drill_outcomes: list[str] = field(default_factory=list)  # statuses in drills, kept apart

    @property
    def drill_found(self) -> int:
        return sum(1 for s in self.drill_outcomes if s != "missed")

    @property
    def met(self) -> int:
        return len(self.outcomes)

    @property
    def found(self) -> int:
        """Found under this category."""
        return self.outcomes.count("found")

    @property
    def other(self) -> int:
        """The right lines flagged under another category (half credit in the score)."""
        return self.outcomes.count("miscategorised")

    @property
    def credited(self) -> int:
        """Not missed: recall counts both, as the score's recall does."""
        return self.found + self.other

    @property
    def recall(self) -> float:
        return self.credited / self.met if self.met else 0.0

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
    notebook_titles: dict[str, str] = field(default_factory=dict)  # file name -> its first heading

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
        """Tried, and passed neither on one's own nor with help."""
        return [e for e in self.tried if not e.passed and not e.passed_with_help]

    @property
    def helped(self) -> list[ExerciseStats]:
        """Passed only with help."""
        return [e for e in self.tried if e.passed_with_help]

    @property
    def weakest(self) -> CategoryStats | None:
        """The category with the lowest recent recall in reviews (more misses first), among those
        met at least MIN_WEAK times, if any of them was missed."""
        weak = [c for c in self.categories if c.met >= MIN_WEAK and c.recent_recall < 1.0]
        if not weak:
            return None
        return min(weak, key=lambda c: (c.recent_recall, -(c.met - c.credited), CATEGORIES.index(c.category)))

    def next_exercise(self, exclude: tuple[str, ...] = ()) -> ExerciseStats | None:
        """The first untried exercise in course order fit for a first step."""
        fit = [e for e in self.not_tried if e.first_step and e.slug not in exclude]
        return min(fit, key=lambda e: e.course_order, default=None)

    def last_time(self, pattern: str) -> str:
        """How the defects of `pattern` fared in the latest submission that met them, in words:
        "found with help", or "1 of 2 found; 1 of 2 missed" (the schedule's rating alone cannot
        say whether it was help or another category)."""
        met = [a for a in self.attempts if any(d.pattern == pattern for d in a.defects)]
        latest = max(met, key=lambda a: a.when, default=None)
        if latest is None:
            return ""
        kinds = [_outcome_words(d) for d in latest.defects if d.pattern == pattern]
        if len(kinds) == 1:
            return kinds[0]
        counts = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
        return "; ".join(f"{n} of {len(kinds)} {k}" for k, n in counts.items())

    def trains(self, category: str, exclude: tuple[str, ...] = ()) -> ExerciseStats | None:
        """The first untried exercise in course order, fit for a first step (never the capstone
        or an expert one), with a defect of `category`."""
        fit = [e for e in self.not_tried if category in e.categories and e.first_step and e.slug not in exclude]
        return min(fit, key=lambda e: e.course_order, default=None)


def _outcome_words(d: Any) -> str:
    if d.status == "missed":
        return "missed"
    if d.helped:
        return "found with help"
    return "found under another category" if d.status == "miscategorised" else "found"


def plot_series(ov: Overview) -> tuple[list[list[tuple[int, float]]], list[tuple[int, float]]]:
    """What both plots draw: per exercise reviewed, its (submission number, score) points, oldest
    first (joined by a line: retries of one exercise compare); and the drills' points (never
    joined: each is a different cut). Numbers count every submission from 1, oldest first."""
    by_exercise: dict[str, list[tuple[int, float]]] = {}
    drills: list[tuple[int, float]] = []
    for n, a in enumerate(sorted(ov.attempts, key=lambda a: a.when), start=1):
        if a.kind == "drill":
            drills.append((n, a.score))
        else:
            by_exercise.setdefault(a.exercise, []).append((n, a.score))
    return list(by_exercise.values()), drills


def helped_points(ov: Overview) -> list[tuple[int, float]]:
    """The (submission number, score) of each review with help (`with_help`): both plots ring
    them (walk-through 18: a 100% with help looked like one found alone)."""
    ordered = sorted(ov.attempts, key=lambda a: a.when)
    return [(n, a.score) for n, a in enumerate(ordered, start=1) if a.kind != "drill" and with_help(a)]


def notebook_of(directory: Path, titles: dict[str, str] | None = None) -> dict[str, str]:
    """Which notebook in `directory` practises which exercise (the first to call practice on it).
    `titles`, if given, receives each such notebook's first Markdown heading."""
    found: dict[str, str] = {}
    for nb in sorted(directory.glob("*.ipynb")):
        try:
            if not nb.is_file() or nb.is_symlink() or nb.stat().st_size > MAX_NOTEBOOK_BYTES:
                continue
            text = nb.read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, ValueError):
            continue  # not a notebook this page can read: it simply names none
        for slug in _PRACTICE_CALL.findall(text):
            found.setdefault(slug, nb.name)
        if titles is not None:
            titles[nb.name] = _heading(data) or nb.stem
    return found


def _heading(notebook: Any) -> str:
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            source = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
            found = _HEADING.search(source) if isinstance(source, str) else None
            return found.group(1).strip() if found else ""
    return ""


def _categories(exercise: Any) -> frozenset[str]:
    try:
        return frozenset(d.category for d in exercise.key.defects)
    except (BankError, OSError):  # a key that cannot be read trains nothing here; `course check` says why
        return frozenset()


def _bank_exercises(bank: Bank | None) -> tuple[list[ExerciseStats], str]:
    """The public exercises (slug, title, difficulty, categories of its defects), and the
    problem if the bank cannot be read."""
    if bank is None:
        return [], ""
    try:
        public = bank.public_only() if bank.private_root is not None else bank
        return [ExerciseStats(e.slug, e.title, difficulty=e.difficulty, categories=_categories(e)) for e in public], ""
    except (BankError, OSError) as exc:
        return [], f"the exercise bank could not be read ({exc}); exercises not yet tried are not listed"


def overview(directory: str | os.PathLike = ".", bank: Bank | None = None, bank_problem: str = "") -> Overview:
    directory = Path(directory)
    state = LearnerRecord(directory).read()
    listed, problem = _bank_exercises(bank)
    problem = problem or (f"{bank_problem}; exercises not yet tried are not listed" if bank_problem else "")
    titles: dict[str, str] = {}
    notebooks = notebook_of(directory, titles)
    by_slug: dict[str, ExerciseStats] = {}
    for stats in listed:
        stats.notebook = notebooks.get(stats.slug, "")
        by_slug[stats.slug] = stats
    categories: dict[str, CategoryStats] = defaultdict(lambda: CategoryStats(""))
    drills: list[Attempt] = []
    met: set[tuple[str, str]] = set()  # (exercise, defect id) met in a review: counted once
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
            if attempt.kind == "drill":
                cat.drill_outcomes.append(d.status)
            elif (attempt.exercise, d.id) not in met:  # a retry's outcomes are in the exercise's row only
                met.add((attempt.exercise, d.id))
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
        notebook_titles=titles,
    )
