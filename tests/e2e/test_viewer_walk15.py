"""Walk-throughs 14 to 17 (issue #13): what first-time learners measured in the viewer.

1. "Another hint" stays under the pointer: the buttons sit above the hints, so each new hint
   comes in below them (it moved down a hint's height at every click).
2. Paths wrap only after "/", "_" or "-" (the side panel, the tree and the file headers broke
   them inside words), and a file's counts stay on its name's first line in the tree.
3. Ticking Viewed inside a file folds it under its header, with the next file right below.
4. "Show the whole description" sits under the description's faded first lines, not over them.
5. Esc on a form with words in it offers Undo; Ctrl+Enter shows the whole saved card; a key brings
   the whole review into the notebook's view; the wheel stops at the diff's ends; no sliver of a
   file's header above a finding jumped to.
"""

from __future__ import annotations

import pytest
from test_viewer_comfort import AFTER, BEFORE, LONG, LONG_INDEX, write_comfort
from test_viewer_layout import WIDE, in_view
from test_viewer_walk12 import code_lines_in_sight, open_comfort, open_warmup, top
from viewer_flow import line, open_and_run, submit_review, unexpected_errors, wait_for

from course.diff import render_bundle, unified_diff

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(public_bank_lab):
    """One JupyterLab for the module, with the course's bank for the warm-up."""
    return public_bank_lab


def test_another_hint_stays_under_the_pointer(public_bank_lab, new_page):
    page, log, root = open_warmup(public_bank_lab, new_page, "hints", (1440, 1000))
    submit_review(root)
    item = root.locator(".cra-defect[data-defect='0']")
    hint = item.locator("button.cra-hint")
    hint.wait_for()
    places = []
    for n in range(3):
        places.append(top(hint))
        hint.click()
        item.locator(".cra-hints li").nth(n).wait_for()
        page.wait_for_timeout(200)
    # the third hint was the last: the button became "Show the explanation", in the same place
    reveal = item.locator("button.cra-reveal")
    places.append(top(reveal))
    assert max(places) - min(places) <= 1, f"the hint button moved: {places}"
    hints = item.locator(".cra-hints")
    assert top(hints) > top(reveal), "the hints come under the buttons"
    assert not unexpected_errors(log, public_bank_lab.app), log.errors


LINES_OF = """el => {
  const lines = []; let cur = '', last = null;
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (let i = 0; i < n.length; i++) {
      const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
      const rects = r.getClientRects();
      const box = rects[rects.length - 1];
      if (box && last !== null && box.top > last + 2) { lines.push(cur); cur = ''; }
      if (box) last = box.top;
      cur += n.data[i];
    }
  }
  lines.push(cur);
  return lines;
}"""


def test_paths_wrap_only_after_a_slash_underscore_or_dash_and_a_files_counts_keep_its_first_line(lab, new_page):
    """Walk-through 14: "settlement_window_calcu|lator.py" in the findings list, "paymen|ts/" in the
    tree, and the tree's +/- counts wrapped under a long name."""
    page, log = open_comfort(lab, new_page)
    wrapped = {}
    for sel in (".cra-finding-line .cra-where", ".cra-tree-name", ".cra-tree-dirname", ".cra-filehead .cra-path"):
        for el in page.locator(sel).all():
            lines = el.evaluate(LINES_OF)
            wrapped.setdefault(sel, []).append(lines)
            assert all(part[-1] in "/_-" for part in lines[:-1]), f"{sel} wraps inside a word: {lines}"
    # the long names do wrap here (in the cell, the side panel is narrow): the test tests something
    assert max(len(lines) for lines in wrapped[".cra-tree-name"]) >= 2, wrapped
    assert max(len(lines) for lines in wrapped[".cra-finding-line .cra-where"]) >= 2, wrapped
    for row in page.locator(".cra-tree-file").all():
        width, room, name_top, counts_top = row.evaluate(
            """li => [li.scrollWidth, li.clientWidth, li.querySelector('.cra-tree-name').getBoundingClientRect().top,
                      li.querySelector('.cra-tree-counts').getBoundingClientRect().top]"""
        )
        assert width <= room, f"a tree row is cut off: {width} > {room}"
        assert abs(name_top - counts_top) <= 3, f"the counts left the name's first line: {name_top} {counts_top}"
    assert not unexpected_errors(log, lab.app), log.errors


