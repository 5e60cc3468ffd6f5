"""`make test` runs two pytest-xdist workers and keeps the browser tests on one of them
(tests/conftest.py). Does that grouping hold with the pytest and pytest-xdist installed? (With
pytest 9.2 and pytest-xdist 3.8 it silently did not: both workers ran browser tests at once.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).resolve().parent / "conftest.py"


def test_the_browser_tests_run_on_one_worker(tmp_path):
    (tmp_path / "conftest.py").write_text(
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('suite_conftest', {str(CONFTEST)!r})\n"
        "suite = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(suite)\n"
        "pytest_collection_modifyitems = suite.pytest_collection_modifyitems\n",
        encoding="utf-8",
    )
    (tmp_path / "support").mkdir()  # the suite's conftest imports tests/support
    (tmp_path / "support" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "support" / "tiny_exercise.py").write_text("def write_exercise(bank):\n    pass\n", encoding="utf-8")
    record = tmp_path / "ran"
    record.mkdir()
    body = "import os, time, pytest\n"
    for kind in ("browser", "plain"):  # (in a row: shared out as they come, both workers would get some)
        for n in range(8):
            mark = "@pytest.mark.browser\n" if kind == "browser" else ""
            body += (
                f"{mark}def test_{kind}_{n}():\n"
                "    time.sleep(0.3)\n"
                f"    open(os.path.join({str(record)!r}, '{kind}-{n}-' + os.environ['PYTEST_XDIST_WORKER']), 'w').close()\n\n"
            )
    (tmp_path / "test_many.py").write_text(body, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n  browser: a browser test\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ran = [p.name.split("-") for p in record.iterdir()]
    browser = {worker for kind, _, worker in ran if kind == "browser"}
    assert len(ran) == 16
    assert len(browser) == 1, f"the browser tests ran on {sorted(browser)}"
