"""Shared answers: students whose reviews of one exercise are identical or near-identical.

Read from the frozen sidecars the report already parsed (nothing else). Per exercise:

- *identical*: two reviews with the same findings (ids, spans, categories, severities, comments,
  created and updated times) and the same verdict. A review with no findings is never
  evidence: an empty review, or an approve with nothing flagged, is what honest students submit.
- *finding ids*: the viewer gives every finding a random id (10 hex digits); two students
  sharing one copied a file.
- *timestamps*: created and updated times, to the millisecond. One shared time can be chance in
  a large class, so it counts only with a second one, or with a shared comment; a time in more
  than CROWD reviews links them all by itself.
- *comments*: findings on the same span with the same category whose comments, lower-cased
  with whitespace collapsed, are near-identical (the same words twice count once) (rapidfuzz's `fuzz.ratio` >= SIMILAR). Short
  comments ("race?", "off by one") are what anyone writes, so only comments of MIN_COMMENT
  characters or more count; and a comment many reviews share (more than RARE_SHARE of the
  exercise's reviews, at least RARE_MIN, on that span or anywhere in the exercise: "Missing a
  test for this.") is a common answer, not evidence. Two such comments,
  or one with a shared timestamp, link two reviews. The same lines and categories with
  independent comments, fresh ids and times (students who found the same defects) never do.

It scales by bucketing: identical reviews collapse to one node first (fifty copies of one file
are one node, not 1,225 pairs), ids, times and spans are dictionary buckets, and comments are
compared only within a span's bucket, with rapidfuzz's `cdist` on the distinct texts. Students
linked by any evidence form one group (union-find), reported with every piece of evidence:
the exercise, what matched and how, and which students.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ..review.finding import Finding
from ..vocab import where

SIMILAR = 90  # rapidfuzz fuzz.ratio, 0-100, at or above which two normalised comments are near-identical
MIN_COMMENT = 16  # characters of a normalised comment before it can be evidence
RARE_SHARE = 0.05  # a comment cluster in more than this share of an exercise's reviews is common ...
RARE_MIN = 3  # ... but never below this many reviews
CROWD = 8  # reviews sharing one millisecond timestamp beyond which that alone links them

KINDS = ("identical", "finding ids", "timestamps", "comments")


class ReviewedSidecar(NamedTuple):
    """One readable review, as the report parsed it."""

    student: str
    slug: str
    verdict: str | None
    findings: tuple[Finding, ...]


class Evidence(NamedTuple):
    """One thing that matched, in one exercise, between `students`."""

    slug: str
    kind: str  # one of KINDS ("timestamps" and "comments" may be joined: "comments, timestamps")
    students: tuple[str, ...]
    detail: str


class SharedGroup(NamedTuple):
    """Students linked by evidence, directly or through one another."""

    students: tuple[str, ...]
    slugs: tuple[str, ...]
    evidence: tuple[Evidence, ...]


class _Node(NamedTuple):
    """A distinct review content of one exercise and the students who submitted it."""

    students: list[str]
    findings: tuple[Finding, ...]
    verdict: str | None


def normalise(comment: str) -> str:
    """A comment as compared: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", comment).casefold().split())


def _content(review: ReviewedSidecar) -> tuple:
    fields = ((f.id, f.path, f.side, f.start, f.end, f.category, f.severity, f.comment, f.created, f.updated)
              for f in review.findings)  # fmt: skip
    return (review.verdict, tuple(sorted(fields)))


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, items: Iterable[str]) -> None:
        roots = [self.find(x) for x in items]
        for r in roots[1:]:
            self.parent[self.find(r)] = self.find(roots[0])


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _names(nodes: Iterable[_Node]) -> tuple[str, ...]:
    return tuple(sorted({s for n in nodes for s in n.students}))


def _nodes(reviews: Sequence[ReviewedSidecar]) -> list[_Node]:
    by_content: dict[tuple, _Node] = {}
    for r in reviews:
        if not r.findings:
            continue
        node = by_content.setdefault(_content(r), _Node([], r.findings, r.verdict))
        node.students.append(r.student)
    return list(by_content.values())


def _identical(slug: str, nodes: list[_Node]) -> list[Evidence]:
    out = []
    for n in nodes:
        if len(n.students) > 1:
            k = len(n.findings)
            detail = (
                f"identical reviews: the same {k} finding{'s' * (k != 1)} (ids, lines, categories, comments, "
                f"times) and verdict {n.verdict or 'none'}, in {len(n.students)} submissions"
            )
            out.append(Evidence(slug, "identical", _names([n]), detail))
    return out


def _shared_ids(slug: str, nodes: list[_Node]) -> list[Evidence]:
    """Finding ids in more than one node, one piece of evidence per set of nodes sharing them."""
    holders: dict[str, dict[int, Finding]] = defaultdict(dict)
    for i, n in enumerate(nodes):
        for f in n.findings:
            holders[f.id].setdefault(i, f)
    by_set: dict[tuple[int, ...], list[Finding]] = defaultdict(list)
    for held in holders.values():
        if len(held) > 1:
            by_set[tuple(sorted(held))].append(next(iter(held.values())))
    out = []
    for members, found in by_set.items():
        shown = ", ".join(f"{f.id!r} ({where(f.path, f.side, f.start, f.end)})" for f in found[:4])
        more = f" and {len(found) - 4} more" if len(found) > 4 else ""
        detail = f"{len(found)} finding id{'s' * (len(found) != 1)} in common: {shown}{more}"
        out.append(Evidence(slug, "finding ids", _names(nodes[i] for i in members), detail))
    return out


