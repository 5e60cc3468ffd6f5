"""Per-notebook time: plain Execute vs SandboxedExecute (only the kernel in the sandbox), on one small notebook.

    .venv/bin/python benchmarks/bench_sandbox_kernel.py [runs]

The notebook has 3 code cells, the first importing course.review. Both run in this one
process, alternating, so each pays the same warm caches; the first round is included (max).
Prints min / median / max seconds of each, and the medians' differences to plain Execute.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# so it runs from a checkout without installing the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.preprocessors import Execute

from course.grading.sandbox import sandbox_available
from course.grading.sandbox_kernel import SandboxedExecute

CELLS = [
    "import course.review\nx = sum(range(10_000))\nprint(x)",
    "import json\njson.dumps({'a': [1, 2, 3]})",
    "[i * i for i in range(5)]",
]


def notebook(path: Path) -> Path:
    nb = new_notebook(
        cells=[new_code_cell(c) for c in CELLS],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(nb, path)
    return path


def _check(nb: nbformat.NotebookNode, name: str) -> None:
    if nb.cells[0].outputs[0].get("text") != "49995000\n":
        raise SystemExit(f"{name}: unexpected output {nb.cells[0].outputs}")


def plain(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    out, _ = Execute(timeout=30).preprocess(nb, {"metadata": {"path": str(path.parent)}})
    _check(out, "plain Execute")


def sandboxed_kernel(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    out, _ = SandboxedExecute(timeout=30).preprocess(nb, {"metadata": {"path": str(path.parent)}})
    _check(out, "SandboxedExecute")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    ok, why = sandbox_available()
    if not ok:
        raise SystemExit(why)
    contenders: dict[str, Callable[[Path], None]] = {
        "plain Execute": plain,
        "SandboxedExecute": sandboxed_kernel,
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    with tempfile.TemporaryDirectory() as tmp:
        path = notebook(Path(tmp) / "small.ipynb")
        for _ in range(runs):
            for name, fn in contenders.items():
                start = time.perf_counter()
                fn(path)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["plain Execute"])
    for name, ts in times.items():
        med = statistics.median(ts)
        print(
            f"{name:17} n={len(ts)}  min {min(ts):.2f} s  median {med:.2f} s  max {max(ts):.2f} s"
            f"  (median {med - base:+.2f} s vs plain)"
        )


if __name__ == "__main__":
    main()
