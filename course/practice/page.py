"""The My Progress page: an HTML view of course.practice.overview's Overview, with a plot.

Every text that comes from the record, a notebook or the bank is escaped (html.escape); the plot
(course.practice.plot: matplotlib's PNG, or an SVG of the same panels without matplotlib) is
embedded as data twice, in each page theme's ink, and the page's style shows its theme's.
"""

from __future__ import annotations

import datetime as _dt
from html import escape
from typing import Any
from urllib.parse import quote

from .overview import MIN_WEAK, PASS_SCORE, RECENT, ExerciseStats, Overview
from .plot import INKS, plot_png, plot_src
from .record import Attempt

__all__ = ["ProgressView", "plot_png"]

# JupyterLab right-aligns every cell of a rendered HTML table, above a plain class rule: the
# text columns here say otherwise with !important, inside this page's own class only.
STYLE = """
<style>
.cra-my-progress { font-family: var(--jp-ui-font-family, sans-serif); max-width: 60rem; }
.cra-my-progress table { border-collapse: collapse; margin: 0.4rem 0 1rem; }
.cra-my-progress table th, .cra-my-progress table td { border: 1px solid var(--jp-border-color2, #ccc);
  padding: 0.2rem 0.5rem; text-align: left !important; vertical-align: top; }
.cra-my-progress table td.num { text-align: right !important; font-variant-numeric: tabular-nums; }
.cra-my-progress .cra-my-note { border-left: 4px solid #c60; padding: 0.3rem 0.6rem; }
.cra-my-progress img { max-width: 100%; }
body[data-jp-theme-light="false"] .cra-my-progress .cra-plot-light, .cra-my-progress .cra-plot-dark { display: none; }
body[data-jp-theme-light="false"] .cra-my-progress .cra-plot-dark { display: inline; }
.cra-my-progress .cra-my-caption { margin-top: 0; color: var(--jp-content-font-color2, #555); }
.cra-my-progress details ul { margin: 0.2rem 0 0.6rem; padding-left: 1.4rem; }
.cra-my-progress details h4 { margin: 0.6rem 0 0.1rem; font-size: 1em; }
</style>
"""


def _pct(value: float) -> str:
    return f"{value:.0%}"


def fmt_time(when: _dt.datetime) -> str:
    return when.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def fmt_due(when: _dt.datetime, now: _dt.datetime) -> str:
    """A drill's due date: the day is what matters (the schedule works in days); the time, in
    UTC, only when it is later today."""
    when = when.astimezone(_dt.UTC)
    if when.date() == now.astimezone(_dt.UTC).date():
        return f"later today ({when:%H:%M} UTC)"
    return f"on {when:%Y-%m-%d}"


def _when(attempt: Attempt) -> str:
    return fmt_time(attempt.when)


