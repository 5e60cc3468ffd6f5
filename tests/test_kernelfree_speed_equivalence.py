"""Kernel-free grading records in batches (worker.py's Batch): is every gradebook row and every
autograded notebook exactly what recording each student at once gives, and does the pool lose
no student when a worker holding unrecorded ones dies?"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import main
from course.grading.gradebook import apply_changes, changes, student_rows
from course.grading.pool import run_jobs
from course.grading.worker import WORKER_BATCH

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ASSIGNMENT = "fixture-review"

# Every row autograde writes, by names rather than the random ids nbgrader gives rows.
ROWS = """
SELECT 'grade', a.student_id, s.name, nb.name, c.name, g.auto_score, g.manual_score, g.extra_credit,
       g.needs_manual_grade, sn.flagged, sn.late_submission_penalty, a.timestamp, a.extension
FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment a ON a.id = sn.assignment_id
JOIN assignment s ON s.id = a.assignment_id JOIN notebook nb ON nb.id = sn.notebook_id JOIN base_cell c ON c.id = g.cell_id
UNION ALL
SELECT 'comment', a.student_id, s.name, nb.name, c.name, g.auto_comment, g.manual_comment, NULL, NULL, NULL, NULL,
       NULL, NULL
FROM comment g JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment a ON a.id = sn.assignment_id
JOIN assignment s ON s.id = a.assignment_id JOIN notebook nb ON nb.id = sn.notebook_id JOIN base_cell c ON c.id = g.cell_id
UNION ALL
SELECT 'student', id, first_name, last_name, email, lms_user_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM student
"""
TABLES = [
    "assignment",
    "notebook",
    "base_cell",
    "grade_cells",
    "solution_cells",
    "task_cells",
    "source_cell",
    "student",
    "submitted_assignment",
    "submitted_notebook",
    "grade",
    "comment",
    "course",
]


def dump(db: Path) -> dict:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return {
            "rows": sorted(map(repr, con.execute(ROWS).fetchall())),
            "counts": {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES},
        }


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def grade(tmp: Path, batch: str, *, twice: bool = False) -> dict:
    """The fixture class graded kernel-free (without feedback), recording `batch` students at a time."""
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    shutil.copytree(FIXTURES / "class", course / "submitted")
    db = tmp / "class.db"
    with pytest.MonkeyPatch.context() as mp:
        for name in ("CONFIG", "DATA", "RUNTIME"):
            (tmp / name).mkdir()
            mp.setenv(f"JUPYTER_{name}_DIR", str(tmp / name))
        mp.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
        mp.setenv("COURSE_BANK", str(FIXTURES / "bank"))
        mp.setenv(WORKER_BATCH, batch)
        mp.delenv("COURSE_DB_URL", raising=False)
        mp.chdir(course)
        for n in range(2 if twice else 1):
            if n:  # between the two runs the partial reviewer's review becomes a perfect one
                shutil.copy(
                    FIXTURES / "class" / "perfect" / ASSIGNMENT / "fixture-cart.findings.json",
                    course / "submitted" / "partial" / ASSIGNMENT / "fixture-cart.findings.json",
                )
            result = CliRunner().invoke(
                main,
                ["grade", ASSIGNMENT, "--jobs", "2", "--no-execute", "--no-feedback", "--db-url", f"sqlite:///{db}"],
                catch_exceptions=False,
            )
            assert result.exit_code in (0, 1), result.output
    summary = json.loads((course / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
    return {
        "path": db,
        "db": dump(db),
        "autograded": files(course / "autograded"),
        "rows": {s["student"]: (s["status"], s["score"], s["reviews"]) for s in summary["students"]},
        "scratch": sorted((course / "reports" / ASSIGNMENT / "grading" / "scratch").glob("*")),
    }


@pytest.fixture(scope="module")
def one_at_a_time(tmp_path_factory):
    return grade(tmp_path_factory.mktemp("single"), "1")


@pytest.mark.slow
@pytest.mark.parametrize("batch", ["4", "50"])
def test_batched_recording_writes_exactly_what_recording_each_student_writes(one_at_a_time, tmp_path, batch):
    """4: several batches a worker, the last one short; 50: one batch, recorded when the queue is empty."""
    batched = grade(tmp_path, batch)
    assert len(one_at_a_time["db"]["rows"]) > 60
    assert batched["db"] == one_at_a_time["db"]
    assert batched["autograded"].keys() == one_at_a_time["autograded"].keys()
    assert batched["autograded"] == one_at_a_time["autograded"]
    assert batched["rows"] == one_at_a_time["rows"]
    assert batched["scratch"] == []  # every worker removed its scratch copy


@pytest.mark.slow
def test_a_regrade_in_batches_changes_what_a_regrade_one_at_a_time_changes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    batched, single = grade(tmp_path / "a", "4", twice=True), grade(tmp_path / "b", "1", twice=True)
    assert batched["db"] == single["db"]
    # the partial reviewer's grade row was updated from 6.67 to 10, in both gradebooks alike
    assert batched["rows"]["partial"][2]["grades_review_of_fixture_cart"]["gradebook"] == 10.0
    assert batched["autograded"] == single["autograded"]


# the recorder's own steps ----------------------------------------------------------------------


def _gradebook(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.executescript("""
        CREATE TABLE student (id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, lms_user_id TEXT);
        CREATE TABLE submitted_assignment (id TEXT PRIMARY KEY, assignment_id TEXT, student_id TEXT, timestamp TEXT,
            extension TEXT, UNIQUE (assignment_id, student_id));
        CREATE TABLE submitted_notebook (id TEXT PRIMARY KEY, assignment_id TEXT, notebook_id TEXT, flagged INTEGER,
            late_submission_penalty REAL);
        CREATE TABLE grade (id TEXT PRIMARY KEY, notebook_id TEXT, cell_id TEXT, auto_score REAL, manual_score REAL,
            extra_credit REAL, needs_manual_grade INTEGER NOT NULL);
        CREATE TABLE comment (id TEXT PRIMARY KEY, notebook_id TEXT, cell_id TEXT, auto_comment TEXT,
            manual_comment TEXT);
        INSERT INTO student VALUES ('ada', NULL, NULL, NULL, NULL);
        INSERT INTO submitted_assignment VALUES ('sa', 'hw', 'ada', '2026-03-01 10:00:00', NULL);
        INSERT INTO submitted_notebook VALUES ('sn', 'sa', 'nb', 0, NULL);
        INSERT INTO grade VALUES ('g1', 'sn', 'c1', 1.0, 7.0, NULL, 1);
    """)
    return con


def test_only_the_columns_that_changed_are_written_and_a_conflict_writes_nothing(tmp_path):
    scratch, db = _gradebook(tmp_path / "scratch.db"), _gradebook(tmp_path / "class.db")
    before = student_rows(scratch, "ada")
    scratch.execute("UPDATE grade SET auto_score = 2.5, needs_manual_grade = 1 WHERE id = 'g1'")
    scratch.execute("INSERT INTO comment VALUES ('k1', 'sn', 'c2', 'No response.', NULL)")
    todo = changes(before, student_rows(scratch, "ada"))
    assert todo == [
        ("update", "grade", "g1", {"auto_score": 2.5}),
        ("insert", "comment", "k1", {"id": "k1", "notebook_id": "sn", "cell_id": "c2", "auto_comment": "No response.",
                                     "manual_comment": None}),
    ]  # fmt: skip
    db.execute("UPDATE grade SET manual_score = 9.0 WHERE id = 'g1'")  # a grader, meanwhile
    apply_changes(tmp_path / "class.db", todo)
    assert db.execute("SELECT auto_score, manual_score FROM grade").fetchall() == [(2.5, 9.0)]
    assert db.execute("SELECT count(*) FROM comment").fetchone() == (1,)
    # The same insert again collides: nothing of the batch is written.
    todo2 = [("update", "grade", "g1", {"auto_score": 4.0}), *todo[1:]]
    with pytest.raises(sqlite3.IntegrityError):
        apply_changes(tmp_path / "class.db", todo2)
    assert db.execute("SELECT auto_score FROM grade").fetchall() == [(2.5,)]


# the pool's side: held jobs ------------------------------------------------------------------------

HOLDING_WORKER = textwrap.dedent("""
    import json, os, sys
    print(json.dumps({"ready": True}), flush=True)
    held = []
    log = open(sys.argv[1], "a")
    for line in sys.stdin:
        job = json.loads(line)
        if job["op"] == "record":
            for j in held:
                print(json.dumps({**j, "ok": True, "error": "", "log": "", "retries": 0, "seconds": 0.0}), flush=True)
                log.write(j["student"] + "\\n")
            held = []
            print(json.dumps({"op": "record", "recorded": True}), flush=True)
            continue
        if job["student"] == "dies" and not job.get("again"):
            os._exit(3)
        held.append(job)
        print(json.dumps({**job, "held": True}), flush=True)
