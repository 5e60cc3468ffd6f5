"""Browser-test fixtures: a private Jupyter server per module and one headless Chromium per session.

Reusable by any browser test (the viewer, an HTML report): `jupyter_server_factory` starts
JupyterLab or Notebook 7 (see servers.py), `browser` is Debian's chromium driven by playwright,
and `new_page` opens a page whose `PageLog` records console messages, page errors and dialogs,
so a test can assert that nothing unexpected ran.

A missing Chromium fails these tests, it never skips them: a skip would hide missing work in CI.
A developer without Chromium opts out explicitly with COURSE_SKIP_BROWSER=1 (never set in CI).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from servers import CHROMIUM, JupyterServer, PageLog, launch_chromium

__all__ = ["JupyterServer", "PageLog"]

OPT_OUT = "COURSE_SKIP_BROWSER"


def browser_opted_out() -> bool:
    return os.environ.get(OPT_OUT, "") == "1"


def require_chromium() -> None:
    """Fail (never skip) when Chromium or playwright is missing, unless explicitly opted out."""
    if browser_opted_out():
        pytest.skip(f"{OPT_OUT}=1: browser tests opted out on this machine (never set it in CI)")
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run make test, which installs Debian's chromium "
            f"(or point COURSE_CHROMIUM at a Chromium binary; {OPT_OUT}=1 opts out on a laptop)",
            pytrace=False,
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("playwright is not installed: run make test, which installs '.[test]'", pytrace=False)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any fixture starts a Jupyter server for nothing.
    if item.get_closest_marker("browser"):
        require_chromium()


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


@pytest.fixture(scope="module")
def servers(jupyter_server_factory):
    """One server per front end for a module, started when a test first asks for it."""
    started = {}

    def get(app: str):
        if app not in started:
            started[app] = jupyter_server_factory(app)
        return started[app]

    return get


@pytest.fixture(scope="module")
def public_bank_lab(jupyter_server_factory):
    """A JupyterLab whose kernels find the course's own bank (exercises/) through COURSE_BANK, as
    a learner's checkout does, whatever folder the notebooks are in."""
    saved = os.environ.get("COURSE_BANK")
    os.environ["COURSE_BANK"] = str(Path(__file__).resolve().parents[2] / "exercises")
    try:
        yield jupyter_server_factory("lab")
    finally:
        if saved is None:
            os.environ.pop("COURSE_BANK", None)
        else:
            os.environ["COURSE_BANK"] = saved


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: playwright's sync API keeps an event loop marked running in the
    # main thread while it is open, and a later test that calls asyncio.run() (the sandboxed
    # kernel's tests) would fail under it.
    require_chromium()
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
