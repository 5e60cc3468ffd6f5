"""What walk-through 28 (a blind learner in JupyterLab and Notebook 7) found in the viewer.

1. "your finding: path:lines" in the feedback was plain text beside the links of the defects'
   and decoys' places: it is a link to the finding in the diff, in "Findings that hit no defect"
   too.
   After a score, each finding's card and its entry in the side panel say what the score made
   of it (the defect it found, a decoy, no defect), until the review changes.
2. Two files of one name in two folders (client/http.mjs, server/http.mjs) gave two findings
   the side panel named "http.mjs:20" and "http.mjs:51-53", read as one file: each name is the
   shortest end of its path that no other file of the review ends with.
3. A reload (or a re-run of the cell) opened the diff at its top: the line being read is kept in
   the browser for the review, and the diff opens there again; the score at the area's top
   after a Submit does not forget it (walk-through 30).
4. (Walk-through 29.) In Full width, Esc after "Run the proof" did nothing: the focus had fallen
   to the page.
5. (Walk-through 31.) Scrolling the notebook down with the wheel, the review came under the
   pointer and took the rest of the movement: 12 notches scrolled the diff 1,200 px.
"""

from __future__ import annotations

import pytest
from test_learner_practice import open_practice
from test_viewer_comfort import SLUG as LONG_SLUG
from test_viewer_comfort import write_comfort
from test_viewer_layout import WIDE
from test_viewer_walk12 import open_comfort
from viewer_flow import line, open_and_run, submit_review, unexpected_errors, wait_for

from course.diff import render_bundle, unified_diff

pytestmark = pytest.mark.browser
WHEEL_PAUSE_MS = 700  # viewer.js: a wheel event this long after the last one starts a new movement


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


IN_AREA = """e => {
  const b = e.getBoundingClientRect(), m = e.closest('.cra-main').getBoundingClientRect();
  return b.top >= m.top - 1 && b.bottom <= m.bottom + 1;
}"""


def test_your_finding_in_the_feedback_is_a_link_to_it_in_the_diff(lab, new_page):
    page, log, root = open_practice(
        lab,
        new_page,
        "finding-link",
        "review.flag('viewercart/cart.py', 10, 'edge-case', 'empty cart')",  # defect B
        "review.flag('viewercart/cart.py', 14, 'logic', 'rounds down')",  # the decoy
        "review.verdict = 'request-changes'",
    )
    submit_review(root)
    found = root.locator(".cra-defect[data-defect='1']")
    found.wait_for()
    link = found.locator("button.cra-finding-place")
    assert link.inner_text() == "viewercart/cart.py:10"
    colour = "e => getComputedStyle(e).color"
    assert link.evaluate(colour) == root.locator(".cra-meta .cra-to-desc").evaluate(colour)
    card = root.locator(".cra-files .cra-card").filter(has_text="empty cart")
    # what the score made of each finding, on its card and in the side panel (walk 28: the cards
    # did not say which findings hit)
    decoy_card = root.locator(".cra-files .cra-card").filter(has_text="rounds down")
    assert card.locator(".cra-outcome").inner_text() == "\u2713 Defect 2"
    assert decoy_card.locator(".cra-outcome").inner_text() == "a decoy"
    assert root.locator(".cra-findinglist .cra-outcome").all_inner_texts() == ["\u2713 Defect 2", "a decoy"]
    link.click()
    wait_for(lambda: card.evaluate(IN_AREA), what="the finding's card in the diff's area")
    assert "cra-current" in card.get_attribute("class")
    # the finding that hit the decoy: its place is a link too
    root.locator("button.cra-to-score").click()
    other = root.locator(".cra-fps button.cra-finding-place")
    other.wait_for()
    assert other.inner_text() == "viewercart/cart.py:14"
    other.click()
    wait_for(lambda: decoy_card.evaluate(IN_AREA), what="the decoy finding's card in the diff's area")
    # the review changed since the score: the labels go, as they could be stale
    line(page, 0, new=5).locator("td.cra-code").click()
    form = root.locator(".cra-form")
    form.locator("select.cra-category").select_option("logic")
    form.locator("select.cra-severity").select_option("major")
    form.locator("button.cra-save").click()
    wait_for(lambda: root.locator(".cra-outcome").count() == 0, what="the outcome labels gone")
    assert not unexpected_errors(log, lab.app), log.errors


