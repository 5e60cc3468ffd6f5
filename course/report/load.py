"""Reads what grading left behind: the grader's summary.json, nbgrader's gradebook, the submission folders."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..grading.cells import grade_review_calls, graded_slugs
from ..keys.bank import Bank, BankError, find_bank

SIDECAR_SUFFIX = ".findings.json"
SUMMARY_PATH = "reports/{assignment}/grading/summary.json"  # what `course grade` writes (course.grading)
_SAFE_NAME = re.compile(r"^[^/\\\x00]+$")
# Which exercises an assignment reviews: the hidden test cells that call grade_review. Kept here
# until the grading package offers the one answer (see `reviewed_slugs`).


def safe_name(name: str) -> bool:
    """A single path component: no separator, no NUL, not `.` or `..`."""
    return bool(_SAFE_NAME.match(name)) and name not in (".", "..")


# the grader's summary ------------------------------------------------------------------------


@dataclass
class GraderEntry:
    """What `course grade` concluded about one student (its summary.json, one entry of "students")."""

    status: str | None = None
    reasons: list[str] = field(default_factory=list)
    score: float | None = None  # review points the gradebook recorded, summed over the reviews
    rescore: float | None = None  # the same reviews re-scored outside the kernel


def _points(reviews: Any, name: str) -> float | None:
    """The sum of one number over a student's reviews; None unless every review has it."""
    if not isinstance(reviews, dict) or not reviews:
        return None
    values = [r.get(name) if isinstance(r, dict) else None for r in reviews.values()]
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return round(sum(numbers), 2) if len(numbers) == len(values) else None


def _entry(raw: dict[str, Any]) -> GraderEntry:
    reasons = raw.get("reasons")
    return GraderEntry(
        status=raw.get("status") if isinstance(raw.get("status"), str) else None,
        reasons=[str(r) for r in reasons if r] if isinstance(reasons, list) else [],
        score=_points(raw.get("reviews"), "gradebook"),
        rescore=_points(raw.get("reviews"), "rescored"),
    )


@dataclass
class GraderSummary:
    """The grader's summary.json as the report reads it: an entry per student, the reviewed slugs."""

    students: dict[str, GraderEntry] = field(default_factory=dict)
    slugs: list[str] = field(default_factory=list)  # its top-level "cells", when it lists them
    points: dict[str, float] = field(default_factory=dict)  # slug -> the review cell's points, from "cells"


def read_grader_summary(course_dir: Path, assignment: str, problems: list[str]) -> GraderSummary:
    """`reports/<assignment>/grading/summary.json`, as `course grade` writes it; absent: empty.

    Per student it keeps the status, the reasons, and the review points the gradebook recorded
    beside the re-scored ones (each review's "gradebook" and "rescored", summed). The summary's
    own "score" is nbgrader's whole-assignment total (hand-graded answers included), which the
    gradebook columns already show."""
    path = course_dir / SUMMARY_PATH.format(assignment=assignment)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return GraderSummary()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{path}: cannot be read ({exc}); statuses are derived from the folders instead")
        return GraderSummary()
    students = data.get("students") if isinstance(data, dict) else None
    if not isinstance(students, list):
        problems.append(f"{path}: no 'students'; statuses are derived from the folders instead")
        return GraderSummary()
    if data.get("assignment") not in (None, assignment):
        problems.append(f"{path}: is about assignment {data.get('assignment')!r}, not {assignment!r}")
    out = GraderSummary()
    for raw in students:
        if isinstance(raw, dict) and "student" in raw:
            out.students[str(raw["student"])] = _entry(raw)
    cells = data.get("cells")
    if isinstance(cells, list):
        out.slugs = [str(c["slug"]) for c in cells if isinstance(c, dict) and isinstance(c.get("slug"), str)]
        for c in cells:
            if isinstance(c, dict) and isinstance(c.get("slug"), str) and _is_points(c.get("points")):
                out.points[c["slug"]] = float(c["points"])
    return out


