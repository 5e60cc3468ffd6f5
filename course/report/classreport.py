"""Class analytics after grading: what the class missed, which categories are weak, who flags too much.

`class_report(course_dir, assignment)` reads the course directory the class grader leaves behind
(nbgrader's gradebook, the sidecars under autograded/ or submitted/, and the grader's
`reports/<assignment>/grading/summary.json` when present), re-scores every sidecar with
`course.scoring` and returns a `ClassReport` of pandas DataFrames. `write_report` (page.py) turns
it into one self-contained HTML page (no JavaScript, every text escaped) plus PNG figures.

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
- *Points*: each review's points are its grade cell's (`grade_review(slug, points=N)`, from the
  grader's summary or the gradebook's cell sources). `review_points` is the re-scored points
  over the assignment's reviews (score x points, summed; a corrupt sidecar earns none, as in the
  gradebook) out of `review_max`. `gradebook_raw` is nbgrader's total (hand-graded answers
  included), `late_penalty` nbgrader's penalty, `gradebook_score` the final score (raw less
  penalty) out of `gradebook_max`.
- *Verdicts*: per exercise, the reviews whose verdict is the key's (`verdicts`); approve
  exercises first.
- *Shared answers* (`shared`): groups of students whose reviews are identical or near-identical,
  with the evidence (shared.py says what counts).
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..keys.bank import Bank, BankError
from ..keys.model import Key
from . import frames
from .load import (
    Gradebook,
    GraderSummary,
    Submission,
    find_submissions,
    list_dirs,
    read_gradebook,
    read_grader_summary,
    resolve_bank,
    review_points,
    reviewed_slugs,
    safe_name,
)
from .reviews import FP_COLUMNS, OUTCOME_COLUMNS, REVIEW_COLUMNS, score_all
from .shared import SharedGroup, shared_answers

__all__ = ["ClassReport", "class_report"]


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
    verdicts: pd.DataFrame = field(default_factory=lambda: frames.empty(frames.VERDICT_COLUMNS))
    shared: list[SharedGroup] = field(default_factory=list)
    points: dict[str, float] = field(default_factory=dict)  # slug -> the review's points
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
            "students": len(st),
            "submitted": len(sub),
            "missing": int((~st["submitted"]).sum()),
            "status": {status: int(counts.get(status, 0)) for status in frames.STATUSES},
            "corrupt_sidecars": int((self.reviews["status"] == "corrupt").sum()) if len(self.reviews) else 0,
            "mean_score": _plain(sub["score"].mean()) if len(sub) else None,
            "mean_review_points": _plain(sub["review_points"].mean()) if len(sub) else None,
            "review_max": _plain(sub["review_max"].max()) if len(sub) else None,
            "late": int((st["late_penalty"].fillna(0) > 0).sum()),
            "shared_groups": len(self.shared),
            "shared_students": sum(len(g.students) for g in self.shared),
            "verdicts": [
                {k: _plain(v[k]) for k in ("slug", "expected", "reviews", "right", "right_rate")}
                for _, v in self.verdicts.iterrows()
            ],
            "median_precision": _plain(sub.loc[sub["findings"] > 0, "precision"].median()) if len(sub) else None,
            "false_positives": len(self.false_positives),
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


@dataclass
class _Class:
    """Who is in the class and what they handed in, before any scoring."""

    course_dir: Path
    assignment: str
    grader: GraderSummary
    gradebook: Gradebook
    everyone: list[str]
    submissions: dict[str, Submission]  # one per student who handed something in
    problems: list[str]


def _read_class(course_dir: Path, assignment: str, db_url: str | None) -> _Class:
    problems: list[str] = []
    grader = read_grader_summary(course_dir, assignment, problems)
    gb = read_gradebook(course_dir, assignment, db_url, problems)

    def handed_in(tree: str) -> set[str]:
        return {s for s in list_dirs(course_dir / tree) if (course_dir / tree / s / assignment).is_dir()}

    folders = handed_in("submitted") | handed_in("autograded")
    in_gradebook = set(gb.submissions["student"]) if len(gb.submissions) else set()
    handed = folders | in_gradebook
    everyone = sorted(set(gb.enrolled) | set(grader.students) | handed)
    submissions = find_submissions(course_dir, assignment, handed)
    return _Class(course_dir, assignment, grader, gb, everyone, submissions, problems)


def _load_keys(c: _Class, bank: Bank | str | os.PathLike | None) -> tuple[list[str], dict[str, Key], dict[str, str]]:
    """The assignment's slugs that the bank knows, with their keys and titles."""
    on_disk = {slug for sub in c.submissions.values() for slug in sub.sidecars}
    named = reviewed_slugs(c.course_dir, c.assignment, c.gradebook.sources) | set(c.grader.slugs)
    slugs = sorted(named | on_disk)
    keys: dict[str, Key] = {}
    titles: dict[str, str] = {}
    if not (slugs and c.submissions):
        return [], keys, titles
    try:
        bank_obj = resolve_bank(bank, c.course_dir)
    except BankError as exc:
        raise BankError(f"cannot score the reviews of {c.assignment}: {exc}") from None
    for slug in slugs:
        try:
            exercise = bank_obj.get(slug)
            keys[slug] = exercise.key
            titles[slug] = exercise.title
        except (BankError, ValueError) as exc:
            c.problems.append(f"exercise {slug!r} is not in the bank, so its reviews are not scored: {exc}")
    return [s for s in slugs if s in keys], keys, titles


