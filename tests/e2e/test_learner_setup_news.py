"""The learner's JupyterLab asks nothing about news and checks for no updates.

`make lab` gives Jupyter JUPYTER_CONFIG_PATH=jupyter/learner, and jupyterlab_server reads
`labconfig/default_setting_overrides.json` from every Jupyter config folder as new defaults for
plugins' settings: jupyter/learner sets `@jupyterlab/apputils-extension:notification` to
fetchNews "false" and checkForUpdates false there. Nothing is written into the learner's own
settings, so a learner who turns news on keeps that choice.

The servers here are started as `make lab` starts them, with their own config, data, runtime and
settings folders but without the news switch the other browser tests put in their settings
folder (servers.JupyterServer._quiet_lab), so only jupyter/learner can turn news off. Notebook 7
started with the same config still serves its pages and opens a notebook: a settings file for a
plugin it lacks broke its page once.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from servers import JupyterServer
from viewer_flow import unexpected_errors

ROOT = Path(__file__).resolve().parents[2]
LEARNER = ROOT / "jupyter" / "learner"
PLUGIN = "@jupyterlab/apputils-extension:notification"
OFF = {"fetchNews": "false", "checkForUpdates": False}

pytestmark = pytest.mark.slow


class AsMakeLab(JupyterServer):
    """A server with nothing in its settings folder: what the learner's own one would hold."""

    @staticmethod
    def _quiet_lab(settings: Path) -> None:
        return None


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    started: list[JupyterServer] = []

    def run(app: str) -> JupyterServer:
        home = tmp_path_factory.mktemp(f"news-{app}")
        (home / "root").mkdir()
        server = AsMakeLab(app=app, root=home / "root", home=home)
        started.append(server)
        return server.start()

    yield run
    for server in started:
        server.stop()


def composite(server: JupyterServer) -> dict:
    """The notification plugin's settings as JupyterLab composes them: schema defaults (where
    overrides land), then the user's own settings."""
    with urllib.request.urlopen(server.url(f"lab/api/settings/{PLUGIN}"), timeout=60) as r:
        data = json.load(r)
    defaults = {k: v.get("default") for k, v in data["schema"]["properties"].items()}
    return {**defaults, **(data.get("settings") or {})}


def test_the_learners_lab_fetches_no_news_and_checks_no_updates(start, monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(LEARNER))
    lab = start("lab")
    assert not any((lab.home / "settings").rglob("*")), "the override must not come from a settings file"
    got = composite(lab)
    assert {k: got[k] for k in OFF} == OFF, got


def test_without_the_learner_config_jupyterlab_would_ask(start, monkeypatch):
    """The control: the same server without jupyter/learner keeps JupyterLab's defaults."""
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    got = composite(start("lab"))
    assert got["fetchNews"] != "false" and got["checkForUpdates"] is True, got


@pytest.mark.browser
def test_notebook7_with_the_learner_config_still_opens_a_notebook(start, new_page, monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(LEARNER))
    nb7 = start("notebook")
    nb7.write_notebook("hello.ipynb", "print('hello from notebook 7')")
    assert {k: composite(nb7)[k] for k in OFF} == OFF
    page, log = new_page()
    page.goto(nb7.notebook_url("hello.ipynb"))
    page.wait_for_function(
        """() => {
          const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
          const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
          return k && k.status === 'idle';
        }""",
        timeout=60_000,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.get_by_text("hello from notebook 7", exact=True).wait_for(timeout=30_000)
    assert not unexpected_errors(log, "notebook"), (
        log.errors
    )  # the one known Notebook 7 error, with or without this config
