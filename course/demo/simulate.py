"""`course demo`: a whole grading day in a minute, in a temporary course directory.

Builds a course from one assignment of source/, simulates a class (a careful reviewer, a
hurried one, one who flags everything, one who tampers with the grader, one who broke a
cell, one who hands in a classmate's findings file...), grades it with `course grade`, writes the
class report with `course report`, and says where the report, a feedback page and the summary
are. The demo course carries a copy of the exercises it reviews (exercises/), so `course grade`
and `course report` find the bank there, as in any course directory.
The simulation helpers are also what benchmarks/bench_grade.py uses to make a large class.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import os
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..grading import GradingError
from ..grading.cells import assignment_reviews
from ..grading.nbconfig import find_course_root
from ..keys.bank import Bank, find_bank
from ..review.store import SCHEMA
from ..vocab import CATEGORIES

__all__ = ["ROSTER", "Student", "make_class", "make_course", "run_demo", "simulate"]


@dataclass(frozen=True)
class Student:
    name: str
    style: str
    blurb: str


ROSTER = (
    Student("ada", "perfect", "finds every planted defect and names it right"),
    Student("grace", "careful", "finds most, with one harmless false alarm"),
    Student("alan", "hurried", "finds the first defect and stops"),
    Student("edsger", "miscategorised", "finds the lines, misnames the problems"),
    Student("linus", "spray", "flags every changed line"),
    Student("barbara", "approver", "approves without comment"),
    Student("ken", "tamperer", "patches grade_review in an answer cell (that cell never runs)"),
    Student("dennis", "copy-paste", "pasted a second copy of a grade cell"),
    Student("margaret", "no-review", "forgot to flag anything at all"),
    Student("donald", "broken-upload", "whose notebook was cut short on upload"),
    Student("charles", "copier", "handed in a copy of grace's findings files"),
)
COPIED = "careful"  # whose files the copier hands in


def _finding(
    rng: random.Random, path: str, side: str, start: int, end: int, category: str, comment: str
) -> dict[str, Any]:
    """A finding as the viewer saves it: a random 10-digit id, the time it was made."""
    moment = _dt.datetime(2026, 3, 6, 9, 0, tzinfo=_dt.UTC) + _dt.timedelta(seconds=rng.uniform(0, 5400))
    stamp = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "id": f"{rng.getrandbits(40):010x}",
        "path": path,
        "side": side,
        "start": start,
        "end": end,
        "category": category,
        "severity": "major",
        "comment": comment,
        "created": stamp,
        "updated": stamp,
    }


class _Student:
    """One simulated reviewer of one exercise: the findings they raise and their verdict."""

    def __init__(self, exercise: Any, rng: random.Random):
        self.key = exercise.key
        self.diff = exercise.diff
        self.rng = rng
        self.found: list[dict[str, Any]] = []
        self.verdict: str | None = self.key.verdict

    def flag(self, d: Any, category: str | None = None) -> None:
        self.found.append(
            _finding(self.rng, d.file, d.side, d.lines[0], d.lines[0], category or d.category, "this breaks when ...")
        )

    def other(self, category: str) -> str:
        return self.rng.choice([c for c in CATEGORIES if c != category])

    def perfect(self) -> None:
        for d in self.key.defects:
            self.flag(d)

    def careful(self) -> None:
        defects = list(self.key.defects)
        for d in defects[:-1] if len(defects) > 1 else defects:
            self.flag(d)
        for decoy in self.key.decoys[:1]:
            self.found.append(
                _finding(
                    self.rng, decoy.file, decoy.side, decoy.lines[0], decoy.lines[0], "error-handling", "is this safe?"
                )
            )

    def hurried(self) -> None:
        for d in self.key.defects[:1]:
            self.flag(d)

    def miscategorised(self) -> None:
        for d in self.key.defects:
            self.flag(d, self.other(d.category))

    def copy_paste(self) -> None:
        self.perfect()
        if len(self.found) > 1:
            self.found.pop()

    def spray(self) -> None:
        for fd, line in self.diff.lines():
            if line.kind == "add":
                self.found.append(_finding(self.rng, fd.path, line.side, line.number, line.number, "logic", "?"))
        self.verdict = "request-changes"

    def approver(self) -> None:
        self.verdict = "approve"

    def empty(self) -> None:
        self.verdict = None

    def tamperer(self) -> None:
        self.verdict = "request-changes"
        fd, line = next(iter(self.diff.lines()))
        self.found.append(_finding(self.rng, fd.path, line.side, line.number, line.number, "logic", "?"))


_STYLES = {
    "perfect": _Student.perfect,
    "careful": _Student.careful,
    "hurried": _Student.hurried,
    "broken-upload": _Student.hurried,
    "miscategorised": _Student.miscategorised,
    "copy-paste": _Student.copy_paste,
    "spray": _Student.spray,
    "approver": _Student.approver,
    "empty": _Student.empty,
    "tamperer": _Student.tamperer,
}


def simulate(exercise: Any, style: str, rng: random.Random) -> dict[str, Any] | None:
    """A sidecar (as JSON data) a student of `style` might submit; None for no file at all."""
    if style == "no-review":
        return None
    if style not in _STYLES:
        raise ValueError(f"unknown style {style!r}")
    student = _Student(exercise, rng)
    _STYLES[style](student)
    return {
        "schema": SCHEMA,
        "exercise": exercise.slug,
        "diff_sha256": exercise.bundle.diff_sha256,
        "verdict": student.verdict,
        "findings": student.found,
    }


def _grade_cell_index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _mutations(style: str, cells) -> Callable[[Any], None] | None:
    if style == "tamperer":

        def patch(nb):
            answer = next(
                c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
            )
            answer.source = (
                "import course.grading\n"
                "course.grading.grade_review = lambda slug, points=10: float(points)\n"
                "course.grading.require_review = lambda slug: None"
            )

        return patch
    if style == "copy-paste":

        def paste(nb):
            i = _grade_cell_index(nb, cells[0].grade_id)
            pasted = copy.deepcopy(nb.cells[i])
            pasted.id = "pasted-copy"
            nb.cells.insert(i + 1, pasted)

        return paste
    return None


def make_class(
    course: Path, assignment: str, roster: list[Student] | tuple[Student, ...], bank: Bank, seed: int = 2026
) -> None:
    """Write submitted/<student>/<assignment>/ for each student, from the release notebooks."""
    import nbformat

    release = course / "release" / assignment
    notebooks = sorted(release.glob("*.ipynb"))
    cells = assignment_reviews(course / "source" / assignment)
    rng = random.Random(seed)
    copied = next((s.name for s in roster if s.style == COPIED), None)
    for student in sorted(roster, key=lambda s: s.style == "copier"):  # copiers last: their source exists
        folder = course / "submitted" / student.name / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for nb_path in notebooks:
            nb = nbformat.read(nb_path, as_version=4)
            change = _mutations(student.style, [c for c in cells if c.notebook == nb_path.stem])
            if change is not None:
                change(nb)
            text = nbformat.writes(nb) + "\n"
            if student.style == "broken-upload":
                text = text[: len(text) // 2]  # what an interrupted upload leaves behind
            (folder / nb_path.name).write_text(text, encoding="utf-8")
        for c in cells:
            if student.style == "copier":
                source = course / "submitted" / str(copied) / assignment / f"{c.slug}.findings.json"
                if copied is not None and source.is_file():
                    shutil.copyfile(source, folder / source.name)
                continue
            data = simulate(bank.get(c.slug), student.style, rng)
            if data is not None:
                (folder / f"{c.slug}.findings.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        (folder / "timestamp.txt").write_text("2026-03-06 09:00:00.000000 UTC\n")


def make_course(target: Path, root: Path, assignment: str, bank: Bank) -> Bank:
    """A fresh course directory holding one assignment, its release built by nbgrader, and a
    copy of the exercises it reviews in exercises/ (found there by `course grade` and `course
    report`, as in any course directory); returns that bank."""
    from ..grading.build import build
    from ..grading.nbconfig import environ

    target.mkdir(parents=True, exist_ok=True)
    config = (root / "nbgrader_config.py").read_text(encoding="utf-8")
    # The demo's own gradebook, whatever COURSE_DB_URL or a Jupyter config folder says: a
    # simulated class must never reach the real one.
    config += (
        "\n# course demo: this temporary course keeps its own gradebook.\n"
        'c.CourseDirectory.db_url = "sqlite:///" + os.path.join(os.path.dirname(os.path.abspath(__file__)), '
        '"gradebook.db")\n'
    )
    (target / "nbgrader_config.py").write_text(config, encoding="utf-8")
    shutil.copytree(
        root / "source" / assignment,
        target / "source" / assignment,
        ignore=shutil.ignore_patterns("*.findings.json", ".*"),
    )
    for slug in dict.fromkeys(c.slug for c in assignment_reviews(root / "source" / assignment)):
        shutil.copytree(
            bank.get(slug).root, target / "exercises" / slug, ignore=shutil.ignore_patterns("__pycache__", ".*")
        )
    own = Bank(target / "exercises")
    with environ(COURSE_BANK=str(own.root.resolve())):
        report = build(target, assignments=[assignment], check=False, echo=lambda line: None)
    if not report.ok:
        raise GradingError("; ".join(p for a in report.assignments for p in a.problems))
    return own


def run_demo(
    *, assignment: str | None = None, directory: str | os.PathLike | None = None, jobs: int = 2, console=None
) -> dict[str, Any]:
    """Build a course, simulate a class, grade it; return where everything is."""
    from rich.console import Console
    from rich.markup import escape as esc
    from rich.panel import Panel

    from ..grading.classgrader import grade_class
    from ..grading.summary import summary_details, summary_table
    from ..report import class_report, write_report
    from ..report.text import summary_lines

    console = console or Console()
    root = find_course_root()
    bank = Bank(find_bank(root))
    names = sorted(p.name for p in (root / "source").iterdir() if any(p.glob("*.ipynb")))
    if not names:
        raise GradingError(f"{root / 'source'}: no assignments to demonstrate")
    assignment = assignment or names[0]
    if assignment not in names:
        raise GradingError(f"no assignment {assignment!r} in source/ (there are: {', '.join(names)})")
    target = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="course-demo-"))
    if directory and any(target.iterdir() if target.exists() else ()):
        raise GradingError(f"{target} is not empty: give an empty or new folder")
    reviews = assignment_reviews(root / "source" / assignment)
    slugs = [c.slug for c in reviews]
    notebooks = list(dict.fromkeys(c.notebook for c in reviews)) or ["<notebook>"]

    console.print(
        Panel.fit(
            f"[bold]Code Review Academy: a grading day in a minute[/]\n\n"
            f"Assignment [bold]{assignment}[/] (reviews of {', '.join(slugs)}), a simulated class of "
            f"{len(ROSTER)}, graded by nbgrader in {jobs} worker{'s' * (jobs != 1)}.\n"
            f"Everything happens in [cyan]{target}[/]; your course directory is not touched.",
            border_style="cyan",
        )
    )
    with console.status("Building the course: bundles, then nbgrader generate_assignment ..."):
        bank = make_course(target, root, assignment, bank)
    console.print(f"[green]✓[/] built {esc(str(target / 'release' / assignment))}, with its exercises in exercises/")
    make_class(target, assignment, ROSTER, bank)
    console.print(f"[green]✓[/] {len(ROSTER)} submissions in {esc(str(target / 'submitted'))}:")
    for s in ROSTER:
        console.print(f"    [bold]{s.name:<9}[/] {s.blurb}")
    console.print("\n[bold]Grading[/] (preflight, parallel autograde, re-score, feedback):")
    # no bank given: `course grade` finds the demo course's exercises/, as it would in yours
    report = grade_class(assignment, root=target, jobs=jobs, console=console)
    console.print(summary_table(report))
    for line in summary_details(report):
        console.print(line, highlight=False)
    console.print("\n[bold]Class report[/] (course report):")
    analytics = class_report(target, assignment)
    for line in summary_lines(analytics):
        console.print(esc(line), highlight=False)
    class_page = write_report(analytics)
    careful = next((s.name for s in ROSTER if s.style == COPIED), ROSTER[0].name)
    page = report.feedback_dir / careful / assignment / f"{notebooks[0]}.html"
    shown = esc(str(page)) if page.is_file() else f"(none: {careful} was not graded cleanly)"
    console.print(
        Panel(
            "\n".join(
                [
                    "[bold]Class report[/]: what the class missed, verdicts, late work, shared answers, every student:",
                    f"  [cyan]{esc(str(class_page))}[/]",
                    "[bold]Feedback[/], one page per student and notebook (the course's per-defect feedback at the top):",
                    f"  {careful}'s feedback: [cyan]{shown}[/]",
                    f"  everyone's: {esc(str(report.feedback_dir))}/<student>/{esc(assignment)}/<notebook>.html",
                    "[bold]Summary[/] of the run:",
                    f"  [cyan]{esc(str(report.summary_text))}[/] (and {esc(report.summary_json.name)})",
                    "",
                    "No student code ran: every graded cell is a review, scored from its findings file, so",
                    "the tamperer's patch had nothing to patch. A pasted cell was repaired, and a broken",
                    "upload graded from its findings files (enter its other answers by hand).",
                    "The copier's files are grace's, byte for byte: the report groups them under shared answers.",
                    f"Again yourself: [bold]cd {esc(str(target))} && course grade {esc(assignment)} && "
                    f"course report {esc(assignment)}[/]",
                ]
            ),
            title="Where to look",
            border_style="green",
            expand=False,
        )
    )
    return {"course": target, "report": report, "feedback_page": page, "class_report": class_page}
