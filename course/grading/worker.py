"""One grading worker process: `python -m course.grading worker ROOT ASSIGNMENT SUBMITTED`.

It imports nbgrader once, then runs nbgrader's own Autograde (or GenerateFeedback) for one
student per request read from stdin, answering with one JSON line on its original stdout.
Everything else it or its kernels print goes to its log (its stderr). See pool.py for the
other end.

Kernel-free on an SQLite gradebook, it records in batches (`Batch`): nbgrader autogrades each
student into the worker's own scratch copy of the gradebook, which costs no disk syncs and waits
for no other writer, and every BATCH students the rows nbgrader changed there are written to the
class's gradebook in one transaction. (Each student alone makes about twelve commits, each two
disk syncs under SQLite's one-writer lock: most of a kernel-free student's time, and the two
workers' collisions.) Until a batch is recorded its students are answered "held"; pool.py asks
for the record when it has no more students for the worker.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

__all__ = ["WORKER_DB_URL", "WORKER_DB_URL_FILE", "WORKER_EXECUTION", "main"]

WORKER_DB_URL = "COURSE_GRADE_DB_URL"  # the gradebook, for a worker started by hand (tests, benchmarks)
WORKER_DB_URL_FILE = "COURSE_GRADE_DB_URL_FILE"  # a 0600 file holding it: how `course grade` says which gradebook
COURSE_FEEDBACK = "course.grading.preprocessors.CourseReviewFeedback"
COURSE_EXPORTER = "course.grading.preprocessors.CourseFeedbackExporter"
WORKER_EXECUTION = "COURSE_GRADE_EXECUTION"  # "none": score review cells without a kernel (kernelfree.py)
WORKER_BATCH = "COURSE_GRADE_BATCH"  # students recorded in one transaction (kernel-free, SQLite); 1: each at once
BATCH = 50


def _config(root: str, submitted: str) -> Any:
    from .nbconfig import course_config
    from .patches import feedback_preprocessors

    # The gradebook the main process resolved (its configuration and --db-url): every worker
    # writes where the class grader reads.
    url = os.environ.get(WORKER_DB_URL)
    if os.environ.get(WORKER_DB_URL_FILE):
        url = Path(os.environ[WORKER_DB_URL_FILE]).read_text(encoding="utf-8").strip()
    cfg = course_config(Path(root), db_url=url)
    # The kernels this worker starts run students' code: they need no database password. (They
    # run as this user, so this keeps it out of os.environ only, not out of /proc.)
    for name in (WORKER_DB_URL, WORKER_DB_URL_FILE, "COURSE_DB_URL"):
        os.environ.pop(name, None)
    cfg.CourseDirectory.submitted_directory = submitted
    # Once the last cell has answered, the kernel has nothing left to say: kill it rather than
    # wait for a graceful exit (about 0.2 s a submission, and nothing changes in the grades).
    cfg.Execute.shutdown_kernel = "immediate"
    # nbconvert validates the notebook after every preprocessor (13 a student); validated once,
    # after the last, an invalid notebook fails the same way, at a twelfth of the cost.
    cfg.Exporter.optimistic_validation = True
    mode = os.environ.get(WORKER_EXECUTION, "unsandboxed")
    if mode in ("none", "sandbox"):
        from nbgrader.converters import Autograde

        from .kernelfree import replace_execute

        configured = cfg.Autograde.get("autograde_preprocessors") or Autograde.autograde_preprocessors.default_value
        names = [p if isinstance(p, str) else f"{p.__module__}.{p.__name__}" for p in configured]
        cfg.Autograde.autograde_preprocessors = replace_execute(names, mode)
    # The class grader confirmed each student it asks feedback for (its summary comes later) and
    # scans every page itself: the course's feedback preprocessor need not do either (preprocessors.py).
    cfg.CourseReviewFeedback.in_course_grade = True
    wanted = feedback_preprocessors([str(p) for p in cfg.GenerateFeedback.get("preprocessors", [])])
    if wanted is not None:
        cfg.GenerateFeedback.preprocessors = wanted
    # Whatever the course's configuration says, the page course grade writes has the course's
    # per-defect section: its preprocessor last, its exporter writing the page.
    names = [p if isinstance(p, str) else f"{p.__module__}.{p.__name__}" for p in cfg.GenerateFeedback.preprocessors]
    if COURSE_FEEDBACK not in names:
        cfg.GenerateFeedback.preprocessors = [*names, COURSE_FEEDBACK]
    cfg.GenerateFeedback.exporter_class = COURSE_EXPORTER
    return cfg


def _grade_one(cfg: Any, assignment: str, job: dict[str, Any]) -> dict[str, Any]:
    from nbgrader.converters import Autograde, GenerateFeedback

    from .gradebook import retry
    from .nbrun import run_app
    from .patches import LOCKED_RETRIES, is_locked, kernel_did_not_start

    started = time.monotonic()
    autograde = job["op"] == "autograde"
    extra = {"create_student": True} if autograde else {}

    def attempt():
        return run_app(
            Autograde if autograde else GenerateFeedback, cfg, assignment, job["student"], force=True, **extra
        )

    def graded():
        # SQLite allows one writer at a time; two workers rarely collide, and a retry wins.
        return retry(
            attempt,
            lambda r: not isinstance(r, Exception) and not r.success and is_locked(r.text),
            tries=LOCKED_RETRIES,
        )

    run, retries = graded()
    # A kernel that did not answer in time, before any of the student's code ran, says nothing of
    # the submission (a machine busy for a minute): the student is graded once more, and told so.
    restarted = not run.success and kernel_did_not_start(run.text)
    if restarted:
        run, retries = graded()
    return {
        **job,
        "ok": run.success,
        "error": run.error[-3000:],
        "log": run.log[-3000:],
        "retries": retries,
        "kernel_retry": restarted,
        "seconds": time.monotonic() - started,
    }


class Batch:
    """Students autograded into a scratch copy of the class's SQLite gradebook, then recorded in
    the class's gradebook together: each row nbgrader inserted, each column it changed, nothing
    else. A batch whose record meets a conflict is graded again the usual way, student by student."""

    def __init__(self, cfg: Any, assignment: str, size: int, scratch: Path):
        import copy
        import shutil
        import tempfile

        from .gradebook import sqlite_path

        self.cfg, self.assignment, self.size = cfg, assignment, size
        db = sqlite_path(cfg.CourseDirectory.db_url)
        assert db is not None
        self.db = Path(cfg.CourseDirectory.root) / db  # nbgrader opens it from the course root
        scratch.mkdir(parents=True, exist_ok=True)
        for old in scratch.glob("worker-*-*"):  # left by a worker that was killed
            if not Path(f"/proc/{old.name.split('-')[1]}").exists():
                shutil.rmtree(old, ignore_errors=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f"worker-{os.getpid()}-", dir=scratch))  # mode 700
        self.scratch = self.folder / "gradebook.db"
        self.scratch_cfg = copy.deepcopy(cfg)
        self.scratch_cfg.CourseDirectory.db_url = f"sqlite:///{self.scratch}"
        self.held: list[tuple[dict[str, Any], dict[str, Any], Any]] = []  # (job, answer, rows before)
        self.con: Any = None

    def _open(self) -> None:
        """The scratch copy, taken at the first student: the class's gradebook records the
        assignment before any student is sent. It is this worker's alone, so it is written
        without syncs or a journal file (nothing is lost that the class's gradebook needs)."""
        import sqlite3

        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        from .gradebook import copy_gradebook

        copy_gradebook(self.db, self.scratch)
        scratch = str(self.scratch)

        def unsynced(dbapi_con: Any, _record: Any) -> None:
            if any(row[2] == scratch for row in dbapi_con.execute("PRAGMA database_list")):
                dbapi_con.execute("PRAGMA synchronous = OFF")
                dbapi_con.execute("PRAGMA journal_mode = MEMORY")

        event.listen(Engine, "connect", unsynced)
        self.con = sqlite3.connect(self.scratch, isolation_level=None)

    def grade(self, job: dict[str, Any]) -> list[dict[str, Any]]:
        """Autograde one student into the scratch copy; the answers of the batch once it is full."""
        from .gradebook import student_rows

        if self.size <= 1:  # the scratch copy could not be made: each student is recorded at once
            return [_grade_one(self.cfg, self.assignment, job)]
        if self.con is None:
            try:
                self._open()
            except Exception as exc:
                print(
                    f"no scratch gradebook ({type(exc).__name__}: {exc}); recording each student at once",
                    file=sys.stderr,
                )
                self.size = 1
                return [_grade_one(self.cfg, self.assignment, job)]
        before = student_rows(self.con, job["student"])
        answer = _grade_one(self.scratch_cfg, self.assignment, job)
        self.held.append((job, answer, before))
        return self.record() if len(self.held) >= self.size else [{**job, "held": True}]

    def record(self) -> list[dict[str, Any]]:
        """Write the held students' changes to the class's gradebook in one transaction; their answers."""
        import sqlite3

        from .gradebook import apply_changes, changes, student_rows

        held, self.held = self.held, []
        if not held:
            return []
        started = time.monotonic()
        todo = [c for job, _, before in held for c in changes(before, student_rows(self.con, job["student"]))]
        try:
            retries = apply_changes(self.db, todo)
        except sqlite3.Error as exc:
            print(f"recording a batch failed ({exc}); grading its {len(held)} students one by one", file=sys.stderr)
            return [_grade_one(self.cfg, self.assignment, job) for job, _, _ in held]
        share = (time.monotonic() - started) / len(held)
        return [{**answer, "retries": retries, "seconds": answer["seconds"] + share} for _, answer, _ in held]

    def close(self) -> None:
        import shutil

        if self.con is not None:
            self.con.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _batch(cfg: Any, root: str, assignment: str) -> Batch | None:
    """A Batch when this worker grades kernel-free into an SQLite gradebook (and batches are on);
    its scratch copy lies in the run's grading folder, beside the staged submissions."""
    from .gradebook import sqlite_path
    from .results import GRADING_DIR

    size = int(os.environ.get(WORKER_BATCH) or BATCH)
    if os.environ.get(WORKER_EXECUTION) != "none" or size <= 1 or sqlite_path(cfg.CourseDirectory.db_url) is None:
        return None
    return Batch(cfg, assignment, size, Path(root).resolve() / GRADING_DIR.format(assignment=assignment) / "scratch")


def main(argv: list[str]) -> int:
    root, assignment, submitted = argv
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # nothing but answers on the protocol channel
    warnings.simplefilter("ignore")
    from .patches import cache_metadata_validator, keep_connections, schema_once, skip_iri_syntax

    skip_iri_syntax()  # before anything imports jsonschema
    cache_metadata_validator()
    schema_once()  # with share_engines
    keep_connections()
    cfg = _config(root, submitted)
    batch = _batch(cfg, root, assignment)
    proto.write(json.dumps({"ready": True}) + "\n")
    try:
        for line in sys.stdin:
            job = json.loads(line)
            if job["op"] == "record":  # pool.py has no more students for this worker
                answers = [*(batch.record() if batch else []), {"op": "record", "recorded": True}]
            elif batch is not None and job["op"] == "autograde":
                answers = batch.grade(job)
            else:
                answers = [_grade_one(cfg, assignment, job)]
            for answer in answers:
                proto.write(json.dumps(answer) + "\n")
    finally:
        if batch is not None:
            batch.close()
    return 0
