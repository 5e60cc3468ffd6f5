"""course.diff against real git: paths, statuses and line numbers must agree with git's own."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.diff import Diff, DiffError, FileDiff, Line, tree_texts, unified_diff

LONG = "x" * 50_000 + "\t" + "y" * 49_999  # a 100,000-character line

# The tree before and after the change, as bytes so CRLF and missing newlines are exact.
BEFORE: dict[str, bytes] = {
    "app/main.py": b"".join(b"line %d\n" % i for i in range(1, 31)),
    "app/util.py": b"def util():\n    return 1\n",
    "docs/old_name.md": b"".join(b"# doc line %d stays the same\n" % i for i in range(1, 11)),
    "src/moved_from.py": b"".join(b"value_%d = %d\n" % (i, i) for i in range(1, 13)),
    "removed.txt": b"gone one\ngone two\ngone three\n",
    "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "no_eol_before.txt": b"alpha\nbeta",
    "no_eol_after.txt": b"xray\nyankee\n",
    "crlf.txt": b"one\r\ntwo\r\nthree\r\n",
    "tabs.txt": b"\tindented\n\t\tdeeper\nplain\n",
    "unicode.txt": "café\n日本語\n🙂 smile\n".encode(),
    "long.txt": b"short\n" + LONG.encode() + b"\nend\n",
    "with space/my file.txt": b"first\nsecond\n",
    "plan b/notes.txt": b"keep\nchange me\n",
    "café.txt": "crème\n".encode(),
}
AFTER: dict[str, bytes] = {
    "app/main.py": b"".join(
        (b"LINE %d changed\n" % i if i in (3, 14) else b"line %d\n" % i) for i in range(1, 31) if i != 25
    )
    + b"line 31 added\n",
    "app/util.py": b"def util():\n    return 2\n",
    "docs/new_name.md": BEFORE["docs/old_name.md"],
    "src/moved_to.py": BEFORE["src/moved_from.py"].replace(b"value_6 = 6", b"value_6 = 600"),
    "added.txt": b"brand new\nfile here\n",
    "logo.png": BEFORE["logo.png"][:-10] + b"\xff" * 10,
    "no_eol_before.txt": b"alpha\nbeta\ngamma\n",
    "no_eol_after.txt": b"xray\nzulu",
    "crlf.txt": b"one\r\nTWO\r\nthree\r\n",
    "tabs.txt": b"\tindented\n\t\tdeeper still\nplain\n",
    "unicode.txt": "café\n日本語とても\n🙂 smile\n".encode(),
    "long.txt": b"short\n" + LONG.replace("x", "z").encode() + b"\nend\n",
    "with space/my file.txt": b"first\nsecond, edited\n",
    "plan b/notes.txt": b"keep\nchanged\n",
    "café.txt": "crème brûlée\n".encode(),
}
TEXT_PATHS = sorted(p for p in BEFORE.keys() | AFTER.keys() if p != "logo.png")


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    """Run git in `repo`. Only the tests that compare with git call it; where it is missing they
    fail (make test runs where git is installed), they never skip."""
    if shutil.which("git") is None:
        pytest.fail("the git command is missing: this test compares with git's own diffs; install git")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,  # the tests must not depend on anyone's git settings
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(
        ["git", "-c", "core.autocrlf=false", *args],
        cwd=repo,
        env=env,
        input=input,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


def write_tree(root: Path, tree: dict[str, bytes]) -> None:
    for path, data in tree.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A repository whose HEAD holds BEFORE and whose index holds AFTER."""
    root = tmp_path_factory.mktemp("repo")
    git(root, "init", "-q")
    write_tree(root, BEFORE)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before")
    for path in BEFORE.keys() - AFTER.keys():
        (root / path).unlink()
    write_tree(root, AFTER)
    git(root, "add", "-A")
    return root


@pytest.fixture(scope="module")
def renames(repo) -> Diff:
    return Diff.parse(git(repo, "diff", "--cached", "-M", "--binary").decode("utf-8"))


