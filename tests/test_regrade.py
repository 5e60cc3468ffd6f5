"""Grading again in the middle of a term: hand grades kept, one student regraded, the gradebook guarded.

A TA grades short answers and overrides a review score in formgrader; the instructor then runs
`course grade` again (a key fixed, a late submission collected) or regrades one student. Nothing
the TA entered may be lost or put back to "manual grading pending" unless the automatic score
under it moved, and a student graded now must not change anyone else's rows.
"""

from __future__ import annotations

import html
import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from course.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BANK = FIXTURES / "bank"
CLASS = FIXTURES / "class"
SOURCE = FIXTURES / "source"
ASSIGNMENT = "fixture-review"
NOTEBOOK = "cart-review"
SLUG = "fixture-cart"
REVIEW = "grades_review_of_fixture_cart"
SHORT = "short_answer"
STUDENTS = ("perfect", "partial", "empty", "wrong-categories")

pytestmark = pytest.mark.slow


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A small course (four of the fixture students) with its own Jupyter folders and gradebook."""
    root = tmp_path / "course"
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(SOURCE / ASSIGNMENT, root / "source" / ASSIGNMENT)
    for s in STUDENTS:
        shutil.copytree(CLASS / s, root / "submitted" / s)
    for s in ("perfect", "partial"):  # two students answered the short question: a TA grades it
        path = root / "submitted" / s / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == SHORT)
        cell.source = f"The subtotal skips the first item ({s})."
        nbformat.write(nb, path)
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(f"JUPYTER_{name}_DIR", str(tmp_path / name))
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
    monkeypatch.setenv("COURSE_BANK", str(BANK))
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    monkeypatch.chdir(root)
    return root


def grade(*options: str):
    return CliRunner().invoke(main, ["grade", ASSIGNMENT, "--jobs", "2", *options], catch_exceptions=False)


def summary(course: Path) -> dict:
    data = json.loads((course / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
    return {row["student"]: row for row in data["students"]} | {"": data}


def gradebook(course: Path):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{course / 'gradebook.db'}")


def ta_grades(course: Path) -> None:
    """What a TA does in formgrader: a short answer scored, a review overridden, extra credit, a comment."""
    with gradebook(course) as gb:
        for student, points in (("perfect", 2.0), ("partial", 1.0)):
            short = gb.find_grade(SHORT, NOTEBOOK, ASSIGNMENT, student)
            short.manual_score, short.needs_manual_grade = points, False
            gb.find_comment(SHORT, NOTEBOOK, ASSIGNMENT, student).manual_comment = f"good answer, {student}"
        review = gb.find_grade(REVIEW, NOTEBOOK, ASSIGNMENT, "partial")
        review.manual_score, review.extra_credit, review.needs_manual_grade = 8.0, 0.5, False
        gb.db.commit()


def columns(course: Path, student: str, cell: str) -> tuple:
    with gradebook(course) as gb:
        g = gb.find_grade(cell, NOTEBOOK, ASSIGNMENT, student)
        comment = gb.find_comment(cell, NOTEBOOK, ASSIGNMENT, student).manual_comment if cell == SHORT else None
        return g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade, comment


def test_grading_again_keeps_what_the_ta_entered_and_does_not_reopen_it(course):
    first = grade()
    assert first.exit_code == 0, first.output
    assert summary(course)["perfect"]["needs_manual_grading"]  # the short answer waits for a TA
    ta_grades(course)
    before = {(s, c): columns(course, s, c) for s in ("perfect", "partial") for c in (REVIEW, SHORT)}
    again = grade()
    assert again.exit_code == 0, again.output
    after = {(s, c): columns(course, s, c) for s in ("perfect", "partial") for c in (REVIEW, SHORT)}
    assert after == before  # nbgrader's autograde alone would have set needs_manual_grade again
    rows = summary(course)
    assert not rows["perfect"]["needs_manual_grading"] and not rows["partial"]["needs_manual_grading"]
    assert rows["partial"]["score"] == pytest.approx(8.0 + 0.5 + 1.0)  # the override stands
    # the report compares what the grader computed: the override is not a mismatch
    review = rows["partial"]["reviews"][REVIEW]
    assert review["gradebook"] == review["rescored"] and rows["partial"]["status"] == "graded"


def test_a_review_that_changed_under_a_ta_override_goes_back_to_the_ta(course):
    assert grade().exit_code == 0
    ta_grades(course)
    # the student's review is regraded on different findings (a late resubmission collected)
    shutil.copy(
        CLASS / "perfect" / ASSIGNMENT / f"{SLUG}.findings.json",
        course / "submitted" / "partial" / ASSIGNMENT / f"{SLUG}.findings.json",
    )
    assert grade("--student", "partial").exit_code == 0
    auto, manual, extra, needs, _ = columns(course, "partial", REVIEW)
    assert (auto, manual, extra, needs) == (10.0, 8.0, 0.5, True)
    notes = " ".join(summary(course)["partial"]["notes"])
    assert f"{NOTEBOOK}/{REVIEW}: its automatic score moved from 6.67 to 10 since a grader entered 8" in notes
    assert columns(course, "partial", SHORT)[1:4] == (1.0, None, False)  # its short answer is still done


def test_one_student_is_regraded_and_nobody_else_is_touched(course):
    assert grade().exit_code == 0
    ta_grades(course)
    grading = course / "reports" / ASSIGNMENT / "grading"
    kept = {
        path: path.stat().st_mtime_ns
        for s in ("perfect", "empty")
        for path in [
            *(course / "feedback" / s).rglob("*"),
            *(grading / "frozen" / s).rglob("*"),
            *(course / "autograded" / s).rglob("*"),
        ]
        if path.is_file()
    }
    assert kept
    others = {s: summary(course)[s] for s in ("perfect", "empty", "wrong-categories")}
    with gradebook(course) as gb:
        perfect = [
            (g.name, g.auto_score, g.manual_score, g.needs_manual_grade)
            for g in gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "perfect").grades
        ]
    result = grade("--student", "partial", "--student", "wrong-categories")
    assert result.exit_code == 0, result.output
    assert {p: p.stat().st_mtime_ns for p in kept} == kept
    rows = summary(course)
    assert rows[""]["graded_now"] == ["partial", "wrong-categories"]
    assert sorted(k for k in rows if k) == sorted(STUDENTS)  # the whole class is still described
    assert rows["perfect"] == others["perfect"] and rows["empty"] == others["empty"]
    assert rows["wrong-categories"]["reviews"] == others["wrong-categories"]["reviews"]
    with gradebook(course) as gb:
        assert perfect == [
            (g.name, g.auto_score, g.manual_score, g.needs_manual_grade)
            for g in gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "perfect").grades
        ]
    page = course / "feedback" / "partial" / ASSIGNMENT / f"{NOTEBOOK}.html"
    assert "Your reviews, defect by defect" in page.read_text(encoding="utf-8")


def test_regrading_a_student_who_did_not_submit_says_so(course):
    result = grade("--student", "nobody")
    assert result.exit_code == 1
    assert "no submission of fixture-review" in result.output and "'nobody'" in result.output
    assert "Traceback" not in result.output


def test_grades_changed_behind_the_graders_back_are_put_back_and_flagged(course):
    """What a notebook running as the instructor's user could do to a classmate (--unsandboxed):
    the settle step, given the grades before, puts every hand-entered column back."""
    from course.grading.handgrades import read_hand_grades, settle

    assert grade().exit_code == 0
    ta_grades(course)
    with gradebook(course) as gb:
        before = read_hand_grades(gb, ASSIGNMENT)
        victim = gb.find_grade(SHORT, NOTEBOOK, ASSIGNMENT, "perfect")
        victim.manual_score = 0.0
        gb.find_grade(REVIEW, NOTEBOOK, ASSIGNMENT, "empty").auto_score = 10.0
        gb.find_comment(SHORT, NOTEBOOK, ASSIGNMENT, "partial").manual_comment = "cheater"
        # another grader's shard (same gradebook, at the same time): not this run's to judge
        gb.find_grade(REVIEW, NOTEBOOK, ASSIGNMENT, "wrong-categories").auto_score = 1.0
        gb.db.commit()
        scope = [s for s in STUDENTS if s != "wrong-categories"]
        settled = settle(gb, ASSIGNMENT, before, graded=(), rescored={}, scope=scope)
    assert columns(course, "perfect", SHORT)[1] == 2.0
    assert columns(course, "empty", REVIEW)[0] == 0.0
    assert columns(course, "partial", SHORT)[4] == "good answer, partial"
    assert "its manual score changed from 2 to 0" in " ".join(settled.flags["perfect"])
    assert "not graded in this run; put back" in " ".join(settled.flags["empty"])
    assert "comment changed" in " ".join(settled.flags["partial"])
    assert "wrong-categories" not in settled.flags
    assert columns(course, "wrong-categories", REVIEW)[0] == 1.0  # left as the other grader wrote it


def test_the_gradebook_url_reaches_workers_only_in_a_private_file(course, monkeypatch):
    """A PostgreSQL URL holds a password: no worker's environment or command line (what /proc
    shows every process of the user) may carry it; a 0600 file does, and is gone afterwards."""
    import os
    import stat

    from course.grading import classgrader
    from course.grading.pool import WorkerPool

    secret = f"sqlite:///{course / 'gradebook.db'}?marker=s3cret"
    seen: dict = {}

    class Spy(WorkerPool):
        def __init__(self, jobs, cmd, env, logs, *args, **kwargs):
            path = env[classgrader.WORKER_DB_URL_FILE]
            seen.update(cmd=list(cmd), env=dict(env), mode=stat.S_IMODE(os.stat(path).st_mode), path=path)
            seen["content"] = Path(path).read_text()
            super().__init__(jobs, cmd, env, logs, *args, **kwargs)

    monkeypatch.setenv("COURSE_DB_URL", secret)
    monkeypatch.setattr(classgrader, "WorkerPool", Spy)
    report = classgrader.grade_class(ASSIGNMENT, root=course, jobs=2)
    assert report.students and all(r.status == "graded" for r in report.students)
    assert seen["content"] == secret and seen["mode"] == 0o600
    assert not [k for k, v in seen["env"].items() if "s3cret" in v], "the URL is in the workers' environment"
    assert not [a for a in seen["cmd"] if "s3cret" in a]
    assert not Path(seen["path"]).exists()


def test_course_grade_writes_the_course_section_whatever_the_config_lists(course):
    """An older course configuration without the course's feedback exporter still gets the
    per-defect section from course grade (the workers insist on it), exactly once."""
    config = course / "nbgrader_config.py"
    text = config.read_text()
    for line in ('    "course.grading.preprocessors.CourseReviewFeedback",\n', "c.GenerateFeedback.exporter_class"):
        assert line in text
    text = text.replace('    "course.grading.preprocessors.CourseReviewFeedback",\n', "")
    text = "\n".join(x for x in text.splitlines() if not x.startswith("c.GenerateFeedback.exporter_class"))
    config.write_text(text + "\n")
    assert grade().exit_code == 0
    page = (course / "feedback" / "partial" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text(encoding="utf-8")
    assert page.count("Your reviews, defect by defect") == 1
    assert "Review of fixture-cart: 6.67 of 10 points" in html.unescape(page)
