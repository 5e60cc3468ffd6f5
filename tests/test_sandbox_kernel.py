"""Only the kernel in the sandbox (course/grading/sandbox_kernel.py): nbgrader's Execute, the same
outputs and grades, with the student's code unable to reach anything of the grader's.

These tests FAIL (never skip) without bubblewrap: `make test` installs it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest
from nbconvert.preprocessors import CoalesceStreamsPreprocessor
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.preprocessors import Execute

from course.grading.sandbox import sandbox_available
from course.grading.sandbox_kernel import SandboxedExecute, SandboxedKernelManager

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def require_sandbox() -> None:
    ok, why = sandbox_available()
    if not ok:
        pytest.fail(f"The grading sandbox cannot start: {why}\nRun `make test`, which installs bubblewrap.")


@pytest.fixture(autouse=True)
def _bwrap_required() -> None:
    require_sandbox()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The notebook's real folder (as nbgrader's autograded/<student>/<assignment>/)."""
    f = tmp_path / "alice" / "ps1"
    f.mkdir(parents=True)
    (f / "data.txt").write_text("the student's data\n")
    return f


def notebook(*cells: str) -> nbformat.NotebookNode:
    return new_notebook(cells=[new_code_cell(textwrap.dedent(c)) for c in cells], metadata={"kernelspec": KERNELSPEC})


def run(
    nb: nbformat.NotebookNode,
    folder: Path,
    cls: type[Execute] = SandboxedExecute,
    resources: dict[str, Any] | None = None,
    **kw: Any,
) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
    res = {"metadata": {"path": str(folder)}, **(resources or {})}
    return cls(**kw).preprocess(nbformat.from_dict(nb), res)


