"""Code Review Academy: review pull requests with planted defects inside Jupyter.

The subpackages read in the order data flows (docs/design.md, "Layout"): diff -> review (the
student's side) -> keys -> scoring -> practice -> grading -> report -> cli, with demo beside.
"""

from .vocab import CATEGORIES, SEVERITIES, SIDES, VERDICTS, WEIGHTS

__version__ = "0.1.0"

__all__ = ["CATEGORIES", "SEVERITIES", "SIDES", "VERDICTS", "WEIGHTS", "__version__"]
