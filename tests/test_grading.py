"""Grading: the hidden test a kernel runs, the preflight, the worker pool, and a whole fixture
class graded end to end through real nbgrader (tests/fixtures/: bank, source, class)."""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from course.cli import main
from course.grading import GradingError, ReviewNotReady, ReviewScoredZero, grade_review, require_review, self_check
from course.grading.hidden_test import points_for, rescore
from course.grading.patches import failure_reason
from course.grading.pool import run_jobs
from course.grading.preflight import preflight_notebook
from course.keys import Bank
from course.scoring import key_texts, leaks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BANK = FIXTURES / "bank"
CLASS = FIXTURES / "class"
SOURCE = FIXTURES / "source"
ASSIGNMENT = "fixture-review"
NOTEBOOK = "cart-review"
SLUG = "fixture-cart"
GRADE_ID = "grades_review_of_fixture_cart"

# Every fixture student's outcome: status, and the points nbgrader records for the review
# (None: not graded). The key (fixture bank): A blocker 3, B minor 1, C major 2 (also logic),
# total 6; the first false positive is free, each further one costs 0.5.
EXPECTED = {
    "perfect": ("graded", 10.0),  # A, B, C right: 6/6
    "partial": ("graded", 6.67),  # A right 3, C as security 1, decoy free: 4/6
    "empty": ("graded", 0.0),  # a sidecar with nothing in it
    "no-sidecar": ("graded", 0.0),
    "corrupt-sidecar": ("graded", 0.0),
    "wrong-categories": ("graded", 5.0),  # 1.5 + 0.5 + 1 = 3/6
    "flags-every-line": ("graded", 0.0),  # 5.5 credit, 18 false positives cost 8.5
    "tamperer": ("flagged", 0.0),  # the kernel faked 10; the gradebook is given the re-scored 0
    "reads-the-key": ("flagged", 5.0),  # A: 3/6, honestly scored, but printed key.toml while graded
    "copied-grade-cell": ("repaired", 8.33),  # A, C: 5/6
    "deleted-grade-cell": ("repaired", 4.17),  # A, two false positives: 2.5/6
    "retyped-grade-cell": ("repaired", 6.67),  # A, B: 4/6
    "infinite-loop": ("graded", 10.0),  # the loop times out; the hidden test still runs
    "prints-megabytes": ("graded", 5.0),  # B, C: 3/6
    "unreadable-notebook": ("repaired", 5.0),  # the blank release notebook, its review from the sidecar
}


@pytest.fixture
def fixture_bank(monkeypatch):
    monkeypatch.setenv("COURSE_BANK", str(BANK))
    return Bank(BANK)


@pytest.fixture
def workdir(tmp_path, monkeypatch, fixture_bank):
    """A student's folder as the kernel sees it: the bundle, and a sidecar copied in by the test."""
    shutil.copy(SOURCE / ASSIGNMENT / f"{SLUG}.diff", tmp_path / f"{SLUG}.diff")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def use_sidecar(folder: Path, student: str) -> None:
    shutil.copy(CLASS / student / ASSIGNMENT / f"{SLUG}.findings.json", folder / f"{SLUG}.findings.json")


# grade_review in-process ----------------------------------------------------------------


def test_a_perfect_review_earns_every_point_as_a_plain_float(workdir, capsys):
    use_sidecar(workdir, "perfect")
    points = grade_review(SLUG, points=10)
    assert points == 10.0 and type(points) is float
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[0] == "Review of fixture-cart: 10 of 10 points (precision 1.00, recall 1.00)"


def test_partial_credit_is_rounded_to_cents(workdir, capsys):
    use_sidecar(workdir, "partial")
    assert grade_review(SLUG, points=10) == 6.67
    assert grade_review(SLUG, points=3) == 2.0


def test_a_missed_defect_is_shown_only_by_its_first_hint(workdir, capsys):
    """Does the feedback give away what the student did not find?"""
    use_sidecar(workdir, "partial")
    grade_review(SLUG, points=10)
    out = capsys.readouterr().out
    assert "FIXTURE-HINT-B1" in out
    for hidden in ("FIXTURE-TITLE-B", "FIXTURE-EXPLANATION-B", "FIXTURE-HINT-A2", "[16, 16]", "totals.py:16"):
        assert hidden not in out
    assert "FIXTURE-TITLE-A" in out and "FIXTURE-EXPLANATION-A" in out  # found: explained
    assert "FIXTURE-TITLE-C" in out  # right lines, other category: explained, half credit
    assert "FIXTURE-WHY-FINE" in out  # the decoy the student fell for


@pytest.mark.parametrize("student", ["empty", "flags-every-line"])
def test_a_zero_score_raises_after_printing_the_feedback(workdir, capsys, student):
    use_sidecar(workdir, student)
    with pytest.raises(ReviewScoredZero, match="scored 0 of 10 points"):
        grade_review(SLUG, points=10)
    assert capsys.readouterr().out.startswith("Review of fixture-cart: 0 of 10 points")


