"""Practice mode shows key text as Markdown, marks a revealed defect in the diff and shows its fix
(issue #13: "Explanations and hints show raw Markdown hard-wrapped").

1. Hints, explanations and a decoy's "why it is fine" are Markdown rendered with text nodes:
   paragraphs reflowed (no hard wraps), `code`, **bold**, lists and fenced code as elements.
2. Revealing a defect marks every line of every span of it (`lines` and `also_at`, an old-side
   one included) in the diff, visibly, links to them, and brings the first into view.
3. Under the explanation, the fix: only the hunk of fixed/ that repairs that defect, as a small
   diff of removed and added lines, highlighted like the main diff.
   The marks and the fix come back after a kernel restart (the practice progress file says what
   is revealed).
4. A hostile key (explanation, hint, why_fine and fixed/ carrying markup and a `javascript:`
   link) shows as text and runs nothing.

Each test builds its own exercise bank from tests/fixtures/viewer_bank with a rewritten key.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_learner_practice import restart_kernel_and_run_all
from test_xss import RECORD_HTML, markup_problems
from viewer_flow import line, open_and_run, submit_review, unexpected_errors, wait_for

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "viewer_bank" / "viewer-cart"
SLUG = "viewer-cart"
CART = "viewercart/cart.py"

# Hard-wrapped Markdown, as key authors write it in key.toml.
HINT_A1 = "Look at `prices[1:]`:\nwhich item\nis **dropped**?"
EXPLANATION_A = (
    "The slice `prices[1:]` starts\nat index 1, so **the first item**\nis never summed.\n\n"
    "- a cart of one item costs `0`\n- every other cart is\n  short by its first price\n\n"
    "```python\nassert subtotal([5]) == 5\n```\n"
)
WHY_FINE = "Rounding **down**\nis the documented `policy`."

IMG = "<img src=x onerror=\"window.__pwned=1;console.log('PWNED img')\">"
SCRIPT = "</script><script>window.__pwned=2;alert('PWNED script')</script>"
LINK = "[click me](javascript:window.__pwned=3;alert('PWNED link'))"  # a space: Markdown keeps it as text
JS_LINK = "[click me](javascript:window.__pwned=9)"  # a link to markdown-it


def _toml(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def write_bank(
    root: Path,
    *,
    hint: str,
    explanation: str,
    why_fine: str,
    fixed_line: str,
    title: str = "Subtotal skips the first item",
) -> Path:
    """viewer-cart with defect A's texts, an old-side also_at, and fixed/ line 5 replaced."""
    bank = root / "bank"
    if bank.exists():
        shutil.rmtree(bank)
    shutil.copytree(FIXTURE, bank / SLUG)
    (bank / SLUG / "key.toml").write_text(
        f"""[[defect]]
id = "subtotal-skips-first"
file = "{CART}"
side = "new"
lines = [5, 5]
also_at = [{{ file = "{CART}", side = "old", lines = [5, 5] }}]
category = "logic"
severity = "blocker"
title = {_toml(title)}
explanation = {_toml(explanation)}
hints = [{_toml(hint)}, "Second hint."]
proof = "test_cart.py::test_subtotal_counts_every_item"

[[defect]]
id = "average-empty"
file = "{CART}"
side = "new"
lines = [10, 10]
category = "edge-case"
severity = "minor"
title = "Average of an empty cart divides by zero"
explanation = "An empty cart is normal."
hints = ["What if there are no prices?"]
proof = "test_cart.py::test_average_of_an_empty_cart_is_zero"

[[decoy]]
file = "{CART}"
side = "new"
lines = [14, 14]
why_fine = {_toml(why_fine)}
""",
        encoding="utf-8",
    )
    fixed = bank / SLUG / "fixed" / CART
    lines = fixed.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = fixed_line + "\n"
    fixed.write_text("".join(lines), encoding="utf-8")
    return bank


def run_practice(lab, new_page, folder: str, bank: Path, *flags: str, record_html: bool = False):
    """A practice notebook on `bank`'s viewer-cart in its own folder, with `review.flag(CART, ...)`
    for each of `flags`, open and run; returns (page, log)."""
    (lab.root / folder).mkdir()
    body = "".join(f"review.flag({CART!r}, {flag})\n" for flag in flags)
    lab.write_notebook(
        f"{folder}/p.ipynb",
        f"from course.practice import practice\nreview = practice({SLUG!r}, bank={str(bank)!r})\n{body}review",
    )
    page, log = new_page()
    if record_html:
        page.add_init_script(RECORD_HTML)
    open_and_run(page, lab, f"{folder}/p.ipynb")
    return page, log


