"""Drills: a pattern that is due (course.practice.schedule) comes back as a small diff cut from
the bank around one defect of that pattern, reviewed in the same viewer and scored by the same
code against the cut's own key.

Which defect: one of the due pattern in an exercise the learner has already reviewed (a drill
from an exercise not yet tried would give away part of it). Among those, first one from an
exercise not reviewed within FRESH (a drill straight after a review would replay the code
the learner has just solved and seen explained), then the one drilled least so far, so a
pattern with several defects in the bank rotates through them. When the only ones are from a
review that fresh, the drill is still given (the learner asked for it) and its description
says when that review was, and that a drill teaches most after a gap.

The cut: the exercise's before/ and after/ files that hold the defect, diffed again with a few
lines of context (the bank's own diffs keep whole files), keeping only the hunks that hold one
of the defect's spans. Line numbers are the file's own, so the key's spans stand as they are.
The cut's key is that defect, every other defect with a span inside the cut (flagging a real
defect is never a false positive), and the decoys inside the cut. Another defect or decoy whose
span lies just off the cut's edge (a finding on the edge line would land on it, with the
matcher's line of slack) is shown too, so it is in the key rather than a false positive.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any

from fsrs import Rating

from ..diff.bundle import Bundle, parse_bundle, render_bundle
from ..diff.highlight import highlight_lines
from ..diff.model import NO_NEWLINE_MARKER, Hunk, Line
from ..diff.parse import Diff
from ..diff.write import tree_texts, unified_diff
from ..keys.bank import Bank, BankError, Exercise
from ..keys.model import Decoy, Defect, Key
from .record import Attempt, LearnerRecord, RecordState
from .schedule import PatternCard, ago, cards, due_cards, in_days, local_time, rating

__all__ = [
    "CONTEXT",
    "DRILL_FOLDER",
    "Drill",
    "NoDrill",
    "cut",
    "drill_notice",
    "drill_viewer",
    "next_drill",
    "whole_file_html",
]

CONTEXT = (3, 8, 20, None)  # lines of context tried in turn until every span of the defect is shown
WINDOW = 8  # lines kept before and after a defect inside a long hunk (an added file is one hunk)
DRILL_FOLDER = ".drills"  # beside the notebooks: each drill's findings, one file per round
FRESH = _dt.timedelta(hours=24)  # a review this recent is still in mind: its code is drilled last


@dataclass(frozen=True)
class Drill:
    pattern: str
    exercise: Exercise  # the bank's exercise, its key replaced by the cut's
    defect: Defect
    bundle: Bundle
    sidecar: Path
    label: str = ""  # the findings file as the viewer's header names it: relative to the notebook
    sources: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # whole files, before/after


def _spans_in(diff: Diff, spans: tuple[tuple[str, str, int, int], ...]) -> list[tuple[str, str, int, int]]:
    return [s for s in spans if any(diff.has_line(s[0], s[1], n) for n in range(s[2], s[3] + 1))]


def _off_edge(diff: Diff, spans: list[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """The spans not shown that touch a line shown, one line off (see course.scoring.match.hits)."""
    return [
        s
        for s in spans
        if not _spans_in(diff, (s,)) and (diff.has_line(s[0], s[1], s[2] - 1) or diff.has_line(s[0], s[1], s[3] + 1))
    ]


def _has_span(line: Line, spans: list[tuple[str, int, int]]) -> bool:
    return any(line.side == side and first <= line.number <= last for side, first, last in spans)


def _window(hunk: Hunk, spans: list[tuple[str, int, int]]) -> str:
    """The hunk cut down to WINDOW lines around the spans it shows, as unified diff text."""
    hit = [i for i, line in enumerate(hunk.lines) if _has_span(line, spans)]
    lo, hi = max(0, hit[0] - WINDOW), min(len(hunk.lines), hit[-1] + WINDOW + 1)
    # Where each side stands just before the window: an empty side names the line before it.
    old_at = hunk.old_start - 1 if hunk.old_length else hunk.old_start
    new_at = hunk.new_start - 1 if hunk.new_length else hunk.new_start
    for line in hunk.lines[:lo]:
        old_at = line.old if line.kind != "add" and line.old is not None else old_at
        new_at = line.new if line.kind != "remove" and line.new is not None else new_at
    lines = hunk.lines[lo:hi]
    olds = [line.old for line in lines if line.kind != "add"]
    news = [line.new for line in lines if line.kind != "remove"]

    def span(numbers: list[int | None], before: int) -> str:
        if len(numbers) == 1:
            return str(numbers[0])
        return f"{numbers[0] if numbers else before},{len(numbers)}"

    # A window into an added (or deleted) file has an empty side, which git never shows beside
    # lines that do not start at 1 ("@@ -0,0 +35,18 @@"): the header's section says what it is.
    section = ""
    if lo == 0 and hi == len(hunk.lines):
        pass  # the whole hunk: its header is git's own
    elif not hunk.old_length and news:
        section = f" an excerpt: lines {news[0]}-{news[-1]} of a new file"
    elif not hunk.new_length and olds:
        section = f" an excerpt: lines {olds[0]}-{olds[-1]} of a deleted file"
    out = [f"@@ -{span(olds, old_at)} +{span(news, new_at)} @@{section}\n"]
    for line in lines:
        out.append({"context": " ", "add": "+", "remove": "-"}[line.kind] + line.raw)
        if line.no_newline:
            out.append(f"\n{NO_NEWLINE_MARKER}\n")
    return "".join(out)


def _file_cut(path: str, before: str | None, after: str | None, spans: list[tuple[str, int, int]]) -> str:
    """The unified diff of one file with only the hunks (cut down) that show one of `spans`."""
    old, new = ({path: before} if before is not None else {}), ({path: after} if after is not None else {})
    for context in CONTEXT:
        text = unified_diff(old, new, context=context)
        fd = Diff.parse(text).files[0]
        keep = [hunk for hunk in fd.hunks if any(_has_span(line, spans) for line in hunk.lines)]
        shown = {(line.side, line.number) for hunk in keep for line in hunk.lines}
        if all(any((side, n) in shown for n in range(first, last + 1)) for side, first, last in spans):
            break
    header = text[: text.index("\n@@ ") + 1]
    return header + "".join(_window(hunk, spans) for hunk in keep)


def cut(exercise: Exercise, defect: Defect, *, slug: str, note: str = "") -> tuple[Bundle, Key]:
    """The drill's pull request (the hunks holding `defect`) and its key (see the module docstring)."""
    before, after = tree_texts(exercise.root / "before"), tree_texts(exercise.root / "after")
    by_file: dict[str, list[tuple[str, int, int]]] = {}
    for file, side, first, last in defect.spans:
        by_file.setdefault(file, []).append((side, first, last))
    others = [s for d in exercise.key.defects if d.id != defect.id for s in d.spans]
    others += [(d.file, d.side, *d.lines) for d in exercise.key.decoys]
    for _ in range(3):
        text = "".join(_file_cut(f, before.get(f), after.get(f), spans) for f, spans in sorted(by_file.items()))
        # Another defect (or decoy) just off the cut's edge: a finding on the edge line would land
        # on it (the matcher's line of slack) and be called a false positive. Shown too, it is keyed.
        edge = _off_edge(Diff.parse(text), others)
        if not edge:
            break
        for file, side, first, last in edge:
            by_file.setdefault(file, []).append((side, first, last))
    diff = Diff.parse(text)
    defects = []
    for d in (defect, *(d for d in exercise.key.defects if d.id != defect.id)):
        inside = _spans_in(diff, d.spans)
        if inside:
            (file, side, first, last), *rest = inside
            defects.append(replace(d, file=file, side=side, lines=(first, last), also_at=tuple(rest)))
    decoys: list[Decoy] = [d for d in exercise.key.decoys if _spans_in(diff, ((d.file, d.side, *d.lines),))]
    # How many defects the part holds (not which): a drill that says "one kind of defect" and
    # scores another beside it reads as a contradiction (walk-through 12: "found unaided", 40%).
    more = f" This part holds {len(defects)} defects, and the score counts each." if len(defects) > 1 else ""
    description = (
        f"A drill: part of *{exercise.title}*, a change you reviewed before, cut around one kind of "
        "defect you missed there or have not seen for a while. Flag what is wrong (with its category), "
        f"choose a verdict and submit; the rest of the change is not shown.{more}"
    ) + (f"\n\n{note}" if note else "")
    bundle = parse_bundle(render_bundle(slug, f"Drill: {exercise.title}", exercise.author, description, text))
    return bundle, Key(defects=tuple(defects), decoys=tuple(decoys), verdict="request-changes")


