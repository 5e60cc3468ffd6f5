"""Intake: a student's submitted folder copied into staging as hostile input, and snapshots of trees.

Submissions arrive through nbgrader collect, git, LMS archives and tarballs, so a folder may hold
anything a file system can: symbolic links (to a key, to a folder, to nowhere), FIFOs, devices,
sockets, huge or countless files, deep trees and odd names. Nothing here follows a link, waits on
a file, or reads without a cap. Every directory is opened relative to its parent with O_NOFOLLOW,
so a link swapped in while the copy runs is refused, not followed.

    intake = copy_submission(submitted / student / assignment, staging / student / assignment,
                             limits=Limits(), student=student)
    intake.problems  # ["alice/key.json: a symbolic link; not copied", ...]

`snapshot(folder)` maps every file of a tree to its sha256 (same rules), so the grader can check
that a submission, the bank and the config did not change while it graded; `changes(before,
after)` says what did.

POSIX only (it relies on dir_fd and O_NOFOLLOW), as the grading sandbox is.
"""

from __future__ import annotations

import contextlib
import os
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from ..review.sidecar import not_a_file

__all__ = [
    "DEFAULT_IGNORE",
    "Intake",
    "Limits",
    "Refusal",
    "copy_submission",
]

MB = 1024 * 1024

# nbgrader's CourseDirectory.ignore in nbgrader_config.py: never submitted, never graded.
DEFAULT_IGNORE = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*.findings.json.lock")


@dataclass(frozen=True)
class Limits:
    """Hard caps on one tree. An honest submission (a few notebooks, their sidecars, a timestamp)
    is a few MB in a handful of files one or two levels deep; the caps are far above that and
    far below what would slow the grader or fill its disk."""

    file_bytes: int = 50 * MB  # one file; a notebook with plots is a few MB
    total_bytes: int = 200 * MB  # the whole tree
    files: int = 500  # files copied (or hashed)
    depth: int = 8  # folders inside the top folder
    entries: int = 5_000  # directory entries looked at, of any kind: bounds the time of a walk
    problems: int = 50  # refusals recorded one by one; the rest are counted


@dataclass(frozen=True)
class Refusal:
    """One entry that was not copied, and why, in plain words."""

    student: str
    path: str  # relative, "/"-separated, odd characters escaped
    reason: str  # "a symbolic link; not copied"

    def __str__(self) -> str:
        where = self.student if self.path == "." else f"{self.student}/{self.path}"
        return f"{where}: {self.reason}"


@dataclass
class Intake:
    """What copy_submission did with one student's folder."""

    student: str
    src: Path
    dst: Path
    copied: list[str] = field(default_factory=list)  # relative paths of the files copied
    refused: list[Refusal] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # matched an ignore pattern (not a problem)
    unlisted: int = 0  # refusals beyond Limits.problems, counted only
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.refused and not self.unlisted

    @property
    def problems(self) -> list[str]:
        out = [str(r) for r in self.refused]
        if self.unlisted:
            out.append(f"{self.student}: {self.unlisted:,} more entries refused (not listed one by one)")
        return out


# names and kinds -----------------------------------------------------------------------------------

# getattr: importing this module must not fail elsewhere; _require_posix() refuses to run there.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = (
    os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
)
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, invisible format marks, bidi overrides


def show(name: str) -> str:
    """A name as one line of readable text: control and invisible characters and undecodable
    bytes are escaped, everything else (accents, spaces, quotes) is kept."""
    out = []
    for ch in name:
        if 0xDC80 <= ord(ch) <= 0xDCFF:  # an undecodable byte, as os.fsdecode keeps it
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif unicodedata.category(ch) in _BAD_CATEGORIES:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def _name_problem(name: str) -> str | None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "a name that is not UTF-8 text; not copied"
    if any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in name):
        return "a name with control or invisible characters; not copied"
    return None


def _kind(mode: int) -> str:
    return not_a_file(mode) or "a regular file"


def _mb(n: int) -> str:
    if n < MB:
        return f"{n:,} bytes"
    return f"{n / MB:.1f} MB" if n < 10 * MB else f"{n // MB:,} MB"