def test_ticking_viewed_inside_a_file_folds_it_and_shows_the_next_file_under_its_header(lab, new_page):
    """Walk-through 14: ticking Viewed in the header of the file being read folded it and left the
    reader somewhere past it, in the files below."""
    # the comfort review with a second long file after the first: room to scroll below the fold
    after = {**AFTER, "web/static/zlong.py": AFTER[LONG]}
    text = render_bundle(
        "viewed",
        "Viewed",
        "bot",
        "Two long files.",
        unified_diff({**BEFORE, "web/static/zlong.py": BEFORE[LONG]}, after),
    )
    (lab.root / "viewed.diff").write_text(text, encoding="utf-8")
    lab.write_notebook("viewed.ipynb", "from course.review import Review\nReview.open('viewed.diff')")
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, "viewed.ipynb")
    main = page.locator(".cra-main")
    head = page.locator(f"section[data-file='{LONG_INDEX}'] > .cra-filehead")
    # read the middle of the long file: its header is stuck at the top of the area
    line(page, LONG_INDEX, new=70).evaluate(
        "tr => { const m = tr.closest('.cra-main'); m.scrollTop += tr.getBoundingClientRect().top - m.getBoundingClientRect().top - 120; }"
    )
    page.wait_for_timeout(300)
    area_top = main.evaluate("m => m.getBoundingClientRect().top")
    assert abs(top(head) - area_top) <= 1, "the long file's header is not stuck at the top"
    head.locator("input[type=checkbox]").click()
    wait_for(
        lambda: page.locator(f"section[data-file='{LONG_INDEX}'] .cra-filebody.cra-hidden").count() == 1,
        what="the file folded",
    )
    page.wait_for_timeout(300)
    assert abs(top(head) - area_top) <= 1, f"the folded file's header left the top: {top(head)} against {area_top}"
    after = page.locator(f"section[data-file='{LONG_INDEX + 1}'] > .cra-filehead")
    assert abs(top(after) - (top(head) + head.bounding_box()["height"])) <= 2, "the next file is not right under it"
    # and back: unticking opens it under the same header
    head.locator("input[type=checkbox]").click()
    wait_for(
        lambda: page.locator(f"section[data-file='{LONG_INDEX}'] .cra-filebody.cra-hidden").count() == 0,
        what="the file open",
    )
    page.wait_for_timeout(300)
    assert abs(top(head) - area_top) <= 1
    assert not unexpected_errors(log, lab.app), log.errors


def test_show_the_whole_description_sits_under_the_faded_lines_not_over_them(lab, new_page):
    page, log, root = open_warmup(lab, new_page, "desc-link")
    text = root.locator(".cra-desc .cra-md")
    whole = root.locator(".cra-desc button.cra-desc-whole")
    assert whole.is_visible()
    assert top(whole) >= text.bounding_box()["y"] + text.bounding_box()["height"] - 0.5, "the link covers the text"
    assert code_lines_in_sight(page) >= 12, code_lines_in_sight(page)
    assert not unexpected_errors(log, lab.app), log.errors


SLIVER = """() => {
  const box = document.querySelector('.cra-root .cra-main').getBoundingClientRect();
  for (const sec of document.querySelectorAll('.cra-root section.cra-file')) {
    const r = sec.getBoundingClientRect();
    if (r.bottom > box.top + 0.5 && r.top < box.top - 0.5) {
      const head = sec.querySelector('.cra-filehead').offsetHeight;
      return r.bottom - box.top < head + 20 ? r.bottom - box.top : 0;
    }
  }
  return 0;
}"""


