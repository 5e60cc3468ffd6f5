"""The bank: exercises load, keys are validated, bundles are stable, and broken ones are named."""

from __future__ import annotations

import shutil

import pytest

from course.diff import Diff, parse_bundle, render_bundle
from course.keys import Bank, BankError, Exercise, check_exercise, find_bank
from course.keys.check import problems_only


def test_loads_metadata_key_and_bundle(tiny_bank):
    ex = Bank(tiny_bank).get("order-totals")
    assert ex.title == "Tidy up order totals" and ex.difficulty == "easy"
    assert [d.id for d in ex.key.defects] == ["first-item-dropped", "average-of-empty"]
    assert ex.key.defects[0].lines == (6, 6) and ex.key.defects[0].side == "new"
    assert ex.key.decoys[0].why_fine.startswith("Floor division")
    b = ex.bundle
    assert (b.slug, b.title, b.author) == ("order-totals", "Tidy up order totals", "assistant")
    assert b.description == "Splits the discount into its own variable and adds `average()`."
    fd = b.diff.file("shop/totals.py")
    assert fd.line("new", 6).text == "    subtotal = sum(prices[1:])"
    assert fd.line("old", 6).text == "    subtotal = sum(prices)"
    # The whole file is context, so a viewer can unfold every unchanged line.
    assert fd.line("new", 1).kind == "context"


def test_bundle_is_byte_stable_and_keeps_no_key_text(tiny_bank):
    a = Bank(tiny_bank).get("order-totals").bundle_text
    b = Bank(tiny_bank).get("order-totals").bundle_text
    assert a == b
    assert a.startswith("Exercise: order-totals\nTitle: Tidy up order totals\nAuthor: assistant\n\n")
    for secret in ("first-item-dropped", "Slicing from 1", "divides by zero", "Floor division"):
        assert secret not in a


def test_a_plain_git_diff_is_a_bundle_without_metadata():
    text = Diff.compare("a\n", "b\n", "x.txt").text
    bundle = parse_bundle(text, "change.diff")
    assert bundle.slug is None and bundle.title == "change" and bundle.description == ""


def test_description_that_looks_like_a_diff_is_refused():
    with pytest.raises(ValueError, match="reword"):
        render_bundle("s", "t", "a", "see below\ndiff --git a/x b/x", "diff --git a/x b/x\n")


def test_sound_exercise_has_no_problems(tiny_bank):
    """Only warnings: the tiny exercise is below the bank's bar (tests/test_authoring.py)."""
    found = check_exercise(Bank(tiny_bank).get("order-totals"))
    assert problems_only(found) == [] and {p.level for p in found} == {"warning"}


def _break(bank, change):
    root = bank / "order-totals"
    change(root)
    return [str(p) for p in check_exercise(Exercise.load(root))]


def test_proof_that_passes_on_after_is_named(tiny_bank):
    problems = _break(tiny_bank, lambda r: shutil.copy(r / "fixed/shop/totals.py", r / "after/shop/totals.py"))
    assert any(
        p.startswith(
            "order-totals: first-item-dropped: proof test_totals.py::test_total_counts_every_item should fail on after/ but passed"
        )
        for p in problems
    ), problems


def test_proof_that_fails_on_fixed_is_named(tiny_bank):
    problems = _break(tiny_bank, lambda r: shutil.copy(r / "after/shop/totals.py", r / "fixed/shop/totals.py"))
    assert any(
        "average-of-empty: proof test_totals.py::test_average_of_no_prices_is_zero should pass on fixed/" in p
        for p in problems
    )


def test_proof_with_an_import_error_is_not_counted_as_failing(tiny_bank):
    def change(root):
        (root / "proofs/test_totals.py").write_text(
            "import nowhere_to_be_found\n\ndef test_total_counts_every_item():\n    assert False\n"
        )

    problems = _break(tiny_bank, change)
    assert any("first-item-dropped" in p and "did not run cleanly" in p for p in problems)


def test_key_lines_outside_the_diff_are_named(tiny_bank):
    def change(root):
        key = (root / "key.toml").read_text().replace("lines = [13, 13]", "lines = [13, 40]")
        (root / "key.toml").write_text(key)

    problems = _break(tiny_bank, change)
    assert (
        "order-totals: average-of-empty: key.toml: lines 14..40 of 'shop/totals.py' are not on the new side of the diff"
        in problems
    )


def test_decoy_overlapping_a_defect_is_named(tiny_bank):
    def change(root):
        key = (root / "key.toml").read_text().replace("lines = [8, 8]", "lines = [6, 8]")
        (root / "key.toml").write_text(key)

    assert "order-totals: decoy 1: key.toml: overlaps defect 'first-item-dropped'" in _break(tiny_bank, change)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('category = "logic"', 'category = "style"', "'category' must be one of"),
        ('severity = "blocker"', 'severity = "huge"', "'severity' must be one of"),
        ("lines = [6, 6]", "lines = [6]", "'lines' must be [first, last]"),
        ('title = "The first', 'titel = "The first', "missing 'title'"),
        ("[[decoy]]", "[[decoys]]\nx=1\n[[decoy]]", "unknown tables decoys"),
        ('id = "average-of-empty"', 'id = "first-item-dropped"', "duplicate id"),
    ],
)
def test_malformed_key_names_file_and_field(tiny_bank, old, new, message):
    path = tiny_bank / "order-totals" / "key.toml"
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(BankError) as info:
        _ = Bank(tiny_bank).get("order-totals").key
    assert str(path) in str(info.value) and message in str(info.value)


def test_unparseable_toml_and_unknown_slug(tiny_bank):
    (tiny_bank / "order-totals" / "exercise.toml").write_text("title = ")
    with pytest.raises(BankError, match=r"exercise\.toml: not valid TOML"):
        Bank(tiny_bank).get("order-totals")
    with pytest.raises(BankError, match="no exercise 'nope'"):
        Bank(tiny_bank).get("nope")


def test_verdict_and_defects_must_agree(tiny_bank):
    meta = tiny_bank / "order-totals" / "exercise.toml"
    meta.write_text(meta.read_text().replace('verdict = "request-changes"', 'verdict = "approve"'))
    problems = [str(p) for p in check_exercise(Bank(tiny_bank).get("order-totals"), proofs=False)]
    assert "order-totals: exercise: exercise.toml: verdict is 'approve' but key.toml lists defects" in problems


def test_find_bank_prefers_env_then_course_root(tmp_path, monkeypatch, tiny_bank):
    monkeypatch.delenv("COURSE_BANK", raising=False)
    root = tiny_bank.parent
    (root / "nbgrader_config.py").write_text("")
    (root / "source" / "a1").mkdir(parents=True)
    assert find_bank(root / "source" / "a1") == tiny_bank
    monkeypatch.setenv("COURSE_BANK", str(tmp_path / "nowhere"))
    with pytest.raises(BankError, match="COURSE_BANK"):
        find_bank(root)


def test_no_bank_for_a_student(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_BANK", raising=False)
    with pytest.raises(BankError, match="no exercise bank found"):
        find_bank(tmp_path)


def test_proofs_are_read_right_when_the_environment_forces_colour(tiny_bank, monkeypatch):
    """Jupyter kernels run with FORCE_COLOR set; pytest's summary must still be understood."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("PY_COLORS", "1")
    assert problems_only(check_exercise(Bank(tiny_bank).get("order-totals"))) == []
