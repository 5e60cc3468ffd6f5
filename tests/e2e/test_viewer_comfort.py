"""A long review in comfort (issue #13): the review full width over the notebook, a file tree,
keys to the next file and change, undo for a delete, and a counter on the comment box.
The full-width view is checked in JupyterLab and Notebook 7 (their page layouts differ); the
rest is the same front end and is checked in JupyterLab."""

from __future__ import annotations

import json

import pytest
from viewer_flow import cell_count, execution_count, line, open_and_run, save_notebook, unexpected_errors, wait_for

from course.diff import render_bundle, unified_diff
from course.review.sidecar import MAX_COMMENT

pytestmark = pytest.mark.browser

SLUG = "comfort"
LONG = "services/billing/internal/adapters/payments/reconciliation/settlement_window_calculator.py"
BODY = [f"value_{i} = {i}\n" for i in range(1, 151)]


def _changed(lines: list[str], at: tuple[int, ...]) -> str:
    out = list(lines)
    for n in at:
        out[n - 1] = f"value_{n} = {n} * 2  # changed\n"
    return "".join(out)


# Sorted as the diff sorts them: README.md, services/billing/api.py, LONG, web/static/app.js.
BEFORE = {
    "README.md": "# Billing\n\nSettles payments.\n",
    "services/billing/api.py": "def settle(batch):\n    return run(batch)\n",
    LONG: "".join(BODY),
    "web/static/app.js": "const total = 0;\nexport default total;\n",
}
AFTER = {
    "README.md": "# Billing\n\nSettles payments daily.\n",
    "services/billing/api.py": "def settle(batch):\n    batch = batch or []\n    return run(batch)\n",
    LONG: _changed(BODY, (20, 70, 130)),  # three changes, far apart: folds between them
    "web/static/app.js": "let total = 0;\nexport default total;\n",
}
LONG_INDEX = 2


def write_comfort(server) -> None:
    diff = unified_diff(BEFORE, AFTER)
    text = render_bundle(SLUG, "Settlement windows", "bot", "Reworks settlement.", diff)
    (server.root / f"{SLUG}.diff").write_text(text, encoding="utf-8")
    (server.root / f"{SLUG}.findings.json").unlink(missing_ok=True)
    server.write_notebook(
        f"{SLUG}.ipynb",
        "from course.review import Review\n"
        f"review = Review.open('{SLUG}.diff')\n"
        f"review.flag({LONG!r}, 20, 'logic', 'doubles the first window')\n"
        f"review.flag({LONG!r}, 130, 'logic', 'and the last')\n"
        "review.flag('services/billing/api.py', 2, 'edge-case', 'None becomes an empty batch')\n"
        "review",
    )


def findings(server) -> list[dict]:
    path = server.root / f"{SLUG}.findings.json"
    return json.loads(path.read_text())["findings"] if path.exists() else []


def delete_card(page, finding_id: str) -> None:
    button = page.locator(f".cra-card[data-finding='{finding_id}'] button.cra-delete")
    button.evaluate("b => b.scrollIntoView({block: 'center'})")  # inside the viewer's own scroll area
    button.click()


def cursor_line(page):
    """[file index, line] of the row under the keyboard cursor: its new number, or minus its old
    number for a removed line."""
    return page.evaluate(
        """() => { const c = document.querySelector('.cra-line.cra-cursor');
                   if (!c) return null;
                   const [o, n] = [c.children[0].textContent, c.children[1].textContent];
                   return [Number(c.closest('table').dataset.file), n ? Number(n) : -Number(o)]; }"""
    )


# Every element from the diff's table up to the document that scrolls vertically (and has more
# to show than fits): what the learner meets as nested scrollbars around the diff.
SCROLLERS = """() => {
  const out = [];
  for (let n = document.querySelector('.cra-diff').parentElement; n; n = n.parentElement) {
    const y = getComputedStyle(n).overflowY;
    if ((y === 'auto' || y === 'scroll') && n.scrollHeight > n.clientHeight + 1) out.push(n.className || n.localName);
  }
  return out;
}"""


@pytest.fixture
def server(servers):
    return servers("lab")


