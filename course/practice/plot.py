"""My Progress's plot: matplotlib's PNG of the two panels (object API: no pyplot state, no GUI
backend), or where matplotlib is missing (the JupyterLite site) course.practice.plot_svg's SVG of
the same. Each is drawn in an ink for one page theme (plot_svg.INKS): the page shows the one for
its theme.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from .overview import Overview, helped_points, plot_series
from .plot_svg import (
    BAR_COLOUR,
    BARS_TITLE,
    BARS_XLABEL,
    DRILL_COLOUR,
    DRILL_LABEL,
    HELPED_LABEL,
    INKS,
    PLOT_TITLE,
    PLOT_XLABEL,
    REVIEW_COLOUR,
    REVIEW_LABEL,
    plot_svg,
)

__all__ = ["INKS", "plot_figure", "plot_png", "plot_src"]


def plot_figure(ov: Overview, ink: str = INKS["light"]) -> Any:
    """The two panels as a matplotlib Figure (object API: no pyplot state, no GUI backend):
    each submission's score, a review per exercise joined only to that exercise's retries and
    drills as separate unjoined markers; and recall per category over reviews."""
    from matplotlib.figure import Figure  # loaded here: the page is built only when asked for

    fig = Figure(figsize=(9, 3.4), dpi=100, layout="constrained")
    fig.patch.set_alpha(0.0)
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    reviews, drills = plot_series(ov)
    for k, points in enumerate(reviews):
        xs, ys = zip(*points, strict=True)
        left.plot(xs, ys, "o-", color=REVIEW_COLOUR, markersize=6, label=REVIEW_LABEL if k == 0 else "_")
    if drills:
        xs, ys = zip(*drills, strict=True)
        left.plot(xs, ys, "x", linestyle="none", color=DRILL_COLOUR, markersize=9, mew=2, label=DRILL_LABEL)
    helped = helped_points(ov)
    if helped:
        xs, ys = zip(*helped, strict=True)
        left.plot(
            xs, ys, "o", linestyle="none", mfc="none", mec=DRILL_COLOUR, markersize=14, mew=1.5, label=HELPED_LABEL
        )
    n = len(ov.attempts)
    ticks = list(range(1, n + 1))
    left.set_ylim(-0.05, 1.05)
    left.set_xlim(0.5, n + 0.5)
    left.set_xticks(ticks if n <= 15 else ticks[:: max(1, n // 10)])
    left.set_xlabel(PLOT_XLABEL, color=ink)
    left.set_ylabel("score", color=ink)
    left.set_title(PLOT_TITLE, color=ink)
    # below the x label, outside the axes, so it never covers a point (constrained layout makes room)
    legend = left.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize="small", frameon=False, borderaxespad=0
    )
    for text in legend.get_texts():
        text.set_color(ink)
    names = [c.category for c in ov.categories]
    bars = right.barh(names, [c.recall for c in ov.categories], color=BAR_COLOUR, height=0.6)
    right.bar_label(
        bars, labels=[f"{c.credited}/{c.met}" for c in ov.categories], padding=3, fontsize="small", color=ink
    )
    right.set_xlim(0, 1.15)
    right.invert_yaxis()
    right.set_xlabel(BARS_XLABEL, color=ink)
    right.set_title(BARS_TITLE, color=ink)
    for ax in (left, right):
        ax.set_facecolor("none")
        ax.tick_params(colors=ink)
        for spine in ax.spines.values():
            spine.set_edgecolor(ink)
    return fig


def plot_png(ov: Overview, ink: str = INKS["light"]) -> bytes:
    out = io.BytesIO()
    plot_figure(ov, ink).savefig(out, format="png", transparent=True)
    return out.getvalue()


def plot_src(ov: Overview, ink: str = INKS["light"]) -> str:
    """The plot as a data URI: matplotlib's PNG, or where matplotlib is not installed (the
    JupyterLite site: course.practice.plot_svg says why) the same panels as an SVG."""
    try:
        return "data:image/png;base64," + base64.b64encode(plot_png(ov, ink)).decode("ascii")
    except ImportError:
        return "data:image/svg+xml;base64," + base64.b64encode(plot_svg(ov, ink)).decode("ascii")
