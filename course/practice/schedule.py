"""Spaced practice: one FSRS card per defect pattern (vocab.PATTERNS), scheduled by the `fsrs`
package (py-fsrs, the Open Spaced Repetition project's reference implementation).

The cards are not stored: they are replayed from the learner record (course.practice.record),
oldest attempt first, so the record stays the one source of truth and an attempt is never
counted twice. In each attempt a pattern is rated by its worst defect: a defect missed is
"Again", one found only after its hints or explanation were shown, or found under another
category, is "Hard", one found unaided is "Good". A review or a drill counts alike.

The scheduler works in days (no learning steps in minutes, made for flash cards) and without
fuzz, so the same record always gives the same due dates.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass

from fsrs import Card, Rating, Scheduler

from ..vocab import PATTERNS
from .record import Attempt, DefectOutcome

__all__ = ["PatternCard", "cards", "due_cards", "rating", "scheduler"]


def scheduler() -> Scheduler:
    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating(outcome: DefectOutcome) -> Rating:
    if outcome.status == "missed":
        return Rating.Again
    if outcome.status == "miscategorised" or outcome.helped:
        return Rating.Hard
    return Rating.Good


@dataclass
class PatternCard:
    """One pattern's card after every attempt that met the pattern."""

    pattern: str
    card: Card
    reviews: int
    last_rating: Rating
    last_review: _dt.datetime

    @property
    def due(self) -> _dt.datetime:
        return self.card.due

    def is_due(self, now: _dt.datetime) -> bool:
        return self.card.due <= now


def cards(attempts: Iterable[Attempt]) -> dict[str, PatternCard]:
    """Each pattern the learner has met, with its card replayed through the attempts."""
    sched = scheduler()
    out: dict[str, PatternCard] = {}
    for attempt in sorted(attempts, key=lambda a: a.when):
        worst: dict[str, Rating] = {}
        for outcome in attempt.defects:
            if outcome.pattern:
                r = rating(outcome)
                worst[outcome.pattern] = min(worst.get(outcome.pattern, r), r)
        when = attempt.when
        for pattern, r in sorted(worst.items()):
            known = out.get(pattern)
            card = known.card if known else Card(card_id=PATTERNS.index(pattern) + 1, due=when)
            card, _ = sched.review_card(card, r, review_datetime=when)
            out[pattern] = PatternCard(pattern, card, (known.reviews if known else 0) + 1, r, when)
    return out


def due_cards(
    attempts: Iterable[Attempt], now: _dt.datetime | None = None
) -> tuple[list[PatternCard], PatternCard | None]:
    """(the cards due now, most overdue first; the next card to come due, or None)."""
    now = now or _dt.datetime.now(_dt.UTC)
    all_cards = sorted(cards(attempts).values(), key=lambda c: (c.due, c.pattern))
    due = [c for c in all_cards if c.is_due(now)]
    later = [c for c in all_cards if not c.is_due(now)]
    return due, (later[0] if later else None)