def _table(headers: tuple[str, ...], rows: list[list[tuple[str, bool]]]) -> str:
    """Rows of (already escaped text, numeric?) cells."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{t}</td>' if num else f"<td>{t}</td>" for t, num in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _exercise_rows(ov: Overview) -> list[list[tuple[str, bool]]]:
    rows = []
    for e in ov.tried:
        latest = e.attempts[-1]
        name = escape(e.slug) + (f"<br><small>{escape(e.title)}</small>" if e.title else "")
        rows.append(
            [
                (name, False),
                (str(len(e.attempts)), True),
                (_pct(e.best), True),
                (" → ".join(_pct(a.score) for a in e.attempts[-8:]), False),
                (" → ".join(_pct(a.recall) if a.defects else "–" for a in e.attempts[-8:]), False),
                (" → ".join(_pct(a.precision) if a.defects else "–" for a in e.attempts[-8:]), False),
                ("right" if latest.verdict_correct else "wrong", False),
                ("yes" if e.passed else "with help" if e.passed_with_help else "not yet", False),
            ]
        )
    return rows


CATEGORY_HEAD = ("the key's category", "reviews", "defects met", "found", "other category", "recall")


def _category_rows(ov: Overview) -> list[list[tuple[str, bool]]]:
    return [
        [
            (escape(c.category), False),
            (str(c.attempts), True),
            (str(c.met), True),
            (str(c.found), True),
            (str(c.other), True),
            (_pct(c.recall) if c.met else "–", True),
            (_pct(c.recent_recall) if c.met else "–", True),
            (f"{c.drill_found}/{len(c.drill_outcomes)}" if c.drill_outcomes else "–", True),
        ]
        for c in ov.categories
    ]


def _history_rows(ov: Overview) -> list[list[tuple[str, bool]]]:
    return [
        [
            (escape(_when(a).removesuffix(" UTC")), False),
            (escape(a.exercise), False),
            (escape(a.kind), False),
            (_pct(a.score), True),
            (_pct(a.recall), True),
            (_pct(a.precision), True),
            ("right" if a.verdict_correct else "wrong", False),
        ]
        for a in sorted(ov.attempts, key=lambda a: a.when, reverse=True)
    ]


def _notebook_link(ov: Overview, notebook: str) -> str:
    title = ov.notebook_titles.get(notebook) or notebook
    return f'<a href="{escape(quote(notebook), quote=True)}">{escape(title)}</a>'


def _exercise(ov: Overview, e: ExerciseStats, *, where: bool = True) -> str:
    """An exercise as escaped HTML: its title and slug, difficulty, and notebook as a link."""
    about = [f"<code>{escape(e.slug)}</code>"] if e.title else []
    about += [escape(e.difficulty)] if e.difficulty else []
    name = f"<b>{escape(e.title)}</b>" if e.title else f"<code>{escape(e.slug)}</code>"
    name += f" ({', '.join(about)})" if about else ""
    if where and e.notebook:
        name += f" in {_notebook_link(ov, e.notebook)}"
    return name


def first_steps(ov: Overview) -> list[str]:
    """One to three concrete next steps, as escaped HTML: due drills, the next untried exercise in
    course order, and one that trains the weakest category (never the capstone or an expert one)."""
    steps = []
    if ov.due:
        names = ", ".join(escape(c.pattern) for c in ov.due)
        steps.append(f"Do your due drills ({names}): run <code>drill()</code> below.")
    first = ov.next_exercise()
    retry = min((e for e in ov.not_passed if e.first_step), key=lambda e: e.course_order, default=None)
    # The verb first: a notebook's title ends the sentence, and its colon ("December 2025: the
    # agent ...") read as garbled before a trailing "next" (walk-through 18).
    if first is not None:
        steps.append(f"Next, review {_exercise(ov, first)}.")
    elif retry is not None:
        steps.append(f"Review again (your best so far is {_pct(retry.best)}): {_exercise(ov, retry)}.")
    if ov.helped:
        names = ", ".join(_exercise(ov, e, where=False) for e in sorted(ov.helped, key=lambda e: e.course_order))
        steps.append(
            f"{names}: a passing score, but only with help (some defects were found after their hints or "
            "explanation), so not yet passed on your own. A retry now would replay what you just read: "
            "their patterns come back as drills (below), for you to find unaided."
        )
    weak = ov.weakest
    if weak is not None:
        n = min(RECENT, weak.met)
        text = (
            f"Your weakest category is <b>{escape(weak.category)}</b>: you found {_pct(weak.recent_recall)} of "
            f"its last {n} defects in reviews ({weak.met} defect{'s' if weak.met != 1 else ''} so far)."
        )
        trains = ov.trains(weak.category, exclude=(first.slug,) if first else ())
        if trains is not None:
            text += f" {_exercise(ov, trains)} has {escape(weak.category)} defects: review it reading the diff once for that kind of problem alone."
        else:
            text += " Read your next diff once for that kind of problem alone."
        steps.append(text)
    if not steps and (ov.not_tried or ov.not_passed):
        steps.append(
            "Only the capstone or expert exercises are left: the largest pull requests, listed below. "
            "Take one when you have an hour or more."
        )
    elif not steps:
        steps.append("Every exercise is passed and no drill is due. Come back when a drill is due.")
    return steps


def still_to_do(ov: Overview) -> str:
    """Every exercise not yet tried or not yet passed, grouped by notebook in course order, in a
    collapsed list (escaped HTML; empty if there is none)."""
    todo = sorted([*ov.not_passed, *ov.not_tried], key=lambda e: e.course_order)
    if not todo:
        return ""
    groups: dict[str, list[str]] = {}
    for e in todo:
        state = f" – not yet passed (best {_pct(e.best)})" if e.attempts else ""
        groups.setdefault(e.notebook, []).append(f"<li>{_exercise(ov, e, where=False)}{state}</li>")
    helped = f", {len(ov.helped)} passed only with help: their patterns come back as drills" if ov.helped else ""
    parts = [
        f"<details><summary>All exercises still to do ({len(ov.not_tried)} not tried, {len(ov.not_passed)} "
        f"not yet passed{helped}; a pass is a score of {_pct(PASS_SCORE)} or more with the right verdict, on "
        "your own), by notebook</summary>"
    ]
    for notebook, items in groups.items():
        head = _notebook_link(ov, notebook) if notebook else "Not in a notebook here"
        parts.append(f"<h4>{head}</h4><ul>{''.join(items)}</ul>")
    return "".join(parts) + "</details>"


def next_steps(ov: Overview) -> list[str]:
    """What to do next, as escaped HTML list items' contents (the first steps)."""
    return first_steps(ov)


