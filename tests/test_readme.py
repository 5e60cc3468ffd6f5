"""The README cannot drift: its set-up commands and command list match the Makefile and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from course.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_first_lines_are_the_two_setup_commands():
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split("#")[0].strip() for line in block] == ["make lab", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lab:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_listed_command_exists_with_the_options_shown():
    listed = re.findall(r"^course (\w+)(.*?)\s{2,}", README, re.M)
    assert len(listed) >= 8
    for name, usage in listed:
        assert name in main.commands, f"README lists 'course {name}', which does not exist"
        help_text = CliRunner().invoke(main, [name, "--help"]).output
        for option in re.findall(r"--[a-z-]+", usage):
            assert option in help_text, f"'course {name}' has no {option}"


def test_linked_docs_exist():
    for target in re.findall(r"\]\(((?:docs|notebooks)/[^)#]+)\)", README):
        assert (ROOT / target).exists(), target
