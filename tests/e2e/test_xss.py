"""Can a pull request or a comment run script in the learner's browser? It must not.

Every untrusted string the viewer shows carries payloads that would set `window.__pwned`, log
"PWNED", open a dialog or fetch `x` if any of them were parsed as HTML: the code, the file path,
a hunk's section header, the PR title, author and description (Markdown with raw HTML and a
`javascript:` link), and a finding's comment typed into the page and one flagged from code.

Two rules, both checked in the real page (JupyterLab, anywidget, Chromium):
1. nothing ran and every payload shows as text;
2. every HTML string the viewer ever hands to the browser's HTML parser (innerHTML, outerHTML,
   insertAdjacentHTML, setHTMLUnsafe, document.write, createContextualFragment, DOMParser,
   srcdoc: all wrapped before the page loads) holds only the highlighter's markup, `<span
   class="tok-…">`, inside the row scaffold the viewer builds itself (tr, td, button with a class,
   a type, a colspan or a data-* number); never another element, never another attribute. This
   replaces a test that pinned viewer.js's innerHTML lines: a refactor that keeps to the rule
   passes, and `innerHTML +=` of a field fails, wherever it is written.
"""

import json
import re
from urllib.parse import urlsplit

import pytest
from viewer_flow import line, open_and_run, unexpected_errors, wait_for

from course.diff import render_bundle, unified_diff

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=\"window.__pwned=1;console.log('PWNED img')\">"
SCRIPT = "</script><script>window.__pwned=2;alert('PWNED script')</script>"
LINK = "[click me](javascript:window.__pwned=3;alert('PWNED link'))"
SVG = '<svg onload="window.__pwned=4"></svg>'
PATH = "evil/<img src=x onerror=window.__pwned=5>.py"
# a second file whose folder and name are payloads, for the file tree (it sorts after PATH)
TREE_PATH = 'zz<svg onload="window.__pwned=7">/<i onmouseover=window.__pwned=8>x.py'
SLUG = "xss"

BEFORE = {PATH: "def f():\n    return 1\n"}
AFTER = {
    PATH: f"def f():\n    s = '{IMG}'\n    t = \"{SCRIPT}\"\n    # {LINK} {SVG}\n    return 2\n",
    TREE_PATH: "x = 1\n",
}


def _bundle() -> str:
    diff = unified_diff(BEFORE, AFTER)
    # a section header is free text after the @@ counts: another place for a payload
    diff = re.sub(r"^(@@ [^@]+ @@)$", lambda m: f"{m.group(1)} {IMG}", diff, count=1, flags=re.M)
    description = "\n\n".join(
        [f"Fixes {IMG} and {SVG}.", SCRIPT, f"See {LINK}.", f"- item {IMG}", f"```\n{SCRIPT}\n```"]
    )
    return render_bundle(SLUG, f"<script>window.__pwned=6</script>{IMG}", f"{IMG} bot", description, diff)


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


# Wraps every way a page can hand a string to the HTML parser, before any page script runs. A
# call whose stack holds a blob: frame comes from the viewer: anywidget imports viewer.js from a
# blob: URL, and nothing else on a JupyterLab page is loaded that way.
RECORD_HTML = r"""
(() => {
  if (window.__craHtml) return;
  const records = (window.__craHtml = []);
  Error.stackTraceLimit = 50;
  const ownerName = (node) => (node && node.localName) || "div";
  const note = (api, target, html, where) => {
    const stack = new Error().stack || "";
    let context = ownerName(target);
    if (api === "outerHTML" || where === "beforebegin" || where === "afterend")
      context = ownerName(target && target.parentElement);
    if (api === "DOMParser" || api === "document.write") context = "body";
    records.push({ api, context, html: String(html), viewer: /\bblob:/.test(stack) });
  };
  const originalInner = Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML").set;
  const setter = (proto, prop, api) => {
    const d = proto && Object.getOwnPropertyDescriptor(proto, prop);
    if (!d || !d.set) return;
    Object.defineProperty(proto, prop, { ...d, set(v) { note(api, this, v); return d.set.call(this, v); } });
  };
  const method = (proto, name, api, arg) => {
    const f = proto && proto[name];
    if (typeof f !== "function") return;
    proto[name] = function (...args) {
      note(api, this, api === "document.write" ? args.join("") : args[arg], args[0]);
      return f.apply(this, args);
    };
  };
  setter(Element.prototype, "innerHTML", "innerHTML");
  setter(Element.prototype, "outerHTML", "outerHTML");
  setter(ShadowRoot.prototype, "innerHTML", "innerHTML");
  setter(HTMLIFrameElement.prototype, "srcdoc", "srcdoc");
  method(Element.prototype, "insertAdjacentHTML", "insertAdjacentHTML", 1);
  method(Element.prototype, "setHTMLUnsafe", "setHTMLUnsafe", 0);
  method(ShadowRoot.prototype, "setHTMLUnsafe", "setHTMLUnsafe", 0);
  method(Document.prototype, "write", "document.write", 0);
  method(Document.prototype, "writeln", "document.write", 0);
  method(Range.prototype, "createContextualFragment", "createContextualFragment", 0);
  method(DOMParser.prototype, "parseFromString", "DOMParser", 0);
  // What a recorded string parses to, in its context, in a document with no browsing context:
  // nothing in it loads or runs.
  const inert = document.implementation.createHTMLDocument("");
  window.__craParse = (html, context) => {
    let box;
    try { box = inert.createElement(context); } catch (e) { box = inert.createElement("div"); }
    originalInner.call(box, html);
    return [...box.querySelectorAll("*")].map((el) => ({
      tag: el.localName,
      parent: el.parentElement === box ? context : el.parentElement.localName,
      attrs: Object.fromEntries([...el.attributes].map((a) => [a.name, a.value])),
      text: el.localName === "script" ? el.textContent : "",
    }));
  };
})();
"""

