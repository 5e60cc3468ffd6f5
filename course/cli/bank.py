"""Commands over the exercise bank: check, score, bundle, prove, catalogue."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..diff.bundle import Bundle
from ..diff.model import DiffError
from ..keys.bank import BankError
from ..keys.check import check_slug
from ..review.store import SidecarCorrupt, read_sidecar
from ..vocab import where
from .main import bank_option, load_bank, main


@main.command()
@bank_option
@click.option("--no-proofs", is_flag=True, help="Skip running the proofs (fast structural check only).")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds each proof may run.")
@click.option(
    "--strict", is_flag=True, help="Warnings (the bank's bar) fail too, as they do for the course's own bank."
)
@click.argument("slugs", nargs=-1)
def check(bank_dir: str | None, no_proofs: bool, timeout: float, strict: bool, slugs: tuple[str, ...]) -> None:
    """Prove the bank: keys point at lines in the diff and at lines the fix repairs, decoys miss
    defects, every proof fails on after/ and passes on fixed/, and the bank's bar is kept.

    Checks every exercise, or only SLUGS, and reports every problem of each. Exits 1 when any
    exercise has a problem (or, with --strict, a warning). docs/exercise-format.md lists the rules.
    """
    bank = load_bank(bank_dir)
    names = list(slugs) or bank.slugs()
    if not names:
        raise click.ClickException(f"{bank.root}: no exercises found")
    bad = 0
    for slug in names:
        exercise, found = check_slug(bank, slug, proofs=not no_proofs, timeout=timeout)
        problems = [str(p) for p in found if p.level == "problem"]
        warnings = [str(p) for p in found if p.level == "warning"]
        if problems or exercise is None or (strict and warnings):
            bad += 1
            click.echo(f"FAIL {slug}")
            for p in problems:
                click.echo(f"  {p}")
        else:
            n = len(exercise.key.defects)
            what = f"{n} defect{'s' * (n != 1)} proven" if not no_proofs else f"{n} defect{'s' * (n != 1)}"
            if not n and exercise.key.proofs:
                c = len(exercise.key.proofs)
                what = f"a correct change, {c} proof{'s' * (c != 1)} " + ("pass" if not no_proofs else "listed")
            if exercise.key.decoys:
                what += f", {len(exercise.key.decoys)} decoy{'s' * (len(exercise.key.decoys) != 1)}"
            click.echo(f"ok   {slug} ({what})")
        for w in warnings:
            click.echo(f"  warning: {w}")
    click.echo(f"{len(names) - bad} of {len(names)} exercises sound{' (strict)' * strict}")
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
        note = f" (looks suspicious, but: {fp.decoy.why_fine})" if fp.decoy else ""
        click.echo(f"  false positive  {where(f.path, f.side, f.start, f.end)} cost {fp.cost:g}{note}")
    if key.verdict == "approve" or side.verdict:
        mark = "right" if result.verdict_correct else "wrong"
        click.echo(f"  verdict {side.verdict or 'none'} ({mark}; expected {result.verdict_expected})")


@main.command()
@click.argument("slug")
@bank_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@click.option(
    "--numbered",
    is_flag=True,
    help="Number each line of the diff as the viewer's gutter does (old, new), to key spans.",
)
def bundle(slug: str, bank_dir: str | None, output: str | None, numbered: bool) -> None:
    """Print the public bundle (<slug>.diff) of one exercise: what students get.

    With --numbered, each line of the diff shows its old and new numbers as the viewer's
    gutter shows them: a key's side "new" span uses the second column (added and unchanged
    lines), side "old" the first (removed lines). Not a bundle any more: for authors only.
    """
    try:
        exercise = load_bank(bank_dir).get(slug)
        text = numbered_bundle(exercise.bundle) if numbered else exercise.bundle_text
    except (BankError, DiffError) as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def numbered_bundle(bundle: Bundle) -> str:
    """The bundle's headers and description, then each file of its diff with the viewer's
    gutter: old number, new number, sign (+ added, - removed, blank unchanged), the line."""
    out = [f"Exercise: {bundle.slug}", f"Title: {bundle.title}", f"Author: {bundle.author}", ""]
    out += [bundle.description, ""] if bundle.description else []
    out.append(f'{"old":>5} {"new":>5}   (a key\'s side = "old" counts the first column, side = "new" the second)')
    sign = {"add": "+", "remove": "-", "context": " "}
    for fd in bundle.diff.files:
        renamed = f" (from {fd.old_path})" if fd.old_path and fd.old_path != fd.path else ""
        out += ["", f"=== {fd.path} [{fd.status}]{renamed}"]
        if fd.binary:
            out.append("      binary file: not reviewable")
        for hunk in fd.hunks:
            out.append(f"{'':>11} @@ -{hunk.old_start},{hunk.old_length} +{hunk.new_start},{hunk.new_length} @@")
            for line in hunk.lines:
                old = str(line.old) if line.old is not None else ""
                new = str(line.new) if line.new is not None else ""
                out.append(f"{old:>5} {new:>5} {sign[line.kind]} {line.text}".rstrip())
    return "\n".join(out) + "\n"


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
        try:
            after = run_proofs(exercise, [d.proof], "after")[d.proof]
            fixed = run_proofs(exercise, [d.proof], "fixed")[d.proof]
        except (BankError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
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
    """What the failing proof says went wrong (pytest, Node or Go: course.keys.proofs)."""
    from ..keys.proofs import failure_excerpt

    return failure_excerpt(output, limit)


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
