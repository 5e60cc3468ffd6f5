"""The lesson notebooks lead the learner on.

Within a notebook the exercises come easiest first (the difficulty in each exercise's
exercise.toml), each introduced with its number, difficulty and size as the bank gives them.
Every notebook from 01.00 on ends with where to go next: the next notebook and My Progress (07.00),
by links that open files which exist. The incident notebooks (01.00-03.00) list their sources by
publication and date, say that links are not given, and contain no URL (FACTS.md has none).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from course.keys.bank import DIFFICULTIES, Exercise

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
LESSONS = sorted(FOLDER.glob("0[0-7].00-*.ipynb"))
PROGRESS = "07.00-My-Progress.ipynb"
# The lesson notebooks that close with what to do next, and the notebook each sends the learner to.
NEXT = {p.name: LESSONS[i + 1].name for i, p in enumerate(LESSONS) if "01.00" <= p.name < "06.00"}
INCIDENTS = [p for p in LESSONS if p.name[:5] in ("01.00", "02.00", "03.00")]
# What each incident notebook's Sources cell must name (from /work/shared/FACTS.md).
SOURCES = {
    "01.00": [
        "Financial Times**, February 2026",
        "Amazon",
        "Correcting the Financial Times report about AWS, Kiro, and AI",
    ],
    "02.00": ["Business Insider**, reporting from internal documents"],
    "03.00": ["Financial Times**, 10 March 2026", "CNBC", "Amazon's reply**, 12 March 2026"],
}
LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+)\)")


def practised_in_order(path: Path) -> list[tuple[int, str]]:
    """(cell index, slug) of every practice("...") call in the notebook's code cells, in order."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "practice":
                found.append((i, node.args[0].value))  # type: ignore[attr-defined]
    return found


def exercise(slug: str) -> Exercise:
    return Exercise.load(ROOT / "exercises" / slug)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem[:5])
def test_exercises_come_easiest_first(path):
    levels = [(slug, exercise(slug).difficulty) for _, slug in dict.fromkeys(practised_in_order(path))]
    ranks = [DIFFICULTIES.index(d) for _, d in levels]
    assert ranks == sorted(ranks), f"{path.name}: exercises out of order {levels}"


def test_the_start_notebook_sends_experienced_reviewers_to_reviews_that_are_expert():
    """00.00 says the last review of 01.00 to 04.00 is expert (walk 25 scored 100% on three easy
    and medium reviews and wanted the hard ones signposted)."""
    start = "\n".join(c.source for c in nbformat.read(FOLDER / "00.00-Start-Here.ipynb", as_version=4).cells)
    assert "go to the last review of 01.00 to 04.00, each one *expert*" in " ".join(start.split())
    for path in (p for p in LESSONS if p.name[:5] in ("01.00", "02.00", "03.00", "04.00")):
        last = practised_in_order(path)[-1][1]
        assert exercise(last).difficulty == "expert", f"{path.name}: its last review, {last}, is not expert"


@pytest.mark.parametrize(
    "path", [p for p in LESSONS if p.name[:5] in ("01.00", "02.00", "03.00", "04.00")], ids=lambda p: p.stem[:5]
)
def test_each_exercise_is_introduced_with_its_number_difficulty_and_size(path):
    nb = nbformat.read(path, as_version=4)
    calls = practised_in_order(path)
    assert calls, f"{path.name} opens no exercise"
    for n, (i, slug) in enumerate(calls, 1):
        ex = exercise(slug)
        files = len(ex.diff.files)
        changed = sum(f.added + f.removed for f in ex.diff.files)
        intro = nb.cells[i - 1]
        assert intro.cell_type == "markdown" and intro.source.startswith(f"**{n}. "), (
            f"{path.name}: exercise {slug} should follow a markdown cell starting '**{n}. '"
        )
        line = f"Difficulty: {ex.difficulty} · {files} files, {changed} changed lines"
        assert line in intro.source.splitlines(), f"{path.name}: the cell above {slug} should say {line!r}"


@pytest.mark.parametrize("name", sorted(NEXT), ids=lambda n: n[:5])
def test_a_notebook_ends_with_links_to_the_next_one_and_to_my_progress(name):
    nb = nbformat.read(FOLDER / name, as_version=4)
    last = nb.cells[-1]
    assert last.cell_type == "markdown"
    what_next = last.source.split("### What next", 1)
    assert len(what_next) == 2, f"{name} should end with a '### What next' part"
    links = LINK.findall(what_next[1])
    assert NEXT[name] in links and PROGRESS in links, f"{name} links {links}"
    missing = [link for link in links if not (FOLDER / link).is_file()]
    assert missing == [], f"{name} links to files that do not exist: {missing}"


def test_the_start_notebook_and_the_capstone_send_the_learner_to_my_progress():
    for name in ("00.00-Start-Here.ipynb", "06.00-Capstone.ipynb"):
        text = "\n".join(c.source for c in nbformat.read(FOLDER / name, as_version=4).cells)
        assert f"]({PROGRESS})" in text, name


@pytest.mark.parametrize("path", INCIDENTS, ids=lambda p: p.stem[:5])
def test_an_incident_notebook_lists_its_sources_and_invents_no_link(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "markdown"]
    [sources] = [" ".join(c.source.split()) for c in cells if c.source.startswith("### Sources")]
    for name in SOURCES[path.name[:5]]:
        assert name in sources, f"{path.name}: Sources should name {name!r}"
    assert "links to them are not given here" in sources
    # It sits right after the account it sources.
    at = [c.source.splitlines()[0] for c in cells].index("### Sources")
    assert cells[at - 1].source.startswith("## What was reported")
    urls = [c.id for c in cells if re.search(r"https?://|www\.", c.source)]
    assert urls == [], f"{path.name}: no URL may be given (FACTS.md has none): cells {urls}"


def test_the_start_notebooks_course_table_links_every_other_notebook():
    """Walk 31: the table of notebooks in 00.00 named each one and linked none."""
    nb = nbformat.read(FOLDER / "00.00-Start-Here.ipynb", as_version=4)
    [table] = [c.source for c in nb.cells if "## How the course is laid out" in c.source]
    links = LINK.findall(table)
    assert links == [p.name for p in LESSONS if not p.name.startswith("00.00")], links
    assert all((FOLDER / link).is_file() for link in links)