def aside_fits(page, root) -> None:
    """The side panel never scrolls sideways; the long path is whole, its title the full path."""
    assert page.evaluate(
        "() => { const a = document.querySelector('.cra-aside'); return a.scrollWidth <= a.clientWidth; }"
    )
    item = root.locator(f".cra-tree-file[data-file='{LONG_INDEX}'] .cra-tree-name")
    assert item.get_attribute("title") == LONG
    assert item.inner_text().replace("\n", "") == "settlement_window_calculator.py"
    assert item.evaluate("e => e.scrollWidth <= e.clientWidth")


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_full_width_covers_the_window_with_one_scroller_and_returns_with_nothing_lost(app, servers, new_page):
    server = servers(app)
    write_comfort(server)
    page, log = new_page(viewport=(1100, 650))
    open_and_run(page, server, f"{SLUG}.ipynb")
    cells, runs = cell_count(page), execution_count(page)
    root = page.locator(".cra-root")
    assert len(page.evaluate(SCROLLERS)) >= 2  # in the cell: the notebook's scroller around the diff's

    # a half-written finding, then full width
    line(page, LONG_INDEX, new=70).locator("td.cra-code").click()
    page.locator(".cra-form select.cra-category").select_option("logic")
    page.locator(".cra-form select.cra-severity").select_option("major")
    page.locator(".cra-form textarea").fill("half-written")
    root.locator("button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root.cra-full")
    box = root.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 1100, "height": 650}
    # over the notebook: whatever is at any point of the window is the review
    assert page.evaluate(
        """() => [[5, 5], [1095, 5], [550, 325], [5, 645], [1095, 645]].every(
             ([x, y]) => document.elementFromPoint(x, y)?.closest('.cra-root') !== null)"""
    )
    assert page.evaluate(SCROLLERS) == ["cra-main"]
    # the wheel scrolls the diff, and the review does not move with anything behind it
    page.evaluate("() => { document.querySelector('.cra-main').scrollTop = 0; }")
    page.mouse.move(700, 400)
    before = page.evaluate("() => document.querySelector('.cra-main').scrollTop")
    page.mouse.wheel(0, 400)
    wait_for(lambda: page.evaluate("() => document.querySelector('.cra-main').scrollTop") > before, what="scroll")
    assert root.bounding_box() == box
    assert page.locator(".cra-form textarea").input_value() == "half-written"

    aside_fits(page, root)

    # the button brings it back to the cell, the form and its draft as they were
    root.locator("button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root:not(.cra-full)")
    aside_fits(page, root)
    assert page.evaluate("() => !!document.querySelector('.cra-root').closest('.jp-Cell')")
    assert page.locator(".cra-form textarea").input_value() == "half-written"
    assert len(page.evaluate(SCROLLERS)) >= 2

    # full width again; save there; Escape (outside the form) returns it, the finding shown
    root.locator("button.cra-fullwidth").click()
    page.wait_for_selector(".cra-root.cra-full")
    page.locator(".cra-form textarea").click()
    page.keyboard.press("Control+Enter")
    wait_for(lambda: len(findings(server)) == 4, what="the finding saved full width")
    page.locator(".cra-form").wait_for(state="detached")
    page.keyboard.press("j")
    where = cursor_line(page)
    page.keyboard.press("Escape")
    page.wait_for_selector(".cra-root:not(.cra-full)")
    assert page.evaluate("() => !!document.querySelector('.cra-root').closest('.jp-Cell')")
    assert cursor_line(page) == where
    assert root.locator(".cra-card").count() == 4
    assert page.locator(".cra-fullwidth-placeholder").count() == 0
    assert (cell_count(page), execution_count(page)) == (cells, runs), "the overlay's keys reached the notebook"
    assert not unexpected_errors(log, server.app), log.errors


def test_the_file_tree_counts_lines_and_findings_and_jumps_to_a_file(server, new_page):
    write_comfort(server)
    page, log = new_page(viewport=(1100, 650))
    open_and_run(page, server, f"{SLUG}.ipynb")
    tree = page.locator(".cra-aside .cra-tree")
    # folders, one row for a chain of single folders, files under them, in the diff's order
    dirs = tree.locator(".cra-tree-dir").all_inner_texts()
    assert dirs == ["services/billing/", "internal/adapters/payments/reconciliation/", "web/static/"]
    names = tree.locator(".cra-tree-file .cra-tree-name").all_inner_texts()
    assert names == ["README.md", "api.py", "settlement_window_calculator.py", "app.js"]
    stats = [s.replace("\u2212", "-") for s in tree.locator(".cra-tree-file .cra-tree-stat").all_inner_texts()]
    assert stats == ["+1 -1", "+1 -0", "+3 -3", "+1 -1"]
    counts = [tree.locator(f".cra-tree-file[data-file='{i}']").get_attribute("data-findings") for i in range(4)]
    assert counts == ["0", "1", "2", "0"]
    assert tree.locator(f".cra-tree-file[data-file='{LONG_INDEX}'] .cra-pill").inner_text() == "2"

    # a click on a file brings that file's header to the top of the diff, the cursor on its first line
    tree.locator(".cra-tree-file[data-file='3'] .cra-tree-name").click()
    wait_for(
        lambda: (
            abs(
                page.evaluate(
                    """() => document.querySelector('section[data-file="3"]').getBoundingClientRect().top
                        - document.querySelector('.cra-main').getBoundingClientRect().top"""
                )
            )
            < 2
            or page.evaluate(
                "() => { const f = document.querySelector('.cra-main'); return f.scrollTop + f.clientHeight >= f.scrollHeight - 1; }"
            )
        ),
        what="file 3 at the top of the diff",
    )
    assert cursor_line(page) == [3, -1]
    # a finding made in the page counts at once
    line(page, 3, new=1).locator("td.cra-code").click()
    page.locator(".cra-form select.cra-category").select_option("logic")
    page.locator(".cra-form select.cra-severity").select_option("major")
    page.locator(".cra-form button.cra-save").click()
    wait_for(lambda: tree.locator(".cra-tree-file[data-file='3']").get_attribute("data-findings") == "1", what="count")
    assert not unexpected_errors(log, server.app), log.errors


