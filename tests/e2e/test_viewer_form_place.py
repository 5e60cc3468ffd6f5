"""Where things go in the review, from walk-through 3 of issue #13 (JupyterLab, 1440x757):

- a new finding's form opens above its first line, so the lines below stay where they were: a
  Shift+click aimed at the next line (where the learner saw it) lands on that line, not on the
  form that used to open under the clicked line; saving leaves the line where it was;
- a file name in the tree keeps its line when the +/- counts do not fit beside it: the counts
  wrap under it ("handlers.p / y" was the old wrap);
- in the cell, the review leaves some of the notebook in view, so the wheel outside it still
  moves the notebook (the review used to fill the notebook's whole view);
- the toolbar's count says it counts files marked Viewed.
"""

from __future__ import annotations

import pytest
from test_viewer_comfort import LONG, LONG_INDEX, SLUG, findings, write_comfort
from test_viewer_layout import WIDE, in_view
from viewer_flow import line, open_and_run, unexpected_errors, wait_for

pytestmark = pytest.mark.browser

TOP = "(r) => r.getBoundingClientRect().top"
# Scroll the review's own area so that new line `n` of file `fi` sits just under its file's sticky header.
UNDER_HEADER = """(m, [fi, n]) => { const row = [...document.querySelectorAll(`table[data-file="${fi}"] tr.cra-line`)]
                     .find(r => r.children[1].textContent === String(n));
                   const head = row.closest('section').querySelector('.cra-filehead').offsetHeight;
                   m.scrollTop += row.getBoundingClientRect().top - m.getBoundingClientRect().top - head; }"""


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def top(locator) -> float:
    return locator.evaluate(TOP)


