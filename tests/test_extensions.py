"""`course extend`: per-student extensions in nbgrader's gradebook, applied by the next `course grade`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import main
from course.grading.nbconfig import nbgrader_env

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DUE = dt.datetime(2026, 3, 13, 17, 0)  # naive UTC, as nbgrader stores it


def isolate(tmp_path: Path, monkeypatch) -> None:
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp_path / name).mkdir(exist_ok=True)
        monkeypatch.setenv(f"JUPYTER_{name}_DIR", str(tmp_path / name))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path / "CONFIG"))
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    monkeypatch.setenv("PATH", nbgrader_env()["PATH"])  # nbgrader runs `alembic` for a new gradebook


def gradebook(course: Path):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{course / 'gradebook.db'}", "code-review-academy")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A gradebook recording week1 (due 13 March 17:00 UTC, one notebook), an undated assignment
    and three students; made once (without nbgrader's alembic subprocess) and copied per test."""
    from support.synthetic import _new_gradebook

    path = tmp_path_factory.mktemp("template") / "gradebook.db"
    _new_gradebook(path)
    with gradebook(path.parent) as gb:
        gb.add_assignment("week1", duedate=DUE)
        gb.add_notebook("review", "week1")
        gb.add_grade_cell("grades_review", "review", "week1", max_score=10, cell_type="code")
        gb.add_assignment("undated")
        for sid in ("alice", "bob", "eve\x1b[31m"):
            gb.add_student(sid)
    return path


@pytest.fixture
def course(tmp_path, monkeypatch, template):
    isolate(tmp_path, monkeypatch)
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821\n")
    shutil.copy(template, root / "gradebook.db")
    monkeypatch.chdir(root)
    return root


def extend(*args: str):
    return CliRunner().invoke(main, ["extend", *args])


def recorded(course: Path, student: str) -> tuple[dt.timedelta | None, dt.datetime | None]:
    with gradebook(course) as gb:
        sub = gb.find_submission("week1", student)
        return sub.extension, sub.duedate


def test_grant_replace_list_and_remove(course):
    result = extend("week1", "alice", "--days", "2")
    assert result.exit_code == 0, result.output
    assert "extended: alice: 2 days, due 2026-03-15 17:00 UTC" in result.output
    assert recorded(course, "alice") == (dt.timedelta(days=2), DUE + dt.timedelta(days=2))
    assert extend("week1", "alice", "--hours", "5").exit_code == 0  # replaces, never adds up
    assert recorded(course, "alice")[0] == dt.timedelta(hours=5)
    assert extend("week1", "alice", "--days", "1", "--hours", "12").exit_code == 0
    assert recorded(course, "alice")[0] == dt.timedelta(days=1, hours=12)
    result = extend("week1", "bob", "--until", "2026-03-14 09:30 Europe/London")
    assert result.exit_code == 0, result.output
    assert recorded(course, "bob")[0] == dt.timedelta(hours=16, minutes=30)  # 09:30 GMT is 09:30 UTC
    listed = extend("week1")
    assert listed.exit_code == 0, listed.output
    assert "week1: due 2026-03-13 17:00 UTC; 2 extensions" in listed.output
    assert "alice: 1 day 12 hours, due 2026-03-15 05:00 UTC" in listed.output
    assert "bob: 16 hours 30 minutes" in listed.output
    removed = extend("week1", "alice", "--remove")
    assert removed.exit_code == 0 and "removed: alice: 1 day 12 hours" in removed.output
    assert recorded(course, "alice") == (None, DUE)
    assert "1 extension" in extend("week1").output
    assert "alice has no extension of week1" in extend("week1", "alice", "--remove").output


def test_untrusted_student_ids_are_shown_escaped(course):
    result = extend("week1", "eve\x1b[31m", "--days", "1")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "eve\\x1b[31m: 1 day" in result.output
    assert "\x1b" not in extend("week1").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("week1", "mallory", "--days", "1"), "no student 'mallory' in the gradebook's roster"),
        (("week9", "alice", "--days", "1"), "assignment 'week9' is not in the gradebook"),
        (("undated", "alice", "--days", "1"), "has no due date in the gradebook, so nothing is late"),
        (("week1", "alice"), "give --days, --hours or --until (or --remove)"),
        (("week1", "alice", "--until", "2026-03-13 16:00"), "must end after the due date (2026-03-13 17:00 UTC)"),
        (("week1", "alice", "--until", "next tuesday-ish"), "--until 'next tuesday-ish': not a date and time"),
        (("week1", "alice", "--until", "2026-03-20", "--days", "1"), "either --until or --days/--hours"),
        (("week1", "alice", "--remove", "--days", "1"), "--remove takes no --days"),
        (("week1", "--days", "1"), "name the STUDENT to extend"),
        (("week1", "alice", "--days", "400"), "longer than a year"),
        (("week1", "alice", "--days", "-1"), "x>=0"),
    ],
)
def test_bad_input_is_a_clear_error(course, args, message):
    result = extend(*args)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_no_gradebook_is_not_created(tmp_path, monkeypatch):
    isolate(tmp_path, monkeypatch)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821\n")
    monkeypatch.chdir(tmp_path)
    result = extend("week1", "alice", "--days", "1")
    assert result.exit_code == 1 and "no gradebook at" in result.output
    assert not (tmp_path / "gradebook.db").exists()