@pytest.mark.parametrize("viewport", [(1440, 560), (1440, 813), (1440, 997)])  # heights that showed one
def test_going_to_a_finding_leaves_no_sliver_of_the_file_above(lab, new_page, viewport):
    """Walk-through 14: after jumping to a finding in Full width, 12 px of the previous file's
    sticky header showed above the finding's own file."""
    page, log = open_comfort(lab, new_page)
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.locator(".cra-root button.cra-fullwidth").click()
    page.locator(".cra-root.cra-full").wait_for()
    slivers = []
    for n in range(page.locator(".cra-findinglist .cra-finding-link").count()):
        page.locator(".cra-findinglist .cra-finding-link").nth(n).click()
        page.wait_for_timeout(300)
        slivers.append(page.evaluate(SLIVER))
    assert slivers == [0] * len(slivers), f"slivers of the file above, in px: {slivers}"
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_key_brings_the_whole_review_into_the_notebooks_view(lab, new_page):
    """Walk-through 15: with the review's bottom below the notebook's view (JupyterLab had put the
    cell's top in view), j took the cursor out of sight and ? opened the key list 11 px into view."""
    for left in ("catalog-search-filter.findings.json", ".catalog-search-filter.practice.json"):
        (lab.root / left).unlink(missing_ok=True)
    lab.write_notebook(
        "whole.ipynb",
        "x = 1\n" * 12,
        "from course.practice import practice\npractice('catalog-search-filter')",
        "y = 2",
    )
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, "whole.ipynb")
    root = page.locator(".cra-root")
    view_bottom = "() => document.querySelector('.jp-WindowedPanel-outer').getBoundingClientRect().bottom"
    # the review's bottom 120 px below the notebook's view
    page.evaluate(
        """() => { const o = document.querySelector('.jp-WindowedPanel-outer'), r = document.querySelector('.cra-root');
                   o.scrollTop += r.getBoundingClientRect().bottom - o.getBoundingClientRect().bottom - 120; }"""
    )
    page.wait_for_timeout(300)
    box = root.bounding_box()
    assert box["y"] + box["height"] > page.evaluate(view_bottom) + 100
    root.evaluate("r => r.focus({ preventScroll: true })")  # as a click on it would leave it
    page.wait_for_timeout(200)
    box = root.bounding_box()
    assert box["y"] + box["height"] > page.evaluate(view_bottom) + 100
    page.keyboard.press("j")
    page.wait_for_timeout(300)
    box = root.bounding_box()
    assert box["y"] + box["height"] <= page.evaluate(view_bottom) + 1, "j left the review's bottom out of view"
    assert box["y"] >= page.locator(".jp-WindowedPanel-outer").bounding_box()["y"] - 1, "and its top"
    cursor = page.locator(".cra-root tr.cra-cursor")
    assert cursor.bounding_box()["y"] + cursor.bounding_box()["height"] <= page.evaluate(view_bottom)
    page.keyboard.press("?")
    legend = page.locator(".cra-root .cra-help")
    page.wait_for_timeout(300)
    lb = legend.bounding_box()
    assert lb["y"] + lb["height"] <= page.evaluate(view_bottom) + 1, "the key list is below the view"
    assert not unexpected_errors(log, lab.app), log.errors


def open_with_notebook_below(lab, new_page, name: str):
    """The long test review in a cell with a long cell under it; (page, log, the diff's area, the
    notebook's scroller)."""
    write_comfort(lab)
    lab.write_notebook(f"{name}.ipynb", "from course.review import Review\nReview.open('comfort.diff')", "y = 2\n" * 60)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{name}.ipynb")
    return page, log, page.locator(".cra-root .cra-main"), page.locator(".jp-WindowedPanel-outer")


