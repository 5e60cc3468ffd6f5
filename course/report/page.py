"""The report as one HTML page (templates/report.html.j2, every text escaped) with its PNG figures."""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .figures import FIGURE_ALT, report_figures
from .frames import ATTENTION, STATUSES

if TYPE_CHECKING:
    from .classreport import ClassReport
    from .shared import SharedGroup

REPORT_NAME = "class-report.html"
FIGURE_DIR = "class-report"
TEMPLATE = "report.html.j2"

Format = Callable[[Any], str] | None
Columns = list[tuple[str, str, str]]  # (key, header, cell class: "num", "text", "long", "id", "status" or "")


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(value: Any) -> str:
    return "—" if _missing(value) else str(value)


def _pct(value: Any) -> str:
    return "—" if _missing(value) else f"{value:.0%}"


def _num(value: Any, digits: int = 2) -> str:
    if _missing(value):
        return "—"
    if isinstance(value, (int, np.integer)) or (float(value).is_integer() and digits == 0):
        return f"{int(value)}"
    return f"{float(value):.{digits}f}"


def _points(value: Any, top: Any, share: Any = None) -> str:
    """Points out of a maximum, with the percentage: "6.5 / 10 (65%)"; a share alone ("65%")
    when the points are unknown."""
    if _missing(value) or _missing(top) or not top:
        return _pct(share)
    return f"{round(value, 2):g} / {top:g} ({value / top:.0%})"


def _when(value: Any) -> str:
    return "—" if _missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def _rows(df: pd.DataFrame, formats: dict[str, Format]) -> list[dict[str, str]]:
    """The table cells as text: each column through its format, or `_text`."""
    return [{k: (fmt or _text)(rec[k]) for k, fmt in formats.items()} for rec in df.to_dict("records")]


DEFECT_COLUMNS: Columns = [
    ("title", "defect", "text"), ("slug", "exercise", "text"), ("category", "category", ""),
    ("severity", "severity", ""), ("reviews", "reviews", "num"), ("found", "found", "num"),
    ("miscategorised", "wrong category", "num"), ("missed", "missed", "num"), ("corrupt", "corrupt", "num"),
    ("detection_rate", "detected", "num"), ("found_rate", "right category", "num"),
]  # fmt: skip
DEFECT_FORMATS: dict[str, Format] = {k: None for k, _, _ in DEFECT_COLUMNS} | {
    "detection_rate": _pct,
    "found_rate": _pct,
}
CATEGORY_COLUMNS: Columns = [
    ("category", "category", ""), ("defects", "defects", "num"), ("opportunities", "reviews x defects", "num"),
    ("detected", "detected", "num"), ("recall", "recall", "num"), ("found_rate", "right category", "num"),
    ("often_called", "when miscategorised, called", ""),
]  # fmt: skip
CATEGORY_FORMATS: dict[str, Format] = {k: None for k, _, _ in CATEGORY_COLUMNS} | {"recall": _pct, "found_rate": _pct}
COMMON_COLUMNS: Columns = [
    ("where", "where", "text"), ("slug", "exercise", "text"), ("decoy", "decoy?", ""),
    ("why_fine", "why it is fine", "text"), ("students", "students", "num"), ("share", "of reviews", "num"),
    ("categories", "flagged as", "text"), ("example_comment", "a comment", "long"),
]  # fmt: skip
COMMON_FORMATS: dict[str, Format] = {k: None for k, _, _ in COMMON_COLUMNS} | {
    "decoy": lambda v: "decoy" if v else "",
    "share": _pct,
}
VERDICT_COLUMNS: Columns = [
    ("title", "exercise", "text"), ("slug", "slug", "text"), ("expected", "right verdict", ""),
    ("reviews", "reviews", "num"), ("right", "gave it", "num"), ("wrong", "gave the other", "num"),
    ("no_verdict", "no verdict", "num"), ("right_rate", "right", "num"), ("with_findings", "with findings", "num"),
]  # fmt: skip
VERDICT_FORMATS: dict[str, Format] = {k: None for k, _, _ in VERDICT_COLUMNS} | {"right_rate": _pct}
STUDENT_COLUMNS: Columns = [
    ("student", "student", "id"), ("status", "status", "status"), ("reasons", "reasons", "long"),
    ("points", "review points (re-scored)", "num"), ("precision", "precision", "num"), ("recall", "recall", "num"),
    ("findings", "findings", "num"), ("false_positives", "false pos.", "num"), ("no_sidecar", "no sidecar", "num"),
    ("corrupt", "corrupt", "num"), ("gradebook", "gradebook: final score", "num"),
    ("penalty", "late penalty (raw score)", "num"), ("rescore", "recorded → re-scored", "num"),
    ("submitted_at", "submitted (UTC)", "num"), ("late", "", ""),
]  # fmt: skip
STUDENT_FORMATS: dict[str, Format] = {k: None for k, _, _ in STUDENT_COLUMNS} | {
    "precision": _pct,
    "recall": _pct,
    "submitted_at": _when,
    "late": lambda v: "late" if v is True else "",
}
NOISY_COLUMNS: Columns = [
    ("student", "student", "id"), ("false_positives", "false positives", "num"), ("findings", "findings", "num"),
    ("precision", "precision", "num"), ("points", "review points", "num"),
]  # fmt: skip


