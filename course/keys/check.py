"""`course check`: every rule an exercise must keep, in one place (docs/exercise-format.md).

Problems mis-grade or break an exercise (a key off its diff, a defect keyed where the fix does
not touch, a proof that does not fail then pass) and fail `course check`. Warnings are the
bank's bar (size of the change, hints, explanations, a fix that changes more than its
defects): they are shown, and fail only `course check --strict`, which the course's own bank
keeps (tests/test_exercise_bank.py). Every problem of an exercise is reported, not the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diff.model import DiffError
from ..diff.parse import Diff
from .bank import PROOF_TIMEOUT, Bank, BankError, Exercise, _load_toml, parse_key
from .fixes import fix_changes, fix_findings
from .model import Key
from .proofs import PROOF_FORMATS, proof_runner, run_proofs

__all__ = [
    "CHANGED_LINES",
    "EXPLANATION_MIN",
    "HINTS",
    "Problem",
    "check_exercise",
    "check_slug",
    "problems_only",
]

# The bank's bar (../shared/EXERCISES.md): warnings, errors under --strict.
CHANGED_LINES = (40, 250)  # lines added plus removed in before/ -> after/
EXPERT_CHANGED_LINES = (300, 800)  # the expert tier: pull requests the size AI agents now open
HINTS = (2, 4)  # per defect, least revealing first
EXPLANATION_MIN = 120  # characters at least: enough to teach the pattern, not only the line


@dataclass(frozen=True)
class Problem:
    exercise: str
    where: str  # "exercise", a defect id, "decoy 2", ...
    message: str
    level: str = "problem"  # "problem" (fails course check) or "warning" (fails --strict)

    def __str__(self) -> str:
        return f"{self.exercise}: {self.where}: {self.message}"


def problems_only(found: list[Problem]) -> list[Problem]:
    """The problems, warnings left out."""
    return [p for p in found if p.level == "problem"]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def check_exercise(exercise: Exercise, *, proofs: bool = True, timeout: float = PROOF_TIMEOUT) -> list[Problem]:
    """Everything that can be wrong with one exercise, problems then warnings (empty when sound)."""
    slug = exercise.slug
    problems: list[Problem] = []
    try:
        key = exercise.key
    except BankError as exc:
        problems += [Problem(slug, "exercise", p) for p in exc.problems]
        key = None
    try:
        diff = exercise.diff
    except (BankError, DiffError, ValueError, OSError) as exc:
        return [*problems, Problem(slug, "exercise", str(exc))]
    if key is None:
        return problems + _size_warnings(slug, diff, exercise.difficulty)
    problems += _verdict_problems(exercise, key) + _span_problems(slug, key, diff)
    problems += _fix_problems(exercise, key, diff)
    if proofs:
        problems += _proof_problems(exercise, key, timeout)
    else:
        problems += _proof_files(exercise, key)[0]
    problems += _correct_change_problems(exercise, key, timeout if proofs else None)
    found = problems + _size_warnings(slug, diff, exercise.difficulty) + _teaching_warnings(slug, key)
    return sorted(found, key=lambda p: p.level != "problem")


def check_slug(
    bank: Bank, slug: str, *, proofs: bool = True, timeout: float = PROOF_TIMEOUT
) -> tuple[Exercise | None, list[Problem]]:
    """One exercise of a bank checked (see check_exercise). When exercise.toml itself is broken,
    key.toml's problems are reported beside its own, so one run names them all."""
    try:
        exercise = bank.get(slug)
    except BankError as exc:
        problems = [Problem(slug, "exercise", p) for p in exc.problems]
        roots = [r for r in (bank.root, getattr(bank, "private_root", None)) if r is not None]
        folder = next((r / slug for r in roots if (r / slug / "exercise.toml").is_file()), None)
        key_path = folder / "key.toml" if folder is not None else None
        if key_path is not None and key_path.exists():
            try:
                parse_key(_load_toml(key_path), str(key_path), "request-changes")
            except BankError as key_exc:
                problems += [Problem(slug, "exercise", p) for p in key_exc.problems]
        return None, problems
    return exercise, check_exercise(exercise, proofs=proofs, timeout=timeout)


