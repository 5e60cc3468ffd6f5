"""`course export`: an assignment's grades as a CSV a learning management system imports.

Points come from nbgrader's gradebook through its own models (`SubmittedAssignment.score`: each
cell's manual score, else its automatic one, plus extra credit, so whatever graders entered in
formgrader is in), less nbgrader's late penalty, as nbgrader's own CSV export computes it. The
status comes from `course grade`'s summary.json: a student it flagged or could not grade is
marked, and their final score is left empty unless asked for, so a tampering score is never
uploaded blindly. Every student of the roster gets a row; one who handed nothing in is
"missing" with 0.

Cells are written with the csv module, and a text cell that a spreadsheet would read as a
formula (it starts with = + - @, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .extensions import ExtensionError, gradebook_url, open_gradebook, printable
from .hidden_test import GradingError
from .results import GRADE_STATUSES, GRADING_DIR

__all__ = [
    "HELD",
    "ID_COLUMNS",
    "LAYOUTS",
    "ExportError",
    "GradeRow",
    "GradeTable",
    "default_path",
    "read_grades",
    "safe_cell",
    "write_grades",
]

ID_COLUMNS = ("email", "lms_user_id", "student_id")
LAYOUTS = ("full", "canvas")
# Statuses whose final score is left empty unless asked for: not confirmed by `course grade`.
HELD = ("flagged", "failed", "unchecked")
FULL_COLUMNS = (
    "student_id", "first_name", "last_name", "email", "lms_user_id", "points", "max_points", "late_penalty",
    "final_score", "status", "manual_grading_pending", "submitted_at", "flags",
)  # fmt: skip
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(GradingError):
    """The grades cannot be exported; the message names the file or setting and the problem."""


def safe_cell(value: Any) -> str | float:
    """A CSV cell: numbers as they are, text with control characters escaped and a leading
    apostrophe when a spreadsheet would take it for a formula."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value), 4)
    text = "" if value is None else printable(str(value))
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@dataclass
class GradeRow:
    """One student of the roster, and their grade of one assignment."""

    student_id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""
    points: float = 0.0
    max_points: float = 0.0
    late_penalty: float = 0.0
    status: str = "missing"  # GRADE_STATUSES, "missing" (nothing handed in) or "unchecked" (not `course grade`d)
    manual_pending: bool = False
    submitted_at: str = ""
    flags: list[str] = field(default_factory=list)

    @property
    def final(self) -> float:
        return max(0.0, self.points - self.late_penalty)

    @property
    def held(self) -> bool:
        return self.status in HELD

    def identifier(self, column: str) -> str:
        return self.student_id if column == "student_id" else getattr(self, column)


@dataclass
class GradeTable:
    """Every roster student's row of one assignment, and what was found on the way."""

    assignment: str
    max_points: float
    rows: list[GradeRow]
    summary: Path
    summary_found: bool
    problems: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)


def default_path(root: Path, assignment: str) -> Path:
    return root / "reports" / assignment / "grades.csv"


