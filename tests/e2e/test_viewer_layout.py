"""The review's layout in a real browser (issue #13, from a learner's walk-through at 1440x757):

- in the cell the review is no taller than the notebook's view, so its toolbar (verdict and
  Submit) stays on screen while the diff scrolls; the description is part of that one scroll
  area, not a box with a scrollbar of its own;
- full width, the diff gets the window's height once the description has scrolled away;
- the file tree shows which file is being read, and a click in it scrolls the review, never the
  notebook around it;
- Undo appears where the deleted finding was;
- the side panel's findings keep a file's name with its lines (never ":43-44" alone), and a
  comment to two lines;
- practice: Submit brings the score into view, the score folds away, the toolbar's score button
  brings it back, and a hint's button keeps the keys in the review.
"""

from __future__ import annotations

import json

import pytest
from test_feedback_page import MEASURE
from test_learner_reveal import CART, write_bank
from test_learner_reveal import SLUG as CART_SLUG
from test_viewer_comfort import LONG, LONG_INDEX, SLUG, findings, write_comfort
from viewer_flow import line, open_and_run, submit_review, unexpected_errors, wait_for

pytestmark = pytest.mark.browser

WIDE = (1440, 757)  # the walk-through's window

# The notebook's own scroller (JupyterLab 4) and its scroll position.
NOTEBOOK_SCROLL = "() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollTop"

# Scrolling elements inside the review that have more to show than fits.
INNER_SCROLLERS = """() => [...document.querySelectorAll('.cra-root *')].filter(n => {
    const y = getComputedStyle(n).overflowY;
    return (y === 'auto' || y === 'scroll') && n.scrollHeight > n.clientHeight + 1;
  }).map(n => n.className)"""


