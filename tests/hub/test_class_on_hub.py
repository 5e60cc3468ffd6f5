"""A class on a real JupyterHub: one instructor, three students, nbgrader's exchange, end to end.

Does the course work where it is taught? The hub runs on loopback with configurable-http-proxy,
DummyAuthenticator and LocalProcessSpawner; every person is a real system user. Students act
only through the hub: they log in, and their own Jupyter servers fetch, run the review in a
kernel (the sidecar written by the same code the viewer calls), submit and fetch feedback
through nbgrader's Assignments API. The instructor works in a shell as themselves: release,
collect, `course grade`, release feedback. Then: are the scores right, does each student get
their own feedback, and can any student read what is not theirs?
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hub_assignment import ASSIGNMENT, NOTEBOOK, POINTS, Plan, make_course_dir, pick_exercise, plans
from hub_harness import Class, Hub, User, launch_hub, run, stop_hub, wait_for_hub

from course.keys import Exercise

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.timeout(420)]

# --- the students' side: only through the hub ---------------------------------------------------


@dataclass
class Student:
    user: User
    role: str
    plan: Plan
    token: str = ""
    log: list[str] = field(default_factory=list)


def server_url(hub: Hub, name: str, path: str) -> str:
    return f"{hub.url}/user/{name}/{path.lstrip('/')}"


def server_call(hub: Hub, student: Student, method: str, path: str, **kw):
    import requests

    r = requests.request(
        method,
        server_url(hub, student.user.name, path),
        headers={"Authorization": f"token {student.token}"},
        timeout=120,
        **kw,
    )
    student.log.append(f"{method} {path} -> {r.status_code}")
    return r


def assignment_action(hub: Hub, student: Student, action: str, course_id: str) -> list[dict]:
    """What the Assignments tab does: POST /assignments/<action>, then read the listing."""
    r = server_call(
        hub, student, "POST", f"assignments/{action}", data={"assignment_id": ASSIGNMENT, "course_id": course_id}
    )
    assert r.status_code == 200, f"{student.user.name}: {action}: {r.status_code} {r.text[:2000]}"
    body = r.json()
    if isinstance(body, dict):  # nbgrader answers {"success": false, "value": traceback} on failure
        assert body.get("success"), f"{student.user.name}: {action} failed:\n{body.get('value')}"
        return body.get("value", [])
    return body


def run_in_kernel(hub: Hub, student: Student, code: str, timeout: float = 120) -> str:
    """Start a kernel in the student's server, run `code`, return its stdout; raise on error."""
    r = server_call(hub, student, "POST", "api/kernels", json={"name": "python3"})
    assert r.status_code == 201, f"kernel for {student.user.name}: {r.status_code} {r.text}"
    kernel_id = r.json()["id"]
    try:
        # A thread of its own: another test's playwright may have left an event loop running here.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, _execute(hub, student, kernel_id, code, timeout)).result()
    finally:
        server_call(hub, student, "DELETE", f"api/kernels/{kernel_id}")


async def _execute(hub: Hub, student: Student, kernel_id: str, code: str, timeout: float) -> str:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = server_url(hub, student.user.name, f"api/kernels/{kernel_id}/channels").replace("http://", "ws://", 1)
    conn = await asyncio.wait_for(
        websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {student.token}"})), 60
    )
    msg_id = uuid.uuid4().hex
    session = uuid.uuid4().hex
    conn.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": student.user.name,
                    "session": session,
                    "date": "",
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "buffers": [],
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": False,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
            }
        )
    )
    out: list[str] = []
    error = None
    replied = idle = False
    deadline = time.monotonic() + timeout
    try:
        while not (replied and idle):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(
                    f"{student.user.name}'s kernel did not finish in {timeout:.0f} s; output: {''.join(out)}"
                )
            raw = await asyncio.wait_for(conn.read_message(), left)
            if raw is None:
                raise ConnectionError(f"{student.user.name}'s kernel connection closed; output: {''.join(out)}")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                error = "\n".join(msg["content"]["traceback"])
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
    finally:
        conn.close()
    if error:
        raise AssertionError(f"{student.user.name}'s kernel raised:\n{error}")
    return "".join(out)