def test_no_sidecar_raises_and_says_which_file(workdir):
    with pytest.raises(ReviewScoredZero, match=r"fixture-cart\.findings\.json is not beside the notebook"):
        grade_review(SLUG, points=10)


def test_a_corrupt_sidecar_raises_and_is_kept(workdir):
    use_sidecar(workdir, "corrupt-sidecar")
    before = (workdir / f"{SLUG}.findings.json").read_bytes()
    with pytest.raises(ReviewScoredZero, match="cannot be read: is not valid JSON"):
        grade_review(SLUG, points=10)
    assert (workdir / f"{SLUG}.findings.json").read_bytes() == before


def test_a_review_of_another_exercise_scores_nothing(workdir):
    data = json.loads((CLASS / "perfect" / ASSIGNMENT / f"{SLUG}.findings.json").read_text())
    data["exercise"] = "something-else"
    (workdir / f"{SLUG}.findings.json").write_text(json.dumps(data))
    with pytest.raises(ReviewScoredZero, match="is a review of 'something-else'"):
        grade_review(SLUG, points=10)


@pytest.mark.parametrize("points", [True, 0, -1, math.nan, math.inf, "10", None])
def test_nonsense_points_raise_instead_of_grading(workdir, points):
    use_sidecar(workdir, "perfect")
    with pytest.raises(GradingError, match="points must be"):
        grade_review(SLUG, points=points)


def test_without_the_bank_grading_raises_rather_than_scoring(workdir, monkeypatch, tmp_path):
    use_sidecar(workdir, "perfect")
    monkeypatch.setenv("COURSE_BANK", str(tmp_path / "nowhere"))
    with pytest.raises(GradingError, match="cannot load the answer key"):
        grade_review(SLUG, points=10)


def test_warnings_and_stderr_inside_grading_never_reach_stderr(workdir, capsys, monkeypatch):
    """nbgrader gives 0 for any stderr in a grade cell, a warning included."""
    import warnings

    import course.scoring

    real = course.scoring.match.score

    def noisy(*args, **kwargs):
        warnings.warn("an old API", DeprecationWarning, stacklevel=2)
        print("chatter", file=sys.stderr)
        return real(*args, **kwargs)

    monkeypatch.setattr(course.scoring, "score", noisy)
    use_sidecar(workdir, "perfect")
    assert grade_review(SLUG, points=10) == 10.0
    assert capsys.readouterr().err == ""


def test_an_internal_failure_raises_instead_of_returning_a_grade(workdir, monkeypatch):
    import course.scoring.match

    def broken(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(course.scoring.match, "score", broken)
    use_sidecar(workdir, "perfect")
    with pytest.raises(GradingError, match="ZeroDivisionError: oops"):
        grade_review(SLUG, points=10)


@pytest.mark.parametrize(
    "score,points,expected",
    [
        (1.0, 10, 10.0),
        (0.6667, 10, 6.67),
        (0.0, 10, 0.0),
        (1.0, 2.5, 2.5),
        (0.3333, 3, 1.0),
        (1.2, 10, 10.0),
    ],
)
def test_points_for_is_a_plain_float_within_the_cell(score, points, expected):
    value = points_for(score, points)
    assert value == expected and type(value) is float and 0.0 <= value <= points


# the public cells: no key needed, nothing revealed ---------------------------------------


def test_require_review_fails_the_release_version(workdir):
    with pytest.raises(ReviewNotReady, match="no review of fixture-cart yet"):
        require_review(SLUG)
    use_sidecar(workdir, "partial")
    assert require_review(SLUG) is None


def test_self_check_lists_what_to_fix_without_the_bank(workdir, monkeypatch, capsys):
    """Does the self-check work on a student's machine, where there is no answer key?"""
    monkeypatch.delenv("COURSE_BANK")
    data = json.loads((CLASS / "partial" / ASSIGNMENT / f"{SLUG}.findings.json").read_text())
    data["findings"][0]["comment"] = "  "
    data["findings"][1].update(start=99, end=99)
    data["verdict"] = None
    (workdir / f"{SLUG}.findings.json").write_text(json.dumps(data))
    with pytest.raises(ReviewNotReady, match="3 things to fix"):
        self_check(SLUG)
    out = capsys.readouterr().out
    assert "fix finding at fixturecart/totals.py:6: add a comment" in out
    assert "fix finding at fixturecart/totals.py:99: those lines are not on the new side of the diff" in out
    assert "fix no verdict yet" in out
    assert "FIXTURE" not in out


def test_self_check_passes_a_well_formed_review(workdir, capsys):
    use_sidecar(workdir, "partial")
    self_check(SLUG)
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "  ok  review file fixture-cart.findings.json reads cleanly",
        "  ok  3 findings",
        "  ok  verdict: request-changes",
        "Structure looks right. (This check never looks at the answers.)",
    ]


