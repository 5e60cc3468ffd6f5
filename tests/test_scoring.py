"""Scoring: exact examples of every rule, and the properties docs/design.md promises."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course import CATEGORIES, SEVERITIES, SIDES, WEIGHTS
from course.keys import Decoy, Defect, Key
from course.review import Finding
from course.scoring import hits, score

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def defect(id="d1", file="app.py", side="new", lines=(10, 12), category="logic", severity="major", **kw) -> Defect:
    return Defect(
        id=id, file=file, side=side, lines=lines, category=category, severity=severity, title=f"title of {id}", **kw
    )


def finding(id="f1", path="app.py", side="new", start=10, end=10, category="logic", **kw) -> Finding:
    return Finding(id=id, path=path, side=side, start=start, end=end, category=category, **kw)


def key(*defects, decoys=(), verdict="request-changes") -> Key:
    return Key(defects=tuple(defects), decoys=tuple(decoys), verdict=verdict)


# --- exact examples -------------------------------------------------------------------------


def test_right_category_earns_full_credit():
    s = score([finding()], key(defect()))
    assert s.score == 1.0
    assert s.credit == 2.0 and s.total_weight == 2.0 and s.penalty == 0.0
    (r,) = s.defects
    assert (r.status, r.finding_id, r.credit) == ("found", "f1", 2.0)
    assert s.precision == 1.0 and s.recall == 1.0
    assert s.false_positives == ()


def test_wrong_category_earns_half():
    s = score([finding(category="security")], key(defect()))
    assert s.score == 0.5
    assert s.defects[0].status == "miscategorised"
    assert s.defects[0].credit == 1.0
    assert s.recall == 1.0


def test_also_category_earns_full_credit():
    d = defect(also=("edge-case",))
    assert score([finding(category="edge-case")], key(d)).score == 1.0
    assert score([finding(category="concurrency")], key(d)).score == 0.5


@pytest.mark.parametrize(
    "start,end,credited",
    [
        (9, 9, True),  # one line above the span: the widening
        (13, 13, True),  # one line below
        (8, 8, False),  # two lines above
        (14, 14, False),  # two lines below
        (1, 8, False),
        (1, 9, True),  # a long span whose last line reaches the widened edge
        (14, 40, False),
        (5, 30, True),  # covers the whole span
    ],
)
def test_widening_is_exactly_one_line(start, end, credited):
    s = score([finding(start=start, end=end)], key(defect(lines=(10, 12))))
    assert (s.defects[0].status == "found") is credited
    assert s.score == (1.0 if credited else 0.0)


@pytest.mark.parametrize("change", [{"side": "old"}, {"path": "other.py"}, {"path": "App.py"}])
def test_wrong_side_or_path_does_not_hit(change):
    s = score([finding(**change)], key(defect()))
    assert s.defects[0].status == "missed"
    assert len(s.false_positives) == 1
    assert s.score == 0.0


def test_second_finding_on_one_defect_is_a_free_false_positive():
    s = score([finding("a", start=10, end=10), finding("b", start=11, end=11)], key(defect()))
    assert s.score == 1.0
    assert [r.status for r in s.defects] == ["found"]
    (fp,) = s.false_positives
    assert fp.cost == 0.0
    assert {fp.finding.id, s.defects[0].finding_id} == {"a", "b"}
    assert s.precision == 0.5


def test_three_false_positives_cost_one_point():
    d = defect(severity="blocker")  # weight 3
    fps = [finding(f"x{i}", start=50 + i, end=50 + i) for i in range(3)]
    s = score([finding("hit"), *fps], key(d))
    assert [fp.cost for fp in s.false_positives] == [0.0, 0.5, 0.5]
    assert s.penalty == 1.0
    assert s.score == round((3 - 1) / 3, 4)


def test_false_positives_are_ordered_canonically_so_the_free_one_is_stable():
    fps = [
        finding("z", path="b.py", start=1, end=1),
        finding("y", path="a.py", start=5, end=5),
        finding("x", path="a.py", start=2, end=2),
    ]
    for order in itertools.permutations(fps):
        s = score(order, key(defect()))
        assert [fp.finding.id for fp in s.false_positives] == ["x", "y", "z"]
        assert [fp.cost for fp in s.false_positives] == [0.0, 0.5, 0.5]


def test_decoy_is_attached_to_a_false_positive():
    decoy = Decoy(file="app.py", side="new", lines=(30, 31), why_fine="the retry is bounded")
    k = key(defect(), decoys=[decoy])
    s = score([finding("on-decoy", start=32, end=32), finding("elsewhere", start=60, end=60)], k)
    by_id = {fp.finding.id: fp for fp in s.false_positives}
    assert by_id["on-decoy"].decoy == decoy
    assert by_id["elsewhere"].decoy is None
    out = s.to_dict()["false_positives"]
    assert {fp["finding_id"]: fp["decoy"] for fp in out} == {"on-decoy": "the retry is bounded", "elsewhere": None}


def test_a_finding_is_told_about_the_decoy_on_its_own_lines_before_one_it_reaches_by_slack():
    """Walk-throughs 15 and 16 flagged line 57 about the approval's reuse and were told about the
    decoy at 55-56 (one line of slack), not the one on 57-58."""
    near = Decoy(file="app.py", side="new", lines=(55, 56), why_fine="casefold")
    own = Decoy(file="app.py", side="new", lines=(57, 58), why_fine="reuse")
    k = key(decoys=[near, own], verdict="approve")
    for (start, end), told in ((57, 57), "reuse"), ((56, 56), "casefold"), ((56, 57), "casefold"), ((59, 59), "reuse"):
        (fp,) = score([finding(start=start, end=end)], k, "approve").false_positives
        assert fp.decoy is not None and fp.decoy.why_fine == told, (start, end)
    # which decoy never changes what it costs
    both = score([finding("a", start=57, end=57), finding("b", start=54, end=54)], k, "approve")
    assert [fp.cost for fp in both.false_positives] == [0.0, 0.5]


def test_a_finding_that_credits_a_defect_is_not_reported_on_a_decoy():
    decoy = Decoy(file="app.py", side="new", lines=(13, 14), why_fine="fine")
    s = score([finding(start=12, end=13)], key(defect(), decoys=[decoy]))
    assert s.score == 1.0 and s.false_positives == ()


def test_maximum_assignment_credits_both_defects_in_any_order():
    d1 = defect("d1", lines=(10, 10))
    d2 = defect("d2", lines=(12, 12))
    wide = finding("wide", start=10, end=12)  # hits both
    narrow = finding("narrow", start=10, end=10)  # hits d1 only (12 is outside 9..11)
    k = key(d1, d2)
    for order in ([wide, narrow], [narrow, wide]):
        s = score(order, k)
        assert {r.defect.id: r.finding_id for r in s.defects} == {"d1": "narrow", "d2": "wide"}
        assert s.score == 1.0 and s.false_positives == ()


def test_maximum_assignment_prefers_the_heavier_defect():
    blocker = defect("b", lines=(10, 10), severity="blocker")
    minor = defect("m", lines=(11, 11), severity="minor")
    s = score([finding(start=10, end=11)], key(blocker, minor))
    assert {r.defect.id: r.status for r in s.defects} == {"b": "found", "m": "missed"}
    assert s.credit == 3.0


def test_maximum_assignment_weighs_category_against_severity():
    # Right category on a major (2) beats wrong category on a blocker (1.5).
    blocker = defect("b", lines=(10, 10), severity="blocker", category="security")
    major = defect("m", lines=(11, 11), severity="major", category="logic")
    s = score([finding(start=10, end=11, category="logic")], key(blocker, major))
    assert {r.defect.id: r.status for r in s.defects} == {"b": "missed", "m": "found"}


def test_equal_credit_prefers_crediting_more_findings():
    # {wide->x} and {wide->y, off->x} both earn 2 credit; the second leaves one false positive
    # fewer, which matters as soon as a false positive is no longer free.
    x = defect("x", lines=(10, 10), severity="major")
    y = defect("y", lines=(12, 12), severity="minor")
    wide = finding("wide", start=10, end=12)  # hits x and y, right category
    off = finding("off", start=9, end=9, category="security")  # hits x only, wrong category
    stray = finding("stray", start=50, end=50)
    for order in itertools.permutations([wide, off, stray]):
        s = score(order, key(x, y))
        assert {r.defect.id: (r.finding_id, r.status) for r in s.defects} == {
            "x": ("off", "miscategorised"),
            "y": ("wide", "found"),
        }
        assert s.credit == 2.0 and s.penalty == 0.0
        assert [fp.finding.id for fp in s.false_positives] == ["stray"]


@pytest.mark.parametrize("first", ["rename", "protection"])
def test_equal_credit_prefers_the_defect_whose_main_span_the_finding_is_on(first):
    # A blind reviewer's case (preview-stack-terraform-refactor): one defect's extra span lies
    # inside another's main lines. A flag on the main lines must credit that defect, not the
    # neighbour, whichever comes first in the key.
    rename = defect("rename", lines=(6, 6), severity="blocker", also_at=(("app.py", "new", 35, 35),))
    protection = defect("protection", lines=(32, 37), severity="blocker")
    defects = (rename, protection) if first == "rename" else (protection, rename)
    s = score([finding("f", start=32, end=37)], key(*defects))
    assert {r.defect.id: r.status for r in s.defects} == {"rename": "missed", "protection": "found"}
    # the extra span still counts when it is the only thing flagged nearby
    s = score([finding("f", start=6, end=6), finding("g", start=35, end=35)], key(*defects))
    assert {r.defect.id: r.status for r in s.defects} == {"rename": "found", "protection": "found"}


def test_verdict_does_not_change_the_score_of_a_key_with_defects():
    k = key(defect())
    for verdict in (None, "approve", "request-changes"):
        s = score([finding()], k, verdict=verdict)
        assert s.score == 1.0
        assert s.verdict == verdict and s.verdict_expected == "request-changes"
        assert s.verdict_correct is (verdict == "request-changes")


# --- a correct change (verdict approve, no defects) ------------------------------------------

APPROVE = Key(defects=(), decoys=(Decoy("app.py", "new", (5, 5), "it is fine"),), verdict="approve")


@pytest.mark.parametrize(
    "verdict,n_findings,expected",
    [
        ("approve", 0, 1.0),  # the perfect review
        (None, 0, 0.0),  # untouched
        ("request-changes", 0, 0.0),
        ("approve", 1, 1.0),  # the first false positive is free
        ("approve", 2, 0.5),
        ("approve", 3, 0.0),
        ("approve", 10, 0.0),  # clamped, never negative
        ("request-changes", 4, 0.0),
    ],
)
def test_approve_key(verdict, n_findings, expected):
    fs = [finding(f"f{i}", start=5 + 3 * i, end=5 + 3 * i) for i in range(n_findings)]
    s = score(fs, APPROVE, verdict=verdict)
    assert s.score == expected
    assert s.total_weight == 1.0
    assert s.credit == (1.0 if verdict == "approve" else 0.0)
    assert s.verdict_correct is (verdict == "approve")
    assert s.defects == () and s.recall == 1.0
    assert s.precision == (1.0 if n_findings == 0 else 0.0)
    if n_findings:
        assert s.false_positives[0].decoy is not None  # the one on line 5


def test_nits_on_a_correct_change_cost_nothing_but_a_decoy_or_a_major_claim_does():
    """A blind reviewer approved a correct expert change and left minor notes and questions;
    charged 0.5 each, the right verdict scored 0. A nit on an approval is normal review: only a
    flag on a decoy, or a major or blocker claim, is the mistake a correct change teaches."""
    nits = [finding(f"n{i}", start=12 + 2 * i, end=12 + 2 * i, severity="minor") for i in range(6)]
    assert score(nits, APPROVE, verdict="approve").score == 1.0
    assert all(fp.cost == 0.0 for fp in score(nits, APPROVE, verdict="approve").false_positives)
    on_decoy = finding("d", start=5, end=5, severity="minor")
    majors = [finding(f"m{i}", start=30 + i, end=30 + i, severity="major") for i in range(2)]
    s = score([*nits, on_decoy, *majors], APPROVE, verdict="approve")
    # the first charged one is free; nits neither cost nor use up the free one
    assert sorted(fp.cost for fp in s.false_positives if fp.finding.severity != "minor" or fp.decoy) == [0.0, 0.5, 0.5]
    assert s.score == 0.0 and s.penalty == 1.0
    # with defects in the key, a minor false positive is charged as before
    with_defect = key(defect("x", lines=(40, 40)))
    assert score([finding("x", start=40, end=40), *nits[:3]], with_defect).penalty == 1.0


def test_key_refuses_duplicate_ids_but_leaves_verdict_agreement_to_course_check():
    with pytest.raises(ValueError, match="duplicate"):
        key(defect("a"), defect("a", lines=(30, 30)))
    with pytest.raises(ValueError, match="verdict"):
        Key(defects=(defect(),), verdict="merge")
    # course check loads these and reports the disagreement; scoring stays well defined.
    approve_with_defects = Key(defects=(defect(),), verdict="approve")
    assert score([finding()], approve_with_defects, verdict="request-changes").score == 1.0
    request_without_defects = Key(defects=())
    assert score([], request_without_defects, verdict="request-changes").score == 1.0
    assert score([], request_without_defects, verdict="approve").score == 0.0


def test_bad_verdict_is_refused():
    with pytest.raises(ValueError, match="verdict"):
        score([], key(defect()), verdict="lgtm")


# --- the model: validation and round trips -------------------------------------------------


def test_finding_round_trips_through_json():
    f = finding(
        severity="blocker", comment="why", created="2026-03-05T10:00:00Z", updated="2026-03-05T10:01:00Z", end=12
    )
    d = json.loads(json.dumps(f.to_dict()))
    assert list(d) == ["id", "path", "side", "start", "end", "category", "severity", "comment", "created", "updated"]
    assert Finding.from_dict(d) == f


def test_finding_from_dict_defaults_and_ignores_unknown_keys():
    f = Finding.from_dict(
        {"id": "a", "path": "p.py", "side": "old", "start": 3, "end": 3, "category": "security", "future": 1}
    )
    assert (f.severity, f.comment, f.created, f.updated) == ("major", "", "", "")


GOOD = {
    "id": "a",
    "path": "p.py",
    "side": "new",
    "start": 3,
    "end": 4,
    "category": "logic",
    "severity": "minor",
    "comment": "",
    "created": "",
    "updated": "",
}


@pytest.mark.parametrize(
    "field,value",
    [
        ("id", ""),
        ("id", 3),
        ("path", None),
        ("side", "left"),
        ("start", 0),
        ("start", "3"),
        ("start", True),
        ("start", 3.0),
        ("end", 2),
        ("end", None),
        ("category", "style"),
        ("severity", "critical"),
        ("comment", None),
        ("created", 5),
    ],
)
def test_finding_from_dict_names_the_bad_field(field, value):
    with pytest.raises(ValueError, match=repr(field)):
        Finding.from_dict({**GOOD, field: value})


@pytest.mark.parametrize("field", ["id", "path", "side", "start", "end", "category"])
def test_finding_from_dict_names_a_missing_field(field):
    d = dict(GOOD)
    del d[field]
    with pytest.raises(ValueError, match=repr(field)):
        Finding.from_dict(d)


def test_finding_from_dict_refuses_a_non_object():
    with pytest.raises(ValueError):
        Finding.from_dict(["a"])


def test_defect_validates_and_normalises_toml_lists():
    d = Defect(
        id="x",
        file="a.py",
        side="new",
        lines=[3, 4],
        category="logic",
        severity="blocker",
        title="t",
        hints=["h1", "h2"],
        also=["security"],
    )
    assert d.lines == (3, 4) and d.hints == ("h1", "h2") and d.also == ("security",)
    assert d.weight == 3
    hash(d)  # frozen and hashable, lists included
    for bad in (
        {"lines": [4, 3]},
        {"lines": [0, 1]},
        {"side": "both"},
        {"category": "style"},
        {"severity": "huge"},
        {"also": ["style"]},
        {"also": "security"},
        {"id": ""},
    ):
        with pytest.raises(ValueError):
            defect(**bad)
    with pytest.raises(ValueError, match="'title'"):
        Defect(id="x", file="a.py", side="new", lines=(1, 1), category="logic", severity="minor", title="")


def test_weights_follow_severity():
    for severity in SEVERITIES:
        assert defect(severity=severity).weight == WEIGHTS[severity]


def test_to_dict_is_json_ready():
    k = key(
        defect("d1"), defect("d2", lines=(40, 40), severity="minor"), decoys=[Decoy("app.py", "new", (60, 60), "fine")]
    )
    s = score(
        [finding(), finding("fp1", start=60, end=60), finding("fp2", start=80, end=80)], k, verdict="request-changes"
    )
    d = json.loads(json.dumps(s.to_dict()))
    assert d["score"] == s.score and type(d["score"]) is float
    assert d["defects"] == [
        {
            "id": "d1",
            "title": "title of d1",
            "severity": "major",
            "category": "logic",
            "status": "found",
            "finding_id": "f1",
            "credit": 2.0,
        },
        {
            "id": "d2",
            "title": "title of d2",
            "severity": "minor",
            "category": "logic",
            "status": "missed",
            "finding_id": None,
            "credit": 0.0,
        },
    ]
    assert d["false_positives"][0] == {
        "finding_id": "fp1",
        "path": "app.py",
        "side": "new",
        "start": 60,
        "end": 60,
        "category": "logic",
        "decoy": "fine",
        "cost": 0.0,
    }
    assert d["false_positives"][1]["cost"] == 0.5
    assert (d["credit"], d["penalty"], d["total_weight"]) == (2.0, 0.5, 3.0)
    assert (d["precision"], d["recall"]) == (round(1 / 3, 4), 0.5)
    assert (d["verdict"], d["verdict_expected"], d["verdict_correct"]) == ("request-changes", "request-changes", True)


def test_empty_review_of_a_key_with_defects():
    s = score([], key(defect()))
    assert s.score == 0.0 and s.precision == 0.0 and s.recall == 0.0


def test_exact_result_on_a_large_class_sized_review():
    # 20 defects packed into 60 lines and 2,000 findings piled on them: the worst case the
    # grader should meet, many times over. Most stray findings hit a defect, many in the wrong
    # category, so only an exact maximum assignment credits every defect in full; how fast it
    # runs is measured in benchmarks/, not here.
    defects = [
        defect(
            f"d{i}",
            file=f"f{i % 2}.py",
            lines=(3 * i + 1, 3 * i + 2),
            severity=SEVERITIES[i % 3],
            category=CATEGORIES[i % 6],
        )
        for i in range(20)
    ]
    fs = [
        finding(
            f"x{j}",
            path=f"f{j % 2}.py",
            start=1 + j % 60,
            end=1 + j % 60 + j % 4,
            category=CATEGORIES[j % 6],
            side=SIDES[(j // 7) % 2],
        )
        for j in range(2000 - len(defects))
    ]
    k = key(*defects)
    fs += perfect_review(k)
    assert sum(any(hits(f, d) for d in defects) for f in fs) > 900  # hundreds contest 20 defects
    s = score(fs, k)
    assert [r.status for r in s.defects] == ["found"] * 20
    assert s.recall == 1.0
    assert s.credit == s.total_weight == sum(d.weight for d in defects)
    assert len(s.false_positives) == len(fs) - 20
    assert s.penalty == 0.5 * (len(fs) - 20 - 1)
    assert s.score == 0.0  # 1,979 paying false positives outweigh any credit


# --- properties -------------------------------------------------------------------------------


@st.composite
def keys(draw, min_lines=40, max_lines=120, max_defects=8):
    """A key with 1..max_defects defects spread over 1..3 files of the given lengths."""
    n_files = draw(st.integers(1, 3))
    files = {f"pkg/m{i}.py": draw(st.integers(min_lines, max_lines)) for i in range(n_files)}
    n = draw(st.integers(1, max_defects))
    defects = []
    for i in range(n):
        file = draw(st.sampled_from(sorted(files)))
        first = draw(st.integers(1, files[file]))
        last = min(files[file], first + draw(st.integers(0, 4)))
        defects.append(
            Defect(
                id=f"d{i}",
                file=file,
                side=draw(st.sampled_from(SIDES)),
                lines=(first, last),
                category=draw(st.sampled_from(CATEGORIES)),
                severity=draw(st.sampled_from(SEVERITIES)),
                title=f"defect {i}",
                also=tuple(draw(st.sets(st.sampled_from(CATEGORIES), max_size=2))),
            )
        )
    decoys = []
    for _ in range(draw(st.integers(0, 2))):
        file = draw(st.sampled_from(sorted(files)))
        line = draw(st.integers(1, files[file]))
        decoys.append(Decoy(file, draw(st.sampled_from(SIDES)), (line, line), "fine"))
    return Key(defects=tuple(defects), decoys=tuple(decoys)), files


@st.composite
def findings_for(draw, files, max_size=30, max_line=None):
    """Random findings on the key's files (plus a stray file), ids unique."""
    paths = [*sorted(files), "stray.py"]
    out = []
    for i in range(draw(st.integers(0, max_size))):
        path = draw(st.sampled_from(paths))
        top = max_line or files.get(path, 50) + 5
        start = draw(st.integers(1, top))
        out.append(
            Finding(
                id=f"f{i}",
                path=path,
                side=draw(st.sampled_from(SIDES)),
                start=start,
                end=start + draw(st.integers(0, 3)),
                category=draw(st.sampled_from(CATEGORIES)),
                severity=draw(st.sampled_from(SEVERITIES)),
            )
        )
    return out


