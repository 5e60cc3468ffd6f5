"""Help in practice mode after a learner walk-through: a review submitted after hints or an
explanation was shown is scored "with help" (course.practice's practice_state says which defects
and what the review scores on one's own), does not pass the exercise in My Progress
(course.practice.overview), and a retry never counts a defect a second time in category recall."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from course.keys.bank import Bank
from course.practice import my_progress, practice
from course.practice.overview import overview
from course.practice.page import drills_due, first_steps, still_to_do
from course.practice.progress import progress_path
from course.practice.record import Attempt, DefectOutcome, LearnerRecord
from course.scoring.match import score

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "exercises"
SLUG = "catalog-search-filter"  # the warm-up: a blocker (3) and a minor (1) defect
OTHER = "order-lookup-endpoint"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A learner's folder with the course notebooks (they name the exercises)."""
    for nb in (ROOT / "notebooks").glob("0*.ipynb"):
        shutil.copy(nb, tmp_path / nb.name)
    return tmp_path


def flag(review, defect, comment: str) -> None:
    review.flag(defect.file, defect.lines[0], defect.category, comment, side=defect.side)


def attempt(day: int, score: float, *defects: DefectOutcome, exercise: str = SLUG) -> Attempt:
    return Attempt(f"2026-11-{day:02d}T10:00:00Z", exercise, "review", score, 1.0, 1.0, True, defects)


def a(status: str, helped: bool = False, id: str = "a") -> DefectOutcome:
    return DefectOutcome(id, status, "security", "injection", helped)


def b(status: str, helped: bool = False) -> DefectOutcome:
    return DefectOutcome("b", status, "edge-case", "boundary-off-by-one", helped)


# practice_state --------------------------------------------------------------------------------


def test_a_defect_found_after_its_hints_is_helped_and_the_score_on_your_own_is_given(tmp_path):
    review = practice(SLUG, bank=BANK, directory=tmp_path)
    key = Bank(BANK).get(SLUG).key
    first, second = key.defects
    flag(review, second, "wildcards")
    review.submit()
    state = review.practice_state()
    assert (state["with_help"], state["unaided_score"]) == (False, state["score"]) == (False, 0.25)
    assert [d["helped"] for d in state["defects"]] == [False, False]
    for _ in first.hints:
        review.next_hint(0)
    review.reveal(0)
    flag(review, first, "after the hints")
    review.submit()
    state = review.practice_state()
    assert state["score"] == 1.0 and state["with_help"] is True
    assert [d["helped"] for d in state["defects"]] == [True, False]
    alone = [f for f in review.findings if f.comment != "after the hints"]
    assert state["unaided_score"] == score(alone, key, review.verdict).score == 0.25
    # the help is kept with the submitted review: a restart shows the same
    again = practice(SLUG, bank=BANK, directory=tmp_path)
    assert (again.practice_state()["with_help"], again.practice_state()["unaided_score"]) == (True, 0.25)
    saved = json.loads(progress_path(review.store.path).read_text())
    assert saved["submitted"]["helped"] == [first.id]
    # the same review submitted again is the same attempt, with the same help
    review.submit()
    assert review.practice_state()["unaided_score"] == 0.25
    assert len(LearnerRecord(tmp_path).read().attempts) == 2


def test_a_hint_for_a_defect_still_missed_is_not_help_with_the_score(tmp_path):
    review = practice(SLUG, bank=BANK, directory=tmp_path)
    _, second = Bank(BANK).get(SLUG).key.defects
    review.submit()
    review.next_hint(0)  # a hint, but the blocker stays unflagged
    flag(review, second, "wildcards")  # found on one's own: no hint was shown for it
    review.submit()
    state = review.practice_state()
    assert state["with_help"] is False and state["unaided_score"] == state["score"] == 0.25
    assert [d["helped"] for d in state["defects"]] == [False, False]