def _require_posix() -> None:
    if not (_NOFOLLOW and os.open in os.supports_dir_fd and os.scandir in os.supports_fd):
        raise OSError("reading submissions safely needs a POSIX system (O_NOFOLLOW, dir_fd)")


def _oserror(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


# the walk ------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    rel: str  # relative path, "/"-separated, as on disk
    dir_fd: int  # the folder holding it, open until the next entry is asked for
    name: str
    st: os.stat_result


class _Walk:
    """Walk a tree without following links; yield folders (before their contents) and files
    (regular or not). Refusals go to `refuse`; the walk itself never raises for the tree."""

    def __init__(self, root: Path, limits: Limits, refuse: Callable[[str, str], None], ignore: tuple[str, ...]):
        self.root = root
        self.limits = limits
        self.refuse = refuse
        self.ignore = ignore
        self.skipped: list[str] = []
        self.seen = 0
        self.stopped: str | None = None  # why the walk stopped early (the entries cap)

    def _open_dir(self, parts: list[str]) -> int:
        """Open root/parts... one component at a time, each with O_NOFOLLOW."""
        fd = os.open(self.root, _DIR_FLAGS)
        try:
            for part in parts:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    def __iter__(self) -> Iterator[_Entry]:
        stack: list[list[str]] = [[]]
        while stack and self.stopped is None:
            parts = stack.pop()
            rel_dir = "/".join(parts)
            try:
                fd = self._open_dir(parts)
            except OSError as exc:
                self.refuse(rel_dir, f"a folder that cannot be opened ({_oserror(exc)}); not copied")
                continue
            try:
                names = self._list(fd, rel_dir)
                subdirs: list[list[str]] = []
                for name in names:
                    rel = f"{rel_dir}/{name}" if rel_dir else name
                    try:
                        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    except OSError as exc:
                        self.refuse(rel, f"cannot be read ({_oserror(exc)}); not copied")
                        continue
                    if stat.S_ISDIR(st.st_mode):
                        if len(parts) + 1 > self.limits.depth:
                            self.refuse(rel, f"a folder nested more than {self.limits.depth} deep; not copied")
                            continue
                        subdirs.append([*parts, name])
                    yield _Entry(rel, fd, name, st)
                stack.extend(reversed(subdirs))
            finally:
                os.close(fd)

    def _list(self, fd: int, rel_dir: str) -> list[str]:
        """The names in one folder worth looking at, sorted; odd names refused, ignored ones skipped."""
        found: list[str] = []
        try:
            with os.scandir(fd) as it:
                for entry in it:
                    self.seen += 1
                    if self.seen > self.limits.entries:
                        where = show(rel_dir) or "the top folder"
                        self.stopped = f"more than {self.limits.entries:,} entries; stopped reading at {where}"
                        break
                    found.append(entry.name)
        except OSError as exc:
            self.refuse(rel_dir, f"a folder that cannot be listed ({_oserror(exc)}); not copied")
        names: list[str] = []
        for name in sorted(found):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            problem = _name_problem(name)
            if problem:
                self.refuse(rel, problem)
            elif any(fnmatchcase(name, pattern) for pattern in self.ignore):
                self.skipped.append(show(rel))
            else:
                names.append(name)
        return names


def _refuser(student: str, limits: Limits, refused: list[Refusal], counter: list[int]) -> Callable[[str, str], None]:
    def refuse(rel: str, reason: str) -> None:
        if len(refused) < limits.problems:
            refused.append(Refusal(student, show(rel) or ".", reason))
        else:
            counter[0] += 1

    return refuse


def _open_regular(entry: _Entry) -> int | str:
    """An fd on the entry's file, or why it cannot be read. Refuses a file swapped since its lstat."""
    try:
        fd = os.open(entry.name, _READ_FLAGS, dir_fd=entry.dir_fd)
    except OSError as exc:
        return f"cannot be read ({_oserror(exc)}); not copied"
    try:
        st = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        return f"cannot be read ({_oserror(exc)}); not copied"
    if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (entry.st.st_dev, entry.st.st_ino):
        os.close(fd)
        return "changed while being read; not copied"
    return fd


# copy ----------------------------------------------------------------------------------------------


def copy_submission(
    src: Path,
    dst: Path,
    *,
    limits: Limits = Limits(),
    student: str | None = None,
    ignore: tuple[str, ...] = DEFAULT_IGNORE,
) -> Intake:
    """Copy one student's submitted folder `src` into `dst` (created; must not exist or be empty).

    Copies regular files and folders only, each opened without following links and without
    waiting; refuses and records links, FIFOs, devices, sockets, odd names, and whatever is over
    a cap in `limits`. Names matching `ignore` (nbgrader's ignore list) are skipped silently.
    Never raises for what is in `src`; raises OSError only when `dst` cannot be written.
    """
    _require_posix()
    src, dst = Path(src), Path(dst)
    student = show(student if student is not None else src.name)
    intake = Intake(student, src, dst)
    if dst.exists() and (not dst.is_dir() or dst.is_symlink() or any(dst.iterdir())):
        raise FileExistsError(f"{dst}: the staging folder must not exist yet (or be empty)")
    dst.mkdir(parents=True, exist_ok=True)
    unlisted = [0]
    refuse = _refuser(student, limits, intake.refused, unlisted)
    try:
        top = os.lstat(src)
    except OSError as exc:
        intake.refused.append(Refusal(student, ".", f"the submitted folder cannot be read ({_oserror(exc)})"))
        return intake
    if not stat.S_ISDIR(top.st_mode):
        intake.refused.append(Refusal(student, ".", f"the submitted folder is {_kind(top.st_mode)}; nothing copied"))
        return intake
    walk = _Walk(src, limits, refuse, ignore)
    for entry in walk:
        mode = entry.st.st_mode
        target = dst / entry.rel
        if stat.S_ISDIR(mode):
            try:
                target.mkdir(mode=0o755)
            except FileExistsError:  # only on a staging file system that folds case or normalises names
                refuse(entry.rel, "a folder whose name clashes with another once copied; not copied")
            continue
        if not stat.S_ISREG(mode):
            refuse(entry.rel, f"{_kind(mode)}; not copied")
            continue
        size = entry.st.st_size
        if len(intake.copied) >= limits.files:
            refuse(entry.rel, f"more than {limits.files:,} files; not copied")
        elif size > limits.file_bytes:
            refuse(entry.rel, f"{_mb(size)}, over the {_mb(limits.file_bytes)} one file may have; not copied")
        elif intake.bytes + size > limits.total_bytes:
            refuse(entry.rel, f"would take the submission over {_mb(limits.total_bytes)}; not copied")
        else:
            problem = _copy_file(entry, target, min(limits.file_bytes, limits.total_bytes - intake.bytes))
            if isinstance(problem, str):
                refuse(entry.rel, problem)
            else:
                intake.copied.append(entry.rel)
                intake.bytes += problem
    if walk.stopped:
        refuse("", f"{walk.stopped}; nothing further copied")
    intake.skipped = walk.skipped
    intake.unlisted = unlisted[0]
    return intake


def _copy_file(entry: _Entry, target: Path, cap: int) -> int | str:
    """Copy one regular file; the bytes copied, or why not (the partial copy removed)."""
    fd = _open_regular(entry)
    if isinstance(fd, str):
        return fd
    try:
        try:
            out = os.open(target, _WRITE_FLAGS, 0o644)  # any other OSError is the instructor's disk: raised
        except FileExistsError:  # only on a staging file system that folds case or normalises names
            return "a name that clashes with another once copied; not copied"
        copied = 0
        problem = None
        try:
            while True:
                try:
                    chunk = os.read(fd, min(MB, cap + 1 - copied))
                except OSError as exc:
                    problem = f"cannot be read ({_oserror(exc)}); not copied"
                    break
                if not chunk:
                    break
                copied += len(chunk)
                if copied > cap:
                    problem = f"grew over {_mb(cap)} while being copied; not copied"
                    break
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view) :]
        finally:
            os.close(out)
        if problem:
            target.unlink()
            return problem
        with contextlib.suppress(OSError):
            os.utime(target, ns=(entry.st.st_atime_ns, entry.st.st_mtime_ns))
        return copied
    finally:
        os.close(fd)


# snapshot ------------------------------------------------------------------------------------------
