"""Can a student read the course's section of their feedback page? The page `course grade` makes
is nbgrader's, with its template and Bootstrap 3, whose `.label` once made every status word
white on nothing and whose 10px root font made rem-sized headings smaller than the text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ASSIGNMENT, NOTEBOOK, SLUG = "fixture-review", "cart-review", "fixture-cart"
SECTION = "#course-review-feedback"

# The key's texts as an author writes them in key.toml: Markdown, hard-wrapped, and one with
# raw HTML, which must stay text.
EXPLANATION_A = (
    "FIXTURE-EXPLANATION-A: slicing from `prices[1:]` drops an item,\n"
    "so **every order** is undercharged.\n"
    "<script>window.__pwned = 'key'</script><img src=x onerror=\"window.__pwned='key-img'\">"
)
HOSTILE_PATH = "<img src=x onerror=\"window.__pwned='path'\">.py"


def _markdown_bank(tmp: Path) -> Path:
    bank = tmp / "bank"
    shutil.copytree(FIXTURES / "bank", bank)
    key = bank / SLUG / "key.toml"
    old = '"FIXTURE-EXPLANATION-A: slicing from index 1 drops an item, so every order is undercharged."'
    text = key.read_text(encoding="utf-8")
    assert old in text
    key.write_text(text.replace(old, "'''\n" + EXPLANATION_A + "'''"), encoding="utf-8")
    return bank


@pytest.fixture(scope="module")
def feedback_page(tmp_path_factory) -> Path:
    """`course grade` of one student (A found, B missed, C miscategorised, the decoy and a
    flag on a hostile path as false positives), against a bank whose explanation is Markdown."""
    tmp = tmp_path_factory.mktemp("feedback-page")
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    shutil.copytree(FIXTURES / "class" / "partial", course / "submitted" / "pat")
    side = course / "submitted" / "pat" / ASSIGNMENT / f"{SLUG}.findings.json"
    data = json.loads(side.read_text(encoding="utf-8"))
    data["findings"].append({**data["findings"][0], "id": "f999", "path": HOSTILE_PATH})
    side.write_text(json.dumps(data), encoding="utf-8")
    env = {**os.environ, "COURSE_BANK": str(_markdown_bank(tmp)), "COURSE_CELL_TIMEOUT": "20"}
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp / name).mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(tmp / name)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env.pop("COURSE_DB_URL", None)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "course"), "grade", ASSIGNMENT, "--jobs", "1"],
        cwd=course, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    page = course / "feedback" / "pat" / ASSIGNMENT / f"{NOTEBOOK}.html"
    assert page.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    html = page.read_text(encoding="utf-8")
    assert "bootstrap" in html.lower() and ".label{" in html.replace(" ", "")  # nbgrader's Bootstrap is there
    return page


# Colours as the browser computed them; the background is the first opaque one up the tree,
# with any translucent ones on the way composited over it (WCAG 2.x contrast ratio). A colour
# from color-mix() comes as "color(srgb r g b / a)", its channels 0 to 1.
MEASURE = """(selector) => {
  const rgba = (s) => {
    const c = s.match(/^color\\(srgb ([^)]+)\\)/);
    if (c) { const p = c[1].split(/[ \\/]+/).filter(Boolean).map(Number); return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
    const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, base) => [0, 1, 2].map(i => top[i] * top[3] + base[i] * (1 - top[3])).concat([1]);
  const lum = (c) => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  return [...document.querySelectorAll(selector)].map(el => {
    const layers = []; let opacity = 1, hidden = false;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const cs = getComputedStyle(n);
      opacity *= Number(cs.opacity);
      if (cs.visibility !== 'visible' || cs.display === 'none') hidden = true;
      layers.push(rgba(cs.backgroundColor));
    }
    let bg = [255, 255, 255, 1];
    const firstOpaque = layers.findIndex(c => c[3] >= 1);
    const stack = firstOpaque < 0 ? layers : layers.slice(0, firstOpaque + 1);
    for (const c of stack.reverse()) bg = over(c, bg);
    const cs = getComputedStyle(el), fg = over(rgba(cs.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const r = el.getBoundingClientRect();
    return {text: el.innerText, width: r.width, height: r.height, opacity, hidden,
            alpha: rgba(cs.color)[3], ratio: (a + 0.05) / (b + 0.05), color: cs.color, background: bg.join(',')};
  });
}"""


@pytest.fixture(scope="module")
def opened(feedback_page, new_page):
    page, log = new_page()
    page.goto(feedback_page.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    return page, log


@pytest.mark.browser
@pytest.mark.slow
def test_every_status_word_is_visible_with_enough_contrast(opened):
    page, _ = opened
    words = page.evaluate(MEASURE, f"{SECTION} .cra-status")
    assert sorted(w["text"].strip() for w in words) == sorted(
        ["found", "missed", "right lines, other category", "false positive", "false positive"]
    )
    for w in words:
        assert w["width"] > 0 and w["height"] > 0 and not w["hidden"], w
        assert w["opacity"] == 1 and w["alpha"] == 1, w
        assert w["ratio"] >= 4.5, w


@pytest.mark.browser
@pytest.mark.slow
def test_the_section_text_has_enough_contrast(opened):
    page, _ = opened
    for item in page.evaluate(MEASURE, f"{SECTION} h2, {SECTION} h3, {SECTION} p, {SECTION} .cra-title"):
        assert item["ratio"] >= 4.5 and item["width"] > 0, item


@pytest.mark.browser
@pytest.mark.slow
def test_every_heading_is_larger_than_the_body_text(opened):
    page, _ = opened
    sizes = page.evaluate(
        """(sel) => {
          const px = (el) => parseFloat(getComputedStyle(el).fontSize);
          const s = document.querySelector(sel);
          return {headings: [...s.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(px),
                  body: Math.max(...[...s.querySelectorAll('p, li, .cra-text')].map(px)),
                  page: px(document.body)};
        }""",
        SECTION,
    )
    assert len(sizes["headings"]) >= 2, sizes
    assert sizes["body"] >= sizes["page"] and sizes["body"] >= 14, sizes
    assert all(h > sizes["body"] for h in sizes["headings"]), sizes


@pytest.mark.browser
@pytest.mark.slow
def test_explanations_render_as_markdown_and_no_script_runs(opened, feedback_page):
    page, log = opened
    found = f"{SECTION} .cra-found .cra-text"
    assert page.inner_text(f"{found} code") == "prices[1:]"
    assert page.inner_text(f"{found} strong") == "every order"
    text = page.inner_text(SECTION)
    assert "**" not in text and "`" not in text
    # the hard line break in key.toml is flowing text: one paragraph, on one line in a wide page
    para = page.locator(f"{found} p")
    assert para.count() == 1 and "\n" not in para.inner_text()
    # raw HTML in the key and in where the student flagged is shown as text, never run
    assert "<script>window.__pwned = 'key'</script>" in text and HOSTILE_PATH in text
    assert page.locator(f"{SECTION} script, {SECTION} img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert not log.dialogs and not [e for e in log.errors if "pwned" in e]
    assert not [u for u in log.requests if u.endswith("/x")]
