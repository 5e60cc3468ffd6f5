"""Binder builds from environment.yml and postBuild installs the course with --no-deps, so every
runtime dependency in pyproject.toml must be in environment.yml, or practice fails on Binder."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_environment_yml_lists_every_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    listed = set()
    for dep in env["dependencies"]:
        for spec in dep.get("pip", []) if isinstance(dep, dict) else [dep]:
            listed.add(_name(spec))
    missing = sorted({_name(d) for d in project["dependencies"]} - listed)
    assert missing == [], f"environment.yml lacks {missing}"


def test_postbuild_gives_binder_every_file_of_the_learners_jupyter_config():
    """Binder has no `make lab`: postBuild copies jupyter/learner into ~/.jupyter, and must take
    every file there (the news-prompt override came after the page config, and was missed)."""

    root = Path(__file__).resolve().parent.parent
    learner = root / "jupyter" / "learner"
    with tempfile.TemporaryDirectory() as home:
        script = (
            (root / "postBuild")
            .read_text(encoding="utf-8")
            .replace("python -m pip install --no-deps -e .", ": pip skipped in this test")
        )
        subprocess.run(
            ["bash", "-c", script],
            cwd=root,
            env={"HOME": home, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
            check=True,
        )
        wanted = sorted(p.relative_to(learner).as_posix() for p in learner.rglob("*.json"))
        got = sorted(
            p.relative_to(Path(home) / ".jupyter").as_posix() for p in (Path(home) / ".jupyter").rglob("*.json")
        )
        assert got == wanted
