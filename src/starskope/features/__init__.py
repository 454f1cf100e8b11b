"""Model inputs: raw-flux arrays for the CNN, tabular features for the trees.

Submodules: :mod:`.rawflux` (per-star standardisation, the 200-point uniform-filter channel,
resampling light curves to a fixed length) and :mod:`.tabular` (vetting statistics, candidate
parameters and Fourier features from :func:`starskope.pipeline.analyse_full`). Nothing heavy is
imported here.
"""

from __future__ import annotations

from .rawflux import raw_flux_channels as raw_flux_channels
from .rawflux import resample_flux as resample_flux
from .rawflux import standardize_rows as standardize_rows

__all__ = ["raw_flux_channels", "resample_flux", "standardize_rows"]
