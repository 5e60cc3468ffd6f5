"""Grading: the hidden-test entry point `grade_review`, and the class grader behind `course grade`.

The first half runs inside a student's kernel under nbgrader, so it imports only the standard
library at module level and prints nothing to stderr (nbgrader gives 0 for any stderr output,
a warning included). The class grader in the second half runs on the instructor's machine.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import re
import sys
import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..review.checks import ReviewNotReady, quiet, require_review, self_check

if TYPE_CHECKING:  # pragma: no cover
    from ..keys.bank import Bank
    from ..scoring.match import Score

__all__ = [
    "GradingError",
    "ReviewNotReady",
    "ReviewScoredZero",
    "Rescore",
    "feedback_section",
    "feedback_text",
    "inject_feedback",
    "grade_review",
    "require_review",
    "rescore",
    "self_check",
]


class GradingError(Exception):
    """The review could not be graded; the message says why, for the student to read."""


def refuse_sidecars_in_source(folder: Path, error: type[Exception]) -> None:
    """A findings sidecar in source/ would be copied over every student's review at grading
    time (nbgrader copies every file of source/ over each submission): refuse to go on."""
    stray = sorted(p.name for p in folder.glob("*.findings.json"))
    if stray:
        raise error(
            f"{folder} holds {', '.join(stray)}: nbgrader copies every file of source/ over each "
            "submission, so these would replace the students' reviews. Delete them (they came "
            "from running the source notebook) and run again."
        )


class ReviewScoredZero(GradingError):
    """The review earned nothing. Raising (not returning 0.0) makes the release version fail
    `nbgrader validate --invert` and shows the student a plain reason in the feedback."""


# in the kernel ----------------------------------------------------------------------------


def _check_points(points: Any) -> float:
    if isinstance(points, bool) or not isinstance(points, (int, float)):
        raise GradingError(f"points must be a number, not {points!r}")
    value = float(points)
    if not math.isfinite(value) or value <= 0:
        raise GradingError(f"points must be a positive number, not {points!r}")
    return value


def points_for(score: float, points: float) -> float:
    """The partial credit nbgrader records: a plain float, rounded to cents, within [0, points].

    nbgrader gives FULL credit for NaN, negatives, numpy floats, strings, True and None, so
    only this exact shape may ever be the grade cell's value.
    """
    value = round(float(points) * float(score), 2)
    return float(min(float(points), max(0.0, value)))


@dataclass(frozen=True)
class Rescore:
    """One review scored outside nbgrader: what the grade cell should have recorded."""

    slug: str
    points: float  # what nbgrader should record: 0.0 whenever grade_review raises
    max_points: float
    problem: str | None  # why nothing could be scored (no sidecar, corrupt, other exercise)
    result: "Score | None" = None
    stale: bool = False  # the review was made against another version of the diff


def rescore(directory: str | os.PathLike, slug: str, points: float, bank: "Bank | None" = None) -> Rescore:
    """Score the sidecar `<slug>.findings.json` in `directory` as grade_review does.

    Shared by the hidden test and the class grader, so that both always agree on the number.
    """
    from ..diff.model import DiffError
    from ..keys.bank import Bank, BankError
    from ..review.store import SidecarCorrupt, read_sidecar, sidecar_path
    from ..scoring.match import score

    max_points = _check_points(points)
    try:
        exercise = (bank or Bank()).get(slug)
        key = exercise.key
    except (BankError, DiffError) as exc:
        raise GradingError(f"cannot load the answer key of {slug!r} on this machine: {exc}") from None
    path = sidecar_path(directory, slug)
    try:
        side = read_sidecar(path)
    except SidecarCorrupt as exc:
        return Rescore(slug, 0.0, max_points, f"your review file {path.name} cannot be read: {exc.problem}")
    if side is None:
        return Rescore(
            slug, 0.0, max_points,
            f"no review was saved: {path.name} is not beside the notebook "
            "(flag lines in the viewer; every flag is saved to that file at once)",
        )
    if side.exercise != slug:
        return Rescore(slug, 0.0, max_points, f"{path.name} is a review of {side.exercise!r}, not {slug!r}")
    result = score(side.findings, key, side.verdict)
    stale = False
    if side.diff_sha256 is not None:
        try:
            stale = side.diff_sha256 != exercise.bundle.diff_sha256
        except (BankError, DiffError, ValueError):
            stale = False
    return Rescore(slug, points_for(result.score, max_points), max_points, None, result, stale)


def grade_review(slug: str, points: float = 10) -> float:
    """The hidden test: score the review saved beside the notebook and return the points.

    Returns a plain float in (0, points], rounded to two places. Raises on a zero score and on
    every failure, so nbgrader records 0 and the student reads why. Prints per-defect feedback
    on stdout; a missed defect shows only its first hint. Reads the key from the bank on the
    grading machine (the course root, or COURSE_BANK); no key text is ever in the notebook.
    """
    with quiet():
        try:
            outcome = rescore(".", slug, points)
        except GradingError:
            raise
        except Exception as exc:  # an internal failure must never look like a grade
            raise GradingError(f"grading {slug!r} failed: {type(exc).__name__}: {exc}") from None
        print(feedback_text(outcome))
    if outcome.problem is not None:
        raise ReviewScoredZero(f"0 of {outcome.max_points:g} points: {outcome.problem}")
    if outcome.points <= 0:
        raise ReviewScoredZero(f"your review of {slug} scored 0 of {outcome.max_points:g} points (see above)")
    return outcome.points


# feedback ---------------------------------------------------------------------------------

_STATUS = {"found": "found", "miscategorised": "right lines, other category", "missed": "missed"}


def _where(f) -> str:
    span = f"{f.start}" if f.start == f.end else f"{f.start}-{f.end}"
    return f"{f.path}:{span}" + (" (old side)" if f.side == "old" else "")


def feedback_items(outcome: Rescore) -> list[dict[str, str]]:
    """Per-defect feedback as plain data, revealing a missed defect only by its first hint.

    Found and miscategorised defects show their title and explanation (the student found the
    lines); a missed one shows nothing but its first hint, not its title, place or category.
    """
    items: list[dict[str, str]] = []
    result = outcome.result
    if result is None:
        return items
    findings = {}
    for r in result.defects:
        d = r.defect
        if r.status == "missed":
            hint = d.hints[0] if d.hints else "look at the change again, line by line"
            items.append({"kind": "missed", "label": "missed", "title": "", "text": f"Hint: {hint}"})
            continue
        label = _STATUS[r.status]
        text = d.explanation
        if r.status == "miscategorised":
            accepted = ", ".join((d.category, *d.also))
            text = f"You flagged the right lines; the category that fits is {accepted} (half credit).\n{text}"
        items.append({"kind": r.status, "label": label, "title": d.title, "text": text, "severity": d.severity})
        findings[r.finding_id] = True
    for fp in result.false_positives:
        cost = "free (the first one is)" if fp.cost == 0 else f"costs {fp.cost:g}"
        text = f"Looks suspicious, but is fine: {fp.decoy.why_fine}" if fp.decoy is not None else "No planted defect here."
        items.append({
            "kind": "false-positive",
            "label": "false positive",
            "title": f"{_where(fp.finding)} ({fp.finding.category}; {cost})",
            "text": text,
        })
    return items


def feedback_text(outcome: Rescore) -> str:
    """The feedback block grade_review prints (stdout only)."""
    head = f"Review of {outcome.slug}: {outcome.points:g} of {outcome.max_points:g} points"
    if outcome.problem is not None:
        return f"{head}\n  {outcome.problem}"
    result = outcome.result
    assert result is not None
    out = [head + f" (precision {result.precision:.2f}, recall {result.recall:.2f})"]
    if outcome.stale:
        out.append("  note: this review was made against another version of the diff")
    marks = {"found": "+", "miscategorised": "~", "missed": "-", "false-positive": "?"}
    for item in feedback_items(outcome):
        title = f" {item['title']}" if item["title"] else ""
        out.append(f"  {marks[item['kind']]} {item['label']}{':' if title else ''}{title}")
        for para in item["text"].splitlines():
            out.extend(textwrap.wrap(para, 96, initial_indent="      ", subsequent_indent="      ") or [""])
    verdict = result.verdict or "none"
    mark = "right" if result.verdict_correct else f"expected {result.verdict_expected}"
    out.append(f"  verdict: {verdict} ({mark})")
    return "\n".join(out)


SECTION_ID = "course-review-feedback"
_SECTION = re.compile(rf"\n?<!-- {SECTION_ID} -->.*?<!-- /{SECTION_ID} -->\n?", re.S)


def feedback_section(outcomes: list[Rescore]) -> str:
    """The course's per-defect feedback on some reviews, as an HTML fragment for the top of
    nbgrader's feedback page of the notebook that holds them (see `inject_feedback`).

    Found and miscategorised defects: title and explanation; missed: the first hint only;
    false positives: the decoy's why_fine. Its styles are scoped to the section.
    """
    from html import escape

    sid = SECTION_ID
    parts = [
        f"<!-- {sid} -->",
        f'<div class="container"><section id="{sid}">',
        f"<style>#{sid}{{font:15px/1.5 system-ui,sans-serif;color:#1f2328;border:1px solid #d0d7de;"
        "border-radius:6px;padding:.5rem 1.25rem 1rem;margin:1rem 0}"
        f"#{sid} h2{{font-size:1.3rem}}#{sid} h3{{font-size:1.1rem;margin-top:1.25rem}}#{sid} li{{margin:.6rem 0}}"
        f"#{sid} .found{{color:#1a7f37}}#{sid} .miscategorised{{color:#9a6700}}#{sid} .missed{{color:#cf222e}}"
        f"#{sid} .false-positive{{color:#57606a}}#{sid} .label{{font-weight:600}}"
        f"#{sid} .text{{white-space:pre-wrap;margin:.2rem 0 0;color:#1f2328}}</style>",
        "<h2>Your reviews, defect by defect</h2>",
        "<p>A missed defect is shown only by its first hint: go back to the diff and find it.</p>",
    ]
    for outcome in outcomes:
        parts.append(f"<h3>Review of {escape(outcome.slug)}: {outcome.points:g} of {outcome.max_points:g} points</h3>")
        if outcome.problem is not None:
            parts.append(f'<p class="missed">{escape(outcome.problem)}</p>')
            continue
        result = outcome.result
        assert result is not None
        parts.append(f"<p>Precision {result.precision:.2f}, recall {result.recall:.2f}; verdict "
                     f"{escape(result.verdict or 'none')} (expected {escape(result.verdict_expected)}).</p><ul>")
        for item in feedback_items(outcome):
            title = f" {escape(item['title'])}" if item["title"] else ""
            parts.append(
                f'<li class="{item["kind"]}"><span class="label">{escape(item["label"])}</span>{title}'
                f'<p class="text">{escape(item["text"])}</p></li>'
            )
        parts.append("</ul>")
    parts.append(f"</section></div>\n<!-- /{sid} -->")
    return "\n".join(parts)


def inject_feedback(page: Path, section: str) -> None:
    """Put `section` at the top of nbgrader's feedback page `page` (just inside <body>).

    nbgrader's release_feedback publishes every *.html of a student's feedback folder, but a
    student's fetch_feedback only finds `<notebook>.html` for each notebook submitted, so the
    course's feedback must live inside that page. Injecting again replaces the old section.
    """
    text = _SECTION.sub("\n", page.read_text(encoding="utf-8"))
    body = re.search(r"<body\b[^>]*>", text, re.I)
    at = body.end() if body else 0
    page.write_text(f"{text[:at]}\n{section}\n{text[at:]}", encoding="utf-8")


# the class grader ---------------------------------------------------------------------------
#
# `course grade` runs on the instructor's machine. Every submission is preflighted (repaired
# or isolated), autograded by nbgrader in N worker processes, re-scored here from the
# sidecar the student submitted, and given feedback. The pieces below are in that order.

GRADING_DIR = "reports/{assignment}/grading"  # staging copy, worker logs, summary: all git-ignored
STATUSES = ("graded", "repaired", "flagged", "failed")


@dataclass(frozen=True)
class ReviewCell:
    """A grade cell whose hidden test is `grade_review(slug, points=N)`."""

    notebook: str
    grade_id: str
    slug: str
    points: float


@dataclass
class StudentResult:
    """Everything `course grade` learned about one student, for the summary."""

    student: str
    status: str = "graded"
    reasons: list[str] = field(default_factory=list)  # why repaired, flagged or failed, in full
    notes: list[str] = field(default_factory=list)  # worth knowing, nothing to do
    tags: list[str] = field(default_factory=list)  # a few words each, for the summary table
    score: float | None = None  # the gradebook's autograded total
    max_score: float | None = None
    needs_manual: bool = False
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)  # grade_id -> gradebook/rescore
    seconds: float = 0.0

    def escalate(self, status: str, tag: str, reason: str) -> None:
        if STATUSES.index(status) > STATUSES.index(self.status):
            self.status = status
        self.reasons.append(reason)
        self._tag(tag)

    def note(self, tag: str, text: str) -> None:
        self.notes.append(text)
        self._tag(tag)

    def _tag(self, tag: str) -> None:
        if tag and tag not in self.tags:
            self.tags.append(tag)

    def to_dict(self) -> dict[str, Any]:
        return {
            "student": self.student, "status": self.status, "score": self.score,
            "max_score": self.max_score, "needs_manual_grading": self.needs_manual,
            "tags": self.tags, "reasons": self.reasons, "notes": self.notes, "reviews": self.reviews,
            "seconds": round(self.seconds, 2),
        }


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:100] or "student"


def find_course_root(start: str | os.PathLike | None = None) -> Path:
    """The nearest folder at or above `start` holding nbgrader_config.py."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    raise GradingError(f"no nbgrader_config.py at or above {here}: run this in the course directory")


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for nbgrader subprocesses.

    nbgrader runs the `alembic` command from PATH when it creates a gradebook, so this venv's
    bin/ goes first; without it a fresh course fails with FileNotFoundError: 'alembic'.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PYTHONWARNINGS", "ignore")
    env.update(extra or {})
    return env


