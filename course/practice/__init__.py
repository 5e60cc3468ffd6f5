"""Practice mode for self-learners: a Review whose key is on this machine, so a review is
scored at once, with hints one at a time, the explanation, and the proof of each defect.

The key stays in Python: the viewer receives only what `practice_state` lets through.
"""

from __future__ import annotations

import json
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any

from filelock import Timeout

from ..diff.bundle import parse_bundle
from ..keys.bank import Bank, BankError, Exercise
from ..keys.proofs import run_proof
from ..review.finding import Finding
from ..review.markdown import render_markdown
from ..review.review import Review, re_executing
from ..review.store import sidecar_path
from ..scoring.match import Score, hits, on_its_lines, score
from ..vocab import where
from .private import PrivateExercise, public_bank
from .progress import MAX_PROOF_OUTPUT, Progress
from .record import VERDICT_TOLD, Attempt, LearnerRecord, RecordFull, attempt_from_score, help_given
from .reveal import fix_diff, spans_of
from .unaided import unaided_score

__all__ = ["PracticeReview", "PrivateExercise", "drill", "my_progress", "practice"]


def practice(
    slug: str, *, bank: str | os.PathLike | Bank | None = None, directory: str | os.PathLike = "."
) -> PracticeReview:
    """Open exercise `slug` for practice; findings are saved beside the notebook as usual."""
    b = public_bank(bank if isinstance(bank, Bank) else Bank(bank), slug)
    exercise = b.get(slug)
    bundle = parse_bundle(exercise.bundle_text, source=f"{slug}.diff")
    return PracticeReview(bundle, sidecar_path(directory, slug), slug=slug, bank=b)


def my_progress(directory: str | os.PathLike = ".", *, bank: str | os.PathLike | Bank | None = None) -> Any:
    """My Progress: the learner record of this folder per exercise and category, a plot, and
    what to do next (course.practice.overview; the page is course.practice.page)."""
    from .overview import overview  # the page's modules (matplotlib, fsrs) load only when asked for
    from .page import ProgressView, drills_due

    try:
        ov = overview(directory, bank if isinstance(bank, Bank) else Bank(bank))
    except BankError as exc:  # the record is still shown; only the exercises not yet tried need the bank
        ov = overview(directory, None, f"the exercise bank could not be read ({exc})")
    return ProgressView(ov, drills_due(ov))


def drill(
    directory: str | os.PathLike = ".", *, bank: str | os.PathLike | Bank | None = None, pattern: str | None = None
) -> Any:
    """The next due drill (course.practice.drills) in a practice viewer, or a note saying that
    none is due and when the next one is. `pattern` drills that pattern now, due or not."""
    from .drills import Drill, next_drill  # fsrs loads here, not when a notebook imports practice
    from .schedule import resolve_pattern

    if pattern is not None:  # "Fail open" is fail-open; a typo is one line naming the closest names
        pattern = resolve_pattern(pattern)
    b = bank if isinstance(bank, Bank) else Bank(bank)
    found = next_drill(directory, b, pattern=pattern)
    if not isinstance(found, Drill):
        return found
    if not re_executing():  # a notebook nbgrader re-runs writes nothing in the learner's folder
        found.sidecar.parent.mkdir(exist_ok=True)
    return PracticeReview(
        found.bundle,
        found.sidecar,
        slug=found.bundle.slug or found.sidecar.name,
        bank=b,
        exercise=found.exercise,
        drill=found.defect.id,
        record_dir=directory,
        drilled=found,
    )