# The highlighter's markup: a span whose only attribute is a Pygments short class.
TOKEN_CLASS = re.compile(r"tok-[a-z0-9]+")
# The scaffold around it: elements the viewer writes itself, attributes that carry no script,
# no URL and no style.
SCAFFOLD_TAGS = {"tr", "td", "button"}
SCAFFOLD_ATTRS = {
    "class": re.compile(r"[a-z0-9-]+( [a-z0-9-]+)*"),
    "type": re.compile(r"button"),
    "colspan": re.compile(r"\d+"),
}
DATA_ATTR = re.compile(r"data-[a-z-]+")
NUMBER = re.compile(r"\d+")


def markup_problems(parsed: list[dict]) -> list[str]:
    """What in one parsed string is neither the highlighter's markup nor the scaffold."""
    problems = []
    for el in parsed:
        tag, attrs = el["tag"], el["attrs"]
        if tag == "span":
            if set(attrs) != {"class"} or not TOKEN_CLASS.fullmatch(attrs["class"]):
                problems.append(f"span with {attrs}")
            elif el["parent"] not in ("td", "span"):
                problems.append(f"highlighter span outside a table cell, in <{el['parent']}>")
        elif tag in SCAFFOLD_TAGS:
            for name, value in attrs.items():
                rule = SCAFFOLD_ATTRS.get(name) or (NUMBER if DATA_ATTR.fullmatch(name) else None)
                if rule is None or not rule.fullmatch(value):
                    problems.append(f"<{tag} {name}={value!r}>")
        else:
            problems.append(f"<{tag} {attrs}>")
    return problems


@pytest.fixture(scope="module")
def xss_page(lab, new_page):
    """The viewer on the hostile bundle, reviewed in the page; returns (page, log)."""
    (lab.root / f"{SLUG}.diff").write_text(_bundle(), encoding="utf-8")
    lab.write_notebook(
        "xss.ipynb",
        # highlight in the background, so the rows are painted twice: plain, then highlighted
        "import course.review.viewer\ncourse.review.viewer.SYNC_HIGHLIGHT_LINES = 0",
        "from course.review import Review\n"
        f"review = Review.open('{SLUG}.diff')\n"
        f"review.flag({PATH!r}, 2, 'security', {SCRIPT + ' ' + IMG!r})\n"
        "review",
    )
    page, log = new_page()
    page.add_init_script(RECORD_HTML)
    open_and_run(page, lab, "xss.ipynb")
    page.wait_for_selector(".cra-root[data-highlighted=true]", timeout=30_000)

    # a comment with payloads typed into the page
    line(page, 0, new=3).locator("td.cra-code").click()
    form = page.locator(".cra-form")
    form.locator("select.cra-category").select_option("security")
    form.locator("select.cra-severity").select_option("major")
    form.locator("textarea").fill(f"{IMG} {SVG} {LINK} {SCRIPT}")
    form.locator("button.cra-save").click()
    wait_for(lambda: len(sidecar_findings(lab.root)) == 2, what="typed comment on disk")
    page.wait_for_selector(".cra-card >> nth=1")
    page.locator(".cra-root").hover()
    page.wait_for_timeout(500)  # time for any onerror/onload handler to fire
    return page, log


def test_no_payload_runs_and_every_payload_shows_as_text(xss_page):
    page, log = xss_page
    assert page.evaluate("() => window.__pwned") is None
    assert log.dialogs == []
    assert not [m for m in log.console if "PWNED" in m], log.console
    assert not unexpected_errors(log, "lab"), log.errors
    # an <img src=x> parsed anywhere would have asked the server for x
    assert not [u for u in log.requests if urlsplit(u).path.rsplit("/", 1)[-1] == "x"], log.requests

    root = page.locator(".cra-root")
    # nothing the payloads would create exists inside the viewer
    assert root.locator("img, svg, script, iframe, object, embed").count() == 0
    assert root.locator("a").count() == 0
    assert root.locator("[onerror], [onload], [onclick]").count() == 0

    text = root.inner_text()
    for payload in (
        IMG,
        SVG,
        "</script><script>window.__pwned=2;",
        "javascript:window.__pwned=3",
        "<script>window.__pwned=6</script>",
    ):
        assert payload in text, f"not shown as text: {payload}"
    assert PATH in text
    comments = root.locator(".cra-card .cra-comment").all_inner_texts()
    assert f"{SCRIPT} {IMG}" in comments
    assert f"{IMG} {SVG} {LINK} {SCRIPT}" in comments