def test_the_wheel_over_the_diff_stops_at_its_end_and_leaves_the_notebook_still(lab, new_page):
    """Walk-through 15: twelve flicks over the diff reached its end, then scrolled the notebook
    1,500 px and the review left the screen. The flicks stop at the end; a wheel after a pause
    moves the notebook."""
    page, log, main, outer = open_with_notebook_below(lab, new_page, "wheel")
    box = main.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    before = outer.evaluate("o => o.scrollTop")
    for _ in range(12):
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(120)
    page.wait_for_timeout(500)
    assert main.evaluate("m => m.scrollTop + m.clientHeight >= m.scrollHeight - 2"), "the diff did not reach its end"
    assert outer.evaluate("o => o.scrollTop") == before, "the wheel carried on into the notebook"
    # read notch by notch to the end and on, a step every 300 ms, the wheel stays with the diff
    # (walk 28: steps 300 ms apart each scrolled the notebook once at the end, and the review
    # left the screen). (From 150 px before the end, after a pause: the steps are one movement
    # that began while the diff could still scroll.)
    main.evaluate("m => { m.scrollTop = m.scrollHeight - m.clientHeight - 150; }")
    page.wait_for_timeout(1200)
    for _ in range(5):
        page.mouse.wheel(0, 100)
        page.wait_for_timeout(300)
    assert main.evaluate("m => m.scrollTop + m.clientHeight >= m.scrollHeight - 2"), "the notches did not reach the end"
    assert outer.evaluate("o => o.scrollTop") == before, "a notch at the diff's end scrolled the notebook"
    # a new movement over the diff, after a pause, with the diff at its end: the notebook has it
    # (walk 25: five wheel steps at the end moved nothing, the notebook a narrow margin away)
    page.wait_for_timeout(1200)
    page.mouse.wheel(0, 300)
    wait_for(lambda: outer.evaluate("o => o.scrollTop") > before, what="the notebook moved by the wheel")
    page.wait_for_timeout(200)
    before = outer.evaluate("o => o.scrollTop")
    # off the review, the wheel scrolls the notebook
    page.mouse.move(box["x"] + box["width"] / 2, outer.bounding_box()["y"] + outer.bounding_box()["height"] - 20)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(500)
    assert outer.evaluate("o => o.scrollTop") != before
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_finding_saved_with_ctrl_enter_shows_its_whole_card(lab, new_page):
    """Walk-throughs 15 and 16: saved with Ctrl+Enter near the area's bottom, the card showed 36
    of its 89 px, its comment hidden. With no pointer to keep still, the whole card shows."""
    page, log = open_comfort(lab, new_page)
    main = page.locator(".cra-root .cra-main")
    target = line(page, LONG_INDEX, new=70)
    target.evaluate(
        "tr => { const m = tr.closest('.cra-main'); m.scrollTop += tr.getBoundingClientRect().bottom - m.getBoundingClientRect().bottom + 4; }"
    )
    page.wait_for_timeout(300)
    target.click()
    form = page.locator(".cra-form")
    form.locator("select.cra-category").select_option("logic")
    form.locator("select.cra-severity").select_option("minor")
    form.locator("textarea").fill("doubles the middle window too,\nso the total is off by one window")
    page.keyboard.press("Control+Enter")
    form.wait_for(state="detached")
    card = page.locator(".cra-card", has_text="doubles the middle window too")
    card.wait_for()
    page.wait_for_timeout(300)
    c, m = card.bounding_box(), main.bounding_box()
    view = page.locator(".jp-WindowedPanel-outer").bounding_box()
    assert c["y"] + c["height"] <= m["y"] + m["height"] + 1, f"the card's bottom is hidden: {c} in {m}"
    assert c["y"] + c["height"] <= view["y"] + view["height"] + 1, "the card is below the notebook's view"
    assert c["y"] >= m["y"] - 1
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_discarded_finding_with_words_in_it_comes_back_with_undo(lab, new_page):
    """Walk-through 17: Esc threw away a finding's 46 typed characters, and u did nothing."""
    page, log = open_comfort(lab, new_page)
    root = page.locator(".cra-root")
    line(page, LONG_INDEX, new=22).click()
    form = root.locator(".cra-form")
    form.locator("select.cra-category").select_option("logic")
    form.locator("textarea").fill("the window is counted twice here")
    form.locator("textarea").press("Escape")
    form.wait_for(state="detached")
    bar = root.locator(".cra-undo")
    assert "Discarded your unsaved finding at" in bar.inner_text() and ":22" in bar.inner_text()
    page.keyboard.press("u")
    form.wait_for()
    assert form.locator("textarea").input_value() == "the window is counted twice here"
    assert form.locator("select.cra-category").input_value() == "logic"
    assert page.evaluate("() => document.activeElement.classList.contains('cra-comment-input')")
    assert bar.count() == 0
    # a form with nothing typed goes without an Undo; so does an edit left as it was
    form.locator("textarea").fill("")
    form.locator("textarea").press("Escape")
    form.wait_for(state="detached")
    assert root.locator(".cra-undo").count() == 0
    root.locator(".cra-card button.cra-edit").first.click()
    form.wait_for()
    form.locator("textarea").press("Escape")
    form.wait_for(state="detached")
    assert root.locator(".cra-undo").count() == 0
    assert not unexpected_errors(log, lab.app), log.errors


