"""The report's headline as plain text lines (what `course report` and `course demo` print).

Student ids, slugs, comments and file names are untrusted: every line goes through `shown`,
which writes control and other non-printable characters as escapes, so no terminal escape
sequence a student typed reaches the instructor's terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .classreport import ClassReport

MAX_GROUPS = 5  # shared-answer groups printed; the page lists them all
MAX_NAMES = 6  # student ids printed per group


def shown(text: Any) -> str:
    """Text safe for a terminal: non-printable characters escaped."""
    return "".join(
        c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" for c in str(text)
    )


def points_text(value: Any, top: Any, share: Any = None) -> str:
    """Points out of a maximum, "6.5 / 10 (65%)"; the percentage alone when the points are unknown; "n/a" without either."""
    if value is not None and top:
        return f"{round(value, 2):g} / {top:g} ({value / top:.0%})"
    return "n/a" if share is None else f"{share:.0%}"


def _status_line(s: dict[str, Any]) -> str:
    counts = ", ".join(f"{n} {name}" for name, n in s["status"].items() if n and name not in ("graded", "missing"))
    corrupt = s["corrupt_sidecars"]
    return (
        f"{s['assignment']}: {s['submitted']} of {s['students']} students submitted"
        + (f" ({s['missing']} missing)" if s["missing"] else "")
        + (f"; {counts}" if counts else "")
        + (f"; {corrupt} corrupt sidecar{'s' * (corrupt != 1)}" if corrupt else "")
    )


def _verdict_lines(report: ClassReport) -> list[str]:
    lines = []
    for v in report.verdicts.itertuples():
        rate = "n/a" if v.reviews == 0 else f"{v.right_rate:.0%}"
        if v.expected == "approve":
            lines.append(
                f"  APPROVE exercise {v.slug}: {v.right} of {v.reviews} approved ({rate}); "
                f"{v.wrong} requested changes, {v.with_findings} raised findings on a correct change"
            )
        else:
            lines.append(f"  right verdict ({v.expected}): {v.right} of {v.reviews} ({rate}) in {v.slug}")
    return lines


def _shared_lines(report: ClassReport) -> list[str]:
    if not report.shared:
        return ["  shared answers: none found"]
    n = sum(len(g.students) for g in report.shared)
    lines = [f"  shared answers: {len(report.shared)} group{'s' * (len(report.shared) != 1)}, {n} students"]
    for g in report.shared[:MAX_GROUPS]:
        names = ", ".join(g.students[:MAX_NAMES]) + (
            f", ... (+{len(g.students) - MAX_NAMES})" if len(g.students) > MAX_NAMES else ""
        )
        kinds = sorted({k.strip() for e in g.evidence for k in e.kind.split(",")})
        lines.append(f"    {len(g.students)} students ({names}): {', '.join(kinds)} in {', '.join(g.slugs)}")
        lines.append(f"      e.g. {g.evidence[0].detail}")
    if len(report.shared) > MAX_GROUPS:
        lines.append(f"    ... and {len(report.shared) - MAX_GROUPS} more groups (see the report)")
    return lines


def summary_lines(report: ClassReport, max_problems: int = 5) -> list[str]:
    """The headline of a non-empty report, escaped for a terminal."""
    s = report.summary()
    lines = [_status_line(s)]
    if s["mean_score"] is not None:
        precision = "n/a" if s["median_precision"] is None else f"{s['median_precision']:.0%}"
        mean = points_text(s["mean_review_points"], s["review_max"], s["mean_score"])
        lines.append(
            f"  mean review points {mean} (re-scored), median precision {precision}, "
            f"{s['false_positives']} false positives"
        )
    for row in report.defects.dropna(subset=["detection_rate"]).head(3).itertuples():
        lines.append(f"  missed most: {row.detection_rate:>4.0%} detected  {row.title} ({row.slug})")
    if "weakest_category" in s:
        weakest = s["weakest_category"]
        lines.append(f"  weakest category: {weakest['category']} (recall {weakest['recall']:.0%})")
    lines += _verdict_lines(report)
    late = report.students[report.students["late_penalty"].fillna(0) > 0]
    if len(late):
        total = float(late["late_penalty"].sum())
        lines.append(
            f"  late penalties: {len(late)} student{'s' * (len(late) != 1)}, "
            f"{total:g} point{'s' * (total != 1)} in all (final score = raw score - penalty)"
        )
    lines += _shared_lines(report)
    for problem in report.problems[:max_problems]:
        lines.append(f"  note: {problem}")
    if len(report.problems) > max_problems:
        lines.append(f"  note: ... and {len(report.problems) - max_problems} more (see the report)")
    return [shown(line) for line in lines]
