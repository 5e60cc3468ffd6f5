"""Walk-throughs 14 and 15 (issue #13): what first-time learners measured in the viewer.

1. "Another hint" stays under the pointer: the buttons sit above the hints, so each new hint
   comes in below them (it moved down a hint's height at every click).
"""

from __future__ import annotations

import pytest
from test_viewer_walk12 import open_warmup, top
from viewer_flow import submit_review, unexpected_errors

pytestmark = pytest.mark.browser


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