def work_code(folder: Path, slug: str, plan: Plan) -> str:
    """The notebook's own cell, then the flags a student makes in the viewer (same store, same file)."""
    return "\n".join(
        [
            "import os",
            f"os.chdir({str(folder)!r})",
            "from course.review import Review",
            f'review = Review.open("{slug}.diff")',
            f"for f in {plan.findings!r}:",
            '    review.flag(f["path"], f["start"], f["category"], f["comment"], end=f["end"], side=f["side"], severity=f["severity"])',
            f"review.verdict = {plan.verdict!r}",
            "print(len(review.findings), review.verdict)",
        ]
    )


def log_in(hub: Hub, name: str, password: str) -> int:
    """The login form, as a browser posts it; returns the status (302 means logged in)."""
    import requests

    with requests.Session() as s:
        page = s.get(f"{hub.url}/hub/login", timeout=30)
        xsrf = s.cookies.get("_xsrf", "")
        r = s.post(
            f"{hub.url}/hub/login?next=",
            data={"username": name, "password": password, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=30,
        )
        assert page.status_code == 200
        return r.status_code


# --- what a student must not be able to do, tried as that student --------------------------------

PROBE = r"""
import json, os, sys
attempts = json.loads(sys.argv[1])
out = {}
for name, (op, path, *extra) in attempts.items():
    try:
        if op == "read":
            open(path, "rb").read()
        elif op == "list":
            os.listdir(path)
        elif op == "write":
            open(path, "w").write("x")
        elif op == "rename":
            os.rename(path, extra[0])
        out[name] = "allowed"
    except PermissionError:
        out[name] = "denied"
    except OSError as exc:
        out[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


# --- the whole class, once per module -----------------------------------------------------------


@dataclass
class FinishedClass:
    cls: Class
    hub: Hub
    instructor: User
    instructor_token: str
    course_dir: Path
    exercise: Exercise
    students: list[Student]
    timings: dict[str, float]
    grade_output: str
    fetched: dict[str, list[dict]]


@pytest.fixture(scope="module")
def finished_class(users, course_class: Class, hub_deps):
    timings: dict[str, float] = {}
    started = time.monotonic()
    mark = [started]

    def lap(name: str) -> None:
        now = time.monotonic()
        timings[name] = round(now - mark[0], 1)
        mark[0] = now

    exercise = pick_exercise()
    instructor = users.add("i")
    course_class.instructors.add(instructor.name)
    roles = plans(exercise)
    students = [Student(users.add(f"s{i}"), role, plan) for i, (role, plan) in enumerate(roles.items(), 1)]
    lap("users")

    # The instructor's course directory: a checkout of the repository in their own home (0700),
    # with its own nbgrader_config.py, the bank and one assignment.
    course_dir = make_course_dir(
        instructor.home / "code-review-academy", exercise, {s.user.name: s.role.title() for s in students}
    )
    run(["chown", "-R", f"{instructor.name}:{instructor.name}", str(course_dir)])
    cls = course_class

    def instr(*argv, **kw):  # a command in the instructor's terminal on the hub
        return cls.as_user(instructor, argv, cwd=course_dir, **kw)

    # The hub comes up while the instructor prepares the assignment.
    hub = launch_hub(cls, instructor, [s.user for s in students])
    names = [instructor.name] + [s.user.name for s in students]
    try:
        instr("nbgrader", "db", "student", "import", "roster.csv")
        instr("course", "build", "--no-check", ASSIGNMENT)
        instr("nbgrader", "release_assignment", ASSIGNMENT)
        lap("instructor: import roster, build, release")
        wait_for_hub(hub)
        lap("hub up")
        for s in students:
            assert log_in(hub, s.user.name, hub.password) == 302, f"{s.user.name} could not log in"
            s.token = hub.user_token(s.user.name)
        instructor_token = hub.user_token(instructor.name)
        for name in names:
            hub.request_server(name)
        for name in names:
            hub.wait_for_server(name)
        lap("students log in, servers start")

        fetched = {}
        for s in students:
            listing = assignment_action(hub, s, "fetch", cls.course_id)
            fetched[s.user.name] = listing
            folder = s.user.home / cls.course_id / ASSIGNMENT
            out = run_in_kernel(hub, s, work_code(folder, exercise.slug, s.plan))
            s.log.append(f"kernel: {out.strip()}")
            assignment_action(hub, s, "submit", cls.course_id)
        lap("students fetch, review, submit")

        instr("nbgrader", "collect", ASSIGNMENT)
        lap("instructor: collect")
        graded = instr("course", "grade", ASSIGNMENT, "--jobs", "2", timeout=300)
        grade_output = graded.stdout + graded.stderr
        lap("instructor: course grade")
        instr("nbgrader", "release_feedback", ASSIGNMENT)
        lap("instructor: release feedback")

        for s in students:
            assignment_action(hub, s, "fetch_feedback", cls.course_id)
        lap("students fetch feedback")
        timings["total"] = round(time.monotonic() - started, 1)
        yield FinishedClass(
            cls, hub, instructor, instructor_token, course_dir, exercise, students, timings, grade_output, fetched
        )
    finally:
        stop_hub(hub)
        print(f"\nclass on hub, seconds per step: {json.dumps(timings)}")


# --- the tests ----------------------------------------------------------------------------


def gradebook_scores(done: FinishedClass) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{done.course_dir / 'gradebook.db'}") as gb:
        return {s.user.name: gb.find_submission(ASSIGNMENT, s.user.name).score for s in done.students}


def test_every_student_fetched_the_released_assignment(finished_class):
    for s in finished_class.students:
        listing = finished_class.fetched[s.user.name]
        mine = [a for a in listing if a["assignment_id"] == ASSIGNMENT and a["status"] == "fetched"]
        assert mine, f"{s.user.name}: {listing}"
        folder = s.user.home / finished_class.cls.course_id / ASSIGNMENT
        assert (folder / f"{NOTEBOOK}.ipynb").is_file()
        assert (folder / f"{finished_class.exercise.slug}.diff").is_file()


def test_the_gradebook_holds_the_score_each_review_earned(finished_class):
    """Scores from nbgrader's gradebook after `course grade` equal the scorer's, computed here."""
    got = gradebook_scores(finished_class)
    want = {s.user.name: s.plan.expected for s in finished_class.students}
    assert got == pytest.approx(want, abs=0.005), finished_class.grade_output
    by_role = {s.role: got[s.user.name] for s in finished_class.students}
    assert by_role["thorough"] == POINTS
    assert 0 < by_role["partial"] < POINTS
    assert by_role["approver"] == 0


def test_each_student_fetched_their_own_feedback(finished_class):
    """What Fetch Feedback brings home is nbgrader's page of the notebook, with the course's
    per-defect feedback at its top: the found defects' titles for the thorough student; for
    the approver, who missed everything, each defect's first hint and nothing more."""
    slug = finished_class.exercise.slug
    defects = finished_class.exercise.key.defects
    titles = [d.title for d in defects]
    explanations = [d.explanation for d in defects if d.explanation]
    later_hints = [h for d in defects for h in d.hints[1:]]
    for s in finished_class.students:
        pages = list((s.user.home / finished_class.cls.course_id / ASSIGNMENT / "feedback").glob("*/*.html"))
        assert [p.name for p in pages] == [f"{NOTEBOOK}.html"], f"{s.user.name}: {pages} {s.log}"
        raw = pages[0].read_text(encoding="utf-8")
        text = html.unescape(raw)
        assert f"Review of {slug}: {s.plan.expected:g} of {POINTS:g} points" in text, s.user.name
        found = re.search(r'<section id="course-review-feedback">(.*?)</section>', raw, re.S)
        assert found, f"{s.user.name}'s page has no per-defect feedback"
        section = html.unescape(found.group(1))
        assert f"Review of {slug}: {s.plan.expected:g} of {POINTS:g} points" in section
        assert titles and any(d.hints for d in defects), "the hub exercise has no titles or hints to check"
        if s.role == "thorough":
            assert all(t in section for t in titles), f"{s.user.name}: {section}"
        if s.role == "approver":  # every defect missed: hints only, never the answers
            assert all(f"Hint: {d.hints[0]}" in section for d in defects if d.hints), section
            leaked = [t for t in titles + explanations + later_hints if t in text]
            assert not leaked, f"{s.user.name}'s feedback gives away {leaked}"


def test_the_viewer_lock_files_stay_with_the_students(finished_class):
    """The review's lock file (made by every flag) is in each student's folder but is neither
    submitted nor collected (CourseDirectory.ignore in both nbgrader configs)."""
    done = finished_class
    lock = f".{done.exercise.slug}.findings.json.lock"
    for s in done.students:
        assert (s.user.home / done.cls.course_id / ASSIGNMENT / lock).exists(), s.user.name
    inbound = done.cls.exchange / done.cls.course_id / "inbound"
    assert not list(inbound.rglob("*.lock")) and not list((done.course_dir / "submitted").rglob("*.lock"))
    assert len(list((done.course_dir / "submitted").rglob("*.findings.json"))) == len(done.students)


def test_no_student_can_read_what_is_not_theirs(finished_class):
    done = finished_class
    ex = done.cls.exchange / done.cls.course_id
    inbound = sorted((ex / "inbound").iterdir())
    assert len(inbound) == len(done.students)
    for s in done.students:
        others = [o for o in done.students if o is not s]
        attempts = {
            "the answer key": ("read", str(done.course_dir / "exercises" / done.exercise.slug / "key.toml")),
            "the bank": ("list", str(done.course_dir / "exercises")),
            "the instructor's source/": ("list", str(done.course_dir / "source")),
            "the source notebook": ("read", str(done.course_dir / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")),
            "the gradebook": ("read", str(done.course_dir / "gradebook.db")),
            "the class's submissions in the exchange": ("list", str(ex / "inbound")),
            "the class's feedback in the exchange": ("list", str(ex / "feedback")),
            "the course's exchange folder (replace it)": ("rename", str(ex), str(done.cls.exchange / "hijacked")),
            "the released assignment (tamper with it)": (
                "write",
                str(ex / "outbound" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"),
            ),
        }
        for o in others:
            theirs = o.user.home / done.cls.course_id / ASSIGNMENT
            attempts[f"{o.role}'s home"] = ("list", str(o.user.home))
            attempts[f"{o.role}'s review"] = ("read", str(theirs / f"{done.exercise.slug}.findings.json"))
            attempts[f"{o.role}'s collected submission"] = (
                "read",
                str(done.course_dir / "submitted" / o.user.name / ASSIGNMENT / f"{NOTEBOOK}.ipynb"),
            )
        # every target exists (as root sees it), so "denied" cannot mean "not there"
        for name, (op, path, *_) in attempts.items():
            assert Path(path).exists() or op == "rename", f"{name}: {path} does not exist"
        probe = done.cls.python_as(s.user, "-c", PROBE, json.dumps(attempts))
        outcome = json.loads(probe.stdout)
        allowed = {k: v for k, v in outcome.items() if v != "denied"}
        assert not allowed, f"{s.user.name} ({s.role}) could reach: {allowed}"


def test_the_hub_keeps_each_student_out_of_other_servers(finished_class):
    import requests

    done = finished_class
    a, b = done.students[0], done.students[1]
    hub = done.hub
    hub.start_server(b.user.name)
    r = requests.get(
        server_url(hub, b.user.name, f"api/contents/{done.cls.course_id}"),
        headers={"Authorization": f"token {a.token}"},
        timeout=30,
        allow_redirects=False,
    )
    assert r.status_code == 403, r.status_code
    assert log_in(hub, a.user.name, "not the password") != 302


def test_only_the_instructor_has_the_formgrader(finished_class):
    """Students' servers run without nbgrader's formgrader; the instructor's opens the course."""
    import requests

    done = finished_class

    def formgrader(name: str, token: str, path: str):
        return requests.get(
            server_url(done.hub, name, f"formgrader/{path}"),
            headers={"Authorization": f"token {token}"},
            timeout=60,
            allow_redirects=False,
        )

    r = formgrader(done.instructor.name, done.instructor_token, "api/assignments")
    assert r.status_code == 200, r.text[:500]
    listed = {a["name"]: a for a in r.json()}
    assert listed[ASSIGNMENT]["num_submissions"] == len(done.students), listed
    student = done.students[0]
    assert formgrader(student.user.name, student.token, "api/assignments").status_code == 404