@contextlib.contextmanager
def environ(**values: str) -> Iterator[None]:
    """Set environment variables for a block (nbgrader in this process reads PATH and
    COURSE_BANK reaches the kernels it starts)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def config_files(root: Path) -> list[Path]:
    """The configuration files nbgrader 0.9.6 reads for a course in `root`, lowest priority first.

    As `nbgrader` run in the course directory loads them (JupyterApp.load_config_file, then
    NbGrader.initialize): jupyter_config.{py,json}, then nbgrader_config.{py,json}, from every
    Jupyter config directory (`jupyter --paths`: $JUPYTER_CONFIG_DIR or ~/.jupyter, the entries
    of $JUPYTER_CONFIG_PATH, <sys.prefix>/etc/jupyter, /usr/local/etc/jupyter, /etc/jupyter;
    an earlier directory wins over a later one), and last the course's own nbgrader_config.py,
    which wins over all of them. (nbgrader also reads ./nbgrader_config.py of the directory it
    runs in: the course's own file when run in the course directory.)
    """
    from jupyter_core.paths import jupyter_config_dir, jupyter_config_path

    dirs = jupyter_config_path()
    if jupyter_config_dir() not in dirs:
        dirs.insert(0, jupyter_config_dir())
    found: list[Path] = []
    for base in ("jupyter_config", "nbgrader_config"):
        for folder in reversed(dirs):
            for ext in (".py", ".json"):
                path = Path(folder) / f"{base}{ext}"
                if path.is_file() and path not in found:
                    found.append(path)
    own = root / "nbgrader_config.py"
    if own.is_file():
        found = [p for p in found if p.resolve() != own.resolve()] + [own]
    return found


def course_config(root: Path, *, db_url: str | None = None):
    """The course's nbgrader configuration, read from the files nbgrader itself reads (see
    `config_files`), so a `db_url` set in /etc/jupyter/nbgrader_config.py or by COURSE_DB_URL
    (which the course's nbgrader_config.py reads) is obeyed here as by nbgrader. `db_url`, when
    given (`course grade --db-url`), wins over every file.

    A file that fails to load raises GradingError: nbgrader would log it and carry on, which
    could grade into another gradebook than the one the class uses.
    """
    from traitlets.config import Config
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    cfg = Config()
    for path in config_files(root):
        loader = PyFileConfigLoader if path.suffix == ".py" else JSONFileConfigLoader
        try:
            cfg.merge(loader(path.name, path=str(path.parent)).load_config())
        except Exception as exc:
            raise GradingError(f"cannot read the nbgrader configuration {path}: {type(exc).__name__}: {exc}") from None
    cfg.CourseDirectory.root = str(root)
    if db_url:
        cfg.CourseDirectory.db_url = db_url
    return cfg


def configured_db_url(root: Path) -> str | None:
    """The gradebook URL the nbgrader configuration of `root` sets, or None (nbgrader's default:
    gradebook.db in the course directory)."""
    value = course_config(root).CourseDirectory.get("db_url")
    return value if isinstance(value, str) and value else None


def shown_url(url: str) -> str:
    """A database URL fit to print: the password masked."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)


def review_cells(notebook: Path) -> list[ReviewCell]:
    """The grade cells of a source notebook that call grade_review, with their slug and points."""
    import ast

    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "grade_review"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                points = next((k.value for k in node.keywords if k.arg == "points"), None)
                if points is None and len(node.args) > 1:
                    points = node.args[1]
                value = points.value if isinstance(points, ast.Constant) else 10
                if float(value) != float(meta.get("points", -1)):
                    raise GradingError(
                        f"{notebook}: cell {meta.get('grade_id')} calls grade_review with points={value} "
                        f"but is worth {meta.get('points')} points in nbgrader: make them agree"
                    )
                found.append(ReviewCell(notebook.stem, meta["grade_id"], node.args[0].value, float(value)))
    return found


# preflight ------------------------------------------------------------------------------

def _nbgrader_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    if not isinstance(meta, dict):
        return None
    gid = meta.get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def _is_nbgrader_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader")
    return isinstance(meta, dict) and any(meta.get(k) for k in ("grade", "solution", "locked", "task"))


def _set_type(cell, cell_type: str) -> None:
    cell["cell_type"] = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _plain(cell) -> None:
    """Make a cell ordinary: nbgrader then neither grades nor restores it."""
    cell["metadata"].pop("nbgrader", None)
    for key in ("editable", "deletable"):
        cell["metadata"].pop(key, None)


@dataclass
class Preflight:
    """The outcome for one notebook: the notebook to grade (None when isolated) and why."""

    notebook: Any | None
    repairs: list[tuple[str, str]] = field(default_factory=list)  # (tag, reason)
    failure: str | None = None
    changed: bool = False


def preflight_notebook(path: Path, release) -> Preflight:
    """Repair what nbgrader cannot survive; isolate what cannot be repaired.

    Measured with nbgrader 0.9.6: a copy-pasted nbgrader cell makes DeduplicateIds empty the
    metadata of one copy and add_missing_cells then fails with KeyError 'grade_id'; a deleted
    grade cell whose preceding source cell is not a grade or solution cell fails with a
    KeyError in add_missing_grade_cells. Either way the student is not graded. So every
    nbgrader cell of the release is made to appear exactly once, in place, with its release
    type and metadata; unknown or broken nbgrader metadata is removed.
    """
    import json

    import nbformat

    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Preflight(None, failure=f"{name} cannot be read ({exc.strerror or exc})")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Preflight(None, failure=f"{name} is not UTF-8 text (byte {exc.start})")
    except json.JSONDecodeError as exc:
        return Preflight(None, failure=f"{name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return Preflight(None, failure=f"{name} is JSON but not a notebook (no list of cells)")
    with quiet():
        try:
            nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
        except Exception as exc:  # nbformat raises several unrelated types for bad input
            return Preflight(None, failure=f"{name} is not a readable notebook ({type(exc).__name__}: {exc})")

    release_cells = [c for c in release.cells if _nbgrader_id(c)]
    by_id = {_nbgrader_id(c): c for c in release_cells}
    out = Preflight(nb)

    def repaired(tag: str, reason: str) -> None:
        out.repairs.append((tag, reason))
        out.changed = True

    stub_sources = {gid: c.source for gid, c in by_id.items()}
    seen: dict[str, int] = {}
    copies: dict[str, list[int]] = {}
    for i, cell in enumerate(nb.cells):
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        gid = _nbgrader_id(cell)
        if gid is None or gid not in by_id:
            what = f"unknown grade id {gid!r}" if gid else "broken nbgrader metadata"
            if gid is not None or _is_nbgrader_cell(cell) or cell.metadata.get("nbgrader"):
                repaired("stray nbgrader metadata", f"a cell had {what}; it became an ordinary cell")
            else:
                out.changed = True
            _plain(cell)
            continue
        copies.setdefault(gid, []).append(i)
    for gid, where in copies.items():
        keep = where[0]
        if len(where) > 1:
            answered = [i for i in where if nb.cells[i].source != stub_sources[gid]]
            if by_id[gid].metadata["nbgrader"].get("solution") and len(answered) == 1:
                keep = answered[0]
            for i in where:
                if i != keep:
                    _plain(nb.cells[i])
            repaired("copy-pasted cell", f"cell {gid} appeared {len(where)} times (copy-pasted); kept one, "
                     "the copies became ordinary cells")
        seen[gid] = keep
    for gid, i in seen.items():
        cell, model = nb.cells[i], by_id[gid]
        if cell.cell_type != model.cell_type:
            repaired("cell type changed", f"cell {gid} was changed from {model.cell_type} to {cell.cell_type}; changed back")
            _set_type(cell, model.cell_type)
        wanted = dict(model.metadata["nbgrader"])
        if cell.metadata.get("nbgrader") != wanted:
            ignored = {"checksum", "schema_version"}
            if {k: v for k, v in cell.metadata["nbgrader"].items() if k not in ignored} != {
                k: v for k, v in wanted.items() if k not in ignored
            }:
                repaired("metadata edited", f"the nbgrader metadata of cell {gid} was edited; restored")
            else:
                out.changed = True
            cell.metadata["nbgrader"] = wanted
    # Put deleted cells back where they were: after the nearest release cell still present.
    order = [_nbgrader_id(c) for c in release_cells]
    for n, gid in enumerate(order):
        if gid in seen:
            continue
        position = 0
        for earlier in reversed(order[:n]):
            idx = next((i for i, c in enumerate(nb.cells) if _nbgrader_id(c) == earlier), None)
            if idx is not None:
                position = idx + 1
                break
        restored = nbformat.from_dict(json.loads(json.dumps(by_id[gid])))
        restored["id"] = f"restored-{gid}"[:64]
        nb.cells.insert(position, restored)
        seen[gid] = position
        repaired("deleted cell", f"cell {gid} was deleted; put back from the release version")
    if out.changed:
        with quiet():
            try:
                nbformat.validate(nb)
            except Exception as exc:
                return Preflight(None, out.repairs, f"{name} is still not a valid notebook after repair ({exc})")
    return out


# workers --------------------------------------------------------------------------------
#
# A worker is `python -m course.grading worker ROOT ASSIGNMENT SUBMITTED`: it imports nbgrader
# once, then runs nbgrader's own Autograde (or GenerateFeedback) for one student per request
# read from stdin, answering with one JSON line on its original stdout. Everything else it or
# its kernels print goes to its log. The main process hands out students one at a time, so a
# slow submission never holds up a queue behind it, and kills a worker (and its kernel) that
# overruns a hard limit.

LOCKED_RETRIES = 6
WORKER_DB_URL = "COURSE_GRADE_DB_URL"  # how the main process tells its workers which gradebook


def _speed_up_nbgrader() -> None:
    """Cut two measured costs of nbgrader's bookkeeping, in the workers only; what nbgrader
    checks and records is unchanged (tests/test_grading.py and the benchmark compare scores).

    - nbgrader validates every cell's metadata with `jsonschema.validate`, which checks the
      schema itself against the meta-schema and builds a new validator on every call: about a
      tenth of a second a submission. Here one validator per schema is built once.
    - every `Gradebook(...)` (about ten a submission) creates a new SQLAlchemy engine, which
      throws away the compiled-statement cache. Here one engine per database is reused.
    """
    import json

    import jsonschema
    import nbgrader.api as api
    import nbgrader.nbgraderformat.common as metadata_format

    validators: dict[str, Any] = {}

    class CachedJsonschema:
        ValidationError = jsonschema.ValidationError

        @staticmethod
        def validate(instance, schema):  # the same steps as jsonschema.validate, built once
            key = json.dumps(schema, sort_keys=True)
            validator = validators.get(key)
            if validator is None:
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                validator = validators[key] = cls(schema)
            error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
            if error is not None:
                raise error

    metadata_format.jsonschema = CachedJsonschema
    engines: dict[Any, Any] = {}
    create_engine = api.create_engine

    def cached_engine(url, **kwargs):
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = create_engine(url, **kwargs)
        return engines[key]

    api.create_engine = cached_engine


def _worker_main(argv: list[str]) -> int:
    import json
    import random
    import time

    root, assignment, submitted = argv
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # nothing but answers on the protocol channel
    warnings.simplefilter("ignore")
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    _speed_up_nbgrader()
    # The gradebook the main process resolved (its configuration and --db-url): every worker
    # writes where the class grader reads.
    cfg = course_config(Path(root), db_url=os.environ.get(WORKER_DB_URL))
    # The kernels this worker starts run students' code: they need no database password. (They
    # run as this user, so this keeps it out of os.environ only, not out of /proc.)
    for name in (WORKER_DB_URL, "COURSE_DB_URL"):
        os.environ.pop(name, None)
    cfg.CourseDirectory.submitted_directory = submitted
    # Once the last cell has answered, the kernel has nothing left to say: kill it rather than
    # wait for a graceful exit (about 0.2 s a submission, and nothing changes in the grades).
    cfg.Execute.shutdown_kernel = "immediate"
    feedback_pp = [str(p) for p in cfg.GenerateFeedback.get("preprocessors", [])]
    if not any("ClearHiddenTests" in p for p in feedback_pp) or not any("ShortenTestTracebacks" in p for p in feedback_pp):
        # Feedback must never show hidden test source, whatever the course config says.
        cfg.GenerateFeedback.preprocessors = [
            "nbgrader.preprocessors.GetGrades",
            "nbgrader.preprocessors.ClearHiddenTests",
            "course.grading.preprocessors.ShortenTestTracebacks",
            "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
        ]
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        job = json.loads(line)
        started = time.monotonic()
        result: dict[str, Any] = {}
        for attempt in range(LOCKED_RETRIES):
            coursedir = CourseDirectory(config=cfg)
            coursedir.assignment_id = assignment
            coursedir.student_id = job["student"]
            kind = Autograde if job["op"] == "autograde" else GenerateFeedback
            app = kind(coursedir=coursedir, config=cfg)
            app.force = True
            if job["op"] == "autograde":
                app.create_student = True
            result = capture_log(app)
            text = result.get("error", "") + result.get("log", "")
            if result["success"] or "database is locked" not in text:
                break
            # SQLite allows one writer at a time; two workers rarely collide, and a retry wins.
            time.sleep(0.2 * 2 ** attempt + random.random() * 0.2)
        result["retries"] = attempt
        answer = {
            **job,
            "ok": bool(result.get("success")),
            "error": (result.get("error") or "")[-3000:],
            "log": (result.get("log") or "")[-3000:],
            "retries": attempt,
            "seconds": time.monotonic() - started,
        }
        proto.write(json.dumps(answer) + "\n")
    return 0


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
        import subprocess

        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, env=env,
            start_new_session=True,
        )
        self.buffer = b""
        self.job: dict[str, Any] | None = None
        self.started = 0.0
        self.ready = False

    def send(self, job: dict[str, Any]) -> None:
        import json
        import time

        self.job = job
        self.started = time.monotonic()
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(job) + "\n").encode())
        self.proc.stdin.flush()

    def kill(self) -> None:
        import signal

        for pid in [*_descendants(self.proc.pid), self.proc.pid]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=10)
        self.log.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
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
        import selectors

        self.size, self.cmd, self.env, self.log_dir = max(1, size), cmd, env, log_dir
        self.workers: list[_Worker] = []
        self.sel = selectors.DefaultSelector()
        self.started = 0
        self.failed_starts = 0
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        import selectors

        self.started += 1
        w = _Worker(self.cmd, self.env, self.log_dir / f"worker-{self.started}.log")
        os.set_blocking(w.proc.stdout.fileno(), False)
        self.sel.register(w.proc.stdout, selectors.EVENT_READ, w)
        self.workers.append(w)

    def _drop(self, w: _Worker, *, kill: bool) -> None:
        self.sel.unregister(w.proc.stdout)
        self.workers.remove(w)
        w.kill() if kill else w.close()

    def run(self, jobs: list[dict[str, Any]], on_result, limit: float) -> None:
        import json
        import time

        todo = list(jobs)
        busy = lambda: any(w.job is not None for w in self.workers)  # noqa: E731
        while len(self.workers) < min(self.size, len(todo)):
            self._spawn()
        while todo or busy():
            for w in self.workers:
                if w.ready and w.job is None and todo:
                    w.send(todo.pop(0))
            for key, _ in self.sel.select(timeout=0.5):
                w = key.data
                chunk = os.read(w.proc.stdout.fileno(), 65536)
                if not chunk:
                    if not w.ready:
                        self.failed_starts += 1
                        if self.failed_starts >= 3:
                            raise GradingError(f"grading workers cannot start; see {w.log.name}")
                    job, started = w.job, w.started
                    self._drop(w, kill=True)
                    if job is not None:
                        on_result({**job, "ok": False, "error": "the grading worker died while grading this submission",
                                   "log": "", "retries": 0, "seconds": time.monotonic() - started})
                    if todo or busy():
                        self._spawn()
                    continue
                w.buffer += chunk
                while b"\n" in w.buffer:
                    line, w.buffer = w.buffer.split(b"\n", 1)
                    answer = json.loads(line)
                    if answer.get("ready"):
                        w.ready = True
                        continue
                    w.job = None
                    on_result(answer)
            now = time.monotonic()
            for w in list(self.workers):
                if w.job is not None and now - w.started > limit:
                    job, started = w.job, w.started
                    self._drop(w, kill=True)
                    on_result({**job, "ok": False, "log": "", "retries": 0, "seconds": now - started,
                               "error": f"grading took longer than {limit:.0f} s and was stopped "
                                        "(a kernel that ignores interrupts?)"})
                    if todo or busy():
                        self._spawn()

    def close(self) -> None:
        for w in list(self.workers):
            self._drop(w, kill=False)

    def kill(self) -> None:
        for w in list(self.workers):
            self._drop(w, kill=True)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.kill() if exc_type is not None else self.close()


