"""Findings x key -> Score (maximum-credit matching, weights), and the one disclosure policy:
what key text a student may see, used by practice, feedback and the leak scan alike."""

from .disclosure import Item, allowed_key_texts, disclose, key_texts, leaks, scan_for_leaks
from .match import DefectResult, FalsePositive, Score, hits, score

__all__ = [
    "DefectResult",
    "FalsePositive",
    "Item",
    "Score",
    "allowed_key_texts",
    "disclose",
    "hits",
    "key_texts",
    "leaks",
    "scan_for_leaks",
    "score",
]
