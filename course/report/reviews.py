"""Reads and scores every review of the class: one row per review, per (review, defect) and per false positive."""

from __future__ import annotations

from typing import NamedTuple

from ..keys.model import Key
from ..review.finding import Finding
from ..review.store import SidecarCorrupt, read_sidecar
from ..scoring.match import Score, score
from .load import SIDECAR_SUFFIX, Submission
from .shared import ReviewedSidecar

NAN = float("nan")


class ReviewRow(NamedTuple):
    """One student's review of one exercise (a row of `ClassReport.reviews`)."""

    student: str
    slug: str
    status: str  # "reviewed", "no-sidecar" (counts as empty) or "corrupt" (left out of every rate)
    source: str | None  # the folder the sidecar was read from: "autograded" or "submitted"
    problem: str
    verdict: str | None
    findings: int
    credited: int
    false_positives: int
    decoy_hits: int
    defects: int
    detected: int
    found: int
    credit: float
    penalty: float
    score: float
    precision: float
    recall: float
    first_flag: str | None
    last_flag: str | None


class OutcomeRow(NamedTuple):
    """What became of one defect in one review (a row of `ClassReport.outcomes`)."""

    student: str
    slug: str
    defect: str
    category: str
    severity: str
    status: str  # "found", "miscategorised" or "missed"
    credit: float
    finding_id: str | None
    finding_category: str | None


class FalsePositiveRow(NamedTuple):
    """A finding that credited no defect (a row of `ClassReport.false_positives`)."""

    student: str
    slug: str
    finding_id: str
    path: str
    side: str
    start: int
    end: int
    category: str
    severity: str
    comment: str
    decoy: int  # the index of the decoy it hit in the key, -1 for none
    why_fine: str | None
    cost: float


REVIEW_COLUMNS = list(ReviewRow._fields)
OUTCOME_COLUMNS = list(OutcomeRow._fields)
FP_COLUMNS = list(FalsePositiveRow._fields)


class Scored(NamedTuple):
    reviews: list[ReviewRow]
    outcomes: list[OutcomeRow]
    false_positives: list[FalsePositiveRow]
    sidecars: list[ReviewedSidecar]  # every readable sidecar's findings, for the shared-answer check


class _Read(NamedTuple):
    status: str
    problem: str
    findings: tuple[Finding, ...] = ()
    verdict: str | None = None
    shown: str = ""  # the sidecar as the problems name it: <tree>/<student>/<assignment>/<file>


def _read(sid: str, slug: str, sub: Submission) -> _Read:
    """One review's sidecar: reviewed, absent (an empty review) or corrupt."""
    if sub.folder is None or slug not in sub.sidecars:
        return _Read("no-sidecar", "")
    path = sub.folder / f"{slug}{SIDECAR_SUFFIX}"
    shown = f"{sub.tree}/{sid}/{path.parent.name}/{path.name}"
    try:
        side = read_sidecar(path)
    except SidecarCorrupt as exc:
        return _Read("corrupt", f"{shown}: {exc.problem}")
    except (ValueError, TypeError) as exc:  # a finding the store refuses
        return _Read("corrupt", f"{shown}: {exc}")
    if side is None:
        return _Read("no-sidecar", "", shown=shown)  # removed between listing and reading: nothing flagged
    if side.exercise != slug:
        return _Read("corrupt", f"{shown}: belongs to exercise {side.exercise!r}, not {slug!r}")
    verdict = side.verdict if side.verdict in ("approve", "request-changes") else None
    return _Read("reviewed", "", tuple(side.findings), verdict, shown)


def _corrupt(sid: str, slug: str, source: str | None, problem: str) -> ReviewRow:
    """A review left out of every rate: no counts, no score."""
    return ReviewRow(
        student=sid, slug=slug, status="corrupt", source=source, problem=problem, verdict=None,
        findings=0, credited=0, false_positives=0, decoy_hits=0, defects=0, detected=0, found=0,
        credit=NAN, penalty=NAN, score=NAN, precision=NAN, recall=NAN, first_flag=None, last_flag=None,
    )  # fmt: skip


def _outcomes(sid: str, slug: str, findings: tuple[Finding, ...], result: Score) -> list[OutcomeRow]:
    categories: dict[str, str] = {}
    for f in findings:
        categories.setdefault(f.id, f.category)  # the first finding of an id, as the scorer reads them
    rows = []
    for r in result.defects:
        d = r.defect
        finding_category = categories.get(r.finding_id) if r.status != "missed" and r.finding_id is not None else None
        rows.append(
            OutcomeRow(sid, slug, d.id, d.category, d.severity, r.status, r.credit, r.finding_id, finding_category)
        )
    return rows


def _false_positives(sid: str, slug: str, result: Score, decoys: dict[int, int]) -> list[FalsePositiveRow]:
    rows = []
    for fp in result.false_positives:
        f = fp.finding
        index = decoys.get(id(fp.decoy), -1) if fp.decoy is not None else -1
        why_fine = fp.decoy.why_fine if fp.decoy is not None else None
        row = FalsePositiveRow(
            student=sid, slug=slug, finding_id=f.id, path=f.path, side=f.side, start=f.start, end=f.end,
            category=f.category, severity=f.severity, comment=f.comment, decoy=index, why_fine=why_fine, cost=fp.cost,
        )  # fmt: skip
        rows.append(row)
    return rows


def _review_row(sid: str, slug: str, source: str | None, read: _Read, key: Key, result: Score,
                outcomes: list[OutcomeRow], fps: list[FalsePositiveRow]) -> ReviewRow:  # fmt: skip
    stamps = [s for f in read.findings for s in (f.created, f.updated) if s]
    n_fp = len(result.false_positives)
    return ReviewRow(
        student=sid, slug=slug, status=read.status, source=source, problem="", verdict=read.verdict,
        findings=len(read.findings), credited=len(read.findings) - n_fp, false_positives=n_fp,
        decoy_hits=sum(fp.decoy >= 0 for fp in fps), defects=len(key.defects),
        detected=sum(o.status != "missed" for o in outcomes), found=sum(o.status == "found" for o in outcomes),
        credit=result.credit, penalty=result.penalty, score=result.score, precision=result.precision,
        recall=result.recall, first_flag=min(stamps) if stamps else None, last_flag=max(stamps) if stamps else None,
    )  # fmt: skip


def score_all(submissions: dict[str, Submission], slugs: list[str], keys: dict[str, Key]) -> Scored:
    """Read and score every review: the one Python loop; everything after it is pandas."""
    out = Scored([], [], [], [])
    decoy_index = {slug: {id(d): i for i, d in enumerate(keys[slug].decoys)} for slug in slugs}
    for sid, sub in submissions.items():
        for slug in slugs:
            source = sub.tree if sub.folder is not None and slug in sub.sidecars else None
            read = _read(sid, slug, sub)
            if read.status == "corrupt":
                out.reviews.append(_corrupt(sid, slug, source, read.problem))
                continue
            try:
                result = score(read.findings, keys[slug], read.verdict)
            except (ValueError, TypeError) as exc:  # a finding the scorer refuses
                out.reviews.append(_corrupt(sid, slug, source, f"{read.shown}: {exc}"))
                continue
            outcomes = _outcomes(sid, slug, read.findings, result)
            fps = _false_positives(sid, slug, result, decoy_index[slug])
            out.outcomes.extend(outcomes)
            out.false_positives.extend(fps)
            out.reviews.append(_review_row(sid, slug, source, read, keys[slug], result, outcomes, fps))
            if read.status == "reviewed":
                out.sidecars.append(ReviewedSidecar(sid, slug, read.verdict, read.findings))
    return out
