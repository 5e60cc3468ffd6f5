"""The report's pandas frames: per student, per defect, per category and the common false positives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..keys.model import Key
from ..vocab import CATEGORIES, span_text, where
from .load import Gradebook, GraderEntry, Submission, read_timestamp, safe_name

# Grader statuses (its summary.json), plus "ungraded" (collected, never autograded) for when the
# grader has not run, and "missing" (never submitted). Display order: what needs the instructor first.
STATUSES = ("flagged", "failed", "repaired", "ungraded", "missing", "graded")
ATTENTION = ("flagged", "failed", "repaired", "missing")
OUTCOMES = ("found", "miscategorised", "missed")

STUDENT_COLUMNS = [
    "student", "status", "reasons", "submitted", "submitted_at", "hours_before_due", "late",
    "review_minutes", "score", "precision", "recall", "findings", "false_positives",
    "decoy_hits", "reviews", "no_sidecar", "corrupt", "review_points", "review_max", "gradebook_raw",
    "late_penalty", "gradebook_score", "gradebook_max", "needs_manual_grade", "grader_score", "grader_rescore",
]  # fmt: skip
DEFECT_COLUMNS = [
    "slug", "defect", "title", "category", "also", "severity", "weight", "file", "lines", "where",
    "reviews", "found", "miscategorised", "missed", "corrupt", "detection_rate", "found_rate",
]  # fmt: skip
VERDICT_COLUMNS = [
    "slug", "title", "expected", "reviews", "right", "wrong", "no_verdict", "right_rate", "with_findings",
]  # fmt: skip
CATEGORY_COLUMNS = ["category", "defects", "opportunities", "detected", "found", "recall", "found_rate", "often_called"]
COMMON_FP_COLUMNS = [
    "slug", "path", "side", "lines", "where", "decoy", "why_fine", "students", "flags", "share", "categories",
    "example_comment",
]  # fmt: skip
_COUNTS = ("findings", "false_positives", "decoy_hits", "reviews", "no_sidecar", "corrupt")


def empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _none_for_nan(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), None)


# per student ---------------------------------------------------------------------------------


def _review_totals(reviews: pd.DataFrame, points: dict[str, float]) -> pd.DataFrame:
    """Per-student sums of the reviews, indexed by student, with pooled precision and recall, and
    the re-scored review points (a corrupt sidecar earns none, as in the gradebook)."""
    r = reviews.assign(
        is_corrupt=reviews["status"] == "corrupt",
        is_missing=reviews["status"] == "no-sidecar",
        readable=reviews["status"] != "corrupt",
        earned=reviews["score"].fillna(0.0) * reviews["slug"].map(points).fillna(0.0).astype(float),
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
        review_points=("earned", "sum"),
    )
    agg["review_points"] = agg["review_points"].round(2)
    findings = agg["findings"]
    precision = np.where(
        findings > 0, agg["credited"] / findings.where(findings > 0), np.where(agg["defects"] > 0, 0.0, 1.0)
    )
    agg["precision"] = np.where(agg["reviews"] > 0, precision, np.nan)
    agg["recall"] = agg["detected"] / agg["defects"].where(agg["defects"] > 0)
    agg["review_minutes"] = (agg["last_flag"] - agg["first_flag"]).dt.total_seconds() / 60
    return agg


def _with_statuses(
    base: pd.DataFrame, grader: dict[str, GraderEntry], handed: set[str], submissions: dict[str, Submission]
) -> pd.DataFrame:
    """The grader's status and reasons where it has them, else what the folders say."""

    def status(sid: str) -> str:
        entry = grader.get(sid)
        if entry is not None and entry.status in STATUSES:
            return entry.status
        if sid not in handed:
            return "missing"
        return "graded" if sid in submissions and submissions[sid].tree == "autograded" else "ungraded"

    everyone = list(base["student"])
    empty_entry = GraderEntry()
    entries = [grader.get(s, empty_entry) for s in everyone]
    base["status"] = pd.Categorical([status(s) for s in everyone], categories=list(STATUSES))
    base["reasons"] = ["; ".join(e.reasons) for e in entries]
    base["grader_score"] = pd.Series([e.score for e in entries], dtype=float, index=base.index)
    base["grader_rescore"] = pd.Series([e.rescore for e in entries], dtype=float, index=base.index)
    return base


