"""The worker pool: N grading worker processes, one student at a time each, a hard time limit per job.

The main process hands out students one at a time, so a slow submission never holds up a queue
behind it, and kills a worker (and its kernel) that overruns a hard limit. Jobs may come from a
generator that prepares each one (the class grader's preflight): the pool draws a few ahead while
the workers grade. worker.py is the other end of the pipe.

A worker may answer a job "held" (graded, not yet recorded in the gradebook: worker.py's Batch):
it is then free for the next job, and once there are no more jobs it is sent {"op": "record"},
after which it answers every held job and then the record itself. A worker that dies holding
jobs has recorded none of them: they go back in the queue (once).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from pathlib import Path
from typing import Any

from .hidden_test import GradingError

__all__ = ["WorkerPool", "run_jobs"]

OnResult = Callable[[dict[str, Any]], None]
AHEAD = 16  # jobs drawn from a generator before a worker is free for them


class _Jobs:
    """The jobs not yet sent: those drawn from the source, then the rest of the source."""

    def __init__(self, jobs: Iterable[dict[str, Any]]):
        self.source: Iterator[dict[str, Any]] | None = iter(jobs)
        self.drawn: list[dict[str, Any]] = []

    def draw(self) -> bool:
        """Take one more job from the source; False when it has none left."""
        if self.source is not None:
            job = next(self.source, None)
            if job is not None:
                self.drawn.append(job)
                return True
            self.source = None
        return False

    def __bool__(self) -> bool:
        return bool(self.drawn) or self.draw()

    def pop(self) -> dict[str, Any]:
        return self.drawn.pop(0)

    def again(self, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Put back, first in line, the jobs not put back before; return the others."""
        fresh = [j for j in jobs if not j.get("again")]
        self.drawn[:0] = [{**j, "again": True} for j in fresh]
        return [j for j in jobs if j.get("again")]


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc); kernels run in their own session, so a
    process-group kill of the worker would leave a spinning kernel behind."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class _Worker:
    def __init__(self, cmd: list[str], env: dict[str, str], log: Path):
        self.log = open(log, "ab")  # noqa: SIM115 - closed by kill() or close()
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
            start_new_session=True,
        )
        assert self.proc.stdout is not None
        self.stdout = self.proc.stdout
        self.buffer = b""
        self.job: dict[str, Any] | None = None
        self.held: list[dict[str, Any]] = []  # jobs graded but not yet recorded
        self.started = 0.0
        self.ready = False

    def send(self, job: dict[str, Any]) -> None:
        self.job = job
        self.started = time.monotonic()
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(job) + "\n").encode())
        self.proc.stdin.flush()

    def kill(self) -> None:
        for pid in [*_descendants(self.proc.pid), self.proc.pid]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=10)
        self.log.close()

    def finish(self) -> None:
        """No more jobs: the worker exits once it has read to the end of its input."""
        with contextlib.suppress(Exception):
            assert self.proc.stdin is not None
            self.proc.stdin.close()

    def close(self) -> None:
        self.finish()
        try:
            self.proc.wait(timeout=30)
        except Exception:
            self.kill()
        self.log.close()


