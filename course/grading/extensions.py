"""Per-student extensions, recorded where nbgrader looks for them: `SubmittedAssignment.extension`.

What nbgrader 0.9.6 does with it (read in its source):

- `SubmittedAssignment.duedate` is the assignment's due date plus the extension, and
  `total_seconds_late` is the submission's timestamp less that date (never below zero).
- Autograde (`Autograde.init_assignment`) calls `update_or_create_submission(assignment, student,
  timestamp=...)`: on an existing row it sets the timestamp and nothing else, so an extension
  recorded before the first autograde, or between two, is kept by every later one. Nothing in
  autograde removes a submission row.
- `AssignLatePenalties` (in the course's autograde preprocessors) first resets each notebook's
  `late_submission_penalty`, then, when `total_seconds_late > 0`, asks its plugin
  (`AssignLatePenalties.plugin_class`, default `LateSubmissionPlugin`, whose default
  `penalty_method = "none"` returns no penalty; `"zero"` takes the whole score) and caps the
  answer at the notebook's score. So with the course's configuration as shipped a late
  submission costs nothing; a penalty needs a plugin configured, and then an extension recorded
  here makes the next autograde (`course grade`) count the student on time.
- An extension needs a submission row. For a student not graded yet this records one with
  nbgrader's `add_submission` (the empty mirror of the assignment's notebooks and cells that
  autograde fills in); formgrader lists such a student with nothing graded until then.
- Extensions do not stack: recording one replaces the last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .hidden_test import GradingError
from .nbconfig import course_config, environ, find_course_root, nbgrader_env, shown_url

__all__ = [
    "Extension",
    "ExtensionError",
    "grant_extension",
    "list_extensions",
    "open_gradebook",
    "parse_until",
    "printable",
    "remove_extension",
]

LONGEST = dt.timedelta(days=366)


class ExtensionError(GradingError):
    """An extension cannot be recorded or read; the message says why and what to do."""


def printable(text: str) -> str:
    """A student id or name fit for a terminal: control characters shown as escapes."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(text))


@dataclass(frozen=True)
class Extension:
    """One student's extension of one assignment, and what it does to their lateness."""

    student: str
    extension: dt.timedelta | None
    duedate: dt.datetime | None  # the assignment's, naive UTC as nbgrader stores it
    timestamp: dt.datetime | None  # when the student submitted, once autograde has read it
    late_penalty: float  # what the last autograde recorded

    @property
    def due(self) -> dt.datetime | None:
        """The student's own due date."""
        if self.duedate is None:
            return None
        return self.duedate + (self.extension or dt.timedelta(0))

    @property
    def late_seconds(self) -> float:
        if self.timestamp is None or self.due is None:
            return 0.0
        return max(0.0, (self.timestamp - self.due).total_seconds())

    @property
    def stale(self) -> bool:
        """A penalty recorded although the submission is now on time: grade the student again."""
        return self.timestamp is not None and self.late_seconds == 0 and self.late_penalty > 0

    def describe(self) -> str:
        length = _length(self.extension) if self.extension else "no extension"
        text = f"{printable(self.student)}: {length}, due {_when(self.due)}"
        if self.timestamp is not None:
            text += f"; submitted {_when(self.timestamp)}, " + (
                f"{_length(dt.timedelta(seconds=self.late_seconds))} late" if self.late_seconds else "on time"
            )
            if self.late_penalty:
                text += f"; late penalty recorded {self.late_penalty:g}"
        return text


