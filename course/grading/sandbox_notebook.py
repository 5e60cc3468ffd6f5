"""Executing a whole notebook in the sandbox: nbclient and the kernel both inside bwrap
(`python course/grading/sandbox_exec.py IN OUT`), outputs capped as they arrive."""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from .sandbox import Limits, Sandbox, SandboxError, SandboxResult

__all__ = ["ExecResult", "execute_notebook"]


@dataclass(frozen=True)
class ExecResult:
    """An executed notebook and how its execution went."""

    notebook: Path | None  # the executed notebook in workdir; None if nothing came back
    outcome: str  # "ok" | "timed out" | "memory" | "output cap" | "died"
    reason: str  # for the student: what happened, or "" when outcome is "ok"
    run: SandboxResult  # the sandbox run that executed it


_EXEC_SCRIPT = Path(__file__).with_name("sandbox_exec.py")
_STARTUP_SECONDS = 60.0  # kernel start and notebook write, on top of the cells' own time


def execute_notebook(
    notebook: Path,
    workdir: Path,
    *,
    timeout_per_cell: float = 30.0,
    limits: Limits | None = None,
    output_per_stream: int = 100_000,
    output_per_notebook: int = 1_000_000,
    timeout_total: float | None = None,
) -> ExecResult:
    """Execute `notebook` (which must be inside `workdir`) with nbclient inside the sandbox.

    Kernel and client both run in the sandbox. The executed notebook is written next to the input
    as ``<name>.executed.ipynb``; each output's text is cut at `output_per_stream` characters and
    the notebook's outputs at `output_per_notebook`, each cut marked in the output itself.
    """

    import nbformat

    workdir = Path(workdir).resolve()
    notebook = Path(notebook).resolve()
    if not notebook.is_relative_to(workdir):
        raise SandboxError(f"{notebook} is not inside the workdir {workdir}")
    nb = nbformat.read(notebook, as_version=4)
    n_code = sum(1 for c in nb.cells if c.cell_type == "code")
    total = timeout_total or (_STARTUP_SECONDS + n_code * (timeout_per_cell + 5))
    out = notebook.with_name(notebook.stem + ".executed.ipynb")
    if out.exists():
        out.unlink()
    lim = limits or Limits()
    argv = [
        sys.executable, "-I", str(_EXEC_SCRIPT), str(notebook), str(out),
        "--timeout-per-cell", str(timeout_per_cell),
        "--output-per-stream", str(output_per_stream),
        "--output-per-notebook", str(output_per_notebook),
    ]  # fmt: skip
    run = Sandbox(lim).run(argv, workdir=workdir, timeout=total)
    status: dict[str, str] = {}
    for line in reversed(run.stdout.splitlines()):
        if line.startswith("SANDBOX-EXEC "):
            with contextlib.suppress(ValueError):
                status = json.loads(line.removeprefix("SANDBOX-EXEC "))
            break
    produced = out if out.is_file() and out.stat().st_size > 0 else None
    if run.timed_out:
        return ExecResult(
            produced,
            "timed out",
            f"The notebook did not finish within {total:g} seconds and was stopped.",
            run,
        )
    if run.truncated:
        return ExecResult(produced, "output cap", "The notebook printed too much and was stopped.", run)
    if status:
        outcome, reason = status.get("outcome", "died"), status.get("reason", "")
        if produced is None and outcome == "ok":
            outcome, reason = "died", "The executed notebook could not be written."
        return ExecResult(produced, outcome, reason, run)
    reason = run.killed_reason or f"The notebook's execution ended unexpectedly (exit {run.returncode})."
    outcome = "memory" if run.killed_reason and "memory" in run.killed_reason else "died"
    return ExecResult(produced, outcome, reason, run)