def open_practice(lab, new_page, folder: str, bank: Path, *, record_html: bool = False):
    """Flag defect B (found) and the decoy (a false positive), submit, show both hints of A and
    reveal it; returns (page, log, defect A's <li>)."""
    page, log = run_practice(
        lab,
        new_page,
        folder,
        bank,
        "10, 'edge-case', 'empty cart'",
        "14, 'logic', 'rounds down'",
        record_html=record_html,
    )
    root = page.locator(".cra-root")
    submit_review(root)
    page.locator(".cra-score-value").wait_for()
    missed = root.locator(".cra-defect[data-defect='0']")
    missed.locator("button.cra-hint").click()
    missed.locator(".cra-hints li").first.wait_for()
    missed.locator("button.cra-hint").click()
    missed.locator(".cra-hints li").nth(1).wait_for()
    return page, log, missed


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def marked(page) -> list[tuple[str, str, str]]:
    """(old number, new number, defects) of every marked row of the main diff."""
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.cra-files tr.cra-defect-mark')].map(tr =>
             [tr.children[0].textContent, tr.children[1].textContent, tr.dataset.defectMark])"""
    )
    return [tuple(r) for r in rows]


# [code background, code background image] of the first marked row of `kind` (cra-add, cra-del)
# and the code background of any row of that kind: an unmarked one, or the tint itself.
TINT = """k => { const code = (tr) => getComputedStyle(tr.querySelector('td.cra-code'));
  const marked = document.querySelector(`.cra-files tr.${k}.cra-defect-mark`);
  const probe = document.createElement('tr'); probe.className = `cra-line ${k}`;
  probe.innerHTML = '<td class="cra-code"></td>';
  marked.closest('tbody').append(probe);
  const plain = code(probe).backgroundColor; probe.remove();
  return [code(marked).backgroundColor, code(marked).backgroundImage, plain]; }"""


def fix_rows(defect) -> list[tuple[str, str]]:
    return [
        (cls.split()[-1], text)
        for cls, text in zip(
            defect.locator(".cra-fix tr").evaluate_all("rows => rows.map(r => r.className)"),
            defect.locator(".cra-fix tr td.cra-code").evaluate_all("cells => cells.map(c => c.textContent)"),
        )
    ]


def test_key_text_is_markdown_and_a_revealed_defect_is_marked_with_its_fix(lab, new_page, tmp_path):
    bank = write_bank(
        tmp_path,
        hint=HINT_A1,
        explanation=EXPLANATION_A,
        why_fine=WHY_FINE,
        fixed_line="    return sum(prices)",
        title="`subtotal` skips the first item",
    )
    page, log, missed = open_practice(lab, new_page, "md", bank)
    root = page.locator(".cra-root")

    # 1. the hint: one reflowed paragraph, with <code> and <strong>, no Markdown marks left
    hint = missed.locator(".cra-hints li").first
    assert hint.locator("p").all_inner_texts() == ["Look at prices[1:]: which item is dropped?"]
    assert hint.locator("code").all_inner_texts() == ["prices[1:]"]
    assert hint.locator("strong").all_inner_texts() == ["dropped"]
    # the decoy's why_fine, under "Findings that hit no defect"
    why = root.locator(".cra-why-fine")
    assert why.locator("strong").all_inner_texts() == ["down"]
    assert why.locator("code").all_inner_texts() == ["policy"]
    assert "**" not in why.inner_text() and "`" not in why.inner_text()
    # a finding on no defect says why it costs what it costs (walk-through 5: a bare "(free)")
    cost = root.locator(".cra-fp-cost")
    assert "the first finding that hits no defect costs nothing" in cost.inner_text()
    assert marked(page) == []  # nothing marked before a reveal

    # 2. reveal: the explanation is Markdown, and the defect's lines are marked in the diff
    missed.locator("button.cra-reveal").click()
    expl = missed.locator(".cra-explanation")
    expl.wait_for()
    paragraphs = expl.locator("p").all_inner_texts()
    assert paragraphs == ["The slice prices[1:] starts at index 1, so the first item is never summed."]
    assert expl.locator("p code").all_inner_texts() == ["prices[1:]"]
    assert expl.locator("p strong").all_inner_texts() == ["the first item"]
    assert expl.locator("ul > li").all_inner_texts() == [
        "a cart of one item costs 0",
        "every other cart is short by its first price",
    ]
    assert expl.locator("pre").all_inner_texts() == ["assert subtotal([5]) == 5"]
    for mark in ("**", "```", "- a cart"):
        assert mark not in expl.inner_text()
    # white-space is not pre-wrap: the paragraph is one line in a wide page (reflowed)
    height, line_height = expl.locator("p").evaluate(
        "p => [p.getBoundingClientRect().height, parseFloat(getComputedStyle(p).lineHeight) || 20]"
    )
    assert height < 1.8 * line_height, f"the paragraph wraps where the source did ({height}px)"

    wait_for(lambda: len(marked(page)) == 2, what="the defect's two spans marked")
    assert sorted(marked(page)) == [("", "5", "0"), ("5", "", "0")]  # new line 5 and old line 5 (also_at)
    new5 = line(page, 0, new=5)
    assert "cra-defect-mark" in new5.get_attribute("class")
    assert "cra-defect-mark" not in line(page, 0, new=10).get_attribute("class")  # defect B is not revealed
    shadow = new5.locator("td.cra-num").first.evaluate("td => getComputedStyle(td).boxShadow")
    assert shadow != "none", "a marked line must look different"
    # walk-through 5: a marked line keeps its added (removed) tint; the numbers carry the mark
    for kind in ("cra-add", "cra-del"):
        mark_bg, mark_image, plain_bg = page.evaluate(TINT, kind)
        assert mark_image == "none", f"a {kind} line's code is painted over when marked"
        assert mark_bg == plain_bg, f"a marked {kind} line lost its tint: {mark_bg} against {plain_bg}"
    # each marked span is labelled, on the row just above its first line, with the defect it is
    labels = page.evaluate(
        """() => [...document.querySelectorAll('.cra-files tr.cra-defect-label-row')].map(tr =>
             [tr.innerText.trim(), tr.nextElementSibling.classList.contains('cra-defect-mark')])"""
    )
    assert len(labels) == 2 and all(text.startswith("Defect 1") and mark for text, mark in labels), labels
    assert missed.locator(".cra-defect-title").inner_text() in labels[0][0]
    # the title's code span is code, without its backticks (walk-through 18 read them), in both
    assert missed.locator(".cra-defect-title code").all_inner_texts() == ["subtotal"]
    assert page.locator(".cra-defect-tag-title code").first.inner_text() == "subtotal"
    assert "`" not in labels[0][0]
    places = missed.locator(".cra-defect-place")
    assert places.all_inner_texts() == [f"{CART}:5", f"{CART}:5 (old)"]

    # 3. the fix, under the explanation: only the hunk that repairs this defect
    fix = missed.locator(".cra-fix")
    assert "fixed/" not in fix.locator("summary").inner_text()  # walk-through 5: it read as a stray path
    assert fix.locator(".cra-fix-path").all_inner_texts() == [CART]
    # which numbers are which (walk-through 18: "42 → 47" read as a mistake)
    assert fix.locator(".cra-fix-numbers").inner_text().startswith("Left, the line number in the code under review")
    rows = fix_rows(missed)
    changed = [r for r in rows if r[0] in ("cra-add", "cra-del")]
    assert changed == [("cra-del", "    return sum(prices[1:])"), ("cra-add", "    return sum(prices)")]
    assert "if prices else 0" not in fix.inner_text()  # defect B's fix is not shown here
    assert fix.locator("td.cra-code span[class^='tok-']").count() > 0, "the fix is highlighted"
    assert fix.locator(".cra-del td.cra-num").first.inner_text() == "5"

    # the links bring a marked line into view
    page.locator(".cra-main").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    places.nth(1).click()
    wait_for(
        lambda: line(page, 0, old=5).evaluate(
            """tr => { const r = tr.getBoundingClientRect(), box = tr.closest('.cra-main').getBoundingClientRect();
                       return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.bottom <= innerHeight; }"""
        ),
        what="the old line in view",
    )

    # after a kernel restart and Run All, the same marks and the same fix
    restart_kernel_and_run_all(page)
    page.locator(".cra-score-value").wait_for(timeout=15_000)
    missed = page.locator(".cra-root .cra-defect[data-defect='0']")
    missed.locator(".cra-fix").wait_for()
    wait_for(lambda: sorted(marked(page)) == [("", "5", "0"), ("5", "", "0")], what="marks after restart")
    assert fix_rows(missed) == rows
    assert missed.locator(".cra-hints li").first.locator("code").all_inner_texts() == ["prices[1:]"]
    assert not unexpected_errors(log, "lab"), log.errors


def test_a_hostile_key_and_fix_show_as_text_and_run_nothing(lab, new_page, tmp_path):
    hostile = f"See {IMG} and {JS_LINK}, {LINK}.\n\n{SCRIPT}\n\n- {IMG}\n\n```\n{SCRIPT}\n```"
    bank = write_bank(
        tmp_path,
        hint=f"Hint {IMG} {LINK} `{SCRIPT}`",
        explanation=hostile,
        why_fine=f"Fine {IMG} **{SCRIPT}** {LINK}",
        fixed_line=f"    return sum(prices)  # {IMG} {SCRIPT}",
        title=f"Title {IMG} `{SCRIPT}` and a lone ` {IMG}",
    )
    page, log, missed = open_practice(lab, new_page, "xss", bank, record_html=True)
    missed.locator("button.cra-reveal").click()
    missed.locator(".cra-fix").wait_for()
    page.locator(".cra-root").hover()
    page.wait_for_timeout(500)  # time for any onerror/onload handler to fire

    assert page.evaluate("() => window.__pwned") is None
    assert log.dialogs == []
    assert not [m for m in log.console if "PWNED" in m], log.console
    assert not [u for u in log.requests if urlsplit(u).path.rsplit("/", 1)[-1] == "x"], log.requests
    practice = page.locator(".cra-practice")
    assert practice.locator("img, svg, script, iframe, object, embed, a").count() == 0
    assert practice.locator("[onerror], [onload], [onclick], [href]").count() == 0

    # every payload is on the page, as text, where it belongs
    assert IMG in missed.locator(".cra-hints li").first.inner_text()
    assert "javascript:window.__pwned=3" in missed.locator(".cra-hints li").first.inner_text()
    assert SCRIPT in missed.locator(".cra-hints li code").first.inner_text()
    expl = missed.locator(".cra-explanation")
    assert IMG in expl.locator("p").first.inner_text()
    first = expl.locator("p").first
    assert "click me <javascript:window.__pwned=9>" in first.inner_text()  # the address, never a link
    assert first.locator(".cra-url").all_inner_texts() == [" <javascript:window.__pwned=9>"]
    assert "javascript:window.__pwned=3" in first.inner_text()
    assert expl.locator("pre").all_inner_texts() == [SCRIPT]
    assert IMG in expl.locator("li").first.inner_text()
    why = page.locator(".cra-why-fine")
    assert IMG in why.inner_text() and why.locator("strong").all_inner_texts() == [SCRIPT]
    added = missed.locator(".cra-fix tr.cra-add td.cra-code").all_inner_texts()
    assert added == [f"    return sum(prices)  # {IMG} {SCRIPT}"]
    # the title's code span is code, its payloads text, in the feedback and in the diff's label
    for title in (missed.locator(".cra-defect-title"), page.locator(".cra-defect-tag-title").first):
        assert title.inner_text().strip() == f"Title {IMG} {SCRIPT} and a lone ` {IMG}"
        assert title.locator("code").all_inner_texts() == [SCRIPT]

    # the viewer handed the HTML parser nothing but the highlighter's markup of the main diff:
    records = page.evaluate("() => window.__craHtml.map(r => ({...r, parsed: window.__craParse(r.html, r.context)}))")
    ours = [r for r in records if r["viewer"]]
    assert ours, "no HTML parsed by the viewer was recorded"
    # key text and fixed/ never reach it at all, not even escaped
    assert [r["html"] for r in ours if "__pwned" in r["html"]] == []
    assert [p for r in ours if (p := markup_problems(r["parsed"]))] == []
    assert not unexpected_errors(log, "lab"), log.errors


def test_a_correct_change_says_there_is_nothing_to_find_not_precision_and_recall(lab, new_page, tmp_path):
    """Walk-through 11: a correct pull request scored "Score 100% precision 0%, recall 100%"."""
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE, bank / SLUG)
    (bank / SLUG / "key.toml").write_text(
        f'[[decoy]]\nfile = "{CART}"\nside = "new"\nlines = [14, 14]\nwhy_fine = "Rounding down is the policy."\n',
        encoding="utf-8",
    )
    flags = ("14, 'logic', 'rounds down'", "13, 'logic', 'and here', severity='minor'")
    page, log = run_practice(lab, new_page, "correct", bank, *flags, "3, 'logic', 'a blank line', severity='minor'")
    root = page.locator(".cra-root")
    root.locator("button.cra-verdict-approve").click()
    root.locator("button.cra-submit").click()
    wait_for(lambda: "no defects to find" in root.locator(".cra-score").inner_text(), what="the score line")
    line_text = root.locator(".cra-score").inner_text()
    assert "precision" not in line_text and "recall" not in line_text, line_text
    # walk-through 15: what each finding cost, in words true of a change with no defects
    costs = dict(
        zip(
            root.locator(".cra-practice li .cra-where").all_inner_texts(),
            root.locator(".cra-fp-cost").all_inner_texts(),
        )
    )
    assert "defect earns" not in " ".join(costs.values()), costs
    # (walk-through 19 found "the first finding that lands on a decoy or claims more than a minor
    # note costs nothing" hard to parse)
    # (walk-through 24: the arithmetic behind 0% could not be followed; now in percentages)
    assert "is free: the first finding on a decoy or above minor costs nothing" in costs[f"{CART}:13"]
    assert "takes 50% off the score" in costs[f"{CART}:14"]
    # and the score as a sum: this key expects changes requested, so Approve earns nothing
    assert "verdict: yours approve, expected request-changes" in line_text
    assert root.locator(".cra-correct-sum").inner_text() == (
        "This change has no defects, so the verdict is the answer: Request changes earns 100%, any other"
        " verdict 0%. Yours, Approve, earned 0%; 1 finding on a decoy or above minor, after the first, took 50%"
        " off. Score 0% (a score is never below 0%)."
    )
    assert "a minor note on a correct change costs nothing" in costs[f"{CART}:3"]
    # a finding on a decoy is told which lines the decoy is, and whether it is on them or next to them
    told = " ".join(root.locator(".cra-why-fine").all_inner_texts())
    assert f"It lies on {CART}:14, which looks suspicious but is fine" in told, told
    assert f"It lies next to {CART}:14, which looks suspicious but is fine" in told, told
    # a finding on nothing in the key says so, rather than nothing (walk-through 15)
    (nothing,) = root.locator(".cra-fp-nothing").all_inner_texts()
    assert "The key has nothing on these lines, neither a defect nor a decoy" in nothing
    assert "defects above" not in nothing  # (walk-through 25: a correct change has none above)
    assert nothing.endswith("a fair point this exercise does not teach.") and "misreading" not in nothing
    where = root.locator(".cra-practice li", has=page.locator(".cra-fp-nothing")).locator(".cra-where")
    assert where.inner_text() == f"{CART}:3"
    assert not unexpected_errors(log, lab.app), log.errors


def test_decoys_left_alone_are_counted_then_explained_and_linked_once_every_defect_is_shown(lab, new_page, tmp_path):
    """Walk-through 14: a clean pass never said which lines looked wrong and were fine, nor why."""
    bank = write_bank(
        tmp_path, hint=HINT_A1, explanation=EXPLANATION_A, why_fine=WHY_FINE, fixed_line="    return sum(prices)"
    )
    page, log = run_practice(lab, new_page, "alone", bank, "10, 'edge-case', 'empty cart'")
    root = page.locator(".cra-root")
    submit_review(root)
    page.locator(".cra-score-value").wait_for()
    # defect A is still to find: the decoy is counted, never placed or explained
    later = root.locator(".cra-decoys-later")
    assert "You left 1 line that looks wrong and is fine (a decoy) alone" in later.inner_text()
    assert root.locator(".cra-decoys").count() == 0
    assert "documented" not in root.locator(".cra-practice").inner_text()

    missed = root.locator(".cra-defect[data-defect='0']")
    for n in (0, 1):
        missed.locator("button.cra-hint").click()
        missed.locator(".cra-hints li").nth(n).wait_for()
    missed.locator("button.cra-reveal").click()
    decoys = root.locator(".cra-decoys")
    decoys.wait_for()
    assert later.count() == 0
    assert decoys.locator("h4").inner_text() == "Left alone, rightly"
    assert decoys.locator(".cra-why-fine code").all_inner_texts() == ["policy"]
    place = decoys.locator(".cra-decoy-place")
    assert place.inner_text() == f"{CART}:14"
    page.locator(".cra-main").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    place.click()
    wait_for(
        lambda: line(page, 0, new=14).evaluate(
            """tr => { const r = tr.getBoundingClientRect(), box = tr.closest('.cra-main').getBoundingClientRect();
                       return r.top >= box.top - 1 && r.bottom <= box.bottom + 1; }"""
        ),
        what="the decoy's line in view",
    )
    assert not unexpected_errors(log, "lab"), log.errors


def test_a_defect_found_under_another_category_shows_its_title_and_the_keys_category(lab, new_page, tmp_path):
    """Walk-through 17: "found, other category ... Defect 2", with nothing about what it was."""
    bank = write_bank(tmp_path, hint=HINT_A1, explanation=EXPLANATION_A, why_fine=WHY_FINE, fixed_line="    return 0")
    page, log = run_practice(lab, new_page, "othercat", bank, "10, 'logic', 'empty cart'")
    root = page.locator(".cra-root")
    submit_review(root)
    item = root.locator(".cra-defect[data-defect='1']")
    item.locator(".cra-cat-diff").wait_for()
    assert item.locator(".cra-cat-diff").inner_text() == "the key files it under edge-case"
    assert item.locator(".cra-defect-title").inner_text() == "Average of an empty cart divides by zero"
    assert item.locator("button.cra-hint").count() == 0  # walk 31: a hint, on lines found, said nothing new
    item.locator("button.cra-reveal").click()  # its lines were found: the explanation at once
    item.locator(".cra-explanation").wait_for()
    assert not unexpected_errors(log, lab.app), log.errors


def test_the_score_button_goes_back_to_the_explanation_left_for_the_diff(lab, new_page, tmp_path):
    """Walk-through 18: reading an explanation, the learner followed its place link into the
    diff; the toolbar's Score then went to the top of the feedback, not back to that explanation."""
    bank = write_bank(
        tmp_path, hint="A hint.", explanation="Why.", why_fine="Fine.", fixed_line="    return sum(prices)"
    )
    page, log, missed = open_practice(lab, new_page, "back", bank)
    missed.locator("button.cra-reveal").click()
    place = missed.locator(".cra-defect-place").first
    place.wait_for()
    main = page.locator(".cra-root .cra-main")
    top = lambda el: el.evaluate("e => e.getBoundingClientRect().top")  # noqa: E731
    # the explanation a third of the way down the area, as the learner reads it
    main.evaluate(
        "(m, el) => { m.scrollTop += el.getBoundingClientRect().top - m.getBoundingClientRect().top - m.clientHeight / 3; }",
        missed.element_handle(),
    )
    page.wait_for_timeout(200)
    reading = top(missed)
    place.click()
    wait_for(lambda: abs(top(missed) - reading) > 50, what="the diff at the defect's lines")
    page.locator(".cra-root button.cra-to-score").click()
    wait_for(lambda: abs(top(missed) - reading) <= 2, what="the explanation back where it was")
    assert not unexpected_errors(log, lab.app), log.errors


