"""nbgrader preprocessors the course adds to autograding (configured in nbgrader_config.py)."""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from .cells import is_autograded_code

__all__ = ["LimitOutputSize", "SanitizeMarkdownCells", "ShortenTestTracebacks"]

TRUNCATED = "\n... output truncated by the grader: {dropped:,} more characters were printed ...\n"


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


class SanitizeMarkdownCells(NbGraderPreprocessor):
    """Render every Markdown cell to safe HTML before nbgrader's feedback template sees it.

    nbgrader's feedback template renders Markdown cells with `markdown2html`, which passes raw
    HTML through, and ignores nbconvert's `sanitize_html` (that setting, on in nbgrader_config.py,
    covers outputs only). A student's short answer could therefore run script in the page the
    student, and any classmate or TA it is shown to, opens. Here the Markdown is rendered by
    markdown-it-py with raw HTML off, so `<script>` arrives as text; the result is one HTML block
    with no blank line, which the template passes through unchanged.
    """

    def preprocess(self, nb, resources):
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark", {"html": False})
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                rendered = md.render(cell.source or "")
                # A blank line would end the HTML block and hand the rest back to the Markdown
                # renderer; inside <pre> it is kept as an entity-free newline pair.
                body = rendered.replace("\n\n", "\n&#8203;\n").strip()
                cell.source = f'<div class="course-sanitized">\n{body}\n</div>'
        return nb, resources
