"""Only the kernel in the sandbox: nbgrader's Execute with its kernel started under bubblewrap.

Running nbclient inside bwrap too would cost every notebook a second Python importing nbclient
(~1.9 s, measured before that path was removed). Here the client stays in the grader's own
process (it has imported everything already) and only the kernel, the one process that runs
student code, is sandboxed::

    grader process (trusted)                       bwrap sandbox (no network, pid namespace)
    nbgrader Autograde -> SandboxedExecute         prlimit -> python -m ipykernel_launcher
      nbclient, SandboxedKernelManager  <-- ZMQ ipc:// unix sockets in a private folder -->

The two talk over ZMQ's ``ipc`` transport: unix sockets in a private runtime folder bound
read-write into the sandbox at the same path. The sandbox keeps ``--unshare-net`` and nothing
listens on a TCP port.

* `SandboxedKernelManager` (a jupyter_client ``AsyncKernelManager``) launches
  ``bwrap <sandbox.Sandbox.build_argv args> -- prlimit ... -- python -m ipykernel_launcher -f
  <connection file>``. Its kernel spec says ``interrupt_mode = "message"``: an interrupt is an
  ``interrupt_request`` on the control channel, and ipykernel (whose control thread answers while a
  cell runs) sends SIGINT to itself inside the sandbox. (A signal to the launched process would
  reach bwrap, not the kernel.) The start's ``cwd`` is the sandbox's one writable folder.
  On shutdown or kill, bwrap's exit ends the pid namespace (every process in it, detached or
  not), and when the grader runs as root the pids cgroup that holds the sandbox is emptied and
  removed as well.
* `SandboxedExecute` (``nbgrader.preprocessors.Execute``) executes the notebook with that kernel,
  whose working folder is a private copy of the notebook's folder (``resources['metadata']
  ['path']``; `intake.copy_submission`: regular files only, no link followed), deleted afterwards. Outputs are capped while
  they arrive. Files named by the ``extra_files`` traitlet and by ``resources["extra_files"]`` are
  written into the copy before the kernel starts.

Configure nbgrader (nbgrader_config.py)::

    c.Autograde.autograde_preprocessors = [
        "course.grading.sandbox_kernel.SandboxedExecute",  # instead of nbgrader.preprocessors.Execute
        ...,
    ]
    c.ExecutePreprocessor.timeout = 60  # per cell, as for Execute
    c.ExecutePreprocessor.interrupt_on_timeout = True
    # optional:
    # from course.grading.sandbox import Limits
    # c.SandboxedExecute.limits = Limits(memory_mb=1024, max_processes=64)
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Bool, Bytes, Dict, Instance, Integer, List, Unicode

from course.grading.intake import copy_submission
from course.grading.outputcap import MARKER, output_size
from course.grading.sandbox import Limits, Sandbox, SandboxError
from course.grading.sandbox_host import PidsCgroup, join_cgroup, write_etc

__all__ = ["PASSTHROUGH_ENV", "SandboxedExecute", "SandboxedKernelManager", "copy_folder"]

#: Variables copied from the grader's environment into the kernel's when set there: nbgrader sets
#: NBGRADER_EXECUTION=autograde (and NBGRADER_VALIDATING) around its preprocessors. Nothing else of
#: the grader's environment (COURSE_DB_URL, PGPASSWORD, COURSE_BANK, ...) reaches the kernel.
PASSTHROUGH_ENV = ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING")
#: bwrap's own environment (the sandbox's pid 1 is a fork of bwrap: /proc/1/environ shows it).
_BWRAP_ENV = {"PATH": "/usr/bin:/bin"}


class SandboxedKernelManager(AsyncKernelManager):
    """A Python kernel started inside the bubblewrap sandbox, reached over ZMQ ipc sockets.

    ``start_kernel(cwd=folder)`` makes `folder` the sandbox's one writable folder and the kernel's
    working directory (without `cwd`, an empty temporary folder, deleted at cleanup). Everything
    of the sandbox is dead when `shutdown_kernel` (or a kill) returns and its files are gone after
    `cleanup_resources`.
    """

    limits = Instance(Limits, kw={}, help="Memory, processes, file size, CPU limits.").tag(config=True)
    kernel_env = Dict(value_trait=Unicode(), help="Variables added to the kernel's minimal environment.").tag(
        config=True
    )
    readonly = List(Unicode(), help="Host paths bound read-only at the same place.").tag(config=True)
    workdir = Unicode(
        "", help="The sandbox's writable folder and the kernel's cwd; wins over start_kernel(cwd=...)."
    ).tag(config=True)
    python = Unicode(sys.executable, help="The Python (with ipykernel) that runs the kernel.").tag(config=True)
    show_kernel_output = Bool(
        False, help="Let the kernel process write to the grader's stdout/stderr (debugging); else discarded."
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_name", "python3")  # nbclient then adds --HistoryManager.hist_file=:memory:
        super().__init__(**kwargs)
        self.transport = "ipc"
        self._runtime: Path | None = None  # etc/ (passwd, group, hosts) and ipc/ (sockets, connection file)
        self._workdir: Path | None = None
        self._own_workdir: Path | None = None
        self._cgroup: PidsCgroup | None = None
        self._popen_user: dict[str, Any] = {}

    @property
    def kernel_spec(self) -> KernelSpec:
        return KernelSpec(
            argv=[self.python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            name=self.kernel_name,
            display_name="Python 3 (grading sandbox)",
            language="python",
            interrupt_mode="message",  # a signal would reach bwrap; a message reaches the kernel
            env={},
            metadata={},
        )

    # --- start -----------------------------------------------------------------------------------

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        try:
            self._prepare(self.workdir or kw.get("cwd"))
            return await super()._async_pre_start_kernel(**kw)
        except BaseException:
            self._teardown()
            raise

    def _prepare(self, cwd: str | os.PathLike[str] | None) -> None:
        if self._runtime is not None:  # a restart: same folders, same cgroup
            return
        lim = self.limits
        host_uid = os.geteuid() if lim.host_uid is None else lim.host_uid
        if cwd is None:
            self._own_workdir = Path(tempfile.mkdtemp(prefix="course-kernel-work-"))
            self._workdir = self._own_workdir
        else:
            self._workdir = Path(cwd).resolve()
            if not self._workdir.is_dir():
                raise SandboxError(f"workdir {self._workdir} is not a folder")
        self._runtime = Path(tempfile.mkdtemp(prefix="course-kernel-"))
        (self._runtime / "etc").mkdir()
        (self._runtime / "ipc").mkdir(mode=0o700)
        write_etc(self._runtime / "etc", self._workdir)
        os.chmod(self._runtime / "etc", 0o755)
        if host_uid == 0:
            # RLIMIT_NPROC does not hold for host root (sandbox.py's module doc): a pids cgroup does,
            # and killing what it holds is the last word at cleanup.
            self._cgroup = PidsCgroup.create(lim.max_processes + 2)
            if self._cgroup is None:
                raise SandboxError(
                    "the grader runs as root and no pids cgroup is writable, so the process limit "
                    "cannot hold: run the grader as a non-root user, or set Limits(host_uid=...)"
                )
        if host_uid != os.geteuid():
            if os.geteuid() != 0:
                raise SandboxError("only root can run the sandbox as another host uid")
            try:
                gid = pwd.getpwuid(host_uid).pw_gid
            except KeyError:
                gid = host_uid
            self._popen_user = {"user": host_uid, "group": gid, "extra_groups": []}
            os.chmod(self._runtime, 0o711)
            for top in (self._workdir, self._runtime / "ipc"):
                for folder, dirs, files in os.walk(top):
                    for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                        os.chown(name, host_uid, gid, follow_symlinks=False)
        ipc = self._runtime / "ipc"
        self.connection_file = str(ipc / "kernel.json")
        self.ip = str(ipc / "kernel")  # sockets: <ip>-<n>, e.g. .../ipc/kernel-1

    def kernel_environment(self) -> dict[str, str]:
        """What the kernel's environment holds besides the sandbox's minimal one."""
        env = {k: os.environ[k] for k in PASSTHROUGH_ENV if k in os.environ}
        # the kernel's parent is the sandbox's init (pid 1): no parent poller, no "Ctrl-C" banner
        env["JPY_PARENT_PID"] = "1"
        env.update(self.kernel_env)
        return env

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel's command, wrapped in bwrap and prlimit (see `Sandbox.build_argv`)."""
        inner = super().format_kernel_cmd(extra_arguments)
        if self._runtime is None or self._workdir is None:
            raise SandboxError("the sandbox's folders are not prepared: start the kernel with start_kernel()")
        argv = Sandbox(self.limits).build_argv(
            inner,
            workdir=self._workdir,
            readonly=[Path(p) for p in self.readonly],
            env=self.kernel_environment(),
            etc_dir=self._runtime / "etc",
        )
        ipc = str(self._runtime / "ipc")
        cut = argv.index("--")  # bwrap's options end here; mounts apply in order, after /tmp's tmpfs
        return [*argv[:cut], "--bind", ipc, ipc, *argv[cut:]]

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        assert self._workdir is not None
        kw["env"] = dict(_BWRAP_ENV)  # nothing of the grader's environment, even in bwrap's
        kw["cwd"] = str(self._workdir)
        kw.update(self._popen_user)
        if not self.show_kernel_output:  # what student code writes to fd 1/2 reaches no log
            kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        if self._cgroup is not None:
            kw["preexec_fn"] = partial(join_cgroup, self._cgroup.procs_file())
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        except BaseException:
            self._teardown()
            raise

    # --- stop ------------------------------------------------------------------------------------

    async def _async_finish_shutdown(
        self, waittime: float | None = None, pollinterval: float = 0.1, restart: bool = False
    ) -> None:
        # bwrap exits a moment after the kernel: poll for it every 20 ms, not every 100 ms
        await super()._async_finish_shutdown(waittime, min(pollinterval, 0.02), restart)

    async def _async_kill_kernel(self, restart: bool = False) -> None:
        await super()._async_kill_kernel(restart=restart)
        if self._cgroup is not None:
            self._cgroup.kill_all()

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._teardown()

    def _teardown(self) -> None:
        """Kill whatever the sandbox still holds and delete its folders."""
        if self._cgroup is not None:
            self._cgroup.remove()  # kills every process left in it, then removes it
            self._cgroup = None
        for folder in (self._runtime, self._own_workdir):
            if folder is not None:
                rmtree(folder)
        self._runtime = self._own_workdir = self._workdir = None