def _reviewed(state: RecordState) -> list[str]:
    return sorted({a.exercise for a in state.attempts if a.kind == "review"})


def _last_reviews(state: RecordState) -> dict[str, _dt.datetime]:
    """When each exercise was last submitted as a practice review."""
    last: dict[str, _dt.datetime] = {}
    for a in state.attempts:
        if a.kind == "review":
            try:
                when = a.when
            except ValueError:
                continue  # a time the record cannot read: not counted as recent
            last[a.exercise] = max(when, last.get(a.exercise, when))
    return last


def _candidates(
    bank: Bank, state: RecordState, pattern: str, now: _dt.datetime, last: dict[str, _dt.datetime]
) -> list[tuple[bool, bool, int, str, str, Exercise, Defect]]:
    """The pattern's defects in reviewed exercises, best first: not freshly reviewed, then the
    ones the learner's latest attempt at them did not find unaided (missed, miscategorised or
    found with help; walk-through 15 was drilled on the one it had found alone), then least
    drilled, then by exercise and id (so the choice is the same on every run)."""
    drilled: dict[tuple[str, str], int] = {}
    struggled: dict[tuple[str, str], bool] = {}  # attempts are in time order: the latest wins
    for a in state.attempts:
        if a.kind == "drill":
            drilled[(a.exercise, a.drill)] = drilled.get((a.exercise, a.drill), 0) + 1
        for o in a.defects:
            struggled[(a.exercise, o.id)] = o.status != "found" or o.helped
    found = []
    for slug in _reviewed(state):
        try:
            exercise = bank.get(slug)
            defects = exercise.key.defects
        except (BankError, OSError, ValueError):
            continue  # gone from this bank, or unreadable: its defects are not drilled
        if exercise.private:
            continue
        fresh = slug in last and now - last[slug] < FRESH
        for d in defects:
            if d.pattern == pattern:
                easy = not struggled.get((slug, d.id), True)
                found.append((fresh, easy, drilled.get((slug, d.id), 0), slug, d.id, exercise, d))
    return sorted(found, key=lambda c: c[:5])


