"""Where things go in the review, from walk-through 3 of issue #13 (JupyterLab, 1440x757):

- a new finding's form opens in a dock at the top of the side panel, so no line moves or hides:
  a Shift+click aimed at a line where the learner saw it lands on that line (the form used to
  go in among the lines and move them, walk-throughs 18 and 19, then under the diff's area and
  cover them, walk-through 21); saving leaves the lines above the card where they were; an edit
  changes its finding's lines with a Shift+click (walk-throughs 20, 21);
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


def tops(page, *rows) -> list[float]:
    return [top(line(page, LONG_INDEX, new=n)) for n in rows]


def test_a_new_findings_form_opens_in_the_dock_and_no_line_moves_so_a_shift_click_lands_where_aimed(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    # the learner reads with line 70 in the upper part of the review's area, and means 70-73
    page.locator(".cra-main").evaluate(UNDER_HEADER, [LONG_INDEX, 67])
    before = tops(page, 67, 70, 73)
    aim = line(page, LONG_INDEX, new=73).bounding_box()  # where line 73 is before the click

    line(page, LONG_INDEX, new=70).locator("td.cra-code").click()
    form = page.locator(".cra-side .cra-dock .cra-form")
    form.wait_for()
    assert tops(page, 67, 70, 73) == pytest.approx(before, abs=1.5), "a line moved as the form opened"
    assert in_view(form, ".cra-root") and in_view(line(page, LONG_INDEX, new=73), ".cra-main")
    assert page.locator(".cra-form-row, .cra-main .cra-form").count() == 0, "a form in among the lines"

    page.keyboard.down("Shift")
    page.mouse.click(aim["x"] + aim["width"] / 2, aim["y"] + aim["height"] / 2)
    page.keyboard.up("Shift")
    where = form.locator(".cra-where")
    wait_for(lambda: where.inner_text() == f"{LONG}:70-73", what="the range 70-73 in the form")
    assert tops(page, 67, 70, 73) == pytest.approx(before, abs=1.5)
    selected = page.locator(f"table[data-file='{LONG_INDEX}'] tr.cra-line.cra-selected")
    assert selected.count() == 4, "the range is marked in the diff"

    form.locator("select.cra-category").select_option("logic")
    form.locator("select.cra-severity").select_option("major")
    form.locator("textarea").fill("the window doubles")
    form.locator("button.cra-save").click()
    wait_for(lambda: any(f["start"] == 70 and f["end"] == 73 for f in findings(lab)), what="70-73 saved")
    form.wait_for(state="detached")
    assert tops(page, 67, 70, 73) == pytest.approx(before, abs=1.5), "saving moved the lines"
    assert line(page, LONG_INDEX, new=73).evaluate("r => r.nextElementSibling.classList.contains('cra-finding-row')")
    assert not unexpected_errors(log, lab.app), log.errors


def test_in_full_width_a_shift_click_at_the_areas_bottom_edge_lands_on_the_line_seen_there(lab, new_page):
    """Walk-through 21: docked under the diff's area, the form covered the lines at its bottom,
    and a Shift+click aimed at line 31, seen there before the click, landed on the form."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    page.locator(".cra-root button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root.cra-full")
    last = line(page, LONG_INDEX, new=73)
    last.evaluate("r => r.scrollIntoView({block: 'end'})")  # on the area's bottom edge
    before = tops(page, 67, 70, 73)
    aim = last.bounding_box()
    line(page, LONG_INDEX, new=67).locator("td.cra-code").click()
    form = page.locator(".cra-side .cra-dock .cra-form")
    form.wait_for()
    assert in_view(form, ".cra-root")
    assert tops(page, 67, 70, 73) == pytest.approx(before, abs=1.5), "a line moved as the form opened"
    page.keyboard.down("Shift")
    page.mouse.click(aim["x"] + aim["width"] / 2, aim["y"] + aim["height"] / 2)
    page.keyboard.up("Shift")
    wait_for(lambda: form.locator(".cra-where").inner_text() == f"{LONG}:67-73", what="the range 67-73")
    assert tops(page, 67, 70, 73) == pytest.approx(before, abs=1.5)
    assert not unexpected_errors(log, lab.app), log.errors


