"""Does anything a student wrote run script in their feedback page, or in the formgrader where a
TA grades it? Both render the student's Markdown, outputs and comments, and nbgrader's templates
pass raw HTML through. One hostile submission, graded once with its notebook executed, serves both.

The formgrader renders each submission with nbconvert inside the instructor's (or a TA's) own
Jupyter server: script there runs with the grader's session, which can change every grade. The
course's nbgrader_config.py makes the formgrader's exporter render Markdown safely
(HTMLExporter.preprocessors) and sanitize outputs (HTMLExporter.sanitize_html).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ASSIGNMENT, NOTEBOOK, GRADE_ID = "fixture-review", "cart-review", "grades_review_of_fixture_cart"

MARKDOWN = (
    "My answer <script>window.__pwned = 'markdown'</script>\n\n"
    "<img src=x onerror=\"window.__pwned = 'img'\"> and [a link](javascript:window.__pwned='link')\n\n"
    "<iframe src=\"javascript:parent.__pwned='iframe'\"></iframe>\n\n"
    "```\n<script>in code</script>\n\n\nafter a blank line\n```\n"
)
COMMENT = "<img src=x onerror=\"window.__pwned='comment'\">flagged"
OUTPUT = (
    "from IPython.display import HTML, Javascript, Markdown, SVG, display\n"
    "display(HTML(\"<b>bold</b><script>window.__pwned = 'html'</script><img src=x onerror=\\\"window.__pwned='out'\\\">\"))\n"
    'display(Markdown("<img src=x onerror=\\"window.__pwned=\'md\'\\">"))\n'
    "display(Javascript(\"window.__pwned = 'js'\"))\n"
    'display(SVG(\'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=2</script></svg>\'))\n'
)


@pytest.fixture(scope="module")
def feedback_page(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("feedback-xss")
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    shutil.copytree(FIXTURES / "class" / "partial", course / "submitted" / "mallory")
    path = course / "submitted" / "mallory" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(path, as_version=4)
    i = next(n for n, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID)
    nb.cells[i:i] = [nbformat.v4.new_markdown_cell(MARKDOWN), nbformat.v4.new_code_cell(OUTPUT)]
    nbformat.write(nb, path)
    side = path.parent / "fixture-cart.findings.json"  # a finding's comment, listed in the review cell
    data = json.loads(side.read_text(encoding="utf-8"))
    data["findings"][0]["comment"] = COMMENT
    side.write_text(json.dumps(data), encoding="utf-8")
    env = {**os.environ, "COURSE_BANK": str(FIXTURES / "bank"), "COURSE_CELL_TIMEOUT": "20"}
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp / name).mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(tmp / name)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env.pop("COURSE_DB_URL", None)
    course_cmd = str(Path(sys.executable).parent / "course")
    done = subprocess.run(
        [course_cmd, "grade", ASSIGNMENT, "--execute", "--jobs", "1"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    page = course / "feedback" / "mallory" / ASSIGNMENT / f"{NOTEBOOK}.html"
    assert page.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    return page


@pytest.mark.browser
@pytest.mark.slow
def test_no_script_a_student_wrote_runs_in_their_feedback_page(feedback_page, new_page):
    html = feedback_page.read_text(encoding="utf-8")
    assert "bold" in html and "My answer" in html  # the student's work is on the page...
    page, log = new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(feedback_page.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    assert not log.dialogs
    assert not [u for u in requests if u.endswith("/x") or u.startswith("javascript:")]
    text = page.inner_text("body")
    assert "<script>window.__pwned = 'markdown'</script>" in text  # ...shown as text, not run
    assert "after a blank line" in text
    assert page.locator("iframe").count() == 0 and page.locator("svg script").count() == 0


@pytest.mark.browser
@pytest.mark.slow
def test_no_script_a_student_wrote_runs_in_the_formgrader(feedback_page, jupyter_server_factory, new_page):
    from nbgrader.api import Gradebook

    course = feedback_page.parents[3]
    autograded = course / "autograded" / "mallory" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert "window.__pwned = 'html'" in autograded.read_text(encoding="utf-8")  # the outputs are there
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission_id = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "mallory").id
    server = jupyter_server_factory("lab", root=course)
    page, log = new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url(f"formgrader/submissions/{submission_id}/"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)
    frames = [page, *[f for f in page.frames if f is not page.main_frame]]
    text = "\n".join(f.inner_text("body") for f in frames if f.locator("body").count())
    assert "My answer" in text and "bold" in text, text[:2000]  # the student's work is shown
    for frame in page.frames:
        assert frame.evaluate("window.__pwned") is None, frame.url
    assert not log.dialogs
    assert not [u for u in requests if u.endswith("/x") or u.startswith("javascript:")]
