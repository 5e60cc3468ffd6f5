"""One `course grade` run's context: where, with what, for whom, and what it learned so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..review.checks import quiet
from .cells import ReviewCell, assignment_reviews, refuse_sidecars_in_source
from .hidden_test import GradingError, Rescore
from .nbconfig import course_config, find_course_root
from .results import GRADING_DIR, StudentResult

if TYPE_CHECKING:  # pragma: no cover
    from ..keys.bank import Bank

__all__ = ["GradingRun", "prepare"]


@dataclass
class GradingRun:
    """Everything one `course grade` run knows: where, with what, for whom, and what it learned."""

    assignment: str
    root: Path
    cd: Any  # nbgrader's CourseDirectory
    cfg: Any  # the traitlets Config the workers share
    bank: Bank
    cells: list[ReviewCell]
    students: list[str]
    feedback: bool
    console: Any
    limit: float | None
    began: float
    results: dict[str, StudentResult] = field(default_factory=dict)
    outcomes: dict[str, list[Rescore]] = field(default_factory=dict)  # student -> re-scores, as `cells`
    releases: dict[str, Any] = field(default_factory=dict)  # notebook name -> release notebook
    recorded: str = ""
    seen: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> snapshot of submitted/ at intake
    guarded: dict[str, tuple[Path, dict[str, str]]] = field(default_factory=dict)  # name -> (folder, snapshot)
    only: list[str] | None = None  # `--student`: these students alone are graded; the rest are kept
    execution: str = "none"  # "none" (kernel-free), "sandbox" or "unsandboxed": see kernelfree.choose_execution

    @property
    def grading(self) -> Path:
        return self.root / GRADING_DIR.format(assignment=self.assignment)

    @property
    def staging(self) -> Path:
        return self.grading / "submitted"

    @property
    def logs(self) -> Path:
        return self.grading / "logs"

    def folder(self, tree: str, student: str) -> Path:
        """A student's folder of this assignment under submitted/, autograded/ or feedback/."""
        directory = {
            "submitted": self.cd.submitted_directory,
            "autograded": self.cd.autograded_directory,
            "feedback": self.cd.feedback_directory,
        }[tree]
        return self.root / directory / student / self.assignment


def prepare(assignment: str, root, bank, *, db_url, **options: Any) -> GradingRun:
    """Check the course, the assignment, its keys and its submissions before anything runs."""
    from ..keys.bank import Bank, BankError, find_bank

    root = find_course_root(root)
    cfg = course_config(root, db_url=db_url)
    with quiet():
        from nbgrader.coursedir import CourseDirectory

    cd = CourseDirectory(config=cfg)
    source = Path(cd.format_path(cd.source_directory, ".", assignment))
    submitted = root / cd.submitted_directory
    if not source.is_dir():
        raise GradingError(f"{source}: no such assignment in source/")
    refuse_sidecars_in_source(source, GradingError)
    try:
        bank = Bank(bank if bank is not None else find_bank(root))
    except BankError as exc:
        raise GradingError(str(exc)) from None
    cells = assignment_reviews(source)
    for rc in cells:
        try:
            _ = bank.get(rc.slug).key  # loading it is the check
        except (BankError, ValueError) as exc:
            raise GradingError(f"{rc.notebook} grades {rc.slug!r}, whose key cannot be loaded: {exc}") from None
    students = (
        sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir() and not p.name.startswith("."))
        if submitted.is_dir()
        else []
    )
    if not students:
        raise GradingError(f"no submissions of {assignment} under {submitted}")
    only = options.get("only")
    if only is not None:
        unknown = [s for s in only if s not in students]
        if unknown:
            raise GradingError(
                f"no submission of {assignment} under {submitted} for {', '.join(map(repr, unknown))} "
                f"(there are {len(students)}: {', '.join(students[:5])}{', ...' if len(students) > 5 else ''})"
            )
        students = [s for s in students if s in set(only)]
    return GradingRun(assignment, root, cd, cfg, bank, cells, students, **options)
