"""The diff viewer widget: Python computes the page as JSON, static/viewer.js paints it and reports clicks."""

from __future__ import annotations

import html
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from . import CATEGORIES, SEVERITIES, VERDICTS

if TYPE_CHECKING:  # pragma: no cover
    from .review import Review

__all__ = ["DiffViewer", "build_files", "describe", "finding_anchor", "render_markdown", "span_for_rows"]

STATIC = Path(__file__).parent / "static"
# Unchanged lines kept visible on each side of a change; longer runs fold behind a control.
CONTEXT = 3
# A run is only folded when that hides at least this many lines (a fold of one line is noise).
MIN_FOLD = 4
MAX_COMMENT = 5000
# Pygments needs about 0.3 ms a line. Up to this many lines the viewer arrives highlighted; a
# larger diff is painted as plain text first and coloured by a background thread moments later,
# so a 5,000-line diff still appears within a second of running the cell.
SYNC_HIGHLIGHT_LINES = 1500


# the diff as rows ---------------------------------------------------------------------------


def _plain(fd) -> list[list[str]]:
    return [[html.escape(line.text) for line in hunk.lines] for hunk in fd.hunks]


def _highlighted(fd) -> list[list[str]]:
    """Highlighted HTML per hunk, per line; plain escaped text if the highlighter fails."""
    from .highlight import highlight_file_diff

    out = highlight_file_diff(fd)
    if len(out) == len(fd.hunks) and all(len(h) == len(hk.lines) for h, hk in zip(out, fd.hunks)):
        return out
    return _plain(fd)  # pragma: no cover - a highlighter that lost lines is a bug there, not a crash here


def _hunk_header(hunk) -> str:
    head = f"@@ -{hunk.old_start},{hunk.old_length} +{hunk.new_start},{hunk.new_length} @@"
    section = getattr(hunk, "section", "") or ""
    return f"{head} {section}" if section else head


def _folds(rows: list[dict], file_index: int) -> list[dict]:
    """Runs of unchanged lines long enough to hide, as row ranges (first, last inclusive)."""
    folds = []
    i = 0
    n = len(rows)
    while i < n:
        if rows[i]["k"] != "context":
            i += 1
            continue
        j = i
        while j + 1 < n and rows[j + 1]["k"] == "context":
            j += 1
        # Keep CONTEXT lines next to a change; a hunk header or the file edge needs none.
        lead = CONTEXT if i > 0 and rows[i - 1]["k"] in ("add", "remove") else 0
        trail = CONTEXT if j + 1 < n and rows[j + 1]["k"] in ("add", "remove") else 0
        first, last = i + lead, j - trail
        if last - first + 1 >= MIN_FOLD:
            folds.append({"id": f"{file_index}:{first}", "first": first, "last": last, "count": last - first + 1})
        i = j + 1
    return folds


def diff_size(diff) -> int:
    """Lines of code in a diff (what the page paints), hunk headers aside."""
    return sum(len(h.lines) for fd in diff.files if not fd.binary for h in fd.hunks)


def build_files(diff, *, highlight: bool = True) -> list[dict[str, Any]]:
    """Every file of the diff as the JSON the front end paints.

    A row is a hunk header `{"k": "hunk", "text": ..., "h": html}` or a line
    `{"k": "context" | "add" | "remove", "o": old number | None, "n": new number | None, "h": html}`.
    `h` is always HTML that Python escaped: the highlighter's spans, or with `highlight=False`
    the plain escaped text (same rows, same structure, so the page can swap one for the other).
    """
    files = []
    for fi, fd in enumerate(diff.files):
        rows: list[dict[str, Any]] = []
        additions = deletions = 0
        if not fd.binary:
            for hunk, htmls in zip(fd.hunks, _highlighted(fd) if highlight else _plain(fd)):
                header = _hunk_header(hunk)
                rows.append({"k": "hunk", "text": header, "h": html.escape(header)})
                for line, h in zip(hunk.lines, htmls):
                    if line.kind == "add":
                        additions += 1
                    elif line.kind == "remove":
                        deletions += 1
                    rows.append({"k": line.kind, "o": line.old, "n": line.new, "h": h})
        old_path = getattr(fd, "old_path", None)
        files.append(
            {
                "index": fi,
                "path": fd.path,
                "old_path": old_path if old_path and old_path != fd.path else None,
                "status": getattr(fd, "status", "modified"),
                "binary": bool(fd.binary),
                "additions": additions,
                "deletions": deletions,
                "rows": rows,
                "folds": _folds(rows, fi),
            }
        )
    return files


class _Index:
    """(path, side, number) -> (file index, row), and back; built once per diff."""

    def __init__(self, files: list[dict]):
        self.files = files
        self.by_path = {f["path"]: f["index"] for f in files}
        self.rows: list[dict[tuple[str, int], int]] = []
        for f in files:
            where: dict[tuple[str, int], int] = {}
            for r, row in enumerate(f["rows"]):
                if row["k"] == "remove":
                    where[("old", row["o"])] = r
                elif row["k"] in ("add", "context"):
                    where[("new", row["n"])] = r
            self.rows.append(where)


def finding_anchor(index: _Index, path: str, side: str, start: int, end: int) -> tuple[int, int, int] | None:
    """Where a finding sits: (file index, first row, last row), or None if it is not in the diff."""
    fi = index.by_path.get(path)
    if fi is None:
        return None
    where = index.rows[fi]
    a, b = where.get((side, start)), where.get((side, end))
    if a is None or b is None:
        return None
    return fi, min(a, b), max(a, b)


