"""Authoring: `course check` catches what would mis-grade a class, reports every problem at once,
names the file, never shows a traceback; `course bundle --numbered` and `course assignment new`.

Each broken exercise is a copy of a real one (order-lookup-endpoint) or of the tiny one, broken
in one way in a temporary folder."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from course.cli import main
from course.keys import Bank, BankError, Exercise, check_exercise
from course.keys.check import problems_only

ROOT = Path(__file__).resolve().parents[1]
SLUG = "order-lookup-endpoint"
HANDLERS = "orderdesk/handlers.py"


@pytest.fixture
def real(tmp_path) -> Path:
    """A copy of a real, sound exercise in a bank of its own."""
    root = tmp_path / "exercises" / SLUG
    shutil.copytree(ROOT / "exercises" / SLUG, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def found(root: Path, proofs: bool = False) -> list[str]:
    return [f"{p.level}: {p}" for p in check_exercise(Exercise.load(root), proofs=proofs)]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_the_real_exercise_is_sound(real):
    assert found(real) == []


# 1. a defect's lines must be where fixed/ repairs it --------------------------------------------


def test_a_defect_keyed_on_lines_the_fix_does_not_touch_is_a_problem(real):
    edit(real / "key.toml", "lines = [75, 79]", "lines = [21, 21]")
    [problem] = found(real)
    assert problem == (
        f"problem: {SLUG}: order-lookup-missing-ownership-check: key.toml 'lines': {HANDLERS}:21 is not where "
        "fixed/ repairs the defect: fixed/ changes none of these lines nor a line beside them (it changes "
        f"{HANDLERS}:7, {HANDLERS}:76, {HANDLERS}:80, {HANDLERS}:82-86)"
    )


def test_an_old_side_defect_is_placed_by_the_before_numbering(real, tiny_bank):
    # before/ lines 36-37 were removed far from any fix: keyed there, the defect is misplaced
    edit(real / "key.toml", 'side = "new"\nlines = [82, 86]', 'side = "old"\nlines = [36, 37]')
    [problem] = found(real)
    assert "error-response-leaks-exception-and-trace: key.toml 'lines': orderdesk/handlers.py:36-37 (old) is not" in (
        problem
    )
    # before/ line 6 of the tiny exercise was removed where the fix now changes after/ line 6
    edit(tiny_bank / "order-totals" / "key.toml", "lines = [6, 6]", 'side = "old"\nlines = [6, 6]')
    assert problems_only(check_exercise(Bank(tiny_bank).get("order-totals"), proofs=False)) == []


def test_a_fix_one_line_off_the_key_is_tolerated_two_lines_off_is_not(tiny_bank):
    key = tiny_bank / "order-totals" / "key.toml"
    edit(key, "lines = [6, 6]", "lines = [7, 7]")  # the fix changes line 6: one line off
    assert problems_only(check_exercise(Bank(tiny_bank).get("order-totals"), proofs=False)) == []
    edit(key, "lines = [7, 7]", "lines = [8, 8]")  # two lines off (and now on the decoy)
    messages = [str(p) for p in check_exercise(Bank(tiny_bank).get("order-totals"), proofs=False)]
    assert any(
        "first-item-dropped: key.toml 'lines': shop/totals.py:8 is not where fixed/ repairs" in m for m in messages
    )


# 2. a fixed/ that changes more than the defects ---------------------------------------------------


def test_a_fix_that_changes_code_away_from_every_defect_is_a_warning(real):
    fixed = real / "fixed" / HANDLERS
    lines = fixed.read_text(encoding="utf-8").splitlines(True)
    lines.insert(30, "".join(f"EXTRA_{i} = {i}\n" for i in range(6)))
    fixed.write_text("".join(lines), encoding="utf-8")
    # named in after/'s numbering: fixed/ dropped line 7 (an import), so its line 30 is after/'s 31
    assert found(real) == [
        f"warning: {SLUG}: fixed/: fixed/ changes 6 lines away from every defect (more than the 5 allowed for "
        f"helpers and constants): {HANDLERS}: lines added after line 31; key what they repair, or leave them "
        "as in after/"
    ]


def test_imports_comments_blank_lines_and_the_project_tests_are_not_counted(real):
    fixed = real / "fixed" / HANDLERS
    lines = fixed.read_text(encoding="utf-8").splitlines(True)
    lines.insert(30, "import os\nimport sys\n# a note\n\n\n// not python\nfrom a import b\n")
    fixed.write_text("".join(lines), encoding="utf-8")
    (real / "fixed" / "tests").mkdir(exist_ok=True)
    (real / "fixed" / "tests" / "test_more.py").write_text("".join(f"X{i} = {i}\n" for i in range(20)))
    assert found(real) == []


def test_a_decoy_the_fix_changes_is_a_problem(real):
    edit(real / "fixed" / HANDLERS, "ORDER_ID = re.compile(", "ORDER_ID = re.compile(  ")
    edit(real / "key.toml", "lines = [73, 73]", "lines = [21, 21]")
    assert found(real) == [
        f"problem: {SLUG}: decoy 1: key.toml decoy at {HANDLERS}:21: fixed/ changes it ({HANDLERS}:21), but a "
        "decoy is correct code that the fix leaves alone"
    ]


# 3. missing folders and files, unreadable TOML: a message, never a traceback -------------------------


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda r: shutil.rmtree(r / "fixed"), f"{SLUG}: exercise: missing folder fixed/"),
        (lambda r: shutil.rmtree(r / "proofs"), f"{SLUG}: exercise: missing folder proofs/"),
        (
            lambda r: (r / "proofs" / "test_order_lookup_proofs.py").unlink(),
            f"{SLUG}: order-lookup-missing-ownership-check: proof file proofs/test_order_lookup_proofs.py does not exist",
        ),
        (lambda r: (r / "key.toml").unlink(), "key.toml: missing"),
        (lambda r: (r / "key.toml").write_text("[[defect]\nid = 1"), "key.toml: not valid TOML"),
        (lambda r: (r / "key.toml").write_bytes(b'[[decoy]]\nfile = "\xff"\n'), "key.toml: not UTF-8 text"),
        (lambda r: (r / "after" / "orderdesk" / "blob.py").write_bytes(b"\xff\xfe"), "blob.py: not UTF-8 text"),
    ],
    ids=["no-fixed", "no-proofs", "no-proof-file", "no-key", "bad-toml", "key-not-utf8", "tree-not-utf8"],
)
def test_missing_and_unreadable_files_are_named(real, break_it, message):
    break_it(real)
    result = run("check", "--bank", real.parent, "--no-proofs")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"FAIL {SLUG}\n") and message in result.output, result.output


def test_a_missing_fixed_folder_does_not_crash_the_proofs(real):
    shutil.rmtree(real / "fixed")
    assert f"problem: {SLUG}: exercise: missing folder fixed/" in found(real, proofs=True)


def test_course_prove_names_a_missing_fixed_folder(real):
    shutil.rmtree(real / "fixed")
    result = run("prove", SLUG, "--bank", real.parent)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{real}: missing folder fixed/: the proofs cannot run" in result.output


def test_a_proof_that_is_not_a_node_id_under_proofs_is_named(real):
    edit(real / "key.toml", 'proof = "test_order_lookup_proofs.py::', 'proof = "../test_order_lookup_proofs.py::')
    assert any(
        "key.toml 'proof' '../test_order_lookup_proofs.py::" in m and "not a pytest node id" in m for m in found(real)
    )


def test_an_exercise_toml_with_several_problems_names_each(real):
    edit(real / "exercise.toml", 'difficulty = "easy"', 'difficulty = "trivial"')
    edit(real / "exercise.toml", "tags = [", 'tags = "web"\nunused = [')
    edit(real / "exercise.toml", "title =", "titel =")
    with pytest.raises(BankError) as info:
        Exercise.load(real)
    path = real / "exercise.toml"
    assert info.value.problems == [
        f"{path}: 'tags' must be a list of strings",
        f"{path}: missing 'title'",
        f"{path}: 'difficulty' must be one of easy, medium, hard, expert, found 'trivial'",
    ]
    edit(real / "key.toml", 'severity = "major"', 'severity = "huge"')  # and one in key.toml
    result = run("check", "--bank", real.parent)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.splitlines()[1:-1] == [f"  {SLUG}: exercise: {p}" for p in info.value.problems] + [
        f"  {SLUG}: exercise: {real / 'key.toml'}: defect 'error-response-leaks-exception-and-trace': 'severity' "
        "must be one of blocker, major, minor, found 'huge'"
    ]


# 4. every problem of a file at once -----------------------------------------------------------------


def test_every_problem_of_a_key_is_reported_at_once(real):
    key = real / "key.toml"
    edit(key, 'category = "security"', 'category = "style"')
    edit(key, 'id = "error-response-leaks-exception-and-trace"', 'id = "order-lookup-missing-ownership-check"')
    edit(key, 'severity = "major"', 'severity = "huge"')
    edit(key, "lines = [73, 73]", "lines = [73]")
    defect = f"problem: {SLUG}: exercise: {key}: defect 'order-lookup-missing-ownership-check'"
    assert found(real) == [
        f"{defect}: 'category' must be one of logic, edge-case, concurrency, security, blast-radius, "
        "error-handling, found 'style'",
        f"{defect}: duplicate id",
        f"{defect}: 'severity' must be one of blocker, major, minor, found 'huge'",
        f"problem: {SLUG}: exercise: {key}: decoy 1: 'lines' must be [first, last], found [73]",
    ]


def test_every_problem_of_a_sound_key_on_a_broken_exercise_is_reported(real):
    edit(real / "key.toml", "lines = [75, 79]", "lines = [21, 21]")
    edit(real / "key.toml", "lines = [73, 73]", "lines = [200, 201]")
    edit(real / "exercise.toml", 'verdict = "request-changes"', 'verdict = "approve"')
    wheres = [m.split(": ")[2] for m in found(real)]
    assert wheres == ["exercise", "decoy 1", "order-lookup-missing-ownership-check"], found(real)


# 5. the bank's bar, enforced by course check (warnings; errors with --strict) ---------------------------


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "hints = [\n",
            'hints = ["one"]\nunused = [\n',
            "order-lookup-missing-ownership-check: key.toml 'hints': 1 given; give 2 to 4, least revealing first",
        ),
        (
            "hints = [\n",
            'hints = ["1", "2", "3", "4", "5"]\nunused = [\n',
            "order-lookup-missing-ownership-check: key.toml 'hints': 5 given; give 2 to 4, least revealing first",
        ),
        (
            'explanation = """',
            'explanation = "Too short."\nunused = """',
            "order-lookup-missing-ownership-check: key.toml 'explanation': 10 characters; at least 120 teach "
            "the pattern, not only the line\nwarning: order-lookup-endpoint: order-lookup-missing-ownership-check: "
            "key.toml 'hints': the first hint is longer than the explanation",
        ),
    ],
    ids=["one-hint", "five-hints", "short-explanation"],
)
def test_the_bar_for_hints_and_explanations(real, old, new, message):
    edit(real / "key.toml", old, new)  # the old value stays behind as an unused field
    assert found(real) == f"warning: {SLUG}: {message}".split("\n")


