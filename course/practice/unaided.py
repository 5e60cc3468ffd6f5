"""A practice score without the help: the submitted review scored again without the findings
that credited a defect found with help (course.practice's practice_state gives it beside the
score)."""

from __future__ import annotations

from ..keys.model import Key
from ..review.finding import Finding
from ..scoring.match import Score, score

__all__ = ["unaided_score"]


def unaided_score(
    result: Score, findings: list[Finding], key: Key, verdict: str | None, helped: frozenset[str]
) -> float:
    """`result`'s score without the findings that credited a defect in `helped` (status found or
    miscategorised), scored again by course.scoring; a finding freed that way that then lands on
    such a defect is dropped too, until none does."""
    while True:
        used = {r.finding_id for r in result.defects if r.defect.id in helped and r.status != "missed"}
        if not used:
            return result.score
        findings = [f for f in findings if f.id not in used]
        result = score(findings, key, verdict)
