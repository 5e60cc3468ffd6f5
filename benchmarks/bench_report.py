"""Benchmark: class analytics on a synthetic class of 1,000 students (numbers for the notes).

    .venv/bin/python benchmarks/bench_report.py [--students 1000] [--repeat 3] [--keep DIR]

Generates a synthetic graded class (tests/support/synthetic.py: sidecars, gradebook, the
grader's summary.json), then times, in the same run and on the same files:

  read only     every sidecar read and validated, nothing else: the I/O and parsing floor
  naive loop    the obvious per-student code: read, score, grow a DataFrame one student at a
                time (pd.concat), then count detections by iterating rows
  gradebook     the gradebook part of class_report alone (nbgrader's models, one query)
  class_report  course.report.class_report (one scoring loop, then pandas group-bys)
  write_report  the HTML page and its six PNG figures

and checks that the naive loop and class_report agree on every defect's detection rate.
Each timing is the best of --repeat runs (the naive loop runs once: it is the slow one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the package, and tests/support (the synthetic class)

from support.synthetic import synthetic_class  # noqa: E402

from course.report import class_report, write_report  # noqa: E402
from course.report.load import read_gradebook  # noqa: E402
from course.review.store import SidecarCorrupt, read_sidecar  # noqa: E402
from course.scoring import score  # noqa: E402


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def sidecars(course: Path, assignment: str) -> list[Path]:
    return sorted((course / "autograded").glob(f"*/{assignment}/*.findings.json"))


def read_only(course: Path, assignment: str) -> int:
    n = 0
    for path in sidecars(course, assignment):
        try:
            read_sidecar(path)
            n += 1
        except SidecarCorrupt:
            pass
    return n


def naive(course: Path, assignment: str, bank) -> dict[tuple[str, str], float]:
    """What a first attempt looks like: per student, per review, rows appended one by one."""
    table = pd.DataFrame(columns=["student", "slug", "defect", "status"])
    slugs = bank.slugs()
    for student_dir in sorted((course / "autograded").iterdir()):
        folder = student_dir / assignment
        if not folder.is_dir():
            continue
        rows = []
        for slug in slugs:
            try:
                side = read_sidecar(folder / f"{slug}.findings.json")
            except SidecarCorrupt:
                continue
            findings = side.findings if side is not None else ()
            result = score(findings, bank.get(slug).key, side.verdict if side is not None else None)
            for r in result.defects:
                rows.append({"student": student_dir.name, "slug": slug, "defect": r.defect.id, "status": r.status})
        table = pd.concat([table, pd.DataFrame(rows, columns=table.columns)], ignore_index=True)
    seen: dict[tuple[str, str], list[int]] = {}
    for _, row in table.iterrows():
        counts = seen.setdefault((row["slug"], row["defect"]), [0, 0])
        counts[0] += row["status"] != "missed"
        counts[1] += 1
    return {k: hit / n for k, (hit, n) in seen.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the class here and keep it (default: a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        course = args.keep or Path(tmp) / "course"
        start = time.perf_counter()
        made = synthetic_class(course, args.students, seed=args.seed, corrupt=0.01, failed=0.0)
        generate = time.perf_counter() - start
        files = sidecars(course, made.assignment)
        print(
            f"synthetic class: {args.students} students, {len(made.slugs)} reviews each, "
            f"{len(files)} sidecars, generated in {generate:.1f} s ({course})"
        )
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; best of {args.repeat} runs\n")

        results = []
        best, med, n = timed(lambda: read_only(course, made.assignment), args.repeat)
        results.append(("read only (baseline)", best, med, f"{n} sidecars read"))
        best, med, rates = timed(lambda: naive(course, made.assignment, made.bank), 1)
        results.append(("naive per-student loop (baseline)", best, med, "same detection rates"))
        best, med, gb = timed(lambda: read_gradebook(course, made.assignment, None, []), args.repeat)
        results.append(("gradebook (part of class_report)", best, med, f"{len(gb.submissions)} submissions"))
        best, med, report = timed(lambda: class_report(course, made.assignment), args.repeat)
        results.append(("class_report", best, med, f"{len(report.students)} students, {len(report.outcomes)} outcomes"))
        out = Path(tmp) / "out"
        best, med, page = timed(lambda: write_report(report, out), args.repeat)
        results.append(("write_report (HTML + 6 PNG)", best, med, f"{page.stat().st_size // 1024} KiB page"))

        mine = {(r.slug, r.defect): r.detection_rate for r in report.defects.itertuples()}
        # the naive loop skips submissions the grader never autograded; with failed=0 there are none
        mismatched = [k for k in mine if abs(mine[k] - rates.get(k, -1)) > 1e-12]
        width = max(len(r[0]) for r in results)
        print(f"{'step':<{width}}  {'best s':>7}  {'median s':>8}  note")
        for name, b, m, note in results:
            print(f"{name:<{width}}  {b:7.2f}  {m:8.2f}  {note}")
        naive_s, mine_s = results[1][1], results[3][1]
        print(
            f"\nclass_report is {naive_s / mine_s:.1f}x the naive loop; "
            f"{mine_s / results[0][1]:.1f}x the cost of only reading the sidecars"
        )
        print("detection rates agree with the naive loop" if not mismatched else f"MISMATCH on {mismatched}")
        if mismatched:
            sys.exit(1)


if __name__ == "__main__":
    main()