def test_after_submit_the_score_has_the_diff_right_under_it(public_bank_lab, new_page):
    """Walk-throughs 16 and 17: after Submit the area showed the score, then the description
    open again, and no line of code. The description comes before the score: Submit brings the
    score to the area's top, the description scrolled away above it, the diff right below it."""
    page, log, root = open_warmup(public_bank_lab, new_page, "after-submit")
    main = root.locator(".cra-main")
    root.locator(".cra-verdict button").nth(1).click()  # request changes
    submit_review(root)
    panel = root.locator(".cra-score-panel")
    panel.wait_for()
    page.wait_for_timeout(500)
    assert abs(top(panel) - top(main)) < 12, (top(panel), top(main))
    desc = root.locator(".cra-desc-area")
    assert desc.evaluate("d => d.getBoundingClientRect().bottom") <= top(main) + 1, (
        "the description is in sight after Submit"
    )
    first_file = root.locator("section.cra-file").first
    assert abs(top(first_file) - panel.evaluate("p => p.parentElement.getBoundingClientRect().bottom")) < 2
    assert code_lines_in_sight(page) >= 3, code_lines_in_sight(page)
    # the header's "Description" brings it back to the area's top
    root.locator("button.cra-to-desc").click()
    wait_for(lambda: abs(top(desc) - top(main)) < 2, what="the description at the top")
    assert not unexpected_errors(log, public_bank_lab.app), log.errors


def test_a_fold_opened_above_the_cursor_leaves_the_cursors_line_where_it_was(lab, new_page):
    """Walk-through 18: "Show 22 unchanged lines" above the finding being read pushed its line
    382 px down, out of the area. The cursor's line stays still; the fold opens above it. (The
    repainted files are laid out before the line is measured: painted with content-visibility
    auto, they stood at their 800 px placeholder, and a line held then moved up 342 px.)"""
    page, log = open_comfort(lab, new_page)
    main = page.locator(".cra-main")
    fold = page.locator(f"table[data-file='{LONG_INDEX}'] tr.cra-fold").nth(1)
    below_n = int(
        fold.evaluate(
            "f => { let r = f.nextElementSibling; while (r && !r.classList.contains('cra-line')) r = r.nextElementSibling;"
            " return r.children[1].textContent.trim(); }"
        )
    )
    below = line(page, LONG_INDEX, new=below_n)
    # the fold a third of the way down the area, the line under it in sight
    main.evaluate(
        "(m, f) => { m.scrollTop += f.getBoundingClientRect().top - m.getBoundingClientRect().top - m.clientHeight / 3; }",
        fold.element_handle(),
    )
    page.wait_for_timeout(300)
    below.click()  # the cursor on it: a click, then Esc
    page.locator(".cra-form").wait_for()
    page.keyboard.press("Escape")
    page.locator(".cra-form").wait_for(state="detached")
    page.wait_for_timeout(300)
    before = top(below)
    box = fold.locator("button").bounding_box()
    assert box["y"] < before, "the fold is above the line"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for(lambda: line(page, LONG_INDEX, new=below_n - 1).count() == 1, what="the fold's lines shown")
    for _ in range(4):  # and it stays there once the browser has laid out the files again
        assert abs(top(below) - before) <= 1, f"line {below_n} moved from {before} to {top(below)}"
        page.wait_for_timeout(250)
    assert not unexpected_errors(log, lab.app), log.errors


