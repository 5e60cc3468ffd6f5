"""My Progress without matplotlib (the JupyterLite site): the page still has its plot, as an SVG
of the same panels (course.practice.plot_svg), every point and bar from the record."""

from __future__ import annotations

import base64
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from course.diff.highlight import PAGES, contrast
from course.keys.bank import Bank
from course.practice import my_progress
from course.practice.overview import overview
from course.practice.plot import plot_figure
from course.practice.plot_svg import INKS, plot_svg
from course.practice.record import Attempt, DefectOutcome, LearnerRecord

BANK = Path(__file__).resolve().parents[1] / "exercises"
SVG = "{http://www.w3.org/2000/svg}"


def attempt(day: int, score: float, kind: str = "review", exercise: str = "catalog-search-filter") -> Attempt:
    return Attempt(
        time=f"2026-11-{day:02d}T10:00:00Z",
        exercise=exercise,
        kind=kind,
        score=score,
        recall=0.5,
        precision=1.0,
        verdict_correct=True,
        defects=(
            DefectOutcome("a", "found", "security", "injection"),
            DefectOutcome("b", "missed", "edge-case", "boundary-off-by-one"),
        ),
    )


def test_without_matplotlib_the_plot_is_an_svg_of_every_attempt_and_category(tmp_path, monkeypatch):
    record = LearnerRecord(tmp_path)
    for day, score, kind in ((1, 0.25, "review"), (2, 0.5, "drill"), (3, 0.875, "review")):
        record.append(attempt(day, score, kind))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    html = my_progress(tmp_path, bank=BANK)._repr_mimebundle_()["text/html"]
    assert "data:image/png" not in html
    found = re.findall(
        r'class="cra-my-progress-plot cra-plot-(\w+)"[^>]* src="data:image/svg\+xml;base64,([^"]+)"', html
    )
    assert [theme for theme, _ in found] == ["light", "dark"]  # one image per page theme
    for theme, data in found:
        assert ET.fromstring(base64.b64decode(data)).get("color") == INKS[theme]
    svg = ET.fromstring(base64.b64decode(found[0][1]))  # well-formed XML
    assert svg.tag == f"{SVG}svg"
    [line] = svg.findall(f"{SVG}polyline")  # the two reviews of one exercise, joined
    assert len(line.get("points", "").split()) == 2
    assert len(svg.findall(f"{SVG}circle")) == 3  # two reviews, and the legend's sample
    assert len(svg.findall(f"{SVG}path[@class='drill']")) == 1  # the drill, a cross of its own
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "drill (not joined)" in texts
    assert "security" in texts and "edge-case" in texts
    assert "1/1" in texts and "0/1" in texts  # found/met per category: first reviews of an exercise only
    assert not list(svg.iter(f"{SVG}script"))


def test_with_matplotlib_the_plot_stays_a_png(tmp_path):
    LearnerRecord(tmp_path).append(attempt(1, 0.5))
    html = my_progress(tmp_path, bank=BANK)._repr_mimebundle_()["text/html"]
    assert 'src="data:image/png;base64,iVBOR' in html


RECORD = (  # submission: exercise, kind, score (synthetic)
    ("catalog-search-filter", "review", 0.25),
    ("catalog-search-filter", "drill", 1.0),
    ("order-lookup-endpoint", "review", 0.5),
    ("catalog-search-filter", "review", 0.75),
    ("order-lookup-endpoint", "drill", 1.0),
)
# What both plots must draw: a line only through the retries of one exercise; drills unjoined.
JOINED = {((1, 0.25), (4, 0.75)), ((3, 0.5),)}
DRILLS = {(2, 1.0), (5, 1.0)}


def _record(tmp_path):
    record = LearnerRecord(tmp_path)
    for day, (exercise, kind, score) in enumerate(RECORD, start=1):
        record.append(attempt(day, score, kind, exercise))
    return overview(tmp_path, Bank(BANK))


def test_the_svg_joins_only_retries_of_one_exercise_and_never_drills(tmp_path):
    from course.practice.plot_svg import LEFT

    ov = _record(tmp_path)
    svg = ET.fromstring(plot_svg(ov))
    x0, y0, x1, y1 = LEFT

    def value(cx: float, cy: float) -> tuple[int, float]:  # back from pixels to (submission, score)
        n = len(RECORD)
        return round(1 + (cx - x0 - 20) / (x1 - x0 - 40) * (n - 1)), round((y1 - cy) / (y1 - y0) * 1.1 - 0.05, 2)

    lines = {
        tuple(value(*map(float, p.split(","))) for p in line.get("points", "").split())
        for line in svg.findall(f"{SVG}polyline")
    }
    assert lines == {points for points in JOINED if len(points) > 1}
    dots = {value(float(c.get("cx", 0)), float(c.get("cy", 0))) for c in svg.findall(f"{SVG}circle")}
    assert {p for points in JOINED for p in points} <= dots and not DRILLS & dots
    crosses = set()
    for path in svg.findall(f"{SVG}path[@class='drill']"):
        x, y = map(float, re.match(r"M([\d.]+),([\d.]+)", path.get("d", "")).groups())  # type: ignore[union-attr]
        crosses.add(value(x + 6, y + 6))
    assert crosses == DRILLS
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert any("not comparable" in (t or "") for t in texts)
    assert not svg.findall(f"{SVG}rect[@fill='#fff']")  # transparent: no white box on a dark page
    assert {t.get("fill") for t in svg.iter(f"{SVG}text")} == {"currentColor"}  # the svg's color: its theme's ink