def test_help_for_one_defect_leaves_another_found_alone_unhelped(tmp_path):
    """Walk-through 28: a defect found under another category, left as it was, read "with help"
    after hints for another defect and a resubmit (and My Progress drilled its pattern)."""
    review = practice(SLUG, bank=BANK, directory=tmp_path)
    first, second = Bank(BANK).get(SLUG).key.defects
    other = "concurrency"  # neither its category nor one it also accepts
    review.flag(second.file, second.lines[0], other, "wildcards", side=second.side)
    review.submit()
    assert [d["status"] for d in review.practice_state()["defects"]] == ["missed", "miscategorised"]
    review.next_hint(0)
    flag(review, first, "after a hint")
    review.submit()
    state = review.practice_state()
    assert [(d["status"], d["helped"]) for d in state["defects"]] == [("found", True), ("miscategorised", False)]
    alone = [f for f in review.findings if f.comment != "after a hint"]
    assert state["with_help"] and state["unaided_score"] == score(alone, Bank(BANK).get(SLUG).key, None).score > 0
    (last,) = LearnerRecord(tmp_path).read().attempts[-1:]
    assert [(d.status, d.helped) for d in last.defects] == [("found", True), ("miscategorised", False)]
    # told its category, the learner now files it there: that one is found with help
    (mine,) = [f for f in review.findings if f.comment == "wildcards"]
    review.edit(mine.id, category=second.category)
    review.submit()
    assert [d["helped"] for d in review.practice_state()["defects"]] == [True, True]


@pytest.mark.parametrize("helped", [None, "all", [1, None], {"x": 1}])
def test_an_old_or_bad_help_value_in_the_progress_file_reads_as_no_help(tmp_path, helped):
    review = practice(SLUG, bank=BANK, directory=tmp_path)
    first, _ = Bank(BANK).get(SLUG).key.defects
    review.submit()
    for _ in first.hints:
        review.next_hint(0)
    flag(review, first, "after the hints")
    review.submit()
    path = progress_path(review.store.path)
    data = json.loads(path.read_text())
    if helped is None:
        del data["submitted"]["helped"]  # a file written before help was kept
    else:
        data["submitted"]["helped"] = helped
    path.write_text(json.dumps(data))
    state = practice(SLUG, bank=BANK, directory=tmp_path).practice_state()
    assert state["score"] == 0.75 and state["with_help"] is False and state["unaided_score"] == 0.75
    assert [f.comment for f in practice(SLUG, bank=BANK, directory=tmp_path).findings] == ["after the hints"]


# My Progress -------------------------------------------------------------------------------------


def test_a_pass_with_help_is_not_a_pass_and_not_offered_as_a_retry(folder):
    bank = Bank(BANK)
    record = LearnerRecord(folder)
    record.append(attempt(1, 0.25, a("missed"), b("found")))
    record.append(attempt(2, 1.0, a("found", helped=True), b("found")))
    ov = overview(folder, bank)
    [stats] = ov.tried
    assert (stats.passed, stats.passed_with_help) == (False, True)
    assert ov.not_passed == [] and ov.helped == [stats]
    steps = first_steps(ov)
    assert not any("again" in s for s in steps)  # not a retry straight after the explanations
    [step] = [s for s in steps if "with help" in s]
    assert "drills" in step and SLUG in step
    # walk-through 12 read "You passed ... That does not count as passed" as a contradiction
    assert "a passing score, but only with help" in step and "You passed" not in step
    html = my_progress(folder, bank=BANK)._repr_mimebundle_()["text/html"]
    row = re.search(rf"<tr><td>{SLUG}<br>.*?</tr>", html).group(0)  # type: ignore[union-attr]
    assert row.endswith("<td>with help</td></tr>")
    assert "not yet passed (best" not in html  # nor listed among the exercises still to do
    # walk-throughs 6-7: the count of exercises still to do said "0 not yet passed" and nothing more
    assert "0 not yet passed, 1 passed only with help: their patterns come back as drills;" in still_to_do(ov)
    # a defect that had help but was missed does not make a pass "with help"
    record.append(attempt(3, 0.8, a("found"), b("missed", helped=True)))
    ov = overview(folder, bank)
    assert (ov.tried[0].passed, ov.tried[0].passed_with_help, ov.helped) == (True, False, [])
    html = my_progress(folder, bank=BANK)._repr_mimebundle_()["text/html"]
    assert re.search(rf"<tr><td>{SLUG}<br>.*?</tr>", html).group(0).endswith("<td>yes</td></tr>")  # type: ignore[union-attr]


def test_category_recall_counts_each_defect_once_per_exercise_from_its_first_review(folder):
    record = LearnerRecord(folder)
    record.append(attempt(1, 0.25, a("missed"), b("found")))
    record.append(attempt(2, 1.0, a("found", helped=True), b("found")))  # the retry
    record.append(attempt(3, 0.5, a("found", id="a"), exercise=OTHER))  # the same id elsewhere is another defect
    ov = overview(folder, Bank(BANK))
    stats = {c.category: (c.met, c.found, c.attempts) for c in ov.categories}
    assert stats == {"security": (2, 1, 2), "edge-case": (1, 1, 1)}
    [first] = [e for e in ov.tried if e.slug == SLUG]
    assert (len(first.attempts), first.best) == (2, 1.0)  # the retry is in the exercise's own row


