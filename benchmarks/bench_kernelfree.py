"""How fast is kernel-free grading (`course grade --no-execute`) against the executed path?

    python benchmarks/bench_kernelfree.py [--students 1000] [--sample 40] [--assignment mar-02-2026]
                                          [--jobs 2] [--executed sandbox|unsandboxed] [--no-baseline]
                                          [--repeat N] [--json]

In one run, from one simulated class (the demo's styles, no broken notebooks):

1. baseline: `course grade --no-execute --no-feedback` over all `--students` submissions with
   every student recorded in the gradebook at once (COURSE_GRADE_BATCH=1, the path before
   batches; skipped with --no-baseline);
2. `course grade --no-execute --no-feedback` as it runs by default (workers record 50 students
   a transaction), in a second copy of the course; both timed whole: preflight, recording the
   assignment, parallel nbgrader autograde without a kernel, re-score. With --repeat N the two
   alternate N times (each on a fresh copy) and the fastest of each is reported;
3. the executed path (`--execute`, the sandbox, or `--unsandboxed`) over the first `--sample`
   of the same submissions, in a third copy; its time per submission is what `--students`
   submissions would cost.

Every grade cell of every student must hold the same score in the two kernel-free gradebooks,
and of every sampled student in the executed one, or the run fails. CPU seconds (the command
and every process it started) are shown beside wall-clock ones: on a shared machine they vary
less. Targets (issue 11): 1,000 submissions in under 30 s on 2 cores, and at least 20x faster
per submission than the executed path.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_grade import CPU, STYLES, scores, timed  # noqa: E402

from course.demo.simulate import Student, make_class, make_course  # noqa: E402
from course.grading.cells import assignment_reviews  # noqa: E402
from course.grading.nbconfig import nbgrader_env  # noqa: E402
from course.grading.worker import WORKER_BATCH  # noqa: E402
from course.keys import Bank  # noqa: E402

FLAGS = {"sandbox": "--execute", "unsandboxed": "--unsandboxed"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--assignment", default="mar-02-2026")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--executed", choices=sorted(FLAGS), default="sandbox")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-student-a-transaction baseline")
    parser.add_argument("--repeat", type=int, default=1, help="alternate baseline and batched N times; fastest wins")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    bank = Bank(ROOT / "exercises")
    tmp = Path(tempfile.mkdtemp(prefix="bench-kernelfree-"))
    env = nbgrader_env({"COURSE_BANK": str(bank.root)})
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp / name).mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(tmp / name)
    os.environ.update(
        {k: env[k] for k in ("COURSE_BANK", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}
    )

    pristine = tmp / "pristine"
    make_course(pristine, ROOT, args.assignment, bank)
    executed = tmp / "executed"
    shutil.copytree(pristine, executed)
    roster = [Student(f"s{n:04d}", STYLES[n % len(STYLES)], "") for n in range(1, args.students + 1)]
    make_class(pristine, args.assignment, roster, bank)
    sample = roster[: args.sample]
    make_class(executed, args.assignment, sample, bank)
    course = [str(Path(sys.executable).parent / "course")]
    grade = [*course, "grade", args.assignment, "--jobs", str(args.jobs), "--no-feedback"]

    free, single = tmp / "kernel-free", tmp / "kernel-free-single"
    runs: dict[str, list[tuple[float, float]]] = {"single": [], "batched": []}
    for _ in range(max(1, args.repeat)):
        for name, folder, batch in (("single", single, "1"), ("batched", free, "")):
            if name == "single" and args.no_baseline:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(pristine, folder)
            runs[name].append((timed([*grade, "--no-execute"], folder, {**env, WORKER_BATCH: batch}), CPU["seconds"]))
    t_free, cpu_free = min(runs["batched"])
    t_exec = timed([*grade, FLAGS[args.executed]], executed, env)
    cells = assignment_reviews(free / "source" / args.assignment)
    names = [s.name for s in sample]
    a, b = scores(free, args.assignment, names, cells), scores(executed, args.assignment, names, cells)
    differ = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    everyone = [s.name for s in roster]
    if runs["single"]:
        c, d = scores(free, args.assignment, everyone, cells), scores(single, args.assignment, everyone, cells)
        differ.update({("single", *k): (c[k], d[k]) for k in c if c[k] != d[k]})
    per_free, per_exec = t_free / args.students, t_exec / args.sample
    results = {
        "students": args.students,
        "sample": args.sample,
        "assignment": args.assignment,
        "jobs": args.jobs,
        "cores": os.cpu_count(),
        "kernel_free_s": round(t_free, 1),
        "kernel_free_cpu_s": round(cpu_free, 1),
        "kernel_free_runs_s": [round(t, 1) for t, _ in runs["batched"]],
        "baseline_one_at_a_time_s": round(min(runs["single"])[0], 1) if runs["single"] else None,
        "baseline_one_at_a_time_cpu_s": round(min(runs["single"])[1], 1) if runs["single"] else None,
        "baseline_runs_s": [round(t, 1) for t, _ in runs["single"]],
        "executed": args.executed,
        "executed_sample_s": round(t_exec, 1),
        "per_submission_s": {"kernel_free": round(per_free, 4), "executed": round(per_exec, 3)},
        "speedup_per_submission": round(per_exec / per_free, 1),
        "same_scores": not differ,
        "graded_cells_compared": len(a),
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{args.students} submissions of {args.assignment} on {os.cpu_count()} cores, {args.jobs} workers")
        if runs["single"]:
            t_single, cpu_single = min(runs["single"])
            print(
                f"  baseline, each student recorded at once: {t_single:6.1f} s  ({cpu_single:.1f} s CPU; "
                f"runs {results['baseline_runs_s']})"
            )
        print(
            f"  course grade --no-execute        : {t_free:6.1f} s  ({per_free * 1000:.1f} ms a submission, "
            f"{cpu_free:.1f} s CPU; runs {results['kernel_free_runs_s']}; target < 30 s)"
        )
        print(
            f"  course grade {FLAGS[args.executed]:<13} (first {args.sample}): {t_exec:6.1f} s  ({per_exec:.2f} s a submission)"
        )
        print(f"  kernel-free is {results['speedup_per_submission']}x faster per submission (target 20x)")
        print(f"  scores identical on the sample: {'yes' if not differ else 'NO'} ({len(a)} grade cells)")
        if runs["single"]:
            same = not any(k[0] == "single" for k in differ)
            print(f"  scores identical to the baseline for all {len(everyone)} students: {'yes' if same else 'NO'}")
    shutil.rmtree(tmp, ignore_errors=True)
    if differ:
        sys.exit(f"scores differ: {differ}")


if __name__ == "__main__":
    main()
