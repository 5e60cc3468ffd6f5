"""A whole term on a real JupyterHub: due date and late policy, a TA grading in formgrader, regrades.

test_class_on_hub.py runs one step of a term (release, submit, grade, feedback). This module
runs the rest of it, once, on the same loopback hub (tests/hub/hub_harness.py):

- the instructor sets a due date in the gradebook (`nbgrader db assignment add --duedate`) and
  nbgrader's late-penalty plugin in the course (late.py, `AssignLatePenalties.plugin_class`);
- five students fetch and submit through the hub's Assignments API: a strong review, a late one
  (submitted after the instructor moved the due date before it), a broken one (the notebook is
  garbage, the findings file fine) and two who share answers (the second copies the first's
  findings file byte for byte);
- the instructor collects and runs `course grade`;
- a TA, a system user of their own in the course's staff group (the course directory is
  group-owned, setgid, group-writable, docs/deploy.md "TAs grading one gradebook"), logs in and
  grades in their own server's formgrader through its REST API, the calls the formgrader page
  makes: a short answer each for two students, an override of a review score, a comment; then
  formgrader's Generate Feedback;
- the instructor releases that feedback, students fetch it; the instructor runs `course grade`
  again (hand grades kept), releases, students fetch again; regrades one student with
  `course grade --student`; exports the grades (`course export`) and writes the class report.

The tests then check what each person sees: the gradebook and formgrader against the course's
re-score plus the TA's grades, nbgrader's late penalty in the summary, the feedback pages and the
export, the broken student graded and visible, the TA's grades through both regrades, the two
sharers flagged by the report, the per-defect feedback on both feedback paths, and that no
student can read another's feedback.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hub_assignment import (
    ASSIGNMENT,
    NOTEBOOK,
    POINTS,
    SHORT,
    SHORT_POINTS,
    Plan,
    add_late_policy,
    add_short_answer,
    answer_code,
    late_penalty,
    make_course_dir,
    pick_exercise,
    plans,
)
from hub_harness import (
    Class,
    Hub,
    User,
    add_group,
    launch_hub,
    link_into_home,
    remove_group,
    remove_stale_groups,
    share_with_group,
    stop_hub,
    wait_for_hub,
)
from nbgrader.utils import parse_utc
from test_class_on_hub import PROBE, Student, assignment_action, log_in, run_in_kernel, server_call, work_code

from course.grading.hidden_test import points_for
from course.keys import Exercise
from course.review import Finding
from course.scoring import score

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.timeout(600)]

TOTAL = POINTS + SHORT_POINTS
SECTION = "Your reviews, defect by defect"
OVERRIDE = 9.0  # the TA's score for sharer-1's review, over the re-score
SHORT_GRADES = {"strong": 2.0, "late": 1.0}  # the TA's scores of the two short answers
COMMENT = "A good question: ask it before approving."
GARBAGE = '{"cells": [ this is not JSON any more'


@dataclass
class Step:
    """One command the instructor ran: its exit status and everything it printed."""

    rc: int
    out: str


@dataclass
class Term:
    cls: Class
    hub: Hub
    instructor: User
    ta: Student
    course_dir: Path
    exercise: Exercise
    students: dict[str, Student]  # by role: strong, late, broken, sharer-1, sharer-2
    review_cell: str
    due: dt.datetime
    late_seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)
    summaries: dict[str, dict] = field(default_factory=dict)  # summary.json after each course grade
    gradebooks: dict[str, dict] = field(default_factory=dict)  # the gradebook after each phase
    formgrader: dict[str, object] = field(default_factory=dict)  # what the TA's formgrader answered
    generated: dict[str, dict[str, str]] = field(default_factory=dict)  # feedback/ pages per generator
    fetched: dict[str, dict[str, str]] = field(default_factory=dict)  # fetched pages per round

    def expected_review(self, role: str) -> float:
        return self.students[role].plan.expected

    def expected_raw(self, role: str) -> float:
        """nbgrader's total before the late penalty: the re-score, or the TA's override, plus the short answer."""
        review = OVERRIDE if role == "sharer-1" else self.expected_review(role)
        return review + SHORT_GRADES.get(role, 0.0)

    def expected_penalty(self, role: str) -> float:
        # the plugin sees the score at autograde time: the review alone (the short answer waits for the TA)
        return late_penalty(self.late_seconds, self.expected_review(role)) if role == "late" else 0.0


# --- the instructor's and the TA's tools -------------------------------------------------------


def formgrader(term_hub: Hub, ta: Student, method: str, path: str, **kw):
    r = server_call(term_hub, ta, method, f"formgrader/{path}", **kw)
    assert r.status_code == 200, f"formgrader {method} {path}: {r.status_code} {r.text[:1000]}"
    return r


def gradebook_state(course_dir: Path, students: dict[str, Student], db: str = "gradebook.db") -> dict:
    """Per role: every grade's columns, the submission's score and late penalty, as nbgrader holds them."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course_dir / db}") as gb:
        for role, s in students.items():
            sub = gb.find_submission(ASSIGNMENT, s.user.name)
            nb = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, s.user.name)
            out[role] = {
                "score": sub.score,
                "late_penalty": sub.late_submission_penalty,
                "grades": {
                    g.name: (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade) for g in nb.grades
                },
                "comments": {c.name: c.manual_comment for c in nb.comments},
            }
    return out


