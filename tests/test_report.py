"""Class analytics (course.report): exact numbers on a hand-built class, the awkward cases, the
HTML page (escaped, self-contained, figures that load) and the `course report` command."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.synthetic import ClassBuilder, flag, synthetic_class

from course.cli import main
from course.report import FIGURE_DIR, REPORT_NAME, class_report, write_report

A, B = "order-totals", "order-totals-again"
FILE = "shop/totals.py"
XSS = "<img src=x onerror=alert(1)>"
DUE = dt.datetime(2026, 3, 13, 17, 0, tzinfo=dt.UTC)
SUMMARY = Path("reports", "week1", "grading", "summary.json")  # what `course grade` writes

AFTER = '''\
"""Order totals."""


def total(prices: list[int], discount_percent: int) -> int:
    """Sum prices in cents, then take off a whole-number percentage."""
    subtotal = sum(prices[1:])
    discount = subtotal * discount_percent // 100
    return subtotal - discount


def average(prices: list[int]) -> int:
    """Mean price in cents, rounded down."""
    return sum(prices) // len(prices)
'''
BEFORE = AFTER.replace("prices[1:]", "prices")
KEY = """\
[[defect]]
id = "first-item-dropped"
file = "shop/totals.py"
lines = [6, 6]
category = "logic"
severity = "blocker"
title = "The first item is left out of the subtotal"
explanation = "x"
hints = ["x"]
proof = "test_totals.py::test_total"

[[defect]]
id = "average-of-empty"
file = "shop/totals.py"
lines = [13, 13]
category = "edge-case"
severity = "minor"
title = "average() divides by zero on an empty list"
explanation = "x"
hints = ["x"]
proof = "test_totals.py::test_average"

[[decoy]]
file = "shop/totals.py"
lines = [7, 7]
why_fine = "Floor division on cents is the documented policy."
"""
META = """\
title = "Tidy up order totals"
incident = "general"
language = "python"
difficulty = "easy"
description = "Splits the discount into its own variable and adds average()."
"""


def write_bank(root: Path) -> Path:
    for slug in (A, B):
        folder = root / slug
        for tree, text in (("before", BEFORE), ("after", AFTER)):
            (folder / tree / "shop").mkdir(parents=True)
            (folder / tree / FILE).write_text(text)
        (folder / "exercise.toml").write_text(META)
        (folder / "key.toml").write_text(KEY)
    return root


def f(start: int, category: str, comment: str = "", created: str = "") -> object:
    return flag(FILE, start, category, comment=comment, created=created)


def build_small_class(course: Path) -> Path:
    """Seven students whose every number below is computed by hand (see the tests).

    Key of both exercises: D1 lines 6 (logic, blocker 3), D2 line 13 (edge-case, minor 1),
    decoy line 7; a flag counts one line either side. Total weight 4.
    """
    write_bank(course / "exercises")
    b = ClassBuilder(course, "week1", slugs=[A, B], duedate=DUE)
    b.student(
        "alice",
        reviews={
            A: [
                f(6, "logic", created="2026-03-13T14:00:00.000Z"),
                f(13, "edge-case", created="2026-03-13T14:30:00.000Z"),
            ],
            B: [],
        },
        verdicts={A: "request-changes", B: "approve"},
        submitted_at=DUE - dt.timedelta(hours=2),
    )
    b.student(
        "bob",
        reviews={A: [f(6, "edge-case"), f(11, "security")], B: [f(13, "edge-case")]},
        verdicts={A: "request-changes", B: "request-changes"},
        submitted_at=DUE + dt.timedelta(hours=1),
        status="repaired",
        reasons=["copy-pasted grade cell restored"],
        manual=2.0,
        late_penalty=1.0,  # what nbgrader's LateSubmissionPlugin records for an hour late
    )
    b.student(
        "carol", reviews={A: [f(6, "logic"), f(7, "security"), f(11, "logic")], B: [f(6, "logic"), f(13, "edge-case")]}
    )
    b.student(
        "dave",
        reviews={A: '{"schema": 1, "exercise": "order-totals", "findi', B: [f(7, "security")]},
        status="flagged",
        reasons=["order-totals.findings.json is not valid JSON"],
    )
    b.student("erin", submitted=False)
    b.student("frank", reviews={})
    b.student(
        XSS,
        reviews={A: [f(13, "edge-case", comment="<script>alert('x')</script> & more")]},
        autograded=False,
        status="failed",
        reasons=["<b>timed out</b>"],
    )
    return b.write()


@pytest.fixture(scope="module", autouse=True)
def no_course_bank_override():
    """The reports find their bank in the course folder, as on an instructor's machine."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("COURSE_BANK", raising=False)
        yield


