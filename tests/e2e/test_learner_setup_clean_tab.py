"""In the learner's JupyterLab a course notebook opens clean: no unsaved-changes mark on its tab.

The server starts as `make lab` starts it (JUPYTER_CONFIG_PATH=jupyter/learner) on a copy of
notebooks/. The tab is looked at once the kernel is idle (JupyterLab writes the kernel's spec and
language_info into the notebook then) and again a few seconds later; neither JupyterLab's model
nor the tab (class jp-mod-dirty) may say the notebook changed. The stored metadata that makes
this so is checked for every notebook by tests/test_learner_setup_notebook_metadata.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START = "00.00-Start-Here.ipynb"

pytestmark = pytest.mark.browser

STATE = """name => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const tab = [...document.querySelectorAll('.lm-TabBar-tab')].find(t => t.textContent.includes(name));
  if (!w || !w.context || !tab) return null;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return {kernel: kernel ? kernel.status : null, model: w.context.model.dirty,
          tab: tab.classList.contains('jp-mod-dirty')};
}"""


def test_the_start_notebook_opens_without_the_unsaved_mark(jupyter_server_factory, new_page, monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(ROOT / "jupyter" / "learner"))
    root = tmp_path / "course"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    lab = jupyter_server_factory("lab", root=root)
    page, log = new_page()
    page.goto(lab.notebook_url(f"notebooks/{START}"))
    page.wait_for_function(
        f"name => {{ const s = ({STATE})(name); return s && s.kernel === 'idle'; }}", arg=START, timeout=60_000
    )
    page.wait_for_timeout(3000)  # kernel_info and the spec are written asynchronously after idle
    state = page.evaluate(STATE, START)
    assert state == {"kernel": "idle", "model": False, "tab": False}, state
    # the rules in full and "more about the viewer" are folds whose Markdown renders (walk 25
    # read about 1,000 words before the first click; the short rules stay open above them)
    folds = page.locator(".jp-RenderedMarkdown details")
    assert folds.count() == 2
    assert [f.evaluate("d => d.open") for f in folds.all()] == [False, False]
    folds.first.locator("summary").click()
    rules = folds.first.locator("li")
    rules.first.wait_for()
    assert rules.first.locator("strong").first.inner_text() == "Categories."
    assert "**" not in folds.first.inner_text()
    assert not log.errors, log.errors
