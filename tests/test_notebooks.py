"""Every course notebook runs top to bottom in a fresh kernel, with no error and nothing on stderr."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9].[0-9][0-9]-*.ipynb"))
INSTRUCTOR = sorted((ROOT / "instructor").glob("[0-9][0-9].[0-9][0-9]-*.ipynb"))
CLOSING = "What a reviewer should have asked"
# What an interrupted atomic write leaves behind: course.review.store writes a sidecar through
# tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp") beside it, then renames it into place.
LEFTOVER = re.compile(r"\..+\.tmp")


def leftovers(folder: Path) -> list[str]:
    """Temporary files of an atomic write, anywhere under `folder` (hidden names included)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if LEFTOVER.fullmatch(p.name))


def test_notebooks_exist_and_follow_the_naming_rule():
    names = [p.name for p in NOTEBOOKS]
    assert "00.00-Start-Here.ipynb" in names
    assert INSTRUCTOR, "the instructor's notebooks live in instructor/"
    for p in NOTEBOOKS + INSTRUCTOR:
        assert re.fullmatch(r"\d\d\.\d\d-[A-Z0-9][A-Za-z0-9-]*\.ipynb", p.name), p.name
    assert not [p.name for p in NOTEBOOKS if p.name.startswith("9")], "instructor notebooks belong in instructor/"


@pytest.mark.parametrize("path", NOTEBOOKS + INSTRUCTOR, ids=[p.stem for p in NOTEBOOKS + INSTRUCTOR])
def test_learner_notebooks_open_with_a_title_and_close_with_the_same_section(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    if path.name.startswith("9"):  # instructor notebooks close differently
        return
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"]
    assert headings[-1] == f"## {CLOSING}", f"{path.name} must end with '## {CLOSING}'"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS + INSTRUCTOR, ids=[p.stem for p in NOTEBOOKS + INSTRUCTOR])
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    # Run a copy, so practice reviews write their sidecars in a temporary folder, not the repo.
    folder = path.parent
    work = tmp_path / folder.name
    shutil.copytree(folder, work, ignore=shutil.ignore_patterns("*.findings.json", ".*"))
    monkeypatch.setenv("COURSE_BANK", str(ROOT / "exercises"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(work / path.name, as_version=4)
    repo_before = sorted(p.name for p in folder.iterdir())
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{path.name} cell {i}: {out.get('ename')}: {out.get('evalue')}"
            if out.output_type == "stream":
                assert out.name != "stderr", f"{path.name} cell {i} wrote to stderr: {out.text[:500]}"
    # The run wrote where it ran (the copy), left no half-written sidecar there, and wrote
    # nothing into the repository's notebooks folder.
    assert leftovers(work) == [], f"{path.name} left temporary files behind"
    assert sorted(p.name for p in folder.iterdir()) == repo_before


def test_no_findings_sidecar_is_committed_beside_the_notebooks():
    # check=True: no git, or not a checkout, is an error here, never an empty (passing) listing.
    done = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "notebooks"], capture_output=True, text=True, check=True
    )
    tracked = [t for t in done.stdout.split("\0") if t]
    assert "notebooks/00.00-Start-Here.ipynb" in tracked  # the listing is the real one
    assert [t for t in tracked if t.endswith(".findings.json")] == []
