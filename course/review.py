"""Review: the object a notebook holds — a pull request, its findings on disk, and the viewer."""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import Any, Callable

from . import CATEGORIES, SEVERITIES, SIDES
from .bundle import Bundle, load_bundle, parse_bundle
from .findings import FindingStore, SidecarCorrupt, sidecar_path
from .scoring import Finding, Score

__all__ = ["Review"]

# One store per sidecar in a kernel, so two Review objects (two viewers) of one review share
# state; listeners let every viewer repaint when any of them changes it.
_STORES: dict[Path, FindingStore] = {}
_LISTENERS: dict[Path, "weakref.WeakSet[Review]"] = {}


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
        return self.viewer._repr_mimebundle_(include=include, exclude=exclude)

    def __repr__(self) -> str:
        return f"<Review {self.slug}: {len(self.findings)} findings, verdict {self.verdict}>"