def run_jobs(jobs: list[dict[str, Any]], *, workers: int, cmd: list[str], env: dict[str, str],
             log_dir: Path, limit: float, on_result) -> None:
    """Run jobs on a fresh WorkerPool of `workers` processes; on_result(answer) for each."""
    with WorkerPool(min(workers, max(1, len(jobs))), cmd, env, log_dir) as pool:
        pool.run(jobs, on_result, limit)


# the whole class ------------------------------------------------------------------------


@dataclass
class ClassReport:
    """The outcome of `course grade`: one StudentResult each, and where things were written."""

    assignment: str
    root: Path
    students: list[StudentResult]
    summary_json: Path
    summary_text: Path
    feedback_dir: Path
    seconds: float
    gradebook: str = ""  # the database URL graded into
    recorded: str = ""  # what became of the assignment's record there: "unchanged" or "recorded"

    def count(self, status: str) -> int:
        return sum(1 for s in self.students if s.status == status)

    @property
    def needs_instructor(self) -> bool:
        return any(s.status in ("flagged", "failed") for s in self.students)


def _cell_timeout(cfg) -> float:
    for section in ("Execute", "ExecutePreprocessor"):
        value = cfg.get(section, {}).get("timeout")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return 30.0


class _GradebookConflict(GradingError):
    """Another process wrote the same gradebook rows at the same moment; trying again settles it."""