def test_the_size_of_the_change_is_within_the_bar(tiny_bank):
    problems = check_exercise(Bank(tiny_bank).get("order-totals"), proofs=False)
    assert [str(p) for p in problems if p.where == "exercise"] == [
        "order-totals: exercise: before/ -> after/ changes 10 lines; a review exercise changes 40 to 250"
    ]
    assert all(p.level == "warning" for p in problems)


def test_warnings_are_shown_and_fail_only_when_strict(tiny_bank):
    result = run("check", "--bank", tiny_bank, "--no-proofs")
    assert result.exit_code == 0
    assert "  warning: order-totals: exercise: before/ -> after/ changes 10 lines" in result.output
    strict = run("check", "--bank", tiny_bank, "--no-proofs", "--strict")
    assert strict.exit_code == 1 and strict.output.startswith("FAIL order-totals\n")
    assert strict.output.splitlines()[-1] == "0 of 1 exercises sound (strict)"


# 6. course bundle --numbered ---------------------------------------------------------------------------


def test_numbered_bundle_shows_the_viewer_s_old_and_new_numbers(tiny_bank):
    result = run("bundle", "order-totals", "--bank", tiny_bank, "--numbered")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:3] == ["Exercise: order-totals", "Title: Tidy up order totals", "Author: assistant"]
    assert "=== shop/totals.py [modified]" in lines
    assert "    5     5   " + '    """Sum prices in cents, then take off a whole-number percentage."""' in lines
    assert "    6       -     subtotal = sum(prices)" in lines  # removed: old number only (side old)
    assert "          6 +     subtotal = sum(prices[1:])" in lines  # added: new number only (side new)
    assert "         13 +     return sum(prices) // len(prices)" in lines


