"""A drill as the learner sees it in JupyterLab (course.practice.drills): the cut is coloured as
its whole file is even though it starts inside a docstring, the header names the findings file
where it lies (.drills/...) without naming the defect, and after Submit the viewer's banner says
how the drill was recorded and when its pattern comes back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from viewer_flow import line, open_and_run, submit_review, unexpected_errors

from course.keys.bank import Bank
from course.practice.record import Attempt, DefectOutcome, LearnerRecord
from course.practice.schedule import cards, local_time

pytestmark = pytest.mark.browser

BANK = Path(__file__).resolve().parents[2] / "exercises"
SLUG = "catalog-search-filter"


@pytest.fixture(scope="module")
def lab(public_bank_lab):
    return public_bank_lab


def test_a_drill_is_coloured_named_and_explained(lab, new_page):
    root = lab.root
    key = Bank(BANK).get(SLUG).key
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).isoformat(timespec="seconds").replace("+00:00", "Z")
    missed = tuple(DefectOutcome(d.id, "missed", d.category, d.pattern) for d in key.defects)
    LearnerRecord(root).append(Attempt(when, SLUG, "review", 0.0, 0.0, 0.0, False, missed))

    lab.write_notebook("drill-colours.ipynb", 'from course.practice import drill\ndrill(pattern="Injection")')
    page, log = new_page()
    open_and_run(page, lab, "drill-colours.ipynb")
    viewer = page.locator(".cra-root")
    header = viewer.locator(".cra-sidecar").inner_text()
    assert header.startswith(f"findings saved in .drills/drill-{SLUG}-") and header.endswith(".findings.json")
    assert all(d.id not in header for d in key.defects) and "injection" not in header

    # The cut starts at line 35, inside a docstring: that line is a docstring, the code after
    # its closing quotes is code (a name, an operator), not one long string.
    docstring = line(page, 0, new=35).locator("td.cra-code")
    assert docstring.locator("span.tok-sd").count() == 1
    code = line(page, 0, new=37).locator("td.cra-code")
    assert code.locator("span.tok-n").count() >= 1 and code.locator("span.tok-sd").count() == 0

    for d in key.defects:  # find every injection defect of the cut, unaided
        target = line(page, 0, new=d.lines[0])
        target.scroll_into_view_if_needed()
        target.locator("td.cra-code").click()
        form = page.locator(".cra-form")
        form.locator("select.cra-category").select_option(d.category)
        form.locator("select.cra-severity").select_option("major")
        form.locator("textarea").fill("untrusted text reaches the SQL")
        form.locator("button.cra-save").click()
        form.wait_for(state="detached")
    submit_review(viewer)
    page.locator(".cra-score-value").wait_for()
    banner = viewer.locator(".cra-alert-info", has_text="Recorded as a drill")
    banner.wait_for()
    card = cards(LearnerRecord(root).read().attempts)["injection"]
    text = banner.inner_text()
    assert text.startswith("Recorded as a drill of the pattern injection: found unaided. It comes back ")
    assert local_time(card.due) in text and "days)" in text
    assert not unexpected_errors(log, "lab"), log.errors