# What nbgrader's log says when two writers collide on one gradebook: a unique key taken by the
# other (PostgreSQL, SQLite), a row the other deleted first, SQLite's single writer.
_CONFLICT = re.compile(
    r"IntegrityError|UniqueViolation|duplicate key value|UNIQUE constraint failed|StaleDataError|"
    r"ObjectDeletedError|ForeignKeyViolation|database is locked|could not serialize|deadlock detected"
)


def _generate(cfg, assignment: str, release_rel: str) -> None:
    """nbgrader generate_assignment, in this process, into a scratch release folder."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    cfg = copy.deepcopy(cfg)
    cfg.CourseDirectory.release_directory = release_rel
    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = assignment
    app = GenerateAssignment(coursedir=coursedir, config=cfg)
    app.force = True
    with warnings.catch_warnings(), environ(PATH=nbgrader_env()["PATH"]):
        warnings.simplefilter("ignore")
        result = capture_log(app)
    if not result["success"]:
        log, error = result.get("log") or "", result.get("error") or ""
        kind = _GradebookConflict if _CONFLICT.search(f"{log}\n{error}") else GradingError
        raise kind(f"nbgrader generate_assignment {assignment} failed: {failure_reason(log, error)}")


def recorded_assignment(db_url: str, course_id: str, assignment: str) -> dict[str, Any] | None:
    """What a gradebook records of an assignment's notebooks and cells (what autograde grades
    with), or None when it does not know the assignment."""
    from nbgrader.api import Gradebook, MissingEntry

    with warnings.catch_warnings(), environ(PATH=nbgrader_env()["PATH"]):
        warnings.simplefilter("ignore")
        with Gradebook(db_url, course_id) as gb:
            try:
                found = gb.find_assignment(assignment)
            except MissingEntry:
                return None
            return {
                nb.name: {
                    "kernelspec": nb.kernelspec,
                    "grade": sorted((c.name, float(c.max_score), c.cell_type) for c in nb.grade_cells),
                    "solution": sorted(c.name for c in nb.solution_cells),
                    "task": sorted((c.name, float(c.max_score), c.cell_type) for c in nb.task_cells),
                    "source": sorted((c.name, c.cell_type, bool(c.locked), c.source or "", c.checksum or "")
                                     for c in nb.source_cells),
                }
                for nb in found.notebooks
            }


RECORD_RETRIES = 6


@contextlib.contextmanager
def _gradebook_lock(db_url: str, name: str) -> Iterator[None]:
    """On PostgreSQL, one process at a time in the block (a session advisory lock named after
    `name`, held on a connection of its own): graders of one class that start together record
    the assignment one after the other, and the later ones find it recorded. Elsewhere (SQLite
    allows one writer anyway) it does nothing; the retries in record_assignment remain."""
    import hashlib

    import sqlalchemy as sa

    try:
        url = sa.engine.make_url(db_url)
    except Exception:
        yield
        return
    if url.get_backend_name() != "postgresql":
        yield
        return
    key = int.from_bytes(hashlib.sha256(f"code-review-academy {name}".encode()).digest()[:8], "big", signed=True)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
    finally:
        engine.dispose()


def record_assignment(cfg, assignment: str, grading: Path) -> str:
    """Make the gradebook record `assignment` as source/ has it now; return "unchanged" or "recorded".

    nbgrader grades with the grade cells it recorded, so an edit to source/ since the last
    generate would otherwise be ignored. Every grader of a sharded class starts with this, so it
    writes only when something changed: the assignment is first recorded into a scratch SQLite
    gradebook (and a scratch release folder; the committed release/ is never touched) and
    compared with the class's gradebook. When they differ, it is recorded there too (nbgrader
    generate_assignment --force). Two graders doing that at the same moment would collide on
    the gradebook's unique keys: on PostgreSQL an advisory lock makes them take turns (the
    second finds the first one's record and writes nothing); on any database a collision is
    retried, comparing again first.
    """
    import random
    import sqlite3
    import time

    from nbgrader.coursedir import CourseDirectory

    root = Path(cfg.CourseDirectory.root)
    release_rel = os.path.relpath(grading / "release", root)
    scratch = copy.deepcopy(cfg)
    scratch_db = grading / "recorded.db"
    scratch.CourseDirectory.db_url = f"sqlite:///{scratch_db}"
    for stale in (scratch_db, scratch_db.with_name(scratch_db.name + "-journal")):
        stale.unlink(missing_ok=True)
    # nbgrader stamps a new gradebook with its schema version by running `alembic heads` (about
    # three seconds); a scratch gradebook that already has a table is taken as existing, and
    # only the scratch copy goes without the stamp.
    with contextlib.closing(sqlite3.connect(scratch_db)) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.commit()
    _generate(scratch, assignment, release_rel)
    cd = CourseDirectory(config=cfg)
    want = recorded_assignment(scratch.CourseDirectory.db_url, cd.course_id, assignment)
    for attempt in range(RECORD_RETRIES):
        try:
            with _gradebook_lock(cd.db_url, f"{cd.course_id} record {assignment}"):
                if recorded_assignment(cd.db_url, cd.course_id, assignment) == want:
                    return "unchanged"
                _generate(cfg, assignment, release_rel)
                return "recorded"
        except Exception as exc:
            conflict = isinstance(exc, _GradebookConflict) or (
                not isinstance(exc, GradingError) and _CONFLICT.search(f"{type(exc).__name__}: {exc}"))
            if not conflict or attempt == RECORD_RETRIES - 1:
                if isinstance(exc, GradingError):
                    raise
                raise GradingError(f"cannot record {assignment} in the gradebook {shown_url(cd.db_url)}: "
                                   f"{type(exc).__name__}: {exc}") from None
            time.sleep(0.2 * 2 ** attempt + random.random() * 0.3)
    raise AssertionError("unreachable")  # pragma: no cover


def allowed_key_texts(outcomes: list[Rescore]) -> tuple[set[str], set[str]]:
    """What a student's feedback may show of the key: labels (as build.key_texts names them)
    of the title and explanation of each defect found and the first hint of each one missed,
    and the why_fine text of each decoy the student fell for."""
    labels: set[str] = set()
    texts: set[str] = set()
    for outcome in outcomes:
        result = outcome.result
        if result is None:
            continue
        for r in result.defects:
            base = f"{outcome.slug}/{r.defect.id}"
            labels |= {f"{base} hint 1"} if r.status == "missed" else {f"{base} title", f"{base} explanation"}
        texts |= {fp.decoy.why_fine for fp in result.false_positives if fp.decoy is not None}
    return labels, texts


def feedback_leaks(folder: Path, outcomes: list[Rescore], secrets: dict[str, str]) -> list[str]:
    """Labels of key texts in a student's feedback pages that the student did not earn."""
    from ..scoring.disclosure import leaks

    labels, texts = allowed_key_texts(outcomes)
    found: list[str] = []
    for page in sorted(folder.glob("*.html")):
        for label in leaks(page.read_text(encoding="utf-8", errors="replace"), secrets):
            if label not in labels and secrets[label] not in texts and label not in found:
                found.append(label)
    return found


