"""The review as static HTML, saved in the notebook beside the live viewer.

A notebook reopened without a running kernel has no widget model: JupyterLab and Notebook 7
then print "Error displaying widget: model not found" where the viewer was. So a Review is
displayed as two outputs (Review._ipython_display_):

1. this static view (`text/html`, with the one-line summary as `text/plain`): the pull request's
   title, the verdict, and every saved finding with the lines it flags, and one line saying to
   run the cell; it is updated in place (a display id) whenever the review changes, so the copy
   saved with the notebook is the review as it was last saved;
2. the widget itself (its mimebundle, with the summary as `text/plain`).

Which one shows is decided by the page, with two CSS rules (in this view's own <style> and in
the viewer's stylesheet): while a live viewer is painted in output 2, output 1 is hidden; while
output 2 holds no live viewer (no model: the error, or "Loading widget..."), output 2 is hidden
and this view stays. An untrusted notebook never renders the widget at all (its renderer is not
"safe") and shows output 1, sanitized, and output 2's summary line.

Everything a learner or an author wrote is escaped here; the view holds no script, no link and
no key text (only the learner's own review: never a practice review's hints or results).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..vocab import where
from .markdown import plain_text

if TYPE_CHECKING:  # pragma: no cover
    from .review import Review

__all__ = ["STATIC_CLASS", "saved_view_html"]

STATIC_CLASS = "cra-static"
MAX_LINES_SHOWN = 12  # of each finding's span
MAX_DESCRIPTION = 1500  # characters of the PR description

# The two rules described in the module docstring. JupyterLab and Notebook 7 wrap each output
# in a .jp-OutputArea-child; :has() is in every browser JupyterLab 4 supports.
CSS = (
    ".jp-OutputArea-child:has(.cra-static) + .jp-OutputArea-child:not(:has(.cra-root)) { display: none; }\n"
    ".jp-OutputArea-child:has(.cra-static):has(+ .jp-OutputArea-child .cra-root) { display: none; }\n"
    ".cra-static .cra-static-code { margin: 2px 0 6px; padding: 4px 6px; background: rgba(127,127,127,0.08);"
    " white-space: pre-wrap; font-family: var(--jp-code-font-family, monospace); }\n"
    ".cra-static .cra-static-comment { white-space: pre-wrap; }\n"
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _code_lines(review: Review, path: str, side: str, start: int, end: int) -> list[str]:
    """The flagged lines, as text, prefixed with their number (at most MAX_LINES_SHOWN)."""
    try:
        fd = review.diff.file(path)
    except KeyError:
        return []
    out = []
    for n in range(start, min(end, start + MAX_LINES_SHOWN - 1) + 1):
        line = fd.line(side, n)
        if line is not None:
            out.append(f"{n:>4}  {line.text}")
    if end - start + 1 > MAX_LINES_SHOWN:
        out.append(f"      ... {end - start + 1 - MAX_LINES_SHOWN} more lines")
    return out


def saved_view_html(review: Review) -> str:
    """The static view of `review` (see the module docstring): escaped HTML, no script."""
    store = review.store
    store.refresh()
    bundle = review.bundle
    parts = [f'<div class="{STATIC_CLASS}" data-slug="{_e(review.slug)}">', f"<style>{CSS}</style>"]
    title = bundle.title or review.slug
    parts.append(f"<p><strong>{_e(title)}</strong>")
    if bundle.author:
        parts.append(f" &middot; opened by {_e(bundle.author)}")
    parts.append("</p>")
    parts.append(
        '<p class="cra-static-run"><em>A saved copy of this review. Run this cell to open the '
        f"interactive viewer; your findings are kept in <code>{_e(review.sidecar.name)}</code>.</em></p>"
    )
    description = plain_text(bundle.description or "")
    if description:
        if len(description) > MAX_DESCRIPTION:
            description = description[:MAX_DESCRIPTION] + " ..."
        parts.append(
            f'<details><summary>Description</summary><div class="cra-static-comment">{_e(description)}</div></details>'
        )
    if store.error is not None:
        parts.append(f"<p><strong>Your findings file cannot be read:</strong> {_e(store.error.problem)}</p></div>")
        return "".join(parts)
    findings = sorted(store.findings, key=lambda f: f.sort_key())
    verdict = {"approve": "approve", "request-changes": "request changes"}.get(store.verdict or "", "none yet")
    n = len(findings)
    parts.append(f"<p>{n} finding{'s' if n != 1 else ''} &middot; verdict: {_e(verdict)}</p>")
    if findings:
        parts.append('<ol class="cra-static-findings">')
        for f in findings:
            label = where(f.path, f.side, f.start, f.end)
            parts.append(
                f'<li><code class="cra-static-where">{_e(label)}</code> &middot; {_e(f.severity)} &middot; {_e(f.category)}'
            )
            code = _code_lines(review, f.path, f.side, f.start, f.end)
            if code:
                parts.append(f'<pre class="cra-static-code">{_e(chr(10).join(code))}</pre>')
            comment = f.comment.strip() or "(no comment)"
            parts.append(f'<div class="cra-static-comment">{_e(comment)}</div></li>')
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)
