"""Spaced practice (course.practice.schedule, course.practice.drills): one FSRS card per pattern,
replayed from the learner record, and drills cut from the bank around a due pattern's defect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler

from course.keys.bank import Bank
from course.practice import drill, my_progress
from course.practice.drills import Drill, NoDrill, cut, next_drill
from course.practice.record import Attempt, DefectOutcome, LearnerRecord
from course.practice.schedule import cards, due_cards

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "exercises"
T0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


def fsrs_due(*ratings: Rating, at: dt.datetime = T0, step: dt.timedelta = dt.timedelta(0)) -> dt.datetime:
    """The due date the fsrs package itself gives for these reviews (days, no fuzz)."""
    sched = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = Card()
    for n, r in enumerate(ratings):
        card, _ = sched.review_card(card, r, review_datetime=at + n * step)
    return card.due


def attempt(when: dt.datetime, *defects: DefectOutcome, exercise: str = "x", kind: str = "review", drill: str = ""):
    return Attempt(when.isoformat().replace("+00:00", "Z"), exercise, kind, 0.5, 0.5, 1.0, True, tuple(defects), drill)


def outcome(status: str, pattern: str, helped: bool = False, id: str = "d") -> DefectOutcome:
    return DefectOutcome(id, status, "logic", pattern, helped)


def test_a_miss_comes_back_sooner_than_a_hit_on_the_dates_fsrs_gives():
    got = cards([attempt(T0, outcome("missed", "fail-open", id="a"), outcome("found", "injection", id="b"))])
    assert got["fail-open"].due < got["injection"].due
    assert got["fail-open"].due == fsrs_due(Rating.Again)
    assert got["injection"].due == fsrs_due(Rating.Good)
    assert got["fail-open"].due > T0  # not due at once: spaced, in days


def test_a_pattern_is_rated_by_its_worst_defect_and_help_makes_a_find_hard():
    got = cards(
        [
            attempt(T0, outcome("found", "injection", id="a"), outcome("missed", "injection", id="b")),
            attempt(T0, outcome("found", "fail-open", helped=True), exercise="y"),
            attempt(T0, outcome("miscategorised", "missing-timeout"), exercise="z"),
        ]
    )
    assert got["injection"].last_rating == Rating.Again and got["injection"].due == fsrs_due(Rating.Again)
    assert got["fail-open"].last_rating == Rating.Hard and got["fail-open"].due == fsrs_due(Rating.Hard)
    assert got["missing-timeout"].last_rating == Rating.Hard


def test_each_good_review_spaces_the_pattern_further_and_a_lapse_brings_it_back():
    day = dt.timedelta(days=3)
    goods = [attempt(T0 + n * day, outcome("found", "injection")) for n in range(3)]
    due = [cards(goods[: n + 1])["injection"].due - (T0 + n * day) for n in range(3)]
    assert due[0] < due[1] < due[2]
    assert cards(goods)["injection"].due == fsrs_due(Rating.Good, Rating.Good, Rating.Good, step=day)
    lapse = cards([*goods, attempt(T0 + 3 * day, outcome("missed", "injection"))])["injection"]
    assert lapse.due - (T0 + 3 * day) < due[2]


def test_due_cards_lists_what_is_due_and_what_comes_next():
    attempts = [attempt(T0, outcome("missed", "fail-open", id="a"), outcome("found", "injection", id="b"))]
    now = fsrs_due(Rating.Again) + dt.timedelta(minutes=1)
    due, upcoming = due_cards(attempts, now)
    assert [c.pattern for c in due] == ["fail-open"]
    assert upcoming is not None and upcoming.pattern == "injection"


def test_the_cut_is_the_hunks_around_the_defect_with_its_own_key():
    exercise = Bank(BANK).get("stack-auto-remediation")
    defect = next(d for d in exercise.key.defects if d.pattern == "swallowed-error")
    bundle, key = cut(exercise, defect, slug="drill-test")
    assert bundle.slug == "drill-test" and [f.path for f in bundle.diff.files] == [defect.file]
    shown = list(bundle.diff.lines())
    assert len(shown) < 40 < sum(1 for _ in exercise.diff.lines())
    for n in range(defect.lines[0], defect.lines[1] + 1):  # the defect's lines, at their own numbers
        assert bundle.diff.has_line(defect.file, defect.side, n)
        assert bundle.diff.file(defect.file).line(defect.side, n) == exercise.diff.file(defect.file).line(
            defect.side, n
        )
    assert key.defects[0].id == defect.id and key.verdict == "request-changes"
    assert "ledger-check-then-act" not in [d.id for d in key.defects]  # another file's defect is not in the cut


def test_the_cut_keeps_other_defects_and_decoys_inside_it():
    exercise = Bank(BANK).get("catalog-search-filter")
    first, second = exercise.key.defects
    bundle, key = cut(exercise, first, slug="drill-test")
    assert [d.id for d in key.defects] == [first.id, second.id]  # flagging the other one is no false positive
    inside = [d for d in exercise.key.decoys if bundle.diff.has_line(d.file, d.side, d.lines[0])]
    assert list(key.decoys) == inside and inside


def record_miss(directory: Path, slug: str, pattern: str, days_ago: float = 3) -> None:
    key = Bank(BANK).get(slug).key
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    defects = [
        DefectOutcome(d.id, "missed" if d.pattern == pattern else "found", d.category, d.pattern) for d in key.defects
    ]
    LearnerRecord(directory).append(attempt(when, *defects, exercise=slug))


def test_no_record_no_drill_and_the_note_says_how_to_start(tmp_path):
    found = next_drill(tmp_path, Bank(BANK))
    assert isinstance(found, NoDrill) and "Submit a practice review first" in found.message


def test_nothing_due_says_when_the_next_drill_is(tmp_path):
    record_miss(tmp_path, "order-lookup-endpoint", "missing-authorisation", days_ago=0)
    found = next_drill(tmp_path, Bank(BANK))
    assert isinstance(found, NoDrill)
    due = cards(LearnerRecord(tmp_path).read().attempts)["missing-authorisation"].due
    assert f"is due {due:%Y-%m-%d %H:%M} UTC" in found.message


def test_a_due_drill_comes_only_from_exercises_already_reviewed(tmp_path):
    # unescaped-output is in three exercises of the bank; only the one reviewed is drilled
    record_miss(tmp_path, "product-review-xss", "unescaped-output")
    seen = set()
    for _ in range(3):
        found = next_drill(tmp_path, Bank(BANK))
        assert isinstance(found, Drill) and found.pattern == "unescaped-output"
        assert found.exercise.slug == "product-review-xss"
        seen.add(found.defect.id)
        LearnerRecord(tmp_path).append(
            attempt(
                dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
                DefectOutcome(found.defect.id, "missed", found.defect.category, "unescaped-output"),
                exercise="product-review-xss",
                kind="drill",
                drill=found.defect.id,
            )
        )
    assert len(seen) == 2  # both of its defects of that pattern, in turn


def test_a_drill_round_trip_scores_records_and_reschedules(tmp_path):
    record_miss(tmp_path, "catalog-search-filter", "injection")
    before = cards(LearnerRecord(tmp_path).read().attempts)["injection"].due
    assert before < dt.datetime.now(dt.UTC)
    review = drill(tmp_path, bank=BANK)
    again = drill(tmp_path, bank=BANK)
    assert again.sidecar == review.sidecar  # the same drill until it is submitted
    assert review.sidecar.parent == tmp_path / ".drills"
    defect = review._exercise().key.defects[0]
    review.flag(defect.file, defect.lines[0], defect.category, "found it", side=defect.side)
    result = review.submit()
    assert result.defects[0].status == "found"
    last = LearnerRecord(tmp_path).read().attempts[-1]
    assert (last.kind, last.exercise, last.drill) == ("drill", "catalog-search-filter", defect.id)
    after = cards(LearnerRecord(tmp_path).read().attempts)["injection"].due
    assert after > dt.datetime.now(dt.UTC) > before
    assert drill(tmp_path, bank=BANK, pattern="injection").sidecar != review.sidecar  # a new round
    assert isinstance(drill(tmp_path, bank=BANK), NoDrill)


def test_my_progress_lists_the_drills_due(tmp_path):
    record_miss(tmp_path, "catalog-search-filter", "injection")
    view = my_progress(tmp_path, bank=BANK)
    html = view._repr_mimebundle_()["text/html"]
    assert "<h3>Drills due</h3>" in html and "1 pattern is due" in html and "<b>due now</b>" in html
    assert [c.pattern for c in view.overview.due] == ["injection"]
    assert "Do your due drills (injection)" in view.next_steps[0]


def test_an_unknown_pattern_is_refused_with_the_closest_name():
    with pytest.raises(ValueError, match="no pattern 'typo'"):
        drill(bank=BANK, pattern="typo")
    with pytest.raises(ValueError, match="did you mean fail-open"):
        drill(bank=BANK, pattern="fail-opn")


def test_a_drills_decoys_say_where_the_code_they_cite_outside_the_cut_is():
    """Walk-through 17: a drill's decoy said "see `showThanks`", a function the drill's cut did not
    show. A function a decoy names, defined elsewhere in the pull request and not in the cut, comes
    with its file's name or its line."""
    import re

    bank = Bank(BANK)
    unplaced = []
    for slug in bank.slugs():
        exercise = bank.get(slug)
        for defect in exercise.key.defects:
            bundle, key = cut(exercise, defect, slug="drill-test")
            shown = "\n".join(line.text for _, line in bundle.diff.lines())
            for decoy in key.decoys:
                for name in set(re.findall(r"`([A-Za-z_]\w*)(?:\(\))?`", decoy.why_fine)):
                    defined = re.compile(rf"\b(?:def|function|func|class)\s+(?:\([^)]*\)\s*)?{name}\b")
                    for fd, line in exercise.diff.lines():
                        if not defined.search(line.text) or re.search(rf"\b{name}\b", shown):
                            continue
                        where = (fd.path.rsplit("/", 1)[-1], f"line {line.new or line.old}")
                        if not any(w in decoy.why_fine for w in where):
                            unplaced.append(f"{slug}, drill of {defect.id}: the decoy at {decoy.file}:{decoy.lines}")
                            unplaced.append(f"  cites `{name}` ({fd.path}) without saying where")
    assert unplaced == []