def test_each_ink_reads_at_10_to_1_on_its_page():
    """Walk 31 read the one mid grey (#888) as dim on the dark page; on white it was 3.5:1."""
    rgb = lambda h: tuple(int(h[i : i + 2], 16) for i in (1, 3, 5))  # noqa: E731
    for theme, ink in INKS.items():
        assert contrast(rgb(ink), PAGES[theme]) >= 10, (theme, ink)


def test_the_matplotlib_plot_draws_the_same_series(tmp_path):
    ov = _record(tmp_path)
    left, _ = plot_figure(ov).axes
    joined, unjoined = set(), set()
    for line in left.get_lines():
        points = tuple(zip(map(int, line.get_xdata()), map(float, line.get_ydata()), strict=True))
        (unjoined if line.get_linestyle() == "None" else joined).add(points)
    assert joined == JOINED
    assert unjoined == {tuple(sorted(DRILLS))}
    assert "not comparable" in left.get_xlabel()


def test_the_svg_legend_lies_below_the_x_label_outside_the_plot(tmp_path):
    """The walk-through saw the legend sit over the plot: it now never shares the axes' area."""
    from course.practice.plot_svg import DRILL_LABEL, LEFT, PLOT_XLABEL, REVIEW_LABEL, H

    svg = ET.fromstring(plot_svg(_record(tmp_path)))
    x0, _, x1, y1 = LEFT
    texts = {t.text: (float(t.get("x", 0)), float(t.get("y", 0))) for t in svg.iter(f"{SVG}text")}
    label_y = texts[PLOT_XLABEL][1]
    for label in (REVIEW_LABEL, DRILL_LABEL):
        x, y = texts[label]
        assert y - 11 > label_y and y < H  # a line below the x label, inside the image
        assert x0 <= x <= x1  # under the panel it explains
    samples = [e for e in svg.iter() if e.get("class") == "legend"]
    assert len(samples) == 3  # the review's line and dot, the drill's cross
    for e in samples:
        y = float(e.get("cy") or e.get("y1") or re.match(r"M[\d.]+,([\d.]+)", e.get("d", "")).group(1))  # type: ignore[union-attr]
        assert y > y1 + 20  # well below the axes' rectangle and its tick labels


def test_the_matplotlib_legend_does_not_overlap_the_axes(tmp_path):
    fig = plot_figure(_record(tmp_path))
    fig.draw_without_rendering()  # constrained layout places everything
    left = fig.axes[0]
    legend = left.get_legend().get_window_extent()
    assert not legend.overlaps(left.get_window_extent())
    assert legend.y1 < left.get_window_extent().y0  # below the plot
    assert fig.bbox.contains(legend.x0, legend.y0) and fig.bbox.contains(legend.x1, legend.y1)  # not cut off


def test_a_review_with_a_defect_found_with_help_is_ringed_in_both_plots(tmp_path):
    """Walk-through 18: a 100% found with help looked, in the plot, like a 100% found alone."""
    from dataclasses import replace

    from course.practice.plot_svg import HELPED_LABEL, LEFT

    record = LearnerRecord(tmp_path)
    record.append(attempt(1, 0.25))
    helped = attempt(2, 1.0)
    record.append(replace(helped, defects=(DefectOutcome("a", "found", "security", "injection", True),)))
    record.append(attempt(3, 1.0, "drill"))
    ov = overview(tmp_path, Bank(BANK))
    svg = ET.fromstring(plot_svg(ov))
    rings = [c for c in svg.findall(f"{SVG}circle") if c.get("class") == "helped"]
    x0, _, x1, _ = LEFT
    assert [round(float(r.get("cx", 0))) for r in rings] == [round(x0 + 20 + (x1 - x0 - 40) * 0.5)]  # the 2nd of 3
    assert HELPED_LABEL in [t.text for t in svg.iter(f"{SVG}text")]
    left, _ = plot_figure(ov).axes
    [ring] = [line for line in left.get_lines() if line.get_label() == HELPED_LABEL]
    assert list(zip(ring.get_xdata(), ring.get_ydata(), strict=True)) == [(2, 1.0)]
    # without help, no ring and no legend entry (the tests above count every circle)
    assert HELPED_LABEL not in [t.text for t in ET.fromstring(plot_svg(_record(tmp_path / "x"))).iter(f"{SVG}text")]
