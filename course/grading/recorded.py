"""What the gradebook recorded for one assignment's students, read in two queries rather than one query per score."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

__all__ = ["Recorded", "Submission", "of_assignment", "read_recorded"]


def of_assignment(query: Any, notebook_id: Any, assignment: str) -> Any:
    """`query` (over rows of one submitted notebook: grades, comments) joined up to the student
    and the assignment whose name is `assignment`; `notebook_id` is the row's SubmittedNotebook key."""
    from nbgrader.api import Assignment, Notebook, Student, SubmittedAssignment, SubmittedNotebook

    return (
        query.join(SubmittedNotebook, SubmittedNotebook.id == notebook_id)
        .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
        .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
        .join(Student, Student.id == SubmittedAssignment.student_id)
        .filter(Assignment.name == assignment)
    )


@dataclass(frozen=True)
class Submission:
    """A student's SubmittedAssignment, as `Gradebook.find_submission` would show it."""

    score: float
    max_score: float
    needs_manual_grade: bool
    late_penalty: float = 0.0  # nbgrader's late_submission_penalty, None read as 0


class Recorded:
    """Submissions and grade cells' auto scores of one assignment, read at once from `gb`.

    Asked for a row the bulk read did not find exactly once (none, or several), it asks nbgrader
    itself (`find_submission`, `find_grade`), so every answer, MissingEntry and
    MultipleResultsFound included, is the one nbgrader would give.
    """

    def __init__(self, gb: Any, assignment: str, grade_ids: list[str]):
        from nbgrader.api import Assignment, Grade, GradeCell, Notebook, Student, SubmittedAssignment

        self.gb, self.assignment = gb, assignment
        rows = (
            gb.db.query(
                Student.id,
                SubmittedAssignment.score,
                SubmittedAssignment.max_score,
                SubmittedAssignment.needs_manual_grade,
                SubmittedAssignment.late_submission_penalty,
            )
            .select_from(SubmittedAssignment)
            .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
            .join(Student, Student.id == SubmittedAssignment.student_id)
            .filter(Assignment.name == assignment)
            .all()
        )
        seen = Counter(row[0] for row in rows)
        self.submissions = {
            row[0]: Submission(float(row[1]), float(row[2]), bool(row[3]), float(row[4] or 0.0))
            for row in rows
            if seen[row[0]] == 1
        }
        grades = (
            of_assignment(
                gb.db.query(Student.id, Notebook.name, GradeCell.name, Grade.auto_score)
                .select_from(Grade)
                .join(GradeCell, GradeCell.id == Grade.cell_id),
                Grade.notebook_id,
                assignment,
            )
            .filter(GradeCell.name.in_(sorted(set(grade_ids))))
            .all()
        )
        counted = Counter((row[0], row[1], row[2]) for row in grades)
        self.grades = {(row[0], row[1], row[2]): row[3] for row in grades if counted[(row[0], row[1], row[2])] == 1}

    def submission(self, student: str) -> Submission:
        """The student's submission; MissingEntry when nbgrader recorded none."""
        found = self.submissions.get(student)
        if found is not None:
            return found
        sub = self.gb.find_submission(self.assignment, student)
        return Submission(
            float(sub.score),
            float(sub.max_score),
            bool(sub.needs_manual_grade),
            float(sub.late_submission_penalty or 0.0),
        )

    def auto_score(self, student: str, notebook: str, grade_id: str) -> float | None:
        """The grade cell's auto_score (None when unset); MissingEntry when there is no grade."""
        key = (student, notebook, grade_id)
        if key in self.grades:
            auto = self.grades[key]
        else:
            auto = self.gb.find_grade(grade_id, notebook, self.assignment, student).auto_score
        return None if auto is None else float(auto)


def read_recorded(gb: Any, assignment: str, grade_ids: list[str]) -> Recorded:
    """Everything the re-score compares for `assignment`, read from the open Gradebook `gb`."""
    return Recorded(gb, assignment, grade_ids)
