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


# --------------------------------------------------------------------------- proofs in other languages
# A proof id's file says how it runs (course.keys.proofs): pytest, node --test or go test, with
# the same contract. `make toolchains` installs Node and Go; these tests need both.

JS_AFTER = "export function total(prices) {\n  return prices.slice(1).reduce((a, b) => a + b, 0);\n}\n"
JS_FIXED = "export function total(prices) {\n  return prices.reduce((a, b) => a + b, 0);\n}\n"
JS_PROOF = """\
import assert from "node:assert/strict";
import { test } from "node:test";
import { total } from "../shop/totals.mjs";

test("total_counts_every_item", () => {
  assert.equal(total([100, 200]), 300);
});

test("not # a proof", () => {
  assert.fail("only the proof named in the key runs");
});

test("hangs_forever", async () => {
  await new Promise(() => setInterval(() => {}, 1000));
});
"""
GO_AFTER = "package shop\n\nfunc Total(prices []int) int {\n\tt := 0\n\tfor _, p := range prices[1:] {\n\t\tt += p\n\t}\n\treturn t\n}\n"
GO_FIXED = GO_AFTER.replace("prices[1:]", "prices")
GO_PROOF = """\
package shop

import "testing"

func TestTotalCountsEveryItem(t *testing.T) {
	if got := Total([]int{100, 200}); got != 300 {
		t.Fatalf("total of 100 and 200 is %d", got)
	}
}

func TestNotAProof(t *testing.T) {
	t.Fatal("only the proof named in the key runs")
}
"""


def _other_language_exercise(bank, slug, language, files, proof_file, proof_text, proof_id, line):
    root = bank / slug
    for tree in ("before", "after", "fixed"):
        for name, texts in files.items():
            text = {"before": texts[1], "after": texts[0], "fixed": texts[1]}[tree]
            (root / tree / name).parent.mkdir(parents=True, exist_ok=True)
            (root / tree / name).write_text(text)
    (root / "proofs" / proof_file).parent.mkdir(parents=True)
    (root / "proofs" / proof_file).write_text(proof_text)
    (root / "exercise.toml").write_text(
        f'title = "Totals"\nauthor = "assistant"\nincident = "general"\nlanguage = "{language}"\n'
        'difficulty = "easy"\nverdict = "request-changes"\ntags = []\ndescription = "Totals."\n'
    )
    main = next(name for name in files if not name.endswith("go.mod"))
    (root / "key.toml").write_text(
        f'[[defect]]\nid = "first-item-dropped"\nfile = "{main}"\nlines = [{line}, {line}]\ncategory = "logic"\n'
        'severity = "major"\ntitle = "The first item is dropped"\nexplanation = "Slicing from 1 drops an item."\n'
        f'hints = ["Look at the slice."]\nproof = "{proof_id}"\n'
    )
    return Exercise.load(root)


@pytest.fixture
def js_exercise(tmp_path):
    return _other_language_exercise(
        tmp_path, "js-totals", "javascript", {"shop/totals.mjs": (JS_AFTER, JS_FIXED)},
        "totals.test.mjs", JS_PROOF, "totals.test.mjs::total_counts_every_item", 2,
    )  # fmt: skip


@pytest.fixture
def go_exercise(tmp_path):
    files = {"go.mod": ("module example.test/shop\n\ngo 1.19\n",) * 2, "shop/totals.go": (GO_AFTER, GO_FIXED)}
    return _other_language_exercise(
        tmp_path, "go-totals", "go", files,
        "shop/totals_proof_test.go", GO_PROOF, "shop/totals_proof_test.go::TestTotalCountsEveryItem", 5,
    )  # fmt: skip


def test_proof_ids_name_their_runner():
    from course.keys.proofs import proof_runner

    assert proof_runner("test_x.py::test_y[a-b]") == "pytest"
    assert proof_runner("cards.test.mjs::escapes_names") == "node"
    assert proof_runner("web/cards.test.js::escapes_names") == "node"
    assert proof_runner("holds/holds_proof_test.go::TestRace") == "go"
    for bad in (
        "cards.mjs::x",
        "holds/store.go::TestRace",
        "x_test.go::NotATest",
        "../a.test.mjs::x",
        "/a_test.go::TestX",
    ):
        assert proof_runner(bad) is None, bad


def test_a_node_proof_fails_on_after_and_passes_on_fixed(js_exercise):
    assert problems_only(check_exercise(js_exercise)) == []
    from course.keys.proofs import run_proof

    after = run_proof(js_exercise, "totals.test.mjs::total_counts_every_item", "after")
    assert after.failed and not after.passed and "300" in after.output
    # a test the key does not name is not run, and a test that is not there did not run cleanly
    other = run_proof(js_exercise, "totals.test.mjs::no_such_test", "fixed")
    assert not other.failed and not other.passed


def test_a_go_proof_fails_on_after_and_passes_on_fixed(go_exercise):
    assert problems_only(check_exercise(go_exercise)) == []
    shutil.copy(go_exercise.root / "after/shop/totals.go", go_exercise.root / "fixed/shop/totals.go")
    problems = [str(p) for p in check_exercise(go_exercise)]
    assert any("TestTotalCountsEveryItem should pass on fixed/ but did not" in p for p in problems), problems


def test_a_go_proof_that_does_not_compile_did_not_run_cleanly(go_exercise):
    (go_exercise.root / "proofs/shop/totals_proof_test.go").write_text(GO_PROOF.replace("Total(", "Totl("))
    problems = [str(p) for p in check_exercise(go_exercise)]
    assert any("should fail on after/ but did not run cleanly" in p for p in problems), problems


def test_a_hanging_node_proof_times_out_and_leaves_nothing_running(js_exercise):
    from course.keys.proofs import run_proof

    run = run_proof(js_exercise, "totals.test.mjs::hangs_forever", "after", timeout=3)
    assert (run.failed, run.passed, run.output) == (False, False, "timed out after 3 s")


@pytest.mark.parametrize(
    ("fixture", "install"), [("js_exercise", "apt-get install nodejs"), ("go_exercise", "golang-go")]
)
def test_a_missing_toolchain_is_a_problem_naming_what_to_install(fixture, install, request, tmp_path, monkeypatch):
    exercise = request.getfixturevalue(fixture)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    [problem] = problems_only(check_exercise(exercise))
    assert problem.where == "exercise" and "the proofs could not be run" in problem.message
    assert install in problem.message and "Traceback" not in problem.message


def test_the_failure_excerpt_reads_every_runner():
    from course.keys.proofs import failure_excerpt

    assert failure_excerpt("x\nE   assert 1 == 2\nE     more\n") == "E   assert 1 == 2\nE     more"
    go = "=== RUN   TestX\n    x_test.go:12: two holds for one unit\n--- FAIL: TestX (0.00s)\nFAIL\n"
    assert failure_excerpt(go) == "x_test.go:12: two holds for one unit"
    tap = "not ok 1 - a\n  ---\n  error: |-\n    expected 3\n    got 2\n  code: 'ERR_ASSERTION'\n  ...\n"
    tap += "not ok 2 - b\n  ---\n  error: 'it''s broken'\n  ...\n"
    assert failure_excerpt(tap) == "expected 3\ngot 2\nit''s broken"
