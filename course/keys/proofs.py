"""Proofs: run an exercise's proofs on a fresh copy of one of its trees.

A proof id is `<file under proofs/>::<test name>`, and the file's name says how it runs
(docs/exercise-format.md, "Proofs"):

- `*.py`: pytest, with the tree on PYTHONPATH;
- `*.test.mjs`, `*.test.js`, `*.test.cjs`: Node's built-in test runner (`node --test`); the
  proof is copied to `<tree>/proofs/`, so it imports the code as `../web/reviews.mjs`;
- `*_test.go`: `go test`; the proof is copied into the package folder it names
  (`proofs/stock/reserve_proof_test.go` runs in `<tree>/stock/`, package `stock`).

Every runner has the same contract: the proof fails on after/, passes on fixed/, runs with a
timeout, and a missing toolchain is a BankError that names what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .bank import PROOF_TIMEOUT, BankError, Exercise

__all__ = [
    "PROOF_FORMATS",
    "ProofRun",
    "ToolchainMissing",
    "failure_excerpt",
    "proof_runner",
    "run_proof",
    "run_proofs",
]

# What a proof id looks like, per runner: a relative path under proofs/ (no "..", not absolute).
_SAFE_PATH = r"(?!/)(?!.*(^|/)\.\.(/|::|$))[\w./-]+"
_IDS = {
    "pytest": re.compile(rf"^{_SAFE_PATH}\.py::\S+$"),
    "node": re.compile(rf"^{_SAFE_PATH}\.test\.(mjs|cjs|js)::\S+$"),
    "go": re.compile(rf"^{_SAFE_PATH}_test\.go::Test\w*$"),
}
PROOF_FORMATS = "file.py::test_name, file.test.mjs::test_name or package/file_test.go::TestName"
NODE_MIN = 18  # `node --test` and its TAP reporter
GO_MIN = (1, 18)


class ToolchainMissing(BankError):
    """A proof needs a program this machine does not have; the message says what to install."""


@dataclass(frozen=True)
class ProofRun:
    passed: bool
    failed: bool
    output: str


def proof_runner(node: str) -> str | None:
    """The runner of a well-formed proof id ("pytest", "node" or "go"), or None."""
    return next((name for name, pattern in _IDS.items() if pattern.match(node)), None)


def run_proofs(exercise: Exercise, nodes: list[str], tree: str, timeout: float = PROOF_TIMEOUT) -> dict[str, ProofRun]:
    """Run proofs against a fresh copy of before/, after/ or fixed/.

    Proofs of one runner run together (one pytest process; one node process per file; one
    `go test` per package). If a batch times out, each proof runs alone so that the slow one is
    the only one reported. A proof id that names no runner is reported as not run cleanly.
    """
    nodes = list(dict.fromkeys(nodes))
    proofs = (exercise.root / "proofs").resolve()
    for folder in (exercise.root / tree, proofs):
        if not folder.is_dir():
            raise BankError(f"{exercise.root}: missing folder {folder.name}/: the proofs cannot run")
    by_runner: dict[str, list[str]] = {}
    results: dict[str, ProofRun] = {}
    for node in nodes:
        runner = proof_runner(node)
        if runner is None:
            results[node] = ProofRun(False, False, f"{node!r} is not a proof id ({PROOF_FORMATS})")
        else:
            by_runner.setdefault(runner, []).append(node)
    for runner, batch in by_runner.items():
        _check_toolchain(runner, exercise.slug)
        for group in _groups(runner, batch):
            results.update(_run_batch(_RUNNERS[runner], exercise, group, tree, proofs, timeout))
    return {node: results[node] for node in nodes}


def run_proof(exercise: Exercise, node: str, tree: str, timeout: float = PROOF_TIMEOUT) -> ProofRun:
    """Run one proof (see run_proofs)."""
    return run_proofs(exercise, [node], tree, timeout)[node]


def failure_excerpt(output: str, limit: int = 25) -> str:
    """What a failing proof says went wrong, from any runner's output: pytest's `E   ...` lines,
    Go's `file_test.go:12: ...` lines, or the `error:` of each failed Node test."""
    lines = output.splitlines()
    found = [line for line in lines if line.startswith("E ")]
    if not found:
        found = [line.strip() for line in lines if re.match(r"^\s+[\w./-]+_test\.go:\d+: ", line)]
    if not found:
        for i, line in enumerate(lines):
            head = re.match(r"^(\s*)error: ?(.*)$", line)
            if not head:
                continue
            indent, rest = len(head.group(1)), head.group(2).strip()
            if rest in ("|-", "|", ">-", ">"):
                for more in lines[i + 1 :]:
                    if more.strip() and len(more) - len(more.lstrip()) <= indent:
                        break
                    if more.strip():
                        found.append(more.strip())
            elif rest:
                found.append(rest[1:-1] if len(rest) > 1 and rest[0] == rest[-1] and rest[0] in "'\"`" else rest)
    return "\n".join(found[:limit])


