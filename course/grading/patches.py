"""Every place the course reaches into nbgrader's internals, each guarded by the nbgrader versions it was checked on.

Each patch below depends on how nbgrader works inside, not on its documented interface, so each
is applied only on a version it was checked on (`CHECKED_ON`). On any other version:

- the speed-ups (`cache_metadata_validator`, `share_engines`, `schema_once`,
  `keep_connections`, `skip_iri_syntax`, `no_debugger_path`, `scratch_gradebook`) are SKIPPED with a warning to the log: nbgrader then does its own slower
  thing, and what it checks and records is the same;
- the reading of nbgrader's log text (`failure_reason`, `is_conflict`, `is_locked`,
  `timed_out`) is SKIPPED with a warning: a failure is reported by its last line and a
  colliding write is not retried, so the instructor runs again rather than trust a guess;
- `feedback_preprocessors` (a copy of nbgrader's list with the hidden-test clearing added)
  REFUSES (raises GradingError) when the course's configuration does not list the
  preprocessors itself: feedback that might show hidden tests must not be made.

tests/test_nbgrader_patches.py proves each one takes effect and that the guard works.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3
from pathlib import Path
from typing import Any

from .hidden_test import GradingError

__all__ = [
    "CHECKED_ON",
    "cache_metadata_validator",
    "checked",
    "failure_reason",
    "feedback_preprocessors",
    "is_conflict",
    "is_locked",
    "keep_connections",
    "kernel_did_not_start",
    "nbgrader_version",
    "no_debugger_path",
    "schema_once",
    "scratch_gradebook",
    "share_engines",
    "skip_iri_syntax",
    "timed_out",
]

CHECKED_ON = ("0.9.6",)  # nbgrader versions every patch here was measured on
LOCKED_RETRIES = 6  # how often a worker tries a student while SQLite says "database is locked"
log = logging.getLogger(__name__)
_warned: set[str] = set()
_applied: set[str] = set()
_shared: list[Any] = []  # the engines share_engines made: they live as long as the worker


def nbgrader_version() -> str:
    import sys

    module = sys.modules.get("nbgrader")
    if module is None:  # not imported yet: importing nbgrader imports jsonschema (skip_iri_syntax)
        from importlib.metadata import version

        return version("nbgrader")
    return str(module.__version__)


def checked(patch: str, otherwise: str) -> bool:
    """True when the installed nbgrader is one `patch` was checked on; else warn once (saying
    what happens `otherwise`) and return False."""
    version = nbgrader_version()
    if version in CHECKED_ON:
        return True
    if patch not in _warned:
        _warned.add(patch)
        log.warning(
            "course grading: %s was checked on nbgrader %s, not %s; %s",
            patch,
            ", ".join(CHECKED_ON),
            version,
            otherwise,
        )
    return False


# speed-ups in the grading workers -----------------------------------------------------------


def cache_metadata_validator() -> bool:
    """nbgrader validates every cell's metadata with `jsonschema.validate`, which checks the
    schema against the meta-schema and builds a new validator on every call (about a tenth of a
    second a submission). Replace the `jsonschema` that nbgrader.nbgraderformat.common sees with
    one that builds each validator once and validates exactly as `jsonschema.validate` does."""
    if "validator" in _applied:
        return True
    if not checked("the cached metadata validator", "skipped: every cell builds its own validator"):
        return False
    import jsonschema
    import nbgrader.nbgraderformat.common as metadata_format

    validators: dict[str, Any] = {}

    class CachedJsonschema:
        ValidationError = jsonschema.ValidationError
        built = validators  # for the test: one entry per schema

        @staticmethod
        def validate(instance, schema):  # the same steps as jsonschema.validate, built once
            key = json.dumps(schema, sort_keys=True)
            validator = validators.get(key)
            if validator is None:
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                validator = validators[key] = cls(schema)
            error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
            if error is not None:
                raise error

    metadata_format.jsonschema = CachedJsonschema
    _applied.add("validator")
    return True


def share_engines() -> bool:
    """Every `nbgrader.api.Gradebook(...)` (about ten a submission) creates a new SQLAlchemy
    engine, throwing away its compiled-statement cache. Make nbgrader.api's `create_engine`
    return one engine per (URL, options)."""
    if "engines" in _applied:
        return True
    if not checked("the shared gradebook engine", "skipped: every Gradebook creates its own engine"):
        return False
    import nbgrader.api as api

    engines: dict[Any, Any] = {}
    create_engine = api.create_engine

    def cached_engine(url, **kwargs):
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = create_engine(url, **kwargs)
            _shared.append(engines[key])
        return engines[key]

    api.create_engine = cached_engine
    _applied.add("engines")
    return True


def _is_shared(engine: Any) -> bool:
    return any(engine is e for e in _shared)


def schema_once() -> bool:
    """Every `Gradebook(...)` lists the database's tables, runs SQLAlchemy's `create_all` (a
    PRAGMA per table, about 13 ms a student) and looks up (or adds) its course. On an engine
    share_engines made, the first Gradebook creates (or finds) every table and the course;
    later ones skip those steps, which would find nothing to do. (Gradebook.__init__ is
    nbgrader's only caller of check_course, and it discards the result.) Any other engine is
    left to nbgrader."""
    if "schema" in _applied:
        return True
    if not checked("the gradebook schema made once per engine", "skipped: every Gradebook checks every table"):
        return False
    if not share_engines():
        return False
    import nbgrader.api as api

    made: list[Any] = []  # shared engines whose tables the first Gradebook made or found
    inspect, create_all = api.inspect, api.Base.metadata.create_all

    class Made:
        """What `inspect(engine)` says of a database whose tables are made: it has tables."""

        def __init__(self, engine):
            self.engine = engine

        def get_table_names(self) -> list[str]:
            return sorted(api.Base.metadata.tables)

    def known(engine) -> bool:
        return any(engine is e for e in made)

    def inspect_once(subject, *args, **kwargs):
        return Made(subject) if known(subject) else inspect(subject, *args, **kwargs)

    def create_all_once(bind=None, **kwargs):
        if known(bind):
            return None
        create_all(bind=bind, **kwargs)
        if _is_shared(bind):
            made.append(bind)
        return None

    check_course = api.Gradebook.check_course
    courses: list[tuple[Any, str]] = []  # (shared engine, course id) already checked

    def check_course_once(self, course_id: str = "default_course", **kwargs):
        if not kwargs and any(e is self.engine and c == course_id for e, c in courses):
            return None
        course = check_course(self, course_id=course_id, **kwargs)
        if not kwargs and course_id and _is_shared(self.engine):
            courses.append((self.engine, course_id))
        return course

    api.inspect = inspect_once
    api.Base.metadata.create_all = create_all_once
    api.Gradebook.check_course = check_course_once
    _applied.add("schema")
    return True


def keep_connections() -> bool:
    """`Gradebook.close()` disposes of its engine's connection pool, so the next Gradebook (about
    ten a student) opens a new database connection and SQLite parses the schema again. On an
    engine share_engines made, close ends the session only: its connection goes back to the pool
    (rolled back, as SQLAlchemy does on every return) for the next Gradebook of this worker."""
    if "connections" in _applied:
        return True
    if not checked("the gradebook connections kept open", "skipped: every Gradebook opens a new connection"):
        return False
    if not share_engines():
        return False
    import nbgrader.api as api

    close = api.Gradebook.close

    def close_session(self) -> None:
        if _is_shared(self.engine):
            self.db.remove()
        else:
            close(self)

    api.Gradebook.close = close_session
    _applied.add("connections")
    return True


def skip_iri_syntax() -> bool:
    """jsonschema imports rfc3987_syntax, when installed, for its "iri" format checks, building
    its grammar (about 0.9 s a process). Neither nbformat, nbconvert nor nbgrader checks formats,
    so a grading process that has not imported jsonschema yet does without it: jsonschema then
    leaves "iri" unchecked, as it does where rfc3987_syntax is not installed."""
    import sys

    if "iri" in _applied:
        return True
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return False  # too late, or already paid
    if not checked("jsonschema without rfc3987_syntax", "skipped: jsonschema builds the IRI grammar"):
        return False
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import fails: ImportError
    _applied.add("iri")
    return True


def no_debugger_path(grading: Path) -> str | None:
    """A folder to put first on the grading kernels' PYTHONPATH, in which `import debugpy` fails
    (or None: leave the kernels as they are).

    ipykernel (7.4 here) imports debugpy at start-up to offer a debugger nobody attaches while
    grading: about a fifth of a kernel's start-up CPU, paid once per submission. Finding no
    debugpy, it starts without the debugger; nothing a notebook computes changes.
    """
    if not checked("the kernel without debugpy", "skipped: kernels import the debugger"):
        return None
    folder = grading / "no-debugger"
    (folder / "debugpy").mkdir(parents=True, exist_ok=True)
    (folder / "debugpy" / "__init__.py").write_text(
        'raise ImportError("the debugger is switched off while course grade runs notebooks")\n'
    )
    return str(folder)


def scratch_gradebook(path: Path) -> str:
    """The URL of a new, empty SQLite gradebook at `path` (any old one removed).

    nbgrader stamps a new gradebook with its schema version by running `alembic heads` (about
    three seconds); one that already has a table is taken as existing and not stamped. So the
    scratch gradebook gets an empty alembic_version table first. Only scratch copies, never the
    class's gradebook, go without the stamp.
    """
    for stale in (path, path.with_name(path.name + "-journal")):
        stale.unlink(missing_ok=True)
    if checked("the scratch gradebook without `alembic heads`", "skipped: nbgrader runs `alembic heads` (slower)"):
        with contextlib.closing(sqlite3.connect(path)) as con:
            con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            con.commit()
    return f"sqlite:///{path}"


# nbgrader's configuration --------------------------------------------------------------------

# nbgrader 0.9.6's GenerateFeedback.preprocessors (GetGrades, CSSHTMLHeaderPreprocessor) with
# the hidden-test clearing and the one-line test tracebacks between them.
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "course.grading.preprocessors.ShortenTestTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


def feedback_preprocessors(configured: list[str]) -> list[str] | None:
    """The feedback preprocessors to set, or None when `configured` (the course's
    GenerateFeedback.preprocessors) already clears hidden tests and shortens test tracebacks.

    Feedback must never show hidden test source, whatever the course config says. Refuses
    (GradingError) on an nbgrader whose own list was not checked, rather than guess it.
    """
    if any("ClearHiddenTests" in p for p in configured) and any("ShortenTestTracebacks" in p for p in configured):
        return None
    if not checked("the copy of nbgrader's feedback preprocessors", "refused: configure them yourself"):
        raise GradingError(
            f"nbgrader {nbgrader_version()}: set c.GenerateFeedback.preprocessors in nbgrader_config.py, with "
            "nbgrader.preprocessors.ClearHiddenTests and course.grading.preprocessors.ShortenTestTracebacks"
        )
    return list(FEEDBACK_PREPROCESSORS)


# reading what nbgrader reports ---------------------------------------------------------------

# What nbgrader's log says when two writers collide on one gradebook: a unique key taken by the
# other (PostgreSQL, SQLite), a row the other deleted first, SQLite's single writer.
_CONFLICT = re.compile(
    r"IntegrityError|UniqueViolation|duplicate key value|UNIQUE constraint failed|StaleDataError|"
    r"ObjectDeletedError|ForeignKeyViolation|database is locked|could not serialize|deadlock detected"
)
_EXCEPTION_LINE = re.compile(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception|Exit|Interrupt))(?::\s*(.*))?$")
_SKIP_LOG = "skipped: failures are reported by their last line and collisions are not retried"


def is_conflict(text: str) -> bool:
    """Does nbgrader's log (or an exception's text) say another writer collided with this one?"""
    return checked("reading nbgrader's log", _SKIP_LOG) and _CONFLICT.search(text) is not None


def is_locked(text: str) -> bool:
    """Does nbgrader's log say SQLite's one writer was busy (worth trying the student again)?"""
    return checked("reading nbgrader's log", _SKIP_LOG) and "database is locked" in text


def kernel_did_not_start(text: str) -> bool:
    """Does the log say the kernel never answered jupyter_client's first request (it times out
    after nbclient's ``startup_timeout``, or the kernel died first)? No cell had run yet."""
    return "Kernel didn't respond in" in text or "Kernel died before replying to kernel_info" in text


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "unknown error"


def failure_reason(log: str, error: str) -> str:
    """What went wrong, in one line, from nbgrader's log and traceback."""
    if not checked("reading nbgrader's log", _SKIP_LOG):
        return _last_line(error or log)
    text = f"{log}\n{error}"
    if "became unresponsive" in text:
        return (
            "the kernel would not stop when interrupted (a loop that ignores interrupts?), "
            "so nbgrader gave up on this submission"
        )
    if "database is locked" in text:
        return f"the gradebook stayed locked after {LOCKED_RETRIES} tries"
    found = [m for m in map(_EXCEPTION_LINE.match, text.splitlines()) if m and "NbGraderException" not in m.group(1)]
    if found:
        m = found[-1]
        return f"{m.group(1).rsplit('.', 1)[-1]}: {m.group(2) or ''}".strip(": ")[:300]
    return _last_line(error or log)


def timed_out(notebook: Path) -> bool:
    """Did a cell of this autograded notebook run past the time limit (nbclient's
    CellTimeoutError, which nbgrader leaves in the cell's outputs)?"""
    if not checked("reading nbgrader's log", _SKIP_LOG):
        return False
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return any(
        out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError"
        for cell in nb.get("cells", [])
        for out in cell.get("outputs", []) or []
    )
