"""course.highlight: per-line HTML that is inert, exact and keeps multi-line tokens right."""

from __future__ import annotations

import html
import os
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers.python import PythonLexer
from pygments.lexers.special import TextLexer

from course.diff import Diff, FileDiff
from course.diff.highlight import (
    PAGES,
    TINTS,
    contrast,
    fit,
    grounds,
    highlight_file_diff,
    highlight_lines,
    lexer_for,
    stylesheet,
)

TAG = re.compile(r'<span class="tok-[a-z0-9]+">|</span>')


def text_of(fragment: str) -> str:
    """What a browser would show for one output line."""
    rest = TAG.sub("", fragment)
    assert "<" not in rest and ">" not in rest, fragment
    return html.unescape(rest)


def balanced(fragment: str) -> bool:
    depth = 0
    for tag in TAG.findall(fragment):
        depth += -1 if tag == "</span>" else 1
        if depth not in (0, 1):  # spans are never nested
            return False
    return depth == 0


HOSTILE = 'x = "<script>alert(1)</script>"  # </pre> &amp; \' " <b>\n'


@pytest.mark.parametrize("path", ["evil.py", "evil.html", "evil.js", "evil.unknown"])
def test_markup_in_the_source_comes_back_escaped_and_inert(path):
    [out] = highlight_lines(HOSTILE, path)
    assert "<script" not in out and "</pre>" not in out and "<b>" not in out
    assert out.count("&lt;") == 4 and "&amp;amp;" in out
    assert "&#x27;" in out and "&quot;" in out
    assert text_of(out) == HOSTILE.rstrip("\n")


def test_a_docstring_over_three_lines_gives_three_closed_lines():
    code = 'def f():\n    """First line,\n    second line,\n    last line."""\n    return 1\n'
    out = highlight_lines(code, "m.py")
    assert len(out) == 5
    for fragment in out[1:4]:
        assert balanced(fragment)
        assert '<span class="tok-sd">' in fragment
    assert out[2] == '<span class="tok-sd">    second line,</span>'
    assert out[4].startswith('    <span class="tok-k">return</span>')


@pytest.mark.parametrize(
    "code, count",
    [("", 0), ("a", 1), ("a\n", 1), ("a\nb", 2), ("a\n\n", 2), ("\n", 1), ("\n\nx\n", 3)],
)
def test_one_string_per_line(code, count):
    assert len(highlight_lines(code, "m.py")) == count
    assert count == code.count("\n") + (0 if code.endswith("\n") or not code else 1)


def test_leading_blank_lines_and_tabs_are_kept():
    out = highlight_lines("\n\n\tif x:\n\t\treturn\n", "m.py")
    assert out[:2] == ["", ""]
    assert text_of(out[2]) == "\tif x:"
    assert text_of(out[3]) == "\t\treturn"


def test_a_carriage_return_does_not_split_or_leak_a_line():
    [out] = highlight_lines("a\rb = 1", "m.py")
    assert "\r" not in out and "\n" not in out
    assert text_of(out) == "a\rb = 1"
    assert '<span class="tok-o">=</span>' in out  # still highlighted, not dropped to plain text


def test_unknown_extension_falls_back_to_plain_text():
    assert isinstance(lexer_for("notes.unknownext"), TextLexer)
    assert isinstance(lexer_for(""), TextLexer)
    assert isinstance(lexer_for("pkg/mod.py"), PythonLexer)
    assert highlight_lines("def <x>\n", "notes.unknownext") == ["def &lt;x&gt;"]


def test_keywords_get_pygments_short_class_names():
    [out] = highlight_lines("import os  # why\n", "m.py")
    assert out.startswith('<span class="tok-kn">import</span>')
    assert '<span class="tok-c1"># why</span>' in out


@pytest.mark.parametrize(
    ("path", "lexer"),
    [
        ("storefront/reviews/cards.mjs", "JavascriptLexer"),
        ("proofs/review_panel.test.mjs", "JavascriptLexer"),
        ("web/app.js", "JavascriptLexer"),
        ("web/legacy.cjs", "JavascriptLexer"),
        ("web/api.ts", "TypeScriptLexer"),
        ("web/api.mts", "TypeScriptLexer"),
        ("web/Panel.tsx", "TsxLexer"),
        ("holds/store.go", "GoLexer"),
        ("holds/store_test.go", "GoLexer"),
        ("go.mod", "TextLexer"),  # Pygments would read it as Modula-2
        ("modules/usage_store/main.tf", "TerraformLexer"),
        ("stacks/usage-reports/envs/production.tfvars", "TerraformLexer"),  # not registered in Pygments
        ("envs/PREVIEW.TFVARS", "TerraformLexer"),
        (".github/workflows/deploy.yml", "YamlLexer"),
        ("deploy/service.yaml", "YamlLexer"),
    ],
)
def test_each_language_of_the_bank_gets_its_lexer_by_file_name(path, lexer):
    assert type(lexer_for(path)).__name__ == lexer