@pytest.fixture(scope="module")
def small_class(tmp_path_factory) -> Path:
    return build_small_class(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="module")
def small_report(small_class):
    return class_report(small_class, "week1")


def rows(df, *cols):
    return [
        tuple(None if isinstance(v, float) and math.isnan(v) else v for v in r)
        for r in df[list(cols)].itertuples(index=False)
    ]


# exact analytics --------------------------------------------------------------------------------


def test_detection_rate_per_defect_is_exact(small_report):
    """A has 5 readable reviews (dave's is corrupt; frank's has no sidecar, so counts empty), B has 6."""
    d = small_report.defects
    got = {
        (r.slug, r.defect): (
            r.reviews,
            r.found,
            r.miscategorised,
            r.missed,
            r.corrupt,
            round(r.detection_rate, 4),
            round(r.found_rate, 4),
        )
        for r in d.itertuples()
    }
    assert got == {
        (A, "first-item-dropped"): (5, 2, 1, 2, 1, 0.6, 0.4),
        (A, "average-of-empty"): (5, 2, 0, 3, 1, 0.4, 0.4),
        (B, "first-item-dropped"): (6, 1, 1, 4, 0, 0.3333, 0.1667),
        (B, "average-of-empty"): (6, 2, 0, 4, 0, 0.3333, 0.3333),
    }
    # sorted most missed first; ties keep the exercise and key order
    assert list(zip(d["slug"], d["defect"])) == [
        (B, "first-item-dropped"),
        (B, "average-of-empty"),
        (A, "average-of-empty"),
        (A, "first-item-dropped"),
    ]
    assert d["title"].iloc[0] == "The first item is left out of the subtotal"
    assert list(d["severity"].iloc[:2]) == ["blocker", "minor"]


def test_recall_per_category_is_exact(small_report):
    c = small_report.categories
    assert rows(c, "category", "defects", "opportunities", "detected", "found") == [
        ("edge-case", 2, 11, 4, 4),
        ("logic", 2, 11, 5, 3),
    ]
    assert c["recall"].round(4).tolist() == [round(4 / 11, 4), round(5 / 11, 4)]
    # bob called D1 edge-case, dave called it security: a tie, broken alphabetically
    assert c.set_index("category").loc["logic", "often_called"] == "edge-case"
    assert c.set_index("category").loc["edge-case", "often_called"] is None


def test_false_positives_are_counted_and_grouped(small_report):
    fp = small_report.false_positives
    assert sorted(zip(fp["student"], fp["slug"], fp["start"], fp["category"], fp["decoy"])) == [
        ("bob", A, 11, "security", -1),
        ("carol", A, 7, "security", 0),
        ("carol", A, 11, "logic", -1),
    ]
    common = small_report.common_false_positives
    assert rows(common, "slug", "lines", "decoy", "students", "flags", "why_fine") == [
        (A, "11", False, 2, 2, None),
        (A, "7", True, 1, 1, "Floor division on cents is the documented policy."),
    ]
    assert common["share"].tolist() == [0.4, 0.2]
    assert common["where"].tolist() == [f"{FILE}:11", f"{FILE}:7"]  # course.vocab.where, as every page writes a span


