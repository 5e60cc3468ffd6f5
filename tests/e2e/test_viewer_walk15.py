"""Walk-throughs 14 and 15 (issue #13): what first-time learners measured in the viewer.

1. "Another hint" stays under the pointer: the buttons sit above the hints, so each new hint
   comes in below them (it moved down a hint's height at every click).
2. Paths wrap only after "/", "_" or "-" (the side panel, the tree and the file headers broke
   them inside words), and a file's counts stay on its name's first line in the tree.
3. Ticking Viewed inside a file folds it under its header, with the next file right below.
4. "Show the whole description" sits under the description's faded first lines, not over them.
"""

from __future__ import annotations

import pytest
from test_viewer_comfort import AFTER, BEFORE, LONG, LONG_INDEX
from test_viewer_layout import WIDE
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