def in_view(locator, box_selector: str | None = None) -> bool:
    """The element is wholly inside the window (and inside `box_selector`'s box, if given)."""
    return locator.evaluate(
        """(e, sel) => { const r = e.getBoundingClientRect();
             const b = sel ? document.querySelector(sel).getBoundingClientRect()
                           : {top: 0, bottom: innerHeight, left: 0, right: innerWidth};
             return r.height > 0 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1
                    && r.bottom <= innerHeight + 1 && r.top >= -1; }""",
        box_selector,
    )


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def test_in_the_cell_the_toolbar_stays_with_the_diff_and_the_description_scrolls_with_it(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    root = page.locator(".cra-root")
    root.evaluate("r => r.scrollIntoView({block: 'start'})")
    notebook_height = page.evaluate(
        "() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').clientHeight"
    )
    assert root.bounding_box()["height"] <= notebook_height, "the review is taller than the notebook's view"
    # the description is inside the one scroll area of the review, with no scrollbar of its own
    assert root.locator(".cra-main .cra-desc").count() == 1
    # (the side panel beside it may scroll on its own: a column beside the diff, not inside it)
    assert set(page.evaluate(INNER_SCROLLERS)) - {"cra-aside"} == {"cra-main"}
    # reading on to the end of the diff: Submit and the verdict are still on screen
    page.locator(".cra-main").evaluate("m => { m.scrollTop = m.scrollHeight; }")
    last = line(page, 3, new=2)
    wait_for(lambda: in_view(last), what="the last line in view")
    for button in ("button.cra-verdict-request-changes", "button.cra-fullwidth"):
        assert in_view(root.locator(button)), f"{button} scrolled out of view with the diff"
    assert not unexpected_errors(log, lab.app), log.errors


def test_full_width_gives_the_diff_the_window_once_the_description_has_scrolled_away(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    page.locator(".cra-root button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root.cra-full")
    main = page.locator(".cra-main")
    # the diff's area: everything but the title, the toolbar and the key line
    assert main.bounding_box()["height"] >= 0.75 * WIDE[1]
    page.keyboard.press("}")  # the first file, its header at the top of the scroll area
    page.keyboard.press("}")
    top = page.evaluate(
        """() => document.querySelector('section[data-file="1"]').getBoundingClientRect().top
                 - document.querySelector('.cra-main').getBoundingClientRect().top"""
    )
    assert abs(top) < 2
    # the header link brings the description back, open
    page.locator(".cra-root .cra-desc summary").click()  # fold it
    page.locator(".cra-root button.cra-to-desc").click()
    desc = page.locator(".cra-desc")
    wait_for(lambda: desc.evaluate("d => d.open") and in_view(desc.locator("summary"), ".cra-main"), what="description")
    assert not unexpected_errors(log, lab.app), log.errors


def test_the_tree_marks_the_file_being_read_and_a_click_scrolls_only_the_review(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    page.locator(".cra-root").evaluate("r => r.scrollIntoView({block: 'start'})")
    before = page.evaluate(NOTEBOOK_SCROLL)
    tree = page.locator(".cra-aside .cra-tree")
    current = tree.locator(".cra-tree-current")

    tree.locator(f".cra-tree-file[data-file='{LONG_INDEX}'] .cra-tree-name").click()
    wait_for(lambda: current.get_attribute("data-file") == str(LONG_INDEX), what="the long file marked")
    assert current.count() == 1 and current.get_attribute("aria-current") == "true"
    assert page.evaluate(NOTEBOOK_SCROLL) == before, "a click in the tree scrolled the notebook"
    assert in_view(page.locator(".cra-root button.cra-fullwidth"))
    # reading on with the wheel marks the next file when it reaches the top
    page.locator(".cra-main").evaluate("m => { m.scrollTop = m.scrollHeight; }")
    wait_for(lambda: current.get_attribute("data-file") == "3", what="the last file marked")
    page.locator(".cra-main").evaluate("m => { m.scrollTop = 0; }")
    wait_for(lambda: current.get_attribute("data-file") == "0", what="back at the top: the first file")
    assert not unexpected_errors(log, lab.app), log.errors


def test_undo_shows_in_the_side_panel_and_no_line_moves_for_it(lab, new_page):
    """The Undo bar went in the diff, under the deleted finding's line, and moved the lines under
    it (walk-through 21: 41 px on a cancelled edit, 49 px on a delete); it shows in the side
    panel's dock instead; only the card goes from the diff."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    page.clock.install()  # the page's timers, run on when the test moves the clock on
    open_and_run(page, lab, f"{SLUG}.ipynb")
    saved = wait_for(lambda: findings(lab), what="the flags on disk")
    last = next(f for f in saved if f["start"] == 130)
    button = page.locator(f".cra-card[data-finding='{last['id']}'] button.cra-delete")
    button.evaluate("b => b.scrollIntoView({block: 'center'})")
    button.click()
    undo = page.locator(".cra-side .cra-dock .cra-undo")
    undo.wait_for()
    assert f"{LONG}:130" in undo.inner_text()
    assert in_view(undo, ".cra-root")
    page.locator(f".cra-card[data-finding='{last['id']}']").wait_for(state="detached")
    assert page.locator(".cra-main .cra-undo").count() == 0
    after = line(page, LONG_INDEX, new=130).evaluate("r => r.nextElementSibling.children[1].textContent")
    assert after == "131", "something was put in the diff where the card was"
    # the Delete button went with its card; the keys stay the review's: u brings it back
    assert page.evaluate("() => !!document.activeElement.closest('.cra-root')")
    # no timer takes the offer (and the lines under the pointer) away: the old one ran 12 s
    page.evaluate("() => { window.__craProbe = false; setTimeout(() => { window.__craProbe = true; }, 12_000); }")
    page.clock.run_for(13_000)
    assert page.evaluate("() => window.__craProbe"), "the clock did not run the page's timers"
    assert undo.is_visible()
    page.keyboard.press("u")
    page.locator(f".cra-card[data-finding='{last['id']}']").wait_for()
    assert page.locator(".cra-undo").count() == 0
    assert not unexpected_errors(log, lab.app), log.errors


def test_the_side_panel_keeps_a_findings_lines_with_its_file_and_its_comment_to_two_lines(lab, new_page):
    write_comfort(lab)
    comment = "The first settlement window is doubled, " * 8
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    line(page, LONG_INDEX, new=70).locator("td.cra-code").click()
    page.locator(".cra-form select.cra-category").select_option("concurrency")
    page.locator(".cra-form select.cra-severity").select_option("major")
    page.locator(".cra-form textarea").fill(comment.strip())
    page.locator(".cra-form button.cra-save").click()
    item = page.locator(".cra-findinglist li").filter(has_text="concurrency")
    item.wait_for()
    where = item.locator(".cra-where")
    assert where.inner_text() == "settlement_window_calculator.py:70"
    # the place is whole (never cut) and its line numbers stay with the end of the file's name
    assert where.evaluate(
        """w => w.scrollWidth <= w.clientWidth
                && w.querySelector('.cra-where-lines').getClientRects().length === 1
                && w.querySelector('.cra-where-lines').textContent.endsWith('.py:70')"""
    )
    snippet = item.locator(".cra-snippet")
    lines = snippet.evaluate("s => s.getBoundingClientRect().height / parseFloat(getComputedStyle(s).lineHeight)")
    assert 1.5 < lines < 2.5, lines
    assert item.locator(".cra-finding-link").get_attribute("title") == f"{LONG}:70\n{comment.strip()}"
    assert not unexpected_errors(log, lab.app), log.errors


def test_practice_submit_shows_the_score_which_folds_and_comes_back(lab, new_page, tmp_path):
    bank = write_bank(
        tmp_path, hint="A hint.", explanation="Why.", why_fine="Fine.", fixed_line="    return sum(prices)"
    )
    (lab.root / "layout").mkdir(exist_ok=True)
    lab.write_notebook(
        "layout/p.ipynb",
        "from course.practice import practice\n"
        f"review = practice({CART_SLUG!r}, bank={str(bank)!r})\n"
        f"review.flag({CART!r}, 10, 'edge-case', 'empty cart')\n"
        "review",
    )
    page, log = new_page(viewport=(1000, 520))
    open_and_run(page, lab, "layout/p.ipynb")
    root = page.locator(".cra-root")
    root.locator("button.cra-fullwidth").click()
    page.locator(".cra-main").evaluate("m => { m.scrollTop = m.scrollHeight; }")
    submit_review(root)
    score = root.locator(".cra-score-panel > summary")
    score.wait_for()
    wait_for(lambda: in_view(score, ".cra-main"), what="the score in view after Submit")
    # fold it: the diff moves up; the toolbar's score button opens it again and shows it
    score.click()
    wait_for(lambda: not root.locator(".cra-score-panel").evaluate("d => d.open"), what="folded")
    page.locator(".cra-main").evaluate("m => { m.scrollTop = m.scrollHeight; }")
    assert root.locator("button.cra-to-score").inner_text().startswith("Score ")
    root.locator("button.cra-to-score").click()
    wait_for(lambda: root.locator(".cra-score-panel").evaluate("d => d.open"), what="opened")
    wait_for(lambda: in_view(score, ".cra-main"), what="the score in view again")
    # a hint's button is painted anew; the keys stay the review's (Esc leaves full width)
    root.locator(".cra-defect[data-defect='0'] button.cra-hint").click()
    root.locator(".cra-defect[data-defect='0'] .cra-hints li").first.wait_for()
    assert page.evaluate("() => !!document.activeElement.closest('.cra-root')")
    page.keyboard.press("Escape")
    page.wait_for_selector(".cra-root:not(.cra-full)")
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_finding_typed_after_a_plain_restart_is_kept_and_reopens_in_view(lab, new_page):
    """Kernel > Restart (no Run All), then a finding typed in the old viewer: the form says at once
    that it was not saved and why, and the cell run again opens it, scrolled into view."""
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
        timeout=60_000,
    )
    target = line(page, LONG_INDEX, new=130)
    target.evaluate("tr => tr.scrollIntoView({block: 'center'})")
    target.locator("td.cra-code").click()
    form = page.locator(".cra-form")
    form.locator("select.cra-category").select_option("logic")
    form.locator("select.cra-severity").select_option("major")
    form.locator("textarea").fill("typed after the restart")
    form.locator("button.cra-save").click()
    wait_for(lambda: "kernel was restarted" in form.locator(".cra-error").inner_text(), what="the form's message")
    assert "Run this cell again" in form.locator(".cra-error").inner_text()
    assert "typed after the restart" not in [f["comment"] for f in findings(lab)]

    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(".cra-root[data-draft-restored=true]", timeout=30_000)
    form = page.locator(".cra-form")
    assert form.locator("textarea").input_value() == "typed after the restart"
    assert form.locator(".cra-where").inner_text() == f"{LONG}:130"
    wait_for(
        lambda: in_view(form.locator("textarea"), ".cra-root") and in_view(target, ".cra-main"),
        what="the restored form and its line in view",
    )
    note = page.locator(".cra-draft-note")
    assert f"{LONG}:130" in note.inner_text()
    form.locator("button.cra-save").click()
    wait_for(lambda: "typed after the restart" in [f["comment"] for f in findings(lab)], what="saved")
    page.locator(".cra-draft-note").wait_for(state="detached")
    assert not unexpected_errors(log, lab.app), log.errors


# WCAG contrast of an element's text on the first opaque background behind it.
CONTRAST = """e => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let n = e, bg = null;
  for (; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c; break; }
  }
  const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def tinted_text_reads(page) -> dict:
    """The diff's coloured text on its tints: code tokens and line numbers of added and removed
    lines, and the +/- counts (walk-through 28 measured 3.95:1 to 4.31:1 in the light theme).
    MEASURE lays the translucent tints over the first opaque background under them; CONTRAST
    above takes that background alone, and a tint behind the text would not count."""
    low = {}
    for sel in (
        ".cra-add td.cra-code span", ".cra-del td.cra-code span", ".cra-line:not(.cra-add):not(.cra-del) td.cra-code span",
        ".cra-add td.cra-num", ".cra-del td.cra-num", ".cra-plus:not(.cra-zero)", ".cra-minus:not(.cra-zero)",
    ):  # fmt: skip
        found = page.evaluate(MEASURE, f".cra-root {sel}")
        assert found, f"{sel} not on the page"
        worst = min(found, key=lambda m: m["ratio"])
        if worst["ratio"] < 4.5:
            low[sel] = (round(worst["ratio"], 2), worst["text"][:20])
    return low


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_labels_and_links_read_at_4_5_to_1_in_light_and_dark(theme, lab, new_page, tmp_path):
    # the module's server: JupyterLab reads the theme setting when a page loads
    server = lab
    themes = server.home / "settings" / "@jupyterlab" / "apputils-extension"
    themes.mkdir(parents=True, exist_ok=True)
    (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))
    try:
        contrast_in_theme(theme, server, new_page, tmp_path)
    finally:
        (themes / "themes.jupyterlab-settings").unlink()


def contrast_in_theme(theme, server, new_page, tmp_path) -> None:
    folder = "theme-dark" if "Dark" in theme else "theme-light"
    bank = write_bank(
        tmp_path, hint="A hint.", explanation="Why.", why_fine="Fine.", fixed_line="    return sum(prices)"
    )
    (server.root / folder).mkdir(exist_ok=True)
    server.write_notebook(
        f"{folder}/p.ipynb",
        "from course.practice import practice\n"
        f"review = practice({CART_SLUG!r}, bank={str(bank)!r})\n"
        f"review.flag({CART!r}, 10, 'edge-case', 'empty cart', severity='major')\n"
        f"review.flag({CART!r}, 12, 'logic', 'a minor one', severity='minor')\n"
        f"review.flag({CART!r}, 14, 'logic', 'rounds down', severity='blocker')\n"
        "review",
    )
    page, log = new_page(viewport=WIDE)
    open_and_run(page, server, f"{folder}/p.ipynb")
    dark = page.evaluate("() => document.body.dataset.jpThemeLight") == "false"
    assert dark == (theme == "JupyterLab Dark")
    root = page.locator(".cra-root")
    root.locator("button.cra-verdict-request-changes").click()
    submit_review(root)
    root.locator(".cra-result-missed").first.wait_for()
    selectors = [
        ".cra-result-found", ".cra-result-missed", ".cra-sev-blocker", ".cra-sev-major", ".cra-sev-minor",
        ".cra-pill", ".cra-badge", "button.cra-submit", ".cra-verdict-request-changes.cra-active",
        ".cra-meta .cra-to-desc", ".cra-sev-diff",
    ]  # fmt: skip
    # defect B is a minor in the key; the learner said major, and the score says so
    assert root.locator(".cra-defect[data-defect='1'] .cra-sev-diff").inner_text() == (
        "you said major, the key says minor (it does not change the score)"
    )
    # and the score's line counts it: one defect found, rated otherwise than the key (every walk
    # asked what severity was for)
    assert (
        root.locator(".cra-score .cra-sev-sum").inner_text().strip() == "\u00b7 severity as the key's on 0 of 1 found"
    )
    # a finding on nothing in the key (line 12) is told the matching rule (walk 32 read "a misreading")
    nothing = root.locator(".cra-fp-nothing").inner_text()
    assert "a defect the key marks a few lines away" in nothing and "the line either side" in nothing, nothing
    low = {}

    def check(root, selectors):
        for sel in selectors:
            found = root.locator(sel)
            assert found.count() > 0, f"{sel} not on the page"
            ratio = found.first.evaluate(CONTRAST)
            if ratio < 4.5:
                low[sel] = round(ratio, 2)

    check(root, selectors)
    low.update(tinted_text_reads(page))
    badges_told_apart(root)
    tree_boxes_on_their_lines(root)
    # a message bar: the review changed since it was submitted
    line(page, 0, new=5).locator("td.cra-code").click()
    page.locator(".cra-form select.cra-category").select_option("logic")
    page.locator(".cra-form select.cra-severity").select_option("major")
    page.locator(".cra-form button.cra-save").click()
    root.locator(".cra-score-panel .cra-alert-warn").wait_for()
    check(root, [".cra-score-panel .cra-alert-warn"])
    # a diff with folded lines: "Show N unchanged lines"
    write_comfort(server)
    folds, folds_log = new_page(viewport=WIDE)
    open_and_run(folds, server, f"{SLUG}.ipynb")
    check(folds.locator(".cra-root"), ["button.cra-expand"])
    assert low == {}, f"{theme}: below 4.5:1: {low}"
    assert not unexpected_errors(folds_log, server.app), folds_log.errors
    assert not unexpected_errors(log, server.app), log.errors


def tree_boxes_on_their_lines(root) -> None:
    """A file's box in the tree sits on its name's line."""
    # each box in the file tree is centred on its name's first line (it stood 2 px high)
    offsets = root.locator(".cra-tree-file").evaluate_all(
        """lis => lis.map((li) => {
          const box = li.querySelector(':scope > input').getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(li.querySelector('.cra-tree-name'));
          const first = range.getClientRects()[0];
          return (box.top + box.height / 2) - (first.top + first.height / 2);
        })"""
    )
    assert offsets and all(abs(d) <= 1.5 for d in offsets), offsets
    # the counts keep more room from the splitter than a box at the tree's root from the panel's
    # left edge, 8 px (walk 31: 6 px on the right, crowded beside the findings badge)
    gaps = root.locator(".cra-tree-file").evaluate_all(
        """lis => lis.map((li) => {
          const aside = li.closest('.cra-aside');
          const edge = aside.getBoundingClientRect().left + aside.clientLeft + aside.clientWidth;
          return edge - li.querySelector('.cra-tree-counts').getBoundingClientRect().right;
        })"""
    )
    assert gaps and all(gap >= 10 for gap in gaps), gaps


def badges_told_apart(root) -> None:
    """Severities are filled, each its own hue; a defect's result is outlined in its colour.
    Walk 29: blocker and major were rgb(183,28,28) and rgb(191,54,12), and "missed" the same red
    fill as a blocker."""
    fill = "e => getComputedStyle(e).backgroundColor.match(/[\\d.]+/g).map(Number)"
    blocker, major, minor = (root.locator(f".cra-sev-{s}").first.evaluate(fill) for s in ("blocker", "major", "minor"))
    apart = lambda a, b: sum((x - y) ** 2 for x, y in zip(a[:3], b[:3])) ** 0.5  # noqa: E731
    assert min(apart(blocker, major), apart(major, minor), apart(blocker, minor)) >= 60, (blocker, major, minor)
    for result in root.locator(".cra-result").all():
        bg = result.evaluate(fill)
        assert len(bg) == 4 and bg[3] == 0, f"{result.inner_text()}: filled {bg}"
        assert result.evaluate("e => getComputedStyle(e).borderTopColor === getComputedStyle(e).color")
