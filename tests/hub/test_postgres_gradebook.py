"""`course grade` on a PostgreSQL gradebook, with two graders started at the same moment.

A class too big for one machine is graded in shards (docs/deploy.md, "Grading a large class"):
each grader machine has its own working copy of the course directory (with the bank), collects
its share of the class from the shared exchange by student-id pattern, and runs `course grade`;
all of them write to one PostgreSQL gradebook. Here the two grader machines are two course
directories on this machine, and the database is a real PostgreSQL server on loopback.

The gradebook URL reaches each one a different supported way: the instructor and grader-1 by
COURSE_DB_URL (read by the course's nbgrader_config.py), grader-2 by a system-wide nbgrader
config (what /etc/jupyter/nbgrader_config.py would hold), which `course grade` reads as
nbgrader does. `course report` takes it as --db-url.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from hub_assignment import ASSIGNMENT, NOTEBOOK, POINTS, make_course_dir, pick_exercise, plans
from hub_harness import MULTIUSER_CONFIG, run

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.timeout(420)]

# Two shards by the first letter of the student id, as `nbgrader collect --student` globs them.
ROSTER = {
    "ada": "thorough",
    "ben": "partial",
    "cy": "approver",
    "dee": "thorough",
    "eve": "partial",
    "finn": "approver",
    "gus": "thorough",
    "hal": "partial",
    "ivy": "approver",
    "jo": "thorough",
}
SHARDS = {"grader-1": "[a-e]*", "grader-2": "[f-z]*"}

# What each student's Jupyter server does through nbgrader's exchange API (the calls behind the
# Assignments tab), for several students in one process: the ids are nbgrader's, not accounts.
STUDENTS = r"""
import json, os, sys
from traitlets.config.loader import PyFileConfigLoader
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory

action, spec = sys.argv[1], json.loads(sys.argv[2])
config_dir, config_file = os.path.split(spec["config"])
for student, home in spec["homes"].items():
    os.makedirs(home, exist_ok=True)
    os.chdir(home)
    os.environ["HOME"] = home  # nbgrader's cache is per user, under ~/.local/share/jupyter
    cfg = PyFileConfigLoader(config_file, path=config_dir).load_config()
    cd = CourseDirectory(config=cfg)
    cd.assignment_id = spec["assignment"]
    exchange = ExchangeFactory(config=cfg)
    auth = Authenticator(config=cfg)
    if action == "work":
        exchange.FetchAssignment(coursedir=cd, authenticator=auth, config=cfg).start()
        from course.review import Review
        folder = os.path.join(home, cd.course_id, spec["assignment"])
        review = Review.open(os.path.join(folder, spec["slug"] + ".diff"))
        plan = spec["plans"][student]
        for f in plan["findings"]:
            review.flag(f["path"], f["start"], f["category"], f["comment"], end=f["end"], side=f["side"],
                        severity=f["severity"])
        review.verdict = plan["verdict"]
        cd.student_id = student
        exchange.Submit(coursedir=cd, authenticator=auth, config=cfg).start()
    else:
        cd.student_id = student
        exchange.FetchFeedback(coursedir=cd, authenticator=auth, config=cfg).start()