def _verdict_problems(exercise: Exercise, key: Key) -> list[Problem]:
    slug, problems = exercise.slug, []
    if exercise.verdict == "approve" and key.defects:
        problems.append(Problem(slug, "exercise", "exercise.toml: verdict is 'approve' but key.toml lists defects"))
    if exercise.verdict == "request-changes" and not key.defects:
        problems.append(
            Problem(slug, "exercise", "exercise.toml: verdict is 'request-changes' but key.toml lists no defects")
        )
    for folder in ("fixed", "proofs"):
        if not (exercise.root / folder).is_dir() and key.defects:
            problems.append(Problem(slug, "exercise", f"missing folder {folder}/"))
    return problems


def _span_problems(slug: str, key: Key, diff: Diff) -> list[Problem]:
    """Every defect and decoy span is on its side of the diff; no decoy overlaps a defect."""
    problems: list[Problem] = []

    def span_in_diff(file: str, side: str, span: tuple[int, int], where: str) -> None:
        try:
            fd = diff.file(file)
        except KeyError:
            problems.append(Problem(slug, where, f"key.toml: file '{file}' is not in the diff"))
            return
        missing = [n for n in range(span[0], span[1] + 1) if fd.line(side, n) is None]
        if missing:
            problems.append(
                Problem(
                    slug,
                    where,
                    f"key.toml: lines {missing[0]}..{missing[-1]} of '{file}' are not on the {side} side of the diff",
                )
            )

    for d in key.defects:
        for file, side, first, last in d.spans:
            span_in_diff(file, side, (first, last), d.id)
        if not d.hints:
            problems.append(Problem(slug, d.id, "key.toml: no hints"))
    for i, decoy in enumerate(key.decoys, 1):
        span_in_diff(decoy.file, decoy.side, decoy.lines, f"decoy {i}")
        for d in key.defects:
            if any(f == decoy.file and s == decoy.side and _overlaps((a, b), decoy.lines) for f, s, a, b in d.spans):
                problems.append(Problem(slug, f"decoy {i}", f"key.toml: overlaps defect '{d.id}'"))
    return problems


def _fix_problems(exercise: Exercise, key: Key, diff: Diff) -> list[Problem]:
    """fixed/ repairs each defect on its lines, leaves decoys alone, and changes little else."""
    slug = exercise.slug
    if not (exercise.root / "fixed").is_dir():
        return []  # named by _verdict_problems when there are defects to fix
    try:
        changes = fix_changes(exercise.root / "after", exercise.root / "fixed")
    except (DiffError, OSError) as exc:
        return [Problem(slug, "exercise", f"fixed/ cannot be compared with after/: {exc}")]
    problems, warnings = fix_findings(key, diff, changes)
    return [Problem(slug, w, m) for w, m in problems] + [Problem(slug, "fixed/", m, "warning") for m in warnings]


def _size_warnings(slug: str, diff: Diff, difficulty: str) -> list[Problem]:
    expert = difficulty == "expert"
    low, high = EXPERT_CHANGED_LINES if expert else CHANGED_LINES
    changed = sum(f.added + f.removed for f in diff.files)
    if low <= changed <= high:
        return []
    kind = "an expert-tier exercise" if expert else "a review exercise"
    return [
        Problem(
            slug,
            "exercise",
            f"before/ -> after/ changes {changed} lines; {kind} changes {low} to {high}",
            "warning",
        )
    ]


