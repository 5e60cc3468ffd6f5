"""A synthetic graded class (no real students): sidecars, a gradebook and the grader's summary, seedable.

Tests, the instructor notebook and the benchmark need a class that looks like one the class
grader leaves behind, without running nbgrader on hundreds of notebooks. Two layers:

- `ClassBuilder`: write exactly the class you describe (each student's findings, statuses,
  gradebook scores). Tests use it to hand-compute expected analytics.
- `synthetic_class`: draw a realistic class at random (some perfect reviewers, many partial,
  some noisy flaggers, a few missing, repaired, tampering or corrupt submissions).

Everything it writes is labelled synthetic: a `SYNTHETIC.txt` beside the gradebook, exercise
titles starting with "[synthetic]", student ids starting with "synthetic-".

What is written (the nbgrader course layout the class grader produces):
`gradebook.db` (nbgrader's schema, filled by bulk insert: its ORM takes minutes for a large
class), `submitted/<student>/<assignment>/` with `timestamp.txt` and the sidecars,
`autograded/<student>/<assignment>/` with the sidecars, and `reports/<assignment>/grading/summary.json`
in the format `course grade` writes it (course/grading/classgrader.py).
Notebooks themselves are not written: the analytics never read them.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import random
import textwrap
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.keys import Bank, Key
from course.review import Finding
from course.scoring import hits, score

__all__ = [
    "SYNTHETIC_MARKER",
    "ClassBuilder",
    "SyntheticClass",
    "flag",
    "synthetic_class",
    "write_synthetic_bank",
]

SYNTHETIC_MARKER = "SYNTHETIC.txt"
DEFAULT_ASSIGNMENT = "synthetic-review"
DEFAULT_DUE = _dt.datetime(2026, 3, 13, 17, 0, tzinfo=_dt.UTC)
REVIEW_POINTS = 5.0
ANSWER_POINTS = 2.0
ANSWER_CELL = "ask_the_author"


def _iso(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def flag(
    path: str,
    start: int,
    category: str,
    *,
    end: int | None = None,
    side: str = "new",
    severity: str = "major",
    comment: str = "",
    id: str | None = None,
    created: str = "",
    updated: str = "",
) -> Finding:
    """A finding as a student's viewer would save it (a fresh id unless given)."""
    return Finding(
        id=id or uuid.uuid4().hex[:10],
        path=path,
        side=side,
        start=start,
        end=start if end is None else end,
        category=category,
        severity=severity,
        comment=comment,
        created=created,
        updated=updated or created,
    )


# the class builder -----------------------------------------------------------------------------


@dataclass
class _Student:
    id: str
    submitted_at: _dt.datetime | None
    reviews: dict[str, Any]
    verdicts: dict[str, str | None]
    status: str | None
    reasons: list[str]
    gradebook: dict[str, float] | None
    manual: float | None
    autograded: bool
    recorded: dict[str, float] = field(default_factory=dict)  # the gradebook's points per review, set by write()
    late_penalty: float | None = None  # nbgrader's late penalty, on the student's first notebook


