"""Time parsing and highlighting of a synthetic 5,000-line diff against unidiff and Pygments."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

# so it runs from a checkout without installing the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pygments
import unidiff
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from course.diff import Diff, unified_diff
from course.diff.highlight import highlight_file_diff

REPEATS = 5


def python_file(rng: random.Random, n_funcs: int) -> list[str]:
    lines = ['"""A generated module for the benchmark."""', "", "import os", ""]
    for i in range(n_funcs):
        lines += [
            "",
            f"def handler_{i}(event, retries={rng.randint(1, 5)}):",
            f'    """Handle event {i}.',
            "",
            "    Retries a few times before giving up.",
            '    """',
            f"    limit = {rng.randint(10, 999)}  # requests per minute",
            "    for attempt in range(retries):",
            f"        if event.get('kind') == 'type_{i}':",
            "            return os.environ.get('MODE', 'safe')",
            "    raise RuntimeError(f'gave up after {retries} tries')",
        ]
    return lines


def mutate(rng: random.Random, lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        roll = rng.random()
        if roll < 0.04:
            continue  # removed
        if roll < 0.08:
            out.append(line.replace("limit", "budget") + "  # edited")
            continue
        out.append(line)
        if roll < 0.11:
            out.append("    log.debug('added line')")
    return out


def synthetic_diff() -> str:
    rng = random.Random(2026)
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for k in range(8):
        lines = python_file(rng, 53)
        before[f"service/module_{k}.py"] = "\n".join(lines) + "\n"
        after[f"service/module_{k}.py"] = "\n".join(mutate(rng, lines)) + "\n"
    # whole files as context, as the course's exercise bundles are made
    return unified_diff(before, after, context=None)


def best_of(fn, repeats: int = REPEATS) -> float:
    fn()  # warm-up: imports, regex compilation, lexer caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    text = synthetic_diff()
    diff = Diff.parse(text)
    n_lines = text.count("\n")
    n_body = sum(len(h.lines) for fd in diff.files for h in fd.hunks)
    # the same source highlight_file_diff lexes: both sides of every hunk
    sides = []
    for fd in diff.files:
        for hunk in fd.hunks:
            sides.append("".join(ln.text + "\n" for ln in hunk.lines if ln.kind != "remove"))
            sides.append("".join(ln.text + "\n" for ln in hunk.lines if ln.kind != "add"))
    source = "".join(sides)

    rows = [
        ("Diff.parse", best_of(lambda: Diff.parse(text))),
        ("  baseline: unidiff.PatchSet", best_of(lambda: unidiff.PatchSet(text))),
        (
            "highlight_file_diff (all files)",
            best_of(lambda: [highlight_file_diff(fd) for fd in diff.files]),
        ),
        (
            "  baseline: pygments.highlight, one string",
            best_of(lambda: pygments.highlight(source, PythonLexer(), HtmlFormatter())),
        ),
    ]
    print(
        f"diff: {n_lines} lines, {len(diff.files)} files, {n_body} hunk lines "
        f"(+{sum(fd.added for fd in diff.files)} -{sum(fd.removed for fd in diff.files)}), "
        f"{len(source.splitlines())} lines highlighted; best of {REPEATS} after a warm-up"
    )
    print(f"{'step':<44}{'best ms':>9}")
    for name, seconds in rows:
        print(f"{name:<44}{seconds * 1000:>9.1f}")
    parse, bare = rows[0][1], rows[1][1]
    hl, pyg = rows[2][1], rows[3][1]
    print(f"Diff.parse / unidiff: {parse / bare:.2f}x")
    print(f"highlight_file_diff / pygments: {hl / pyg:.2f}x")


if __name__ == "__main__":
    main()
