"""How much faster is `course grade --jobs 2` than plain `nbgrader autograde`? Same run, same scores.

    python benchmarks/bench_grade.py [--students 60] [--assignment mar-02-2026] [--jobs 2] [--feedback] [--json]
                                     [--execution sandbox|unsandboxed|none]

In one run on this machine, from one simulated class (tests' styles: perfect, careful,
hurried, miscategorised, spray, approver, empty, no review; no broken notebooks, so plain
nbgrader can grade every one):

1. baseline: `nbgrader autograde ASSIGNMENT` in one process (the gradebook prepared by
   `nbgrader generate_assignment` beforehand, untimed);
2. `course grade ASSIGNMENT --jobs N --no-feedback` in a second copy of the course: preflight,
   generate_assignment into the gradebook, parallel autograde, re-score: all of it timed;
3. a bare kernel run: each autograded notebook executed by nbclient, one after another, one
   fresh kernel each: the floor any grader that runs a kernel per submission pays;
4. with --feedback, also `nbgrader generate_feedback` after the baseline and a full
   `course grade` (with feedback) in a third copy.

Every student's score for every grade cell must be equal in the two gradebooks, or the run
fails. Target (issue 4): at least 1.8x faster than the baseline on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.demo.simulate import Student, make_class, make_course  # noqa: E402
from course.grading.cells import review_cells  # noqa: E402
from course.grading.nbconfig import nbgrader_env  # noqa: E402
from course.keys import Bank  # noqa: E402

FLAGS = {"sandbox": "--execute", "unsandboxed": "--unsandboxed", "none": "--no-execute"}
STYLES = ("perfect", "careful", "hurried", "miscategorised", "spray", "approver", "empty", "no-review")
TARGET = 1.8


CPU = {"seconds": 0.0}  # CPU used by the last timed command and everything it started


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and "course" not in cmd[0]):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def scores(course: Path, assignment: str, students: list[str], cells) -> dict[tuple[str, str], float | None]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for s in students:
            for c in cells:
                try:
                    out[(s, c.grade_id)] = gb.find_grade(c.grade_id, c.notebook, assignment, s).auto_score
                except Exception:
                    out[(s, c.grade_id)] = None
    return out


def bare_kernel_runs(course: Path, assignment: str, students: list[str]) -> float:
    """Execute every autograded notebook again with nbclient, sequentially: seconds in total."""
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    for s in students:
        folder = course / "autograded" / s / assignment
        for nb_path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(nb_path, as_version=4)
            NotebookClient(
                nb, timeout=60, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
            ).execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignment", default="mar-02-2026")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--feedback", action="store_true", help="also time feedback generation")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run baseline and course grade alternately this many times; report the fastest of each",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--execution",
        choices=sorted(FLAGS),
        default="sandbox",
        help="how course grade runs the notebooks (sandbox: --execute; none: --no-execute)",
    )
    args = parser.parse_args()

    bank = Bank(ROOT / "exercises")
    tmp = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    env = nbgrader_env({"COURSE_BANK": str(bank.root)})
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp / name).mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(tmp / name)
    os.environ.update(
        {k: env[k] for k in ("COURSE_BANK", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "PATH")}
    )

    base = tmp / "baseline"
    make_course(base, ROOT, args.assignment, bank)
    roster = [Student(f"s{n:02d}", STYLES[n % len(STYLES)], "") for n in range(1, args.students + 1)]
    make_class(base, args.assignment, roster, bank)
    ours = tmp / "course-grade"
    shutil.copytree(base, ours)
    full = tmp / "course-grade-feedback"
    if args.feedback:
        shutil.copytree(base, full)
    students = [s.name for s in roster]
    cells = [c for nb in sorted((base / "source" / args.assignment).glob("*.ipynb")) for c in review_cells(nb)]
    nbgrader = [sys.executable, "-m", "nbgrader"]
    course = [str(Path(sys.executable).parent / "course")]

    load_before = os.getloadavg()
    subprocess.run(
        [*nbgrader, "generate_assignment", args.assignment, "--force", "--log-level=ERROR"],
        cwd=base,
        env=env,
        check=True,
        capture_output=True,
    )
    pristine = tmp / "pristine"
    shutil.copytree(base, pristine)
    base_runs, our_runs = [], []
    for n in range(args.repeat):
        if n:  # a fresh copy each time: autograde must not find earlier results
            for folder, source in ((base, pristine), (ours, pristine)):
                shutil.rmtree(folder)
                shutil.copytree(source, folder)
        base_runs.append(
            (timed([*nbgrader, "autograde", args.assignment, "--log-level=ERROR"], base, env), CPU["seconds"])
        )
        our_runs.append(
            (
                timed(
                    [
                        *course,
                        "grade",
                        args.assignment,
                        "--jobs",
                        str(args.jobs),
                        "--no-feedback",
                        FLAGS[args.execution],
                    ],
                    ours,
                    env,
                ),
                CPU["seconds"],
            )
        )
    (t_base, cpu_base), (t_ours, cpu_ours) = min(base_runs), min(our_runs)
    t_bare = bare_kernel_runs(base, args.assignment, students)
    results = {
        "students": args.students,
        "assignment": args.assignment,
        "jobs": args.jobs,
        "cores": os.cpu_count(),
        "execution": args.execution,
        "nbgrader_autograde_s": round(t_base, 1),
        "course_grade_s": round(t_ours, 1),
        "bare_kernel_s": round(t_bare, 1),
        "per_submission_s": {
            "nbgrader_autograde": round(t_base / args.students, 3),
            "course_grade": round(t_ours / args.students, 3),
            "bare_kernel": round(t_bare / args.students, 3),
        },
        "speedup": round(t_base / t_ours, 2),
        "cpu_s": {"nbgrader_autograde": round(cpu_base, 1), "course_grade": round(cpu_ours, 1)},
        "runs_s": {
            "nbgrader_autograde": [round(t, 1) for t, _ in base_runs],
            "course_grade": [round(t, 1) for t, _ in our_runs],
        },
    }
    if args.feedback:
        t_fb = timed([*nbgrader, "generate_feedback", args.assignment, "--log-level=ERROR"], base, env)
        t_full = timed([*course, "grade", args.assignment, "--jobs", str(args.jobs), FLAGS[args.execution]], full, env)
        results.update(
            nbgrader_autograde_plus_feedback_s=round(t_base + t_fb, 1),
            course_grade_with_feedback_s=round(t_full, 1),
            speedup_with_feedback=round((t_base + t_fb) / t_full, 2),
        )
    results["load_average"] = {
        "before": [round(x, 2) for x in load_before],
        "after": [round(x, 2) for x in os.getloadavg()],
    }

    a, b = scores(base, args.assignment, students, cells), scores(ours, args.assignment, students, cells)
    differ = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    results["same_scores"] = not differ
    results["graded_cells"] = len(a)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        per = results["per_submission_s"]
        print(f"{args.students} submissions of {args.assignment} on {os.cpu_count()} cores (load {load_before[0]:.1f})")
        print(f"  nbgrader autograde, one process : {t_base:6.1f} s  ({per['nbgrader_autograde']:.2f} s a submission)")
        print(
            f"  course grade --jobs {args.jobs} {FLAGS[args.execution]:<13}: {t_ours:6.1f} s  ({per['course_grade']:.2f} s a submission)"
            f"  -> {results['speedup']:.2f}x (target {TARGET}x)"
        )
        print(f"  bare kernel run (nbclient)      : {t_bare:6.1f} s  ({per['bare_kernel']:.2f} s a submission)")
        print(f"  CPU used (all processes)        : nbgrader {cpu_base:.1f} s, course grade {cpu_ours:.1f} s")
        if args.repeat > 1:
            print(
                f"  every run: nbgrader {results['runs_s']['nbgrader_autograde']}, "
                f"course grade {results['runs_s']['course_grade']} (fastest of each above)"
            )
        if args.feedback:
            print(
                f"  with feedback: nbgrader {results['nbgrader_autograde_plus_feedback_s']} s, "
                f"course grade {results['course_grade_with_feedback_s']} s "
                f"-> {results['speedup_with_feedback']:.2f}x"
            )
        print(f"  scores identical in both gradebooks: {'yes' if not differ else 'NO'} ({len(a)} grade cells)")
    shutil.rmtree(tmp, ignore_errors=True)
    if differ:
        sys.exit(f"scores differ: {differ}")


if __name__ == "__main__":
    main()
