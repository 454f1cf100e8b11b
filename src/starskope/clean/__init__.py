"""Cleaning and detrending: quality masks, outliers, segments, normalisation, flattening."""

from __future__ import annotations

from .detrend import DETRENDERS as DETRENDERS
from .detrend import DetrendResult as DetrendResult
from .detrend import flatten as flatten
from .detrend import suggest_window as suggest_window
from .masking import clean as clean
from .masking import find_segments as find_segments
from .masking import sigma_clip_upper as sigma_clip_upper
from .masking import transit_mask as transit_mask

__all__ = [
    "DETRENDERS",
    "DetrendResult",
    "clean",
    "find_segments",
    "flatten",
    "sigma_clip_upper",
    "suggest_window",
    "transit_mask",
]
