"""Code Review Academy: review pull requests with planted defects inside Jupyter."""

__version__ = "0.1.0"

CATEGORIES = ("logic", "edge-case", "concurrency", "security", "blast-radius", "error-handling")
SEVERITIES = ("blocker", "major", "minor")
WEIGHTS = {"blocker": 3, "major": 2, "minor": 1}
SIDES = ("old", "new")
VERDICTS = ("approve", "request-changes")

__all__ = ["CATEGORIES", "SEVERITIES", "WEIGHTS", "SIDES", "VERDICTS", "__version__"]
