"""`course build`: public bundles into source/, release/ from nbgrader, and proof that both grade right.

For every assignment in source/: write the public bundle `<slug>.diff` of each review from the
bank, normalise the notebooks, run nbgrader's generate_assignment into release/, normalise the
release so that regenerating is byte-identical, and prove (in a temporary course) that the
source solutions score full marks, the release scores zero, `nbgrader validate` passes on
source and `nbgrader validate --invert` finds no passing cell in release. Finally no key text
may appear anywhere in release/.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..keys.bank import Bank, BankError, find_bank
from ..scoring.disclosure import key_texts, scan_for_leaks
from .cells import assignment_reviews, opened_slugs, refuse_sidecars_in_source, review_cells
from .hidden_test import GradingError
from .nbconfig import course_config, environ, find_course_root, nbgrader_env
from .nbrun import run_app, stderr_to

__all__ = ["BuildError", "BuildReport", "build", "normalise_notebook"]

# Cell metadata worth keeping: nbgrader's own and the two flags it sets. Everything else
# (execution timing, scroll state, collapsed, widget state) is noise in a diff.
KEEP_CELL_METADATA = ("deletable", "editable", "nbgrader", "tags")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class BuildError(Exception):
    """The build cannot go on; the message says what to fix."""


@dataclass
class AssignmentBuild:
    name: str
    notebooks: list[str] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # what was proven, for the report
    problems: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    assignments: list[AssignmentBuild]

    @property
    def ok(self) -> bool:
        return not any(a.problems for a in self.assignments)


def normalise_notebook(nb: dict[str, Any], *, clear_outputs: bool = True) -> dict[str, Any]:
    """One canonical form: Python 3 kernelspec, no volatile metadata, no outputs."""
    nb["metadata"] = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for cell in nb["cells"]:
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_METADATA}
        if not cell.get("attachments"):
            cell.pop("attachments", None)
        if cell["cell_type"] == "code" and clear_outputs:
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8", newline="\n")
    return True


def _notebook_text(nb: dict[str, Any]) -> str:
    import nbformat

    text = nbformat.writes(nbformat.from_dict(nb))
    return text if text.endswith("\n") else text + "\n"


def normalise_file(path: Path) -> bool:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return _write_if_changed(path, _notebook_text(normalise_notebook(nb)))


def _run(app_class, cfg, assignment: str, student: str | None = None, **attrs: Any) -> None:
    run = run_app(app_class, cfg, assignment, student, **attrs)
    if not run.success:
        raise BuildError(f"nbgrader {app_class.__name__} of {assignment} failed:\n{(run.error or run.log)[-3000:]}")


def _scores(cfg, assignment: str, cells) -> list[str]:
    """Problems with what the proof's gradebook recorded: the source solution must score full
    marks on every review cell, the release version zero."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    problems = []
    with Gradebook(CourseDirectory(config=cfg).db_url) as gb:
        for c in cells:
            full = gb.find_grade(c.grade_id, c.notebook, assignment, "solution").auto_score
            zero = gb.find_grade(c.grade_id, c.notebook, assignment, "release").auto_score
            if full != c.points:
                problems.append(f"{c.notebook}: {c.grade_id} gives the source solution {full} of {c.points}")
            if zero != 0:
                problems.append(f"{c.notebook}: {c.grade_id} gives the release version {zero} (must be 0)")
    return problems