def _student_table(students: pd.DataFrame) -> pd.DataFrame:
    """The students with the gradebook and re-score columns as the page shows them."""

    def gradebook(score: float, top: float, to_grade: float) -> str:
        if pd.isna(score):
            return "—"
        return _points(score, top) + (f", {int(to_grade)} to grade" if not pd.isna(to_grade) and to_grade else "")

    def penalty(late: float, raw: float) -> str:
        return "" if pd.isna(late) or not late else f"−{late:g} (raw {raw:g})"

    def rescore(recorded: float, again: float) -> str:
        differs = not (pd.isna(recorded) or pd.isna(again)) and abs(recorded - again) > 0.005
        return f"{recorded:g} → {again:g}" if differs else ""

    return students.assign(
        gradebook=[
            gradebook(a, b, m)
            for a, b, m in zip(students["gradebook_score"], students["gradebook_max"], students["needs_manual_grade"])
        ],
        status=students["status"].astype(str),
        points=[
            _points(p, t, s) for p, t, s in zip(students["review_points"], students["review_max"], students["score"])
        ],
        penalty=[penalty(a, b) for a, b in zip(students["late_penalty"], students["gradebook_raw"])],
        rescore=[rescore(a, b) for a, b in zip(students["grader_score"], students["grader_rescore"])],
    )


def _group(g: SharedGroup) -> dict[str, Any]:
    """One group of students sharing answers, as the page lists it (at most 12 pieces of evidence)."""
    return {
        "students": list(g.students),
        "slugs": ", ".join(g.slugs),
        "evidence": [
            (e.slug, e.kind, "all of them" if e.students == g.students else ", ".join(e.students), e.detail)
            for e in g.evidence[:12]
        ],
        "more": max(0, len(g.evidence) - 12),
    }


def _cards(report: ClassReport) -> list[tuple[Any, str]]:
    s = report.summary()
    return [
        (f"{s['submitted']} / {s['students']}", "submitted"),
        (s["missing"], "missing"),
        (s["status"]["flagged"], "flagged"),
        (s["status"]["repaired"], "repaired"),
        (s["status"]["failed"], "failed"),
        (s["corrupt_sidecars"], "corrupt sidecars"),
        (_points(s["mean_review_points"], s["review_max"], s["mean_score"]), "mean review points (re-scored)"),
        (s["late"], "late penalties"),
        (s["shared_groups"], "shared-answer groups"),
        (_pct(s["median_precision"]), "median precision"),
    ]


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("course.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(report: ClassReport, figure_src: dict[str, str]) -> str:
    """The report page; `figure_src` maps a figure name to its src (a relative path or data: URL)."""
    st = _student_table(report.students)
    attention = st[st["status"].isin(list(ATTENTION)) | (st["corrupt"] > 0)]
    order = {name: i for i, name in enumerate(STATUSES)}
    attention = attention.assign(_o=attention["status"].map(order)).sort_values(["_o", "student"], kind="stable")
    noisy = st[st["false_positives"] >= 3].sort_values(["false_positives", "student"], ascending=[False, True])
    problems = report.problems[:50]
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            r=report,
            due=_when(report.duedate),
            cards=_cards(report),
            problems=problems,
            more_problems=max(0, len(report.problems) - len(problems)),
            figures={name: figure_src.get(name) for name in FIGURE_ALT},
            alt=FIGURE_ALT,
            defects=_rows(report.defects, DEFECT_FORMATS),
            defect_columns=DEFECT_COLUMNS,
            categories=_rows(report.categories, CATEGORY_FORMATS),
            verdicts=_rows(report.verdicts, VERDICT_FORMATS),
            verdict_columns=VERDICT_COLUMNS,
            approve=[v for v in _rows(report.verdicts, VERDICT_FORMATS) if v["expected"] == "approve"],
            shared=[_group(g) for g in report.shared],
            category_columns=CATEGORY_COLUMNS,
            common=_rows(report.common_false_positives.head(15), COMMON_FORMATS),
            common_columns=COMMON_COLUMNS,
            fp_total=len(report.false_positives),
            noisy=_rows(noisy.head(20), {k: STUDENT_FORMATS[k] for k, _, _ in NOISY_COLUMNS}),
            noisy_columns=NOISY_COLUMNS,
            attention=_rows(attention, STUDENT_FORMATS),
            students=_rows(st, STUDENT_FORMATS),
            student_columns=STUDENT_COLUMNS,
        )
    )


def write_report(report: ClassReport, out_dir: str | os.PathLike | None = None, *, embed: bool = False) -> Path:
    """Write `class-report.html` and its PNG figures (in `class-report/` beside it, or embedded
    as data: URLs with `embed=True`); return the HTML file's path.

    Default folder: `reports/<assignment>/` in the course directory, the parent of the grader's
    `grading/` folder. Figures of an earlier run that this run does not draw are removed."""
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