def perfect_review(k: Key) -> list[Finding]:
    return [
        Finding(id=f"p-{d.id}", path=d.file, side=d.side, start=d.lines[0], end=d.lines[1], category=d.category)
        for d in k.defects
    ]


@PROPERTY
@given(keys())
def test_perfect_review_scores_one(kf):
    k, _ = kf
    s = score(perfect_review(k), k, verdict="request-changes")
    assert s.score == 1.0
    assert s.recall == 1.0 and s.precision == 1.0
    assert len(s.defects) == len(k.defects) >= 1
    assert all(r.status == "found" for r in s.defects)


@PROPERTY
@given(keys(), st.sampled_from([None, "approve", "request-changes"]))
def test_empty_review_scores_zero(kf, verdict):
    k, _ = kf
    s = score([], k, verdict=verdict)
    assert s.score == 0.0 and s.credit == 0.0
    assert len(s.defects) == len(k.defects) >= 1
    assert all(r.status == "missed" for r in s.defects)


@PROPERTY
@given(keys(min_lines=40), st.sampled_from(CATEGORIES))
def test_flagging_every_line_scores_at_most_a_tenth(kf, category):
    # Precondition, stated honestly: every file in the key is at least 40 lines long. The bound
    # needs enough flagged lines that the false positives outweigh the credit: with D <= 8
    # defects (total weight <= 3D) and N findings, score <= 0.1 once 0.5 (N - D - 1) >= 0.9 * 3D,
    # i.e. N >= 6.4 D + 1 = 53; one 40-line file already gives 2 x 45 = 90 findings. A key
    # with several blockers in a 10-line file would not satisfy the bound, and is not claimed.
    k, files = kf
    fs = [
        Finding(id=f"{path}:{side}:{line}", path=path, side=side, start=line, end=line, category=category)
        for path, n in files.items()
        for side in SIDES
        for line in range(1, n + 6)
    ]
    s = score(fs, k)
    assert s.score <= 0.1