class WorkerPool:
    """N grading workers, started at once (they take a second or two to import nbgrader, which
    overlaps with the preflight) and reused for every phase.

    `run` hands out jobs one at a time to whichever worker is free. A worker that dies or
    overruns `limit` seconds is killed with its kernels and replaced; its job is answered as
    failed. Nothing a submission does can stop the other jobs.
    """

    def __init__(self, size: int, cmd: list[str], env: dict[str, str], log_dir: Path):
        self.size, self.cmd, self.env, self.log_dir = max(1, size), cmd, env, log_dir
        self.workers: list[_Worker] = []
        self.sel = selectors.DefaultSelector()
        self.started = 0
        self.failed_starts = 0
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        self.started += 1
        w = _Worker(self.cmd, self.env, self.log_dir / f"worker-{self.started}.log")
        os.set_blocking(w.stdout.fileno(), False)
        self.sel.register(w.stdout, selectors.EVENT_READ, w)
        self.workers.append(w)

    def _drop(self, w: _Worker, *, kill: bool) -> None:
        self.sel.unregister(w.stdout)
        self.workers.remove(w)
        if kill:
            w.kill()
        else:
            w.close()

    def _busy(self) -> bool:
        return any(w.job is not None or w.held for w in self.workers)

    def _replace(self, w: _Worker, todo: _Jobs, on_result: OnResult, error: str, now: float) -> None:
        """Kill `w` with its kernels, answer its job as failed, put back the jobs it held
        unrecorded (those put back once already are answered as failed), and start another if needed."""
        job, started = w.job, w.started
        self._drop(w, kill=True)
        failed = [] if job is None or job.get("op") == "record" else [job]
        lost = "the grading worker died before recording this submission in the gradebook"
        for j in failed + todo.again(w.held):
            why = error if j is job else lost
            on_result({**j, "ok": False, "error": why, "log": "", "retries": 0, "seconds": now - started})
        if todo or self._busy():
            self._spawn()

    def _read(self, w: _Worker, todo: _Jobs, on_result: OnResult) -> None:
        chunk = os.read(w.stdout.fileno(), 65536)
        if not chunk:
            if not w.ready:
                self.failed_starts += 1
                if self.failed_starts >= 3:
                    raise GradingError(f"grading workers cannot start; see {w.log.name}")
            self._replace(w, todo, on_result, "the grading worker died while grading this submission", time.monotonic())
            return
        w.buffer += chunk
        while b"\n" in w.buffer:
            line, w.buffer = w.buffer.split(b"\n", 1)
            answer = json.loads(line)
            if answer.get("ready"):
                w.ready = True
                continue
            if answer.get("held"):  # graded; recorded later, with the worker's batch
                assert w.job is not None
                w.held.append(w.job)
                w.job = None
                continue
            if answer.get("op") == "record":  # every held job has been answered
                w.job = None
                continue
            mine = [j for j in w.held if j["student"] == answer["student"] and j["op"] == answer["op"]]
            if mine:
                w.held.remove(mine[0])
            else:
                w.job = None
            on_result(answer)

    def run(self, jobs: Iterable[dict[str, Any]], on_result: OnResult, limit: float) -> None:
        """Run every job (a list, or a generator that prepares each) and call on_result(answer)
        for each. While every worker is busy, up to AHEAD jobs are drawn ahead."""
        todo = _Jobs(jobs)
        wanted = min(self.size, len(jobs)) if isinstance(jobs, Sized) else self.size
        while len(self.workers) < wanted and todo:
            self._spawn()
        while todo or self._busy():
            for w in self.workers:
                if w.ready and w.job is None and todo:
                    w.send(todo.pop())
                elif w.ready and w.job is None and w.held:
                    w.send({"op": "record"})
            # Draw the next job (its preparation runs here) while the workers grade.
            ahead = len(todo.drawn) < AHEAD and todo.draw()
            for key, _ in self.sel.select(timeout=0 if ahead else 0.5):
                self._read(key.data, todo, on_result)
            now = time.monotonic()
            for w in list(self.workers):
                if w.job is not None and now - w.started > limit:
                    self._replace(
                        w,
                        todo,
                        on_result,
                        f"grading took longer than {limit:.0f} s and was stopped (a kernel that ignores interrupts?)",
                        now,
                    )

    def close(self) -> None:
        for w in self.workers:
            w.finish()  # every worker winds down at once, not one after another
        for w in list(self.workers):
            self._drop(w, kill=False)

    def kill(self) -> None:
        for w in list(self.workers):
            self._drop(w, kill=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.kill()
        else:
            self.close()


def run_jobs(
    jobs: list[dict[str, Any]],
    *,
    workers: int,
    cmd: list[str],
    env: dict[str, str],
    log_dir: Path,
    limit: float,
    on_result: OnResult,
) -> None:
    """Run jobs on a fresh WorkerPool of `workers` processes; on_result(answer) for each."""
    with WorkerPool(min(workers, max(1, len(jobs))), cmd, env, log_dir) as pool:
        pool.run(jobs, on_result, limit)
