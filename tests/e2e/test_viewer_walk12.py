"""Walk-through 12 (issue #13): what a first-time learner measured in the viewer.

1. "Show N unchanged lines" opens the fold where it is: the lines above it stay still, a finding's
   card above the learner's line included (the diff's repaint measured that line without the
   cards, and putting them back moved every line up by their height).
2. The warm-up opens with code in sight: the description shows its first lines until asked for
   whole, and stays folded (or whole) across a reload and a Submit.
3. A draft kept by the browser without a severity comes back without one.
4. Submit takes a deleted finding's Undo away (the review was scored without it). (The new
   finding's form, once as narrow as 720 px in a 1160 px Full width, is now in the side panel.)
5. "Show the explanation" scrolls its item only as far as the explanation needs.
6. Shift+J/K grow a new finding's range while its category or severity list has the focus.
7. A finding saved on the last line in sight shows its card's head; after Submit a link takes
   the learner back to the line they were reading.
8. The toolbar's buttons keep their place as the finding count and the score change.
9. PageDown, Space, PageUp, Home and End page through the review's area, j keeps lines in sight
   beyond the cursor, and a fold opened with the mouse leaves the keys working.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_viewer_comfort import LONG, LONG_INDEX, SLUG, write_comfort
from test_viewer_layout import WIDE
from viewer_flow import line, open_and_run, save_notebook, submit_review, unexpected_errors, wait_for

from course.keys.bank import Bank

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lab(public_bank_lab):
    """One JupyterLab for the module: the warm-up's tests need the course's bank, the others not."""
    return public_bank_lab


def open_comfort(server, new_page):
    """The long test review (test_viewer_comfort), new, in JupyterLab at the walk-through's size."""
    write_comfort(server)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, server, f"{SLUG}.ipynb")
    return page, log


def save_finding(form, comment: str) -> None:
    """Fill an open finding form (logic, minor) and press Save."""
    form.locator("select.cra-category").select_option("logic")
    form.locator("select.cra-severity").select_option("minor")
    form.locator("textarea").fill(comment)
    form.locator("button.cra-save").click()


def top(locator) -> float:
    return locator.evaluate("e => e.getBoundingClientRect().top")


def test_a_fold_opens_where_it_is_and_the_lines_above_it_stay_still(lab, new_page):
    page, log = open_comfort(lab, new_page)
    main = page.locator(".cra-main")
    # the fold between the long file's first two changes, in the middle of the review's area
    fold = page.locator(f"table[data-file='{LONG_INDEX}'] tr.cra-fold").nth(1)
    above = line(page, LONG_INDEX, new=22)
    # the cursor on line 22, under the finding on line 20 (its card sits between them): a click, then Esc
    above.click()
    page.locator(".cra-form").wait_for()
    page.keyboard.press("Escape")
    page.locator(".cra-form").wait_for(state="detached")
    main.evaluate(
        "(m, f) => { m.scrollTop += f.getBoundingClientRect().top - m.getBoundingClientRect().top - m.clientHeight / 2; }",
        fold.element_handle(),
    )
    page.wait_for_timeout(300)
    before = top(above)
    box = fold.locator("button").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for(lambda: line(page, LONG_INDEX, new=30).count() == 1, what="the fold's lines shown")
    page.wait_for_timeout(500)
    assert abs(top(above) - before) <= 1, f"line 22 moved from {before} to {top(above)}"
    # the first line the fold hid is where the button was
    assert abs(top(line(page, LONG_INDEX, new=23)) - box["y"]) <= box["height"]
    assert not unexpected_errors(log, lab.app), log.errors


WARMUP = "catalog-search-filter"  # Start Here's warm-up, from the course's bank


def open_warmup(server, new_page, name: str, viewport=WIDE, *lines: str):
    """The warm-up, new: no findings, score or record left by the module's other tests."""
    for left in (f"{WARMUP}.findings.json", f".{WARMUP}.practice.json", ".learner-record.json"):
        (server.root / left).unlink(missing_ok=True)
    body = "".join(f"{line}\n" for line in lines)
    server.write_notebook(
        f"{name}.ipynb", f"from course.practice import practice\nreview = practice({WARMUP!r})\n{body}review"
    )
    page, log = new_page(viewport=viewport)
    open_and_run(page, server, f"{name}.ipynb")
    return page, log, page.locator(".cra-root")