@PROPERTY
@given(st.data())
def test_order_of_findings_never_matters(data):
    k, files = data.draw(keys(min_lines=5, max_lines=20))
    fs = data.draw(findings_for(files, max_size=25))
    fs += perfect_review(k)[: data.draw(st.integers(0, len(k.defects)))]
    shuffled = data.draw(st.permutations(fs))
    verdict = data.draw(st.sampled_from([None, "approve", "request-changes"]))
    a, b = score(fs, k, verdict), score(shuffled, k, verdict)
    assert a == b
    assert a.to_dict() == b.to_dict()


@PROPERTY
@given(st.data())
def test_score_is_a_plain_float_in_range_and_credit_is_bounded(data):
    k, files = data.draw(keys(min_lines=5, max_lines=30))
    fs = data.draw(findings_for(files, max_size=30))
    s = score(fs, k, data.draw(st.sampled_from([None, "approve", "request-changes"])))
    for value in (s.score, s.credit, s.penalty, s.total_weight, s.precision, s.recall):
        assert type(value) is float
    assert 0.0 <= s.score <= 1.0
    assert 0.0 <= s.precision <= 1.0 and 0.0 <= s.recall <= 1.0
    assert 0.0 <= s.credit <= s.total_weight
    assert s.total_weight == sum(d.weight for d in k.defects)
    # Internal consistency: every credit is a real hit, each finding used once.
    used = [r.finding_id for r in s.defects if r.finding_id is not None]
    assert len(used) == len(set(used))
    by_id = {f.id: f for f in fs}
    for r in s.defects:
        if r.status == "missed":
            assert r.finding_id is None and r.credit == 0.0
            continue
        f = by_id[r.finding_id]
        assert hits(f, r.defect)
        full = f.category == r.defect.category or f.category in r.defect.also
        assert r.status == ("found" if full else "miscategorised")
        assert r.credit == (r.defect.weight if full else r.defect.weight / 2)
    assert len(used) + len(s.false_positives) == len(fs)
    assert s.penalty == 0.5 * max(0, len(s.false_positives) - 1)
    assert round(max(0.0, min(1.0, (s.credit - s.penalty) / s.total_weight)), 4) == s.score


