"""A notebook reopened without its kernel shows a readable copy of the review, not "Error
displaying widget: model not found" (issue #13, item 5).

A review is flagged in JupyterLab (the comment is hostile HTML) and the notebook saved. Then:
1. while the viewer is live, the saved copy beside it is hidden, and it has followed every change;
2. the same server, kernel restarted, page reloaded (the notebook is trusted, so the widget
   renderer runs and finds no model): the copy shows the finding, the error does not show;
3. a fresh JupyterLab and a fresh Notebook 7 on the same folder (the notebook is untrusted
   there), the cell not run: the copy shows the finding, no error, nothing ran.
"""

from __future__ import annotations

import pytest
from viewer_flow import SLUG, line, open_and_run, save_notebook, sidecar, unexpected_errors, wait_for, write_exercise

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__pwned=1"> the lock is gone & <b>both</b> pass'


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("saved-view")


def wait_for_notebook(page) -> None:
    """The notebook is open and its outputs are painted (its cell is not run)."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached", timeout=60_000)
    page.wait_for_selector(".cra-static", state="attached", timeout=30_000)
    page.wait_for_timeout(1500)  # the widget renderer gives up on the missing model


# Notebook 7's page on a server a JupyterLab page has used (step 2) raises this on load, with
# or without the viewer (checked with a notebook holding only `1+1`): JupyterLab's file browser
# command is not in that page.
STOCK_ERRORS = ("Command 'filebrowser:open-path' not registered.",)


def assert_copy_shown_and_no_error(page, log, app: str, *, trusted: bool) -> None:
    copy = page.locator(".cra-static")
    assert copy.count() == 1 and copy.is_visible()
    text = copy.inner_text()
    assert HOSTILE in text  # the comment, as text
    assert "shop/inventory.py:9-12" in text and "blocker" in text and "concurrency" in text
    assert "Run this cell to open the interactive viewer" in text
    assert "0 findings" not in page.locator(".jp-Notebook").inner_text()  # nothing frozen at display time
    assert "if _stock.get(item, 0) < n:" in text  # the flagged code
    errors = page.get_by_text("model not found")
    if trusted:  # the widget renderer ran and gave up: its error is on the page, hidden
        wait_for(lambda: errors.count() == 1, what="the widget renderer to give up")
    assert all(not errors.nth(i).is_visible() for i in range(errors.count()))
    assert page.locator(".cra-root").count() == 0
    assert page.locator(".cra-static img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert not log.dialogs
    assert not [e for e in unexpected_errors(log, app) if e not in STOCK_ERRORS], log.errors


def test_a_reopened_notebook_shows_the_saved_review_not_a_widget_error(folder, jupyter_server_factory, new_page):
    lab = jupyter_server_factory("lab", root=folder)
    write_exercise(folder)
    lab.write_notebook("review.ipynb", f"from course.review import Review\nreview = Review.open('{SLUG}.diff')\nreview")
    page, log = new_page()
    open_and_run(page, lab, "review.ipynb")
    # 1. live: the copy is hidden, and it follows a finding flagged through the viewer
    assert page.locator(".cra-static").count() == 1 and not page.locator(".cra-static").is_visible()
    # where no JupyterLab CSS rule applies (VS Code...), the viewer hides the copy next to it itself
    hidden = page.locator(".cra-static.cra-static-hidden")
    wait_for(lambda: hidden.count() == 1, what="the viewer to mark the copy beside it")
    line(page, 1, new=9).locator("td.cra-code").click()
    line(page, 1, new=12).locator("td.cra-code").click(modifiers=["Shift"])
    form = page.locator(".cra-form")
    form.locator("select.cra-category").select_option("concurrency")
    form.locator("select.cra-severity").select_option("blocker")
    form.locator("textarea").fill(HOSTILE)
    form.locator("button.cra-save").click()
    wait_for(lambda: sidecar(folder)["findings"], what="the finding on disk")
    wait_for(lambda: HOSTILE in (page.locator(".cra-static").text_content() or ""), what="the copy to follow")
    wait_for(lambda: hidden.count() == 1, what="the repainted copy to be marked again")
    assert not page.locator(".cra-static").is_visible()
    save_notebook(page)
    page.wait_for_timeout(500)

    # 2. same server (trusted notebook), new kernel, reload: no model for the widget
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    page.wait_for_timeout(1000)
    page.reload()
    wait_for_notebook(page)
    assert_copy_shown_and_no_error(page, log, "lab", trusted=True)
    page.screenshot(path=str(folder / "reopened-trusted.png"))
    # the same trusted notebook in Notebook 7's page, served by the same server
    page, log = new_page()
    page.goto(lab.url("notebooks/review.ipynb"))
    wait_for_notebook(page)
    assert_copy_shown_and_no_error(page, log, "notebook", trusted=True)
    lab.stop()

    # 3. fresh servers on the same folder: the notebook is untrusted there, the cell not run
    for app in ("lab", "notebook"):
        server = jupyter_server_factory(app, root=folder)
        page, log = new_page()
        page.goto(server.notebook_url("review.ipynb"))
        wait_for_notebook(page)
        assert_copy_shown_and_no_error(page, log, app, trusted=False)
        page.screenshot(path=str(folder / f"reopened-{app}.png"))
        server.stop()
