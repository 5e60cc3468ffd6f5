"""The `course` command, run in-process in a temporary folder: exit codes and what the user reads."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from course.cli import main
from course.review.store import FindingStore


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_check_passes_on_a_sound_bank(run, tiny_bank):
    result = run("check", "--bank", tiny_bank)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (lines[0], lines[-1]) == ("ok   order-totals (2 defects proven, 1 decoy)", "1 of 1 exercises sound")
    assert all(line.startswith("  warning: order-totals: ") for line in lines[1:-1])  # below the bar: too small


def test_check_fails_clearly_on_a_broken_copy(run, tiny_bank):
    root = tiny_bank / "order-totals"
    shutil.copy(root / "fixed/shop/totals.py", root / "after/shop/totals.py")
    result = run("check", "--bank", tiny_bank)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "FAIL order-totals"
    assert (
        "order-totals: first-item-dropped: proof test_totals.py::test_total_counts_every_item should fail on after/ but passed"
        in result.output
    )
    assert lines[-1] == "0 of 1 exercises sound"


def test_check_of_an_unknown_slug(run, tiny_bank):
    result = run("check", "--bank", tiny_bank, "nope")
    assert result.exit_code == 1 and "no exercise 'nope'" in result.output


def _review(tmp_path, findings, verdict=None):
    path = tmp_path / "order-totals.findings.json"
    store = FindingStore(path, "order-totals")
    for f in findings:
        store.add(*f)
    store.set_verdict(verdict)
    return path


def test_score_perfect_review_is_one(run, tiny_bank, tmp_path):
    path = _review(
        tmp_path,
        [("shop/totals.py", 6, "logic", "drops an item"), ("shop/totals.py", 13, "edge-case", "empty")],
        "request-changes",
    )
    result = run("score", path, "--bank", tiny_bank, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["score"] == 1.0 and data["precision"] == 1.0 and data["recall"] == 1.0
    assert [d["status"] for d in data["defects"]] == ["found", "found"]
    assert data["false_positives"] == []


def test_score_empty_review_is_zero(run, tiny_bank, tmp_path):
    path = _review(tmp_path, [])
    result = run("score", path, "--bank", tiny_bank)
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("order-totals: score 0.00")
    assert result.output.count("missed") == 2


def test_score_reports_decoys_and_false_positives(run, tiny_bank, tmp_path):
    path = _review(
        tmp_path,
        [
            ("shop/totals.py", 6, "error-handling", ""),
            ("shop/totals.py", 8, "logic", ""),
            ("shop/totals.py", 1, "logic", ""),
        ],
    )
    data = json.loads(run("score", path, "--bank", tiny_bank, "--json").output)
    assert [d["status"] for d in data["defects"]] == ["miscategorised", "missed"]
    assert len(data["false_positives"]) == 2
    assert any(fp["decoy"] and fp["decoy"].startswith("Floor division") for fp in data["false_positives"])
    text = run("score", path, "--bank", tiny_bank).output
    assert "looks suspicious, but: Floor division" in text


def test_score_of_a_corrupt_file_names_it(run, tiny_bank, tmp_path):
    path = tmp_path / "order-totals.findings.json"
    path.write_text("{oops")
    result = run("score", path, "--bank", tiny_bank)
    assert result.exit_code == 1
    assert str(path) in result.output and "not valid JSON" in result.output
    assert path.read_text() == "{oops"


def test_score_of_a_missing_file(run, tiny_bank, tmp_path):
    result = run("score", tmp_path / "none.json", "--bank", tiny_bank)
    assert result.exit_code == 1 and "no such file" in result.output


def test_bundle_prints_what_students_get(run, tiny_bank, tmp_path):
    out = tmp_path / "order-totals.diff"
    assert run("bundle", "order-totals", "--bank", tiny_bank, "-o", out).exit_code == 0
    text = out.read_text()
    assert text.startswith("Exercise: order-totals\n") and "+    subtotal = sum(prices[1:])" in text
    assert "first-item-dropped" not in text


def test_prove_shows_the_failing_test_and_the_fix(run, tiny_bank):
    result = run("prove", "order-totals", "first-item-dropped", "--bank", tiny_bank)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "== first-item-dropped: The first item is left out of the subtotal"
    assert "   on the change under review: fails, as it should" in lines
    assert "   on the fix:                 passes" in lines
    assert any("assert 200 == 300" in line for line in lines)


def test_prove_of_an_unknown_defect(run, tiny_bank):
    result = run("prove", "order-totals", "nope", "--bank", tiny_bank)
    assert result.exit_code == 1 and "no defect nope" in result.output


def test_catalogue_lists_each_exercise(run, tiny_bank):
    result = run("catalogue", "--bank", tiny_bank)
    assert result.exit_code == 0
    row = [line for line in result.output.splitlines() if line.startswith("| `order-totals`")]
    assert row == [
        "| `order-totals` | Tidy up order totals | General | easy | python | 1 | 10 | edge-case, logic | 2 | 1 | request-changes | pytest |"
    ]
