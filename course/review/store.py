"""The findings store: a student's review written beside the notebook, atomically and under a
lock, never lost (the format and its reader are in sidecar.py)."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from filelock import FileLock

from ..vocab import VERDICTS
from .finding import Finding
from .sidecar import (
    MAX_COMMENT,
    MAX_FINDINGS,
    MAX_SIDECAR_BYTES,
    SCHEMA,
    Sidecar,
    SidecarCorrupt,
    SidecarMismatch,
    decode_sidecar,
    finding_problem,
    now,
    read_sidecar,
    sidecar_path,
)

LOCK_TIMEOUT = 30.0  # seconds; a change waits this long for another kernel's write to finish

# The sidecar names are re-exported: code written before sidecar.py existed imports them here.
__all__ = [
    "LOCK_TIMEOUT",
    "MAX_COMMENT",
    "MAX_FINDINGS",
    "MAX_SIDECAR_BYTES",
    "SCHEMA",
    "FindingStore",
    "Sidecar",
    "SidecarCorrupt",
    "SidecarMismatch",
    "atomic_write_text",
    "decode_sidecar",
    "read_sidecar",
    "sidecar_path",
]


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write through a temporary file, fsync, then rename: a crash leaves the old file whole."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows it
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _check_writable(side: Sidecar) -> None:
    """Raise ValueError when `side` exceeds a cap that read_sidecar enforces."""
    if len(side.findings) > MAX_FINDINGS:
        raise ValueError(
            f"a review holds at most {MAX_FINDINGS:,} findings (more is not a review: flag the lines that matter)"
        )
    for f in side.findings:
        problem = finding_problem(f)
        if problem:
            raise ValueError(f"finding {f.id!r}: {problem}")


class FindingStore:
    """Read-modify-write access to one sidecar.

    Every change re-reads the file under a lock, applies itself and writes atomically, so two
    viewers, two browser tabs or two kernels on the same review never undo each other's work.
    A corrupt sidecar makes the store read-only until the student moves the file aside.

    A store made with `persist=False` (a notebook re-executed by nbgrader's validate or
    autograde) reads the file but keeps every change in memory: nothing that re-runs a
    learner's notebook may write the learner's findings.
    """

    def __init__(self, path: str | os.PathLike, exercise: str, diff_sha256: str | None = None, *, persist: bool = True):
        self.path = Path(path)
        self.exercise = exercise
        self.diff_sha256 = diff_sha256
        self.persist = persist
        self._state = Sidecar(exercise, diff_sha256, None, ())
        self._stamp: tuple[int, int] | None = None
        self.error: SidecarCorrupt | None = None
        self.refresh()

    # reading -------------------------------------------------------------------------------

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.lstat(self.path)  # a link's own stamp: links are never followed
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _read(self) -> Sidecar:
        side = read_sidecar(self.path)
        if side is None:
            return Sidecar(self.exercise, self.diff_sha256, None, ())
        if side.exercise != self.exercise:
            raise SidecarCorrupt(self.path, f"belongs to exercise {side.exercise!r}, not {self.exercise!r}")
        return side

    def refresh(self) -> bool:
        """Re-read the file if it changed on disk; return True when the state changed."""
        stamp = self._file_stamp()
        if stamp == self._stamp and self.error is None and stamp is not None:
            return False
        before = (self._state, self.error is None)
        try:
            self._state = self._read()
            self.error = None
        except SidecarCorrupt as exc:
            self.error = exc
        self._stamp = stamp
        return before != (self._state, self.error is None)

    @property
    def findings(self) -> list[Finding]:
        return list(self._state.findings)

    @property
    def verdict(self) -> str | None:
        return self._state.verdict

    @property
    def stale(self) -> bool:
        """True when the review was made against another version of the diff."""
        return (
            self.diff_sha256 is not None
            and self._state.diff_sha256 is not None
            and self._state.diff_sha256 != self.diff_sha256
        )

    def get(self, finding_id: str) -> Finding:
        for f in self._state.findings:
            if f.id == finding_id:
                return f
        raise KeyError(f"no finding with id {finding_id!r} in {self.path}")

    # writing -------------------------------------------------------------------------------

    def locked(self) -> FileLock:
        """The sidecar's lock: files kept beside it (practice progress) change under it too."""
        return self._locked()

    def _locked(self) -> FileLock:
        # filelock: flock on POSIX, msvcrt on Windows. The lock file holds nothing and is never
        # submitted (both nbgrader configs ignore `.*.findings.json.lock`).
        return FileLock(self.path.with_name(f".{self.path.name}.lock"), timeout=LOCK_TIMEOUT)

    def _mutate(self, change, *, force: bool = False) -> Sidecar:
        if not (self.persist or force):
            return self._mutate_in_memory(change)
        with self._locked():
            try:
                current = self._read()
            except SidecarCorrupt as exc:
                self.error = exc
                raise
            new = change(current)
            if new is current:  # nothing to change (an idempotent add): the file stays as it is
                self._state, self.error, self._stamp = current, None, self._file_stamp()
                return current
            new = replace(new, diff_sha256=self.diff_sha256 or new.diff_sha256)
            _check_writable(new)  # never write what read_sidecar would refuse
            atomic_write_text(self.path, json.dumps(new.to_json(), indent=2, ensure_ascii=False) + "\n")
            self._state = new
            self.error = None
            self._stamp = self._file_stamp()
            return new

    def _mutate_in_memory(self, change) -> Sidecar:
        if self.error is not None:
            raise self.error
        new = change(self._state)
        _check_writable(new)
        self._state = new
        return new

    def add(
        self,
        path: str,
        start: int,
        category: str,
        comment: str = "",
        *,
        end: int | None = None,
        side: str = "new",
        severity: str = "major",
        finding_id: str | None = None,
    ) -> Finding:
        """Add a finding. With `finding_id` the add is idempotent: when a finding with that id
        is already there, it is returned as it is and the file is not touched."""
        stamp = now()
        finding = Finding.from_dict(
            {
                "id": finding_id or uuid.uuid4().hex[:10],
                "path": path,
                "side": side,
                "start": start,
                "end": start if end is None else end,
                "category": category,
                "severity": severity,
                "comment": comment,
                "created": stamp,
                "updated": stamp,
            }
        )
        return self.restore(finding)

    def update(self, finding_id: str, **changes: Any) -> Finding:
        allowed = {"path", "side", "start", "end", "category", "severity", "comment"}
        unknown = set(changes) - allowed
        if unknown:
            raise TypeError(f"cannot change {', '.join(sorted(unknown))} of a finding")
        result: list[Finding] = []

        def change(s: Sidecar) -> Sidecar:
            out = []
            for f in s.findings:
                if f.id == finding_id:
                    data = {**f.to_dict(), **changes, "updated": now()}
                    f = Finding.from_dict(data)
                    result.append(f)
                out.append(f)
            if not result:
                raise KeyError(f"no finding with id {finding_id!r} in {self.path}")
            return replace(s, findings=tuple(out))

        self._mutate(change)
        return result[0]

    def remove(self, finding_id: str) -> None:
        def change(s: Sidecar) -> Sidecar:
            kept = tuple(f for f in s.findings if f.id != finding_id)
            if len(kept) == len(s.findings):
                raise KeyError(f"no finding with id {finding_id!r} in {self.path}")
            return replace(s, findings=kept)

        self._mutate(change)

    def restore(self, finding: Finding) -> Finding:
        """Add a finding exactly as given (a new one, or an undone delete); one with its id
        already here is kept as it is, returned, and the file is not touched."""
        kept: list[Finding] = []

        def change(s: Sidecar) -> Sidecar:
            kept.extend(f for f in s.findings if f.id == finding.id)
            return s if kept else replace(s, findings=(*s.findings, finding))

        self._mutate(change)
        return kept[0] if kept else finding

    def set_verdict(self, verdict: str | None) -> None:
        if verdict is not None and verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)} or None, not {verdict!r}")
        self._mutate(lambda s: replace(s, verdict=verdict))

    def replace_all(self, findings: list[Finding], verdict: str | None, *, force: bool = False) -> None:
        """Replace everything; `force` writes even when the store does not persist (the
        instructor's solution, written while nbgrader validates a source notebook)."""
        self._mutate(lambda s: replace(s, findings=tuple(findings), verdict=verdict), force=force)

    def quarantine(self) -> Path | None:
        """Move a corrupt sidecar aside (never delete it) and start an empty review."""
        with self._locked():
            try:
                self._read()
                return None
            except SidecarCorrupt:
                pass
            stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S")
            target = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}.json")
            n = 1
            while target.exists():
                n += 1
                target = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}-{n}.json")
            os.replace(self.path, target)
        self.error = None
        self._state = Sidecar(self.exercise, self.diff_sha256, None, ())
        self._stamp = None
        return target
