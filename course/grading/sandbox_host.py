"""What a sandbox is made of on the host: the folders bound into it, the made-up /etc, and the
pids cgroup that holds its processes when the grader is root (docs/sandbox.md)."""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "INSIDE_GID",
    "INSIDE_UID",
    "PidsCgroup",
    "join_cgroup",
    "python_binds",
    "system_binds",
    "uid_known",
    "write_etc",
]

#: The uid and gid the sandboxed code has inside (never root).
INSIDE_UID = 1000
INSIDE_GID = 1000
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def system_binds() -> list[str]:
    args: list[str] = []
    for top in _SYSTEM_DIRS:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    return args


def python_binds() -> list[Path]:
    """The interpreter, the venv and the (editable) course package, nothing else of the checkout."""
    import course  # this package: editable installs point the venv's finder at its folder

    paths = [Path(sys.base_prefix), Path(sys.prefix), Path(course.__file__).resolve().parent]
    real = Path(os.path.realpath(sys.executable)).parent.parent
    paths.append(real)
    out: list[Path] = []
    for p in paths:
        if str(p).startswith("/usr/") or p == Path("/usr") or p in out:
            continue
        out.append(p)
    return out


class PidsCgroup:
    """A pids cgroup holding one sandbox: the process limit when the host uid is root."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, max_pids: int) -> PidsCgroup | None:
        name = f"course-sandbox-{uuid.uuid4().hex[:12]}"
        for root in _pids_cgroup_roots():
            path = root / name
            try:
                path.mkdir()
            except OSError:
                continue
            try:
                (path / "pids.max").write_text(f"{max_pids}\n")
                return cls(path)
            except OSError:
                with contextlib.suppress(OSError):
                    path.rmdir()
        return None

    def procs_file(self) -> str:
        return str(self.path / "cgroup.procs")

    def pids(self) -> list[int]:
        try:
            return [int(x) for x in (self.path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def kill_all(self) -> None:
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def remove(self, wait: float = 5.0) -> None:
        deadline = time.monotonic() + wait
        while self.pids() and time.monotonic() < deadline:
            self.kill_all()
            time.sleep(0.02)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def _pids_cgroup_roots() -> Iterator[Path]:
    v1 = Path("/sys/fs/cgroup/pids")
    if (v1 / "cgroup.procs").exists():
        yield v1
    for v2 in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        controllers = v2 / "cgroup.controllers"
        if controllers.exists() and "pids" in controllers.read_text().split():
            yield v2


def join_cgroup(procs_file: str | None) -> None:  # runs in the child between fork and exec
    if procs_file is not None:
        with open(procs_file, "w") as fh:
            fh.write(str(os.getpid()))


def uid_known(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def write_etc(etc_dir: Path, workdir: Path) -> None:
    (etc_dir / "passwd").write_text(
        f"root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n"
        f"student:x:{INSIDE_UID}:{INSIDE_GID}:student:{workdir}:/bin/sh\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    )
    (etc_dir / "group").write_text(f"root:x:0:\nstudent:x:{INSIDE_GID}:\nnogroup:x:65534:\n")
    (etc_dir / "hosts").write_text("127.0.0.1 localhost sandbox\n::1 localhost ip6-localhost\n")
    for name in ("passwd", "group", "hosts"):
        os.chmod(etc_dir / name, 0o644)
