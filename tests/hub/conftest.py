"""Fixtures for the multi-user tests (the machinery is in hub_harness.py).

Each is module-scoped: one module builds one class (users, the exchange, servers) and
everything it made is torn down when the module ends, whatever happened. The one exception is
the Python the test users run (user_env): built once per session in its own scratch folder and
shared, because no test writes to it (users' files go to their homes, the class's to its module
scratch) and building it, with the formgrader disabled for students, costs seconds per module.
"""

from __future__ import annotations

import os
import shutil

import pytest
from hub_harness import (
    Users,
    build_user_env,
    check_hub_deps,
    make_class,
    make_scratch,
    need_root,
    remove_stale_accounts,
    running_postgres,
    students_lose_formgrader,
)


def pytest_configure(config):
    config.addinivalue_line("markers", "hub: needs root; makes system users, starts JupyterHub or PostgreSQL")


def _scratch():
    """A temporary folder; CRA_HUB_KEEP=1 keeps it (not the users) for a post-mortem."""
    need_root()
    root = make_scratch()
    try:
        yield root
    finally:
        if os.environ.get("CRA_HUB_KEEP"):
            print(f"\nkept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def scratch():
    """The module's own folder: its exchange, config, course directories, hub state."""
    yield from _scratch()


@pytest.fixture(scope="session")
def session_scratch():
    """The session's folder: the test users' Python (user_env), shared by the modules."""
    yield from _scratch()


@pytest.fixture(scope="module")
def users(scratch):
    """System accounts made by the test; `users.add(role)` makes one, all are deleted at the end."""
    if not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.fail("useradd and runuser are needed (Debian packages passwd and util-linux)")
    remove_stale_accounts()
    made = Users(scratch)
    try:
        yield made
    finally:
        made.remove_all()


@pytest.fixture(scope="session")
def user_env(session_scratch):
    env = build_user_env(session_scratch)
    students_lose_formgrader(session_scratch, env)
    return env


@pytest.fixture(scope="module")
def course_class(scratch, user_env):
    return make_class(scratch, user_env)


@pytest.fixture(scope="module")
def hub_deps():
    check_hub_deps()


@pytest.fixture(scope="module")
def postgres(users):
    with running_postgres(users) as server:
        yield server
