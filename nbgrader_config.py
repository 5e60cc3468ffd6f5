"""nbgrader configuration: the repository root is the course directory."""

import os

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "code-review-academy")

# A student who deleted a grade cell is still graded: nbgrader puts the cell back.
c.OverwriteCells.add_missing_cells = True

# Hidden tests never reach a student: nbgrader's feedback shows test source unless cleared.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# A student's infinite loop must not hold the class: each cell gets this many seconds.
c.ExecutePreprocessor.timeout = 60
c.ExecutePreprocessor.interrupt_on_timeout = True

c.ClearSolutions.code_stub = {
    "python": "# Review the diff in the viewer above: your findings are saved as you flag them.\n"
    "# (Nothing to write here.)",
}