def code_lines_in_sight(page) -> int:
    """Lines of code wholly inside the review's scroll area (under its sticky file header)."""
    return page.evaluate(
        """() => {
          const m = document.querySelector('.cra-main').getBoundingClientRect();
          const head = document.querySelector('.cra-filehead').getBoundingClientRect().height;
          return [...document.querySelectorAll('tr.cra-line')].filter((r) => {
            const b = r.getBoundingClientRect();
            return b.top >= m.top + head - 1 && b.bottom <= m.bottom + 1;
          }).length;
        }"""
    )


def test_the_warm_up_opens_with_code_in_sight_and_the_whole_description_a_click_away(public_bank_lab, new_page):
    page, log, root = open_warmup(public_bank_lab, new_page, "first-view")
    desc = root.locator(".cra-desc")
    assert desc.evaluate("d => d.open")
    first = desc.locator(".cra-md > *").first
    assert first.is_visible() and "GET /search" in first.inner_text()
    assert code_lines_in_sight(page) >= 12, code_lines_in_sight(page)
    whole = desc.locator("button.cra-desc-whole")
    assert whole.is_visible() and "whole description" in whole.inner_text()
    # it reads as a link, in the link colour of "Description" above it (it was the text's colour)
    link = root.locator(".cra-meta .cra-to-desc")
    colour = "e => getComputedStyle(e).color"
    assert whole.evaluate(colour) == link.evaluate(colour) != desc.locator(".cra-md").evaluate(colour)
    last = desc.locator(".cra-md > *").last
    assert "All tests pass locally" in last.inner_text() and not in_area(last)
    whole.click()
    page.locator(".cra-main").evaluate("m => { m.scrollTop = 0; }")
    wait_for(lambda: in_area(last), what="the description's last paragraph shown")
    assert not whole.is_visible()
    # the button hid itself; the keys stay the review's (walk-through 22: Escape did nothing after it)
    assert page.evaluate("() => !!document.activeElement.closest('.cra-root')"), "the focus fell to the page"
    assert not unexpected_errors(log, public_bank_lab.app), log.errors


def in_area(locator) -> bool:
    """Wholly shown: inside the review's scroll area and not cut off by the description's fold."""
    return locator.evaluate(
        """e => {
          const b = e.getBoundingClientRect();
          for (let a = e.parentElement; a; a = a.parentElement) {
            if (getComputedStyle(a).overflowY === 'visible') continue;
            const r = a.getBoundingClientRect();
            if (b.top < r.top - 1 || b.bottom > r.bottom + 1) return false;
            if (a.classList.contains('cra-main')) return true;
          }
          return true;
        }"""
    )


def test_a_folded_description_stays_folded_after_a_reload_and_submit(public_bank_lab, new_page):
    """Walk-through 12 folded the description, reloaded later, and Submit showed the score above
    the description open again: the fold is kept for the review in this browser."""
    page, log, root = open_warmup(public_bank_lab, new_page, "folded")
    desc = root.locator(".cra-desc")
    desc.locator("summary").click()
    wait_for(lambda: not desc.evaluate("d => d.open"), what="the description folded")
    save_notebook(page)
    page.wait_for_timeout(300)
    open_and_run(page, public_bank_lab, "folded.ipynb")
    assert not root.locator(".cra-desc").evaluate("d => d.open"), "the reload opened the folded description"
    submit_review(root)
    page.locator(".cra-score-value").wait_for()
    page.wait_for_timeout(500)
    assert not root.locator(".cra-desc").evaluate("d => d.open"), "Submit opened the folded description"
    assert not unexpected_errors(log, public_bank_lab.app), log.errors


