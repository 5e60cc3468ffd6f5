"""The course notebooks open in JupyterLab without the unsaved-changes mark.

When a notebook's kernel starts, JupyterLab writes the kernel's spec (name, display name,
language) and its `language_info` (as the kernel_info reply gives it) into the notebook's
metadata. A value different from the stored one is a change, so the tab shows the dirty dot
before the learner did anything, and closing it asks to save. So each notebook stores exactly
what the course environment's python3 kernel reports, and is in nbformat's own normal form
(nbformat 4.5, cell ids), which is what JupyterLab's save writes back.

`language_info` names the kernel's Python version: when the course environment's Python
changes, this test fails and `.venv/bin/python tests/test_learner_setup_notebook_metadata.py`
writes the new values into every notebook (nothing else in them changes).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def kernel_metadata() -> dict[str, Any]:
    """What JupyterLab writes on kernel start: the python3 spec and the kernel's language_info."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import start_new_kernel

    spec = KernelSpecManager().get_kernel_spec("python3")
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        info = kc.kernel_info(reply=True, timeout=60)["content"]["language_info"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {
        "kernelspec": {"name": "python3", "display_name": spec.display_name, "language": spec.language},
        "language_info": info,
    }


@pytest.fixture(scope="module")
def reported() -> dict[str, Any]:
    return kernel_metadata()


def test_every_course_notebook_is_there():
    assert len(NOTEBOOKS) >= 8 and (ROOT / "notebooks" / "00.00-Start-Here.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_is_stored_as_jupyterlab_would_save_it(path):
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5), "JupyterLab upgrades an older minor version on open"
    assert all(cell.get("id") for cell in nb.cells), "JupyterLab adds missing cell ids on open"
    assert nbformat.writes(nb) + "\n" == text, f"{path.name} is not in nbformat's normal form"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_start_changes_no_metadata(path, reported):
    nb = nbformat.read(path, as_version=4)
    stored = {k: nb.metadata.get(k) for k in ("kernelspec", "language_info")}
    assert stored == reported, (
        f"{path.name}: JupyterLab would rewrite this metadata when the kernel starts and mark the "
        f"notebook changed; run {Path(__file__).relative_to(ROOT)} as a script to store what the "
        "kernel reports"
    )


def refresh() -> None:
    """Store what this environment's kernel reports in every course notebook."""
    meta = kernel_metadata()
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nb.metadata.update(meta)
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: kernelspec and language_info of this environment's python3")


if __name__ == "__main__":
    sys.exit(refresh())