# in a real kernel -------------------------------------------------------------------------


@pytest.fixture
def jupyter_dirs(tmp_path, monkeypatch):
    for name in ("CONFIG", "DATA", "RUNTIME"):
        folder = tmp_path / f"jupyter-{name.lower()}"
        folder.mkdir()
        monkeypatch.setenv(f"JUPYTER_{name}_DIR", str(folder))
    # the kernel's own data dir has no kernelspec: point at this venv's
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))


@pytest.mark.slow
def test_the_hidden_test_cell_gives_nbgrader_exactly_a_float_and_no_stderr(workdir, jupyter_dirs):
    """In a real kernel, with a dependency that warns, is the cell's value still usable?"""
    from nbclient import NotebookClient

    use_sidecar(workdir, "partial")
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                textwrap.dedent("""\
            import sys, warnings
            import course.scoring
            real = course.scoring.match.score
            def noisy(*a, **k):
                warnings.warn("an old API", DeprecationWarning, stacklevel=2)
                print("chatter", file=sys.stderr)
                return real(*a, **k)
            course.scoring.match.score = noisy""")
            ),
            nbformat.v4.new_code_cell(
                'from course.grading import grade_review\ngrade_review("fixture-cart", points=10)'
            ),
        ]
    )
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}).execute()
    outputs = nb.cells[1].outputs
    assert [o.output_type for o in outputs] == ["stream", "execute_result"]
    assert outputs[0].name == "stdout"
    assert outputs[1].data["text/plain"] == "6.67"


# preflight, without nbgrader ------------------------------------------------------------


@pytest.fixture(scope="module")
def release_notebook():
    return nbformat.read(CLASS / "perfect" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)


def grade_ids(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]


