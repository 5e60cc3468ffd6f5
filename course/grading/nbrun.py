"""The one way the course runs an nbgrader app (generate, autograde, feedback) in this process."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .nbconfig import environ, nbgrader_env

__all__ = ["AppRun", "run_app", "stderr_to"]


@dataclass(frozen=True)
class AppRun:
    """What nbgrader's `capture_log` reports of one app run."""

    success: bool
    log: str
    error: str

    @property
    def text(self) -> str:
        """The traceback then the log: what to search for a known failure."""
        return self.error + self.log


def run_app(app_class: Any, cfg: Any, assignment: str, student: str | None = None, **attrs: Any) -> AppRun:
    """Run nbgrader's `app_class` (GenerateAssignment, Autograde, GenerateFeedback) on one
    assignment (and student) with configuration `cfg` and app traits `attrs` (force=True ...).

    nbgrader's own warnings are not ours to show, and it finds `alembic` on PATH (see
    `nbgrader_env`). It never raises for nbgrader's failures: the caller reads `success`.
    """
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = assignment
    if student is not None:
        coursedir.student_id = student
    app = app_class(coursedir=coursedir, config=cfg)
    for name, value in attrs.items():
        setattr(app, name, value)
    with warnings.catch_warnings(), environ(PATH=nbgrader_env()["PATH"]):
        warnings.simplefilter("ignore")
        result = capture_log(app)
    return AppRun(bool(result["success"]), result.get("log") or "", result.get("error") or "")


@contextlib.contextmanager
def stderr_to(log: Path) -> Iterator[None]:
    """nbgrader and its kernels talk on stderr (file descriptor 2); keep that in a log."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log, "ab") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
