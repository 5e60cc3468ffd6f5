"""The course's feedback section, and every path to a feedback page giving the same one.

The section (course/grading/feedback.py): its own class names and px sizes under nbgrader's
Bootstrap, the key's Markdown rendered with raw HTML off, the leak scan on rendered text. The
paths: `course grade`, and `nbgrader generate_feedback` (what formgrader's Generate Feedback
button runs) after it, through the course's preprocessor and exporter (nbgrader_config.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.grading.feedback import (
    SECTION_ID,
    feedback_section,
    graded_feedback,
    insert_section,
    page_leaks,
    visible_text,
)
from course.grading.hidden_test import rescore
from course.keys import Bank
from course.review import Finding
from course.scoring import key_texts, score

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ASSIGNMENT, NOTEBOOK, SLUG = "fixture-review", "cart-review", "fixture-cart"

# The fixture key's texts as an author writes them in key.toml: Markdown, hard-wrapped.
EXPLANATION_A = (
    "FIXTURE-EXPLANATION-A: slicing from `prices[1:]` drops an item,\n"
    "so **every order** is undercharged.\n"
    "<script>window.__pwned = 'key'</script>"
)
EXPLANATION_B = "FIXTURE-EXPLANATION-B: an empty cart is a `normal input`,\nnot an error at all."


def markdown_bank(tmp: Path) -> Path:
    """The fixture bank with Markdown explanations (code, bold, a hard line break, raw HTML)."""
    bank = tmp / "bank"
    shutil.copytree(FIXTURES / "bank", bank)
    key = bank / SLUG / "key.toml"
    text = key.read_text(encoding="utf-8")
    for old, new in (
        ('"FIXTURE-EXPLANATION-A: slicing from index 1 drops an item, so every order is undercharged."', EXPLANATION_A),
        ('"FIXTURE-EXPLANATION-B: an empty cart is a normal input, not an error."', EXPLANATION_B),
    ):
        assert old in text
        text = text.replace(old, '"""\n' + new + '"""')
    key.write_text(text, encoding="utf-8")
    return bank


@pytest.fixture
def md_bank(tmp_path) -> Bank:
    return Bank(markdown_bank(tmp_path))


def partial(bank: Bank):
    """The fixture student "partial": A found, B missed, C miscategorised, the decoy flagged."""
    return rescore(FIXTURES / "class" / "partial" / ASSIGNMENT, SLUG, 10, bank)


# the section ------------------------------------------------------------------------------------


def test_the_section_uses_only_its_own_class_names_and_px_sizes(md_bank):
    """Bootstrap's `.label` (white text, no background) made every status word invisible."""
    html = feedback_section([partial(md_bank)])
    classes = {c for group in re.findall(r'class="([^"]*)"', html) for c in group.split()}
    assert classes - {"container"} and all(c.startswith("cra-") for c in classes - {"container"}), classes
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    rules = [r.split("{")[0] for r in style.split("}") if "{" in r]
    assert rules and all(sel.strip().startswith(f"#{SECTION_ID}") for r in rules for sel in r.split(",")), rules
    assert "rem" not in style and "pre-wrap" not in style
    sizes = dict(re.findall(r"#course-review-feedback (h2|h3|p)\{[^}]*?font-size:(\d+)px", style))
    assert int(sizes["h2"]) > int(sizes["h3"]) > int(sizes["p"])


def test_the_keys_markdown_is_rendered_and_its_raw_html_escaped(md_bank):
    html = feedback_section([partial(md_bank)])
    assert "<code>prices[1:]</code>" in html and "<strong>every order</strong>" in html
    assert "**" not in html and "`" not in html
    assert "<script>window" not in html and "&lt;script&gt;window.__pwned" in html
    # the hard line break in key.toml is a soft break: one flowing paragraph, no <br>
    para = re.search(r"<p>FIXTURE-EXPLANATION-A.*?</p>", html, re.S).group(0)
    assert "<br" not in para and "undercharged" in para


