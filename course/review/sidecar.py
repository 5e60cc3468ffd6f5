"""The findings sidecar's format, and reading one as hostile input: no links, FIFOs or devices,
hard caps, strict JSON; every refusal a SidecarCorrupt that names the file."""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import re
import stat
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from ..vocab import VERDICTS
from .finding import Finding

SCHEMA = 1

# What a sidecar may hold. A sidecar is read by students' kernels, `course score`, the grader and
# the report, and the grader reads it from a student's folder: hostile input. These caps are far
# above any honest review (a diff of a few hundred lines, a dozen findings, comments of a few
# sentences) and far below what would make the grader or a feedback page slow.
MAX_SIDECAR_BYTES = 5 * 1024 * 1024  # 2,000 findings with 2 KB comments fit in it
MAX_FINDINGS = 2_000  # an exercise's diff has a few hundred lines; more flags than that is not a review
MAX_COMMENT = 5_000  # characters; the viewer's own limit (course/review/viewer.py MAX_COMMENT)
MAX_FIELD = 1_000  # characters of any other text field (id, path, timestamps, exercise, diff_sha256)
MAX_JSON_DEPTH = 32  # a sidecar is 3 levels deep; unknown keys may add a few
MAX_NUMBER_DIGITS = 20  # every number in a sidecar is a schema or a line number

__all__ = [
    "MAX_COMMENT",
    "MAX_FINDINGS",
    "MAX_SIDECAR_BYTES",
    "SCHEMA",
    "Sidecar",
    "SidecarCorrupt",
    "SidecarMismatch",
    "decode_sidecar",
    "finding_problem",
    "not_a_file",
    "parse_sidecar",
    "read_json_file",
    "read_sidecar",
    "sidecar_path",
]