def test_the_wheel_over_the_side_panel_and_header_scrolls_the_diff(lab, new_page):
    """Walk-through 18: the wheel over the side panel (or the header) scrolled the notebook 300 px
    and took the toolbar and Submit off the screen. It scrolls the diff, as over the diff; at the
    diff's end the notebook has it."""
    page, log, main, outer = open_with_notebook_below(lab, new_page, "wheel2")
    root = page.locator(".cra-root")
    notebook_at = outer.evaluate("o => o.scrollTop")
    for part in (".cra-aside", ".cra-header"):
        main.evaluate("m => { m.scrollTop = 0; }")
        box = root.locator(part).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 60))
        page.mouse.wheel(0, 300)
        wait_for(lambda: main.evaluate("m => m.scrollTop") > 200, what=f"the diff scrolled by the wheel over {part}")
        page.wait_for_timeout(300)
        assert outer.evaluate("o => o.scrollTop") == notebook_at, f"the wheel over {part} scrolled the notebook"
    # the diff at its end: the wheel over the header moves the notebook on
    main.evaluate("m => { m.scrollTop = m.scrollHeight; }")
    page.wait_for_timeout(200)
    page.mouse.wheel(0, 300)
    wait_for(lambda: outer.evaluate("o => o.scrollTop") != notebook_at, what="the notebook scrolled")
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_findings_place_in_the_side_panel_breaks_between_words_not_inside_the_name(lab, new_page):
    """Walk-through 18, Notebook 7 at 1280 px: the side panel read "reserva" / "tions.py:51-52
    (old)": the name's last 8 characters were kept with the lines. The name's last part keeps
    its lines whole; " (old)" is what goes to the next line."""
    path = "stockroom/reservations.py"
    before = "".join(f"line_{n} = {n}\n" for n in range(1, 61))
    after = "".join(f"line_{n} = {n}\n" for n in range(1, 61) if n not in (51, 52))
    text = render_bundle("narrow", "Fast path", "bot", "Drops a check.", unified_diff({path: before}, {path: after}))
    (lab.root / "narrow.diff").write_text(text, encoding="utf-8")
    (lab.root / "narrow.findings.json").unlink(missing_ok=True)
    lab.write_notebook(
        "narrow.ipynb",
        "from course.review import Review\nreview = Review.open('narrow.diff')\n"
        f"review.flag({path!r}, 51, 'edge-case', 'the lower bound is gone', end=52, side='old')\nreview",
    )
    page, log = new_page(viewport=(1280, 720))
    open_and_run(page, lab, "narrow.ipynb")
    where = page.locator(".cra-findinglist .cra-where")
    where.wait_for()
    assert where.inner_text().replace("\n", " ") == "reservations.py:51-52 (old)"
    lines = where.locator(".cra-where-lines")
    assert lines.inner_text() == "reservations.py:51-52"
    assert lines.evaluate("s => s.getClientRects().length") == 1, "the name is broken"
    assert where.evaluate("w => w.scrollWidth <= w.clientWidth")
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_wrapped_code_line_goes_on_under_a_hanging_indent(lab, new_page):
    """Walk-through 19, Notebook 7 at 1280 px: a long line's continuation started at column 0 and
    read as a line of its own. It goes on 2 characters in from where the line starts."""
    path = "shop/long.py"
    long_line = "value = compute(" + ", ".join(f"argument_{n}" for n in range(40)) + ")\n"
    text = render_bundle(
        "wrap", "Long line", "bot", "A long call.", unified_diff({path: "x = 1\n"}, {path: "x = 1\n" + long_line})
    )
    (lab.root / "wrap.diff").write_text(text, encoding="utf-8")
    lab.write_notebook("wrap.ipynb", "from course.review import Review\nReview.open('wrap.diff')")
    page, log = new_page(viewport=(1280, 720))
    open_and_run(page, lab, "wrap.ipynb")
    code = line(page, 0, new=2).locator("td.cra-code")
    starts = code.evaluate(
        """td => { const r = document.createRange(); r.selectNodeContents(td);
                   const tops = new Map(); for (const b of r.getClientRects()) if (b.width > 0) {
                     const k = Math.round(b.top); tops.set(k, Math.min(tops.get(k) ?? Infinity, b.left)); }
                   return [...tops.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]); }"""
    )
    char = code.evaluate(
        "td => { const s = document.createElement('span'); s.textContent = 'xxxxxxxxxx'; td.append(s); const w = s.getBoundingClientRect().width / 10; s.remove(); return w; }"
    )
    assert len(starts) >= 2, "the line did not wrap: the test proves nothing"
    assert all(abs(s - (starts[0] + 2 * char)) < 1.5 for s in starts[1:]), (starts, char)
    assert not unexpected_errors(log, lab.app), log.errors


def tick_every_file_viewed(root) -> None:
    """Every file's Viewed box ticked, in its header: each file folds to its header."""
    for box in root.locator(".cra-filehead input[type=checkbox]").all():
        box.check()


