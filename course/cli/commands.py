"""The `course` command: a thin layer over the modules; each command's docstring is its --help."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..diff.model import DiffError
from ..keys.bank import Bank, BankError
from ..keys.check import check_exercise
from ..review.store import SidecarCorrupt, read_sidecar


def _bank(path: str | None) -> Bank:
    try:
        return Bank(path)
    except BankError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
@click.version_option(package_name="code-review-academy")
def main() -> None:
    """Code Review Academy: check the exercise bank, score reviews, grade a class."""


@main.command()
@click.option(
    "--bank",
    "bank_dir",
    type=click.Path(file_okay=False),
    help="Exercise bank folder (default: exercises/ of the course root, or $COURSE_BANK).",
)
@click.option("--no-proofs", is_flag=True, help="Skip running the proofs (fast structural check only).")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds each proof may run.")
@click.argument("slugs", nargs=-1)
def check(bank_dir: str | None, no_proofs: bool, timeout: float, slugs: tuple[str, ...]) -> None:
    """Prove the bank: keys point at lines in the diff, decoys miss defects, and every proof
    fails on after/ and passes on fixed/.

    Checks every exercise, or only SLUGS. Exits 1 when any exercise has a problem.
    """
    bank = _bank(bank_dir)
    names = list(slugs) or bank.slugs()
    if not names:
        raise click.ClickException(f"{bank.root}: no exercises found")
    bad = 0
    for slug in names:
        exercise = None
        try:
            exercise = bank.get(slug)
            problems = [str(p) for p in check_exercise(exercise, proofs=not no_proofs, timeout=timeout)]
        except BankError as exc:
            problems = [str(exc)]
        if problems or exercise is None:
            bad += 1
            click.echo(f"FAIL {slug}")
            for p in problems:
                click.echo(f"  {p}")
        else:
            n = len(exercise.key.defects)
            what = f"{n} defect{'s' * (n != 1)} proven" if not no_proofs else f"{n} defect{'s' * (n != 1)}"
            if exercise.key.decoys:
                what += f", {len(exercise.key.decoys)} decoy{'s' * (len(exercise.key.decoys) != 1)}"
            click.echo(f"ok   {slug} ({what})")
    click.echo(f"{len(names) - bad} of {len(names)} exercises sound")
    if bad:
        sys.exit(1)


@main.command()
@click.argument("findings", type=click.Path(dir_okay=False))
@click.option("--exercise", "slug", help="Exercise slug (default: the one named in the findings file).")
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False), help="Exercise bank folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def score(findings: str, slug: str | None, bank_dir: str | None, as_json: bool) -> None:
    """Score a findings file (a review's sidecar) against the answer key."""
    from ..scoring.match import score as score_review

    try:
        side = read_sidecar(findings)
    except SidecarCorrupt as exc:
        raise click.ClickException(str(exc)) from None
    if side is None:
        raise click.ClickException(f"{findings}: no such file")
    slug = slug or side.exercise
    if side.exercise != slug:
        raise click.ClickException(f"{findings}: is a review of '{side.exercise}', not '{slug}'")
    try:
        exercise = _bank(bank_dir).get(slug)
        key = exercise.key
    except (BankError, DiffError) as exc:
        raise click.ClickException(str(exc)) from None
    result = score_review(side.findings, key, side.verdict)
    if as_json:
        click.echo(json.dumps({"exercise": slug, **result.to_dict()}, indent=2))
        return
    click.echo(f"{slug}: score {result.score:.2f}  precision {result.precision:.2f}  recall {result.recall:.2f}")
    for r in result.defects:
        click.echo(f"  {r.status:<15} {r.defect.severity:<8} {r.defect.title}")
    for fp in result.false_positives:
        f = fp.finding
        where = f"{f.path}:{f.start}" + (f"-{f.end}" if f.end != f.start else "")
        note = f" (looks suspicious, but: {fp.decoy.why_fine})" if fp.decoy else ""
        click.echo(f"  false positive  {where} cost {fp.cost:g}{note}")
    if key.verdict == "approve" or side.verdict:
        mark = "right" if result.verdict_correct else "wrong"
        click.echo(f"  verdict {side.verdict or 'none'} ({mark}; expected {result.verdict_expected})")


@main.command()
@click.argument("slug")
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False), help="Exercise bank folder.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
def bundle(slug: str, bank_dir: str | None, output: str | None) -> None:
    """Print the public bundle (<slug>.diff) of one exercise: what students get."""
    try:
        text = _bank(bank_dir).get(slug).bundle_text
    except (BankError, DiffError) as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("slug")