def test_per_student_numbers_and_statuses(small_report):
    s = small_report.students.set_index("student")
    assert list(s.index) == sorted(["alice", "bob", "carol", "dave", "erin", "frank", XSS])
    assert s["status"].astype(str).to_dict() == {
        "alice": "graded",
        "bob": "repaired",
        "carol": "graded",
        "dave": "flagged",
        "erin": "missing",
        "frank": "graded",
        XSS: "failed",
    }
    assert s["submitted"].to_dict() == {k: k != "erin" for k in s.index}
    got = {
        k: (v["findings"], v["false_positives"], v["decoy_hits"], v["reviews"], v["no_sidecar"], v["corrupt"])
        for k, v in s.iterrows()
    }
    assert got == {
        "alice": (2, 0, 0, 2, 0, 0),
        "bob": (3, 1, 0, 2, 0, 0),
        "carol": (5, 2, 1, 2, 0, 0),
        "dave": (1, 0, 0, 1, 0, 1),
        "erin": (0, 0, 0, 0, 0, 0),
        "frank": (0, 0, 0, 2, 2, 0),
        XSS: (1, 0, 0, 2, 1, 0),
    }
    assert s["score"].round(4).to_dict() == pytest.approx(
        {"alice": 0.5, "bob": 0.3125, "carol": 0.8125, "dave": 0.375, "erin": math.nan, "frank": 0.0, XSS: 0.125},
        nan_ok=True,
    )
    assert s["precision"].round(4).to_dict() == pytest.approx(
        {"alice": 1.0, "bob": 0.6667, "carol": 0.6, "dave": 1.0, "erin": math.nan, "frank": 0.0, XSS: 1.0}, nan_ok=True
    )
    assert s["recall"].to_dict() == pytest.approx(
        {"alice": 0.5, "bob": 0.5, "carol": 0.75, "dave": 0.5, "erin": math.nan, "frank": 0.0, XSS: 0.25}, nan_ok=True
    )
    assert s.loc["bob", "reasons"] == "copy-pasted grade cell restored"
    # one scale: re-scored points out of the review points (5 a review; a corrupt sidecar earns none)
    assert s["review_points"].to_dict() == pytest.approx(
        {"alice": 5.0, "bob": 3.12, "carol": 8.12, "dave": 1.88, "erin": math.nan, "frank": 0.0, XSS: 1.25}, nan_ok=True
    )
    assert s["review_max"].to_dict() == pytest.approx(
        {k: math.nan if k == "erin" else 10.0 for k in s.index}, nan_ok=True
    )


def test_verdicts_per_exercise(small_report):
    v = small_report.verdicts.set_index("slug")
    # readable reviews: A by alice, bob, carol, frank, XSS (dave's is corrupt); B by all six
    assert v.loc[A, ["expected", "reviews", "right", "wrong", "no_verdict"]].tolist() == ["request-changes", 5, 2, 0, 3]
    assert v.loc[B, ["expected", "reviews", "right", "wrong", "no_verdict"]].tolist() == ["request-changes", 6, 1, 1, 4]
    assert v.loc[B, "right_rate"] == pytest.approx(1 / 6)