def read_summary(course_dir: Path) -> dict:
    data = json.loads((course_dir / "reports" / ASSIGNMENT / "grading" / "summary.json").read_text())
    return {row["student"]: row for row in data["students"]} | {"": data}


def feedback_pages(course_dir: Path, students: dict[str, Student]) -> dict[str, str]:
    """The pages in the course's feedback/ folder (what release_feedback publishes), per role."""
    out = {}
    for role, s in students.items():
        page = course_dir / "feedback" / s.user.name / ASSIGNMENT / f"{NOTEBOOK}.html"
        out[role] = page.read_text(encoding="utf-8") if page.exists() else ""
    return out


def fetched_pages(cls: Class, students: dict[str, Student]) -> dict[str, str]:
    """What each student's Fetch Feedback brought home (one page each)."""
    out = {}
    for role, s in students.items():
        pages = sorted((s.user.home / cls.course_id / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK}.html"))
        assert len(pages) == 1, f"{role}: {pages} {s.log[-5:]}"
        out[role] = pages[0].read_text(encoding="utf-8")
    return out


def put_file(hub: Hub, student: Student, path: str, data: bytes) -> None:
    """Write a file into the student's home through their own server (the contents API, as an upload does)."""
    r = server_call(
        hub,
        student,
        "PUT",
        f"api/contents/{path}",
        json={"type": "file", "format": "base64", "content": base64.b64encode(data).decode()},
    )
    assert r.status_code in (200, 201), f"{student.user.name}: PUT {path}: {r.status_code} {r.text[:500]}"


# --- the term, once per module ----------------------------------------------------------------

# Each student words their own comments (the viewer gives code flags an id from what they say, so
# two honest students with the same words would share ids, which the report counts as evidence).
WORDING = {
    "strong": "The {category} here breaks callers that pass an empty query; a test would catch it.",
    "late": "Worried about {category} on these lines: what happens when nothing matches at all?",
    "broken": "I believe these lines have a {category} problem, see the second branch.",
    "sharer-1": "Suspicious ({category}) - please double-check this before merging, thanks.",
}


def own_words(role: str, plan: Plan, exercise: Exercise) -> Plan:
    """The plan with the student's own comments; its points re-computed by the scorer."""
    findings = [{**f, "comment": WORDING[role].format(category=f["category"])} for f in plan.findings]
    scored = [Finding.from_dict({**f, "id": f"f{i}"}) for i, f in enumerate(findings)]
    return Plan(findings, plan.verdict, points_for(score(scored, exercise.key, plan.verdict).score, POINTS))


def shared_course(cls: Class, users, exercise: Exercise, students, instructor: User, ta: User) -> tuple[Path, str]:
    """The course's staff (a system group: the instructor and the TA) and the course directory
    they share (docs/deploy.md): group-owned, setgid, group-writable, nothing for others; each
    of the staff links it into their home, where their formgrader's config finds it."""
    remove_stale_groups("crastaff-")
    staff = f"crastaff-{users.tag}"
    add_group(staff, [instructor, ta])
    courses = cls.scratch / "srv" / "courses"
    courses.mkdir(parents=True)
    for folder in (courses.parent, courses):
        folder.chmod(0o755)
    course_dir = make_course_dir(
        courses / cls.course_id, exercise, {s.user.name: role.title() for role, s in students.items()}
    )
    add_short_answer(course_dir)
    add_late_policy(course_dir)
    share_with_group(course_dir, instructor, staff)
    for person in (instructor, ta):
        link_into_home(person, cls.course_id, course_dir)
    # nbgrader writes what it makes group-writable (and its folders setgid) in a shared course:
    # the one line the staff's Jupyter config folder adds (docs/deploy.md).
    with open(cls.instructor_config / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write("\nc.CourseDirectory.groupshared = True\n")
    return course_dir, staff


def students_work(hub: Hub, cls: Class, students: dict[str, Student], exercise: Exercise) -> None:
    """Every student fetches and reviews; two answer the short question; one notebook is
    overwritten with garbage; sharer-2 takes sharer-1's findings file as it is."""
    rel = f"{cls.course_id}/{ASSIGNMENT}"
    findings = f"{exercise.slug}.findings.json"
    for role, s in students.items():
        assignment_action(hub, s, "fetch", cls.course_id)
        folder = s.user.home / cls.course_id / ASSIGNMENT
        if role == "sharer-2":  # the classmate's file, as sent by chat: byte for byte
            put_file(hub, s, f"{rel}/{findings}", (students["sharer-1"].user.home / rel / findings).read_bytes())
            continue
        s.log.append(run_in_kernel(hub, s, work_code(folder, exercise.slug, s.plan)).strip())
        if role in SHORT_GRADES:
            s.log.append(run_in_kernel(hub, s, answer_code(folder, f"What happens on empty input? ({role})")))
        if role == "broken":  # something wrote over the notebook; the review is intact
            put_file(hub, s, f"{rel}/{NOTEBOOK}.ipynb", GARBAGE.encode())


def ta_grades(done: Term) -> None:
    """The TA in their own formgrader, the calls its pages make: the submissions, the broken
    student's page, two short answers scored, a review overridden, a comment."""
    hub, ta, students, fg = done.hub, done.ta, done.students, done.formgrader
    fg["assignments"] = formgrader(hub, ta, "GET", "api/assignments").json()
    notebooks = formgrader(hub, ta, "GET", f"api/submitted_notebooks/{ASSIGNMENT}/{NOTEBOOK}").json()
    fg["submitted_notebooks"] = notebooks
    by_student = {n["student"]: n["id"] for n in notebooks}
    fg["broken page"] = formgrader(hub, ta, "GET", f"submissions/{by_student[students['broken'].user.name]}/").text
    to_grade = [(role, SHORT, points) for role, points in SHORT_GRADES.items()]
    to_grade.append(("sharer-1", done.review_cell, OVERRIDE))
    answers = {}
    for role, cell_name, points in to_grade:
        query = {"submission_id": by_student[students[role].user.name]}
        grade = next(g for g in formgrader(hub, ta, "GET", "api/grades", params=query).json() if g["name"] == cell_name)
        body = {"manual_score": points, "extra_credit": None}
        answers[(role, cell_name)] = formgrader(hub, ta, "PUT", f"api/grade/{grade['id']}", json=body).json()
    query = {"submission_id": by_student[students["strong"].user.name]}
    comment = next(c for c in formgrader(hub, ta, "GET", "api/comments", params=query).json() if c["name"] == SHORT)
    formgrader(hub, ta, "PUT", f"api/comment/{comment['id']}", json={"manual_comment": COMMENT})
    fg["put answers"] = answers
    fg["submissions"] = formgrader(hub, ta, "GET", f"api/submissions/{ASSIGNMENT}").json()


BACKUP = "import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))"


@pytest.fixture(scope="module")
def term(users, course_class: Class, hub_deps):
    started = time.monotonic()
    mark = [started]
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        now = time.monotonic()
        timings[name] = round(now - mark[0], 1)
        mark[0] = now

    exercise = pick_exercise()
    instructor, ta_user = users.add("i"), users.add("t")
    cls = course_class
    cls.instructors.update({instructor.name, ta_user.name})
    roles = plans(exercise)
    chosen = {"strong": "thorough", "late": "thorough", "broken": "partial", "sharer-1": "partial"}
    chosen_plans = {role: own_words(role, roles[kind], exercise) for role, kind in chosen.items()}
    chosen_plans["sharer-2"] = chosen_plans["sharer-1"]  # the copied file: the same review, the same score
    students = {role: Student(users.add(f"s{i}"), role, plan) for i, (role, plan) in enumerate(chosen_plans.items(), 1)}
    assert roles["partial"].expected != OVERRIDE, "the override must differ from the re-score"
    course_dir, staff = shared_course(cls, users, exercise, students, instructor, ta_user)
    lap("users, staff group, shared course directory")

    steps: dict[str, Step] = {}

    def instr(name: str, *argv, check: bool = True, timeout: float = 300) -> Step:
        """A command in the instructor's terminal, umask 007 as the deploy guide sets for staff."""
        proc = cls.as_user(
            instructor,
            ["/bin/sh", "-c", 'umask 007 && exec "$@"', "sh", *argv],
            cwd=course_dir,
            check=check,
            timeout=timeout,
        )
        steps[name] = Step(proc.returncode, proc.stdout + proc.stderr)
        return steps[name]

    hub = launch_hub(cls, instructor, [s.user for s in students.values()], graders=[ta_user])
    ta = Student(ta_user, "ta", roles["approver"])
    people = [*students.values(), ta]
    try:
        far = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S UTC")
        instr("import roster", "nbgrader", "db", "student", "import", "roster.csv")
        # SQLite creates its file 0644 whatever the umask: the staff's group must be able to write it.
        instr("gradebook for the group", "chmod", "g+w", "gradebook.db")
        instr("due date", "nbgrader", "db", "assignment", "add", ASSIGNMENT, f"--duedate={far}")
        instr("build", "course", "build", "--no-check", ASSIGNMENT)
        instr("release", "nbgrader", "release_assignment", ASSIGNMENT)
        lap("instructor: roster, due date, build, release")
        wait_for_hub(hub)
        for s in people:
            assert log_in(hub, s.user.name, hub.password) == 302, f"{s.user.name} could not log in"
            s.token = hub.user_token(s.user.name)
            hub.request_server(s.user.name)
        for s in people:
            hub.wait_for_server(s.user.name)
        lap("hub up, students and TA log in, servers start")

        students_work(hub, cls, students, exercise)
        for role, s in students.items():
            if role != "late":
                assignment_action(hub, s, "submit", cls.course_id)
        lap("students fetch, review, submit (but one)")
        # The instructor moves the due date to just after those submissions; the last one comes after it.
        due = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).replace(microsecond=0)
        instr(
            "move due date", "nbgrader", "db", "assignment", "add", ASSIGNMENT, f"--duedate={due:%Y-%m-%d %H:%M:%S} UTC"
        )
        time.sleep(max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds()) + 1.0)
        assignment_action(hub, students["late"], "submit", cls.course_id)
        lap("due date moved, late student submits")

        instr("collect", "nbgrader", "collect", ASSIGNMENT)
        stamp = (course_dir / "submitted" / students["late"].user.name / ASSIGNMENT / "timestamp.txt").read_text()
        late_seconds = (parse_utc(stamp.strip()) - due.replace(tzinfo=None)).total_seconds()
        review_cell = f"grades_review_of_{exercise.slug.replace('-', '_')}"
        done = Term(
            cls, hub, instructor, ta, course_dir, exercise, students, review_cell, due, late_seconds, timings, steps
        )
        instr("grade 1", "course", "grade", ASSIGNMENT, "--jobs", "2", check=False)
        record(done, "grade 1", generated="course grade 1")
        lap("instructor: collect, course grade")

        ta_grades(done)
        done.gradebooks["ta"] = gradebook_state(course_dir, students)
        lap("TA: formgrader, manual grades")
        fg = done.formgrader
        fg["generate_feedback"] = formgrader(hub, ta, "POST", f"api/assignment/{ASSIGNMENT}/generate_feedback").json()
        done.generated["formgrader"] = feedback_pages(course_dir, students)
        fg["page owners"] = owners(course_dir, students)
        lap("TA: formgrader's Generate Feedback")

        instr("release feedback 1", "nbgrader", "release_feedback", ASSIGNMENT)
        for s in students.values():
            assignment_action(hub, s, "fetch_feedback", cls.course_id)
        done.fetched["formgrader"] = fetched_pages(cls, students)
        lap("release formgrader's feedback, students fetch it")

        instr("backup", "python", "-c", BACKUP, "gradebook.db", "gradebook-before-grade-2.db")
        instr("grade 2", "course", "grade", ASSIGNMENT, "--jobs", "2", check=False)
        record(done, "grade 2", generated="course grade 2")
        lap("instructor: back up the gradebook, course grade again")
        instr("release feedback 2", "nbgrader", "release_feedback", ASSIGNMENT)
        for s in students.values():
            assignment_action(hub, s, "fetch_feedback", cls.course_id)
        done.fetched["course grade"] = fetched_pages(cls, students)
        lap("release course grade's feedback, students fetch it")

        instr("regrade late", "course", "grade", ASSIGNMENT, "--student", students["late"].user.name, check=False)
        record(done, "regrade")
        lap("instructor: course grade --student")
        instr("export", "course", "export", ASSIGNMENT, check=False)
        lap("instructor: course export")
        instr("report", "course", "report", ASSIGNMENT, check=False)
        lap("instructor: course report")
        timings["total"] = round(time.monotonic() - started, 1)
        yield done
    finally:
        stop_hub(hub)
        remove_group(staff)
        print(f"\nterm on hub, seconds per step: {json.dumps(timings)}")
        for name, step in steps.items():
            if step.rc:
                print(f"--- {name} exited {step.rc}\n{step.out[-3000:]}")


