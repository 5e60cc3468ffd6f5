"""Commands for the end of a term's assignment: export grades for the LMS, record extensions."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .main import course_option, main

DB_URL_HELP = (
    "Gradebook database URL (default: the db_url nbgrader's configuration sets, as `course grade` "
    "reads it; else gradebook.db in the course directory)."
)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path, Path.cwd())
    except ValueError:
        return str(path)


@main.command()
@click.argument("assignment", required=False)
@click.option("--all", "all_assignments", is_flag=True, help="Every assignment in the gradebook, one file each.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="The CSV file (default: reports/ASSIGNMENT/grades.csv in the course directory; not with --all).",
)
@click.option(
    "--id-column",
    type=click.Choice(["email", "lms_user_id", "student_id"]),
    default="email",
    show_default=True,
    help="The roster column the LMS matches students by (it comes first; a student without it is named).",
)
@click.option(
    "--layout",
    type=click.Choice(["full", "canvas"]),
    default="full",
    show_default=True,
    help="full: every column (Moodle and most LMSs: map the id and final_score columns); canvas: "
    "Canvas's gradebook import columns.",
)
@click.option(
    "--include-flagged",
    is_flag=True,
    help="Also fill final_score for students `course grade` flagged or could not grade (their status still says so).",
)
@course_option
@click.option("--db-url", help=DB_URL_HELP)
def export(
    assignment: str | None,
    all_assignments: bool,
    out: str | None,
    id_column: str,
    layout: str,
    include_flagged: bool,
    course_dir: str | None,
    db_url: str | None,
) -> None:
    """Grades of ASSIGNMENT (or --all) as a CSV for an LMS gradebook import.

    One row per student of nbgrader's roster: points (manual grades and extra credit included),
    max points, late penalty, final score, status from `course grade` and whether manual grading
    is pending. A student who handed nothing in is "missing" with 0. A student `course grade`
    flagged or could not grade is marked FLAGGED or FAILED and gets no final score unless
    --include-flagged. docs/deploy.md, "Grades for the LMS", lists the columns.
    """
    from ..grading import GradingError
    from ..grading.export import HELD, default_path, read_grades, write_grades
    from ..grading.extensions import gradebook_url, open_gradebook, printable

    if all_assignments == bool(assignment):
        raise click.UsageError("give one ASSIGNMENT or --all")
    if all_assignments and out:
        raise click.UsageError(
            "--out names one file: with --all every assignment goes to reports/<assignment>/grades.csv"
        )
    try:
        root, url, course_id = gradebook_url(course_dir, db_url)
        if all_assignments:
            with open_gradebook(url, course_id) as gb:
                names = sorted(a.name for a in gb.assignments)
            if not names:
                raise click.ClickException("no assignments in the gradebook")
        else:
            names = [str(assignment)]
        for name in names:
            if Path(name).name != name or name in (".", ".."):
                raise click.ClickException(f"{printable(name)!r} is not an assignment name")
            table = read_grades(name, course=root, db_url=db_url)
            path = Path(out) if out else default_path(root, name)
            warnings = write_grades(table, path, id_column=id_column, layout=layout, include_held=include_flagged)
            counts = ", ".join(
                f"{table.count(s)} {s.upper() if s in HELD else s}"
                for s in ("graded", "repaired", "flagged", "failed", "unchecked", "missing")
                if table.count(s)
            )
            manual = sum(r.manual_pending for r in table.rows)
            click.echo(f"wrote {_shown(path)}: {len(table.rows)} students ({counts or 'none'})")
            if manual:
                click.echo(f"  manual grading pending for {manual}: their points lack what is still to grade")
            held = [r for r in table.rows if r.held]
            if held:
                what = "filled anyway (--include-flagged)" if include_flagged else "left empty"
                click.echo(
                    f"  final_score {what} for {len(held)} not confirmed by `course grade`: "
                    + ", ".join(f"{printable(r.student_id)} ({r.status})" for r in held[:20])
                    + (" ..." if len(held) > 20 else "")
                    + f"; see {_shown(table.summary.with_name('summary.txt'))}"
                )
            if not table.summary_found:
                click.echo(
                    f"  no {_shown(table.summary)}: `course grade {printable(name)}` has not run; nothing is confirmed"
                )
            for line in [*table.problems, *warnings]:
                click.echo(f"  warning: {line}")
    except GradingError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.argument("assignment")
@click.argument("student", required=False)
@click.option("--days", type=click.FloatRange(min=0), default=0, help="Days added to the due date.")
@click.option(
    "--hours", type=click.FloatRange(min=0), default=0, help="Hours added to the due date (with --days: both)."
)
@click.option(
    "--until",
    metavar="DATETIME",
    help="The student's own due date, e.g. '2026-03-20 17:00 Europe/London' (no zone: UTC).",
)
@click.option("--remove", is_flag=True, help="Remove STUDENT's extension.")
@course_option
@click.option("--db-url", help=DB_URL_HELP)
def extend(
    assignment: str,
    student: str | None,
    days: float,
    hours: float,
    until: str | None,
    remove: bool,
    course_dir: str | None,
    db_url: str | None,
) -> None:
    """Give STUDENT more time for ASSIGNMENT, in nbgrader's gradebook; without STUDENT, list them.

    The extension is nbgrader's own (the submission's `extension`): its late penalty counts from
    the due date plus the extension. It applies at the next autograde: `course grade ASSIGNMENT`,
    or for a student graded already `course grade ASSIGNMENT --student STUDENT`. A new extension
    replaces the last (they do not add up).
    """
    from ..grading import GradingError
    from ..grading.extensions import grant_extension, list_extensions, parse_until, printable, remove_extension

    asked = bool(days or hours or until)
    try:
        if student is None:
            if asked or remove:
                raise click.UsageError("name the STUDENT to extend (without one, extensions are listed)")
            due, rows = list_extensions(assignment, course=course_dir, db_url=db_url)
            click.echo(
                f"{printable(assignment)}: due {due:%Y-%m-%d %H:%M} UTC; {len(rows)} extension{'s' * (len(rows) != 1)}"
            )
            for e in rows:
                click.echo(
                    f"  {e.describe()}"
                    + ("  (graded before: run `course grade --student` to apply)" if e.stale else "")
                )
            return
        if remove:
            if asked:
                raise click.UsageError("--remove takes no --days, --hours or --until")
            gone = remove_extension(assignment, student, course=course_dir, db_url=db_url)
            if gone is None:
                click.echo(f"{printable(student)} has no extension of {printable(assignment)}")
            else:
                click.echo(f"removed: {gone.describe()}")
                click.echo(f"applies at the next `course grade {printable(assignment)}` of {printable(student)}")
            return
        if not asked:
            raise click.UsageError("give --days, --hours or --until (or --remove)")
        moment = parse_until(until) if until else None
        ext = grant_extension(
            assignment, student, days=days, hours=hours, until=moment, course=course_dir, db_url=db_url
        )
        click.echo(f"extended: {ext.describe()}")
        click.echo(
            f"applies at the next `course grade {printable(assignment)}` "
            f"(graded already? `course grade {printable(assignment)} --student {printable(student)}`)"
        )
    except GradingError as exc:
        raise click.ClickException(str(exc)) from None
