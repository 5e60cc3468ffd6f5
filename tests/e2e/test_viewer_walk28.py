"""What walk-through 28 (a blind learner in JupyterLab and Notebook 7) found in the viewer.

1. "your finding: path:lines" in the feedback was plain text beside the links of the defects'
   and decoys' places: it is a link to the finding in the diff, in "Findings that hit no defect"
   too.
2. Two files of one name in two folders (client/http.mjs, server/http.mjs) gave two findings
   the side panel named "http.mjs:20" and "http.mjs:51-53", read as one file: each name is the
   shortest end of its path that no other file of the review ends with.
"""

from __future__ import annotations

import pytest
from test_learner_practice import open_practice
from viewer_flow import open_and_run, submit_review, unexpected_errors, wait_for

from course.diff import render_bundle, unified_diff

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


IN_AREA = """e => {
  const b = e.getBoundingClientRect(), m = e.closest('.cra-main').getBoundingClientRect();
  return b.top >= m.top - 1 && b.bottom <= m.bottom + 1;
}"""


def test_your_finding_in_the_feedback_is_a_link_to_it_in_the_diff(lab, new_page):
    _page, log, root = open_practice(
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
    link.click()
    wait_for(lambda: card.evaluate(IN_AREA), what="the finding's card in the diff's area")
    assert "cra-current" in card.get_attribute("class")
    # the finding that hit the decoy: its place is a link too
    root.locator("button.cra-to-score").click()
    other = root.locator(".cra-fps button.cra-finding-place")
    other.wait_for()
    assert other.inner_text() == "viewercart/cart.py:14"
    other.click()
    decoy_card = root.locator(".cra-files .cra-card").filter(has_text="rounds down")
    wait_for(lambda: decoy_card.evaluate(IN_AREA), what="the decoy finding's card in the diff's area")
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