print("ok")
"""


@pytest.fixture(scope="module")
def sharded_class(postgres, scratch):
    timings: dict[str, float] = {}
    mark = [time.monotonic()]

    def lap(name: str) -> None:
        now = time.monotonic()
        timings[name] = round(now - mark[0], 1)
        mark[0] = now

    exercise = pick_exercise()
    roles = plans(exercise)
    libpq_url = postgres.create_database("gradebook")
    # The driver named in the URL: SQLAlchemy 2.0 would take postgresql:// to mean psycopg2.
    db_url = libpq_url.replace("postgresql://", "postgresql+psycopg://", 1)
    exchange = scratch / "exchange"
    exchange.mkdir(mode=0o1777)
    exchange.chmod(0o1777)
    etc = scratch / "etc-jupyter"
    etc.mkdir()
    shutil.copy(MULTIUSER_CONFIG, etc / "nbgrader_config.py")
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(scratch / "grader-home"),
        "JUPYTER_CONFIG_PATH": str(etc),
        "NBGRADER_EXCHANGE_ROOT": str(exchange),
        "COURSE_ID": "code-review-academy",
        "COURSE_DB_URL": db_url,
        "COURSE_CELL_TIMEOUT": "30",
    }
    (scratch / "grader-home").mkdir()
    # grader-2's machine: no COURSE_DB_URL; the URL is in its system-wide nbgrader config
    etc2 = scratch / "etc-jupyter-grader-2"
    etc2.mkdir()
    (etc2 / "nbgrader_config.py").write_text(
        MULTIUSER_CONFIG.read_text(encoding="utf-8")
        + f"\n# This machine grades into the class's PostgreSQL gradebook.\nc.CourseDirectory.db_url = {db_url!r}\n",
        encoding="utf-8",
    )
    envs = {
        "grader-1": env,
        "grader-2": {**{k: v for k, v in env.items() if k != "COURSE_DB_URL"}, "JUPYTER_CONFIG_PATH": str(etc2)},
    }
    lap("postgres")

    def nbgrader(course: Path, *args: str, environ=env, **kw):
        return run(["nbgrader", *args], cwd=course, env=environ, **kw)

    # The instructor's copy: the gradebook's tables, the roster and the assignment are made
    # before any grader starts (docs/deploy.md).
    main = make_course_dir(
        scratch / "instructor" / "code-review-academy", exercise, {s: role.title() for s, role in ROSTER.items()}
    )
    nbgrader(main, "db", "student", "import", "roster.csv")
    run(["course", "build", "--no-check", ASSIGNMENT], cwd=main, env=env)
    nbgrader(main, "release_assignment", ASSIGNMENT)
    # An edit to source/ after the build (a locked cell's comment): both graders must record the
    # assignment again as they start, at the same moment.
    source = main / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(source, as_version=4)
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    setup.source = "# the course's review tools\n" + setup.source
    nbformat.write(nb, source)
    lap("instructor: roster, build, release")

    spec = {
        "config": str(etc / "nbgrader_config.py"),
        "assignment": ASSIGNMENT,
        "slug": exercise.slug,
        "homes": {s: str(scratch / "students" / s) for s in ROSTER},
        "plans": {s: {"findings": roles[role].findings, "verdict": roles[role].verdict} for s, role in ROSTER.items()},
    }
    run([sys.executable, "-c", STUDENTS, "work", json.dumps(spec)], env=env)
    lap("students fetch, review, submit")

    # Two grader machines: each its own working copy, its own share of the class.
    graders = {}
    for name, pattern in SHARDS.items():
        copy = scratch / name / "code-review-academy"
        shutil.copytree(main, copy, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback", "reports"))
        nbgrader(copy, "collect", ASSIGNMENT, "--student", pattern, environ=envs[name])
        graders[name] = copy
    lap("graders collect their shards")

    # Both graders start `course grade` at the same moment.
    procs, spans, outputs = {}, {}, {}
    for name in graders:
        log = open(scratch / f"{name}.log", "w")  # noqa: SIM115 - held open by the running grader, closed below
        spans[name] = [time.time(), None]
        procs[name] = (
            subprocess.Popen(
                ["course", "grade", ASSIGNMENT, "--jobs", "1"],
                cwd=graders[name],
                env=envs[name],
                stdout=log,
                stderr=subprocess.STDOUT,
            ),
            log,
        )

    def staging(name: str) -> Path:
        return graders[name] / "reports" / ASSIGNMENT / "grading" / "submitted"

    try:
        for name, (proc, log) in procs.items():
            returncode = proc.wait(timeout=300)
            spans[name][1] = time.time()
            log.close()
            outputs[name] = (returncode, (scratch / f"{name}.log").read_text(errors="replace"))
    finally:
        for proc, log in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
    autograding = {name: staging(name).stat().st_mtime if staging(name).exists() else None for name in graders}
    lap("two graders at once: course grade")

    for name, copy in graders.items():
        nbgrader(copy, "release_feedback", ASSIGNMENT, environ=envs[name])
    run([sys.executable, "-c", STUDENTS, "feedback", json.dumps(spec)], env=env)
    lap("graders release feedback, students fetch it")
    print(f"\nsharded grading on PostgreSQL, seconds per step: {json.dumps(timings)}")
    return {
        "db_url": db_url,
        "libpq_url": libpq_url,
        "exercise": exercise,
        "roles": roles,
        "graders": graders,
        "main": main,
        "outputs": outputs,
        "spans": spans,
        "autograding": autograding,
        "homes": spec["homes"],
        "env": env,
    }


def test_both_graders_started_together_finished_and_overlapped(sharded_class):
    for name, (returncode, output) in sharded_class["outputs"].items():
        assert returncode == 0, f"{name}: course grade exited {returncode}\n{output}"
    spans, autograding = sharded_class["spans"], sharded_class["autograding"]
    (a, (a_start, a_end)), (b, (b_start, b_end)) = spans.items()
    assert abs(a_start - b_start) < 1, "the graders were meant to start together"
    assert autograding[a] is not None and autograding[b] is not None
    assert autograding[a] < b_end and autograding[b] < a_end, "their autograde phases did not overlap"


def test_the_edited_assignment_was_recorded_once_whatever_the_config_route(sharded_class):
    """Both graders found the source changed since the build; the first recorded it, the second
    found it recorded. Each graded into PostgreSQL, one told by COURSE_DB_URL and one by its
    system-wide nbgrader config."""
    summaries = {
        name: json.loads((copy / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
        for name, copy in sharded_class["graders"].items()
    }
    assert sorted(s["gradebook"]["assignment"] for s in summaries.values()) == ["recorded", "unchanged"]
    assert all(s["gradebook"]["url"] == sharded_class["db_url"] for s in summaries.values())
    from nbgrader.api import Gradebook

    with Gradebook(sharded_class["db_url"]) as gb:
        assert gb.find_source_cell("setup", NOTEBOOK, ASSIGNMENT).source.startswith("# the course's review tools")


def test_each_grader_graded_its_shard_only(sharded_class):
    for name, copy in sharded_class["graders"].items():
        summary = json.loads((copy / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
        graded = sorted(s["student"] for s in summary["students"])
        want = sorted(s for s in ROSTER if Path(s).match(SHARDS[name]))
        assert graded == want, name


def test_the_shared_gradebook_holds_every_score_once(sharded_class):
    """Every student's score is in PostgreSQL, right, once; no grader fell back to SQLite."""
    import psycopg
    from nbgrader.api import Gradebook

    roles = sharded_class["roles"]
    with Gradebook(sharded_class["db_url"]) as gb:
        got = {s: gb.find_submission(ASSIGNMENT, s).score for s in ROSTER}
        assert len(gb.assignment_submissions(ASSIGNMENT)) == len(ROSTER)
    assert got == pytest.approx({s: roles[r].expected for s, r in ROSTER.items()}, abs=0.005)
    assert got["ada"] == got["jo"] == POINTS and got["cy"] == got["ivy"] == 0 and 0 < got["ben"] < POINTS

    conn = psycopg.connect(sharded_class["libpq_url"])
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id")
            per_student = dict(cur.fetchall())
            cur.execute("SELECT COUNT(*) FROM grade")
            (grades,) = cur.fetchone()
    finally:
        conn.close()
    assert per_student == {s: 1 for s in ROSTER}
    # one graded cell per notebook per student (the notebook has one grade cell)
    assert grades == len(ROSTER)
    for folder in [sharded_class["main"], *sharded_class["graders"].values()]:
        assert not (folder / "gradebook.db").exists(), f"{folder} wrote a SQLite gradebook"


def test_every_student_fetches_feedback_released_by_their_grader(sharded_class):
    slug = sharded_class["exercise"].slug
    roles = sharded_class["roles"]
    for student, home in sharded_class["homes"].items():
        pages = list((Path(home) / "code-review-academy" / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK}.html"))
        assert len(pages) == 1, student
        expected = roles[ROSTER[student]].expected
        assert f"Review of {slug}: {expected:g} of {POINTS:g} points" in pages[0].read_text(encoding="utf-8")


def test_the_instructor_reports_on_the_whole_class(sharded_class, tmp_path):
    """Each grader's autograded/ is gathered back into the instructor's copy; `course report`
    then reads the PostgreSQL gradebook and every student's review."""
    main = sharded_class["main"]
    for copy in sharded_class["graders"].values():
        shutil.copytree(copy / "autograded", main / "autograded", dirs_exist_ok=True)
    proc = run(
        ["course", "report", ASSIGNMENT, "--db-url", sharded_class["db_url"], "--out", str(tmp_path)],
        cwd=main,
        check=False,
        env=sharded_class["env"],
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tmp_path / "class-report.html").read_text(encoding="utf-8")
    assert all(student in page for student in ROSTER)
