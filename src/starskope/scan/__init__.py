"""Survey-scale scanning on Dask into a DuckDB catalog (``starskope scan``).

Importing this package imports neither Dask nor DuckDB; :func:`scan` does.
"""

from __future__ import annotations

from .inputs import ScanItem as ScanItem
from .inputs import count_items as count_items
from .inputs import iter_items as iter_items
from .runner import ScanSummary as ScanSummary
from .runner import run_items as run_items
from .runner import scan as scan

__all__ = ["ScanItem", "ScanSummary", "count_items", "iter_items", "run_items", "scan"]
