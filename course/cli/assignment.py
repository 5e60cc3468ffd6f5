"""`course assignment new NAME SLUG...`: a graded review assignment in source/NAME/, written
with the course's cell convention (docs/design.md, "Assignment notebooks"), ready for
`course build NAME`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from ..grading.hidden_test import GradingError
from ..grading.nbconfig import find_course_root
from ..keys.bank import Bank, BankError, Exercise, find_bank
from .main import bank_option, course_option, main

__all__ = ["SHORT_ANSWER_POINTS", "assignment_notebook", "new_assignment"]

SHORT_ANSWER_POINTS = 2
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_GRADED = (
    "**How this is graded.** Your findings are saved as you flag them, in a review file beside this "
    "notebook, and that file is what gets graded, against an answer key kept on the grading machine "
    "(never in this notebook). A planted defect you flag with the right category earns its full weight "
    "(blocker 3, major 2, minor 1); the right lines with another category earn half. Your first false "
    "positive is free; each further one costs half a point of weight, so flag what you would really "
    "comment on. A change with nothing wrong is worth approving: say so with the verdict. The short "
    "answer at the end is graded by hand.\n\n"
    "Run the **self-check** cell before you submit: it checks the structure of your review (every "
    "finding points at a line of the diff, has a category and a comment, and you chose a verdict), "
    "never whether your answers are right."
)
_HOW = (
    "Flag lines in the viewer above: select a line (shift-click for a range), choose a category and a "
    "severity, and say in the comment what is wrong and why, as you would to the author. You can also "
    'flag from code in the cell below, for example `{var}.flag("path/in/the/diff.py", 42, "logic", '
    '"what is wrong and why", severity="major")`, and set `{var}.verdict = "request-changes"` (or `"approve"`).'
)


def _cell(kind: str, cell_id: str, source: str, **nbgrader: Any) -> dict[str, Any]:
    import nbformat

    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source, id=cell_id)
    if nbgrader:
        meta = {"grade": False, "grade_id": cell_id, "locked": False, "schema_version": 3, "solution": False}
        cell.metadata["nbgrader"] = {**meta, **nbgrader}
    return cell


def points_for(exercise: Exercise) -> int:
    """A review's points: its key's total weight (blocker 3, major 2, minor 1; a correct change's
    verdict is one unit), so a review is worth what scoring weighs."""
    return exercise.key.total_weight


def assignment_notebook(name: str, exercises: list[Exercise]) -> Any:
    """The source notebook: per review an open, answer (solution), self-check and grade cell,
    then one short answer graded by hand."""
    import nbformat

    cells = [
        _cell("markdown", "intro", f"# {name}\n\nYou review {len(exercises)} pull request(s).\n\n{_GRADED}"),
        _cell(
            "code",
            "setup",
            "from course.review import Review\nfrom course.grading import self_check",
            locked=True,
        ),
    ]
    for i, ex in enumerate(exercises, 1):
        var, ident = ("review" if i == 1 else f"review{i}"), ex.slug.replace("-", "_")
        points = points_for(ex)
        cells += [
            _cell("markdown", f"about_{ident}", f"## Review {i}: {ex.title}\n\nRead the description, then the diff."),
            _cell("code", f"open_{ident}", f'{var} = Review.open("{ex.slug}.diff")\n{var}', locked=True),
            _cell("markdown", f"how_{ident}", _HOW.format(var=var)),
            _cell(
                "code",
                f"answer_{ident}",
                f"### BEGIN SOLUTION\nfrom course.keys import solve\nsolve({var});\n### END SOLUTION",
                solution=True,
            ),
            _cell(
                "markdown",
                f"check_about_{ident}",
                "Check the structure of your review before you submit (this never looks at the answers):",
            ),
            _cell("code", f"self_check_{ident}", f'self_check("{ex.slug}")', locked=True),
            _cell(
                "code",
                f"grades_review_of_{ident}",
                f'"""Is the review of {ex.slug} right? Scored against the answer key on the grading machine."""\n'
                f'from course.grading import require_review\nrequire_review("{ex.slug}")\n'
                "### BEGIN HIDDEN TESTS\nfrom course.grading import grade_review\n"
                f'grade_review("{ex.slug}", points={points})\n### END HIDDEN TESTS',
                grade=True,
                locked=True,
                points=points,
            ),
        ]
    cells += [
        _cell(
            "markdown",
            "question",
            "## Before you approve\n\nBesides the code, what would you ask the author, or need to see "
            f"(tests, rollout, monitoring, rollback), before these changes reach customers? "
            f"(Graded by hand: {SHORT_ANSWER_POINTS} points.)",
        ),
        _cell(
            "markdown",
            "short_answer",
            "### BEGIN SOLUTION\nMarking guide (instructor, edit me): full marks for a concrete test, rollout "
            "or rollback the change lacks, tied to what could go wrong; half marks for a generic one.\n"
            "### END SOLUTION",
            grade=True,
            solution=True,
            points=SHORT_ANSWER_POINTS,
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def new_assignment(root: Path, name: str, slugs: list[str], bank: Bank) -> Path:
    """Write source/NAME/NAME.ipynb reviewing SLUGS; refuse to overwrite, name unknown slugs."""
    import nbformat

    if not _NAME.match(name):
        raise click.ClickException(f"{name!r}: an assignment name is lower-case letters, digits and '-'")
    folder = root / "source" / name
    if folder.exists():
        raise click.ClickException(f"{folder} already exists: choose another name, or edit it by hand")
    if not slugs:
        raise click.ClickException("name at least one exercise to review")
    dupes = sorted({s for s in slugs if slugs.count(s) > 1})
    if dupes:
        raise click.ClickException(f"{', '.join(dupes)}: named twice (one review of an exercise per assignment)")
    known = bank.slugs()
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise click.ClickException(
            f"{bank.root}: no exercise {', '.join(repr(s) for s in unknown)} (known: {', '.join(known) or 'none'})"
        )
    try:
        exercises = [bank.get(s) for s in slugs]
        for ex in exercises:
            _ = ex.key
    except BankError as exc:
        raise click.ClickException(str(exc)) from None
    nb = assignment_notebook(name, exercises)
    folder.mkdir(parents=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@main.group()
def assignment() -> None:
    """Make graded assignments (source/NAME/) from exercises in the bank."""


@assignment.command("new")
@click.argument("name")
@click.argument("slugs", nargs=-1, required=True)
@course_option
@bank_option
def new(name: str, slugs: tuple[str, ...], course_dir: str | None, bank_dir: str | None) -> None:
    """Write source/NAME/NAME.ipynb, one graded review per SLUG and a short answer.

    Each review is worth its key's total weight in points; the short answer 2 points, with a
    marking guide to edit. Then run `course build NAME`. Never overwrites an assignment.
    """
    try:
        root = find_course_root(course_dir)
        bank = Bank(bank_dir) if bank_dir else Bank(find_bank(root))
    except (GradingError, BankError) as exc:
        raise click.ClickException(str(exc)) from None
    path = new_assignment(root, name, list(slugs), bank)
    click.echo(f"wrote {path.relative_to(root)}: {len(slugs)} review(s); next: course build {name}")
