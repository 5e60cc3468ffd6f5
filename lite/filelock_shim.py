"""filelock for the JupyterLite site: an in-process lock with filelock's FileLock interface.

In the browser the kernel's files live in JupyterLite's storage, reached through a drive that
has no flock: filelock's UnixFileLock polls it until its timeout (30 s a change, measured).
A kernel there is one process with no threads of its own, and two tabs never share a lock
anyway, so an in-process reentrant lock per path is all there is to hold. `make lite` ships
this as the `filelock` wheel of the site (lite/build.py); nothing else uses it.
"""

from __future__ import annotations

import os
import threading

__all__ = ["FileLock", "Timeout"]
__version__ = "0.0.0+jupyterlite"

_LOCKS: dict[str, threading.RLock] = {}


class Timeout(TimeoutError):
    """filelock's exception, for code that catches it."""


class FileLock:
    def __init__(self, lock_file: str | os.PathLike, timeout: float = -1, **_: object) -> None:
        self.lock_file = os.fspath(lock_file)
        self.timeout = timeout
        self._lock = _LOCKS.setdefault(os.path.abspath(self.lock_file), threading.RLock())
        self._depth = 0

    @property
    def is_locked(self) -> bool:
        return self._depth > 0

    def acquire(self, timeout: float | None = None, **_: object) -> FileLock:
        wait = self.timeout if timeout is None else timeout
        if not self._lock.acquire(timeout=wait if wait is not None and wait >= 0 else -1):
            raise Timeout(self.lock_file)
        self._depth += 1
        return self

    def release(self, force: bool = False) -> None:
        while self._depth:
            self._depth -= 1
            self._lock.release()
            if not force:
                break

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