class PracticeReview(Review):
    """A review scored on demand against its key (see the module docstring).

    What the learner asked for (the submitted review, hints, reveals, proof runs) is kept in
    `.<slug>.practice.json` beside the findings (course.practice.progress), so reopening the
    review after a kernel restart or a re-run shows the score and every hint as they were.
    """

    practice_mode = True

    def __init__(
        self,
        bundle: Any,
        sidecar: str | os.PathLike,
        *,
        slug: str,
        bank: Bank,
        exercise: Exercise | None = None,
        drill: str = "",
        record_dir: str | os.PathLike | None = None,
        drilled: Any = None,
    ):
        self._bank = public_bank(bank, slug)  # never the private bank (course.practice.private)
        self._scored: tuple[str, Score, tuple] | None = None  # (submission as JSON, its score, signature)
        super().__init__(bundle, sidecar, slug=slug)
        self._progress = Progress(self.store)
        # A drill (course.practice.drills) is scored against its own cut of an exercise's key.
        self._cut = exercise
        self.drill_of = drill  # the id of the defect a drill was cut around; "" for a review
        self._drilled = drilled  # the course.practice.drills.Drill this review is, or None
        self._drill_note = ""  # what the drill's last submission did to its pattern's schedule
        self.record = LearnerRecord(record_dir if record_dir is not None else self.sidecar.parent)
        self._fixes: dict[str, dict[str, Any]] = {}  # defect id -> its fix diff (course.practice.reveal)

    def _fix(self, defect: Any) -> dict[str, Any]:
        """A revealed defect's fix as a small diff, computed once per defect."""
        if defect.id not in self._fixes:
            try:
                self._fixes[defect.id] = fix_diff(self._exercise(), defect, self.diff)
            except (OSError, ValueError) as exc:  # an unreadable fixed/: the explanation still shows
                self._fixes[defect.id] = {"hunks": [], "cut": False, "error": f"the fix could not be read: {exc}"}
        return self._fixes[defect.id]

    @property
    def viewer(self):
        """A drill's viewer colours the cut from its whole files and names its findings file as it
        lies beside the notebook (course.practice.drills.drill_viewer)."""
        if self._viewer is None and self._drilled is not None:
            from .drills import drill_viewer

            self._viewer = drill_viewer(self, self._drilled)
        return super().viewer

    def _exercise(self) -> Exercise:
        return self._cut if self._cut is not None else self._bank.get(self.slug)

    def score(self) -> Score:
        """Score the review as it is now against the key."""
        return score(self.findings, self._exercise().key, self.verdict)

    @staticmethod
    def _signature_of(findings: list[Finding], verdict: str | None) -> tuple:
        return (tuple(sorted(f.sort_key() for f in findings)), verdict)

    def _signature(self) -> tuple:
        return self._signature_of(self.findings, self.verdict)

    @property
    def _submitted(self) -> tuple[Score, tuple, list[Finding]] | None:
        """The last submitted review, scored again from the key: (score, signature, findings)."""
        sub = self._progress.data["submitted"]
        if sub is None:
            return None
        findings = [Finding.from_dict(f) for f in sub["findings"]]
        key = json.dumps(sub, sort_keys=True)
        if self._scored is None or self._scored[0] != key:
            result = score(findings, self._exercise().key, sub["verdict"])
            self._scored = (key, result, self._signature_of(findings, sub["verdict"]))
        return self._scored[1], self._scored[2], findings

    def submit(self):
        """Practice mode: score the review now; the viewer then offers hints and explanations.

        The help set goes with the submitted review into the progress file (practice_state reads
        it) and into the learner record: the defects whose hints had been shown, whose
        explanation had been read while they were not found in the review submitted before, or
        whose expected category that review's score showed (found under another category); not a
        defect that fares as it did, unhelped, in the review before (`help_given`)."""
        result = self.score()
        review = {"findings": [f.to_dict() for f in self.findings], "verdict": self.verdict}
        before = self._progress.reload()
        previous = self._submitted
        old = before["submitted"]
        helped = help_given(before, previous[0] if previous else None, result)
        same = old is not None and old["findings"] == review["findings"] and old["verdict"] == review["verdict"]
        if same:  # the same review submitted again is one attempt, with the help it was recorded with
            helped = frozenset(old["helped"])
        snapshot = {**review, "helped": sorted(helped)}
        self._progress.update(lambda d: d.update(submitted=snapshot))
        if not same:
            recorded = self._record(result, helped)
            if self._drilled is not None and self._viewer is not None and self.store.persist:  # what became of it
                from .drills import drill_notice

                self._drill_note = drill_notice(self.record, recorded, self._drilled.pattern)
        self._changed()
        return result

    def _record(self, result: Score, helped: frozenset[str]) -> Attempt | None:
        """Add the submission to the learner record (course.practice.record), never elsewhere;
        the attempt, or None when it was not recorded."""
        if not self.store.persist:  # a notebook nbgrader re-runs writes nothing of the learner's
            return None
        attempt = attempt_from_score(
            result, self._exercise().slug, "drill" if self.drill_of else "review", helped=helped, drill=self.drill_of
        )
        try:
            self.record.append(attempt)
        except (OSError, RecordFull, Timeout) as exc:  # the score stands; the record says why it lacks it
            warnings.warn(f"this attempt was scored but not recorded in {self.record.path}: {exc}", stacklevel=2)
            return None
        return attempt

    def _defect_result(self, n: int):
        submitted = self._submitted
        if submitted is None:
            raise ValueError("submit the review first")
        results = submitted[0].defects
        if not isinstance(n, int) or not 0 <= n < len(results):
            raise ValueError(f"no defect number {n}")
        return results[n]

    def next_hint(self, n: int) -> str:
        """Show the next hint for defect `n` (key order), least revealing first."""
        defect = self._defect_result(n).defect
        shown: list[int] = []

        def change(d: dict[str, Any]) -> None:
            now = d["hints"].get(defect.id, 0)
            if now >= len(defect.hints):
                raise ValueError("no more hints for this defect")
            d["hints"][defect.id] = now + 1
            shown.append(now)

        self._progress.update(change)
        self._changed()
        return defect.hints[shown[0]]

    def reveal(self, n: int) -> None:
        """Show the explanation and proof of defect `n`: after its hints, or at once if its lines were found."""
        result = self._defect_result(n)
        defect = result.defect

        def change(d: dict[str, Any]) -> None:
            if result.status == "missed" and d["hints"].get(defect.id, 0) < len(defect.hints):
                raise ValueError("see the hints first")
            d["revealed"] = sorted({*d["revealed"], defect.id})

        self._progress.update(change)
        self._changed()

    def prove(self, n: int) -> dict[str, Any]:
        """Run defect `n`'s proof on the code under review and on the fixed code."""
        defect = self._defect_result(n).defect
        if defect.id not in self._progress.reload()["revealed"]:
            raise ValueError("reveal the defect first")
        if sys.platform == "emscripten":  # JupyterLite: Pyodide cannot start a process
            raise ValueError(
                "Running a proof is not available in the browser: it starts pytest, node or go in a process "
                f"of its own, which Pyodide cannot do. Run `course prove {self.slug}` on your machine (make lab)."
            )
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
        run = {
            "after": "fails" if runs["after"].failed else "passes" if runs["after"].passed else "error",
            "fixed": "passes" if runs["fixed"].passed else "fails" if runs["fixed"].failed else "error",
            "output": _bare_paths(runs["after"].output, exercise.root)[-MAX_PROOF_OUTPUT:],
        }
        self._progress.update(lambda d: d["proofs"].update({defect.id: run}))
        self._changed()
        return run

    def practice_state(self) -> dict[str, Any]:
        """What the viewer may show of the key: nothing before submit, then only what was asked for.

        Of the submitted review: its score (as course.scoring gives it), per keyed defect what
        was found and shown, and the false positives. Help, from the help set kept with the
        submitted review (see submit):

        - each defect's "helped": True when the defect was found (status "found" or
          "miscategorised") in the submitted review and its hints or explanation had been shown
          before that submission; False otherwise (a missed defect is never "helped");
        - "verdict_told": the verdict, wrong in the review submitted before (whose score showed
          the expected one), is right now;
        - "with_help": True when any defect is "helped", or "verdict_told";
        - "unaided_score": the score the submitted review gets without the findings that
          credited a helped defect (scored again from the key; see unaided_score), so it is "score"
          itself when "with_help" is False. The viewer shows "Score 100% with help (40% without
          the 1 defect found with help)"; My Progress counts an attempt with help as not passing
          on its own.
        """
        self._progress.reload()  # another kernel or viewer may have asked for more
        submitted = self._submitted
        if submitted is None:
            return {"enabled": True, "submitted": False}
        result, signature, scored = submitted
        progress = self._progress.data
        asked = frozenset(progress["submitted"]["helped"])
        helped = {r.defect.id for r in result.defects if r.status != "missed" and r.defect.id in asked}
        verdict_told = VERDICT_TOLD in asked and bool(result.verdict_correct)
        # Every span is named by the one wording (course.vocab.where), "(old)" for removed lines,
        # from the findings as submitted: the review may have changed since.
        labels = {f.id: where(f.path, f.side, f.start, f.end) for f in scored}
        severities = {f.id: f.severity for f in scored}
        defects = []
        for n, r in enumerate(result.defects):
            d = r.defect
            revealed = d.id in progress["revealed"]
            shown = min(progress["hints"].get(d.id, 0), len(d.hints))
            item: dict[str, Any] = {
                "n": n,
                "status": r.status,
                "severity": d.severity,
                "credit": r.credit,
                "weight": d.weight,
                "hints": list(d.hints[:shown]),
                "hints_md": [render_markdown(t) for t in d.hints[:shown]],
                "hints_left": len(d.hints) - shown,
                "can_reveal": not revealed and (r.status != "missed" or shown >= len(d.hints)),
                "revealed": revealed,
                "helped": d.id in helped,
                "finding": labels.get(r.finding_id) if r.finding_id else None,
                "finding_id": r.finding_id or None,  # the viewer links "your finding" to it
                # the learner's severity beside the key's: a blocker called minor is a lesson too
                "finding_severity": severities.get(r.finding_id) if r.finding_id else None,
            }
            if r.status != "missed" or revealed:  # its lines were found: what it is (walk-through 17)
                item.update(title=d.title, expected=[d.category, *d.also] if r.status == "miscategorised" else None)
            if revealed:
                item.update(
                    category=d.category,
                    also=list(d.also),
                    where=where(d.file, d.side, d.lines[0], d.lines[1]),
                    explanation=d.explanation,
                    explanation_md=render_markdown(d.explanation),
                    spans=spans_of(d),
                    fix=self._fix(d),
                    proof=d.proof,
                    proof_run=progress["proofs"].get(d.id),
                )
            defects.append(item)
        return {
            "decoys_left_alone": self._decoys_left_alone(result, scored, progress["revealed"]),
            "drill_note": self._drill_note,  # in the score, not over the toolbar (walk-through 18)
            "enabled": True,
            "submitted": True,
            "outdated": signature != self._signature(),
            "score": result.score,
            "with_help": bool(helped) or verdict_told,
            "verdict_told": verdict_told,
            "unaided_score": (
                unaided_score(result, scored, self._exercise().key, result.verdict, asked) if helped else result.score
            ),
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
                    "finding": where(fp.finding.path, fp.finding.side, fp.finding.start, fp.finding.end),
                    "finding_id": fp.finding.id,
                    "why_fine": fp.decoy.why_fine if fp.decoy is not None else None,
                    "why_fine_md": render_markdown(fp.decoy.why_fine) if fp.decoy is not None else None,
                    # the decoy's own lines: the finding may be about another concern (walk-through 15)
                    "decoy_where": where(fp.decoy.file, fp.decoy.side, *fp.decoy.lines) if fp.decoy else None,
                    # reached only by the line of slack: "next to" it (walk-through 17)
                    "decoy_near": fp.decoy is not None and not on_its_lines(fp.finding, fp.decoy),
                    "cost": fp.cost,
                    # a minor note on no decoy in a correct change costs nothing and spends no free one
                    "note": not result.defects and fp.finding.severity == "minor" and fp.decoy is None,
                }
                for fp in result.false_positives
            ],
        }

    def _decoys_left_alone(self, result: Score, scored: list[Finding], revealed: list[str]) -> dict[str, Any]:
        """The decoys no submitted finding lands on: lines that look wrong, rightly left alone.

        Their count always; where they are and why they are fine only once every defect is found
        or revealed, since before that the list would tell the learner where not to look.
        """
        alone = [d for d in self._exercise().key.decoys if not any(hits(f, d) for f in scored)]
        done = all(r.status != "missed" or r.defect.id in revealed for r in result.defects)
        return {
            "count": len(alone),
            "items": [
                {
                    "where": where(d.file, d.side, *d.lines),
                    "span": [d.file, d.side, *d.lines],
                    "why_fine": d.why_fine,
                    "why_fine_md": render_markdown(d.why_fine),
                }
                for d in alone
            ]
            if done
            else [],
        }


def _bare_paths(output: str, root: Path) -> str:
    """Proof output with the exercise's own files named from its folder ("proofs/test_x.py"):
    pytest named them by the bank's absolute path, or one relative to its working folder
    ("../../../work/main/exercises/<slug>/proofs/..."), noise that also said where keys live."""
    return re.sub(r"(?<![\w.-])[\w./\\:-]*?" + re.escape(root.name) + r"[\\/]", "", output)