class SandboxedExecute(Execute):
    """nbgrader's Execute with the kernel in the sandbox and a private copy as its folder.

    Use it in ``c.Autograde.autograde_preprocessors`` in place of ``nbgrader.preprocessors.Execute``.
    Per-cell timeout, interrupt_on_timeout, allow_errors and the error recorded for a timed-out cell
    are Execute's (``c.ExecutePreprocessor.timeout`` etc. apply).

    Extra files: the ``extra_files`` traitlet (for every notebook) and ``resources["extra_files"]``
    (for one notebook, wins on the same name), each ``{relative path: bytes}``, are written into
    the private copy before the kernel starts, over any file of that name the student submitted.

    After a run ``resources["sandbox"]`` is ``{"output_cut": bool, "refused": [str, ...]}``: whether
    outputs were cut, and what of the folder was not copied (links, FIFOs, ...; intake's words).
    """

    limits = Instance(Limits, kw={}, help="Memory, processes, file size, CPU limits.").tag(config=True)
    kernel_env = Dict(value_trait=Unicode(), help="Variables added to the kernel's minimal environment.").tag(
        config=True
    )
    readonly = List(Unicode(), help="Host paths bound read-only into the sandbox.").tag(config=True)
    extra_files = Dict(value_trait=Bytes(), help="Files {relative path: bytes} written into the private copy.").tag(
        config=True
    )
    output_per_stream = Integer(
        100_000, help="Characters one output, or one cell's stream, keeps; the rest is cut."
    ).tag(config=True)
    output_per_notebook = Integer(
        1_000_000, help="Characters of output the notebook keeps; later outputs are dropped."
    ).tag(config=True)

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._sandbox_workdir: Path | None = None
        self._reset_caps()

    def _reset_caps(self) -> None:
        self._cap_total = 0
        self._cap_used: dict[tuple[int, str], int] = {}
        self._cap_cut = False

    def preprocess(
        self, nb: NotebookNode, resources: Any = None, km: Any = None
    ) -> tuple[NotebookNode, dict[str, Any]]:
        if km is not None and not isinstance(km, SandboxedKernelManager):
            raise SandboxError("SandboxedExecute runs kernels only through a SandboxedKernelManager")
        resources = resources if resources is not None else {}
        source = (resources.get("metadata") or {}).get("path") or None
        files = {**self.extra_files, **(resources.get("extra_files") or {})}
        with tempfile.TemporaryDirectory(prefix="course-sandbox-nb-") as tmp:
            name = Path(source).name if source else "work"
            work = Path(tmp) / (name or "work")
            refused: list[str] = []
            if source:
                refused = copy_folder(Path(source), work)
            else:  # never the grader's own working folder
                work.mkdir()
            write_extra_files(work, files)
            self._sandbox_workdir = work
            self._reset_caps()
            try:
                nb, out_resources = super().preprocess(nb, resources, km)
            finally:
                self._sandbox_workdir = None
                _make_removable(Path(tmp))
        out_resources["sandbox"] = {"output_cut": self._cap_cut, "refused": refused}
        return nb, out_resources

    def create_kernel_manager(self) -> SandboxedKernelManager:
        self.km = SandboxedKernelManager(
            config=self.config,
            limits=self.limits,
            kernel_env=dict(self.kernel_env),
            readonly=list(self.readonly),
            workdir=str(self._sandbox_workdir or ""),
        )
        return self.km

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        if self._sandbox_workdir is None:
            raise SandboxError("SandboxedExecute starts kernels only from preprocess()")
        kwargs["cwd"] = str(self._sandbox_workdir)  # never resources' path: that is the real folder
        await super().async_start_new_kernel(**kwargs)

    # nbclient's sync wrapper is bound to NotebookClient's coroutine: rebind it to the one above
    start_new_kernel = run_sync(async_start_new_kernel)

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        """nbclient's output, cut at `output_per_stream` / `output_per_notebook` characters."""
        out = super().output(outs, msg, display_id, cell_index)
        if out is None or not outs or outs[-1] is not out:
            return out
        kind = out.get("output_type")
        key = (cell_index, f"stream:{out.get('name')}" if kind == "stream" else f"{kind}:{len(outs)}")
        used = self._cap_used.get(key, 0)
        size = output_size(out)
        budget = min(self.output_per_stream - used, self.output_per_notebook - self._cap_total)
        if size <= budget:
            self._cap_used[key] = used + size
            self._cap_total += size
            return out
        self._cap_cut = True
        already = used >= self.output_per_stream or self._cap_total >= self.output_per_notebook
        if already and display_id is None:
            outs.pop()  # cut before, and the marker says so: drop the rest
            return None
        if kind == "stream" and budget > 0:
            out.text = out.text[:budget] + MARKER.format(what=f"more than {budget:,} characters")
            kept = budget
        else:
            what = f"an output of {size:,} characters" if kind != "stream" else "more output"
            out = new_output("stream", name="stderr", text=MARKER.format(what=what))
            outs[-1] = out  # in place: display ids index into outs
            kept = 0
        self._cap_used[key] = self.output_per_stream  # anything more of it is dropped
        self._cap_total += kept
        return out