@st.composite
def approve_cases(draw):
    files = {"a.py": 20}
    return draw(findings_for(files, max_size=6)), draw(st.sampled_from([None, "approve", "request-changes"]))


@PROPERTY
@given(approve_cases())
def test_approve_key_properties(case):
    fs, verdict = case
    s = score(fs, APPROVE, verdict)
    assert type(s.score) is float and 0.0 <= s.score <= 1.0
    charged = [f for f in fs if f.severity != "minor" or any(hits(f, d) for d in APPROVE.decoys)]
    expected = max(0.0, (1.0 if verdict == "approve" else 0.0) - 0.5 * max(0, len(charged) - 1))
    assert s.score == expected


def brute_force(fs: list[Finding], k: Key) -> tuple[float, int]:
    """The best (credit, number credited) over every assignment, by enumeration."""
    best = (0.0, 0)
    options = [[None] + [i for i, d in enumerate(k.defects) if hits(f, d)] for f in fs]
    for choice in itertools.product(*options):
        taken = [c for c in choice if c is not None]
        if len(taken) != len(set(taken)):
            continue
        credit = 0.0
        for f, c in zip(fs, choice):
            if c is not None:
                d = k.defects[c]
                credit += d.weight if d.accepts(f.category) else d.weight / 2
        best = max(best, (credit, len(taken)))
    return best


