"""`course check`: every key points at lines of its diff, and every proof fails on after/ and
passes on fixed/."""

from __future__ import annotations

from dataclasses import dataclass

from ..diff.model import DiffError
from ..diff.parse import Diff
from .bank import PROOF_TIMEOUT, BankError, Exercise
from .model import Key
from .proofs import run_proofs

__all__ = ["Problem", "check_exercise"]


@dataclass(frozen=True)
class Problem:
    exercise: str
    where: str  # "exercise", a defect id, "decoy 2", ...
    message: str

    def __str__(self) -> str:
        return f"{self.exercise}: {self.where}: {self.message}"


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def check_exercise(exercise: Exercise, *, proofs: bool = True, timeout: float = PROOF_TIMEOUT) -> list[Problem]:
    """Everything that can be wrong with one exercise, as a list (empty when it is sound)."""
    slug = exercise.slug
    try:
        key = exercise.key
        diff = exercise.diff
    except (BankError, DiffError, ValueError) as exc:
        return [Problem(slug, "exercise", str(exc))]
    problems = _verdict_problems(exercise, key) + _span_problems(slug, key, diff)
    if proofs:
        problems += _proof_problems(exercise, key, timeout)
    return problems


def _verdict_problems(exercise: Exercise, key: Key) -> list[Problem]:
    slug, problems = exercise.slug, []
    if exercise.verdict == "approve" and key.defects:
        problems.append(Problem(slug, "exercise", "verdict is 'approve' but key.toml lists defects"))
    if exercise.verdict == "request-changes" and not key.defects:
        problems.append(Problem(slug, "exercise", "verdict is 'request-changes' but key.toml lists no defects"))
    if not (exercise.root / "fixed").is_dir() and key.defects:
        problems.append(Problem(slug, "exercise", "missing folder fixed/"))
    return problems


def _span_problems(slug: str, key: Key, diff: Diff) -> list[Problem]:
    """Every defect and decoy span is on its side of the diff; no decoy overlaps a defect."""
    problems: list[Problem] = []

    def span_in_diff(file: str, side: str, span: tuple[int, int], where: str) -> None:
        try:
            fd = diff.file(file)
        except KeyError:
            problems.append(Problem(slug, where, f"file '{file}' is not in the diff"))
            return
        missing = [n for n in range(span[0], span[1] + 1) if fd.line(side, n) is None]
        if missing:
            problems.append(
                Problem(
                    slug, where, f"lines {missing[0]}..{missing[-1]} of '{file}' are not on the {side} side of the diff"
                )
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
    return problems


def _proof_problems(exercise: Exercise, key: Key, timeout: float) -> list[Problem]:
    """Each defect's proof fails on after/ and passes on fixed/."""
    slug, problems, runnable = exercise.slug, [], []
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
                Problem(
                    slug, d.id, f"proof {d.proof} should pass on fixed/ but did not:\n{_tail(fixed[d.proof].output)}"
                )
            )
    return problems


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])