def _legacy_name(slug: str, defect: Defect, round_: int) -> str:
    """The name drills had before: it named the defect, so it gave the answer away."""
    return re.sub(r"[^a-z0-9]+", "-", f"drill-{slug}-{defect.id}".lower()).strip("-")[:100] + f"-{round_}"


def _sidecar(directory: Path, slug: str, defect: Defect, state: RecordState, exercise: str) -> tuple[str, Path]:
    """The drill's slug and findings file: a new one each round, the same one until it is submitted.

    The name says which exercise (the drill's description does too) but not which defect: a
    short hash of the defect's id keeps two drills of one exercise apart. A round begun under
    the old name (which named the defect) is finished under it, so its findings stay in view."""
    done = sum(1 for a in state.attempts if a.kind == "drill" and a.exercise == exercise and a.drill == defect.id)
    legacy = _legacy_name(slug, defect, done + 1)
    if (directory / DRILL_FOLDER / f"{legacy}.findings.json").is_file():
        return legacy, directory / DRILL_FOLDER / f"{legacy}.findings.json"
    tag = hashlib.sha256(f"{exercise}\0{defect.id}".encode()).hexdigest()[:6]
    name = re.sub(r"[^a-z0-9]+", "-", f"drill-{slug}".lower()).strip("-")[:80] + f"-{tag}-{done + 1}"
    return name, directory / DRILL_FOLDER / f"{name}.findings.json"