def test_a_draft_without_a_severity_comes_back_without_one(lab, new_page):
    """The browser kept an unsaved draft's severity as "major" when none was chosen, so a reload
    chose one for the learner."""
    page, log = open_comfort(lab, new_page)
    line(page, LONG_INDEX, new=20).click()
    form = page.locator(".cra-form")
    form.locator("textarea").fill("a draft with no severity yet")
    page.wait_for_timeout(300)
    save_notebook(page)
    page.wait_for_timeout(300)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    form.wait_for()
    assert form.locator("textarea").input_value() == "a draft with no severity yet"
    assert form.locator("select.cra-severity").input_value() == ""
    # the banner's "Show it" puts the keys in its comment (walk-through 17: they stayed on the link)
    page.locator(".cra-root button.cra-to-draft").click()
    assert page.evaluate("() => document.activeElement.classList.contains('cra-comment-input')")
    assert not unexpected_errors(log, lab.app), log.errors


def test_submit_takes_a_deleted_findings_undo_away(public_bank_lab, new_page):
    page, log, root = open_warmup(public_bank_lab, new_page, "undo", viewport=(1900, 900))
    for n in (13, 15):
        line(page, 0, new=n).click()
        form = root.locator(".cra-form")
        save_finding(form, f"a finding on line {n}")
        form.wait_for(state="detached")
    root.locator(".cra-card button.cra-delete").first.click()
    undo = root.locator(".cra-undo")
    undo.wait_for()
    submit_review(root)
    page.locator(".cra-score-value").wait_for()
    undo.wait_for(state="detached")
    assert root.locator(".cra-card").count() == 1
    assert not unexpected_errors(log, public_bank_lab.app), log.errors


def test_an_explanation_opens_with_its_item_moved_only_as_far_as_it_must(public_bank_lab, new_page):
    """Walk-through 12: "Show the explanation" put its item at the top of the area, moving what
    the learner was reading by 42 px though the explanation fitted below it."""
    flags = [
        f"review.flag({d.file!r}, {d.lines[0]}, {d.category!r}, 'seen', side={d.side!r})"
        for d in Bank(ROOT / "exercises").get(WARMUP).key.defects
    ]
    page, log, root = open_warmup(public_bank_lab, new_page, "explain", (1440, 1000), *flags)
    submit_review(root)  # both defects found: each offers its explanation at once
    item = root.locator(".cra-defect[data-defect='1']")
    item.locator("button.cra-reveal").wait_for()
    area = page.locator(".cra-main").bounding_box()
    start = top(item)
    assert area["y"] + 20 < start
    item.locator("button.cra-reveal").click()
    item.locator(".cra-explanation").wait_for()
    page.wait_for_timeout(300)
    box = item.bounding_box()
    assert box["height"] < area["height"] - 40, "this test wants an explanation that fits in the area"
    assert box["y"] + box["height"] <= area["y"] + area["height"] + 1, "the explanation is out of sight"
    assert top(item) > area["y"] + 2, f"the item went from {start} to the area's top ({area['y']}) though it fitted"
    assert not unexpected_errors(log, public_bank_lab.app), log.errors


def test_shift_j_and_k_grow_a_new_findings_range_while_its_category_list_has_the_focus(lab, new_page):
    """Walk-through 12: after f the focus is in the category list, and Shift+J went into the list
    instead of growing the range."""
    page, log = open_comfort(lab, new_page)
    line(page, LONG_INDEX, new=21).click()
    form = page.locator(".cra-form")
    category = form.locator("select.cra-category")
    wait_for(lambda: category.evaluate("s => s === document.activeElement"), what="the category list focused")
    page.keyboard.press("Shift+J")
    page.keyboard.press("Shift+J")
    wait_for(lambda: f"{LONG}:21-23" in form.locator(".cra-form-head").inner_text(), what="the range 21-23")
    page.keyboard.press("Shift+K")
    wait_for(lambda: f"{LONG}:21-22" in form.locator(".cra-form-head").inner_text(), what="the range 21-22")
    assert category.input_value() == "" and category.evaluate("s => s === document.activeElement")
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_finding_saved_on_the_last_line_in_sight_shows_its_cards_head(lab, new_page):
    """Walk-throughs 10 and 13 flagged the last line in sight: after Save the card lay under the
    area's edge and only the side panel said it was saved."""
    page, log = open_comfort(lab, new_page)
    main = page.locator(".cra-main")
    last = line(page, LONG_INDEX, new=71)
    last.evaluate("r => r.scrollIntoView({block: 'end'})")  # the last line in sight
    last.locator("td.cra-code").click()
    form = page.locator(".cra-form")
    save_finding(form, "the last line in sight")
    form.wait_for(state="detached")
    card = page.locator(".cra-card", has_text="the last line in sight")
    card.wait_for()
    page.wait_for_timeout(300)
    area = main.bounding_box()
    head = card.locator(".cra-card-head .cra-cat").bounding_box()  # its category, on its first line
    assert head["y"] + head["height"] <= area["y"] + area["height"] + 1, (head, area)
    assert top(last) >= area["y"], "the flagged line went out of sight"
    assert not unexpected_errors(log, lab.app), log.errors