@pytest.fixture(scope="module")
def plain(repo) -> Diff:
    return Diff.parse(git(repo, "diff", "--cached", "--no-renames").decode("utf-8"))


def side_text(fd: FileDiff, side: str) -> str:
    """The file one side of a whole-file diff describes, rebuilt from its lines."""
    skip = "add" if side == "old" else "remove"
    return "".join(line.raw for line in fd.lines() if line.kind != skip)


# --------------------------------------------------------------------------- real git diffs


def test_every_file_of_a_git_diff_is_listed_with_its_status(renames):
    got = {(fd.old_path, fd.new_path, fd.status, fd.binary) for fd in renames.files}
    assert got == {
        ("app/main.py", "app/main.py", "modified", False),
        ("app/util.py", "app/util.py", "modified", False),
        ("docs/old_name.md", "docs/new_name.md", "renamed", False),
        ("src/moved_from.py", "src/moved_to.py", "renamed", False),
        ("removed.txt", None, "deleted", False),
        (None, "added.txt", "added", False),
        ("logo.png", "logo.png", "modified", True),
        ("no_eol_before.txt", "no_eol_before.txt", "modified", False),
        ("no_eol_after.txt", "no_eol_after.txt", "modified", False),
        ("crlf.txt", "crlf.txt", "modified", False),
        ("tabs.txt", "tabs.txt", "modified", False),
        ("unicode.txt", "unicode.txt", "modified", False),
        ("long.txt", "long.txt", "modified", False),
        ("with space/my file.txt", "with space/my file.txt", "modified", False),
        ("plan b/notes.txt", "plan b/notes.txt", "modified", False),
        ("café.txt", "café.txt", "modified", False),
    }
    assert renames.file("removed.txt").path == "removed.txt"  # a deleted file goes by its old path


def test_several_hunks_of_one_file_come_in_order(renames):
    main = renames.file("app/main.py")
    assert len(main.hunks) == 3
    assert [h.new_start for h in main.hunks] == sorted(h.new_start for h in main.hunks)
    assert (main.added, main.removed) == (3, 3)


def test_rename_without_changes_has_both_paths_and_no_hunks(renames):
    fd = renames.file("docs/new_name.md")
    assert (fd.old_path, fd.status, fd.hunks) == ("docs/old_name.md", "renamed", ())
    assert renames.file("docs/old_name.md") is fd  # found by its old name too


def test_rename_with_changes_numbers_the_changed_line(renames):
    fd = renames.file("src/moved_to.py")
    assert [(ln.kind, ln.old, ln.new, ln.text) for ln in fd.lines() if ln.kind != "context"] == [
        ("remove", 6, None, "value_6 = 6"),
        ("add", None, 6, "value_6 = 600"),
    ]


def test_without_rename_detection_a_rename_is_a_delete_and_an_add(plain):
    assert plain.file("docs/old_name.md").status == "deleted"
    assert plain.file("docs/new_name.md").status == "added"
    assert plain.file("docs/new_name.md").added == 10


@pytest.mark.parametrize("fixture, marker", [("renames", "GIT binary patch"), ("plain", "Binary files a/logo.png")])
def test_binary_file_is_listed_unreviewable_without_hunks(fixture, marker, request):
    diff = request.getfixturevalue(fixture)
    assert marker in diff.text
    fd = diff.file("logo.png")
    assert (fd.binary, fd.reviewable, fd.hunks, fd.status) == (True, False, (), "modified")
    # and the binary payload did not leak into the file after it
    assert [f.path for f in diff.files].count("logo.png") == 1


