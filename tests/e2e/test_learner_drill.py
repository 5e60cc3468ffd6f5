"""Spaced practice in the browser (issue #13, "Beyond"): a recorded miss makes its pattern due;
`drill()` shows a short cut of the exercise around that pattern's defect in the practice viewer;
flagging the line and submitting scores it, records it as a drill, and moves the pattern's next
due date later."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from viewer_flow import line, open_and_run, submit_review, unexpected_errors, wait_for

from course.keys.bank import Bank
from course.practice.drills import Drill, next_drill
from course.practice.record import Attempt, DefectOutcome, LearnerRecord
from course.practice.schedule import cards

pytestmark = pytest.mark.browser

BANK = Path(__file__).resolve().parents[2] / "exercises"
SLUG = "catalog-search-filter"
PATTERN = "injection"


@pytest.fixture(scope="module")
def lab(public_bank_lab):
    return public_bank_lab


def test_a_missed_pattern_comes_back_as_a_drill_scored_recorded_and_rescheduled(lab, new_page):
    root = lab.root
    key = Bank(BANK).get(SLUG).key
    three_days_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).isoformat(timespec="seconds")
    LearnerRecord(root).append(
        Attempt(
            three_days_ago.replace("+00:00", "Z"),
            SLUG,
            "review",
            0.0,
            0.0,
            0.0,
            False,
            tuple(DefectOutcome(d.id, "missed", d.category, d.pattern) for d in key.defects),
        )
    )
    due_before = cards(LearnerRecord(root).read().attempts)[PATTERN].due
    assert due_before < dt.datetime.now(dt.UTC)  # the recorded miss made the pattern due
    expected = next_drill(root, Bank(BANK))
    assert isinstance(expected, Drill)
    defect = expected.defect
    full = sum(1 for _ in Bank(BANK).get(SLUG).diff.lines())
    cut_lines = sum(1 for _ in expected.bundle.diff.lines())
    assert cut_lines < full / 2

    lab.write_notebook("drills.ipynb", "from course.practice import drill\nreview = drill()\nreview")
    page, log = new_page()
    open_and_run(page, lab, "drills.ipynb")
    viewer = page.locator(".cra-root")
    assert "Drill:" in viewer.inner_text()
    badge = viewer.locator(".cra-badge")
    assert badge.inner_text() == "drill"  # walk-through 8: it said "practice"
    # walk 29: the same blue as a practice review's badge (the accent): a hue of its own
    fill = badge.evaluate("b => getComputedStyle(b).backgroundColor")
    accent = viewer.locator("button.cra-submit").evaluate("b => getComputedStyle(b).backgroundColor")
    assert fill != accent and fill == "rgb(106, 27, 154)", (fill, accent)
    rows = viewer.locator("tr.cra-line")
    assert 0 < rows.count() <= cut_lines  # only the cut is shown
    assert line(page, 0, new=1).count() == 0  # the file's first line is not in the cut
    target = line(page, 0, new=defect.lines[0])
    target.scroll_into_view_if_needed()
    target.locator("td.cra-code").click()
    form = page.locator(".cra-form")
    form.locator("select.cra-category").select_option(defect.category)
    form.locator("select.cra-severity").select_option("major")
    form.locator("textarea").fill("brand names are pasted into the SQL: bind them")
    form.locator("button.cra-save").click()
    sidecar = expected.sidecar
    wait_for(
        lambda: sidecar.exists() and json.loads(sidecar.read_text())["findings"], what="the drill's finding on disk"
    )

    toolbar_at = viewer.locator(".cra-toolbar").bounding_box()["y"]
    submit_review(viewer)
    page.locator(".cra-score-value").wait_for()
    # what the drill did to the pattern's schedule is said in the score, not in a banner over the
    # toolbar (walk-through 18: it pushed the toolbar and Submit 54 px down)
    note = viewer.locator(".cra-score-panel .cra-drill-note")
    note.wait_for()
    assert note.inner_text().startswith(f"Recorded as a drill of the pattern {PATTERN}: ")
    assert viewer.locator(".cra-banner .cra-alert").count() == 0
    assert abs(viewer.locator(".cra-toolbar").bounding_box()["y"] - toolbar_at) < 1
    drilled = viewer.locator(".cra-defect[data-defect='0']")
    assert "cra-result-found" in drilled.locator(".cra-result").get_attribute("class")

    attempts = LearnerRecord(root).read().attempts
    last = attempts[-1]
    assert (last.kind, last.exercise, last.drill) == ("drill", SLUG, defect.id)
    assert [d.status for d in last.defects if d.id == defect.id] == ["found"]
    assert f"{last.score:.0%}".rstrip("%") in page.locator(".cra-score-value").inner_text()
    due_after = cards(attempts)[PATTERN].due
    assert due_after > dt.datetime.now(dt.UTC) > due_before  # rescheduled, later
    assert not unexpected_errors(log, "lab"), log.errors