def test_the_walk_through_submit_hints_reveal_submit_is_not_a_pass(folder):
    """The walk-through: submit, ask the hints and the explanation, flag what it shows, submit."""
    review = practice(SLUG, bank=BANK, directory=folder)
    first, second = Bank(BANK).get(SLUG).key.defects
    review.verdict = "request-changes"
    review.submit()
    for n, d in enumerate((first, second)):
        for _ in d.hints:
            review.next_hint(n)
        review.reveal(n)
        flag(review, d, "revealed")
    assert review.submit().score == 1.0
    state = review.practice_state()
    assert state["with_help"] is True and state["unaided_score"] == 0.0
    ov = overview(folder, Bank(BANK))
    [stats] = ov.tried
    assert (stats.passed, stats.passed_with_help) == (False, True)
    assert {c.category: (c.met, c.found) for c in ov.categories} == {
        first.category: (1 + (second.category == first.category), 0),
        **({second.category: (1, 0)} if second.category != first.category else {}),
    }


def test_a_verdict_put_right_after_the_score_showed_it_is_a_pass_with_help(folder):
    """Walk-through 19: on a correct change, Request changes scored 0% and the feedback said
    "expected approve"; Approve then scored 100%, and My Progress said "passed" unaided."""
    review = practice("cleanup-confirmation-guard", bank=BANK, directory=folder)
    review.verdict = "request-changes"
    assert review.submit().score == 0.0
    review.verdict = "approve"
    assert review.submit().score == 1.0
    state = review.practice_state()
    assert state["verdict_told"] is True and state["with_help"] is True
    assert [d for d in state["defects"] if d["helped"]] == []  # no defect: the score says so, no unaided part
    last = LearnerRecord(folder).read().attempts[-1]
    assert last.verdict_helped and last.to_dict()["verdict_helped"] is True
    assert Attempt.from_dict(last.to_dict()) == last
    [stats] = overview(folder, Bank(BANK)).tried
    assert (stats.passed, stats.passed_with_help) == (False, True)
    # a right verdict the first time is no help
    fresh = practice("cleanup-confirmation-guard", bank=BANK, directory=folder / "again")
    fresh.verdict = "approve"
    fresh.submit()
    assert (fresh.practice_state()["verdict_told"], fresh.practice_state()["with_help"]) == (False, False)
    assert not LearnerRecord(folder / "again").read().attempts[-1].verdict_helped
    assert "verdict_helped" not in LearnerRecord(folder / "again").read().attempts[-1].to_dict()


def test_drills_due_says_how_each_patterns_defects_fared_last_time(folder):
    """Walk-through 6: "last time: found with help, or miscategorised" did not say which."""
    record = LearnerRecord(folder)
    record.append(attempt(1, 0.5, a("found"), b("missed")))
    record.append(attempt(2, 1.0, a("found"), b("found", helped=True)))
    ov = overview(folder, Bank(BANK))
    assert (ov.last_time("injection"), ov.last_time("boundary-off-by-one")) == ("found", "found with help")
    html = drills_due(ov)
    assert "submissions with it" in html and "found with help, or miscategorised" not in html
    assert "<th>its defects in your latest of them</th>" in html  # not a running total (walk-through 23)
    assert ">found with help<" in html
    # two defects of one pattern that fared differently
    record.append(attempt(3, 0.5, a("found"), a("missed", id="a2"), b("miscategorised")))
    ov = overview(folder, Bank(BANK))
    assert ov.last_time("injection") == "1 of 2 found; 1 of 2 missed"
    assert ov.last_time("boundary-off-by-one") == "found under another category"


def test_my_progress_gives_no_recall_or_precision_for_a_correct_change(folder):
    """Walk-through 19 read "recall 100% -> 100%, precision 0% -> 0%" for a change with no defects."""
    review = practice("cleanup-confirmation-guard", bank=BANK, directory=folder)
    review.verdict = "approve"
    review.submit()
    html = my_progress(folder, bank=BANK)._repr_mimebundle_()["text/html"]
    row = re.search(r"<tr><td>cleanup-confirmation-guard<br>.*?</tr>", html).group(0)  # type: ignore[union-attr]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[3:6] == ["100%", "–", "–"], cells
