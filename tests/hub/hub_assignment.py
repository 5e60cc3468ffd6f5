"""The assignment both multi-user tests hand out, and what each kind of student does with it.

One review from the real bank (the first exercise with two defects), in the course's own
notebook shape (tests/fixtures/source): the viewer cell, a solution cell, and a grade cell
whose hidden test is `grade_review(slug, points=N)`. Each plan's expected points come from the
scorer, computed here, outside nbgrader: the tests compare the gradebook against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from hub_harness import REPO

from course import CATEGORIES
from course.grading.hidden_test import points_for
from course.keys import Bank, Exercise
from course.review import Finding
from course.scoring import score

ASSIGNMENT = "review-on-hub"
NOTEBOOK = "review"
POINTS = 10.0


# --- the assignment ------------------------------------------------------------------------


def pick_exercise() -> Exercise:
    """The first exercise of the bank with at least two defects (a partial review is possible)."""
    bank = Bank(REPO / "exercises")
    for exercise in bank:
        if len(exercise.key.defects) >= 2:
            return exercise
    pytest.fail(f"no exercise in {bank.root} has two defects")


def cell(kind: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    node = make(source)
    if nbgrader:
        node.metadata["nbgrader"] = {"schema_version": 3, "locked": True, "solution": False, "grade": False, **nbgrader}
    return node


def write_assignment(course_dir: Path, exercise: Exercise) -> None:
    """A one-review assignment in the course's own shape (see tests/fixtures/source)."""
    slug = exercise.slug
    folder = course_dir / "source" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{slug}.diff").write_text(exercise.bundle_text, encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.cells = [
        cell("markdown", f"# Review: {exercise.title}\n\nFlag every defect in the viewer, then choose a verdict."),
        cell("code", "from course.review import Review", grade_id="setup"),
        cell("code", f'review = Review.open("{slug}.diff")\nreview', grade_id=f"open_{slug.replace('-', '_')}"),
        cell(
            "code",
            "### BEGIN SOLUTION\nfrom course.keys import solve\nsolve(review)\n### END SOLUTION",
            grade_id=f"answer_{slug.replace('-', '_')}",
            solution=True,
            locked=False,
        ),
        cell(
            "code",
            f'"""Is the review of {slug} right? Scored against the answer key on the grading machine."""\n'
            f"from course.grading import require_review\n"
            f'require_review("{slug}")\n'
            "### BEGIN HIDDEN TESTS\n"
            "from course.grading import grade_review\n"
            f'grade_review("{slug}", points={POINTS:g})\n'
            "### END HIDDEN TESTS",
            grade_id=f"grades_review_of_{slug.replace('-', '_')}",
            grade=True,
            points=POINTS,
        ),
    ]
    nbformat.write(nb, folder / f"{NOTEBOOK}.ipynb")


# --- what each student does ------------------------------------------------------------------


@dataclass
class Plan:
    """One student's review: the findings they flag and the verdict they choose."""

    findings: list[dict]
    verdict: str | None
    expected: float = 0.0  # points, computed here by the scorer, outside nbgrader


def quiet_line(exercise: Exercise) -> tuple[str, int]:
    """A new-side line of the diff far from every defect and decoy: a harmless false positive."""
    key = exercise.key
    spans = [(d.file, d.lines) for d in key.defects] + [(d.file, d.lines) for d in key.decoys]
    for fd, line in exercise.diff.lines():
        if line.side != "new":
            continue
        if all(f != fd.path or not (lo - 3 <= line.number <= hi + 3) for f, (lo, hi) in spans):
            return fd.path, line.number
    pytest.fail(f"{exercise.slug}: no line of the diff is clear of defects and decoys")


