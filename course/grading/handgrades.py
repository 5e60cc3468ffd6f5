"""What graders entered by hand (manual scores, extra credit, comments, "done" marks), kept across `course grade` runs.

nbgrader's autograde leaves a grader's manual score and extra credit alone, but marks every cell
a grader has scored as needing grading again (SaveAutoGrades), so re-running `course grade`
after a TA's pass through formgrader would put the whole class back to "manual grading pending".
And only autograde should write the gradebook while a class is graded: a hand-entered column
that changed meanwhile was changed by something else (a student's notebook, where one runs as
the instructor's user).

So `course grade` reads every grade of the assignment before any student is graded
(`read_hand_grades`), and afterwards `settle` puts back what nothing in grading had the right
to change, gives a grader's "done" back where the automatic score did not move, and writes the
re-scored points over a review score the gradebook should not hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .recorded import of_assignment

__all__ = ["HandGrade", "Settled", "read_hand_grades", "settle"]

Key = tuple[str, str, str]  # (student, notebook, cell name)
CLOSE = 0.005


@dataclass(frozen=True)
class HandGrade:
    """One student's grade of one cell, every column a grader or autograde writes."""

    auto: float | None
    manual: float | None
    extra: float | None
    needs_manual: bool
    comment: str | None = None  # the grader's comment on the cell (a solution or task cell's)


@dataclass
class Settled:
    """What `settle` did, per student: reasons to flag, notes worth reading."""

    flags: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def flag(self, student: str, text: str) -> None:
        self.flags.setdefault(student, []).append(text)

    def note(self, student: str, text: str) -> None:
        self.notes.setdefault(student, []).append(text)