def _no_debugger(grading: Path) -> Path:
    """A folder that makes `import debugpy` fail in the grading kernels.

    ipykernel imports debugpy at start-up to offer a debugger nobody attaches while grading:
    about a fifth of a kernel's start-up CPU, paid once per submission. With this folder first
    on PYTHONPATH, ipykernel finds no debugpy and starts without the debugger; nothing a
    notebook computes changes.
    """
    folder = grading / "no-debugger"
    (folder / "debugpy").mkdir(parents=True, exist_ok=True)
    (folder / "debugpy" / "__init__.py").write_text(
        'raise ImportError("the debugger is switched off while course grade runs notebooks")\n')
    return folder


def _timed_out(notebook: Path) -> bool:
    import json

    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return any(
        out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError"
        for cell in nb.get("cells", []) for out in cell.get("outputs", []) or []
    )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "unknown error"


_EXCEPTION_LINE = re.compile(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception|Exit|Interrupt))(?::\s*(.*))?$")


def failure_reason(log: str, error: str) -> str:
    """What went wrong, in one line, from nbgrader's log and traceback."""
    text = f"{log}\n{error}"
    if "became unresponsive" in text:
        return ("the kernel would not stop when interrupted (a loop that ignores interrupts?), "
                "so nbgrader gave up on this submission")
    if "database is locked" in text:
        return f"the gradebook stayed locked after {LOCKED_RETRIES} tries"
    found = [m for m in map(_EXCEPTION_LINE.match, text.splitlines()) if m and "NbGraderException" not in m.group(1)]
    if found:
        m = found[-1]
        return f"{m.group(1).rsplit('.', 1)[-1]}: {m.group(2) or ''}".strip(": ")[:300]
    return _last_line(error or log)