def drills_due(ov: Overview, now: _dt.datetime | None = None) -> str:
    """Fill in ov.due and ov.upcoming from the schedule; the page's "Drills due" section."""
    try:
        from .schedule import cards
    except ImportError as exc:  # fsrs is a declared dependency; a bare environment may still lack it
        return f'<h3>Drills due</h3><p class="cra-my-note">Spaced practice needs the fsrs package ({escape(str(exc))}).</p>'
    now = now or _dt.datetime.now(_dt.UTC)
    all_cards = sorted(cards(ov.attempts).values(), key=lambda c: (c.due, c.pattern))
    ov.due = [c for c in all_cards if c.is_due(now)]
    later = [c for c in all_cards if not c.is_due(now)]
    ov.upcoming = later[0] if later else None
    parts = ["<h3>Drills due</h3>"]
    if not all_cards:
        parts.append(
            "<p>No drills yet. Each defect has a pattern (the lesson behind it); once you have met a pattern "
            "in a submitted review, it comes back here as a short drill on a schedule: sooner when you missed "
            "it, later when you found it.</p>"
        )
        return "".join(parts)
    if ov.due:
        n = len(ov.due)
        parts.append(
            f"<p>{n} pattern{'s are' if n != 1 else ' is'} due. Run <code>drill()</code> for the next one.</p>"
        )
    else:
        assert ov.upcoming is not None
        parts.append(
            f"<p>No drill is due. The next one ({escape(ov.upcoming.pattern)}) is due "
            f"{escape(fmt_due(ov.upcoming.due, now))}.</p>"
        )
    rows = [
        [
            (escape(c.pattern), False),
            (str(c.reviews), True),
            (escape(ov.last_time(c.pattern)), False),
            ("<b>due now</b>" if c.is_due(now) else escape(fmt_due(c.due, now)), False),
        ]
        for c in all_cards
    ]
    parts.append(_table(("pattern", "submissions with it", "its defects in your latest of them", "next drill"), rows))
    return "".join(parts)


