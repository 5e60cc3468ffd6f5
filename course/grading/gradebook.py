"""The class's gradebook: recording the assignment as source/ has it, the advisory lock, and the one retry loop."""

from __future__ import annotations

import contextlib
import copy
import os
import random
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from .hidden_test import GradingError
from .nbconfig import environ, nbgrader_env, shown_url
from .nbrun import run_app
from .patches import failure_reason, is_conflict, scratch_gradebook

__all__ = ["RETRIES", "record_assignment", "recorded_assignment", "retry"]

RETRIES = 6
T = TypeVar("T")


def retry(call: Callable[[], T], again: Callable[[T | Exception], bool], *, tries: int = RETRIES) -> tuple[T, int]:
    """`call()` until `again` says its result (or the exception it raised) is not a collision
    worth another try, or `tries` are used up; return the last result and how many retries it
    took, or raise the last exception. Waits 0.2 s, 0.4 s, 0.8 s ... between tries, each plus up
    to a fifth of a second at random, so that two colliding writers do not meet again."""
    for attempt in range(tries):
        try:
            result = call()
        except Exception as exc:
            if attempt == tries - 1 or not again(exc):
                raise
        else:
            if attempt == tries - 1 or not again(result):
                return result, attempt
        time.sleep(0.2 * 2**attempt + random.random() * 0.2)
    raise AssertionError("unreachable")  # pragma: no cover


class GradebookConflict(GradingError):
    """Another process wrote the same gradebook rows at the same moment; trying again settles it."""


def _generate(cfg, assignment: str, release_rel: str) -> None:
    """nbgrader generate_assignment, in this process, into a scratch release folder."""
    from nbgrader.converters import GenerateAssignment

    cfg = copy.deepcopy(cfg)
    cfg.CourseDirectory.release_directory = release_rel
    run = run_app(GenerateAssignment, cfg, assignment, force=True)
    if not run.success:
        kind = GradebookConflict if is_conflict(f"{run.log}\n{run.error}") else GradingError
        raise kind(f"nbgrader generate_assignment {assignment} failed: {failure_reason(run.log, run.error)}")


def recorded_assignment(db_url: str, course_id: str, assignment: str) -> dict[str, Any] | None:
    """What a gradebook records of an assignment's notebooks and cells (what autograde grades
    with), or None when it does not know the assignment."""
    from nbgrader.api import Gradebook, MissingEntry

    with warnings.catch_warnings(), environ(PATH=nbgrader_env()["PATH"]):
        warnings.simplefilter("ignore")
        with Gradebook(db_url, course_id) as gb:
            try:
                found = gb.find_assignment(assignment)
            except MissingEntry:
                return None
            return {
                nb.name: {
                    "kernelspec": nb.kernelspec,
                    "grade": sorted((c.name, float(c.max_score), c.cell_type) for c in nb.grade_cells),
                    "solution": sorted(c.name for c in nb.solution_cells),
                    "task": sorted((c.name, float(c.max_score), c.cell_type) for c in nb.task_cells),
                    "source": sorted(
                        (c.name, c.cell_type, bool(c.locked), c.source or "", c.checksum or "") for c in nb.source_cells
                    ),
                }
                for nb in found.notebooks
            }


@contextlib.contextmanager
def gradebook_lock(db_url: str, name: str) -> Iterator[None]:
    """On PostgreSQL, one process at a time in the block (a session advisory lock named after
    `name`, held on a connection of its own): graders of one class that start together record
    the assignment one after the other, and the later ones find it recorded. Elsewhere (SQLite
    allows one writer anyway) it does nothing; the retries in record_assignment remain."""
    import hashlib

    import sqlalchemy as sa

    try:
        url = sa.engine.make_url(db_url)
    except Exception:
        yield
        return
    if url.get_backend_name() != "postgresql":
        yield
        return
    key = int.from_bytes(hashlib.sha256(f"code-review-academy {name}".encode()).digest()[:8], "big", signed=True)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
    finally:
        engine.dispose()


def _collided(outcome: object) -> bool:
    if isinstance(outcome, GradebookConflict):
        return True
    return (
        isinstance(outcome, Exception)
        and not isinstance(outcome, GradingError)
        and is_conflict(f"{type(outcome).__name__}: {outcome}")
    )


