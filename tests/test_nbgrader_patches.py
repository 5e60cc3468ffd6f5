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
    monkeypatch.setattr(patches, "_applied", set())
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
