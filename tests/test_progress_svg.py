"""My Progress without matplotlib (the JupyterLite site): the page still has its plot, as an SVG
of the same panels (course.practice.plot_svg), every point and bar from the record."""

from __future__ import annotations

import base64
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from course.practice import my_progress
from course.practice.record import Attempt, DefectOutcome, LearnerRecord

BANK = Path(__file__).resolve().parents[1] / "exercises"
SVG = "{http://www.w3.org/2000/svg}"


def attempt(day: int, score: float, kind: str = "review") -> Attempt:
    return Attempt(
        time=f"2026-11-{day:02d}T10:00:00Z",
        exercise="catalog-search-filter",
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
    (data,) = re.findall(r'class="cra-my-progress-plot"[^>]* src="data:image/svg\+xml;base64,([^"]+)"', html)
    svg = ET.fromstring(base64.b64decode(data))  # well-formed XML
    assert svg.tag == f"{SVG}svg"
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 3  # score, recall, precision
    assert all(len(line.get("points", "").split()) == 3 for line in lines)  # one point per attempt
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "drill" in texts  # the legend marks the drill, and a cross is drawn for it
    assert "security" in texts and "edge-case" in texts
    assert "3/3" in texts and "0/3" in texts  # found/met per category
    assert not list(svg.iter(f"{SVG}script"))


def test_with_matplotlib_the_plot_stays_a_png(tmp_path):
    LearnerRecord(tmp_path).append(attempt(1, 0.5))
    html = my_progress(tmp_path, bank=BANK)._repr_mimebundle_()["text/html"]
    assert 'src="data:image/png;base64,iVBOR' in html
