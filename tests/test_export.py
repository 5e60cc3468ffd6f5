"""`course export`: the grades an LMS imports, from nbgrader's gradebook and `course grade`'s summary."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.synthetic import ClassBuilder, flag
from support.tiny_exercise import write_exercise

from course.cli import main
from course.grading.export import safe_cell

DUE = dt.datetime(2026, 3, 13, 17, 0, tzinfo=dt.UTC)
SLUG = "order-totals"
FILE = "shop/totals.py"


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No Jupyter configuration of this machine, no COURSE_DB_URL."""
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(f"JUPYTER_{name}_DIR", str(tmp_path / name))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path / "CONFIG"))
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    return tmp_path


def build_class(course: Path) -> Path:
    """alice on time; bob an hour late (penalty 1) with a hand-graded answer; mallory flagged for a
    faked score; dave failed; carol never handed in; a hostile id; then formgrader work on top."""
    write_exercise(course / "exercises", SLUG)
    b = ClassBuilder(course, "week1", slugs=[SLUG], duedate=DUE, points=10)
    found = [flag(FILE, 6, "logic"), flag(FILE, 13, "edge-case")]
    b.student("alice", reviews={SLUG: found}, manual=1.0)
    b.student("bob", reviews={SLUG: found[:1]}, submitted_at=DUE + dt.timedelta(hours=1), late_penalty=1.0, manual=2.0)
    b.student(
        "mallory", reviews={SLUG: []}, gradebook={SLUG: 10.0}, status="flagged", reasons=["gradebook 10 != rescore 0"]
    )
    b.student("dave", reviews={SLUG: "{broken"}, status="failed", reasons=["notebook unreadable"], autograded=False)
    b.student("carol", submitted=False)
    b.student("=HYPERLINK(1)", reviews={SLUG: found}, manual=0.0)
    root = b.write()
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "synthetic") as gb:
        for sid, first, last, email, lms in (
            ("alice", "Alice", "Liddell", "alice@example.edu", "1001"),
            ("bob", "Bob", "Tables", "bob@example.edu", "1002"),
            ("mallory", "Mallory", "M", "mallory@example.edu", "1003"),
            ("dave", "Dave", "D", "dave@example.edu", "1004"),
            ("carol", "+Carol", "C", "carol@example.edu", "1005"),
            ("=HYPERLINK(1)", "@evil", "-x", "", ""),
        ):
            st = gb.find_student(sid)
            st.first_name, st.last_name, st.email, st.lms_user_id = first, last, email, lms
        # in formgrader: extra credit for alice's review
        gb.find_grade(f"review_{SLUG}", f"01-{SLUG}", "week1", "alice").extra_credit = 0.5
        gb.db.commit()
    return root


@pytest.fixture
def course(isolated, monkeypatch):
    root = build_class(isolated / "course")
    monkeypatch.chdir(root)
    return root


def export(*args: str):
    return CliRunner().invoke(main, ["export", *args])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_roster_student_gets_a_row_with_gradebook_points(course):
    result = export("week1")
    assert result.exit_code == 0, result.output
    path = course / "reports" / "week1" / "grades.csv"
    assert f"wrote {Path('reports/week1/grades.csv')}: 6 students" in result.output
    rows = {r["student_id"]: r for r in read_csv(path)}
    assert next(iter(read_csv(path)[0])) == "email"  # the id column the LMS matches on comes first
    assert set(rows) == {"alice", "bob", "mallory", "dave", "carol", "'=HYPERLINK(1)"}
    alice = rows["alice"]
    # 10 review points + 1 hand-graded + 0.5 extra credit, all from the gradebook
    assert (alice["points"], alice["max_points"], alice["late_penalty"], alice["final_score"]) == (
        "11.5",
        "12.0",
        "0.0",
        "11.5",
    )
    assert (alice["status"], alice["manual_grading_pending"], alice["email"]) == ("graded", "no", "alice@example.edu")
    bob = rows["bob"]
    assert (bob["late_penalty"], bob["final_score"], bob["status"]) == (
        "1.0",
        str(float(bob["points"]) - 1.0),
        "graded",
    )
    assert bob["submitted_at"].startswith("2026-03-13 18:00")
    carol = rows["carol"]
    assert (carol["status"], carol["points"], carol["final_score"]) == ("missing", "0.0", "0.0")