def plans(exercise: Exercise) -> dict[str, Plan]:
    key = exercise.key
    defects = list(key.defects)

    def flag(d, category=None, comment="") -> dict:
        return {
            "path": d.file,
            "side": d.side,
            "start": d.lines[0],
            "end": d.lines[1],
            "category": category or d.category,
            "severity": d.severity,
            "comment": comment or f"This looks wrong: {d.category}.",
        }

    other = next(c for c in CATEGORIES if c != defects[1].category and c not in defects[1].also)
    path, number = quiet_line(exercise)
    out = {
        # every defect, right lines and categories: full marks
        "thorough": Plan([flag(d) for d in defects], key.verdict),
        # one right, one on the right lines with the wrong category, one false alarm (free)
        "partial": Plan(
            [
                flag(defects[0]),
                flag(defects[1], other),
                {
                    "path": path,
                    "side": "new",
                    "start": number,
                    "end": number,
                    "category": "logic",
                    "severity": "minor",
                    "comment": "Is this right?",
                },
            ],
            "request-changes",
        ),
        # "looks good to me": approves without a flag, earns nothing
        "approver": Plan([], "approve"),
    }
    for plan in out.values():
        findings = [Finding.from_dict({**f, "id": f"f{i}"}) for i, f in enumerate(plan.findings)]
        plan.expected = points_for(score(findings, key, plan.verdict).score, POINTS)
    return out


def make_course_dir(course_dir: Path, exercise: Exercise, roster: dict[str, str]) -> Path:
    """An instructor's course directory as a checkout would give it: the repository's own
    nbgrader_config.py as it is, the bank with this one exercise, the assignment's source, and a
    roster (nbgrader id -> first name)."""
    import csv
    import shutil

    course_dir.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", course_dir / "nbgrader_config.py")
    shutil.copytree(exercise.root, course_dir / "exercises" / exercise.slug)
    write_assignment(course_dir, exercise)
    with open(course_dir / "roster.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "first_name", "last_name", "email"])
        for student_id, first in roster.items():
            w.writerow([student_id, first, "Student", ""])
    return course_dir


# --- a whole term (tests/hub/test_term_on_hub.py): a short answer a TA grades, a late policy ---

SHORT = "short_answer"
SHORT_POINTS = 2.0

# nbgrader's late-submission plugin, the SubMarks example of its documentation ("plugins/late
# plugin"), charging every hour begun rather than rounding: a submission a few seconds late
# loses one point. The course directory holds it as late.py, next to nbgrader_config.py.
LATE_PLUGIN = '''"""Late penalty: one point per hour late or part of one, never more than the score."""

import math

from nbgrader.plugins import BasePlugin


class SubMarks(BasePlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return min(score, math.ceil(total_seconds_late / 3600))
'''
LATE_CONFIG = (
    "\n# The late policy (docs/deploy.md, the test of a whole term): late.py beside this file.\n"
    'c.AssignLatePenalties.plugin_class = "late.SubMarks"\n'
)


def late_penalty(seconds_late: float, score: float) -> float:
    """What LATE_PLUGIN charges, computed here for the tests to compare against."""
    import math

    return float(min(score, math.ceil(seconds_late / 3600))) if seconds_late > 0 else 0.0


def add_short_answer(course_dir: Path) -> None:
    """A hand-graded question after the review (as in tests/fixtures/source): a TA scores it."""
    path = course_dir / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(cell("markdown", "## Before you approve\n\nWhat would you ask the author before approving?"))
    nb.cells.append(
        cell(
            "markdown",
            "### BEGIN SOLUTION\nWhich inputs were tested?\n### END SOLUTION",
            grade_id=SHORT,
            grade=True,
            solution=True,
            locked=False,
            points=SHORT_POINTS,
        )
    )
    nbformat.write(nb, path)


def add_late_policy(course_dir: Path) -> None:
    """The instructor's late policy: nbgrader's plugin in late.py, named in nbgrader_config.py."""
    (course_dir / "late.py").write_text(LATE_PLUGIN, encoding="utf-8")
    with open(course_dir / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write(LATE_CONFIG)


def answer_code(folder: Path, text: str) -> str:
    """A student types an answer into the short-answer cell and saves the notebook (kernel code)."""
    return "\n".join(
        [
            "import nbformat",
            f"path = {str(folder / f'{NOTEBOOK}.ipynb')!r}",
            "nb = nbformat.read(path, as_version=4)",
            f"[c for c in nb.cells if c.metadata.get('nbgrader', {{}}).get('grade_id') == {SHORT!r}][0].source = {text!r}",
            "nbformat.write(nb, path)",
            "print('answered')",
        ]
    )