class SidecarCorrupt(Exception):
    """The sidecar exists but cannot be read; it is kept untouched."""

    def __init__(self, path: Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(
            f"{self.path}: {problem}. The file was kept as it is and will not be overwritten; "
            f"move it aside (or call quarantine()) to start a fresh review."
        )


class SidecarMismatch(Exception):
    """The sidecar belongs to another exercise."""


def now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sidecar_path(directory: str | os.PathLike, slug: str) -> Path:
    return Path(directory) / f"{slug}.findings.json"


@dataclass(frozen=True)
class Sidecar:
    """What a sidecar file holds, validated."""

    exercise: str
    diff_sha256: str | None
    verdict: str | None
    findings: tuple[Finding, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "exercise": self.exercise,
            "diff_sha256": self.diff_sha256,
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
        }


def _text_problem(name: str, value: str | None, limit: int) -> str | None:
    """Why a text field cannot be kept, or None: too long, or not text that can be written back."""
    if value is None:
        return None
    if len(value) > limit:
        return f"field {name!r} is {len(value):,} characters long; at most {limit:,} are kept"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a "\ud800" escape: it could never be saved again
        return f"field {name!r} is not valid Unicode text"
    return None


def finding_problem(finding: Finding) -> str | None:
    """Why a finding exceeds what a sidecar may hold, or None (its values were checked on construction)."""
    for name in ("id", "path", "category", "severity", "created", "updated"):
        problem = _text_problem(name, getattr(finding, name), MAX_FIELD)
        if problem:
            return problem
    if len(finding.comment) > MAX_COMMENT:
        return f"the comment is {len(finding.comment):,} characters long; at most {MAX_COMMENT:,} are kept"
    return _text_problem("comment", finding.comment, MAX_COMMENT)


def _too_many(n: int) -> str:
    return f"holds {n:,} findings; at most {MAX_FINDINGS:,} are read (more is not a review: flag the lines that matter)"


def parse_sidecar(data: Any, path: Path) -> Sidecar:
    """Validate decoded JSON; raise SidecarCorrupt naming the file and the first problem."""
    if not isinstance(data, dict):
        raise SidecarCorrupt(path, f"expected a JSON object, found {type(data).__name__}")
    if data.get("schema") != SCHEMA:
        shown = repr(data.get("schema"))
        shown = shown if len(shown) <= 40 else shown[:40] + "..."
        raise SidecarCorrupt(path, f"unknown schema {shown} (expected {SCHEMA})")
    exercise = data.get("exercise")
    if not isinstance(exercise, str) or not exercise:
        raise SidecarCorrupt(path, "'exercise' must be a non-empty string")
    sha = data.get("diff_sha256")
    if sha is not None and not isinstance(sha, str):
        raise SidecarCorrupt(path, "'diff_sha256' must be a string or null")
    for name, value in (("exercise", exercise), ("diff_sha256", sha)):
        problem = _text_problem(name, value, MAX_FIELD)
        if problem:
            raise SidecarCorrupt(path, problem)
    verdict = data.get("verdict")
    if verdict is not None and verdict not in VERDICTS:
        shown = repr(verdict)
        shown = shown if len(shown) <= 40 else shown[:40] + "..."
        raise SidecarCorrupt(path, f"'verdict' must be one of {', '.join(VERDICTS)} or null, found {shown}")
    raw = data.get("findings")
    if not isinstance(raw, list):
        raise SidecarCorrupt(path, "'findings' must be a list")
    if len(raw) > MAX_FINDINGS:
        raise SidecarCorrupt(path, _too_many(len(raw)))
    findings = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise SidecarCorrupt(path, f"finding {i} is not an object")
        try:
            finding = Finding.from_dict(item)
        except (ValueError, TypeError, KeyError) as exc:
            message = str(exc)
            message = message if len(message) <= 300 else message[:300] + "..."
            raise SidecarCorrupt(path, f"finding {i}: {message}") from None
        problem = finding_problem(finding)
        if problem:
            raise SidecarCorrupt(path, f"finding {i}: {problem}")
        if finding.id in seen:
            raise SidecarCorrupt(path, f"finding {i}: duplicate id {finding.id!r}")
        seen.add(finding.id)
        findings.append(finding)
    return Sidecar(exercise, sha, verdict, tuple(findings))


# reading a file that may be hostile ---------------------------------------------------------------

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # a symlink is refused, not followed (to a key, a FIFO, /dev/zero)
    | getattr(os, "O_NONBLOCK", 0)  # opening a FIFO returns at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def not_a_file(mode: int) -> str | None:
    """What a file of this st_mode is when it is not a regular file ("a symbolic link", ...), else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n < 10 * 1024 * 1024 else f"{n // (1024 * 1024):,} MB"


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, None when it does not exist; never follows a link, never blocks."""
    try:
        before = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SidecarCorrupt(path, f"cannot be read ({exc.strerror or exc})") from None
    kind = not_a_file(before.st_mode)
    if kind:
        raise SidecarCorrupt(path, f"is {kind}, not a file; it is not read")
    too_big = f"is larger than {_megabytes(MAX_SIDECAR_BYTES)}; a review file is never that large and is not read"
    if before.st_size > MAX_SIDECAR_BYTES:
        raise SidecarCorrupt(path, too_big)
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link put there after lstat
            raise SidecarCorrupt(path, "is a symbolic link, not a file; it is not read") from None
        raise SidecarCorrupt(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        kind = not_a_file(st.st_mode)
        if kind:
            raise SidecarCorrupt(path, f"is {kind}, not a file; it is not read")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1024 * 1024, MAX_SIDECAR_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_SIDECAR_BYTES:  # it grew after fstat
                raise SidecarCorrupt(path, too_big)
        return b"".join(chunks)
    except OSError as exc:
        raise SidecarCorrupt(path, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


class _Refused(Exception):
    """Raised from inside json.loads by a hook; becomes SidecarCorrupt."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def _int(text: str) -> int:
    # json's own int() refuses more than 4,300 digits only while sys.get_int_max_str_digits()
    # says so (a notebook may lift it); a line number never has more than a few.
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _Refused(f"has a number {len(text.lstrip('-')):,} digits long; its numbers are line numbers")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 3 * MAX_NUMBER_DIGITS:
        raise _Refused(f"has a number {len(text):,} characters long; its numbers are line numbers")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused(f"has the number {text[:40]}, too large to be a number")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"has {name}, which is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Refused rather than last-one-wins: readers disagree on which of two keys counts, so a
    # duplicate "verdict" could show one review to a tool and another to the grader.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = key if len(key) <= 40 else key[:40] + "..."
            raise _Refused(f"has the key {shown!r} twice in one object")
        out[key] = value
    return out


_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.S)  # possessive: linear, even unterminated
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _json_depth(text: str) -> int:
    """How deep the arrays and objects of `text` nest (brackets inside strings ignored); linear time."""
    skeleton = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    openers = skeleton.count("[") + skeleton.count("{")
    if openers <= MAX_JSON_DEPTH:
        return openers  # it cannot nest deeper than it opens: an honest file stops here
    return max(accumulate(map(_STEP.__getitem__, skeleton)), default=0)


def decode_sidecar(raw: bytes, path: Path) -> Any:
    """Decode a sidecar's bytes to JSON values; anything hostile becomes SidecarCorrupt naming `path`.

    Refused: bad UTF-8, nesting deeper than MAX_JSON_DEPTH (checked before parsing, so a kernel
    that raised its recursion limit cannot crash on it), numbers longer than MAX_NUMBER_DIGITS,
    NaN and Infinity, and a key twice in one object.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SidecarCorrupt(path, f"is not UTF-8 text (byte {exc.start})") from None
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise SidecarCorrupt(path, f"nests JSON {depth:,} levels deep; a review is 3 levels deep")
    try:
        return json.loads(
            text,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_unique_keys,
        )
    except _Refused as exc:
        raise SidecarCorrupt(path, exc.problem) from None
    except json.JSONDecodeError as exc:
        raise SidecarCorrupt(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:  # the depth check makes this unreachable; kept as a last guard
        raise SidecarCorrupt(path, "nests JSON too deeply to be read") from None
    except ValueError as exc:
        raise SidecarCorrupt(path, f"is not valid JSON ({exc})") from None


def read_json_file(path: str | os.PathLike) -> Any:
    """A file beside a sidecar (practice progress), read by the same hostile-input rules: the
    decoded JSON, or None when there is no file; SidecarCorrupt names the file otherwise."""
    path = Path(path)
    raw = _read_bytes(path)
    return None if raw is None else decode_sidecar(raw, path)


def read_sidecar(path: str | os.PathLike) -> Sidecar | None:
    """Read and validate a sidecar; None when it does not exist.

    The file is read as hostile input: a symbolic link, a FIFO, a device or a socket is refused
    without being opened for reading (never followed, never waited on), and so is a file over
    MAX_SIDECAR_BYTES, JSON that is deep, huge or ambiguous, and a review over the caps above.
    Every refusal is a SidecarCorrupt that names the file and the problem.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if raw is None:
        return None
    return parse_sidecar(decode_sidecar(raw, path), path)