def owners(course_dir: Path, students: dict[str, Student]) -> dict[str, int]:
    """Who wrote each student's feedback page (uid)."""
    return {
        role: (course_dir / "feedback" / s.user.name / ASSIGNMENT / f"{NOTEBOOK}.html").stat().st_uid
        for role, s in students.items()
    }


def record(done: Term, phase: str, generated: str | None = None) -> None:
    """After a `course grade`: its summary, the gradebook, and (when it wrote them) the feedback pages."""
    done.summaries[phase] = read_summary(done.course_dir)
    done.gradebooks[phase] = gradebook_state(done.course_dir, done.students)
    if generated:
        done.generated[generated] = feedback_pages(done.course_dir, done.students)


# --- the tests ----------------------------------------------------------------------------


def names(term: Term) -> dict[str, str]:
    return {role: s.user.name for role, s in term.students.items()}


def test_every_command_of_the_term_succeeded(term):
    failed = {name: step.out[-2000:] for name, step in term.steps.items() if step.rc != 0}
    assert not failed, failed


def test_the_late_student_submitted_after_the_due_date_and_the_others_before(term):
    from nbgrader.utils import parse_utc

    assert term.late_seconds > 0
    for role, s in term.students.items():
        stamp = parse_utc((term.course_dir / "submitted" / s.user.name / ASSIGNMENT / "timestamp.txt").read_text())
        assert (stamp > term.due.replace(tzinfo=None)) == (role == "late"), (role, stamp, term.due)


