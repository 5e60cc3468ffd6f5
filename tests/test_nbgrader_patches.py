"""Every patch of nbgrader's internals (course/grading/patches.py) takes effect, and each is
skipped or refused, with a warning, on an nbgrader version it was not checked on."""

from __future__ import annotations

import inspect
import logging
import sys
from pathlib import Path

import nbformat
import pytest

from course.grading import GradingError, patches

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCE_NB = FIXTURES / "source" / "fixture-review" / "cart-review.ipynb"


@pytest.fixture
def fresh(monkeypatch, caplog):
    """Patches applied here are undone after the test; warnings are shown again."""
    import nbgrader.api as api
    import nbgrader.nbgraderformat.common as common

    monkeypatch.setattr(common, "jsonschema", common.jsonschema)
    monkeypatch.setattr(api, "create_engine", api.create_engine)
    monkeypatch.setattr(api, "inspect", api.inspect)
    monkeypatch.setattr(api.Base.metadata, "create_all", api.Base.metadata.create_all)
    monkeypatch.setattr(api.Gradebook, "check_course", api.Gradebook.check_course)
    monkeypatch.setattr(api.Gradebook, "close", api.Gradebook.close)
    monkeypatch.setattr(patches, "_applied", set())
    monkeypatch.setattr(patches, "_shared", [])
    monkeypatch.setattr(patches, "_warned", set())
    caplog.set_level(logging.WARNING, logger="course.grading.patches")
    return caplog


@pytest.fixture
def unchecked_version(fresh, monkeypatch):
    monkeypatch.setattr(patches, "nbgrader_version", lambda: "0.0.1")
    return fresh


def warned(caplog, what: str) -> bool:
    return any(what in r.getMessage() and "not 0.0.1" in r.getMessage() for r in caplog.records)


def test_the_installed_nbgrader_is_one_the_patches_were_checked_on():
    assert patches.nbgrader_version() in patches.CHECKED_ON


# the metadata validator ----------------------------------------------------------------------


def _validators_built(monkeypatch) -> tuple[int, int]:
    """(validators built, cells validated) while nbgrader validates the fixture notebook 3 times."""
    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator

    built: list[object] = []
    real = jsonschema.validators.validator_for

    def spy(schema, *args, **kwargs):
        if isinstance(schema, dict) and "grade_id" in schema.get("properties", {}):  # nbgrader's schema
            built.append(schema)
        return real(schema, *args, **kwargs)

    monkeypatch.setattr(jsonschema.validators, "validator_for", spy)
    nb = nbformat.read(SOURCE_NB, as_version=4)
    cells = sum("nbgrader" in c.metadata for c in nb.cells)
    validator = MetadataValidator()
    for _ in range(3):
        validator.validate_nb(nb)
    return len(built), 3 * cells


def test_the_metadata_validator_is_built_once(fresh, monkeypatch):
    before, cells = _validators_built(monkeypatch)
    assert before == cells > 3  # unpatched: one validator per cell validated
    assert patches.cache_metadata_validator()
    after, _ = _validators_built(monkeypatch)
    assert after == 1


