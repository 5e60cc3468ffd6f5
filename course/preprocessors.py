"""Kept so that nbgrader configs written before the package layout (course.preprocessors.X)
still load; the preprocessors live in course.grading.preprocessors."""

from .grading.preprocessors import LimitOutputSize, ShortenTestTracebacks

__all__ = ["LimitOutputSize", "ShortenTestTracebacks"]