def test_the_gradebook_holds_the_rescore_plus_the_tas_grades(term):
    """After the TA and after both later runs of `course grade`: every student's nbgrader total is
    the course's re-score (or the TA's override) plus the TA's short-answer grade."""
    for phase in ("ta", "grade 2", "regrade"):
        book = term.gradebooks[phase]
        got = {role: book[role]["score"] for role in term.students}
        want = {role: term.expected_raw(role) for role in term.students}
        assert got == pytest.approx(want, abs=0.005), phase
    first = term.gradebooks["grade 1"]  # before the TA: the re-score alone
    assert {r: first[r]["score"] for r in term.students} == pytest.approx(
        {r: term.expected_review(r) for r in term.students}, abs=0.005
    )
    assert first["strong"]["grades"][SHORT][3] is True  # the answer waited for the TA


def test_the_tas_grades_survive_both_regrades(term):
    after_ta = term.gradebooks["ta"]
    for phase in ("grade 2", "regrade"):
        book = term.gradebooks[phase]
        for role, points in SHORT_GRADES.items():
            _auto, manual, _extra, needs = book[role]["grades"][SHORT]
            assert (manual, needs) == (points, False), (phase, role, book[role]["grades"][SHORT])
        auto, manual, _extra, needs = book["sharer-1"]["grades"][term.review_cell]
        assert (manual, needs) == (OVERRIDE, False), (phase, auto, manual, needs)
        assert auto == pytest.approx(term.expected_review("sharer-1"), abs=0.005)
        assert book["strong"]["comments"][SHORT] == COMMENT, phase
        assert book == after_ta, phase  # nothing moved: no submission changed since the TA graded
    for step in ("grade 2", "regrade late"):
        assert term.steps[step].rc == 0, term.steps[step].out[-3000:]
    summary = term.summaries["grade 2"]
    for role in term.students:
        assert not summary[term.students[role].user.name]["needs_manual_grading"], role


