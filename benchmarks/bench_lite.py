"""Page open to viewer painted on the JupyterLite site (`make lite`, lite/_output), N runs.

    python benchmarks/bench_lite.py [--runs 5] [--site LABEL=DIR ...] [--json]

Each site directory is served on loopback as tests/e2e/test_lite.py serves it, in the same
offline Chromium (no name but 127.0.0.1 resolves). Every run is a fresh browser context (empty
cache, empty storage, a new kernel) and takes the test's steps (test_lite.open_viewer): open the
start notebook, wait for its kernel to be idle, run the viewer cell, wait for the viewer marked
ready. Reported per site: the median and range of page open to viewer painted, and of page open
to kernel idle (the kernel's start-up is most of it). With several --site, the runs interleave
(A B, B A, ...) so that a change in the machine's load falls on each alike: compare a change
against its baseline within one run of this script, never across runs. The load average is
printed before and after, since the machine is shared.

Goal (issue #15): painted under 10 s.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from servers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from test_lite import KERNEL_IDLE, PAINT_GOAL, RUN_VIEWER_CELL, START, _Handler  # noqa: E402

OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    if not (directory / "index.html").is_file():
        raise SystemExit(f"{directory}: not a built site (run make lite)")
    handler = type("Handler", (_Handler,), {"served": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def one_run(browser, base: str) -> tuple[float, float]:
    """(page open to kernel idle, page open to viewer painted), seconds: open_viewer's steps."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    ctx.on("request", lambda r: requests.append(r.url))
    try:
        page = ctx.new_page()
        t0 = time.monotonic()
        page.goto(f"{base}/lab/index.html?path={START}")
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        idle = time.monotonic() - t0
        page.evaluate(RUN_VIEWER_CELL)
        page.wait_for_selector(".cra-root[data-ready=true]", timeout=120_000)
        painted = time.monotonic() - t0
    finally:
        ctx.close()
    origin = urlsplit(base).netloc
    outside = [u for u in requests if urlsplit(u.removeprefix("blob:")).netloc != origin]
    if outside:
        raise SystemExit(f"requests left 127.0.0.1: {outside[:5]}")
    return idle, painted


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--site", action="append", default=[], help="LABEL=DIR (default: site=lite/_output)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sites: dict[str, Path] = {}
    for spec in args.site or [f"site={ROOT / 'lite' / '_output'}"]:
        label, sep, directory = spec.partition("=")
        if not sep or not label:
            raise SystemExit(f"--site {spec!r}: expected LABEL=DIR")
        sites[label] = Path(directory).resolve()

    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    servers = {label: serve(d) for label, d in sites.items()}
    results: dict[str, dict[str, list[float]]] = {label: {"idle": [], "painted": []} for label in sites}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, OFFLINE], headless=True)
        try:
            for i in range(args.runs):
                order = list(sites) if i % 2 == 0 else list(reversed(sites))
                for label in order:
                    idle, painted = one_run(browser, servers[label][1])
                    results[label]["idle"].append(idle)
                    results[label]["painted"].append(painted)
                    if not args.json:
                        print(f"run {i + 1} {label}: kernel idle {idle:.1f} s, viewer painted {painted:.1f} s")
        finally:
            browser.close()
            for server, _ in servers.values():
                server.shutdown()
                server.server_close()
    load_after = os.getloadavg()

    report = {
        "runs": args.runs,
        "goal_s": PAINT_GOAL,
        "load_average_before": load_before[0],
        "load_average_after": load_after[0],
        "sites": {
            label: {
                "dir": str(sites[label]),
                "painted_s": summary(r["painted"]),
                "kernel_idle_s": summary(r["idle"]),
                "painted_runs_s": r["painted"],
            }
            for label, r in results.items()
        },
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(f"load average (1 min): {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    for label, s in report["sites"].items():
        p_, k = s["painted_s"], s["kernel_idle_s"]
        print(
            f"{label}: page open to viewer painted median {p_['median']:.1f} s (range {p_['min']:.1f}-{p_['max']:.1f}), "
            f"to kernel idle median {k['median']:.1f} s (range {k['min']:.1f}-{k['max']:.1f}), {args.runs} runs; "
            f"goal {PAINT_GOAL:.0f} s"
        )


if __name__ == "__main__":
    main()