@pytest.mark.parametrize("fixture", ["renames", "plain"])
def test_line_numbers_agree_with_the_files_git_holds(fixture, repo, request):
    diff = request.getfixturevalue(fixture)
    checked = 0
    for fd in diff.files:
        if fd.binary:
            continue
        new = (repo / fd.new_path).read_bytes().decode().split("\n") if fd.new_path else []
        old = git(repo, "show", f"HEAD:{fd.old_path}").decode().split("\n") if fd.old_path else []
        for line in fd.lines():
            body = line.text + ("\r" if line.crlf else "")
            if line.kind != "remove":
                assert new[line.new - 1] == body, (fd.path, line)
            if line.kind != "add":
                assert old[line.old - 1] == body, (fd.path, line)
            checked += 1
    assert checked > 60


def test_missing_final_newline_is_marked_on_the_side_that_lacks_it(renames):
    before = renames.file("no_eol_before.txt")
    assert [(ln.kind, ln.text, ln.no_newline) for ln in before.lines()] == [
        ("context", "alpha", False),
        ("remove", "beta", True),
        ("add", "beta", False),
        ("add", "gamma", False),
    ]
    after = renames.file("no_eol_after.txt")
    assert [(ln.kind, ln.text, ln.no_newline) for ln in after.lines()] == [
        ("context", "xray", False),
        ("remove", "yankee", False),
        ("add", "zulu", True),
    ]


def test_crlf_lines_lose_the_cr_from_text_and_record_it(renames):
    lines = list(renames.file("crlf.txt").lines())
    assert [(ln.kind, ln.text, ln.crlf) for ln in lines] == [
        ("context", "one", True),
        ("remove", "two", True),
        ("add", "TWO", True),
        ("context", "three", True),
    ]


def test_tabs_non_ascii_and_long_lines_keep_their_text(renames):
    assert renames.file("tabs.txt").line("new", 2).text == "\t\tdeeper still"
    assert renames.file("unicode.txt").line("new", 2).text == "日本語とても"
    assert renames.file("unicode.txt").line("new", 3).text == "🙂 smile"
    long_line = renames.file("long.txt").line("new", 2)
    assert (long_line.kind, len(long_line.text)) == ("add", 100_000)
    assert long_line.text == LONG.replace("x", "z")


def test_paths_with_spaces_and_quoted_non_ascii_paths(renames):
    assert renames.file("with space/my file.txt").line("new", 2).text == "second, edited"
    # "plan b/notes.txt" contains " b/", which unidiff alone splits wrongly
    assert renames.file("plan b/notes.txt").line("new", 2).text == "changed"
    # git quotes this one as "a/caf\303\251.txt"
    assert renames.file("café.txt").line("new", 1).text == "crème brûlée"


def test_addressing_follows_the_design(renames):
    fd = renames.file("app/util.py")
    assert fd.line("old", 2) == Line("remove", 2, None, "    return 1")
    assert fd.line("new", 2) == Line("add", None, 2, "    return 2")
    assert fd.line("new", 1).kind == "context"
    assert fd.line("old", 1) is None  # a context line is addressed on the new side only
    assert renames.has_line("app/util.py", "new", 1)
    assert not renames.has_line("app/util.py", "new", 3)
    assert not renames.has_line("nowhere.py", "new", 1)
    with pytest.raises(ValueError, match="side"):
        fd.line("left", 1)


def test_unknown_file_error_names_the_path_and_the_choices(renames):
    with pytest.raises(KeyError) as err:
        renames.file("missing.py")
    assert "missing.py" in str(err.value) and "app/util.py" in str(err.value)


def test_sha256_and_from_file(tmp_path, repo):
    text = git(repo, "diff", "--cached", "-M").decode()
    path = tmp_path / "change.diff"
    path.write_bytes(text.encode())
    diff = Diff.from_file(path)
    assert diff.source == str(path)
    assert diff.text == text
    assert diff.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert len(diff.files) == 16
    assert len(list(diff.lines())) == sum(len(list(fd.lines())) for fd in diff.files)


def test_a_diff_saved_with_crlf_line_endings_reads_like_the_original(repo):
    text = git(repo, "diff", "--cached", "-M", "--", "app").decode()
    assert Diff.parse(text.replace("\n", "\r\n")).files == Diff.parse(text).files