def test_preflight_leaves_a_clean_notebook_alone(release_notebook):
    check = preflight_notebook(CLASS / "perfect" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", release_notebook)
    assert (check.failure, check.repairs, check.changed) == (None, [], False)


def test_preflight_keeps_one_copy_of_a_pasted_grade_cell(release_notebook):
    check = preflight_notebook(CLASS / "copied-grade-cell" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", release_notebook)
    assert [tag for tag, _ in check.repairs] == ["copy-pasted cell"]
    assert grade_ids(check.notebook) == grade_ids(release_notebook)
    assert len(check.notebook.cells) == len(release_notebook.cells) + 1  # the copy stays, as an ordinary cell


def test_preflight_puts_a_deleted_grade_cell_back_where_it_was(release_notebook):
    """nbgrader's own add_missing_cells fails with a KeyError when the cell before is locked."""
    check = preflight_notebook(CLASS / "deleted-grade-cell" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", release_notebook)
    assert [tag for tag, _ in check.repairs] == ["deleted cell"]
    assert grade_ids(check.notebook) == grade_ids(release_notebook)
    assert [c.cell_type for c in check.notebook.cells] == [c.cell_type for c in release_notebook.cells]


def test_preflight_changes_a_retyped_grade_cell_back(release_notebook):
    check = preflight_notebook(CLASS / "retyped-grade-cell" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", release_notebook)
    assert check.repairs == [("cell type changed", f"cell {GRADE_ID} was changed from code to markdown; changed back")]
    restored = next(c for c in check.notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID)
    assert restored.cell_type == "code" and restored.outputs == []


def test_preflight_sets_aside_a_notebook_that_is_not_json(release_notebook):
    check = preflight_notebook(CLASS / "unreadable-notebook" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", release_notebook)
    assert check.notebook is None
    assert check.failure.startswith("cart-review.ipynb is not valid notebook JSON (line ")


def test_failure_reasons_name_the_real_error():
    assert (
        failure_reason("[ERROR] x\n    KeyError: 'grade_id'", "NbGraderException: see above") == "KeyError: 'grade_id'"
    )
    assert "ignores interrupts" in failure_reason("the kernel became unresponsive and we could not", "")


# the worker pool: nothing a job does stops the others ------------------------------------

FAKE_WORKER = textwrap.dedent("""\
    import json, os, sys, time
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        if job["student"] == "hangs":
            time.sleep(600)
        if job["student"] == "crashes":
            os._exit(3)
        print(json.dumps({**job, "ok": True, "error": "", "log": "", "retries": 0, "seconds": 0.0}), flush=True)
""")


def test_a_hanging_or_crashing_job_never_stops_the_others(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(FAKE_WORKER)
    answers = {}
    jobs = [{"op": "autograde", "student": s} for s in ("a", "hangs", "b", "crashes", "c", "d")]
    run_jobs(
        jobs,
        workers=2,
        cmd=[sys.executable, str(script)],
        env=dict(os.environ),
        log_dir=tmp_path,
        limit=2.0,
        on_result=lambda a: answers.__setitem__(a["student"], a),
    )
    assert sorted(answers) == ["a", "b", "c", "crashes", "d", "hangs"]
    assert [s for s, a in sorted(answers.items()) if not a["ok"]] == ["crashes", "hangs"]
    assert "longer than 2 s" in answers["hangs"]["error"]
    assert "worker died" in answers["crashes"]["error"]


# nbgrader's configuration, the gradebook record, the exchange ------------------------------


@pytest.fixture
def config_dirs(tmp_path, monkeypatch):
    """Jupyter's config search confined to the test: a user folder and one 'system' folder."""
    user, system = tmp_path / "user-jupyter", tmp_path / "etc-jupyter"
    user.mkdir()
    system.mkdir()
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(system))
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    return user, system


def test_course_commands_read_the_config_nbgrader_reads(tmp_path, config_dirs, monkeypatch):
    """A db_url set system-wide (/etc/jupyter/nbgrader_config.py) is obeyed by `course grade`
    as by nbgrader; COURSE_DB_URL (read by the course's own file) wins over it, --db-url over all."""
    from nbgrader.coursedir import CourseDirectory

    from course.grading.nbconfig import configured_db_url, course_config

    user, system = config_dirs
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    assert configured_db_url(course) is None
    assert CourseDirectory(config=course_config(course)).db_url == f"sqlite:///{course / 'gradebook.db'}"

    (system / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.db_url = "postgresql+psycopg://grader@db/system"\n'
        'c.Exchange.root = "/srv/exchange"\n'
    )
    (user / "nbgrader_config.json").write_text('{"Exchange": {"root": "/home/me/exchange", "timezone": "CET"}}')
    cfg = course_config(course)
    assert CourseDirectory(config=cfg).db_url == "postgresql+psycopg://grader@db/system"
    # JUPYTER_CONFIG_PATH's folders come first in `jupyter --paths`, then the user's
    assert (cfg.Exchange.root, cfg.Exchange.timezone) == ("/srv/exchange", "CET")
    assert cfg.CourseDirectory.root == str(course)

    monkeypatch.setenv("COURSE_DB_URL", "postgresql+psycopg://grader@db/env")
    assert configured_db_url(course) == "postgresql+psycopg://grader@db/env"
    assert course_config(course, db_url="sqlite:////tmp/flag.db").CourseDirectory.db_url == "sqlite:////tmp/flag.db"

    (system / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.db_url = undefined_name\n")
    with pytest.raises(GradingError, match=r"cannot read the nbgrader configuration .*etc-jupyter.*NameError"):
        course_config(course)


def test_the_gradebook_is_rewritten_only_when_source_changed(tmp_path, config_dirs, monkeypatch):
    """Every grader of a sharded class records the assignment as it starts: when the gradebook
    already has it cell for cell, nothing is written; when another grader's write collides
    with this one's, it compares again and finds the work done."""
    from nbgrader.api import Gradebook

    from course.grading import gradebook as grading
    from course.grading.gradebook import record_assignment
    from course.grading.nbconfig import course_config

    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(SOURCE / ASSIGNMENT, course / "source" / ASSIGNMENT)
    grading_dir = course / "reports" / ASSIGNMENT / "grading"
    grading_dir.mkdir(parents=True)
    cfg = course_config(course)
    real, writes, collide = grading._generate, [], []

    def generate(cfg, assignment, release_rel):
        scratch = str(cfg.CourseDirectory.get("db_url")).endswith("recorded.db")
        real(cfg, assignment, release_rel)  # with a collision: the other grader's record lands first...
        if not scratch:
            writes.append(assignment)
            if collide:  # ...and this one's insert hits its unique key
                collide.pop()
                raise grading.GradebookConflict('duplicate key value violates unique constraint "notebook_pkey"')

    monkeypatch.setattr(grading, "_generate", generate)
    assert record_assignment(cfg, ASSIGNMENT, grading_dir) == "recorded" and len(writes) == 1
    assert record_assignment(cfg, ASSIGNMENT, grading_dir) == "unchanged" and len(writes) == 1

    path = course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(path, as_version=4)
    grade_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID)
    grade_cell.source = "# edited\n" + grade_cell.source
    nbformat.write(nb, path)
    collide.append(True)
    assert record_assignment(cfg, ASSIGNMENT, grading_dir) == "unchanged" and len(writes) == 2
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_source_cell(GRADE_ID, NOTEBOOK, ASSIGNMENT).source.startswith("# edited")


def test_the_viewer_lock_file_is_never_submitted_or_collected(tmp_path, config_dirs, monkeypatch):
    """Students submit with deploy/nbgrader_config.multiuser.py, the instructor collects with the
    course's nbgrader_config.py: neither copies `.<slug>.findings.json.lock`."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config.loader import PyFileConfigLoader

    from course.grading.nbconfig import course_config, environ, nbgrader_env

    exchange, home, course = tmp_path / "exchange", tmp_path / "home", tmp_path / "course"
    released = exchange / "code-review-academy" / "outbound" / ASSIGNMENT
    shutil.copytree(CLASS / "perfect" / ASSIGNMENT, released, ignore=shutil.ignore_patterns("*.findings.json"))
    (exchange / "code-review-academy" / "inbound").mkdir()
    work = home / "code-review-academy" / ASSIGNMENT
    shutil.copytree(CLASS / "perfect" / ASSIGNMENT, work)
    lock = f".{SLUG}.findings.json.lock"
    (work / lock).write_text("")
    monkeypatch.setenv("NBGRADER_EXCHANGE_ROOT", str(exchange))
    monkeypatch.setenv("COURSE_ID", "code-review-academy")
    monkeypatch.chdir(home)
    multiuser = ROOT / "deploy" / "nbgrader_config.multiuser.py"
    cfg = PyFileConfigLoader(multiuser.name, path=str(multiuser.parent)).load_config()
    cfg.Exchange.cache = str(tmp_path / "cache")
    cd = CourseDirectory(config=cfg)
    cd.assignment_id, cd.student_id = ASSIGNMENT, "ada"
    ExchangeFactory(config=cfg).Submit(coursedir=cd, authenticator=Authenticator(config=cfg), config=cfg).start()
    (inbound,) = (exchange / "code-review-academy" / "inbound").iterdir()
    assert (inbound / f"{SLUG}.findings.json").is_file()
    assert not (inbound / lock).exists()

    (inbound / lock).write_text("")  # as a submit with another configuration would leave it
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copy(multiuser, config_dirs[1] / "nbgrader_config.py")  # /etc/jupyter, as on the hub
    cfg = course_config(course)
    cd = CourseDirectory(config=cfg)
    cd.assignment_id = ASSIGNMENT
    with environ(PATH=nbgrader_env()["PATH"]):
        ExchangeFactory(config=cfg).Collect(coursedir=cd, authenticator=Authenticator(config=cfg), config=cfg).start()
    collected = course / "submitted" / "ada" / ASSIGNMENT
    assert (collected / f"{SLUG}.findings.json").is_file()
    assert not (collected / lock).exists()


# a whole class through real nbgrader ------------------------------------------------------


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def grade_fixture_class(tmp_path_factory, *options: str) -> dict:
    """The fixture class, graded once by `course grade --jobs 2 OPTIONS` in a temporary course."""
    from nbgrader.api import Gradebook, MissingEntry

    tmp = tmp_path_factory.mktemp("class")
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(SOURCE / ASSIGNMENT, course / "source" / ASSIGNMENT)
    shutil.copytree(CLASS, course / "submitted")
    before = tree_digest(course / "submitted")
    db_url = f"sqlite:///{tmp / 'elsewhere' / 'class.db'}"
    (tmp / "elsewhere").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for name in ("CONFIG", "DATA", "RUNTIME"):
            (tmp / name).mkdir()
            mp.setenv(f"JUPYTER_{name}_DIR", str(tmp / name))
        mp.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
        mp.setenv("COURSE_BANK", str(BANK))
        mp.setenv("COURSE_CELL_TIMEOUT", "5")  # the infinite loop costs 5 s, not a minute
        mp.delenv("COURSE_DB_URL", raising=False)
        mp.chdir(course)
        # --db-url: the workers must write where the class grader reads, not gradebook.db
        result = CliRunner().invoke(
            main, ["grade", ASSIGNMENT, "--jobs", "2", "--db-url", db_url, *options], catch_exceptions=False
        )
    summary = json.loads((course / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
    recorded, cells = {}, {}
    with Gradebook(db_url) as gb:
        for student in EXPECTED:
            try:
                recorded[student] = gb.find_grade(GRADE_ID, NOTEBOOK, ASSIGNMENT, student).auto_score
                sub = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
                cells[student] = {g.name: (g.auto_score, g.needs_manual_grade) for g in sub.grades}
            except MissingEntry:  # nbgrader never graded this student; any other error fails the tests
                recorded[student] = None
    return {
        "course": course,
        "result": result,
        "summary": summary,
        "recorded": recorded,
        "db_url": db_url,
        "cells": cells,
        "untouched": before == tree_digest(course / "submitted"),
    }


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The fixture class graded with its notebooks executed as the grader's user (--unsandboxed):
    the path on which a notebook can fake its score, so the class grader's checks must catch it."""
    return grade_fixture_class(tmp_path_factory, "--unsandboxed")


@pytest.fixture(scope="module")
def kernel_free_class(tmp_path_factory):
    """The same class graded without running any student code (the default for this assignment)."""
    return grade_fixture_class(tmp_path_factory)


@pytest.mark.slow
def test_the_class_is_graded_into_the_gradebook_db_url_names(graded_class):
    assert not (graded_class["course"] / "gradebook.db").exists()
    assert graded_class["summary"]["gradebook"] == {"url": graded_class["db_url"], "assignment": "recorded"}
    assert f"gradebook: {graded_class['db_url']} (assignment recorded)" in " ".join(
        graded_class["result"].output.split()
    )


@pytest.mark.slow
def test_the_class_grader_exits_1_because_two_students_need_the_instructor(graded_class):
    result = graded_class["result"]
    assert result.exit_code == 1, result.output
    assert "9 graded 4 repaired 2 flagged 0 failed" in " ".join(result.output.split())  # rich may wrap
    assert graded_class["summary"]["counts"] == {"graded": 9, "repaired": 4, "flagged": 2, "failed": 0}


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_every_fixture_student_gets_the_exact_score_and_status(graded_class, student):
    status, points = EXPECTED[student]
    row = next(s for s in graded_class["summary"]["students"] if s["student"] == student)
    assert row["status"] == status, json.dumps(row)[:3000]
    assert graded_class["recorded"][student] == points
    if status in ("graded", "repaired") or student == "reads-the-key":
        assert row["reviews"][GRADE_ID] == {"slug": SLUG, "gradebook": points, "rescored": points, "max": 10.0}


@pytest.mark.slow
def test_the_tamperer_is_flagged_by_re_scoring_outside_the_kernel(graded_class):
    row = next(s for s in graded_class["summary"]["students"] if s["student"] == "tamperer")
    assert row["reviews"][GRADE_ID] == {"slug": SLUG, "gradebook": 10.0, "rescored": 0.0, "max": 10.0}
    assert row["reasons"][0].startswith(f"{GRADE_ID}: the gradebook has 10 of 10, but the submitted review")
    assert not (graded_class["course"] / "feedback" / "tamperer").exists()  # held back


@pytest.mark.slow
def test_a_notebook_that_prints_the_key_while_graded_gets_no_feedback(graded_class):
    """The kernel runs on the grading machine, where the bank is: feedback is checked for key
    text the student did not earn before anyone can release it."""
    row = next(s for s in graded_class["summary"]["students"] if s["student"] == "reads-the-key")
    assert row["tags"] == ["key text in feedback"]
    assert "did the notebook read the key while it was graded?" in row["reasons"][0]
    assert not (graded_class["course"] / "feedback" / "reads-the-key" / ASSIGNMENT).exists()


@pytest.mark.slow
def test_repairs_and_failures_say_why(graded_class):
    rows = {s["student"]: s for s in graded_class["summary"]["students"]}
    assert rows["copied-grade-cell"]["tags"] == ["copy-pasted cell"]
    assert rows["deleted-grade-cell"]["tags"] == ["deleted cell"]
    assert rows["retyped-grade-cell"]["tags"] == ["cell type changed"]
    unreadable = rows["unreadable-notebook"]["reasons"][0]
    assert unreadable.startswith("cart-review.ipynb is not valid notebook JSON")
    assert "graded in the blank release notebook instead, its reviews from the findings files" in unreadable
    assert "enter its other answers by hand in formgrader" in unreadable
    assert rows["unreadable-notebook"]["tags"] == ["unreadable notebook"]
    assert rows["infinite-loop"]["tags"] == ["cell timed out"]
    assert rows["no-sidecar"]["tags"] == ["no review"]
    assert rows["corrupt-sidecar"]["tags"] == ["review unreadable"]


@pytest.mark.slow
def test_submissions_are_never_changed_by_grading(graded_class):
    assert graded_class["untouched"]


@pytest.mark.slow
def test_megabytes_of_output_are_cut_down_in_what_is_kept(graded_class):
    course = graded_class["course"]
    assert (course / "autograded" / "prints-megabytes" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").stat().st_size < 150_000
    assert (course / "feedback" / "prints-megabytes" / ASSIGNMENT / f"{NOTEBOOK}.html").stat().st_size < 400_000
    row = next(s for s in graded_class["summary"]["students"] if s["student"] == "prints-megabytes")
    assert "output cut" in row["tags"], row  # the row says which limit it hit
    assert any("was too long and was cut" in n for n in row["notes"]), row


@pytest.mark.slow
def test_in_the_sandbox_the_row_says_the_output_was_cut(sandboxed_class):
    row = next(s for s in sandboxed_class["summary"]["students"] if s["student"] == "prints-megabytes")
    assert "output cut" in row["tags"] and row["status"] == "graded", row
    assert not [s for s in sandboxed_class["summary"]["students"] if "output cut" in s["tags"] and s is not row]


@pytest.mark.slow
def test_feedback_pages_exist_for_every_graded_student_and_no_one_else(graded_class):
    feedback = graded_class["course"] / "feedback"
    for student, (status, _) in EXPECTED.items():
        folder = feedback / student / ASSIGNMENT
        assert (folder / f"{NOTEBOOK}.html").exists() == (status in ("graded", "repaired")), student
        # nbgrader's release_feedback publishes every *.html here, but a student's fetch_feedback
        # brings home only <notebook>.html: nothing else may be there
        assert [p.name for p in folder.glob("*.html")] in ([f"{NOTEBOOK}.html"], []), student


@pytest.mark.slow
def test_the_per_defect_feedback_is_inside_the_page_students_fetch(graded_class):
    import re
    from html import unescape

    page = (graded_class["course"] / "feedback" / "partial" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text(
        encoding="utf-8"
    )
    section = re.search(r'<section id="course-review-feedback">(.*?)</section>', page, re.S)
    assert section and page.index("<section") < page.index('id="notebook"'), "at the top of nbgrader's page"
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", section.group(1))).split())
    assert "Review of fixture-cart: 6.67 of 10 points" in text
    assert "found FIXTURE-TITLE-A" in text and "FIXTURE-EXPLANATION-A" in text
    assert "FIXTURE-TITLE-C" in text and "the category that fits is" in text
    assert "missed Hint: FIXTURE-HINT-B1" in text and "FIXTURE-TITLE-B" not in text
    assert "FIXTURE-WHY-FINE" in text


@pytest.mark.slow
def test_feedback_never_reveals_a_defect_the_student_did_not_find(graded_class):
    """Hidden test source is cleared; a missed defect appears only as its first hint."""
    key = Bank(BANK).get(SLUG).key
    texts = key_texts(Bank(BANK))
    feedback = graded_class["course"] / "feedback"
    checked = 0
    for student, (status, _) in EXPECTED.items():
        if status not in ("graded", "repaired"):
            continue
        side = CLASS / student / ASSIGNMENT / f"{SLUG}.findings.json"
        outcome = rescore(side.parent, SLUG, 10, Bank(BANK))  # an error here must fail the test
        found = {r.defect.id for r in outcome.result.defects if r.status != "missed"} if outcome.result else set()
        allowed = set()
        for d in key.defects:
            if d.id in found:
                allowed |= {f"{SLUG}/{d.id} title", f"{SLUG}/{d.id} explanation"}
            else:
                allowed.add(f"{SLUG}/{d.id} hint 1")
        allowed.add(f"{SLUG} decoy 1 why_fine")  # shown only beside the student's own false positive
        for page in (feedback / student / ASSIGNMENT).glob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "grade_review(" not in text, page  # the hidden test source
            assert not set(leaks(text, texts)) - allowed, (page, set(leaks(text, texts)) - allowed)
            checked += 1
    assert checked == 13  # every graded or repaired student, the unreadable notebook's blank copy too


# the built wheel carries no key ----------------------------------------------------------


@pytest.mark.slow
def test_the_wheel_holds_no_answer_key_text(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "course", src / "course", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-w", str(tmp_path / "dist"), "-q"],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    texts = {**key_texts(Bank(ROOT / "exercises")), **key_texts(Bank(BANK))}
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert not [n for n in names if "exercises/" in n or n.endswith(("key.toml", ".findings.json"))]
        for name in names:
            text = zf.read(name).decode("utf-8", errors="replace")
            assert leaks(text, texts) == [], name


@pytest.mark.slow
def test_class_report_on_the_graded_fixture_class(graded_class):
    """Which defects did the fixture class miss? Counted by hand from make_class.py.

    Fourteen readable reviews (the corrupt sidecar is left out of every rate; the student
    with no sidecar counts as an empty review). Line 6 (logic) is hit by perfect, partial,
    wrong-categories, flags-every-line, reads-the-key, copied, deleted, retyped, infinite-loop
    and unreadable-notebook; line 16 by perfect, wrong-categories, flags-every-line, retyped,
    infinite-loop and prints-megabytes; line 21 by perfect, partial, wrong-categories,
    flags-every-line, copied, infinite-loop and prints-megabytes.
    """
    from course.report import class_report

    report = class_report(graded_class["course"], ASSIGNMENT, bank=BANK)
    rates = dict(zip(report.defects["defect"], report.defects["detection_rate"]))
    assert rates == pytest.approx(
        {
            "subtotal-drops-first-item": 10 / 14,
            "average-of-empty-cart": 6 / 14,
            "coupon-makes-total-negative": 7 / 14,
        }
    )
    recall = dict(zip(report.categories["category"], report.categories["recall"]))
    assert recall["logic"] == pytest.approx(10 / 14)
    assert recall["edge-case"] == pytest.approx(13 / 28)
    status = dict(zip(report.students["student"], report.students["status"]))
    assert status["tamperer"] == "flagged" and status["reads-the-key"] == "flagged"
    assert status["copied-grade-cell"] == "repaired" and status["unreadable-notebook"] == "repaired"


def test_grading_refuses_a_source_folder_holding_a_sidecar(tmp_path, monkeypatch):
    """A sidecar left in source/ would overwrite every student's review: grading must stop first."""
    from course.grading.classgrader import grade_class

    course = tmp_path / "course"
    shutil.copytree(SOURCE / ASSIGNMENT, course / "source" / ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    (course / "source" / ASSIGNMENT / "fixture-cart.findings.json").write_text("{}")
    monkeypatch.setenv("COURSE_BANK", str(BANK))
    with pytest.raises(GradingError, match=r"fixture-cart\.findings\.json: nbgrader copies every file"):
        grade_class(ASSIGNMENT, root=course, db_url=f"sqlite:///{tmp_path / 'gb.db'}")
    assert not (course / "submitted").exists()


# kernel-free grading: no student code runs ----------------------------------------------------


@pytest.mark.slow
def test_a_review_only_assignment_is_graded_without_running_student_code(kernel_free_class):
    """Is the default for an assignment whose autograded cells are all reviews the kernel-free path?"""
    assert kernel_free_class["summary"]["execution"] == "none"
    assert "kernel-free: no student code ran" in " ".join(kernel_free_class["result"].output.split())
    # nothing executed: no code cell of any autograded notebook has an execution count or an output
    # but the review grade cells, which the grader filled in itself
    autograded = kernel_free_class["course"] / "autograded"
    notebooks = sorted(autograded.glob(f"*/{ASSIGNMENT}/{NOTEBOOK}.ipynb"))
    assert len(notebooks) == 15  # every student: an unreadable notebook is replaced by the blank release one
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert cell.execution_count is None, (path, cell.source[:60])
            if cell.metadata.get("nbgrader", {}).get("grade_id") != GRADE_ID:
                assert cell.outputs == [], (path, cell.source[:60])


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_kernel_free_grades_every_cell_as_the_executed_path_should(graded_class, kernel_free_class, student):
    """Every cell of every fixture student: the kernel-free gradebook holds what the executed path's
    re-score says the review earned (the tamperer's faked 10 is exactly what it cannot hold)."""
    status, _ = EXPECTED[student]
    if status == "failed":
        assert student not in kernel_free_class["cells"] and student not in graded_class["cells"]
        return
    executed = dict(graded_class["cells"][student])
    rescored = next(s for s in graded_class["summary"]["students"] if s["student"] == student)["reviews"][GRADE_ID]
    if rescored["gradebook"] != rescored["rescored"]:
        # the kernel's faked score was replaced by the re-score and left for a grader to look at
        assert executed[GRADE_ID] == (rescored["rescored"], True)
        executed[GRADE_ID] = (rescored["rescored"], False)
    assert kernel_free_class["cells"][student] == executed
    row = next(s for s in kernel_free_class["summary"]["students"] if s["student"] == student)
    assert row["status"] == ("graded" if status == "flagged" else status), row
    assert row["reviews"][GRADE_ID]["gradebook"] == row["reviews"][GRADE_ID]["rescored"] == rescored["rescored"]


@pytest.mark.slow
def test_kernel_free_feedback_has_the_per_defect_section_and_no_key_the_student_did_not_earn(kernel_free_class):
    page = kernel_free_class["course"] / "feedback" / "partial" / ASSIGNMENT / f"{NOTEBOOK}.html"
    text = page.read_text(encoding="utf-8")
    assert '<section id="course-review-feedback">' in text
    assert "Review of fixture-cart: 6.67 of 10 points" in html.unescape(text)
    reads = kernel_free_class["course"] / "feedback" / "reads-the-key" / ASSIGNMENT / f"{NOTEBOOK}.html"
    assert reads.is_file()  # its key-reading cell never ran, so there is nothing to hold back


# the sandboxed executed path ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandboxed_class(tmp_path_factory):
    """The same class with every notebook executed in the grading sandbox (--execute)."""
    return grade_fixture_class(tmp_path_factory, "--execute")


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_the_sandboxed_path_grades_every_cell_as_the_kernel_free_path(sandboxed_class, kernel_free_class, student):
    """Executed in the sandbox, no notebook can change its grade: the tamperer's patch and the key
    reader's cell run, but the gradebook holds what each review earns, cell for cell."""
    assert sandboxed_class["summary"]["execution"] == "sandbox"
    assert sandboxed_class["cells"].get(student) == kernel_free_class["cells"].get(student)
    row = next(s for s in sandboxed_class["summary"]["students"] if s["student"] == student)
    free = next(s for s in kernel_free_class["summary"]["students"] if s["student"] == student)
    assert row["status"] == free["status"], row
    assert sandboxed_class["untouched"]


@pytest.mark.slow
def test_in_the_sandbox_the_key_reader_finds_no_key(sandboxed_class):
    nb = nbformat.read(
        sandboxed_class["course"] / "autograded" / "reads-the-key" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4
    )
    (cell,) = [c for c in nb.cells if "COURSE_BANK" in c.source]  # the student's key-reading cell
    printed = json.dumps(cell.outputs)
    assert "FIXTURE" not in printed and "[[defect]]" not in printed
    assert "KeyError" in printed  # it ran, and the sandbox has no COURSE_BANK (nor any bank)
    page = sandboxed_class["course"] / "feedback" / "reads-the-key" / ASSIGNMENT / f"{NOTEBOOK}.html"
    assert page.is_file()  # nothing leaked, so its feedback is not held back
