"""Can a pull request or a comment run script in the learner's browser? It must not.

Every untrusted string the viewer shows carries payloads that would set `window.__pwned`, log
"PWNED" or open a dialog if any of them were parsed as HTML: the code, the file path, a hunk's
section header, the PR title, author and description (Markdown with raw HTML and a
`javascript:` link), and a finding's comment typed into the page and one flagged from code.
"""

import json
import re

import pytest

from course.diff import render_bundle
from course.diff import unified_diff
from viewer_flow import line, open_and_run, unexpected_errors, wait_for

pytestmark = pytest.mark.browser

IMG = '<img src=x onerror="window.__pwned=1;console.log(\'PWNED img\')">'
SCRIPT = "</script><script>window.__pwned=2;alert('PWNED script')</script>"
LINK = "[click me](javascript:window.__pwned=3;alert('PWNED link'))"
SVG = "<svg onload=\"window.__pwned=4\"></svg>"
PATH = "evil/<img src=x onerror=window.__pwned=5>.py"
SLUG = "xss"

BEFORE = {PATH: "def f():\n    return 1\n"}
AFTER = {PATH: f"def f():\n    s = '{IMG}'\n    t = \"{SCRIPT}\"\n    # {LINK} {SVG}\n    return 2\n"}


def _bundle() -> str:
    diff = unified_diff(BEFORE, AFTER)
    # a section header is free text after the @@ counts: another place for a payload
    diff = re.sub(r"^(@@ [^@]+ @@)$", lambda m: f"{m.group(1)} {IMG}", diff, count=1, flags=re.M)
    description = "\n\n".join([f"Fixes {IMG} and {SVG}.", SCRIPT, f"See {LINK}.", f"- item {IMG}", f"```\n{SCRIPT}\n```"])
    return render_bundle(SLUG, f"<script>window.__pwned=6</script>{IMG}", f"{IMG} bot", description, diff)


@pytest.fixture(scope="module")
def lab(jupyter_server_factory):
    return jupyter_server_factory("lab")


def test_no_payload_runs_and_every_payload_shows_as_text(lab, new_page):
    (lab.root / f"{SLUG}.diff").write_text(_bundle(), encoding="utf-8")
    lab.write_notebook(
        "xss.ipynb",
        "from course.review import Review\n"
        f"review = Review.open('{SLUG}.diff')\n"
        f"review.flag({PATH!r}, 2, 'security', {SCRIPT + ' ' + IMG!r})\n"
        "review",
    )
    page, log = new_page()
    open_and_run(page, lab, "xss.ipynb")

    # a comment with payloads typed into the page
    line(page, 0, new=3).locator("td.cra-code").click()
    form = page.locator(".cra-form")
    form.locator("select.cra-category").select_option("security")
    form.locator("textarea").fill(f"{IMG} {SVG} {LINK} {SCRIPT}")
    form.locator("button.cra-save").click()
    wait_for(lambda: len(sidecar_findings(lab.root)) == 2, what="typed comment on disk")
    page.wait_for_selector(".cra-card >> nth=1")
    page.locator(".cra-root").hover()
    page.wait_for_timeout(500)  # time for any onerror/onload handler to fire

    assert page.evaluate("() => window.__pwned") is None
    assert log.dialogs == []
    assert not [m for m in log.console if "PWNED" in m], log.console
    assert not unexpected_errors(log, "lab"), log.errors

    root = page.locator(".cra-root")
    # nothing the payloads would create exists inside the viewer
    assert root.locator("img, svg, script, iframe, object, embed").count() == 0
    assert root.locator("a").count() == 0
    assert root.locator("[onerror], [onload], [onclick]").count() == 0

    text = root.inner_text()
    for payload in (IMG, SVG, "</script><script>window.__pwned=2;", "javascript:window.__pwned=3", "<script>window.__pwned=6</script>"):
        assert payload in text, f"not shown as text: {payload}"
    assert PATH in text
    comments = root.locator(".cra-card .cra-comment").all_inner_texts()
    assert f"{SCRIPT} {IMG}" in comments
    assert f"{IMG} {SVG} {LINK} {SCRIPT}" in comments


def sidecar_findings(root):
    path = root / f"{SLUG}.findings.json"
    return json.loads(path.read_text())["findings"] if path.exists() else []
