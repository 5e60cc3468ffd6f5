"""`course grade`: the class grader, a small class over one run's context (record, preflight, autograde, re-score, feedback).

Every submission is preflighted (repaired or isolated) into a staging copy, autograded by
nbgrader in N worker processes, re-scored here from the sidecar the student submitted, and given
feedback; the summary says what needs the instructor. submitted/ itself is never changed.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

from .cells import ReviewCell
from .context import GradingRun, prepare
from .feedback import feedback_leaks
from .gradebook import record_assignment
from .guard import changed_course_files, guard
from .handgrades import read_hand_grades, settle
from .hidden_test import Rescore, rescore
from .nbconfig import nbgrader_env
from .patches import failure_reason, no_debugger_path, timed_out
from .pool import WorkerPool
from .ranout import limits_hit
from .recorded import Recorded, read_recorded
from .results import ClassReport, StudentResult, safe_name
from .stage import stage_student
from .summary import escape_markup, write_summary
from .worker import WORKER_DB_URL_FILE, WORKER_EXECUTION

__all__ = ["ClassGrader", "GradingRun", "grade_class"]


def _cell_timeout(cfg) -> float:
    for section in ("Execute", "ExecutePreprocessor"):
        value = cfg.get(section, {}).get("timeout")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return 30.0


class ClassGrader:
    """The phases of `course grade` over one GradingRun, with its worker pool."""

    def __init__(self, run: GradingRun, pool: WorkerPool):
        self.run, self.pool = run, pool
        # student -> the preflight's re-score of each cell (as run.cells), where the frozen
        # sidecar is a byte copy of the one it scored (or both are absent); else None
        self.rescored: dict[str, list[Rescore | None]] = {}

    def grade(self) -> ClassReport:
        import nbformat
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        run = self.run
        # The gradebook must grade with source/ as it is now; graders of one class may all start here.
        run.recorded = record_assignment(run.cfg, run.assignment, run.grading)
        release = run.grading / "release" / run.assignment
        run.releases = {p.stem: nbformat.read(p, as_version=4) for p in sorted(release.glob("*.ipynb"))}
        run.results = {s: StudentResult(s) for s in run.students}
        self.hand = self._read_grades()  # what graders entered, before anything is graded
        self.guard()
        self.clear_staging()
        columns = (
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[last]}"),
        )
        with Progress(*columns, console=run.console, transient=False) as progress:
            # Kernel-free, each submission is preflighted just before a worker needs it (pool.py
            # draws ahead). Where student code runs, every submission is taken in (and its
            # submitted/ snapshot taken) before any of it does, as check_untouched expects.
            preflighted = self.preflight()
            if run.execution != "none":
                preflighted = iter(list(preflighted))
            staged = self.autograde(progress, preflighted)
            self.rescore(staged)
            self.hold_back_unconfirmed()
            self.give_feedback(progress, [s for s in staged if run.results[s].status in ("graded", "repaired")])
        # The pool has stopped every worker and kernel by now: nothing of a student still runs.
        self.check_untouched()
        return ClassReport(
            run.assignment,
            run.root,
            [run.results[s] for s in run.students],
            run.grading / "summary.json",
            run.grading / "summary.txt",
            run.root / run.cd.feedback_directory,
            time.monotonic() - run.began,
            gradebook=run.cd.db_url,
            recorded=run.recorded,
            execution=run.execution,
            cells=[
                {"notebook": c.notebook, "grade_id": c.grade_id, "slug": c.slug, "points": c.points} for c in run.cells
            ],
            bank={
                "root": str(run.bank.root.resolve()),
                "private": str(run.bank.private_root.resolve()) if run.bank.private_root else None,
            },
        )

    @property
    def limit(self) -> float:
        """The hard limit on one job: every code cell's timeout, and some."""
        run = self.run
        code_cells = max((sum(c.cell_type == "code" for c in nb.cells) for nb in run.releases.values()), default=1)
        return run.limit or _cell_timeout(run.cfg) * (code_cells + 2) + 120

    # 0. what no student code may change: the bank, the configuration, the package, submitted/ --

    def guard(self) -> None:
        guard(self.run)

    def check_untouched(self) -> None:
        """After the last student process is gone: anything changed is named, and the grades it
        could have touched are not trusted (every student flagged, feedback held back); every
        grade column of every student is still what the grader left (else put back, flagged)."""
        from nbgrader.api import Gradebook

        run = self.run
        with Gradebook(run.cd.db_url, run.cd.course_id) as gb:
            self._apply(settle(gb, run.assignment, self.hand, graded=(), rescored={}, scope=run.students))
        if changed_course_files(run):
            self.hold_back_unconfirmed()

    def _read_grades(self) -> dict:
        from nbgrader.api import Gradebook

        with Gradebook(self.run.cd.db_url, self.run.cd.course_id) as gb:
            return read_hand_grades(gb, self.run.assignment)

    def _apply(self, settled) -> None:
        """A settle's flags and notes, on the students it names (this run's: its scope)."""
        run = self.run
        for student, texts in settled.flags.items():
            for text in texts:
                run.results[student].escalate("flagged", "gradebook changed", text)
        for student, texts in settled.notes.items():
            for text in texts:
                run.results[student].note("", text)

    # 1. preflight into a staging copy: submitted/ itself is never changed ------------------------

    def clear_staging(self) -> None:
        """Last run's copies of the students graded now (of everyone, unless --student)."""
        run = self.run
        for scratch in (run.staging, run.grading / "frozen"):
            if run.only is None:
                shutil.rmtree(scratch, ignore_errors=True)
            else:
                for s in run.students:
                    shutil.rmtree(scratch / s, ignore_errors=True)
        run.staging.mkdir(parents=True, exist_ok=True)

    def preflight(self) -> Iterator[str]:
        """Every student, staged one at a time, in order (stage.py: every submission can be graded)."""
        for s in self.run.students:
            self.rescored[s] = stage_student(self.run, s)
            yield s

    # 2. autograde in parallel, by nbgrader itself in the workers -------------------------------

    def autograde(self, progress, preflighted: Iterable[str]) -> list[str]:
        """Autograde each student `preflighted` yields, as it yields them; the students sent."""
        run = self.run
        task = progress.add_task("autograding", total=len(run.students), last="")
        staged: list[str] = []

        def jobs() -> Iterator[dict[str, Any]]:
            for s in preflighted:
                staged.append(s)
                yield {"op": "autograde", "student": s}
            # the bar counts the students sent: one the preflight set aside is not autograded
            progress.update(task, total=len(staged))

        def autograded(answer: dict[str, Any]) -> None:
            r = run.results[answer["student"]]
            r.seconds += answer["seconds"]
            if not answer["ok"]:
                log = run.logs / f"{safe_name(r.student)}.log"
                log.write_text(f"{answer['log']}\n{answer['error']}", encoding="utf-8")
                r.escalate(
                    "failed",
                    "nbgrader failed",
                    f"nbgrader could not grade it: {failure_reason(answer['log'], answer['error'])} "
                    f"(log: {os.path.relpath(log, run.root)})",
                )
            elif answer.get("retries"):
                r.note("", f"the gradebook was busy; graded on retry {answer['retries']}")
            if answer.get("kernel_retry"):
                r.note("", "the kernel did not answer in time at the first try (a busy machine); graded again")
            progress.update(task, advance=1, last=escape_markup(answer["student"]))

        self.pool.run(jobs(), autograded, self.limit)
        return staged

    # 3. re-score every sidecar outside the kernel: a difference means the notebook changed the result

    def rescore(self, staged: list[str]) -> None:
        from nbgrader.api import Gradebook, MissingEntry

        run = self.run
        with Gradebook(run.cd.db_url, run.cd.course_id) as gb:
            recorded = read_recorded(gb, run.assignment, [rc.grade_id for rc in run.cells])
            for s in staged:
                r = run.results[s]
                if r.status == "failed":
                    continue
                try:
                    recorded.submission(s)  # its scores are read once settled, below
                except MissingEntry:
                    r.escalate("failed", "not in gradebook", "nbgrader recorded no submission")
                    continue
                same = self.rescored.get(s) or [None] * len(run.cells)
                run.outcomes[s] = [self._compare(recorded, r, rc, done) for rc, done in zip(run.cells, same)]
                for nb_path in run.folder("autograded", s).glob("*.ipynb"):
                    if timed_out(nb_path):
                        r.note("cell timed out", f"{nb_path.name}: a cell ran past the time limit and was interrupted")
                    for tag, text in limits_hit(nb_path):
                        r.note(tag, text)
            # The gradebook holds the re-scored reviews and every hand-entered grade it held before.
            points = {
                (s, rc.notebook, rc.grade_id): o.points
                for s, mine in run.outcomes.items()
                for rc, o in zip(run.cells, mine)
            }
            self._apply(settle(gb, run.assignment, self.hand, graded=staged, rescored=points, scope=run.students))
            self.hand = read_hand_grades(gb, run.assignment)  # what the final check compares against
            settled = read_recorded(gb, run.assignment, [])  # every submission in one query, not four each
            for s in staged:
                r = run.results[s]
                try:
                    sub = settled.submission(s)
                except MissingEntry:
                    continue
                r.score, r.max_score, r.needs_manual = sub.score, sub.max_score, sub.needs_manual_grade
                r.late_penalty = sub.late_penalty

    def _compare(self, recorded: Recorded, r: StudentResult, rc: ReviewCell, done: Rescore | None) -> Rescore:
        """Re-score one review of one student (from the frozen sidecar, unless `done` already
        scored its very bytes) and flag the student when the gradebook differs."""
        from nbgrader.api import MissingEntry

        run = self.run
        folder = run.grading / "frozen" / r.student
        outcome = done if done is not None else rescore(folder, rc.slug, rc.points, run.bank)
        if not (run.staging / r.student / run.assignment / f"{rc.notebook}.ipynb").exists():
            outcome = Rescore(rc.slug, 0.0, rc.points, "the notebook was not submitted")
        try:
            graded = recorded.auto_score(r.student, rc.notebook, rc.grade_id)
        except MissingEntry:
            graded = None
        r.reviews[rc.grade_id] = {"slug": rc.slug, "gradebook": graded, "rescored": outcome.points, "max": rc.points}
        if graded is None or abs(graded - outcome.points) > 0.005:
            shown = "nothing" if graded is None else f"{graded:g}"
            why = (
                f"{rc.grade_id}: the gradebook has {shown} of {rc.points:g}, but the submitted "
                f"review of {rc.slug} scores {outcome.points:g}: the notebook changed the result "
                "(tampering, or a notebook that broke its kernel); look before releasing grades"
            )
            graded_side = run.folder("autograded", r.student) / f"{rc.slug}.findings.json"
            sent_side = folder / f"{rc.slug}.findings.json"
            if graded_side.exists() != sent_side.exists() or (
                sent_side.exists() and graded_side.read_bytes() != sent_side.read_bytes()
            ):
                why += f"; the notebook rewrote {rc.slug}.findings.json while it ran"
            r.escalate("flagged", "score differs: tampering?", why)
        return outcome

    # 4. feedback, by nbgrader in the workers, then the course's own section, then the leak scan --

    def hold_back_unconfirmed(self) -> None:
        """Feedback from an earlier run would show a score this run could not confirm."""
        run = self.run
        for s in run.students:
            if run.results[s].status not in ("graded", "repaired"):
                stale = run.folder("feedback", s)
                if stale.exists():
                    shutil.rmtree(stale)
                if run.results[s].status == "flagged":
                    run.results[s].note("", "feedback held back until you have looked")

    def give_feedback(self, progress, ready: list[str]) -> None:
        from ..scoring.disclosure import key_texts

        run = self.run
        secrets = key_texts(run.bank, {rc.slug for rc in run.cells})
        if not (run.feedback and ready):
            return
        task = progress.add_task("feedback", total=len(ready), last="")

        def fed(answer: dict[str, Any]) -> None:
            r = run.results[answer["student"]]
            out = run.folder("feedback", r.student)
            mine = run.outcomes.get(r.student, [])
            if not answer["ok"]:
                r.note("no feedback", f"nbgrader feedback failed: {failure_reason(answer['log'], answer['error'])}")
            else:
                # the worker's exporter wrote the course's section into each page (preprocessors.py);
                # the leak scan here is the second look, and the one that flags
                (out / "review-feedback.html").unlink(missing_ok=True)  # left by an older course grade
                if leaked := feedback_leaks(out, mine, secrets):
                    shutil.rmtree(out, ignore_errors=True)
                    r.escalate(
                        "flagged",
                        "key text in feedback",
                        "its feedback would have shown answer-key text it did not earn "
                        f"({', '.join(leaked[:3])}): did the notebook read the key while it was graded? "
                        "Feedback held back",
                    )
            progress.update(task, advance=1, last=escape_markup(answer["student"]))

        self.pool.run([{"op": "feedback", "student": s} for s in ready], fed, self.limit)


