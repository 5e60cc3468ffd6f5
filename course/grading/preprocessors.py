"""nbgrader preprocessors the course adds to autograding and feedback (configured in nbgrader_config.py),
and the feedback exporter that finishes the course's section."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer

from .cells import is_autograded_code
from .outputcap import TRUNCATED

__all__ = [
    "CourseFeedbackExporter",
    "CourseReviewFeedback",
    "LimitOutputSize",
    "SanitizeMarkdownCells",
    "ShortenTestTracebacks",
]


class LimitOutputSize(NbGraderPreprocessor):
    """Cap the characters of stdout a cell keeps, whatever its line count.

    nbgrader's LimitOutput counts lines, so one `print("x" * 3_000_000)` survives it whole and
    makes a 3 MB autograded notebook and feedback page. Only stdout is cut: stderr, errors and
    the execute_result are what nbgrader grades on, so they are left exactly as they were.
    """

    max_chars = Integer(20_000, help="Most characters of stdout kept per cell (-1: no limit).").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if self.max_chars < 0 or cell.cell_type != "code":
            return cell, resources
        budget = self.max_chars
        kept, cut, dropped = [], None, 0
        for output in cell.outputs:
            if output.output_type == "stream" and output.get("name") == "stdout":
                text = output.text if isinstance(output.text, str) else "".join(output.text)
                if len(text) > budget:
                    dropped += len(text) - budget
                    if budget == 0 and cut is not None:
                        continue  # already cut: count what is dropped, keep nothing
                    output.text = text[:budget]
                    cut = output
                budget -= len(output.text)
            kept.append(output)
        if cut is not None:
            cut.text += TRUNCATED.format(dropped=dropped)
        cell.outputs = kept
        return cell, resources


class ShortenTestTracebacks(NbGraderPreprocessor):
    """In feedback, show a failed test cell's error as one line, without its traceback.

    ClearHiddenTests clears a test cell's source, but an error's traceback quotes the lines
    around the failing call, hidden ones included. Ours hold no key text (only the slug and the
    points), yet the one line "ReviewScoredZero: no review was saved ..." is also what a
    student needs to read, not thirty lines of frames.
    """

    def preprocess_cell(self, cell, resources, index):
        if is_autograded_code(cell):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


SANITIZED = "course_sanitized"  # a Markdown cell's metadata, once SanitizeMarkdownCells has rendered it


class SanitizeMarkdownCells(NbGraderPreprocessor):
    """Render every Markdown cell to safe HTML before nbgrader's feedback template sees it.

    nbgrader's feedback and formgrader templates render Markdown cells with `markdown2html`,
    which passes raw HTML through, and ignore nbconvert's `sanitize_html` (that setting, on in
    nbgrader_config.py, covers outputs only). A student's short answer could therefore run script
    in the page the student opens, or in the formgrader of the TA who grades it (with the TA's
    session). nbgrader_config.py runs this on every HTMLExporter, the formgrader's included. Here the Markdown is rendered by
    markdown-it-py with raw HTML off, so `<script>` arrives as text; the result is one HTML block
    with no blank line, which the template passes through unchanged.
    """

    def preprocess(self, nb, resources):
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark", {"html": False})
        for cell in nb.cells:
            # Once only: it runs as an HTMLExporter preprocessor (the formgrader's pages) and in
            # GenerateFeedback's list, and a second pass would show the first one's HTML as text.
            if cell.cell_type == "markdown" and not cell.metadata.get(SANITIZED):
                cell.metadata[SANITIZED] = True
                rendered = md.render(cell.source or "")
                # A blank line would end the HTML block and hand the rest back to the Markdown
                # renderer; inside <pre> it is kept as an entity-free newline pair.
                body = rendered.replace("\n\n", "\n&#8203;\n").strip()
                cell.source = f'<div class="course-sanitized">\n{body}\n</div>'
        return nb, resources


COURSE_FEEDBACK = "course_feedback"  # where CourseReviewFeedback leaves its work in the resources


def _coursedir(obj: Any) -> Any:
    """nbgrader's CourseDirectory of the converter running this preprocessor or exporter."""
    while obj is not None:
        if getattr(obj, "coursedir", None) is not None:
            return obj.coursedir
        obj = getattr(obj, "parent", None)
    return None


class CourseReviewFeedback(NbGraderPreprocessor):
    """The course's per-defect section on every path to feedback: `course grade`, formgrader's
    Generate Feedback button and `nbgrader generate_feedback` all give a student the same page.

    It re-scores the notebook's reviews from the sidecars `course grade` froze
    (`feedback.graded_feedback`), and refuses (so nbgrader writes no page for that student and
    says why) a student `course grade` did not grade, or flagged, or failed. The section is put
    into the finished HTML, and that HTML scanned for key text the student did not earn, by
    CourseFeedbackExporter (`c.GenerateFeedback.exporter_class`): only the exporter sees the
    page as written.
    """

    in_course_grade = Bool(
        False,
        help="Set by course grade's workers: the class grader has just confirmed the student (its "
        "summary is written after feedback) and scans every page itself, flagging the student.",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        from .feedback import FeedbackRefusedError, graded_feedback

        if not isinstance(self.parent, CourseFeedbackExporter):
            raise FeedbackRefusedError(
                "CourseReviewFeedback needs c.GenerateFeedback.exporter_class = "
                "'course.grading.preprocessors.CourseFeedbackExporter' (nbgrader_config.py), which "
                "puts the course's section into the page and scans it for key text"
            )
        info = resources["nbgrader"]
        cd = _coursedir(self)
        root = Path(cd.root) if cd is not None else Path(os.getcwd())  # nbgrader works in the course root
        source = Path(cd.format_path(cd.source_directory, ".", info["assignment"])) if cd is not None else None
        graded = graded_feedback(
            root, info["assignment"], info["student"], source=source, check_summary=not self.in_course_grade
        )
        resources[COURSE_FEEDBACK] = {
            "section": graded.section(info["notebook"]),
            "outcomes": graded.outcomes,
            "secrets": graded.secrets,
            "scan": not self.in_course_grade,
        }
        return nb, resources


class CourseFeedbackExporter(HTMLExporter):
    """nbgrader's feedback page (its template, Bootstrap, sanitizing: every HTMLExporter setting
    applies) with the course's section just inside <body>, refused when the finished page shows
    key text the student did not earn (FeedbackLeakError: nbgrader writes no page).

    The exporter is the one place where the page exists as it will be written: a preprocessor
    sees the notebook, and nbgrader's post_convert_hook runs after the page is written and
    swallows its errors.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        from .feedback import FeedbackLeakError, FeedbackRefusedError, insert_section, page_leaks

        output, resources = super().from_notebook_node(nb, resources, **kw)
        made = resources.get(COURSE_FEEDBACK)
        if made is None:
            raise FeedbackRefusedError(
                "CourseFeedbackExporter found no course feedback: add "
                "'course.grading.preprocessors.CourseReviewFeedback' to c.GenerateFeedback.preprocessors"
            )
        if made["section"] is not None:
            output = insert_section(output, made["section"])
        if made["scan"] and (leaked := page_leaks(output, made["outcomes"], made["secrets"])):
            info = resources.get("nbgrader", {})
            raise FeedbackLeakError(
                f"{info.get('student')!r}: the feedback page of {info.get('notebook')} would show answer-key "
                f"text the student did not earn ({', '.join(leaked[:3])}); no page written. Look at the "
                "notebook (did it read the key while it was graded?) before any feedback is released"
            )
        return output, resources