def test_the_viewer_parses_only_the_highlighters_markup(xss_page):
    page, _ = xss_page
    records = page.evaluate("() => window.__craHtml.map(r => ({...r, parsed: window.__craParse(r.html, r.context)}))")
    ours = [r for r in records if r["viewer"]]
    # not vacuous: the hooks saw the viewer paint the hostile code, escaped, plain and highlighted
    assert ours, f"no HTML parsed by the viewer was recorded ({len(records)} strings from the page)"
    assert any("&lt;img src=x onerror=" in r["html"] for r in ours)
    assert any(el["tag"] == "span" for r in ours for el in r["parsed"]), "no highlighted line was parsed"

    bad = {}
    for r in ours:
        problems = markup_problems(r["parsed"])
        if problems:
            bad.setdefault(f"{r['api']} on <{r['context']}>", []).extend(problems)
    assert bad == {}, f"the viewer parsed markup beyond the highlighter's spans: {bad}"

    # and no HTML string the page parsed, the viewer's or JupyterLab's, carried a payload as markup
    armed = [
        (r["api"], el["tag"], el["attrs"] or el["text"])
        for r in records
        for el in r["parsed"]
        if "__pwned" in el["text"] or any("__pwned" in v for v in el["attrs"].values())
    ]
    assert armed == []


def sidecar_findings(root):
    path = root / f"{SLUG}.findings.json"
    return json.loads(path.read_text())["findings"] if path.exists() else []


def test_the_file_tree_the_undo_bar_and_the_counter_show_payloads_as_text(xss_page, lab):
    page, log = xss_page
    root = page.locator(".cra-root")
    tree = root.locator(".cra-tree")
    # folders and names from hostile paths, as text; the full path as each entry's title
    assert tree.locator(".cra-tree-dir").all_inner_texts() == ["evil/", 'zz<svg onload="window.__pwned=7">/']
    names = tree.locator(".cra-tree-name")
    assert names.all_inner_texts() == [PATH.split("/")[1], TREE_PATH.split("/")[1]]
    assert [names.nth(i).get_attribute("title") for i in range(2)] == [PATH, TREE_PATH]
    tree.locator(".cra-tree-name").nth(1).hover()

    # the counter under a hostile comment, opened for editing
    coded = next(f for f in sidecar_findings(lab.root) if f["start"] == 2)
    root.locator(f".cra-card[data-finding='{coded['id']}'] button.cra-edit").click()
    form = root.locator(".cra-form")
    assert form.locator("textarea").input_value() == f"{SCRIPT} {IMG}"
    left = form.locator(".cra-counter").inner_text()
    assert left.endswith(" characters left") and int(left.split()[0].replace(",", "")) > 0
    form.locator("textarea").fill(f"{IMG}{SVG}")
    page.keyboard.press("Escape")
    form.wait_for(state="detached")
    # the edit given up with text typed: its Undo bar names the hostile path as text
    undo = root.locator(".cra-undo")
    undo.wait_for()
    assert f"Discarded your unsaved edit of the finding at {PATH}:2" in undo.inner_text()

    # "Deleted ... Undo" names the hostile path as text, and Undo brings the hostile comment back
    typed = next(f for f in sidecar_findings(lab.root) if f["start"] == 3)
    card = root.locator(f".cra-card[data-finding='{typed['id']}']")
    card.locator("button.cra-delete").evaluate("b => b.scrollIntoView({block: 'center'})")
    card.locator("button.cra-delete").click()
    # (the bar above is replaced: wait for the new one rather than read the old)
    wait_for(lambda: "Deleted" in undo.inner_text(), what="the Deleted bar")
    assert f"{PATH}:3" in undo.inner_text()
    undo.locator("button.cra-undo-button").click()
    wait_for(lambda: typed in sidecar_findings(lab.root), what="the hostile comment back on disk")
    card.wait_for()
    page.wait_for_timeout(500)  # time for any onerror/onload handler to fire

    assert page.evaluate("() => window.__pwned") is None
    assert log.dialogs == []
    assert not [m for m in log.console if "PWNED" in m], log.console
    assert root.locator("img, svg, script, iframe, object, embed, i").count() == 0
    assert root.locator("[onerror], [onload], [onclick], [onmouseover]").count() == 0
    records = page.evaluate("() => window.__craHtml.map(r => ({...r, parsed: window.__craParse(r.html, r.context)}))")
    bad = [p for r in records if r["viewer"] for p in markup_problems(r["parsed"])]
    assert bad == []
    assert not unexpected_errors(log, "lab"), log.errors
