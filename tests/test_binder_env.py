"""Binder builds from environment.yml and postBuild installs the course with --no-deps, so every
runtime dependency in pyproject.toml must be in environment.yml, or practice fails on Binder."""

from __future__ import annotations

import re
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
