"""The student's side: a Review (bundle + findings sidecar + viewer), the findings store, the
page model the viewer paints, and checks of a review's structure.

Nothing in this package reads an answer key (enforced by import-linter, see pyproject.toml).
`from course.review import Review` is the import every released notebook makes.
"""

from .checks import ReviewNotReady, require_review, self_check
from .finding import Finding
from .review import Review
from .store import FindingStore, SidecarCorrupt, read_sidecar, sidecar_path

__all__ = [
    "Finding",
    "FindingStore",
    "Review",
    "ReviewNotReady",
    "SidecarCorrupt",
    "read_sidecar",
    "require_review",
    "self_check",
    "sidecar_path",
]