def test_gradebook_and_timing_columns(small_report):
    s = small_report.students.set_index("student")
    # review cells 5 points each (score x 5), plus a 2-point answer graded by hand for bob only
    assert (
        s.loc["alice", "gradebook_score"],
        s.loc["alice", "gradebook_max"],
        s.loc["alice", "needs_manual_grade"],
    ) == (5.0, 12.0, 1)
    # nbgrader's late penalty: the final score is the raw score less it
    assert (s.loc["bob", "gradebook_raw"], s.loc["bob", "late_penalty"]) == (pytest.approx(1.88 + 1.25 + 2.0), 1.0)
    assert (s.loc["bob", "gradebook_score"], s.loc["bob", "needs_manual_grade"]) == (pytest.approx(4.13), 0)
    assert (s.loc["alice", "gradebook_raw"], s.loc["alice", "late_penalty"]) == (5.0, 0.0)
    assert (s.loc["alice", "hours_before_due"], s.loc["alice", "late"]) == (2.0, False)
    assert (s.loc["bob", "hours_before_due"], s.loc["bob", "late"]) == (-1.0, True)
    assert s.loc["alice", "review_minutes"] == 30.0
    # never autograded, so not in the gradebook: the time comes from nbgrader's timestamp.txt
    assert math.isnan(s.loc[XSS, "gradebook_score"])
    assert s.loc[XSS, "hours_before_due"] == 7.0
    assert math.isnan(s.loc["erin", "hours_before_due"])
    assert small_report.duedate == DUE


def test_missing_and_corrupt_submissions(small_report):
    """Does one corrupt sidecar or a failed autograde hide anything or crash the report?"""
    r = small_report.reviews.set_index(["student", "slug"])
    assert r.loc[("dave", A), "status"] == "corrupt"
    assert "is not valid JSON" in r.loc[("dave", A), "problem"]
    assert r.loc[("dave", B), "status"] == "reviewed"
    assert r.loc[("frank", A), "status"] == "no-sidecar"
    assert r.loc[(XSS, A), "source"] == "submitted"  # never autograded: read from submitted/
    assert "erin" not in set(small_report.reviews["student"])
    assert small_report.summary()["corrupt_sidecars"] == 1
    assert [p for p in small_report.problems if p.startswith("corrupt sidecar: dave: ")]
    summary = small_report.summary()
    assert (summary["students"], summary["submitted"], summary["missing"]) == (7, 6, 1)
    assert summary["status"] == {"flagged": 1, "failed": 1, "repaired": 1, "ungraded": 0, "missing": 1, "graded": 3}


def test_statuses_without_the_graders_summary(tmp_path, small_class):
    """Before the grader has run (or without its summary), statuses come from the folders."""
    course = tmp_path / "course"
    shutil.copytree(small_class, course)
    (course / SUMMARY).unlink()
    s = class_report(course, "week1").students.set_index("student")["status"].astype(str)
    assert s.to_dict() == {
        "alice": "graded",
        "bob": "graded",
        "carol": "graded",
        "dave": "graded",
        "erin": "missing",
        "frank": "graded",
        XSS: "ungraded",
    }


def test_a_sidecar_of_another_exercise_and_an_unknown_slug(tmp_path, small_class):
    course = tmp_path / "course"
    shutil.copytree(small_class, course)
    folder = course / "autograded" / "carol" / "week1"
    side = json.loads((folder / f"{B}.findings.json").read_text())
    side["exercise"] = A
    (folder / f"{B}.findings.json").write_text(json.dumps(side))
    (folder / "no-such-exercise.findings.json").write_text("{}")
    report = class_report(course, "week1")
    review = report.reviews.set_index(["student", "slug"]).loc[("carol", B)]
    assert review["status"] == "corrupt" and f"belongs to exercise '{A}'" in review["problem"]
    assert report.slugs == (A, B)
    assert any("'no-such-exercise' is not in the bank" in p for p in report.problems)


def test_an_empty_class_is_a_clear_message(tmp_path):
    report = class_report(tmp_path, "week1")
    assert report.empty
    assert (
        report.message
        == f"Nothing to report for 'week1' in {tmp_path}: no such assignment in the gradebook and no submission in submitted/ or autograded/."
    )
    assert len(report.students) == len(report.defects) == len(report.false_positives) == 0
    page = write_report(report, tmp_path / "out")
    assert "Nothing to report" in page.read_text() and not (tmp_path / "out" / FIGURE_DIR).exists()


