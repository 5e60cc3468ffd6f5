"""Does a review made through the viewer in JupyterLab reach the sidecar, survive a reload and a delete?"""

from pathlib import Path

import pytest
from viewer_flow import SLUG, open_and_run, review_flow, submit_review, unexpected_errors, write_exercise

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def test_flag_by_mouse_and_keyboard_reload_and_delete_in_jupyterlab(lab, new_page):
    page, log = new_page()
    review_flow(page, log, lab)


def test_practice_submit_shows_score_then_hints_then_the_explanation(lab, new_page):
    bank = Path(__file__).resolve().parent.parent / "fixtures" / "viewer_bank"
    lab.write_notebook(
        "practice.ipynb",
        "from course.practice import practice\n"
        f"review = practice('viewer-cart', bank={str(bank)!r})\n"
        "review.flag('viewercart/cart.py', 10, 'edge-case', 'empty cart')\n"
        "review",
    )
    page, log = new_page()
    open_and_run(page, lab, "practice.ipynb")
    root = page.locator(".cra-root")
    assert "VIEWER-" not in page.content()  # the key stays in the kernel until asked for

    submit_review(root)
    page.locator(".cra-score-value").wait_for()
    assert page.locator(".cra-score-value").inner_text() == "Score 25%"
    missed = root.locator(".cra-defect[data-defect='0']")
    assert missed.locator(".cra-result").inner_text() == "missed"
    assert "VIEWER-TITLE-A" not in page.content() and "VIEWER-HINT" not in page.content()
    found = root.locator(".cra-defect[data-defect='1']")
    assert "VIEWER-TITLE-B" in found.inner_text()

    missed.locator("button.cra-hint").click()
    missed.locator(".cra-hints li").first.wait_for()
    assert missed.locator(".cra-hints li").all_inner_texts() == ["VIEWER-HINT-A1 what is summed?"]
    assert missed.locator("button.cra-reveal").count() == 0  # hints first
    missed.locator("button.cra-hint").click()
    missed.locator("button.cra-reveal").click()
    missed.locator(".cra-explanation").wait_for()
    assert missed.locator(".cra-explanation").inner_text() == "VIEWER-EXPLANATION-A the slice starts at 1."
    assert "test_cart.py::test_subtotal_counts_every_item" in missed.inner_text()
    assert not unexpected_errors(log, "lab"), log.errors


def test_a_corrupt_sidecar_is_named_kept_and_moved_aside_on_request(lab, new_page):
    folder = lab.root / "corrupt"
    folder.mkdir()
    write_exercise(folder)
    sidecar = folder / f"{SLUG}.findings.json"
    sidecar.write_text('{"schema": 1, "findings": [', encoding="utf-8")
    lab.write_notebook(
        "corrupt/review.ipynb",
        f"from course.review import Review\nreview = Review.open('{SLUG}.diff')\nreview",
    )
    page, log = new_page()
    open_and_run(page, lab, "corrupt/review.ipynb")
    alert = page.locator(".cra-alert-error")
    assert f"Your findings file {SLUG}.findings.json cannot be read." in alert.inner_text()
    assert "not valid JSON" in alert.inner_text()
    assert sidecar.read_text() == '{"schema": 1, "findings": ['  # kept as it was

    alert.locator("button.cra-quarantine").click()
    page.locator(".cra-alert-info").wait_for()
    moved = list(folder.glob(f"{SLUG}.findings.corrupt-*.json"))
    assert len(moved) == 1 and moved[0].read_text() == '{"schema": 1, "findings": ['
    assert moved[0].name in page.locator(".cra-alert-info").inner_text()
    # (the notice and the cleared status reach the page as two changes: the error goes with the second)
    page.locator(".cra-alert-error").wait_for(state="detached")
    assert not unexpected_errors(log, "lab"), log.errors
