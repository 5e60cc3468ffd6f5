"""A tiny exercise built on the fly, so bank, CLI, export and private-bank tests own their data.

Import it as `from support.tiny_exercise import write_exercise` (tests/conftest.py's fixture
`tiny_bank` uses it too): `from conftest import ...` would find tests/hub/conftest.py when the
whole suite is collected.
"""

from __future__ import annotations

from pathlib import Path

BEFORE = '''\
"""Order totals."""


def total(prices: list[int], discount_percent: int) -> int:
    """Sum prices in cents, then take off a whole-number percentage."""
    subtotal = sum(prices)
    return subtotal - subtotal * discount_percent // 100
'''

AFTER = '''\
"""Order totals."""


def total(prices: list[int], discount_percent: int) -> int:
    """Sum prices in cents, then take off a whole-number percentage."""
    subtotal = sum(prices[1:])
    discount = subtotal * discount_percent // 100
    return subtotal - discount


def average(prices: list[int]) -> int:
    """Mean price in cents, rounded down."""
    return sum(prices) // len(prices)
'''

FIXED = '''\
"""Order totals."""


def total(prices: list[int], discount_percent: int) -> int:
    """Sum prices in cents, then take off a whole-number percentage."""
    subtotal = sum(prices)
    discount = subtotal * discount_percent // 100
    return subtotal - discount


def average(prices: list[int]) -> int:
    """Mean price in cents, rounded down."""
    return sum(prices) // len(prices) if prices else 0
'''

PROOFS = """\
from shop.totals import average, total


def test_total_counts_every_item():
    assert total([100, 200], 0) == 300


def test_average_of_no_prices_is_zero():
    assert average([]) == 0
"""

KEY = """\
[[defect]]
id = "first-item-dropped"
file = "shop/totals.py"
lines = [6, 6]
category = "logic"
severity = "blocker"
title = "The first item is left out of the subtotal"
explanation = "Slicing from 1 drops an item: every order is undercharged."
hints = ["Check what is summed.", "Look at the slice."]
proof = "test_totals.py::test_total_counts_every_item"

[[defect]]
id = "average-of-empty"
file = "shop/totals.py"
lines = [13, 13]
category = "edge-case"
severity = "minor"
title = "average() divides by zero on an empty list"
explanation = "An empty cart is a normal input."
hints = ["What if there are no prices?"]
proof = "test_totals.py::test_average_of_no_prices_is_zero"

[[decoy]]
file = "shop/totals.py"
lines = [8, 8]
why_fine = "Floor division on cents is the documented policy: the discount is rounded in the customer's favour."
"""

META = '''\
title = "Tidy up order totals"
author = "assistant"
incident = "general"
language = "python"
difficulty = "easy"
verdict = "request-changes"
tags = ["pricing"]
description = """
Splits the discount into its own variable and adds `average()`.
"""
'''


def write_exercise(bank: Path, slug: str = "order-totals") -> Path:
    root = bank / slug
    for tree, text in (("before", BEFORE), ("after", AFTER), ("fixed", FIXED)):
        (root / tree / "shop").mkdir(parents=True)
        (root / tree / "shop" / "__init__.py").write_text("")
        (root / tree / "shop" / "totals.py").write_text(text)
    (root / "proofs").mkdir()
    (root / "proofs" / "test_totals.py").write_text(PROOFS)
    (root / "key.toml").write_text(KEY)
    (root / "exercise.toml").write_text(META)
    return root
