"""Undo for a delete made in the viewer, and the comment limit the page reads (issue #13):
the model side, without a browser (tests/e2e/test_viewer_comfort.py drives the page)."""

from __future__ import annotations

import json

from test_viewer import Page, write_bundle

from course.review import Review
from course.review.sidecar import MAX_COMMENT


def test_undelete_saves_the_same_finding_again(tmp_path):
    review = Review.open(write_bundle(tmp_path))
    page = Page(review.viewer)
    kept = review.flag("pkg/new.py", 1, "logic", "stays")
    gone = review.flag("pkg/long.py", 20, "edge-case", "comes back", severity="blocker")
    on_disk = json.loads((tmp_path / "demo.findings.json").read_text())["findings"]

    assert page.send(type="delete", id=gone.id)["ok"]
    assert [f.id for f in review.findings] == [kept.id]
    ack = page.send(type="undelete", id=gone.id)
    assert ack["ok"] and ack["id"] == gone.id
    # the same finding, times included, in the file and on the page
    assert review.store.get(gone.id) == gone
    assert sorted(
        json.loads((tmp_path / "demo.findings.json").read_text())["findings"], key=lambda f: f["id"]
    ) == sorted(on_disk, key=lambda f: f["id"])
    assert {d["id"] for d in review.viewer.findings} == {kept.id, gone.id}

    # once back, a second undo has nothing to bring back; an unknown id neither
    again = page.send(type="undelete", id=gone.id)
    assert not again["ok"] and "can no longer be brought back" in again["error"]
    assert not page.send(type="undelete", id="nope")["ok"]
    assert len(review.findings) == 2


def test_undelete_after_the_finding_was_made_again_keeps_one(tmp_path):
    review = Review.open(write_bundle(tmp_path))
    page = Page(review.viewer)
    f = review.flag("pkg/new.py", 1, "logic", "same")
    assert page.send(type="delete", id=f.id)["ok"]
    review.flag("pkg/new.py", 1, "logic", "same")  # the cell ran again: the same id is back
    assert page.send(type="undelete", id=f.id)["ok"]
    assert [x.id for x in review.findings] == [f.id]


def test_the_page_reads_the_comment_limit_from_the_model(tmp_path):
    review = Review.open(write_bundle(tmp_path))
    assert review.viewer.choices["max_comment"] == MAX_COMMENT
    page = Page(review.viewer)
    f = review.flag("pkg/new.py", 1, "logic", "")
    assert page.send(type="edit", id=f.id, comment="\N{SLIGHTLY SMILING FACE}" * MAX_COMMENT)["ok"]
    ack = page.send(type="edit", id=f.id, comment="x" * (MAX_COMMENT + 1))
    assert not ack["ok"] and str(MAX_COMMENT) in ack["error"]
