"""The results catalog of a scan: DuckDB tables ``stars``, ``candidates``, ``errors``, ``runs``.

Importing this package does not import DuckDB; opening a :class:`Catalog` does.
"""

from __future__ import annotations

from .store import CANDIDATE_COLUMNS as CANDIDATE_COLUMNS
from .store import STAR_COLUMNS as STAR_COLUMNS
from .store import Catalog as Catalog
from .store import ErrorRecord as ErrorRecord
from .store import StarRecord as StarRecord
from .store import config_hash as config_hash

__all__ = [
    "CANDIDATE_COLUMNS",
    "STAR_COLUMNS",
    "Catalog",
    "ErrorRecord",
    "StarRecord",
    "config_hash",
]