@st.composite
def crowded(draw):
    """Up to 4 defects and 5 findings packed into 8 lines, so most findings hit several."""
    paths = ("a.py", "b.py")
    # Mostly one file and one side: otherwise few findings hit anything and there is no choice.
    place = st.sampled_from([("a.py", "new")] * 4 + [(p, s) for p in paths for s in SIDES])
    defects = []
    for i in range(draw(st.integers(1, 4))):
        path, side = draw(place)
        first = draw(st.integers(1, 8))
        defects.append(
            Defect(
                id=f"d{i}",
                file=path,
                side=side,
                lines=(first, first + draw(st.integers(0, 2))),
                category=draw(st.sampled_from(CATEGORIES[:3])),
                severity=draw(st.sampled_from(SEVERITIES)),
                title=f"defect {i}",
                also=tuple(draw(st.sets(st.sampled_from(CATEGORIES[:3]), max_size=1))),
            )
        )
    fs = []
    for i in range(draw(st.integers(0, 5))):
        path, side = draw(place)
        start = draw(st.integers(1, 10))
        fs.append(
            Finding(
                id=f"f{i}",
                path=path,
                side=side,
                start=start,
                end=start + draw(st.integers(0, 3)),
                category=draw(st.sampled_from(CATEGORIES[:3])),
            )
        )
    return Key(defects=tuple(defects)), fs


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_matching_equals_brute_force_on_small_cases(case):
    # The documented objective: most credit, then most findings credited (fewer false positives).
    k, fs = case
    s = score(fs, k)
    credited = sum(r.status != "missed" for r in s.defects)
    assert (s.credit, credited) == brute_force(fs, k)


def test_a_flag_on_an_also_at_span_finds_the_defect():
    from course.keys import Defect, Key
    from course.review import Finding
    from course.scoring import score

    d = Defect(
        id="sink",
        file="views.py",
        side="new",
        lines=(30, 30),
        category="security",
        severity="blocker",
        title="t",
        also_at=(("format.py", "new", 10, 12), ("views.py", "old", 5, 5)),
    )
    key = Key(defects=(d,))
    for path, side, line in (("views.py", "new", 30), ("format.py", "new", 13), ("views.py", "old", 5)):
        s = score([Finding(id="f", path=path, side=side, start=line, end=line, category="security")], key)
        assert s.score == 1.0, (path, side, line)
    miss = score([Finding(id="f", path="format.py", side="new", start=14, end=14, category="security")], key)
    assert miss.score == 0.0
    both = score(
        [
            Finding(id="a", path="views.py", side="new", start=30, end=30, category="security"),
            Finding(id="b", path="format.py", side="new", start=11, end=11, category="security"),
        ],
        key,
    )
    assert both.score == 1.0 and len(both.false_positives) == 1  # credited once; the other is the free false positive