# toolchains ------------------------------------------------------------------------------


def _version(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip()


def _check_toolchain(runner: str, slug: str) -> None:
    if runner == "node":
        found = re.match(r"v(\d+)\.", _version(["node", "--version"])) if shutil.which("node") else None
        if not found or int(found.group(1)) < NODE_MIN:
            raise ToolchainMissing(
                f"{slug}: its proofs are Node tests (node --test) and need Node.js {NODE_MIN} or later on PATH "
                f"({'found ' + _version(['node', '--version']) if found else 'node not found'}); "
                "install it (Debian/Ubuntu: apt-get install nodejs, or `make toolchains`)"
            )
    elif runner == "go":
        found = re.search(r"go(\d+)\.(\d+)", _version(["go", "version"])) if shutil.which("go") else None
        if not found or (int(found.group(1)), int(found.group(2))) < GO_MIN:
            raise ToolchainMissing(
                f"{slug}: its proofs are Go tests (go test) and need Go {'.'.join(map(str, GO_MIN))} or later "
                f"on PATH ({'found ' + found.group(0) if found else 'go not found'}); "
                "install it (Debian/Ubuntu: apt-get install golang-go, or `make toolchains`)"
            )


def _groups(runner: str, nodes: list[str]) -> list[list[str]]:
    """Proofs that run in one process: all pytest proofs, a Node file's, a Go package's."""
    if runner == "pytest":
        return [nodes]
    keys: dict[str, list[str]] = {}
    for node in nodes:
        file_part = node.split("::", 1)[0]
        key = file_part if runner == "node" else os.path.dirname(file_part)
        keys.setdefault(key, []).append(node)
    return list(keys.values())


# one batch ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Runner:
    # (work tree, proofs folder, nodes, timeout) -> (command, extra environment); may copy files
    prepare: Callable[[Path, Path, list[str], float], tuple[list[str], dict[str, str]]]
    # (stdout, nodes) -> {node: "PASSED" | "FAILED" | ...}
    outcomes: Callable[[str, list[str]], dict[str, str]]


def _run_batch(
    runner: _Runner, exercise: Exercise, nodes: list[str], tree: str, proofs: Path, timeout: float
) -> dict[str, ProofRun]:
    with tempfile.TemporaryDirectory(prefix=f"proof-{exercise.slug}-") as tmp:
        work = Path(tmp) / tree
        shutil.copytree(exercise.root / tree, work, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
        env.update(EXERCISE_TREE=str(work), PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
        try:
            cmd, extra = runner.prepare(work, proofs, nodes, timeout)
        except FileExistsError as exc:
            return {node: ProofRun(False, False, str(exc)) for node in nodes}
        env.update(extra)
        done = _run(cmd, work, env, timeout * len(nodes))
    if done is None:
        if len(nodes) == 1:
            return {nodes[0]: ProofRun(False, False, f"timed out after {timeout:.0f} s")}
        results: dict[str, ProofRun] = {}
        for node in nodes:
            results.update(_run_batch(runner, exercise, [node], tree, proofs, timeout))
        return results
    stdout, stderr = done
    output = (stdout + stderr)[-6000:]
    words = runner.outcomes(stdout, nodes)
    return {
        node: ProofRun(passed=words.get(node) == "PASSED", failed=words.get(node) == "FAILED", output=output)
        for node in nodes
    }


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[str, str] | None:
    """Run `cmd` in its own process group: (stdout, stderr), or None when it timed out.

    On a timeout the whole group is killed: `go test` and `node --test` start children that
    would otherwise keep the pipes open (and the caller waiting) after their parent died."""
    with subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()
            return None
        return stdout, stderr


# pytest ------------------------------------------------------------------------------------


def _pytest_prepare(work: Path, proofs: Path, nodes: list[str], timeout: float) -> tuple[list[str], dict[str, str]]:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-rA",
        "--color=no",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(proofs),
        "-o",
        "addopts=",
        "-o",
        "timeout=0",
        *(str(proofs / node) for node in nodes),
    ]
    return cmd, {"PYTHONPATH": str(work)}


def _pytest_outcomes(stdout: str, nodes: list[str]) -> dict[str, str]:
    # pytest names each test relative to the working directory (the copied tree), so match
    # the reported ids to ours by their ending.
    reported: dict[str, str] = {}
    for word, shown in re.findall(r"^(PASSED|FAILED|ERROR) (\S+)", stdout, re.MULTILINE):
        reported[shown] = word if shown not in reported else "ERROR"  # failed in teardown too
    out = {}
    for node in nodes:
        words = [w for shown, w in reported.items() if shown == node or shown.endswith("/" + node)]
        if not words and "[" not in node:  # a parametrised test: every case must pass
            cases = [w for shown, w in reported.items() if (shown.startswith(node + "[") or f"/{node}[" in shown)]
            words = [next((w for w in ("ERROR", "FAILED") if w in cases), "PASSED")] if cases else []
        out[node] = words[0] if len(words) == 1 else "UNKNOWN"
    return out


# node --test -------------------------------------------------------------------------------


def _copy_proof(source: Path, target: Path) -> None:
    if target.exists():
        raise FileExistsError(f"the tree already has {target.name} where the proof {source.name} goes: rename one")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _node_prepare(work: Path, proofs: Path, nodes: list[str], timeout: float) -> tuple[list[str], dict[str, str]]:
    file_part = nodes[0].split("::", 1)[0]  # one file per batch (_groups)
    target = work / "proofs" / file_part
    _copy_proof(proofs / file_part, target)
    names = "|".join(re.escape(node.split("::", 1)[1]) for node in nodes)
    cmd = [
        "node",
        "--test",
        "--test-reporter=tap",
        f"--test-name-pattern=^({names})$",
        str(target.relative_to(work)),
    ]
    return cmd, {"NODE_OPTIONS": "", "NO_COLOR": "1", "FORCE_COLOR": "0"}


def _tap_unescape(name: str) -> str:
    return re.sub(r"\\(.)", r"\1", name)


def _node_outcomes(stdout: str, nodes: list[str]) -> dict[str, str]:
    """Top-level TAP lines (`ok 1 - name`, `not ok 2 - name`); skipped tests do not count."""
    reported: dict[str, str] = {}
    for verdict, name, directive in re.findall(
        r"^(ok|not ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$", stdout, re.MULTILINE
    ):
        if directive:
            continue
        shown = _tap_unescape(name)
        word = "PASSED" if verdict == "ok" else "FAILED"
        reported[shown] = word if shown not in reported else "UNKNOWN"
    return {node: reported.get(node.split("::", 1)[1], "UNKNOWN") for node in nodes}


# go test -----------------------------------------------------------------------------------


def _go_prepare(work: Path, proofs: Path, nodes: list[str], timeout: float) -> tuple[list[str], dict[str, str]]:
    files = dict.fromkeys(node.split("::", 1)[0] for node in nodes)
    for file_part in files:
        _copy_proof(proofs / file_part, work / file_part)
    package = os.path.dirname(next(iter(files))) or "."
    names = "|".join(node.split("::", 1)[1] for node in nodes)
    cache = Path(tempfile.gettempdir()) / "course-proofs-go"
    env = {
        "GOTOOLCHAIN": "local",  # never download another Go
        "GOPROXY": "off",  # nor any module: a proof uses the standard library only
        "GOFLAGS": "-mod=mod",
        "CGO_ENABLED": "0",
        "GO111MODULE": "on",
    }
    if not os.environ.get("GOCACHE") and not os.environ.get("HOME") and not os.environ.get("XDG_CACHE_HOME"):
        env["GOCACHE"] = str(cache / "build")
    if not os.environ.get("GOPATH") and not os.environ.get("HOME"):
        env["GOPATH"] = str(cache / "path")
    cmd = [
        "go",
        "test",
        "-count=1",
        "-v",
        f"-timeout={max(int(timeout), 1)}s",
        f"-run=^({names})$",
        "./" + package if package != "." else ".",
    ]
    return cmd, env


def _go_outcomes(stdout: str, nodes: list[str]) -> dict[str, str]:
    """`--- PASS: TestName (0.00s)` and `--- FAIL: TestName` at the start of a line (top-level tests)."""
    reported: dict[str, str] = {}
    for verdict, name in re.findall(r"^--- (PASS|FAIL): (\w+) ", stdout, re.MULTILINE):
        word = "PASSED" if verdict == "PASS" else "FAILED"
        reported[name] = word if name not in reported else "UNKNOWN"
    out = {node: reported.get(node.split("::", 1)[1], "UNKNOWN") for node in nodes}
    if "panic: test timed out" in stdout:  # go test's own deadline: a hang is not a clean failure
        out = {node: w if w == "PASSED" else "UNKNOWN" for node, w in out.items()}
    return out


_RUNNERS = {
    "pytest": _Runner(_pytest_prepare, _pytest_outcomes),
    "node": _Runner(_node_prepare, _node_outcomes),
    "go": _Runner(_go_prepare, _go_outcomes),
}
