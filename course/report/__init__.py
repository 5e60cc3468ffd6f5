"""Class analytics: what the class found and missed, as DataFrames, figures and an HTML page."""

from .classreport import FIGURE_DIR, REPORT_NAME, ClassReport, class_report, write_report

__all__ = ["FIGURE_DIR", "REPORT_NAME", "ClassReport", "class_report", "write_report"]
