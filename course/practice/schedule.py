"""Spaced practice: one FSRS card per defect pattern (vocab.PATTERNS), scheduled by the `fsrs`
package (py-fsrs, the Open Spaced Repetition project's reference implementation).

The cards are not stored: they are replayed from the learner record (course.practice.record),
oldest attempt first, so the record stays the one source of truth and an attempt is never
counted twice. In each attempt a pattern is rated by its worst defect: a defect missed is
"Again", one found only after its hints or explanation were shown, or found under another
category, is "Hard", one found unaided is "Good". A review or a drill counts alike.

The scheduler works in days (no learning steps in minutes, made for flash cards) and without
fuzz, so the same record always gives the same due dates. Found unaided each time it comes due,
a pattern comes back later and later (FSRS's defaults: about 2 days, then 11, then 46; after a
miss 1 day, then 2, 6, 17). A drill done before its pattern is due (`drill(pattern=...)`)
counts, but memory tested again within minutes or hours says little, so FSRS lengthens the gap
only a little: practising early never pushes a pattern far away.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from fsrs import Card, Rating, Scheduler

from ..vocab import PATTERNS
from .record import Attempt, DefectOutcome

__all__ = [
    "PatternCard",
    "PatternError",
    "ago",
    "cards",
    "due_cards",
    "in_days",
    "local_time",
    "rating",
    "resolve_pattern",
    "scheduler",
]


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


class PatternError(ValueError):
    """A pattern name `drill(pattern=...)` does not know: one line, with the closest names.

    Like course.keys.bank.BankError it renders in IPython as its message alone (the cell still
    fails, so Run All stops, but the learner reads what to type, not a traceback)."""

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[31m{type(self).__name__}\x1b[39m: {self}"]


def resolve_pattern(text: object) -> str:
    """The pattern `text` names: case, spaces and underscores aside ("Fail open" is fail-open),
    which is never ambiguous, as every name in vocab.PATTERNS is lower case words joined by "-".
    Anything else is a PatternError that suggests the closest names (difflib)."""
    if not isinstance(text, str):
        raise PatternError(f'pattern must be a pattern\'s name as text, such as "fail-open", not {text!r}')
    name = "-".join(re.split(r"[\s_\-]+", text.strip().lower())).strip("-")
    if name in PATTERNS:
        return name
    close = difflib.get_close_matches(name, PATTERNS, n=3, cutoff=0.6)
    shown = repr(text[:60])
    if close:
        options = " or ".join(f'drill(pattern="{c}")' for c in close)
        raise PatternError(f"there is no pattern {shown}; did you mean {' or '.join(close)}? Try {options}.")
    raise PatternError(
        f"there is no pattern {shown}. The {len(PATTERNS)} pattern names are in course.vocab.PATTERNS "
        "(run `from course.vocab import PATTERNS; PATTERNS`); My Progress names the ones you have met."
    )


def local_time(when: _dt.datetime, tz: _dt.tzinfo | None = None) -> str:
    """`when` in the time zone of the machine running the kernel (or `tz`), named: on the
    learner's own machine (make lab) that is their local time; in a container it is often UTC."""
    here = when.astimezone(tz)
    zone = here.tzname() or "UTC"
    # a zero offset is UTC whatever the zone calls itself ("UTC-0000", "GMT", "Etc/UTC")
    utc = (here.utcoffset() == _dt.timedelta(0) and not zone.isalpha()) or zone in ("UTC", "GMT", "Etc/UTC")
    return f"{here:%Y-%m-%d %H:%M} {'UTC' if utc else zone}"


def in_days(when: _dt.datetime, now: _dt.datetime) -> str:
    seconds = (when - now).total_seconds()
    hours = round(seconds / 3600)
    if hours < 1:
        return "in less than an hour"
    if hours < 24:
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = max(1, round(seconds / 86400))
    return f"in {days} day{'s' if days != 1 else ''}"


def ago(when: _dt.datetime, now: _dt.datetime) -> str:
    """How long before `now` `when` was, in words: "5 minutes ago", "3 hours ago", "2 days ago"."""
    seconds = max(0.0, (now - when).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"
