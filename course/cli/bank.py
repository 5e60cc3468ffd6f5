"""Commands over the exercise bank: check, score, bundle, prove, catalogue."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..diff.model import DiffError
from ..keys.bank import BankError
from ..keys.check import check_exercise
from ..review.store import SidecarCorrupt, read_sidecar
from .main import bank_option, load_bank, main


@main.command()
@bank_option
@click.option("--no-proofs", is_flag=True, help="Skip running the proofs (fast structural check only).")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds each proof may run.")
@click.argument("slugs", nargs=-1)
def check(bank_dir: str | None, no_proofs: bool, timeout: float, slugs: tuple[str, ...]) -> None:
    """Prove the bank: keys point at lines in the diff, decoys miss defects, and every proof
    fails on after/ and passes on fixed/.

    Checks every exercise, or only SLUGS. Exits 1 when any exercise has a problem.
    """
    bank = load_bank(bank_dir)
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
@bank_option
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
        exercise = load_bank(bank_dir).get(slug)
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
@bank_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
def bundle(slug: str, bank_dir: str | None, output: str | None) -> None:
    """Print the public bundle (<slug>.diff) of one exercise: what students get."""
    try:
        text = load_bank(bank_dir).get(slug).bundle_text
    except (BankError, DiffError) as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("slug")
@click.argument("defect_ids", nargs=-1)
@bank_option
def prove(slug: str, defect_ids: tuple[str, ...], bank_dir: str | None) -> None:
    """Run the proof of each defect (or only DEFECT_IDS) of one exercise and show what it says:
    it fails on the change under review and passes on the fix.

    For self-learners after a review: reading the failing test is the fastest way to see why
    a defect matters.
    """
    from ..keys.proofs import run_proofs

    try:
        exercise = load_bank(bank_dir).get(slug)
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
@bank_option
@click.option("--write", "target", type=click.Path(dir_okay=False), help="Write the Markdown table to this file.")
def catalogue(bank_dir: str | None, target: str | None) -> None:
    """List every exercise: incident, difficulty, categories, defects and decoys (Markdown)."""
    from ..keys.catalogue import catalogue_markdown

    try:
        text = catalogue_markdown(load_bank(bank_dir))
    except (BankError, DiffError) as exc:
        raise click.ClickException(str(exc)) from None
    if target:
        Path(target).write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")
    else:
        click.echo(text, nl=False)
