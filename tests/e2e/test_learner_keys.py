"""Typing a finding's comment: Shift+Enter is a new line, no key reaches the notebook, and the
draft survives a cell re-run and a page reload (issue #13, item 1). JupyterLab and Notebook 7."""

from __future__ import annotations

import pytest
from viewer_flow import (
    SLUG,
    cell_count,
    execution_count,
    line,
    open_and_run,
    save_notebook,
    sidecar,
    unexpected_errors,
    wait_for,
    write_exercise,
)

pytestmark = pytest.mark.browser

# Counts keydown events from inside the form that get past the viewer to the document, where
# JupyterLab's and Notebook 7's own keyboard handling listens.
COUNT_LEAKS = """() => {
  window.__craLeaks = [];
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof Element && e.target.closest('.cra-form')) window.__craLeaks.push(e.key);
  });
}"""


@pytest.fixture(scope="module", params=["lab", "notebook"])
def server(request, jupyter_server_factory):
    return jupyter_server_factory(request.param)


def draft_text(page) -> str:
    return page.locator(".cra-form textarea").input_value()


def reopen(page, server, notebook: str) -> None:
    """Reload the page; run the notebook again if the front end did not restore the widget."""
    save_notebook(page)
    page.wait_for_timeout(300)
    page.reload()
    try:
        page.wait_for_selector(".cra-root[data-ready=true]", timeout=15_000)
    except Exception:
        # (on a loaded machine anywidget can give up on the restored model: run the cell again)
        save_notebook(page)
        page.wait_for_timeout(300)
        open_and_run(page, server, notebook)


def test_shift_enter_is_a_new_line_no_key_leaves_the_form_and_the_draft_survives(server, new_page):
    write_exercise(server.root)
    server.write_notebook(
        "keys.ipynb", f"from course.review import Review\nreview = Review.open('{SLUG}.diff')\nreview", "1 + 1"
    )
    page, log = new_page()
    open_and_run(page, server, "keys.ipynb")
    page.evaluate(COUNT_LEAKS)
    cells, runs = cell_count(page), execution_count(page)

    line(page, 1, new=9).locator("td.cra-code").click()
    form = page.locator(".cra-form")
    form.locator("select.cra-category").select_option("concurrency")
    form.locator("select.cra-severity").select_option("major")
    textarea = form.locator("textarea")
    textarea.click()
    page.keyboard.type("The lock is gone.")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Two buyers pass the check; ab dd")
    page.keyboard.press("Alt+Enter")  # the notebook's "run and insert a cell below"
    page.wait_for_timeout(500)  # a cell run, had one started, would have reached the kernel by now

    assert draft_text(page) == "The lock is gone.\nTwo buyers pass the check; ab dd"
    assert execution_count(page) == runs, "Shift+Enter in the comment ran the cell"
    assert cell_count(page) == cells, "a key typed in the comment reached the notebook"
    assert page.evaluate("() => document.activeElement.classList.contains('cra-comment-input')")
    assert page.evaluate("() => window.__craLeaks") == []
    assert sidecar(server.root)["findings"] == []  # a draft, not a finding

    # a re-run of the cell builds a new view: the draft is back where it was
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_for(lambda: execution_count(page) == runs + 2, what="the re-run")
    page.wait_for_selector(".cra-root[data-draft-restored=true]", timeout=30_000)
    assert draft_text(page) == "The lock is gone.\nTwo buyers pass the check; ab dd"
    assert page.locator(".cra-form .cra-where").inner_text() == "shop/inventory.py:9"
    assert page.locator(".cra-form select.cra-category").input_value() == "concurrency"

    # a reload too
    reopen(page, server, "keys.ipynb")
    page.wait_for_selector(".cra-root[data-draft-restored=true]", timeout=30_000)
    assert draft_text(page) == "The lock is gone.\nTwo buyers pass the check; ab dd"

    # saved: the finding keeps both lines, and the draft is gone
    page.locator(".cra-form textarea").click()
    page.keyboard.press("Control+Enter")
    saved = wait_for(lambda: sidecar(server.root)["findings"], what="the finding on disk")
    assert [f["comment"] for f in saved] == ["The lock is gone.\nTwo buyers pass the check; ab dd"]
    page.locator(".cra-form").wait_for(state="detached")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('cra-draft:'))") == []
    reopen(page, server, "keys.ipynb")
    page.wait_for_timeout(500)
    assert page.locator(".cra-form").count() == 0
    assert not unexpected_errors(log, server.app), log.errors