def test_after_submit_a_link_takes_the_learner_back_to_the_line_they_were_reading(lab, new_page):
    """Walk-through 13: every Submit showed the score at the top and lost the place in the diff."""
    page, log, root = open_warmup(lab, new_page, "back")
    reading = line(page, 1, new=43)  # catalogsearch/search.py:43, the brands' f-string
    main = page.locator(".cra-main")
    main.evaluate(
        "(m, r) => { m.scrollTop += r.getBoundingClientRect().top - m.getBoundingClientRect().top - 120; }",
        reading.element_handle(),
    )
    page.wait_for_timeout(300)
    offset = top(reading) - main.bounding_box()["y"]
    submit_review(root)
    page.locator(".cra-score-value").wait_for()
    back = root.locator(".cra-back-to-diff button")
    back.wait_for()
    # the first line in sight under the file's header (no cursor was set)
    assert re.fullmatch(r"Back to catalogsearch/search\.py:(3\d|4[0-3]), where you were reading", back.inner_text())
    assert top(reading) - main.bounding_box()["y"] != offset  # the score took the area's top
    back.click()
    wait_for(lambda: abs(top(reading) - main.bounding_box()["y"] - offset) <= 1, what="line 43 back in its place")
    assert not unexpected_errors(log, lab.app), log.errors


def test_the_toolbar_keeps_its_buttons_in_place_as_the_count_and_the_score_change(lab, new_page):
    """Walk-through 13: "0 findings" to "1 finding" moved the verdict buttons, and "Score 75%" to
    "Score 75% (old)" moved Full width."""
    page, log, root = open_warmup(lab, new_page, "toolbar")
    approve, full = root.locator(".cra-verdict-approve"), root.locator("button.cra-fullwidth")
    x = lambda b: b.bounding_box()["x"]  # noqa: E731
    before = (x(approve), x(full))
    line(page, 0, new=13).click()
    form = root.locator(".cra-form")
    save_finding(form, "one")
    wait_for(lambda: root.locator(".cra-count").inner_text() == "1 finding", what="1 finding")
    assert (x(approve), x(full)) == before
    submit_review(root)
    score = root.locator("button.cra-to-score")
    score.wait_for()
    at = x(full)
    line(page, 0, new=15).click()
    save_finding(form, "two")
    wait_for(lambda: score.inner_text().endswith("(old)"), what="the score marked old")
    assert x(full) == at and (x(approve), x(full)) == before
    assert not unexpected_errors(log, lab.app), log.errors


