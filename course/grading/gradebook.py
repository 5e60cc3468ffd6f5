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