# --- files -----------------------------------------------------------------------------------------


def copy_folder(src: Path, dst: Path) -> list[str]:
    """Copy `src` to the new folder `dst` as hostile files (`intake.copy_submission`): regular
    files and folders only, no link followed, under intake's caps. Nothing is ignored, so the
    kernel sees what nbgrader's own Execute would. Returns what was refused, in words."""
    return copy_submission(src, dst, ignore=()).problems


def write_extra_files(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` ({relative path: bytes}) under `folder`, over what is there."""
    for name, data in files.items():
        rel = PurePosixPath(name)
        if rel.is_absolute() or not rel.parts or ".." in rel.parts:
            raise SandboxError(f"extra file name {name!r} must be a relative path inside the folder")
        path = folder.joinpath(*rel.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.is_dir():
            raise SandboxError(f"extra file {name!r}: a folder or link of that name is in the way")
        path.write_bytes(bytes(data))


def _make_removable(folder: Path) -> None:
    """Let TemporaryDirectory delete what the kernel left (e.g. folders it made read-only)."""
    for root, dirs, _files in os.walk(folder):
        for d in dirs:
            p = os.path.join(root, d)
            with contextlib.suppress(OSError):
                if not os.path.islink(p):
                    os.chmod(p, 0o700)


def rmtree(folder: Path) -> None:
    """Delete `folder` even if a sandboxed process made parts of it read-only."""
    _make_removable(folder)
    shutil.rmtree(folder, ignore_errors=True)
