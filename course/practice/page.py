"""The My Progress page: an HTML view of course.practice.overview's Overview, with a plot.

Every text that comes from the record, a notebook or the bank is escaped (html.escape); the plot
is a PNG drawn by matplotlib's object API (no pyplot state, no GUI backend) and embedded as data;
without matplotlib (the JupyterLite site), an SVG of the same panels (course.practice.plot_svg).
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
from html import escape
from typing import Any

from .overview import PASS_SCORE, RECENT, Overview
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
.cra-my-progress img { max-width: 100%; background: #fff; }
</style>
"""


def _pct(value: float) -> str:
    return f"{value:.0%}"


def fmt_time(when: _dt.datetime) -> str:
    return when.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _when(attempt: Attempt) -> str:
    return fmt_time(attempt.when)


def plot_png(ov: Overview) -> bytes:
    """Score, recall and precision per attempt over time, and recall per category."""
    from matplotlib.figure import Figure  # loaded here: the page is built only when asked for

    fig = Figure(figsize=(9, 3.4), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    attempts = sorted(ov.attempts, key=lambda a: a.when)
    xs = list(range(1, len(attempts) + 1))
    for name, style in (("score", "o-"), ("recall", "s--"), ("precision", "^:")):
        left.plot(xs, [getattr(a, name) for a in attempts], style, label=name)
    drills = [x for x, a in zip(xs, attempts) if a.kind == "drill"]
    if drills:
        left.plot(drills, [attempts[x - 1].score for x in drills], "kx", markersize=9, label="drill")
    left.set_ylim(-0.05, 1.05)
    left.set_xlabel("attempt, oldest first")
    left.set_title("Your attempts over time")
    left.set_xticks(xs if len(xs) <= 15 else xs[:: max(1, len(xs) // 10)])
    left.legend(loc="lower right", fontsize="small")
    names = [c.category for c in ov.categories]
    bars = right.barh(names, [c.recall for c in ov.categories], color="#4a7ab5", height=0.6)
    right.bar_label(bars, labels=[f"{c.found}/{c.met}" for c in ov.categories], padding=3, fontsize="small")
    right.set_xlim(0, 1.15)
    right.invert_yaxis()
    right.set_xlabel("recall: defects found / met")
    right.set_title("Per category")
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def plot_src(ov: Overview) -> str:
    """The plot as a data URI: matplotlib's PNG, or where matplotlib is not installed (the
    JupyterLite site: course.practice.plot_svg says why) the same panels as an SVG."""
    try:
        return "data:image/png;base64," + base64.b64encode(plot_png(ov)).decode("ascii")
    except ImportError:
        from .plot_svg import plot_svg

        return "data:image/svg+xml;base64," + base64.b64encode(plot_svg(ov)).decode("ascii")


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
                (" → ".join(_pct(a.recall) for a in e.attempts[-8:]), False),
                (" → ".join(_pct(a.precision) for a in e.attempts[-8:]), False),
                ("right" if latest.verdict_correct else "wrong", False),
                ("yes" if e.passed else "not yet", False),
            ]
        )
    return rows


def _category_rows(ov: Overview) -> list[list[tuple[str, bool]]]:
    return [
        [
            (escape(c.category), False),
            (str(c.attempts), True),
            (str(c.met), True),
            (str(c.found), True),
            (_pct(c.recall), True),
            (_pct(c.recent_recall), True),
        ]
        for c in ov.categories
    ]


def _history_rows(ov: Overview) -> list[list[tuple[str, bool]]]:
    return [
        [
            (escape(_when(a)), False),
            (escape(a.exercise), False),
            (escape(a.kind), False),
            (_pct(a.score), True),
            (_pct(a.recall), True),
            (_pct(a.precision), True),
            ("right" if a.verdict_correct else "wrong", False),
        ]
        for a in sorted(ov.attempts, key=lambda a: a.when, reverse=True)
    ]


def _where(e: Any) -> str:
    return escape(e.slug) + (f" (in {escape(e.notebook)})" if e.notebook else "")


def next_steps(ov: Overview) -> list[str]:
    """What to do next, as escaped HTML list items' contents."""
    steps = []
    if ov.due:
        names = ", ".join(escape(c.pattern) for c in ov.due)
        steps.append(f"Do your due drills ({names}): run <code>drill()</code> below.")
    weak = ov.weakest
    if weak is not None:
        steps.append(
            f"Your weakest category is <b>{escape(weak.category)}</b>: you found {_pct(weak.recent_recall)} of its "
            f"last {min(RECENT, weak.met)} defects. Before your next review, read the diff once for that kind of "
            "problem alone."
        )
    if ov.not_passed:
        items = ", ".join(_where(e) for e in ov.not_passed)
        steps.append(f"Not yet passed (a score of {_pct(PASS_SCORE)} or more with the right verdict): {items}.")
    if ov.not_tried:
        items = ", ".join(_where(e) for e in ov.not_tried)
        steps.append(f"Not yet tried: {items}.")
    if not steps:
        steps.append("Every exercise is passed and no drill is due. Come back when a drill is due.")
    return steps


LAST_RESULT = {1: "missed", 2: "found with help, or miscategorised", 3: "found", 4: "found easily"}


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
            f"{escape(fmt_time(ov.upcoming.due))}.</p>"
        )
    rows = [
        [
            (escape(c.pattern), False),
            (str(c.reviews), True),
            (escape(LAST_RESULT.get(int(c.last_rating), "")), False),
            ("<b>due now</b>" if c.is_due(now) else escape(fmt_time(c.due)), False),
        ]
        for c in all_cards
    ]
    parts.append(_table(("pattern", "times met", "last time", "next drill"), rows))
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
            if ov.not_tried:
                parts.append("<p>Exercises to start with: " + ", ".join(_where(e) for e in ov.not_tried) + ".</p>")
            parts.append("</div>")
            return "".join(parts)
        src = plot_src(ov)
        n, tried = len(ov.attempts), len(ov.tried)
        parts += [
            f"<p>{n} attempt{'s' if n != 1 else ''} recorded: {tried} exercise{'s' if tried != 1 else ''} "
            f"reviewed, {len(ov.drills)} drill{'s' if len(ov.drills) != 1 else ''}.</p>",
            "<h3>What to do next</h3><ul>" + "".join(f"<li>{s}</li>" for s in self.next_steps) + "</ul>",
            f'<img class="cra-my-progress-plot" alt="Score, recall and precision per attempt, and recall per '
            f'category" src="{src}">',
            "<h3>Per exercise</h3><p>Score is weighted (a blocker counts three times a minor); recall and "
            "precision count defects and findings one by one. Each arrow is a later attempt.</p>",
            _table(
                ("exercise", "attempts", "best score", "score", "recall", "precision", "last verdict", "passed"),
                _exercise_rows(ov),
            ),
            "<h3>Per category</h3>",
            _table(
                ("category", "attempts", "defects met", "found", "recall", f"recall, last {RECENT}"),
                _category_rows(ov),
            ),
            self._drills_html,
            "<details><summary>Every attempt</summary>",
            _table(("when", "exercise", "kind", "score", "recall", "precision", "verdict"), _history_rows(ov)),
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
