"""The exercise bank: load and validate exercises/<slug>/, build public bundles, prove every defect."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

from . import CATEGORIES, SEVERITIES, SIDES, VERDICTS
from .bundle import Bundle, parse_bundle, render_bundle
from .diffs import Diff, DiffError, tree_texts, unified_diff
from .scoring import Decoy, Defect, Key

__all__ = [
    "Bank",
    "BankError",
    "Exercise",
    "Problem",
    "check_exercise",
    "find_bank",
    "INCIDENTS",
    "DIFFICULTIES",
]

INCIDENTS = ("dec-2025", "mar-02-2026", "mar-05-2026", "security", "general")
DIFFICULTIES = ("easy", "medium", "hard")
PROOF_TIMEOUT = 60.0


class BankError(Exception):
    """An exercise is missing or malformed; the message names the file and the problem."""


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
            raise BankError(f"COURSE_BANK={env}: no such folder")
        return path
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir() and (folder / "nbgrader_config.py").is_file():
            return folder / "exercises"
    raise BankError(
        f"no exercise bank found above {here}: run from the course directory or set COURSE_BANK "
        "(the bank holds the answer keys, so it is only on instructors' and graders' machines)"
    )


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise BankError(f"{path}: missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{path}: not valid TOML ({exc})") from None


def _need(table: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if name not in table:
        raise BankError(f"{where}: missing '{name}'")
    value = table[name]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
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


def parse_key(data: dict[str, Any], where: str, verdict: str) -> Key:
    unknown = set(data) - {"defect", "decoy"}
    if unknown:
        raise BankError(f"{where}: unknown tables {', '.join(sorted(unknown))}")
    defects: list[Defect] = []
    ids: set[str] = set()
    for i, d in enumerate(data.get("defect", [])):
        w = f"{where}: defect {i + 1}"
        did = _need(d, "id", str, w)
        w = f"{where}: defect '{did}'"
        if did in ids:
            raise BankError(f"{w}: duplicate id")
        ids.add(did)
        also = d.get("also", [])
        if not isinstance(also, list):
            raise BankError(f"{w}: 'also' must be a list")
        for a in also:
            _one_of(a, CATEGORIES, "also", w)
        hints = d.get("hints", [])
        if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
            raise BankError(f"{w}: 'hints' must be a list of strings")
        defects.append(
            Defect(
                id=did,
                file=_need(d, "file", str, w),
                side=_one_of(d.get("side", "new"), SIDES, "side", w),
                lines=_span(d, w),
                category=_one_of(d.get("category"), CATEGORIES, "category", w),
                severity=_one_of(d.get("severity"), SEVERITIES, "severity", w),
                title=_need(d, "title", str, w),
                explanation=_need(d, "explanation", str, w).strip(),
                hints=tuple(hints),
                proof=_need(d, "proof", str, w),
                also=tuple(also),
                also_at=tuple(
                    (
                        _need(a, "file", str, f"{w}: also_at {j + 1}"),
                        _one_of(a.get("side", "new"), SIDES, "side", f"{w}: also_at {j + 1}"),
                        *_span(a, f"{w}: also_at {j + 1}"),
                    )
                    for j, a in enumerate(_tables(d.get("also_at", []), f"{w}: 'also_at'"))
                ),
            )
        )
    decoys = []
    for i, d in enumerate(data.get("decoy", [])):
        w = f"{where}: decoy {i + 1}"
        decoys.append(
            Decoy(
                file=_need(d, "file", str, w),
                side=_one_of(d.get("side", "new"), SIDES, "side", w),
                lines=_span(d, w),
                why_fine=_need(d, "why_fine", str, w).strip(),
            )
        )
    return Key(defects=tuple(defects), decoys=tuple(decoys), verdict=verdict)


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
    _key: Key | None = field(default=None, repr=False)

    @classmethod
    def load(cls, root: str | os.PathLike) -> "Exercise":
        root = Path(root)
        where = str(root / "exercise.toml")
        meta = _load_toml(root / "exercise.toml")
        tags = meta.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise BankError(f"{where}: 'tags' must be a list of strings")
        for sub in ("before", "after"):
            if not (root / sub).is_dir():
                raise BankError(f"{root}: missing folder {sub}/")
        return cls(
            slug=root.name,
            root=root,
            title=_need(meta, "title", str, where),
            author=meta.get("author", ""),
            incident=_one_of(meta.get("incident"), INCIDENTS, "incident", where),
            language=_need(meta, "language", str, where),
            difficulty=_one_of(meta.get("difficulty"), DIFFICULTIES, "difficulty", where),
            verdict=_one_of(meta.get("verdict", "request-changes"), VERDICTS, "verdict", where),
            tags=tuple(tags),
            description=_need(meta, "description", str, where).strip(),
        )

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
    """All exercises under one folder, in slug order."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else find_bank()
        if not self.root.is_dir():
            raise BankError(f"{self.root}: the exercise bank folder does not exist")
        self._cache: dict[str, Exercise] = {}

    def slugs(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if (p / "exercise.toml").is_file())

    def get(self, slug: str) -> Exercise:
        if slug not in self._cache:
            path = self.root / slug
            if not (path / "exercise.toml").is_file():
                known = ", ".join(self.slugs()) or "none"
                raise BankError(f"{self.root}: no exercise '{slug}' (known: {known})")
            self._cache[slug] = Exercise.load(path)
        return self._cache[slug]

    def __iter__(self) -> Iterator[Exercise]:
        return (self.get(s) for s in self.slugs())


# checking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    exercise: str
    where: str  # "exercise", a defect id, "decoy 2", ...
    message: str

    def __str__(self) -> str:
        return f"{self.exercise}: {self.where}: {self.message}"