def test_format_patch_signature_is_not_taken_for_a_hunk_line():
    text = (
        "From 0000 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\n"
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n-- \n2.39.5\n\n"
    )
    assert [ln.text for ln in Diff.parse(text).file("x").lines()] == ["a", "b"]


def test_mode_change_and_empty_file_entries_are_accepted():
    text = (
        "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n"
        "diff --git a/empty.txt b/empty.txt\nnew file mode 100644\nindex 0000000..e69de29\n"
    )
    diff = Diff.parse(text)
    assert [(f.path, f.status, f.hunks) for f in diff.files] == [
        ("run.sh", "modified", ()),
        ("empty.txt", "added", ()),
    ]


# --------------------------------------------------------------------------- broken input


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "the diff is empty"),
        ("  \n\t\n", "the diff is empty"),
        ("hello world", "no file headers found"),
        ("hello\nworld\n", "no file headers found"),
        (
            "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n",
            "hunk at line 4 is malformed: expected 3 lines of the old file, found 2",
        ),
        (  # one line too many: unidiff alone would silently drop "+d"
            "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n+d\n",
            "hunk at line 4 is malformed: expected 2 lines of the new file, found 3",
        ),
        (
            "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n@@ -5 +5 @@\n-q\n+r\n",
            "hunk at line 3 is malformed: expected 2 lines of the new file, found 1",
        ),
        ("diff --git a/x b/x\n--- a/x\n+++ b/x\n", "file 'x' at line 1 has a header but no hunks"),
        ("@@ -1 +1 @@\n-a\n+b\n", "line 1: a hunk comes before any file header"),
    ],
)
def test_broken_diffs_raise_an_error_naming_source_and_problem(text, problem):
    with pytest.raises(DiffError) as err:
        Diff.parse(text, source="broken.diff")
    assert str(err.value).startswith("broken.diff: ")
    assert problem in str(err.value)
    assert isinstance(err.value, ValueError)


def test_from_file_names_the_file_when_it_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.diff"
    path.write_bytes("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-caf\xe9\n+cafe\n".encode("latin-1"))
    with pytest.raises(DiffError, match=r"latin1\.diff: not UTF-8 text \(byte 0xe9"):
        Diff.from_file(path)


def test_from_file_names_the_file_when_the_diff_is_broken(tmp_path):
    path = tmp_path / "empty.diff"
    path.write_text("")
    with pytest.raises(DiffError, match=r"empty\.diff: the diff is empty"):
        Diff.from_file(path)


# --------------------------------------------------------------------------- writing diffs


def texts(tree: dict[str, bytes]) -> dict[str, str]:
    return {p: b.decode() for p, b in tree.items() if p != "logo.png"}


@pytest.mark.parametrize("context", [None, 3])
def test_unified_diff_is_accepted_and_applied_by_git(tmp_path, context):
    before, after = texts(BEFORE), texts(AFTER)
    after["empty_new.txt"] = ""  # git writes no hunk for an empty new file
    text = unified_diff(before, after, context=context)
    root = tmp_path / "apply"
    root.mkdir()
    git(root, "init", "-q")
    write_tree(root, {p: t.encode() for p, t in before.items()})
    (root / "change.diff").write_text(text, encoding="utf-8", newline="")
    git(root, "apply", "--check", "change.diff")
    git(root, "apply", "change.diff")
    (root / "change.diff").unlink()
    shutil.rmtree(root / ".git")
    assert tree_texts(root) == after


def test_unified_diff_round_trips_through_the_parser_exactly():
    before, after = texts(BEFORE), texts(AFTER)
    diff = Diff.parse(unified_diff(before, after))
    assert sorted(fd.path for fd in diff.files) == sorted(p for p in TEXT_PATHS if before.get(p) != after.get(p))
    for fd in diff.files:
        assert len(fd.hunks) == 1  # the whole file as context is one hunk
        assert side_text(fd, "new") == after.get(fd.path, "")
        assert side_text(fd, "old") == before.get(fd.old_path or fd.path, "")