def test_keys_jump_file_by_file_and_change_by_change(server, new_page):
    write_comfort(server)
    page, log = new_page(viewport=(1100, 650))
    open_and_run(page, server, f"{SLUG}.ipynb")
    page.locator(".cra-root").focus()
    page.keyboard.press("?")  # every key in the legend, not only the short line
    help_text = page.locator(".cra-help").inner_text()
    assert "] / [ next/previous change" in help_text and "} / { next/previous file" in help_text

    # ] walks the changes in page order: README's, api.py's, then the long file's three
    seen = []
    for _ in range(6):
        page.keyboard.press("]")
        seen.append(cursor_line(page))
    assert seen == [[0, -3], [1, 2], [2, -20], [2, -70], [2, -130], [3, -1]]
    cursor = page.locator(".cra-line.cra-cursor")
    assert cursor.evaluate(
        """c => { const r = c.getBoundingClientRect(), f = document.querySelector('.cra-main').getBoundingClientRect();
                  return r.top >= f.top && r.bottom <= f.bottom; }"""
    ), "the cursor's line is scrolled into view"
    page.keyboard.press("[")
    page.keyboard.press("[")
    assert cursor_line(page) == [2, -70]
    # } and { go file by file, to a file's first line
    page.keyboard.press("{")
    assert cursor_line(page) == [1, 1]
    page.keyboard.press("}")
    assert cursor_line(page) == [2, 17]  # lines 1-16 are folded: the first line shown
    page.keyboard.press("}")
    assert cursor_line(page) == [3, -1]
    page.keyboard.press("{")
    assert cursor_line(page) == [2, 17]
    # and they are the form's characters while typing there
    page.keyboard.press("f")
    page.locator(".cra-form textarea").click()
    page.keyboard.type("a[0] ]{x}")
    assert page.locator(".cra-form textarea").input_value() == "a[0] ]{x}"
    assert cursor_line(page)[0] == LONG_INDEX
    assert not unexpected_errors(log, server.app), log.errors


def test_a_deleted_finding_comes_back_with_undo_by_button_and_by_key(server, new_page):
    write_comfort(server)
    page, log = new_page(viewport=(1100, 650))
    open_and_run(page, server, f"{SLUG}.ipynb")
    saved = wait_for(lambda: findings(server), what="the flags on disk")
    first = next(f for f in saved if f["start"] == 20)

    delete_card(page, first["id"])
    wait_for(lambda: first["id"] not in [f["id"] for f in findings(server)], what="delete on disk")
    undo = page.locator(".cra-undo")
    undo.wait_for()
    assert "Deleted" in undo.inner_text() and f"{LONG}:20" in undo.inner_text()
    undo.locator("button.cra-undo-button").click()
    back = wait_for(lambda: [f for f in findings(server) if f["id"] == first["id"]], what="the finding back on disk")[0]
    assert back == first  # the same finding: id, span, category, comment and times
    page.locator(f".cra-card[data-finding='{first['id']}']").wait_for()
    page.locator(".cra-undo").wait_for(state="detached")

    # by key: u, while the viewer has focus
    delete_card(page, first["id"])
    undo.wait_for()
    wait_for(lambda: len(findings(server)) == 2, what="second delete on disk")
    page.locator(".cra-root").focus()
    page.keyboard.press("u")
    wait_for(lambda: first in findings(server), what="undo by key on disk")
    page.locator(".cra-keys-toggle").click()
    assert "u undoes a delete" in page.locator(".cra-help").inner_text()
    assert not unexpected_errors(log, server.app), log.errors


