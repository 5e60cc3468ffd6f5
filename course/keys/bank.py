"""The exercise bank: load and validate exercises/<slug>/, build public bundles, prove every defect."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..diff.bundle import Bundle, parse_bundle, render_bundle
from ..diff.parse import Diff
from ..diff.write import tree_texts, unified_diff
from ..vocab import CATEGORIES, PATTERNS, SEVERITIES, SIDES, VERDICTS
from .model import Decoy, Defect, Key

__all__ = [
    "DIFFICULTIES",
    "INCIDENTS",
    "Bank",
    "BankError",
    "Exercise",
    "find_bank",
    "find_private_bank",
]

INCIDENTS = ("dec-2025", "mar-02-2026", "mar-05-2026", "security", "general")
DIFFICULTIES = ("easy", "medium", "hard", "expert")  # expert: a 300-800 line pull request
PROOF_TIMEOUT = 60.0
PRIVATE_BANK_ENV = "COURSE_PRIVATE_BANK"
_FIND = object()  # Bank(private=...) not given: find_private_bank()


class BankError(Exception):
    """An exercise is missing or malformed; the message names the file and the problem.

    `problems` holds every problem found (one a line of the message), not only the first."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]

    def _render_traceback_(self) -> list[str]:
        """In a notebook (IPython) the message alone, no traceback: the cell still fails, so Run
        All stops, but what the learner reads is what is wrong and how to fix it, not our code."""
        lines = str(self).splitlines() or [type(self).__name__]
        return [f"\x1b[31m{type(self).__name__}\x1b[39m: {lines[0]}", *lines[1:]]


def _collect(problems: list[str], call: Any, *args: Any) -> Any:
    """Run one field's parse; on a BankError note its problems and return None."""
    try:
        return call(*args)
    except BankError as exc:
        problems.extend(exc.problems)
    return None


def _raise_all(problems: list[str]) -> None:
    if problems:
        raise BankError("\n".join(problems), problems)


def find_bank(start: str | os.PathLike | None = None) -> Path:
    """Where the exercises are on this machine.

    `COURSE_BANK` wins; otherwise the nearest folder above `start` (default: the working
    directory) that holds an `exercises/` folder beside `nbgrader_config.py`, i.e. the course
    root. Students never have one, which is the point.
    """
    env = os.environ.get("COURSE_BANK")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise BankError(f"COURSE_BANK={env}: no such folder\n{_set_bank_hint()}".rstrip())
        if not any(path.glob("*/exercise.toml")):
            inside = path / "exercises"
            meant = f" (did you mean {inside}?)" if any(inside.glob("*/exercise.toml")) else ""
            raise BankError(
                f"COURSE_BANK={env}: not an exercise bank, no <exercise>/exercise.toml in it{meant}\n"
                f"{_set_bank_hint()}".rstrip()
            )
        return path
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir() and (folder / "nbgrader_config.py").is_file():
            return folder / "exercises"
    raise BankError(
        f"no exercise bank found above {here}: run from the course directory or set COURSE_BANK "
        "(the bank holds the answer keys, so it is only on instructors' and graders' machines)\n"
        f"{_set_bank_hint()}".rstrip()
    )


def _set_bank_hint() -> str:
    """How to point COURSE_BANK at this installation's own bank, when it has one (a course
    checkout installed in place, as `make lab` does); "" on a student's machine."""
    root = Path(__file__).resolve().parents[2]
    bank = root / "exercises"
    if not ((root / "nbgrader_config.py").is_file() and any(bank.glob("*/exercise.toml"))):
        return ""
    return (
        f"This course's bank is {bank}: start Jupyter with COURSE_BANK={bank} in its environment, "
        f'or run import os; os.environ["COURSE_BANK"] = "{bank}" in the notebook first.'
    )


