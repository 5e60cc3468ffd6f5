"""Hostile files: every reader of a sidecar and the grader's intake refuse them by name, never
hang, never follow a link, never raise a traceback that names no student."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import main
from course.grading.intake import Limits, copy_submission
from course.grading.snapshot import changes, snapshot
from course.review import store as store_mod
from course.review.store import (
    MAX_COMMENT,
    MAX_FINDINGS,
    MAX_SIDECAR_BYTES,
    FindingStore,
    SidecarCorrupt,
    read_sidecar,
)

SLUG = "order-totals"  # the exercise of conftest's tiny_bank
KEY_TEXT = "SECRET-ANSWER-KEY: first-item-dropped at totals.py:6"


def finding(i: int, comment: str = "") -> dict:
    return {
        "id": f"f{i}",
        "path": "shop/totals.py",
        "side": "new",
        "start": 6,
        "end": 6,
        "category": "logic",
        "comment": comment,
    }


def sidecar_bytes(findings=(), **extra) -> bytes:
    data = {"schema": 1, "exercise": SLUG, "diff_sha256": None, "verdict": None, "findings": list(findings), **extra}
    return json.dumps(data).encode()


# hostile sidecars, by content ----------------------------------------------------------------------

DEEP = b'{"schema": 1, "exercise": "order-totals", "findings": [], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
HUGE_INT = b'{"schema": 1, "exercise": "order-totals", "findings": [], "x": ' + b"7" * 5_000 + b"}"

CONTENT_CASES = {
    "deep nesting": (DEEP, "nests JSON 100,001 levels deep; a review is 3 levels deep"),
    "5,000-digit integer": (HUGE_INT, "has a number 5,000 digits long; its numbers are line numbers"),
    "a 5,000-digit line number": (
        sidecar_bytes().replace(b'"findings": []', b'"findings": [{"start": ' + b"9" * 5000 + b"}]"),
        "has a number 5,000 digits long; its numbers are line numbers",
    ),
    "NaN": (
        b'{"schema": 1, "exercise": "order-totals", "findings": [], "x": NaN}',
        "has NaN, which is not a JSON value",
    ),
    "-Infinity": (
        b'{"schema": 1, "exercise": "order-totals", "findings": [], "x": -Infinity}',
        "has -Infinity, which is not a JSON value",
    ),
    "1e999": (
        b'{"schema": 1, "exercise": "order-totals", "findings": [], "x": 1e999}',
        "has the number 1e999, too large to be a number",
    ),
    "bad UTF-8": (b'{"schema": 1, "exercise": "order-\xc3\x28totals", "findings": []}', "is not UTF-8 text (byte 33)"),
    "duplicate key": (
        b'{"schema": 1, "exercise": "order-totals", "verdict": "approve", "findings": [], "verdict": "request-changes"}',
        "has the key 'verdict' twice in one object",
    ),
    "lone surrogate": (sidecar_bytes([finding(0, "\ud800")]), "finding 0: field 'comment' is not valid Unicode text"),
    "comment over the viewer's limit": (
        sidecar_bytes([finding(0, "x" * (MAX_COMMENT + 1))]),
        "finding 0: the comment is 5,001 characters long; at most 5,000 are kept",
    ),
    "path of a megabyte": (
        sidecar_bytes([{**finding(0), "path": "a" * 1_000_000}]),
        "finding 0: field 'path' is 1,000,000 characters long; at most 1,000 are kept",
    ),
    "2,001 findings": (
        sidecar_bytes([finding(i) for i in range(MAX_FINDINGS + 1)]),
        "holds 2,001 findings; at most 2,000 are read (more is not a review: flag the lines that matter)",
    ),
    "200,000 findings": (
        sidecar_bytes([finding(i) for i in range(200_000)]),
        "is larger than 5.0 MB; a review file is never that large and is not read",
    ),
}


@pytest.mark.timeout(10)
@pytest.mark.parametrize("case", list(CONTENT_CASES))
def test_read_sidecar_refuses_hostile_content_by_name(tmp_path, case):
    content, problem = CONTENT_CASES[case]
    path = tmp_path / f"{SLUG}.findings.json"
    path.write_bytes(content)
    started = time.perf_counter()
    with pytest.raises(SidecarCorrupt) as info:
        read_sidecar(path)
    assert time.perf_counter() - started < 3, "a hostile sidecar must be refused quickly"
    assert info.value.problem == problem
    assert str(info.value).startswith(f"{path}: {problem}.")
    assert path.read_bytes() == content  # kept untouched


def test_refusals_do_not_depend_on_limits_a_notebook_can_lift(tmp_path, monkeypatch):
    """A kernel that lifted the int-digits limit, or the recursion limit (then deep JSON would
    crash the C parser instead of raising), is still protected: deep JSON never reaches it."""
    path = tmp_path / f"{SLUG}.findings.json"
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        path.write_bytes(HUGE_INT)
        with pytest.raises(SidecarCorrupt, match="5,000 digits"):
            read_sidecar(path)
    finally:
        sys.set_int_max_str_digits(old)

    def never(*args, **kwargs):
        raise AssertionError("deep JSON reached the parser")

    monkeypatch.setattr(store_mod.json, "loads", never)
    path.write_bytes(DEEP)
    with pytest.raises(SidecarCorrupt, match="levels deep"):
        read_sidecar(path)
    path.write_bytes(b'{"a": "' + b"[" * 10_000 + b'", "b": "\\"}')  # brackets inside strings do not count
    with pytest.raises(AssertionError, match="reached the parser"):
        read_sidecar(path)


def test_an_honest_sidecar_at_the_caps_is_read(tmp_path):
    path = tmp_path / f"{SLUG}.findings.json"
    path.write_bytes(sidecar_bytes([finding(i, "é" * MAX_COMMENT if i == 0 else "") for i in range(MAX_FINDINGS)]))
    side = read_sidecar(path)
    assert side is not None and len(side.findings) == MAX_FINDINGS and len(side.findings[0].comment) == MAX_COMMENT


def test_the_store_never_writes_what_it_would_refuse_to_read(tmp_path):
    path = tmp_path / f"{SLUG}.findings.json"
    store = FindingStore(path, SLUG)
    with pytest.raises(ValueError, match="at most 5,000"):
        store.add("shop/totals.py", 6, "logic", "x" * (MAX_COMMENT + 1))
    assert not path.exists()
    f = store.add("shop/totals.py", 6, "logic", "fine")
    with pytest.raises(ValueError, match="not valid Unicode"):
        store.update(f.id, comment="\udcff")
    assert read_sidecar(path).findings[0].comment == "fine"


def test_the_comment_cap_is_the_viewers():
    from course.review.viewer import MAX_COMMENT as viewer_max

    assert viewer_max == MAX_COMMENT


# hostile sidecars, by kind of file ------------------------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.json")


def _link_to_a_sound_sidecar(path: Path) -> None:
    real = path.parent / "elsewhere.json"
    real.write_bytes(sidecar_bytes())
    path.symlink_to(real)


def _link_to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _folder(path: Path) -> None:
    path.mkdir()


def _sparse_huge(path: Path) -> None:
    with path.open("wb") as fh:
        fh.truncate(MAX_SIDECAR_BYTES + 1)


KIND_CASES = {
    "FIFO": (_fifo, "is a named pipe (FIFO), not a file; it is not read"),
    "dangling symlink": (_dangling, "is a symbolic link, not a file; it is not read"),
    "symlink to a sound sidecar": (_link_to_a_sound_sidecar, "is a symbolic link, not a file; it is not read"),
    "symlink to /dev/zero": (_link_to_dev_zero, "is a symbolic link, not a file; it is not read"),
    "folder": (_folder, "is a folder, not a file; it is not read"),
    "file over 5 MB": (_sparse_huge, "is larger than 5.0 MB; a review file is never that large and is not read"),
}


@pytest.mark.timeout(10)
@pytest.mark.parametrize("case", list(KIND_CASES))
def test_read_sidecar_refuses_what_is_not_a_file_without_waiting(tmp_path, case):
    make, problem = KIND_CASES[case]
    path = tmp_path / f"{SLUG}.findings.json"
    make(path)
    with pytest.raises(SidecarCorrupt) as info:
        read_sidecar(path)
    assert info.value.problem == problem and str(path) in str(info.value)


@pytest.mark.timeout(10)
def test_read_sidecar_refuses_a_file_swapped_for_a_fifo_after_lstat(tmp_path, monkeypatch):
    """The fstat after an O_NONBLOCK open catches what lstat did not see."""
    path = tmp_path / f"{SLUG}.findings.json"
    os.mkfifo(path)
    real_lstat = os.lstat
    regular = os.stat_result((stat.S_IFREG | 0o644, 1, 1, 1, 0, 0, 100, 0, 0, 0))  # what lstat saw a moment ago
    monkeypatch.setattr(store_mod.os, "lstat", lambda p: regular if Path(p) == path else real_lstat(p))
    with pytest.raises(SidecarCorrupt, match=r"named pipe \(FIFO\)"):
        read_sidecar(path)


@pytest.mark.timeout(10)
def test_a_store_on_a_fifo_turns_read_only_and_can_quarantine_it(tmp_path):
    path = tmp_path / f"{SLUG}.findings.json"
    os.mkfifo(path)
    store = FindingStore(path, SLUG)
    assert store.error is not None and "named pipe" in store.error.problem
    with pytest.raises(SidecarCorrupt):
        store.add("shop/totals.py", 6, "logic")
    moved = store.quarantine()
    assert moved is not None and stat.S_ISFIFO(os.lstat(moved).st_mode)
    store.add("shop/totals.py", 6, "logic")
    assert len(read_sidecar(path).findings) == 1


# the same through `course score FILE --exercise SLUG` ---------------------------------------------


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "case", ["FIFO", "dangling symlink", "file over 5 MB", "deep nesting", "5,000-digit integer", "200,000 findings"]
)
def test_course_score_says_what_is_wrong_and_exits_non_zero(tmp_path, tiny_bank, case):
    path = tmp_path / f"{SLUG}.findings.json"
    if case in KIND_CASES:
        KIND_CASES[case][0](path)
        problem = KIND_CASES[case][1]
    else:
        content, problem = CONTENT_CASES[case]
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["score", str(path), "--exercise", SLUG, "--bank", str(tiny_bank)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"Error: {path}: {problem}." in result.output
    assert "Traceback" not in result.output


# intake: one student's folder copied as hostile input ---------------------------------------------


@pytest.fixture
def sub(tmp_path) -> Path:
    """alice's honest submission: a notebook, a sidecar, a timestamp and a file in a subfolder."""
    folder = tmp_path / "submitted" / "alice" / "review-1"
    (folder / "notes").mkdir(parents=True)
    (folder / "review.ipynb").write_text('{"cells": []}')
    (folder / f"{SLUG}.findings.json").write_bytes(sidecar_bytes([finding(0, "drops an item")]))
    (folder / "timestamp.txt").write_text("2026-01-05 10:00:00")
    (folder / "notes" / "café ünïcode $(rm -rf) 'q'.md").write_text("honest")
    return folder