def test_a_verdict_put_right_after_the_score_showed_it_is_marked_with_help(lab, new_page, tmp_path):
    """Walk-through 19: on a correct change the score said "expected approve"; Approve then scored
    100% as if unaided, and My Progress said "passed". (This fixture expects request-changes.)"""
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE, bank / SLUG)
    (bank / SLUG / "key.toml").write_text(
        f'[[decoy]]\nfile = "{CART}"\nside = "new"\nlines = [14, 14]\nwhy_fine = "Rounding down is the policy."\n',
        encoding="utf-8",
    )
    page, log = run_practice(lab, new_page, "verdict", bank)
    root = page.locator(".cra-root")

    def submit_with(verdict: str) -> None:
        button = root.locator(f"button.cra-verdict-{verdict}")
        button.click()
        wait_for(lambda: "cra-active" in (button.get_attribute("class") or ""), what=f"the verdict {verdict}")
        submit_review(root)

    submit_with("approve")
    wait_for(lambda: "expected request-changes" in root.locator(".cra-score").inner_text(), what="the expected verdict")
    assert root.locator(".cra-verdict-told").count() == 0
    submit_with("request-changes")
    wait_for(lambda: "Score 100% with help" in root.locator(".cra-score").inner_text(), what="the score with help")
    assert "put right after the score before" in root.locator(".cra-verdict-told").inner_text()
    assert root.locator(".cra-unaided").count() == 0  # no defect found with help to leave out
    assert not unexpected_errors(log, lab.app), log.errors
