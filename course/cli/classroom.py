"""Commands for a course's term: build, grade, report, demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..keys.bank import BankError
from .main import bank_option, course_option, load_bank, main


@main.command()
@click.argument("assignment")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Folder for class-report.html and its figures (default: reports/ASSIGNMENT/ in the course directory).",
)
@click.option(
    "--course",
    "course_dir",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="The course directory (gradebook.db, submitted/, autograded/).",
)
@bank_option
@click.option(
    "--db-url",
    help="Gradebook database URL (default: the db_url nbgrader's configuration sets for "
    "COURSE, as `course grade` reads it; else COURSE/gradebook.db).",
)
def report(assignment: str, out_dir: str | None, course_dir: str, bank_dir: str | None, db_url: str | None) -> None:
    """Class analytics for a graded ASSIGNMENT: detection rate per defect, recall per
    category, precision and score distributions, common false positives, time to submit,
    and every student's status. Writes an HTML page with PNG figures.

    Also: verdicts per exercise, late penalties, and students who share answers. The bank is
    found as `course grade` finds it (COURSE_BANK, else exercises/ in the course). Exits 1 when
    there is nothing to report (no submissions).
    """
    from ..grading import GradingError
    from ..grading.nbconfig import configured_db_url
    from ..report import class_report, write_report
    from ..report.text import summary_lines

    try:
        db_url = db_url or configured_db_url(Path(course_dir).resolve())
    except GradingError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        result = class_report(course_dir, assignment, load_bank(bank_dir) if bank_dir else None, db_url=db_url)
    except BankError as exc:
        raise click.ClickException(f"{exc} (or pass --bank DIR)") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if result.empty:
        raise click.ClickException(result.message)
    for line in summary_lines(result):
        click.echo(line)
    page = write_report(result, out_dir)
    click.echo(f"wrote {page}")


@main.command()
@click.argument("assignment")
@click.option(
    "-j",
    "--jobs",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes grading at once (one per core is right for SQLite).",
)
@course_option
@click.option(
    "--feedback/--no-feedback",
    default=True,
    show_default=True,
    help="Generate feedback for every cleanly graded student.",
)
@bank_option
@click.option(
    "--db-url",
    help="Gradebook database URL, over any nbgrader configuration (default: the db_url "
    "nbgrader's configuration sets: the course's nbgrader_config.py, which reads $COURSE_DB_URL, "
    "or a Jupyter config folder such as /etc/jupyter; else gradebook.db in the course directory).",
)
@click.option(
    "--no-execute",
    "execution",
    flag_value="none",
    help="Run no student code: score every review from its findings file (the default when every "
    "autograded cell is a review).",
)
@click.option(
    "--execute",
    "execution",
    flag_value="sandbox",
    help="Run each notebook in the grading sandbox (bubblewrap) before grading it (the default when "
    "an autograded cell is not a review).",
)
@click.option(
    "--unsandboxed",
    "execution",
    flag_value="unsandboxed",
    help="Run each notebook as your own user, with every file you can read in its reach (only where "
    "no sandbox can start, for code you trust).",
)
@click.option(
    "--student",
    "students",
    multiple=True,
    metavar="ID",
    help="Grade only this student (repeat for several): the rest of the class keeps its grades, "
    "feedback and summary rows.",
)
def grade(
    assignment: str,
    jobs: int,
    course_dir: str | None,
    feedback: bool,
    bank_dir: str | None,
    db_url: str | None,
    execution: str | None,
    students: tuple[str, ...],
) -> None:
    """Grade a whole class: preflight, parallel autograde, re-score, feedback, summary.

    Every submission is checked first: broken notebooks are repaired (copy-pasted, deleted or
    retyped grade cells) or set aside with a reason, so one bad notebook never stops the rest.
    After nbgrader has graded them, every review is re-scored from the submitted findings file;
    a student whose gradebook score differs is flagged. Exits 1 when a student is flagged or
    could not be graded: those need you.
    """
    import os

    from rich.console import Console

    from ..grading import GradingError
    from ..grading.classgrader import grade_class
    from ..grading.nbconfig import shown_url
    from ..grading.summary import summary_details, summary_table

    console = Console()
    if execution == "unsandboxed":
        console.print(
            "[bold red]--unsandboxed[/]: each student's notebook runs as your user. Its code can read the "
            "answer keys, your course files, the gradebook and your environment, change them, and leave "
            "processes running; the re-score and leak scan catch some of that, not all.",
            highlight=False,
        )
    try:
        report = grade_class(
            assignment,
            root=course_dir,
            jobs=jobs,
            feedback=feedback,
            console=console,
            bank=bank_dir,
            db_url=db_url,
            execution=execution or "auto",
            students=list(students) or None,
        )
    except GradingError as exc:
        raise click.ClickException(str(exc)) from None
    console.print(summary_table(report))
    for line in summary_details(report):
        console.print(line, highlight=False)
    rel = lambda p: os.path.relpath(p, Path.cwd())  # noqa: E731 - paths as the instructor typed them
    console.print(f"gradebook: {shown_url(report.gradebook)} (assignment {report.recorded})", highlight=False)
    console.print(f"summary:  {rel(report.summary_text)} (and {report.summary_json.name})")
    if feedback:
        console.print(
            f"feedback: {rel(report.feedback_dir)}/<student>/{assignment}/<notebook>.html "
            "(nbgrader's page, the course's per-defect feedback at the top)"
        )
    if report.needs_instructor:
        sys.exit(1)


@main.command()
@click.argument("assignments", nargs=-1)
@course_option
@click.option(
    "--no-check", is_flag=True, help="Only regenerate; skip proving that solutions score full marks and release zero."
)
def build(assignments: tuple[str, ...], course_dir: str | None, no_check: bool) -> None:
    """Regenerate the public bundles in source/ and release/ with nbgrader, then prove them.

    Writes <slug>.diff for every review into source/ASSIGNMENT/, runs nbgrader
    generate_assignment, normalises the notebooks (so regenerating is byte-identical), checks
    that no answer-key text reached release/, and (unless --no-check) autogrades the source
    solutions (full marks) and the release version (zero) in a temporary course. Builds every
    assignment, or only ASSIGNMENTS. Exits 1 on any problem.
    """
    from ..grading.build import BuildError
    from ..grading.build import build as build_course

    try:
        report = build_course(course_dir, assignments=list(assignments) or None, check=not no_check, echo=click.echo)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None
    if not report.ok:
        sys.exit(1)


@main.command()
@click.option("-a", "--assignment", help="Assignment of source/ to demonstrate (default: the first).")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    help="Build the demo course here (default: a new temporary folder, kept afterwards).",
)
@click.option("-j", "--jobs", default=2, show_default=True, type=click.IntRange(1, 64), help="Grading workers.")
def demo(assignment: str | None, directory: str | None, jobs: int) -> None:
    """Build a temporary course, simulate a class, grade it, and show where everything is.

    Run it in the course directory (it needs the exercise bank). Nothing in the course
    directory is changed: the demo course, its gradebook and its feedback live elsewhere.
    """
    from ..demo.simulate import run_demo
    from ..grading import GradingError

    try:
        run_demo(assignment=assignment, directory=directory, jobs=jobs)
    except GradingError as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    main()