def test_a_class_where_nobody_submitted(tmp_path):
    write_bank(tmp_path / "exercises")
    b = ClassBuilder(tmp_path, "week1", slugs=[A, B], duedate=DUE)
    b.student("alice", submitted=False).student("bob", submitted=False)
    b.write()
    report = class_report(tmp_path, "week1")
    assert report.empty
    assert report.message == f"Nothing to report for 'week1' in {tmp_path}: 2 students known, none submitted."
    assert report.students["status"].astype(str).tolist() == ["missing", "missing"]


def test_an_assignment_name_cannot_leave_the_course(tmp_path):
    with pytest.raises(ValueError, match="not an assignment name"):
        class_report(tmp_path, "../etc")


# the page ---------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def page(small_report, tmp_path_factory) -> Path:
    return write_report(small_report, tmp_path_factory.mktemp("report"))


def test_html_escapes_student_ids_comments_and_reasons(page):
    text = page.read_text(encoding="utf-8")
    assert XSS not in text and "<script" not in text and "<b>timed out" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;b&gt;timed out&lt;/b&gt;" in text
    parser = _Tags()
    parser.feed(text)
    tags = {t for t, _ in parser.tags}
    assert tags <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "p",
        "strong",
        "code",
        "div",
        "b",
        "span",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "ul",
        "li",
    }
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]
    images = [attrs["src"] for t, attrs in parser.tags if t == "img"]
    assert images == [
        f"{FIGURE_DIR}/{n}.png" for n in ("detection", "categories", "scores", "precision", "false_positives", "timing")
    ]
    for src in images:
        assert (page.parent / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_embedded_figures_make_one_file(tmp_path, small_report):
    page = write_report(small_report, tmp_path / "out", embed=True)
    text = page.read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') == 6
    assert not (tmp_path / "out" / FIGURE_DIR).exists()


def chromium() -> str:
    """The Chromium the browser tests drive (tests/e2e/servers.py): $COURSE_CHROMIUM, else the
    `chromium` on PATH. Missing, the test FAILS: `make test` installs it, and a skip would hide
    that. COURSE_SKIP_BROWSER=1 opts a laptop out, as for every browser test (never set in CI)."""
    if os.environ.get("COURSE_SKIP_BROWSER", "") == "1":
        pytest.skip("COURSE_SKIP_BROWSER=1: browser tests opted out on this machine (never set it in CI)")
    found = os.environ.get("COURSE_CHROMIUM") or shutil.which("chromium")
    if not found or not os.access(found, os.X_OK):
        pytest.fail(
            "no Chromium: run make test, which installs Debian's chromium, or set COURSE_CHROMIUM", pytrace=False
        )
    return found


@pytest.mark.browser
def test_report_opens_in_chromium_with_every_figure(page):
    """Does the page load in a real browser without console errors, with every figure drawn?"""
    from concurrent.futures import ThreadPoolExecutor

    from e2e.servers import CHROMIUM_ARGS as args  # the flags every browser test starts Chromium with
    from playwright.sync_api import sync_playwright

    executable = chromium()

    def visit():
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=args, headless=True)
            try:
                tab = browser.new_page()
                messages: list[str] = []
                tab.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
                tab.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
                tab.on("dialog", lambda d: (messages.append(f"dialog: {d.message}"), d.dismiss()))
                tab.goto(page.as_uri())
                tab.wait_for_load_state("load")
                images = tab.eval_on_selector_all(
                    "img", "els => els.map(e => [e.getAttribute('src'), e.complete, e.naturalWidth])"
                )
                return messages, images, tab.text_content("h1"), tab.locator("td.id").all_text_contents()
            finally:
                browser.close()

    # Playwright's sync API refuses to start where an asyncio loop is marked running, which
    # nbgrader's in-process runs (nest_asyncio) leave behind in the main thread; a worker
    # thread has no loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        messages, images, heading, student_cells = pool.submit(visit).result(timeout=120)
    assert messages == []
    assert len(images) == 6 and all(complete and width > 0 for _, complete, width in images), images
    assert heading == "Class report: week1"
    assert XSS in student_cells  # shown as text, not run


