"""Regenerate docs/img/viewer.png, the README's picture of the diff viewer, from a real JupyterLab.

    python scripts/screenshot.py [--exercise SLUG] [--theme light|dark] [--out PATH]

Starts a private JupyterLab (tests/e2e/servers.py), opens a notebook that reviews an exercise
from the bank with one finding already flagged, opens the finding form on a line, and
screenshots the viewer in Debian's chromium.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from servers import JupyterServer, launch_chromium  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default="stack-auto-remediation")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "viewer.png")
    args = parser.parse_args(argv)
    # A SIGTERM (a `timeout`, CI) still runs the finally blocks that stop the Jupyter server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from playwright.sync_api import sync_playwright

    from course.keys import Bank

    exercise = Bank(ROOT / "exercises").get(args.exercise)
    diff = exercise.diff
    # Flag the first added line of the first file (a neutral spot, not a keyed defect's answer).
    fd = next(f for f in diff.files if not f.binary)
    added = [ln.new for ln in fd.lines() if ln.kind == "add"]
    with tempfile.TemporaryDirectory(prefix="cra-shot-") as tmp:
        home = Path(tmp)
        root = home / "root"
        root.mkdir()
        (root / f"{exercise.slug}.diff").write_text(exercise.bundle_text, encoding="utf-8")
        server = JupyterServer(app="lab", root=root, home=home)
        server.write_notebook(
            "review.ipynb",
            "from course.review import Review\n"
            f"review = Review.open({exercise.slug + '.diff'!r})\n"
            f"review.flag({fd.path!r}, {added[0]}, 'edge-case', 'What happens when this is empty?', severity='minor')\n"
            "review",
        )
        server.start()
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                page = browser.new_page(viewport={"width": 1280, "height": 1500}, device_scale_factor=1)
                url = server.notebook_url("review.ipynb")
                if args.theme == "dark":
                    page.goto(server.url("lab"))
                    page.wait_for_function(
                        "() => window.jupyterapp && window.jupyterapp.commands.hasCommand('apputils:change-theme')"
                    )
                    page.evaluate(
                        "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
                    )
                    page.wait_for_timeout(1000)
                page.goto(url)
                page.wait_for_function(
                    """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                               const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                               return k && k.status === 'idle'; }""",
                    timeout=60_000,
                )
                # Give the notebook the whole window: hide the side panels.
                page.evaluate(
                    "() => { const a = window.jupyterapp; a.commands.execute('application:toggle-left-area'); }"
                )
                page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                page.wait_for_selector(".cra-root[data-ready=true]", timeout=30_000)
                if len(added) > 2:
                    rows = page.locator(
                        f"xpath=//table[@data-file='0']//tr[contains(@class,'cra-line')][td[2][normalize-space()='{added[2]}']]"
                    )
                    rows.locator("td.cra-code").click()
                    page.locator(".cra-form select.cra-category").select_option("logic")
                    page.locator(".cra-form textarea").fill("Is this the right boundary?")
                # a fixed height for the diff pane, so the whole viewer fits the window
                page.add_style_tag(content=".cra-files, .cra-aside { max-height: 760px !important; }")
                page.mouse.move(0, 0)
                page.wait_for_timeout(300)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.locator(".cra-root").screenshot(path=str(args.out))
                browser.close()
        finally:
            server.stop()
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
