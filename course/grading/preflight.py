"""Preflight: repair what nbgrader cannot survive in a submitted notebook, set aside what cannot be repaired.

Measured with nbgrader 0.9.6: a copy-pasted nbgrader cell makes DeduplicateIds empty the
metadata of one copy and add_missing_cells then fails with KeyError 'grade_id'; a deleted grade
cell whose preceding source cell is not a grade or solution cell fails with a KeyError in
add_missing_grade_cells. Either way the student is not graded. So every nbgrader cell of the
release is made to appear exactly once, in place, with its release type and metadata; unknown or
broken nbgrader metadata is removed. Each repair below is one small step over a `Preflight`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..review.checks import quiet

__all__ = ["Preflight", "preflight_notebook"]


def _nbgrader_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    if not isinstance(meta, dict):
        return None
    gid = meta.get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def _is_nbgrader_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader")
    return isinstance(meta, dict) and any(meta.get(k) for k in ("grade", "solution", "locked", "task"))


def _set_type(cell, cell_type: str) -> None:
    cell["cell_type"] = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _plain(cell) -> None:
    """Make a cell ordinary: nbgrader then neither grades nor restores it."""
    cell["metadata"].pop("nbgrader", None)
    for key in ("editable", "deletable"):
        cell["metadata"].pop(key, None)


@dataclass
class Preflight:
    """The outcome for one notebook: the notebook to grade (None when isolated) and why."""

    notebook: Any  # the nbformat notebook to grade; None when it is set aside
    repairs: list[tuple[str, str]] = field(default_factory=list)  # (tag, reason)
    failure: str | None = None
    changed: bool = False

    def repaired(self, tag: str, reason: str) -> None:
        self.repairs.append((tag, reason))
        self.changed = True


def _read(path: Path) -> Preflight:
    """The notebook parsed, or a Preflight that says why it cannot be."""
    import nbformat

    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Preflight(None, failure=f"{name} cannot be read ({exc.strerror or exc})")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Preflight(None, failure=f"{name} is not UTF-8 text (byte {exc.start})")
    except json.JSONDecodeError as exc:
        return Preflight(
            None, failure=f"{name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        )
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return Preflight(None, failure=f"{name} is JSON but not a notebook (no list of cells)")
    with quiet():
        try:
            nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
        except Exception as exc:  # nbformat raises several unrelated types for bad input
            return Preflight(None, failure=f"{name} is not a readable notebook ({type(exc).__name__}: {exc})")
    return Preflight(nb)


def _strip_unknown(out: Preflight, by_id: dict[str, Any]) -> dict[str, list[int]]:
    """Make cells with unknown or broken nbgrader metadata ordinary; where each known id is."""
    copies: dict[str, list[int]] = {}
    for i, cell in enumerate(out.notebook.cells):
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        gid = _nbgrader_id(cell)
        if gid is None or gid not in by_id:
            what = f"unknown grade id {gid!r}" if gid else "broken nbgrader metadata"
            if gid is not None or _is_nbgrader_cell(cell) or cell.metadata.get("nbgrader"):
                out.repaired("stray nbgrader metadata", f"a cell had {what}; it became an ordinary cell")
            else:
                out.changed = True
            _plain(cell)
            continue
        copies.setdefault(gid, []).append(i)
    return copies


def _keep_one_copy(out: Preflight, by_id: dict[str, Any], copies: dict[str, list[int]]) -> dict[str, int]:
    """One cell per grade id: a solution cell's answered copy, else the first; the rest plain."""
    cells = out.notebook.cells
    seen: dict[str, int] = {}
    for gid, where in copies.items():
        keep = where[0]
        if len(where) > 1:
            answered = [i for i in where if cells[i].source != by_id[gid].source]
            if by_id[gid].metadata["nbgrader"].get("solution") and len(answered) == 1:
                keep = answered[0]
            for i in where:
                if i != keep:
                    _plain(cells[i])
            out.repaired(
                "copy-pasted cell",
                f"cell {gid} appeared {len(where)} times (copy-pasted); kept one, the copies became ordinary cells",
            )
        seen[gid] = keep
    return seen


def _restore_type_and_metadata(out: Preflight, by_id: dict[str, Any], seen: dict[str, int]) -> None:
    ignored = {"checksum", "schema_version"}
    for gid, i in seen.items():
        cell, model = out.notebook.cells[i], by_id[gid]
        if cell.cell_type != model.cell_type:
            out.repaired(
                "cell type changed", f"cell {gid} was changed from {model.cell_type} to {cell.cell_type}; changed back"
            )
            _set_type(cell, model.cell_type)
        wanted = dict(model.metadata["nbgrader"])
        if cell.metadata.get("nbgrader") != wanted:
            mine = {k: v for k, v in cell.metadata["nbgrader"].items() if k not in ignored}
            if mine != {k: v for k, v in wanted.items() if k not in ignored}:
                out.repaired("metadata edited", f"the nbgrader metadata of cell {gid} was edited; restored")
            else:
                out.changed = True
            cell.metadata["nbgrader"] = wanted


def _restore_deleted(out: Preflight, release_cells: list[Any], by_id: dict[str, Any], seen: dict[str, int]) -> None:
    """Put deleted cells back where they were: after the nearest release cell still present."""
    import nbformat

    cells = out.notebook.cells
    order = [_nbgrader_id(c) for c in release_cells]
    for n, gid in enumerate(order):
        if gid is None or gid in seen:
            continue
        position = 0
        for earlier in reversed(order[:n]):
            idx = next((i for i, c in enumerate(cells) if _nbgrader_id(c) == earlier), None)
            if idx is not None:
                position = idx + 1
                break
        restored = nbformat.from_dict(json.loads(json.dumps(by_id[gid])))
        restored["id"] = f"restored-{gid}"[:64]
        cells.insert(position, restored)
        seen[gid] = position
        out.repaired("deleted cell", f"cell {gid} was deleted; put back from the release version")


def preflight_notebook(path: Path, release) -> Preflight:
    """Repair what nbgrader cannot survive; isolate what cannot be repaired (see the module)."""
    import nbformat

    out = _read(path)
    if out.notebook is None:
        return out
    release_cells = [c for c in release.cells if _nbgrader_id(c)]
    by_id: dict[str, Any] = {}
    for cell in release_cells:
        by_id[str(_nbgrader_id(cell))] = cell
    copies = _strip_unknown(out, by_id)
    seen = _keep_one_copy(out, by_id, copies)
    _restore_type_and_metadata(out, by_id, seen)
    _restore_deleted(out, release_cells, by_id, seen)
    if out.changed:
        with quiet():
            try:
                nbformat.validate(out.notebook)
            except Exception as exc:
                return Preflight(None, out.repairs, f"{path.name} is still not a valid notebook after repair ({exc})")
    return out
