"""nbgrader's Validate button, as a learner clicks it, leaves the findings file as it was
(issue #13, item 2): it re-runs the notebook in a hidden kernel in the same folder, and a
`review.flag(...)` cell there once wrote a second copy of the finding, then said "Success"."""

from __future__ import annotations

import pytest
from viewer_flow import SLUG, open_and_run, save_notebook, sidecar, unexpected_errors, wait_for, write_exercise

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def test_the_validate_button_writes_no_finding(lab, new_page):
    write_exercise(lab.root)
    lab.write_notebook(
        "validate.ipynb",
        f"from course.review import Review\nreview = Review.open('{SLUG}.diff')\nreview",
        "review.flag('shop/inventory.py', 9, 'concurrency', 'the lock is gone', end=12)\nreview.verdict = 'request-changes'",
    )
    page, log = new_page()
    open_and_run(page, lab, "validate.ipynb")
    path = lab.root / f"{SLUG}.findings.json"
    wait_for(lambda: sidecar(lab.root).get("verdict") == "request-changes", what="the flag on disk")
    save_notebook(page)
    page.wait_for_timeout(500)
    before = path.read_bytes()
    assert len(sidecar(lab.root)["findings"]) == 1

    page.get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=120_000)
    success = "Success! Your notebook passes all the tests."
    wait_for(lambda: success in dialog.inner_text(), timeout=120, what="nbgrader's answer")
    text = dialog.inner_text()
    assert "Error" not in text and "Traceback" not in text, text
    assert path.read_bytes() == before, "validating wrote the learner's findings"
    assert not list(lab.root.glob(f".{SLUG}.practice.json"))
    assert not unexpected_errors(log, "lab"), log.errors