HONEST = sorted(["review.ipynb", f"{SLUG}.findings.json", "timestamp.txt", "notes/café ünïcode $(rm -rf) 'q'.md"])


@pytest.fixture
def key(tmp_path) -> Path:
    path = tmp_path / "instructor" / "key.toml"
    path.parent.mkdir()
    path.write_text(KEY_TEXT)
    return path


def stage(sub: Path, **limits) -> tuple:
    dst = sub.parents[2] / "staging" / "alice" / "review-1"
    intake = copy_submission(sub, dst, limits=Limits(**limits), student="alice")
    return intake, dst


def tree(folder: Path) -> dict[str, bytes]:
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            p = Path(root) / name
            out[p.relative_to(folder).as_posix()] = b"<link>" if p.is_symlink() else p.read_bytes()
    return out


def assert_honest_copied(intake, sub: Path, dst: Path) -> None:
    assert sorted(intake.copied) == HONEST
    copied = tree(dst)
    for rel in HONEST:
        assert copied[rel] == (sub / rel).read_bytes()
    assert not any(Path(dst, rel).is_symlink() for rel in copied)


def test_an_honest_submission_is_copied_whole(sub):
    intake, dst = stage(sub)
    assert intake.ok and intake.problems == [] and intake.refused == []
    assert_honest_copied(intake, sub, dst)
    assert sorted(tree(dst)) == HONEST
    assert intake.bytes == sum((sub / rel).stat().st_size for rel in HONEST)
    assert read_sidecar(dst / f"{SLUG}.findings.json").findings[0].comment == "drops an item"


