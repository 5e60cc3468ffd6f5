"""Class analytics: what the class found and missed, as DataFrames, figures and an HTML page."""

from .classreport import ClassReport, class_report
from .figures import FIGURE_ALT, report_figures
from .frames import STATUSES
from .page import FIGURE_DIR, REPORT_NAME, render_html, write_report

__all__ = [
    "FIGURE_ALT",
    "FIGURE_DIR",
    "REPORT_NAME",
    "STATUSES",
    "ClassReport",
    "class_report",
    "render_html",
    "report_figures",
    "write_report",
]
