"""Walk-through 12 (issue #13): what a first-time learner measured in the viewer.

1. "Show N unchanged lines" opens the fold where it is: the lines above it stay still, a finding's
   card above the learner's line included (the diff's repaint measured that line without the
   cards, and putting them back moved every line up by their height).
"""

from __future__ import annotations

import pytest
from test_viewer_comfort import LONG_INDEX, SLUG, write_comfort
from test_viewer_layout import WIDE
from viewer_flow import line, open_and_run, unexpected_errors, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def top(locator) -> float:
    return locator.evaluate("e => e.getBoundingClientRect().top")


def test_a_fold_opens_where_it_is_and_the_lines_above_it_stay_still(lab, new_page):
    write_comfort(lab)
    page, log = new_page(viewport=WIDE)
    open_and_run(page, lab, f"{SLUG}.ipynb")
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
