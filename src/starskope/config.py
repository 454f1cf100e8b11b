"""Pipeline configuration: one frozen dataclass, defaults in one place."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

__all__ = ["PipelineConfig"]


@dataclass(frozen=True)
class PipelineConfig:
    """Settings for :func:`starskope.pipeline.analyse`.

    Times are in days and durations in hours unless the name says otherwise.
    """

    # cleaning
    quality_bitmask: str = "default"
    sigma_upper: float = 4.0
    sigma_isolated: float | None = 5.0  # single-cadence dips (neighbours at baseline) dropped
    # detrending
    detrend_method: str = "biweight"
    detrend_window_days: float | None = None  # None: 3 x the longest duration searched
    adaptive_window: bool = True  # detect strongly variable (active) stars, treat them below
    # "rotation": the rotation period from a Lomb-Scargle periodogram; rotators faster than 2 d
    # get a robust local polynomial plus rotation harmonics over three rotations
    # (starskope.clean.rotation), with signals at simple ratios of that period and shallower
    # than the modulation rejected as its residual (vetting flag "variability"); slower ones a robust
    # local cubic over active_window_days, as are fast ones whose harmonic model leaves over
    # twice the cubic's noise on two-hour means (multi-periodic pulsators, beating pairs).
    # "localpoly": the local cubic for every active star
    # (the default before 2026-11). None: biweight with a shortened window
    active_detrend_method: str | None = "rotation"
    active_window_days: float = 0.75  # shortest window for active stars
    active_trigger: float = 0.5  # active when the suggested window < this x 3 x longest duration
    # opt-in: remove coherent rotation (sinusoids) before detrending active stars; off by
    # default because it also absorbs part of an eclipsing binary's eclipses
    prewhiten_active: bool = False
    redetrend_masked: bool = True  # re-detrend with the found transits masked, re-measure
    # search
    method: str = "bls"
    min_period_days: float = 0.5
    max_period_days: float | None = None  # None: half the baseline (two transits)
    durations_hours: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
    oversample: int = 2  # grid points per duration-phase step; 1 is 1.5x faster, 3 TLS-dense
    max_planets: int = 3
    # when the strongest periodogram peak of the first pass is not significant (a long-period
    # red-noise signal on a spotted or granulating star, say), this many of the next peaks
    # (SDE above threshold, not the top's aliases) are measured, and the first significant one
    # with three or more transits is taken (search.multi.search_multi; 0 turns it off)
    alternate_peaks: int = 3
    snr_threshold: float = 7.1
    snr_threshold_two_transits: float = 9.0  # look-elsewhere: any two dips make a "period"
    sde_threshold: float = 7.0
    # a top signal above this fraction of snr_threshold (and with SDE above sde_threshold) is
    # re-measured on the light curve re-detrended with its transits masked, as significant
    # signals are: the first detrending takes ~5% of a transit's depth (more for long ones).
    # Quiet stars only: on an active star, masking dips of the variability deepens them as
    # much (20-50% on injection-recovery nulls), which would make false alarms
    borderline_snr_fraction: float = 0.8
    bls_engine: str = "numba"  # "numba" (starskope's kernel) or "astropy" (reference)
    # refinement
    fit_transit: bool = True
    # known objects: annotate candidates against the NASA Exoplanet Archive tables
    annotate_known: bool = True
    # models
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> PipelineConfig:
        return dataclasses.replace(self, **changes)
