"""A revealed defect in practice: its key text as Markdown blocks, its spans and its fix as a small
diff of only the hunks that repair it (course.practice.reveal, course.keys.fixes.defect_fix)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from course.diff.highlight import highlight_lines, highlight_runs
from course.keys.bank import Bank
from course.keys.fixes import defect_fix, fix_changes
from course.practice import practice as open_practice
from course.practice.reveal import FIX_CONTEXT, fix_diff

VIEWER_BANK = Path(__file__).parent / "fixtures" / "viewer_bank"
CART = "viewercart/cart.py"


def rows_of(fix: dict) -> list[tuple[str, int | None, int | None, str]]:
    return [
        (r["k"], r["o"], r["n"], "".join(text for _, text in r["c"])) for hunk in fix["hunks"] for r in hunk["rows"]
    ]


def test_each_defect_gets_only_the_hunk_of_the_fix_that_repairs_it():
    ex = Bank(VIEWER_BANK).get("viewer-cart")
    a, b = ex.key.defects
    assert rows_of(fix_diff(ex, a, ex.diff)) == [
        ("context", 3, 3, ""),
        ("context", 4, 4, "def subtotal(prices):"),
        ("remove", 5, None, "    return sum(prices[1:])"),
        ("add", None, 5, "    return sum(prices)"),
        ("context", 6, 6, ""),
        ("context", 7, 7, ""),
    ]
    fix_b = fix_diff(ex, b, ex.diff)
    assert [r for r in rows_of(fix_b) if r[0] != "context"] == [
        ("remove", 10, None, "    return sum(prices) // len(prices)"),
        ("add", None, 10, "    return sum(prices) // len(prices) if prices else 0"),
    ]
    assert fix_b["hunks"][0]["path"] == CART and not fix_b["cut"]
    # highlighted: the keyword is its own run, with Pygments' class
    assert ["k", "return"] in fix_b["hunks"][0]["rows"][2]["c"]


def _bank_with_fixed(tmp_path: Path, fixed_text: str) -> Bank:
    shutil.copytree(VIEWER_BANK / "viewer-cart", tmp_path / "viewer-cart")
    (tmp_path / "viewer-cart" / "fixed" / CART).write_text(fixed_text, encoding="utf-8")
    return Bank(tmp_path)


def test_changes_close_together_are_one_hunk_and_context_stops_at_another_defects_change(tmp_path):
    after = (VIEWER_BANK / "viewer-cart" / "after" / CART).read_text(encoding="utf-8").splitlines(keepends=True)
    fixed = list(after)
    fixed[3] = "def subtotal(prices: list[int]) -> int:\n"  # line 4: near defect A (line 5)
    fixed[4] = "    return sum(prices)\n"
    fixed[9] = "    return sum(prices) // len(prices) if prices else 0\n"  # line 10: defect B's
    fixed[6:6] = ["# a note the fix adds\n"]  # after line 6, a line from A's: A's too
    ex = _bank_with_fixed(tmp_path, "".join(fixed)).get("viewer-cart")
    a, b = ex.key.defects
    changes = fix_changes(ex.root / "after", ex.root / "fixed")
    assert [str(c) for c in defect_fix(a, ex.diff, changes)] == [f"{CART}:4-5", f"{CART}: lines added after line 6"]
    fix = fix_diff(ex, a, ex.diff)
    assert len(fix["hunks"]) == 1  # one unchanged line between the two changes: merged
    assert rows_of(fix) == [
        ("context", 2, 2, ""),
        ("context", 3, 3, ""),
        ("remove", 4, None, "def subtotal(prices):"),
        ("remove", 5, None, "    return sum(prices[1:])"),
        ("add", None, 4, "def subtotal(prices: list[int]) -> int:"),
        ("add", None, 5, "    return sum(prices)"),
        ("context", 6, 6, ""),
        ("add", None, 7, "# a note the fix adds"),
        ("context", 7, 8, ""),
        ("context", 8, 9, "def average(prices):"),
    ]
    assert FIX_CONTEXT == 2
    # defect B's hunk: its context before stops short of A's inserted line, never shows it
    rows_b = rows_of(fix_diff(ex, b, ex.diff))
    assert rows_b[0] == ("context", 8, 9, "def average(prices):") and "# a note" not in json.dumps(rows_b)


def test_no_fixed_folder_means_no_fix_and_no_error(tmp_path):
    shutil.copytree(VIEWER_BANK / "viewer-cart", tmp_path / "viewer-cart")
    shutil.rmtree(tmp_path / "viewer-cart" / "fixed")
    ex = Bank(tmp_path).get("viewer-cart")
    assert fix_diff(ex, ex.key.defects[0], ex.diff) == {"hunks": [], "cut": False}


def test_the_viewer_gets_markdown_spans_and_the_fix_only_once_revealed(tmp_path):
    review = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    review.flag(CART, 10, "edge-case", "empty cart")  # defect B, found
    review.flag(CART, 14, "logic", "rounds down")  # the decoy
    review.submit()
    review.next_hint(0)
    a, b = review.practice_state()["defects"]
    assert a["hints_md"] == [[{"t": "p", "c": [["text", "VIEWER-HINT-A1 what is summed?"]]}]]
    assert "fix" not in a and "spans" not in a and "fix" not in b
    assert "if prices else 0" not in json.dumps(review.practice_state())  # B is found, not revealed
    fp = review.practice_state()["false_positives"][0]
    assert fp["why_fine_md"] == [{"t": "p", "c": [["text", "VIEWER-WHY-FINE rounding down is the policy."]]}]

    review.reveal(1)
    b = review.practice_state()["defects"][1]
    assert b["explanation_md"] == [{"t": "p", "c": [["text", "VIEWER-EXPLANATION-B an empty cart is normal."]]}]
    assert b["spans"] == [[CART, "new", 10, 10]]
    assert ("add", None, 10, "    return sum(prices) // len(prices) if prices else 0") in rows_of(b["fix"])
    # a re-opened review (a restart) shows the same, from the progress file
    again = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    assert again.practice_state()["defects"][1]["fix"] == b["fix"]


@pytest.mark.parametrize("code", ["", "x = 1", "def f():\n    '''doc\n    more'''\n    return '<b>'\n"])
def test_highlight_runs_are_the_text_of_highlight_lines(code):
    runs = highlight_runs(code, "m.py")
    html = highlight_lines(code, "m.py")
    assert len(runs) == len(html)
    assert ["".join(t for _, t in line) for line in runs] == code.split("\n")[: len(runs)]


def test_a_change_on_two_defects_spans_goes_to_the_one_it_lies_on_more(tmp_path):
    after = (VIEWER_BANK / "viewer-cart" / "after" / CART).read_text(encoding="utf-8").splitlines(keepends=True)
    fixed = list(after)
    fixed[3:5] = ["def subtotal(prices: list[int]) -> int:\n", "    return sum(prices)\n"]  # lines 4-5
    fixed[6:6] = ["# a note the fix adds\n"]  # after line 6
    bank = _bank_with_fixed(tmp_path, "".join(fixed))
    key = tmp_path / "viewer-cart" / "key.toml"
    # defect B is also keyed on lines 4-5, all of the first change; defect A only on line 5
    key.write_text(
        key.read_text(encoding="utf-8").replace(
            "lines = [10, 10]\n", 'lines = [10, 10]\nalso_at = [{ file = "viewercart/cart.py", lines = [4, 5] }]\n'
        ),
        encoding="utf-8",
    )
    ex = bank.get("viewer-cart")
    a, b = ex.key.defects
    assert b.also_at == ((CART, "new", 4, 5),)
    changes = fix_changes(ex.root / "after", ex.root / "fixed")
    assert [str(c) for c in defect_fix(a, ex.diff, changes)] == [f"{CART}:4-5", f"{CART}: lines added after line 6"]
    assert [str(c) for c in defect_fix(a, ex.diff, changes, ex.key)] == [f"{CART}: lines added after line 6"]
    # the insertion lies on neither defect's lines, as near to both: it stays with both
    assert [str(c) for c in defect_fix(b, ex.diff, changes, ex.key)] == [
        f"{CART}:4-5",
        f"{CART}: lines added after line 6",
    ]
    assert [r[3] for r in rows_of(fix_diff(ex, a, ex.diff)) if r[0] != "context"] == ["# a note the fix adds"]


def test_the_score_says_when_the_learners_severity_differs_from_the_keys(tmp_path):
    review = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    review.flag(CART, 10, "edge-case", "empty cart", severity="blocker")  # B is a minor in the key
    review.submit()
    a, b = review.practice_state()["defects"]
    assert (b["status"], b["severity"], b["finding_severity"]) == ("found", "minor", "blocker")
    assert a["finding_severity"] is None  # missed: no finding of the learner's to compare
    review.flag(CART, 10, "edge-case", "empty cart, minor", severity="minor")
    review.unflag(review.findings[0].id)
    review.submit()
    assert review.practice_state()["defects"][1]["finding_severity"] == "minor"


def test_the_proofs_output_names_the_exercises_files_from_its_own_folder(tmp_path):
    """Walk-through 8: "Run the proof" printed the bank's absolute path, and pytest's relative one
    ("FAILED ../../../work/main/exercises/<slug>/proofs/..."): noise, and where the keys live."""
    bank = Bank(VIEWER_BANK, private=None)
    review = open_practice("viewer-cart", bank=bank, directory=tmp_path)
    review.submit()
    for _ in bank.get("viewer-cart").key.defects[0].hints:  # the explanation comes after them
        review.next_hint(0)
    review.reveal(0)
    run = review.prove(0)
    assert run["after"] == "fails" and run["fixed"] == "passes"
    root = bank.get("viewer-cart").root
    assert str(root) not in run["output"] and "viewer_bank" not in run["output"] and "../" not in run["output"]
    assert "proofs/" in run["output"], run["output"]


def test_a_decoy_left_alone_is_counted_then_explained_once_every_defect_is_found_or_shown(tmp_path):
    review = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    review.flag(CART, 10, "edge-case", "empty cart")  # defect B; A missed; the decoy left alone
    review.submit()
    alone = review.practice_state()["decoys_left_alone"]
    # A is still to find: where the decoy lies would say where not to look
    assert alone == {"count": 1, "items": []}
    assert "VIEWER-WHY-FINE" not in json.dumps(review.practice_state())

    review.next_hint(0)
    review.next_hint(0)
    assert review.practice_state()["decoys_left_alone"]["items"] == []  # hints are not the answer
    review.reveal(0)
    alone = review.practice_state()["decoys_left_alone"]
    assert alone["count"] == 1
    (item,) = alone["items"]
    assert item["where"] == f"{CART}:14" and item["span"] == [CART, "new", 14, 14]
    assert item["why_fine_md"] == [{"t": "p", "c": [["text", "VIEWER-WHY-FINE rounding down is the policy."]]}]


def test_a_flagged_decoy_is_a_false_positive_and_not_left_alone(tmp_path):
    review = open_practice("viewer-cart", bank=VIEWER_BANK, directory=tmp_path)
    review.flag(CART, 5, "logic", "skips the first")
    review.flag(CART, 10, "edge-case", "empty cart")
    review.flag(CART, 14, "logic", "rounds down")  # the decoy, one line of slack like a defect
    review.submit()
    state = review.practice_state()
    assert state["decoys_left_alone"] == {"count": 0, "items": []}
    (fp,) = state["false_positives"]
    assert fp["why_fine"].startswith("VIEWER-WHY-FINE") and fp["decoy_where"] == f"{CART}:14"
    assert fp["decoy_near"] is False
    # a finding on the line next to the decoy reaches it by the line of slack: "next to" it
    review.unflag(review.findings[-1].id)
    review.flag(CART, 13, "logic", "rounds down")
    review.submit()
    (fp,) = review.practice_state()["false_positives"]
    assert fp["decoy_near"] is True and fp["decoy_where"] == f"{CART}:14"