@dataclass(frozen=True)
class ProofRun:
    passed: bool
    failed: bool
    output: str


def run_proofs(
    exercise: Exercise, nodes: list[str], tree: str, timeout: float = PROOF_TIMEOUT
) -> dict[str, ProofRun]:
    """Run proofs against a fresh copy of before/, after/ or fixed/ in one pytest subprocess.

    Each node's outcome is read from pytest's `-rA` summary. If the batch times out, each
    proof runs alone so that the slow one is the only one reported.
    """
    nodes = list(dict.fromkeys(nodes))
    proofs = (exercise.root / "proofs").resolve()
    with tempfile.TemporaryDirectory(prefix=f"proof-{exercise.slug}-") as tmp:
        work = Path(tmp) / tree
        shutil.copytree(exercise.root / tree, work, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
        env.update(
            EXERCISE_TREE=str(work),
            PYTHONPATH=str(work),
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONHASHSEED="0",
        )
        cmd = [
            sys.executable, "-m", "pytest", "-q", "-rA", "--color=no", "-p", "no:cacheprovider",
            "--rootdir", str(proofs), "-o", "addopts=", "-o", "timeout=0",
            *(str(proofs / node) for node in nodes),
        ]
        try:
            proc = subprocess.run(
                cmd, cwd=work, env=env, capture_output=True, text=True, timeout=timeout * len(nodes)
            )
        except subprocess.TimeoutExpired:
            if len(nodes) == 1:
                return {nodes[0]: ProofRun(False, False, f"timed out after {timeout:.0f} s")}
            results: dict[str, ProofRun] = {}
            for node in nodes:
                results.update(run_proofs(exercise, [node], tree, timeout))
            return results
    output = (proc.stdout + proc.stderr)[-6000:]
    # pytest names each test relative to the working directory (the copied tree), so match
    # the reported ids to ours by their ending.
    reported: dict[str, str] = {}
    for word, shown in re.findall(r"^(PASSED|FAILED|ERROR) (\S+)", proc.stdout, re.MULTILINE):
        reported[shown] = word if shown not in reported else "ERROR"  # failed in teardown too
    results = {}
    for node in nodes:
        words = [w for shown, w in reported.items() if shown == node or shown.endswith("/" + node)]
        word = words[0] if len(words) == 1 else None
        results[node] = ProofRun(passed=word == "PASSED", failed=word == "FAILED", output=output)
    return results


def run_proof(exercise: Exercise, node: str, tree: str, timeout: float = PROOF_TIMEOUT) -> ProofRun:
    """Run one proof (see run_proofs)."""
    return run_proofs(exercise, [node], tree, timeout)[node]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def check_exercise(exercise: Exercise, *, proofs: bool = True, timeout: float = PROOF_TIMEOUT) -> list[Problem]:
    """Everything that can be wrong with one exercise, as a list (empty when it is sound)."""
    slug = exercise.slug
    problems: list[Problem] = []
    try:
        key = exercise.key
        diff = exercise.diff
    except (BankError, DiffError, ValueError) as exc:
        return [Problem(slug, "exercise", str(exc))]

    if exercise.verdict == "approve" and key.defects:
        problems.append(Problem(slug, "exercise", "verdict is 'approve' but key.toml lists defects"))
    if exercise.verdict == "request-changes" and not key.defects:
        problems.append(Problem(slug, "exercise", "verdict is 'request-changes' but key.toml lists no defects"))
    if not (exercise.root / "fixed").is_dir() and key.defects:
        problems.append(Problem(slug, "exercise", "missing folder fixed/"))

    def span_in_diff(file: str, side: str, span: tuple[int, int], where: str) -> None:
        try:
            fd = diff.file(file)
        except KeyError:
            problems.append(Problem(slug, where, f"file '{file}' is not in the diff"))
            return
        missing = [n for n in range(span[0], span[1] + 1) if fd.line(side, n) is None]
        if missing:
            problems.append(
                Problem(slug, where, f"lines {missing[0]}..{missing[-1]} of '{file}' are not on the {side} side of the diff")
            )

    for d in key.defects:
        for file, side, first, last in d.spans:
            span_in_diff(file, side, (first, last), d.id)
        if not d.hints:
            problems.append(Problem(slug, d.id, "no hints"))
    for i, decoy in enumerate(key.decoys, 1):
        span_in_diff(decoy.file, decoy.side, decoy.lines, f"decoy {i}")
        for d in key.defects:
            if any(f == decoy.file and s == decoy.side and _overlaps((a, b), decoy.lines) for f, s, a, b in d.spans):
                problems.append(Problem(slug, f"decoy {i}", f"overlaps defect '{d.id}'"))

    if proofs:
        runnable = []
        for d in key.defects:
            file_part = d.proof.split("::", 1)[0]
            if not (exercise.root / "proofs" / file_part).is_file():
                problems.append(Problem(slug, d.id, f"proof file proofs/{file_part} does not exist"))
            else:
                runnable.append(d)
        nodes = [d.proof for d in runnable]
        after = run_proofs(exercise, nodes, "after", timeout) if nodes else {}
        fixed = run_proofs(exercise, nodes, "fixed", timeout) if nodes else {}
        for d in runnable:
            if not after[d.proof].failed:
                why = "passed" if after[d.proof].passed else "did not run cleanly"
                problems.append(
                    Problem(slug, d.id, f"proof {d.proof} should fail on after/ but {why}:\n{_tail(after[d.proof].output)}")
                )
            if not fixed[d.proof].passed:
                problems.append(
                    Problem(slug, d.id, f"proof {d.proof} should pass on fixed/ but did not:\n{_tail(fixed[d.proof].output)}")
                )
    return problems


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])
