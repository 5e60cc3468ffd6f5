"""Score a learner's findings against an exercise's answer key.

The key model (`Defect`, `Decoy`, `Key`) and the learner's `Finding` live here so that the bank
loader and the sidecar store share one definition with the scorer.

Rules (docs/design.md, "Scoring"):

- A finding *hits* a defect (or a decoy) when its path equals the defect's file, the sides
  match, and its span [start, end] overlaps the defect's lines widened by one line on each side,
  [first - 1, last + 1].
- One finding credits at most one defect and one defect is credited at most once. The scorer
  picks the assignment with the most credit (a maximum-weight bipartite matching). Among
  assignments with equal credit it prefers the one crediting more findings, because every
  finding left over is a false positive and may cost points. Among those it prefers findings
  on a defect's main span (`lines`) over its `also_at` spans, so a flag on one defect's main
  lines is not spent on a neighbour whose extra span happens to reach them. Any remaining tie
  is broken by a canonical order of the findings (path, side, start, end, category, id, then the other
  fields), so the result never depends on the order findings arrive in.
- A hit with the defect's category, or one listed in its `also`, earns the defect's weight
  (blocker 3, major 2, minor 1): status "found". A hit with another category earns half:
  status "miscategorised". A defect no finding credits is "missed".
- A finding that credits nothing is a false positive; if it hits a decoy (same rule as for
  defects) the decoy is attached so feedback can show `why_fine`: the first decoy in key order
  whose lines the finding overlaps exactly, else the first it reaches with the line of slack.
  False positives are ordered canonically; the first costs nothing, each further one 0.5.
- score = clamp((credit - penalty) / total_weight, 0, 1), a plain float rounded to 4 places.
- recall = defects credited (either status) / defects; 1.0 when the key has no defects.
  precision = findings that credit a defect / findings; with no findings it is 0.0 when the
  key has defects (nothing was found) and 1.0 when it has none (nothing was wrongly flagged).

A correct change (key verdict "approve", no defects) would otherwise have a total weight of 0.
For it the verdict is the answer: total_weight = 1, credit = 1 when the learner's verdict is
"approve" and 0 otherwise, and false positives cost the same as above, except that a minor
finding on no decoy costs nothing (and does not use up the free one): a nit or a question on a
correct change is what reviewers leave on an approval, while calling a decoy or claiming a major
defect in a correct change is the mistake the exercise teaches. So approving with no findings
scores 1, approving with nits scores 1, and an untouched review (no verdict, no findings)
scores 0.

For a key with defects the verdict does not change the score; whether it was right is only
reported (`verdict_correct`).

`Key` accepts a verdict that disagrees with its defects so that `course check` can load the key
and report the disagreement itself. Scoring such a key follows the defects: with defects the
rules above apply whatever the key's verdict; without any, credit goes to a learner verdict
equal to the key's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..keys.model import Decoy, Defect, Key
from ..review.finding import Finding
from ..vocab import VERDICTS

__all__ = ["FP_COST", "FREE_FALSE_POSITIVES", "DefectResult", "FalsePositive", "Score", "hits", "on_its_lines", "score"]

FP_COST = 0.5
FREE_FALSE_POSITIVES = 1


def _on(finding: Finding, file: str, side: str, first: int, last: int) -> bool:
    return finding.path == file and finding.side == side and finding.start <= last + 1 and finding.end >= first - 1


def hits(finding: Finding, target: Defect | Decoy) -> bool:
    """Whether a finding lands on a defect (any of its spans) or a decoy, with one line of
    slack on each side."""
    spans = target.spans if isinstance(target, Defect) else ((target.file, target.side, *target.lines),)
    return any(_on(finding, *span) for span in spans)


def _decoy_hit(finding: Finding, decoys: Iterable[Decoy]) -> Decoy | None:
    """The decoy a finding lands on: first one its lines overlap exactly, else the first it
    reaches with the line of slack (key order). Which one only changes the `why_fine` shown, never
    the cost: a flag on line 57 reached a decoy ending at 56 and was told about it, not about the
    decoy on its own lines (walk-throughs 15 and 16)."""
    reached = [d for d in decoys if hits(finding, d)]
    return next(iter([d for d in reached if on_its_lines(finding, d)] or reached), None)


def on_its_lines(finding: Finding, decoy: Decoy) -> bool:
    """Whether a finding overlaps a decoy's own lines, not only its line of slack."""
    return _on(finding, decoy.file, decoy.side, decoy.lines[0] + 1, decoy.lines[1] - 1)  # _on widens by one