def test_two_files_of_one_name_are_told_apart_in_the_findings(lab, new_page):
    before = {"client/http.mjs": "export const a = 1;\n", "server/http.mjs": "export const b = 1;\n"}
    after = {
        "client/http.mjs": "export const a = 2;\n",
        "server/http.mjs": "export const b = 2;\n",
        "server/app.mjs": "export const app = 1;\n",
    }
    text = render_bundle(
        "two-https", "Two of one name", "bot (AI-assisted)", "Bumps both.", unified_diff(before, after)
    )
    (lab.root / "two-https").mkdir()
    (lab.root / "two-https" / "two-https.diff").write_text(text, encoding="utf-8")
    lab.write_notebook(
        "two-https/r.ipynb",
        "from course.review import Review\n"
        "review = Review.open('two-https.diff')\n"
        "review.flag('client/http.mjs', 1, 'logic', 'one')\n"
        "review.flag('server/http.mjs', 1, 'logic', 'two')\n"
        "review.flag('server/app.mjs', 1, 'logic', 'three')\n"
        "review",
    )
    page, log = new_page()
    open_and_run(page, lab, "two-https/r.ipynb")
    names = page.locator(".cra-findinglist .cra-where").all_inner_texts()
    assert sorted(names) == ["app.mjs:1", "client/http.mjs:1", "server/http.mjs:1"], names
    assert not unexpected_errors(log, lab.app), log.errors


# The first line wholly under its file's header at the diff area's top: its file, row, and
# distance from the area's top.
READING = """() => {
  const m = document.querySelector('.cra-main'), box = m.getBoundingClientRect();
  for (const tr of m.querySelectorAll('tr.cra-line')) {
    const r = tr.getBoundingClientRect();
    const head = tr.closest('section.cra-file').querySelector('.cra-filehead').getBoundingClientRect().bottom;
    if (r.height > 0 && r.top >= Math.max(box.top, head) - 1) {
      return [tr.closest('table').dataset.file, tr.dataset.row, Math.round(r.top - box.top)];
    }
  }
  return null;
}"""


def test_a_reload_opens_the_diff_where_the_learner_was_reading(lab, new_page):
    page, log = open_comfort(lab, new_page)
    main = page.locator(".cra-root .cra-main")
    box = main.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(6):
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(100)
    page.wait_for_timeout(900)  # the place is kept once the diff stops scrolling
    place = page.evaluate(READING)
    assert place is not None and main.evaluate("m => m.scrollTop") > 500, place
    open_and_run(page, lab, f"{LONG_SLUG}.ipynb")  # a reload, and the cell run again
    page.locator(".cra-root[data-place-restored=true]").wait_for()
    now = page.evaluate(READING)
    assert now[:2] == place[:2] and abs(now[2] - place[2]) <= 2, (place, now)
    # the score (or the description) at the area's top, no line of the diff in sight, keeps the
    # line read last (walk 30 submitted at search.py:41; the score at the top forgot it, and the
    # reload opened at the top)
    main.evaluate("m => { m.scrollTop = 0; }")
    page.wait_for_timeout(900)
    open_and_run(page, lab, f"{LONG_SLUG}.ipynb")
    page.locator(".cra-root[data-place-restored=true]").wait_for()
    again = page.evaluate(READING)
    assert again[:2] == place[:2] and abs(again[2] - place[2]) <= 2, (place, again)
    assert not unexpected_errors(log, lab.app), log.errors


