"""Shared test helpers: a tiny exercise built on the fly, so bank and CLI tests own their data."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support.tiny_exercise import write_exercise


# `make test` runs the suite in two pytest-xdist workers (--dist loadgroup). The browser tests go
# together to one worker, one at a time as before: they measure pixels after frames, and two
# Chromiums with two Jupyter servers on a two-core machine would make each the other's load. The
# rest is shared out between both workers as they come free. (tryfirst: xdist reads the group
# in its own collection hook, which would otherwise run before this one.)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture
def tiny_bank(tmp_path) -> Path:
    bank = tmp_path / "exercises"
    write_exercise(bank)
    return bank


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# Fixture courses and banks hold their own pytest files (exercise proofs, student work) that
# are data here, not tests of this project.
collect_ignore_glob = ["fixtures/*"]
