"""The closing summary of `course grade`: the rich table, the reasons behind it, and summary.json/summary.txt."""

from __future__ import annotations

import io
import json

from .nbconfig import shown_url
from .results import GRADE_STATUSES, ClassReport

__all__ = ["escape_markup", "summary_details", "summary_table", "write_summary"]

STYLES = {"graded": "green", "repaired": "cyan", "flagged": "bold yellow", "failed": "bold red"}


def escape_markup(text: str) -> str:
    """Student ids and file names are untrusted: no rich markup, no terminal control codes."""
    from rich.markup import escape

    return escape("".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text))


def summary_table(report: ClassReport):
    """The closing table: one row per student, a few words on each, then the counts."""
    from rich.table import Table

    table = Table(
        title=f"{report.assignment}: {len(report.students)} submissions in {report.seconds:.0f} s",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("student", overflow="fold")
    table.add_column("status")
    table.add_column("score", justify="right")
    table.add_column("why", overflow="fold")
    for r in report.students:
        score = "-" if r.score is None else f"{r.score:g}/{r.max_score:g}" + ("*" if r.needs_manual else "")
        if r.score is not None and r.late_penalty:
            score += f" -{r.late_penalty:g} late = {max(r.score - r.late_penalty, 0):g}"
        table.add_row(escape_markup(r.student), f"[{STYLES[r.status]}]{r.status}[/]", score, ", ".join(r.tags))
    table.caption = "  ".join(f"[{STYLES[k]}]{report.count(k)} {k}[/]" for k in GRADE_STATUSES) + (
        "   (* manual grading pending)" if any(r.needs_manual for r in report.students) else ""
    )
    table.caption_justify = "left"
    return table


def summary_details(report: ClassReport) -> list[str]:
    """The full reasons behind the table, what needs the instructor first (rich markup)."""
    lines: list[str] = []
    if report.execution:
        lines.append(f"[bold]Execution[/]: {EXECUTION_WORDS.get(report.execution, report.execution)}")
    for title, statuses in (("Needs you", ("flagged", "failed")), ("Repaired", ("repaired",))):
        rows = [r for r in report.students if r.status in statuses]
        if rows:
            lines.append(f"[bold]{title}[/]")
            for r in rows:
                for reason in r.reasons:
                    lines.append(f"  [{STYLES[r.status]}]{escape_markup(r.student)}[/]: {escape_markup(reason)}")
    noted = [r for r in report.students if r.notes]
    if noted:
        lines.append("[bold]Notes[/]")
        for r in noted:
            for n in r.notes:
                lines.append(f"  {escape_markup(r.student)}: {escape_markup(n)}")
    return lines


# summary.json's format: course.report reads it. 1 added "schema", "execution" and "cells" (one
# {"notebook", "grade_id", "slug", "points"} per review cell graded). 2 added "graded_now" (the
# students a `--student` run graded; null: everyone) and each student's "late_penalty" and
# "final_score" (score less nbgrader's late penalty), and "bank" ({"root", "private"}: the folders
# graded with, which feedback made later, by formgrader or nbgrader, re-scores with).
SUMMARY_SCHEMA = 2

EXECUTION_WORDS = {
    "none": "kernel-free: no student code ran; every review scored from its findings file",
    "sandbox": "student notebooks ran in the sandbox (bubblewrap)",
    "unsandboxed": "student notebooks ran UNSANDBOXED, as the grader's user",
}


def _kept_rows(report: ClassReport) -> list[dict]:
    """The last summary's rows of the students this run (`--student`) did not grade."""
    try:
        old = json.loads(report.summary_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(old, dict) or old.get("assignment") != report.assignment:
        return []
    graded = {r.student for r in report.students}
    rows = old.get("students")
    if not isinstance(rows, list):
        return []
    return [r for r in rows if isinstance(r, dict) and isinstance(r.get("student"), str) and r["student"] not in graded]


def write_summary(report: ClassReport, *, keep_others: bool = False) -> None:
    """summary.json (what course.report reads) and summary.txt (the table and reasons as text).

    With `keep_others` (`course grade --student`), summary.json keeps the last run's rows of
    every student not graded now, so it still describes the whole class."""
    from rich.console import Console

    students = [r.to_dict() for r in report.students]
    kept = _kept_rows(report) if keep_others else []
    students = sorted([*students, *kept], key=lambda row: row["student"])
    statuses = [row.get("status") for row in students]
    data = {
        "schema": SUMMARY_SCHEMA,
        "assignment": report.assignment,
        "execution": report.execution,
        "cells": report.cells,
        "bank": report.bank,
        "gradebook": {"url": shown_url(report.gradebook), "assignment": report.recorded},
        "counts": {k: statuses.count(k) for k in GRADE_STATUSES},
        "needs_instructor": any(k in ("flagged", "failed") for k in statuses),
        "seconds": round(report.seconds, 2),
        "graded_now": None if not keep_others else sorted(r.student for r in report.students),
        "students": students,
    }
    report.summary_json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    plain = Console(record=True, width=120, file=io.StringIO())
    plain.print(summary_table(report))
    for line in summary_details(report):
        plain.print(line, highlight=False)
    if kept:
        plain.print(f"{len(kept)} other students kept as the last run left them (see summary.json)")
    report.summary_text.write_text(plain.export_text(), encoding="utf-8")