def test_a_new_findings_form_opens_above_its_line_and_a_shift_click_lands_on_the_next_line(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    first, second = line(page, LONG_INDEX, new=70), line(page, LONG_INDEX, new=71)
    # the learner reads down to line 70, in the lower part of the review's view
    line(page, LONG_INDEX, new=73).evaluate("r => r.scrollIntoView({block: 'end'})")
    at_first, at_second = top(first), top(second)
    aim = second.bounding_box()  # where the learner sees line 71 before clicking line 70

    first.locator("td.cra-code").click()
    page.locator(".cra-form").wait_for()
    assert abs(top(first) - at_first) < 1.5, "the clicked line moved from under the pointer"
    assert abs(top(second) - at_second) < 1.5, "the next line moved"
    assert first.evaluate("r => r.previousElementSibling.classList.contains('cra-form-row')")
    assert in_view(page.locator(".cra-form"), ".cra-main")

    page.keyboard.down("Shift")
    page.mouse.click(aim["x"] + aim["width"] / 2, aim["y"] + aim["height"] / 2)
    page.keyboard.up("Shift")
    where = page.locator(".cra-form .cra-where")
    wait_for(lambda: where.inner_text() == f"{LONG}:70-71", what="the range 70-71 in the form")
    assert abs(top(first) - at_first) < 1.5

    page.locator(".cra-form select.cra-category").select_option("logic")
    page.locator(".cra-form select.cra-severity").select_option("major")
    page.locator(".cra-form textarea").fill("the window doubles")
    page.locator(".cra-form button.cra-save").click()
    wait_for(lambda: any(f["start"] == 70 and f["end"] == 71 for f in findings(lab)), what="70-71 saved")
    page.locator(".cra-form").wait_for(state="detached")
    assert abs(top(first) - at_first) < 1.5, "saving moved the lines"
    assert second.evaluate("r => r.nextElementSibling.classList.contains('cra-finding-row')")
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_form_for_a_line_at_the_top_of_the_review_opens_in_sight(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    target = line(page, LONG_INDEX, new=70)
    target.evaluate("r => r.scrollIntoView({block: 'center'})")
    # line 70 just under its file's header, at the top of the review's scroll area
    page.locator(".cra-main").evaluate(UNDER_HEADER, [LONG_INDEX, 70])
    target.locator("td.cra-code").click()
    form = page.locator(".cra-form")
    form.wait_for()
    wait_for(lambda: in_view(form, ".cra-main") and in_view(target, ".cra-main"), what="the form and its line in view")
    head = page.locator(f"section[data-file='{LONG_INDEX}'] .cra-filehead")
    assert top(form) >= head.evaluate("h => h.getBoundingClientRect().bottom") - 1, "the form is under the header"
    assert not unexpected_errors(log, lab.app), log.errors


# The tree row of README.md: its name's width on one line, the checkbox's, the counts'.
MEASURE = """li => {
  const name = li.querySelector('.cra-tree-name');
  const probe = name.cloneNode(true);
  probe.style.cssText = 'position:absolute; visibility:hidden; white-space:nowrap; width:max-content; max-width:none';
  li.append(probe);
  const wide = probe.getBoundingClientRect().width;
  probe.remove();
  return {name: wide, box: li.querySelector('input').getBoundingClientRect().width,
          stat: li.querySelector('.cra-tree-stat').getBoundingClientRect().width, li: li.clientWidth};
}"""

LINES = """e => { const range = document.createRange(); range.selectNodeContents(e);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""


def test_a_tree_name_keeps_its_line_and_the_counts_wrap_under_it(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    row = page.locator(".cra-tree-file[data-file='0']")  # README.md
    size = row.evaluate(MEASURE)
    # a panel where the name fits beside its checkbox but the counts do not fit after it
    want = size["name"] + 30
    assert want < size["box"] + size["name"] + size["stat"] + 8
    page.locator(".cra-aside").evaluate(
        "(a, d) => { a.style.flexBasis = (a.offsetWidth + d) + 'px'; }", want - size["li"]
    )
    assert abs(row.evaluate("li => li.clientWidth") - want) <= 1
    name, stat = row.locator(".cra-tree-name"), row.locator(".cra-tree-stat")
    assert name.evaluate(LINES) == 1, "the name broke inside itself"
    assert name.inner_text() == "README.md"
    assert top(stat) >= name.evaluate("e => e.getBoundingClientRect().bottom") - 1, "the counts did not wrap under"
    assert row.evaluate("li => li.scrollWidth <= li.clientWidth"), "the row runs out sideways"
    # a long name breaks after its underscores first
    long = page.locator(f".cra-tree-file[data-file='{LONG_INDEX}'] .cra-tree-name")
    assert long.locator("wbr").count() == 2
    assert long.inner_text().replace("\n", "") == "settlement_window_calculator.py"
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_files_finding_count_stays_with_its_counts(lab, new_page):
    """Walk-through 4: in a narrow tree the findings pill wrapped alone under a file's name."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    row = page.locator(".cra-tree-file[data-file='1']")  # services/billing/api.py: one finding
    pill, minus = row.locator(".cra-pill"), row.locator(".cra-minus")
    assert pill.inner_text() == "1"
    size = row.evaluate(MEASURE)
    counts = row.evaluate(
        "li => li.querySelector('.cra-minus').getBoundingClientRect().right"
        " - li.querySelector('.cra-plus').getBoundingClientRect().left"
    )
    lead = row.evaluate(  # the indent and the checkbox, to where the name starts
        "li => li.querySelector('.cra-tree-name').getBoundingClientRect().left - li.getBoundingClientRect().left"
    )
    # a row as wide as its indent, the box, the name and the +/- counts: no room for the pill
    want = lead + size["name"] + 4 + counts + 4
    assert want < lead + size["name"] + 4 + counts + 4 + pill.evaluate("p => p.offsetWidth")
    page.locator(".cra-aside").evaluate(
        "(a, d) => { a.style.flexBasis = (a.offsetWidth + d) + 'px'; }", want - size["li"]
    )
    assert abs(row.evaluate("li => li.clientWidth") - want) <= 1
    assert abs(top(pill) - top(minus)) < 4, "the pill wrapped apart from the +/- counts"
    assert pill.evaluate("p => p.getBoundingClientRect().left") > minus.evaluate("m => m.getBoundingClientRect().right")
    assert not unexpected_errors(log, lab.app), log.errors


def test_in_the_cell_the_review_leaves_the_notebook_in_view_and_its_count_says_marked_viewed(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    root = page.locator(".cra-root")
    notebook = page.evaluate("() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').clientHeight")
    assert notebook - root.bounding_box()["height"] >= 80, "the review fills the notebook's view"
    assert notebook - root.bounding_box()["height"] <= 100, "the review leaves the diff short"
    progress = root.locator(".cra-progress")
    assert progress.inner_text().strip() == "0 / 4 files viewed"
    assert "Viewed box" in progress.get_attribute("title")
    root.locator("section[data-file='0'] .cra-filehead input[type=checkbox]").check()
    wait_for(lambda: progress.inner_text().strip() == "1 / 4 files viewed", what="one file marked viewed")
    assert not unexpected_errors(log, lab.app), log.errors


def test_on_a_tall_screen_the_review_takes_the_notebooks_view_less_a_strip_and_follows_a_resize(lab, new_page):
    """70% of the window left a 1080-pixel screen some 200 px of notebook under the review: the
    review is as tall as the notebook's view less a strip, and follows the window's size."""
    write_comfort(lab)
    page, log = new_page(viewport=(1440, 1080))
    open_and_run(page, lab, f"{SLUG}.ipynb")
    root = page.locator(".cra-root")
    view = "() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').clientHeight"
    left = lambda: page.evaluate(view) - root.bounding_box()["height"]  # noqa: E731
    assert 80 <= left() <= 100, left()
    page.set_viewport_size({"width": 1440, "height": 820})
    wait_for(lambda: 80 <= left() <= 100, what="the review's height after the window shrank")
    assert not unexpected_errors(log, lab.app), log.errors