def _with_times(base: pd.DataFrame, gb: Gradebook, course_dir: Path, assignment: str) -> pd.DataFrame:
    """Submission times and gradebook scores: the gradebook's, else nbgrader's timestamp.txt."""
    if len(gb.submissions):
        base = base.merge(gb.submissions.rename(columns={"timestamp": "submitted_at"}), on="student", how="left")
    else:
        base["submitted_at"] = pd.Series(pd.NaT, index=base.index, dtype="datetime64[us, UTC]")
        for col in ("gradebook_raw", "late_penalty", "gradebook_score", "gradebook_max"):
            base[col] = np.nan
        base["needs_manual_grade"] = np.nan
    base["submitted_at"] = pd.to_datetime(base["submitted_at"], utc=True)
    unknown = base["submitted"] & base["submitted_at"].isna()
    if unknown.any():
        stamps = {
            sid: read_timestamp(course_dir / "submitted" / sid / assignment)
            for sid in base.loc[unknown, "student"]
            if safe_name(sid)
        }
        filled = base.loc[unknown, "student"].map(stamps)
        base.loc[unknown, "submitted_at"] = pd.to_datetime(filled, utc=True)
    if gb.duedate is not None:
        base["hours_before_due"] = (gb.duedate - base["submitted_at"]).dt.total_seconds() / 3600
        base["late"] = (base["hours_before_due"] < 0).astype(object).where(base["hours_before_due"].notna(), None)
    else:
        base["hours_before_due"] = np.nan
        base["late"] = None
    base["needs_manual_grade"] = pd.to_numeric(base["needs_manual_grade"], errors="coerce")
    return base


def students_frame(
    everyone: list[str],
    grader: dict[str, GraderEntry],
    gb: Gradebook,
    submissions: dict[str, Submission],
    reviews: pd.DataFrame,
    course_dir: Path,
    assignment: str,
    points: dict[str, float] | None = None,
) -> pd.DataFrame:
    """One row per known student, handed in or not (STUDENT_COLUMNS). `points` are each
    review's points (slug -> points); review_points is NaN where one is unknown."""
    points = points or {}
    base = pd.DataFrame({"student": pd.Series(everyone, dtype=object)})
    handed = set(submissions) | (set(gb.submissions["student"]) if len(gb.submissions) else set())
    base["submitted"] = base["student"].isin(handed)
    base = _with_statuses(base, grader, handed, submissions)
    if len(reviews):
        base = base.merge(_review_totals(reviews, points).reset_index(), on="student", how="left")
    else:
        for col in _COUNTS:
            base[col] = 0
        for col in ("score", "precision", "recall", "review_minutes", "review_points"):
            base[col] = np.nan
    slugs = set(reviews["slug"]) if len(reviews) else set()
    if slugs and slugs <= set(points):
        base["review_max"] = sum(points[s] for s in slugs)
        base.loc[base["review_points"].isna(), "review_max"] = np.nan
    else:
        base["review_points"] = base["review_max"] = np.nan
    for col in _COUNTS:
        base[col] = base[col].fillna(0).astype(int)
    base = _with_times(base, gb, course_dir, assignment)
    return base[STUDENT_COLUMNS].sort_values("student", kind="stable").reset_index(drop=True)


# per defect and per category -----------------------------------------------------------------


def defects_frame(
    slugs: list[str], keys: dict[str, Key], outcomes: pd.DataFrame, reviews: pd.DataFrame
) -> pd.DataFrame:
    """One row per planted defect, most missed first (DEFECT_COLUMNS)."""
    meta = pd.DataFrame(
        [
            (slug, d.id, d.title, d.category, ", ".join(d.also), d.severity, d.weight, d.file,
             f"{d.side} {span_text(*d.lines)}", where(d.file, d.side, *d.lines), order)
            for slug in slugs
            for order, d in enumerate(keys[slug].defects)
        ],
        columns=["slug", "defect", "title", "category", "also", "severity", "weight", "file", "lines", "where", "_order"],
    )  # fmt: skip
    if len(outcomes):
        counts = (
            outcomes.groupby(["slug", "defect", "status"], sort=False)
            .size()
            .unstack("status", fill_value=0)
            .reindex(columns=list(OUTCOMES), fill_value=0)
            .reset_index()
        )
    else:
        counts = pd.DataFrame(columns=["slug", "defect", *OUTCOMES])
    out = meta.merge(counts, on=["slug", "defect"], how="left")
    for col in OUTCOMES:
        out[col] = out[col].fillna(0).astype(int)
    corrupt = reviews[reviews["status"] == "corrupt"].groupby("slug").size()
    out["corrupt"] = out["slug"].map(corrupt).fillna(0).astype(int)
    out["reviews"] = out["found"] + out["miscategorised"] + out["missed"]
    denominator = out["reviews"].where(out["reviews"] > 0)
    out["detection_rate"] = (out["found"] + out["miscategorised"]) / denominator
    out["found_rate"] = out["found"] / denominator
    out["_slug"] = out["slug"].map({s: i for i, s in enumerate(slugs)})
    out = out.sort_values(["detection_rate", "_slug", "_order"], kind="stable", na_position="last")
    return out[DEFECT_COLUMNS].reset_index(drop=True)