@click.argument("defect_ids", nargs=-1)
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False), help="Exercise bank folder.")
def prove(slug: str, defect_ids: tuple[str, ...], bank_dir: str | None) -> None:
    """Run the proof of each defect (or only DEFECT_IDS) of one exercise and show what it says:
    it fails on the change under review and passes on the fix.

    For self-learners after a review: reading the failing test is the fastest way to see why
    a defect matters.
    """
    from ..keys.proofs import run_proofs

    try:
        exercise = _bank(bank_dir).get(slug)
        defects = exercise.key.defects
    except (BankError, DiffError) as exc:
        raise click.ClickException(str(exc)) from None
    known = {d.id for d in defects}
    unknown = [d for d in defect_ids if d not in known]
    if unknown:
        raise click.ClickException(
            f"{slug}: no defect {', '.join(unknown)} (known: {', '.join(sorted(known)) or 'none'})"
        )
    chosen = [d for d in defects if not defect_ids or d.id in defect_ids]
    if not chosen:
        click.echo(f"{slug} has no defects: the right verdict is approve.")
        return
    ok = True
    for d in chosen:
        after = run_proofs(exercise, [d.proof], "after")[d.proof]
        fixed = run_proofs(exercise, [d.proof], "fixed")[d.proof]
        ok &= after.failed and fixed.passed
        click.echo(f"== {d.id}: {d.title}")
        click.echo(f"   proof {d.proof}")
        click.echo(f"   on the change under review: {'fails, as it should' if after.failed else 'DOES NOT FAIL'}")
        click.echo(f"   on the fix:                 {'passes' if fixed.passed else 'DOES NOT PASS'}")
        failure = _failure_excerpt(after.output)
        if failure:
            click.echo("   what the failing test says:")
            click.echo("\n".join("     " + line for line in failure.splitlines()))
    if not ok:
        sys.exit(1)


def _failure_excerpt(output: str, limit: int = 25) -> str:
    """The `E   ...` lines pytest prints for a failure, which say what went wrong."""
    lines = [line for line in output.splitlines() if line.startswith("E ")]
    return "\n".join(lines[:limit])


@main.command()
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False), help="Exercise bank folder.")
@click.option("--write", "target", type=click.Path(dir_okay=False), help="Write the Markdown table to this file.")
def catalogue(bank_dir: str | None, target: str | None) -> None:
    """List every exercise: incident, difficulty, categories, defects and decoys (Markdown)."""
    from ..keys.catalogue import catalogue_markdown

    try:
        text = catalogue_markdown(_bank(bank_dir))
    except (BankError, DiffError) as exc:
        raise click.ClickException(str(exc)) from None
    if target:
        Path(target).write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")
    else:
        click.echo(text, nl=False)


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
@click.option(
    "--bank",
    "bank_dir",
    type=click.Path(file_okay=False),
    help="Exercise bank folder (default: exercises/ of the course root, or $COURSE_BANK).",
)
@click.option(
    "--db-url",
    help="Gradebook database URL (default: the db_url nbgrader's configuration sets for "
    "COURSE, as `course grade` reads it; else COURSE/gradebook.db).",
)
def report(assignment: str, out_dir: str | None, course_dir: str, bank_dir: str | None, db_url: str | None) -> None:
    """Class analytics for a graded ASSIGNMENT: detection rate per defect, recall per
    category, precision and score distributions, common false positives, time to submit,
    and every student's status. Writes an HTML page with PNG figures.

    Exits 1 when there is nothing to report (no submissions).
    """
    from ..grading import GradingError
    from ..grading.nbconfig import configured_db_url
    from ..report.classreport import class_report, write_report

    try:
        db_url = db_url or configured_db_url(Path(course_dir).resolve())
    except GradingError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        result = class_report(course_dir, assignment, _bank(bank_dir) if bank_dir else None, db_url=db_url)
    except (BankError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if result.empty:
        raise click.ClickException(result.message)
    s = result.summary()
    counts = ", ".join(f"{n} {name}" for name, n in s["status"].items() if n and name not in ("graded", "missing"))
    click.echo(
        f"{assignment}: {s['submitted']} of {s['students']} students submitted"
        + (f" ({s['missing']} missing)" if s["missing"] else "")
        + (f"; {counts}" if counts else "")
        + (
            f"; {s['corrupt_sidecars']} corrupt sidecar{'s' * (s['corrupt_sidecars'] != 1)}"
            if s["corrupt_sidecars"]
            else ""
        )
    )
    if s["mean_score"] is not None:
        precision = "n/a" if s["median_precision"] is None else f"{s['median_precision']:.0%}"
        click.echo(
            f"  mean score {s['mean_score']:.2f}, median precision {precision}, {s['false_positives']} false positives"
        )
    for row in result.defects.dropna(subset=["detection_rate"]).head(3).itertuples():
        click.echo(f"  missed most: {row.detection_rate:>4.0%} detected  {row.title} ({row.slug})")
    if "weakest_category" in s:
        click.echo(
            f"  weakest category: {s['weakest_category']['category']} (recall {s['weakest_category']['recall']:.0%})"
        )
    for problem in result.problems[:5]:
        # student ids and file names are untrusted: no terminal escape sequences
        shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in problem)
        click.echo(f"  note: {shown}")
    if len(result.problems) > 5:
        click.echo(f"  note: ... and {len(result.problems) - 5} more (see the report)")
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
@click.option(
    "--course",
    "course_dir",
    type=click.Path(file_okay=False),
    help="Course directory (default: the nearest folder with nbgrader_config.py).",
)
@click.option(
    "--feedback/--no-feedback",
    default=True,
    show_default=True,
    help="Generate feedback for every cleanly graded student.",
)
@click.option(
    "--bank",
    "bank_dir",
    type=click.Path(file_okay=False),
    help="Exercise bank folder (default: exercises/ of the course root, or $COURSE_BANK).",
)
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
def grade(
    assignment: str,
    jobs: int,
    course_dir: str | None,
    feedback: bool,
    bank_dir: str | None,
    db_url: str | None,
    execution: str | None,
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
@click.option(
    "--course",
    "course_dir",
    type=click.Path(file_okay=False),
    help="Course directory (default: the nearest folder with nbgrader_config.py).",
)
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
