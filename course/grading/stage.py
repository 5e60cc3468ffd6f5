"""Step 1 of `course grade`: one submission taken in as hostile files, preflighted, staged, its reviews frozen.

submitted/ itself is never changed: the submission is copied (intake.py), its notebooks
repaired where nbgrader could not survive them, and the findings files it will be graded on
copied to frozen/, all before any worker sees it.
"""

from __future__ import annotations

import copy
import os
import shutil
from typing import Any

from .context import GradingRun
from .hidden_test import Rescore, rescore
from .intake import copy_submission
from .preflight import preflight_notebook
from .snapshot import snapshot

__all__ = ["stage_student"]


def stage_student(run: GradingRun, student: str) -> list[Rescore | None]:
    """Stage `student`'s submission for autograde (every submission can be: an unreadable
    notebook is replaced by the blank release one), and return the preflight's re-score of each
    review cell (as `run.cells`) where the frozen sidecar is a byte copy of the one it scored
    (or both are absent), else None there.
    """
    import nbformat

    r = run.results[student]
    # The submission is hostile input: copied without following links, under hard caps,
    # regular files only (intake.py). Everything after reads the staged copy alone.
    source = run.folder("submitted", student)
    folder = run.staging / student / run.assignment
    run.seen[student] = snapshot(source)
    intake = copy_submission(source, folder, student=student)
    for problem in intake.problems:
        r.note("file refused", problem)
    fixed: dict[str, Any] = {}
    for name, rel_nb in run.releases.items():
        path = folder / f"{name}.ipynb"
        if not path.exists():
            r.note("notebook missing", f"{name}.ipynb was not submitted (or was refused): nbgrader scores it 0")
            continue
        check = preflight_notebook(path, rel_nb)
        if check.failure:
            # Its reviews are data beside it: graded from the findings files all the same, in
            # the blank release notebook, so the student is in formgrader for what is left.
            r.escalate(
                "repaired",
                "unreadable notebook",
                f"{check.failure}: graded in the blank release notebook instead, its reviews from the "
                f"findings files; enter its other answers by hand in formgrader (the unreadable file is "
                f"{os.path.relpath(source / path.name, run.root)})",
            )
            fixed[name] = copy.deepcopy(rel_nb)
            continue
        for tag, reason in check.repairs:
            r.escalate("repaired", tag, reason)
        if check.changed and check.notebook is not None:
            fixed[name] = check.notebook
    outcomes = []
    for rc in run.cells:
        outcome = rescore(folder, rc.slug, rc.points, run.bank)
        outcomes.append(outcome)
        if outcome.problem:
            tag = "no review" if "no review" in outcome.problem else "review unreadable"
            r.note(tag, f"{rc.slug}: {outcome.problem}")
    for name, nb in fixed.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    # What the review is graded on, frozen now: the re-score after autograde reads this copy.
    frozen = run.grading / "frozen" / student
    frozen.mkdir(parents=True, exist_ok=True)
    same: list[Rescore | None] = []
    for rc, outcome in zip(run.cells, outcomes):
        side = folder / f"{rc.slug}.findings.json"
        if side.is_file() and not side.is_symlink():
            shutil.copyfile(side, frozen / side.name)
            same.append(outcome)  # the frozen copy has the bytes just scored: the same score
        else:
            same.append(None if os.path.lexists(side) else outcome)  # absent from both: the same
    return same