def categories_frame(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Recall per category over every (review, defect) pair, weakest first (CATEGORY_COLUMNS)."""
    if not len(outcomes):
        return empty(CATEGORY_COLUMNS)
    o = outcomes.assign(
        is_detected=outcomes["status"] != "missed",
        is_found=outcomes["status"] == "found",
        pair=outcomes["slug"] + "\x00" + outcomes["defect"],
    )
    out = o.groupby("category", sort=False).agg(
        defects=("pair", "nunique"),
        opportunities=("status", "size"),
        detected=("is_detected", "sum"),
        found=("is_found", "sum"),
    )
    out["recall"] = out["detected"] / out["opportunities"]
    out["found_rate"] = out["found"] / out["opportunities"]
    wrong = o[o["status"] == "miscategorised"]
    if len(wrong):
        often = (
            wrong.groupby(["category", "finding_category"])
            .size()
            .rename("n")
            .reset_index()
            .sort_values(["category", "n", "finding_category"], ascending=[True, False, True])
            .drop_duplicates("category")
            .set_index("category")["finding_category"]
        )
        out["often_called"] = often.reindex(out.index)
    else:
        out["often_called"] = None
    out = out.reset_index()
    out["_order"] = out["category"].map({c: i for i, c in enumerate(CATEGORIES)})
    out = out.sort_values(["recall", "_order"], kind="stable")
    out["often_called"] = _none_for_nan(out["often_called"])
    return out[CATEGORY_COLUMNS].reset_index(drop=True)


# false positives -----------------------------------------------------------------------------


def common_false_positives(fps: pd.DataFrame, reviews: pd.DataFrame, keys: dict[str, Key]) -> pd.DataFrame:
    """False positives grouped by the decoy they hit, or by their first line; most students first."""
    if not len(fps):
        return empty(COMMON_FP_COLUMNS)
    f = fps.copy()
    decoy_lines = {(slug, i): (d.lines[0], d.lines[1]) for slug, key in keys.items() for i, d in enumerate(key.decoys)}
    spans = [
        decoy_lines.get((s, i), (a, a)) if i >= 0 else (a, a) for s, i, a in zip(f["slug"], f["decoy"], f["start"])
    ]
    f["first"] = [a for a, _ in spans]
    f["last"] = [b for _, b in spans]
    f["decoy_hit"] = f["decoy"] >= 0
    f["has_comment"] = f["comment"].fillna("").str.strip() != ""
    group = ["slug", "path", "side", "first", "last", "decoy_hit"]
    out = f.groupby(group, sort=False).agg(
        students=("student", "nunique"),
        flags=("finding_id", "size"),
        why_fine=("why_fine", "first"),
    )
    cats = (
        f.groupby([*group, "category"], sort=False)
        .size()
        .rename("n")
        .reset_index()
        .sort_values([*group, "n", "category"], ascending=[True] * len(group) + [False, True])
    )
    cats["text"] = cats["category"] + " (" + cats["n"].astype(str) + ")"
    out["categories"] = cats.groupby(group, sort=False)["text"].agg(", ".join).reindex(out.index)
    out["example_comment"] = f[f["has_comment"]].groupby(group, sort=False)["comment"].first().reindex(out.index)
    out = out.reset_index()
    per_slug = reviews[reviews["status"] != "corrupt"].groupby("slug").size()
    out["share"] = out["students"] / out["slug"].map(per_slug)
    out["lines"] = [span_text(a, b) for a, b in zip(out["first"], out["last"])]
    out["where"] = [where(p, s, a, b) for p, s, a, b in zip(out["path"], out["side"], out["first"], out["last"])]
    out["decoy"] = out["decoy_hit"].astype(bool)
    out["example_comment"] = _none_for_nan(out["example_comment"])
    out = out.sort_values(
        ["students", "flags", "decoy", "slug", "path", "first"],
        ascending=[False, False, False, True, True, True],
        kind="stable",
    )
    return out[COMMON_FP_COLUMNS].reset_index(drop=True)


# verdicts -------------------------------------------------------------------------------------


def verdicts_frame(
    slugs: list[str], keys: dict[str, Key], titles: dict[str, str], reviews: pd.DataFrame
) -> pd.DataFrame:
    """Per exercise, how many readable reviews gave the key's verdict (VERDICT_COLUMNS); approve
    exercises first, since nothing in them should block the change. A review without a sidecar
    has no verdict; corrupt ones are left out."""
    r = reviews[reviews["status"] != "corrupt"]
    rows = []
    for slug in slugs:
        mine = r[r["slug"] == slug]
        expected = keys[slug].verdict
        given = mine["verdict"]
        n = len(mine)
        right = int((given == expected).sum())
        none = int(given.isna().sum())
        rows.append(
            (slug, titles.get(slug, slug), expected, n, right, n - right - none, none,
             right / n if n else np.nan, int((mine["findings"] > 0).sum()))
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=VERDICT_COLUMNS)
    out["_approve"] = out["expected"] != "approve"
    return out.sort_values(["_approve", "right_rate"], kind="stable").drop(columns="_approve").reset_index(drop=True)
