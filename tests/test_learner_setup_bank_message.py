"""A learner who copied notebooks/ out of the course sees why practice cannot start, not our code.

The notebook's own cells run in a real kernel (nbclient) from a folder outside the repository.
With COURSE_BANK unset, pointing nowhere, or pointing at a folder that is not a bank, the cell
fails (so Run All stops) and its output is the message alone: what is missing, which variable
to set and to which folder, with no traceback and none of the course's source lines.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
START = ROOT / "notebooks" / "00.00-Start-Here.ipynb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TRACEBACK_MARKS = ("Traceback", "File ", "---->", "course/keys/bank.py", "course/practice/")

pytestmark = pytest.mark.slow


def run_cells(folder: Path, sources: list[str]) -> list[dict]:
    """Run `sources` in one kernel started in `folder`; each cell's outputs, errors allowed."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    NotebookClient(
        nb, kernel_name="python3", timeout=120, allow_errors=True, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return [c.outputs for c in nb.cells]


def error_text(outputs: list) -> str:
    (err,) = [o for o in outputs if o.output_type == "error"]  # the cell failed: Run All stops here
    return ANSI.sub("", "\n".join(err.traceback))


def assert_clean(text: str) -> None:
    for mark in TRACEBACK_MARKS:
        assert mark not in text, f"{mark!r} in the notebook's error output:\n{text}"
    assert len(text.splitlines()) <= 3, text


def test_practice_without_a_bank_is_a_clear_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_BANK", raising=False)
    monkeypatch.delenv("COURSE_PRIVATE_BANK", raising=False)
    folder = tmp_path / "x" / "nb"  # the notebooks, copied out of the course
    shutil.copytree(ROOT / "notebooks", folder)
    assert not any((p / "nbgrader_config.py").exists() for p in folder.parents)
    first = next(c.source for c in nbformat.read(START, as_version=4).cells if c.cell_type == "code")
    assert 'practice("catalog-search-filter")' in first  # the Start Here notebook's own first cell
    not_a_bank = tmp_path / "somewhere"
    not_a_bank.mkdir()
    (not_a_bank / "notes.txt").write_text("not an exercise")
    missing = tmp_path / "no-such-folder"
    set_bank = "import os\nos.environ['COURSE_BANK'] = {!r}\n"
    outputs = run_cells(
        folder,
        [
            first,
            "from course.practice import drill\ndrill()",
            set_bank.format(str(missing)) + first,
            set_bank.format(str(not_a_bank)) + first,
            set_bank.format(str(ROOT)) + first,  # the course folder, not its exercises/
            set_bank.format(str(ROOT / "exercises")) + first + "\nprint(warmup.slug)",
        ],
    )
    unset, drilled, nowhere, wrong, course_root, fixed = outputs

    text = error_text(unset)
    assert_clean(text)
    assert f"no exercise bank found above {folder.resolve()}" in text
    assert "COURSE_BANK" in text and str(ROOT / "exercises") in text  # which variable, which folder

    text = error_text(drilled)
    assert_clean(text)
    assert "no exercise bank found" in text

    text = error_text(nowhere)
    assert_clean(text)
    assert f"COURSE_BANK={missing}: no such folder" in text

    text = error_text(wrong)
    assert_clean(text)
    assert f"COURSE_BANK={not_a_bank}: not an exercise bank" in text

    text = error_text(course_root)
    assert_clean(text)
    assert f"did you mean {ROOT / 'exercises'}?" in text

    # Set as the message says, the same cell opens the exercise.
    assert not [o for o in fixed if o.output_type == "error"], json.dumps(fixed, default=str)[:2000]
    assert any("catalog-search-filter" in o.get("text", "") for o in fixed if o.output_type == "stream")
