"""Run untrusted student code in a bubblewrap (``bwrap``) sandbox.

`course grade` executes every submitted notebook. Its cells are student code, so they run here:
in fresh Linux namespaces (user, mount, pid, net, ipc, uts, cgroup), with a file system made of
read-only binds of what Python needs plus one writable folder (``workdir``, a private copy of one
submission), a private ``/tmp``, a fresh ``/proc`` that shows only the sandbox's own processes, a
minimal ``/dev``, no network but a loopback of its own, an environment that holds only what the
caller passes, and resource limits.

Two entry points::

    ok, reason = sandbox_available()
    result = Sandbox(Limits(memory_mb=1024)).run(
        ["python", "-c", "print(1)"], workdir=copy_of_submission, timeout=30
    )
    result.returncode, result.stdout, result.truncated, result.timed_out, result.killed_reason

Notebooks run through `sandbox_kernel.SandboxedExecute` (nbgrader's Execute, with only the
kernel started by `Sandbox.build_argv`). docs/sandbox.md explains every flag and what this does
not cover.

Limits, and how each is enforced:

* memory: ``RLIMIT_AS`` per process (so ``max_processes * memory_mb`` bounds the total);
* processes: ``RLIMIT_NPROC`` set inside the sandbox's own user namespace, where it counts only the
  sandbox's processes. The kernel does not apply it to processes whose host uid is root, so when
  the grader runs as root the limit is a pids cgroup instead (v1 or v2, whichever is writable),
  and without one `run` refuses (`SandboxError`) unless ``host_uid`` names a non-root user;
* file size: ``RLIMIT_FSIZE``; CPU seconds: ``RLIMIT_CPU`` (per process); open files:
  ``RLIMIT_NOFILE``; no core dumps;
* wall time: the caller's ``timeout``; then the bwrap process is killed, its pid-1 child dies with
  it (``--die-with-parent``), and the kernel kills every process of a pid namespace whose init
  dies, detached or not;
* output: stdout and stderr are read up to ``Limits.max_output_bytes`` together; past that the
  sandbox is killed and the result says so.

The limits are applied inside the sandbox by util-linux's ``prlimit`` just before the command.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .sandbox_host import (
    INSIDE_GID,
    INSIDE_UID,
    PidsCgroup,
    join_cgroup,
    python_binds,
    system_binds,
    uid_known,
    write_etc,
)

__all__ = [
    "DEFAULT_PATH",
    "Limits",
    "Sandbox",
    "SandboxError",
    "SandboxResult",
    "sandbox_available",
]

#: The sandbox's PATH: the venv's scripts first, then the system's.
DEFAULT_PATH = f"{Path(sys.prefix) / 'bin'}:/usr/local/bin:/usr/bin:/bin"
#: Top-level system folders bound read-only (or recreated as the host's symlinks, merged-/usr).
#: The few files of /etc that programs here read; the rest of /etc (shadow, ssh keys, the host's
#: configuration) stays outside. passwd and group are written fresh for the sandbox's user.
_ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf", "/etc/mime.types")
_INSTALL_HINT = "install bubblewrap: `apt-get install bubblewrap` (Debian/Ubuntu), or run `make sandbox` / `make test`"
_USERNS_HINT = (
    "bwrap could not create a user namespace. Enable unprivileged user namespaces: "
    "`sysctl -w kernel.unprivileged_userns_clone=1` (Debian/Ubuntu kernels) and "
    "`sysctl -w user.max_user_namespaces=15000`; on Ubuntu 23.10+ also "
    "`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (or an AppArmor profile for bwrap); "
    "in a container, allow unshare/clone in its seccomp profile. Or run the grader as root."
)


class SandboxError(RuntimeError):
    """The sandbox cannot be set up (bwrap missing, namespaces refused, a limit not enforceable)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run. Defaults suit one notebook of this course."""

    memory_mb: int = 1024  # RLIMIT_AS, per process: address space, so leave room for mappings
    max_processes: int = 64  # processes and threads the sandbox may hold at once
    file_size_mb: int = 16  # RLIMIT_FSIZE: no file written larger than this
    cpu_seconds: int = 120  # RLIMIT_CPU, per process
    open_files: int = 256  # RLIMIT_NOFILE
    max_output_bytes: int = 1_000_000  # stdout + stderr the caller receives; past it: killed
    tmp_mb: int = 64  # size of the private tmpfs at /tmp
    host_uid: int | None = None  # run bwrap as this host uid (None: the caller's); see module doc


@dataclass(frozen=True)
class SandboxResult:
    """What one `Sandbox.run` produced."""

    returncode: int
    stdout: str
    stderr: str
    truncated: bool  # output went past Limits.max_output_bytes and was cut (the run was killed)
    timed_out: bool
    killed_reason: str | None  # why the sandbox stopped the run, in words; None if it ended itself
    duration: float  # seconds of wall time
    argv: tuple[str, ...] = field(default=(), repr=False)  # the full bwrap command, for debugging


def sandbox_available() -> tuple[bool, str]:
    """Whether a sandbox can start here; if not, the reason and how to fix it."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, f"bwrap (bubblewrap) is not installed: {_INSTALL_HINT}"
    if shutil.which("prlimit") is None:
        return False, "prlimit (util-linux) is not installed: `apt-get install util-linux`"
    probe = [bwrap, "--unshare-all", "--unshare-user", "--uid", str(INSIDE_UID), "--die-with-parent"]
    probe += [*system_binds(), "--proc", "/proc", "--dev", "/dev", "--", "/bin/true"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30, env={}, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap could not start: {exc}"
    if done.returncode != 0:
        err = done.stderr.strip()
        if "namespace" in err or "Operation not permitted" in err or "setting up uid map" in err:
            return False, f"{err}\n{_USERNS_HINT}"
        return False, f"bwrap failed ({done.returncode}): {err}"
    return True, f"bubblewrap at {bwrap} starts a sandbox"


class Sandbox:
    """Runs commands under bubblewrap with `Limits`. One instance can run many commands."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def build_argv(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        readonly: Sequence[Path] = (),
        env: Mapping[str, str] | None = None,
        etc_dir: Path,
    ) -> list[str]:
        """The bwrap command line for `argv` (without starting it). See docs/sandbox.md."""
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            raise SandboxError(f"bwrap (bubblewrap) is not installed: {_INSTALL_HINT}")
        prlimit = shutil.which("prlimit") or "/usr/bin/prlimit"
        lim = self.limits
        workdir = Path(workdir).resolve()
        args = [
            bwrap,
            "--unshare-all",  # new user, mount, pid, net (loopback only), ipc, uts, cgroup namespaces
            "--unshare-user",  # explicit, even when bwrap runs as root: the code is never root inside
            "--uid", str(INSIDE_UID), "--gid", str(INSIDE_GID),
            "--disable-userns",  # no nested user namespaces: no way to regain capabilities inside
            "--cap-drop", "ALL",
            "--die-with-parent",  # when bwrap (or the grader) dies, the sandbox's init dies
            "--new-session",  # setsid: no TIOCSTI into the grader's terminal
            "--hostname", "sandbox",
            "--clearenv",
        ]  # fmt: skip
        args += system_binds()
        for etc_file in _ETC_FILES:
            if os.path.exists(etc_file):
                args += ["--ro-bind", etc_file, etc_file]
        for name in ("passwd", "group", "hosts"):
            args += ["--ro-bind", str(etc_dir / name), f"/etc/{name}"]
        # The private /tmp comes before every bind: a venv, a checkout or a workdir under /tmp (a
        # CI clone, a temporary folder) is then bound on top of it instead of hidden beneath it.
        args += [
            "--proc", "/proc",  # a procfs of the new pid namespace: the host's processes are absent
            "--dev", "/dev",  # null, zero, full, random, urandom, tty, shm: no host devices
            "--size", str(lim.tmp_mb * 1024 * 1024), "--tmpfs", "/tmp",
        ]  # fmt: skip
        for path in python_binds():
            args += ["--ro-bind", str(path), str(path)]
        for path in readonly:
            real = Path(path).resolve()
            args += ["--ro-bind", str(real), str(real)]
        args += [
            "--bind", str(workdir), str(workdir),  # the one writable place
            "--chdir", str(workdir),
        ]  # fmt: skip
        full_env = {
            "PATH": DEFAULT_PATH,
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
            "USER": "student",
            "LOGNAME": "student",
            "TMPDIR": "/tmp",
            "IPYTHONDIR": "/tmp/.ipython",  # startup files come from nowhere writable that outlives the run
            "JUPYTER_RUNTIME_DIR": "/tmp/.jupyter-runtime",
            "JUPYTER_CONFIG_DIR": "/tmp/.jupyter",
            "MPLCONFIGDIR": "/tmp/.matplotlib",
            "MPLBACKEND": "agg",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        full_env.update(env or {})
        for key, value in full_env.items():
            args += ["--setenv", key, value]
        mb = 1024 * 1024
        args += [
            "--",
            prlimit,
            f"--as={lim.memory_mb * mb}",
            f"--nproc={lim.max_processes}",
            f"--fsize={lim.file_size_mb * mb}",
            f"--cpu={lim.cpu_seconds}:{lim.cpu_seconds + 1}",  # SIGXCPU first, SIGKILL a second later
            f"--nofile={lim.open_files}",
            "--core=0",
            "--",
            *argv,
        ]
        return args

    def run(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        readonly: Sequence[Path] = (),
        env: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        stdin: bytes | None = None,
    ) -> SandboxResult:
        """Run `argv` in the sandbox with `workdir` its only writable folder, and wait for it.

        `env` is added to a minimal environment (PATH, HOME=workdir, LANG); nothing of the
        caller's environment passes. `readonly` paths are bound read-only at the same place.
        Returns when the command and every process it started are gone.
        """
        workdir = Path(workdir).resolve()
        if not workdir.is_dir():
            raise SandboxError(f"workdir {workdir} is not a folder")
        lim = self.limits
        host_uid = os.geteuid() if lim.host_uid is None else lim.host_uid
        cgroup: PidsCgroup | None = None
        if host_uid == 0:
            # RLIMIT_NPROC is not enforced for host root (see module doc): a pids cgroup is.
            cgroup = PidsCgroup.create(lim.max_processes + 2)  # + bwrap and its init
            if cgroup is None:
                raise SandboxError(
                    "the grader runs as root and no pids cgroup is writable, so the process limit "
                    "cannot hold: run the grader as a non-root user, or set Limits(host_uid=...) "
                    "to an unprivileged uid that can read the venv and the course package"
                )
        user_kwargs: dict[str, object] = {}
        if host_uid != os.geteuid():
            if os.geteuid() != 0:
                raise SandboxError("only root can run the sandbox as another host uid")
            gid = pwd.getpwuid(host_uid).pw_gid if uid_known(host_uid) else host_uid
            user_kwargs = {"user": host_uid, "group": gid, "extra_groups": []}
            for folder, dirs, files in os.walk(workdir):
                for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                    os.chown(name, host_uid, gid, follow_symlinks=False)
        try:
            with tempfile.TemporaryDirectory(prefix="course-sandbox-etc-") as etc:
                etc_dir = Path(etc)
                write_etc(etc_dir, workdir)
                os.chmod(etc_dir, 0o755)
                full = self.build_argv(argv, workdir=workdir, readonly=readonly, env=env, etc_dir=etc_dir)
                return self._supervise(full, timeout=timeout, stdin=stdin, cgroup=cgroup, **user_kwargs)
        finally:
            if cgroup is not None:
                cgroup.remove()

    def _supervise(
        self,
        full: list[str],
        *,
        timeout: float,
        stdin: bytes | None,
        cgroup: PidsCgroup | None,
        **user_kwargs: object,
    ) -> SandboxResult:
        cap = self.limits.max_output_bytes
        procs_file = cgroup.procs_file() if cgroup else None
        start = time.monotonic()
        proc = subprocess.Popen(  # the argv is ours; the student code runs inside it
            full,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={"PATH": "/usr/bin:/bin"},  # bwrap's own environ is what /proc/1/environ shows inside
            preexec_fn=lambda: join_cgroup(procs_file),
            close_fds=True,
            start_new_session=True,
            **user_kwargs,  # type: ignore[call-overload]
        )
        if stdin is not None:
            assert proc.stdin is not None
            try:
                proc.stdin.write(stdin)
                proc.stdin.close()
            except BrokenPipeError:
                pass
        bufs = {"stdout": bytearray(), "stderr": bytearray()}
        sel = selectors.DefaultSelector()
        assert proc.stdout is not None and proc.stderr is not None
        sel.register(proc.stdout, selectors.EVENT_READ, "stdout")
        sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
        deadline = start + timeout
        timed_out = truncated = False
        killed_reason: str | None = None
        total = 0
        while sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                killed_reason = f"stopped at the wall-time limit of {timeout:g} s"
                break
            for key, _ in sel.select(timeout=min(remaining, 0.5)):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                room = cap - total
                bufs[key.data] += chunk[: max(room, 0)]
                total += len(chunk)
                if total > cap:
                    truncated = True
            if truncated:
                killed_reason = f"stopped: it printed more than {cap:,} bytes"
                break
        if killed_reason is not None:
            _kill(proc, cgroup)
        try:
            returncode = proc.wait(timeout=max(deadline - time.monotonic(), 0) + 5)
        except subprocess.TimeoutExpired:
            timed_out = True
            killed_reason = killed_reason or f"stopped at the wall-time limit of {timeout:g} s"
            _kill(proc, cgroup)
            returncode = proc.wait()
        sel.close()
        proc.stdout.close()
        proc.stderr.close()
        if cgroup is not None:
            cgroup.remove()  # belt and braces: nothing of the sandbox outlives run()
        stdout = bufs["stdout"].decode("utf-8", "replace")
        stderr = bufs["stderr"].decode("utf-8", "replace")
        if killed_reason is None:
            killed_reason = _reason_from_exit(returncode, stderr, self.limits)
        return SandboxResult(
            returncode=returncode,
            stdout=stdout,
            stderr=stderr,
            truncated=truncated,
            timed_out=timed_out,
            killed_reason=killed_reason,
            duration=time.monotonic() - start,
            argv=tuple(full),
        )


def _kill(proc: subprocess.Popen[bytes], cgroup: PidsCgroup | None) -> None:
    """SIGKILL bwrap's session: its pid-1 child dies (--die-with-parent), and with it the pid ns."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    if cgroup is not None:
        cgroup.kill_all()


def _reason_from_exit(returncode: int, stderr: str, limits: Limits) -> str | None:
    """Name the limit a command ran into, from how it ended; None when nothing points at one."""
    sig = returncode - 128 if returncode > 128 else -returncode if returncode < 0 else 0
    if sig == signal.SIGXCPU:
        return f"stopped at the CPU-time limit of {limits.cpu_seconds} s"
    if sig == signal.SIGXFSZ or "File too large" in stderr:
        return f"stopped at the file-size limit of {limits.file_size_mb} MB"
    if returncode == 0:
        return None
    if "MemoryError" in stderr or "Cannot allocate memory" in stderr or "std::bad_alloc" in stderr:
        return f"stopped at the memory limit of {limits.memory_mb} MB"
    if "Resource temporarily unavailable" in stderr or "can't start new thread" in stderr:
        return f"stopped at the limit of {limits.max_processes} processes"
    if sig == signal.SIGKILL:
        return "killed"
    return None
