"""nbgrader configuration: the repository root is the course directory.

Every setting here answers a trap measured with nbgrader 0.9.6 (docs/design.md, "Inside
nbgrader"). `course grade` loads this same file in its workers, so a class graded with it and
one graded with plain `nbgrader autograde` get the same scores.
"""

import os

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "code-review-academy")

# The gradebook: gradebook.db here, unless COURSE_DB_URL names another (PostgreSQL for a class
# graded on several machines, docs/deploy.md). Unset, a db_url from a Jupyter config folder
# (/etc/jupyter/nbgrader_config.py) stands; `course grade` reads the same files nbgrader does.
if os.environ.get("COURSE_DB_URL"):
    c.CourseDirectory.db_url = os.environ["COURSE_DB_URL"]

# Never copied into a release, a submission or a collection: nbgrader's own list, and the lock
# file the viewer takes beside each review (.<slug>.findings.json.lock). Students' submit reads
# deploy/nbgrader_config.multiuser.py, which lists the same.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*.findings.json.lock"]

# A student who deleted a grade cell is still graded: nbgrader puts the cell back. (It can
# fail with a KeyError when the cell before it is a locked one; `course grade` restores
# deleted cells itself before nbgrader sees them.)
c.OverwriteCells.add_missing_cells = True

# Hidden tests never reach a student: nbgrader's feedback shows test source unless cleared,
# and an error's traceback quotes the hidden lines even then, so test cells keep one line.
# Student-written Markdown and HTML outputs never run script in a feedback page: Markdown cells
# are rendered with raw HTML off, and nbconvert sanitizes every HTML, SVG, Markdown and
# JavaScript output.
# Every path to feedback (`course grade`, formgrader's Generate Feedback, `nbgrader
# generate_feedback`) gives the same page: CourseReviewFeedback re-scores the reviews `course
# grade` froze and refuses a student it did not grade cleanly; the exporter puts the course's
# per-defect section into the page and writes no page that shows key text the student did not earn.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "course.grading.preprocessors.ShortenTestTracebacks",
    "course.grading.preprocessors.SanitizeMarkdownCells",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "course.grading.preprocessors.CourseReviewFeedback",
]
c.GenerateFeedback.exporter_class = "course.grading.preprocessors.CourseFeedbackExporter"
c.HTMLExporter.sanitize_html = True
# The formgrader renders each submission with a plain HTMLExporter from this same configuration:
# the student's Markdown is rendered safely there too (a TA's session must not run it).
c.HTMLExporter.preprocessors = ["course.grading.preprocessors.SanitizeMarkdownCells"]

# nbgrader's LimitOutput counts lines: one print of three million characters passes it and
# makes a 3 MB feedback page. LimitOutputSize caps the characters of stdout per cell.
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "course.grading.preprocessors.LimitOutputSize",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# A student's infinite loop must not hold the class: each cell gets this many seconds, then
# the kernel is interrupted and the remaining cells (the hidden tests among them) still run.
# COURSE_CELL_TIMEOUT shortens it where waiting is pointless (the test suite, the demo).
c.ExecutePreprocessor.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", "60"))
c.ExecutePreprocessor.interrupt_on_timeout = True

c.ClearSolutions.code_stub = {
    "python": "# Flag the lines you would comment on in the viewer above: every flag is saved as\n"
    "# you make it. (Or from code, with the review opened above: .flag(path, line, category, comment).)",
}
