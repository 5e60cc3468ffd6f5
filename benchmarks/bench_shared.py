"""Benchmark: the class report's shared-answer check (course/report/shared.py) on large classes.

    .venv/bin/python benchmarks/bench_shared.py [--students 200 1000] [--repeat 5] [--no-naive]

For each class size: a synthetic graded class (tests/support/synthetic.py) in which a quarter
of the students hand in byte-identical copies of one classmate's sidecars, read as the report
reads it (course.report.reviews.score_all). Then, on the same reviews, best of --repeat:

  shared_answers     the check as the report runs it
  unique comments    the same reviews with every comment rewritten as a distinct sentence
                     (real students' free text: the synthetic class draws comments from a small
                     pool), the worst case for the comment buckets' rapidfuzz cdist
  naive difflib      (smallest class only) every pair of reviews of an exercise compared with
                     difflib's SequenceMatcher on their joined comments: what bucketing avoids

and checks that the copiers come out as one group, with nobody else flagged.
"""

from __future__ import annotations

import argparse
import difflib
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the package, and tests/support (the synthetic class)

from support.synthetic import synthetic_class  # noqa: E402

from course.report.load import find_submissions  # noqa: E402
from course.report.reviews import score_all  # noqa: E402
from course.report.shared import ReviewedSidecar, shared_answers  # noqa: E402

WORDS = [
    "the",
    "lock",
    "cache",
    "key",
    "retry",
    "payment",
    "refund",
    "cutoff",
    "zone",
    "timestamp",
    "race",
    "worker",
    "queue",
    "region",
    "order",
    "delete",
    "guard",
    "floor",
    "window",
    "batch",
    "count",
    "empty",
    "null",
    "timeout",
    "error",
    "swallow",
    "log",
    "level",
    "debug",
    "ship",
    "first",
    "last",
    "slice",
    "index",
    "boundary",
    "hour",
    "day",
    "week",
    "stale",
    "shopper",
    "estimate",
    "purge",
    "injection",
    "format",
]


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def unique_comments(reviews: list[ReviewedSidecar], seed: int = 1) -> list[ReviewedSidecar]:
    rng = random.Random(seed)
    out = []
    for r in reviews:
        findings = tuple(
            f.__class__.from_dict({**f.to_dict(), "comment": " ".join(rng.choices(WORDS, k=rng.randint(6, 14)))})
            for f in r.findings
        )
        out.append(r._replace(findings=findings))
    return out


def naive(reviews: list[ReviewedSidecar]) -> int:
    by_slug: dict[str, list[ReviewedSidecar]] = {}
    for r in reviews:
        by_slug.setdefault(r.slug, []).append(r)
    hits = 0
    for rows in by_slug.values():
        texts = [" ".join(f.comment.casefold() for f in r.findings) for r in rows]
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                if texts[i] and difflib.SequenceMatcher(None, texts[i], texts[j]).ratio() >= 0.9:
                    hits += 1
    return hits


def one(n: int, repeat: int, run_naive: bool, tmp: Path) -> None:
    made = synthetic_class(tmp / f"class-{n}", n, seed=n, copiers=n // 4 - 1)
    subs = find_submissions(made.course_dir, made.assignment, [s for s, p in made.profiles.items() if p != "missing"])
    keys = {s: made.bank.get(s).key for s in made.slugs}
    reviews = score_all(subs, made.slugs, keys).sidecars
    findings = sum(len(r.findings) for r in reviews)
    seconds, groups = best(lambda: shared_answers(reviews), repeat)
    assert [g.students for g in groups] == [tuple(sorted(made.copied))], [g.students for g in groups]  # type: ignore[union-attr]
    print(f"{n} students, {len(reviews)} reviews, {findings} findings, {len(made.copied)} copiers")
    print(f"  shared_answers   {seconds * 1000:8.1f} ms  -> 1 group of {len(made.copied)}")
    rewritten = unique_comments(reviews)
    seconds, groups = best(lambda: shared_answers(rewritten), repeat)
    print(f"  unique comments  {seconds * 1000:8.1f} ms  -> {len(groups)} group(s)")  # type: ignore[arg-type]
    if run_naive:
        seconds, hits = best(lambda: naive(rewritten), 1)
        print(f"  naive difflib    {seconds * 1000:8.1f} ms  (every pair of reviews, {hits} similar pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-naive", action="store_true", help="skip the all-pairs difflib baseline")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-shared-") as tmp:
        for i, n in enumerate(args.students):
            one(n, args.repeat, not args.no_naive and i == 0, Path(tmp))


if __name__ == "__main__":
    main()
