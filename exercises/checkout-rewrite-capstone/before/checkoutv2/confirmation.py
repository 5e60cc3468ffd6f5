"""The order confirmation page."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from checkoutv2.checkout import Confirmation

environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def money(cents: int) -> str:
    """Format a non-negative amount of cents as dollars: 123456 -> "$1,234.56"."""
    return f"${cents // 100:,}.{cents % 100:02d}"


environment.filters["money"] = money


def render_confirmation(confirmation: Confirmation) -> str:
    """The HTML of the confirmation page."""
    template = environment.get_template("confirmation.html")
    return template.render(c=confirmation)
