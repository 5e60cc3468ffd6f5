"""Shared test helpers: a tiny exercise built on the fly, so bank and CLI tests own their data."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support.tiny_exercise import write_exercise


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