def test_where_a_student_flagged_is_escaped_never_markdown(md_bank):
    key = md_bank.get(SLUG).key
    hostile = Finding("f1", "<img src=x onerror=alert(1)>/**x**.py", "new", 3, 3, "logic")
    result = score([hostile], key, "approve")
    from course.grading.hidden_test import Rescore

    html = feedback_section([Rescore(SLUG, 0.0, 10.0, None, result)])
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;/**x**.py" in html


def test_inserting_the_section_again_replaces_it(md_bank):
    page = "<html><head></head><body class='x'>\n<div id='notebook'>nb</div></body></html>"
    section = feedback_section([partial(md_bank)])
    once = insert_section(page, section)
    assert once.count(f"<!-- {SECTION_ID} -->") == 1 and once.index(section) < once.index("notebook")
    assert insert_section(once, section) == once
    other = feedback_section([])
    assert insert_section(once, other) == insert_section(page, other)


# the leak scan on rendered text -----------------------------------------------------------------


def test_the_leak_scan_finds_unearned_key_text_rendered_from_markdown(md_bank):
    outcome = partial(md_bank)
    secrets = key_texts(md_bank)
    section = feedback_section([outcome])
    rendered_b = "<p>FIXTURE-EXPLANATION-B: an empty cart is a <code>normal input</code>,\nnot an error at all.</p>"
    page = insert_section(f"<body><div class='output'>{rendered_b}</div></body>", section)
    assert page_leaks(page, [outcome], secrets) == [f"{SLUG}/average-of-empty-cart explanation"]
    printed = "<body><pre>" + EXPLANATION_B.replace("\n", " ") + "</pre></body>"  # as written, printed
    assert page_leaks(printed, [outcome], secrets) == [f"{SLUG}/average-of-empty-cart explanation"]


def test_the_leak_scan_passes_key_text_the_student_earned(md_bank):
    outcome = partial(md_bank)
    secrets = key_texts(md_bank)
    page = insert_section("<body><div id='notebook'></div></body>", feedback_section([outcome]))
    assert "FIXTURE-EXPLANATION-A" in visible_text(page) and "FIXTURE-WHY-FINE" in visible_text(page)
    assert page_leaks(page, [outcome], secrets) == []
    quoted = page.replace("</body>", "<pre>" + EXPLANATION_A + "</pre></body>")  # the student quotes it
    assert page_leaks(quoted, [outcome], secrets) == []


# every path to feedback -------------------------------------------------------------------------

STUDENTS = {  # name in the class -> fixture submission
    "perfect": "perfect",
    "partial": "partial",
    "empty": "empty",
    "no-sidecar": "no-sidecar",
    "held-back": "wrong-categories",  # summary.json will say flagged
    "never-graded": "perfect",  # its frozen copy will be gone
    "leaky": "partial",  # its autograded notebook will quote a key text it did not earn
}
CLEAN = ("perfect", "partial", "empty", "no-sidecar")


def _env(tmp: Path) -> dict[str, str]:
    env = {**os.environ, "COURSE_BANK": str(FIXTURES / "bank"), "COURSE_CELL_TIMEOUT": "20"}
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp / name).mkdir(exist_ok=True)
        env[f"JUPYTER_{name}_DIR"] = str(tmp / name)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("COURSE_DB_URL", None)
    return env


def _section(page: Path) -> str:
    found = re.findall(rf"<!-- {SECTION_ID} -->.*?<!-- /{SECTION_ID} -->", page.read_text(encoding="utf-8"), re.S)
    assert len(found) == 1, f"{page}: {len(found)} sections"
    return found[0]


@pytest.fixture(scope="module")
def both_paths(tmp_path_factory) -> dict:
    """A small class graded by `course grade`; then, with one student flagged, one never graded
    and one whose notebook quotes an unearned key text, feedback made again by `nbgrader
    generate_feedback` (formgrader's button runs the same GenerateFeedback)."""
    tmp = tmp_path_factory.mktemp("feedback-paths")
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    for name, fixture in STUDENTS.items():
        shutil.copytree(FIXTURES / "class" / fixture, course / "submitted" / name)
    env = _env(tmp)
    bindir = Path(sys.executable).parent
    graded = subprocess.run(
        [str(bindir / "course"), "grade", ASSIGNMENT, "--jobs", "2"],
        cwd=course, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    feedback = course / "feedback"
    pages = {s: feedback / s / ASSIGNMENT / f"{NOTEBOOK}.html" for s in STUDENTS}
    assert all(p.is_file() for p in pages.values()), graded.stdout[-3000:] + graded.stderr[-3000:]
    by_course_grade = {s: _section(p) for s, p in pages.items()}
    whole = {s: p.read_text(encoding="utf-8") for s, p in pages.items()}

    grading = course / "reports" / ASSIGNMENT / "grading"
    summary = json.loads((grading / "summary.json").read_text(encoding="utf-8"))
    for row in summary["students"]:
        if row["student"] == "held-back":
            row["status"] = "flagged"
    (grading / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    shutil.rmtree(grading / "frozen" / "never-graded")
    leaky = course / "autograded" / "leaky" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(leaky, as_version=4)
    nb.cells.insert(
        1,
        nbformat.v4.new_markdown_cell(
            "My notes: FIXTURE-EXPLANATION-B: an empty cart is a normal input, not an error."
        ),
    )
    nbformat.write(nb, leaky)

    shutil.rmtree(feedback)
    # Later, in the instructor's or a TA's own server, COURSE_BANK is not set (and this course has
    # no exercises/ of its own): feedback re-scores with the bank course grade recorded in summary.json.
    env = {k: v for k, v in env.items() if k != "COURSE_BANK"}
    again = subprocess.run(
        [str(bindir / "nbgrader"), "generate_feedback", ASSIGNMENT, "--force"],
        cwd=course, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    # formgrader's Generate Feedback button: NbGraderAPI.generate_feedback, one student at a time
    by_cli = {s: p.read_text(encoding="utf-8") for s, p in pages.items() if p.is_file()}
    formgrader = {}
    for student in ("partial", "held-back"):
        pages[student].unlink(missing_ok=True)
        done = subprocess.run(
            [sys.executable, "-c", FORMGRADER, student],
            cwd=course,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        formgrader[student] = {**json.loads(done.stdout.splitlines()[-1]), "page": pages[student].is_file()}
    return {
        "course_grade": by_course_grade,
        "whole": whole,
        "pages": pages,
        "cli": by_cli,
        "run": again,
        "log": again.stdout + again.stderr,
        "formgrader": formgrader,
    }


# What formgrader's handler calls, with the configuration the formgrader loads (the course's).
FORMGRADER = """
import json, sys
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader
cfg = PyFileConfigLoader("nbgrader_config.py", path=".").load_config()
api = NbGraderAPI(CourseDirectory(config=cfg), config=cfg)
out = api.generate_feedback("fixture-review", sys.argv[1])
print(json.dumps({"success": out["success"], "log": out.get("log", "") + out.get("error", "")}))
"""


@pytest.mark.slow
def test_course_grade_leaves_one_section_in_each_page(both_paths):
    for student, section in both_paths["course_grade"].items():
        assert "Review of fixture-cart" in section, student


@pytest.mark.slow
@pytest.mark.parametrize("student", CLEAN)
def test_nbgrader_generate_feedback_gives_the_page_course_grade_wrote(both_paths, student):
    assert student in both_paths["cli"], both_paths["log"][-3000:]
    page = both_paths["cli"][student]
    assert re.findall(rf"<!-- {SECTION_ID} -->.*?<!-- /{SECTION_ID} -->", page, re.S) == [
        both_paths["course_grade"][student]
    ]
    assert page == both_paths["whole"][student]


@pytest.mark.slow
def test_formgraders_generate_feedback_gives_the_same_page_and_refuses_the_flagged(both_paths):
    fg = both_paths["formgrader"]
    assert fg["partial"]["success"] and fg["partial"]["page"], fg["partial"]["log"][-3000:]
    assert both_paths["pages"]["partial"].read_text(encoding="utf-8") == both_paths["whole"]["partial"]
    assert not fg["held-back"]["success"] and not fg["held-back"]["page"]
    assert "'held-back' is flagged in" in fg["held-back"]["log"]


@pytest.mark.slow
def test_a_flagged_student_gets_no_page(both_paths):
    assert "held-back" not in both_paths["cli"] and not both_paths["pages"]["held-back"].exists()
    assert "'held-back' is flagged in" in both_paths["log"]
    assert both_paths["run"].returncode != 0  # nbgrader reports the students it could not do


@pytest.mark.slow
def test_a_student_course_grade_never_graded_gets_no_page(both_paths):
    assert "never-graded" not in both_paths["cli"] and not both_paths["pages"]["never-graded"].exists()
    assert "no frozen copy of 'never-graded'" in both_paths["log"]


@pytest.mark.slow
def test_a_page_that_would_show_unearned_key_text_is_not_written(both_paths):
    assert "leaky" not in both_paths["cli"] and not both_paths["pages"]["leaky"].exists()
    assert "FeedbackLeakError" in both_paths["log"]
    assert "average-of-empty-cart explanation" in both_paths["log"]


def test_graded_feedback_refuses_without_a_summary(tmp_path):
    from course.grading.feedback import FeedbackRefusedError

    (tmp_path / "source" / ASSIGNMENT).mkdir(parents=True)
    with pytest.raises(FeedbackRefusedError, match="run `course grade fixture-review` before making feedback"):
        graded_feedback(tmp_path, ASSIGNMENT, "someone", bank=Bank(FIXTURES / "bank"))


def test_a_hint_that_repeats_a_sentence_of_the_earned_explanation_is_no_leak():
    """A key's hint may quote its own explanation: a student who earned the explanation is not
    flagged for the hint's copy of that sentence, but is for the hint's own words."""
    from course.scoring.disclosure import leaks

    explanation = "Fridays after the cutoff go wrong; the new line adds a calendar day, not a business day."
    hint = "Look at what happens to a late order on the last weekday; the new line adds a calendar day, not a business day."
    page = f"<p>{explanation}</p>"
    assert leaks(page, {"hint 3": hint}) == ["hint 3"]  # without knowing what was earned, it looks leaked
    assert leaks(page, {"hint 3": hint}, earned=[explanation]) == []
    own = page + "<p>Look at what happens to a late order on the last weekday;</p>"
    assert leaks(own, {"hint 3": hint}, earned=[explanation]) == ["hint 3"]
