"""The machinery of the multi-user tests: real system users, a Python they can run, nbgrader's
exchange, a JupyterHub on loopback, a PostgreSQL server. conftest.py wraps it in fixtures.

It needs root (useradd, a hub that spawns servers as other users, a database server run as
its own user). CI runs as root, so there they fail rather than skip when something is missing;
on a laptop without root they skip. `make hub-deps` installs what they use: PostgreSQL from
Debian, configurable-http-proxy from npm into tests/hub/node_modules.

Everything is torn down whatever happens: servers and processes the test started are ended by
their ids, the users it made are deleted, its temporary folder is removed.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HUB_DIR = Path(__file__).resolve().parent
CHP = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
MULTIUSER_CONFIG = REPO / "deploy" / "nbgrader_config.multiuser.py"
INSTRUCTOR_CONFIG = REPO / "deploy" / "instructor-jupyter"
COURSE_ID = "code-review-academy"
# Written into the GECOS field of every account the tests make, so a crashed run's leftovers
# can be recognised (and only those).
MARK = "code-review-academy hub test"


def need_root() -> None:
    if os.geteuid() == 0:
        return
    reason = "needs root: it creates system users and runs servers as them"
    # `make test` is run as root (or with sudo) wherever it installs its own packages; a
    # missing root is a failure there, and a skip only when a developer opts out explicitly.
    if os.environ.get("COURSE_SKIP_HUB") == "1":
        pytest.skip(f"{reason} (COURSE_SKIP_HUB=1)")
    pytest.fail(f"{reason}: run make test as root, or set COURSE_SKIP_HUB=1 to skip the hub tests on purpose")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = ""
            if log is not None and log.exists():
                tail = (
                    "\n--- "
                    + str(log)
                    + " (last lines)\n"
                    + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
                )
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}{tail}")
        time.sleep(interval)


# --- processes ------------------------------------------------------------------------------


def pids_of_uid(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid == uid:
                pids.append(int(entry))
        except FileNotFoundError:
            continue
    return pids


def end_process_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the group the test started (proc runs in a new session), then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


def end_processes_of(uids: list[int]) -> None:
    """What the test users still run (servers, kernels) was started by this test: end it by pid."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = [p for uid in uids for p in pids_of_uid(uid)]
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: not any(pids_of_uid(u) for u in uids), 5, "test users' processes to end")


# --- a scratch root every test user can traverse ----------------------------------------------


def make_scratch() -> Path:
    """A temporary folder outside pytest's private tmp (which other users cannot enter)."""
    root = Path(tempfile.mkdtemp(prefix="cra-hub-", dir="/tmp"))
    root.chmod(0o755)
    return root


# --- system users ---------------------------------------------------------------------------


@dataclass
class User:
    name: str
    home: Path
    uid: int
    gid: int


@dataclass
class Users:
    """Accounts made for one test module, removed at the end."""

    root: Path
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    made: list[User] = field(default_factory=list)

    def add(self, role: str) -> User:
        name = f"cra{role}-{self.tag}"
        home = self.root / "home" / name
        home.parent.mkdir(parents=True, exist_ok=True)
        home.parent.chmod(0o755)
        run(
            [
                "useradd",
                "--no-create-home",
                "--home-dir",
                str(home),
                "--shell",
                "/bin/bash",
                "--comment",
                MARK,
                "--user-group",
                name,
            ]
        )
        entry = pwd.getpwnam(name)
        user = User(name, home, entry.pw_uid, entry.pw_gid)
        self.made.append(user)
        home.mkdir()
        os.chown(home, user.uid, user.gid)
        home.chmod(0o700)  # what docs/deploy.md asks of every home on the hub
        return user

    def remove_all(self) -> None:
        end_processes_of([u.uid for u in self.made])
        for user in self.made:
            subprocess.run(["userdel", user.name], capture_output=True, check=False)
        self.made.clear()


def remove_stale_accounts() -> None:
    """Accounts a killed run left behind: ours by their mark, with their folder gone."""
    for entry in pwd.getpwall():
        if entry.pw_gecos == MARK and not os.path.exists(entry.pw_dir) and not pids_of_uid(entry.pw_uid):
            subprocess.run(["userdel", entry.pw_name], capture_output=True, check=False)


def run(argv, *, check=True, timeout=120, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, argv))} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