# 7. course assignment new ---------------------------------------------------------------------------


def _course(tmp_path: Path, bank: Path) -> Path:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(bank, course / "exercises")
    return course


def test_assignment_new_writes_the_cell_convention(tmp_path, monkeypatch):
    from course.grading.cells import assignment_reviews, opened_slugs

    monkeypatch.delenv("COURSE_BANK", raising=False)
    course = _course(tmp_path, ROOT / "exercises")
    result = run("assignment", "new", "week-one", SLUG, "cleanup-confirmation-guard", "--course", course)
    assert result.exit_code == 0, result.output
    folder = course / "source" / "week-one"
    [nb_path] = folder.glob("*.ipynb")
    assert opened_slugs(nb_path) == [SLUG, "cleanup-confirmation-guard"]
    assert [(c.grade_id, c.slug, c.points) for c in assignment_reviews(folder)] == [
        ("grades_review_of_order_lookup_endpoint", SLUG, 5.0),  # blocker 3 + major 2
        ("grades_review_of_cleanup_confirmation_guard", "cleanup-confirmation-guard", 1.0),  # the verdict
    ]
    nb = nbformat.read(nb_path, as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids[:2] == [None, "setup"] and ids[-1] == "short_answer"
    for name in ("open", "answer", "self_check"):
        assert f"{name}_order_lookup_endpoint" in ids
    short = nb.cells[-1].metadata["nbgrader"]
    assert nb.cells[-1].cell_type == "markdown" and short["grade"] and short["solution"] and short["points"] == 2
    again = run("assignment", "new", "week-one", SLUG, "--course", course)
    assert again.exit_code == 1 and "already exists" in again.output
    unknown = run("assignment", "new", "week-two", SLUG, "no-such-exercise", "--course", course)
    assert unknown.exit_code == 1 and "no exercise 'no-such-exercise'" in unknown.output
    assert not (course / "source" / "week-two").exists()
    bad = run("assignment", "new", "Week Two", SLUG, "--course", course)
    assert bad.exit_code == 1 and "lower-case" in bad.output


@pytest.mark.slow
def test_a_new_assignment_builds_and_its_solution_scores_full_marks(tmp_path, monkeypatch):
    from course.grading.build import build

    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(f"JUPYTER_{name}_DIR", str(tmp_path / name))
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
    monkeypatch.delenv("COURSE_BANK", raising=False)
    course = _course(tmp_path, ROOT / "tests" / "fixtures" / "bank")
    assert run("assignment", "new", "quiz", "fixture-cart", "--course", course).exit_code == 0
    lines: list[str] = []
    report = build(course, assignments=["quiz"], check=True, echo=lines.append)
    assert report.ok, "\n".join(lines)
    assert any("source solutions score full marks on 1 review cell(s)" in c for c in report.assignments[0].checks)


def test_a_pattern_outside_the_vocabulary_is_named_and_a_missing_one_fails_strict(real):
    edit(real / "key.toml", 'pattern = "missing-authorisation"', 'pattern = "missing-auth"')
    with pytest.raises(BankError) as info:
        _ = Exercise.load(real).key
    assert "'pattern' must be one of" in str(info.value) and "found 'missing-auth'" in str(info.value)
    edit(real / "key.toml", 'pattern = "missing-auth"\n', "")
    warnings = [str(p) for p in check_exercise(Exercise.load(real), proofs=False) if p.level == "warning"]
    assert warnings == [
        f"{SLUG}: order-lookup-missing-ownership-check: key.toml 'pattern': missing; name the lesson "
        "(one of course.vocab.PATTERNS)"
    ]


def test_an_expert_exercise_is_held_to_the_expert_size(real):
    edit(real / "exercise.toml", 'difficulty = "easy"', 'difficulty = "expert"')
    warnings = [str(p) for p in check_exercise(Exercise.load(real), proofs=False) if p.level == "warning"]
    assert len(warnings) == 1 and "an expert-tier exercise changes 300 to 800" in warnings[0]


APPROVE = "cleanup-confirmation-guard"


@pytest.fixture
def correct(tmp_path) -> Path:
    root = tmp_path / "exercises" / APPROVE
    shutil.copytree(ROOT / "exercises" / APPROVE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.mark.slow
def test_a_correct_change_runs_its_proofs_on_after_and_names_one_that_fails(correct):
    result = run("check", "--strict", "--bank", correct.parent)
    assert result.exit_code == 0 and "a correct change, 7 proofs pass" in result.output, result.output
    edit(correct / "after" / "opsctl" / "teardown.py", ".casefold()", "")  # a real bug in the "correct" change
    problems = [str(p) for p in problems_only(check_exercise(Exercise.load(correct)))]
    failing = [p for p in problems if "should pass on after/ (a correct change) but did not" in p]
    assert len(failing) == 1 and "test_operator_cannot_approve_their_own_teardown" in failing[0], problems


def test_a_correct_change_without_proofs_fails_strict_and_a_defect_key_may_not_list_them(correct, real):
    text = (correct / "key.toml").read_text(encoding="utf-8")
    start = text.index("proofs = [")
    (correct / "key.toml").write_text(text[:start] + text[text.index("]", start) + 1 :], encoding="utf-8")
    warnings = [str(p) for p in check_exercise(Exercise.load(correct), proofs=False) if p.level == "warning"]
    assert warnings == [f"{APPROVE}: key.toml: 'proofs': a correct change lists the proofs that show it is right"]
    key = real / "key.toml"
    key.write_text('proofs = ["test_x.py::test_y"]\n' + key.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(BankError) as info:
        _ = Exercise.load(real).key
    assert "'proofs' lists the proofs of a correct change; this exercise's verdict is request-changes" in str(
        info.value
    )