class NoDrill:
    """What `drill()` shows when no drill is due: why, when the next one is, and the call that
    practises it now (as code a learner can copy, in a box as the course's notes are)."""

    def __init__(self, why: str, next_due: PatternCard | None = None, call: str | None = None):
        self.why, self.next_due, self.call = why, next_due, call
        self.message = why + (f" Practise it now: {call}" if call else "")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        now = f'<p style="margin:0.4rem 0 0">Practise it now: <code>{escape(self.call)}</code></p>' if self.call else ""
        box = "border-left:4px solid var(--jp-brand-color1,#1976d2);padding:0.4rem 0.8rem;margin:0.2rem 0"
        html = f'<div class="cra-no-drill" style="{box}"><p style="margin:0">{escape(self.why)}</p>{now}</div>'
        return {"text/html": html, "text/plain": self.message}

    def __repr__(self) -> str:
        return self.message


def _when(card: PatternCard, now: _dt.datetime) -> str:
    return f"{local_time(card.due)} ({in_days(card.due, now)})"


def next_drill(
    directory: str | os.PathLike, bank: Bank, *, pattern: str | None = None, now: _dt.datetime | None = None
) -> Drill | NoDrill:
    """The drill of the most overdue pattern (or of `pattern`, due or not), or why there is none."""
    directory = Path(directory)
    now = now or _dt.datetime.now(_dt.UTC)
    state = LearnerRecord(directory).read()
    due, upcoming = due_cards(state.attempts, now)
    if pattern is not None:
        wanted = [pattern]
    elif due:
        wanted = [c.pattern for c in due]
    elif upcoming is not None:
        why = f"No drill is due. The next one ({upcoming.pattern}) is due {_when(upcoming, now)}."
        return NoDrill(why, upcoming, f'drill(pattern="{upcoming.pattern}")')
    else:
        return NoDrill(
            "No drill is due: drills come from the patterns of defects in reviews you have submitted. "
            "Submit a practice review first (00.00-Start-Here), then come back."
        )
    last = _last_reviews(state)  # when each exercise was last reviewed: read once for every pattern
    for p in wanted:
        options = _candidates(bank, state, p, now, last)
        if options:
            fresh, _, _, slug, _, exercise, defect = options[0]
            name, sidecar = _sidecar(directory, slug, defect, state, exercise.slug)
            note = ""
            if fresh:
                note = (
                    f"You reviewed this change {ago(last[slug], now)}, and it is the only one "
                    f"you have reviewed with a defect of the pattern {p}: a drill teaches most after a gap, "
                    "when the code is no longer fresh in mind."
                )
            bundle, key = cut(exercise, defect, slug=name, note=note)
            label = Path(DRILL_FOLDER, sidecar.name).as_posix()
            before, after = tree_texts(exercise.root / "before"), tree_texts(exercise.root / "after")
            sources = {fd.path: (before.get(fd.path), after.get(fd.path)) for fd in bundle.diff.files}
            return Drill(p, replace(exercise, _key=key), defect, bundle, sidecar, label, sources)
    return NoDrill(
        f"No exercise you have reviewed holds a defect of the pattern {', '.join(wanted)} in this bank; "
        "review another exercise to meet it."
    )


# the drill in the viewer ----------------------------------------------------------------------


def whole_file_html(diff: Diff, sources: dict[str, tuple[str | None, str | None]]) -> dict[tuple[str, str, int], str]:
    """Each line of the cut, by (path, side, number), as the HTML its whole file gives it
    (course.diff.highlight.highlight_lines on the file, then sliced), so a cut that starts inside
    a docstring or a block comment is coloured as in the full exercise, never as a fragment. The
    new side colours context and added lines and the old side removed lines, as the full viewer
    does. A file whose text does not match the cut line for line is left out: it keeps the
    viewer's own colouring."""
    out: dict[tuple[str, str, int], str] = {}
    for fd in diff.files:
        if fd.binary:
            continue
        plain: dict[str, list[str]] = {}
        html: dict[str, list[str]] = {}
        for side, text in zip(("old", "new"), sources.get(fd.path, (None, None))):
            if text is not None:
                text = text.replace("\r\n", "\n")  # a CRLF line's text in the diff has no "\r"
                plain[side], html[side] = text.split("\n"), highlight_lines(text, fd.path)
        lines = [line for hunk in fd.hunks for line in hunk.lines]
        if all(
            line.side in html
            and 0 < line.number <= len(html[line.side])
            and plain[line.side][line.number - 1] == line.text
            for line in lines
        ):
            out.update({(fd.path, line.side, line.number): html[line.side][line.number - 1] for line in lines})
    return out