def grade_class(
    assignment: str,
    *,
    root: str | os.PathLike | None = None,
    jobs: int = 2,
    feedback: bool = True,
    console=None,
    limit: float | None = None,
    bank: str | os.PathLike | None = None,
    db_url: str | None = None,
) -> ClassReport:
    """Preflight, autograde in parallel, re-score, give feedback, and summarise one assignment.

    The gradebook is the one nbgrader's configuration names (see `course_config`), or `db_url`.
    """
    import json
    import time

    from rich.console import Console

    from ..keys.bank import Bank, BankError, find_bank

    began = time.monotonic()
    console = console or Console()
    root = find_course_root(root)
    cfg = course_config(root, db_url=db_url)
    with quiet():
        from nbgrader.coursedir import CourseDirectory

    cd = CourseDirectory(config=cfg)
    source = Path(cd.format_path(cd.source_directory, ".", assignment))
    submitted = root / cd.submitted_directory
    if not source.is_dir():
        raise GradingError(f"{source}: no such assignment in source/")
    refuse_sidecars_in_source(source, GradingError)
    try:
        bank = Bank(bank if bank is not None else find_bank(root))
    except BankError as exc:
        raise GradingError(str(exc)) from None
    cells: list[ReviewCell] = []
    for nb_path in sorted(source.glob("*.ipynb")):
        cells.extend(review_cells(nb_path))
    for rc in cells:
        try:
            bank.get(rc.slug).key
        except (BankError, ValueError) as exc:
            raise GradingError(f"{rc.notebook} grades {rc.slug!r}, whose key cannot be loaded: {exc}") from None
    students = sorted(
        p.name for p in submitted.iterdir() if (p / assignment).is_dir() and not p.name.startswith(".")
    ) if submitted.is_dir() else []
    if not students:
        raise GradingError(f"no submissions of {assignment} under {submitted}")

    grading = root / GRADING_DIR.format(assignment=assignment)
    logs = grading / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for old in logs.glob("*.log"):
        old.unlink()
    staging = grading / "submitted"
    env = nbgrader_env({"COURSE_BANK": str(bank.root.resolve()), WORKER_DB_URL: cd.db_url})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_no_debugger(grading)), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "course.grading", "worker", str(root), assignment, os.path.relpath(staging, root)]
    # The workers import nbgrader while this process prepares the class.
    with WorkerPool(min(jobs, len(students)), cmd, env, logs) as pool:
        report = _grade(assignment, root, cd, cfg, bank, cells, students, grading, staging, logs, pool,
                        feedback=feedback, console=console, limit=limit, began=began)
    report.summary_json.write_text(json.dumps({
        "assignment": assignment,
        "gradebook": {"url": shown_url(report.gradebook), "assignment": report.recorded},
        "counts": {k: report.count(k) for k in STATUSES},
        "needs_instructor": report.needs_instructor,
        "seconds": round(report.seconds, 2),
        "students": [r.to_dict() for r in report.students],
    }, indent=2) + "\n", encoding="utf-8")
    plain = Console(record=True, width=120, file=io.StringIO())
    plain.print(summary_table(report))
    for line in summary_details(report):
        plain.print(line, highlight=False)
    report.summary_text.write_text(plain.export_text(), encoding="utf-8")
    return report


