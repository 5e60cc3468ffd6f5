"""Progress that lasts (issue #13, "Beyond"): a practice review submitted in the browser lands in
the learner record, and the course's own My Progress notebook, run in JupyterLab, shows that
attempt, its score and the plot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from viewer_flow import open_and_run, submit_review, unexpected_errors, wait_for

from course.keys.bank import Bank

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "exercises"
SLUG = "catalog-search-filter"
PROGRESS = "07.00-My-Progress.ipynb"


@pytest.fixture(scope="module")
def lab(public_bank_lab):
    return public_bank_lab


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
    submit_review(page.locator(".cra-root"))
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
    plot = progress.locator("img.cra-my-progress-plot:visible")
    wait_for(lambda: plot.evaluate("img => img.complete && img.naturalWidth > 100"), what="the plot image to load")
    assert plot.get_attribute("src").startswith("data:image/png;base64,")
    [step] = progress.locator("ol li").all_inner_texts()  # what to do next: one concrete step
    assert step.startswith("Next, review ") and "easy)" in step  # the easiest untried one, never the capstone
    assert "not tried" in progress.locator("details summary").first.inner_text()  # the rest, folded away
    history = progress.locator("details").last
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
    assert progress.locator("img").count() == 2  # the plot alone, one image per page theme
    assert progress.locator("img:visible").count() == 1
    page.wait_for_timeout(500)
    assert log.dialogs == []
    assert not [r for r in log.requests if r.endswith("/x")]
    assert not unexpected_errors(log, "lab"), log.errors


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_the_plot_is_transparent_and_reads_in_light_and_dark(theme, jupyter_server_factory, new_page, monkeypatch):
    """The plot is no white box on a dark page: its background is the page's, its ink the theme's."""
    from PIL import Image

    monkeypatch.setenv("COURSE_BANK", str(BANK))
    server = jupyter_server_factory("lab")
    themes = server.home / "settings" / "@jupyterlab" / "apputils-extension"
    themes.mkdir(parents=True, exist_ok=True)
    (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))
    attempts = [  # synthetic: two reviews of one exercise, a drill, another exercise
        {"time": f"2026-11-0{n}T10:00:00Z", "exercise": ex, "kind": kind, "score": score, "recall": 0.5,
         "precision": 1.0, "verdict_correct": True,
         "defects": [{"id": "a", "status": "found", "category": "security", "pattern": "injection"}]}
        for n, (ex, kind, score) in enumerate(
            [(SLUG, "review", 0.4), (SLUG, "drill", 1.0), ("order-lookup-endpoint", "review", 0.6), (SLUG, "review", 0.9)],
            start=1,
        )
    ]  # fmt: skip
    (server.root / ".learner-record.json").write_text(json.dumps({"schema": 1, "notes": [], "attempts": attempts}))
    shutil.copy(ROOT / "notebooks" / PROGRESS, server.root / PROGRESS)
    page, log = new_page()
    run_all_and_wait(page, server, PROGRESS, ".cra-my-progress img.cra-my-progress-plot:visible")
    dark = page.evaluate("() => document.body.dataset.jpThemeLight") == "false"
    assert dark == (theme == "JupyterLab Dark")
    plot = page.locator("img.cra-my-progress-plot:visible")
    # the image drawn in this theme's ink (walk 31: one mid grey, dim on the dark page)
    assert plot.count() == 1 and f"cra-plot-{'dark' if dark else 'light'}" in plot.get_attribute("class")
    wait_for(lambda: plot.evaluate("img => img.complete && img.naturalWidth > 100"), what="the plot image to load")
    plot.scroll_into_view_if_needed()
    shot = server.home / f"progress-{'dark' if dark else 'light'}.png"
    page.screenshot(path=str(shot))
    plot.screenshot(path=str(shot.with_suffix(".plot.png")))
    image = Image.open(shot.with_suffix(".plot.png")).convert("RGB")
    corner = image.getpixel((3, 3))
    page_bg = page.evaluate(
        """img => { for (let n = img; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor;
                   if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return ''; }""",
        plot.element_handle(),
    )
    want = tuple(int(v) for v in page_bg[page_bg.index("(") + 1 : page_bg.index(")")].split(",")[:3])
    assert all(abs(a - b) <= 3 for a, b in zip(corner, want, strict=True)), (corner, page_bg, shot)
    assert (sum(corner) / 3 < 100) == dark  # a dark page shows through, not a white box
    assert not unexpected_errors(log, "lab"), log.errors
