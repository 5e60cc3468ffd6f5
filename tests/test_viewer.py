"""The diff viewer's model, without a browser: what Python computes and syncs, and every message it accepts."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course.diff import Diff, render_bundle, unified_diff
from course.practice import practice as open_practice
from course.review import Review
from course.review import review as review_module
from course.review.markdown import render_markdown
from course.review.page import CONTEXT, MIN_FOLD, build_files, describe, span_for_rows
from course.review.store import FindingStore
from course.review.viewer import DiffViewer

VIEWER_BANK = Path(__file__).parent / "fixtures" / "viewer_bank"

LONG_BEFORE = "".join(f"line {i}\n" for i in range(1, 41))
LONG_AFTER = LONG_BEFORE.replace("line 20\n", "line twenty\nline 20.5\n")
BEFORE = {"pkg/long.py": LONG_BEFORE, "pkg/gone.py": "old = 1\nolder = 2\n"}
AFTER = {"pkg/long.py": LONG_AFTER, "pkg/new.py": "import os\n<b>bold</b> = '<script>'\n"}


def write_bundle(
    folder: Path, slug: str = "demo", description: str = "Plain **words**.", before=BEFORE, after=AFTER
) -> Path:
    text = render_bundle(slug, "A <title>", "bot <b>", description, unified_diff(before, after))
    path = folder / f"{slug}.diff"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def review(tmp_path) -> Review:
    return Review.open(write_bundle(tmp_path))


MODEL = ("pr", "files", "expanded", "findings", "verdict", "viewed", "status", "notice", "practice", "choices")


def model_state(viewer: DiffViewer) -> dict:
    """Everything the viewer syncs to the page (ipywidgets' own layout traits aside)."""
    state = {name: getattr(viewer, name) for name in MODEL}
    return state


class Page:
    """Stands in for the browser: sends messages the way viewer.js does and keeps the replies."""

    def __init__(self, viewer: DiffViewer):
        self.viewer = viewer
        self.acks: list[dict] = []
        self.req = 0
        viewer.send = lambda content, buffers=None: self.acks.append(content)

    def send(self, **msg) -> dict:
        self.req += 1
        # the path a comm message takes inside ipywidgets
        self.viewer._handle_custom_msg({**msg, "req": self.req}, [])
        ack = self.acks[-1]
        assert ack["req"] == self.req
        return ack


def rows_of(viewer: DiffViewer, path: str) -> tuple[int, dict]:
    f = next(f for f in viewer.files if f["path"] == path)
    return f["index"], f


def row_with(file: dict, kind: str, **numbers) -> int:
    for r, row in enumerate(file["rows"]):
        if row["k"] == kind and all(row[k] == v for k, v in numbers.items()):
            return r
    raise LookupError((kind, numbers))


# the rows the page paints ---------------------------------------------------------------------


def test_rows_carry_kind_and_both_line_numbers():
    diff = Diff.compare("a\nb\nc\n", "a\nB\nc\nd\n", "x.py")
    (f,) = build_files(diff)
    assert [(r["k"], r.get("o"), r.get("n")) for r in f["rows"]] == [
        ("hunk", None, None),
        ("context", 1, 1),
        ("remove", 2, None),
        ("add", None, 2),
        ("context", 3, 3),
        ("add", None, 4),
    ]
    assert f["rows"][0]["text"] == "@@ -1,3 +1,4 @@"
    assert (f["additions"], f["deletions"], f["status"], f["binary"]) == (2, 1, "modified", False)


def test_files_keep_diff_order_and_status(review):
    files = review.viewer.files
    assert [(f["path"], f["status"]) for f in files] == [
        ("pkg/gone.py", "deleted"),
        ("pkg/long.py", "modified"),
        ("pkg/new.py", "added"),
    ]
    assert [f["index"] for f in files] == [0, 1, 2]


def test_code_is_escaped_html_and_every_trait_is_plain_json(review):
    v = review.viewer
    _, new = rows_of(v, "pkg/new.py")
    html = new["rows"][2]["h"]
    # strip the highlighter's spans: what is left is the line, escaped
    text = re.sub(r'<span class="tok-[a-z0-9]+">|</span>', "", html)
    assert "<" not in text
    assert text == "&lt;b&gt;bold&lt;/b&gt; = &#x27;&lt;script&gt;&#x27;"
    json.dumps(model_state(v))  # raises on anything that is not plain JSON


def test_pr_header_is_data_not_html(review):
    pr = review.viewer.pr
    assert pr["title"] == "A <title>" and pr["author"] == "bot <b>"
    assert pr["description"] == [{"t": "p", "c": [["text", "Plain "], ["strong", "words"], ["text", "."]]}]
    assert pr["sidecar"] == "demo.findings.json"


def test_binary_files_have_no_rows(tmp_path):
    text = (
        "diff --git a/img.png b/img.png\nnew file mode 100644\nindex 0000000..1111111\n"
        "Binary files /dev/null and b/img.png differ\n"
    )
    (f,) = build_files(Diff.parse(text))
    assert f["binary"] and f["rows"] == [] and f["folds"] == []


def test_a_large_diff_paints_plain_text_first_then_the_same_rows_highlighted(review, monkeypatch):
    monkeypatch.setattr("course.review.viewer.SYNC_HIGHLIGHT_LINES", 10)
    v = DiffViewer(review)
    assert v.wait_highlighted(timeout=30)
    plain = build_files(review.diff, highlight=False)
    coloured = v.files
    assert [[(r["k"], r.get("o"), r.get("n")) for r in f["rows"]] for f in plain] == [
        [(r["k"], r.get("o"), r.get("n")) for r in f["rows"]] for f in coloured
    ]
    assert "tok-" not in json.dumps(plain) and "tok-" in json.dumps(coloured)


def test_a_failing_background_highlighter_keeps_plain_text_and_stays_quiet(review, monkeypatch, capfd):
    real = build_files

    def broken(diff, *, highlight=True):
        if highlight:
            raise RuntimeError("lexer exploded")
        return real(diff, highlight=False)

    monkeypatch.setattr("course.review.viewer.build_files", broken)
    v = DiffViewer(review, highlight="background")
    assert v.highlighted is False or v.wait_highlighted(timeout=30)
    assert v.wait_highlighted(timeout=30)
    assert "tok-" not in json.dumps(v.files)
    assert capfd.readouterr().err == ""


def test_small_diffs_arrive_highlighted(review):
    assert review.viewer.highlighted is True
    assert "tok-" in json.dumps(review.viewer.files)
    with pytest.raises(ValueError):
        DiffViewer(review, highlight="later")


# folding -------------------------------------------------------------------------------------------


def test_long_unchanged_runs_fold_and_keep_context_next_to_changes(review):
    _, f = rows_of(review.viewer, "pkg/long.py")
    # whole-file context (the bundle's diff keeps every line): 19 lines before the change
    changed = row_with(f, "remove", o=20)
    folds = f["folds"]
    assert len(folds) == 2
    before, after = folds
    assert before["first"] == 1  # right after the hunk header: no context needed there
    assert before["last"] == changed - CONTEXT - 1
    assert before["count"] == before["last"] - before["first"] + 1
    last_change = row_with(f, "add", n=21)
    assert after["first"] == last_change + CONTEXT + 1
    assert after["last"] == len(f["rows"]) - 1
    assert {fold["id"] for fold in folds} == {f"1:{before['first']}", f"1:{after['first']}"}


def test_short_runs_are_not_folded():
    lines = "".join(f"x{i}\n" for i in range(1, 2 * CONTEXT + MIN_FOLD))
    diff = Diff.compare("top\n" + lines + "bottom\n", "TOP\n" + lines + "BOTTOM\n", "a.py", context=100)
    (f,) = build_files(diff)
    # the run between the two changes hides exactly MIN_FOLD - 1 lines: not worth a fold
    assert f["folds"] == []


def test_expand_opens_a_fold_and_refuses_unknown_ones(review):
    v = review.viewer
    page = Page(v)
    fi, f = rows_of(v, "pkg/long.py")
    fold = f["folds"][0]["id"]
    assert page.send(type="expand", file=fi, fold=fold)["ok"]
    assert fold in v.expanded
    ack = page.send(type="expand", file=fi, fold="1:999")
    assert not ack["ok"] and ack["error"] == "no such fold"


def test_a_finding_inside_a_fold_opens_it(review):
    v = review.viewer
    _fi, f = rows_of(v, "pkg/long.py")
    assert v.expanded == []
    review.flag("pkg/long.py", 3, "logic", "hidden line")
    assert v.expanded == [f["folds"][0]["id"]]


# anchors: rows <-> (side, start, end) --------------------------------------------------------------


def test_selection_of_added_and_context_lines_is_on_the_new_side(review):
    _, f = rows_of(review.viewer, "pkg/long.py")
    a, b = row_with(f, "context", n=18), row_with(f, "add", n=21)
    assert span_for_rows(f, a, b) == ("new", 18, 21)


def test_selection_of_removed_lines_only_is_on_the_old_side(review):
    _, f = rows_of(review.viewer, "pkg/long.py")
    r = row_with(f, "remove", o=20)
    assert span_for_rows(f, r, r) == ("old", 20, 20)
    _, gone = rows_of(review.viewer, "pkg/gone.py")
    assert span_for_rows(gone, 0, 2) == ("old", 1, 2)  # the hunk header row is skipped


def test_selection_of_removed_and_unchanged_lines_is_on_the_side_of_most_of_them(review):
    """Walk-through 25 flagged a deleted test with the blank line beside it: the finding went to
    the new side's lines there, another test. With removed lines at least as many as the
    unchanged ones, the unchanged lines are what is left out."""
    _, f = rows_of(review.viewer, "pkg/long.py")
    r = row_with(f, "remove", o=20)
    before = r - 1
    assert f["rows"][before]["k"] == "context"
    assert span_for_rows(f, before, r) == ("old", 20, 20)
    # more unchanged lines than removed ones: their side (a range shrunk by one line onto a
    # removed one stays where it was)
    assert f["rows"][before - 1]["k"] == "context"
    assert span_for_rows(f, before - 1, r) == ("new", f["rows"][before - 1]["n"], f["rows"][before]["n"])
    a = row_with(f, "add", n=21)  # with an added line in it, the new side, as before
    assert span_for_rows(f, before, max(a, r)) == ("new", f["rows"][before]["n"], 21)


def test_selection_outside_the_file_is_refused(review):
    _, f = rows_of(review.viewer, "pkg/new.py")
    with pytest.raises(ValueError):
        span_for_rows(f, 0, 99)
    with pytest.raises(ValueError, match="no lines"):
        span_for_rows(f, 0, 0)


def test_findings_are_anchored_to_rows_and_labelled(review):
    v = review.viewer
    fi, f = rows_of(v, "pkg/long.py")
    review.flag("pkg/long.py", 20, "logic", end=21)
    review.flag("pkg/long.py", 20, "edge-case", side="old")
    by_side = {d["side"]: d for d in v.findings}
    assert by_side["new"]["file"] == fi
    assert by_side["new"]["rows"] == [row_with(f, "add", n=20), row_with(f, "add", n=21)]
    assert by_side["new"]["label"] == "pkg/long.py:20-21"
    assert by_side["old"]["rows"] == [row_with(f, "remove", o=20)] * 2
    assert by_side["old"]["label"] == "pkg/long.py:20 (old)"
    assert describe("a.py", "new", 3, 3) == "a.py:3"


def test_a_finding_on_lines_not_in_this_diff_is_listed_not_lost(tmp_path):
    path = write_bundle(tmp_path)
    FindingStore(tmp_path / "demo.findings.json", "demo").add("pkg/elsewhere.py", 1, "logic", "stale")
    v = Review.open(path).viewer
    (d,) = v.findings
    assert d["file"] is None and d["rows"] is None and d["comment"] == "stale"


# messages from the page --------------------------------------------------------------------------


def test_flag_message_writes_the_sidecar_at_once(review, tmp_path):
    v = review.viewer
    page = Page(v)
    fi, f = rows_of(v, "pkg/long.py")
    ack = page.send(
        type="flag",
        file=fi,
        rows=[row_with(f, "add", n=21), row_with(f, "context", n=18)],
        category="logic",
        severity="blocker",
        comment="off by one",
    )
    assert ack["ok"] and ack["error"] is None
    data = json.loads((tmp_path / "demo.findings.json").read_text())
    (saved,) = data["findings"]
    assert saved["id"] == ack["id"]
    assert (saved["path"], saved["side"], saved["start"], saved["end"]) == ("pkg/long.py", "new", 18, 21)
    assert (saved["category"], saved["severity"], saved["comment"]) == ("logic", "blocker", "off by one")
    assert [d["id"] for d in v.findings] == [ack["id"]]


@pytest.mark.parametrize(
    "msg, error",
    [
        ({"file": 9, "rows": [1, 1], "category": "logic"}, "no such file"),
        ({"file": True, "rows": [1, 1], "category": "logic"}, "no such file"),
        ({"file": 1, "rows": "1-2", "category": "logic"}, "rows must be [first, last]"),
        ({"file": 1, "rows": [1, 1], "category": "style"}, "category must be one of"),
        ({"file": 1, "rows": [1, 1], "category": "logic", "severity": "huge"}, "severity must be one of"),
        ({"file": 1, "rows": [1, 1], "category": "logic", "comment": 5}, "comment must be text"),
        ({"file": 1, "rows": [1, 1], "category": "logic", "comment": "x" * 5001}, "longer than"),
    ],
)
def test_bad_flag_messages_are_refused_and_nothing_is_written(review, tmp_path, msg, error):
    ack = Page(review.viewer).send(type="flag", **msg)
    assert not ack["ok"] and error in ack["error"]
    assert not (tmp_path / "demo.findings.json").exists()


def test_edit_delete_and_verdict_messages(review, tmp_path):
    v = review.viewer
    page = Page(v)
    f = review.flag("pkg/new.py", 1, "logic", "first thought")
    assert page.send(type="edit", id=f.id, category="security", severity="minor", comment="second thought")["ok"]
    (d,) = v.findings
    assert (d["category"], d["severity"], d["comment"]) == ("security", "minor", "second thought")
    assert not page.send(type="edit", id=f.id, category="nope")["ok"]
    assert page.send(type="verdict", value="request-changes")["ok"]
    assert v.verdict == "request-changes" == review.verdict
    assert not page.send(type="verdict", value="lgtm")["ok"]
    assert page.send(type="delete", id=f.id)["ok"]
    assert v.findings == [] and review.findings == []
    ack = page.send(type="delete", id=f.id)
    assert not ack["ok"] and "no finding" in ack["error"]
    data = json.loads((tmp_path / "demo.findings.json").read_text())
    assert data["findings"] == [] and data["verdict"] == "request-changes"
    assert page.send(type="verdict", value=None)["ok"] and review.verdict is None


def test_an_edit_can_move_its_finding_to_other_lines_and_bad_lines_change_nothing(review, tmp_path):
    v = review.viewer
    page = Page(v)
    f = review.flag("pkg/new.py", 1, "logic", "first thought")
    fi, file = rows_of(v, "pkg/new.py")
    a, b = row_with(file, "add", n=1), row_with(file, "add", n=2)
    ack = page.send(type="edit", id=f.id, category="logic", severity="major", comment="wider", file=fi, rows=[b, a])
    assert ack["ok"], ack
    (d,) = review.findings
    assert (d.path, d.side, d.start, d.end, d.comment) == ("pkg/new.py", "new", 1, 2, "wider")
    assert v.findings[0]["label"] == describe("pkg/new.py", "new", 1, 2)
    # to removed lines of another file: the old side, as a new finding there would be
    gi, gone = rows_of(v, "pkg/gone.py")
    ack = page.send(type="edit", id=f.id, file=gi, rows=[row_with(gone, "remove", o=1), row_with(gone, "remove", o=2)])
    assert ack["ok"], ack
    (d,) = review.findings
    assert (d.path, d.side, d.start, d.end, d.comment) == ("pkg/gone.py", "old", 1, 2, "wider")
    before = json.loads((tmp_path / "demo.findings.json").read_text())
    for bad in ({"file": 9, "rows": [0, 0]}, {"file": fi, "rows": [0, 999]}, {"file": fi, "rows": "2-3"}):
        ack = page.send(type="edit", id=f.id, comment="lost", **bad)
        assert not ack["ok"] and ack["error"], bad
    assert json.loads((tmp_path / "demo.findings.json").read_text()) == before


def test_unknown_and_malformed_messages_are_refused(review):
    page = Page(review.viewer)
    assert page.send(type="explode")["error"] == "unknown message 'explode'"
    assert not page.send(type="__init__")["ok"]
    review.viewer._handle_custom_msg(["not", "a", "dict"], [])  # ignored, no exception


def test_viewed_marks_are_shared_and_kept_beside_the_sidecar(review, tmp_path):
    v = review.viewer
    page = Page(v)
    assert page.send(type="viewed", file=2, value=True)["ok"]
    assert v.viewed == ["pkg/new.py"]
    assert json.loads((tmp_path / ".demo.viewed.json").read_text()) == ["pkg/new.py"]
    other = Review.open(tmp_path / "demo.diff")
    assert other.viewer.viewed == ["pkg/new.py"]
    assert page.send(type="viewed", file=2, value=False)["ok"]
    assert other.viewer.viewed == []


# staying in step -----------------------------------------------------------------------------------


def test_two_viewers_of_one_review_stay_in_step(tmp_path):
    path = write_bundle(tmp_path)
    a, b = Review.open(path), Review.open(path)
    va, vb = a.viewer, b.viewer
    fi, _f = rows_of(va, "pkg/new.py")
    ack = Page(va).send(type="flag", file=fi, rows=[1, 1], category="logic", comment="from A")
    assert [d["id"] for d in vb.findings] == [ack["id"]]
    b.verdict = "approve"
    assert va.verdict == "approve"
    # the same Review shown twice is one widget model, so its views share everything
    assert a.viewer is va


def test_rerun_or_restart_shows_the_same_findings(tmp_path):
    path = write_bundle(tmp_path)
    first = Review.open(path)
    f = first.flag("pkg/new.py", 2, "security", "xss")
    review_module._STORES.clear()  # a restarted kernel has no shared store yet
    review_module._VIEWED.clear()
    again = Review.open(path)
    assert [d["id"] for d in again.viewer.findings] == [f.id]


def test_another_kernel_writing_the_sidecar_shows_on_refresh(review, tmp_path):
    v = review.viewer
    page = Page(v)
    assert page.send(type="refresh")["changed"] is False
    elsewhere = FindingStore(tmp_path / "demo.findings.json", "demo", review.diff.sha256)
    f = elsewhere.add("pkg/new.py", 1, "logic", "from another tab")
    assert page.send(type="refresh")["changed"] is True
    assert [d["id"] for d in v.findings] == [f.id]


# a corrupt sidecar ---------------------------------------------------------------------------------


def test_corrupt_sidecar_is_reported_kept_and_can_be_moved_aside(tmp_path):
    path = write_bundle(tmp_path)
    sidecar = tmp_path / "demo.findings.json"
    sidecar.write_bytes(b'{"schema": 1, "findings": [')
    review = Review.open(path)
    v = review.viewer
    page = Page(v)
    err = v.status["error"]
    assert err["name"] == "demo.findings.json" and "not valid JSON" in err["problem"]
    assert str(sidecar) in err["message"]
    ack = page.send(type="flag", file=2, rows=[1, 1], category="logic")
    assert not ack["ok"] and "demo.findings.json" in ack["error"]
    assert sidecar.read_bytes() == b'{"schema": 1, "findings": ['
    ack = page.send(type="quarantine")
    assert ack["ok"] and ack["moved"].startswith("demo.findings.corrupt-")
    assert (tmp_path / ack["moved"]).read_bytes() == b'{"schema": 1, "findings": ['
    assert v.status["error"] is None and ack["moved"] in v.notice
    assert page.send(type="flag", file=2, rows=[1, 1], category="logic")["ok"]
    assert len(json.loads(sidecar.read_text())["findings"]) == 1


def test_a_review_of_another_diff_version_is_flagged_stale(tmp_path):
    path = write_bundle(tmp_path)
    Review.open(path).flag("pkg/new.py", 1, "logic")
    review_module._STORES.clear()
    path = write_bundle(tmp_path, after={**AFTER, "pkg/new.py": "import sys\n<b>bold</b> = '<script>'\n"})
    assert Review.open(path).viewer.status["stale"] is True


# the PR description -----------------------------------------------------------------------------------


def test_markdown_subset_becomes_text_runs_and_links_are_never_links():
    blocks = render_markdown(
        "# Why\n\nFixes <img src=x onerror=alert(1)> see [docs](javascript:alert(1)) and `x<y`.\n\n"
        "- one\n- **two**\n\n1. first\n\n```\n</script><script>\n```"
    )
    assert blocks == [
        {"t": "h", "c": [["text", "Why"]]},
        {
            "t": "p",
            "c": [
                ["text", "Fixes <img src=x onerror=alert(1)> see "],
                ["text", "docs"],
                ["url", "javascript:alert(1)"],
                ["text", " and "],
                ["code", "x<y"],
                ["text", "."],
            ],
        },
        {"t": "ul", "items": [[["text", "one"]], [["strong", "two"]]]},
        {"t": "ol", "items": [[["text", "first"]]]},
        {"t": "pre", "text": "</script><script>"},
    ]


# What viewer.js may parse as HTML is checked in the browser, on hostile input in every field:
# tests/e2e/test_xss.py::test_the_viewer_parses_only_the_highlighters_markup.


# practice mode -------------------------------------------------------------------------------------


@pytest.fixture
def practice(tmp_path) -> Review:
    return open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)