def test_the_cached_validator_still_rejects_bad_metadata(fresh):
    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator

    assert patches.cache_metadata_validator()
    nb = nbformat.read(SOURCE_NB, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    cell.metadata["nbgrader"]["points"] = "ten"
    with pytest.raises(jsonschema.ValidationError):
        MetadataValidator().validate_cell(cell)


def test_the_validator_is_left_alone_on_another_nbgrader(unchecked_version):
    import nbgrader.nbgraderformat.common as common

    original = common.jsonschema
    assert patches.cache_metadata_validator() is False
    assert common.jsonschema is original
    assert warned(unchecked_version, "cached metadata validator")


# the gradebook engine ------------------------------------------------------------------------


def _two_engines(tmp_path):
    from nbgrader.api import Gradebook

    from course.grading.nbconfig import environ, nbgrader_env

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with environ(PATH=nbgrader_env()["PATH"]), Gradebook(url) as first, Gradebook(url) as second:
        return first.engine, second.engine


def test_the_engine_is_reused(fresh, tmp_path):
    one, two = _two_engines(tmp_path)
    assert one is not two  # unpatched: an engine per Gradebook
    assert patches.share_engines()
    one, two = _two_engines(tmp_path)
    assert one is two


def test_the_engine_is_left_alone_on_another_nbgrader(unchecked_version, tmp_path):
    assert patches.share_engines() is False
    one, two = _two_engines(tmp_path)
    assert one is not two
    assert warned(unchecked_version, "shared gradebook engine")


# the schema made once, the connections kept ---------------------------------------------------


def _count_gradebook_steps(monkeypatch) -> dict[str, int]:
    """Count nbgrader's create_all and check_course calls and new database connections from now
    on (a patch applied afterwards wraps the counters, so they see what it lets through)."""
    import nbgrader.api as api
    from sqlalchemy import event

    counts = {"create_all": 0, "check_course": 0, "connect": 0}
    create_all, check_course, create_engine = (
        api.Base.metadata.create_all,
        api.Gradebook.check_course,
        api.create_engine,
    )

    def counted_create_all(*args, **kwargs):
        counts["create_all"] += 1
        return create_all(*args, **kwargs)

    def counted_check_course(self, *args, **kwargs):
        counts["check_course"] += 1
        return check_course(self, *args, **kwargs)

    def connected(*_):
        counts["connect"] += 1

    def counted_engine(url, **kwargs):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", connected)
        return engine

    monkeypatch.setattr(api.Base.metadata, "create_all", counted_create_all)
    monkeypatch.setattr(api.Gradebook, "check_course", counted_check_course)
    monkeypatch.setattr(api, "create_engine", counted_engine)
    return counts


def _three_gradebooks(folder: Path) -> list[str]:
    """Open a Gradebook of one new SQLite file three times, adding a student each time; the
    students it then holds."""
    import nbgrader.api as api

    from course.grading.nbconfig import environ, nbgrader_env

    folder.mkdir()
    url = f"sqlite:///{folder / 'gradebook.db'}"
    with environ(PATH=nbgrader_env()["PATH"]):
        for n in range(3):
            with api.Gradebook(url, "a-course") as gb:
                gb.add_student(f"s{n}")
        with api.Gradebook(url, "a-course") as gb:
            return sorted(s.id for s in gb.students)


def test_the_schema_and_course_are_made_once_per_engine(fresh, tmp_path, monkeypatch):
    counts = _count_gradebook_steps(monkeypatch)
    assert _three_gradebooks(tmp_path / "unpatched") == ["s0", "s1", "s2"]
    assert counts == {"create_all": 4, "check_course": 4, "connect": 4}  # every Gradebook
    counts.update(create_all=0, check_course=0, connect=0)
    assert patches.schema_once()
    assert _three_gradebooks(tmp_path / "patched") == ["s0", "s1", "s2"]
    assert counts["create_all"] == counts["check_course"] == 1  # the first Gradebook's only
    assert counts["connect"] == 4  # connections are keep_connections' business


def test_the_connections_are_kept(fresh, tmp_path, monkeypatch):
    counts = _count_gradebook_steps(monkeypatch)
    assert patches.keep_connections()
    assert _three_gradebooks(tmp_path / "patched") == ["s0", "s1", "s2"]
    assert counts["connect"] == 1
    assert counts["create_all"] == counts["check_course"] == 4  # schema_once's business


def test_the_schema_and_connections_are_left_alone_on_another_nbgrader(unchecked_version, tmp_path, monkeypatch):
    counts = _count_gradebook_steps(monkeypatch)
    assert patches.schema_once() is False
    assert patches.keep_connections() is False
    assert _three_gradebooks(tmp_path / "unpatched") == ["s0", "s1", "s2"]
    assert counts == {"create_all": 4, "check_course": 4, "connect": 4}
    assert warned(unchecked_version, "schema made once")
    assert warned(unchecked_version, "connections kept open")


# jsonschema without rfc3987_syntax -----------------------------------------------------------

IRI_CHECK = """
import sys
from course.grading import patches
print(patches.skip_iri_syntax())
import nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
print(sys.modules.get("rfc3987_syntax", "absent"))
"""


def test_a_grading_process_skips_the_iri_grammar(tmp_path):
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", IRI_CHECK, str(SOURCE_NB)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "None"]  # applied, the import refused, and nbformat validates as before


def test_the_iri_grammar_is_left_alone_on_another_nbgrader(unchecked_version, monkeypatch):
    monkeypatch.delitem(sys.modules, "jsonschema", raising=False)
    monkeypatch.delitem(sys.modules, "rfc3987_syntax", raising=False)
    assert patches.skip_iri_syntax() is False
    assert "rfc3987_syntax" not in sys.modules
    assert warned(unchecked_version, "rfc3987_syntax")


def test_the_iri_grammar_is_left_alone_once_jsonschema_is_imported(fresh):
    import jsonschema  # noqa: F401

    assert patches.skip_iri_syntax() is False


# the kernel without debugpy ------------------------------------------------------------------


def _kernel_has_debugpy(pythonpath: str | None) -> bool:
    import os

    from jupyter_client.manager import start_new_kernel

    env = dict(os.environ, PYTHONPATH=pythonpath or "")
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    out: list[str] = []
    try:
        reply = kc.execute_interactive(
            "import sys; print('debugpy' in sys.modules)",
            timeout=60,
            output_hook=lambda msg: out.append(msg["content"].get("text", "")),
        )
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return "".join(out).strip() == "True"


@pytest.mark.slow
def test_the_kernel_starts_without_debugpy(fresh, tmp_path):
    assert _kernel_has_debugpy(None)  # unpatched: ipykernel imports the debugger
    folder = patches.no_debugger_path(tmp_path)
    assert folder is not None
    assert not _kernel_has_debugpy(folder)


def test_the_kernel_keeps_debugpy_on_another_nbgrader(unchecked_version, tmp_path):
    assert patches.no_debugger_path(tmp_path) is None
    assert not (tmp_path / "no-debugger").exists()
    assert warned(unchecked_version, "kernel without debugpy")


# the scratch gradebook without `alembic heads` -----------------------------------------------


def _open(url: str, monkeypatch) -> None:
    import nbgrader.api as api

    def no_alembic():
        raise AssertionError("nbgrader ran `alembic heads`")

    monkeypatch.setattr(api, "get_alembic_version", no_alembic)
    with api.Gradebook(url) as gb:
        assert gb.students == []


def test_the_scratch_gradebook_is_made_without_alembic_heads(fresh, tmp_path, monkeypatch):
    (tmp_path / "scratch.db").write_text("an old one")
    url = patches.scratch_gradebook(tmp_path / "scratch.db")
    assert url == f"sqlite:///{tmp_path / 'scratch.db'}"
    _open(url, monkeypatch)  # tables created, no stamp asked for


def test_the_scratch_gradebook_is_stamped_by_nbgrader_on_another_version(unchecked_version, tmp_path, monkeypatch):
    (tmp_path / "scratch.db").write_text("an old one")
    url = patches.scratch_gradebook(tmp_path / "scratch.db")
    assert not (tmp_path / "scratch.db").exists()
    with pytest.raises(AssertionError, match="alembic heads"):
        _open(url, monkeypatch)
    assert warned(unchecked_version, "alembic heads")


# the feedback preprocessors ------------------------------------------------------------------


def test_the_feedback_preprocessors_are_nbgraders_with_hidden_tests_cleared(fresh):
    from nbgrader.converters import GenerateFeedback
    from traitlets.utils.importstring import import_item

    defaults = GenerateFeedback.class_traits()["preprocessors"].default()
    ours = patches.feedback_preprocessors([])
    assert ours is not None
    classes = [import_item(p) for p in ours]
    assert [
        c for c in classes if c.__module__.split(".")[0] != "course" and c.__name__ != "ClearHiddenTests"
    ] == defaults
    assert [c.__name__ for c in classes[1:3]] == ["ClearHiddenTests", "ShortenTestTracebacks"]
    configured = ["nbgrader.preprocessors.ClearHiddenTests", "course.grading.preprocessors.ShortenTestTracebacks"]
    assert patches.feedback_preprocessors(configured) is None


def test_the_feedback_preprocessors_are_refused_on_another_nbgrader(unchecked_version):
    with pytest.raises(GradingError, match=r"set c\.GenerateFeedback\.preprocessors"):
        patches.feedback_preprocessors(["nbgrader.preprocessors.GetGrades"])
    configured = ["nbgrader.preprocessors.ClearHiddenTests", "course.grading.preprocessors.ShortenTestTracebacks"]
    assert patches.feedback_preprocessors(configured) is None  # configured by the course: nothing copied


# reading nbgrader's log ----------------------------------------------------------------------


def test_the_log_texts_read_are_nbgraders_own(fresh, tmp_path):
    import nbgrader.converters.base as base

    source = inspect.getsource(base)
    assert "the kernel became " in source and '"unresponsive and we could not' in source
    assert hasattr(base, "NbGraderException")
    assert "ignores interrupts" in patches.failure_reason("the kernel became unresponsive and we could not", "")
    assert patches.failure_reason("x\nKeyError: 'grade_id'", "NbGraderException: see above") == "KeyError: 'grade_id'"
    assert patches.is_conflict('psycopg.errors.UniqueViolation: duplicate key value violates "notebook_pkey"')
    assert patches.is_locked("sqlite3.OperationalError: database is locked")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("while True: pass")])
    nb.cells[0].outputs = [nbformat.v4.new_output("error", ename="CellTimeoutError", evalue="", traceback=[])]
    nbformat.write(nb, tmp_path / "graded.ipynb")
    assert patches.timed_out(tmp_path / "graded.ipynb")


