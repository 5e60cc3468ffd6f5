"""Review: the object a notebook holds — a pull request, its findings on disk, and the viewer."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..diff.bundle import Bundle, load_bundle
from ..vocab import CATEGORIES, SEVERITIES, SIDES
from .finding import Finding
from .store import FindingStore, SidecarCorrupt, atomic_write_text, sidecar_path

__all__ = ["Review"]

# One store per sidecar in a kernel, so two Review objects (two viewers) of one review share
# state; listeners let every viewer repaint when any of them changes it.
_STORES: dict[Path, FindingStore] = {}
_LISTENERS: dict[Path, weakref.WeakSet[Review]] = {}
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


def re_executing() -> bool:
    """True in a kernel that nbgrader started to re-run a notebook: its Validate button (which
    runs the notebook in a hidden kernel in the learner's own folder) and autograde both set
    NBGRADER_EXECUTION for the kernel (nbgrader/validator.py, nbgrader's Execute). Such a run
    must never write a learner's findings: the sidecar is the answer, not the cells."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def code_finding_id(path: str, side: str, start: int, end: int, category: str, comment: str) -> str:
    """The id of a finding flagged from code: the same flag gives the same id, so re-running a
    `review.flag(...)` cell (after a restart, in a re-executed copy) never adds a second one.

    It is a hash of what the finding says, not of the cell that said it: nbclient sends no cell
    id, and two cells flagging the same span, category and comment flag one thing."""
    text = json.dumps([path, side, start, end, category, comment], ensure_ascii=False)
    return "code-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _shared_store(path: Path, slug: str, sha: str) -> FindingStore:
    key = path.resolve()
    store = _STORES.get(key)
    if store is None or store.exercise != slug or store.diff_sha256 != sha:
        store = FindingStore(path, slug, sha, persist=not re_executing())
        _STORES[key] = store
    else:
        store.refresh()
    return store


class Review:
    """A review of one pull request, bound to its findings sidecar.

    `Review.open("stack-auto-remediation.diff")` in a notebook shows the viewer; the same
    object flags lines from code. Every change is written to `<slug>.findings.json` at once.
    """

    practice_mode = False

    def __init__(self, bundle: Bundle, sidecar: str | os.PathLike, *, slug: str):
        self.bundle = bundle
        self.slug = slug
        self.sidecar = Path(sidecar)
        self.store = _shared_store(self.sidecar, slug, bundle.diff_sha256)
        self._callbacks: list[Callable[[], None]] = []
        self._viewer: Any = None
        self._display_id: str | None = None
        _LISTENERS.setdefault(self.sidecar.resolve(), weakref.WeakSet()).add(self)

    # construction --------------------------------------------------------------------------

    @classmethod
    def open(cls, diff_path: str | os.PathLike, *, sidecar: str | os.PathLike | None = None) -> Review:
        """Review the diff file at `diff_path`; findings go beside it unless `sidecar` says where."""
        diff_path = Path(diff_path)
        bundle = load_bundle(diff_path)
        slug = bundle.slug or diff_path.stem
        if sidecar is None:
            sidecar = sidecar_path(diff_path.parent, slug)
        return cls(bundle, sidecar, slug=slug)

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
        """Flag lines `line`..`end` of `path` (side "new", or "old" for removed lines).

        Idempotent: flagging the same span with the same category and comment again (a re-run
        cell) returns the finding already saved, even if it was edited since in the viewer."""
        end = line if end is None else end
        fid = code_finding_id(path, side, line, end, category, comment)
        return self._flag(path, line, category, comment, end=end, side=side, severity=severity, finding_id=fid)

    def _flag(
        self,
        path: str,
        line: int,
        category: str,
        comment: str = "",
        *,
        end: int | None = None,
        side: str = "new",
        severity: str = "major",
        finding_id: str | None = None,
    ) -> Finding:
        """Add a finding; the viewer's flags (a click is a new finding each time) have no id yet."""
        if category not in CATEGORIES:
            raise ValueError(f"category must be one of {', '.join(CATEGORIES)}, not {category!r}")
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
        end = line if end is None else end
        self.check_anchor(path, side, line, end)
        finding = self.store.add(
            path, line, category, comment, end=end, side=side, severity=severity, finding_id=finding_id
        )
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

    def solve(self) -> None:
        """Moved: the student side cannot reach a key. Source notebooks call the key side."""
        raise AttributeError(
            "Review.solve() moved to the key side: write `from course.keys import solve` and "
            "`solve(review)` in the source notebook's solution cell"
        )

    def replace_findings(self, findings: list[Finding], verdict: str | None) -> None:
        """Replace every finding and the verdict at once (the instructor's solution does)."""
        # The instructor's solution (course.keys.solve) writes even while nbgrader validates a
        # source notebook: `course build` checks that it scores full marks from the file.
        self.store.replace_all(findings, verdict, force=True)
        self._changed()

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
        if not self.store.persist:
            self._changed()
            return
        try:  # progress is a convenience: failing to save it must not disturb the review
            atomic_write_text(_viewed_path(self.sidecar), json.dumps(sorted(viewed)) + "\n")
        except OSError:
            pass
        self._changed()

    # practice mode: a PracticeReview (course.practice) overrides these -----------------------

    def practice_state(self) -> dict[str, Any]:
        """What the viewer may show of the key: nothing, for a review that is not practice."""
        return {}

    def submit(self) -> Any:
        raise ValueError("submitting is for practice mode (course.practice); graded reviews are scored by nbgrader")

    def next_hint(self, n: int) -> str:
        raise ValueError("hints are for practice reviews (course.practice)")

    def reveal(self, n: int) -> None:
        raise ValueError("revealing is for practice reviews (course.practice)")

    def prove(self, n: int) -> dict[str, Any]:
        raise ValueError("proofs are for practice reviews (course.practice)")

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

    def saved_view(self) -> dict[str, str]:
        """The static copy shown where the viewer cannot be (course.review.saved_view)."""
        from .saved_view import saved_view_html

        return {"text/html": saved_view_html(self), "text/plain": self.summary()}

    def _ipython_display_(self) -> None:
        """In IPython: the static copy (updated in place on every change), then the live viewer.

        A notebook reopened without a kernel shows the copy instead of "model not found"; the
        page hides whichever of the two is not wanted (see course/review/saved_view.py)."""
        from IPython.display import display, update_display

        if os.environ.get("NBGRADER_EXECUTION"):
            display({"text/plain": self.summary()}, raw=True)
            return
        data, meta = self.viewer._repr_mimebundle_()
        # The copy above carries the summary, kept up to date; the widget's own text would be
        # frozen at display time, and an untrusted notebook shows it under the copy.
        data = {**data, "text/plain": ""}
        if self._display_id is None:
            self._display_id = f"cra-saved-{uuid.uuid4().hex}"
            display_id = self._display_id

            def update() -> None:
                try:
                    update_display(self.saved_view(), raw=True, display_id=display_id)
                except Exception:  # a copy that could not be refreshed must not disturb the review
                    pass

            self.on_change(update)
        display(self.saved_view(), raw=True, display_id=self._display_id)
        display(data, raw=True, metadata=meta)

    def __repr__(self) -> str:
        return f"<Review {self.slug}: {len(self.findings)} findings, verdict {self.verdict}>"
