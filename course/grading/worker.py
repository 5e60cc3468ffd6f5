"""One grading worker process: `python -m course.grading worker ROOT ASSIGNMENT SUBMITTED`.

It imports nbgrader once, then runs nbgrader's own Autograde (or GenerateFeedback) for one
student per request read from stdin, answering with one JSON line on its original stdout.
Everything else it or its kernels print goes to its log (its stderr). See pool.py for the
other end.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

__all__ = ["WORKER_DB_URL", "WORKER_EXECUTION", "main"]

WORKER_DB_URL = "COURSE_GRADE_DB_URL"  # how the main process tells its workers which gradebook
WORKER_EXECUTION = "COURSE_GRADE_EXECUTION"  # "none": score review cells without a kernel (kernelfree.py)


def _config(root: str, submitted: str) -> Any:
    from .nbconfig import course_config
    from .patches import feedback_preprocessors

    # The gradebook the main process resolved (its configuration and --db-url): every worker
    # writes where the class grader reads.
    cfg = course_config(Path(root), db_url=os.environ.get(WORKER_DB_URL))
    # The kernels this worker starts run students' code: they need no database password. (They
    # run as this user, so this keeps it out of os.environ only, not out of /proc.)
    for name in (WORKER_DB_URL, "COURSE_DB_URL"):
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
    return cfg


def _grade_one(cfg: Any, assignment: str, job: dict[str, Any]) -> dict[str, Any]:
    from nbgrader.converters import Autograde, GenerateFeedback

    from .gradebook import retry
    from .nbrun import run_app
    from .patches import LOCKED_RETRIES, is_locked

    started = time.monotonic()
    autograde = job["op"] == "autograde"
    extra = {"create_student": True} if autograde else {}

    def attempt():
        return run_app(
            Autograde if autograde else GenerateFeedback, cfg, assignment, job["student"], force=True, **extra
        )

    # SQLite allows one writer at a time; two workers rarely collide, and a retry wins.
    run, retries = retry(
        attempt, lambda r: not isinstance(r, Exception) and not r.success and is_locked(r.text), tries=LOCKED_RETRIES
    )
    return {
        **job,
        "ok": run.success,
        "error": run.error[-3000:],
        "log": run.log[-3000:],
        "retries": retries,
        "seconds": time.monotonic() - started,
    }


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
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        proto.write(json.dumps(_grade_one(cfg, assignment, json.loads(line))) + "\n")
    return 0