def _grade(assignment, root, cd, cfg, bank, cells, students, grading, staging, logs, pool, *,
           feedback, console, limit, began) -> ClassReport:
    import shutil
    import time

    import nbformat
    from nbgrader.api import Gradebook, MissingEntry
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    submitted = root / cd.submitted_directory
    # The gradebook must grade with source/ as it is now; graders of one class may all start here.
    record = record_assignment(cfg, assignment, grading)
    releases = {p.stem: nbformat.read(p, as_version=4) for p in sorted((grading / "release" / assignment).glob("*.ipynb"))}
    results = {s: StudentResult(s) for s in students}

    # 1. preflight into a staging copy: submitted/ itself is never changed
    if staging.exists():
        shutil.rmtree(staging)
    staged: list[str] = []
    for s in students:
        r = results[s]
        folder = submitted / s / assignment
        fixed: dict[str, Any] = {}
        for name, rel_nb in releases.items():
            path = folder / f"{name}.ipynb"
            if not path.exists():
                r.note("notebook missing", f"{name}.ipynb was not submitted: nbgrader scores it 0")
                continue
            check = preflight_notebook(path, rel_nb)
            if check.failure:
                r.escalate("failed", "unreadable notebook", f"set aside: {check.failure}")
            for tag, reason in check.repairs:
                r.escalate("repaired", tag, reason)
            if check.changed and check.notebook is not None:
                fixed[name] = check.notebook
        for rc in cells:
            outcome = rescore(folder, rc.slug, rc.points, bank)
            if outcome.problem:
                r.note("no review" if "no review" in outcome.problem else "review unreadable",
                       f"{rc.slug}: {outcome.problem}")
            if r.status == "failed":
                r.note("", f"its review of {rc.slug} re-scores to {outcome.points:g} of {rc.points:g} "
                           "(enter it by hand if you wish)")
        if r.status == "failed":
            continue
        target = staging / s / assignment
        shutil.copytree(folder, target, symlinks=False, ignore=shutil.ignore_patterns(".*.lock"))
        for name, nb in fixed.items():
            nbformat.write(nb, target / f"{name}.ipynb")
        staged.append(s)

    # 2. autograde in parallel, then 4. feedback, both by nbgrader itself in the workers
    code_cells = max((sum(c.cell_type == "code" for c in nb.cells) for nb in releases.values()), default=1)
    limit = limit or _cell_timeout(cfg) * (code_cells + 2) + 120
    columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[last]}"))
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("autograding", total=len(staged), last="")

        def autograded(answer: dict[str, Any]) -> None:
            r = results[answer["student"]]
            r.seconds += answer["seconds"]
            if not answer["ok"]:
                log = logs / f"{_safe_name(r.student)}.log"
                log.write_text(f"{answer['log']}\n{answer['error']}", encoding="utf-8")
                r.escalate("failed", "nbgrader failed",
                           f"nbgrader could not grade it: {failure_reason(answer['log'], answer['error'])} "
                           f"(log: {os.path.relpath(log, root)})")
            elif answer.get("retries"):
                r.note("", f"the gradebook was busy; graded on retry {answer['retries']}")
            progress.update(task, advance=1, last=escape_markup(answer["student"]))

        pool.run([{"op": "autograde", "student": s} for s in staged], autograded, limit)

        # 3. re-score every sidecar outside the kernel; a difference means the notebook changed the result
        autograded_dir = root / cd.autograded_directory
        outcomes: dict[str, list[Rescore]] = {}
        with Gradebook(cd.db_url, cd.course_id) as gb:
            for s in staged:
                r = results[s]
                if r.status == "failed":
                    continue
                try:
                    sub = gb.find_submission(assignment, s)
                    r.score, r.max_score = float(sub.score), float(sub.max_score)
                    r.needs_manual = bool(sub.needs_manual_grade)
                except MissingEntry:
                    r.escalate("failed", "not in gradebook", "nbgrader recorded no submission")
                    continue
                mine = []
                folder = submitted / s / assignment
                for rc in cells:
                    outcome = rescore(folder, rc.slug, rc.points, bank)
                    if not (folder / f"{rc.notebook}.ipynb").exists():
                        outcome = Rescore(rc.slug, 0.0, rc.points, "the notebook was not submitted")
                    mine.append(outcome)
                    try:
                        recorded = gb.find_grade(rc.grade_id, rc.notebook, assignment, s).auto_score
                    except MissingEntry:
                        recorded = None
                    recorded = None if recorded is None else float(recorded)
                    r.reviews[rc.grade_id] = {"slug": rc.slug, "gradebook": recorded, "rescored": outcome.points,
                                              "max": rc.points}
                    if recorded is None or abs(recorded - outcome.points) > 0.005:
                        shown = "nothing" if recorded is None else f"{recorded:g}"
                        why = (f"{rc.grade_id}: the gradebook has {shown} of {rc.points:g}, but the submitted "
                               f"review of {rc.slug} scores {outcome.points:g}: the notebook changed the result "
                               "(tampering, or a notebook that broke its kernel); look before releasing grades")
                        graded_side = autograded_dir / s / assignment / f"{rc.slug}.findings.json"
                        sent_side = folder / f"{rc.slug}.findings.json"
                        if graded_side.exists() != sent_side.exists() or (
                            sent_side.exists() and graded_side.read_bytes() != sent_side.read_bytes()
                        ):
                            why += f"; the notebook rewrote {rc.slug}.findings.json while it ran"
                        r.escalate("flagged", "score differs: tampering?", why)
                outcomes[s] = mine
                for nb_path in (autograded_dir / s / assignment).glob("*.ipynb"):
                    if _timed_out(nb_path):
                        r.note("cell timed out", f"{nb_path.name}: a cell ran past the time limit and was interrupted")

        feedback_root = root / cd.feedback_directory
        for s in students:
            if results[s].status not in ("graded", "repaired"):
                # Feedback from an earlier run would show a score this run could not confirm.
                stale = feedback_root / s / assignment
                if stale.exists():
                    shutil.rmtree(stale)
                if results[s].status == "flagged":
                    results[s].note("", "feedback held back until you have looked")
        ready = [s for s in staged if results[s].status in ("graded", "repaired")]
        from ..scoring.disclosure import key_texts

        slugs = {rc.slug for rc in cells}
        secrets = {label: text for label, text in key_texts(bank, slugs).items()}
        if feedback and ready:
            ftask = progress.add_task("feedback", total=len(ready), last="")

            def fed(answer: dict[str, Any]) -> None:
                r = results[answer["student"]]
                out = feedback_root / r.student / assignment
                mine = outcomes.get(r.student, [])
                if answer["ok"]:
                    # The course's per-defect feedback goes into each notebook's own page: the
                    # only file a student's Fetch Feedback brings home. (A review-feedback.html
                    # left by an older course grade would be published where nobody can fetch it.)
                    (out / "review-feedback.html").unlink(missing_ok=True)
                    for notebook in dict.fromkeys(rc.notebook for rc in cells):
                        page = out / f"{notebook}.html"
                        chosen = [o for rc, o in zip(cells, mine) if rc.notebook == notebook]
                        if chosen and page.is_file():
                            inject_feedback(page, feedback_section(chosen))
                if not answer["ok"]:
                    r.note("no feedback", f"nbgrader feedback failed: {failure_reason(answer['log'], answer['error'])}")
                elif leaked := feedback_leaks(out, mine, secrets):
                    shutil.rmtree(out, ignore_errors=True)
                    r.escalate("flagged", "key text in feedback",
                               "its feedback would have shown answer-key text it did not earn "
                               f"({', '.join(leaked[:3])}): did the notebook read the key while it was graded? "
                               "Feedback held back")
                progress.update(ftask, advance=1, last=escape_markup(answer["student"]))

            pool.run([{"op": "feedback", "student": s} for s in ready], fed, limit)

    return ClassReport(assignment, root, [results[s] for s in students], grading / "summary.json",
                       grading / "summary.txt", feedback_root, time.monotonic() - began,
                       gradebook=cd.db_url, recorded=record)


