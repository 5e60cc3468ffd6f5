"""How fast is kernel-free grading (`course grade --no-execute`) against the executed path?

    python benchmarks/bench_kernelfree.py [--students 1000] [--sample 40] [--assignment mar-02-2026]
                                          [--jobs 2] [--executed sandbox|unsandboxed] [--json]

In one run, from one simulated class (the demo's styles, no broken notebooks):

1. `course grade --no-execute --no-feedback` over all `--students` submissions (timed whole:
   preflight, recording the assignment, parallel nbgrader autograde without a kernel, re-score);
2. the executed path (`--execute`, the sandbox, or `--unsandboxed`) over the first `--sample`
   of the same submissions, in a second copy of the course; its time per submission is what
   `--students` submissions would cost.

Every grade cell of every sampled student must hold the same score in both gradebooks, or the
run fails. Targets (issue 11): 1,000 submissions in under 30 s on 2 cores, and at least 20x
faster per submission than the executed path.
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

from bench_grade import STYLES, scores, timed  # noqa: E402

from course.demo.simulate import Student, make_class, make_course  # noqa: E402
from course.grading.cells import assignment_reviews  # noqa: E402
from course.grading.nbconfig import nbgrader_env  # noqa: E402
from course.keys import Bank  # noqa: E402

FLAGS = {"sandbox": "--execute", "unsandboxed": "--unsandboxed"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--assignment", default="mar-02-2026")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--executed", choices=sorted(FLAGS), default="sandbox")
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

    free = tmp / "kernel-free"
    make_course(free, ROOT, args.assignment, bank)
    executed = tmp / "executed"
    shutil.copytree(free, executed)
    roster = [Student(f"s{n:04d}", STYLES[n % len(STYLES)], "") for n in range(1, args.students + 1)]
    make_class(free, args.assignment, roster, bank)
    sample = roster[: args.sample]
    make_class(executed, args.assignment, sample, bank)
    course = [str(Path(sys.executable).parent / "course")]
    grade = [*course, "grade", args.assignment, "--jobs", str(args.jobs), "--no-feedback"]

    t_free = timed([*grade, "--no-execute"], free, env)
    t_exec = timed([*grade, FLAGS[args.executed]], executed, env)
    cells = assignment_reviews(free / "source" / args.assignment)
    names = [s.name for s in sample]
    a, b = scores(free, args.assignment, names, cells), scores(executed, args.assignment, names, cells)
    differ = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    per_free, per_exec = t_free / args.students, t_exec / args.sample
    results = {
        "students": args.students,
        "sample": args.sample,
        "assignment": args.assignment,
        "jobs": args.jobs,
        "cores": os.cpu_count(),
        "kernel_free_s": round(t_free, 1),
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
        print(
            f"  course grade --no-execute        : {t_free:6.1f} s  ({per_free * 1000:.1f} ms a submission; target < 30 s)"
        )
        print(
            f"  course grade {FLAGS[args.executed]:<13} (first {args.sample}): {t_exec:6.1f} s  ({per_exec:.2f} s a submission)"
        )
        print(f"  kernel-free is {results['speedup_per_submission']}x faster per submission (target 20x)")
        print(f"  scores identical on the sample: {'yes' if not differ else 'NO'} ({len(a)} grade cells)")
    shutil.rmtree(tmp, ignore_errors=True)
    if differ:
        sys.exit(f"scores differ: {differ}")


if __name__ == "__main__":
    main()
