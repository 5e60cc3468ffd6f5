"""The learner record (course.practice.record) and My Progress (course.practice.my_progress):
every practice submission lands in `.learner-record.json`, which is read as hostile input, never
loses an attempt to a second writer, holds no key text, and feeds the progress page."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from course.keys.bank import Bank
from course.practice import my_progress, practice
from course.practice.record import RECORD_NAME, Attempt, DefectOutcome, LearnerRecord

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "exercises"
SLUG = "catalog-search-filter"


def attempt(n: int, exercise: str = SLUG, **changes) -> Attempt:
    fields = dict(
        time=f"2026-11-{n % 28 + 1:02d}T10:00:00Z",
        exercise=exercise,
        kind="review",
        score=0.5,
        recall=0.5,
        precision=1.0,
        verdict_correct=True,
        defects=(
            DefectOutcome("a", "found", "security", "injection"),
            DefectOutcome("b", "missed", "edge-case", "boundary-off-by-one", helped=True),
        ),
    )
    fields.update(changes)
    return Attempt(**fields)


def test_attempts_round_trip_through_the_file(tmp_path):
    record = LearnerRecord(tmp_path)
    first, second = attempt(1), attempt(2, kind="drill", drill="b", score=1.0, recall=1.0)
    record.append(first)
    record.append(second)
    state = LearnerRecord(tmp_path).read()
    assert state.attempts == [first, second]
    assert state.notes == []
    data = json.loads((tmp_path / RECORD_NAME).read_text())
    assert data["attempts"][1]["drill"] == "b" and data["attempts"][1]["kind"] == "drill"
    assert [d["status"] for d in data["attempts"][0]["defects"]] == ["found", "missed"]


def test_a_corrupt_record_is_moved_aside_with_a_note_and_a_fresh_one_started(tmp_path):
    path = tmp_path / RECORD_NAME
    path.write_bytes(b'{"schema": 1, "attempts": [')
    state = LearnerRecord(tmp_path).read()
    assert state.attempts == []
    moved = sorted(tmp_path.glob(f"{RECORD_NAME}.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == b'{"schema": 1, "attempts": ['  # kept whole
    assert len(state.notes) == 1 and moved[0].name in state.notes[0] and "not valid JSON" in state.notes[0]
    LearnerRecord(tmp_path).append(attempt(3))  # the fresh record takes attempts, and keeps the note
    again = LearnerRecord(tmp_path).read()
    assert len(again.attempts) == 1 and again.notes == state.notes
    # My Progress says so
    html = my_progress(tmp_path, bank=BANK)._repr_mimebundle_()["text/html"]
    assert moved[0].name in html and "moved, unchanged" in html


def test_unreadable_attempts_are_left_out_but_the_readable_ones_carried_over(tmp_path):
    good = attempt(1).to_dict()
    bad = {**attempt(2).to_dict(), "score": 7}  # not a score
    worse = {**attempt(3).to_dict(), "kind": "exam"}
    (tmp_path / RECORD_NAME).write_text(json.dumps({"schema": 1, "attempts": [good, bad, worse]}))
    state = LearnerRecord(tmp_path).read()
    assert [a.to_dict() for a in state.attempts] == [good]
    assert (
        "2 attempts that could not be read" in state.notes[0]
        and "1 readable attempts were carried over" in state.notes[0]
    )
    moved = list(tmp_path.glob(f"{RECORD_NAME}.corrupt-*"))
    assert len(json.loads(moved[0].read_text())["attempts"]) == 3  # nothing lost: the original is whole


def test_a_symbolic_link_is_never_followed(tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps({"schema": 1, "attempts": [attempt(1).to_dict()]}))
    os.symlink(target, tmp_path / RECORD_NAME)
    record = LearnerRecord(tmp_path)
    assert record.read().attempts == []
    record.append(attempt(2))
    assert json.loads(target.read_text())["attempts"] == [attempt(1).to_dict()]  # untouched
    assert not (tmp_path / RECORD_NAME).is_symlink()


def _append_many(directory: str, writer: int, n: int) -> None:
    record = LearnerRecord(directory)
    for i in range(n):
        record.append(attempt(i, exercise=f"writer-{writer}-{i}"))


def test_two_writers_at_once_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(str(tmp_path), w, 25)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    names = sorted(a.exercise for a in LearnerRecord(tmp_path).read().attempts)
    assert names == sorted(f"writer-{w}-{i}" for w in (1, 2) for i in range(25))


def _flag_first_defect(review) -> None:
    defect = Bank(BANK).get(SLUG).key.defects[0]
    review.flag(defect.file, defect.lines[0], defect.category, "found it", side=defect.side)
    review.verdict = "request-changes"


def test_a_submission_is_recorded_once_with_its_outcomes_and_no_key_text(tmp_path):
    review = practice(SLUG, bank=BANK, directory=tmp_path)
    _flag_first_defect(review)
    result = review.submit()
    review.submit()  # the same review again: one attempt, not two
    state = LearnerRecord(tmp_path).read()
    assert len(state.attempts) == 1
    got = state.attempts[0]
    assert (got.exercise, got.kind, got.score, got.recall, got.precision) == (
        SLUG,
        "review",
        result.score,
        result.recall,
        result.precision,
    )
    key = Bank(BANK).get(SLUG).key
    assert [(d.id, d.status, d.category, d.pattern) for d in got.defects] == [
        (r.defect.id, r.status, r.defect.category, r.defect.pattern) for r in result.defects
    ]
    assert got.defects[0].status == "found" and got.defects[0].pattern
    text = (tmp_path / RECORD_NAME).read_text()
    for d in key.defects:
        for secret in (d.title, d.explanation, *d.hints):
            assert secret not in text
    review.flag(key.defects[1].file, key.defects[1].lines[0], key.defects[1].category, "and this")
    review.submit()
    assert len(LearnerRecord(tmp_path).read().attempts) == 2


def test_a_re_executed_notebook_records_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    review = practice(SLUG, bank=BANK, directory=tmp_path)
    _flag_first_defect(review)
    review.submit()
    assert not (tmp_path / RECORD_NAME).exists()


def test_my_progress_with_no_record_says_how_to_start(tmp_path):
    view = my_progress(tmp_path, bank=BANK)
    html = view._repr_mimebundle_()["text/html"]
    assert "No practice recorded yet" in html and "Submit review" in html and "00.00-Start-Here" in html
    assert SLUG in html  # an exercise to start with
    assert "<img" not in html


def test_my_progress_shows_attempts_per_exercise_and_category_with_a_plot(tmp_path):
    record = LearnerRecord(tmp_path)
    record.append(attempt(1, score=0.25, recall=0.5))
    record.append(attempt(2, score=0.875, recall=1.0, defects=(DefectOutcome("a", "found", "security", "injection"),)))
    (tmp_path / "00.00-Start-Here.ipynb").write_text(json.dumps({"cells": [f'practice("{SLUG}")']}))
    view = my_progress(tmp_path, bank=BANK)
    ov = view.overview
    [stats] = ov.tried
    assert (stats.slug, len(stats.attempts), stats.best, stats.passed) == (SLUG, 2, 0.875, True)
    # each defect counts once, as the first review of the exercise found it: the retry is in the row
    assert {c.category: (c.met, c.found) for c in ov.categories} == {"security": (1, 1), "edge-case": (1, 0)}
    assert ov.weakest is None  # one edge-case defect met is too few to call it weak (MIN_WEAK)
    assert stats.notebook == "00.00-Start-Here.ipynb"
    html = view._repr_mimebundle_()["text/html"]
    assert "25% → 88%" in html  # the score over time
    assert 'src="data:image/png;base64,iVBOR' in html  # a PNG plot
    assert "weakest category" not in html
    assert "23 not tried" in html and "product-review-xss" in html
    assert "Not yet passed" not in html


def test_record_text_is_escaped_on_the_page(tmp_path):
    hostile = '<img src=x onerror="alert(1)">'
    record = LearnerRecord(tmp_path)
    record.append(attempt(1, exercise=hostile))
    html = my_progress(tmp_path, bank=BANK)._repr_mimebundle_()["text/html"]
    assert hostile not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_an_unreadable_bank_still_shows_the_record(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BANK", str(tmp_path / "no-such-bank"))
    LearnerRecord(tmp_path).append(attempt(1))
    html = my_progress(tmp_path)._repr_mimebundle_()["text/html"]
    assert SLUG in html and "the exercise bank could not be read" in html


@pytest.mark.parametrize("bad", [{"time": "yesterday"}, {"recall": True}, {"defects": [{"id": "a"}]}])
def test_an_attempt_that_is_not_well_formed_is_refused(bad):
    with pytest.raises(ValueError):
        Attempt.from_dict({**attempt(1).to_dict(), **bad})


def test_help_is_recorded_for_hints_and_reveals_of_a_missed_defect_only(tmp_path):
    """A defect found after its hints were shown was found with help; reading the explanation
    of a defect already found unaided is not help."""
    review = practice(SLUG, bank=BANK, directory=tmp_path)
    first, second = Bank(BANK).get(SLUG).key.defects
    review.flag(first.file, first.lines[0], first.category, "found it", side=first.side)
    review.submit()
    review.reveal(0)  # found: its explanation may be read at once
    review.next_hint(1)  # missed: a hint
    review.flag(second.file, second.lines[0], second.category, "after the hint", side=second.side)
    review.submit()
    last = LearnerRecord(tmp_path).read().attempts[-1]
    assert {d.id: (d.status, d.helped) for d in last.defects} == {
        first.id: ("found", False),
        second.id: ("found", True),
    }