def _summary_rows(path: Path, assignment: str, problems: list[str]) -> dict[str, dict[str, Any]] | None:
    """`course grade`'s rows by student, or None when it has not graded the assignment."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ExportError(f"{path}: cannot be read ({exc}); run `course grade {assignment}` again") from None
    if not isinstance(data, dict) or not isinstance(data.get("students"), list):
        raise ExportError(f"{path}: has no 'students' list; run `course grade {assignment}` again")
    if data.get("assignment") not in (None, assignment):
        raise ExportError(f"{path}: is about assignment {data.get('assignment')!r}, not {assignment!r}")
    rows = {}
    for raw in data["students"]:
        if isinstance(raw, dict) and isinstance(raw.get("student"), str):
            rows[raw["student"]] = raw
    return rows


def _flags(entry: dict[str, Any]) -> list[str]:
    words = entry.get("tags") if entry.get("status") in ("graded", "repaired") else entry.get("reasons")
    return [str(w) for w in words if w] if isinstance(words, list) else []


def _apply_submission(row: GradeRow, sub: Any, folder_exists: bool) -> None:
    row.points = float(sub.score or 0.0)
    row.late_penalty = float(sub.late_submission_penalty or 0.0)
    row.manual_pending = bool(sub.needs_manual_grade)
    row.submitted_at = sub.timestamp.strftime("%Y-%m-%d %H:%M:%S UTC") if sub.timestamp else ""
    # A row without a timestamp or submission folder is the empty one `course extend` records.
    row.status = "unchecked" if (sub.timestamp is not None or folder_exists) else "missing"
    if row.status == "missing":
        row.points, row.late_penalty, row.manual_pending = 0.0, 0.0, False


def _apply_summary(row: GradeRow, entry: dict[str, Any] | None, summary_found: bool) -> None:
    if entry is not None and entry.get("status") in GRADE_STATUSES:
        row.status = entry["status"]
        row.flags = _flags(entry)
    elif row.status == "unchecked":
        row.flags = [
            "not graded by `course grade` (no re-score check)"
            if summary_found
            else "no summary.json: run `course grade`"
        ]


def read_grades(assignment: str, *, course: str | Path | None = None, db_url: str | None = None) -> GradeTable:
    """Every roster student's grade of `assignment`, from the gradebook and `course grade`'s summary."""
    from nbgrader.api import MissingEntry

    try:
        root, url, course_id = gradebook_url(course, db_url)
    except ExtensionError as exc:
        raise ExportError(str(exc)) from None
    summary = root / GRADING_DIR.format(assignment=assignment) / "summary.json"
    problems: list[str] = []
    graded = _summary_rows(summary, assignment, problems)
    submitted_dir = root / "submitted"
    with open_gradebook(url, course_id) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            known = ", ".join(sorted(a.name for a in gb.assignments)) or "none"
            raise ExportError(
                f"assignment {printable(assignment)!r} is not in the gradebook (known: {known})"
            ) from None
        max_points = float(found.max_score or 0.0)
        subs = {s.student_id: s for s in found.submissions}
        rows = []
        for st in sorted(gb.students, key=lambda s: s.id):
            row = GradeRow(
                student_id=st.id,
                first_name=st.first_name or "",
                last_name=st.last_name or "",
                email=st.email or "",
                lms_user_id=st.lms_user_id or "",
                max_points=max_points,
            )
            handed_in = (submitted_dir / st.id / assignment).is_dir()
            if st.id in subs:
                _apply_submission(row, subs[st.id], handed_in)
            elif handed_in:
                row.status, row.flags = "unchecked", ["submitted but not in the gradebook: run `course grade`"]
            _apply_summary(row, (graded or {}).get(st.id), graded is not None)
            rows.append(row)
    outside = sorted(set(graded or {}) - {r.student_id for r in rows})
    if outside:
        problems.append(
            f"{summary}: graded students not in the gradebook's roster, left out: "
            + ", ".join(printable(s) for s in outside)
        )
    return GradeTable(assignment, max_points, rows, summary, graded is not None, problems)


def _full_rows(table: GradeTable, id_column: str, include_held: bool) -> Iterable[list[Any]]:
    header = [id_column, *(c for c in FULL_COLUMNS if c != id_column)]
    yield header
    for r in table.rows:
        final: Any = "" if r.held and not include_held else r.final
        values = {
            "student_id": r.student_id,
            "first_name": r.first_name,
            "last_name": r.last_name,
            "email": r.email,
            "lms_user_id": r.lms_user_id,
            "points": r.points,
            "max_points": r.max_points,
            "late_penalty": r.late_penalty,
            "final_score": final,
            "status": r.status.upper() if r.held else r.status,
            "manual_grading_pending": "yes" if r.manual_pending else "no",
            "submitted_at": r.submitted_at,
            "flags": "; ".join(r.flags),
        }
        yield [values[c] for c in header]


def _canvas_rows(table: GradeTable, id_column: str, include_held: bool) -> Iterable[list[Any]]:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one
    column per assignment (titled with its name) and a Points Possible row under the header.
    The chosen id fills ID (lms_user_id: Canvas's user id) or SIS Login ID (email, student_id)."""
    yield ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", table.assignment]
    yield ["    Points Possible", "", "", "", "", table.max_points]
    for r in table.rows:
        name = ", ".join(p for p in (r.last_name, r.first_name) if p) or r.student_id
        canvas_id = r.lms_user_id if id_column == "lms_user_id" else ""
        login = r.identifier(id_column) if id_column != "lms_user_id" else ""
        yield [name, canvas_id, "", login, "", "" if r.held and not include_held else r.final]


def write_grades(
    table: GradeTable, path: Path, *, id_column: str = "email", layout: str = "full", include_held: bool = False
) -> list[str]:
    """Write `table` as CSV to `path`; return warnings (students the LMS cannot match)."""
    if id_column not in ID_COLUMNS:
        raise ExportError(f"--id-column {id_column!r}: choose one of {', '.join(ID_COLUMNS)}")
    if layout not in LAYOUTS:
        raise ExportError(f"--layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    rows = (
        _canvas_rows(table, id_column, include_held)
        if layout == "canvas"
        else _full_rows(table, id_column, include_held)
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for values in rows:
                writer.writerow([safe_cell(v) for v in values])
    except OSError as exc:
        raise ExportError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    blank = [r.student_id for r in table.rows if not r.identifier(id_column)]
    if blank:
        return [
            f"{len(blank)} student{'s' * (len(blank) != 1)} without {id_column} in the roster (the LMS cannot "
            f"match them): {', '.join(printable(s) for s in blank[:10])}{' ...' if len(blank) > 10 else ''}"
        ]
    return []
