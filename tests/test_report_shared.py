"""Shared answers (course/report/shared.py): copied reviews are flagged in groups, with the
evidence; honest students who find the same defects are not; untrusted text stays escaped."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from support.synthetic import ClassBuilder, flag, synthetic_class
from test_report import DUE, FILE, A, B, write_bank

from course.cli import main
from course.keys import Bank
from course.report import class_report, write_report
from course.report.load import find_submissions
from course.report.reviews import score_all
from course.report.shared import ReviewedSidecar, shared_answers

XSS = "<img src=x onerror=alert(1)>"
ESC = "mallory\x1b[2J"  # a terminal escape sequence in a student id


@pytest.fixture(autouse=True)
def no_course_bank_override(monkeypatch):
    monkeypatch.delenv("COURSE_BANK", raising=False)


def at(minute: int, second: int = 0) -> str:
    return f"2026-03-13T{10 + minute // 60:02d}:{minute % 60:02d}:{second:02d}.{minute * 7 % 1000:03d}Z"


def build_class(course):
    """Honest reviewers who find the same defects with their own words, and four pairs who share."""
    write_bank(course / "exercises")
    b = ClassBuilder(course, "week1", slugs=[A, B], duedate=DUE)
    honest = {
        "ann": ("subtotal skips prices[0], so the first item is free", "empty list -> ZeroDivisionError in average"),
        "ben": ("the slice [1:] drops the first line item from the sum", "average([]) divides by zero, no guard"),
        "cat": ("first element never counted: off-by-one in the slice", "what happens when prices is empty? crash"),
        "dan": ("why start at index 1? item zero is lost", "len(prices) can be 0 here"),
    }
    for i, (name, (one, two)) in enumerate(honest.items()):
        b.student(name, reviews={A: [flag(FILE, 6, "logic", comment=one, created=at(i * 3)),
                                     flag(FILE, 13, "edge-case", comment=two, created=at(i * 3 + 1))]},
                  verdicts={A: "request-changes"})  # fmt: skip
    for i, name in enumerate(("eli", "fay")):  # the same lines, short comments anyone writes
        b.student(name, reviews={A: [flag(FILE, 6, "logic", comment="off by one?", created=at(20 + i)),
                                     flag(FILE, 13, "edge-case", comment="empty list", created=at(30 + i))]})  # fmt: skip
    # retyped: alice's comments with new ids, new times, other case and spacing
    alice = [
        flag(FILE, 6, "logic", comment="The subtotal slice prices[1:] silently drops the first item.", created=at(40)),
        flag(FILE, 13, "edge-case", comment="average() of an empty cart raises ZeroDivisionError.", created=at(41)),
    ]
    b.student("alice", reviews={A: alice})
    eve = [
        flag(FILE, 6, "logic", comment="the subtotal slice  prices[1:] silently drops the first item", created=at(50)),
        flag(FILE, 13, "edge-case", comment="AVERAGE() of an empty cart raises ZeroDivisionError.", created=at(52)),
    ]
    b.student("eve", reviews={A: eve})
    # a copied file whose comments were then rewritten: the ids give it away
    hal = [flag(FILE, 6, "logic", comment="drops item 0", id="3fa9c2e1b0", created=at(60))]
    b.student("hal", reviews={B: hal})
    b.student("gus", reviews={B: [flag(FILE, 6, "logic", comment="first price is ignored!!", id="3fa9c2e1b0",
                                       created=at(61))]})  # fmt: skip
    # the same two moments to the millisecond, everything else rewritten
    b.student("ivy", reviews={B: [flag(FILE, 6, "logic", comment="hmm", created=at(70)),
                                  flag(FILE, 13, "edge-case", comment="zero?", created=at(71))]})  # fmt: skip
    b.student("jon", reviews={B: [flag(FILE, 7, "logic", comment="rounding", created=at(70)),
                                  flag(FILE, 11, "edge-case", comment="naming", created=at(71))]})  # fmt: skip
    # untrusted ids, one file copied byte for byte
    copied = [flag(FILE, 6, "logic", comment=f"{XSS} & <script>alert(1)</script>", created=at(80))]
    b.student(XSS, reviews={B: copied}, verdicts={B: "request-changes"})
    b.student(ESC, reviews={B: copied}, verdicts={B: "request-changes"})
    return b.write()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return build_class(tmp_path_factory.mktemp("shared") / "course")


def test_sharers_are_flagged_with_evidence_and_honest_students_are_not(course):
    report = class_report(course, "week1")
    groups = {g.students: g for g in report.shared}
    assert set(groups) == {("alice", "eve"), ("gus", "hal"), ("ivy", "jon"), tuple(sorted((XSS, ESC)))}
    (retyped,) = groups["alice", "eve"].evidence
    assert (retyped.slug, retyped.kind) == (A, "comments")
    assert "shop/totals.py:6 logic: near-identical comments" in retyped.detail
    assert "shop/totals.py:13 edge-case: the same comment" in retyped.detail
    (ids,) = groups["gus", "hal"].evidence
    assert (ids.slug, ids.kind) == (B, "finding ids")
    assert ids.detail == "1 finding id in common: '3fa9c2e1b0' (shop/totals.py:6)"
    (stamps,) = groups["ivy", "jon"].evidence
    assert stamps.kind == "timestamps" and at(70) in stamps.detail and at(71) in stamps.detail
    kinds = {e.kind for e in groups[tuple(sorted((XSS, ESC)))].evidence}
    assert kinds == {"identical"}  # one piece of evidence: identical reviews are one node, not also ids, times


def test_the_page_and_the_terminal_show_them_escaped(course, tmp_path):
    report = class_report(course, "week1")
    text = write_report(report, tmp_path).read_text(encoding="utf-8")
    part = text[text.index('<h2 id="shared">') : text.index('<h2 id="timing">')]
    assert part.count('<div class="shared">') == 4
    assert "&lt;img src=x onerror=alert(1)&gt;" in part and XSS not in text and "<script" not in text
    assert "identical</b> in <code>order-totals-again</code>" in part
    result = CliRunner().invoke(main, ["report", "week1", "--course", str(course), "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "  shared answers: 4 groups, 8 students" in result.output.splitlines()
    assert "\x1b" not in result.output and "mallory\\x1b[2J" in result.output


def test_200_students_50_identical_sidecars_make_one_group(tmp_path):
    made = synthetic_class(tmp_path / "c", 200, seed=11, copiers=49)
    report = class_report(made.course_dir, made.assignment)
    assert len(made.copied) == 50
    (group,) = report.shared  # the pool of shared synthetic comments is common, so not evidence
    assert group.students == tuple(sorted(made.copied))
    identical = [e for e in group.evidence if e.kind == "identical"]
    assert {e.slug for e in identical} == set(made.slugs) and all(len(e.students) == 50 for e in identical)
    reviews = _sidecars(report)
    start = time.perf_counter()
    again = shared_answers(reviews)
    assert time.perf_counter() - start < 2.0  # bench_shared.py measures it properly
    assert [g.students for g in again] == [group.students]


def _sidecars(report):
    """The readable reviews again, as the report read them (for timing the detection alone)."""
    subs = find_submissions(report.course_dir, report.assignment, report.submitted["student"])
    bank = Bank(report.course_dir / "exercises")
    return score_all(subs, list(report.slugs), {s: bank.get(s).key for s in report.slugs}).sidecars


def review(student, *findings, slug=A):
    return ReviewedSidecar(student, slug, "request-changes", tuple(findings))


def honest_class(n: int) -> list[ReviewedSidecar]:
    """n students who each find the first defect in their own words, at their own moment."""
    return [
        review(f"s{i:03d}", flag(FILE, 6, "logic", comment=f"student {i} explains the slice bug their way {i * 7}",
                                 created=at(i % 600, i % 60)))
        for i in range(n)
    ]  # fmt: skip


def test_one_time_in_many_reviews_links_them_all():
    """A millisecond in more than CROWD reviews is no coincidence, even with nothing else shared."""
    stamp = "2026-03-13T09:41:07.123Z"
    ring = [review(f"ring{i}", flag(FILE, 13, "edge-case", comment=f"ring {i}", created=stamp)) for i in range(10)]
    (group,) = shared_answers(honest_class(100) + ring)
    assert group.students == tuple(f"ring{i}" for i in range(10))
    (evidence,) = group.evidence
    assert evidence.kind == "timestamps" and evidence.detail == f"1 identical timestamp in 10 reviews: {stamp}"


def test_a_ring_of_retypers_is_one_line_of_evidence():
    """Three students who retyped the same two comments: one group, one piece of evidence, not three pairs."""
    one, two = "The first price never reaches the subtotal", "average() raises on an empty list of prices"
    ring = [
        review(f"ring{i}", flag(FILE, 6, "logic", comment=one.upper() if i else one, created=at(700 + i)),
               flag(FILE, 13, "edge-case", comment=two, created=at(710 + i)))
        for i in range(3)
    ]  # fmt: skip
    (group,) = shared_answers(honest_class(100) + ring)
    assert group.students == ("ring0", "ring1", "ring2")
    (evidence,) = group.evidence
    assert evidence.kind == "comments" and evidence.students == group.students
    assert evidence.detail.startswith("2 shared comments: shop/totals.py:13 edge-case: the same comment")


def test_the_same_words_twice_are_one_shared_comment():
    """Two students who each paste one (uncommon) remark on a line under two categories share one
    comment, not two: not enough to link them (the synthetic class's noise comments did this)."""
    remark = "magic number: should this be configurable?"
    pair = [
        review(name, flag(FILE, 7, "logic", comment=remark, created=at(800 + i)),
               flag(FILE, 7, "edge-case", comment=remark, created=at(810 + i)))
        for i, name in enumerate(("kim", "lee"))
    ]  # fmt: skip
    assert shared_answers(honest_class(100) + pair) == []
