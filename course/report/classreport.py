"""Class analytics after grading: what the class missed, which categories are weak, who flags too much.

`class_report(course_dir, assignment)` reads the course directory the class grader leaves behind
(nbgrader's gradebook, the sidecars under autograded/ or submitted/, and the grader's
`reports/<assignment>/grading.json` when present), re-scores every sidecar with
`course.scoring` and returns a `ClassReport` of pandas DataFrames. `write_report` turns it into
one self-contained HTML page (no JavaScript, every text escaped) plus PNG figures.

Definitions (what the numbers mean):

- A *review* is one student x one exercise (slug) of the assignment. A submitted review with no
  sidecar counts as an empty review (the viewer writes the sidecar on the first flag, so no
  file means nothing was flagged); a sidecar that cannot be read is *corrupt* and is left out
  of every rate, counted in the `corrupt` columns instead. Students with no submission have
  no reviews.
- *Detection rate* of a defect: the share of its reviews in which a finding credited it,
  found or miscategorised (the line was spotted). `found_rate` counts the right category only.
- *Recall per category*: over every (review, defect of that category) pair, the share detected.
- Per student: `score` is the mean review score (0..1, as `course.scoring` computes it, corrupt
  reviews left out), `precision` pools the student's findings over all reviews, `recall` pools
  the defects.
- A *false positive* is a finding that credited no defect; the common ones are grouped by the
  decoy they hit, or by their first line when they hit none.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import json
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..keys.bank import Bank, BankError, find_bank
from ..keys.model import Key
from ..review.store import SidecarCorrupt, read_sidecar
from ..scoring.match import score
from ..vocab import CATEGORIES

__all__ = ["ClassReport", "class_report", "report_figures", "write_report", "STATUSES", "REPORT_NAME"]

REPORT_NAME = "class-report.html"
FIGURE_DIR = "class-report"
SIDECAR_SUFFIX = ".findings.json"
# Grader statuses (grading.json), plus "ungraded" (collected, never autograded) for when the
# grader has not run. Display order: what needs the instructor first.
STATUSES = ("flagged", "failed", "repaired", "ungraded", "missing", "graded")
ATTENTION = ("flagged", "failed", "repaired", "missing")
REVIEW_STATUSES = ("reviewed", "no-sidecar", "corrupt")
OUTCOMES = ("found", "miscategorised", "missed")
_GRADE_REVIEW = re.compile(r"""grade_review\(\s*(?:slug\s*=\s*)?["']([A-Za-z0-9][A-Za-z0-9._-]*)["']""")
_SAFE_NAME = re.compile(r"^[^/\\\x00]+$")

STUDENT_COLUMNS = [
    "student", "status", "reasons", "submitted", "submitted_at", "hours_before_due", "late",
    "review_minutes", "score", "precision", "recall", "findings", "false_positives",
    "decoy_hits", "reviews", "no_sidecar", "corrupt", "gradebook_score", "gradebook_max",
    "needs_manual_grade", "grader_score", "grader_rescore",
]
REVIEW_COLUMNS = [
    "student", "slug", "status", "source", "problem", "verdict", "findings", "credited",
    "false_positives", "decoy_hits", "defects", "detected", "found", "credit", "penalty",
    "score", "precision", "recall", "first_flag", "last_flag",
]
OUTCOME_COLUMNS = ["student", "slug", "defect", "category", "severity", "status", "credit",
                   "finding_id", "finding_category"]
DEFECT_COLUMNS = ["slug", "defect", "title", "category", "also", "severity", "weight", "file",
                  "lines", "reviews", "found", "miscategorised", "missed", "corrupt",
                  "detection_rate", "found_rate"]
CATEGORY_COLUMNS = ["category", "defects", "opportunities", "detected", "found", "recall",
                    "found_rate", "often_called"]
FP_COLUMNS = ["student", "slug", "finding_id", "path", "side", "start", "end", "category",
              "severity", "comment", "decoy", "why_fine", "cost"]
COMMON_FP_COLUMNS = ["slug", "path", "side", "lines", "decoy", "why_fine", "students", "flags",
                     "share", "categories", "example_comment"]


@dataclass
class ClassReport:
    """Analytics of one graded assignment, as DataFrames (see the module docstring)."""

    assignment: str
    course_dir: Path
    slugs: tuple[str, ...]
    titles: dict[str, str]
    students: pd.DataFrame
    reviews: pd.DataFrame
    outcomes: pd.DataFrame
    defects: pd.DataFrame
    categories: pd.DataFrame
    false_positives: pd.DataFrame
    common_false_positives: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    empty: bool = False
    message: str = ""
    synthetic: bool = False
    duedate: pd.Timestamp | None = None
    generated: str = ""

    @property
    def submitted(self) -> pd.DataFrame:
        """The students who handed something in."""
        return self.students[self.students["submitted"]]

    def summary(self) -> dict[str, Any]:
        """Headline numbers, as plain Python values (what the CLI prints and the page opens with)."""
        st = self.students
        sub = self.submitted
        counts = st["status"].value_counts()
        out: dict[str, Any] = {
            "assignment": self.assignment,
            "students": int(len(st)),
            "submitted": int(len(sub)),
            "missing": int((~st["submitted"]).sum()),
            "status": {status: int(counts.get(status, 0)) for status in STATUSES},
            "corrupt_sidecars": int((self.reviews["status"] == "corrupt").sum()) if len(self.reviews) else 0,
            "mean_score": _plain(sub["score"].mean()) if len(sub) else None,
            "median_precision": _plain(sub.loc[sub["findings"] > 0, "precision"].median()) if len(sub) else None,
            "false_positives": int(len(self.false_positives)),
        }
        if len(self.defects) and self.defects["detection_rate"].notna().any():
            worst = self.defects.loc[self.defects["detection_rate"].idxmin()]
            out["most_missed"] = {k: _plain(worst[k]) for k in ("slug", "defect", "title", "detection_rate")}
        if len(self.categories) and self.categories["recall"].notna().any():
            weakest = self.categories.loc[self.categories["recall"].idxmin()]
            out["weakest_category"] = {"category": weakest["category"], "recall": _plain(weakest["recall"])}
        return out


def _plain(value: Any) -> Any:
    """numpy and pandas scalars as Python ones; NaN as None."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and np.isnan(value):
            return None
    return value


# reading the course directory ------------------------------------------------------------------


def _read_grading(course_dir: Path, assignment: str, problems: list[str]) -> dict[str, dict[str, Any]]:
    """The class grader's verdict per student: {student: {status, reasons, score, rescore}}.

    Reads `reports/<assignment>/grading.json` (students keyed by id), or else the summary
    `course grade` writes, `reports/<assignment>/grading/summary.json` (a list of students,
    each with its reviews' gradebook and re-scored points). Absent: {}."""
    base = course_dir / "reports" / assignment
    for path in (base / "grading.json", base / "grading" / "summary.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path}: cannot be read ({exc}); statuses are derived from the folders instead")
            return {}
        students = data.get("students") if isinstance(data, dict) else None
        if isinstance(students, list):
            students = {str(e["student"]): e for e in students if isinstance(e, dict) and "student" in e}
        if not isinstance(students, dict):
            problems.append(f"{path}: no 'students'; statuses are derived from the folders instead")
            return {}
        if data.get("assignment") not in (None, assignment):
            problems.append(f"{path}: is about assignment {data.get('assignment')!r}, not {assignment!r}")
        out = {}
        for sid, entry in students.items():
            if not isinstance(entry, dict):
                continue
            entry = dict(entry)
            reviews = entry.get("reviews")
            if entry.get("rescore") is None and isinstance(reviews, dict):
                points = [r.get("rescored") for r in reviews.values() if isinstance(r, dict)]
                if points and all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in points):
                    entry["rescore"] = round(float(sum(points)), 2)
            out[str(sid)] = entry
        return out
    return {}


@dataclass
class _Gradebook:
    enrolled: list[str] = field(default_factory=list)
    submissions: pd.DataFrame = field(default_factory=pd.DataFrame)
    duedate: pd.Timestamp | None = None
    slugs: list[str] = field(default_factory=list)
    known_assignment: bool = False


_SUBMISSIONS_SQL = """
SELECT sa.student_id AS student, sa.timestamp AS timestamp,
       COALESCE(SUM(CASE
           WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0)
           WHEN g.auto_score IS NOT NULL THEN g.auto_score + COALESCE(g.extra_credit, 0)
           ELSE 0 END), 0) AS gradebook_score,
       COALESCE(SUM(COALESCE(gc.max_score, tc.max_score, 0)), 0) AS gradebook_max,
       COALESCE(SUM(CASE WHEN g.needs_manual_grade THEN 1 ELSE 0 END), 0) AS needs_manual_grade,
       (SELECT COALESCE(SUM(sn2.late_submission_penalty), 0) FROM submitted_notebook sn2
         WHERE sn2.assignment_id = sa.id) AS late_penalty
FROM submitted_assignment sa
JOIN assignment a ON a.id = sa.assignment_id
LEFT JOIN submitted_notebook sn ON sn.assignment_id = sa.id
LEFT JOIN grade g ON g.notebook_id = sn.id
LEFT JOIN grade_cells gc ON gc.id = g.cell_id
LEFT JOIN task_cells tc ON tc.id = g.cell_id
WHERE a.name = :assignment
GROUP BY sa.id, sa.student_id, sa.timestamp
"""


def _read_gradebook(course_dir: Path, assignment: str, db_url: str | None, problems: list[str]) -> _Gradebook:
    """nbgrader's gradebook through plain SQL on its schema: the ORM (and importing nbgrader,
    several seconds) is far too slow for a report over a large class."""
    import sqlalchemy as sa

    out = _Gradebook()
    if db_url is None:
        path = course_dir / "gradebook.db"
        if not path.is_file():
            return out  # never let SQLite create an empty file in the course directory
        db_url = f"sqlite:///{path}"
    try:
        engine = sa.create_engine(db_url)
    except Exception as exc:  # a bad URL is the instructor's to fix; report without it
        problems.append(f"gradebook {db_url}: {exc}")
        return out
    try:
        with engine.connect() as conn:
            out.enrolled = [str(s) for s in conn.execute(sa.text("SELECT id FROM student")).scalars()]
            row = conn.execute(sa.text("SELECT duedate FROM assignment WHERE name = :a"), {"a": assignment}).first()
            if row is not None:
                out.known_assignment = True
                if row[0] is not None:
                    out.duedate = pd.to_datetime(pd.Series([row[0]]), utc=True, format="ISO8601").iloc[0]
            out.submissions = pd.read_sql(sa.text(_SUBMISSIONS_SQL), conn, params={"assignment": assignment})
            sources = conn.execute(
                sa.text(
                    "SELECT sc.source FROM source_cell sc JOIN notebook n ON n.id = sc.notebook_id "
                    "JOIN assignment a ON a.id = n.assignment_id WHERE a.name = :a"
                ),
                {"a": assignment},
            ).scalars()
            for source in sources:
                out.slugs.extend(_GRADE_REVIEW.findall(source or ""))
    except Exception as exc:  # sqlalchemy raises many kinds; none may stop the report
        problems.append(f"gradebook {db_url}: cannot be read ({type(exc).__name__}: {exc}); using the folders only")
        return _Gradebook()
    finally:
        engine.dispose()
    if len(out.submissions):
        subs = out.submissions
        subs["student"] = subs["student"].astype(str)
        subs["timestamp"] = pd.to_datetime(subs["timestamp"], utc=True, errors="coerce", format="ISO8601")
        for col in ("gradebook_score", "gradebook_max", "late_penalty"):
            subs[col] = subs[col].astype(float)
        subs["gradebook_score"] = subs["gradebook_score"] - subs["late_penalty"]
        subs["needs_manual_grade"] = subs["needs_manual_grade"].astype(int)
        out.submissions = subs.drop(columns="late_penalty").drop_duplicates("student", keep="last")
    return out


def _list_dirs(folder: Path) -> list[str]:
    try:
        return [e.name for e in os.scandir(folder) if e.is_dir() and not e.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _sidecar_names(folder: Path) -> set[str] | None:
    """Slugs with a sidecar in one submission folder; None when the folder does not exist."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return None
    return {
        e.name[: -len(SIDECAR_SUFFIX)]
        for e in entries
        if e.name.endswith(SIDECAR_SUFFIX) and not e.name.startswith(".") and len(e.name) > len(SIDECAR_SUFFIX)
    }


def _bundle_slugs(course_dir: Path, assignment: str) -> list[str]:
    """Slugs whose public bundle (<slug>.diff) ships with the assignment."""
    found: list[str] = []
    for tree in ("source", "release"):
        folder = course_dir / tree / assignment
        try:
            found.extend(e.name[:-5] for e in os.scandir(folder) if e.name.endswith(".diff") and e.is_file())
        except (FileNotFoundError, NotADirectoryError):
            pass
    return found


def _read_timestamp(folder: Path) -> pd.Timestamp | None:
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    text = re.sub(r"\s*(UTC|Z)$", "", text)
    stamp = pd.to_datetime(text, utc=True, errors="coerce")
    return None if pd.isna(stamp) else stamp


def _resolve_bank(bank: Bank | str | os.PathLike | None, course_dir: Path) -> Bank:
    if isinstance(bank, Bank):
        return bank
    if bank is not None:
        return Bank(bank)
    try:
        return Bank(find_bank(course_dir))
    except BankError:
        if (course_dir / "exercises").is_dir():
            return Bank(course_dir / "exercises")
        raise


# the report ------------------------------------------------------------------------------------


def class_report(
    course_dir: str | os.PathLike,
    assignment: str,
    bank: Bank | str | os.PathLike | None = None,
    *,
    db_url: str | None = None,
) -> ClassReport:
    """Analytics of one graded assignment; never raises on a student's files.

    `bank` is a Bank or its folder (default: the course's exercises/, or $COURSE_BANK).
    `db_url` points at a gradebook other than `course_dir/gradebook.db` (Postgres, say).
    With no submissions at all the report is returned with `empty=True` and a `message`.
    """
    course_dir = Path(course_dir)
    if not assignment or not _SAFE_NAME.match(assignment) or assignment in (".", ".."):
        raise ValueError(f"not an assignment name: {assignment!r}")
    problems: list[str] = []
    grading = _read_grading(course_dir, assignment, problems)
    gb = _read_gradebook(course_dir, assignment, db_url, problems)

    submitted_dirs = {s for s in _list_dirs(course_dir / "submitted") if (course_dir / "submitted" / s / assignment).is_dir()}
    autograded_dirs = {s for s in _list_dirs(course_dir / "autograded") if (course_dir / "autograded" / s / assignment).is_dir()}
    gb_submitted = set(gb.submissions["student"]) if len(gb.submissions) else set()
    everyone = sorted(set(gb.enrolled) | set(grading) | submitted_dirs | autograded_dirs | gb_submitted)
    handed_in = submitted_dirs | autograded_dirs | gb_submitted

    # where each submission's sidecars are: autograded/ is what was graded; submitted/ covers
    # a submission the grader could not process
    folders: dict[str, tuple[str | None, Path | None, set[str]]] = {}
    sidecar_slugs: set[str] = set()
    for sid in sorted(handed_in):
        chosen: tuple[str | None, Path | None, set[str]] = (None, None, set())
        if _SAFE_NAME.match(sid) and sid not in (".", ".."):
            for tree in ("autograded", "submitted"):
                folder = course_dir / tree / sid / assignment
                names = _sidecar_names(folder)
                if names is not None:
                    chosen = (tree, folder, names)
                    break
        folders[sid] = chosen
        sidecar_slugs |= chosen[2]

    slugs = list(dict.fromkeys(sorted(set(_bundle_slugs(course_dir, assignment)) | set(gb.slugs) | sidecar_slugs)))
    keys: dict[str, Key] = {}
    titles: dict[str, str] = {}
    if slugs and handed_in:
        try:
            bank_obj = _resolve_bank(bank, course_dir)
        except BankError as exc:
            raise BankError(f"cannot score the reviews of {assignment}: {exc}") from None
        for slug in slugs:
            try:
                exercise = bank_obj.get(slug)
                keys[slug] = exercise.key
                titles[slug] = exercise.title
            except (BankError, ValueError) as exc:
                problems.append(f"exercise {slug!r} is not in the bank, so its reviews are not scored: {exc}")
    slugs = [s for s in slugs if s in keys]

    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    synthetic = (course_dir / "SYNTHETIC.txt").is_file()
    if not handed_in:
        known = f"{len(everyone)} student{'s' * (len(everyone) != 1)} known, none submitted"
        if not gb.known_assignment:
            where = "no such assignment in the gradebook and no submission in submitted/ or autograded/"
            message = f"Nothing to report for {assignment!r} in {course_dir}: {where}" + (f" ({known})." if everyone else ".")
        elif not everyone:
            message = f"Nothing to report for {assignment!r} in {course_dir}: the class has no students."
        else:
            message = f"Nothing to report for {assignment!r} in {course_dir}: {known}."
        students = _students_frame(everyone, grading, gb, {}, pd.DataFrame(columns=REVIEW_COLUMNS), course_dir, assignment)
        return ClassReport(
            assignment, course_dir, tuple(slugs), titles, students,
            _empty(REVIEW_COLUMNS), _empty(OUTCOME_COLUMNS), _empty(DEFECT_COLUMNS),
            _empty(CATEGORY_COLUMNS), _empty(FP_COLUMNS), _empty(COMMON_FP_COLUMNS),
            problems, True, message, synthetic, gb.duedate, generated,
        )
    if not slugs:
        problems.append(f"no reviews found for {assignment!r}: no <slug>.diff in source/ or release/, "
                        "no grade_review cell in the gradebook, no sidecar in any submission")

    reviews, outcomes, fps = _score_all(folders, slugs, keys)
    reviews_df = pd.DataFrame(reviews, columns=REVIEW_COLUMNS)
    outcomes_df = pd.DataFrame(outcomes, columns=OUTCOME_COLUMNS)
    fps_df = pd.DataFrame(fps, columns=FP_COLUMNS)
    for df, cols in ((reviews_df, ("first_flag", "last_flag")),):
        for col in cols:
            df[col] = pd.to_datetime(df[col], utc=True, errors="coerce", format="ISO8601")

    students = _students_frame(everyone, grading, gb, folders, reviews_df, course_dir, assignment)
    defects = _defects_frame(slugs, keys, outcomes_df, reviews_df)
    categories = _categories_frame(outcomes_df)
    common = _common_fps(fps_df, reviews_df, keys)
    corrupt = reviews_df[reviews_df["status"] == "corrupt"]
    for row in corrupt.itertuples():
        problems.append(f"corrupt sidecar: {row.student}: {row.problem}")
    return ClassReport(
        assignment, course_dir, tuple(slugs), titles, students, reviews_df, outcomes_df, defects,
        categories, fps_df, common, problems, False, "", synthetic, gb.duedate, generated,
    )


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _score_all(folders, slugs, keys):
    """Read and score every review: the one Python loop; everything after it is pandas."""
    reviews: list[tuple] = []
    outcomes: list[tuple] = []
    fps: list[tuple] = []
    decoy_index = {slug: {id(d): i for i, d in enumerate(keys[slug].decoys)} for slug in slugs}
    for sid, (tree, folder, names) in folders.items():
        for slug in slugs:
            key = keys[slug]
            findings: tuple = ()
            verdict = None
            status, problem, source = "no-sidecar", "", None
            if folder is not None and slug in names:
                path = folder / f"{slug}{SIDECAR_SUFFIX}"
                source = tree
                try:
                    side = read_sidecar(path)
                    if side is None:
                        pass  # removed between listing and reading: nothing flagged
                    elif side.exercise != slug:
                        raise SidecarCorrupt(path, f"belongs to exercise {side.exercise!r}, not {slug!r}")
                    else:
                        findings, verdict, status = side.findings, side.verdict, "reviewed"
                except SidecarCorrupt as exc:
                    status, problem = "corrupt", f"{tree}/{sid}/{path.parent.name}/{path.name}: {exc.problem}"
                except (ValueError, TypeError) as exc:  # a finding the scorer refuses
                    status, problem = "corrupt", f"{tree}/{sid}/{path.parent.name}/{path.name}: {exc}"
            if status == "corrupt":
                reviews.append((sid, slug, status, source, problem, None, 0, 0, 0, 0, 0, 0, 0,
                                np.nan, np.nan, np.nan, np.nan, np.nan, None, None))
                continue
            if verdict is not None and verdict not in ("approve", "request-changes"):
                verdict = None
            result = score(findings, key, verdict)
            detected = found = 0
            for r in result.defects:
                d = r.defect
                finding_category = None
                if r.status != "missed":
                    detected += 1
                    found += r.status == "found"
                    finding_category = next((f.category for f in findings if f.id == r.finding_id), None)
                outcomes.append((sid, slug, d.id, d.category, d.severity, r.status, r.credit,
                                 r.finding_id, finding_category))
            decoy_hits = 0
            for fp in result.false_positives:
                f = fp.finding
                di = decoy_index[slug].get(id(fp.decoy), -1) if fp.decoy is not None else -1
                decoy_hits += di >= 0
                fps.append((sid, slug, f.id, f.path, f.side, f.start, f.end, f.category, f.severity,
                            f.comment, di, fp.decoy.why_fine if fp.decoy is not None else None, fp.cost))
            stamps = [s for f in findings for s in (f.created, f.updated) if s]
            reviews.append((
                sid, slug, status, source, problem, verdict, len(findings),
                len(findings) - len(result.false_positives), len(result.false_positives), decoy_hits,
                len(key.defects), detected, found, result.credit, result.penalty, result.score,
                result.precision, result.recall, min(stamps) if stamps else None,
                max(stamps) if stamps else None,
            ))
    return reviews, outcomes, fps


def _students_frame(everyone, grading, gb, folders, reviews, course_dir, assignment) -> pd.DataFrame:
    base = pd.DataFrame({"student": pd.Series(everyone, dtype=object)})
    handed = set(folders) | (set(gb.submissions["student"]) if len(gb.submissions) else set())
    base["submitted"] = base["student"].isin(handed)

    def derived(sid: str) -> str:
        if sid not in handed:
            return "missing"
        tree = folders.get(sid, (None,))[0]
        return "graded" if tree == "autograded" else "ungraded"

    g = {sid: grading.get(sid, {}) for sid in everyone}
    status = [str(g[s].get("status")) if g[s].get("status") in STATUSES else derived(s) for s in everyone]
    base["status"] = pd.Categorical(status, categories=list(STATUSES))
    base["reasons"] = ["; ".join(str(r) for r in g[s].get("reasons", []) if r) if isinstance(g[s].get("reasons"), list) else "" for s in everyone]
    base["grader_score"] = pd.to_numeric(pd.Series([g[s].get("score") for s in everyone], dtype=object), errors="coerce").astype(float)
    base["grader_rescore"] = pd.to_numeric(pd.Series([g[s].get("rescore") for s in everyone], dtype=object), errors="coerce").astype(float)

    # per-student aggregates of the reviews, vectorised
    if len(reviews):
        r = reviews.assign(
            is_corrupt=reviews["status"] == "corrupt",
            is_missing=reviews["status"] == "no-sidecar",
            readable=reviews["status"] != "corrupt",
        )
        agg = r.groupby("student", sort=False).agg(
            findings=("findings", "sum"),
            credited=("credited", "sum"),
            false_positives=("false_positives", "sum"),
            decoy_hits=("decoy_hits", "sum"),
            defects=("defects", "sum"),
            detected=("detected", "sum"),
            score=("score", "mean"),
            reviews=("readable", "sum"),
            no_sidecar=("is_missing", "sum"),
            corrupt=("is_corrupt", "sum"),
            first_flag=("first_flag", "min"),
            last_flag=("last_flag", "max"),
        )
        precision = np.where(agg["findings"] > 0, agg["credited"] / agg["findings"].where(agg["findings"] > 0),
                             np.where(agg["defects"] > 0, 0.0, 1.0))
        agg["precision"] = np.where(agg["reviews"] > 0, precision, np.nan)
        agg["recall"] = agg["detected"] / agg["defects"].where(agg["defects"] > 0)
        agg["review_minutes"] = (agg["last_flag"] - agg["first_flag"]).dt.total_seconds() / 60
        base = base.merge(agg.reset_index(), on="student", how="left")
    else:
        for col in ("findings", "false_positives", "decoy_hits", "reviews", "no_sidecar", "corrupt"):
            base[col] = 0
        for col in ("score", "precision", "recall", "review_minutes"):
            base[col] = np.nan
    for col in ("findings", "false_positives", "decoy_hits", "reviews", "no_sidecar", "corrupt"):
        base[col] = base[col].fillna(0).astype(int)

    # submission times: the gradebook's, else nbgrader's timestamp.txt
    if len(gb.submissions):
        base = base.merge(gb.submissions.rename(columns={"timestamp": "submitted_at"}), on="student", how="left")
    else:
        base["submitted_at"] = pd.Series(pd.NaT, index=base.index, dtype="datetime64[us, UTC]")
        base["gradebook_score"] = np.nan
        base["gradebook_max"] = np.nan
        base["needs_manual_grade"] = np.nan
    base["submitted_at"] = pd.to_datetime(base["submitted_at"], utc=True)
    unknown = base["submitted"] & base["submitted_at"].isna()
    if unknown.any():
        stamps = {sid: _read_timestamp(course_dir / "submitted" / sid / assignment)
                  for sid in base.loc[unknown, "student"] if _SAFE_NAME.match(sid)}
        filled = base.loc[unknown, "student"].map(stamps)
        base.loc[unknown, "submitted_at"] = pd.to_datetime(filled, utc=True)
    if gb.duedate is not None:
        base["hours_before_due"] = (gb.duedate - base["submitted_at"]).dt.total_seconds() / 3600
        base["late"] = (base["hours_before_due"] < 0).astype(object).where(base["hours_before_due"].notna(), None)
    else:
        base["hours_before_due"] = np.nan
        base["late"] = None
    base["needs_manual_grade"] = pd.to_numeric(base["needs_manual_grade"], errors="coerce")
    return base[STUDENT_COLUMNS].sort_values("student", kind="stable").reset_index(drop=True)


def _defects_frame(slugs, keys, outcomes, reviews) -> pd.DataFrame:
    meta = pd.DataFrame(
        [
            (slug, d.id, d.title, d.category, ", ".join(d.also), d.severity, d.weight, d.file,
             f"{d.side} {d.lines[0]}" + (f"-{d.lines[1]}" if d.lines[1] != d.lines[0] else ""), order)
            for slug in slugs
            for order, d in enumerate(keys[slug].defects)
        ],
        columns=["slug", "defect", "title", "category", "also", "severity", "weight", "file", "lines", "_order"],
    )
    counts = (
        outcomes.groupby(["slug", "defect", "status"], sort=False).size()
        .unstack("status", fill_value=0)
        .reindex(columns=list(OUTCOMES), fill_value=0)
        .reset_index()
    ) if len(outcomes) else pd.DataFrame(columns=["slug", "defect", *OUTCOMES])
    out = meta.merge(counts, on=["slug", "defect"], how="left")
    for col in OUTCOMES:
        out[col] = out[col].fillna(0).astype(int)
    corrupt = reviews[reviews["status"] == "corrupt"].groupby("slug").size()
    out["corrupt"] = out["slug"].map(corrupt).fillna(0).astype(int)
    out["reviews"] = out["found"] + out["miscategorised"] + out["missed"]
    denominator = out["reviews"].where(out["reviews"] > 0)
    out["detection_rate"] = (out["found"] + out["miscategorised"]) / denominator
    out["found_rate"] = out["found"] / denominator
    slug_order = {s: i for i, s in enumerate(slugs)}
    out["_slug"] = out["slug"].map(slug_order)
    out = out.sort_values(["detection_rate", "_slug", "_order"], kind="stable", na_position="last")
    return out[DEFECT_COLUMNS].reset_index(drop=True)


def _categories_frame(outcomes) -> pd.DataFrame:
    if not len(outcomes):
        return _empty(CATEGORY_COLUMNS)
    o = outcomes.assign(
        is_detected=outcomes["status"] != "missed",
        is_found=outcomes["status"] == "found",
        pair=outcomes["slug"] + "\x00" + outcomes["defect"],
    )
    g = o.groupby("category", sort=False)
    out = g.agg(
        defects=("pair", "nunique"),
        opportunities=("status", "size"),
        detected=("is_detected", "sum"),
        found=("is_found", "sum"),
    )
    out["recall"] = out["detected"] / out["opportunities"]
    out["found_rate"] = out["found"] / out["opportunities"]
    wrong = o[o["status"] == "miscategorised"]
    if len(wrong):
        often = (wrong.groupby(["category", "finding_category"]).size().rename("n").reset_index()
                 .sort_values(["category", "n", "finding_category"], ascending=[True, False, True])
                 .drop_duplicates("category").set_index("category")["finding_category"])
        out["often_called"] = often.reindex(out.index)
    else:
        out["often_called"] = None
    out = out.reset_index()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    out["_order"] = out["category"].map(order)
    out = out.sort_values(["recall", "_order"], kind="stable")
    out["often_called"] = out["often_called"].astype(object).where(out["often_called"].notna(), None)
    return out[CATEGORY_COLUMNS].reset_index(drop=True)


def _common_fps(fps, reviews, keys) -> pd.DataFrame:
    if not len(fps):
        return _empty(COMMON_FP_COLUMNS)
    f = fps.copy()
    on_decoy = f["decoy"] >= 0
    decoy_lines = {
        (slug, i): (d.lines[0], d.lines[1]) for slug, key in keys.items() for i, d in enumerate(key.decoys)
    }
    spans = [decoy_lines.get((s, i), (a, a)) if i >= 0 else (a, a)
             for s, i, a in zip(f["slug"], f["decoy"], f["start"])]
    f["first"] = [a for a, _ in spans]
    f["last"] = [b for _, b in spans]
    f["decoy_hit"] = on_decoy
    f["has_comment"] = f["comment"].fillna("").str.strip() != ""
    group = ["slug", "path", "side", "first", "last", "decoy_hit"]
    g = f.groupby(group, sort=False)
    out = g.agg(
        students=("student", "nunique"),
        flags=("finding_id", "size"),
        why_fine=("why_fine", "first"),
    )
    cats = (f.groupby([*group, "category"], sort=False).size().rename("n").reset_index()
            .sort_values([*group, "n", "category"], ascending=[True] * len(group) + [False, True]))
    cats["text"] = cats["category"] + " (" + cats["n"].astype(str) + ")"
    out["categories"] = cats.groupby(group, sort=False)["text"].agg(", ".join).reindex(out.index)
    commented = f[f["has_comment"]].groupby(group, sort=False)["comment"].first()
    out["example_comment"] = commented.reindex(out.index)
    out = out.reset_index()
    per_slug = reviews[reviews["status"] != "corrupt"].groupby("slug").size()
    out["share"] = out["students"] / out["slug"].map(per_slug)
    out["lines"] = [f"{a}" if a == b else f"{a}-{b}" for a, b in zip(out["first"], out["last"])]
    out["decoy"] = out["decoy_hit"].astype(bool)
    out["example_comment"] = out["example_comment"].astype(object).where(out["example_comment"].notna(), None)
    out = out.sort_values(["students", "flags", "decoy", "slug", "path", "first"],
                          ascending=[False, False, False, True, True, True], kind="stable")
    return out[COMMON_FP_COLUMNS].reset_index(drop=True)


# figures ---------------------------------------------------------------------------------------

INK = "#1f2933"
FOUND = "#2f6f8f"
MISCAT = "#9cc3d5"
WARN = "#c2410c"
MUTED = "#9aa5b1"


def _label(text: str, width: int = 48, extra: str = "") -> str:
    """At most two wrapped lines (an ellipsis when cut), then `extra` on its own line."""
    lines = textwrap.wrap(str(text), width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder=" …")]
    if extra:
        lines.append(extra)
    # matplotlib reads $...$ as mathematics; a title that mentions dollars must stay text
    return "\n".join(lines).replace("$", r"\$")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _rate_chart(size, labels, found, detected, texts, *, legend, text_cap, tick_size, xlabel, title):
    """Horizontal bars of a rate split in two: found with the right category, then the rest of
    what was detected (wrong category), each bar labelled with its text."""
    fig, ax = _figure(*size)
    y = np.arange(len(labels))
    ax.barh(y, found, color=FOUND, label=legend[0])
    ax.barh(y, detected - found, left=found, color=MISCAT, label=legend[1])
    for yi, rate, text in zip(y, detected, texts):
        ax.text(min(rate + 0.01, text_cap), yi, text, va="center", fontsize=9, color=INK)
    ax.set_yticks(y, labels, fontsize=tick_size)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", fontsize=11)
    fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def report_figures(report: ClassReport) -> dict[str, Any]:
    """The report's figures as matplotlib Figures (no pyplot, so safe anywhere), by name.

    A figure without data is left out (no timing figure when no time is known)."""
    figs: dict[str, Any] = {}
    if report.empty:
        return figs
    d = report.defects.dropna(subset=["detection_rate"])
    if len(d):
        d = d.iloc[::-1]  # barh draws the first row at the bottom: the most missed goes on top
        many = len(report.slugs) > 1
        figs["detection"] = _rate_chart(
            (9.5, (0.62 if many else 0.5) * len(d) + 1.5),
            [_label(t, 58, f"[{s}]" if many else "") for t, s in zip(d["title"], d["slug"])],
            d["found_rate"], d["detection_rate"], [f"{rate:.0%}" for rate in d["detection_rate"]],
            legend=("found, right category", "found, wrong category"), text_cap=0.93, tick_size=8.5,
            xlabel="share of reviews that flagged the defect",
            title="Detection rate per defect (most missed on top)",
        )
    c = report.categories
    if len(c):
        c = c.iloc[::-1]
        figs["categories"] = _rate_chart(
            (7.5, 0.5 * len(c) + 1.6),
            list(c["category"]),
            c["found_rate"], c["recall"],
            [f"{rate:.0%}  ({n} defect{'s' * (n != 1)})" for rate, n in zip(c["recall"], c["defects"])],
            legend=("right category", "wrong category"), text_cap=0.85, tick_size=None,
            xlabel="recall: share of (review, defect) pairs detected",
            title="Recall per category",
        )
    sub = report.submitted
    prec = sub.loc[sub["findings"] > 0, "precision"].dropna()
    if len(prec):
        fig, ax = _figure(6.5, 3.4)
        ax.hist(prec, bins=np.linspace(0, 1, 11), color=FOUND, edgecolor="white")
        ax.axvline(prec.median(), color=WARN, linestyle="--", linewidth=1.2, label=f"median {prec.median():.0%}")
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax.set_xlabel("precision: share of a student's findings that hit a defect")
        ax.set_ylabel("students")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"Precision ({len(prec)} students with at least one finding)", loc="left", fontsize=11)
        ax.legend(frameon=False, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        figs["precision"] = fig
    scores = sub["score"].dropna()
    if len(scores):
        fig, ax = _figure(6.5, 3.4)
        ax.hist(scores, bins=np.linspace(0, 1, 21), color=FOUND, edgecolor="white")
        ax.axvline(scores.mean(), color=WARN, linestyle="--", linewidth=1.2, label=f"mean {scores.mean():.2f}")
        ax.set_xlabel("review score (0-1, mean over the assignment's reviews)")
        ax.set_ylabel("students")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"Scores ({len(scores)} students)", loc="left", fontsize=11)
        ax.legend(frameon=False, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        figs["scores"] = fig
    common = report.common_false_positives.head(10)
    if len(common):
        common = common.iloc[::-1]
        fig, ax = _figure(8.5, 0.45 * len(common) + 1.3)
        y = np.arange(len(common))
        colors = [WARN if dec else MUTED for dec in common["decoy"]]
        ax.barh(y, common["students"], color=colors)
        labels = [_label(f"{p}:{ln}" + (" (old side)" if side == "old" else "") + (" decoy" if dec else "")
                         + (f"  [{s}]" if len(report.slugs) > 1 else ""), 90)
                  for p, ln, side, dec, s in zip(common["path"], common["lines"], common["side"], common["decoy"], common["slug"])]
        ax.set_yticks(y, labels, fontsize=8.5)
        ax.set_xlabel("students who flagged it")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title("Most common false positives (orange: a planted decoy)", loc="left", fontsize=11)
        ax.spines[["top", "right"]].set_visible(False)
        figs["false_positives"] = fig
    timing = sub.dropna(subset=["submitted_at"])
    if len(timing):
        minutes = sub.dropna(subset=["review_minutes", "score"])
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 3.4), dpi=100, layout="constrained")
        axes = fig.subplots(1, 2 if len(minutes) else 1, squeeze=False)[0]
        ax = axes[0]
        if report.duedate is not None:
            hours = timing["hours_before_due"]
            ax.hist(hours, bins=30, color=FOUND, edgecolor="white")
            ax.axvline(0, color=WARN, linewidth=1.2)
            ax.text(0, ax.get_ylim()[1] * 0.95, " deadline", color=WARN, fontsize=8, va="top")
            ax.invert_xaxis()
            ax.set_xlabel("hours before the deadline (right of the line: late)")
            late = int((hours < 0).sum())
            ax.set_title(f"Time to submit ({late} late)", loc="left", fontsize=11)
        else:
            first = timing["submitted_at"].min()
            hours = (timing["submitted_at"] - first).dt.total_seconds() / 3600
            ax.hist(hours, bins=30, color=FOUND, edgecolor="white")
            ax.set_xlabel("hours after the first submission (no deadline in the gradebook)")
            ax.set_title("Time to submit", loc="left", fontsize=11)
        ax.set_ylabel("students")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        if len(minutes):
            ax2 = axes[1]
            ax2.scatter(minutes["review_minutes"], minutes["score"], s=12, alpha=0.6, color=FOUND, edgecolors="none")
            ax2.set_xlabel("minutes from first to last flag")
            ax2.set_ylabel("score")
            ax2.set_ylim(-0.03, 1.03)
            ax2.set_title("Review time and score", loc="left", fontsize=11)
            ax2.spines[["top", "right"]].set_visible(False)
        figs["timing"] = fig
    return figs


FIGURE_ALT = {
    "detection": "Bar chart: detection rate per defect, most missed first",
    "categories": "Bar chart: recall per defect category",
    "precision": "Histogram: precision per student",
    "scores": "Histogram: review score per student",
    "false_positives": "Bar chart: most common false positives, decoys highlighted",
    "timing": "Histogram: time of submission relative to the deadline, and review time against score",
}


# the HTML page ---------------------------------------------------------------------------------


def _pct(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.0%}"


def _num(value: Any, digits: int = 2) -> str:
    if value is None or pd.isna(value):
        return "—"
    if isinstance(value, (int, np.integer)) or float(value).is_integer() and digits == 0:
        return f"{int(value)}"
    return f"{float(value):.{digits}f}"


def _when(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report: {{ r.assignment }}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; margin: 0 auto; max-width: 1280px; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #e4e7eb; padding-bottom: .2rem; }
.meta { color: #616e7c; margin-top: 0; }
.banner { background: #fff4e5; border: 1px solid #f0b429; padding: .6rem .9rem; border-radius: 6px; margin: 1rem 0; }
.cards { display: flex; flex-wrap: wrap; gap: .7rem; margin: 1rem 0; }
.card { border: 1px solid #e4e7eb; border-radius: 6px; padding: .5rem .8rem; min-width: 7.5rem; }
.card b { display: block; font-size: 1.35rem; }
.card span { color: #616e7c; font-size: .85rem; }
.scroll { overflow-x: auto; margin: .6rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #f5f7fa; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { max-width: 28rem; overflow-wrap: break-word; }
td.long { min-width: 12rem; max-width: 32rem; overflow-wrap: anywhere; }
td.id { white-space: nowrap; }
.status { border-radius: 4px; padding: 0 .35rem; font-size: .8rem; white-space: nowrap; }
.status-graded { background: #e3f8ef; } .status-repaired { background: #fff4e5; } .status-flagged { background: #ffe3e3; }
.status-failed { background: #ffe3e3; } .status-missing { background: #eef0f3; } .status-ungraded { background: #e6f0ff; }
.status-corrupt { background: #ffe3e3; } .status-no-sidecar { background: #eef0f3; }
img { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
.problems li { overflow-wrap: anywhere; }
.note { color: #616e7c; font-size: .88rem; }
</style>
</head>
<body>
{% macro table(rows, columns) -%}
<div class="scroll"><table>
<thead><tr>{% for key, label, kind in columns %}<th scope="col">{{ label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for key, label, kind in columns %}{% if kind == "status" %}<td><span class="status status-{{ row[key] }}">{{ row[key] }}</span></td>{% else %}<td class="{{ kind }}">{{ row[key] }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}</tbody>
</table></div>
{%- endmacro %}
<h1>Class report: {{ r.assignment }}</h1>
<p class="meta">{{ r.course_dir }} · generated {{ r.generated }}{% if r.duedate is not none %} · due {{ due }}{% endif %}</p>
{% if r.synthetic %}<p class="banner"><strong>Synthetic class.</strong> Every student, review and grade in this report was generated by <code>course.synthetic</code>; none of it is real student data.</p>{% endif %}
{% if r.empty %}<p class="banner"><strong>Nothing to report.</strong> {{ r.message }}</p>{% endif %}
<div class="cards">
{% for value, label in cards %}<div class="card"><b>{{ value }}</b><span>{{ label }}</span></div>{% endfor %}
</div>
{% if r.slugs %}<p>Reviews in this assignment: {% for s in r.slugs %}<strong>{{ r.titles.get(s, s) }}</strong> <code>{{ s }}</code>{% if not loop.last %}; {% endif %}{% endfor %}.</p>{% endif %}
{% if problems %}<h2 id="problems">Problems found while reading the class</h2>
<ul class="problems">{% for p in problems %}<li>{{ p }}</li>{% endfor %}</ul>
{% if more_problems %}<p class="note">… and {{ more_problems }} more.</p>{% endif %}{% endif %}
{% if not r.empty %}
<h2 id="defects">What the class missed</h2>
<p class="note">Detection rate: the share of reviews in which a finding landed on the defect's lines (light: the right place, the wrong category). Reviews without a sidecar count as empty; corrupt sidecars are left out and counted.</p>
{% if figures.detection %}<img src="{{ figures.detection }}" alt="{{ alt.detection }}">{% endif %}
{{ table(defects, defect_columns) }}
<h2 id="categories">Categories</h2>
{% if figures.categories %}<img src="{{ figures.categories }}" alt="{{ alt.categories }}">{% endif %}
{{ table(categories, category_columns) }}
<h2 id="distributions">Scores and precision</h2>
{% if figures.scores %}<img src="{{ figures.scores }}" alt="{{ alt.scores }}">{% endif %}
{% if figures.precision %}<img src="{{ figures.precision }}" alt="{{ alt.precision }}">{% endif %}
<h2 id="false-positives">False positives</h2>
<p class="note">Findings that hit no defect, grouped by the decoy they fell for, or by their first line. {{ fp_total }} in all.</p>
{% if figures.false_positives %}<img src="{{ figures.false_positives }}" alt="{{ alt.false_positives }}">{% endif %}
{% if common %}{{ table(common, common_columns) }}{% else %}<p>No false positives.</p>{% endif %}
{% if noisy %}<h3>Who flags too much</h3>
<p class="note">Students with three or more false positives, most first.</p>
{{ table(noisy, noisy_columns) }}{% endif %}
{% if figures.timing %}<h2 id="timing">Time to submit</h2>
<img src="{{ figures.timing }}" alt="{{ alt.timing }}">{% endif %}
{% endif %}
{% if attention %}<h2 id="attention">Needs attention</h2>
<p class="note">Flagged, failed, repaired or missing submissions, and any with a corrupt sidecar.</p>
{{ table(attention, student_columns) }}{% endif %}
<h2 id="students">Every student</h2>
{{ table(students, student_columns) }}
</body>
</html>
"""


def _rows(df: pd.DataFrame, formats: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for rec in df.to_dict("records"):
        out.append({k: (fmt(rec[k]) if fmt else ("—" if rec[k] is None or (not isinstance(rec[k], str) and pd.isna(rec[k])) else str(rec[k])))
                    for k, fmt in formats.items()})
    return out


def render_html(report: ClassReport, figure_src: dict[str, str]) -> str:
    """The report page; `figure_src` maps a figure name to its src (a relative path or data: URL)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    s = report.summary()
    cards = [
        (f"{s['submitted']} / {s['students']}", "submitted"),
        (s["missing"], "missing"),
        (s["status"]["flagged"], "flagged"),
        (s["status"]["repaired"], "repaired"),
        (s["status"]["failed"], "failed"),
        (s["corrupt_sidecars"], "corrupt sidecars"),
        (_num(s["mean_score"]), "mean score"),
        (_pct(s["median_precision"]), "median precision"),
    ]
    text = lambda v: "—" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)  # noqa: E731
    defects = _rows(report.defects, {
        "title": None, "slug": None, "category": None, "severity": None, "reviews": None, "found": None,
        "miscategorised": None, "missed": None, "corrupt": None, "detection_rate": _pct, "found_rate": _pct,
    })
    defect_columns = [("title", "defect", "text"), ("slug", "exercise", "text"), ("category", "category", ""),
                      ("severity", "severity", ""), ("reviews", "reviews", "num"), ("found", "found", "num"),
                      ("miscategorised", "wrong category", "num"), ("missed", "missed", "num"),
                      ("corrupt", "corrupt", "num"), ("detection_rate", "detected", "num"),
                      ("found_rate", "right category", "num")]
    categories = _rows(report.categories, {
        "category": None, "defects": None, "opportunities": None, "detected": None, "recall": _pct,
        "found_rate": _pct, "often_called": text,
    })
    category_columns = [("category", "category", ""), ("defects", "defects", "num"),
                        ("opportunities", "reviews x defects", "num"), ("detected", "detected", "num"),
                        ("recall", "recall", "num"), ("found_rate", "right category", "num"),
                        ("often_called", "when miscategorised, called", "")]
    top = report.common_false_positives.head(15)
    common = _rows(top.assign(lines=[f"{ln} (old side)" if side == "old" else ln for ln, side in zip(top["lines"], top["side"])]), {
        "slug": None, "path": None, "lines": None, "decoy": lambda v: "decoy" if v else "", "why_fine": text,
        "students": None, "share": _pct, "categories": None, "example_comment": text,
    })
    common_columns = [("path", "file", "text"), ("lines", "lines", "num"), ("slug", "exercise", "text"),
                      ("decoy", "decoy?", ""), ("why_fine", "why it is fine", "text"),
                      ("students", "students", "num"), ("share", "of reviews", "num"),
                      ("categories", "flagged as", "text"), ("example_comment", "a comment", "long")]
    student_formats = {
        "student": None, "status": None, "reasons": text, "score": _num, "precision": _pct, "recall": _pct,
        "findings": None, "false_positives": None, "corrupt": None, "no_sidecar": None,
        "gradebook": None, "rescore": None, "submitted_at": _when, "late": lambda v: "late" if v is True else "",
    }
    st = report.students.assign(
        gradebook=[
            "—" if pd.isna(a) else f"{a:g} / {b:g}" + (f" ({int(m)} to grade)" if not pd.isna(m) and m else "")
            for a, b, m in zip(report.students["gradebook_score"], report.students["gradebook_max"],
                               report.students["needs_manual_grade"])
        ],
        status=report.students["status"].astype(str),
        rescore=[
            f"{a:g} → {b:g}" if not (pd.isna(a) or pd.isna(b)) and abs(a - b) > 0.005 else ""
            for a, b in zip(report.students["grader_score"], report.students["grader_rescore"])
        ],
    )
    student_columns = [("student", "student", "id"), ("status", "status", "status"), ("reasons", "reasons", "long"),
                       ("score", "score", "num"), ("precision", "precision", "num"), ("recall", "recall", "num"),
                       ("findings", "findings", "num"), ("false_positives", "false pos.", "num"),
                       ("no_sidecar", "no sidecar", "num"), ("corrupt", "corrupt", "num"),
                       ("gradebook", "gradebook", "num"), ("rescore", "recorded → re-scored", "num"),
                       ("submitted_at", "submitted (UTC)", "num"),
                       ("late", "", "")]
    attention_mask = st["status"].isin(ATTENTION) | (st["corrupt"] > 0)
    order = {name: i for i, name in enumerate(STATUSES)}
    attention = st[attention_mask].assign(_o=st["status"].map(order)).sort_values(["_o", "student"], kind="stable")
    noisy = st[st["false_positives"] >= 3].sort_values(["false_positives", "student"], ascending=[False, True]).head(20)
    noisy_columns = [("student", "student", "id"), ("false_positives", "false positives", "num"),
                     ("findings", "findings", "num"), ("precision", "precision", "num"), ("score", "score", "num")]
    problems = report.problems[:50]
    return env.from_string(_TEMPLATE).render(
        r=report,
        due=_when(report.duedate),
        cards=cards,
        problems=problems,
        more_problems=max(0, len(report.problems) - len(problems)),
        figures={name: figure_src.get(name) for name in FIGURE_ALT},
        alt=FIGURE_ALT,
        defects=defects, defect_columns=defect_columns,
        categories=categories, category_columns=category_columns,
        common=common, common_columns=common_columns, fp_total=len(report.false_positives),
        noisy=_rows(noisy, {k: student_formats[k] for k in ("student", "false_positives", "findings", "precision", "score")}),
        noisy_columns=noisy_columns,
        attention=_rows(attention, student_formats), students=_rows(st, student_formats),
        student_columns=student_columns,
    )


def write_report(report: ClassReport, out_dir: str | os.PathLike | None = None, *, embed: bool = False) -> Path:
    """Write `class-report.html` and its PNG figures (in `class-report/` beside it, or embedded
    as data: URLs with `embed=True`); return the HTML file's path.

    Default folder: `reports/<assignment>/` in the course directory, beside the grader's
    grading.json. Figures of an earlier run that this run does not draw are removed."""
    out = Path(out_dir) if out_dir is not None else report.course_dir / "reports" / report.assignment
    out.mkdir(parents=True, exist_ok=True)
    figdir = out / FIGURE_DIR
    figures = report_figures(report)
    src: dict[str, str] = {}
    if figures and not embed:
        figdir.mkdir(exist_ok=True)
    for name, fig in figures.items():
        if embed:
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
            src[name] = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
        else:
            fig.savefig(figdir / f"{name}.png", format="png")
            src[name] = f"{FIGURE_DIR}/{name}.png"
    for name in FIGURE_ALT:
        stale = figdir / f"{name}.png"
        if (embed or name not in figures) and stale.exists():
            stale.unlink()
    page = out / REPORT_NAME
    page.write_text(render_html(report, src), encoding="utf-8")
    return page