def test_flagged_and_failed_are_marked_and_not_uploadable(course):
    result = export("week1")
    rows = {r["student_id"]: r for r in read_csv(course / "reports" / "week1" / "grades.csv")}
    mallory, dave = rows["mallory"], rows["dave"]
    assert (mallory["status"], mallory["points"], mallory["final_score"]) == ("FLAGGED", "10.0", "")
    assert "gradebook 10 != rescore 0" in mallory["flags"]
    assert (dave["status"], dave["final_score"]) == ("FAILED", "")
    assert "left empty for 2 not confirmed" in result.output and "mallory (flagged)" in result.output
    filled = export("week1", "--include-flagged", "--out", "all.csv")
    assert filled.exit_code == 0, filled.output
    rows = {r["student_id"]: r for r in read_csv(course / "all.csv")}
    assert (rows["mallory"]["status"], rows["mallory"]["final_score"]) == ("FLAGGED", "10.0")


def test_untrusted_text_cannot_become_a_formula(course):
    export("week1")
    text = (course / "reports" / "week1" / "grades.csv").read_text(encoding="utf-8")
    for cell in (row for line in csv.reader(io.StringIO(text)) for row in line):
        assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "'=HYPERLINK(1)" in text and "'+Carol" in text and "'@evil" in text and "'-x" in text
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("\tx") == "\\x09x" and safe_cell(-1.5) == -1.5
    assert safe_cell("a\x1b[31mb") == "a\\x1b[31mb"


def test_id_column_and_canvas_layout(course):
    result = export("week1", "--layout", "canvas", "--id-column", "lms_user_id")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((course / "reports" / "week1" / "grades.csv").open(encoding="utf-8", newline="")))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "week1"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "12.0"]
    by_id = {r[1]: r for r in rows[2:]}
    assert by_id["1001"] == ["Liddell, Alice", "1001", "", "", "", "11.5"]
    assert by_id["1003"][5] == ""  # flagged: nothing to upload
    assert by_id["1005"][5] == "0.0"  # missing
    assert "1 student without lms_user_id" in result.output  # the hostile id has none: named
    by_email = export("week1", "--layout", "canvas", "--out", "c.csv")
    assert by_email.exit_code == 0
    rows = list(csv.reader((course / "c.csv").open(encoding="utf-8", newline="")))
    assert ["Liddell, Alice", "", "", "alice@example.edu", "", "11.5"] in rows


def test_all_assignments_and_clear_errors(course, isolated):
    result = export("--all")
    assert result.exit_code == 0 and (course / "reports" / "week1" / "grades.csv").is_file()
    for args, message in (
        (("nope",), "assignment 'nope' is not in the gradebook (known: week1)"),
        ((), "give one ASSIGNMENT or --all"),
        (("week1", "--all"), "give one ASSIGNMENT or --all"),
        (("--all", "--out", "x.csv"), "--out names one file"),
        (("../week1",), "is not an assignment name"),
    ):
        bad = export(*args)
        assert bad.exit_code != 0 and message in bad.output, (args, bad.output)
        assert bad.exception is None or isinstance(bad.exception, SystemExit)
    summary = course / "reports" / "week1" / "grading" / "summary.json"
    summary.write_text("{not json")
    bad = export("week1")
    assert bad.exit_code == 1 and f"{summary}: cannot be read" in bad.output
    summary.unlink()
    unchecked = export("week1")
    assert unchecked.exit_code == 0 and "`course grade week1` has not run" in unchecked.output
    rows = {r["student_id"]: r for r in read_csv(course / "reports" / "week1" / "grades.csv")}
    assert rows["alice"]["status"] == "UNCHECKED" and rows["alice"]["final_score"] == ""
    empty = isolated / "empty"
    empty.mkdir()
    (empty / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    bad = CliRunner().invoke(main, ["export", "week1", "--course", str(empty)])
    assert bad.exit_code == 1 and "no gradebook at" in bad.output and not (empty / "gradebook.db").exists()


def test_summary_of_another_assignment_is_refused(course):
    summary = course / "reports" / "week1" / "grading" / "summary.json"
    data = json.loads(summary.read_text())
    data["assignment"] = "week2"
    summary.write_text(json.dumps(data))
    bad = export("week1")
    assert bad.exit_code == 1 and "is about assignment 'week2'" in bad.output


def test_a_gradebook_that_is_not_a_database_is_named(isolated, monkeypatch):
    root = isolated / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    (root / "gradebook.db").write_text("not a database\n")
    monkeypatch.chdir(root)
    for args in (["export", "week1"], ["extend", "week1"], ["extend", "week1", "alice", "--days", "1"]):
        bad = CliRunner().invoke(main, args)
        assert bad.exit_code == 1, bad.output
        assert (
            f"gradebook sqlite:///{root / 'gradebook.db'}: cannot be read (DatabaseError: file is not a database)"
            in (bad.output)
        )
        assert bad.exception is None or isinstance(bad.exception, SystemExit)