def grade_class(
    assignment: str,
    *,
    root: str | os.PathLike | None = None,
    jobs: int = 2,
    feedback: bool = True,
    console=None,
    limit: float | None = None,
    bank: str | os.PathLike | None = None,
    db_url: str | None = None,
    execution: str = "auto",
    students: list[str] | None = None,
) -> ClassReport:
    """Preflight, autograde in parallel, re-score, give feedback, and summarise one assignment.

    The gradebook is the one nbgrader's configuration names (see `course_config`), or `db_url`.
    `execution` (kernelfree.choose_execution): "auto" grades review-only assignments without
    running any student code, and anything else in the sandbox. `students` (`--student`) grades
    those alone: everyone else's gradebook rows, copies, feedback and summary rows are kept.
    """
    from rich.console import Console

    from .patches import skip_iri_syntax

    skip_iri_syntax()  # before the first import of jsonschema (nbformat's, nbgrader's)
    from .kernelfree import choose_execution

    began = time.monotonic()
    run = prepare(
        assignment,
        root,
        bank,
        db_url=db_url,
        feedback=feedback,
        console=console or Console(),
        limit=limit,
        began=began,
        only=students,
    )
    run.execution = choose_execution(execution, run.root / run.cd.source_directory / assignment)
    run.logs.mkdir(parents=True, exist_ok=True)
    for s in run.students if students is not None else ["*"]:
        for old in run.logs.glob(f"{safe_name(s) if s != '*' else s}.log"):
            old.unlink()
    # The gradebook's URL (a password, with PostgreSQL) reaches the workers in a file only its
    # owner can read, never through an environment or a command line that /proc would show.
    url_file = run.grading / ".db-url"
    url_file.unlink(missing_ok=True)
    with os.fdopen(os.open(url_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(run.cd.db_url)
    env = nbgrader_env(
        {
            "COURSE_BANK": str(run.bank.root.resolve()),
            WORKER_DB_URL_FILE: str(url_file),
            WORKER_EXECUTION: run.execution,
        }
    )
    env.pop("COURSE_DB_URL", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [no_debugger_path(run.grading), env.get("PYTHONPATH")]))
    cmd = [
        sys.executable, "-m", "course.grading", "worker", str(run.root), assignment,
        os.path.relpath(run.staging, run.root),
    ]  # fmt: skip
    # The workers import nbgrader while this process prepares the class.
    try:
        with WorkerPool(min(jobs, len(run.students)), cmd, env, run.logs) as pool:
            report = ClassGrader(run, pool).grade()
    finally:
        url_file.unlink(missing_ok=True)
    write_summary(report, keep_others=students is not None)
    return report