def test_the_backup_taken_before_grading_again_holds_the_tas_grades(term):
    """docs/deploy.md, "Gradebook backups": SQLite's online backup, by the instructor, before `course grade`."""
    assert term.steps["backup"].rc == 0, term.steps["backup"].out
    backup = term.course_dir / "gradebook-before-grade-2.db"
    assert gradebook_state(term.course_dir, term.students, backup.name) == term.gradebooks["ta"]


def test_the_regrade_touched_only_the_late_student(term):
    rows = term.summaries["regrade"]
    assert rows[""]["graded_now"] == [term.students["late"].user.name]
    assert sorted(k for k in rows if k) == sorted(names(term).values())


def test_the_summary_and_gradebook_carry_the_late_penalty(term):
    """nbgrader's plugin (late.py) charged the late student; `course grade` reports score and final score."""
    assert term.expected_penalty("late") == 1.0
    for phase in ("grade 1", "grade 2", "regrade"):
        rows = term.summaries[phase]
        for role, s in term.students.items():
            row = rows[s.user.name]
            assert row["late_penalty"] == pytest.approx(term.expected_penalty(role)), (phase, role, row)
            assert row["final_score"] == pytest.approx(row["score"] - row["late_penalty"]), (phase, role)
        book = term.gradebooks["grade 2" if phase == "grade 1" else phase]
        assert book["late"]["late_penalty"] == pytest.approx(1.0)
    final = term.summaries["regrade"][term.students["late"].user.name]
    assert final["score"] == pytest.approx(term.expected_raw("late"))
    assert final["final_score"] == pytest.approx(term.expected_raw("late") - 1.0)


