"""Every code cell of the lesson notebooks runs on its own, as a learner who jumps runs it.

Learners open a notebook and run the exercise they want, not the cells above it. So each code
cell must define (or import) every name it uses: a cell that relies on `practice` imported three
cells up stops with `NameError` for the learner who starts at it.

The check executes the cells: one kernel per notebook, started in a copy of notebooks/ (so the
reviews' sidecars and the learner record land in a temporary folder, never in the repository)
with COURSE_BANK at this course's exercises/, and before each cell `%reset -f` empties the
user namespace. For a missing name that is the same as a fresh kernel (a name lives in the
namespace, not in sys.modules), at a fraction of the cost of one kernel per cell.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-6].00-*.ipynb"))

# Cells that deliberately continue the one before them, by notebook and cell id. 05.00 is a data
# lab: its analysis is one chain of steps on the frame its first code cell builds (`prs`), and
# repeating the set-up in every step would bury the step; its text walks the learner through it
# in order and it has no exercise to jump to.
CONTINUES: dict[str, set[str]] = {
    "05.00-Review-At-Scale.ipynb": {"cell-04", "cell-06", "cell-08", "cell-10", "cell-12"},
}


def run_alone(kc: Any, source: str) -> list[str]:
    """The errors (ename: evalue) of running `source` in an emptied user namespace."""
    errors: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["header"]["msg_type"] == "error":
            errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

    for code in ("%reset -f", source):
        reply = kc.execute_interactive(code, timeout=120, output_hook=hook, allow_stdin=False)
        if reply["content"]["status"] != "ok" and not errors:
            errors.append(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    return errors


def test_the_continuation_list_names_real_cells():
    for name, ids in CONTINUES.items():
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        code_ids = {c.id for c in nb.cells if c.cell_type == "code"}
        assert ids <= code_ids, f"{name}: no code cell {sorted(ids - code_ids)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:5])
def test_every_code_cell_runs_on_its_own_in_a_fresh_namespace(path, tmp_path):
    work = tmp_path / "notebooks"
    shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns("*.findings.json", ".*"))
    repo_before = sorted(p.name for p in path.parent.iterdir())
    env = {**os.environ, "COURSE_BANK": str(ROOT / "exercises"), "MPLBACKEND": "Agg"}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(work), env=env)
    nb = nbformat.read(path, as_version=4)
    skipped = CONTINUES.get(path.name, set())
    failures = []
    try:
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.id not in skipped:
                failures += [f"cell {cell.id}: {e}" for e in run_alone(kc, cell.source)]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert failures == [], f"{path.name}: a cell run on its own fails: {failures}"
    assert sorted(p.name for p in path.parent.iterdir()) == repo_before  # nothing written in the repo
