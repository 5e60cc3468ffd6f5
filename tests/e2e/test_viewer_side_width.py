"""The side panel's width is the learner's (walk-through 22 of issue #13, JupyterLab at 1440x757):
at a fixed 220 px the file names and their counts wrapped, and an open form pushed the findings
out of sight. The panel now takes a quarter of the review, and the bar between it and the diff
resizes it with the mouse or the arrow keys; the width is kept in the browser, the same in the cell
and in Full width, through a re-run, and a double-click puts the default back.
"""

from __future__ import annotations

import pytest
from test_viewer_comfort import LONG_INDEX, SLUG, write_comfort
from test_viewer_form_place import UNDER_HEADER
from test_viewer_layout import WIDE
from viewer_flow import line, open_and_run, unexpected_errors, wait_for

pytestmark = pytest.mark.browser

WIDTH = "e => e.getBoundingClientRect().width"
TOP = "e => e.getBoundingClientRect().top"


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def width(page, selector: str = ".cra-side") -> float:
    return page.locator(selector).evaluate(WIDTH)


def drag_split(page, dx: float) -> None:
    bar = page.locator(".cra-split").bounding_box()
    x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 5):  # a hand's drag: several moves
        page.mouse.move(x + dx * step / 4, y)
    page.mouse.up()