def test_the_broken_student_is_graded_and_in_formgrader(term):
    """Their notebook was garbage: `course grade` grades the blank release copy with their
    review, says "repaired", and formgrader lists and opens the submission."""
    broken = term.students["broken"].user.name
    for phase in ("grade 1", "grade 2"):
        row = term.summaries[phase][broken]
        assert row["status"] == "repaired", (phase, row)
        assert row["score"] == pytest.approx(term.expected_review("broken"), abs=0.005)
    listed = {n["student"]: n for n in term.formgrader["submitted_notebooks"]}
    assert set(listed) == set(names(term).values())
    assert listed[broken]["score"] == pytest.approx(term.expected_review("broken"), abs=0.005)
    page = html.unescape(term.formgrader["broken page"])  # the grading page of their submission
    assert "Student, Broken" in page and f"Review: {term.exercise.title}" in page, page[-2000:]


def test_formgrader_shows_the_ta_every_submission_and_score(term):
    assignments = {a["name"]: a for a in term.formgrader["assignments"]}
    assert assignments[ASSIGNMENT]["num_submissions"] == len(term.students)
    assert assignments[ASSIGNMENT]["max_score"] == pytest.approx(TOTAL)
    put = term.formgrader["put answers"]
    for (role, cell_name), answer in put.items():
        assert answer["needs_manual_grade"] is False, (role, cell_name, answer)
    subs = {s["student"]: s for s in term.formgrader["submissions"]}
    for role, name in names(term).items():
        assert subs[name]["score"] == pytest.approx(term.expected_raw(role), abs=0.005), (role, subs[name])
        assert subs[name]["needs_manual_grade"] is False, (role, subs[name])


