"""Where the course is and how nbgrader is configured there: config files, gradebook URL, environment."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .hidden_test import GradingError

__all__ = [
    "config_files",
    "configured_db_url",
    "course_config",
    "environ",
    "find_course_root",
    "nbgrader_env",
    "shown_url",
]


def find_course_root(start: str | os.PathLike | None = None) -> Path:
    """The nearest folder at or above `start` holding nbgrader_config.py."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    raise GradingError(f"no nbgrader_config.py at or above {here}: run this in the course directory")


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for nbgrader subprocesses.

    nbgrader runs the `alembic` command from PATH when it creates a gradebook, so this venv's
    bin/ goes first; without it a fresh course fails with FileNotFoundError: 'alembic'.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PYTHONWARNINGS", "ignore")
    env.update(extra or {})
    return env


@contextlib.contextmanager
def environ(**values: str) -> Iterator[None]:
    """Set environment variables for a block (nbgrader in this process reads PATH and
    COURSE_BANK reaches the kernels it starts)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def config_files(root: Path) -> list[Path]:
    """The configuration files nbgrader 0.9.6 reads for a course in `root`, lowest priority first.

    As `nbgrader` run in the course directory loads them (JupyterApp.load_config_file, then
    NbGrader.initialize): jupyter_config.{py,json}, then nbgrader_config.{py,json}, from every
    Jupyter config directory (`jupyter --paths`: $JUPYTER_CONFIG_DIR or ~/.jupyter, the entries
    of $JUPYTER_CONFIG_PATH, <sys.prefix>/etc/jupyter, /usr/local/etc/jupyter, /etc/jupyter;
    an earlier directory wins over a later one), and last the course's own nbgrader_config.py,
    which wins over all of them. (nbgrader also reads ./nbgrader_config.py of the directory it
    runs in: the course's own file when run in the course directory.)
    """
    from jupyter_core.paths import jupyter_config_dir, jupyter_config_path

    dirs = jupyter_config_path()
    if jupyter_config_dir() not in dirs:
        dirs.insert(0, jupyter_config_dir())
    found: list[Path] = []
    for base in ("jupyter_config", "nbgrader_config"):
        for folder in reversed(dirs):
            for ext in (".py", ".json"):
                path = Path(folder) / f"{base}{ext}"
                if path.is_file() and path not in found:
                    found.append(path)
    own = root / "nbgrader_config.py"
    if own.is_file():
        found = [p for p in found if p.resolve() != own.resolve()] + [own]
    return found


def course_config(root: Path, *, db_url: str | None = None) -> Any:
    """The course's nbgrader configuration (a traitlets Config), read from the files nbgrader
    itself reads (see `config_files`), so a `db_url` set in /etc/jupyter/nbgrader_config.py or
    by COURSE_DB_URL (which the course's nbgrader_config.py reads) is obeyed here as by nbgrader.
    `db_url`, when given (`course grade --db-url`), wins over every file.

    A file that fails to load raises GradingError: nbgrader would log it and carry on, which
    could grade into another gradebook than the one the class uses.
    """
    from traitlets.config import Config
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    cfg = Config()
    for path in config_files(root):
        loader = PyFileConfigLoader if path.suffix == ".py" else JSONFileConfigLoader
        try:
            cfg.merge(loader(path.name, path=str(path.parent)).load_config())
        except Exception as exc:
            raise GradingError(f"cannot read the nbgrader configuration {path}: {type(exc).__name__}: {exc}") from None
    cfg.CourseDirectory.root = str(root)
    if db_url:
        cfg.CourseDirectory.db_url = db_url
    return cfg


def configured_db_url(root: Path) -> str | None:
    """The gradebook URL the nbgrader configuration of `root` sets, or None (nbgrader's default:
    gradebook.db in the course directory)."""
    value = course_config(root).CourseDirectory.get("db_url")
    return value if isinstance(value, str) and value else None


def shown_url(url: str) -> str:
    """A database URL fit to print: the password masked."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)
