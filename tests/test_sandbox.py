"""The grading sandbox: one test per thing a hostile notebook cell might try, each achieving nothing.

These tests FAIL (never skip) without bubblewrap: `make test` installs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

import course
from course.grading import sandbox as sandbox_module
from course.grading.sandbox import Limits, Sandbox, SandboxResult, sandbox_available

COURSE_ROOT = Path(course.__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _bwrap_required() -> None:
    ok, why = sandbox_available()
    if not ok:
        pytest.fail(f"The grading sandbox cannot start: {why}\nRun `make test`, which installs bubblewrap.")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    w = tmp_path / "work"
    w.mkdir()
    return w


def py(code: str, workdir: Path, *, limits: Limits | None = None, timeout: float = 30, **kw: object) -> SandboxResult:
    """Run Python `code` in a sandbox with `workdir`."""
    return Sandbox(limits or Limits()).run(
        [sys.executable, "-c", textwrap.dedent(code)],
        workdir=workdir,
        timeout=timeout,
        **kw,  # type: ignore[arg-type]
    )


def survivors(marker: str) -> list[psutil.Process]:
    """Host processes whose command line holds `marker`, other than this test's own."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if marker in cmd and proc.pid != os.getpid():
            found.append(proc)
    return found


# --- reading and writing -------------------------------------------------------------------------


def test_cannot_read_course_files_outside_the_sandbox(tmp_path: Path, workdir: Path) -> None:
    key = tmp_path / "course" / "exercises" / "01" / "key.toml"
    key.parent.mkdir(parents=True)
    key.write_text('answer = "secret-key-1234"\n')
    result = py(
        f"""
        import os
        for path in [{str(key)!r}, {str(COURSE_ROOT / "exercises")!r}, {str(COURSE_ROOT / "nbgrader_config.py")!r},
                     {str(COURSE_ROOT / "gradebook.db")!r}, "/etc/shadow", "/var/log"]:
            try:
                print(path, "READ", open(path).read() if os.path.isfile(path) else os.listdir(path))
            except OSError as exc:
                print(path, "DENIED", type(exc).__name__)
        """,
        workdir,
    )
    assert result.returncode == 0, result.stderr
    assert "secret-key-1234" not in result.stdout
    assert "READ" not in result.stdout, result.stdout
    assert result.stdout.count("DENIED") == 6


def test_cannot_write_outside_workdir(tmp_path: Path, workdir: Path) -> None:
    course_dir = tmp_path / "course"
    (course_dir / "exercises").mkdir(parents=True)
    key = course_dir / "exercises" / "key.toml"
    key.write_text("original\n")
    alice = tmp_path / "submitted" / "alice" / "review.ipynb"
    alice.parent.mkdir(parents=True)
    alice.write_text("alice's work\n")
    host_startup = Path.home() / ".ipython" / "profile_default" / "startup" / f"evil-{uuid.uuid4().hex}.py"
    host_tmp = Path("/tmp") / f"sandbox-escape-{uuid.uuid4().hex}"
    package_file = COURSE_ROOT / "course" / f"evil-{uuid.uuid4().hex}.py"
    targets = [key, course_dir / "nbgrader_config.py", alice, host_startup, host_tmp, package_file]
    result = py(
        f"""
        import os
        for path in {[str(t) for t in targets]!r}:
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as fh:
                    fh.write("pwned")
                print(path, "WROTE (inside)")
            except OSError as exc:
                print(path, "DENIED", type(exc).__name__)
        open("mine.txt", "w").write("ok")
        """,
        workdir,
    )
    assert result.returncode == 0, result.stderr
    assert key.read_text() == "original\n"
    assert not (course_dir / "nbgrader_config.py").exists()
    assert alice.read_text() == "alice's work\n"
    assert not host_startup.exists()
    assert not host_tmp.exists()  # /tmp inside is the sandbox's own tmpfs
    assert not package_file.exists()
    assert f"{package_file} DENIED" in result.stdout  # the course package is bound read-only
    assert (workdir / "mine.txt").read_text() == "ok"  # the one writable place


