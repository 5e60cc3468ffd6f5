"""The diff viewer widget: Python computes the page as JSON, static/viewer.js paints it and reports clicks."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ..diff.highlight import stylesheet
from ..vocab import CATEGORIES, SEVERITIES, VERDICTS
from .markdown import render_markdown
from .page import Index, build_files, describe, diff_size, finding_anchor, span_for_rows
from .sidecar import MAX_COMMENT

if TYPE_CHECKING:  # pragma: no cover
    from .finding import Finding
    from .review import Review

__all__ = ["DiffViewer", "draft_key"]

STATIC = Path(__file__).parent / "static"
# Deleted findings the page can still bring back with Undo (the newest last), per viewer.
UNDO_KEPT = 20
# Pygments needs about 0.3 ms a line. Up to this many lines the viewer arrives highlighted; a
# larger diff is painted as plain text first and coloured by a background thread moments later,
# so a 5,000-line diff still appears within a second of running the cell.
SYNC_HIGHLIGHT_LINES = 1500


# the widget ---------------------------------------------------------------------------------


def draft_key(review: Review) -> str:
    """Where the page keeps an unsaved finding (localStorage): one key per sidecar and diff.

    A draft is the browser's, not the review's: it must outlive a cell re-run and a page reload
    (a synced trait dies with the widget), and it is not a finding, so it never goes in the
    sidecar. The key is a hash, so no path is written into the browser's storage.
    """
    ident = f"{review.sidecar.resolve()}\0{review.bundle.diff_sha256}"
    return hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _css() -> str:
    """The viewer's stylesheet plus the highlighter's token colours (light and dark)."""
    return (STATIC / "viewer.css").read_text(encoding="utf-8") + "\n" + stylesheet(".cra-code")


class DiffViewer(anywidget.AnyWidget):
    """One view model of a Review: every trait is plain JSON, every message is validated here."""

    _esm = STATIC / "viewer.js"
    _css = traitlets.Unicode("").tag(sync=True)

    pr = traitlets.Dict().tag(sync=True)
    files: traitlets.List[Any] = traitlets.List().tag(sync=True)
    expanded: traitlets.List[Any] = traitlets.List().tag(sync=True)
    findings: traitlets.List[Any] = traitlets.List().tag(sync=True)
    verdict = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    viewed: traitlets.List[Any] = traitlets.List().tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    practice = traitlets.Dict().tag(sync=True)
    choices = traitlets.Dict().tag(sync=True)
    highlighted = traitlets.Bool(False).tag(sync=True)

    def __init__(self, review: Review, *, highlight: str = "auto", **kwargs: Any):
        """`highlight`: "auto" (in the background for diffs over SYNC_HIGHLIGHT_LINES lines),
        "sync" (always before the first paint) or "background" (always after it)."""
        if highlight not in ("auto", "sync", "background"):
            raise ValueError(f"highlight must be auto, sync or background, not {highlight!r}")
        t0 = time.perf_counter()
        self._review = review
        self._lock = threading.RLock()
        now = highlight == "sync" or (highlight == "auto" and diff_size(review.diff) <= SYNC_HIGHLIGHT_LINES)
        files = build_files(review.diff, highlight=now)
        self._index = Index(files)
        self._user_expanded: set[str] = set()
        self._deleted: dict[str, Finding] = {}  # id -> the finding as it was, for Undo
        bundle = review.bundle
        super().__init__(
            _css=_css(),
            files=files,
            highlighted=now,
            pr={
                "slug": review.slug,
                "title": bundle.title,
                "author": bundle.author,
                "description": render_markdown(bundle.description),
                "sidecar": review.sidecar.name,
                "practice": bool(review.practice_mode),
                "draft_key": draft_key(review),
            },
            choices={
                "categories": list(CATEGORIES),
                "severities": list(SEVERITIES),
                "verdicts": list(VERDICTS),
                "max_comment": MAX_COMMENT,  # the page's counter reads the sidecar's limit from here
            },
            **kwargs,
        )
        self._push()
        self.build_seconds = time.perf_counter() - t0
        review.on_change(self._push)
        self.on_msg(self._on_msg)
        self._highlighter: threading.Thread | None = None
        if not now:
            self._highlighter = threading.Thread(target=self._highlight_later, name="cra-highlight", daemon=True)
            self._highlighter.start()

    @traitlets.validate("verdict")
    def _valid_verdict(self, proposal: Any) -> str | None:
        value = proposal["value"]
        if value is not None and value not in VERDICTS:
            raise traitlets.TraitError(f"verdict must be one of {', '.join(VERDICTS)} or None, not {value!r}")
        return value

    def _highlight_later(self) -> None:
        try:
            files = build_files(self._review.diff, highlight=True)
        except Exception:  # plain text stays; a thread must not print a traceback on stderr
            files = None
        with self._lock:
            if files is not None:
                self.files = files
            self.highlighted = True

    def wait_highlighted(self, timeout: float | None = None) -> bool:
        """Block until background highlighting is done (for scripts and tests)."""
        if self._highlighter is not None:
            self._highlighter.join(timeout)
        return bool(self.highlighted)

    # state -> traits ------------------------------------------------------------------------

    def _finding_json(self) -> list[dict[str, Any]]:
        out = []
        for f in self._review.store.findings:
            anchor = finding_anchor(self._index, f.path, f.side, f.start, f.end)
            d = f.to_dict()
            d["label"] = describe(f.path, f.side, f.start, f.end)
            if anchor is None:
                d["file"], d["rows"] = None, None
            else:
                d["file"], d["rows"] = anchor[0], [anchor[1], anchor[2]]
            out.append(d)
        # Page order: by file, then by position, findings outside the diff last.
        order = {i: i for i in range(len(self.files))}
        out.sort(key=lambda d: (d["file"] is None, order.get(d["file"], 0), d["rows"] or [0, 0], d["created"], d["id"]))
        return out

    def _push(self) -> None:
        """Recompute every trait that depends on the store (findings, verdict, errors, folds)."""
        findings = self._finding_json()
        with self._lock:  # the background highlighter replaces `files` under the same lock
            self._push_locked(findings)

    def _push_locked(self, findings: list[dict[str, Any]]) -> None:
        review = self._review
        store = review.store
        # A fold that holds a finding is opened, so a flag made from code is never hidden.
        opened = set(self._user_expanded)
        for d in findings:
            if d["rows"] is None:
                continue
            for fold in self.files[d["file"]]["folds"]:
                if fold["first"] <= d["rows"][1] and d["rows"][0] <= fold["last"]:
                    opened.add(fold["id"])
        err = store.error
        status: dict[str, Any] = {"error": None, "stale": bool(store.stale)}
        if err is not None:
            status["error"] = {
                "path": str(err.path),
                "name": err.path.name,
                "problem": err.problem,
                "message": str(err),
            }
        with self.hold_sync():
            self.findings = findings
            self.verdict = store.verdict
            self.expanded = sorted(opened)
            self.viewed = sorted(review.viewed)
            self.status = status
            self.practice = review.practice_state()

    def refresh(self) -> bool:
        """Re-read the sidecar (another tab or kernel may have written it); repaint if it changed."""
        if self._review.store.refresh():
            self._push()
            return True
        return False

    # messages from the page -----------------------------------------------------------------

    def _reply(self, msg: dict, ok: bool, error: str | None = None, **extra: Any) -> None:
        took = round((time.perf_counter() - self._msg_started) * 1000, 1)
        self.send({"type": "ack", "req": msg.get("req"), "ok": ok, "error": error, "took_ms": took, **extra})

    def _on_msg(self, _widget: Any, msg: Any, _buffers: Any) -> None:
        if not isinstance(msg, dict):
            return
        self._msg_started = time.perf_counter()
        kind = msg.get("type")
        handler = getattr(self, f"_msg_{kind}", None) if isinstance(kind, str) and kind.isidentifier() else None
        if handler is None:
            self._reply(msg, False, f"unknown message {kind!r}")
            return
        try:
            extra = handler(msg) or {}
        except (ValueError, KeyError, TypeError) as exc:
            self._reply(msg, False, _message(exc))
            self._push()
            return
        except Exception as exc:  # a corrupt sidecar, a full disk: say so on the page, never lose it
            self._reply(msg, False, f"{type(exc).__name__}: {exc}")
            self._push()
            return
        self._reply(msg, True, None, **extra)

    def _file(self, msg: dict) -> dict:
        fi = msg.get("file")
        if not isinstance(fi, int) or isinstance(fi, bool) or not 0 <= fi < len(self.files):
            raise ValueError("no such file")
        return self.files[fi]

    def _rows(self, msg: dict) -> tuple[int, int]:
        rows = msg.get("rows")
        if not (
            isinstance(rows, list)
            and len(rows) == 2
            and all(isinstance(r, int) and not isinstance(r, bool) for r in rows)
        ):
            raise ValueError("rows must be [first, last]")
        return min(rows), max(rows)

    @staticmethod
    def _text(msg: dict, name: str) -> str:
        value = msg.get(name, "")
        if not isinstance(value, str):
            raise ValueError(f"{name} must be text")
        if len(value) > MAX_COMMENT:
            raise ValueError(f"the {name} is longer than {MAX_COMMENT} characters")
        return value

    def _msg_flag(self, msg: dict) -> dict:
        file = self._file(msg)
        side, start, end = span_for_rows(file, *self._rows(msg))
        finding = self._review._flag(
            file["path"],
            start,
            str(msg.get("category")),
            self._text(msg, "comment"),
            end=end,
            side=side,
            severity=msg.get("severity", "major"),
        )
        return {"id": finding.id}

    def _msg_edit(self, msg: dict) -> dict:
        changes = {}
        for name in ("category", "severity"):
            if name in msg:
                allowed = CATEGORIES if name == "category" else SEVERITIES
                if msg[name] not in allowed:
                    raise ValueError(f"{name} must be one of {', '.join(allowed)}")
                changes[name] = msg[name]
        if "comment" in msg:
            changes["comment"] = self._text(msg, "comment")
        if "rows" in msg:
            # the edit moved the finding's lines (a Shift+click while editing)
            file = self._file(msg)
            side, start, end = span_for_rows(file, *self._rows(msg))
            changes.update(path=file["path"], side=side, start=start, end=end)
        finding = self._review.edit(str(msg.get("id")), **changes)
        return {"id": finding.id}

    def _msg_delete(self, msg: dict) -> None:
        fid = str(msg.get("id"))
        finding = self._review.store.get(fid)
        self._review.unflag(fid)
        self._deleted.pop(fid, None)
        self._deleted[fid] = finding
        while len(self._deleted) > UNDO_KEPT:
            self._deleted.pop(next(iter(self._deleted)))

    def _msg_undelete(self, msg: dict) -> dict:
        """Undo a delete made in this viewer: the same finding (id, times and all) is saved again."""
        fid = str(msg.get("id"))
        finding = self._deleted.get(fid)
        if finding is None:
            raise ValueError("that finding can no longer be brought back (it was deleted before this cell last ran)")
        self._review.check_anchor(finding.path, finding.side, finding.start, finding.end)
        self._review.store.restore(finding)
        del self._deleted[fid]
        self._review._changed()
        return {"id": fid}

    def _msg_verdict(self, msg: dict) -> None:
        value = msg.get("value")
        if value is not None and value not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
        self._review.verdict = value

    def _msg_viewed(self, msg: dict) -> None:
        self._review.mark_viewed(self._file(msg)["path"], bool(msg.get("value")))

    def _msg_expand(self, msg: dict) -> None:
        fold = msg.get("fold")
        if not any(f["id"] == fold for f in self._file(msg)["folds"]):
            raise ValueError("no such fold")
        self._user_expanded.add(str(fold))
        self._push()

    def _msg_refresh(self, msg: dict) -> dict:
        # The page asks on focus and on pointer entry; a stat() per ask is cheap.
        return {"changed": self.refresh()}

    def _msg_quarantine(self, msg: dict) -> dict:
        moved = self._review.store.quarantine()
        self.notice = f"The unreadable file was moved to {moved.name}; this review starts empty." if moved else ""
        self._review._changed()
        return {"moved": moved.name if moved else None}

    def _msg_submit(self, msg: dict) -> None:
        self._review.submit()

    def _msg_hint(self, msg: dict) -> None:
        self._review.next_hint(self._defect(msg))

    def _msg_reveal(self, msg: dict) -> None:
        self._review.reveal(self._defect(msg))

    def _msg_prove(self, msg: dict) -> None:
        self._review.prove(self._defect(msg))

    @staticmethod
    def _defect(msg: dict) -> int:
        n = msg.get("defect")
        if not isinstance(n, int) or isinstance(n, bool):
            raise ValueError("defect must be a number")
        return n

    # how the widget shows outside a live front end -----------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data, meta = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        data["text/plain"] = self._review.summary()
        return data, meta


def _message(exc: Exception) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)
