"""Unified diffs: the model, the parser (on unidiff), the writer, the public bundle, highlighting.

Nothing here knows about findings, keys or grading.
"""

from .bundle import Bundle, load_bundle, parse_bundle, render_bundle
from .model import DiffError, FileDiff, Hunk, Line
from .parse import Diff
from .write import tree_texts, unified_diff

__all__ = [
    "Bundle",
    "Diff",
    "DiffError",
    "FileDiff",
    "Hunk",
    "Line",
    "load_bundle",
    "parse_bundle",
    "render_bundle",
    "tree_texts",
    "unified_diff",
]