def test_an_edit_changes_its_findings_lines_with_a_shift_click_and_nothing_moves_as_it_opens(lab, new_page):
    """Walk-through 20: an edit could change a finding's words but not its lines; a Shift+click
    during an edit opened a new finding."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    edited = next(f for f in findings(lab) if f["start"] == 20)
    card = page.locator(f".cra-card[data-finding='{edited['id']}']")
    page.locator(".cra-root").evaluate("r => r.scrollIntoView({block: 'start'})")
    page.locator(".cra-main").evaluate(UNDER_HEADER, [LONG_INDEX, 18])  # the card in the area's upper part
    before = tops(page, 20, 21)
    card.locator("button.cra-edit").click()
    form = page.locator(".cra-side .cra-dock .cra-form")
    form.wait_for()
    assert form.locator(".cra-form-head strong").inner_text() == "Edit finding"
    assert tops(page, 20, 21) == pytest.approx(before, abs=1.5), "a line moved as the edit opened"
    assert "cra-editing" in card.get_attribute("class")

    line(page, LONG_INDEX, new=22).locator("td.cra-code").click(modifiers=["Shift"])
    wait_for(lambda: form.locator(".cra-where").inner_text() == f"{LONG}:20-22", what="the edit's range 20-22")
    # a line above the range is taken in, the range's end kept (walk-through 21: 43-44 became 42-43)
    line(page, LONG_INDEX, new=18).locator("td.cra-code").click(modifiers=["Shift"])
    wait_for(lambda: form.locator(".cra-where").inner_text() == f"{LONG}:18-22", what="the edit's range 18-22")
    line(page, LONG_INDEX, new=20).locator("td.cra-code").click(modifiers=["Shift"])  # inside: it ends there
    wait_for(lambda: form.locator(".cra-where").inner_text() == f"{LONG}:18-20", what="the edit's range 18-20")
    assert page.locator(".cra-form").count() == 1, "the Shift+click opened a second form"
    form.locator("select.cra-category").focus()
    page.keyboard.press("Shift+K")  # one line back with the keys, from the form's list
    wait_for(lambda: form.locator(".cra-where").inner_text() == f"{LONG}:18-19", what="the range 18-19")
    form.locator("button.cra-save").click()
    wait_for(
        lambda: any(f["id"] == edited["id"] and (f["start"], f["end"]) == (18, 19) for f in findings(lab)),
        what="the finding saved on 18-19",
    )
    form.wait_for(state="detached")
    assert page.locator(f".cra-card[data-finding='{edited['id']}'] .cra-where").inner_text() == f"{LONG}:18-19"
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_form_for_a_line_at_the_top_of_the_review_opens_in_sight(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    target = line(page, LONG_INDEX, new=70)
    target.evaluate("r => r.scrollIntoView({block: 'center'})")
    # line 70 just under its file's header, at the top of the review's scroll area
    page.locator(".cra-main").evaluate(UNDER_HEADER, [LONG_INDEX, 70])
    before = top(target)
    target.locator("td.cra-code").click()
    form = page.locator(".cra-form")
    form.wait_for()
    wait_for(lambda: in_view(form, ".cra-root") and in_view(target, ".cra-main"), what="the form and its line in view")
    assert abs(top(target) - before) < 1.5, "the clicked line moved"
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
    page.locator(".cra-side").evaluate(
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
    page.locator(".cra-side").evaluate(
        "(a, d) => { a.style.flexBasis = (a.offsetWidth + d) + 'px'; }", want - size["li"]
    )
    assert abs(row.evaluate("li => li.clientWidth") - want) <= 1
    assert abs(top(pill) - top(minus)) < 4, "the pill wrapped apart from the +/- counts"
    # the pill comes before the counts, so they end at one edge on every row (walk 32: 23 px
    # further left on a row with a pill)
    plus = row.locator(".cra-plus")
    assert pill.evaluate("p => p.getBoundingClientRect().right") < plus.evaluate("m => m.getBoundingClientRect().left")
    page.locator(".cra-side").evaluate("a => { a.style.flexBasis = ''; }")
    ends = page.locator(".cra-tree-file .cra-tree-stat").evaluate_all(
        "ss => ss.map((s) => s.getBoundingClientRect().right)"
    )
    assert len(ends) > 2 and max(ends) - min(ends) <= 1, ends
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
