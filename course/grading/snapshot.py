"""Snapshots of folders (path -> sha256) read by intake's hostile-tree rules, to see afterwards
what a grading run's student processes changed."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from .intake import MB, Limits, _Entry, _kind, _open_regular, _oserror, _require_posix, _Walk, show

__all__ = ["SNAPSHOT_LIMITS", "TRUNCATED", "changes", "snapshot"]

TRUNCATED = ""  # the key under which a snapshot notes that it stopped at a cap (no file has this name)


# A bank or a course folder is larger than one submission: a few hundred files today.
SNAPSHOT_LIMITS = Limits(files=20_000, entries=50_000, depth=16, total_bytes=2_000 * MB)


def snapshot(folder: Path, *, limits: Limits = SNAPSHOT_LIMITS) -> dict[str, str]:
    """Map each file of `folder` (relative "/" path) to its sha256, by the same hostile-tree rules.

    Anything that is not a regular file maps to what it is ("symlink:<sha256 of its target>",
    "fifo", "device", "socket"), a file over `limits.file_bytes` to "large:<size>:<mtime_ns>",
    an unreadable one to "unreadable:<reason>", and a tree that hit a cap has a "" key saying so.
    Two snapshots are equal when nothing was added, removed or changed. Never raises for the tree;
    a missing folder snapshots as {"": "missing"}.
    """
    _require_posix()
    folder = Path(folder)
    out: dict[str, str] = {}
    notes: list[str] = []

    def refuse(rel: str, reason: str) -> None:
        if rel:
            out[show(rel)] = f"refused:{reason}"
        else:
            notes.append(reason)

    try:
        top = os.lstat(folder)
    except OSError as exc:
        return {TRUNCATED: f"missing ({_oserror(exc)})"}
    if not stat.S_ISDIR(top.st_mode):
        return {TRUNCATED: f"not a folder: {_kind(top.st_mode)}"}
    files = hashed = 0
    walk = _Walk(folder, limits, refuse, ())
    for entry in walk:
        mode = entry.st.st_mode
        if stat.S_ISDIR(mode):
            continue
        files += 1
        if files > limits.files:
            notes.append(f"more than {limits.files:,} files; the rest not hashed")
            break
        if stat.S_ISLNK(mode):
            try:
                target = os.readlink(entry.name, dir_fd=entry.dir_fd)
            except OSError as exc:
                out[entry.rel] = f"symlink:unreadable ({_oserror(exc)})"
            else:
                out[entry.rel] = "symlink:" + hashlib.sha256(os.fsencode(target)).hexdigest()
        elif not stat.S_ISREG(mode):
            out[entry.rel] = {"a named pipe (FIFO)": "fifo", "a device": "device", "a socket": "socket"}.get(
                _kind(mode), "other"
            )
        elif entry.st.st_size > limits.file_bytes or hashed + entry.st.st_size > limits.total_bytes:
            out[entry.rel] = f"large:{entry.st.st_size}:{entry.st.st_mtime_ns}"  # not read: a cap, not a hash
        else:
            out[entry.rel] = _hash(entry, limits.file_bytes)
            hashed += entry.st.st_size
    if walk.stopped:
        notes.append(walk.stopped)
    if notes:
        out[TRUNCATED] = "; ".join(notes)
    return out


def _hash(entry: _Entry, cap: int) -> str:
    fd = _open_regular(entry)
    if isinstance(fd, str):
        return f"unreadable:{fd}"
    try:
        digest = hashlib.sha256()
        size = 0
        while True:
            chunk = os.read(fd, min(MB, cap + 1 - size))
            if not chunk:
                return digest.hexdigest()
            size += len(chunk)
            if size > cap:
                return f"large:{size}+"
            digest.update(chunk)
    except OSError as exc:
        return f"unreadable:{_oserror(exc)}"
    finally:
        os.close(fd)


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What differs between two snapshots, one line per path: "added x", "removed y", "changed z"."""
    out = []
    for rel in sorted(before.keys() | after.keys()):
        shown = show(rel) or "(the walk itself)"
        if rel not in after:
            out.append(f"removed {shown}")
        elif rel not in before:
            out.append(f"added {shown}")
        elif before[rel] != after[rel]:
            out.append(f"changed {shown}")
    return out
