"""Does anything a student wrote run script in the formgrader, where a TA grades it?

The formgrader renders each autograded notebook with nbconvert inside the instructor's (or a
TA's) own Jupyter server: script there runs with the grader's session, which can change every
grade. The course's nbgrader_config.py turns on nbconvert's sanitizer (HTMLExporter.sanitize_html),
which the formgrader's exporter reads from the course directory, as the feedback exporter does.
"""

from __future__ import annotations

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
    "<img src=x onerror=\"window.__pwned = 'img'\"> [a link](javascript:window.__pwned='link')\n"
)
OUTPUT = (
    "from IPython.display import HTML, Javascript, SVG, display\n"
    "display(HTML(\"<b>bold</b><script>window.__pwned = 'html'</script><img src=x onerror=\\\"window.__pwned='out'\\\">\"))\n"
    "display(Javascript(\"window.__pwned = 'js'\"))\n"
    'display(SVG(\'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"></svg>\'))\n'
)
COMMENT = "<img src=x onerror=\"window.__pwned='comment'\">flagged"


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory) -> tuple[Path, str]:
    """A course whose one student wrote hostile Markdown, outputs and a finding's comment; graded
    with its notebook executed (in the sandbox), so the outputs are in the autograded notebook."""
    import json

    from nbgrader.api import Gradebook

    tmp = tmp_path_factory.mktemp("formgrader-xss")
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    shutil.copytree(FIXTURES / "class" / "partial", course / "submitted" / "mallory")
    folder = course / "submitted" / "mallory" / ASSIGNMENT
    nb = nbformat.read(folder / f"{NOTEBOOK}.ipynb", as_version=4)
    i = next(n for n, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID)
    nb.cells[i:i] = [nbformat.v4.new_markdown_cell(MARKDOWN), nbformat.v4.new_code_cell(OUTPUT)]
    nbformat.write(nb, folder / f"{NOTEBOOK}.ipynb")
    side = folder / "fixture-cart.findings.json"
    data = json.loads(side.read_text(encoding="utf-8"))
    data["findings"][0]["comment"] = COMMENT
    side.write_text(json.dumps(data), encoding="utf-8")
    env = {**os.environ, "COURSE_BANK": str(FIXTURES / "bank"), "COURSE_CELL_TIMEOUT": "20"}
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp / name).mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(tmp / name)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env.pop("COURSE_DB_URL", None)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "course"), "grade", ASSIGNMENT, "--execute", "--jobs", "1"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    autograded = course / "autograded" / "mallory" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert autograded.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    assert "window.__pwned = 'html'" in autograded.read_text(encoding="utf-8")  # the outputs are there
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission_id = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "mallory").id
    return course, submission_id


@pytest.mark.browser
@pytest.mark.slow
def test_no_script_a_student_wrote_runs_in_the_formgrader(graded_course, jupyter_server_factory, new_page):
    course, submission_id = graded_course
    server = jupyter_server_factory("lab", root=course)
    page, log = new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url(f"formgrader/submissions/{submission_id}/"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)
    frames = [page, *[f for f in page.frames if f is not page.main_frame]]
    text = "\n".join(f.inner_text("body") for f in frames if f.locator("body").count())
    assert "My answer" in text and "bold" in text, text[:2000]  # the student's work is shown...
    for frame in page.frames:
        assert frame.evaluate("window.__pwned") is None, frame.url
    assert not log.dialogs
    assert not [u for u in requests if u.endswith("/x") or u.startswith("javascript:")]
