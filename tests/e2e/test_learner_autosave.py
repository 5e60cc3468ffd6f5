"""The learner's Jupyter saves a notebook every 30 s, not JupyterLab's default 120 s.

Walk-through 23 reloaded Notebook 7 and found its reviews' cells empty, unsaved since they were
run: the notebook on disk had no outputs, so no saved copy of the review showed either (its
findings were safe in their file, and came back on running the cell). The learner's settings
(jupyter/learner/labconfig/default_setting_overrides.json) set the autosave interval to 30 s; a
run notebook is on disk, outputs and all, well before the default 120 s would have saved it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from viewer_flow import unexpected_errors

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def test_a_run_notebook_is_saved_within_the_learners_autosave_interval(jupyter_server_factory, new_page, monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(ROOT / "jupyter" / "learner"))
    nb7 = jupyter_server_factory("notebook")
    path = nb7.write_notebook("kept.ipynb", "print('kept')")
    page, log = new_page(viewport=(1280, 720))
    page.goto(nb7.notebook_url("kept.ipynb"))
    page.wait_for_function(
        "() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'",
        timeout=60_000,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.locator(".jp-OutputArea-output", has_text="kept").wait_for()
    ran = time.monotonic()

    def outputs() -> list:
        return json.loads(path.read_text(encoding="utf-8"))["cells"][0].get("outputs") or []

    while not outputs() and time.monotonic() - ran < 75:  # 30 s and slack; the default is 120 s
        time.sleep(2)
    assert outputs(), "the run notebook was not saved within 75 s"
    assert "kept" in "".join(outputs()[0].get("text", ""))
    assert not unexpected_errors(log, "notebook"), log.errors