def _teaching_warnings(slug: str, key: Key) -> list[Problem]:
    low, high = HINTS
    shortest = EXPLANATION_MIN
    warnings = []
    for d in key.defects:
        if d.hints and not low <= len(d.hints) <= high:
            warnings.append(
                Problem(
                    slug, d.id, f"key.toml 'hints': {len(d.hints)} given; give {low} to {high}, least revealing first"
                )
            )
        if len(d.explanation) < shortest:
            warnings.append(
                Problem(
                    slug,
                    d.id,
                    f"key.toml 'explanation': {len(d.explanation)} characters; at least {shortest} "
                    "teach the pattern, not only the line",
                )
            )
        if not d.pattern:
            warnings.append(
                Problem(slug, d.id, "key.toml 'pattern': missing; name the lesson (one of course.vocab.PATTERNS)")
            )
        if d.hints and len(d.hints[0]) > len(d.explanation):
            warnings.append(Problem(slug, d.id, "key.toml 'hints': the first hint is longer than the explanation"))
    return [Problem(w.exercise, w.where, w.message, "warning") for w in warnings]


def _proof_id_problem(exercise: Exercise, node: str, field: str) -> str | None:
    """What is wrong with a proof id in key.toml's `field` (a runner it fits, a file under proofs/)."""
    file_part = node.split("::", 1)[0]
    if proof_runner(node) is None:
        return (
            f"key.toml '{field}' {node!r} is not a pytest node id, Node test or Go test under proofs/ ({PROOF_FORMATS})"
        )
    if not (exercise.root / "proofs" / file_part).is_file():
        return f"proof file proofs/{file_part} does not exist"
    return None


def _proof_files(exercise: Exercise, key: Key) -> tuple[list[Problem], list]:
    """Problems with each defect's proof id and file, and the defects whose proofs can run."""
    slug, problems, runnable = exercise.slug, [], []
    for d in key.defects:
        wrong = _proof_id_problem(exercise, d.proof, "proof")
        if wrong:
            problems.append(Problem(slug, d.id, wrong))
        else:
            runnable.append(d)
    return problems, runnable


def _correct_change_problems(exercise: Exercise, key: Key, timeout: float | None) -> list[Problem]:
    """A correct change's proofs (key.toml `proofs`) exist and, unless timeout is None, pass on after/."""
    slug = exercise.slug
    if key.verdict != "approve" or key.defects:  # an approve verdict with defects is reported elsewhere
        return []
    if not key.proofs:
        return [
            Problem(slug, "key.toml", "'proofs': a correct change lists the proofs that show it is right", "warning")
        ]
    problems = [
        Problem(slug, "key.toml", wrong)
        for wrong in (_proof_id_problem(exercise, node, "proofs") for node in key.proofs)
        if wrong
    ]
    if problems or timeout is None:
        return problems
    try:
        after = run_proofs(exercise, list(key.proofs), "after", timeout)
    except (BankError, OSError) as exc:
        return [Problem(slug, "exercise", f"the proofs could not be run: {exc}")]
    return [
        Problem(
            slug, "key.toml", f"proof {node} should pass on after/ (a correct change) but did not:\n{_tail(run.output)}"
        )
        for node, run in after.items()
        if not run.passed
    ]


def _proof_problems(exercise: Exercise, key: Key, timeout: float) -> list[Problem]:
    """Each defect's proof fails on after/ and passes on fixed/."""
    slug = exercise.slug
    problems, runnable = _proof_files(exercise, key)
    nodes = [d.proof for d in runnable]
    if not nodes:
        return problems
    try:
        after = run_proofs(exercise, nodes, "after", timeout)
        fixed = run_proofs(exercise, nodes, "fixed", timeout) if (exercise.root / "fixed").is_dir() else {}
    except (BankError, OSError) as exc:
        return [*problems, Problem(slug, "exercise", f"the proofs could not be run: {exc}")]
    for d in runnable:
        if not after[d.proof].failed:
            why = "passed" if after[d.proof].passed else "did not run cleanly"
            problems.append(
                Problem(slug, d.id, f"proof {d.proof} should fail on after/ but {why}:\n{_tail(after[d.proof].output)}")
            )
        if d.proof in fixed and not fixed[d.proof].passed:
            problems.append(
                Problem(
                    slug, d.id, f"proof {d.proof} should pass on fixed/ but did not:\n{_tail(fixed[d.proof].output)}"
                )
            )
    return problems


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])