class ClassBuilder:
    """Describe a graded class student by student, then `write()` it into a course directory.

    `reviews` maps a slug to the student's findings (Finding objects or sidecar dicts), or to a
    str written verbatim as the sidecar (to make a corrupt one); a slug left out has no sidecar.
    Gradebook scores default to what the hidden test would award (score x points per review);
    pass `gradebook={slug: points}` to record something else (a tamperer's full marks).
    """

    def __init__(
        self,
        course_dir: str | os.PathLike,
        assignment: str = DEFAULT_ASSIGNMENT,
        *,
        bank: Bank | str | os.PathLike | None = None,
        slugs: Iterable[str] | None = None,
        duedate: _dt.datetime | None = DEFAULT_DUE,
        points: float = REVIEW_POINTS,
        manual_answer: bool = True,
        synthetic_note: str | None = "hand-built class",
    ):
        self.course_dir = Path(course_dir)
        self.assignment = assignment
        if bank is None:
            bank = self.course_dir / "exercises"
        self.bank = bank if isinstance(bank, Bank) else Bank(bank)
        self.slugs = list(slugs) if slugs is not None else self.bank.slugs()
        if not self.slugs:
            raise ValueError(f"{self.bank.root}: no exercises to build a class on")
        self.keys: dict[str, Key] = {s: self.bank.get(s).key for s in self.slugs}
        self.duedate = duedate
        self.points = float(points)
        self.manual_answer = manual_answer
        self.synthetic_note = synthetic_note
        self.students: list[_Student] = []
        self._sha: dict[str, str | None] = {}

    def student(
        self,
        student_id: str,
        *,
        reviews: Mapping[str, Iterable[Finding | Mapping[str, Any]] | str] | None = None,
        verdicts: Mapping[str, str | None] | None = None,
        submitted_at: _dt.datetime | None = None,
        submitted: bool = True,
        status: str | None = None,
        reasons: Iterable[str] = (),
        gradebook: Mapping[str, float] | None = None,
        manual: float | None = None,
        autograded: bool = True,
        late_penalty: float | None = None,
    ) -> ClassBuilder:
        """Add one student; `submitted=False` makes one who never handed anything in.
        `late_penalty` is what nbgrader's LateSubmissionPlugin would record (on the first notebook)."""
        if submitted and submitted_at is None:
            base = self.duedate or DEFAULT_DUE
            submitted_at = base - _dt.timedelta(hours=len(self.students) + 1)
        self.students.append(
            _Student(
                id=student_id,
                submitted_at=submitted_at if submitted else None,
                reviews=dict(reviews or {}),
                verdicts=dict(verdicts or {}),
                status=status,
                reasons=list(reasons),
                gradebook=dict(gradebook) if gradebook is not None else None,
                manual=manual,
                autograded=autograded and submitted,
                late_penalty=late_penalty,
            )
        )
        return self

    # writing ------------------------------------------------------------------------------

    def _diff_sha(self, slug: str) -> str | None:
        if slug not in self._sha:
            try:
                self._sha[slug] = self.bank.get(slug).bundle.diff_sha256
            except Exception:  # a bank without trees still makes a usable class
                self._sha[slug] = None
        return self._sha[slug]

    def _sidecar_text(self, slug: str, findings: Any, verdict: str | None) -> str:
        if isinstance(findings, str):
            return findings
        items = [f.to_dict() if isinstance(f, Finding) else dict(f) for f in findings]
        doc = {
            "schema": 1,
            "exercise": slug,
            "diff_sha256": self._diff_sha(slug),
            "verdict": verdict,
            "findings": items,
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def _true_points(self, st: _Student, slug: str) -> float:
        findings = st.reviews.get(slug)
        if isinstance(findings, str):
            return 0.0  # the hidden test cannot read a corrupt sidecar
        parsed = [f if isinstance(f, Finding) else Finding.from_dict(f) for f in (findings or [])]
        result = score(parsed, self.keys[slug], st.verdicts.get(slug))
        return round(result.score * self.points, 2)

    def _summary_entry(self, st: _Student, true_points: dict[str, float]) -> dict[str, Any]:
        """One student as `course grade` lists it (StudentResult.to_dict in course/grading/classgrader.py):
        gradebook totals and per-review points for a submission it graded, none for one that failed."""
        status = st.status or "graded"
        graded = st.autograded and status != "failed"
        recorded = st.recorded
        top = self.points * len(self.slugs) + (ANSWER_POINTS if self.manual_answer else 0.0)
        return {
            "student": st.id,
            "status": status,
            "score": round(sum(recorded.values()) + (st.manual or 0.0), 2) if graded else None,
            "max_score": top if graded else None,
            "needs_manual_grading": graded and self.manual_answer and st.manual is None,
            "tags": [],
            "reasons": st.reasons,
            "notes": [],
            "reviews": {
                f"review_{slug}": {
                    "slug": slug,
                    "gradebook": recorded[slug],
                    "rescored": true_points[slug],
                    "max": self.points,
                }
                for slug in self.slugs
            }
            if graded
            else {},
            "seconds": 0.0,
        }

    def _write_summary(self, root: Path, students: list[dict[str, Any]]) -> None:
        """`reports/<assignment>/grading/summary.json`, laid out as `course grade` writes it."""
        statuses = ("graded", "repaired", "flagged", "failed")  # the grader's own statuses
        out = root / "reports" / self.assignment / "grading"
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(
            json.dumps(
                {
                    "assignment": self.assignment,
                    "gradebook": {"url": f"sqlite:///{root / 'gradebook.db'}", "assignment": "recorded"},
                    "counts": {k: sum(1 for e in students if e["status"] == k) for k in statuses},
                    "needs_instructor": any(e["status"] in ("flagged", "failed") for e in students),
                    "seconds": 0.0,
                    "students": students,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )

    def write(self) -> Path:
        """Write sidecars, timestamps, the gradebook and the grader's summary; return the course dir."""
        root = self.course_dir
        if (root / "gradebook.db").exists():
            raise ValueError(f"{root} already has a gradebook: build a class into a fresh folder")
        root.mkdir(parents=True, exist_ok=True)
        if not (root / "nbgrader_config.py").exists():
            (root / "nbgrader_config.py").write_text(
                "c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = 'synthetic'\n"
            )
        if self.synthetic_note:
            (root / SYNTHETIC_MARKER).write_text(
                "SYNTHETIC CLASS: every student, review and grade here was generated by "
                f"tests/support/synthetic.py ({self.synthetic_note}). No real student data.\n"
            )
        summary: list[dict[str, Any]] = []
        for st in self.students:
            true_points = {s: self._true_points(st, s) for s in self.slugs}
            st.recorded = {**true_points, **(st.gradebook or {})}
            if st.submitted_at is None:
                continue
            summary.append(self._summary_entry(st, true_points))
            folders = [root / "submitted" / st.id / self.assignment]
            if st.autograded:
                folders.append(root / "autograded" / st.id / self.assignment)
            for folder in folders:
                folder.mkdir(parents=True, exist_ok=True)
                for slug, findings in st.reviews.items():
                    text = self._sidecar_text(slug, findings, st.verdicts.get(slug))
                    (folder / f"{slug}.findings.json").write_text(text, encoding="utf-8")
            stamp = st.submitted_at.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
            (folders[0] / "timestamp.txt").write_text(stamp + "\n")
        _write_gradebook(self, root / "gradebook.db")
        self._write_summary(root, sorted(summary, key=lambda e: e["student"]))
        return root


def _new_gradebook(path: Path):
    """An empty nbgrader gradebook without nbgrader's `alembic` subprocess (not on PATH in a
    bare venv); the schema and the migration stamp are nbgrader's own."""
    import sqlalchemy as sa
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base, _temp_alembic_ini

    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    fresh = not sa.inspect(engine).get_table_names()
    Base.metadata.create_all(engine)
    if fresh:
        with _temp_alembic_ini(url) as ini:
            head = ScriptDirectory.from_config(Config(ini)).get_current_head()
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    engine.dispose()
    return url


def _write_gradebook(builder: ClassBuilder, path: Path) -> None:
    """Assignment structure through nbgrader's API; students and grades by bulk insert."""
    import sqlalchemy as sa
    from nbgrader.api import Base, Gradebook

    url = _new_gradebook(path)
    due = builder.duedate.astimezone(_dt.UTC).replace(tzinfo=None) if builder.duedate else None
    cells: dict[str, list[tuple[str, str]]] = {}  # notebook name -> [(cell id, slug or answer)]
    with Gradebook(url, course_id="synthetic") as gb:
        if builder.assignment not in {a.name for a in gb.assignments}:
            gb.add_assignment(builder.assignment, duedate=due)
        for i, slug in enumerate(builder.slugs):
            nb = f"{i + 1:02d}-{slug}"
            gb.add_notebook(nb, builder.assignment)
            cell = gb.add_grade_cell(
                f"review_{slug}", nb, builder.assignment, max_score=builder.points, cell_type="code"
            )
            gb.add_source_cell(
                f"review_{slug}",
                nb,
                builder.assignment,
                cell_type="code",
                locked=True,
                source=f'"""Scores the review of {slug} against the answer key."""\n'
                f'grade_review("{slug}", points={builder.points:g})',
                checksum=hashlib.sha256(slug.encode()).hexdigest(),
            )
            cells[nb] = [(cell.id, slug)]
            if builder.manual_answer and i == 0:
                gb.add_solution_cell(ANSWER_CELL, nb, builder.assignment)
                answer = gb.add_grade_cell(
                    ANSWER_CELL, nb, builder.assignment, max_score=ANSWER_POINTS, cell_type="markdown"
                )
                cells[nb].append((answer.id, ANSWER_CELL))
        notebook_ids = {nb.name: nb.id for nb in gb.find_assignment(builder.assignment).notebooks}
        assignment_id = gb.find_assignment(builder.assignment).id
        known = {s.id for s in gb.students}

    t = Base.metadata.tables
    students, subs, nbs, grades, comments = [], [], [], [], []
    for st in builder.students:
        if st.id not in known:
            students.append({"id": st.id, "first_name": None, "last_name": None, "email": None, "lms_user_id": None})
        if st.submitted_at is None or not st.autograded:
            continue  # a submission the grader could not process has no grades
        sub_id = uuid.uuid4().hex
        subs.append(
            {
                "id": sub_id,
                "assignment_id": assignment_id,
                "student_id": st.id,
                "timestamp": st.submitted_at.astimezone(_dt.UTC).replace(tzinfo=None),
                "extension": None,
            }
        )
        for n_nb, (nb_name, nb_cells) in enumerate(cells.items()):
            snb = uuid.uuid4().hex
            nbs.append(
                {
                    "id": snb,
                    "assignment_id": sub_id,
                    "notebook_id": notebook_ids[nb_name],
                    "flagged": False,
                    "late_submission_penalty": st.late_penalty if n_nb == 0 else None,
                }
            )
            for cell_id, what in nb_cells:
                if what == ANSWER_CELL:
                    comments.append(
                        {
                            "id": uuid.uuid4().hex,
                            "notebook_id": snb,
                            "cell_id": cell_id,
                            "auto_comment": None,
                            "manual_comment": None,
                        }
                    )
                    grades.append(
                        {
                            "id": uuid.uuid4().hex,
                            "notebook_id": snb,
                            "cell_id": cell_id,
                            "auto_score": None,
                            "manual_score": st.manual,
                            "extra_credit": None,
                            "needs_manual_grade": st.manual is None,
                        }
                    )
                else:
                    grades.append(
                        {
                            "id": uuid.uuid4().hex,
                            "notebook_id": snb,
                            "cell_id": cell_id,
                            "auto_score": st.recorded[what],
                            "manual_score": None,
                            "extra_credit": None,
                            "needs_manual_grade": False,
                        }
                    )
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table, rows in (
            ("student", students),
            ("submitted_assignment", subs),
            ("submitted_notebook", nbs),
            ("grade", grades),
            ("comment", comments),
        ):
            if rows:
                conn.execute(t[table].insert(), rows)
    engine.dispose()


# a small synthetic bank ------------------------------------------------------------------------

_REFUNDS_BEFORE = '''\
"""Refund worker: pays out approved refunds from the support queue."""

import logging

from refunds import ledger, payments

log = logging.getLogger(__name__)


def pending(queue):
    """Approved refunds not yet paid."""
    return queue.approved()


def pay(queue):
    """Pay every pending refund once and record it in the ledger."""
    paid = 0
    for refund in pending(queue):
        with ledger.lock(refund.id):
            if ledger.is_paid(refund.id):
                continue
            payments.send(refund.account, refund.amount_cents)
            ledger.mark_paid(refund.id)
        paid += 1
    return paid
'''

_REFUNDS_AFTER = '''\
"""Refund worker: pays out approved refunds from the support queue."""

import logging

from refunds import ledger, payments

log = logging.getLogger(__name__)
BATCH = 500


def pending(queue, region=None):
    """Approved refunds not yet paid, optionally for one region."""
    rows = queue.approved()
    if region:
        rows = [r for r in rows if r.region == region]
    return rows[:BATCH]


def pay(queue, region=None):
    """Pay every pending refund once and record it in the ledger."""
    paid = 0
    for refund in pending(queue, region):
        if ledger.is_paid(refund.id):
            continue
        try:
            payments.send(refund.account, refund.amount_cents)
        except Exception:
            log.debug("refund %s failed", refund.id)
        ledger.mark_paid(refund.id)
        paid += 1
    return paid


def purge(queue, older_than_days):
    """Drop refunds that were paid long ago."""
    queue.delete(where=f"paid_at < now() - interval '{older_than_days} days'")
'''

_DATES_BEFORE = '''\
"""Delivery estimates shown on the product page."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WAREHOUSE = ZoneInfo("America/Chicago")
CUTOFF_HOUR = 14  # orders before 14:00 warehouse time ship the same day


def ship_date(ordered_at: datetime) -> date:
    """The day the parcel leaves the warehouse."""
    local = ordered_at.astimezone(WAREHOUSE)
    day = local.date()
    if local.hour >= CUTOFF_HOUR:
        day += timedelta(days=1)
    return day


def estimate(ordered_at: datetime, transit_days: int) -> date:
    """Ship date plus transit, skipping weekends."""
    day = ship_date(ordered_at)
    added = 0
    while added < transit_days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day
'''

_DATES_AFTER = '''\
"""Delivery estimates shown on the product page."""

from datetime import date, datetime, timedelta, timezone

CUTOFF_HOUR = 14  # orders before 14:00 warehouse time ship the same day


def ship_date(ordered_at: datetime) -> date:
    """The day the parcel leaves the warehouse."""
    local = ordered_at.astimezone(timezone.utc)
    day = local.date()
    if local.hour > CUTOFF_HOUR:
        day += timedelta(days=1)
    return day


def estimate(ordered_at: datetime, transit_days: int) -> date:
    """Ship date plus transit, skipping weekends."""
    day = ship_date(ordered_at)
    added = 0
    while added < transit_days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day


def banner(ordered_at: datetime, transit_days: int, cache: dict) -> str:
    """The text under the buy button, cached per product page."""
    key = transit_days
    if key not in cache:
        cache[key] = estimate(ordered_at, transit_days).isoformat()
    return f"Arrives by {cache[key]}"
'''


def _line(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise ValueError(f"{needle!r} not in the synthetic exercise")  # pragma: no cover


def _synthetic_exercises() -> list[dict[str, Any]]:
    r, d = _REFUNDS_AFTER, _DATES_AFTER
    return [
        {
            "slug": "synthetic-refund-worker",
            "title": "[synthetic] Pay refunds by region, and purge old ones",
            "incident": "mar-05-2026",
            "file": "refunds/worker.py",
            "before": _REFUNDS_BEFORE,
            "after": _REFUNDS_AFTER,
            "defects": [
                (
                    "double-refund-race",
                    [_line(r, "if ledger.is_paid"), _line(r, "continue")],
                    "concurrency",
                    [],
                    "blocker",
                    "Two workers can pay the same refund: the lock around check-and-mark is gone",
                ),
                (
                    "failed-payment-marked-paid",
                    [_line(r, "except Exception"), _line(r, "ledger.mark_paid")],
                    "error-handling",
                    [],
                    "blocker",
                    "A failed payment is logged at debug level and then marked paid",
                ),
                (
                    "purge-sql-injection",
                    [_line(r, "queue.delete"), _line(r, "queue.delete")],
                    "security",
                    ["blast-radius"],
                    "major",
                    "purge() formats its argument into SQL: one bad value deletes every paid refund",
                ),
            ],
            "decoys": [
                (
                    [_line(r, "return rows[:BATCH]")] * 2,
                    "The job runs every minute; capping a batch bounds each run and the rest are paid next time.",
                ),
                ([_line(r, "BATCH = 500")] * 2, "A named constant, used once: nothing to fix."),
            ],
        },
        {
            "slug": "synthetic-delivery-estimates",
            "title": "[synthetic] Cache delivery estimates on the product page",
            "incident": "mar-02-2026",
            "file": "deliverydates/estimate.py",
            "before": _DATES_BEFORE,
            "after": _DATES_AFTER,
            "defects": [
                (
                    "estimate-cache-key",
                    [_line(d, "key = transit_days"), _line(d, "key = transit_days")],
                    "logic",
                    [],
                    "blocker",
                    "The cache key ignores the order time: one shopper's estimate is shown to everyone, all day",
                ),
                (
                    "cutoff-in-utc",
                    [_line(d, "astimezone(timezone.utc)"), _line(d, "astimezone(timezone.utc)")],
                    "logic",
                    ["edge-case"],
                    "major",
                    "The same-day cutoff is applied in UTC, not warehouse time",
                ),
                (
                    "cutoff-off-by-one",
                    [_line(d, "local.hour > CUTOFF_HOUR"), _line(d, "local.hour > CUTOFF_HOUR")],
                    "edge-case",
                    [],
                    "minor",
                    "Orders placed between 14:00 and 15:00 still ship the same day",
                ),
            ],
            "decoys": [
                ([_line(d, "if day.weekday() < 5")] * 2, "Monday is 0, so < 5 keeps Monday to Friday."),
            ],
        },
    ]


def write_synthetic_bank(root: str | os.PathLike) -> Bank:
    """Write two small synthetic exercises (before/, after/, exercise.toml, key.toml) under root.

    They have no proofs: they exist to give a synthetic class something to be graded on.
    """
    root = Path(root)
    for ex in _synthetic_exercises():
        folder = root / ex["slug"]
        for tree in ("before", "after"):
            target = folder / tree / ex["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(ex[tree])
        meta = textwrap.dedent(f'''\
            title = {json.dumps(ex["title"])}
            author = "synthetic-assistant (AI-assisted)"
            incident = "{ex["incident"]}"
            language = "python"
            difficulty = "medium"
            verdict = "request-changes"
            tags = ["synthetic"]
            description = """
            Synthetic exercise generated by tests/support/synthetic.py for analytics demos and tests.
            """
            ''')
        (folder / "exercise.toml").write_text(meta)
        key = []
        for did, lines, category, also, severity, title in ex["defects"]:
            key.append(
                textwrap.dedent(f'''\
                [[defect]]
                id = "{did}"
                file = "{ex["file"]}"
                lines = {lines}
                category = "{category}"
                also = {json.dumps(also)}
                severity = "{severity}"
                title = {json.dumps(title)}
                explanation = "Synthetic defect."
                hints = ["Synthetic hint."]
                proof = "synthetic::no-proof"
                ''')
            )
        for lines, why in ex["decoys"]:
            key.append(f'[[decoy]]\nfile = "{ex["file"]}"\nlines = {lines}\nwhy_fine = {json.dumps(why)}\n')
        (folder / "key.toml").write_text("\n".join(key))
    return Bank(root)


# a random class --------------------------------------------------------------------------------

# How findable each category is for an average student: concurrency and blast radius are the
# ones classes miss, which is what the analytics should make visible.
FINDABILITY = {
    "logic": 0.78,
    "edge-case": 0.62,
    "error-handling": 0.58,
    "security": 0.52,
    "blast-radius": 0.45,
    "concurrency": 0.33,
}
# The wrong category a student picks when they find the line but misdiagnose it.
CONFUSION = {
    "logic": "edge-case",
    "edge-case": "logic",
    "error-handling": "logic",
    "security": "logic",
    "blast-radius": "logic",
    "concurrency": "logic",
}


@dataclass(frozen=True)
class Profile:
    name: str
    share: float
    skill: float  # exponent: p(find) = 1 - (1 - findability) ** skill
    right_category: float
    false_positives: tuple[float, float]  # Poisson mean, or (low, high) for noisy flaggers
    minutes: float  # mean review time


PROFILES = (
    Profile("perfect", 0.06, math.inf, 1.0, (0.0, 0.0), 45.0),
    Profile("strong", 0.22, 2.5, 0.9, (0.4, 0.4), 38.0),
    Profile("partial", 0.42, 1.0, 0.7, (0.9, 0.9), 30.0),
    Profile("weak", 0.14, 0.45, 0.55, (0.6, 0.6), 18.0),
    Profile("noisy", 0.10, 1.4, 0.6, (4.0, 14.0), 25.0),
    Profile("idle", 0.06, 0.0, 0.0, (0.0, 0.0), 5.0),
)

COMMENTS = {
    "concurrency": [
        "Two workers can both pass is_paid() before either marks it.",
        "Race: check-then-act without the lock -> double refund.",
    ],
    "error-handling": [
        "Failure is swallowed & then marked paid?",
        "log.debug hides a failed payment; customer never gets the money.",
    ],
    "security": ["f-string into SQL: what if older_than_days = \"0' OR '1'='1\"?", "Injection in purge()."],
    "blast-radius": [
        "purge(0) deletes <every> paid refund; needs a floor and a dry run.",
        "No guard on a destructive delete.",
    ],
    "logic": [
        "Cache key ignores the date -> stale estimate.",
        "UTC is not the warehouse's time zone.",
        "Is this right?",
    ],
    "edge-case": ["14:30 order: hour == 14, so `>` ships same day.", "What if the list is empty?", "Boundary: > vs >="],
}


# What students write on a line that is fine.
NOISE_COMMENTS = [
    "Is this right?",
    "Magic number: should this be configurable?",
    "Could this be None?",
    "Missing a test for this.",
    "Naming: unclear what this holds.",
    "Looks risky <not sure why>.",
    "Off by one? (< vs <=)",
    "Performance & memory on a big queue?",
    "",
]


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class SyntheticClass:
    """What `synthetic_class` made: where, for which assignment, and who is who."""

    course_dir: Path
    assignment: str
    bank: Bank
    slugs: list[str]
    profiles: dict[str, str] = field(default_factory=dict)  # student -> profile or situation
    seed: int = 0
    copied: list[str] = field(default_factory=list)  # [the classmate copied, *the copiers], when any


def _file_lines(bank: Bank, slug: str, key: Key) -> dict[tuple[str, str], list[int]]:
    """Lines a student can flag, per (file, side): from the diff when the bank has one."""
    places: dict[tuple[str, str], list[int]] = {}
    try:
        diff = bank.get(slug).diff
        for fd in diff.files:
            for hunk in fd.hunks:
                for line in hunk.lines:
                    places.setdefault((fd.path, line.side), []).append(line.number)
    except Exception:
        for target in (*key.defects, *key.decoys):
            top = max(target.lines[1] + 15, 30)
            places[(target.file, target.side)] = list(range(1, top + 1))
    return {k: sorted(set(v)) for k, v in places.items() if v}


def _defect_flags(rng: random.Random, profile: Profile, key: Key, new_id: Callable[[], str]) -> list[Finding]:
    """The planted defects this student finds, each flagged near its lines, rightly named or not."""
    findings: list[Finding] = []
    for defect in key.defects:
        base = FINDABILITY[defect.category] + (0.08 if defect.severity == "blocker" else 0.0)
        p = 1.0 if math.isinf(profile.skill) else 1 - (1 - min(base, 0.97)) ** profile.skill
        if rng.random() >= p:
            continue
        category = defect.category if rng.random() < profile.right_category else CONFUSION[defect.category]
        first, last = defect.lines
        s = rng.randint(max(1, first - 1), last) if rng.random() < 0.3 else first
        findings.append(
            flag(
                defect.file,
                s,
                category,
                end=max(s, min(last, s + rng.randint(0, 2))),
                side=defect.side,
                severity=defect.severity,
                id=new_id(),
                comment=rng.choice(COMMENTS[category]),
            )
        )
    return findings


def _noise_flags(
    rng: random.Random,
    profile: Profile,
    key: Key,
    places: dict[tuple[str, str], list[int]],
    new_id: Callable[[], str],
) -> list[Finding]:
    """This student's false positives: on a decoy about half the time, else on any line that is no defect."""
    findings: list[Finding] = []
    low, high = profile.false_positives
    n_fp = rng.randint(int(low), int(high)) if low != high else _poisson(rng, low)
    for _ in range(n_fp):
        if key.decoys and rng.random() < 0.45:
            decoy = rng.choice(key.decoys)
            where, line = (decoy.file, decoy.side), decoy.lines[0]
        else:
            where = rng.choice(sorted(places))
            line = rng.choice(places[where])
        probe = flag(where[0], line, "logic", side=where[1], id="probe")
        if any(hits(probe, d) for d in key.defects):
            continue  # that would be a hit, not a false positive
        category = rng.choice(list(FINDABILITY))
        findings.append(
            flag(
                where[0],
                line,
                category,
                side=where[1],
                severity=rng.choice(("major", "minor")),
                id=new_id(),
                comment=rng.choice(NOISE_COMMENTS),
            )
        )
    return findings


def synthetic_class(
    course_dir: str | os.PathLike,
    n_students: int = 60,
    *,
    seed: int = 0,
    assignment: str = DEFAULT_ASSIGNMENT,
    bank: Bank | str | os.PathLike | None = None,
    slugs: Iterable[str] | None = None,
    missing: float = 0.04,
    corrupt: float = 0.01,
    repaired: float = 0.03,
    tampered: float = 0.01,
    failed: float = 0.005,
    duedate: _dt.datetime = DEFAULT_DUE,
    copiers: int = 0,
) -> SyntheticClass:
    """Generate and write a graded synthetic class of `n_students` into `course_dir`.

    Without `bank`, two synthetic exercises are written to `course_dir/exercises`. The same
    seed gives the same class (finding ids and file contents included). `copiers` students hand
    in byte-identical copies of one classmate's sidecars (`SyntheticClass.copied` says who);
    with the default 0 the class is the same as before the option existed.
    """
    rng = random.Random(seed)
    course_dir = Path(course_dir)
    if bank is None:
        bank = write_synthetic_bank(course_dir / "exercises")
    elif not isinstance(bank, Bank):
        bank = Bank(bank)
    slugs = list(slugs) if slugs is not None else bank.slugs()
    builder = ClassBuilder(
        course_dir,
        assignment,
        bank=bank,
        slugs=slugs,
        duedate=duedate,
        synthetic_note=f"synthetic_class(n_students={n_students}, seed={seed})",
    )
    keys = builder.keys
    places = {s: _file_lines(bank, s, keys[s]) for s in slugs}
    width = len(str(max(n_students, 1)))
    made = SyntheticClass(course_dir, assignment, bank, slugs, seed=seed)

    def new_id() -> str:
        return f"{rng.getrandbits(40):010x}"

    for i in range(n_students):
        sid = f"synthetic-{i + 1:0{width}d}"
        profile = rng.choices(PROFILES, weights=[p.share for p in PROFILES])[0]
        made.profiles[sid] = profile.name
        if rng.random() < missing:
            made.profiles[sid] = "missing"
            builder.student(sid, submitted=False, status="missing", reasons=["no submission collected"])
            continue
        due_offset = rng.gammavariate(1.2, 18.0)  # hours before the deadline, most near it
        if rng.random() < 0.05:
            due_offset = -rng.uniform(0.1, 30.0)  # late
        submitted_at = duedate - _dt.timedelta(hours=due_offset)
        start = submitted_at - _dt.timedelta(minutes=rng.expovariate(1 / profile.minutes) + 3)
        reviews: dict[str, Any] = {}
        for slug in slugs:
            key = keys[slug]
            if profile.name == "idle":
                if rng.random() < 0.5:
                    reviews[slug] = []
                continue
            findings = _defect_flags(rng, profile, key, new_id) + _noise_flags(rng, profile, key, places[slug], new_id)
            rng.shuffle(findings)
            stamped = []
            span = max((submitted_at - start).total_seconds(), 60.0)
            for f in findings:
                at = start + _dt.timedelta(seconds=rng.uniform(0, span))
                stamped.append(Finding.from_dict({**f.to_dict(), "created": _iso(at), "updated": _iso(at)}))
            reviews[slug] = stamped
        kwargs: dict[str, Any] = {}
        roll = rng.random()
        if roll < corrupt and reviews:
            slug = rng.choice(sorted(reviews))
            text = builder._sidecar_text(slug, reviews[slug], "request-changes")
            reviews[slug] = text[: max(10, len(text) // 2)]  # a truncated write from an old tool
            kwargs = {"status": "flagged", "reasons": [f"{slug}.findings.json is not valid JSON; kept as it is"]}
            made.profiles[sid] = "corrupt"
        elif roll < corrupt + repaired:
            kwargs = {
                "status": "repaired",
                "reasons": [rng.choice(["copy-pasted grade cell restored", "deleted grade cell restored"])],
            }
            made.profiles[sid] = f"{profile.name}, repaired"
        elif roll < corrupt + repaired + tampered:
            kwargs = {
                "status": "flagged",
                "reasons": ["gradebook score differs from the re-score of the sidecars (tampering?)"],
                "gradebook": {s: REVIEW_POINTS for s in slugs},
            }
            made.profiles[sid] = "tampered"
        elif roll < corrupt + repaired + tampered + failed:
            kwargs = {"status": "failed", "reasons": ["timed out after 60 s"], "autograded": False}
            made.profiles[sid] = "failed"
        manual = None if rng.random() < 0.3 else float(rng.choice((0, 1, 1, 2, 2, 2)))
        builder.student(
            sid,
            reviews=reviews,
            verdicts={s: "request-changes" for s in reviews if profile.name != "idle"},
            submitted_at=submitted_at,
            manual=manual,
            **kwargs,
        )
    _copy_answers(builder, made, copiers)
    builder.write()
    return made


def _copy_answers(builder: ClassBuilder, made: SyntheticClass, copiers: int) -> None:
    """Give `copiers` graded students one classmate's reviews, verdicts and all: the same Finding
    objects, so the same sidecar bytes (`made.copied` is [source, *copiers])."""
    if not copiers:
        return
    rng = random.Random(f"copiers-{made.seed}")
    graded = [st for st in builder.students if st.submitted_at is not None and st.status is None and st.autograded]
    sources = [st for st in graded if any(isinstance(v, list) and v for v in st.reviews.values())]
    if not sources or len(graded) <= copiers:
        raise ValueError(f"cannot make {copiers} copiers in a class of {len(graded)} graded students")
    source = rng.choice(sources)
    chosen = rng.sample([st for st in graded if st is not source], copiers)
    for st in chosen:
        st.reviews = dict(source.reviews)
        st.verdicts = dict(source.verdicts)
        made.profiles[st.id] = f"copier of {source.id}"
    made.copied = [source.id, *sorted(st.id for st in chosen)]