def test_a_symlink_to_a_key_is_refused_and_the_key_never_reaches_staging(sub, key):
    (sub / "key.toml").symlink_to(key)
    (sub / "notes" / "also-key.toml").symlink_to(os.path.relpath(key, sub / "notes"))
    intake, dst = stage(sub)
    assert intake.problems == [
        "alice/key.toml: a symbolic link; not copied",
        "alice/notes/also-key.toml: a symbolic link; not copied",
    ]
    assert_honest_copied(intake, sub, dst)
    assert all(KEY_TEXT.encode() not in data for data in tree(dst).values())
    assert sorted(tree(dst)) == HONEST


def test_a_symlink_to_a_folder_is_not_followed(sub, key):
    (sub / "again").symlink_to(sub)  # a loop: followed, it would copy the tree again and again
    (sub / "instructor").symlink_to(key.parent)
    intake, dst = stage(sub)
    assert intake.problems == [
        "alice/again: a symbolic link; not copied",
        "alice/instructor: a symbolic link; not copied",
    ]
    assert sorted(tree(dst)) == HONEST
    assert_honest_copied(intake, sub, dst)


def test_a_dangling_symlink_is_refused(sub):
    (sub / "other.findings.json").symlink_to(sub / "nowhere")
    intake, dst = stage(sub)
    assert intake.problems == ["alice/other.findings.json: a symbolic link; not copied"]
    assert_honest_copied(intake, sub, dst)


