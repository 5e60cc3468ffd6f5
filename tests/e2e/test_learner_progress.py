"""Progress that lasts (issue #13, "Beyond"): a practice review submitted in the browser lands in
the learner record, and the course's own My Progress notebook, run in JupyterLab, shows that
attempt, its score and the plot."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from viewer_flow import open_and_run, unexpected_errors, wait_for

from course.keys.bank import Bank

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "exercises"
SLUG = "catalog-search-filter"
PROGRESS = "07.00-My-Progress.ipynb"


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    # The server (and so its kernels) finds the public bank as a learner's checkout does.
    saved = os.environ.get("COURSE_BANK")
    os.environ["COURSE_BANK"] = str(BANK)
    try:
        yield jupyter_server_factory("lab")
    finally:
        if saved is None:
            os.environ.pop("COURSE_BANK", None)
        else:
            os.environ["COURSE_BANK"] = saved


def run_all_and_wait(page, server, notebook: str, selector: str) -> None:
    page.goto(server.notebook_url(notebook))
    page.wait_for_function(
        """() => {
          const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
          const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
          return k && k.status === 'idle';
        }""",
        timeout=60_000,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(selector, timeout=60_000)


def test_a_submitted_review_shows_in_my_progress_with_its_score_and_plot(lab, new_page):
    defect = Bank(BANK).get(SLUG).key.defects[0]
    lab.write_notebook(
        "warmup.ipynb",
        "from course.practice import practice\n"
        f"review = practice({SLUG!r})\n"
        f"review.flag({defect.file!r}, {defect.lines[0]}, {defect.category!r}, 'user input reaches the SQL', "
        f"side={defect.side!r})\n"
        "review.verdict = 'request-changes'\n"
        "review",
    )
    page, log = new_page()
    open_and_run(page, lab, "warmup.ipynb")
    page.locator(".cra-root button.cra-submit").click()
    page.locator(".cra-score-value").wait_for()
    shown = page.locator(".cra-score-value").inner_text()
    record = lab.root / ".learner-record.json"
    wait_for(record.exists, what="the learner record")
    [attempt] = json.loads(record.read_text())["attempts"]
    assert attempt["exercise"] == SLUG and attempt["kind"] == "review"
    score = f"{attempt['score']:.0%}"
    assert score.rstrip("%") in shown  # the page's score and the record's agree

    shutil.copy(ROOT / "notebooks" / PROGRESS, lab.root / PROGRESS)
    assert not unexpected_errors(log, "lab"), log.errors
    page, log = new_page()  # a second tab, as a learner opens the notebook from the file browser
    run_all_and_wait(page, lab, PROGRESS, ".cra-my-progress")
    progress = page.locator(".cra-my-progress")
    assert "1 attempt recorded: 1 exercise reviewed" in progress.inner_text()
    row = progress.locator("table").first.locator("tbody tr")
    assert row.count() == 1
    cells = row.first.locator("td").all_inner_texts()
    assert cells[0].startswith(SLUG) and cells[1] == "1" and cells[2] == score
    plot = progress.locator("img.cra-my-progress-plot")
    wait_for(lambda: plot.evaluate("img => img.complete && img.naturalWidth > 100"), what="the plot image to load")
    assert plot.get_attribute("src").startswith("data:image/png;base64,")
    assert "Not yet tried" in progress.inner_text()  # what to do next
    history = progress.locator("details")
    history.locator("summary").click()
    assert SLUG in history.locator("tbody tr").first.inner_text()
    assert not unexpected_errors(log, "lab"), log.errors


def test_a_hostile_record_is_shown_as_text_and_runs_nothing(lab, new_page):
    folder = lab.root / "hostile"
    folder.mkdir()
    hostile = "<img src=x onerror=\"alert('cra-record')\"><script>alert('cra-script')</script>"
    attempt = {
        "time": "2026-11-01T10:00:00Z",
        "exercise": hostile[:200],
        "kind": "review",
        "score": 0.5,
        "recall": 0.5,
        "precision": 0.5,
        "verdict_correct": False,
        "defects": [{"id": hostile[:200], "status": "missed", "category": "security", "pattern": "injection"}],
    }
    notes = [f"note {hostile}"]
    (folder / ".learner-record.json").write_text(json.dumps({"schema": 1, "notes": notes, "attempts": [attempt]}))
    shutil.copy(ROOT / "notebooks" / PROGRESS, folder / PROGRESS)
    page, log = new_page()
    run_all_and_wait(page, lab, f"hostile/{PROGRESS}", ".cra-my-progress")
    progress = page.locator(".cra-my-progress")
    text = progress.inner_text()
    assert hostile[:60] in text and f"note {hostile}" in text  # shown literally, as text
    assert progress.locator("script").count() == 0
    assert progress.locator("img").count() == 1  # the plot alone
    page.wait_for_timeout(500)
    assert log.dialogs == []
    assert not [r for r in log.requests if r.endswith("/x")]
    assert not unexpected_errors(log, "lab"), log.errors
