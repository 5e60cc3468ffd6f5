"""The JupyterLite site (`make lite`, issue #15) works offline, in Chromium, end to end.

The built site (lite/_output) is served on loopback by Python's http.server. The start notebook
opens in the browser's Pyodide kernel, its viewer cell runs, a line is flagged and the review
submitted; after a reload (a new kernel) the finding and the score are still there, read back
from JupyterLite's browser storage. The start notebook's link then opens My Progress (07.00),
whose cells show that attempt with its plot and run the drills (fsrs, loaded on demand). No request leaves 127.0.0.1 (external names do not even
resolve in this Chromium), and Pyodide's core and the course's wheels are served by this server.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from servers import CHROMIUM, CHROMIUM_ARGS, PageLog
from viewer_flow import submit_review, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SITE = Path(__file__).resolve().parents[2] / "lite" / "_output"
START = "00.00-Start-Here.ipynb"
COMMENT = "Offline finding: what does _cents do with ' 12 '?"
PAINT_GOAL = 10.0  # seconds from page open to the viewer painted (issue #15)


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the stdlib's own class attribute)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".whl": "application/zip",
    }
    served: list[str]

    def log_message(self, format, *args):  # every path served, kept for the test; nothing printed
        self.served.append(self.path.split("?")[0])


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").is_file() or not (SITE / "static" / "pyodide" / "pyodide.mjs").is_file():
        pytest.fail(f"{SITE} is not built: run make lite (make test does it first)", pytrace=False)
    served: list[str] = []
    handler = type("Handler", (_Handler,), {"served": served})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def offline_browser():
    """Chromium in which no name but 127.0.0.1 resolves: a CDN request cannot succeed by accident."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
            headless=True,
        )
        yield b
        b.close()


KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return k && k.status === 'idle' && w.content && w.content.widgets.length > 0;
}"""

RUN_VIEWER_CELL = """() => {
  const app = window.jupyterapp;
  const nb = app.shell.currentWidget.content;
  nb.activeCellIndex = nb.widgets.findIndex((c) => c.model.type === 'code');
  return app.commands.execute('notebook:run-cell');
}"""


def open_viewer(page, base: str) -> float:
    """Open the start notebook, run its viewer cell; seconds until the viewer is painted."""
    t0 = time.monotonic()
    page.goto(f"{base}/lab/index.html?path={START}")
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.evaluate(RUN_VIEWER_CELL)
    page.wait_for_selector(".cra-root[data-ready=true]", timeout=120_000)
    return time.monotonic() - t0


def stored_sidecar(page) -> str | None:
    """The sidecar as JupyterLite's contents API has it (its browser storage), or None."""
    return page.evaluate(
        """async () => {
          try {
            const m = await window.jupyterapp.serviceManager.contents.get('catalog-search-filter.findings.json', {content: true});
            if (m.format === 'base64') return new TextDecoder().decode(Uint8Array.from(atob(m.content), (c) => c.charCodeAt(0)));
            return typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
          } catch (e) { return null; }
        }"""
    )


PROGRESS = "07.00-My-Progress.ipynb"
PLOT_LOADED = """() => {
  const img = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) img.cra-my-progress-plot');
  return img !== null && img.complete && img.naturalWidth > 0;
}"""


def see_my_progress(page, score: str) -> None:
    """Follow the start notebook's link to My Progress, run it, and find the review submitted."""
    link = page.locator(f'.jp-RenderedMarkdown a[href$="{PROGRESS}"]').first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_function(f"() => window.jupyterapp.shell.currentWidget.context.path === '{PROGRESS}'")
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    mine = panel.locator(".cra-my-progress")
    mine.wait_for(timeout=120_000)
    page.wait_for_function(PLOT_LOADED, timeout=30_000)
    text = mine.inner_text()
    assert "1 attempt recorded: 1 exercise reviewed, 0 drills." in text, text
    row = mine.locator("tr", has_text="catalog-search-filter").first
    assert score.removeprefix("Score ") in row.inner_text()  # the best score is the one just seen
    # the drills cell ran too: a drill is due or it says when the next one is
    drills = panel.locator(".jp-OutputArea-output", has_text="No drill is due").or_(panel.locator(".cra-root"))
    drills.first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => [...window.jupyterapp.shell.currentWidget.content.widgets].every("
        "(c) => c.model.type !== 'code' || c.model.executionCount !== null)",
        timeout=60_000,
    )
    errors = panel.locator('[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error')
    assert errors.count() == 0, errors.all_inner_texts()


def test_lite_site_reviews_offline_and_keeps_the_review_across_a_reload(site, offline_browser):
    base, served = site
    ctx = offline_browser.new_context(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    ctx.on("request", lambda r: requests.append(r.url))  # pages, workers and the service worker
    page = ctx.new_page()
    log = PageLog()
    log.attach(page)
    try:
        painted = open_viewer(page, base)
        print(f"\nJupyterLite: page open to viewer painted in {painted:.1f} s (goal {PAINT_GOAL:.0f} s)")

        # the first added line of the pull request, whatever the exercise's text is today
        row = page.locator("tr.cra-line.cra-add").first
        where = row.evaluate(
            """(tr) => tr.closest('.cra-file').querySelector('.cra-path').textContent + ':' +
                      tr.querySelectorAll('td')[1].textContent.trim()"""
        )
        row.locator("td.cra-code").click()
        form = page.locator(".cra-form")
        assert form.locator(".cra-where").inner_text() == where
        form.locator("select.cra-category").select_option("edge-case")
        form.locator("select.cra-severity").select_option("minor")
        form.locator("textarea").fill(COMMENT)
        form.locator("button.cra-save").click()
        page.locator(".cra-card").first.wait_for()
        submit_review(page)
        page.locator(".cra-score-value").wait_for(timeout=30_000)
        score = page.locator(".cra-score-value").inner_text()
        assert score.startswith("Score ")
        stored = wait_for(lambda: stored_sidecar(page), timeout=30, what="the sidecar in the browser's storage")
        assert COMMENT in stored

        # Saved as a learner would (an unsaved notebook asks before the page goes), then a new
        # page and a new kernel: only the browser's storage remembers the review.
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
        page.reload()
        reopened = open_viewer(page, base)
        print(f"JupyterLite: after the reload, viewer painted in {reopened:.1f} s")
        page.locator(".cra-score-value").wait_for(timeout=30_000)
        assert page.locator(".cra-score-value").inner_text() == score
        assert COMMENT in page.locator(".cra-card .cra-comment").all_text_contents()

        # My Progress (07.00), through the start notebook's link: the attempt just submitted,
        # with its plot, and the drills (fsrs, loaded from the site when the cell imports it).
        see_my_progress(page, score)

        origin = urlsplit(base).netloc
        outside = [u for u in requests if urlsplit(u.removeprefix("blob:")).netloc != origin]
        assert not outside, f"requests left 127.0.0.1: {outside[:10]}"
        for path in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"):
            assert f"/static/pyodide/{path}" in served, f"{path} was not served by the site"
        wheels = {p.rsplit("/", 1)[-1].split("-")[0] for p in served if p.endswith(".whl")}
        assert {"code_review_academy", "cra_practice_bank", "anywidget", "ipywidgets", "fsrs"} <= wheels, wheels
        assert not log.errors, log.errors
        assert not log.dialogs, log.dialogs
    finally:
        ctx.close()