def synced(viewer: DiffViewer) -> str:
    return json.dumps(model_state(viewer))


def test_practice_sends_no_key_material_before_submit(practice):
    v = practice.viewer
    assert v.pr["practice"] is True
    assert v.practice == {"enabled": True, "submitted": False}
    assert "VIEWER-" not in synced(v)


def test_practice_submit_then_hints_one_at_a_time_then_explanation(practice, tmp_path):
    v = practice.viewer
    page = Page(v)
    practice.flag("viewercart/cart.py", 10, "edge-case", "empty cart")  # defect B, found
    assert not page.send(type="hint", defect=0)["ok"]  # nothing before submit
    assert page.send(type="submit")["ok"]
    p = v.practice
    assert p["submitted"] and p["score"] == pytest.approx(1 / 4)
    a, b = p["defects"]
    assert (a["status"], b["status"]) == ("missed", "found")
    assert "title" not in a and a["hints"] == [] and a["hints_left"] == 2 and not a["can_reveal"]
    assert b["title"].startswith("VIEWER-TITLE-B") and b["can_reveal"] and b["finding"] == "viewercart/cart.py:10"
    dumped = synced(v)
    assert "VIEWER-TITLE-A" not in dumped and "VIEWER-HINT" not in dumped and "VIEWER-EXPLANATION" not in dumped

    assert not page.send(type="reveal", defect=0)["ok"]  # hints first
    assert page.send(type="hint", defect=0)["ok"]
    a = v.practice["defects"][0]
    assert a["hints"] == ["VIEWER-HINT-A1 what is summed?"] and "VIEWER-HINT-A2" not in synced(v)
    assert page.send(type="hint", defect=0)["ok"]
    assert not page.send(type="hint", defect=0)["ok"]
    a = v.practice["defects"][0]
    assert a["can_reveal"] and "explanation" not in a
    assert page.send(type="reveal", defect=0)["ok"]
    a = v.practice["defects"][0]
    assert a["title"].startswith("VIEWER-TITLE-A")
    assert a["explanation"] == "VIEWER-EXPLANATION-A the slice starts at 1."
    assert a["proof"] == "test_cart.py::test_subtotal_counts_every_item"
    assert a["where"] == "viewercart/cart.py:5"
    assert not page.send(type="hint", defect=7)["ok"]