def test_an_extension_before_handing_in_is_not_a_submission(tmp_path, monkeypatch):
    """The row `course extend` records for a student yet to hand in: the report and the export
    still count them as not having handed in."""
    from support.synthetic import ClassBuilder, flag
    from support.tiny_exercise import write_exercise

    from course.report import class_report

    isolate(tmp_path, monkeypatch)
    root = tmp_path / "course"
    write_exercise(root / "exercises", "order-totals")
    b = ClassBuilder(root, "week1", slugs=["order-totals"], points=10)
    b.student("alice", reviews={"order-totals": [flag("shop/totals.py", 6, "logic")]})
    b.student("carol", submitted=False)
    b.write()
    monkeypatch.chdir(root)
    assert extend("week1", "carol", "--days", "2").exit_code == 0
    students = class_report(root, "week1", None).students
    assert students.loc[students["student"] == "carol", "status"].tolist() == ["missing"]
    exported = CliRunner().invoke(main, ["export", "week1", "--id-column", "student_id"])
    assert exported.exit_code == 0 and "1 missing" in exported.output, exported.output


# `course grade` applies it --------------------------------------------------------------------

ASSIGNMENT = "fixture-review"
LATE_PY = '''\
from nbgrader.plugins import BasePlugin


class SubMarks(BasePlugin):
    """nbgrader's documented example plugin: one mark per hour late."""

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return round(total_seconds_late / 3600, 0)
'''


def summary(course: Path) -> dict[str, dict]:
    data = json.loads((course / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
    return {row["student"]: row for row in data["students"]}


def grade(*options: str) -> None:
    result = CliRunner().invoke(main, ["grade", ASSIGNMENT, "--jobs", "2", *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_course_grade_applies_extensions(tmp_path, monkeypatch):
    """perfect and partial handed in at 09:00; the assignment was due at 07:00 (two hours late).

    With the course's configuration (nbgrader's default plugin) lateness costs nothing. With
    SubMarks (one mark an hour), partial loses 2 and perfect, given 3 hours, nothing; the
    extension survives a regrade, and removing it brings the penalty back. An extension
    granted before a student was ever graded (a row nbgrader's add_submission records) is
    kept by their first autograde."""
    isolate(tmp_path, monkeypatch)
    root = tmp_path / "course"
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    for s in ("perfect", "partial"):
        shutil.copytree(FIXTURES / "class" / s, root / "submitted" / s)
    assert (root / "submitted" / "perfect" / ASSIGNMENT / "timestamp.txt").read_text().startswith("2026-03-06 09:00")
    monkeypatch.setenv("COURSE_BANK", str(FIXTURES / "bank"))
    monkeypatch.chdir(root)
    with gradebook(root) as gb:
        gb.add_assignment(ASSIGNMENT, duedate=dt.datetime(2026, 3, 6, 7, 0))
        for s in ("perfect", "partial", "wrong-categories"):
            gb.add_student(s)

    grade()  # records the assignment; the default LateSubmissionPlugin: no penalty
    rows = summary(root)
    assert rows["partial"]["late_penalty"] == 0.0 and rows["perfect"]["late_penalty"] == 0.0

    (root / "late.py").write_text(LATE_PY)
    with (root / "nbgrader_config.py").open("a") as fh:
        fh.write("\nc.AssignLatePenalties.plugin_class = 'late.SubMarks'\n")
    monkeypatch.syspath_prepend(str(root))
    assert extend(ASSIGNMENT, "perfect", "--hours", "3").exit_code == 0
    # wrong-categories has not handed in yet: the extension records their (empty) submission
    assert extend(ASSIGNMENT, "wrong-categories", "--days", "1").exit_code == 0
    shutil.copytree(FIXTURES / "class" / "wrong-categories", root / "submitted" / "wrong-categories")
    grade()
    rows = summary(root)
    assert rows["partial"]["late_penalty"] == 2.0
    assert rows["partial"]["final_score"] == rows["partial"]["score"] - 2.0
    assert rows["perfect"]["late_penalty"] == 0.0
    assert rows["wrong-categories"]["late_penalty"] == 0.0 and rows["wrong-categories"]["status"] == "graded"
    with gradebook(root) as gb:
        assert gb.find_submission(ASSIGNMENT, "perfect").extension == dt.timedelta(hours=3)  # kept by autograde
        assert gb.find_submission(ASSIGNMENT, "wrong-categories").extension == dt.timedelta(days=1)

    assert extend(ASSIGNMENT, "perfect", "--remove").exit_code == 0
    grade("--student", "perfect")
    assert summary(root)["perfect"]["late_penalty"] == 2.0

    exported = CliRunner().invoke(main, ["export", ASSIGNMENT, "--id-column", "student_id"])
    assert exported.exit_code == 0, exported.output
    text = (root / "reports" / ASSIGNMENT / "grades.csv").read_text()
    assert "partial" in text and "wrong-categories" in text
