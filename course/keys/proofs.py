"""Proofs: run an exercise's pytest proofs on a fresh copy of one of its trees."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .bank import PROOF_TIMEOUT, BankError, Exercise

__all__ = ["ProofRun", "run_proof", "run_proofs"]


@dataclass(frozen=True)
class ProofRun:
    passed: bool
    failed: bool
    output: str


def run_proofs(exercise: Exercise, nodes: list[str], tree: str, timeout: float = PROOF_TIMEOUT) -> dict[str, ProofRun]:
    """Run proofs against a fresh copy of before/, after/ or fixed/ in one pytest subprocess.

    Each node's outcome is read from pytest's `-rA` summary. If the batch times out, each
    proof runs alone so that the slow one is the only one reported.
    """
    nodes = list(dict.fromkeys(nodes))
    proofs = (exercise.root / "proofs").resolve()
    for folder in (exercise.root / tree, proofs):
        if not folder.is_dir():
            raise BankError(f"{exercise.root}: missing folder {folder.name}/: the proofs cannot run")
    with tempfile.TemporaryDirectory(prefix=f"proof-{exercise.slug}-") as tmp:
        work = Path(tmp) / tree
        shutil.copytree(exercise.root / tree, work, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
        env.update(
            EXERCISE_TREE=str(work),
            PYTHONPATH=str(work),
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONHASHSEED="0",
        )
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
        try:
            proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=timeout * len(nodes))
        except subprocess.TimeoutExpired:
            if len(nodes) == 1:
                return {nodes[0]: ProofRun(False, False, f"timed out after {timeout:.0f} s")}
            results: dict[str, ProofRun] = {}
            for node in nodes:
                results.update(run_proofs(exercise, [node], tree, timeout))
            return results
    output = (proc.stdout + proc.stderr)[-6000:]
    # pytest names each test relative to the working directory (the copied tree), so match
    # the reported ids to ours by their ending.
    reported: dict[str, str] = {}
    for word, shown in re.findall(r"^(PASSED|FAILED|ERROR) (\S+)", proc.stdout, re.MULTILINE):
        reported[shown] = word if shown not in reported else "ERROR"  # failed in teardown too
    results = {}
    for node in nodes:
        words = [w for shown, w in reported.items() if shown == node or shown.endswith("/" + node)]
        word = words[0] if len(words) == 1 else None
        results[node] = ProofRun(passed=word == "PASSED", failed=word == "FAILED", output=output)
    return results


def run_proof(exercise: Exercise, node: str, tree: str, timeout: float = PROOF_TIMEOUT) -> ProofRun:
    """Run one proof (see run_proofs)."""
    return run_proofs(exercise, [node], tree, timeout)[node]