@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_waiting(sub):
    os.mkfifo(sub / "notes" / "feedback.findings.json")
    intake, dst = stage(sub)
    assert intake.problems == ["alice/notes/feedback.findings.json: a named pipe (FIFO); not copied"]
    assert_honest_copied(intake, sub, dst)


@pytest.mark.timeout(10)
def test_a_socket_is_refused(sub):
    # AF_UNIX paths are limited to ~100 bytes: bind in a short folder, then move the socket in.
    with tempfile.TemporaryDirectory(dir="/tmp") as short:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.bind(os.path.join(short, "s"))
            os.rename(os.path.join(short, "s"), sub / "kernel.sock")
            intake, dst = stage(sub)
        finally:
            s.close()
    assert intake.problems == ["alice/kernel.sock: a socket; not copied"]
    assert_honest_copied(intake, sub, dst)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_refused(sub):
    try:
        os.mknod(sub / "zero", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("this container may not make device nodes")
    intake, dst = stage(sub)
    assert intake.problems == ["alice/zero: a device; not copied"]
    assert_honest_copied(intake, sub, dst)


def test_hostile_sidecars_are_copied_as_bytes_and_refused_when_read(sub):
    """Intake copies bytes; it is the reader that refuses the content, by name."""
    (sub / "deep.findings.json").write_bytes(DEEP)
    intake, dst = stage(sub)
    assert intake.ok and "deep.findings.json" in intake.copied
    with pytest.raises(SidecarCorrupt, match="levels deep"):
        read_sidecar(dst / "deep.findings.json")


def test_a_file_over_the_cap_is_refused(sub):
    with (sub / "dump.bin").open("wb") as fh:  # sparse: 51 MB on paper, nothing on disk
        fh.truncate(51 * 1024 * 1024)
    intake, dst = stage(sub)
    assert intake.problems == ["alice/dump.bin: 51 MB, over the 50 MB one file may have; not copied"]
    assert_honest_copied(intake, sub, dst)
    assert not (dst / "dump.bin").exists()


def test_the_total_cap_refuses_what_would_go_over_it(sub):
    honest = sum((sub / rel).stat().st_size for rel in HONEST)
    (sub / "zz").mkdir()
    (sub / "zz" / "1.bin").write_bytes(b"1" * 600)
    (sub / "zz" / "2.bin").write_bytes(b"2" * 600)
    intake, dst = stage(sub, total_bytes=honest + 1000)
    assert intake.problems == [f"alice/zz/2.bin: would take the submission over {honest + 1000:,} bytes; not copied"]
    assert "zz/1.bin" in intake.copied and not (dst / "zz" / "2.bin").exists()
    assert intake.bytes == honest + 600
    intake.copied.remove("zz/1.bin")
    assert_honest_copied(intake, sub, dst)


def test_too_many_files(sub):
    (sub / "zz").mkdir()  # walked after the honest files: top folder first, then folders by name
    for i in range(10):
        (sub / "zz" / f"{i}.txt").write_text(str(i))
    intake, dst = stage(sub, files=len(HONEST) + 3)
    assert intake.problems == [f"alice/zz/{i}.txt: more than 7 files; not copied" for i in range(3, 10)]
    assert sorted(p.name for p in (dst / "zz").iterdir()) == ["0.txt", "1.txt", "2.txt"]
    intake.copied = [rel for rel in intake.copied if not rel.startswith("zz/")]
    assert_honest_copied(intake, sub, dst)


def test_refusals_beyond_the_cap_are_counted_not_listed(sub):
    for i in range(10):
        (sub / f"link{i}").symlink_to("/etc/passwd")
    intake, dst = stage(sub, problems=3)
    assert intake.problems == [
        "alice/link0: a symbolic link; not copied",
        "alice/link1: a symbolic link; not copied",
        "alice/link2: a symbolic link; not copied",
        "alice: 7 more entries refused (not listed one by one)",
    ]
    assert_honest_copied(intake, sub, dst)


@pytest.mark.timeout(20)
def test_a_folder_of_countless_entries_is_not_read_to_the_end(sub):
    many = sub / "zz-many"
    many.mkdir()
    for i in range(3000):
        (many / f"{i:05}").touch()
    started = time.perf_counter()
    intake, dst = stage(sub, entries=1000, files=5000)
    assert time.perf_counter() - started < 10
    assert intake.problems == ["alice: more than 1,000 entries; stopped reading at zz-many; nothing further copied"]
    assert len(intake.copied) == 1000 - 5 - 1 + len(HONEST)  # 5 honest entries, zz-many itself
    intake.copied = [rel for rel in intake.copied if not rel.startswith("zz-many/")]
    assert_honest_copied(intake, sub, dst)  # the top folder and notes/ were read before zz-many


def test_a_tree_deeper_than_the_cap(sub):
    deep = sub / "notes"
    for i in range(10):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_text("x")
    intake, dst = stage(sub)
    assert intake.problems == ["alice/notes/d0/d1/d2/d3/d4/d5/d6/d7: a folder nested more than 8 deep; not copied"]
    assert (dst / "notes/d0/d1/d2/d3/d4/d5/d6").is_dir() and not (dst / "notes/d0/d1/d2/d3/d4/d5/d6/d7").exists()
    assert_honest_copied(intake, sub, dst)


def test_odd_names(sub):
    raw = os.fsencode(sub)
    with open(os.path.join(raw, b"latin1-\xe9.py"), "wb") as fh:  # not UTF-8
        fh.write(b"x")
    (sub / "two\nlines.py").write_text("x")
    (sub / "gnp.\u202eexe").write_text("x")  # a right-to-left override hides the real extension
    (sub / "-rf").write_text("a leading dash is only a name")
    (sub / " spaced out ").write_text("so are spaces")
    intake, dst = stage(sub)
    assert intake.problems == [
        "alice/gnp.\\u202eexe: a name with control or invisible characters; not copied",
        "alice/latin1-\\xe9.py: a name that is not UTF-8 text; not copied",
        "alice/two\\nlines.py: a name with control or invisible characters; not copied",
    ]
    assert all("\n" not in p for p in intake.problems)
    assert (dst / "-rf").read_text() == "a leading dash is only a name" and (dst / " spaced out ").exists()
    assert sorted(intake.copied) == sorted([*HONEST, "-rf", " spaced out "])


def test_nbgraders_ignore_list_is_skipped_quietly(sub):
    (sub / ".ipynb_checkpoints").mkdir()
    (sub / ".ipynb_checkpoints" / "review-checkpoint.ipynb").write_text("{}")
    (sub / f".{SLUG}.findings.json.lock").touch()
    intake, dst = stage(sub)
    assert intake.ok and sorted(intake.skipped) == [".ipynb_checkpoints", f".{SLUG}.findings.json.lock"]
    assert sorted(tree(dst)) == HONEST


def test_a_submitted_folder_that_is_itself_a_link_or_missing(tmp_path, sub, key):
    link = tmp_path / "linked"
    link.symlink_to(key.parent)
    intake = copy_submission(link, tmp_path / "out1", limits=Limits(), student="bob")
    assert intake.problems == ["bob: the submitted folder is a symbolic link; nothing copied"]
    assert list((tmp_path / "out1").iterdir()) == []
    intake = copy_submission(tmp_path / "nope", tmp_path / "out2", limits=Limits(), student="carol")
    assert intake.problems == ["carol: the submitted folder cannot be read (No such file or directory)"]


def test_staging_must_be_fresh(sub, tmp_path):
    dst = tmp_path / "staging"
    dst.mkdir()
    (dst / "old.txt").touch()
    with pytest.raises(FileExistsError, match="must not exist yet"):
        copy_submission(sub, dst, limits=Limits())


def test_modification_times_are_kept(sub):
    os.utime(sub / "timestamp.txt", ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    _, dst = stage(sub)
    assert (dst / "timestamp.txt").stat().st_mtime_ns == 1_700_000_000_000_000_000


# snapshots ------------------------------------------------------------------------------------------


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_snapshot_maps_each_file_to_its_sha256(sub):
    snap = snapshot(sub)
    assert snap == {rel: sha((sub / rel).read_bytes()) for rel in HONEST}


@pytest.mark.timeout(10)
def test_snapshot_sees_every_change_and_follows_nothing(sub, key):
    (sub / "key.toml").symlink_to(key)
    os.mkfifo(sub / "pipe")
    before = snapshot(sub)
    assert before["key.toml"].startswith("symlink:") and before["key.toml"] != sha(KEY_TEXT.encode())
    assert before["pipe"] == "fifo"
    assert changes(before, snapshot(sub)) == []
    (sub / "timestamp.txt").write_text("2026-01-05 10:00:01")
    (sub / "notes" / "new.md").write_text("late")
    (sub / "review.ipynb").unlink()
    (sub / "key.toml").unlink()
    (sub / "key.toml").symlink_to("/etc/hostname")
    assert changes(before, snapshot(sub)) == [
        "changed key.toml",
        "added notes/new.md",
        "removed review.ipynb",
        "changed timestamp.txt",
    ]


def test_snapshot_says_when_it_stopped_at_a_cap(sub):
    snap = snapshot(sub, limits=Limits(files=2))
    assert snap[""] == "more than 2 files; the rest not hashed"
    assert len(snap) == 3


def test_snapshot_of_a_missing_folder(tmp_path):
    assert snapshot(tmp_path / "nope") == {"": "missing (No such file or directory)"}
    with contextlib.suppress(FileExistsError):
        (tmp_path / "link").symlink_to(tmp_path)
    assert snapshot(tmp_path / "link") == {"": "not a folder: a symbolic link"}