def test_javascript_and_go_lines_are_coloured_and_inert():
    [js] = highlight_lines('el.innerHTML = `<a href="${url}">x</a>`;\n', "cards.mjs")
    assert '<span class="tok-nx">el</span>' in js and "<a " not in js and "&lt;a href=" in js
    [go] = highlight_lines("func (s *Store) Reserve(sku string) error { return nil }\n", "store.go")
    assert go.startswith('<span class="tok-kd">func</span>') and '<span class="tok-kc">nil</span>' in go


def test_terraform_lines_are_coloured_and_inert():
    [tf] = highlight_lines('  bucket = "${var.name}-<b>exports</b>"\n', "main.tf")
    [tfvars] = highlight_lines('region = "eu-central-1" # <script>\n', "envs/production.tfvars")
    for line in (tf, tfvars):
        assert '<span class="tok-' in line and "<b>" not in line and "<script>" not in line
    assert text_of(tfvars) == 'region = "eu-central-1" # <script>'
    assert tfvars.startswith('<span class="tok-na">region</span>')  # an attribute name, not plain text
    assert '<span class="tok-s2">&quot;eu-central-1&quot;</span>' in tfvars
    assert '<span class="tok-c1"> # &lt;script&gt;</span>' in tfvars


def test_every_file_of_the_bank_is_highlighted_by_its_language():
    """No changed file of a bank exercise falls back to plain text, except go.mod and the like."""
    from course.keys import Bank, find_bank

    bank = Bank(find_bank())
    plain = []
    for slug in bank.slugs():
        for fd in bank.get(slug).bundle.diff.files:
            if isinstance(lexer_for(fd.path), TextLexer) and os.path.basename(fd.path) not in ("go.mod", "go.sum"):
                plain.append(f"{slug}: {fd.path}")
    assert plain == []


PATHS = st.sampled_from(
    [
        "a.py",
        "b.js",
        "c.html",
        "d.c",
        "e.md",
        "f.json",
        "g.css",
        "h.sql",
        "i.rs",
        "Makefile",
        "j.unknown",
        "k.yaml",
        "l.sh",
        "",
    ]
) | st.text(max_size=12)


@settings(max_examples=300, deadline=None)
@given(code=st.text(), path=PATHS)
def test_any_text_any_path_gives_exact_inert_lines(code, path):
    out = highlight_lines(code, path)
    lines = code.split("\n")
    if code.endswith("\n") or not code:
        lines.pop()
    assert len(out) == len(lines)
    for fragment, line in zip(out, lines):
        assert "\n" not in fragment
        assert balanced(fragment)
        assert text_of(fragment) == line


# --------------------------------------------------------------------------- diffs


def test_each_diff_line_takes_the_html_of_its_own_side():
    before = 'x = 1\n"""Doc\nold words\n"""\ny = 2\n'
    after = 'x = 1\n"""Doc\nnew words\n"""\ny = 3\n'
    fd = Diff.compare(before, after, "m.py", context=None).file("m.py")
    [hunk_html] = highlight_file_diff(fd)
    [hunk] = fd.hunks
    assert len(hunk_html) == len(hunk.lines)
    by_text = dict(zip((line.text for line in hunk.lines), hunk_html))
    # inside the docstring on both sides: only right if each side was lexed as a whole
    assert by_text["old words"] == '<span class="tok-sd">old words</span>'
    assert by_text["new words"] == '<span class="tok-sd">new words</span>'
    for line, fragment in zip(hunk.lines, hunk_html):
        assert text_of(fragment) == line.text


def test_a_hunk_starting_inside_a_docstring_keeps_its_line_count():
    body = [f"line {i}" for i in range(1, 21)]
    before = 'def f():\n    """\n' + "\n".join(body) + '\n    """\n    return 1\n'
    after = before.replace("line 15", "line fifteen").replace("return 1", "return 2")
    fd = Diff.compare(before, after, "m.py", context=2).file("m.py")
    assert fd.hunks[0].lines[0].text == "line 13"  # the hunk opens mid-docstring
    out = highlight_file_diff(fd)
    assert [len(h) for h in out] == [len(h.lines) for h in fd.hunks]
    for hunk, hunk_html in zip(fd.hunks, out):
        for line, fragment in zip(hunk.lines, hunk_html):
            assert balanced(fragment) and text_of(fragment) == line.text