def test_the_side_panel_is_resized_with_the_mouse_and_keys_and_keeps_its_width(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    body = width(page, ".cra-body")
    default = width(page)
    assert default >= 240, f"the side panel is {default} px of a {body} px review"
    assert page.locator(".cra-split").get_attribute("role") == "separator"

    # the learner reads line 67 of the long file, then drags the bar 120 px to the right
    page.locator(".cra-main").evaluate(UNDER_HEADER, [LONG_INDEX, 17])
    row = line(page, LONG_INDEX, new=17)
    before = row.evaluate(TOP)
    diff_before = width(page, ".cra-main")
    drag_split(page, 120)
    assert width(page) == pytest.approx(default + 120, abs=2)
    assert width(page, ".cra-main") == pytest.approx(diff_before - 120, abs=3), "the diff did not give the room"
    assert row.evaluate(TOP) == pytest.approx(before, abs=2), "the line being read moved"
    assert page.evaluate("() => document.activeElement.classList.contains('cra-split')")

    # from the keyboard: the arrows move it by 16 px (64 with Shift), and j still moves the cursor
    dragged = width(page)
    page.keyboard.press("ArrowLeft")
    assert width(page) == pytest.approx(dragged - 16, abs=1)
    page.keyboard.press("Shift+ArrowRight")
    assert width(page) == pytest.approx(dragged + 48, abs=1)
    assert page.locator(".cra-split").get_attribute("aria-valuenow") == str(round(width(page)))
    chosen = width(page)

    # never more than half the review, however far it is dragged
    drag_split(page, body)
    assert width(page) <= body / 2 + 1
    page.keyboard.press("End")
    assert width(page) <= body / 2 + 1
    page.keyboard.press("Home")
    assert width(page) == pytest.approx(180, abs=1)
    drag_split(page, chosen - 180)
    assert width(page) == pytest.approx(chosen, abs=2)

    # Full width opens at the learner's share of the review too (walk-through 24 had to set it a
    # second time), and the cell at the share set in Full width, not at as many px (walk-through
    # 26: set wide in Full width, the panel squeezed the diff in the cell)
    page.locator(".cra-root button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root.cra-full")
    full = width(page, ".cra-body")
    assert full > body + 100
    assert width(page) == pytest.approx(chosen * full / body, abs=3), "Full width did not keep the learner's share"
    drag_split(page, 60)
    wide = width(page)
    page.keyboard.press("Escape")
    page.wait_for_selector(".cra-root:not(.cra-full)")
    assert width(page) == pytest.approx(wide * body / full, abs=3), "the cell did not open at Full width's share"
    chosen = width(page)

    # a re-run paints a new view: it opens at the learner's width
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_for(lambda: page.locator(".cra-root[data-ready=true]").count() == 1, what="the new view")
    page.wait_for_selector(".cra-root[data-settled=true]")
    wait_for(lambda: abs(width(page) - chosen) <= 2, what=f"the side panel at {chosen} px after the re-run")

    # a double-click on the bar puts the default back, and keeps it through the next re-run
    page.locator(".cra-split").dblclick()
    assert width(page) == pytest.approx(default, abs=2)
    assert page.evaluate("() => localStorage.getItem('cra-side-width')") is None
    assert not unexpected_errors(log, lab.app), log.errors


def test_the_bar_is_not_in_a_narrow_review_where_the_side_panel_is_above_the_diff(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=(640, 800))
    page.add_init_script("localStorage.setItem('cra-side-width', '300')")
    open_and_run(page, lab, f"{SLUG}.ipynb")
    assert not page.locator(".cra-split").is_visible()
    # above the diff, the side panel takes the review's width, whatever width was kept
    assert width(page) == pytest.approx(width(page, ".cra-body"), abs=2)
    assert not unexpected_errors(log, lab.app), log.errors


def test_full_width_and_back_keep_a_line_read_under_its_files_stuck_header(lab, new_page):
    """Walk-through 22 lost its reading place once going to or back from Full width: with no cursor,
    the place kept was the first thing at the area's top, the file's header stuck there, so the
    view came back at that file's first line."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    main = page.locator(".cra-main")
    main.evaluate(UNDER_HEADER, [LONG_INDEX, 17])
    row = line(page, LONG_INDEX, new=17)
    offset = "(r) => r.getBoundingClientRect().top - document.querySelector('.cra-main').getBoundingClientRect().top"
    before = row.evaluate(offset)
    page.locator(".cra-root button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root.cra-full")
    assert row.evaluate(offset) == pytest.approx(before, abs=2), "Full width lost the line being read"
    page.keyboard.press("Escape")
    page.wait_for_selector(".cra-root:not(.cra-full)")
    assert row.evaluate(offset) == pytest.approx(before, abs=2), "back in the cell, the line being read was lost"
    assert not unexpected_errors(log, lab.app), log.errors


def test_each_level_of_the_file_tree_steps_in_by_16_px_and_draws_its_guide(lab, new_page):
    """Walk-through 23: at 10 px a step, a file listed after a folder's files read as one of them."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    left = lambda i: page.locator(f".cra-tree-file[data-file='{i}'] input").evaluate(  # noqa: E731
        "e => e.getBoundingClientRect().left"
    )
    # README.md (top level), services/billing/api.py (one folder in), the long file (two in)
    assert left(1) - left(0) == pytest.approx(16, abs=1)
    assert left(LONG_INDEX) - left(1) == pytest.approx(16, abs=1)
    guides = page.locator(f".cra-tree-file[data-file='{LONG_INDEX}']").evaluate(
        "li => [getComputedStyle(li).backgroundImage, getComputedStyle(li).backgroundSize]"
    )
    assert "gradient" in guides[0] and guides[1].startswith("32px"), guides
    assert not unexpected_errors(log, lab.app), log.errors