def find_private_bank() -> Path | None:
    """The private bank: assignment-only exercises kept apart from the public one, or None.

    `COURSE_PRIVATE_BANK` names it (set only on instructors' and graders' machines; an
    environment variable, so every worker and nbgrader run that `course` starts sees it as it
    sees COURSE_BANK). Its exercises grade, check, build and report like the public ones;
    practice mode never opens them (course.practice)."""
    env = os.environ.get(PRIVATE_BANK_ENV)
    if not env:
        return None
    path = Path(env).expanduser()
    if not path.is_dir():
        raise BankError(f"{PRIVATE_BANK_ENV}={env}: no such folder")
    return path


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise BankError(f"{path}: missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise BankError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise BankError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _need(table: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if name not in table:
        raise BankError(f"{where}: missing '{name}'")
    value = table[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise BankError(f"{where}: '{name}' must be {names}, found {value!r}")
    return value


def _one_of(value: Any, allowed: tuple[str, ...], name: str, where: str) -> str:
    if value not in allowed:
        raise BankError(f"{where}: '{name}' must be one of {', '.join(allowed)}, found {value!r}")
    return value


def _span(table: dict[str, Any], where: str) -> tuple[int, int]:
    lines = _need(table, "lines", list, where)
    if len(lines) != 2 or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines):
        raise BankError(f"{where}: 'lines' must be [first, last], found {lines!r}")
    first, last = lines
    if not 1 <= first <= last:
        raise BankError(f"{where}: 'lines' must satisfy 1 <= first <= last, found {lines!r}")
    return (first, last)


def _tables(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BankError(f"{where} must be a list of tables ([[defect.also_at]])")
    return value


def _defect(d: Any, i: int, where: str, ids: set[str]) -> Defect:
    if not isinstance(d, dict):
        raise BankError(f"{where}: defect {i + 1} must be a table ([[defect]])")
    did = _need(d, "id", str, f"{where}: defect {i + 1}")
    w = f"{where}: defect '{did}'"
    problems: list[str] = []
    if did in ids:
        problems.append(f"{w}: duplicate id")
    ids.add(did)
    also = d.get("also", [])
    if not isinstance(also, list):
        problems.append(f"{w}: 'also' must be a list")
        also = []
    for a in also:
        _collect(problems, _one_of, a, CATEGORIES, "also", w)
    hints = d.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        problems.append(f"{w}: 'hints' must be a list of strings")
        hints = []
    also_at = []
    for j, a in enumerate(_collect(problems, _tables, d.get("also_at", []), f"{w}: 'also_at'") or []):
        aw = f"{w}: also_at {j + 1}"
        spot = (
            _collect(problems, _need, a, "file", str, aw),
            _collect(problems, _one_of, a.get("side", "new"), SIDES, "side", aw),
            _collect(problems, _span, a, aw),
        )
        if None not in spot:
            also_at.append((spot[0], spot[1], *spot[2]))
    fields = {
        "file": _collect(problems, _need, d, "file", str, w),
        "side": _collect(problems, _one_of, d.get("side", "new"), SIDES, "side", w),
        "lines": _collect(problems, _span, d, w),
        "category": _collect(problems, _one_of, d.get("category"), CATEGORIES, "category", w),
        "severity": _collect(problems, _one_of, d.get("severity"), SEVERITIES, "severity", w),
        "title": _collect(problems, _need, d, "title", str, w),
        "explanation": _collect(problems, _need, d, "explanation", str, w),
        "proof": _collect(problems, _need, d, "proof", str, w),
    }
    if "pattern" in d:
        fields["pattern"] = _collect(problems, _one_of, d["pattern"], PATTERNS, "pattern", w)
    _raise_all(problems)
    fields["explanation"] = fields["explanation"].strip()
    try:
        return Defect(id=did, hints=tuple(hints), also=tuple(also), also_at=tuple(also_at), **fields)
    except ValueError as exc:
        raise BankError(f"{w}: {exc}") from None


def _decoy(d: Any, i: int, where: str) -> Decoy:
    w = f"{where}: decoy {i + 1}"
    if not isinstance(d, dict):
        raise BankError(f"{w} must be a table ([[decoy]])")
    problems: list[str] = []
    fields = {
        "file": _collect(problems, _need, d, "file", str, w),
        "side": _collect(problems, _one_of, d.get("side", "new"), SIDES, "side", w),
        "lines": _collect(problems, _span, d, w),
        "why_fine": _collect(problems, _need, d, "why_fine", str, w),
    }
    _raise_all(problems)
    fields["why_fine"] = fields["why_fine"].strip()
    try:
        return Decoy(**fields)
    except ValueError as exc:
        raise BankError(f"{w}: {exc}") from None


def parse_key(data: dict[str, Any], where: str, verdict: str) -> Key:
    """The key from key.toml's tables; a BankError lists every problem found, each naming the file."""
    problems: list[str] = []
    unknown = set(data) - {"defect", "decoy", "proofs"}
    if unknown:
        problems.append(f"{where}: unknown tables {', '.join(sorted(unknown))}")
    proofs = data.get("proofs", [])
    if not isinstance(proofs, list) or not all(isinstance(p, str) for p in proofs):
        problems.append(
            f"{where}: 'proofs' must be a list of proof ids (the tests that show a correct change is right)"
        )
        proofs = []
    elif proofs and verdict != "approve":
        problems.append(f"{where}: 'proofs' lists the proofs of a correct change; this exercise's verdict is {verdict}")
    ids: set[str] = set()
    tables = {name: data.get(name, []) for name in ("defect", "decoy")}
    for name, value in tables.items():
        if not isinstance(value, list):
            problems.append(f"{where}: '{name}' must be a list of tables ([[{name}]])")
            tables[name] = []
    defects = [_collect(problems, _defect, d, i, where, ids) for i, d in enumerate(tables["defect"])]
    decoys = [_collect(problems, _decoy, d, i, where) for i, d in enumerate(tables["decoy"])]
    _raise_all(problems)
    return Key(defects=tuple(defects), decoys=tuple(decoys), verdict=verdict, proofs=tuple(proofs))


@dataclass
class Exercise:
    """One exercise folder. `key` is instructor material; `bundle_text` is what students get."""

    slug: str
    root: Path
    title: str
    author: str
    incident: str
    language: str
    difficulty: str
    verdict: str
    tags: tuple[str, ...]
    description: str
    private: bool = False  # from the private bank: assignments only, never practice
    _key: Key | None = field(default=None, repr=False)

    @classmethod
    def load(cls, root: str | os.PathLike) -> Exercise:
        root = Path(root)
        where = str(root / "exercise.toml")
        meta = _load_toml(root / "exercise.toml")
        problems: list[str] = []
        tags = meta.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            problems.append(f"{where}: 'tags' must be a list of strings")
        problems += [f"{root}: missing folder {sub}/" for sub in ("before", "after") if not (root / sub).is_dir()]
        fields = {
            "title": _collect(problems, _need, meta, "title", str, where),
            "author": _collect(problems, _need, {"author": meta.get("author", "")}, "author", str, where),
            "incident": _collect(problems, _one_of, meta.get("incident"), INCIDENTS, "incident", where),
            "language": _collect(problems, _need, meta, "language", str, where),
            "difficulty": _collect(problems, _one_of, meta.get("difficulty"), DIFFICULTIES, "difficulty", where),
            "verdict": _collect(problems, _one_of, meta.get("verdict", "request-changes"), VERDICTS, "verdict", where),
            "description": _collect(problems, _need, meta, "description", str, where),
        }
        _raise_all(problems)
        fields["description"] = fields["description"].strip()
        return cls(slug=root.name, root=root, tags=tuple(tags), **fields)

    @property
    def key(self) -> Key:
        if self._key is None:
            path = self.root / "key.toml"
            self._key = parse_key(_load_toml(path), str(path), self.verdict)
        return self._key

    @cached_property
    def diff_text(self) -> str:
        before = tree_texts(self.root / "before")
        after = tree_texts(self.root / "after")
        text = unified_diff(before, after, context=None)
        if not text:
            raise BankError(f"{self.root}: before/ and after/ are identical: there is nothing to review")
        return text

    @property
    def bundle_text(self) -> str:
        return render_bundle(self.slug, self.title, self.author, self.description, self.diff_text)

    @cached_property
    def bundle(self) -> Bundle:
        return parse_bundle(self.bundle_text, source=f"{self.slug}.diff")

    @property
    def diff(self) -> Diff:
        return self.bundle.diff


class Bank:
    """All exercises under one folder, in slug order, and those of the private bank beside them.

    `private`: the private bank's folder, None for none, or (by default) `find_private_bank()`.
    A slug in both banks is an error naming both files."""

    def __init__(self, root: str | os.PathLike | None = None, *, private: str | os.PathLike | object | None = _FIND):
        self.root = Path(root) if root is not None else find_bank()
        if not self.root.is_dir():
            raise BankError(f"{self.root}: the exercise bank folder does not exist")
        found = find_private_bank() if private is _FIND else private
        self.private_root = Path(found) if isinstance(found, (str, os.PathLike)) else None
        if self.private_root is not None:
            if not self.private_root.is_dir():
                raise BankError(f"{self.private_root}: the private exercise bank folder does not exist")
            if self.private_root.resolve() == self.root.resolve():
                raise BankError(f"{self.private_root}: the private bank is the public bank's own folder")
            self._index()  # a slug in both banks is an error at once, not at the first lookup
        self._cache: dict[str, Exercise] = {}

    def public_only(self) -> Bank:
        """The public exercises alone (what practice mode may open)."""
        return Bank(self.root, private=None)

    @staticmethod
    def _folders(root: Path) -> dict[str, Path]:
        return {p.name: p for p in root.iterdir() if (p / "exercise.toml").is_file()}

    def _index(self) -> dict[str, tuple[Path, bool]]:
        """slug -> (folder, private), over both banks; a slug in both is an error."""
        index = {slug: (path, False) for slug, path in self._folders(self.root).items()}
        if self.private_root is None:
            return index
        for slug, path in self._folders(self.private_root).items():
            if slug in index:
                raise BankError(
                    f"exercise '{slug}' is in both banks: {index[slug][0] / 'exercise.toml'} and "
                    f"{path / 'exercise.toml'} (a slug names one exercise: rename one of them)"
                )
            index[slug] = (path, True)
        return index

    def slugs(self) -> list[str]:
        return sorted(self._index())

    def private_slugs(self) -> list[str]:
        return sorted(slug for slug, (_, private) in self._index().items() if private)

    def get(self, slug: str) -> Exercise:
        if slug not in self._cache:
            index = self._index()
            if slug not in index:
                known = ", ".join(sorted(index)) or "none"
                raise BankError(f"{self.root}: no exercise '{slug}' (known: {known})")
            path, private = index[slug]
            exercise = Exercise.load(path)
            exercise.private = private
            self._cache[slug] = exercise
        return self._cache[slug]

    def __iter__(self) -> Iterator[Exercise]:
        return (self.get(s) for s in self.slugs())


# checking --------------------------------------------------------------------------------------