def test_a_defect_found_under_another_category_says_what_it_is_and_which_category(practice):
    """Walk-through 17: "found, other category ... Defect 2", no title, no explanation, nothing
    about which category the key expected."""
    v = practice.viewer
    page = Page(v)
    practice.flag("viewercart/cart.py", 10, "logic", "empty cart")  # defect B (edge-case) as logic
    assert page.send(type="submit")["ok"]
    a, b = v.practice["defects"]
    assert b["status"] == "miscategorised" and b["title"].startswith("VIEWER-TITLE-B")
    assert b["expected"] == ["edge-case"] and b["can_reveal"]
    assert "title" not in a and "expected" not in a  # missed: nothing given away
    assert page.send(type="reveal", defect=1)["ok"]  # its lines were found: no hints needed
    assert v.practice["defects"][1]["explanation"].startswith("VIEWER-EXPLANATION-B")
    # told the category, the learner corrects it: found, but with help
    (f,) = practice.findings
    practice.edit(f.id, category="edge-case")
    assert page.send(type="submit")["ok"]
    b = v.practice["defects"][1]
    assert b["status"] == "found" and b["helped"] and b["expected"] is None


def test_practice_result_says_when_the_review_changed_since_submit(practice):
    v = practice.viewer
    page = Page(v)
    page.send(type="submit")
    assert v.practice["outdated"] is False
    practice.flag("viewercart/cart.py", 14, "logic", "rounding")  # the decoy
    assert v.practice["outdated"] is True
    page.send(type="submit")
    (fp,) = v.practice["false_positives"]
    assert fp["why_fine"].startswith("VIEWER-WHY-FINE") and fp["cost"] == 0.0