def _validate(cfg, folder: Path, *, invert: bool) -> None:
    """nbgrader validate on every notebook of `folder`: source must pass; with `invert`, the
    release must have no passing cell."""
    from nbgrader.validator import Validator

    for nb in sorted(folder.glob("*.ipynb")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = Validator(config=cfg, invert=invert).validate(str(nb))
        if result and invert:
            raise BuildError(
                f"nbgrader validate --invert finds passing cells in release {nb.name}: {json.dumps(result)[:1500]}"
            )
        if result:
            raise BuildError(f"nbgrader validate fails on source {nb.name}: {json.dumps(result)[:1500]}")


def verify(root: Path, assignment: str, bank: Bank, log: Path) -> list[str]:
    """Prove in a temporary course that source scores full marks and release scores zero."""
    from nbgrader.converters import Autograde, GenerateAssignment

    checks: list[str] = []
    source = root / "source" / assignment
    release = root / "release" / assignment
    cells = assignment_reviews(source)
    env = nbgrader_env({"COURSE_BANK": str(bank.root.resolve())})
    with (
        tempfile.TemporaryDirectory(prefix=f"course-build-{assignment}-") as tmp,
        environ(PATH=env["PATH"], COURSE_BANK=env["COURSE_BANK"]),
        stderr_to(log),
    ):
        course = Path(tmp)
        shutil.copy(root / "nbgrader_config.py", course / "nbgrader_config.py")
        shutil.copytree(source, course / "source" / assignment)
        shutil.copytree(source, course / "submitted" / "solution" / assignment)
        shutil.copytree(release, course / "submitted" / "release" / assignment)
        # The proof's own gradebook, never the class's (COURSE_DB_URL, a system-wide db_url).
        cfg = course_config(course, db_url=f"sqlite:///{course / 'gradebook.db'}")
        cfg.CourseDirectory.release_directory = "scratch-release"
        _run(GenerateAssignment, cfg, assignment, force=True)
        for student in ("solution", "release"):
            _run(Autograde, cfg, assignment, student, force=True, create_student=True)
        problems = _scores(cfg, assignment, cells)
        if problems:
            raise BuildError("\n".join(problems))
        checks.append(f"autograded: source solutions score full marks on {len(cells)} review cell(s), release scores 0")
        _validate(cfg, course / "submitted" / "solution" / assignment, invert=False)
        _validate(cfg, course / "submitted" / "release" / assignment, invert=True)
        checks.append("nbgrader validate passes on source; validate --invert finds no passing cell in release")
    return checks


def _source(root: Path, name: str, bank: Bank, ab: AssignmentBuild) -> None:
    """Normalise the source notebooks of one assignment and write the bundles they open."""
    folder = root / "source" / name
    if not folder.is_dir():
        raise BuildError(f"{folder}: no such assignment")
    refuse_sidecars_in_source(folder, BuildError)
    for junk in [*folder.glob(".*.lock"), *folder.glob(".*.viewed.json")]:
        junk.unlink()
    for nb_path in sorted(folder.glob("*.ipynb")):
        ab.notebooks.append(nb_path.name)
        normalise_file(nb_path)
        ab.slugs.extend(s for s in opened_slugs(nb_path) if s not in ab.slugs)
        try:
            for rc in review_cells(nb_path):
                if rc.slug not in ab.slugs:
                    ab.problems.append(
                        f"{nb_path.name}: {rc.grade_id} grades {rc.slug!r} but no cell opens {rc.slug}.diff"
                    )
        except GradingError as exc:
            ab.problems.append(str(exc))
    for slug in ab.slugs:
        try:
            text = bank.get(slug).bundle_text
        except (BankError, ValueError) as exc:
            raise BuildError(f"{name}: review {slug!r}: {exc}") from None
        _write_if_changed(folder / f"{slug}.diff", text)


def _release(
    root: Path, name: str, cfg, env: dict[str, str], log: Path, texts: dict[str, str], ab: AssignmentBuild
) -> None:
    """nbgrader generate_assignment into release/, normalised, then scanned for key text."""
    from nbgrader.converters import GenerateAssignment

    release = root / "release" / name
    with environ(PATH=env["PATH"], COURSE_BANK=env["COURSE_BANK"]), stderr_to(log):
        if release.exists():
            shutil.rmtree(release)  # a notebook removed from source must leave release too
        _run(GenerateAssignment, cfg, name, force=True)
    for nb_path in sorted(release.glob("*.ipynb")):
        normalise_file(nb_path)
    for path in release.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    found = scan_for_leaks(release, texts)
    if found:
        ab.problems.append("answer key text in release/: " + "; ".join(found[:10]))
    else:
        ab.checks.append(f"no key text in release/{name} ({len(texts)} key texts searched)")


def build(
    root: str | os.PathLike | None = None,
    *,
    assignments: list[str] | None = None,
    check: bool = True,
    echo: Callable[[str], None] = print,
) -> BuildReport:
    """Regenerate bundles and release/ for each assignment (all by default), then check them."""
    try:
        root = find_course_root(root)
        bank = Bank(find_bank(root))
    except (GradingError, BankError) as exc:
        raise BuildError(str(exc)) from None
    source_root = root / "source"
    names = assignments or sorted(p.name for p in source_root.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    if not names:
        raise BuildError(f"{source_root}: no assignments (folders with notebooks)")
    texts = key_texts(bank)
    logs = Path(tempfile.mkdtemp(prefix="course-build-logs-"))
    log = logs / "nbgrader.log"
    report = BuildReport([])
    cfg = course_config(root)
    env = nbgrader_env({"COURSE_BANK": str(bank.root.resolve())})
    for name in names:
        ab = AssignmentBuild(name)
        report.assignments.append(ab)
        _source(root, name, bank, ab)
        _release(root, name, cfg, env, log, texts, ab)
        if check and not ab.problems:
            try:
                ab.checks.extend(verify(root, name, bank, log))
            except BuildError as exc:
                ab.problems.append(str(exc))
        status = "ok  " if not ab.problems else "FAIL"
        echo(f"{status} {name}: {', '.join(ab.notebooks)} reviewing {', '.join(ab.slugs) or 'nothing'}")
        for line in ab.checks:
            echo(f"     {line}")
        for line in ab.problems:
            echo(f"     problem: {line}")
    if report.ok:
        shutil.rmtree(logs, ignore_errors=True)
    else:
        echo(f"nbgrader's log: {log}")
    return report
