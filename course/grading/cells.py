"""What an assignment's source notebooks hold: which exercises it reviews (the one answer), and what must not be there."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .hidden_test import GradingError

__all__ = [
    "ReviewCell",
    "assignment_reviews",
    "graded_slugs",
    "is_autograded_code",
    "opened_slugs",
    "other_graded_cells",
    "refuse_sidecars_in_source",
    "review_cells",
    "reviewed_slugs",
]

_OPEN = re.compile(r"""Review\.open\(\s*["']([a-z0-9][a-z0-9-]*)\.diff["']""")
DEFAULT_POINTS = 10  # grade_review's default


def is_autograded_code(cell: Any) -> bool:
    """An nbgrader grade cell of code that is not also a solution: what autograding scores."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


@dataclass(frozen=True)
class ReviewCell:
    """A grade cell whose hidden test is `grade_review(slug, points=N)`."""

    notebook: str
    grade_id: str
    slug: str
    points: float


def grade_review_calls(source: str) -> list[tuple[str, Any]]:
    """(slug, points as written or DEFAULT_POINTS) of each `grade_review("<slug>", ...)` in a cell's code."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[tuple[str, Any]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "grade_review"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            points = next((k.value for k in node.keywords if k.arg == "points"), None)
            if points is None and len(node.args) > 1:
                points = node.args[1]
            found.append((node.args[0].value, points.value if isinstance(points, ast.Constant) else DEFAULT_POINTS))
    return found


def graded_slugs(source: str) -> list[str]:
    """The exercises one cell's code grades (its `grade_review("<slug>", ...)` calls), e.g. for a
    cell source the gradebook recorded."""
    return [slug for slug, _ in grade_review_calls(source)]


def review_cells(notebook: Path) -> list[ReviewCell]:
    """The grade cells of a source notebook that call grade_review, with their slug and points."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    found = []
    for cell in nb.cells:
        if not is_autograded_code(cell):
            continue
        meta = cell.metadata["nbgrader"]
        for slug, value in grade_review_calls(cell.source):
            if float(value) != float(meta.get("points", -1)):
                raise GradingError(
                    f"{notebook}: cell {meta.get('grade_id')} calls grade_review with points={value} "
                    f"but is worth {meta.get('points')} points in nbgrader: make them agree"
                )
            found.append(ReviewCell(notebook.stem, meta["grade_id"], slug, float(value)))
    return found


def assignment_reviews(folder: Path) -> list[ReviewCell]:
    """Every review cell of an assignment's source folder (source/<assignment>), notebook by
    notebook in name order: what `course grade` grades and `course build` proves."""
    return [c for nb in sorted(Path(folder).glob("*.ipynb")) for c in review_cells(nb)]


def reviewed_slugs(folder: Path) -> list[str]:
    """Which exercises an assignment reviews: the slugs its grade cells grade, in order, once
    each. `folder` is source/<assignment> (the answer for everything that asks)."""
    return list(dict.fromkeys(c.slug for c in assignment_reviews(folder)))


def opened_slugs(notebook: Path) -> list[str]:
    """The exercises whose public bundle a notebook opens (`Review.open("<slug>.diff")` in a
    code cell), in order: the bundles `course build` must write beside it."""
    import nbformat

    found: list[str] = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        for slug in _OPEN.findall(cell.source) if cell.cell_type == "code" else ():
            if slug not in found:
                found.append(slug)
    return found


def refuse_sidecars_in_source(folder: Path, error: type[Exception]) -> None:
    """A findings sidecar in source/ would be copied over every student's review at grading
    time (nbgrader copies every file of source/ over each submission): refuse to go on."""
    stray = sorted(p.name for p in folder.glob("*.findings.json"))
    if stray:
        raise error(
            f"{folder} holds {', '.join(stray)}: nbgrader copies every file of source/ over each "
            "submission, so these would replace the students' reviews. Delete them (they came "
            "from running the source notebook) and run again."
        )


def other_graded_cells(source: Path) -> list[str]:
    """Grade ids of the autograded code cells in source/<assignment> that are not one
    grade_review call: cells only a kernel can grade."""
    import nbformat

    found = []
    for path in sorted(Path(source).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if is_autograded_code(cell) and len(grade_review_calls(cell.source)) != 1:
                found.append(f"{path.stem}/{cell.metadata['nbgrader'].get('grade_id')}")
    return found