def test_practice_progress_survives_a_kernel_restart_and_a_rerun(practice, tmp_path):
    """Submit, a hint, a reveal: a new kernel reopening the review shows all of it again."""
    page = Page(practice.viewer)
    practice.flag("viewercart/cart.py", 10, "edge-case", "empty cart")
    page.send(type="submit")
    page.send(type="hint", defect=0)
    page.send(type="reveal", defect=1)
    before = practice.viewer.practice
    assert before["defects"][0]["hints"] == ["VIEWER-HINT-A1 what is summed?"]
    progress = tmp_path / ".viewer-cart.practice.json"
    assert progress.exists() and "VIEWER-" not in progress.read_text()  # ids only, never key text
    review_module._STORES.clear()  # a kernel restart
    again = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    assert again.viewer.practice == before
    assert Page(again.viewer).send(type="hint", defect=0)["ok"]  # and it goes on from there
    assert again.viewer.practice["defects"][0]["hints_left"] == 0
    # a flag after submitting: the result says the review changed, and still shows the old score
    again.flag("viewercart/cart.py", 14, "logic", "rounding")
    assert again.viewer.practice["outdated"] and again.viewer.practice["score"] == before["score"]


def test_two_practice_viewers_of_one_review_add_their_hints_up(tmp_path):
    """Two kernels (or two notebooks) on one practice review: each change is a read-modify-write
    of the progress file under the sidecar's lock, so neither undoes the other's hint."""
    a = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    a.submit()
    review_module._STORES.clear()  # the second one as another kernel would open it
    b = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    assert a.next_hint(0).startswith("VIEWER-HINT-A1")
    assert b.next_hint(0).startswith("VIEWER-HINT-A2")  # b saw a's hint on disk
    with pytest.raises(ValueError, match="no more hints"):
        a.next_hint(0)
    assert a.practice_state()["defects"][0]["hints_left"] == 0