def score_line(value: float, total: float) -> str:
    """nbgrader's feedback header: `{{ score | float | round(2) }}`."""
    return f"(Score: {round(float(value), 2)} / {round(float(total), 2)})"


@pytest.mark.parametrize("source", ["formgrader", "course grade"])
def test_each_student_fetched_their_page_with_the_course_feedback(term, source):
    """Both generators' pages, as the students fetched them: the per-defect section, the right
    scores, the TA's comment, nbgrader's late penalty line for the late student only."""
    slug = term.exercise.slug
    titles = [d.title for d in term.exercise.key.defects]
    for role in term.students:
        raw = term.fetched[source][role]
        text = html.unescape(raw)
        assert SECTION in text, f"{source}: {role}'s page has no per-defect feedback"
        assert f"Review of {slug}: {term.expected_review(role):g} of {POINTS:g} points" in text, (source, role)
        # nbgrader's header shows the notebook's score less the late penalty
        assert score_line(term.expected_raw(role) - term.expected_penalty(role), TOTAL) in text, (source, role)
        assert ("Late submission penalty (Score: -1.0)" in text) == (role == "late"), (source, role)
        if role in ("strong", "late"):
            assert all(t in text for t in titles), (source, role)
    assert COMMENT in html.unescape(term.fetched[source]["strong"]), source


def test_the_feedback_students_fetched_is_what_each_generator_wrote(term):
    assert term.fetched["formgrader"] == term.generated["formgrader"]
    assert term.fetched["course grade"] == term.generated["course grade 2"]
    assert term.formgrader["generate_feedback"].get("success"), term.formgrader["generate_feedback"]