def texts(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def survivors(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if marker in " ".join(proc.info["cmdline"] or []) and proc.pid != os.getpid():
            found.append(proc)
    return found


def leftovers(tmp: Path) -> set[str]:
    """This module's temporary folders under `tmp`."""
    return {p.name for p in tmp.glob("course-kernel-*")} | {p.name for p in tmp.glob("course-sandbox-nb-*")}


# --- the same as nbgrader's Execute ----------------------------------------------------------------


def test_outputs_are_those_of_plain_execute(folder: Path) -> None:
    nb = notebook(
        "x = 6 * 7\nprint('x is', x)",
        "x + 1",
        "import sys\nprint('to stderr', file=sys.stderr)",
        "1 / 0",
        "from IPython.display import HTML, display\ndisplay(HTML('<b>bold</b>'))\n'after display'",
        "import course.review\nprint(open('data.txt').read())",
        "undefined_name",
    )
    plain, _ = run(nb, folder, Execute)
    sandboxed, resources = run(nb, folder)
    # A print's text and its newline may reach iopub as one message or two, in either kernel
    # (CI once saw the plain run split one): the same text, so merge runs of one stream first.
    for out in (plain, sandboxed):
        CoalesceStreamsPreprocessor().preprocess(out, {})
    for i, (a, b) in enumerate(zip(plain.cells, sandboxed.cells, strict=True)):
        assert a.outputs == b.outputs, f"cell {i}"
        assert a.execution_count == b.execution_count
    assert [o.ename for o in sandboxed.cells[3].outputs] == ["ZeroDivisionError"]
    assert sandboxed.metadata.language_info.name == "python"
    assert resources["sandbox"] == {"output_cut": False, "refused": []}


def test_an_infinite_loop_is_interrupted_at_the_cell_timeout_and_later_cells_run(folder: Path) -> None:
    nb = notebook("print('before')", "while True:\n    pass", "import time\ntime.sleep(600)", "print('after')")
    start = time.monotonic()
    out, _ = run(nb, folder, timeout=2)
    elapsed = time.monotonic() - start
    assert texts(out.cells[0]) == "before\n"
    for cell in out.cells[1:3]:  # the SIGINT reached the kernel inside the sandbox, and nbgrader recorded the timeout
        assert [o.ename for o in cell.outputs] == ["KeyboardInterrupt", "CellTimeoutError"], cell.outputs
    assert texts(out.cells[3]) == "after\n"
    assert elapsed < 20, elapsed


# --- what the student's code cannot reach -----------------------------------------------------------


def test_the_kernel_cannot_read_a_key_outside_its_folder(tmp_path: Path, folder: Path) -> None:
    key = tmp_path / "course" / "exercises" / "01" / "key.toml"
    key.parent.mkdir(parents=True)
    key.write_text('answer = "secret-key-1234"\n')
    (folder / "key-link.toml").symlink_to(key)  # a submitted symlink is not copied, not followed
    nb = notebook(
        f"""
        import os
        for path in [{str(key)!r}, {str(key.parent)!r}, "key-link.toml", "/etc/shadow"]:
            try:
                print(path, "READ", open(path).read() if not os.path.isdir(path) else os.listdir(path))
            except OSError as exc:
                print(path, "DENIED", type(exc).__name__)
        """
    )
    out, resources = run(nb, folder)
    assert resources["sandbox"]["refused"] == ["ps1/key-link.toml: a symbolic link; not copied"]
    text = texts(out.cells[0])
    assert "secret-key-1234" not in text
    assert "READ" not in text and text.count("DENIED") == 4, text


def test_the_kernel_writes_only_into_a_discarded_copy(folder: Path) -> None:
    before = sorted(p.name for p in folder.iterdir())
    nb = notebook(
        f"""
        import os
        open("written.txt", "w").write("by the student")
        try:
            open({str(folder / "direct.txt")!r}, "w").write("pwned")
            print("DIRECT WROTE")
        except OSError as exc:
            print("DIRECT DENIED", type(exc).__name__)
        open("data.txt", "w").write("changed")
        print(os.getcwd())
        print(sorted(os.listdir(".")))
        """
    )
    out, _ = run(nb, folder)
    cwd, listing = texts(out.cells[0]).splitlines()[1:3]
    assert "DIRECT DENIED" in texts(out.cells[0])
    assert listing == str(sorted(["data.txt", "written.txt"]))  # it wrote: into its copy
    assert Path(cwd) != folder and Path(cwd).name == folder.name
    assert not Path(cwd).exists()  # the copy is deleted
    assert sorted(p.name for p in folder.iterdir()) == before
    assert (folder / "data.txt").read_text() == "the student's data\n"


def test_the_kernel_cannot_reach_a_tcp_server_on_the_hosts_loopback(folder: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    server.settimeout(15)
    accepted: list[object] = []
    thread = threading.Thread(target=lambda: accepted.append(_accept(server)), daemon=True)
    thread.start()
    try:
        nb = notebook(
            f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"hello")
                print("CONNECTED")
            except OSError as exc:
                print("BLOCKED", type(exc).__name__)
            """
        )
        out, _ = run(nb, folder)
    finally:
        server.close()
        thread.join(20)
    assert texts(out.cells[0]).startswith("BLOCKED"), texts(out.cells[0])
    assert accepted == [None]


def _accept(server: socket.socket) -> object:
    try:
        return server.accept()
    except OSError:
        return None


def test_the_kernel_sees_none_of_the_graders_secrets(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DB_URL", "postgresql://grader:hunter2@db/course")
    monkeypatch.setenv("PGPASSWORD", "hunter2")
    monkeypatch.setenv("COURSE_BANK", "/srv/bank")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    nb = notebook(
        """
        import os
        print(sorted(os.environ))
        print(open("/proc/1/environ", "rb").read())
        print(os.environ.get("NBGRADER_EXECUTION"))
        """
    )
    out, _ = run(nb, folder)
    text = texts(out.cells[0])
    for secret in ("COURSE_DB_URL", "PGPASSWORD", "COURSE_BANK", "hunter2", "/srv/bank"):
        assert secret not in text, text
    assert text.splitlines()[-1] == "autograde"  # as nbgrader's autograde sets it


def test_a_double_forked_process_is_dead_when_preprocess_returns(folder: Path) -> None:
    marker = f"sandbox-kernel-survivor-{uuid.uuid4().hex}"
    seen: list[int] = []

    class Probe(SandboxedExecute):
        def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
            result = super().preprocess_cell(cell, resources, index)
            if index == 0:
                time.sleep(0.5)
                seen.extend(p.pid for p in survivors(marker))
            return result

    nb = notebook(
        f"""
        import os, sys
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(1000)", {marker!r}])
            os._exit(0)
        os.wait()
        print("detached")
        """,
        "print('still running')",
    )
    out, _ = run(nb, folder, Probe)
    assert texts(out.cells[0]) == "detached\n"
    assert seen, "the detached process was never running: the test proves nothing"
    deadline = time.monotonic() + 5
    while survivors(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert survivors(marker) == []


@pytest.fixture
def own_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder of the test's own, as tempfile's default: short, as a unix socket's
    path must be (pytest's tmp_path under an xdist worker came within 2 characters of the limit)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cra-km-", dir="/tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_kernel_manager_leaves_nothing_after_shutdown(own_tmp: Path) -> None:
    """Directly, without nbclient: ipc sockets, no TCP; shutdown kills all, cleanup deletes all.
    Its temporary folders go to a folder of its own, and its pids cgroup (when the host is root)
    is the one looked at, so a sandbox another test runs meanwhile is not taken for its."""
    tmp_path = own_tmp
    marker = f"sandbox-kernel-km-{uuid.uuid4().hex}"
    before = leftovers(tmp_path)
    km = SandboxedKernelManager()
    code = (
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(1000)', {marker!r}], "
        "start_new_session=True)\n"
    )

    made: set[str] = set()
    cgroups: list[Path] = []

    async def session() -> tuple[str, list[psutil.Process]]:
        await km.start_kernel()
        made.update(leftovers(tmp_path) - before)
        cgroups.extend([km._cgroup.path] if km._cgroup is not None else [])
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            reply = await kc.execute_interactive(code, timeout=30)
            await asyncio.sleep(0.5)
            return reply["content"]["status"], survivors(marker)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel()

    transport = None
    status, running = asyncio.run(_with_transport(km, session))
    transport = km.transport
    assert status == "ok" and running, "the detached process never ran: the test proves nothing"
    assert transport == "ipc"
    assert survivors(marker) == []
    assert any(name.startswith("course-kernel-") for name in made), f"nothing was made: {made}"
    assert leftovers(tmp_path) & made == set()
    assert [c for c in cgroups if c.exists()] == []
    assert os.geteuid() != 0 or cgroups, "as root the kernel runs in a pids cgroup"


async def _with_transport(km: SandboxedKernelManager, session: Any) -> Any:
    result = await session()
    assert not await km.is_alive()
    return result


# --- extra files and the output cap ---------------------------------------------------------------


def test_extra_files_are_in_the_copy_and_nowhere_else(folder: Path) -> None:
    nb = notebook(
        """
        import json
        print(json.load(open("handoff.json")), open("sub/note.txt").read(), open("data.txt").read())
        """
    )
    out, _ = run(
        nb,
        folder,
        resources={"extra_files": {"handoff.json": b'{"points": 7}', "data.txt": b"from the grader"}},
        extra_files={"sub/note.txt": b"for every notebook", "data.txt": b"overridden by resources"},
    )
    assert texts(out.cells[0]) == "{'points': 7} for every notebook from the grader\n"
    assert sorted(p.name for p in folder.iterdir()) == ["data.txt"]


@pytest.mark.parametrize("name", ["/etc/x", "../x", "a/../../x", ""])
def test_extra_files_stay_inside_the_copy(folder: Path, name: str) -> None:
    with pytest.raises(Exception, match="relative path inside"):
        run(notebook("1"), folder, extra_files={name: b"x"})


def test_outputs_are_cut_while_they_arrive(folder: Path) -> None:
    nb = notebook(
        "for _ in range(50):\n    print('x' * 10_000, flush=True)",
        "print('y' * 30_000)",
        "'z' * 80_000",
        "print('last')",
    )
    out, resources = run(nb, folder, output_per_stream=100_000, output_per_notebook=150_000)
    first = texts(out.cells[0])
    assert len(first) < 101_000 and "output cut by the grading sandbox" in first
    assert len(out.cells[0].outputs) < 15  # the rest of the stream was dropped, not kept
    assert texts(out.cells[1]) == "y" * 30_000 + "\n"  # within both budgets: whole
    assert [o.output_type for o in out.cells[2].outputs] == ["stream"]  # past the notebook's: a marker instead
    assert "an output of 80,002 characters" in texts(out.cells[2])
    assert texts(out.cells[3]) == "last\n"  # what still fits is kept
    assert resources["sandbox"]["output_cut"] is True


# --- a real `nbgrader autograde` ------------------------------------------------------------------

SOLUTION = {"grade": False, "solution": True, "locked": False, "schema_version": 3}
TEST = {"grade": True, "solution": False, "locked": True, "schema_version": 3}
STUDENTS = {
    "right": "def add(a, b):\n    return a + b",
    "wrong": "def add(a, b):\n    return a - b",
    "hostile": (
        "import os\nopen('planted.txt', 'w').write('x')\n"
        "print(os.environ.get('NBGRADER_EXECUTION'), 'COURSE_DB_URL' in os.environ)\n"
        "def add(a, b):\n    return a + b"
    ),
}


def _source_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("Write `add`."),
        new_code_cell(
            "### BEGIN SOLUTION\ndef add(a, b):\n    return a + b\n### END SOLUTION",
            metadata={"nbgrader": {**SOLUTION, "grade_id": "add"}},
        ),
        new_code_cell("assert add(1, 2) == 3", metadata={"nbgrader": {**TEST, "grade_id": "t_sum", "points": 2}}),
        new_code_cell("assert add(0, 0) == 0", metadata={"nbgrader": {**TEST, "grade_id": "t_zero", "points": 1}}),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})


def _nbgrader(course: Path, jupyter: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_", "COURSE_"))}
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (jupyter / name).mkdir(parents=True, exist_ok=True)
        env[f"JUPYTER_{name}_DIR"] = str(jupyter / name)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"  # nbgrader runs alembic
    env["COURSE_DB_URL"] = "postgresql://grader:hunter2@db/course"  # must not reach the kernel
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def autograded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One tiny assignment, three students, autograded by nbgrader with Execute and with SandboxedExecute."""
    require_sandbox()  # module fixtures run before the autouse check
    tmp = tmp_path_factory.mktemp("nbgrader")
    base = tmp / "base"
    (base / "source" / "ps1").mkdir(parents=True)
    nbformat.write(_source_notebook(), base / "source" / "ps1" / "p1.ipynb")
    (base / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.root = __import__('os').getcwd()\n")
    _nbgrader(base, tmp / "jupyter", "generate_assignment", "ps1", "--force")
    released = nbformat.read(base / "release" / "ps1" / "p1.ipynb", as_version=4)
    for student, code in STUDENTS.items():
        nb = nbformat.from_dict(released)
        nb.cells[1].source = code
        (base / "submitted" / student / "ps1").mkdir(parents=True)
        nbformat.write(nb, base / "submitted" / student / "ps1" / "p1.ipynb")
    courses = {}
    for name, execute in (
        ("plain", "nbgrader.preprocessors.Execute"),
        ("sandboxed", "course.grading.sandbox_kernel.SandboxedExecute"),
    ):
        course = tmp / name
        shutil.copytree(base, course)
        with (course / "nbgrader_config.py").open("a") as fh:
            fh.write(
                "c.Autograde.autograde_preprocessors = [\n"
                f"    {execute!r},\n"
                "    'nbgrader.preprocessors.LimitOutput',\n"
                "    'nbgrader.preprocessors.SaveAutoGrades',\n"
                "    'nbgrader.preprocessors.AssignLatePenalties',\n"
                "    'nbgrader.preprocessors.CheckCellMetadata',\n"
                "]\n"
                "c.ExecutePreprocessor.timeout = 30\n"
            )
        _nbgrader(course, tmp / f"jupyter-{name}", "autograde", "ps1", "--force")
        courses[name] = course
    return courses


def _grades(course: Path) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {
            (student, cell): gb.find_grade(cell, "p1", "ps1", student).auto_score
            for student in STUDENTS
            for cell in ("t_sum", "t_zero")
        }


def test_nbgrader_autograde_with_sandboxed_execute_grades_as_plain_execute(autograded: dict[str, Path]) -> None:
    plain, sandboxed = _grades(autograded["plain"]), _grades(autograded["sandboxed"])
    assert plain == sandboxed
    assert sandboxed[("right", "t_sum")] == 2 and sandboxed[("right", "t_zero")] == 1
    assert sandboxed[("wrong", "t_sum")] == 0 and sandboxed[("wrong", "t_zero")] == 1
    for student in ("right", "wrong"):  # "hostile" prints what differs: see the next test
        a = nbformat.read(autograded["plain"] / "autograded" / student / "ps1" / "p1.ipynb", as_version=4)
        b = nbformat.read(autograded["sandboxed"] / "autograded" / student / "ps1" / "p1.ipynb", as_version=4)
        assert [c.get("outputs") for c in a.cells] == [c.get("outputs") for c in b.cells], student


def test_under_nbgrader_the_kernel_has_nbgrader_env_and_writes_nothing_back(autograded: dict[str, Path]) -> None:
    course = autograded["sandboxed"]
    nb = nbformat.read(course / "autograded" / "hostile" / "ps1" / "p1.ipynb", as_version=4)
    assert texts(nb.cells[1]) == "autograde False\n"
    plain = nbformat.read(autograded["plain"] / "autograded" / "hostile" / "ps1" / "p1.ipynb", as_version=4)
    assert texts(plain.cells[1]) == "autograde True\n"  # plain Execute hands the kernel the grader's secrets
    assert not list(course.rglob("planted.txt"))
    assert list(autograded["plain"].rglob("planted.txt"))  # plain Execute lets it write into autograded/


# --- limits: each hit stops only this notebook, and its row says which -------------------------------


def test_a_memory_bomb_is_stopped_and_named(folder: Path, tmp_path: Path) -> None:
    from course.grading.ranout import limits_hit
    from course.grading.sandbox import Limits

    nb = notebook("hog = bytearray(8 * 1024 ** 3)", "print('the next cell runs')")
    out, _ = run(nb, folder, limits=Limits(memory_mb=1024), timeout=20)
    assert [o.ename for o in out.cells[0].outputs if o.output_type == "error"] == ["MemoryError"]
    assert texts(out.cells[1]) == "the next cell runs\n"
    path = tmp_path / "hog.ipynb"
    nbformat.write(out, path)
    assert limits_hit(path) == [("out of memory", "hog.ipynb: cell 1 ran out of memory (MemoryError) and was stopped")]


def test_a_kernel_that_dies_fails_only_its_notebook_and_is_named(folder: Path, tmp_path: Path) -> None:
    from nbclient.exceptions import DeadKernelError

    nb = notebook("import os\nos._exit(3)", "print('never')")
    with pytest.raises(DeadKernelError):
        run(nb, folder, timeout=20)
    assert not survivors(str(folder))  # nothing of it is left running


def test_output_cut_in_the_sandbox_is_named(folder: Path, tmp_path: Path) -> None:
    from course.grading.ranout import limits_hit

    out, resources = run(notebook("print('x' * 300_000)", "print('fine')"), folder, output_per_stream=4000)
    assert resources["sandbox"]["output_cut"]
    path = tmp_path / "loud.ipynb"
    nbformat.write(out, path)
    assert [tag for tag, _ in limits_hit(path)] == ["output cut"]


def test_a_kernel_that_ignores_interrupts_is_timed_out_and_left_nothing(folder: Path) -> None:
    from nbclient.exceptions import CellTimeoutError

    nb = notebook("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(600)", "print('x')")
    start = time.monotonic()
    with pytest.raises(CellTimeoutError):
        run(nb, folder, timeout=2)
    assert time.monotonic() - start < 30
    assert not survivors(str(folder))
