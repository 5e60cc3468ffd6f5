"""Start a private Jupyter server and drive Debian's chromium: shared by the browser tests and scripts/.

Every server gets its own config, data, runtime, settings and workspace folders, a free loopback
port and a random token, and runs in its own process group so stopping it ends its kernels too.
The lab extensions (ipywidgets, anywidget) stay on the data path through sys.prefix.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class JupyterServer:
    """One running `jupyter lab` or `jupyter notebook`, serving `root`."""

    app: str  # "lab" or "notebook"
    root: Path
    home: Path
    port: int = 0
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def notebook_url(self, name: str) -> str:
        if self.app == "lab":
            # A workspace of its own, so this notebook is the only one open (and current), after a
            # reload too: in the shared default workspace a reload could restore the notebook of
            # the test before, its review hidden in a second tab, when the page's own save of the
            # workspace had not yet reached the server (a CI failure: two reviews, the first hidden).
            return self.url(f"lab/workspaces/t{secrets.token_hex(6)}/tree/{name}?reset")
        return self.url(f"notebooks/{name}")

    @staticmethod
    def _quiet_lab(settings: Path) -> None:
        """No news or update toasts over the page under test (JupyterLab only: Notebook 7
        has no such plugin, and a settings file for a missing plugin breaks its page)."""
        notif = settings / "@jupyterlab" / "apputils-extension"
        notif.mkdir(parents=True, exist_ok=True)
        (notif / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )

    def start(self) -> JupyterServer:
        self.port = free_port()
        dirs = {name: self.home / name for name in ("config", "data", "runtime", "settings", "workspaces")}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        # Quiet JupyterLab: no news or update toasts over the page under test.
        if self.app == "lab":
            self._quiet_lab(dirs["settings"])
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(dirs["config"]),
            "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
            "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("NBGRADER_EXECUTION", None)
        self.log = self.home / f"{self.app}.log"
        cmd = [
            sys.executable,
            "-m",
            "jupyter",
            self.app,
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.open_browser=False",
        ]
        # window.jupyterapp lets a test wait for the shell to be ready and run commands.
        cmd.append("--expose-app-in-browser")
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                cmd,
                cwd=self.root,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter {self.app} exited early:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"jupyter {self.app} did not answer in {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        # Our own process group only (start_new_session): the server and the kernels it started.
        try:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, 9)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)

    def write_notebook(self, name: str, *sources: str) -> Path:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
        path = self.root / name
        nbformat.write(nb, path)
        return path


def launch_chromium(playwright, **kwargs):
    """Debian's chromium through playwright (which cannot download its own browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **kwargs)


class PageLog:
    """What a page did that a test may want to forbid: console output, errors, dialogs."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.loads = 0  # documents loaded in the page: more than one after a reload
        # a notebook opened while its kernel ran (a test before left it running): the page
        # restores that kernel's widget models, as after a reload (viewer_flow.open_and_run)
        self.restored = False

    def attach(self, page) -> None:
        page.cra_log = self
        page.on("load", lambda _: setattr(self, "loads", self.loads + 1))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d):
            self.dialogs.append(f"{d.type}: {d.message}")
            # a test that navigates away means to leave (a notebook the reload left "changed"
            # asked, and the dismissed ask aborted the test's page.goto); any other is refused
            if d.type == "beforeunload":
                d.accept()
            else:
                d.dismiss()

        page.on("dialog", on_dialog)
