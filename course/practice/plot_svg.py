"""My Progress's plot as an SVG image, for where matplotlib is not installed.

The JupyterLite site (lite/build.py) runs on Pyodide, whose matplotlib (numpy, Pillow and
kiwisolver with it) are compiled wheels that only Pyodide's own distribution serves: none is on
PyPI or npm, the places the build may fetch from. The page then draws the same two panels as
page.plot_png here: score, recall and precision per attempt (drills marked with a cross), and
recall per category with found/met. Every text is XML-escaped; the page embeds the SVG as an
image (data URI), where a script could not run anyway.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from .overview import Overview

W, H = 900, 340
LEFT = (50, 30, 520, 280)  # x0, y0, x1, y1 of the attempts panel's axes
RIGHT = (700, 30, 860, 280)  # of the per-category panel's axes
SERIES = (("score", "#1f77b4", ""), ("recall", "#ff7f0e", "6 4"), ("precision", "#2ca02c", "2 3"))


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "middle") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}">{escape(text)}</text>'


def _attempts_panel(ov: Overview) -> list[str]:
    x0, y0, x1, y1 = LEFT
    attempts = sorted(ov.attempts, key=lambda a: a.when)
    n = len(attempts)

    def px(i: int) -> float:  # attempt i (0-based) on the x axis
        return x0 + 20 + (x1 - x0 - 40) * (i / (n - 1) if n > 1 else 0.5)

    def py(v: float) -> float:
        return y1 - (y1 - y0) * (v + 0.05) / 1.1

    out = [f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" stroke="#333"/>']
    for v in (0, 0.25, 0.5, 0.75, 1):
        out.append(f'<line x1="{x0 - 4}" x2="{x0}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#333"/>')
        out.append(_text(x0 - 7, py(v) + 4, f"{v:g}", 11, "end"))
    step = 1 if n <= 15 else max(1, n // 10)
    for i in range(0, n, step):
        out.append(_text(px(i), y1 + 15, str(i + 1), 11))
    for name, colour, dash in SERIES:
        points = " ".join(f"{px(i):.1f},{py(getattr(a, name)):.1f}" for i, a in enumerate(attempts))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"{dashes}/>')
        out += [
            f'<circle cx="{px(i):.1f}" cy="{py(getattr(a, name)):.1f}" r="3.5" fill="{colour}"/>'
            for i, a in enumerate(attempts)
        ]
    for i, a in enumerate(attempts):
        if a.kind == "drill":
            x, y = px(i), py(a.score)
            out.append(f'<path d="M{x - 6:.1f},{y - 6:.1f}L{x + 6:.1f},{y + 6:.1f}M{x - 6:.1f},{y + 6:.1f}L{x + 6:.1f},{y - 6:.1f}" stroke="#000" stroke-width="2"/>')  # fmt: skip
    legend = [*SERIES, *((("drill", "#000", "x"),) if any(a.kind == "drill" for a in attempts) else ())]
    for k, (name, colour, dash) in enumerate(legend):
        y = y1 - 12 - 16 * (len(legend) - 1 - k)
        sample = f' stroke-dasharray="{dash}"' if dash and dash != "x" else ""
        out.append(
            f'<line x1="{x1 - 100}" x2="{x1 - 76}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2"{sample}/>'
        )
        out.append(_text(x1 - 70, y + 4, name, 11, "start"))
    out.append(_text((x0 + x1) / 2, y0 - 10, "Your attempts over time", 14))
    out.append(_text((x0 + x1) / 2, y1 + 35, "attempt, oldest first", 12))
    return out


def _categories_panel(ov: Overview) -> list[str]:
    x0, y0, x1, y1 = RIGHT
    out = [f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" stroke="#333"/>']
    rows = ov.categories
    band = (y1 - y0) / max(1, len(rows))
    scale = (x1 - x0) / 1.15
    for k, c in enumerate(rows):
        top = y0 + band * k
        width = scale * c.recall
        out.append(f'<rect x="{x0}" y="{top + band * 0.2:.1f}" width="{width:.1f}" height="{band * 0.6:.1f}" fill="#4a7ab5"/>')  # fmt: skip
        out.append(_text(x0 - 6, top + band / 2 + 4, c.category, 11, "end"))
        out.append(_text(x0 + width + 3, top + band / 2 + 4, f"{c.found}/{c.met}", 11, "start"))
    out.append(_text((x0 + x1) / 2, y0 - 10, "Per category", 14))
    out.append(_text((x0 + x1) / 2, y1 + 35, "recall: defects found / met", 12))
    return out


def plot_svg(ov: Overview) -> bytes:
    """The SVG document of the two panels (UTF-8)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
        'font-family="DejaVu Sans, Arial, sans-serif">',
        f'<rect width="{W}" height="{H}" fill="#fff"/>',
        *_attempts_panel(ov),
        *_categories_panel(ov),
        "</svg>",
    ]
    return "".join(parts).encode("utf-8")