def _shared_stamps(slug: str, nodes: list[_Node]) -> tuple[list[Evidence], dict[tuple[int, int], list[str]]]:
    """Times held by more than CROWD reviews, one piece of evidence per set of reviews holding
    them (no coincidence puts one millisecond in so many reviews); and the pairs of nodes that
    share the other times, with the times, to be weighed with the comments."""
    holders: dict[str, set[int]] = defaultdict(set)
    for i, n in enumerate(nodes):
        for f in n.findings:
            for stamp in (f.created, f.updated):
                if stamp:
                    holders[stamp].add(i)
    crowds: dict[tuple[int, ...], list[str]] = defaultdict(list)
    pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
    for stamp, held in holders.items():
        if len(held) > CROWD:
            crowds[tuple(sorted(held))].append(stamp)
            continue
        for pair in itertools.combinations(sorted(held), 2):
            pairs[pair].append(stamp)
    out = []
    for members, stamps in crowds.items():
        detail = f"{len(stamps)} identical timestamp{'s' * (len(stamps) != 1)} in {len(members)} reviews: " + ", ".join(
            sorted(stamps)[:3]
        )
        out.append(Evidence(slug, "timestamps", _names(nodes[i] for i in members), detail))
    return out, pairs


def _shared_comments(nodes: list[_Node]) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """Pairs of nodes with near-identical, uncommon comments on the same span and category:
    (the comment, what matched where) for each."""
    from rapidfuzz import fuzz, process

    buckets: dict[tuple, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    anywhere: dict[str, set[int]] = defaultdict(set)  # who wrote a text, on any line
    for i, n in enumerate(nodes):
        for f in n.findings:
            text = normalise(f.comment)
            if len(text) >= MIN_COMMENT:
                buckets[(f.path, f.side, f.start, f.end, f.category)][text].add(i)
                anywhere[text].add(i)
    rare = max(RARE_MIN, int(RARE_SHARE * len(nodes)))
    pairs: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for (path, side, start, end, category), texts in buckets.items():
        if sum(len(v) for v in texts.values()) < 2:
            continue
        uniques = list(texts)
        clusters = _Union()
        if len(uniques) > 1:
            scores = process.cdist(uniques, uniques, scorer=fuzz.ratio, score_cutoff=SIMILAR, workers=1)
            for a, b in zip(*scores.nonzero()):
                if a < b:
                    clusters.join((str(a), str(b)))
        members: dict[str, list[int]] = defaultdict(list)
        for k in range(len(uniques)):
            members[clusters.find(str(k))].append(k)
        for ks in members.values():
            held = sorted({i for k in ks for i in texts[uniques[k]]})
            if not 1 < len(held) <= rare or any(len(anywhere[uniques[k]]) > rare for k in ks):
                continue  # one review, or a common answer: many write it, here or on other lines
            same = len(ks) == 1
            note = (
                f"{where(path, side, start, end)} {category}: "
                + ("the same comment" if same else "near-identical comments")
                + f" {_short(uniques[ks[0]])!r}"
            )
            for pair in itertools.combinations(held, 2):
                pairs[pair].append((min(uniques[k] for k in ks), note))
    return pairs


def _weak_links(slug: str, nodes: list[_Node]) -> list[Evidence]:
    """Pairs linked by two shared times, two shared comments, or one of each; pairs linked by
    the same matches are one piece of evidence (a ring of retypers is one line, not n² lines)."""
    out, stamps = _shared_stamps(slug, nodes)
    comments = _shared_comments(nodes)
    same: dict[tuple[tuple[str, ...], tuple[str, ...]], set[int]] = defaultdict(set)
    for pair in set(stamps) | set(comments):
        s, c = stamps.get(pair, []), comments.get(pair, [])
        # the same words on two lines (or in two categories) are one shared comment, not two
        if len(s) + len({text for text, _ in c}) >= 2:
            same[tuple(sorted(note for _, note in c)), tuple(sorted(s))].update(pair)
    for (notes, times), members in same.items():
        parts = []
        if notes:
            parts.append(f"{len(notes)} shared comment{'s' * (len(notes) != 1)}: " + "; ".join(notes[:3]))
        if times:
            parts.append(f"{len(times)} identical timestamp{'s' * (len(times) != 1)}: " + ", ".join(times[:3]))
        kind = ", ".join(k for k, v in (("comments", notes), ("timestamps", times)) if v)
        out.append(Evidence(slug, kind, _names(nodes[i] for i in members), "; ".join(parts)))
    return out


def shared_answers(reviews: Iterable[ReviewedSidecar]) -> list[SharedGroup]:
    """Groups of students who share answers, largest first, each with its evidence."""
    per_slug: dict[str, list[ReviewedSidecar]] = defaultdict(list)
    for r in reviews:
        per_slug[r.slug].append(r)
    evidence: list[Evidence] = []
    for slug in sorted(per_slug):
        nodes = _nodes(per_slug[slug])
        evidence += _identical(slug, nodes) + _shared_ids(slug, nodes) + _weak_links(slug, nodes)
    union = _Union()
    for e in evidence:
        union.join(e.students)
    grouped: dict[str, list[Evidence]] = defaultdict(list)
    for e in evidence:
        grouped[union.find(e.students[0])].append(e)
    groups = []
    for items in grouped.values():
        students = tuple(sorted({s for e in items for s in e.students}))
        slugs = tuple(sorted({e.slug for e in items}))
        ordered = sorted(items, key=lambda e: (KINDS.index(e.kind.split(",")[0]), e.slug, e.students))
        groups.append(SharedGroup(students, slugs, tuple(ordered)))
    return sorted(groups, key=lambda g: (-len(g.students), g.students))
