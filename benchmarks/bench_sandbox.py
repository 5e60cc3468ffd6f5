"""Time a small notebook (3 code cells) executed in the grading sandbox vs plainly with nbclient.

    .venv/bin/python benchmarks/bench_sandbox.py [runs]

Both run nbclient as nbgrader does (python3 kernel, allow_errors); the sandboxed run also starts
bwrap, the client inside it and the kernel beside it. Prints min / median / max seconds of each.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

# so it runs from a checkout without installing the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from course.grading.sandbox import sandbox_available
from course.grading.sandbox_notebook import execute_notebook

CELLS = ["x = sum(range(10_000))\nprint(x)", "import json\njson.dumps({'a': [1, 2, 3]})", "[i * i for i in range(5)]"]


def notebook(path: Path) -> Path:
    nb = new_notebook(
        cells=[new_code_cell(c) for c in CELLS],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(nb, path)
    return path


def plain(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=30, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True).execute()


def sandboxed(path: Path) -> None:
    result = execute_notebook(path, path.parent, timeout_per_cell=30)
    if result.outcome != "ok":
        raise SystemExit(f"sandboxed run failed: {result.reason}\n{result.run.stderr[-2000:]}")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    ok, why = sandbox_available()
    if not ok:
        raise SystemExit(why)
    times: dict[str, list[float]] = {"plain nbclient": [], "sandboxed": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = notebook(Path(tmp) / "small.ipynb")
        for _ in range(runs):
            for name, fn in (("plain nbclient", plain), ("sandboxed", sandboxed)):
                start = time.perf_counter()
                fn(path)
                times[name].append(time.perf_counter() - start)
    for name, ts in times.items():
        print(f"{name:15} n={len(ts)}  min {min(ts):.2f} s  median {statistics.median(ts):.2f} s  max {max(ts):.2f} s")
    overhead = statistics.median(times["sandboxed"]) - statistics.median(times["plain nbclient"])
    print(f"median overhead of the sandbox: {overhead:+.2f} s per notebook")


if __name__ == "__main__":
    main()
