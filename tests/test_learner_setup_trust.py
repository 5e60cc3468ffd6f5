"""`make lab` (and Binder's postBuild) trust the course notebooks, so Notebook 7 does not show
"Not Trusted" on a notebook the learner has not run yet. The notebooks carry no outputs, so
trusting them trusts nothing that could run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.sign import NotebookNotary

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def trust_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if "jupyter trust" in line]
    assert len(lines) == 1, lines
    return lines[0]


def signed(data_dir: Path) -> list[str]:
    notary = NotebookNotary(data_dir=str(data_dir))
    return [p.name for p in NOTEBOOKS if notary.check_signature(nbformat.read(p, as_version=4))]


def test_the_notebooks_carry_no_output_to_trust():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


def run(command: str, data_dir: Path) -> None:
    env = {**os.environ, "JUPYTER_DATA_DIR": str(data_dir)}
    subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, check=True)


def test_make_lab_trusts_every_course_notebook(tmp_path):
    recipe = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert signed(tmp_path) == []  # a fresh learner: nothing trusted yet
    run(trust_line(recipe), tmp_path)
    assert signed(tmp_path) == [p.name for p in NOTEBOOKS]


def test_binder_trusts_every_course_notebook(tmp_path):
    command = trust_line((ROOT / "postBuild").read_text(encoding="utf-8"))
    # Binder's jupyter is on PATH; here it is this environment's
    run(command.replace("jupyter ", f"{sys.executable} -m jupyter ", 1), tmp_path)
    assert signed(tmp_path) == [p.name for p in NOTEBOOKS]
