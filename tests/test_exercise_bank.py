"""The real bank: every exercise is sound, and the bank as a whole covers what the course promises."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from course import CATEGORIES
from course.keys import Bank, check_exercise
from course.keys.catalogue import catalogue_markdown

ROOT = Path(__file__).resolve().parents[1]
BANK = Bank(ROOT / "exercises")
SLUGS = BANK.slugs()


def test_the_bank_is_big_enough():
    assert len(SLUGS) >= 24


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_exercise_is_sound_and_every_defect_is_proven(slug):
    """course check --strict: every rule, the bar's warnings too, and each proof fails on after/ and
    passes on fixed/."""
    problems = check_exercise(BANK.get(slug))
    assert not problems, "\n".join(map(str, problems))


def test_every_category_has_at_least_five_defects():
    counts = Counter(d.category for ex in BANK for d in ex.key.defects)
    assert {c: counts[c] for c in CATEGORIES if counts[c] < 5} == {}


def test_the_expert_tier_and_the_changes_worth_approving():
    """Issue #14: at least four expert exercises, each a 300-800 line pull request across many
    files; at least three correct changes, one of them expert."""
    expert = [ex for ex in BANK if ex.difficulty == "expert"]
    assert len(expert) >= 4
    for ex in expert:
        changed = sum(f.added + f.removed for f in ex.diff.files)
        assert 300 <= changed <= 800 and len(ex.diff.files) >= 6, (ex.slug, changed, len(ex.diff.files))
    approve = [ex for ex in BANK if ex.verdict == "approve"]
    assert len(approve) >= 3 and any(ex.difficulty == "expert" for ex in approve)
    assert all(ex.key.proofs for ex in approve), "a correct change lists the proofs that show it is right"


def test_every_incident_has_two_exercises_and_every_exercise_is_in_a_notebook():
    per_incident = Counter(ex.incident for ex in BANK)
    assert all(per_incident[i] >= 2 for i in ("dec-2025", "mar-02-2026", "mar-05-2026", "security")), per_incident
    opened = set().union(*(practised_slugs(nb) for nb in (ROOT / "notebooks").glob("0*.ipynb")))
    assert set(SLUGS) - opened == set()


def test_mix_of_difficulty_decoys_and_a_correct_change():
    exercises = list(BANK)
    assert sum(ex.difficulty == "hard" for ex in exercises) >= 3
    assert sum(bool(ex.key.decoys) for ex in exercises) >= 4
    approve = [ex for ex in exercises if ex.verdict == "approve"]
    assert approve and all(not ex.key.defects for ex in approve)
    assert {ex.incident for ex in exercises} >= {"dec-2025", "mar-02-2026", "mar-05-2026", "security"}


def test_the_bank_has_a_template_a_query_and_a_permission_change():
    suffixes = Counter(Path(f.path).suffix for ex in BANK for f in ex.diff.files)
    assert suffixes[".html"] >= 1 and suffixes[".js"] >= 1, suffixes
    assert suffixes[".sql"] >= 1, suffixes
    assert suffixes[".json"] + suffixes[".yaml"] + suffixes[".yml"] >= 1, suffixes


def test_the_bank_goes_beyond_python_with_proofs_in_the_language_of_the_change():
    """AI writes every language (issue #14): a JavaScript front end proven with node --test and a
    Go service proven with go test, besides the SQL and JSON exercises proven from Python."""
    from course.keys.proofs import proof_runner

    runners: dict[str, set] = {}
    for ex in BANK:
        runners.setdefault(ex.language, set()).update(
            proof_runner(p) for p in [d.proof for d in ex.key.defects] or ex.key.proofs
        )
    assert runners.get("javascript") == {"node"}, runners
    assert runners.get("go") == {"go"}, runners
    assert runners.get("sql") == {"pytest"}, runners  # SQL run in SQLite from Python
    # infrastructure as code, its meaning evaluated in Python: Terraform and a CI workflow
    assert runners.get("terraform") == {"pytest"} and runners.get("yaml") == {"pytest"}, runners


def test_every_exercise_keeps_every_rule_and_the_bar_without_proofs():
    """course check --strict --no-proofs: the rules and the bar (hints, explanations, size of the
    change, a fix on each defect's lines and little else) live in course/keys/check.py."""
    problems = [str(p) for slug in SLUGS for p in check_exercise(BANK.get(slug), proofs=False)]
    assert problems == []


def test_docs_table_is_up_to_date():
    """Regenerate with: course catalogue --write docs/exercises.md"""
    assert (ROOT / "docs" / "exercises.md").read_text(encoding="utf-8") == catalogue_markdown(BANK)


# The learner notebooks that open no practice review: the review-at-scale lab works on data, and
# My Progress reads the learner record (its drills open cuts of exercises already reviewed).
NO_PRACTICE = {"05.00-Review-At-Scale", "07.00-My-Progress"}


def practised_slugs(notebook: Path) -> set[str]:
    """The exercises a notebook opens: every `practice(...)` call in its code cells, read as
    Python (so any quoting style counts), or an assertion error naming a call it cannot read."""
    nb = nbformat.read(notebook, as_version=4)
    slugs = set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name != "practice":
                continue
            first = node.args[0] if node.args else None
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                f"{notebook.name} cell {i}: practice() must name its exercise as a string literal: {ast.unparse(node)}"
            )
            slugs.add(first.value)
    return slugs


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("0*.ipynb")), ids=lambda p: p.stem)
def test_practice_notebooks_only_name_exercises_that_exist(notebook):
    slugs = practised_slugs(notebook)
    if notebook.stem in NO_PRACTICE:
        assert slugs == set(), f"{notebook.name} now opens exercises: take it out of NO_PRACTICE"
        return
    assert slugs, f"{notebook.name} opens no practice exercise (list it in NO_PRACTICE if that is right)"
    assert slugs <= set(SLUGS), f"{notebook.name} names unknown exercises {sorted(slugs - set(SLUGS))}"


def test_a_descriptions_bold_heading_is_a_line_of_its_own():
    """Walk-through 28: "**Testing**" followed straight by its text renders as one paragraph, the
    heading running into it, where every other section of the description has a heading line."""
    run_on = {
        slug: m.group(0)
        for slug in SLUGS
        for m in [re.search(r"^\*\*[^*\n]+\*\*\n(?![-*\n]|\d+\.)", BANK.get(slug).description, re.M)]
        if m
    }
    assert run_on == {}, run_on


def test_the_refresh_herd_counts_where_a_blind_learner_flagged_it():
    """Walk 32 (blind) flagged checkout-config-service's `_refresh` (config_cache.py 46-47):
    "no lock around the refresh ... single-flight it". The key marked the herd three lines away,
    and the finding scored a false positive; the refresh is now a place of that defect too."""
    from course.review import Finding
    from course.scoring import score

    exercise = BANK.get("checkout-config-service")
    flagged = Finding(
        id="f1", path="checkoutflow/config_cache.py", side="new", start=46, end=47, category="concurrency"
    )
    result = score([flagged], exercise.key)
    [herd] = [r for r in result.defects if r.defect.id == "unsynchronised-refresh-herd"]
    assert (herd.status, herd.finding_id) == ("found", "f1")
    assert not result.false_positives
