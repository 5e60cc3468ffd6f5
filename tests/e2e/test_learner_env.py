"""`make lab` gives a learner's JupyterLab: no nbgrader tooling in the way, no hidden re-run.

The Makefile starts JupyterLab with JUPYTER_CONFIG_PATH=jupyter/learner. Here a server started
the same way must serve no formgrader and no Validate endpoint, and its page must tell JupyterLab
to leave out nbgrader's menu, panels and buttons; one started without it (the instructor's) has
them all.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NBGRADER_PLUGINS = {
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:menu",
    "@jupyter/nbgrader:validate-assignment",
}

pytestmark = pytest.mark.slow


def status(server, path: str) -> int:
    try:
        with urllib.request.urlopen(server.url(path), timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def disabled_plugins(server) -> set[str]:
    with urllib.request.urlopen(server.url("lab"), timeout=60) as r:
        page = r.read().decode()
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, page[:500]
    data = json.loads(found.group(1))
    disabled = data.get("disabledExtensions", [])
    return set(disabled) if isinstance(disabled, list) else {k for k, v in disabled.items() if v}


def test_the_learners_lab_has_no_nbgrader_tooling(jupyter_server_factory, monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(ROOT / "jupyter" / "learner"))
    server = jupyter_server_factory("lab", root=tmp_path / "learner")
    assert status(server, "formgrader") == 404
    assert status(server, "assignments") == 404  # the assignment list's API: nothing to fetch on a laptop
    assert disabled_plugins(server) >= NBGRADER_PLUGINS


def test_the_instructors_lab_keeps_every_tool(jupyter_server_factory, monkeypatch, tmp_path):
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    server = jupyter_server_factory("lab", root=tmp_path / "instructor")
    assert status(server, "formgrader") in (200, 302)
    assert not NBGRADER_PLUGINS & disabled_plugins(server)


def test_make_lab_uses_the_learner_settings():
    makefile = (ROOT / "Makefile").read_text()
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/learner" in lab
