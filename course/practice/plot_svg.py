"""My Progress's plot as an SVG image, for where matplotlib is not installed.

The JupyterLite site (lite/build.py) runs on Pyodide, whose matplotlib (numpy, Pillow and
kiwisolver with it) are compiled wheels that only Pyodide's own distribution serves: none is on
PyPI or npm, the places the build may fetch from. The page then draws the same two panels as
page.plot_figure here, from the same series (overview.plot_series): the score of each
submission, a line joining only the retries of one exercise and drills as separate unjoined
crosses; and recall per category over reviews with found/met. The background is transparent and
text and axes drawn in the SVG's own `color` (currentColor), set per page theme: an image does
not inherit the page's colours, so the page carries one image per theme (page.STYLE). Every text is XML-escaped; the page embeds
the SVG as an image (data URI), where a script could not run anyway.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from .overview import Overview, helped_points, plot_series

# Both plots' words and colours (page.plot_figure draws the same). The figure is transparent; its
# ink (words, axes) is drawn once per theme, each at 10:1 or more on its page (walk 31 read the
# one mid grey #888 as dim on the dark page, and it was 3.5:1 on white); the series' colours
# read on both.
INKS = {"light": "#333333", "dark": "#d0d0d0"}
REVIEW_COLOUR, DRILL_COLOUR, BAR_COLOUR = "#3b82c4", "#e07b00", "#4a7ab5"
PLOT_TITLE = "Score of each submission"
PLOT_XLABEL = "submission, oldest first (different exercises are not comparable)"
REVIEW_LABEL = "review (a line joins retries of one exercise)"
DRILL_LABEL = "drill (not joined)"
HELPED_LABEL = "ring: found with help"
BARS_TITLE = "Per category, reviews only"
BARS_XLABEL = "recall: defects found / met"


W, H = 900, 360
LEFT = (50, 30, 520, 280)  # x0, y0, x1, y1 of the attempts panel's axes
RIGHT = (700, 30, 860, 280)  # of the per-category panel's axes
LEGEND_Y = LEFT[3] + 58  # the legend's row: below the x label (at LEFT[3] + 35), outside the axes


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "middle") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="currentColor">{escape(text)}</text>'


def _cross(x: float, y: float) -> str:
    return (
        f'<path class="drill" d="M{x - 6:.1f},{y - 6:.1f}L{x + 6:.1f},{y + 6:.1f}M{x - 6:.1f},{y + 6:.1f}'
        f'L{x + 6:.1f},{y - 6:.1f}" stroke="{DRILL_COLOUR}" stroke-width="2"/>'
    )


def _ring(x: float, y: float) -> str:
    return f'<circle class="helped" cx="{x:.1f}" cy="{y:.1f}" r="7" fill="none" stroke="{DRILL_COLOUR}" stroke-width="1.5"/>'


def _attempts_panel(ov: Overview) -> list[str]:
    x0, y0, x1, y1 = LEFT
    n = len(ov.attempts)
    reviews, drills = plot_series(ov)

    def px(i: int) -> float:  # submission i (1-based) on the x axis
        return x0 + 20 + (x1 - x0 - 40) * ((i - 1) / (n - 1) if n > 1 else 0.5)

    def py(v: float) -> float:
        return y1 - (y1 - y0) * (v + 0.05) / 1.1

    out = [f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" stroke="currentColor"/>']
    for v in (0, 0.25, 0.5, 0.75, 1):
        out.append(f'<line x1="{x0 - 4}" x2="{x0}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="currentColor"/>')
        out.append(_text(x0 - 7, py(v) + 4, f"{v:g}", 11, "end"))
    step = 1 if n <= 15 else max(1, n // 10)
    for i in range(1, n + 1, step):
        out.append(_text(px(i), y1 + 15, str(i), 11))
    for points in reviews:  # one exercise: its retries compare, so they are joined
        if len(points) > 1:
            line = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in points)
            out.append(f'<polyline class="review" points="{line}" fill="none" stroke="{REVIEW_COLOUR}" stroke-width="1.5"/>')  # fmt: skip
        out += [f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3.5" fill="{REVIEW_COLOUR}"/>' for i, v in points]
    out += [_cross(px(i), py(v)) for i, v in drills]
    helped = helped_points(ov)
    out += [_ring(px(i), py(v)) for i, v in helped]
    # the legend: one row below the x label, outside the axes, so it never covers a point
    out.append(f'<line class="legend" x1="{x0 + 10}" x2="{x0 + 34}" y1="{LEGEND_Y}" y2="{LEGEND_Y}" stroke="{REVIEW_COLOUR}" stroke-width="2"/>')  # fmt: skip
    out.append(f'<circle class="legend" cx="{x0 + 22}" cy="{LEGEND_Y}" r="3.5" fill="{REVIEW_COLOUR}"/>')
    out.append(_text(x0 + 40, LEGEND_Y + 4, REVIEW_LABEL, 11, "start"))
    if drills:
        out.append(_cross(x0 + 330, LEGEND_Y).replace('class="drill"', 'class="legend"'))
        out.append(_text(x0 + 342, LEGEND_Y + 4, DRILL_LABEL, 11, "start"))
    if helped:
        out.append(_ring(x0 + 472, LEGEND_Y).replace('class="helped"', 'class="legend"'))
        out.append(_text(x0 + 484, LEGEND_Y + 4, HELPED_LABEL, 11, "start"))
    out.append(_text((x0 + x1) / 2, y0 - 10, PLOT_TITLE, 14))
    out.append(_text((x0 + x1) / 2, y1 + 35, PLOT_XLABEL, 12))
    return out


def _categories_panel(ov: Overview) -> list[str]:
    x0, y0, x1, y1 = RIGHT
    out = [f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" stroke="currentColor"/>']
    rows = ov.categories
    band = (y1 - y0) / max(1, len(rows))
    scale = (x1 - x0) / 1.15
    for k, c in enumerate(rows):
        top = y0 + band * k
        width = scale * c.recall
        out.append(f'<rect x="{x0}" y="{top + band * 0.2:.1f}" width="{width:.1f}" height="{band * 0.6:.1f}" fill="{BAR_COLOUR}"/>')  # fmt: skip
        out.append(_text(x0 - 6, top + band / 2 + 4, c.category, 11, "end"))
        out.append(_text(x0 + width + 3, top + band / 2 + 4, f"{c.found}/{c.met}", 11, "start"))
    out.append(_text((x0 + x1) / 2, y0 - 10, BARS_TITLE, 14))
    out.append(_text((x0 + x1) / 2, y1 + 35, BARS_XLABEL, 12))
    return out


def plot_svg(ov: Overview, ink: str = INKS["light"]) -> bytes:
    """The SVG document of the two panels (UTF-8), its words and axes in `ink`."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
        f'font-family="DejaVu Sans, Arial, sans-serif" color="{escape(ink)}">',
        *_attempts_panel(ov),
        *_categories_panel(ov),
        "</svg>",
    ]
    return "".join(parts).encode("utf-8")