def summary_table(report: ClassReport):
    """The closing table: one row per student, a few words on each, then the counts."""
    from rich.table import Table

    table = Table(title=f"{report.assignment}: {len(report.students)} submissions in {report.seconds:.0f} s",
                  title_justify="left", title_style="bold")
    table.add_column("student", overflow="fold")
    table.add_column("status")
    table.add_column("score", justify="right")
    table.add_column("why", overflow="fold")
    for r in report.students:
        score = "-" if r.score is None else f"{r.score:g}/{r.max_score:g}" + ("*" if r.needs_manual else "")
        table.add_row(escape_markup(r.student), f"[{STYLES[r.status]}]{r.status}[/]", score, ", ".join(r.tags))
    table.caption = "  ".join(f"[{STYLES[k]}]{report.count(k)} {k}[/]" for k in STATUSES) + (
        "   (* manual grading pending)" if any(r.needs_manual for r in report.students) else "")
    table.caption_justify = "left"
    return table


def summary_details(report: ClassReport) -> list[str]:
    """The full reasons behind the table, what needs the instructor first (rich markup)."""
    lines: list[str] = []
    for title, statuses in (("Needs you", ("flagged", "failed")), ("Repaired", ("repaired",))):
        rows = [r for r in report.students if r.status in statuses]
        if rows:
            lines.append(f"[bold]{title}[/]")
            for r in rows:
                for reason in r.reasons:
                    lines.append(f"  [{STYLES[r.status]}]{escape_markup(r.student)}[/]: {escape_markup(reason)}")
    noted = [r for r in report.students if r.notes]
    if noted:
        lines.append("[bold]Notes[/]")
        for r in noted:
            for n in r.notes:
                lines.append(f"  {escape_markup(r.student)}: {escape_markup(n)}")
    return lines


def escape_markup(text: str) -> str:
    """Student ids and file names are untrusted: no rich markup, no terminal control codes."""
    from rich.markup import escape

    return escape("".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text))


STYLES = {"graded": "green", "repaired": "cyan", "flagged": "bold yellow", "failed": "bold red"}