def test_the_keyboard_reads_the_diff_page_by_page_with_lines_beyond_the_cursor(lab, new_page):
    """Walk-through 14: PageDown and Space scrolled the notebook (the review left the screen), j
    kept the cursor on the area's bottom edge, and a fold's button took the focus with it."""
    page, log = open_comfort(lab, new_page)
    main = page.locator(".cra-main")
    scroller = "() => document.querySelector('.cra-root').closest('.jp-WindowedPanel-outer').scrollTop"
    page.locator(".cra-title").click()  # the review has the keys, no form opened
    area = main.evaluate("m => m.scrollTop")
    page.keyboard.press("PageDown")
    wait_for(lambda: main.evaluate("m => m.scrollTop") > area + 200, what="the area paged down")
    # the first key brought the whole review into the notebook's view (walk-through 15), no further
    notebook = page.evaluate(scroller)
    view = page.locator(".jp-WindowedPanel-outer").bounding_box()
    review = page.locator(".cra-root").bounding_box()
    assert view["y"] - 1 <= review["y"] and review["y"] + review["height"] <= view["y"] + view["height"] + 1
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Space")
    page.keyboard.press("End")
    wait_for(lambda: main.evaluate("m => m.scrollTop + m.clientHeight >= m.scrollHeight - 1"), what="the end")
    page.keyboard.press("Home")
    wait_for(lambda: main.evaluate("m => m.scrollTop") == 0, what="the top")
    assert page.evaluate(scroller) == notebook, "a key scrolled the notebook"
    bottom = main.bounding_box()["y"] + main.bounding_box()["height"]
    for _ in range(60):  # down until the area has scrolled to follow the cursor
        page.keyboard.press("j")
        if main.evaluate("m => m.scrollTop") > 0:
            break
    cursor = page.locator("tr.cra-cursor").bounding_box()
    assert main.evaluate("m => m.scrollTop + m.clientHeight < m.scrollHeight - 40"), "the test wants more below"
    assert bottom - (cursor["y"] + cursor["height"]) >= 2 * cursor["height"], "no line in sight beyond the cursor"
    fold = page.locator(f"table[data-file='{LONG_INDEX}'] tr.cra-fold button").first
    fold.evaluate("b => b.scrollIntoView({block: 'center'})")
    fold.click()
    page.wait_for_timeout(500)
    assert page.evaluate("() => document.querySelector('.cra-root').contains(document.activeElement)")
    assert not unexpected_errors(log, lab.app), log.errors


def test_submitting_with_files_not_read_names_them_and_follows_the_viewed_boxes(public_bank_lab, new_page):
    """Walk-through 22 submitted the warm-up with "0 / 4 files viewed" and was told nothing; the
    score then showed every answer. Files neither ticked Viewed nor flagged are named first."""
    # ten findings in the first file: the side panel is long enough to scroll
    notes = [f"review.flag('catalogsearch/handlers.py', {n}, 'logic', 'note {n}')" for n in range(22, 32)]
    page, log, root = open_warmup(public_bank_lab, new_page, "unread", WIDE, *notes)
    paths = [e.get_attribute("title") for e in root.locator(".cra-tree-file .cra-tree-name").all()]
    assert len(paths) >= 2
    page.locator("table[data-file='0'] tr.cra-line").first.click()  # a finding in the first file: it was read
    form = root.locator(".cra-form")
    save_finding(form, "read this one")
    form.wait_for(state="detached")
    row = page.locator("table[data-file='0'] tr.cra-line").nth(3)
    aside = root.locator(".cra-aside")
    aside.evaluate("a => { a.scrollTop = 0; }")
    assert aside.evaluate("a => a.scrollHeight > a.clientHeight + 40"), "the side panel cannot scroll"
    before = top(row)
    root.locator("button.cra-submit").click()
    ask = root.locator(".cra-unread-ask")
    ask.wait_for()
    # the side panel at its top stays there: its "Files" heading is not cut (walk 28: by 22 px)
    assert aside.evaluate("a => a.scrollTop") == 0
    assert top(aside.locator("h4").first) >= top(aside), "the side panel's heading is cut"
    # the ask comes in above the diff, and the diff scrolls by its height: no line moves (walk
    # 25: the diff moved 72 px down under the learner's eyes)
    assert abs(top(row) - before) < 1, f"line moved from {before} to {top(row)}"
    names = [e.inner_text() for e in ask.locator("button.cra-link").all()]
    assert names == paths[1:], names
    # few words: two lines at most, its button among them (walk 29: 92 px, the button alone on a line)
    tall = ask.evaluate("e => e.getBoundingClientRect().height")
    assert tall <= 2 * 17 + 20, f"the ask is {tall} px tall"
    assert f"{len(paths) - 1} of {len(paths)} files are not ticked Viewed" in ask.inner_text()
    assert page.evaluate("() => document.activeElement.closest('.cra-unread-ask') !== null")
    page.wait_for_timeout(300)  # nothing was sent to be scored
    assert root.locator(".cra-score-value").count() == 0
    # Submit again with the ask showing: the ask answers (walk 31: the button only darkened);
    # it moves, its own button takes the focus, and nothing is submitted
    assert "cra-ask-again" not in (ask.get_attribute("class") or "")
    root.locator("button.cra-submit").click()
    wait_for(lambda: "cra-ask-again" in (ask.get_attribute("class") or ""), what="the ask to be nudged")
    # (walk 32 saw neither the nudge nor the focus move after a click: the words say it)
    assert ask.inner_text().startswith("Not submitted: ") and ask.locator("strong.cra-not-submitted").count() == 1
    assert page.evaluate("() => document.activeElement.matches('.cra-unread-ask button.cra-submit-anyway')")
    page.wait_for_timeout(300)
    assert root.locator(".cra-score-value").count() == 0

    ask.locator("button.cra-link").last.click()  # a name goes to its file
    last = len(paths) - 1
    wait_for(
        lambda: (
            page.evaluate("() => document.querySelector('.cra-cursor')?.closest('table')?.dataset.file") == str(last)
        ),
        what="the cursor in the last file",
    )
    for i in range(1, len(paths) - 1):  # ticked Viewed, one by one: the ask follows
        root.locator(f".cra-tree-file[data-file='{i}'] input[type=checkbox]").check()
        left = len(paths) - 1 - i
        wait_for(lambda left=left: ask.locator("button.cra-link").count() == left, what=f"{left} files named")
    assert "1 file is not ticked Viewed" in ask.inner_text()
    height = ask.evaluate("e => e.getBoundingClientRect().height")
    tree_top = top(root.locator(".cra-tree"))
    root.locator(f".cra-tree-file[data-file='{last}'] input[type=checkbox]").check()
    # all read: the bar says so and stays, its Submit going on, so nothing jumps under the
    # pointer as the last box is ticked (walk-through 24: the tree moved up 72 px, and the next
    # clicks landed in the findings)
    wait_for(lambda: "Every file is now ticked Viewed" in ask.inner_text(), what="the bar to say all are read")
    assert ask.locator("button.cra-link").count() == 0
    moved = abs(top(root.locator(".cra-tree")) - tree_top)
    assert moved < 1, f"the side panel moved {moved} px as the last box was ticked (the bar: {height} px)"

    # no second Submit in the bar (walk 29): the toolbar's goes on to the next ask
    assert ask.locator("button").count() == 0
    root.locator("button.cra-submit").click()
    root.locator(".cra-verdict-ask").wait_for()  # the verdict is still asked
    assert root.locator(".cra-unread-ask").count() == 0
    root.locator("button.cra-submit-anyway").click()
    page.locator(".cra-score-value").wait_for()
    assert not unexpected_errors(log, public_bank_lab.app), log.errors


