"""What no student code may change while a class is graded: the bank, the course package, every
nbgrader configuration file, and each student's submitted/ folder. Snapshotted before, checked
after the last student process is gone."""

from __future__ import annotations

from pathlib import Path

from .context import GradingRun
from .nbconfig import config_files
from .snapshot import changes, snapshot

__all__ = ["changed_course_files", "guard"]


def _source_snapshot(folder: Path) -> dict[str, str]:
    """A snapshot of source files: Python's own bytecode caches, which any import may write, left out."""
    return {
        rel: h
        for rel, h in snapshot(folder).items()
        if "__pycache__" not in rel.split("/") and not rel.endswith(".pyc")
    }


def _file_hash(path: Path) -> dict[str, str]:
    """A snapshot of one file: its sha256, or that it is absent."""
    import hashlib

    try:
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()} if path.is_file() else {}
    except OSError as exc:
        return {path.name: f"unreadable: {exc}"}


def guard(run: GradingRun) -> None:
    """Snapshot the bank, the package and the configuration before any student is touched."""
    import course

    package = Path(course.__file__).parent
    run.guarded = {
        "the exercise bank": (run.bank.root, _source_snapshot(run.bank.root)),
        "the course package": (package, _source_snapshot(package)),
    }
    if run.bank.private_root is not None:
        run.guarded["the private exercise bank"] = (run.bank.private_root, _source_snapshot(run.bank.private_root))
    for path in dict.fromkeys([*config_files(run.root), run.root / "nbgrader_config.py"]):
        run.guarded[f"configuration {path}"] = (path, _file_hash(path))


def changed_course_files(run: GradingRun) -> list[str]:
    """Flag every student whose grade a change could have touched; return what changed."""
    changed = []
    for name, (path, before) in run.guarded.items():
        after = _file_hash(path) if name.startswith("configuration") else _source_snapshot(path)
        if after != before:
            changed.append(name)
    for s in run.students:
        r = run.results[s]
        if s in run.seen and (diff := changes(run.seen[s], snapshot(run.folder("submitted", s)))):
            r.escalate("flagged", "submission changed", f"submitted/ changed while the class was graded: {diff[0]}")
        if changed and r.status in ("graded", "repaired"):
            r.escalate("flagged", "course files changed", f"{', '.join(changed)} changed during grading")
    return changed