class ProgressView:
    """What `my_progress()` returns: shown as a page in a notebook, as text elsewhere."""

    def __init__(self, ov: Overview, drills_html: str = ""):
        self.overview = ov
        self._drills_html = drills_html

    @property
    def next_steps(self) -> list[str]:
        return next_steps(self.overview)

    def _notes(self) -> str:
        notes = self.overview.record.notes[-3:]
        extra = [self.overview.bank_problem] if self.overview.bank_problem else []
        return "".join(f'<p class="cra-my-note">{escape(n)}</p>' for n in [*notes, *extra])

    def _html(self) -> str:
        ov = self.overview
        parts = [STYLE, '<div class="cra-my-progress">', self._notes()]
        if not ov.attempts:
            parts.append(
                "<p><b>No practice recorded yet.</b> Open <code>00.00-Start-Here.ipynb</code>, run the warm-up "
                "review's cell, flag the lines you would question, choose a verdict and press <b>Submit review</b>. "
                "Every submission is recorded here, on this machine only (in <code>.learner-record.json</code>). "
                "Then run this notebook again.</p>"
            )
            first = ov.next_exercise()
            if first is not None:
                parts.append(f"<p>The first exercise: {_exercise(ov, first)}.</p>")
            parts += [still_to_do(ov), "</div>"]
            return "".join(parts)
        srcs = {theme: plot_src(ov, ink) for theme, ink in INKS.items()}
        n, tried = len(ov.attempts), len(ov.tried)
        parts += [
            f"<p>{n} attempt{'s' if n != 1 else ''} recorded: {tried} exercise{'s' if tried != 1 else ''} "
            f"reviewed, {len(ov.drills)} drill{'s' if len(ov.drills) != 1 else ''}.</p>",
            "<h3>What to do next</h3><ol>" + "".join(f"<li>{s}</li>" for s in self.next_steps) + "</ol>",
            still_to_do(ov),
            *(
                f'<img class="cra-my-progress-plot cra-plot-{theme}" alt="The score of each submission (each point '
                "is one submission; different exercises are not comparable; drills marked apart), and recall per "
                f'category in reviews" src="{src}">'
                for theme, src in srcs.items()
            ),
            '<p class="cra-my-caption">Each point is one submission. A line joins only retries of the same exercise; '
            "different exercises are not comparable, and a drill (a short cut of an exercise you have seen) "
            "is a separate mark.</p>",
            "<h3>Per exercise</h3><p>Score is weighted (a blocker counts three times a minor); recall and "
            "precision count defects and findings one by one. Each arrow is a later attempt. Passed "
            "<i>with help</i> means the passing score needed defects found after their hints or explanation.</p>",
            _table(
                ("exercise", "attempts", "best score", "score", "recall", "precision", "last verdict", "passed"),
                _exercise_rows(ov),
            ),
            "<h3>Per category</h3><p>Each row is the key's category: a defect counts in its own row, whatever "
            "category you filed it under. Counted over your reviews only, each defect once: as you did in the first "
            "review of its exercise that met it (a retry comes after reading hints and explanations; it counts in "
            "the exercise's row above). A drill is a cut of code you have already reviewed, often seen solved, so "
            f"its defects are in their own column. A category is called weak once you have met at least {MIN_WEAK} "
            "of its defects. <i>Other category</i>: its lines flagged under another category (half credit in the "
            "score); recall counts them, as the score's recall does.</p>",
            _table(
                (*CATEGORY_HEAD, f"recall, last {RECENT}", "drills: found"),
                _category_rows(ov),
            ),
            self._drills_html,
            "<details><summary>Every attempt</summary>",
            _table(("when (UTC)", "exercise", "kind", "score", "recall", "precision", "verdict"), _history_rows(ov)),
            "</details></div>",
        ]
        return "".join(parts)

    def _text(self) -> str:
        ov = self.overview
        if not ov.attempts:
            return "My progress: no practice recorded yet. Submit a practice review (00.00-Start-Here) first."
        lines = [f"My progress: {len(ov.attempts)} attempts"]
        for e in ov.tried:
            lines.append(f"  {e.slug}: {len(e.attempts)} attempts, best score {_pct(e.best)}")
        return "\n".join(lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self._html(), "text/plain": self._text()}

    def __repr__(self) -> str:
        return self._text()