def _is_points(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e6


def review_points(grader: GraderSummary, cell_sources: Iterable[str]) -> dict[str, float]:
    """Each review's points (its grade cell's `grade_review(slug, points=N)`): from the grader's
    summary, else from the cell sources the gradebook recorded. A slug found in neither is
    left out (the report then shows that review as a percentage only)."""
    points: dict[str, float] = {}
    for source in cell_sources:
        for slug, value in grade_review_calls(source):
            if _is_points(value):
                points.setdefault(slug, float(value))
    return points | grader.points


# the gradebook -------------------------------------------------------------------------------


@dataclass
class Gradebook:
    """What the report takes from nbgrader's gradebook for one assignment."""

    enrolled: list[str] = field(default_factory=list)
    submissions: pd.DataFrame = field(default_factory=pd.DataFrame)
    duedate: pd.Timestamp | None = None
    sources: list[str] = field(default_factory=list)  # the source of every locked cell of the assignment
    known_assignment: bool = False


SUBMISSION_COLUMNS = ["student", "timestamp", "gradebook_raw", "gradebook_max", "needs_manual_grade", "late_penalty"]


def _query_gradebook(session: Any, assignment: str, out: Gradebook) -> None:
    """One read of the gradebook through nbgrader's own models, so the arithmetic is nbgrader's:
    `Grade.score` (the manual score, else the automatic one, plus extra credit),
    `SubmittedAssignment.max_score` (the assignment's) and `.late_submission_penalty` (summed
    over its notebooks). Grades are summed in one grouped query: asking for
    `SubmittedAssignment.score` instead runs a subquery per student, several times slower."""
    from nbgrader.api import Assignment, Grade, Notebook, SourceCell, Student, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy import case, func, or_, select

    out.enrolled = [str(s) for s in session.scalars(select(Student.id))]
    row = session.execute(select(Assignment.duedate).where(Assignment.name == assignment)).first()
    if row is None:
        return
    out.known_assignment = True
    if row[0] is not None:
        out.duedate = pd.to_datetime(pd.Series([row[0]]), utc=True).iloc[0]
    query = (
        select(
            SubmittedAssignment.student_id,
            SubmittedAssignment.timestamp,
            func.coalesce(func.sum(Grade.score), 0.0),
            SubmittedAssignment.max_score,
            func.coalesce(func.sum(case((Grade.needs_manual_grade, 1), else_=0)), 0),
            SubmittedAssignment.late_submission_penalty,
        )
        .select_from(SubmittedAssignment)
        .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        .outerjoin(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .outerjoin(Grade, Grade.notebook_id == SubmittedNotebook.id)
        .where(Assignment.name == assignment)
        .group_by(SubmittedAssignment.id)
        # not a submission: the empty row `course extend` records for a student yet to hand in
        .having(or_(SubmittedAssignment.timestamp.is_not(None), func.count(Grade.auto_score) > 0))
    )
    out.submissions = pd.DataFrame(session.execute(query).all(), columns=SUBMISSION_COLUMNS)
    cells = select(SourceCell.source).join(Notebook).join(Assignment).where(Assignment.name == assignment)
    out.sources = [s or "" for s in session.scalars(cells)]


def _tidy_submissions(subs: pd.DataFrame) -> pd.DataFrame:
    """One row per student: the gradebook's raw score, nbgrader's late penalty, and the final
    score (raw less penalty, as nbgrader's formgrader and CSV export compute it)."""
    subs["student"] = subs["student"].astype(str)
    subs["timestamp"] = pd.to_datetime(subs["timestamp"], utc=True, errors="coerce")
    for col in ("gradebook_raw", "gradebook_max", "late_penalty"):
        subs[col] = subs[col].astype(float)
    subs["late_penalty"] = subs["late_penalty"].fillna(0.0)
    subs["gradebook_score"] = subs["gradebook_raw"] - subs["late_penalty"]
    subs["needs_manual_grade"] = subs["needs_manual_grade"].astype(int)
    return subs.drop_duplicates("student", keep="last")


def read_gradebook(course_dir: Path, assignment: str, db_url: str | None, problems: list[str]) -> Gradebook:
    """nbgrader's gradebook, read only: nbgrader's `Gradebook` class is not used because opening one
    writes (it creates missing tables and adds a course row), and a report must change nothing."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    out = Gradebook()
    if db_url is None:
        path = course_dir / "gradebook.db"
        if not path.is_file():
            return out  # never let SQLite create an empty file in the course directory
        db_url = f"sqlite:///{path}"
    try:
        engine = sa.create_engine(db_url)
    except Exception as exc:  # a bad URL is the instructor's to fix; report without it
        problems.append(f"gradebook {db_url}: {exc}")
        return out
    try:
        with Session(engine) as session:
            _query_gradebook(session, assignment, out)
    except Exception as exc:  # sqlalchemy raises many kinds; none may stop the report
        problems.append(f"gradebook {db_url}: cannot be read ({type(exc).__name__}: {exc}); using the folders only")
        return Gradebook()
    finally:
        engine.dispose()
    if len(out.submissions):
        out.submissions = _tidy_submissions(out.submissions)
    return out


# the folders ---------------------------------------------------------------------------------


def list_dirs(folder: Path) -> list[str]:
    try:
        return [e.name for e in os.scandir(folder) if e.is_dir() and not e.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _sidecar_names(folder: Path) -> set[str] | None:
    """Slugs with a sidecar in one submission folder; None when the folder does not exist."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return None
    return {
        e.name[: -len(SIDECAR_SUFFIX)]
        for e in entries
        if e.name.endswith(SIDECAR_SUFFIX) and not e.name.startswith(".") and len(e.name) > len(SIDECAR_SUFFIX)
    }


@dataclass(frozen=True)
class Submission:
    """Where one student's sidecars are: `tree` is "autograded", "submitted" or None (no folder)."""

    tree: str | None = None
    folder: Path | None = None
    sidecars: frozenset[str] = frozenset()


def find_submissions(course_dir: Path, assignment: str, students: Iterable[str]) -> dict[str, Submission]:
    """Each student's sidecar folder: autograded/ is what was graded; submitted/ covers a
    submission the grader could not process."""
    out: dict[str, Submission] = {}
    for sid in sorted(students):
        out[sid] = Submission()
        if not safe_name(sid):
            continue
        for tree in ("autograded", "submitted"):
            folder = course_dir / tree / sid / assignment
            names = _sidecar_names(folder)
            if names is not None:
                out[sid] = Submission(tree, folder, frozenset(names))
                break
    return out


def _bundle_slugs(course_dir: Path, assignment: str) -> list[str]:
    """Slugs whose public bundle (<slug>.diff) ships with the assignment."""
    found: list[str] = []
    for tree in ("source", "release"):
        folder = course_dir / tree / assignment
        try:
            found.extend(e.name[:-5] for e in os.scandir(folder) if e.name.endswith(".diff") and e.is_file())
        except (FileNotFoundError, NotADirectoryError):
            pass
    return found


def reviewed_slugs(course_dir: Path, assignment: str, cell_sources: Iterable[str]) -> set[str]:
    """Which exercises an assignment reviews: a public bundle in source/ or release/, or a
    grade_review call in one of its gradebook cells, read by the grader's own parser."""
    slugs = set(_bundle_slugs(course_dir, assignment))
    for source in cell_sources:
        slugs.update(graded_slugs(source))
    return slugs


def read_timestamp(folder: Path) -> pd.Timestamp | None:
    """nbgrader's timestamp.txt in a submission folder, as UTC; None when absent or unreadable."""
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    text = re.sub(r"\s*(UTC|Z)$", "", text)
    stamp = pd.to_datetime(text, utc=True, errors="coerce")
    return None if pd.isna(stamp) else stamp


def resolve_bank(bank: Bank | str | os.PathLike | None, course_dir: Path) -> Bank:
    """A Bank, its folder, or (None) the course's own: $COURSE_BANK, else exercises/."""
    if isinstance(bank, Bank):
        return bank
    if bank is not None:
        return Bank(bank)
    try:
        return Bank(find_bank(course_dir))
    except BankError:
        if (course_dir / "exercises").is_dir():
            return Bank(course_dir / "exercises")
        raise
