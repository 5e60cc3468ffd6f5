"""How the grading sandbox measures an output and marks one it cut (SandboxedExecute.output)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MARKER", "TRUNCATED", "output_size"]

MARKER = "\n[… output cut by the grading sandbox: {what} …]\n"  # SandboxedExecute, as outputs arrive
TRUNCATED = "\n... output truncated by the grader: {dropped:,} more characters were printed ...\n"  # LimitOutputSize


def output_size(out: Any) -> int:
    """Characters of one nbformat output: a stream's text, an error's traceback, a display's data."""
    if out.get("output_type") == "stream":
        return len(out.get("text", ""))
    if out.get("output_type") == "error":
        return sum(len(line) for line in out.get("traceback", [])) + len(str(out.get("evalue", "")))
    data = out.get("data", {})
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())