# --- a Python the test users can run -----------------------------------------------------------


def reachable_by_others(path: Path) -> bool:
    """True when a user who is neither owner nor group member can read `path` (and reach it)."""
    path = Path(path).resolve()
    folders = [*reversed(path.parents), *([path] if path.is_dir() else [])]
    if not all(os.stat(folder).st_mode & stat.S_IXOTH for folder in folders):
        return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


def link_tree(src: Path, dst: Path, ignore=None) -> None:
    """Hard-link a tree (same permissions, no space); copy where links cannot cross devices."""
    try:
        shutil.copytree(src, dst, symlinks=True, copy_function=os.link, ignore=ignore)
    except (OSError, shutil.Error):
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst, symlinks=True, ignore=ignore)


@dataclass
class UserEnv:
    python: Path
    # where the relocated interpreter finds libpython, when it had to be relocated
    ld_library_path: str | None = None

    @property
    def bin(self) -> Path:
        return self.python.parent

    def environ(self) -> dict[str, str]:
        return {"LD_LIBRARY_PATH": self.ld_library_path} if self.ld_library_path else {}


def relocate_interpreter(scratch: Path) -> tuple[Path, str | None]:
    """The running interpreter's installation, hard-linked where every user can reach it.

    The same interpreter, not merely the same X.Y: Debian's 3.11.2 beside pyenv's 3.11.7
    was tried, and nbconvert's HTML export (soupsieve) fails on the older one. The copy still
    names its libpython by an absolute RUNPATH into the private folder, so it runs with
    LD_LIBRARY_PATH pointing at the copy's lib/.
    """
    base = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    target = scratch / "python"
    (target / "bin").mkdir(parents=True)
    (target / "lib").mkdir()
    exe = Path(sys._base_executable).resolve()
    link_tree_file(exe, target / "bin" / exe.name)
    for lib in (base / "lib").glob("libpython*.so*"):
        link_tree_file(lib, target / "lib" / lib.name)
    link_tree(
        base / "lib" / version,
        target / "lib" / version,
        ignore=shutil.ignore_patterns("site-packages", "test", "idlelib", "tkinter", "turtledemo"),
    )
    (target / "lib" / version / "site-packages").mkdir()
    open_to_all(target)
    shared = any((target / "lib").glob("libpython*.so*"))
    return target / "bin" / exe.name, str(target / "lib") if shared else None


def open_to_all(tree: Path) -> None:
    """Let every user read `tree` (and enter its folders), without touching anything outside it:
    symlinks are skipped (chmod would follow them), and a hard-linked file that must change mode
    is first replaced by a copy (its inode is shared with the original)."""
    for folder, _dirs, files in os.walk(tree):
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IROTH | stat.S_IXOTH)
        for name in files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode) or st.st_mode & stat.S_IROTH:
                continue
            if st.st_nlink > 1:
                shutil.copy2(path, path + ".copy")
                os.replace(path + ".copy", path)
            os.chmod(path, st.st_mode | stat.S_IROTH)