def test_the_export_carries_the_final_scores_and_the_late_penalty(term):
    """`course export`'s CSV (reports/ASSIGNMENT/grades.csv): nbgrader's points (the re-score
    and the TA's grades), the late penalty, the final score, each student's status."""
    step = term.steps["export"]
    assert step.rc == 0, f"course export failed:\n{step.out[-3000:]}"
    path = term.course_dir / "reports" / ASSIGNMENT / "grades.csv"
    assert "grades.csv" in step.out and path.is_file(), step.out
    rows = {row["student_id"]: row for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}
    assert sorted(rows) == sorted(names(term).values())
    for role, name in names(term).items():
        row = rows[name]
        assert float(row["points"]) == pytest.approx(term.expected_raw(role), abs=0.005), (role, row)
        assert float(row["max_points"]) == pytest.approx(TOTAL), (role, row)
        assert float(row["late_penalty"]) == pytest.approx(term.expected_penalty(role)), (role, row)
        final = term.expected_raw(role) - term.expected_penalty(role)
        assert float(row["final_score"]) == pytest.approx(final, abs=0.005), (role, row)
        assert row["status"] == ("repaired" if role == "broken" else "graded"), (role, row)
        assert row["manual_grading_pending"] == "no", (role, row)


def test_the_report_flags_the_two_who_shared_answers(term):
    step = term.steps["report"]
    assert step.rc == 0, step.out[-3000:]
    n = names(term)
    page = html.unescape((term.course_dir / "reports" / ASSIGNMENT / "class-report.html").read_text(encoding="utf-8"))
    found = re.search(r"[Ss]hared answers(.*?)(?:<h2|\Z)", page, re.S)
    assert found, "the class report has no shared-answers section"
    section = found.group(1)
    assert n["sharer-1"] in section and n["sharer-2"] in section, section[:2000]
    # the others flagged the same defects in their own words: never linked
    assert not {n[r] for r in ("strong", "late", "broken")} & set(re.findall(r"cras\w+-\w+", section)), section
    # and what `course report` printed says the same
    assert "shared answers: 1 group, 2 students" in step.out, step.out
    group = next((line for line in step.out.splitlines() if line.strip().startswith("2 students (")), "")
    assert n["sharer-1"] in group and n["sharer-2"] in group, step.out


def test_no_student_can_read_anothers_feedback(term):
    ex = term.cls.exchange / term.cls.course_id
    for role, s in term.students.items():
        attempts = {
            "the class's feedback in the exchange": ("list", str(ex / "feedback")),
            "the shared course directory": ("list", str(term.course_dir)),
            "the course's feedback folder": ("list", str(term.course_dir / "feedback")),
            "the gradebook": ("read", str(term.course_dir / "gradebook.db")),
        }
        for other_role, o in term.students.items():
            if o is s:
                continue
            page = next((o.user.home / term.cls.course_id / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK}.html"))
            attempts[f"{other_role}'s fetched feedback"] = ("read", str(page))
            attempts[f"{other_role}'s generated feedback"] = (
                "read",
                str(term.course_dir / "feedback" / o.user.name / ASSIGNMENT / f"{NOTEBOOK}.html"),
            )
        for name, (_op, path, *_) in attempts.items():
            assert Path(path).exists(), f"{name}: {path} does not exist"
        probe = term.cls.python_as(s.user, "-c", PROBE, json.dumps(attempts))
        outcome = json.loads(probe.stdout)
        allowed = {k: v for k, v in outcome.items() if v != "denied"}
        assert not allowed, f"{s.user.name} ({role}) could reach: {allowed}"


def test_the_course_directory_is_shared_by_the_staff_alone(term):
    """The TA is not the owner: the group's permissions let them write the gradebook (their
    grades are in it) and feedback/ (formgrader's pages were written); others cannot enter."""
    gradebook = term.course_dir / "gradebook.db"
    assert gradebook.stat().st_uid == term.instructor.uid
    assert gradebook.stat().st_mode & 0o060 == 0o060, oct(gradebook.stat().st_mode)
    top = term.course_dir.stat()
    assert top.st_mode & 0o7777 == 0o2770, oct(top.st_mode)
    assert all(term.generated["formgrader"].values())
    # formgrader's pages were the TA's; the instructor's next `course grade` replaced them
    assert set(term.formgrader["page owners"].values()) == {term.ta.user.uid}
    assert set(owners(term.course_dir, term.students).values()) == {term.instructor.uid}