def drill_viewer(review: Any, drill: Drill) -> Any:
    """The practice viewer of a drill: the header names the findings file as it lies beside the
    notebook (in DRILL_FOLDER), and every line is coloured from its whole file."""
    from ..review.viewer import DiffViewer  # anywidget loads with the viewer, not with drills

    viewer = DiffViewer(review, highlight="sync")  # a drill is small; no background pass to undo this
    lines = whole_file_html(review.diff, drill.sources)
    files = []
    for f in viewer.files:
        rows = []
        for row in f["rows"]:
            if row["k"] != "hunk":
                side, number = ("old", row["o"]) if row["k"] == "remove" else ("new", row["n"])
                row = {**row, "h": lines.get((f["path"], side, number), row["h"])}
            rows.append(row)
        files.append({**f, "rows": rows})
    viewer.files = files
    viewer.pr = {**viewer.pr, "sidecar": drill.label or drill.sidecar.name, "badge": "drill"}
    return viewer


_RESULT = {
    Rating.Again: "missed",
    Rating.Hard: "found with help, or under another category",
    Rating.Good: "found unaided",
}


def _of(ratings: list[Rating], when: str) -> str:
    """Defects of the drilled pattern that fared differently: how many were found, and which kind
    set the date (the worst). They are not named: a missed one's title is key text the learner
    has not earned."""
    m, missed, hard = len(ratings), ratings.count(Rating.Again), ratings.count(Rating.Hard)
    text = f"{m - missed} of {m} defects of this pattern found"
    if missed:
        one = missed == 1
        return text + f"; the {'one' if one else f'{missed}'} missed {'is' if one else 'are'} why it comes back {when}"
    one = hard == 1
    return (
        text
        + f", {'one' if one else hard} of them with help or under another category, which is why it comes back {when}"
    )


def drill_notice(record: LearnerRecord, attempt: Attempt | None, pattern: str, now: _dt.datetime | None = None) -> str:
    """What the viewer says after a drill is submitted: how it was recorded and when its pattern
    comes back (course.practice.schedule, in the kernel's local time)."""
    if attempt is None:
        return (
            f"This drill was scored but not recorded in {record.path.name} (the warning below the cell says "
            f"why), so the pattern {pattern} keeps its date."
        )
    now = now or _dt.datetime.now(_dt.UTC)
    attempts = record.read().attempts
    before = cards([a for a in attempts if a != attempt]).get(pattern)
    after = cards(attempts).get(pattern)
    if after is None:  # pragma: no cover - a drill's key always holds a defect of its pattern
        return f"Recorded as a drill of the pattern {pattern}."
    when = f"{local_time(after.due)} ({in_days(after.due, now)})"
    text = f"Recorded as a drill of the pattern {pattern}: {_RESULT[after.last_rating]}. It comes back {when}."
    ratings = [rating(d) for d in attempt.defects if d.pattern == pattern]
    if len(set(ratings)) > 1:  # rated by its worst defect: "missed" beside one found would contradict the score
        text = f"Recorded as a drill of the pattern {pattern}: {_of(ratings, when)}."
    if after.last_rating == Rating.Good and before is not None and before.due > attempt.when:
        text += (
            " You drilled it before it was due, so its gap grows only a little; find it unaided when it "
            "is due and it comes back later each time."
        )
    others = [d for d in attempt.defects if d.pattern != pattern]
    if others:
        found = sum(d.status != "missed" for d in others)
        one = len(others) == 1
        text += (
            f" The score also counts the {'other defect' if one else f'{len(others)} other defects'} in this part "
            f"({found} of {len(others)} found)."
        )
    return text
