"""`course demo`: an instructor's first contact builds, simulates and grades a class, and says
where to look, without touching the course directory."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import main
from course.demo.simulate import simulate
from course.keys import Bank
from course.review import Finding
from course.scoring import score

ROOT = Path(__file__).resolve().parents[1]
BANK = Path(__file__).resolve().parent / "fixtures" / "bank"


@pytest.mark.parametrize(
    "style,expected",
    [
        ("perfect", 1.0),
        ("hurried", 0.5),
        ("spray", 0.0),
        ("approver", 0.0),
        ("empty", 0.0),
    ],
)
def test_simulated_students_score_as_their_style_says(style, expected):
    exercise = Bank(BANK).get("fixture-cart")
    data = simulate(exercise, style, random.Random(1))
    result = score([Finding.from_dict(f) for f in data["findings"]], exercise.key, data["verdict"])
    assert result.score == expected


def test_a_student_without_a_review_has_no_file():
    assert simulate(Bank(BANK).get("fixture-cart"), "no-review", random.Random(1)) is None


@pytest.mark.slow
def test_the_demo_grades_a_class_and_says_where_everything_is(tmp_path, monkeypatch):
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(f"JUPYTER_{name}_DIR", str(tmp_path / name))
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
    monkeypatch.delenv("COURSE_BANK", raising=False)
    monkeypatch.chdir(ROOT)
    before = sorted(p.name for p in ROOT.iterdir())
    target = tmp_path / "demo"
    result = CliRunner().invoke(
        main, ["demo", "--dir", str(target), "--assignment", "mar-02-2026"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "a grading day in a minute" in flat
    assert "Where to look" in flat and "<notebook>.html" in flat
    # the demo runs the class report and says where it and a feedback page are
    compact = re.sub(r"[\s│]", "", result.output)  # the panel wraps long paths inside its borders
    class_page = target / "reports" / "mar-02-2026" / "class-report.html"
    assert (
        class_page.is_file()
        and f"Classreport:whattheclassmissed,verdicts,latework,sharedanswers,everystudent:{class_page}" in compact
    )
    grace_page = next((target / "feedback" / "grace" / "mar-02-2026").glob("*.html"))
    assert f"grace'sfeedback:{grace_page}" in compact
    assert "shared answers: 1 group, 2 students" in flat and "2 students (charles, grace): identical" in flat
    summary = json.loads((target / "reports" / "mar-02-2026" / "grading" / "summary.json").read_text())
    status = {s["student"]: s["status"] for s in summary["students"]}
    assert status == {
        "ada": "graded",
        "alan": "graded",
        "barbara": "graded",
        "dennis": "repaired",
        "donald": "repaired",
        "edsger": "graded",
        "grace": "graded",
        "ken": "graded",
        "linus": "graded",
        "margaret": "graded",
        "charles": "graded",
    }
    scores = {
        s["student"]: s["reviews"].get("grades_review_of_delivery_estimate_simplify", {}).get("gradebook")
        for s in summary["students"]
    }
    assert scores["ada"] == 10.0 and scores["linus"] == 0.0 and scores["margaret"] == 0.0
    assert scores["charles"] == scores["grace"]  # grace's files, byte for byte
    # kernel-free: the tamperer's patch never ran, so the gradebook holds what its review earns
    assert summary["execution"] == "none" and "No student code ran" in flat
    ken = next(s for s in summary["students"] if s["student"] == "ken")["reviews"]
    assert all(r["gradebook"] == r["rescored"] for r in ken.values()) and ken
    (page,) = (target / "feedback" / "grace" / "mar-02-2026").glob("*.html")  # the course's feedback is inside
    assert 'id="course-review-feedback"' in page.read_text(encoding="utf-8")
    assert sorted(p.name for p in ROOT.iterdir()) == before  # nothing new in the course directory
    # in the demo's folder `course report` (and `course grade`) find the bank without --bank
    monkeypatch.chdir(target)
    again = CliRunner().invoke(main, ["report", "mar-02-2026", "--out", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1] == f"wrote {tmp_path / 'again' / 'class-report.html'}"
    assert "shared answers: 1 group, 2 students" in again.output
