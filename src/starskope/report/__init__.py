"""Per-star HTML reports: self-contained pages (inline styles, images as ``data:`` URIs).

Importing this package imports neither matplotlib nor jinja2; rendering does.
"""

from __future__ import annotations

from .build import ReportSummary as ReportSummary
from .build import annotate_known as annotate_known
from .build import lightcurve_for as lightcurve_for
from .build import report_analyses as report_analyses
from .build import report_catalog as report_catalog
from .build import report_files as report_files
from .build import star_page as star_page
from .html import IndexEntry as IndexEntry
from .html import candidate_parameters as candidate_parameters
from .html import render_index as render_index
from .html import render_star as render_star

__all__ = [
    "IndexEntry",
    "ReportSummary",
    "annotate_known",
    "candidate_parameters",
    "lightcurve_for",
    "render_index",
    "render_star",
    "report_analyses",
    "report_catalog",
    "report_files",
    "star_page",
]