""")


def test_jobs_a_dead_worker_held_unrecorded_are_graded_again(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(HOLDING_WORKER)
    recorded = tmp_path / "recorded.txt"
    answers: dict[str, list] = {}
    students = ["a", "b", "c", "dies", "d", "e", "f"]
    run_jobs(
        [{"op": "autograde", "student": s} for s in students],
        workers=2,
        cmd=[sys.executable, str(script), str(recorded)],
        env=dict(os.environ),
        log_dir=tmp_path,
        limit=20.0,
        on_result=lambda a: answers.setdefault(a["student"], []).append(a),
    )
    assert sorted(answers) == sorted(students)
    assert all(len(a) == 1 for a in answers.values()), answers  # each answered once
    assert not answers["dies"][0]["ok"] and "worker died" in answers["dies"][0]["error"]
    assert all(answers[s][0]["ok"] for s in students if s != "dies")
    # every student but the one that killed its worker was recorded by a worker that lived
    assert sorted(recorded.read_text().split()) == sorted(s for s in students if s != "dies")


@pytest.mark.slow
def test_the_bulk_read_of_submissions_is_what_nbgrader_finds_one_by_one(one_at_a_time, tmp_path):
    """recorded.py reads every submission (score, max, needs-manual, late penalty) in one query."""
    from nbgrader.api import Gradebook

    from course.grading.recorded import read_recorded

    db = tmp_path / "class.db"
    shutil.copy(one_at_a_time["path"], db)
    with contextlib.closing(sqlite3.connect(db)) as con:  # two students were late: penalties on a notebook
        con.execute(
            "UPDATE submitted_notebook SET late_submission_penalty = 1.5 WHERE assignment_id IN "
            "(SELECT id FROM submitted_assignment WHERE student_id IN ('partial', 'perfect'))"
        )
        con.commit()
    with Gradebook(f"sqlite:///{db}") as gb:
        recorded = read_recorded(gb, ASSIGNMENT, [])
        assert len(recorded.submissions) >= 10
        for student, bulk in recorded.submissions.items():
            sub = gb.find_submission(ASSIGNMENT, student)
            one = (
                float(sub.score),
                float(sub.max_score),
                sub.needs_manual_grade,
                float(sub.late_submission_penalty or 0),
            )
            assert (bulk.score, bulk.max_score, bulk.needs_manual_grade, bulk.late_penalty) == one
        assert recorded.submissions["partial"].late_penalty == 1.5


def test_without_a_scratch_copy_each_student_is_recorded_at_once(tmp_path, monkeypatch):
    from traitlets.config import Config

    from course.grading import worker

    cfg = Config()
    cfg.CourseDirectory.root = str(tmp_path)
    cfg.CourseDirectory.db_url = f"sqlite:///{tmp_path / 'class.db'}"
    graded = []
    monkeypatch.setattr(worker, "_grade_one", lambda c, a, job: graded.append(c) or {**job, "ok": True})
    monkeypatch.setattr(worker.Batch, "_open", lambda self: (_ for _ in ()).throw(OSError("disk full")))
    batch = worker.Batch(cfg, ASSIGNMENT, 50, tmp_path / "scratch")
    assert batch.grade({"op": "autograde", "student": "a"}) == [{"op": "autograde", "student": "a", "ok": True}]
    assert batch.grade({"op": "autograde", "student": "b"})[0]["ok"] and batch.held == []
    assert all(c is cfg for c in graded)  # the class's gradebook, not a scratch copy
    batch.close()
    assert not (tmp_path / "scratch").exists() or not any((tmp_path / "scratch").iterdir())