def section(text: str, anchor: str) -> str:
    """The page from <h2 id="anchor"> to the next <h2>."""
    start = text.index(f'<h2 id="{anchor}">')
    end = text.find("<h2", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_needs_attention_lists_only_those_students(page):
    part = section(page.read_text(encoding="utf-8"), "attention")
    rows = part.count("<tr><td")
    assert rows == 4  # bob repaired, dave flagged (and corrupt), erin missing, the failed XSS id
    assert "Nobody needs attention" not in part and "4 of 7" in part


def test_nobody_needs_attention_is_one_line(tmp_path):
    write_bank(tmp_path / "exercises")
    b = ClassBuilder(tmp_path, "week1", slugs=[A], duedate=DUE)
    for name in ("ann", "ben", "cat"):
        b.student(name, reviews={A: [f(6, "logic")]})
    report = class_report(b.write(), "week1")
    part = section(write_report(report, tmp_path / "out").read_text(encoding="utf-8"), "attention")
    assert "<table" not in part and "<td" not in part
    assert "Nobody needs attention" in part


def test_one_scale_points_out_of_the_maximum(page):
    text = page.read_text(encoding="utf-8")
    assert "<b>3.23 / 10 (32%)</b><span>mean review points (re-scored)</span>" in text
    students = section(text, "students")
    assert '<td class="num">5 / 10 (50%)</td>' in students  # alice's review points
    assert '<td class="num">4.13 / 12 (34%)</td>' in students  # bob's final score, late penalty taken off
    assert '<td class="num">−1 (raw 5.13)</td>' in students
    assert '<td class="num">0.50</td>' not in students and "mean score" not in text  # no 0-1 scale left


def write_approve_bank(root: Path) -> str:
    """One correct change (verdict approve, no defects, a decoy on line 7)."""
    slug = "order-totals-fine"
    folder = root / slug
    for tree, text in (("before", BEFORE), ("after", BEFORE.replace("Sum prices", "Add up prices"))):
        (folder / tree / "shop").mkdir(parents=True)
        (folder / tree / FILE).write_text(text)
    (folder / "exercise.toml").write_text(META + 'verdict = "approve"\n')
    (folder / "key.toml").write_text('[[decoy]]\nfile = "shop/totals.py"\nlines = [7, 7]\nwhy_fine = "Fine."\n')
    return slug


def test_approve_exercises_show_who_approved(tmp_path, run):
    write_bank(tmp_path / "exercises")
    fine = write_approve_bank(tmp_path / "exercises")
    b = ClassBuilder(tmp_path, "week1", slugs=[A, fine], duedate=DUE)
    b.student("ann", reviews={A: [f(6, "logic")], fine: []}, verdicts={A: "request-changes", fine: "approve"})
    b.student("ben", reviews={A: [], fine: []}, verdicts={A: "approve", fine: "approve"})
    b.student("cat", reviews={A: [], fine: [f(7, "logic")]}, verdicts={fine: "request-changes"})
    b.student("dan", reviews={A: [f(6, "logic")]}, verdicts={A: "request-changes"})
    report = class_report(b.write(), "week1")
    v = report.verdicts
    assert list(v["slug"]) == [fine, A]  # approve exercises first
    assert v.iloc[0][["expected", "reviews", "right", "wrong", "no_verdict", "with_findings"]].tolist() == [
        "approve", 4, 2, 1, 1, 1,
    ]  # fmt: skip
    assert v.iloc[1][["right", "wrong", "no_verdict"]].tolist() == [2, 1, 1]
    text = write_report(report, tmp_path / "out").read_text(encoding="utf-8")
    assert "Approve exercise: Tidy up order totals" in section(text, "verdicts")
    assert "2 of 4 reviews approved it (50%)" in text
    result = run("report", "week1", "--course", tmp_path, "--out", tmp_path / "out")
    assert (
        f"  APPROVE exercise {fine}: 2 of 4 approved (50%); 1 requested changes, "
        "1 raised findings on a correct change" in result.output.splitlines()
    )


# the command ------------------------------------------------------------------------------------


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_report_writes_the_page(run, tmp_path, small_class):
    """`course report ASSIGNMENT --course DIR --out DIR`, in-process."""
    result = run("report", "week1", "--course", small_class, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        lines[0] == "week1: 6 of 7 students submitted (1 missing); 1 flagged, 1 failed, 1 repaired; 1 corrupt sidecar"
    )
    # 19.375 points over six submitters: alice 5, bob 3.125, carol 8.125, dave 1.875, frank 0, XSS 1.25
    assert lines[1] == "  mean review points 3.23 / 10 (32%) (re-scored), median precision 100%, 3 false positives"
    assert lines[2] == f"  missed most:  33% detected  The first item is left out of the subtotal ({B})"
    assert "  weakest category: edge-case (recall 36%)" in lines
    assert f"  right verdict (request-changes): 2 of 5 (40%) in {A}" in lines
    assert "  late penalties: 1 student, 1 point in all (final score = raw score - penalty)" in lines
    assert "  shared answers: none found" in lines
    assert lines[-1] == f"wrote {tmp_path / 'out' / REPORT_NAME}"
    assert (tmp_path / "out" / FIGURE_DIR / "detection.png").is_file()


def test_default_folder_holds_the_graders_summary_and_stale_figures_go(tmp_path, small_class):
    course = tmp_path / "course"
    shutil.copytree(small_class, course)
    stale = course / "reports" / "week1" / FIGURE_DIR / "false_positives.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"from an earlier run")
    report = class_report(course, "week1")
    report.common_false_positives = report.common_false_positives.iloc[0:0]  # as if nobody erred
    page = write_report(report)
    assert page == course / "reports" / "week1" / REPORT_NAME
    assert (course / SUMMARY).is_file()
    assert not stale.exists()


def test_cli_report_without_a_bank_says_how_to_give_one(run, tmp_path, small_class):
    """The bank is found as `course grade` finds it; where there is none, the error says how."""
    course = tmp_path / "course"
    shutil.copytree(small_class, course, ignore=shutil.ignore_patterns("exercises"))
    result = run("report", "week1", "--course", course)
    assert result.exit_code == 1
    assert "cannot score the reviews of week1: no exercise bank found above" in result.output
    assert result.output.rstrip().endswith("(or pass --bank DIR)")
    again = run("report", "week1", "--course", course, "--bank", small_class / "exercises", "--out", tmp_path / "o")
    assert again.exit_code == 0, again.output


def test_cli_report_on_an_empty_class_exits_nonzero(run, tmp_path):
    result = run("report", "week1", "--course", tmp_path)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: Nothing to report for 'week1' in {tmp_path}: no such assignment in the "
        "gradebook and no submission in submitted/ or autograded/.\n"
    )
    assert not (tmp_path / "reports").exists()


# the synthetic class ----------------------------------------------------------------------------


def test_synthetic_class_is_seedable_and_labelled(tmp_path):
    one = synthetic_class(tmp_path / "one", 30, seed=7)
    two = synthetic_class(tmp_path / "two", 30, seed=7)
    assert one.profiles == two.profiles
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one" / "autograded").rglob("*.json"))
    assert files and files == sorted(
        p.relative_to(tmp_path / "two") for p in (tmp_path / "two" / "autograded").rglob("*.json")
    )
    assert all((tmp_path / "one" / p).read_bytes() == (tmp_path / "two" / p).read_bytes() for p in files)
    assert (tmp_path / "one" / "SYNTHETIC.txt").is_file()
    report = class_report(tmp_path / "one", one.assignment)
    assert report.synthetic and not report.empty
    assert len(report.students) == 30 and len(report.defects) == 6
    assert all(report.students["student"].str.startswith("synthetic-"))