def _nothing_message(c: _Class) -> str:
    n = len(c.everyone)
    known = f"{n} student{'s' * (n != 1)} known, none submitted"
    start = f"Nothing to report for {c.assignment!r} in {c.course_dir}: "
    if not c.gradebook.known_assignment:
        where = "no such assignment in the gradebook and no submission in submitted/ or autograded/"
        return start + where + (f" ({known})." if c.everyone else ".")
    if not c.everyone:
        return start + "the class has no students."
    return start + f"{known}."


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
    if not assignment or not safe_name(assignment):
        raise ValueError(f"not an assignment name: {assignment!r}")
    c = _read_class(course_dir, assignment, db_url)
    slugs, keys, titles = _load_keys(c, bank)
    points = review_points(c.grader, c.gradebook.sources)
    report = ClassReport(
        assignment, course_dir, tuple(slugs), titles,
        students=pd.DataFrame(), reviews=frames.empty(REVIEW_COLUMNS), outcomes=frames.empty(OUTCOME_COLUMNS),
        defects=frames.empty(frames.DEFECT_COLUMNS), categories=frames.empty(frames.CATEGORY_COLUMNS),
        false_positives=frames.empty(FP_COLUMNS), common_false_positives=frames.empty(frames.COMMON_FP_COLUMNS),
        problems=c.problems, synthetic=(course_dir / "SYNTHETIC.txt").is_file(), duedate=c.gradebook.duedate,
        generated=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), points=points,
    )  # fmt: skip
    if not c.submissions:
        report.empty, report.message = True, _nothing_message(c)
        report.students = frames.students_frame(
            c.everyone, c.grader.students, c.gradebook, {}, report.reviews, course_dir, assignment
        )
        return report
    if not slugs:
        c.problems.append(
            f"no reviews found for {assignment!r}: no <slug>.diff in source/ or release/, "
            "no grade_review cell in the gradebook, no sidecar in any submission"
        )
    scored = score_all(c.submissions, slugs, keys)
    reviews = pd.DataFrame(scored.reviews, columns=REVIEW_COLUMNS)
    for col in ("first_flag", "last_flag"):
        reviews[col] = pd.to_datetime(reviews[col], utc=True, errors="coerce", format="ISO8601")
    report.reviews = reviews
    report.outcomes = pd.DataFrame(scored.outcomes, columns=OUTCOME_COLUMNS)
    report.false_positives = pd.DataFrame(scored.false_positives, columns=FP_COLUMNS)
    report.students = frames.students_frame(
        c.everyone, c.grader.students, c.gradebook, c.submissions, reviews, course_dir, assignment, points
    )
    report.verdicts = frames.verdicts_frame(slugs, keys, titles, reviews)
    report.shared = shared_answers(scored.sidecars)
    report.defects = frames.defects_frame(slugs, keys, report.outcomes, reviews)
    report.categories = frames.categories_frame(report.outcomes)
    report.common_false_positives = frames.common_false_positives(report.false_positives, reviews, keys)
    for row in reviews[reviews["status"] == "corrupt"].itertuples():
        c.problems.append(f"corrupt sidecar: {row.student}: {row.problem}")
    return report
