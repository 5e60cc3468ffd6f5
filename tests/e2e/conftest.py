"""Browser-test fixtures: a private Jupyter server per module and one headless Chromium per session.

Reusable by any browser test (the viewer, an HTML report): `jupyter_server_factory` starts
JupyterLab or Notebook 7 (see servers.py), `browser` is Debian's chromium driven by playwright,
and `new_page` opens a page whose `PageLog` records console messages, page errors and dialogs,
so a test can assert that nothing unexpected ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from servers import CHROMIUM, JupyterServer, PageLog, launch_chromium

__all__ = ["JupyterServer", "PageLog"]


@pytest.fixture(scope="module")
def jupyter_server_factory(tmp_path_factory):
    """Start servers on demand; every server started is stopped when the module ends."""
    started: list[JupyterServer] = []

    def start(app: str = "lab", root: Path | None = None) -> JupyterServer:
        home = tmp_path_factory.mktemp(f"jupyter-{app}")
        root = root or (home / "root")
        root.mkdir(parents=True, exist_ok=True)
        server = JupyterServer(app=app, root=root, home=home)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def new_page(browser):
    """Open pages in a fresh browser context per module; returns (page, log)."""
    contexts = []

    def open_page(viewport=(1400, 1000)):
        ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(ctx)
        page = ctx.new_page()
        log = PageLog()
        log.attach(page)
        return page, log

    yield open_page
    for ctx in contexts:
        ctx.close()
