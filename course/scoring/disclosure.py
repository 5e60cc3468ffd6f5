"""The one policy for what key text a student may see, and the scan that enforces it.

`disclose` says, for one scored review, which parts of the key each feedback item shows: a
found (or miscategorised) defect's title and explanation, a missed defect's first hint only, a
decoy's why_fine when the student flagged it. Feedback pages, the grade cell's text and the leak
scan all read that same list, so what is shown and what the scan allows cannot disagree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

from ..keys.bank import Bank
from ..vocab import where
from .match import Score

__all__ = [
    "Item",
    "allowed_key_texts",
    "disclose",
    "key_texts",
    "leaks",
    "scan_for_leaks",
]

STATUS_WORDS = {"found": "found", "miscategorised": "right lines, other category", "missed": "missed"}
NO_HINT = "look at the change again, line by line"


@dataclass(frozen=True)
class Item:
    """One line of feedback and the key texts it discloses (labels as `key_texts` names them)."""

    kind: str  # found | miscategorised | missed | false-positive
    label: str  # the status word shown
    title: str
    text: str
    severity: str = ""
    labels: frozenset[str] = frozenset()  # key texts shown, by label
    texts: frozenset[str] = frozenset()  # key texts shown that have no per-exercise label (why_fine)

    def as_dict(self) -> dict[str, str]:
        out = {"kind": self.kind, "label": self.label, "title": self.title, "text": self.text}
        if self.severity:
            out["severity"] = self.severity
        return out


def disclose(slug: str, result: Score | None) -> list[Item]:
    """Per-defect feedback items for one review of `slug`, in key order, then false positives."""
    items: list[Item] = []
    if result is None:
        return items
    for r in result.defects:
        d = r.defect
        base = f"{slug}/{d.id}"
        if r.status == "missed":
            hint = d.hints[0] if d.hints else NO_HINT
            items.append(Item("missed", "missed", "", f"Hint: {hint}", labels=frozenset({f"{base} hint 1"})))
            continue
        text = d.explanation
        if r.status == "miscategorised":
            accepted = ", ".join((d.category, *d.also))
            text = f"You flagged the right lines; the category that fits is {accepted} (half credit).\n{text}"
        items.append(
            Item(
                r.status,
                STATUS_WORDS[r.status],
                d.title,
                text,
                d.severity,
                labels=frozenset({f"{base} title", f"{base} explanation"}),
            )
        )
    for fp in result.false_positives:
        f = fp.finding
        cost = "free (the first one is)" if fp.cost == 0 else f"costs {fp.cost:g}"
        if fp.decoy is not None:
            text, texts = f"Looks suspicious, but is fine: {fp.decoy.why_fine}", frozenset({fp.decoy.why_fine})
        else:
            text, texts = "No planted defect here.", frozenset()
        items.append(
            Item(
                "false-positive",
                "false positive",
                f"{where(f.path, f.side, f.start, f.end)} ({f.category}; {cost})",
                text,
                texts=texts,
            )
        )
    return items


def allowed_key_texts(reviews: Iterable[tuple[str, Score | None]]) -> tuple[set[str], set[str]]:
    """(labels, texts) of key text that the feedback on these reviews may show: exactly what
    `disclose` shows, so the scan and the pages agree by construction."""
    labels: set[str] = set()
    texts: set[str] = set()
    for slug, result in reviews:
        for item in disclose(slug, result):
            labels |= item.labels
            texts |= item.texts
    return labels, texts


def key_texts(bank: Bank, slugs: set[str] | None = None) -> dict[str, str]:
    """Text of every key that must never reach a student unasked, labelled by its origin:
    titles, explanations, hints, decoys' why_fine, and each span as key.toml writes it."""
    texts: dict[str, str] = {}
    for exercise in bank:
        if slugs is not None and exercise.slug not in slugs:
            continue
        key = exercise.key
        for d in key.defects:
            texts[f"{exercise.slug}/{d.id} title"] = d.title
            texts[f"{exercise.slug}/{d.id} explanation"] = d.explanation
            for n, hint in enumerate(d.hints, 1):
                texts[f"{exercise.slug}/{d.id} hint {n}"] = hint
            texts[f"{exercise.slug}/{d.id} lines"] = f"lines = [{d.lines[0]}, {d.lines[1]}]"
        for n, decoy in enumerate(key.decoys, 1):
            texts[f"{exercise.slug} decoy {n} why_fine"] = decoy.why_fine
    return texts


def fingerprints(text: str) -> list[str]:
    """Pieces of a key text to look for: the whole of a short one, each sentence of a long one
    (a leak may be reflowed or quoted in part, but a sentence survives)."""
    flat = " ".join(text.split())
    if len(flat) <= 80:
        return [flat] if len(flat) >= 12 else []
    parts = [p.strip() for p in re.split(r"(?<=[.!?:;])\s+", flat)]
    return [p for p in parts if len(p) >= 24]


def leaks(haystack: str, texts: dict[str, str], earned: Iterable[str] = ()) -> list[str]:
    """Labels of the key texts that appear in `haystack` (whitespace-insensitive, and HTML
    entities decoded, so an escaped quote in a feedback page cannot hide a leak).

    A piece that is also part of an `earned` text (one the page may show) is no evidence: a hint
    may repeat a sentence of the explanation the student earned."""
    flat = " ".join(unescape(haystack).split())
    shown = [" ".join(t.split()) for t in earned]
    return [
        label
        for label, text in texts.items()
        if any(piece in flat and not any(piece in e for e in shown) for piece in fingerprints(text))
    ]


def _json_strings(text: str) -> str:
    """A notebook's strings joined, so a leak split over JSON's line-per-string layout shows."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, list):
            if v and all(isinstance(x, str) for x in v):
                out.append("".join(v))
            else:
                for x in v:
                    walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)

    walk(data)
    return "\n".join(out)


def scan_for_leaks(folder: Path, texts: dict[str, str]) -> list[str]:
    """Every key text found in any file under `folder`, as 'file: label'."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if path.suffix == ".ipynb":
            text = _json_strings(text)
        for label in leaks(text, texts):
            found.append(f"{path.relative_to(folder)}: {label}")
    return found