def test_an_unreadable_practice_file_is_moved_aside_and_practice_starts_again(tmp_path):
    progress = tmp_path / ".viewer-cart.practice.json"
    progress.write_text("{not json", encoding="utf-8")
    review = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    assert review.viewer.practice == {"enabled": True, "submitted": False}
    (moved,) = tmp_path.glob(".viewer-cart.practice.json.corrupt-*")
    assert moved.read_text() == "{not json"


def test_an_old_side_false_positive_keeps_its_old_marker(practice):
    page = Page(practice.viewer)
    practice.flag("viewercart/cart.py", 5, "logic", "sum is fine here", side="old")
    page.send(type="submit")
    (fp,) = practice.viewer.practice["false_positives"]
    assert fp["finding"] == "viewercart/cart.py:5 (old)"
    practice.unflag(practice.findings[0].id)  # gone from the review, still named as submitted
    assert practice.viewer.practice["false_positives"][0]["finding"] == "viewercart/cart.py:5 (old)"


@pytest.mark.slow
def test_practice_runs_the_proof_on_the_code_and_on_the_fix(practice, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # as Jupyter sets it for kernels
    page = Page(practice.viewer)
    page.send(type="submit")
    assert not page.send(type="prove", defect=1)["ok"]  # not revealed yet
    page.send(type="hint", defect=1)
    page.send(type="reveal", defect=1)
    assert page.send(type="prove", defect=1)["ok"]
    run = practice.viewer.practice["defects"][1]["proof_run"]
    assert (run["after"], run["fixed"]) == ("fails", "passes")
    assert "PY_COLORS" not in os.environ


def test_submit_outside_practice_mode_is_refused(review):
    ack = Page(review.viewer).send(type="submit")
    assert not ack["ok"] and "practice mode" in ack["error"]


# without a browser -----------------------------------------------------------------------------------


def run_notebook(folder: Path, env: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("from course.review import Review\nreview = Review.open('demo.diff')\nreview"),
        nbformat.v4.new_code_cell("review.flag('pkg/new.py', 1, 'logic', 'from code')\nreview.viewer"),
    ]
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("nbgrader", [False, True], ids=["nbclient", "nbgrader-autograde"])
def test_runs_headless_without_errors_or_stderr(tmp_path, nbgrader):
    """Does a notebook that shows the viewer run cleanly where no browser will ever attach?"""
    write_bundle(tmp_path)
    env = {"NBGRADER_EXECUTION": "autograde"} if nbgrader else {"PYTHONWARNINGS": "default"}
    nb = run_notebook(tmp_path, env)
    outputs = [o for cell in nb.cells for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    first = outputs[0]
    # nbclient applies display updates: the copy was brought up to date by the next cell's flag
    shown = "0 findings" if nbgrader else "1 finding"
    assert first.data["text/plain"].startswith(f"Review of demo: {shown}, verdict none yet")
    if nbgrader:
        assert set(first.data) == {"text/plain"}
    else:  # the static copy (for a notebook reopened without a kernel), then the widget
        assert "cra-static" in first.data["text/html"]
        assert "application/vnd.jupyter.widget-view+json" in outputs[1].data
    sidecar = tmp_path / "demo.findings.json"
    if nbgrader:  # a re-executed notebook never writes the learner's findings
        assert not sidecar.exists()
    else:
        assert len(json.loads(sidecar.read_text())["findings"]) == 1
        run_notebook(tmp_path, env)  # a second run of the same flag() cell adds nothing
        assert len(json.loads(sidecar.read_text())["findings"]) == 1


def test_the_saved_copy_is_escaped_and_names_every_finding(tmp_path):
    """What a notebook reopened without a kernel shows: the review as escaped HTML, no script."""
    review = Review.open(write_bundle(tmp_path, description="<script>alert(1)</script> **why**"))
    review.flag("pkg/new.py", 2, "security", "<img src=x onerror=alert(1)> & more")
    review.flag("pkg/gone.py", 1, "logic", "was fine", side="old")
    review.verdict = "request-changes"
    bundle = review.saved_view()
    page = bundle["text/html"]
    assert "<script" not in page and "<img" not in page and "onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; more" in page
    assert "&lt;b&gt;bold&lt;/b&gt; = &#x27;&lt;script&gt;&#x27;" in page  # the flagged line, as text
    assert "pkg/gone.py:1 (old)" in page and "pkg/new.py:2" in page
    assert "2 findings" in page and "request changes" in page
    assert "Run this cell to open the interactive viewer" in page
    assert bundle["text/plain"].startswith("Review of demo: 2 findings")
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page))
    assert tags <= {"div", "style", "p", "strong", "em", "code", "details", "summary", "ol", "li", "pre"}


def test_a_practice_copy_holds_no_key_text(practice):
    page = Page(practice.viewer)
    practice.flag("viewercart/cart.py", 10, "edge-case", "empty cart")
    page.send(type="submit")
    page.send(type="hint", defect=0)
    assert "VIEWER-" not in practice.saved_view()["text/html"]


def test_a_draft_is_kept_under_one_key_per_sidecar_and_diff(tmp_path):
    """viewer.js keeps an unsaved finding in localStorage under pr.draft_key."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = Review.open(write_bundle(tmp_path / "a")).viewer.pr["draft_key"]
    assert re.fullmatch(r"[0-9a-f]{24}", one)
    assert Review.open(tmp_path / "a" / "demo.diff").viewer.pr["draft_key"] == one  # a re-run
    assert Review.open(write_bundle(tmp_path / "b")).viewer.pr["draft_key"] != one  # another folder
    other_diff = write_bundle(tmp_path / "a", after={**AFTER, "pkg/new.py": "changed\n"})
    review_module._STORES.clear()
    assert Review.open(other_diff).viewer.pr["draft_key"] != one  # another version of the diff
    assert str(tmp_path) not in json.dumps(Review.open(other_diff).viewer.pr["draft_key"])