@dataclass(frozen=True)
class DefectResult:
    """What became of one defect: found, miscategorised or missed."""

    defect: Defect
    status: str
    finding_id: str | None
    credit: float


@dataclass(frozen=True)
class FalsePositive:
    """A finding that credited no defect, with the decoy it fell for, if any."""

    finding: Finding
    decoy: Decoy | None
    cost: float


@dataclass(frozen=True)
class Score:
    """The outcome of scoring one review."""

    score: float
    credit: float
    penalty: float
    total_weight: float
    precision: float
    recall: float
    defects: tuple[DefectResult, ...]
    false_positives: tuple[FalsePositive, ...]
    verdict: str | None
    verdict_expected: str
    verdict_correct: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "credit": self.credit,
            "penalty": self.penalty,
            "total_weight": self.total_weight,
            "precision": self.precision,
            "recall": self.recall,
            "verdict": self.verdict,
            "verdict_expected": self.verdict_expected,
            "verdict_correct": self.verdict_correct,
            "defects": [
                {
                    "id": r.defect.id,
                    "title": r.defect.title,
                    "severity": r.defect.severity,
                    "category": r.defect.category,
                    "status": r.status,
                    "finding_id": r.finding_id,
                    "credit": r.credit,
                }
                for r in self.defects
            ],
            "false_positives": [
                {
                    "finding_id": fp.finding.id,
                    "path": fp.finding.path,
                    "side": fp.finding.side,
                    "start": fp.finding.start,
                    "end": fp.finding.end,
                    "category": fp.finding.category,
                    "decoy": fp.decoy.why_fine if fp.decoy is not None else None,
                    "cost": fp.cost,
                }
                for fp in self.false_positives
            ],
        }


def _hungarian(cost: list[list[int]], n: int, m: int) -> list[int]:
    """Minimum-cost assignment of n rows to distinct columns (n <= m); returns row -> column.

    The classic O(n^2 m) potentials method, on integers so that ties are exact.
    """
    inf = 1 << 62
    u = [0] * (n + 1)
    v = [0] * (m + 1)
    owner = [0] * (m + 1)  # owner[j]: 1-based row holding column j; column 0 is a sentinel
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            row = cost[i0 - 1]
            ui0 = u[i0]
            delta = inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - ui0 - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while True:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
            if j0 == 0:
                break
    assignment = [-1] * n
    for j in range(1, m + 1):
        if owner[j]:
            assignment[owner[j] - 1] = j - 1
    return assignment


