"""Review: the object a notebook holds — a pull request, its findings on disk, and the viewer."""

from __future__ import annotations

import json
import os
import weakref
from pathlib import Path
from typing import Any, Callable

from . import CATEGORIES, SEVERITIES, SIDES
from .bundle import Bundle, load_bundle, parse_bundle
from .findings import FindingStore, SidecarCorrupt, atomic_write_text, sidecar_path
from .scoring import Finding, Score

__all__ = ["Review"]

# One store per sidecar in a kernel, so two Review objects (two viewers) of one review share
# state; listeners let every viewer repaint when any of them changes it.
_STORES: dict[Path, FindingStore] = {}
_LISTENERS: dict[Path, "weakref.WeakSet[Review]"] = {}
# Files marked "viewed" per sidecar: reading progress, not graded, kept in a dotfile beside it.
_VIEWED: dict[Path, set[str]] = {}


def _viewed_path(sidecar: Path) -> Path:
    return sidecar.with_name(f".{sidecar.name.removesuffix('.findings.json')}.viewed.json")


def _load_viewed(sidecar: Path) -> set[str]:
    key = sidecar.resolve()
    if key not in _VIEWED:
        try:
            data = json.loads(_viewed_path(sidecar).read_text(encoding="utf-8"))
            _VIEWED[key] = {p for p in data if isinstance(p, str)} if isinstance(data, list) else set()
        except (OSError, ValueError):
            _VIEWED[key] = set()
    return _VIEWED[key]


def _shared_store(path: Path, slug: str, sha: str) -> FindingStore:
    key = path.resolve()
    store = _STORES.get(key)
    if store is None or store.exercise != slug or store.diff_sha256 != sha:
        store = FindingStore(path, slug, sha)
        _STORES[key] = store
    else:
        store.refresh()
    return store