def test_the_key_legend_is_one_line_in_the_cell_and_shows_every_key_on_asking(server, new_page):
    """In the cell the legend keeps to one line (the diff gets the height); "all keys" or ? shows
    the rest, the browser remembers the choice, and Full width always shows every key."""
    write_comfort(server)
    page, log = new_page(viewport=(1100, 650))
    open_and_run(page, server, f"{SLUG}.ipynb")
    legend = page.locator(".cra-help")
    lead = legend.locator(".cra-key-lead")
    one_line = lambda: legend.bounding_box()["height"] < 2 * lead.bounding_box()["height"] + 8  # noqa: E731
    short = legend.inner_text()
    assert "j / k / \u2191 / \u2193 move" in short and "f / Enter flag" in short and "all keys (?)" in short
    assert "next/previous change" not in short and "next/previous finding" not in short
    assert one_line(), legend.bounding_box()
    toggle = legend.locator(".cra-keys-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"

    # from a file's Viewed box, as walk 30 asked after ticking one (the box took the key as a field's)
    box = page.locator(".cra-root input[type=checkbox]").first
    box.focus()
    page.keyboard.press("?")
    assert box.evaluate("b => b === document.activeElement")
    every = legend.inner_text()
    assert "] / [ next/previous change" in every and "u undoes a delete" in every and "J / K extend" in every
    assert "n / p next/previous finding" in every and "Ctrl+Enter saves" in every
    assert toggle.get_attribute("aria-expanded") == "true" and toggle.inner_text() == "fewer keys"
    assert not one_line()

    # the choice is kept for this review: opened again, the legend comes back with every key
    save_notebook(page)
    page.wait_for_timeout(300)
    open_and_run(page, server, f"{SLUG}.ipynb")
    assert "next/previous change" in legend.inner_text()

    # another review keeps to the one line (walk-through 17: asked once, every review after had
    # every key, under less code)
    other = render_bundle("other", "Settlement windows, again", "bot", "Reworks it.", unified_diff(BEFORE, AFTER))
    (server.root / "other.diff").write_text(other, encoding="utf-8")
    server.write_notebook("other.ipynb", "from course.review import Review\nReview.open('other.diff')")
    save_notebook(page)
    open_and_run(page, server, "other.ipynb")
    other_legend = page.locator(".cra-help").last
    other_legend.wait_for()
    assert "next/previous change" not in other_legend.inner_text()
    assert other_legend.locator(".cra-keys-toggle").get_attribute("aria-expanded") == "false"
    save_notebook(page)
    page.wait_for_timeout(300)
    open_and_run(page, server, f"{SLUG}.ipynb")
    assert "next/previous change" in legend.inner_text()
    toggle.click()
    assert "next/previous change" not in legend.inner_text() and one_line()

    page.locator(".cra-fullwidth").click()
    page.locator(".cra-root.cra-full").wait_for()
    assert "} / { next/previous file" in legend.inner_text() and not toggle.is_visible()
    # ? in Full width (every key already shows) leaves the cell's one line as it was (walk 31:
    # after Esc the cell kept every key, 19 px less of diff)
    page.locator(".cra-root").focus()
    page.keyboard.press("?")
    page.keyboard.press("Escape")
    page.locator(".cra-root.cra-full").wait_for(state="detached")
    assert toggle.get_attribute("aria-expanded") == "false" and one_line()
    assert not unexpected_errors(log, server.app), log.errors


def test_the_comment_box_counts_down_to_the_limit_and_warns_before_it(server, new_page):
    write_comfort(server)
    page, log = new_page(viewport=(1100, 650))
    open_and_run(page, server, f"{SLUG}.ipynb")
    line(page, 0, new=3).locator("td.cra-code").click()
    form = page.locator(".cra-form")
    counter = form.locator(".cra-counter")
    assert counter.inner_text() == f"{MAX_COMMENT:,} characters left"
    form.locator("select.cra-category").select_option("logic")
    form.locator("select.cra-severity").select_option("major")
    form.locator("textarea").click()
    page.keyboard.type("daily?")
    assert counter.inner_text() == f"{MAX_COMMENT - 6:,} characters left"
    assert "cra-counter-warn" not in counter.get_attribute("class")

    form.locator("textarea").fill("x" * (MAX_COMMENT - 20))
    assert counter.inner_text() == "20 characters left"
    assert "cra-counter-warn" in counter.get_attribute("class")
    # counted as Python counts, in characters: an emoji is one, not JavaScript's two
    form.locator("textarea").fill("\N{SLIGHTLY SMILING FACE}" * (MAX_COMMENT + 3))
    assert counter.inner_text() == "3 characters over the limit"
    assert "cra-counter-over" in counter.get_attribute("class")
    form.locator("button.cra-save").click()
    assert "at most" in form.locator(".cra-error").inner_text()
    page.wait_for_timeout(300)
    assert len(findings(server)) == 3  # refused in the page, nothing sent
    form.locator("textarea").fill("\N{SLIGHTLY SMILING FACE}" * MAX_COMMENT)
    assert counter.inner_text() == "0 characters left"
    form.locator("button.cra-save").click()
    wait_for(lambda: len(findings(server)) == 4, what="a comment at the limit saved")
    assert not unexpected_errors(log, server.app), log.errors
