"""One teardown of an environment at a time, across processes on this runner."""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockBusy(Exception):
    """Another envctl process holds the teardown lock of this environment."""


@contextmanager
def environment_lock(lock_dir: Path, environment: str) -> Iterator[None]:
    """Hold an exclusive lock on ``environment`` for the duration of the block.

    The lock is an flock on a file named by a hash of the environment (so the name is
    always a plain file name). The kernel releases it if the process dies, so a crash
    never leaves a stale lock behind; the file itself stays, as flock needs.
    """
    lock_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(environment.encode("utf-8")).hexdigest()[:16]
    fd = os.open(lock_dir / f"teardown-{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockBusy(f"another teardown of {environment} is running") from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