def test_unified_diff_headers_are_git_style():
    text = unified_diff(
        {"gone.txt": "bye\n", "same.txt": "s\n", "x y.txt": "a\nb"},
        {"new.txt": "hi\n", "same.txt": "s\n", "x y.txt": "a\nc"},
        context=1,
    )
    assert text == (
        "diff --git a/gone.txt b/gone.txt\n"
        "deleted file mode 100644\n"
        "--- a/gone.txt\n"
        "+++ /dev/null\n"
        "@@ -1 +0,0 @@\n"
        "-bye\n"
        "diff --git a/new.txt b/new.txt\n"
        "new file mode 100644\n"
        "--- /dev/null\n"
        "+++ b/new.txt\n"
        "@@ -0,0 +1 @@\n"
        "+hi\n"
        "diff --git a/x y.txt b/x y.txt\n"
        "--- a/x y.txt\t\n"
        "+++ b/x y.txt\t\n"
        "@@ -1,2 +1,2 @@\n"
        " a\n"
        "-b\n"
        "\\ No newline at end of file\n"
        "+c\n"
        "\\ No newline at end of file\n"
    )


def test_paths_git_must_quote_survive_the_round_trip():
    path = 'odd "name"\twith\\slash é.txt'
    text = unified_diff({path: "a\n"}, {path: "b\n"})
    assert text.startswith('diff --git "a/odd \\"name\\"\\twith\\\\slash é.txt" ')
    assert Diff.parse(text).files[0].path == path


def test_unified_diff_is_stable():
    before, after = texts(BEFORE), texts(AFTER)
    assert unified_diff(before, after) == unified_diff(dict(reversed(before.items())), after)


def test_compare_two_strings():
    diff = Diff.compare("a\nb\nc\n", "a\nB\nc\n", "notes.md", context=0)
    fd = diff.file("notes.md")
    assert [(ln.kind, ln.number, ln.text) for ln in fd.lines()] == [("remove", 2, "b"), ("add", 2, "B")]
    assert Diff.compare("same\n", "same\n").files == ()


def test_tree_texts_reads_text_and_skips_caches(tmp_path):
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / ".pytest_cache").mkdir()
    (tmp_path / ".pytest_cache" / "README.md").write_text("cache")
    (tmp_path / "pkg" / "m.py").write_bytes(b"x = 1\r\n")
    (tmp_path / "pkg" / "old.pyc").write_bytes(b"\0")
    (tmp_path / "a b.txt").write_text("é")
    assert tree_texts(tmp_path) == {"a b.txt": "é", "pkg/m.py": "x = 1\r\n"}


# --------------------------------------------------------------------------- property

small_text = st.builds(
    lambda lines, final: "\n".join(lines) + ("\n" if final and lines else ""),
    st.lists(st.sampled_from(["a", "b", "c", "", "d e", "\tf", "é", "日本", "🙂"]), max_size=8),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(before=small_text, after=small_text, context=st.sampled_from([None, 0, 1, 3]))
def test_parse_of_unified_diff_reconstructs_both_sides(before, after, context):
    text = unified_diff({"f.txt": before}, {"f.txt": after}, context=context)
    if before == after:
        assert text == ""
        return
    fd = Diff.parse(text).file("f.txt")
    if context is None:
        assert side_text(fd, "new") == after
        assert side_text(fd, "old") == before
    old_lines, new_lines = before.split("\n"), after.split("\n")
    for line in fd.lines():
        if line.kind != "remove":
            assert new_lines[line.new - 1] == line.text
        if line.kind != "add":
            assert old_lines[line.old - 1] == line.text
    assert fd.added == sum(1 for ln in fd.lines() if ln.kind == "add")
