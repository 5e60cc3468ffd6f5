"""What `course grade` learns: one StudentResult per student, one ClassReport per run, and the grading statuses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["GRADE_STATUSES", "GRADING_DIR", "ClassReport", "StudentResult", "safe_name"]

GRADING_DIR = "reports/{assignment}/grading"  # staging copy, worker logs, summary: all git-ignored
# A student's grading status, least to most in need of the instructor. (Not course.report's STATUSES.)
GRADE_STATUSES = ("graded", "repaired", "flagged", "failed")


@dataclass
class StudentResult:
    """Everything `course grade` learned about one student, for the summary."""

    student: str
    status: str = "graded"
    reasons: list[str] = field(default_factory=list)  # why repaired, flagged or failed, in full
    notes: list[str] = field(default_factory=list)  # worth knowing, nothing to do
    tags: list[str] = field(default_factory=list)  # a few words each, for the summary table
    score: float | None = None  # the gradebook's autograded total
    max_score: float | None = None
    needs_manual: bool = False
    late_penalty: float = 0.0  # nbgrader's late penalty (its LateSubmissionPlugin), taken off the score
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)  # grade_id -> gradebook/rescore
    seconds: float = 0.0

    def escalate(self, status: str, tag: str, reason: str) -> None:
        if GRADE_STATUSES.index(status) > GRADE_STATUSES.index(self.status):
            self.status = status
        self.reasons.append(reason)
        self._tag(tag)

    def note(self, tag: str, text: str) -> None:
        self.notes.append(text)
        self._tag(tag)

    def _tag(self, tag: str) -> None:
        if tag and tag not in self.tags:
            self.tags.append(tag)

    def to_dict(self) -> dict[str, Any]:
        return {
            "student": self.student,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "needs_manual_grading": self.needs_manual,
            "late_penalty": self.late_penalty,
            "final_score": None if self.score is None else round(max(self.score - self.late_penalty, 0.0), 4),
            "tags": self.tags,
            "reasons": self.reasons,
            "notes": self.notes,
            "reviews": self.reviews,
            "seconds": round(self.seconds, 2),
        }


@dataclass
class ClassReport:
    """The outcome of `course grade`: one StudentResult each, and where things were written."""

    assignment: str
    root: Path
    students: list[StudentResult]
    summary_json: Path
    summary_text: Path
    feedback_dir: Path
    seconds: float
    gradebook: str = ""  # the database URL graded into
    recorded: str = ""  # what became of the assignment's record there: "unchanged" or "recorded"
    execution: str = ""  # how notebooks ran: "none" (kernel-free), "sandbox" or "unsandboxed"
    cells: list[dict[str, Any]] = field(default_factory=list)  # the review cells graded, as summary.json lists them
    bank: dict[str, str | None] = field(default_factory=dict)  # {"root", "private"}: the bank folders graded with

    def count(self, status: str) -> int:
        return sum(1 for s in self.students if s.status == status)

    @property
    def needs_instructor(self) -> bool:
        return any(s.status in ("flagged", "failed") for s in self.students)


def safe_name(name: str) -> str:
    """A student id fit to be a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:100] or "student"