def test_a_link_marked_in_the_diff_shows_its_lines_in_full_width_with_every_file_viewed(lab, new_page):
    """Walks 24 and 25, Full width at 1440x757 with every file ticked Viewed: "Marked in the diff:
    catalogsearch/search.py:43-44" left line 43 7 px (and once 97 px) under the diff's area. The
    file, opened for the jump, stood at its 800 px placeholder, so the area ended short of line 43."""
    page, log, root = open_warmup(lab, new_page, "marked", WIDE)
    tick_every_file_viewed(root)
    root.locator("button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root.cra-full")
    submit_review(root)
    item = root.locator(".cra-defect[data-defect='0']")
    while item.locator("button.cra-reveal").count() == 0:
        hints = item.locator(".cra-hints li").count()
        item.locator("button.cra-hint").click()
        wait_for(lambda n=hints: item.locator(".cra-hints li").count() > n, what="another hint")
    item.locator("button.cra-reveal").click()
    place = item.locator(".cra-defect-place").first
    place.wait_for()
    assert place.inner_text() == "catalogsearch/search.py:43-44"
    place.click()
    marks = page.locator("tr.cra-defect-mark")
    wait_for(lambda: marks.count() == 2, what="lines 43 and 44 marked")
    for _ in range(3):  # and they stay in sight once the browser has shown the file
        where = marks.evaluate_all(
            """rows => { const box = document.querySelector('.cra-main').getBoundingClientRect();
                         return rows.map(r => { const b = r.getBoundingClientRect(); return [b.top - box.top, box.bottom - b.bottom]; }); }"""
        )
        assert all(up >= 0 and down >= 0 for up, down in where), (
            f"(px under the area's top, px above its bottom): {where}"
        )
        page.wait_for_timeout(250)
    assert not unexpected_errors(log, lab.app), log.errors


def test_the_tree_marks_the_file_read_at_the_diffs_end_not_a_folded_one_under_it(lab, new_page):
    """Walk-through 25: reading the end of search.py, with test_search.py ticked Viewed (folded to
    its header) under it, the tree marked test_search.py as the file being read."""
    page, log, root = open_warmup(lab, new_page, "treeend", WIDE)
    tick_every_file_viewed(root)
    search = root.locator("section.cra-file[data-file='1']")
    assert "catalogsearch/search.py" in search.locator(".cra-filehead").inner_text()
    search.locator("button.cra-chevron").click()  # open again, to read
    line(page, 1, new=50).wait_for()
    main = root.locator(".cra-main")
    main.evaluate("m => { m.scrollTop = m.scrollHeight; }")
    current = root.locator(".cra-tree-current")
    wait_for(lambda: current.count() == 1 and "search.py" in current.inner_text(), what="a file marked")
    page.wait_for_timeout(300)
    assert current.get_attribute("data-file") == "1", current.inner_text()
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_folded_file_opens_when_its_name_or_one_of_its_findings_is_clicked(lab, new_page):
    """Walk-through 26: with the files ticked Viewed (folded to their headers), a click on a name
    in the file tree, or on a finding in the side panel, left the file a 29 px header: nothing to
    see happened. The file opens there; its Viewed tick stays."""
    _page, log, root = open_warmup(
        lab, new_page, "folded", WIDE, "review.flag('catalogsearch/search.py', 41, 'edge-case', 'LIKE wildcards')"
    )
    tick_every_file_viewed(root)
    bodies = root.locator(".cra-filebody.cra-hidden")
    wait_for(lambda: bodies.count() == 3, what="the three files folded")
    root.locator(".cra-finding-link").first.click()  # the finding in search.py
    card = root.locator(".cra-files .cra-card").first
    wait_for(lambda: card.is_visible(), what="the finding's card shown")
    assert in_view(card, ".cra-main")
    assert root.locator("section.cra-file[data-file='1'] .cra-filebody.cra-hidden").count() == 0
    root.locator(".cra-tree-file[data-file='0'] .cra-tree-name").click()  # handlers.py, by name
    first = root.locator("section.cra-file[data-file='0'] tr.cra-line").first
    wait_for(lambda: first.is_visible(), what="handlers.py's lines shown")
    assert root.locator(".cra-filehead input[type=checkbox]:checked").count() == 3, "the Viewed ticks stay"
    assert not unexpected_errors(log, lab.app), log.errors
