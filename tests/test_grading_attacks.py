"""Can one malicious submission, executed by `course grade --execute`, do harm? Each attack below
was tried as a student would (issue 11); each must achieve nothing, and every other student must
be graded exactly as without the attacker."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from click.testing import CliRunner

from course.cli import main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = HERE / "fixtures"
ASSIGNMENT, NOTEBOOK, GRADE_ID = "fixture-review", "cart-review", "grades_review_of_fixture_cart"
HONEST = ("perfect", "partial", "empty", "wrong-categories")
MARK = "cra-attack-sleeper-7f3a"

ATTACK = """
import glob, json, os, subprocess, sqlite3, pathlib
course = pathlib.Path({course!r})
results = {{}}

def attempt(name, fn):
    try:
        fn()
        results[name] = "done"
    except Exception as exc:
        results[name] = "blocked: " + type(exc).__name__

attempt("read a key", lambda: print(open({key!r}).read()))
attempt("list the bank", lambda: os.listdir({bank!r}))
attempt("rewrite a key", lambda: open({key!r}, "a").write("\\n# rewritten\\n"))
attempt("append to nbgrader_config.py", lambda: open(course / "nbgrader_config.py", "a").write("\\nraise SystemExit\\n"))
attempt("write an IPython startup file", lambda: (pathlib.Path({home!r}) / ".ipython/profile_default/startup").mkdir(parents=True) or
        (pathlib.Path({home!r}) / ".ipython/profile_default/startup/00-evil.py").write_text("raise SystemExit"))
def zero_grades():
    db = sqlite3.connect({db!r})
    db.execute("update grade set auto_score = 0")
    db.commit()
attempt("zero the gradebook", zero_grades)
attempt("overwrite a classmate's review", lambda: open(course / "submitted/perfect/fixture-review/fixture-cart.findings.json", "w").write("{{}}"))
attempt("overwrite the staged copy", lambda: open(course / "reports/fixture-review/grading/submitted/perfect/fixture-review/fixture-cart.findings.json", "w").write("{{}}"))
def secrets():
    found = [p for p in glob.glob("/proc/*/environ") if b"COURSE_DB_URL" in open(p, "rb").read()]
    found += [p for p in glob.glob("/proc/*/cmdline") if b"sqlite" in open(p, "rb").read()]
    if os.environ.get("COURSE_DB_URL") or os.environ.get("PGPASSWORD") or found:
        raise AssertionError  # shown as done below only when nothing was found
    raise PermissionError("nothing to read")