def test_the_log_is_not_read_on_another_nbgrader(unchecked_version, tmp_path):
    assert patches.failure_reason("the kernel became unresponsive\nlast line", "") == "last line"
    assert not patches.is_conflict("IntegrityError: UNIQUE constraint failed")
    assert not patches.is_locked("database is locked")
    assert warned(unchecked_version, "reading nbgrader's log")


# a kernel that never answered ----------------------------------------------------------------


def test_the_kernel_start_failures_read_are_jupyter_clients_own():
    import jupyter_client.client

    source = inspect.getsource(jupyter_client.client)
    assert "Kernel didn't respond in %d seconds" in source
    assert '"Kernel died before replying to kernel_info"' in source
    assert patches.kernel_did_not_start("RuntimeError: Kernel didn't respond in 60 seconds")
    assert not patches.kernel_did_not_start("CellTimeoutError: A cell timed out while it was being executed")


@pytest.mark.parametrize(
    ("first", "runs", "again"),
    [("RuntimeError: Kernel didn't respond in 60 seconds", 2, True), ("NameError: name 'x' is not defined", 1, False)],
)
def test_a_student_whose_kernel_never_answered_is_graded_once_more(monkeypatch, first, runs, again):
    from course.grading import nbrun, worker

    outcomes = [nbrun.AppRun(False, "log", first), nbrun.AppRun(True, "graded", "")]
    calls = []
    monkeypatch.setattr(nbrun, "run_app", lambda *a, **k: calls.append(a) or outcomes[len(calls) - 1])
    answer = worker._grade_one(object(), "review", {"op": "autograde", "student": "s1"})
    assert len(calls) == runs
    assert answer["ok"] is again and answer["kernel_retry"] is again
    assert answer["error"] == ("" if again else first)
