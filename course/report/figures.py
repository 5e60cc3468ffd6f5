"""The report's figures as matplotlib Figures (no pyplot, so safe in any thread or server)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .classreport import ClassReport

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


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _integer_ticks(axis: Any) -> None:
    """Whole numbers only on a count axis (its default locator, told so)."""
    from matplotlib.ticker import MaxNLocator

    locator = axis.get_major_locator()
    if isinstance(locator, MaxNLocator):
        locator.set_params(integer=True)


def _tidy(ax: Axes, title: str, *, integer_y: bool = False) -> None:
    ax.set_title(title, loc="left", fontsize=11)
    if integer_y:
        _integer_ticks(ax.yaxis)
    ax.spines[["top", "right"]].set_visible(False)


def _rate_chart(
    size: tuple[float, float],
    labels: Sequence[str],
    found: pd.Series,
    detected: pd.Series,
    texts: Sequence[str],
    *,
    legend: tuple[str, str],
    text_cap: float,
    tick_size: float | None,
    xlabel: str,
    title: str,
) -> Figure:
    """Horizontal bars of a rate split in two: found with the right category, then the rest of
    what was detected (wrong category), each bar labelled with its text."""
    fig, ax = _figure(*size)
    y = np.arange(len(labels))
    ax.barh(y, found, color=FOUND, label=legend[0])
    ax.barh(y, detected - found, left=found, color=MISCAT, label=legend[1])
    for yi, rate, text in zip(y, detected, texts):
        ax.text(min(rate + 0.01, text_cap), float(yi), text, va="center", fontsize=9, color=INK)
    ax.set_yticks(y, labels, fontsize=tick_size)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(xlabel)
    fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    _tidy(ax, title)
    return fig


def _detection(report: ClassReport) -> Figure | None:
    d = report.defects.dropna(subset=["detection_rate"])
    if not len(d):
        return None
    d = d.iloc[::-1]  # barh draws the first row at the bottom: the most missed goes on top
    many = len(report.slugs) > 1
    return _rate_chart(
        (9.5, (0.62 if many else 0.5) * len(d) + 1.5),
        [_label(t, 58, f"[{s}]" if many else "") for t, s in zip(d["title"], d["slug"])],
        d["found_rate"],
        d["detection_rate"],
        [f"{rate:.0%}" for rate in d["detection_rate"]],
        legend=("found, right category", "found, wrong category"),
        text_cap=0.93,
        tick_size=8.5,
        xlabel="share of reviews that flagged the defect",
        title="Detection rate per defect (most missed on top)",
    )


def _categories(report: ClassReport) -> Figure | None:
    c = report.categories
    if not len(c):
        return None
    c = c.iloc[::-1]
    return _rate_chart(
        (7.5, 0.5 * len(c) + 1.6),
        list(c["category"]),
        c["found_rate"],
        c["recall"],
        [f"{rate:.0%}  ({n} defect{'s' * (n != 1)})" for rate, n in zip(c["recall"], c["defects"])],
        legend=("right category", "wrong category"),
        text_cap=0.85,
        tick_size=None,
        xlabel="recall: share of (review, defect) pairs detected",
        title="Recall per category",
    )


def _histogram(values: pd.Series, bins: Any, line: tuple[float, str], xlabel: str, title: str) -> Figure:
    fig, ax = _figure(6.5, 3.4)
    ax.hist(values, bins=bins, color=FOUND, edgecolor="white")
    ax.axvline(line[0], color=WARN, linestyle="--", linewidth=1.2, label=line[1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("students")
    ax.legend(frameon=False, fontsize=8)
    _tidy(ax, title, integer_y=True)
    return fig


def _precision(report: ClassReport) -> Figure | None:
    sub = report.submitted
    prec = sub.loc[sub["findings"] > 0, "precision"].dropna()
    if not len(prec):
        return None
    fig = _histogram(
        prec,
        np.linspace(0, 1, 11),
        (prec.median(), f"median {prec.median():.0%}"),
        "precision: share of a student's findings that hit a defect",
        f"Precision ({len(prec)} students with at least one finding)",
    )
    fig.axes[0].xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    return fig


def review_scale(report: ClassReport) -> tuple[pd.Series, float | None, str]:
    """Each submitter's re-scored review points and their maximum, or (points unknown) the
    share of the maximum in percent: one scale for every figure and table."""
    sub = report.submitted
    tops = sub["review_max"].dropna().unique()
    if len(tops) == 1 and tops[0] > 0:
        return sub["review_points"], float(tops[0]), f"review points (re-scored, out of {tops[0]:g})"
    return sub["score"] * 100, None, "review score (re-scored, % of the review points)"


def _scores(report: ClassReport) -> Figure | None:
    values, top, label = review_scale(report)
    values = values.dropna()
    if not len(values):
        return None
    top_value = top if top is not None else 100.0
    mean = values.mean()
    return _histogram(
        values,
        np.linspace(0, top_value, 21),
        (mean, f"mean {mean:.3g} ({mean / top_value:.0%})" if top is not None else f"mean {mean:.0f}%"),
        label,
        f"Review points ({len(values)} students)",
    )


def _false_positives(report: ClassReport) -> Figure | None:
    common = report.common_false_positives.head(10)
    if not len(common):
        return None
    common = common.iloc[::-1]
    fig, ax = _figure(8.5, 0.45 * len(common) + 1.3)
    y = np.arange(len(common))
    ax.barh(y, common["students"], color=[WARN if dec else MUTED for dec in common["decoy"]])
    many = len(report.slugs) > 1
    labels = [
        _label(w + (" decoy" if dec else "") + (f"  [{s}]" if many else ""), 90)
        for w, dec, s in zip(common["where"], common["decoy"], common["slug"])
    ]
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.set_xlabel("students who flagged it")
    _integer_ticks(ax.xaxis)
    _tidy(ax, "Most common false positives (orange: a planted decoy)")
    return fig


def _submit_times(ax: Axes, timing: pd.DataFrame, duedate: pd.Timestamp | None) -> None:
    if duedate is not None:
        hours = timing["hours_before_due"]
        ax.hist(hours, bins=30, color=FOUND, edgecolor="white")
        ax.axvline(0, color=WARN, linewidth=1.2)
        ax.text(0, ax.get_ylim()[1] * 0.95, " deadline", color=WARN, fontsize=8, va="top")
        ax.invert_xaxis()
        ax.set_xlabel("hours before the deadline (right of the line: late)")
        title = f"Time to submit ({int((hours < 0).sum())} late)"
    else:
        first = timing["submitted_at"].min()
        hours = (timing["submitted_at"] - first).dt.total_seconds() / 3600
        ax.hist(hours, bins=30, color=FOUND, edgecolor="white")
        ax.set_xlabel("hours after the first submission (no deadline in the gradebook)")
        title = "Time to submit"
    ax.set_ylabel("students")
    _tidy(ax, title, integer_y=True)


def _timing(report: ClassReport) -> Figure | None:
    sub = report.submitted
    timing = sub.dropna(subset=["submitted_at"])
    if not len(timing):
        return None
    from matplotlib.figure import Figure

    values, top, label = review_scale(report)
    minutes = sub.assign(_y=values).dropna(subset=["review_minutes", "_y"])
    fig = Figure(figsize=(10, 3.4), dpi=100, layout="constrained")
    axes = fig.subplots(1, 2 if len(minutes) else 1, squeeze=False)[0]
    _submit_times(axes[0], timing, report.duedate)
    if len(minutes):
        ax = axes[1]
        ax.scatter(minutes["review_minutes"], minutes["_y"], s=12, alpha=0.6, color=FOUND, edgecolors="none")
        ax.set_xlabel("minutes from first to last flag")
        ax.set_ylabel(label.split(" (")[0])
        top_value = top if top is not None else 100.0
        ax.set_ylim(-0.03 * top_value, 1.03 * top_value)
        _tidy(ax, "Review time and review points")
    return fig


_DRAW = {
    "detection": _detection,
    "categories": _categories,
    "precision": _precision,
    "scores": _scores,
    "false_positives": _false_positives,
    "timing": _timing,
}


def report_figures(report: ClassReport) -> dict[str, Figure]:
    """The report's figures by name (see FIGURE_ALT). A figure without data is left out (no timing
    figure when no time is known); an empty report has none."""
    if report.empty:
        return {}
    figures = {name: draw(report) for name, draw in _DRAW.items()}
    return {name: fig for name, fig in figures.items() if fig is not None}


FIGURE_ALT = {
    "detection": "Bar chart: detection rate per defect, most missed first",
    "categories": "Bar chart: recall per defect category",
    "precision": "Histogram: precision per student",
    "scores": "Histogram: re-scored review points per student",
    "false_positives": "Bar chart: most common false positives, decoys highlighted",
    "timing": "Histogram: time of submission relative to the deadline, and review time against review points",
}