def record_assignment(cfg, assignment: str, grading: Path) -> str:
    """Make the gradebook record `assignment` as source/ has it now; return "unchanged" or "recorded".

    nbgrader grades with the grade cells it recorded, so an edit to source/ since the last
    generate would otherwise be ignored. Every grader of a sharded class starts with this, so it
    writes only when something changed: the assignment is first recorded into a scratch SQLite
    gradebook (and a scratch release folder; the committed release/ is never touched) and
    compared with the class's gradebook. When they differ, it is recorded there too (nbgrader
    generate_assignment --force). Two graders doing that at the same moment would collide on
    the gradebook's unique keys: on PostgreSQL an advisory lock makes them take turns (the
    second finds the first one's record and writes nothing); on any database a collision is
    retried, comparing again first.
    """
    from nbgrader.coursedir import CourseDirectory

    root = Path(cfg.CourseDirectory.root)
    release_rel = os.path.relpath(grading / "release", root)
    scratch = copy.deepcopy(cfg)
    scratch.CourseDirectory.db_url = scratch_gradebook(grading / "recorded.db")
    _generate(scratch, assignment, release_rel)
    cd = CourseDirectory(config=cfg)
    want = recorded_assignment(scratch.CourseDirectory.db_url, cd.course_id, assignment)

    def compare_then_write() -> str:
        with gradebook_lock(cd.db_url, f"{cd.course_id} record {assignment}"):
            if recorded_assignment(cd.db_url, cd.course_id, assignment) == want:
                return "unchanged"
            _generate(cfg, assignment, release_rel)
            return "recorded"

    try:
        return retry(compare_then_write, _collided)[0]
    except GradingError:
        raise
    except Exception as exc:
        raise GradingError(
            f"cannot record {assignment} in the gradebook {shown_url(cd.db_url)}: {type(exc).__name__}: {exc}"
        ) from None


# A worker's scratch copy of an SQLite gradebook, and its changes recorded back in one transaction

# The rows nbgrader's autograde writes for a student, in the order a row's parent comes first:
# (table, the SQL that selects a student's rows, with ? for the student id).
_STUDENT_ROWS = (
    ("student", "SELECT * FROM student WHERE id = ?"),
    ("submitted_assignment", "SELECT * FROM submitted_assignment WHERE student_id = ?"),
    (
        "submitted_notebook",
        "SELECT n.* FROM submitted_notebook n JOIN submitted_assignment a ON a.id = n.assignment_id "
        "WHERE a.student_id = ?",
    ),
    *(
        (
            table,
            f"SELECT g.* FROM {table} g JOIN submitted_notebook n ON n.id = g.notebook_id "
            "JOIN submitted_assignment a ON a.id = n.assignment_id WHERE a.student_id = ?",
        )
        for table in ("grade", "comment")
    ),
)
Rows = dict[tuple[str, str], dict[str, Any]]  # (table, id) -> the row, column -> value


def sqlite_path(db_url: str) -> Path | None:
    """The file of an SQLite gradebook URL; None for any other database (or an in-memory one)."""
    import sqlalchemy as sa

    try:
        url = sa.engine.make_url(db_url)
    except Exception:
        return None
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" or url.query:
        return None
    return Path(url.database)


def copy_gradebook(source: Path, target: Path) -> None:
    """`target` becomes a consistent copy of the SQLite gradebook `source` (SQLite's backup API)."""
    import sqlite3

    with (
        contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def student_rows(con: Any, student: str) -> Rows:
    """Every row of `student` in the tables autograde writes, read on the sqlite3 connection `con`."""
    out: Rows = {}
    for table, query in _STUDENT_ROWS:
        cursor = con.execute(query, (student,))
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            out[(table, row["id"])] = row
    return out


def changes(before: Rows, after: Rows) -> list[tuple[str, str, str, dict[str, Any]]]:
    """What turned `before` into `after`: (operation, table, id, values) with operation "insert"
    (every column), "update" (the columns that changed) or "delete", parents inserted first."""
    order = {table: n for n, (table, _) in enumerate(_STUDENT_ROWS)}
    out = []
    for key in sorted(after, key=lambda k: (order[k[0]], k[1])):
        row, old = after[key], before.get(key)
        if old is None:
            out.append(("insert", key[0], key[1], row))
        elif changed := {c: v for c, v in row.items() if old.get(c) != v or type(old.get(c)) is not type(v)}:
            out.append(("update", key[0], key[1], changed))
    for key in sorted(set(before) - set(after), key=lambda k: (-order[k[0]], k[1])):
        out.append(("delete", key[0], key[1], {}))
    return out


def apply_changes(db: Path, todo: list[tuple[str, str, str, dict[str, Any]]]) -> int:
    """Make every change in `todo` on the SQLite gradebook `db` in one transaction (retried while
    another writer holds it); return how many retries it took. A conflict (a row another process
    added or removed meanwhile) raises sqlite3.IntegrityError and changes nothing."""
    import sqlite3

    def once() -> None:
        with contextlib.closing(sqlite3.connect(db, timeout=30, isolation_level=None)) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                for op, table, key, values in todo:
                    if op == "insert":
                        cols = ", ".join(f'"{c}"' for c in values)
                        marks = ", ".join("?" for _ in values)
                        con.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(values.values()))
                        continue
                    if op == "update":
                        sets = ", ".join(f'"{c}" = ?' for c in values)
                        cursor = con.execute(f'UPDATE "{table}" SET {sets} WHERE id = ?', [*values.values(), key])
                    else:
                        cursor = con.execute(f'DELETE FROM "{table}" WHERE id = ?', [key])
                    if cursor.rowcount != 1:
                        raise sqlite3.IntegrityError(f"{table} {key}: the row is gone from {db.name}")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def locked(outcome: object) -> bool:
        return isinstance(outcome, sqlite3.OperationalError) and "locked" in str(outcome)

    return retry(once, locked)[1]
