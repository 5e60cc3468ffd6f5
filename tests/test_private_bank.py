"""The private bank: assignment-only exercises kept apart from the public practice bank.

`COURSE_PRIVATE_BANK` names a second bank folder. Its exercises are graded, checked, built and
reported like the public ones; practice mode never opens them, and nothing a learner runs lists
them. A slug in both banks is an error naming both files.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from support.tiny_exercise import write_exercise

from course.cli import main
from course.keys.bank import Bank, BankError
from course.keys.catalogue import catalogue_markdown
from course.practice import PracticeReview, PrivateExercise, practice

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def banks(tmp_path, monkeypatch):
    """A public bank with order-totals and a private one with exam-totals (the same exercise)."""
    public, private = tmp_path / "exercises", tmp_path / "private-bank"
    write_exercise(public, "order-totals")
    write_exercise(private, "exam-totals")
    monkeypatch.delenv("COURSE_PRIVATE_BANK", raising=False)
    monkeypatch.setenv("COURSE_BANK", str(public))
    return public, private


def test_private_exercises_join_the_bank(banks, monkeypatch):
    public, private = banks
    assert Bank(public).slugs() == ["order-totals"]
    assert Bank(public).private_root is None
    monkeypatch.setenv("COURSE_PRIVATE_BANK", str(private))
    bank = Bank(public)
    assert bank.private_root == private
    assert bank.slugs() == ["exam-totals", "order-totals"]
    assert bank.private_slugs() == ["exam-totals"]
    assert bank.get("exam-totals").private and not bank.get("order-totals").private
    assert len(bank.get("exam-totals").key.defects) == 2
    assert [e.slug for e in bank] == ["exam-totals", "order-totals"]
    assert bank.public_only().slugs() == ["order-totals"]
    assert Bank(public, private=None).slugs() == ["order-totals"]  # explicitly none, whatever the env says


def test_missing_private_bank_is_a_clear_error(banks, monkeypatch, tmp_path):
    public, _ = banks
    monkeypatch.setenv("COURSE_PRIVATE_BANK", str(tmp_path / "nowhere"))
    with pytest.raises(BankError, match=r"COURSE_PRIVATE_BANK=.*nowhere: no such folder"):
        Bank(public)
    with pytest.raises(BankError, match="the private bank is the public bank's own folder"):
        Bank(public, private=public)


def test_slug_in_both_banks_names_both_files(banks, monkeypatch):
    public, private = banks
    write_exercise(private, "order-totals")
    with pytest.raises(BankError) as err:
        Bank(public, private=private)
    message = str(err.value)
    assert "'order-totals' is in both banks" in message
    assert str(public / "order-totals" / "exercise.toml") in message
    assert str(private / "order-totals" / "exercise.toml") in message
    # on the command line: the message, not a traceback
    monkeypatch.setenv("COURSE_PRIVATE_BANK", str(private))
    result = CliRunner().invoke(main, ["check", "--no-proofs"])
    assert result.exit_code == 1
    assert "is in both banks" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_course_check_covers_the_private_bank(banks, monkeypatch):
    _, private = banks
    monkeypatch.setenv("COURSE_PRIVATE_BANK", str(private))
    result = CliRunner().invoke(main, ["check", "--no-proofs"])
    assert result.exit_code == 0, result.output
    assert "ok   exam-totals" in result.output and "ok   order-totals" in result.output


def test_practice_refuses_a_private_exercise(banks, monkeypatch, tmp_path):
    public, private = banks
    monkeypatch.setenv("COURSE_PRIVATE_BANK", str(private))
    with pytest.raises(PrivateExercise, match=r"'exam-totals' is an assignment-only exercise .*exercise\.toml"):
        practice("exam-totals", directory=tmp_path)
    with pytest.raises(PrivateExercise):
        practice("exam-totals", bank=Bank(public, private=private), directory=tmp_path)
    review = practice("order-totals", directory=tmp_path)  # the public ones still open
    assert review.score().score == 0.0
    bank = Bank(public, private=private)
    with pytest.raises(PrivateExercise):  # nor through the class itself
        PracticeReview(bank.get("exam-totals").bundle, tmp_path / "x.findings.json", slug="exam-totals", bank=bank)


def test_practice_never_lists_private_slugs(banks, monkeypatch, tmp_path):
    public, private = banks
    monkeypatch.setenv("COURSE_PRIVATE_BANK", str(private))
    with pytest.raises(BankError) as err:
        practice("no-such-exercise", directory=tmp_path)
    assert "order-totals" in str(err.value) and "exam-totals" not in str(err.value)
    review = practice("order-totals", directory=tmp_path)
    assert review._bank.slugs() == ["order-totals"]
    assert "exam-totals" not in catalogue_markdown(Bank(public))  # the published catalogue
    # no private slug in anything the package ships, nor in the kernel's environment
    from course.grading.sandbox_kernel import PASSTHROUGH_ENV

    assert "COURSE_PRIVATE_BANK" not in PASSTHROUGH_ENV


def test_a_changed_private_bank_is_caught_by_the_grading_guard(banks, tmp_path):
    from course.grading.guard import changed_course_files, guard

    public, private = banks
    (tmp_path / "nbgrader_config.py").write_text("")
    run = SimpleNamespace(
        bank=Bank(public, private=private), root=tmp_path, guarded={}, students=[], results={}, seen={}
    )
    guard(run)
    assert changed_course_files(run) == []
    key = private / "exam-totals" / "key.toml"
    key.write_text(key.read_text().replace("blocker", "minor"))
    assert changed_course_files(run) == ["the private exercise bank"]


# A class graded from the private bank alone ------------------------------------------------------

ASSIGNMENT = "fixture-review"
STUDENTS = ("perfect", "partial", "empty")


@pytest.mark.slow
def test_build_grade_and_report_an_assignment_of_the_private_bank(tmp_path, monkeypatch):
    """The fixture assignment reviews fixture-cart; here it is only in the private bank: course build
    writes its bundle, course grade grades it (and refuses without the private bank), course report
    reports it."""
    root = tmp_path / "course"
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    for s in STUDENTS:
        shutil.copytree(FIXTURES / "class" / s, root / "submitted" / s)
    write_exercise(root / "exercises", "order-totals")  # the public bank has no fixture-cart
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(f"JUPYTER_{name}_DIR", str(tmp_path / name))
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
    monkeypatch.delenv("COURSE_BANK", raising=False)
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    monkeypatch.chdir(root)

    monkeypatch.delenv("COURSE_PRIVATE_BANK", raising=False)
    refused = CliRunner().invoke(main, ["grade", ASSIGNMENT, "--jobs", "1"])
    assert refused.exit_code != 0 and "fixture-cart" in refused.output

    monkeypatch.setenv("COURSE_PRIVATE_BANK", str(FIXTURES / "bank"))
    (root / "source" / ASSIGNMENT / "fixture-cart.diff").unlink()
    built = CliRunner().invoke(main, ["build", ASSIGNMENT, "--no-check"], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    expected = Bank(root / "exercises", private=FIXTURES / "bank").get("fixture-cart").bundle_text
    assert (root / "release" / ASSIGNMENT / "fixture-cart.diff").read_text() == expected
    graded = CliRunner().invoke(main, ["grade", ASSIGNMENT, "--jobs", "2"], catch_exceptions=False)
    assert graded.exit_code == 0, graded.output
    summary = json.loads((root / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
    rows = {r["student"]: r for r in summary["students"]}
    assert {s: rows[s]["status"] for s in STUDENTS} == dict.fromkeys(STUDENTS, "graded")
    assert rows["perfect"]["score"] > rows["partial"]["score"] > rows["empty"]["score"] == 0
    reported = CliRunner().invoke(main, ["report", ASSIGNMENT], catch_exceptions=False)
    assert reported.exit_code == 0, reported.output
    assert "fixture-cart" in (root / "reports" / ASSIGNMENT / "class-report.html").read_text()
