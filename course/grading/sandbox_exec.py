"""Execute one notebook with nbclient; started INSIDE the sandbox by `sandbox.execute_notebook`.

    python -I sandbox_exec.py IN.ipynb OUT.ipynb --timeout-per-cell 30 \
        --output-per-stream 100000 --output-per-notebook 1000000

Runs as nbgrader's Execute preprocessor does (kernel python3, ``allow_errors=True``,
``interrupt_on_timeout=True``) with the kernel beside it in the sandbox. Outputs are cut while
they arrive (so a cell printing 60 MB never fills memory), each cut marked in the notebook. The
last line on stdout is ``SANDBOX-EXEC {"outcome": ..., "reason": ...}`` for the caller.

It imports nothing from `course` (it is started with ``-I``, by path) so it does not depend on
how that package is laid out, and it trusts nothing it reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output

TIMEOUT_ENAME = "CellTimeoutError"
MARKER = "\n[… output cut by the grading sandbox: {what} …]\n"


def _size(out: NotebookNode) -> int:
    if out.get("output_type") == "stream":
        return len(out.get("text", ""))
    if out.get("output_type") == "error":
        return sum(len(line) for line in out.get("traceback", [])) + len(str(out.get("evalue", "")))
    data = out.get("data", {})
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())


class CappedClient(NotebookClient):
    """nbclient with outputs cut at a size per output and per notebook, and timeouts recorded."""

    def __init__(self, nb: NotebookNode, *, per_stream: int, per_notebook: int, **kw: Any) -> None:
        super().__init__(nb, **kw)
        self.per_stream = per_stream
        self.per_notebook = per_notebook
        self.total = 0
        self.cut = False
        self.timed_out_cells: list[int] = []
        self.errors: list[str] = []
        self.on_cell_executed = self._after_cell

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        if self.total >= self.per_notebook:
            self.cut = True
            return None  # dropped: the notebook's budget is spent and a marker already says so
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return None
        kind = out.get("output_type")
        if kind == "error":
            self.errors.append(str(out.get("ename", "")))
        if kind == "stream":
            # nbclient appends each stream message; merge them so the cap sees the stream's length
            prev = outs[-2] if len(outs) >= 2 else None
            if prev is not None and prev.get("output_type") == "stream" and prev.get("name") == out.name:
                outs.pop()
                if prev.get("metadata", {}).get("sandbox_cut"):
                    return None  # this stream was cut already: drop the rest
                others = self.total - len(prev.text)
                prev.text += out.text
                out = prev
            else:
                others = self.total
            budget = min(self.per_stream, self.per_notebook - others)
            if len(out.text) > budget:
                out.text = out.text[:budget] + MARKER.format(what=f"more than {budget:,} characters")
                out.setdefault("metadata", {})["sandbox_cut"] = True
                self.cut = True
            self.total = others + len(out.text)
            return out
        size = _size(out)
        if size > self.per_stream or self.total + size > self.per_notebook:
            outs.remove(out)
            out = new_output("stream", name="stderr", text=MARKER.format(what=f"an output of {size:,} characters"))
            outs.append(out)
            self.cut = True
            size = len(out.text)
        self.total += size
        return out

    def _after_cell(self, cell: NotebookNode, cell_index: int, execute_reply: dict[str, Any]) -> None:
        content = (execute_reply or {}).get("content", {})
        if content.get("ename") == TIMEOUT_ENAME:
            self.timed_out_cells.append(cell_index)
            cell.outputs.append(
                new_output(
                    "error",
                    ename=TIMEOUT_ENAME,
                    evalue=f"this cell ran longer than {self.timeout} seconds and was interrupted",
                    traceback=[f"{TIMEOUT_ENAME}: this cell ran longer than {self.timeout} seconds"],
                )
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--timeout-per-cell", type=float, default=30.0)
    ap.add_argument("--output-per-stream", type=int, default=100_000)
    ap.add_argument("--output-per-notebook", type=int, default=1_000_000)
    args = ap.parse_args(argv)

    nb = nbformat.read(args.src, as_version=4)
    client = CappedClient(
        nb,
        per_stream=args.output_per_stream,
        per_notebook=args.output_per_notebook,
        timeout=int(args.timeout_per_cell),
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "cell timed out", "traceback": []},
        startup_timeout=60,
        resources={"metadata": {"path": str(args.src.parent)}},
    )
    outcome, reason = "ok", ""
    try:
        client.execute()
    except DeadKernelError:
        outcome, reason = "died", "The notebook's kernel died (it may have run out of memory or exited)."
    except Exception as exc:  # any failure is reported to the grader, not raised
        outcome, reason = "died", f"The notebook could not be executed: {type(exc).__name__}: {exc}"[:500]
    if outcome == "ok":
        if "MemoryError" in client.errors:
            outcome, reason = "memory", "A cell ran out of memory (MemoryError) and was stopped."
        elif client.timed_out_cells:
            cells = ", ".join(str(i + 1) for i in client.timed_out_cells)
            outcome = "timed out"
            reason = f"Cell(s) {cells} ran longer than {args.timeout_per_cell:g} seconds and were interrupted."
        elif client.cut:
            outcome, reason = "output cap", "The notebook's output was too long and was cut."
    nbformat.write(nb, args.dst)
    print("SANDBOX-EXEC " + json.dumps({"outcome": outcome, "reason": reason}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