def link_tree_file(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def build_user_env(scratch: Path) -> UserEnv:
    """A virtual environment the test users can run, with this project's packages and the
    `course` package copied in alone (never the repository, which holds the bank).

    The test's own .venv often cannot serve: its interpreter may live in root's private home
    (pyenv) and the repository may be in a folder other users cannot enter. So: the same
    interpreter (relocated when other users cannot reach it), a new venv from it, and the
    .venv's site-packages added to it (linked into the scratch folder when other users cannot
    reach them).
    """
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    base, ld_path = Path(sys._base_executable), None
    if not reachable_by_others(base.resolve()) or not reachable_by_others(
        Path(sys.base_prefix) / "lib" / f"python{version}"
    ):
        base, ld_path = relocate_interpreter(scratch)
    env_dir = scratch / "userenv"
    run(
        [str(base), "-m", "venv", "--without-pip", str(env_dir)],
        env={**os.environ, **({"LD_LIBRARY_PATH": ld_path} if ld_path else {})},
    )
    site = Path(sysconfig.get_paths()["purelib"])
    if not reachable_by_others(site):
        linked = scratch / "site-packages"
        link_tree(site, linked, ignore=shutil.ignore_patterns("__editable__*"))
        open_to_all(linked)
        site = linked
    user_site = env_dir / "lib" / f"python{version}" / "site-packages"
    # The package alone, before the project's site-packages on sys.path: students get the
    # machinery, never exercises/ (the editable install would point into the repository).
    shutil.copytree(REPO / "course", user_site / "course")
    (user_site / "zz_project_site.pth").write_text(f"import site; site.addsitedir({str(site)!r})\n")
    # Jupyter's own config and data of the environment: the server extensions nbgrader enables
    # (copied: the deployment disables some for students), the lab extensions and kernels.
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", env_dir / "etc" / "jupyter")
    share = Path(sys.prefix) / "share" / "jupyter"
    (env_dir / "share").mkdir(exist_ok=True)
    if reachable_by_others(share):
        (env_dir / "share" / "jupyter").symlink_to(share)
    else:
        link_tree(share, env_dir / "share" / "jupyter")
    # The project's console scripts (nbgrader runs `alembic`, users run `nbgrader`, `course`),
    # pointed at this interpreter.
    venv_bin = Path(sys.executable).parent
    for script in venv_bin.iterdir():
        target = env_dir / "bin" / script.name
        if target.exists() or script.is_symlink() or not script.is_file():
            continue
        head = script.read_bytes()[:200].split(b"\n", 1)[0]
        if head.startswith(b"#!") and b"python" in head:
            body = script.read_text().split("\n", 1)[1]
            target.write_text(f"#!{env_dir / 'bin' / 'python'}\n{body}")
            target.chmod(0o755)
    open_to_all(env_dir)
    return UserEnv(env_dir / "bin" / "python", ld_path)


# --- running commands as a user --------------------------------------------------------------


@dataclass
class Class:
    """The environment shared by everyone on the test's hub."""

    scratch: Path
    env: UserEnv
    exchange: Path
    jupyter_config: Path
    instructor_config: Path
    course_id: str = COURSE_ID
    instructors: set[str] = field(default_factory=set)

    def config_path(self, user: User) -> str:
        """Instructors see their own Jupyter config (the formgrader) before the shared one."""
        shared = str(self.jupyter_config)
        return f"{self.instructor_config}:{shared}" if user.name in self.instructors else shared

    def environ(self, user: User) -> dict[str, str]:
        return {
            "HOME": str(user.home),
            "USER": user.name,
            "LOGNAME": user.name,
            "SHELL": "/bin/bash",
            "PATH": f"{self.env.bin}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "JUPYTER_CONFIG_PATH": self.config_path(user),
            "NBGRADER_EXCHANGE_ROOT": str(self.exchange),
            "COURSE_ID": self.course_id,
            "PYTHONDONTWRITEBYTECODE": "1",
            **self.env.environ(),
        }

    def as_user(
        self, user: User, argv, *, cwd: Path | None = None, check=True, timeout=180, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        """Run argv as `user` (runuser), with a clean environment and `cwd` (default: home)."""
        variables = {**self.environ(user), **(env or {})}
        cmd = [
            "runuser",
            "-u",
            user.name,
            "--",
            "env",
            "-i",
            *[f"{k}={v}" for k, v in variables.items()],
            "/bin/sh",
            "-c",
            'cd "$0" && exec "$@"',
            str(cwd or user.home),
            *map(str, argv),
        ]
        return run(cmd, check=check, timeout=timeout)

    def python_as(self, user: User, *args, **kw) -> subprocess.CompletedProcess:
        return self.as_user(user, [self.env.python, *args], **kw)


def students_lose_formgrader(scratch: Path, user_env: UserEnv) -> None:
    """The formgrader off in the environment's own (sys-prefix) Jupyter config, as docs/deploy.md
    does; instructors get it back from their own config (make_class). It changes only files
    inside `user_env`, the same way every time, so one built environment can serve every module."""
    jupyter = [str(user_env.bin / "jupyter")]
    admin = {"PATH": f"{user_env.bin}:/usr/bin:/bin", "HOME": str(scratch), "LANG": "C.UTF-8", **user_env.environ()}
    run(
        [*jupyter, "server", "extension", "disable", "--sys-prefix", "nbgrader.server_extensions.formgrader"], env=admin
    )
    run(
        [
            *jupyter,
            "labextension",
            "disable",
            "--level=sys_prefix",
            "@jupyter/nbgrader:formgrader",
            "@jupyter/nbgrader:create-assignment",
        ],
        env=admin,
    )


def make_class(scratch: Path, user_env: UserEnv) -> Class:
    """The hub-wide setup of docs/deploy.md: nbgrader's exchange (mode 1777), the shared
    nbgrader config from deploy/, the formgrader off for everyone but instructors (the last in
    `user_env`, by students_lose_formgrader)."""
    exchange = scratch / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    etc = scratch / "etc" / "jupyter"
    etc.mkdir(parents=True)
    for folder in (scratch / "etc", etc):
        folder.chmod(0o755)
    shutil.copy(MULTIUSER_CONFIG, etc / "nbgrader_config.py")
    (etc / "nbgrader_config.py").chmod(0o644)
    instructor_config = scratch / "etc" / "instructor-jupyter"
    shutil.copytree(INSTRUCTOR_CONFIG, instructor_config)
    for path in [instructor_config, *instructor_config.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return Class(scratch, user_env, exchange, etc, instructor_config)


# --- JupyterHub ---------------------------------------------------------------------------------


@dataclass
class Hub:
    url: str
    token: str
    password: str
    proc: subprocess.Popen
    log: Path

    def api(self, method: str, path: str, *, token: str | None = None, **kw):
        import requests

        headers = {"Authorization": f"token {token or self.token}", **kw.pop("headers", {})}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=30, **kw)

    def start_server(self, name: str, timeout: float = 120) -> None:
        self.request_server(name)
        self.wait_for_server(name, timeout)

    def request_server(self, name: str) -> None:
        r = self.api("POST", f"/users/{name}/server")
        assert r.status_code in (201, 202, 400), f"spawning {name}: {r.status_code} {r.text}"

    def wait_for_server(self, name: str, timeout: float = 120) -> None:
        def ready():
            model = self.api("GET", f"/users/{name}").json()
            server = (model.get("servers") or {}).get("")
            if self.proc.poll() is not None:
                raise AssertionError(f"the hub exited with {self.proc.returncode}; see {self.log}")
            return server if server and server.get("ready") else None

        wait_for(ready, timeout, f"{name}'s server", interval=0.3, log=self.log)

    def stop_server(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self.api("DELETE", f"/users/{name}/server")

    def user_token(self, name: str) -> str:
        r = self.api("POST", f"/users/{name}/tokens", json={"note": "class test", "expires_in": 3600})
        assert r.status_code in (200, 201), f"token for {name}: {r.status_code} {r.text}"
        return r.json()["token"]


def check_hub_deps() -> None:
    if not CHP.exists():
        pytest.fail(f"{CHP} is missing: run `make hub-deps` (npm install --prefix tests/hub)")
    try:
        import jupyterhub  # noqa: F401
        import requests  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the test extra installs both
        pytest.fail(f"{exc.name} is missing: `pip install -e '.[test]'`")


def launch_hub(course_class: Class, instructor: User, students: list[User], graders: list[User] = ()) -> Hub:
    """Start JupyterHub (and through it the proxy) in a session of its own; wait_for_hub() next.

    `graders` (teaching assistants) may log in too, and are members of the hub group
    "instructors", which gives their servers the formgrader as the course's hub snippet says."""
    state = course_class.scratch / "hub"
    state.mkdir()
    state.chmod(0o700)
    port = free_port()
    token = secrets.token_hex(32)
    password = secrets.token_urlsafe(12)
    environ = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin:/usr/sbin:/sbin",
        "LANG": "C.UTF-8",
        "HOME": str(state),
        "CRA_HUB_STATE": str(state),
        "CRA_HUB_PORT": str(port),
        "CRA_HUB_API_PORT": str(free_port()),
        "CRA_PROXY_API_PORT": str(free_port()),
        "CRA_PROXY_TOKEN": secrets.token_hex(32),
        "CRA_CHP": str(CHP),
        "CRA_USER_PYTHON": str(course_class.env.python),
        "CRA_LD_LIBRARY_PATH": course_class.env.ld_library_path or "",
        "CRA_JUPYTER_CONFIG": str(course_class.jupyter_config),
        "CRA_INSTRUCTOR_CONFIG": str(course_class.instructor_config),
        "CRA_REPO": str(REPO),
        "NBGRADER_EXCHANGE_ROOT": str(course_class.exchange),
        "COURSE_ID": course_class.course_id,
        "CRA_INSTRUCTOR": instructor.name,
        "CRA_STUDENTS": ",".join(s.name for s in students),
        "CRA_GRADERS": ",".join(g.name for g in graders),
        "CRA_HUB_PASSWORD": password,
        "CRA_SERVICE_TOKEN": token,
    }
    log = state / "jupyterhub.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(HUB_DIR / "jupyterhub_config.py")],
            cwd=state,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Hub(f"http://127.0.0.1:{port}", token, password, proc, log)


def wait_for_hub(hub: Hub, timeout: float = 90) -> Hub:
    proc, log = hub.proc, hub.log

    def up():
        import requests

        if proc.poll() is not None:
            raise AssertionError(f"the hub exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            return hub.api("GET", "/").status_code == 200 and hub.api("GET", "/users").status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_for(up, timeout, "JupyterHub to answer", interval=0.3, log=log)
    except BaseException:
        end_process_group(proc)
        raise
    return hub


def stop_hub(hub: Hub) -> None:
    """SIGTERM: the hub stops every server and the proxy itself (cleanup_servers, cleanup_proxy).
    Whatever survives is ended with the test users' processes."""
    end_process_group(hub.proc, grace=30)


# --- PostgreSQL --------------------------------------------------------------------------------


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if found:
        return found[-1]
    which = shutil.which(name)
    if which:
        return which
    pytest.fail(f"PostgreSQL's {name} not found: `make hub-deps` installs Debian's postgresql")


@dataclass
class Postgres:
    url_base: str
    port: int

    def url(self, database: str) -> str:
        return f"{self.url_base}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        conn = psycopg.connect(self.url("postgres"))
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)


@contextlib.contextmanager
def running_postgres(users: Users):
    """A PostgreSQL server on a loopback port, run by a system user of its own (it refuses root)."""
    initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
    owner = users.add("pg")
    data = owner.home / "data"
    port = free_port()
    sock = owner.home  # the unix socket stays in the owner's folder, not /var/run/postgresql
    run(
        [
            "runuser",
            "-u",
            owner.name,
            "--",
            initdb,
            "-D",
            str(data),
            "-U",
            "grader",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        ],
        timeout=120,
    )
    log = owner.home / "postgres.log"
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off -c max_connections=60"
    run(
        [
            "runuser",
            "-u",
            owner.name,
            "--",
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(log),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "start",
        ],
        timeout=90,
    )
    try:
        yield Postgres(f"postgresql://grader@127.0.0.1:{port}", port)
    finally:
        subprocess.run(
            ["runuser", "-u", owner.name, "--", pg_ctl, "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop"],
            capture_output=True,
            check=False,
            timeout=60,
        )


# --- a course directory shared by its staff ----------------------------------------------------


def add_group(name: str, members: list[User]) -> None:
    """A system group (the course's staff) with these members as supplementary members."""
    run(["groupadd", name])
    for user in members:
        run(["usermod", "--append", "--groups", name, user.name])


def remove_group(name: str) -> None:
    subprocess.run(["groupdel", name], capture_output=True, check=False)


def share_with_group(tree: Path, owner: User, group: str) -> None:
    """What docs/deploy.md asks of a course directory several graders use: owned by the
    instructor and the staff group, group-writable, no access for others, and every folder
    setgid so what anyone creates in it belongs to the group."""
    run(["chown", "-R", f"{owner.name}:{group}", str(tree)])
    run(["chmod", "-R", "u+rwX,g+rwX,o-rwx", str(tree)])
    for folder, _dirs, _files in os.walk(tree):
        os.chmod(folder, os.stat(folder).st_mode | stat.S_ISGID)


def link_into_home(user: User, name: str, target: Path) -> Path:
    """A symlink in `user`'s home (owned by them) to a folder elsewhere, such as the shared course."""
    link = user.home / name
    link.symlink_to(target)
    os.lchown(link, user.uid, user.gid)
    return link


def remove_stale_groups(prefix: str) -> None:
    """Groups named `prefix`... a killed run left behind: none of their members exists any more."""
    import grp

    for entry in grp.getgrall():
        if entry.gr_name.startswith(prefix) and not entry.gr_mem:
            subprocess.run(["groupdel", entry.gr_name], capture_output=True, check=False)
