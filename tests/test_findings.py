"""The findings sidecar: atomic, validated, shared safely, and never overwritten when corrupt."""

from __future__ import annotations

import json
import os
import threading

import pytest

from course.review import store as fmod
from course.review.store import FindingStore, SidecarCorrupt, read_sidecar


@pytest.fixture
def path(tmp_path):
    return tmp_path / "demo.findings.json"


def test_every_change_is_on_disk_at_once(path):
    store = FindingStore(path, "demo", "abc")
    f = store.add("app.py", 3, "logic", "off by one", end=5)
    data = json.loads(path.read_text())
    assert data["schema"] == 1 and data["exercise"] == "demo" and data["diff_sha256"] == "abc"
    assert [(x["path"], x["start"], x["end"], x["category"]) for x in data["findings"]] == [("app.py", 3, 5, "logic")]
    store.update(f.id, comment="loop ends one early", severity="blocker")
    store.set_verdict("request-changes")
    again = read_sidecar(path)
    assert again.verdict == "request-changes"
    assert again.findings[0].comment == "loop ends one early"
    assert again.findings[0].severity == "blocker"
    store.remove(f.id)
    assert read_sidecar(path).findings == ()


def test_a_new_store_sees_what_an_old_one_wrote(path):
    """Does a kernel restart lose findings?"""
    FindingStore(path, "demo").add("a.py", 1, "security", "xss")
    assert [f.comment for f in FindingStore(path, "demo").findings] == ["xss"]


def test_crash_between_write_and_rename_leaves_the_old_file_whole(path, monkeypatch):
    store = FindingStore(path, "demo")
    store.add("a.py", 1, "logic")
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(fmod.os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        store.add("a.py", 2, "logic")
    assert path.read_bytes() == before
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "expected a JSON object"),
        (json.dumps({"schema": 9, "exercise": "demo", "findings": []}).encode(), "unknown schema 9"),
        (json.dumps({"schema": 1, "exercise": "demo", "findings": {}}).encode(), "'findings' must be a list"),
        (json.dumps({"schema": 1, "exercise": "demo", "verdict": "lgtm", "findings": []}).encode(), "'verdict'"),
        (
            json.dumps(
                {
                    "schema": 1,
                    "exercise": "demo",
                    "findings": [{"id": "x", "path": "a", "side": "new", "start": 1, "end": 1, "category": "style"}],
                }
            ).encode(),
            "finding 0",
        ),
        (json.dumps({"schema": 1, "exercise": "other", "findings": []}).encode(), "belongs to exercise 'other'"),
    ],
)
def test_a_corrupt_sidecar_is_reported_with_its_path_and_never_overwritten(path, content, problem):
    path.write_bytes(content)
    store = FindingStore(path, "demo")
    assert store.error is not None
    assert str(path) in str(store.error) and problem in str(store.error)
    with pytest.raises(SidecarCorrupt):
        store.add("a.py", 1, "logic")
    with pytest.raises(SidecarCorrupt):
        store.set_verdict("approve")
    assert path.read_bytes() == content


def test_quarantine_moves_the_corrupt_file_aside_and_keeps_its_bytes(path):
    path.write_bytes(b"{half a file")
    store = FindingStore(path, "demo")
    moved = store.quarantine()
    assert moved is not None and moved.read_bytes() == b"{half a file"
    assert moved.parent == path.parent and "corrupt" in moved.name
    store.add("a.py", 1, "logic")
    assert len(read_sidecar(path).findings) == 1


def test_quarantine_leaves_a_sound_file_alone(path):
    store = FindingStore(path, "demo")
    store.add("a.py", 1, "logic")
    assert store.quarantine() is None
    assert len(read_sidecar(path).findings) == 1


def test_two_stores_on_one_file_never_undo_each_other(path):
    """Two browser tabs (two kernels) on the same review."""
    a = FindingStore(path, "demo")
    b = FindingStore(path, "demo")
    a.add("a.py", 1, "logic", "from tab a")
    b.add("a.py", 2, "logic", "from tab b")  # b has not refreshed: it must not drop a's finding
    a.set_verdict("request-changes")
    data = read_sidecar(path)
    assert sorted(f.comment for f in data.findings) == ["from tab a", "from tab b"]
    assert data.verdict == "request-changes"
    assert len(a.findings) == 2  # a re-read the file before writing its verdict
    assert b.verdict is None and b.refresh() is True and b.verdict == "request-changes"
    assert b.refresh() is False


def test_concurrent_writers_lose_nothing(path):
    stores = [FindingStore(path, "demo") for _ in range(4)]
    barrier = threading.Barrier(len(stores))

    def work(i, store):
        barrier.wait()
        for j in range(10):
            store.add("a.py", j + 1, "concurrency", f"{i}-{j}")

    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(read_sidecar(path).findings) == 40


def test_stale_when_the_diff_changed(path):
    FindingStore(path, "demo", "old-sha").add("a.py", 1, "logic")
    store = FindingStore(path, "demo", "new-sha")
    assert store.stale and len(store.findings) == 1


