"""Two kernels on one review stay in step through the page, and practice mode's proof button runs.

1. Two notebooks in one folder open the same diff, each in its own kernel and its own browser
   page. A finding flagged in page A shows in page B when B's viewer gets the focus back (no cell
   is re-run); a finding deleted in B is gone from A the same way; the sidecar holds exactly what
   both pages show.
2. In a practice review, a missed defect revealed down to its proof: "Run the proof" shows that the
   proof fails on the change under review and passes on the fixed code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from viewer_flow import (
    SLUG,
    execution_count,
    line,
    open_and_run,
    submit_review,
    unexpected_errors,
    wait_for,
    write_exercise,
)

pytestmark = pytest.mark.browser

BANK = Path(__file__).resolve().parent.parent / "fixtures" / "viewer_bank"


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def flag(page, file_index: int, first: int, last: int, category: str, comment: str) -> None:
    """Flag new lines first..last by mouse (click, shift-click) and save the form."""
    line(page, file_index, new=first).locator("td.cra-code").click()
    if last != first:
        line(page, file_index, new=last).locator("td.cra-code").click(modifiers=["Shift"])
    form = page.locator(".cra-form")
    form.locator("select.cra-category").select_option(category)
    form.locator("select.cra-severity").select_option("major")
    form.locator("textarea").fill(comment)
    form.locator("button.cra-save").click()
    form.wait_for(state="detached")


def shown(page) -> list[tuple[str, str]]:
    """The findings a page shows inline, as sorted (id, comment) pairs."""
    cards = page.locator(".cra-card").evaluate_all(
        "cards => cards.map(c => [c.dataset.finding, c.querySelector('.cra-comment').textContent])"
    )
    return sorted(tuple(c) for c in cards)


def come_back(page, by: str) -> None:
    """Return to a page as a learner does from another window: bring it to the front, then either
    focus its viewer or move the pointer back over it.

    Headless chromium keeps every page visible and focused, so the events a real window switch
    fires are made here by hand: focus leaves the viewer and returns to it (focusin), or the
    pointer leaves the viewer and enters it again (pointerenter).
    """
    page.bring_to_front()
    root = page.locator(".cra-root")
    if by == "focus":
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        root.focus()
    else:
        page.mouse.move(1, 1)  # off the viewer: JupyterLab's top bar
        box = root.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 5)


def test_two_kernels_two_pages_see_each_others_findings_on_focus(lab, new_page):
    folder = lab.root / "sync"
    folder.mkdir()
    write_exercise(folder)
    source = f"from course.review import Review\nreview = Review.open('{SLUG}.diff')\nreview"
    lab.write_notebook("sync/a.ipynb", source)
    lab.write_notebook("sync/b.ipynb", source)
    sidecar = folder / f"{SLUG}.findings.json"

    def on_disk() -> list[tuple[str, str]]:
        data = json.loads(sidecar.read_text()) if sidecar.exists() else {"findings": []}
        return sorted((f["id"], f["comment"]) for f in data["findings"])

    page_a, log_a = new_page()
    page_b, log_b = new_page()
    open_and_run(page_a, lab, "sync/a.ipynb")
    open_and_run(page_b, lab, "sync/b.ipynb")
    kernels = [
        p.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id")
        for p in (page_a, page_b)
    ]
    assert kernels[0] != kernels[1], "the two notebooks share a kernel"
    runs_a, runs_b = execution_count(page_a), execution_count(page_b)
    assert shown(page_a) == shown(page_b) == []

    # A flags two findings through the page
    page_a.bring_to_front()
    flag(page_a, 1, 9, 12, "concurrency", "A: the lock is gone")
    flag(page_a, 0, 2, 2, "edge-case", "A: n is never checked")
    wait_for(lambda: len(on_disk()) == 2, what="both findings on disk")
    assert shown(page_a) == on_disk()
    assert shown(page_b) == []  # B has not looked yet

    # B comes back: both appear, without running its cell again
    come_back(page_b, by="focus")
    wait_for(lambda: len(shown(page_b)) == 2, timeout=5, what="A's findings in page B")
    assert shown(page_b) == on_disk()
    assert execution_count(page_b) == runs_b, "page B re-ran its cell"

    # B deletes the lock finding; A, on coming back, shows it gone. All of this happens within
    # the viewer's refresh interval of A's last look (about 0.8 s): A's ask must be deferred,
    # not dropped.
    lock_id = next(i for i, c in on_disk() if c == "A: the lock is gone")
    page_b.locator(f".cra-card[data-finding='{lock_id}'] button.cra-delete").click()
    wait_for(lambda: len(on_disk()) == 1, what="the deletion on disk")
    wait_for(lambda: len(shown(page_b)) == 1, what="the deletion in page B")
    come_back(page_a, by="pointer")
    wait_for(lambda: len(shown(page_a)) == 1, timeout=5, what="B's deletion in page A")

    kept = on_disk()
    assert [c for _, c in kept] == ["A: n is never checked"]
    assert shown(page_a) == shown(page_b) == kept
    for page in (page_a, page_b):
        assert page.locator(".cra-count").inner_text() == "1 finding"
    assert execution_count(page_a) == runs_a and execution_count(page_b) == runs_b
    assert not unexpected_errors(log_a, "lab"), log_a.errors
    assert not unexpected_errors(log_b, "lab"), log_b.errors


def test_practice_proof_fails_on_the_change_and_passes_on_the_fix(lab, new_page):
    folder = lab.root / "practice"
    folder.mkdir()
    lab.write_notebook(
        "practice/proof.ipynb",
        "from course.practice import practice\n"
        f"review = practice('viewer-cart', bank={str(BANK)!r})\n"
        "review.flag('viewercart/cart.py', 10, 'edge-case', 'empty cart')\n"
        "review",
    )
    page, log = new_page(viewport=(1280, 620))  # a short area: the proof button can sit on its bottom edge
    open_and_run(page, lab, "practice/proof.ipynb")
    root = page.locator(".cra-root")

    submit_review(root)
    missed = root.locator(".cra-defect[data-defect='0']")
    missed.locator(".cra-result").wait_for()
    assert missed.locator(".cra-result").inner_text() == "missed"
    for n in range(2):  # both hints, then the explanation and its proof
        missed.locator("button.cra-hint").click()
        missed.locator(".cra-hints li").nth(n).wait_for()
    missed.locator("button.cra-reveal").click()
    proof = missed.locator(".cra-proof")
    proof.wait_for()
    assert proof.locator("code").inner_text() == "test_cart.py::test_subtotal_counts_every_item"
    assert missed.locator(".cra-proof-run").count() == 0

    button = proof.locator("button.cra-prove")
    # the button on the area's bottom edge: its result comes into sight (walk-through 17: hidden)
    button.evaluate(
        "b => { const m = b.closest('.cra-main'); m.scrollTop += b.getBoundingClientRect().bottom - m.getBoundingClientRect().bottom; }"
    )
    button.click()
    run = missed.locator(".cra-proof-run")
    run.wait_for(timeout=30_000)  # two pytest runs in the kernel
    page.wait_for_timeout(300)
    area, shown = page.locator(".cra-root .cra-main").bounding_box(), run.bounding_box()
    assert area["y"] - 1 <= shown["y"] and shown["y"] + shown["height"] <= area["y"] + area["height"] + 1, (area, shown)
    assert run.locator("div").first.inner_text() == (
        "On the code under review the proof fails; on the fixed code it passes."
    )
    output = run.locator("pre").text_content()
    assert "test_subtotal_counts_every_item" in output and "FAILED" in output
    assert "VIEWER-EXPLANATION-A" in missed.locator(".cra-explanation").inner_text()
    # the other defect, found, was not run
    assert root.locator(".cra-defect[data-defect='1'] .cra-proof-run").count() == 0
    assert not unexpected_errors(log, "lab"), log.errors