def _match(findings: list[Finding], defects: tuple[Defect, ...]) -> dict[int, int]:
    """Maximum-credit assignment, as {defect index: finding index}; findings are canonical."""
    n = len(defects)
    if not n or not findings:
        return {}
    by_place: dict[tuple[str, str], list[int]] = {}
    for di, defect in enumerate(defects):
        for place in dict.fromkeys((file, side) for file, side, _, _ in defect.spans):
            by_place.setdefault(place, []).append(di)

    # Credit in half units keeps everything integral. Scaling by n + 1 and adding 1 per edge
    # makes the matching maximise credit first and the number of credited findings second;
    # scaling that by n + 1 again and adding 1 for a hit on the defect's main span makes it
    # prefer main spans third (at most n such bonuses, so they never outweigh one more finding).
    scale = n + 1
    edges: list[list[tuple[int, int]]] = [[] for _ in range(n)]  # per defect: (weight, finding)
    for fi, finding in enumerate(findings):
        for di in by_place.get((finding.path, finding.side), ()):
            defect = defects[di]
            if hits(finding, defect):
                halves = 2 * defect.weight if defect.accepts(finding.category) else defect.weight
                main = _on(finding, *defect.spans[0])
                edges[di].append(((halves * scale + 1) * scale + main, fi))

    # A defect never needs more than its n best findings: if an optimum gave it a worse one,
    # one of those n is free (the other n - 1 defects hold at most n - 1 findings) and at least
    # as good, so swapping keeps the optimum. This bounds the matrix at n x n^2 columns.
    best: list[list[tuple[int, int]]] = []
    for options in edges:
        options.sort(key=lambda e: (-e[0], e[1]))
        best.append(options[:n])
    columns = sorted({fi for options in best for _, fi in options})
    if not columns:
        return {}
    column_of = {fi: c for c, fi in enumerate(columns)}
    # n extra zero-cost columns let any defect stay unmatched; a zero-cost real column is
    # equally "unmatched" and is read back as such below.
    m = len(columns) + n
    cost = [[0] * m for _ in range(n)]
    for di, options in enumerate(best):
        for w, fi in options:
            cost[di][column_of[fi]] = -w
    result: dict[int, int] = {}
    for di, c in enumerate(_hungarian(cost, n, m)):
        if 0 <= c < len(columns) and cost[di][c] < 0:
            result[di] = columns[c]
    return result


def score(findings: Iterable[Finding], key: Key, verdict: str | None = None) -> Score:
    """Score findings (and the verdict, for a correct change) against a key."""
    if verdict is not None and verdict not in VERDICTS:
        raise ValueError(f"verdict: {verdict!r} is not one of {', '.join(VERDICTS)} or None")
    ordered = list(findings)
    for f in ordered:
        if not isinstance(f, Finding):
            raise TypeError(f"findings: expected Finding, got {type(f).__name__}")
    ordered.sort(key=Finding.sort_key)

    matching = _match(ordered, key.defects)
    results = []
    credited: set[int] = set()
    for di, defect in enumerate(key.defects):
        fi = matching.get(di)
        if fi is None:
            results.append(DefectResult(defect, "missed", None, 0.0))
            continue
        credited.add(fi)
        finding = ordered[fi]
        if defect.accepts(finding.category):
            results.append(DefectResult(defect, "found", finding.id, float(defect.weight)))
        else:
            results.append(DefectResult(defect, "miscategorised", finding.id, defect.weight / 2))

    false_positives: list[FalsePositive] = []
    charged = 0
    for fi, finding in enumerate(ordered):
        if fi in credited:
            continue
        decoy = _decoy_hit(finding, key.decoys)
        if not key.defects and finding.severity == "minor" and decoy is None:
            cost = 0.0  # a nit or a question on a correct change: reviewers leave those on approvals
        else:
            cost = 0.0 if charged < FREE_FALSE_POSITIVES else FP_COST
            charged += 1
        false_positives.append(FalsePositive(finding, decoy, cost))

    if key.defects:
        credit = float(sum(r.credit for r in results))
        recall = len(credited) / len(key.defects)
        precision = len(credited) / len(ordered) if ordered else 0.0
    else:
        credit = 1.0 if verdict == key.verdict else 0.0
        recall = 1.0
        precision = 0.0 if ordered else 1.0
    total_weight = float(key.total_weight)
    penalty = float(sum(fp.cost for fp in false_positives))
    value = min(1.0, max(0.0, (credit - penalty) / total_weight))
    return Score(
        score=round(float(value), 4),
        credit=credit,
        penalty=penalty,
        total_weight=total_weight,
        precision=round(float(precision), 4),
        recall=round(float(recall), 4),
        defects=tuple(results),
        false_positives=tuple(false_positives),
        verdict=verdict,
        verdict_expected=key.verdict,
        verdict_correct=verdict == key.verdict,
    )