def test_bad_values_are_refused_before_anything_is_written(path):
    store = FindingStore(path, "demo")
    with pytest.raises(ValueError):
        store.add("a.py", 1, "style")
    with pytest.raises(ValueError):
        store.add("a.py", 5, "logic", end=2)
    with pytest.raises(ValueError):
        store.set_verdict("ship it")
    with pytest.raises(KeyError):
        store.remove("nope")
    assert not path.exists()


def test_written_file_is_plain_utf8_json_with_a_trailing_newline(path):
    FindingStore(path, "demo").add("café.py", 1, "logic", "naïve → wrong")
    raw = path.read_bytes()
    assert raw.endswith(b"\n") and "naïve → wrong".encode() in raw
    assert not [p for p in os.listdir(path.parent) if p.endswith(".tmp")]


# re-running and re-executing a notebook (issue #13, item 2) ----------------------------------------


def test_an_add_with_a_known_id_is_idempotent_and_leaves_the_file_untouched(path):
    store = FindingStore(path, "demo")
    first = store.add("a.py", 1, "logic", "x", finding_id="code-1")
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    again = FindingStore(path, "demo").add("a.py", 1, "logic", "x", finding_id="code-1")
    assert again == first
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_a_store_that_does_not_persist_keeps_changes_in_memory(path):
    FindingStore(path, "demo").add("a.py", 1, "logic", "saved by the learner")
    before = path.read_bytes()
    held = FindingStore(path, "demo", persist=False)
    f = held.add("a.py", 2, "security", "from a re-executed cell")
    held.set_verdict("approve")
    held.update(f.id, comment="edited")
    assert [x.comment for x in held.findings] == ["saved by the learner", "edited"]
    assert path.read_bytes() == before
    held.replace_all([], None, force=True)  # the instructor's solution writes on purpose
    assert read_sidecar(path).findings == ()


def write_demo_bundle(folder):
    from course.diff import render_bundle, unified_diff

    diff = unified_diff({"a.py": "x = 1\n"}, {"a.py": "x = 2\ny = 3\n"})
    (folder / "demo.diff").write_text(render_bundle("demo", "T", "bot", "Why.", diff), encoding="utf-8")


def test_rerunning_a_flag_cell_does_not_duplicate_the_finding(tmp_path):
    from course.review import Review
    from course.review import review as review_module

    write_demo_bundle(tmp_path)
    review = Review.open(tmp_path / "demo.diff")
    one = review.flag("a.py", 1, "logic", "x changed")
    review_module._STORES.clear()  # a kernel restart
    again = Review.open(tmp_path / "demo.diff")
    assert again.flag("a.py", 1, "logic", "x changed") == one
    assert len(again.findings) == 1
    assert again.flag("a.py", 1, "logic", "another comment") != one  # a different flag is new
    assert len(again.findings) == 2


@pytest.mark.slow
def test_nbgrader_validate_leaves_the_learners_findings_byte_identical(tmp_path):
    """nbgrader's Validate button runs the notebook again in a hidden kernel in the learner's
    own folder: a flag() cell there must write nothing (it once added a duplicate)."""
    import shutil
    import subprocess
    import sys

    import nbformat

    write_demo_bundle(tmp_path)
    # What the learner saved: a finding flagged in the viewer (a random id) with the same span,
    # category and comment as the code cell, one flagged by that cell, and a verdict.
    (tmp_path / "demo.findings.json").write_text(
        json.dumps(
            {
                "schema": 1,
                "exercise": "demo",
                "diff_sha256": None,
                "verdict": "request-changes",
                "findings": [
                    {
                        "id": "a1b2c3d4e5",
                        "path": "a.py",
                        "side": "new",
                        "start": 1,
                        "end": 1,
                        "category": "logic",
                        "severity": "major",
                        "comment": "x changed",
                        "created": "2026-01-01T00:00:00.000Z",
                        "updated": "2026-01-01T00:00:00.000Z",
                    },
                ],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    before = (tmp_path / "demo.findings.json").read_bytes()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("from course.review import Review\nreview = Review.open('demo.diff')\nreview"),
        nbformat.v4.new_code_cell("review.flag('a.py', 2, 'edge-case', 'y is new')\nreview.verdict = 'approve'"),
        nbformat.v4.new_code_cell("review.flag('a.py', 1, 'logic', 'x changed')\nreview.findings"),
    ]
    nbformat.write(nb, tmp_path / "review.ipynb")
    bin_dir = os.path.dirname(sys.executable)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("NBGRADER_EXECUTION", None)
    nbgrader = shutil.which("nbgrader", path=env["PATH"])
    assert nbgrader, "nbgrader is not installed in this environment"
    run = subprocess.run(
        [nbgrader, "validate", "review.ipynb"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "demo.findings.json").read_bytes() == before
    assert not list(tmp_path.glob(".demo.viewed.json"))