def test_with_a_form_open_the_side_panel_shows_the_findings_under_it(lab, new_page):
    """Walks 22 and 23: the form at the top of the side panel pushed the findings under the file
    tree out of sight, so the learner wrote a finding without seeing the others."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    aside = page.locator(".cra-aside")
    heading = aside.locator("h4").last
    items = aside.locator(".cra-findinglist > li")
    assert heading.inner_text().lower() == "findings" and items.count() == 3
    in_aside = """e => { const a = document.querySelector('.cra-aside').getBoundingClientRect();
                         const r = e.getBoundingClientRect(); return r.top >= a.top - 1 && r.bottom <= a.bottom + 1; }"""
    line(page, LONG_INDEX, new=67).locator("td.cra-code").click()
    page.locator(".cra-dock .cra-form").wait_for()
    assert heading.evaluate(in_aside), "the findings' heading is out of the side panel's sight"
    assert items.first.evaluate(in_aside), "the first finding is out of the side panel's sight"
    page.locator(".cra-form textarea").fill("the window")
    main = page.locator(".cra-main").bounding_box()
    page.mouse.move(main["x"] + main["width"] / 2, main["y"] + main["height"] / 2)
    page.mouse.wheel(0, 400)  # reading on in the diff: the tree's current file does not pull the list away
    page.wait_for_timeout(300)
    assert heading.evaluate(in_aside) and items.first.evaluate(in_aside)
    assert not unexpected_errors(log, lab.app), log.errors


@pytest.mark.parametrize("app", ["notebook", "lab"])
def test_back_from_full_width_the_whole_review_is_in_the_notebooks_view(app, servers, new_page):
    """Walk-through 23, Notebook 7 at 1280x720: back in the cell, the review's last 25 px (the
    key legend among them) were under the window's edge."""
    server = servers(app)
    write_comfort(server)
    page, log = new_page(viewport=(1280, 720))
    open_and_run(page, server, f"{SLUG}.ipynb")
    root = page.locator(".cra-root")
    # the notebook scrolled so that the review starts 300 px down: its bottom is under the window
    root.evaluate(
        """r => { let a = r.parentElement;
                  while (a && !(/auto|scroll/.test(getComputedStyle(a).overflowY) && a.scrollHeight > a.clientHeight)) a = a.parentElement;
                  a.scrollTop += r.getBoundingClientRect().top - 300; }"""
    )
    assert root.bounding_box()["y"] + root.bounding_box()["height"] > 720
    root.locator("button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root.cra-full")
    root.locator("button.cra-fullwidth").click()  # "Back to the cell"
    page.wait_for_selector(".cra-root:not(.cra-full)")
    box = root.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 720 + 1, f"the review is at {box} in a 720 px window"
    assert root.locator(".cra-help").evaluate("e => e.getBoundingClientRect().bottom") <= 720 + 1
    assert not unexpected_errors(log, server.app), log.errors


def test_a_press_on_the_key_legend_leaves_the_focus_in_the_open_form(lab, new_page):
    """Walk-through 24: a Shift+click meant for the diff's last line landed on the key legend
    under it; the focus left the form, the comment typed next ran as the review's keys, and a
    Space pressed the Approve button Tab had reached."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    page.locator(".cra-root button.cra-fullwidth").click()  # as the walker was: the legend on screen
    page.wait_for_selector(".cra-root.cra-full")
    line(page, LONG_INDEX, new=67).locator("td.cra-code").click()
    box = page.locator(".cra-form textarea")
    box.click()
    page.keyboard.type("the window")
    legend = page.locator(".cra-help").bounding_box()
    page.keyboard.down("Shift")
    page.mouse.click(legend["x"] + 4, legend["y"] + legend["height"] / 2)  # its edge, not a key or a button
    page.keyboard.up("Shift")
    page.keyboard.type(" doubles")
    assert box.input_value() == "the window doubles"
    assert page.evaluate("() => document.activeElement.classList.contains('cra-comment-input')")
    assert page.evaluate("() => String(window.getSelection())") == "", "the press selected text"
    for place in (".cra-header", ".cra-toolbar", ".cra-aside h4"):  # the chrome around: the same
        b = page.locator(place).first.bounding_box()
        page.mouse.click(b["x"] + b["width"] - 3, b["y"] + 3)
        assert page.evaluate("() => document.activeElement.classList.contains('cra-comment-input')"), place
    assert page.locator(".cra-verdict .cra-active").count() == 0
    assert not unexpected_errors(log, lab.app), log.errors
