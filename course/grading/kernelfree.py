"""Kernel-free grading: review cells scored from their sidecars, with no student code run.

A review's answer is data (the findings sidecar), so grading it needs no kernel. In place of
nbgrader's Execute preprocessor, `ScoreReviewCells` gives each review grade cell the outputs the
hidden test would have printed and returned: the per-defect feedback on stdout, then the points
as the cell's value (or, for a review that earned nothing, the error the hidden test raises).
nbgrader's own SaveAutoGrades, late penalties, autograded/ notebook and feedback then run as
usual, so formgrader and the gradebook cannot tell the two paths apart (tests/test_grading.py
compares every cell of every fixture student).

Only grade cells that call `grade_review` can be scored this way: nbgrader gives a code grade
cell with no output full marks, so an assignment with any other autograded code cell is refused
(grade it with the executed, sandboxed path).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

from ..keys.bank import Bank
from .cells import grade_review_calls, is_autograded_code, other_graded_cells
from .hidden_test import GradingError, feedback_text, rescore, zero_reason

__all__ = [
    "EXECUTIONS",
    "KERNEL_FREE",
    "NotReviewOnly",
    "ScoreReviewCells",
    "choose_execution",
    "replace_execute",
]

KERNEL_FREE = "course.grading.kernelfree.ScoreReviewCells"


class NotReviewOnly(GradingError):
    """The notebook has an autograded cell that is not a review: it needs the executed path."""


_BANKS: dict[str | None, Bank] = {}


def _bank(root: str | None) -> Bank:
    """One Bank per worker process: its keys and bundles are parsed once, not once a student."""
    if root not in _BANKS:
        _BANKS[root] = Bank(root)
    return _BANKS[root]


def _stream(text: str) -> NotebookNode:
    return new_output("stream", name="stdout", text=text + "\n")


class ScoreReviewCells(NbGraderPreprocessor):
    """Replace execution: each review grade cell gets the hidden test's outputs, computed here."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        bank = _bank(os.environ.get("COURSE_BANK") or None)  # the worker is told the class grader's bank
        for cell in nb.cells:
            if not is_autograded_code(cell):
                continue
            meta = cell.metadata["nbgrader"]
            # The source of a grade cell here is the release's, restored by OverwriteCells: the
            # hidden lines are back, so the slug and points are the instructor's, not the student's.
            calls = grade_review_calls(cell.source)
            if len(calls) != 1:
                raise NotReviewOnly(
                    f"cell {meta.get('grade_id')} is autograded but is not one grade_review call: "
                    "grade this assignment with the executed path (course grade --execute)"
                )
            slug, points = calls[0]
            outcome = rescore(folder, slug, float(points), bank)
            cell.outputs = [_stream(feedback_text(outcome))]
            reason = zero_reason(outcome)
            if reason is not None:
                cell.outputs.append(
                    new_output(
                        "error", ename="ReviewScoredZero", evalue=reason, traceback=[f"ReviewScoredZero: {reason}"]
                    )
                )
            else:
                cell.outputs.append(
                    new_output("execute_result", data={"text/plain": repr(outcome.points)}, execution_count=None)
                )
        return nb, resources


SANDBOXED = "course.grading.sandbox_kernel.SandboxedExecute"


def replace_execute(configured: list[str], mode: str) -> list[str]:
    """The course's autograde preprocessors with nbgrader's Execute replaced.

    Mode "none": by ScoreReviewCells alone, so no kernel starts. Mode "sandbox": by the sandboxed
    Execute, then ScoreReviewCells, so whatever the student's code printed or returned in a review
    cell, the gradebook records the score computed here, outside any process it could reach."""
    steps = [KERNEL_FREE] if mode == "none" else [SANDBOXED, KERNEL_FREE]
    out: list[str] = []
    for p in configured:
        out.extend(steps if p.rsplit(".", 1)[-1] == "Execute" else [p])
    if KERNEL_FREE not in out:
        raise GradingError("the autograde preprocessors have no Execute step to replace: check nbgrader_config.py")
    return out


EXECUTIONS = ("auto", "none", "sandbox", "unsandboxed")


def choose_execution(requested: str, source: Path) -> str:
    """How `course grade` runs notebooks: "none" (kernel-free), "sandbox" or "unsandboxed".

    "auto" is kernel-free when every autograded cell is a review, else the sandbox. Refuses a
    kernel-free run of an assignment with other autograded cells, and a sandboxed run where no
    sandbox can start (saying how to fix it)."""
    if requested not in EXECUTIONS:
        raise GradingError(f"execution must be one of {', '.join(EXECUTIONS)}, not {requested!r}")
    others = other_graded_cells(source)
    mode = ("sandbox" if others else "none") if requested == "auto" else requested
    if mode == "none" and others:
        raise NotReviewOnly(
            f"{source.name} has autograded cells that are not reviews ({', '.join(others[:5])}): only a kernel can "
            "grade them, so it cannot be graded with --no-execute; grade it in the sandbox (the default)"
        )
    if mode == "sandbox":
        from .sandbox import sandbox_available

        ok, reason = sandbox_available()
        if not ok:
            hint = " or grade without running any student code (--no-execute)" if not others else ""
            raise GradingError(
                f"cannot start the grading sandbox: {reason}. Fix that{hint}; "
                "--unsandboxed runs student code as your user, with your files in reach"
            )
    return mode