def test_course_package_importable_but_checkout_absent(workdir: Path) -> None:
    result = py(
        f"""
        import os, course.review, course.grading
        print(course.review.__file__)
        print(os.path.exists({str(COURSE_ROOT / "exercises")!r}), os.path.exists({str(COURSE_ROOT / "tests")!r}))
        print(os.getuid(), os.geteuid())
        """,
        workdir,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == str(COURSE_ROOT / "course" / "review" / "__init__.py")
    assert lines[1] == "False False"
    assert "0" not in lines[2].split()  # never root inside, even for a root grader


# --- environment and processes -------------------------------------------------------------------


def test_no_secret_in_environment_or_proc(monkeypatch: pytest.MonkeyPatch, workdir: Path) -> None:
    secret = f"hunter2-{uuid.uuid4().hex}"
    monkeypatch.setenv("PGPASSWORD", secret)
    monkeypatch.setenv("COURSE_DB_URL", f"postgresql://grader:{secret}@db/course")
    marker = str(900000 + os.getpid() % 90000)
    host = subprocess.Popen(["sleep", marker], env={**os.environ, "HOST_ONLY": secret})
    try:
        result = py(
            """
            import os
            print(dict(os.environ))
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    for name in ("environ", "cmdline"):
                        try:
                            print(pid, name, open(f"/proc/{pid}/{name}", "rb").read())
                        except OSError as exc:
                            print(pid, name, "unreadable", exc)
            """,
            workdir,
        )
    finally:
        host.kill()
        host.wait()
    assert result.returncode == 0, result.stderr
    assert "PGPASSWORD" not in result.stdout and "COURSE_DB_URL" not in result.stdout
    assert secret not in result.stdout
    assert marker not in result.stdout  # the host's processes are not in the sandbox's /proc
    assert f" {host.pid} " not in result.stdout or host.pid < 10


def test_detached_process_is_dead_after_run(workdir: Path) -> None:
    marker = str(800000 + os.getpid() % 90000)
    result = py(
        f"""
        import os, subprocess
        subprocess.run("setsid nohup sleep {marker} >/dev/null 2>&1 &", shell=True)
        if os.fork() == 0:  # a classic double fork
            os.setsid()
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "{int(marker) + 1}"])
            os._exit(0)
        print("spawned")
        """,
        workdir,
    )
    assert result.stdout.strip() == "spawned", result.stderr
    time.sleep(0.2)
    assert survivors(marker) == [] and survivors(str(int(marker) + 1)) == []


def test_processes_are_dead_after_a_timeout(workdir: Path) -> None:
    marker = str(700000 + os.getpid() % 90000)
    result = py(
        f"""
        import subprocess
        subprocess.Popen("setsid nohup sleep {marker} >/dev/null 2>&1 &", shell=True)
        while True:
            pass
        """,
        workdir,
        timeout=3,
    )
    assert result.timed_out
    assert survivors(marker) == []


# --- network -------------------------------------------------------------------------------------


def test_no_network_to_host_loopback_but_own_loopback_works(workdir: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        result = py(
            f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3)
                print("host: CONNECTED")
            except OSError as exc:
                print("host: failed", type(exc).__name__)
            try:
                socket.create_connection(("1.1.1.1", 80), timeout=3)
                print("internet: CONNECTED")
            except OSError as exc:
                print("internet: failed", type(exc).__name__)
            own = socket.socket(); own.bind(("127.0.0.1", 0)); own.listen()
            c = socket.create_connection(own.getsockname(), timeout=3)
            s, _ = own.accept(); c.sendall(b"ping"); print("own loopback:", s.recv(4).decode())
            """,
            workdir,
        )
    finally:
        stop.set()
        thread.join()
        server.close()
    assert result.returncode == 0, result.stderr
    assert "host: failed" in result.stdout
    assert "internet: failed" in result.stdout
    assert "own loopback: ping" in result.stdout
    assert accepted == []


# --- resource limits -----------------------------------------------------------------------------


def test_memory_bomb_is_stopped_with_a_reason(workdir: Path) -> None:
    result = py(
        """
        hog = []
        while True:
            hog.append(bytearray(64 * 1024 * 1024))
        """,
        workdir,
        limits=Limits(memory_mb=512),
    )
    assert result.returncode != 0
    assert "MemoryError" in result.stderr
    assert result.killed_reason is not None and "memory limit of 512 MB" in result.killed_reason


def test_fork_bomb_is_stopped(workdir: Path) -> None:
    marker = str(600000 + os.getpid() % 90000)
    result = py(
        f"""
        import os, time
        children = 0
        try:
            while True:
                pid = os.fork()
                if pid == 0:
                    os.execvp("sleep", ["sleep", "{marker}"])
                children += 1
        except OSError as exc:
            print("children", children, type(exc).__name__, flush=True)
            raise
        """,
        workdir,
        limits=Limits(max_processes=20),
        timeout=20,
    )
    assert not result.timed_out, result
    assert result.stdout.startswith("children "), result.stderr
    assert int(result.stdout.split()[1]) < 20
    assert result.killed_reason is not None and "limit of 20 processes" in result.killed_reason
    time.sleep(0.2)
    assert survivors(marker) == []


def test_sixty_megabytes_of_output_are_capped(workdir: Path) -> None:
    result = py(
        """
        import sys
        chunk = "x" * 1024 * 1024
        for _ in range(60):
            sys.stdout.write(chunk)
        """,
        workdir,
        limits=Limits(max_output_bytes=100_000),
    )
    assert result.truncated
    assert len(result.stdout) + len(result.stderr) <= 100_000
    assert result.killed_reason is not None and "printed more than" in result.killed_reason


def test_infinite_loop_hits_wall_time(workdir: Path) -> None:
    start = time.monotonic()
    result = py("while True: pass", workdir, timeout=2)
    assert result.timed_out
    assert result.killed_reason == "stopped at the wall-time limit of 2 s"
    assert time.monotonic() - start < 10


def test_file_size_is_capped(workdir: Path) -> None:
    result = py(
        """
        with open("big.bin", "wb") as fh:
            for _ in range(8):
                fh.write(b"0" * 1024 * 1024)
        """,
        workdir,
        limits=Limits(file_size_mb=2),
    )
    assert result.returncode != 0
    assert (workdir / "big.bin").stat().st_size <= 2 * 1024 * 1024
    assert result.killed_reason is not None and "file-size limit" in result.killed_reason


def test_cpu_time_is_capped(workdir: Path) -> None:
    result = py("while True: pass", workdir, limits=Limits(cpu_seconds=1), timeout=20)
    assert not result.timed_out
    assert result.killed_reason == "stopped at the CPU-time limit of 1 s"


def test_stdin_is_passed(workdir: Path) -> None:
    result = py("import sys; print(sys.stdin.read().upper())", workdir, stdin=b"hello")
    assert result.stdout.strip() == "HELLO"


def test_sandbox_available_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox_module.shutil, "which", lambda name: None)
    ok, why = sandbox_available()
    assert not ok and "apt-get install bubblewrap" in why
