"""Grading on the instructor's machine, and the calls a graded notebook's cells make.

Released notebooks import `require_review`, `self_check` and (in hidden tests) `grade_review`
from here, and live gradebooks record that cell text, so these names stay importable from
`course.grading`. Importing it stays light (the standard library and the student side's
checks): everything else is reached through its module.
"""

from ..review.checks import ReviewNotReady, require_review, self_check
from .hidden_test import GradingError, ReviewScoredZero, grade_review

__all__ = ["GradingError", "ReviewNotReady", "ReviewScoredZero", "grade_review", "require_review", "self_check"]