attempt("read the grader's secrets", secrets)
attempt("leave a process running", lambda: subprocess.Popen(["sh", "-c", "sleep 600 # {mark}"], start_new_session=True))
print("ATTACKS", json.dumps(results, sort_keys=True))
print("x" * 3_000_000)
"""


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def sleepers() -> list[int]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if MARK in " ".join(proc.info["cmdline"] or []):
            found.append(proc.pid)
    return found


def grade(tmp: Path, *, attacker: bool) -> dict:
    from nbgrader.api import Gradebook

    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    bank = tmp / "bank"
    shutil.copytree(FIXTURES / "bank", bank)
    for s in HONEST:
        shutil.copytree(FIXTURES / "class" / s, course / "submitted" / s)
    db = course / "gradebook.db"
    home = tmp / "home"
    home.mkdir()
    if attacker:
        shutil.copytree(FIXTURES / "class" / "partial", course / "submitted" / "attacker")
        path = course / "submitted" / "attacker" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        nb = nbformat.read(path, as_version=4)
        i = next(n for n, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID)
        source = ATTACK.format(
            course=str(course),
            key=str(bank / "fixture-cart" / "key.toml"),
            bank=str(bank),
            home=str(home),
            db=str(db),
            mark=MARK,
        )
        nb.cells.insert(i, nbformat.v4.new_code_cell(textwrap.dedent(source)))
        nbformat.write(nb, path)
    before = {"bank": digest(bank), "config": digest(course / "source") + (course / "nbgrader_config.py").read_text()}
    with pytest.MonkeyPatch.context() as mp:
        for name in ("CONFIG", "DATA", "RUNTIME"):
            (tmp / name).mkdir()
            mp.setenv(f"JUPYTER_{name}_DIR", str(tmp / name))
        mp.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
        mp.setenv("HOME", str(home))
        mp.setenv("COURSE_CELL_TIMEOUT", "10")
        mp.setenv("COURSE_DB_URL", f"sqlite:///{db}")  # a secret the kernel must not see
        mp.chdir(course)
        result = CliRunner().invoke(
            main, ["grade", ASSIGNMENT, "--execute", "--bank", str(bank)], catch_exceptions=False
        )
    summary = json.loads((course / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
    with Gradebook(f"sqlite:///{db}") as gb:
        grades = {s: gb.find_grade(GRADE_ID, NOTEBOOK, ASSIGNMENT, s).auto_score for s in HONEST}
    return {
        "course": course,
        "bank": bank,
        "home": home,
        "result": result,
        "summary": summary,
        "grades": grades,
        "before": before,
    }


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    return grade(tmp_path_factory.mktemp("attacked"), attacker=True)


@pytest.fixture(scope="module")
def honest(tmp_path_factory):
    return grade(tmp_path_factory.mktemp("honest"), attacker=False)


@pytest.mark.slow
def test_every_attack_is_blocked_inside_the_sandbox(attacked):
    nb = nbformat.read(attacked["course"] / "autograded" / "attacker" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    line = next(ln for ln in text.splitlines() if ln.startswith("ATTACKS "))
    results = json.loads(line.removeprefix("ATTACKS "))
    assert len(results) == 10
    # Two "succeed" inside the sandbox only: a process starts (and dies with the sandbox, below), and
    # the startup file lands in the sandbox's private /tmp (the real home is checked below).
    done = {k for k, v in results.items() if not v.startswith("blocked")}
    assert done == {"leave a process running", "write an IPython startup file"}


@pytest.mark.slow
def test_nothing_outside_the_attackers_copy_changed(attacked):
    course, bank = attacked["course"], attacked["bank"]
    assert digest(bank) == attacked["before"]["bank"]
    assert digest(course / "source") + (course / "nbgrader_config.py").read_text() == attacked["before"]["config"]
    assert not (attacked["home"] / ".ipython").exists()
    perfect = course / "submitted" / "perfect" / ASSIGNMENT / "fixture-cart.findings.json"
    assert (
        perfect.read_bytes()
        == (FIXTURES / "class" / "perfect" / ASSIGNMENT / "fixture-cart.findings.json").read_bytes()
    )


@pytest.mark.slow
def test_no_process_of_the_attacker_outlives_grading(attacked):
    deadline = time.monotonic() + 5
    while sleepers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sleepers() == []


@pytest.mark.slow
def test_classmates_are_graded_exactly_as_without_the_attacker(attacked, honest):
    assert attacked["grades"] == honest["grades"]
    assert attacked["grades"]["perfect"] == 10.0
    rows = {s["student"]: s for s in attacked["summary"]["students"]}
    assert all(rows[s]["status"] == "graded" for s in HONEST)


@pytest.mark.slow
def test_the_attackers_own_grade_is_what_its_review_earns_and_its_output_is_capped(attacked):
    row = next(s for s in attacked["summary"]["students"] if s["student"] == "attacker")
    review = row["reviews"][GRADE_ID]
    assert review["gradebook"] == review["rescored"] == 6.67  # the partial student's review
    page = attacked["course"] / "feedback" / "attacker" / ASSIGNMENT / f"{NOTEBOOK}.html"
    assert page.stat().st_size < 2_000_000  # three million characters were printed
    assert "FIXTURE-HINT-A2" not in page.read_text(encoding="utf-8")  # no key text it did not earn


def test_bytecode_caches_written_while_grading_do_not_count_as_changed_course_files(tmp_path):
    """Python writes __pycache__ on a first import (a fresh clone's first `course grade`): that
    must not flag the class, while a changed source file must."""
    from course.grading.guard import _source_snapshot

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("x = 1\n")
    before = _source_snapshot(tmp_path)
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\x00bytecode")
    assert _source_snapshot(tmp_path) == before
    (tmp_path / "pkg" / "mod.py").write_text("x = 2\n")
    assert _source_snapshot(tmp_path) != before