def _differ(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(float(a) - float(b)) > CLOSE


def _shown(value: float | None) -> str:
    return "nothing" if value is None else f"{value:g}"


def _rows(gb: Any, assignment: str) -> list[tuple[Any, ...]]:
    from nbgrader.api import BaseCell, Grade, Notebook, Student

    columns = (Grade.auto_score, Grade.manual_score, Grade.extra_credit, Grade.needs_manual_grade)
    query = gb.db.query(Student.id, Notebook.name, BaseCell.name, *columns).select_from(Grade)
    return of_assignment(query.join(BaseCell, BaseCell.id == Grade.cell_id), Grade.notebook_id, assignment).all()


def _comments(gb: Any, assignment: str) -> dict[Key, str | None]:
    from nbgrader.api import BaseCell, Comment, Notebook, Student

    query = gb.db.query(Student.id, Notebook.name, BaseCell.name, Comment.manual_comment).select_from(Comment)
    rows = of_assignment(query.join(BaseCell, BaseCell.id == Comment.cell_id), Comment.notebook_id, assignment).all()
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def read_hand_grades(gb: Any, assignment: str) -> dict[Key, HandGrade]:
    """Every grade (and comment) of `assignment` in the gradebook `gb`, by (student, notebook, cell)."""
    comments = _comments(gb, assignment)
    out = {
        (r[0], r[1], r[2]): HandGrade(
            auto=None if r[3] is None else float(r[3]),
            manual=None if r[4] is None else float(r[4]),
            extra=None if r[5] is None else float(r[5]),
            needs_manual=bool(r[6]),
            comment=comments.pop((r[0], r[1], r[2]), None),
        )
        for r in _rows(gb, assignment)
    }
    for key, text in comments.items():  # a comment on a cell that has no grade (a plain solution cell)
        out[key] = HandGrade(None, None, None, False, text)
    return out


def _write(gb: Any, assignment: str, key: Key, **columns: Any) -> None:
    student, notebook, cell = key
    if "comment" in columns:
        gb.find_comment(cell, notebook, assignment, student).manual_comment = columns.pop("comment")
    if columns:
        grade = gb.find_grade(cell, notebook, assignment, student)
        for name, value in columns.items():
            setattr(grade, name, value)


def _hand_columns(was: HandGrade, now: HandGrade, where: str, student: str, out: Settled) -> dict[str, Any]:
    """What nothing in grading may write: put back, and the student flagged."""
    fix: dict[str, Any] = {}
    for column, name, label in (("manual", "manual_score", "manual score"), ("extra", "extra_credit", "extra credit")):
        old, new = getattr(was, column), getattr(now, column)
        if _differ(old, new):
            fix[name] = old
            out.flag(
                student,
                f"{where}: its {label} changed from {_shown(old)} to {_shown(new)} while it was graded; put back",
            )
    if (was.comment or "") != (now.comment or ""):
        fix["comment"] = was.comment
        out.flag(student, f"{where}: the grader's comment changed while it was graded; put back")
    return fix


def _graded_columns(
    was: HandGrade | None, now: HandGrade, want: float | None, where: str, student: str, out: Settled
) -> dict[str, Any]:
    """A cell autograded this run: the re-scored points where it is a review; a grader's "done" kept."""
    if want is not None and _differ(now.auto, want):
        out.note(
            student,
            f"{where}: the gradebook's {_shown(now.auto)} is replaced by the re-scored {want:g}, "
            "marked for a grader in formgrader",
        )
        return {"auto_score": want, "needs_manual_grade": True}
    if was is None or was.manual is None or not now.needs_manual:
        return {}
    if _differ(was.auto, now.auto):
        out.note(
            student,
            f"{where}: its automatic score moved from {_shown(was.auto)} to {_shown(now.auto)} "
            f"since a grader entered {_shown(was.manual)}: look at it again in formgrader",
        )
        return {}
    return {} if was.needs_manual else {"needs_manual_grade": False}  # the grader's pass stands


def settle(
    gb: Any,
    assignment: str,
    before: dict[Key, HandGrade],
    graded: Iterable[str],
    rescored: dict[Key, float],
    scope: Iterable[str],
) -> Settled:
    """Put the gradebook right after autograde, and say what was put right.

    - Hand-entered columns (manual score, extra credit, comment) of every student are as they
      were `before`: autograde never writes them, so a change is undone and the student flagged.
    - For a student autograded this run (`graded`), a cell a grader had finished stays finished
      when its automatic score is what it was; where it moved, it waits for the grader again.
    - A student of this run (`scope`) not autograded in it (set aside) has every column as before.
    - Nothing of a student outside `scope` is read or written: another grader (a shard of the
      class on one PostgreSQL gradebook) may be grading them at this moment, and `--student`
      leaves the rest of the class to whoever grades it.
    - A review cell (`rescored`: its points re-scored from the frozen findings) holds those
      points: any other automatic score is overwritten and marked for a grader.
    """
    graded, scope = set(graded), set(scope)
    after = {k: v for k, v in read_hand_grades(gb, assignment).items() if k[0] in scope}
    before = {k: v for k, v in before.items() if k[0] in scope}
    out = Settled()
    for key, now in after.items():
        student, notebook, cell = key
        was, where = before.get(key), f"{notebook}/{cell}"
        fix = _hand_columns(was, now, where, student, out) if was is not None else {}
        if student in graded:
            fix.update(_graded_columns(was, now, rescored.get(key), where, student, out))
        elif was is None:
            if now.auto is not None:
                out.flag(student, f"{where}: a grade appeared though it was not graded in this run")
        elif _differ(was.auto, now.auto) or was.needs_manual != now.needs_manual:
            fix.update(auto_score=was.auto, needs_manual_grade=was.needs_manual)
            out.flag(student, f"{where}: its grade changed though it was not graded in this run; put back")
        if fix:
            _write(gb, assignment, key, **fix)
    for key, was in before.items():
        if key not in after and was.auto is not None:
            out.flag(key[0], f"{key[1]}/{key[2]}: its grade disappeared from the gradebook while the class was graded")
    gb.db.commit()
    return out