def test_back_to_the_place_read_leaves_no_strip_of_the_score_above_the_file(lab, new_page):
    """Walk-through 23: "Back to ..., where you were reading" put the first file's header 14 px
    under the area's top, over half a line of the score (new above the diff since the place was
    kept). The file's top goes to the area's top; the line read moves up by the strip."""
    page, log, root = open_warmup(lab, new_page, "strip")
    main = page.locator(".cra-main")
    first = page.locator("section.cra-file[data-file='0']")
    main.evaluate(  # the learner reads the first file with 14 px of the description above it
        "(m, s) => { m.scrollTop += s.getBoundingClientRect().top - m.getBoundingClientRect().top - 14; }",
        first.element_handle(),
    )
    page.wait_for_timeout(300)
    assert top(first) - main.bounding_box()["y"] == pytest.approx(14, abs=1)
    submit_review(root)
    page.locator(".cra-score-value").wait_for()
    root.locator(".cra-back-to-diff button").click()
    wait_for(lambda: abs(top(first) - main.bounding_box()["y"]) <= 1, what="the file's top at the area's top")
    page.wait_for_timeout(300)
    assert abs(top(first) - main.bounding_box()["y"]) <= 1, "a strip of the score shows above the file"
    # walk 31: the keys go on from there (the focus stayed on the link, scrolled away: f did nothing)
    assert root.evaluate("r => r === document.activeElement")
    page.keyboard.press("j")
    page.keyboard.press("f")
    form = root.locator(".cra-form")
    form.wait_for(timeout=5000)
    assert form.locator("select.cra-category").evaluate("s => s === document.activeElement")
    assert not unexpected_errors(log, lab.app), log.errors
