"""Practice mode for self-learners: a Review whose key is on this machine, so a review is
scored at once, with hints one at a time, the explanation, and the proof of each defect.

The key stays in Python: the viewer receives only what `practice_state` lets through.
"""

from __future__ import annotations

import os
from typing import Any

from ..diff.bundle import parse_bundle
from ..keys.bank import Bank, Exercise
from ..keys.proofs import run_proof
from ..review.review import Review
from ..review.store import sidecar_path
from ..scoring.match import Score, score
from ..vocab import where

__all__ = ["PracticeReview", "practice"]


def practice(
    slug: str, *, bank: str | os.PathLike | Bank | None = None, directory: str | os.PathLike = "."
) -> PracticeReview:
    """Open exercise `slug` for practice; findings are saved beside the notebook as usual."""
    b = bank if isinstance(bank, Bank) else Bank(bank)
    exercise = b.get(slug)
    bundle = parse_bundle(exercise.bundle_text, source=f"{slug}.diff")
    return PracticeReview(bundle, sidecar_path(directory, slug), slug=slug, bank=b)


class PracticeReview(Review):
    """A review scored on demand against its key (see the module docstring)."""

    practice_mode = True

    def __init__(self, bundle: Any, sidecar: str | os.PathLike, *, slug: str, bank: Bank):
        self._bank = bank
        # What the learner has asked to see. The key stays here, in Python.
        self._submitted: Any = None  # (Score, findings signature) of the last submit
        self._hints: dict[int, int] = {}
        self._revealed: set[int] = set()
        self._proofs: dict[int, dict[str, Any]] = {}
        super().__init__(bundle, sidecar, slug=slug)

    def _exercise(self) -> Exercise:
        return self._bank.get(self.slug)

    def score(self) -> Score:
        """Score the review as it is now against the key."""
        return score(self.findings, self._exercise().key, self.verdict)

    def _signature(self) -> tuple:
        return (tuple(sorted(f.sort_key() for f in self.findings)), self.verdict)

    def submit(self):
        """Practice mode: score the review now; the viewer then offers hints and explanations."""
        result = self.score()
        self._submitted = (result, self._signature())
        self._changed()
        return result

    def _defect_result(self, n: int):
        if self._submitted is None:
            raise ValueError("submit the review first")
        results = self._submitted[0].defects
        if not 0 <= n < len(results):
            raise ValueError(f"no defect number {n}")
        return results[n]

    def next_hint(self, n: int) -> str:
        """Show the next hint for defect `n` (key order), least revealing first."""
        result = self._defect_result(n)
        shown = self._hints.get(n, 0)
        if shown >= len(result.defect.hints):
            raise ValueError("no more hints for this defect")
        self._hints[n] = shown + 1
        self._changed()
        return result.defect.hints[shown]

    def reveal(self, n: int) -> None:
        """Show the explanation and proof of defect `n`: after its hints, or at once if it was found."""
        result = self._defect_result(n)
        if result.status != "found" and self._hints.get(n, 0) < len(result.defect.hints):
            raise ValueError("see the hints first")
        self._revealed.add(n)
        self._changed()

    def prove(self, n: int) -> dict[str, Any]:
        """Run defect `n`'s proof on the code under review and on the fixed code."""
        if n not in self._revealed:
            raise ValueError("reveal the defect first")
        defect = self._defect_result(n).defect
        exercise = self._exercise()
        # Jupyter starts kernels with FORCE_COLOR set, and pytest's coloured summary line is
        # not recognised by run_proof; PY_COLORS=0 outranks every other colour switch.
        saved = os.environ.get("PY_COLORS")
        os.environ["PY_COLORS"] = "0"
        try:
            runs = {tree: run_proof(exercise, defect.proof, tree) for tree in ("after", "fixed")}
        finally:
            if saved is None:
                os.environ.pop("PY_COLORS", None)
            else:
                os.environ["PY_COLORS"] = saved
        self._proofs[n] = {
            "after": "fails" if runs["after"].failed else "passes" if runs["after"].passed else "error",
            "fixed": "passes" if runs["fixed"].passed else "fails" if runs["fixed"].failed else "error",
            "output": runs["after"].output[-2000:],
        }
        self._changed()
        return self._proofs[n]

    def practice_state(self) -> dict[str, Any]:
        """What the viewer may show of the key: nothing before submit, then only what was asked for."""
        if self._submitted is None:
            return {"enabled": True, "submitted": False}
        result, signature = self._submitted
        labels = {f.id: where(f.path, f.side, f.start, f.end) for f in self.findings}
        defects = []
        for n, r in enumerate(result.defects):
            d = r.defect
            revealed = n in self._revealed
            shown = self._hints.get(n, 0)
            item: dict[str, Any] = {
                "n": n,
                "status": r.status,
                "severity": d.severity,
                "credit": r.credit,
                "weight": d.weight,
                "hints": list(d.hints[:shown]),
                "hints_left": len(d.hints) - shown,
                "can_reveal": not revealed and (r.status == "found" or shown >= len(d.hints)),
                "revealed": revealed,
                "finding": labels.get(r.finding_id) if r.finding_id else None,
            }
            if r.status == "found" or revealed:
                item["title"] = d.title
            if revealed:
                item.update(
                    category=d.category,
                    also=list(d.also),
                    where=where(d.file, d.side, d.lines[0], d.lines[1]),
                    explanation=d.explanation,
                    proof=d.proof,
                    proof_run=self._proofs.get(n),
                )
            defects.append(item)
        return {
            "enabled": True,
            "submitted": True,
            "outdated": signature != self._signature(),
            "score": result.score,
            "credit": result.credit,
            "penalty": result.penalty,
            "total_weight": result.total_weight,
            "precision": result.precision,
            "recall": result.recall,
            "verdict": result.verdict,
            "verdict_expected": result.verdict_expected,
            "verdict_correct": result.verdict_correct,
            "defects": defects,
            "false_positives": [
                {
                    "finding": labels.get(fp.finding.id, fp.finding.id),
                    "why_fine": fp.decoy.why_fine if fp.decoy is not None else None,
                    "cost": fp.cost,
                }
                for fp in result.false_positives
            ],
        }
