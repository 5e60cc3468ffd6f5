"""A practice review's progress (the review as last submitted, the hints shown, the defects
revealed, the proofs run), kept beside the findings so that a kernel restart or a re-run cell
loses none of it.

The file is `.<slug>.practice.json` beside `<slug>.findings.json`. It is changed like the
sidecar: a read-modify-write under the sidecar's lock, written atomically, so two viewers or two
kernels add their hints up rather than undo each other's. It is read as hostile input (the
sidecar reader's rules); one that cannot be read is moved aside, never deleted, and practice
starts again from the findings, which are not in it. It holds no key text: defects are named by
id and the score is computed again from the key on this machine.

The submitted review keeps, beside its findings and verdict, `helped`: the ids of the defects
whose hints or explanation had been shown before it was submitted (course.practice's submit
says which count). A file written before it existed, or a value that is not a list of ids, reads
as no help.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..review.finding import Finding
from ..review.sidecar import read_json_file
from ..review.store import FindingStore, SidecarCorrupt, atomic_write_text
from ..vocab import VERDICTS

__all__ = ["PROGRESS_SCHEMA", "Progress", "progress_path"]

PROGRESS_SCHEMA = 1
MAX_PROOF_OUTPUT = 2000


def progress_path(sidecar: str | os.PathLike) -> Path:
    sidecar = Path(sidecar)
    return sidecar.with_name(f".{sidecar.name.removesuffix('.findings.json')}.practice.json")


def _empty(exercise: str) -> dict[str, Any]:
    return {
        "schema": PROGRESS_SCHEMA,
        "exercise": exercise,
        "submitted": None,
        "hints": {},
        "revealed": [],
        "proofs": {},
    }


def _ids(value: Any) -> list[str]:
    """A list of defect ids, sorted; anything else (missing, not a list) is no ids."""
    if not isinstance(value, list):
        return []
    return sorted({v for v in value if isinstance(v, str) and v})


def _clean(data: Any, exercise: str) -> dict[str, Any]:
    """Keep only what is well formed; anything else is dropped, never trusted."""
    out = _empty(exercise)
    if not isinstance(data, dict) or data.get("schema") != PROGRESS_SCHEMA or data.get("exercise") != exercise:
        return out
    sub = data.get("submitted")
    if isinstance(sub, dict) and isinstance(sub.get("findings"), list):
        try:
            findings = [Finding.from_dict(f).to_dict() for f in sub["findings"]]
        except (ValueError, TypeError):
            findings = None
        verdict = sub.get("verdict")
        if findings is not None and (verdict is None or verdict in VERDICTS):
            out["submitted"] = {"findings": findings, "verdict": verdict, "helped": _ids(sub.get("helped"))}
    hints = data.get("hints")
    if isinstance(hints, dict):
        out["hints"] = {k: v for k, v in hints.items() if isinstance(v, int) and not isinstance(v, bool) and v > 0}
    revealed = data.get("revealed")
    if isinstance(revealed, list):
        out["revealed"] = sorted({r for r in revealed if isinstance(r, str)})
    proofs = data.get("proofs")
    if isinstance(proofs, dict):
        for k, v in proofs.items():
            if isinstance(v, dict) and all(isinstance(v.get(f), str) for f in ("after", "fixed", "output")):
                out["proofs"][k] = {f: v[f][:MAX_PROOF_OUTPUT] for f in ("after", "fixed", "output")}
    return out


class Progress:
    """Read and change one practice review's progress file (see the module docstring)."""

    def __init__(self, store: FindingStore):
        self.store = store
        self.path = progress_path(store.path)
        self.exercise = store.exercise
        self.moved_aside: Path | None = None
        self.data = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            return _clean(read_json_file(self.path), self.exercise)
        except SidecarCorrupt:
            if self.store.persist:
                self._move_aside()
            return _empty(self.exercise)

    def _move_aside(self) -> None:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, target)
            self.moved_aside = target
        except OSError:
            pass

    def reload(self) -> dict[str, Any]:
        """Read the file again (another kernel may have changed it); in memory when not persisting."""
        if self.store.persist:
            self.data = self._read()
        return self.data

    def update(self, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Apply `change` to the progress on disk, under the sidecar's lock, and write it back.

        In a notebook nbgrader re-runs (the store does not persist), the change stays in memory.
        """
        if not self.store.persist:
            change(self.data)
            return self.data
        with self.store.locked():
            data = self._read()
            change(data)
            atomic_write_text(self.path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        self.data = data
        return data