def span_for_rows(file: dict, first: int, last: int) -> tuple[str, int, int]:
    """The (side, start, end) a selection of rows first..last flags.

    Unchanged and added lines are addressed on the new side; a selection of removed lines
    only is on the old side. Hunk headers inside the selection are skipped.
    """
    rows = file["rows"]
    if not (0 <= first <= last < len(rows)):
        raise ValueError(f"rows {first}..{last} are not in {file['path']}")
    picked = [rows[r] for r in range(first, last + 1) if rows[r]["k"] != "hunk"]
    new = [r["n"] for r in picked if r["k"] in ("add", "context")]
    if new:
        return "new", min(new), max(new)
    old = [r["o"] for r in picked if r["k"] == "remove"]
    if old:
        return "old", min(old), max(old)
    raise ValueError("the selection holds no lines of code")


def describe(path: str, side: str, start: int, end: int) -> str:
    """How a span is named on the page: `app.py:12-14`, with `(old)` for removed lines."""
    span = f"{start}" if start == end else f"{start}-{end}"
    return f"{path}:{span}" + (" (old)" if side == "old" else "")


# the PR description: a safe Markdown subset, built as data ----------------------------------

_INLINE = re.compile(r"`([^`\n]+)`|\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)")


def _inline(text: str) -> list[list[str]]:
    """Split text into [kind, text] runs: text, code, strong, link (shown as text, never followed)."""
    out: list[list[str]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append(["text", text[pos:m.start()]])
        if m.group(1) is not None:
            out.append(["code", m.group(1)])
        elif m.group(2) is not None:
            out.append(["strong", m.group(2)])
        else:
            out.append(["text", m.group(3)])
            out.append(["url", m.group(4)])
        pos = m.end()
    if pos < len(text):
        out.append(["text", text[pos:]])
    return out


def render_markdown(text: str) -> list[dict[str, Any]]:
    """Markdown as blocks of plain-text runs: the page builds them with DOM nodes, never as HTML.

    Supported: paragraphs, `#` headings, `-`/`*`/`1.` lists, fenced code, `code`, **strong**,
    and links, which are shown as their text and address, not made clickable.
    """
    blocks: list[dict[str, Any]] = []
    para: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")

    def flush() -> None:
        if para:
            blocks.append({"t": "p", "c": _inline(" ".join(s.strip() for s in para))})
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append({"t": "pre", "text": "\n".join(body)})
            i += 1
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        item = re.match(r"^(?:[-*+]|(\d+)[.)])\s+(.*)$", stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            blocks.append({"t": "h", "c": _inline(heading.group(2))})
        elif item:
            flush()
            kind = "ol" if item.group(1) else "ul"
            if not blocks or blocks[-1]["t"] != kind or blocks[-1].get("closed"):
                blocks.append({"t": kind, "items": []})
            blocks[-1]["items"].append(_inline(item.group(2)))
        elif blocks and blocks[-1]["t"] in ("ul", "ol") and line[:1].isspace() and not para:
            blocks[-1]["items"][-1].extend(_inline(" " + stripped))
        else:
            para.append(line)
        if not stripped and blocks and blocks[-1]["t"] in ("ul", "ol"):
            blocks[-1]["closed"] = True
        i += 1
    flush()
    for b in blocks:
        b.pop("closed", None)
    return blocks


# the widget ---------------------------------------------------------------------------------


def _css() -> str:
    """The viewer's stylesheet plus the highlighter's token colours (light and dark)."""
    from .highlight import stylesheet

    return (STATIC / "viewer.css").read_text(encoding="utf-8") + "\n" + stylesheet(".cra-code")


class DiffViewer(anywidget.AnyWidget):
    """One view model of a Review: every trait is plain JSON, every message is validated here."""

    _esm = STATIC / "viewer.js"
    _css = traitlets.Unicode("").tag(sync=True)

    pr = traitlets.Dict().tag(sync=True)
    files = traitlets.List().tag(sync=True)
    expanded = traitlets.List().tag(sync=True)
    findings = traitlets.List().tag(sync=True)
    verdict = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    viewed = traitlets.List().tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    practice = traitlets.Dict().tag(sync=True)
    choices = traitlets.Dict().tag(sync=True)
    highlighted = traitlets.Bool(False).tag(sync=True)

    def __init__(self, review: "Review", *, highlight: str = "auto", **kwargs: Any):
        """`highlight`: "auto" (in the background for diffs over SYNC_HIGHLIGHT_LINES lines),
        "sync" (always before the first paint) or "background" (always after it)."""
        if highlight not in ("auto", "sync", "background"):
            raise ValueError(f"highlight must be auto, sync or background, not {highlight!r}")
        t0 = time.perf_counter()
        self._review = review
        self._lock = threading.RLock()
        now = highlight == "sync" or (highlight == "auto" and diff_size(review.diff) <= SYNC_HIGHLIGHT_LINES)
        files = build_files(review.diff, highlight=now)
        self._index = _Index(files)
        self._user_expanded: set[str] = set()
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
            },
            choices={"categories": list(CATEGORIES), "severities": list(SEVERITIES), "verdicts": list(VERDICTS)},
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
            status["error"] = {"path": str(err.path), "name": err.path.name, "problem": err.problem, "message": str(err)}
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
        if not (isinstance(rows, list) and len(rows) == 2 and all(isinstance(r, int) and not isinstance(r, bool) for r in rows)):
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
        finding = self._review.flag(
            file["path"], start, msg.get("category"), self._text(msg, "comment"),
            end=end, side=side, severity=msg.get("severity", "major"),
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
        finding = self._review.edit(str(msg.get("id")), **changes)
        return {"id": finding.id}

    def _msg_delete(self, msg: dict) -> None:
        self._review.unflag(str(msg.get("id")))

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
        self._user_expanded.add(fold)
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

    def _repr_mimebundle_(self, **kwargs: Any):
        data, meta = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = self._review.summary()
        return data, meta


def _message(exc: Exception) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)