class Review:
    """A review of one pull request, bound to its findings sidecar.

    `Review.open("stack-auto-remediation.diff")` in a notebook shows the viewer; the same
    object flags lines from code. Every change is written to `<slug>.findings.json` at once.
    """

    def __init__(self, bundle: Bundle, sidecar: str | os.PathLike, *, slug: str, practice: bool = False, bank: Any = None):
        self.bundle = bundle
        self.slug = slug
        self.practice_mode = practice
        self._bank = bank
        self.sidecar = Path(sidecar)
        self.store = _shared_store(self.sidecar, slug, bundle.diff_sha256)
        self._callbacks: list[Callable[[], None]] = []
        self._viewer = None
        # Practice mode: what the learner has asked to see. The key stays here, in Python.
        self._submitted: Any = None  # (Score, findings signature) of the last submit
        self._hints: dict[int, int] = {}
        self._revealed: set[int] = set()
        self._proofs: dict[int, dict[str, Any]] = {}
        _LISTENERS.setdefault(self.sidecar.resolve(), weakref.WeakSet()).add(self)

    # construction --------------------------------------------------------------------------

    @classmethod
    def open(cls, diff_path: str | os.PathLike, *, sidecar: str | os.PathLike | None = None) -> "Review":
        """Review the diff file at `diff_path`; findings go beside it unless `sidecar` says where."""
        diff_path = Path(diff_path)
        bundle = load_bundle(diff_path)
        slug = bundle.slug or diff_path.stem
        if sidecar is None:
            sidecar = sidecar_path(diff_path.parent, slug)
        return cls(bundle, sidecar, slug=slug)

    @classmethod
    def practice(cls, slug: str, *, bank: str | os.PathLike | None = None, directory: str | os.PathLike = ".") -> "Review":
        """Practice mode for self-learners: the bank is here, so a review can be scored at once."""
        from .bank import Bank

        b = Bank(bank)
        exercise = b.get(slug)
        bundle = parse_bundle(exercise.bundle_text, source=f"{slug}.diff")
        return cls(bundle, sidecar_path(directory, slug), slug=slug, practice=True, bank=b)

    # the store, from code ------------------------------------------------------------------

    @property
    def diff(self):
        return self.bundle.diff

    @property
    def findings(self) -> list[Finding]:
        self.store.refresh()
        return self.store.findings

    @property
    def verdict(self) -> str | None:
        self.store.refresh()
        return self.store.verdict

    @verdict.setter
    def verdict(self, value: str | None) -> None:
        self.store.set_verdict(value)
        self._changed()

    @property
    def error(self) -> SidecarCorrupt | None:
        self.store.refresh()
        return self.store.error

    def check_anchor(self, path: str, side: str, start: int, end: int) -> None:
        """Raise ValueError unless every line of the span is in the diff on that side."""
        if side not in SIDES:
            raise ValueError(f"side must be one of {', '.join(SIDES)}, not {side!r}")
        try:
            fd = self.diff.file(path)
        except KeyError:
            paths = ", ".join(f.path for f in self.diff.files)
            raise ValueError(f"{path!r} is not a file of this diff (files: {paths})") from None
        if end < start:
            raise ValueError(f"end ({end}) is before start ({start})")
        for n in (start, end):
            if fd.line(side, n) is None:
                raise ValueError(f"line {n} of {path} is not on the {side} side of the diff")

    def flag(
        self,
        path: str,
        line: int,
        category: str,
        comment: str = "",
        end: int | None = None,
        side: str = "new",
        severity: str = "major",
    ) -> Finding:
        """Flag lines `line`..`end` of `path` (side "new", or "old" for removed lines)."""
        if category not in CATEGORIES:
            raise ValueError(f"category must be one of {', '.join(CATEGORIES)}, not {category!r}")
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
        end = line if end is None else end
        self.check_anchor(path, side, line, end)
        finding = self.store.add(path, line, category, comment, end=end, side=side, severity=severity)
        self._changed()
        return finding

    def edit(self, finding_id: str, **changes: Any) -> Finding:
        current = self.store.get(finding_id)
        merged = {**current.to_dict(), **changes}
        self.check_anchor(merged["path"], merged["side"], merged["start"], merged["end"])
        finding = self.store.update(finding_id, **changes)
        self._changed()
        return finding

    def unflag(self, finding_id: str) -> None:
        self.store.remove(finding_id)
        self._changed()

    def solve(self) -> list[Finding]:
        """Instructor only: write the answer key's defects as findings (needs the bank)."""
        from .bank import Bank

        bank = self._bank or Bank()
        exercise = bank.get(self.slug)
        findings = [
            Finding(
                id=f"key-{d.id}"[:40],
                path=d.file,
                side=d.side,
                start=d.lines[0],
                end=d.lines[1],
                category=d.category,
                severity=d.severity,
                comment=d.title,
            )
            for d in exercise.key.defects
        ]
        self.store.replace_all(findings, exercise.verdict)
        self._changed()
        return findings

    def score(self) -> Score:
        """Score against the key (practice mode, or an instructor with the bank)."""
        from .bank import Bank
        from .scoring import score

        bank = self._bank or Bank()
        exercise = bank.get(self.slug)
        return score(self.findings, exercise.key, self.verdict)

    # reading progress ----------------------------------------------------------------------

    @property
    def viewed(self) -> set[str]:
        """Paths of the files marked as viewed (shared by every viewer of this sidecar)."""
        return set(_load_viewed(self.sidecar))

    def mark_viewed(self, path: str, value: bool = True) -> None:
        if path not in {f.path for f in self.diff.files}:
            raise ValueError(f"{path!r} is not a file of this diff")
        viewed = _load_viewed(self.sidecar)
        (viewed.add if value else viewed.discard)(path)
        try:  # progress is a convenience: failing to save it must not disturb the review
            atomic_write_text(_viewed_path(self.sidecar), json.dumps(sorted(viewed)) + "\n")
        except OSError:
            pass
        self._changed()

    # practice mode -------------------------------------------------------------------------

    def _exercise(self):
        from .bank import Bank

        if self._bank is None:
            self._bank = Bank()
        return self._bank.get(self.slug)

    def _signature(self) -> tuple:
        return (tuple(sorted(f.sort_key() for f in self.findings)), self.verdict)

    def submit(self):
        """Practice mode: score the review now; the viewer then offers hints and explanations."""
        if not self.practice_mode:
            raise ValueError("submitting is for practice mode (Review.practice); graded reviews are scored by nbgrader")
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
        from .bank import run_proof

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
        if not self.practice_mode:
            return {}
        if self._submitted is None:
            return {"enabled": True, "submitted": False}
        result, signature = self._submitted
        labels = {f.id: f"{f.path}:{f.start}" + (f"-{f.end}" if f.end != f.start else "") for f in self.findings}
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
                span = f"{d.lines[0]}" if d.lines[0] == d.lines[1] else f"{d.lines[0]}-{d.lines[1]}"
                item.update(
                    category=d.category,
                    also=list(d.also),
                    where=f"{d.file}:{span}" + (" (old)" if d.side == "old" else ""),
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

    def summary(self) -> str:
        """One line for places without a live viewer (nbgrader autograde, static renders)."""
        store = self.store
        store.refresh()
        if store.error is not None:
            return f"Review of {self.slug}: {store.error}"
        n = len(store.findings)
        verdict = store.verdict or "none yet"
        return (
            f"Review of {self.slug}: {n} finding{'s' if n != 1 else ''}, verdict {verdict} "
            f"(saved in {self.sidecar.name}; run this cell in Jupyter to see the viewer)"
        )

    # viewers -------------------------------------------------------------------------------

    def on_change(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def _changed(self) -> None:
        for review in list(_LISTENERS.get(self.sidecar.resolve(), ())):
            for cb in list(review._callbacks):
                cb()

    @property
    def viewer(self):
        if self._viewer is None:
            from .viewer import DiffViewer

            self._viewer = DiffViewer(self)
        return self._viewer

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Under nbgrader autograde no browser will ever attach: show the summary and build no
        # widget, so grading does no work for nothing and writes nothing to stderr.
        if os.environ.get("NBGRADER_EXECUTION"):
            return {"text/plain": self.summary()}
        return self.viewer._repr_mimebundle_(include=include, exclude=exclude)

    def __repr__(self) -> str:
        return f"<Review {self.slug}: {len(self.findings)} findings, verdict {self.verdict}>"