def _when(moment: dt.datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _length(delta: dt.timedelta | None) -> str:
    if delta is None:
        return "-"
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{n} {unit}{'s' * (n != 1)}" for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n]
    return " ".join(parts) or f"{seconds} seconds"


def parse_until(text: str) -> dt.datetime:
    """A date and time as nbgrader reads due dates ("2026-03-20 17:00 Europe/London", ISO 8601
    with an offset, or a naive time meaning UTC), as naive UTC."""
    from nbgrader.utils import parse_utc

    try:
        moment = parse_utc(text.strip())
    except (ValueError, OverflowError, TypeError) as exc:
        raise ExtensionError(f"--until {text!r}: not a date and time ({exc})") from None
    if moment is None:
        raise ExtensionError(f"--until {text!r}: not a date and time")
    return moment


def gradebook_url(course: str | Path | None, db_url: str | None) -> tuple[Path, str, str]:
    """(course root, database URL, course id) as `course grade` resolves them. A SQLite gradebook
    that does not exist is an error here: nothing to extend before the assignment is recorded."""
    root = find_course_root(course)
    cfg = course_config(root, db_url=db_url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from nbgrader.coursedir import CourseDirectory

        cd = CourseDirectory(config=cfg)
    url = cd.db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise ExtensionError(
            f"no gradebook at {url.removeprefix('sqlite:///')}: record the assignment first (`course build`)"
        )
    return root, url, cd.course_id


@contextlib.contextmanager
def open_gradebook(url: str, course_id: str) -> Iterator[Any]:
    """nbgrader's Gradebook, with this venv's bin/ on PATH (nbgrader runs alembic) and quiet; a
    database error, opening it or reading it, is an ExtensionError naming the gradebook."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    def failed(exc: Exception) -> ExtensionError:
        reason = getattr(exc, "orig", None) or exc
        return ExtensionError(f"gradebook {shown_url(url)}: cannot be read ({type(reason).__name__}: {reason})")

    with warnings.catch_warnings(), environ(PATH=nbgrader_env()["PATH"]):
        warnings.simplefilter("ignore")
        try:
            gb = Gradebook(url, course_id)
        except Exception as exc:  # nbgrader and SQLAlchemy raise many kinds for a bad database
            raise failed(exc) from None
        with gb:
            try:
                yield gb
            except SQLAlchemyError as exc:
                raise failed(exc) from None


def _assignment(gb: Any, assignment: str, url: str) -> Any:
    from nbgrader.api import MissingEntry

    try:
        found = gb.find_assignment(assignment)
    except MissingEntry:
        raise ExtensionError(
            f"assignment {printable(assignment)!r} is not in the gradebook {shown_url(url)}: "
            f"record it first (`course build {printable(assignment)}`)"
        ) from None
    if found.duedate is None:
        raise ExtensionError(
            f"assignment {printable(assignment)!r} has no due date in the gradebook, so nothing is late: "
            f"set one first (`nbgrader db assignment add {printable(assignment)} --duedate='2026-03-13 17:00 UTC'`)"
        )
    return found


def _submission(gb: Any, assignment: Any, student: str, *, create: bool) -> Any:
    from nbgrader.api import MissingEntry

    try:
        gb.find_student(student)
    except MissingEntry:
        raise ExtensionError(
            f"no student {printable(student)!r} in the gradebook's roster: add them first "
            "(`nbgrader db student add ID` or `nbgrader db student import roster.csv`)"
        ) from None
    try:
        return gb.find_submission(assignment.name, student)
    except MissingEntry:
        if not create:
            return None
    if not assignment.notebooks:
        raise ExtensionError(
            f"assignment {printable(assignment.name)!r} has no notebooks in the gradebook yet: "
            f"record it first (`course build {printable(assignment.name)}`)"
        )
    return gb.add_submission(assignment.name, student)


def _extension(sub: Any, duedate: dt.datetime | None, student: str) -> Extension:
    return Extension(
        student=student,
        extension=sub.extension if sub is not None else None,
        duedate=duedate,
        timestamp=sub.timestamp if sub is not None else None,
        late_penalty=float(sub.late_submission_penalty or 0.0) if sub is not None else 0.0,
    )


def grant_extension(
    assignment: str,
    student: str,
    *,
    days: float = 0,
    hours: float = 0,
    until: dt.datetime | None = None,
    course: str | Path | None = None,
    db_url: str | None = None,
) -> Extension:
    """Record `student`'s extension of `assignment` (days and hours, or until a moment, naive
    UTC), replacing any earlier one; return it. The next autograde of the student applies it."""
    _root, url, course_id = gradebook_url(course, db_url)
    with open_gradebook(url, course_id) as gb:
        found = _assignment(gb, assignment, url)
        if until is not None:
            if days or hours:
                raise ExtensionError("give either --until or --days/--hours, not both")
            delta = until - found.duedate
        else:
            delta = dt.timedelta(days=days, hours=hours)
        if delta <= dt.timedelta(0):
            raise ExtensionError(
                f"the extension must end after the due date ({_when(found.duedate)}): "
                f"{'until ' + _when(until) if until is not None else _length(delta) or 'nothing'} does not"
            )
        if delta > LONGEST:
            raise ExtensionError(f"an extension of {_length(delta)} is longer than a year: is the date right?")
        sub = _submission(gb, found, student, create=True)
        sub.extension = delta
        gb.db.commit()
        return _extension(sub, found.duedate, student)


def remove_extension(
    assignment: str, student: str, *, course: str | Path | None = None, db_url: str | None = None
) -> Extension | None:
    """Remove `student`'s extension; return what it was (None: there was none)."""
    _root, url, course_id = gradebook_url(course, db_url)
    with open_gradebook(url, course_id) as gb:
        found = _assignment(gb, assignment, url)
        sub = _submission(gb, found, student, create=False)
        if sub is None or sub.extension is None:
            return None
        before = _extension(sub, found.duedate, student)
        sub.extension = None
        gb.db.commit()
        return before


def list_extensions(
    assignment: str, *, course: str | Path | None = None, db_url: str | None = None
) -> tuple[dt.datetime | None, list[Extension]]:
    """The assignment's due date and every extension recorded for it, by student id."""
    _root, url, course_id = gradebook_url(course, db_url)
    with open_gradebook(url, course_id) as gb:
        found = _assignment(gb, assignment, url)
        rows = [_extension(s, found.duedate, s.student_id) for s in found.submissions if s.extension is not None]
        return found.duedate, sorted(rows, key=lambda e: e.student)
