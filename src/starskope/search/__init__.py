"""Period searches: BLS (numba kernel or astropy), TLS, grids and the multi-planet loop."""

from __future__ import annotations

from .base import Periodogram as Periodogram
from .base import SearchResult as SearchResult
from .bls import box_stats as box_stats
from .bls import search_bls as search_bls
from .grid import duration_grid as duration_grid
from .grid import period_grid as period_grid
from .multi import SEARCHES as SEARCHES
from .multi import search_multi as search_multi
from .periodogram import TransitSearch as TransitSearch
from .tls import search_tls as search_tls

__all__ = [
    "SEARCHES",
    "Periodogram",
    "SearchResult",
    "TransitSearch",
    "box_stats",
    "duration_grid",
    "period_grid",
    "search_bls",
    "search_multi",
    "search_tls",
]