def test_binary_files_and_added_files():
    assert highlight_file_diff(FileDiff("a.png", "a.png", "modified", True, ())) == []
    fd = Diff.parse(
        "diff --git a/n.py b/n.py\nnew file mode 100644\n--- /dev/null\n+++ b/n.py\n@@ -0,0 +1,2 @@\n+import os\n+\n"
    ).file("n.py")
    import_os = '<span class="tok-kn">import</span> <span class="tok-nn">os</span>'
    assert highlight_file_diff(fd) == [[import_os, ""]]


# --------------------------------------------------------------------------- css


def test_stylesheet_has_a_light_rule_and_a_dark_override_for_every_class():
    css = stylesheet()
    light = set(re.findall(r"^\.cra-code \.tok-([a-z0-9]+) \{", css, re.M))
    dark_rule = r'^\[data-jp-theme-light="false"\] \.cra-code \.tok-([a-z0-9]+) \{'
    dark = set(re.findall(dark_rule, css, re.M))
    assert {"k", "s2", "c1", "kn", "sd"} <= light
    assert light <= dark
    assert "err" not in light | dark
    # Pygments' "default" style, as the viewer shows it in a light theme: its green a shade
    # darker, to read at 4.5:1 on an added line's tint (fit)
    assert ".cra-code .tok-k { color: #007a00; font-weight: bold; }" in css


def test_stylesheet_scope_is_configurable():
    css = stylesheet(".other")
    assert ".other .tok-k {" in css and ".cra-code" not in css


RULE = re.compile(
    r'^(\[data-jp-theme-light="false"\] )?\.cra-code \.tok-([a-z0-9]+) \{(?:[^}]*;)? color: (#[0-9a-f]{6});', re.M
)


def test_every_token_colour_reads_at_4_5_to_1_on_the_page_and_the_diffs_tints():
    """Walk-through 28 measured Pygments' 'default' colours at 3.95:1 to 4.31:1 on added and
    removed lines; 'github-dark' fell to 3.1:1 on a selected line."""
    rules = RULE.findall(stylesheet())
    themes = {"light": [c for dark, _, c in rules if not dark], "dark": [c for dark, _, c in rules if dark]}
    assert len(themes["light"]) > 20 and len(themes["dark"]) > 20, rules
    for theme, colours in themes.items():
        rgb = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
        low = {c: round(min(contrast(x, g) for g in grounds(theme)), 2) for c, x in zip(colours, rgb)}
        assert all(v >= 4.5 for v in low.values()), {c: v for c, v in low.items() if v < 4.5}


def test_fit_keeps_a_colour_that_reads_and_darkens_one_that_does_not():
    assert fit("#000000", "light") == "#000000" and fit("#FFFFFF", "dark") == "#ffffff"
    darker = fit("#3D7B7B", "light")
    assert (
        darker != "#3d7b7b"
        and min(contrast(tuple(int(darker[i : i + 2], 16) for i in (1, 3, 5)), g) for g in grounds("light")) >= 4.5
    )


def test_the_grounds_are_the_viewers_tints_and_jupyterlabs_pages():
    """The tints `fit` reads against are the ones viewer.css paints, and the pages JupyterLab's."""
    css = (Path(__file__).resolve().parents[1] / "course" / "review" / "static" / "viewer.css").read_text()
    for name, var in (("add", "--cra-add-bg"), ("del", "--cra-del-bg"), ("sel", "--cra-sel-bg")):
        (r, g, b, a) = re.search(rf"{var}: rgba\((\d+), (\d+), (\d+), ([0-9.]+)\)", css).groups()
        assert TINTS[name] == ((int(r), int(g), int(b)), float(a)), name
    themes = Path(sys.prefix) / "share" / "jupyter" / "lab" / "themes" / "@jupyterlab"
    for theme, folder in (("light", "theme-light-extension"), ("dark", "theme-dark-extension")):
        page = re.search(r"--jp-layout-color0:\s*([^;]+);", (themes / folder / "index.css").read_text()).group(1)
        named = {"white": "#ffffff", "#111": "#111111"}.get(page.strip(), page.strip())
        assert tuple(int(named[i : i + 2], 16) for i in (1, 3, 5)) == PAGES[theme], (theme, page)
