"""Which of the grader's limits a student's notebook ran into, read from its autograded copy.

The worker runs nbgrader in another process, so what the sandbox and the output caps did comes
back in the notebook itself: the markers they leave in outputs, and the errors nbclient records.
Each limit hit is that student's alone; the summary names it so nobody has to open a log.
"""

from __future__ import annotations

import json
from pathlib import Path

from .outputcap import MARKER, TRUNCATED

__all__ = ["limits_hit"]

_CUT = (MARKER.split("{", 1)[0].strip(), TRUNCATED.split("{", 1)[0].strip())


def _text(out: dict) -> str:
    text = out.get("text", "")
    return "".join(text) if isinstance(text, list) else str(text)


def limits_hit(notebook: Path) -> list[tuple[str, str]]:
    """(tag, sentence) for each limit `notebook`'s run hit: output cut, memory, a dead kernel."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cut: list[int] = []
    found: dict[str, str] = {}
    for n, cell in enumerate(nb.get("cells", []) if isinstance(nb, dict) else [], 1):
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        for out in outputs if isinstance(outputs, list) else []:
            if not isinstance(out, dict):
                continue
            if out.get("output_type") == "stream" and any(m in _text(out) for m in _CUT):
                cut.append(n)
            ename = out.get("ename") if out.get("output_type") == "error" else None
            if ename == "MemoryError":
                found["out of memory"] = f"{notebook.name}: cell {n} ran out of memory (MemoryError) and was stopped"
            elif ename == "DeadKernelError":
                found["kernel died"] = f"{notebook.name}: the kernel died at cell {n} (a limit of the sandbox, or exit)"
    if cut:
        cells = ", ".join(map(str, sorted(set(cut))[:5]))
        found["output cut"] = f"{notebook.name}: output of cell(s) {cells} was too long and was cut (the grader's cap)"
    return list(found.items())