def test_esc_leaves_full_width_after_run_the_proof(lab, new_page):
    """Walk-through 29: in Full width, "Run the proof" was clicked, then Esc twice did nothing: the
    button, disabled while the proof ran, had dropped the focus to the page."""
    page, log, root = open_practice(
        lab, new_page, "proof-esc", "review.flag('viewercart/cart.py', 10, 'edge-case', 'empty cart')"
    )
    submit_review(root)
    found = root.locator(".cra-defect[data-defect='1']")
    found.locator("button.cra-reveal").click()
    button = found.locator(".cra-proof button.cra-prove")
    button.wait_for()
    root.locator("button.cra-fullwidth").click()
    wait_for(lambda: root.get_attribute("data-full") == "true", what="Full width")
    button.click()
    found.locator(".cra-proof-run").wait_for(timeout=30_000)  # two pytest runs in the kernel
    page.keyboard.press("Escape")
    wait_for(lambda: root.get_attribute("data-full") == "false", what="Esc to leave Full width")
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_wheel_movement_of_the_notebook_goes_on_over_the_review_until_it_pauses(lab, new_page):
    """Walk 31: the notebook scrolled by the wheel stopped where the review came under the
    pointer, and the diff took the next notches. The movement stays the notebook's; after a
    pause the wheel over the diff scrolls the diff."""
    write_comfort(lab)
    lab.write_notebook("latch.ipynb", "y = 2\n" * 40, "from course.review import Review\nReview.open('comfort.diff')")
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, "latch.ipynb")
    main, outer = page.locator(".cra-root .cra-main"), page.locator(".jp-WindowedPanel-outer")
    outer.evaluate("o => { o.scrollTop = 0; }")
    page.wait_for_timeout(500)
    view = outer.bounding_box()
    page.mouse.move(view["x"] + view["width"] / 2, view["y"] + view["height"] / 2)
    assert page.locator(".cra-root").bounding_box()["y"] > view["y"] + view["height"] / 2  # below the pointer
    for _ in range(8):  # a notch every 150 ms: one movement
        page.mouse.wheel(0, 100)
        page.wait_for_timeout(150)
    page.wait_for_timeout(300)
    assert page.locator(".cra-root").bounding_box()["y"] < view["y"] + view["height"] / 2, (
        "the review never came under the pointer"
    )
    assert main.evaluate("m => m.scrollTop") == 0, "the diff took the notebook's movement"
    assert outer.evaluate("o => o.scrollTop") >= 700
    # a new movement, after a pause, over the diff: the diff's
    page.wait_for_timeout(WHEEL_PAUSE_MS + 300)
    box = main.bounding_box()
    top, bottom = max(box["y"], view["y"]), min(box["y"] + box["height"], view["y"] + view["height"])
    assert bottom - top > 100, (box, view)
    page.mouse.move(box["x"] + box["width"] / 2, (top + bottom) / 2)  # the diff's part in sight
    at = outer.evaluate("o => o.scrollTop")
    page.mouse.wheel(0, 200)
    wait_for(lambda: main.evaluate("m => m.scrollTop") > 100, what="the diff scrolled by a new movement")
    assert outer.evaluate("o => o.scrollTop") == at
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_narrow_reviews_toolbar_keeps_to_one_row(lab, new_page):
    """Walk 32, Notebook 7 and JupyterLab at 1280 px with the file browser open (a review 848 px
    wide): the toolbar wrapped onto two rows, "Submit again" alone on the second (70 px). The
    files-viewed bar and the "Verdict:" label give way; the count and the buttons stay."""
    page, log, root = open_practice(lab, new_page, "narrow")
    root.evaluate("r => { r.style.width = '848px'; }")
    root.locator("button.cra-verdict-request-changes").click()
    submit_review(root)
    root.locator(".cra-score-value").wait_for()
    toolbar = root.locator(".cra-toolbar")
    rows = toolbar.locator(":scope > :not(.cra-submit-ask)").evaluate_all(
        "es => es.map((e) => [e.className, e.getBoundingClientRect().top, e.getBoundingClientRect().bottom])"
    )
    assert len(rows) == 6, rows  # the count, findings, verdict, Full width, Score, Submit again
    middles = [(top + bottom) / 2 for _, top, bottom in rows]
    assert max(middles) - min(middles) < 6, rows
    assert not toolbar.locator(".cra-bar").is_visible() and not toolbar.locator(".cra-verdict .cra-label").is_visible()
    assert "files viewed" in toolbar.locator(".cra-progress").inner_text()
    assert toolbar.locator(".cra-verdict").get_attribute("aria-label") == "Verdict"
    # in Full width, "Back to the cell" is outlined, not a second filled button beside Submit (walk 33)
    toolbar.locator("button.cra-fullwidth").click()
    page.locator(".cra-root.cra-full").wait_for()
    back = toolbar.locator("button.cra-fullwidth")
    fill = "b => getComputedStyle(b).backgroundColor"
    assert back.inner_text() == "Back to the cell"
    assert back.evaluate(fill) != toolbar.locator("button.cra-submit").evaluate(fill)
    page.keyboard.press("Escape")
    page.locator(".cra-root.cra-full").wait_for(state="detached")
    # as wide as the cell at 1440 px, the bar and the label are back
    root.evaluate("r => { r.style.width = '1100px'; }")
    wait_for(lambda: toolbar.locator(".cra-bar").is_visible(), what="the files-viewed bar")
    assert toolbar.locator(".cra-verdict .cra-label").is_visible()
    assert not unexpected_errors(log, lab.app), log.errors
