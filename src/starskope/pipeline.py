"""One star through the physics pipeline: clean -> detrend -> search -> fit -> vet -> StarResult.

:func:`analyse` is the single per-star function the CLI, the scan, inject-recover and the app
call; :func:`analyse_full` returns the intermediate products too (for plots); :func:`analyse_path`
reads a file first and never raises for bad input.

``is_candidate`` rests on vetting: a star is a candidate only when some signal is significant
(SNR and SDE above threshold, at least two transits) *and* passes the vetting tests
(:func:`starskope.vet.is_planet_like`). SDE alone is not a planet score on real data.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .clean.detrend import flatten, suggest_window
from .clean.masking import clean, robust_std, transit_mask
from .clean.prewhiten import prewhiten
from .clean.pulsations import remove_pulsations
from .clean.rotation import coherent_periods, modulation_amplitude, rotation_model
from .config import PipelineConfig
from .exceptions import StarskopeError
from .fit import fit_transit
from .fold import phase_fold, transit_number
from .io import read
from .lightcurve import LightCurve
from .result import Candidate, StarResult, VetFlag
from .search.base import SearchResult
from .search.bls import box_stats
from .search.multi import is_significant, search_multi
from .search.single import single_transit, transit_with_data
from .vet import VetThresholds, is_planet_like, other_transits, vet_candidate
from .vet.base import others_left_out
from .vet.variability import (
    HARMONICS,
    ROTATION_RATIOS,
    Variability,
    dominant_variability,
    variability_match,
)

__all__ = ["Analysis", "analyse", "analyse_full", "analyse_path"]


@dataclass(frozen=True, eq=False)
class Analysis:
    """A star's result plus the intermediate products behind it (for plots and debugging).

    Attributes
    ----------
    result : StarResult
        What :func:`analyse` returns.
    raw : LightCurve
        The light curve as given.
    cleaned : LightCurve
        Quality-masked, NaN-free, clipped, normalised per segment.
    trend : ndarray
        The trend divided out of ``cleaned`` (same length).
    flat : LightCurve
        ``cleaned / trend``: the light curve that was searched and vetted.
    searches : tuple of SearchResult
        What :func:`~starskope.search.multi.search_multi` returned: the first pass (the light
        curve's strongest signal), then the later passes and any alternate peak taken in an
        insignificant first pass's place.
    fits : tuple
        One `~starskope.fit.TransitFit` per candidate of ``result``, or None when not fitted
        (``fit_transit=False``, or a signal below the SNR/SDE thresholds).
    """

    result: StarResult
    raw: LightCurve
    cleaned: LightCurve
    trend: np.ndarray
    flat: LightCurve
    searches: tuple[SearchResult, ...]
    fits: tuple[Any, ...]


_UNMEASURED = object()

#: The first reason of a result whose input flux had no absolute level (its depths are in
#: noise units); the command line marks such depths.
NO_LEVEL_REASON = (
    "The input flux has no absolute level (mean-subtracted); depths are in units of "
    "1000 ppm per point-to-point noise, not true depths."
)


#: Fewest cadences per orbit of a period worth searching: a transit and its baseline need
#: several points each (the note of :func:`analyse` for a --min-period below it).
_MIN_PERIOD_CADENCES = 10
#: Fewest cadences in the shortest trial duration asked for (the note for a --durations grid
#: finer than the data).
_MIN_DURATION_CADENCES = 2


def _variability_sources(
    cleaned: LightCurve, spin, active: bool, removed: bool = True
) -> tuple[Variability, ...]:
    """The coherent variability of an active star, whose detrending residuals can pass for
    transits: the rotation the detrender measured (the strongest Lomb-Scargle period; with the
    modulation it removed and the star's other coherent periods matched at simple ratios, else
    at 1, 2 and 1/2), or, when no rotation was measured, the strongest Lomb-Scargle period of
    the undetrended light curve. A quiet star has none worth matching (its robust scatter is
    close to the white noise), and costs no periodogram. ``removed``: whether the detrender
    used the rotation model (False when the local cubic replaced it; only the label changes)."""
    if not active:
        return ()
    span = float(cleaned.time_span)
    if spin is not None and np.isfinite(spin.period):
        harmonics = spin.n_harmonics > 0 and np.isfinite(spin.amplitude)
        amp = (
            float(spin.amplitude)
            if harmonics
            else modulation_amplitude(cleaned.t, cleaned.flux, period=float(spin.period))
        )
        if harmonics and not spin.other_periods:
            spin = coherent_periods(cleaned.t, cleaned.flux, spin)
        periods = (spin.period, *spin.other_periods) if harmonics else (spin.period,)
        return tuple(
            Variability(
                period=float(p),
                peak_to_peak=2.0 * amp,
                power=1.0,
                baseline=span,
                ratios=ROTATION_RATIOS if harmonics else HARMONICS,
                source=(
                    ("rotation removed by the detrender" if removed else "strongest period")
                    if harmonics
                    else "rotation"
                ),
            )
            for p in periods
        )
    ls = dominant_variability(cleaned.t, cleaned.flux)
    return () if ls is None else (ls,)


def _checked_inputs(lc, config) -> tuple[LightCurve, PipelineConfig]:
    """The light curve and configuration :func:`analyse_full` takes, or one clear error: a path
    is not a light curve (read it, or call :func:`analyse_path`), and a dict of settings is
    taken as changes to the default configuration."""
    if not isinstance(lc, LightCurve):
        kind = f"{type(lc).__module__}.{type(lc).__name__}"
        if isinstance(lc, str | os.PathLike):
            hint = "; for a file, call starskope.pipeline.analyse_path(path) or analyse(read(path))"
        elif kind.startswith("lightkurve.") and "Collection" in kind:
            hint = (
                " (lightkurve's): convert each with starskope.LightCurve.from_lightkurve and"
                " pass the list to starskope.pipeline.analyse_group"
            )
        elif type(lc).__name__ == "StitchedLightCurve":
            hint = (
                ": pass the segments to starskope.pipeline.analyse_group (stitched there, with"
                " per-mission depths), or analyse(stitched.lightcurve)"
            )
        elif kind.startswith("lightkurve."):
            hint = " (lightkurve's): convert it with starskope.LightCurve.from_lightkurve(lc)"
        else:
            hint = ""
        raise StarskopeError(
            f"analyse() takes a LightCurve (starskope.read(path) makes one); got "
            f"{type(lc).__name__}{hint}"
        )
    if isinstance(config, dict):
        config = PipelineConfig().replace(**config)  # unknown settings named there
    elif config is None:
        config = PipelineConfig()
    elif not isinstance(config, PipelineConfig):
        raise StarskopeError(
            f"config must be a PipelineConfig (or a dict of its settings); got {type(config).__name__}"
        )
    return lc, config


#: A signal is moved to twice its period, beyond the grid, when the box SNR there is this many
#: times the SNR at its own period (every other "transit" empty gives sqrt(2) with an even
#: number of them, 1.22 with three; a true period 1/sqrt(2)) ...
TWICE_BEYOND_GRID = 1.2
#: ... or when the other half of its transits is empty: within this share of the deeper
#: half's depth of zero, and below it by more than :data:`TWICE_EMPTY_SIGMA` standard deviations
#: (an odd number of transits, or unequal ones, keep the SNR ratio under the threshold above).
TWICE_EMPTY_FRACTION = 0.3
TWICE_EMPTY_SIGMA = 3.0


#: Multiples of a signal's period tried beyond the grid's longest period: a planet with two
#: transits whose period lies between half the baseline and the whole of it is found by the
#: grid at a half or a third of its period (two of four or of five epochs hold its transits:
#: about the power its own period would give), so both are tried, twice inside the grid too.
BEYOND_GRID_MULTIPLES = (2, 3)


def _twice_beyond_grid(flat, s: SearchResult, longest: float, others=()) -> SearchResult:
    """``s`` at twice (or three times) its period when that is beyond the grid's longest
    period (half the baseline: two transits whatever the phase) and the other epochs of ``s``
    are empty or the box SNR at the multiple is higher: a planet with two transits and a
    longer period, which the grid cannot hold, is found at a half or a third of its period.
    Re-measured at the multiple (two transits: the two-transit SNR threshold then applies).
    Twice a period inside the grid needs both, measured without the transits of the
    ``others`` signals: a planet the search found at half its period because noise (a
    pulsator's residuals) favoured it, not a planet's occultation found at half its period,
    whose one half holds the planet's transits. Three times a period inside the grid is
    not tried: the grid holds it."""
    if not (s.depth > 0 and np.isfinite(longest)):  # inf: a user's own longest period
        return s
    for k in BEYOND_GRID_MULTIPLES:
        moved = _at_multiple(flat, s, k, longest, others)
        if moved is not s:
            return moved
    return s


def _at_multiple(flat, s: SearchResult, k: int, longest: float, others) -> SearchResult:
    """``s`` at ``k`` times its period by the rule of :func:`_twice_beyond_grid`, or ``s``."""
    beyond = k * s.period > longest * (1.0 + 1e-9)
    if not beyond and k > 2:
        return s
    t, flux = flat.t, flat.flux
    if not beyond and len(others):
        keep = ~_transits(t, list(others), widen=1.5)
        t, flux = t[keep], flux[keep]
    at_p = box_stats(t, flux, period=s.period, t0=s.t0, duration=s.duration)
    phases = [
        (box_stats(t, flux, period=k * s.period, t0=t0, duration=s.duration), t0)
        for t0 in s.t0 + s.period * np.arange(k)
    ]
    usable = [h for h in phases if h[0].n_transits >= 2 and np.isfinite(h[0].snr)]
    if not usable:
        return s
    st, t0 = max(usable, key=lambda h: h[0].snr)
    rest = [h[0] for h in phases if h[1] != t0 and np.isfinite(h[0].depth) and h[0].n_in > 0]
    stronger = np.isfinite(at_p.snr) and st.snr >= TWICE_BEYOND_GRID * at_p.snr > 0
    empty = (
        st.depth > 0
        and bool(rest)
        and all(
            abs(o.depth) < TWICE_EMPTY_FRACTION * st.depth
            and st.depth - o.depth > TWICE_EMPTY_SIGMA * np.hypot(st.error, o.error)
            for o in rest
        )
    )
    moved = (stronger or empty) if beyond else (stronger and empty)
    if not moved:
        return s
    return dataclasses.replace(
        s,
        period=k * s.period,
        t0=float(t0),
        depth=float(st.depth),
        depth_err=float(st.depth_err),
        snr=float(st.snr),
        n_transits=int(st.n_transits),
    )


def _transit_scale_noise(flat: LightCurve, width: float = 2.0 / 24.0) -> tuple[float, float]:
    """Robust scatter of ``width``-day means of a flattened light curve (a CDPP-like figure),
    and what white noise of the point-to-point scatter would give."""
    from .clean.binning import bin_in_time

    _, yb, nb = bin_in_time(flat.t, flat.flux, width)
    full = nb >= 0.5 * np.median(nb)
    if np.count_nonzero(full) < 10:
        return float("inf"), float("inf")
    white = robust_std(np.diff(flat.flux)) / np.sqrt(2.0 * float(np.median(nb[full])))
    return float(robust_std(yb[full])), float(white)


def _apart(flat: LightCurve, s: SearchResult, others: list[SearchResult]) -> LightCurve:
    """``flat`` without the other signals' transits, where they do not hold most of this
    one's (see :func:`starskope.vet.base.others_left_out`): a hot Jupiter's transits inside a
    small planet's would deepen it and pull its fitted epoch."""
    drop = _others_mask(flat.t, others, s, flux=flat.flux)
    if drop is None:
        return flat
    drop = others_left_out(flat.t, drop, period=s.period, t0=s.t0, duration=s.duration)
    return flat.select(~drop) if drop.any() else flat


def _fit(flat: LightCurve, s: SearchResult, exptime: float, others: list[SearchResult] = ()):
    flat = _apart(flat, s, list(others))
    return fit_transit(
        flat.t,
        flat.flux,
        flat.flux_err,
        period=s.period,
        t0=s.t0,
        duration=s.duration,
        depth=max(s.depth, 1e-6),
        exptime=exptime,
    )


def _transits(t: np.ndarray, signals: list[SearchResult], *, widen: float) -> np.ndarray:
    """Cadences within ``widen`` transit durations (centred) of any signal's transits."""
    mask = np.zeros(len(t), dtype=bool)
    for s in signals:
        mask |= transit_mask(t, period=s.period, t0=s.t0, duration=widen * s.duration)
    return mask


def _others_mask(
    t: np.ndarray, others: list[SearchResult], s: SearchResult | None = None, *, flux=None
) -> np.ndarray | None:
    """In-transit cadences of the star's other candidates, so vetting one planet ignores the
    others' transits (another planet's dip is neither a secondary eclipse nor an odd/even
    difference). Given the signal ``s`` being measured, an other whose transits fall mostly
    on its own is the same source (the other half of a planet merged at P/2, an alias at a
    multiple of its period) and is not left out; which of the rest fall inside its own
    transits and are left out there is :func:`starskope.vet.base.others_left_out`'s rule."""
    if s is not None and others:
        from .vet.checks import TTV_MIN_FRACTION, TTV_REACH_DURATIONS, TTV_REACH_PERIOD

        phase = np.abs(phase_fold(t, period=s.period, t0=s.t0))
        own = phase < s.duration
        # a lone transit near one of this signal's (timing variations) is its own, moved
        near = phase < min(TTV_REACH_DURATIONS * s.duration, TTV_REACH_PERIOD * s.period)
        kept = []
        for o in others:
            theirs = np.abs(phase_fold(t, period=o.period, t0=o.t0)) < 0.5 * o.duration
            n = np.count_nonzero(theirs)
            if n and np.count_nonzero(theirs & own) >= 0.5 * n:
                continue  # the same source
            if (
                flux is not None
                and n
                and np.count_nonzero(theirs & near) >= 0.5 * n
                and TTV_MIN_FRACTION * s.depth <= o.depth <= s.depth / TTV_MIN_FRACTION
                and np.unique(transit_number(t[theirs], period=o.period, t0=o.t0)).size == 1
                and _missing_near(t, flux, s, float(np.median(t[theirs])))
            ):
                continue  # this signal's transit, off its linear ephemeris
            kept.append(o)
        others = kept
    return other_transits(t, [(o.period, o.t0, o.duration) for o in others])


def _missing_near(t, flux, s: SearchResult, when: float) -> bool:
    """Whether the transit of ``s`` predicted nearest ``when`` is missing from where its linear
    ephemeris puts it (data there, less than a third of its depth below the median): only
    then can a lone dip near it be that transit moved by timing variations (another planet's
    transit beside one of its transits that is there, or in a gap, is not)."""
    k = np.round((when - s.t0) / s.period)
    at = np.abs(t - (s.t0 + k * s.period)) < 0.5 * s.duration
    f = np.asarray(flux)[at]
    f = f[np.isfinite(f)]
    if f.size == 0:
        return False  # in a gap: nothing says it moved
    level = float(np.nanmedian(flux))  # the flattened flux's (its sides may hold the dip)
    return bool(level - float(np.mean(f)) < s.depth / 3.0)


def _vet(
    flat: LightCurve,
    s: SearchResult,
    others: list[SearchResult],
    thresholds: VetThresholds | None = None,
) -> tuple[VetFlag, ...]:
    try:
        return vet_candidate(
            flat.t,
            flat.flux,
            flat.flux_err,
            period=s.period,
            t0=s.t0,
            duration=s.duration,
            depth=max(s.depth, 1e-9),
            periodogram=s.periodogram,
            other_periods=tuple(o.period for o in others),
            exclude=_others_mask(flat.t, others, s, flux=flat.flux),
            thresholds=thresholds,
        )
    except StarskopeError as exc:
        return (VetFlag("vetting", True, None, f"Vetting could not run: {exc}."),)


#: Largest relative difference between the transit fit's period and the search's for the
#: fit's ephemeris to stand for the same signal (the grid's steps are far finer) ...
FIT_SAME_PERIOD = 0.01
#: ... and the least drift of the search's period against the fit's over the data, in transit
#: durations, that smears a fold enough to matter to its shape (a smaller one is the two
#: ephemerides' noise, and a deep binary's V may then read as a U at the fit's, a planet
#: model's, epoch).
SMEAR_DURATIONS = 0.2


def _v_shape_at_fit(
    flat: LightCurve,
    s: SearchResult,
    others: list[SearchResult],
    flags: tuple[VetFlag, ...],
    th: VetThresholds | None,
    exptime: float,
) -> tuple[VetFlag, ...]:
    """``flags`` with a raised V-shape test re-run at the transit fit's period and epoch (free
    on the unbinned data), which replaces it when the fold there is not V-shaped.

    The search grid is spaced for Sun-like durations: an M dwarf's one-hour transits, folded
    at a grid period a fifth of their duration off over the transits, smear into sloped sides,
    and a planet's U reads as a binary's V. Only a drift of `SMEAR_DURATIONS` or more is
    re-checked."""
    k = next((i for i, f in enumerate(flags) if f.name == "v_shape" and f.raised), None)
    if k is None:
        return flags
    fit = _fit(flat, s, exptime, others)
    if (
        fit is None
        or not bool(getattr(fit, "success", False))
        or not abs(float(fit.period) - s.period) <= FIT_SAME_PERIOD * s.period
    ):
        return flags
    drift = abs(float(fit.period) - s.period) * float(np.ptp(flat.t)) / s.period
    if drift < SMEAR_DURATIONS * s.duration:
        return flags
    try:
        again = vet_candidate(
            flat.t,
            flat.flux,
            flat.flux_err,
            period=float(fit.period),
            t0=float(fit.t0),
            duration=s.duration,
            depth=max(s.depth, 1e-9),
            exclude=_others_mask(flat.t, others, s, flux=flat.flux),
            thresholds=th,
            tests=["v_shape"],
        )
    except StarskopeError:
        return flags
    v = next((f for f in again if f.name == "v_shape"), None)
    if v is None or v.raised:
        return flags
    note = (
        f"at the transit fit's ephemeris (P = {float(fit.period):.6f} d; the search grid's"
        f" {s.period:.6f} d drifts {drift * 1440:.0f} min over the data and smears the fold, where"
        f" the grid's fold read ingress/total {flags[k].value:.2f}): "
    )
    return flags[:k] + (VetFlag("v_shape", False, v.value, note + v.reason),) + flags[k + 1 :]


#: A box shallower than this share of the depth limit is not checked against the transit
#: fit: at long cadence a box's mean depth can fall 40% short of a limb-darkened dip's
#: deepest point, and a fit of a shallow dip's radius ratio says nothing new.
DEPTH_AT_FIT_FROM = 0.5


def _depth_at_fit(
    flat: LightCurve,
    s: SearchResult,
    others: list[SearchResult],
    flags: tuple[VetFlag, ...],
    th: VetThresholds,
    exptime: float,
) -> tuple[VetFlag, ...]:
    """``flags`` with the depth test raised when the transit fit's radius ratio squared (the
    share of the star's disc the companion covers) exceeds the depth limit by two of its
    errors, though the search box's mean depth does not.

    A box averages the whole dip, exposure-smeared: a central eclipse by a companion of 0.35
    stellar radii (12% of the disc, 14% deep at its limb-darkened centre) is boxed under 10%.
    The radius ratio, not the limb-darkened central depth (about 1.2 of it), is compared:
    the limit is a companion's size. Only a fit that transits fully (impact + radius ratio
    under 1: a grazing fit's radius ratio is degenerate with its impact) and describes the
    box's dip (depth and duration within `FIT_BOX_RATIO` of the box's) is believed."""
    k = next((i for i, f in enumerate(flags) if f.name == "depth"), None)
    if k is None or flags[k].raised or not np.isfinite(th.max_depth):
        return flags
    if not s.depth > DEPTH_AT_FIT_FROM * th.max_depth:
        return flags
    fit = _fit(flat, s, exptime, others)
    if fit is None or not bool(getattr(fit, "success", False)):
        return flags
    rp, rp_err, b = float(fit.rp_rs), float(fit.rp_rs_err), float(fit.impact)
    described = (
        fit.depth_ppm > 0
        and fit.duration_hours > 0
        and not _fit_apart(fit, s.depth * 1e6, s.duration * 24.0)
    )
    if not described or not b + rp < 1.0:
        return flags
    # the fit's covariance assumes white noise: its error widened by the red-noise beta at the
    # transit's duration, as the result reports it (extra["fit_rp_rs_err"])
    rp_err *= _fit_red_noise(_apart(flat, s, list(others)), s)
    area, area_err = rp**2, 2.0 * rp * rp_err
    if not (np.isfinite(area_err) and area - 2.0 * area_err > th.max_depth):
        return flags
    flag = VetFlag(
        "depth",
        True,
        area,
        f"the transit fit's radius ratio {rp:.3f} +- {rp_err:.2g} covers {100 * area:.1f}% of"
        f" the star's disc (a central depth of {float(fit.depth_ppm) / 1e4:.2f}%; the search"
        f" box's mean depth {100 * s.depth:.2f}%); a companion covering over"
        f" {100 * th.max_depth:g}% cannot be a planet in front of a main-sequence star",
    )
    return flags[:k] + (flag,) + flags[k + 1 :]


def _divided(lc: LightCurve, model: np.ndarray) -> LightCurve:
    """``lc`` with a removed modulation (relative flux about 0) divided out of flux and
    errors."""
    scale = 1.0 + model
    return lc.copy(flux=lc.flux / scale, flux_err=lc.flux_err / scale)


def _fits_as_well(first, again, out) -> bool:
    """True when the trend fitted with the transits masked describes the light curve outside
    them about as well as the first one: no more scatter (beyond 50 %) and no wild excursions
    (over 0.2 % of the points beyond 30 times the first scatter). With much of a light curve
    masked (several signals on a spotted star) a local fit can lose its footing; the first
    detrending is kept then."""
    s1 = robust_std(first[out])
    if not np.isfinite(s1) or s1 <= 0:
        return True
    resid = again[out] - np.median(again[out])
    s2 = robust_std(again[out])
    return bool(s2 <= 1.5 * s1 and np.mean(np.abs(resid) > 30.0 * s1) <= 0.002)


def _planet_like(flags: tuple[VetFlag, ...]) -> bool:
    return bool(is_planet_like(flags)) and not any(f.raised and f.name == "vetting" for f in flags)


def _exptime(lc: LightCurve, cleaned: LightCurve) -> float:
    """Integration time per cadence in days: the header's TIMEDEL when given, else the cadence."""
    extra = lc.meta.extra or {}
    for key in ("exptime_days", "TIMEDEL"):
        try:
            v = float(extra[key])
        except (KeyError, TypeError, ValueError):
            continue
        if np.isfinite(v) and 0 < v < 1:
            return v
    return float(cleaned.cadence)


def _significance_flags(s: SearchResult, config: PipelineConfig) -> list[VetFlag]:
    two = config.snr_threshold_two_transits
    out = [
        VetFlag(
            "snr",
            bool(s.snr < config.snr_threshold),
            float(s.snr),
            f"Transit SNR {s.snr:.1f} (white and red noise) "
            f"{'is below' if s.snr < config.snr_threshold else 'reaches'} "
            f"the threshold {config.snr_threshold:g}.",
        ),
        VetFlag(
            "sde",
            bool(s.sde < config.sde_threshold),
            float(s.sde),
            f"Periodogram SDE {s.sde:.1f} "
            f"{'is below' if s.sde < config.sde_threshold else 'reaches'} "
            f"the threshold {config.sde_threshold:g}.",
        ),
        VetFlag(
            "n_transits",
            bool(s.n_transits < 2 or (s.n_transits == 2 and s.snr < two)),
            float(s.n_transits),
            f"{s.n_transits} transit(s) with data"
            + (
                " (a period needs at least two)."
                if s.n_transits < 2
                else (
                    f"; with only two, SNR {s.snr:.1f} must reach {two:g} (any two dips of a "
                    "light curve define some period)."
                    if s.n_transits == 2 and s.snr < two
                    else "."
                )
            ),
        ),
    ]
    return out


def _remeasure(flat: LightCurve, s: SearchResult, others: list[SearchResult]) -> SearchResult:
    """Depth and SNR of a signal on the re-detrended flux, leaving out the other signals'
    transits (a binary's eclipses would otherwise count as noise of the planet beside it)."""
    apart = _apart(flat, s, others)
    st = box_stats(apart.t, apart.flux, period=s.period, t0=s.t0, duration=s.duration)
    return dataclasses.replace(
        s, depth=st.depth, depth_err=st.depth_err, snr=st.snr, n_transits=st.n_transits
    )


def analyse_full(lc: LightCurve, config: PipelineConfig = PipelineConfig()) -> Analysis:
    """Run the pipeline on one light curve and keep the intermediate products.

    Parameters
    ----------
    lc : LightCurve
        A light curve from any reader.
    config : PipelineConfig, optional
        Settings.

    Returns
    -------
    Analysis

    Raises
    ------
    StarskopeError
        When the light curve cannot be analysed (too few usable points, too short for two
        transits, unknown method names).
    """
    lc, config = _checked_inputs(lc, config)
    timings: dict[str, float] = {}
    t_start = time.perf_counter()

    def tick(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - t0, 6)
        return now

    t0 = time.perf_counter()
    cleaned = clean(
        lc,
        bitmask=config.quality_bitmask,
        sigma_upper=config.sigma_upper,
        sigma_isolated=config.sigma_isolated,
    )
    # coherent pulsations out first: they would make the star look active, and no window
    # follows them; `start` is what the detrending starts from (`cleaned` stays as read)
    no_level = bool((cleaned.meta.extra or {}).get("flux_level"))  # depths in noise units
    start, pulsations = cleaned, None
    if config.prewhiten_pulsations:
        pul = remove_pulsations(cleaned.t, cleaned.flux)
        if pul.frequencies:
            start, pulsations = _divided(cleaned, pul.model), pul
    t0 = tick("clean", t0)

    durations = np.sort(np.asarray(config.durations_hours, dtype=float)) / 24.0
    method = config.detrend_method
    window = config.detrend_window_days
    rotation = None  # coherent modulation removed before detrending (active stars)
    spin = None  # rotation period, window and harmonics of the "rotation" detrender
    active = False  # strong, fast variability found: detrended as an active star
    if window is None:
        window = 3.0 * float(durations[-1])
        if config.adaptive_window and method != "none":
            short = suggest_window(start.t, start.flux, max_duration=float(durations[-1]))
            active = short < config.active_trigger * window
            if active:
                if config.active_detrend_method == "rotation":
                    method = "rotation"  # window: from the rotation period, below
                elif config.active_detrend_method:
                    method, window = config.active_detrend_method, config.active_window_days
                else:
                    window = short
                if config.prewhiten_active:
                    pw = prewhiten(start.t, start.flux)
                    if pw.periods:
                        rotation = pw
    base = start if rotation is None else _divided(start, rotation.model)
    if method == "rotation":
        spin = rotation_model(
            base.t, base.flux, min_window=config.active_window_days, other_periods=False
        )
        window = spin.window
    det = flatten(base, method=method, window=window, rotation=spin)
    replaced = None  # (harmonic, cubic) noise when the harmonic model was replaced
    if method == "rotation" and config.detrend_method != "rotation" and spin.n_harmonics > 0:
        # harmonics of one period fit a spotted star, not a multi-periodic pulsator or a
        # beating pair: keep them unless the local cubic leaves less than half their noise at
        # transit time scales (half: the cubic eats more of a long transit). The cubic cannot
        # leave less than the white noise, so it is only tried where the harmonics leave over
        # twice that.
        noise, white = _transit_scale_noise(det.lightcurve)
        if noise > 2.0 * white:
            alt = flatten(base, method="localpoly", window=config.active_window_days)
            alt_noise = _transit_scale_noise(alt.lightcurve)[0]
            if alt_noise < 0.5 * noise:
                det, method, window = alt, "localpoly", config.active_window_days
                replaced = (noise, alt_noise)
    flat, trend = det.lightcurve, det.trend
    # the search cannot find transits longer than about two-fifths of the window
    searchable = durations[durations <= window / 2.5 + 1e-9]
    if searchable.size == 0:
        searchable = durations[:1]
    t0 = tick("detrend", t0)

    import astropy.units as u

    searches = search_multi(
        flat.t,
        flat.flux,
        flat.flux_err,
        method=config.method,
        max_planets=config.max_planets,
        snr_threshold=config.snr_threshold,
        sde_threshold=config.sde_threshold,
        min_period=config.min_period_days,
        max_period=config.max_period_days,
        oversample=config.oversample,
        durations=searchable * u.day,  # days, whatever the configured hours (no hours warning)
        engine=config.bls_engine,
        alternates=config.alternate_peaks,
        repeats=config.subtract_repeats,
    )
    t0 = tick("search", t0)
    span = float(flat.t.max() - flat.t.min())
    longest = (
        0.5 * span
        if config.max_period_days is None
        else min(0.5 * span, float(config.max_period_days))
    )
    if config.max_period_days is not None and float(config.max_period_days) < 0.5 * span:
        longest = float("inf")  # the user's own limit: no period beyond it, even at 2P
    searches = tuple(
        _twice_beyond_grid(flat, s, longest, [o for o in searches if o is not s]) for s in searches
    )

    sig = [
        s
        for s in searches
        if is_significant(s, snr_threshold=config.snr_threshold, sde_threshold=config.sde_threshold)
    ]
    chosen = sig if sig else list(searches[:1])
    # the decision statistic of every signal is its SNR re-measured on the light curve
    # re-detrended with its transits masked; on a quiet star, a top signal just below the
    # threshold on the first detrending gets the same treatment (the detrender took part of
    # its depth)
    borderline = (
        not sig
        and bool(searches)
        and searches[0].depth > 0
        and searches[0].sde >= config.sde_threshold
        and searches[0].snr >= config.borderline_snr_fraction * config.snr_threshold
        and not active  # see the config
    )
    if (sig or borderline) and config.redetrend_masked and method != "none":
        mask = _transits(cleaned.t, chosen, widen=1.5)
        if mask.mean() < 0.5:
            again = flatten(base, method=method, window=window, transit_mask=mask, rotation=spin)
            if _fits_as_well(flat.flux, again.lightcurve.flux, ~mask):
                det = again
                flat, trend = det.lightcurve, det.trend
                chosen = [_remeasure(flat, s, [o for o in chosen if o is not s]) for s in chosen]
                # the first detrending may have taken enough of each transit to hide that
                # every other one is empty (a planet beyond the grid at half its period)
                chosen = [
                    _twice_beyond_grid(flat, s, longest, [o for o in chosen if o is not s])
                    for s in chosen
                ]
    t0 = tick("redetrend", t0)

    candidates = []
    variability: Any = _UNMEASURED  # the star's dominant variability, measured when needed
    # depths in noise units (flux without a level): no absolute depth thresholds
    th = (
        VetThresholds(secondary_max_occultation=None, max_depth=float("inf"))
        if no_level
        else VetThresholds()
    )
    exptime = _exptime(lc, cleaned)
    for i, s in enumerate(chosen):
        others = [o for j, o in enumerate(chosen) if j != i]
        flags = _vet(flat, s, others, th)
        sig_flags = _significance_flags(s, config)
        significant = not any(f.raised for f in sig_flags)
        if significant and config.fit_transit:
            flags = _v_shape_at_fit(flat, s, others, flags, th, exptime)
            flags = _depth_at_fit(flat, s, others, flags, th, exptime)
        planet_like = significant and _planet_like(flags)
        if planet_like:  # last check, on the undetrended light curve: is it the variability?
            if variability is _UNMEASURED:
                # measured with the signals' transits left out: a deep transit train has power
                # at its own harmonics (P/2, P/3), which the star's coherent periods would
                # otherwise include, and the transit would be called their residual
                # (without the prewhitened pulsations: a removed mode is not the star's
                # variability any more, and a planet at a simple ratio of it is no residual)
                dips = _transits(start.t, chosen, widen=2.0)
                variability = _variability_sources(
                    start.select(~dips) if dips.mean() < 0.3 else start,
                    spin,
                    active,
                    removed=method == "rotation",
                )
            flags = flags + (variability_match(s.period, s.depth, variability),)
            planet_like = not flags[-1].raised
        offset = lc.bjd_offset
        candidates.append(
            Candidate(
                period_days=float(s.period),
                t0=float(s.t0),
                t0_format=cleaned.time_format,
                t0_bjd=None if offset is None else float(s.t0 + offset),
                duration_hours=float(s.duration * 24.0),
                depth_ppm=float(s.depth * 1e6),
                depth_ppm_err=float(s.depth_err * 1e6),
                snr=float(s.snr),
                sde=float(s.sde),
                power=float(s.power),
                n_transits=int(s.n_transits),
                vetting=tuple(sig_flags) + flags,
                is_planet_like=bool(planet_like),
                extra={
                    "method": config.method,
                    "detrend": method if rotation is None else f"prewhiten+{method}",
                    "window_days": float(window),
                    "rotation_periods": [round(spin.period, 5)]
                    if method == "rotation" and spin is not None and spin.n_harmonics > 0
                    else (None if rotation is None else [round(p, 5) for p in rotation.periods]),
                    "pulsation_frequencies": None
                    if pulsations is None
                    else [round(f, 5) for f in pulsations.frequencies],
                    "fit_depth_ppm": None,
                    "fit_duration_hours": None,
                },
            )
        )
    candidates = _eclipse_pairs(
        _same_source(candidates, thresholds=th), flat.t, flat.flux, thresholds=th
    )
    # the pairing can reject a binary found after one of its residuals (a residual first, on
    # a rotation-detrended curve, then the eclipses): the residual is checked against it again
    candidates = _same_source(candidates, planets_only=True, thresholds=th)
    t0 = tick("vet", t0)
    order = _rank(candidates)
    candidates = [candidates[k] for k in order]
    chosen = [chosen[k] for k in order]

    # a limb-darkened transit model is fitted to the top candidate and to every planet-like
    # one, when significant: fitting noise, or the residuals of a binary found again after
    # masking, costs time and says nothing
    fits: list[Any] = []
    for k, (s, c) in enumerate(zip(chosen, candidates, strict=True)):
        significant = is_significant(
            s, snr_threshold=config.snr_threshold, sde_threshold=config.sde_threshold
        )
        wanted = config.fit_transit and significant and (k == 0 or c.is_planet_like)
        if c.period_days != s.period:  # reported at half the found period (_at_half_period)
            s = dataclasses.replace(s, period=c.period_days, t0=c.t0, depth=c.depth_ppm / 1e6)
        others = [o for j, o in enumerate(chosen) if j != k]
        fit = _fit(flat, s, exptime, others) if wanted else None
        fits.append(fit)
        if fit is not None and bool(getattr(fit, "success", False)):
            extra = dict(c.extra)
            beta = _fit_red_noise(_apart(flat, s, others), s)
            extra.update(
                fit_depth_ppm=float(fit.depth_ppm),
                fit_duration_hours=float(fit.duration_hours),
                # the fit's ephemeris, period and epoch free on unbinned data: finer than the
                # search grid's, reported beside it (the candidate keeps the search's own);
                # errors widened by the red-noise beta at the transit's duration (the fit's
                # own covariance assumes white noise)
                fit_period_days=float(fit.period),
                fit_period_err_days=float(fit.period_err) * beta,
                fit_t0=float(fit.t0),
                fit_t0_err_days=float(fit.t0_err) * beta,
                fit_red_noise_beta=round(beta, 4),
                # the shape's errors likewise (only the period's and epoch's are checked
                # against injections: benchmarks/bench_fit_pulls.py)
                **{
                    f"fit_{name}": float(getattr(fit, name)) * beta
                    for name in ("depth_ppm_err", "rp_rs_err", "a_rs_err", "impact_err")
                },
            )
            note = _fit_note(fit, c)
            if note:
                extra["fit_note"] = note
            candidates[k] = dataclasses.replace(
                c,
                rp_rs=float(fit.rp_rs),
                a_rs=float(fit.a_rs),
                impact=float(fit.impact),
                extra=extra,
            )
    tick("fit", t0)
    for k, c in enumerate(candidates):
        aliases = _period_aliases(c, flat.t, float(config.min_period_days))
        if aliases is not None:
            c = candidates[k] = dataclasses.replace(c, vetting=c.vetting + (aliases,))
        one = _single(flat, c, float(config.min_period_days))
        if one is not None:
            candidates[k] = dataclasses.replace(c, extra={**c.extra, "single_transit": one})
    is_cand = any(c.is_planet_like for c in candidates)
    reasons = _reasons(candidates, method, window=window)
    if replaced is not None:
        reasons.insert(
            0,
            f"Active star: harmonics of the strongest period ({spin.period:.4g} d) left "
            f"{replaced[0] * 1e6:.0f} ppm on two-hour means, the local cubic "
            f"{replaced[1] * 1e6:.0f} ppm: detrended with the local cubic (not one rotation: "
            "a multi-periodic pulsator or a beating pair).",
        )
    if method == "rotation" and spin is not None and spin.n_harmonics > 0:
        reasons.insert(
            0,
            f"Active star: rotation at {spin.period:.4g} d (semi-amplitude "
            f"{spin.amplitude * 1e6:.0f} ppm) followed with {spin.n_harmonics} harmonic(s) "
            "in local windows of three rotations.",
        )
    if rotation is not None:
        reasons.insert(
            0,
            "Active star: coherent rotational modulation removed first (periods "
            + ", ".join(f"{p:.4g} d" for p in rotation.periods)
            + ", rms "
            + ", ".join(f"{a * 1e6:.0f} ppm" for a in rotation.amplitudes)
            + ").",
        )
    if pulsations is not None:
        n = len(pulsations.frequencies)
        reasons.insert(
            0,
            f"Coherent pulsations removed first: {n} mode{'s' if n > 1 else ''} at "
            + ", ".join(
                f"{f:.4g} c/d" + ("" if no_level else f" ({a * 1e6:.0f} ppm)")  # ppm need a level
                for f, a in zip(pulsations.frequencies, pulsations.amplitudes, strict=True)
            )
            + f" (stopped: {pulsations.stopped}).",
        )
    if no_level:
        reasons.insert(0, NO_LEVEL_REASON)
    n_filled = int((cleaned.meta.extra or {}).get("filled_cadences", 0))
    if n_filled:
        reasons.insert(
            0,
            f"{n_filled} cadences were gaps filled with a constant or a straight line (runs on "
            "their neighbours' line, as tables without NaNs bridge gaps) and were left out.",
        )
    if config.max_period_days is not None and float(config.max_period_days) > 0.5 * span:
        reasons.append(
            f"The period grid reaches {0.5 * span:.4g} d, half the {span:.4g}-d baseline (two "
            f"transits), not the {float(config.max_period_days):g} d asked for (a signal whose "
            "every other transit is empty may still be reported at twice a grid period)."
        )
    cadence_days = float(cleaned.cadence)
    if float(config.min_period_days) < _MIN_PERIOD_CADENCES * cadence_days:
        reasons.append(
            f"Periods from {float(config.min_period_days):g} d were searched, but one of under"
            f" {_MIN_PERIOD_CADENCES} cadences ({_MIN_PERIOD_CADENCES * cadence_days:.3g} d at"
            f" this {cadence_days * 1440:.3g}-min cadence) holds too few points per orbit to"
            " resolve a transit: a candidate there is not trustworthy."
        )
    shortest = float(min(config.durations_hours)) / 24.0
    if (
        tuple(config.durations_hours) != tuple(PipelineConfig().durations_hours)
        and shortest < _MIN_DURATION_CADENCES * cadence_days
    ):
        # asked for: the default grid's hour at a ground survey's nightly sampling is the
        # survey's business (many nights resolve the phase), a shorter grid at a fixed
        # cadence is not
        reasons.append(
            f"Transit durations from {shortest * 24:g} h were searched, but one under"
            f" {_MIN_DURATION_CADENCES} cadences ({_MIN_DURATION_CADENCES * cadence_days * 24:.3g} h"
            f" at this {cadence_days * 1440:.3g}-min cadence) is not resolved, and the detrending"
            f" window ({float(window) * 24:.3g} h) spans {float(window) / cadence_days:.0f}"
            " cadences: a candidate that short is not trustworthy."
        )
    m = lc.meta
    if config.annotate_known and candidates:
        candidates, note = _annotate(candidates, m)
        if note:
            reasons.append(note)
        for k, c in enumerate(candidates, 1):
            said = str(c.known or "")
            if c.is_planet_like and said.startswith(("known false positive", "known eclipsing")):
                # the catalogues' word never changes a decision (the labels stay out of the
                # analysis), but a planet-like signal they reject is said plainly
                what = said[6:]
                article = "an" if what[:1] in "aeiou" else "a"
                reasons.append(
                    f"Signal {k} passes vetting, but the catalogues list it as {article} {what}:"
                    " check it before trusting it."
                )
    timings["total"] = round(time.perf_counter() - t_start, 6)
    result = StarResult(
        path=m.source,
        mission=m.mission,
        target=m.target,
        ra=m.ra,
        dec=m.dec,
        row=m.row,
        label=m.label,
        n_points=len(cleaned),
        time_span_days=float(cleaned.time_span),
        cadence_minutes=float(cleaned.cadence * 1440.0),
        method=config.method,
        candidates=tuple(candidates),
        is_candidate=bool(is_cand),
        score=None,
        reasons=tuple(reasons),
        timings=timings,
    )
    return Analysis(
        result=result,
        raw=lc,
        cleaned=cleaned,
        trend=np.asarray(trend)
        * (1.0 if rotation is None else 1.0 + rotation.model)
        * (1.0 if pulsations is None else 1.0 + pulsations.model),
        flat=flat,
        searches=tuple(searches),
        fits=tuple(fits),
    )


#: Rejections that name an astrophysical source (a binary, a variable star): a later signal at
#: the same period or a simple harmonic of it is that source's residual, not a planet.
_SOURCE_FLAGS = frozenset(
    {"odd_even", "secondary", "v_shape", "sinusoid", "depth", "duration_vs_period", "variability"}
)
_HARMONICS = (1.0, 2.0, 0.5, 3.0, 1.0 / 3.0)


def _same_source(
    candidates: list[Candidate],
    *,
    tol: float = 0.01,
    planets_only: bool = False,
    thresholds: VetThresholds | None = None,
) -> list[Candidate]:
    """Reject signals that repeat the period of an earlier, rejected binary or variable.

    ``candidates`` are in search order (strongest first). Masking a deep, V-shaped eclipse or
    a spotted star's dips leaves residuals at the same period (or P/2, 2P, P/3, 3P) that look
    cleaner than the source itself; the Kepler Robovetter's ephemeris match rejects them in the
    same way. A later rejected signal at the same period (within ``tol``) also counts: one
    source found twice. Adds a raised ``same_source`` flag to each such candidate, and to a
    rejected signal that repeats the period of an earlier rejected one (a pulsator's residuals
    found again and again after masking: one signal, not several). With ``planets_only``, only
    the planet-like signals are checked (a second pass, after :func:`_eclipse_pairs` has
    rejected more sources). A later signal at the same period but at other phases, shallow
    enough to be the earlier one's occultation (``thresholds``' secondary limits), is left to
    :func:`_eclipse_pairs`.
    """
    th = thresholds or VetThresholds()
    out = list(candidates)
    for i, c in enumerate(out):
        # a planet-like signal is checked against every rejected one; a rejected signal only
        # against the earlier rejected ones, at its own period
        planet = c.is_planet_like
        if planets_only and not planet:
            continue
        for j, src in enumerate(out if planet else out[:i]):
            reasons = sorted(f.name for f in src.vetting if f.raised and f.name in _SOURCE_FLAGS)
            if j == i or src.is_planet_like or not reasons:
                continue
            ratio = c.period_days / src.period_days
            # an earlier (stronger) source explains harmonics too; a later rejected signal at
            # the very same period means the first pass did not mask one source completely
            h = min(_HARMONICS if planet and j < i else (1.0,), key=lambda x: abs(ratio / x - 1.0))
            if abs(ratio / h - 1.0) > tol:
                continue
            if h != 1.0 and src.snr < c.snr:
                # a harmonic of a weaker rejected signal (a pulsator's residual found first at
                # a third of a planet's period) does not explain the stronger signal away
                continue
            if planet and j > i and not _same_dips(c, src) and _occultation_at_most(src, c, th):
                # a later signal at the same period, at other phases and shallow enough to be
                # the planet's occultation, is not what the first pass left unmasked (the
                # detrender's response between a short-period planet's transits, or an
                # occultation): _eclipse_pairs rejects it alone
                continue
            why = f"rejected by {', '.join(reasons)}: "
            flag = VetFlag(
                "same_source",
                True,
                float(ratio),
                f"period {c.period_days:.5g} d is {h:.3g}x that of the signal at "
                f"{src.period_days:.5g} d, {why}the residual of the same binary or variable star,"
                " not a second object"
                if planet
                else f"period {c.period_days:.5g} d repeats that of the signal at "
                f"{src.period_days:.5g} d, {why}the same binary or variable star found again "
                "after masking it",
            )
            out[i] = dataclasses.replace(c, vetting=c.vetting + (flag,), is_planet_like=False)
            break
    return out


def _occultation_sized(sec_ppm: float, prim_ppm: float, th: VetThresholds) -> bool:
    """True when a dip of ``sec_ppm`` beside a positive ``prim_ppm`` is no deeper than a
    planet's occultation: under ``secondary_ratio`` of the primary, a primary under
    ``secondary_primary_depth``, and at most ``secondary_max_occultation`` (the secondary
    test's limits; deeper makes the pair a binary's eclipses)."""
    occ = th.secondary_max_occultation
    return (
        sec_ppm / prim_ppm < th.secondary_ratio
        and prim_ppm < 1e6 * th.secondary_primary_depth
        and (occ is None or sec_ppm <= 1e6 * occ)
    )


def _occultation_at_most(sec: Candidate, prim: Candidate, th: VetThresholds) -> bool:
    """True when ``sec`` dips, and shallowly enough to be ``prim``'s occultation."""
    return (
        prim.depth_ppm > 0
        and sec.depth_ppm > 0
        and _occultation_sized(sec.depth_ppm, prim.depth_ppm, th)
    )


def _same_dips(a: Candidate, b: Candidate) -> bool:
    """True when two signals at (about) one period dip at the same times: their epochs differ
    by less than half their summed durations, modulo the period."""
    p = 0.5 * (a.period_days + b.period_days)
    dphi = ((b.t0 - a.t0) / p + 0.5) % 1.0 - 0.5
    return abs(dphi) * p < 0.5 * (a.duration_hours + b.duration_hours) / 24.0


def _same_clock(p1: float, p2: float, *, span: float | None, budget: float) -> bool:
    """Periods that keep transits within ``budget`` days of each other over ``span`` days (1%
    apart at most when the span is unknown)."""
    if span is None or not np.isfinite(span) or span <= 0:
        return abs(p1 / p2 - 1.0) <= 0.01
    return abs(p1 - p2) * span / max(p1, p2) < budget


def _eclipse_pairs(
    candidates: list[Candidate],
    t=None,
    flux=None,
    *,
    thresholds: VetThresholds | None = None,
) -> list[Candidate]:
    """Two signals of one binary: its eclipses found as two candidates.

    Vetting one candidate leaves out the other candidates' transits. When the search finds a
    binary's primary and then, after masking it, its secondary as a second signal at the same
    period (or at half the period, where the masked primaries and the secondaries fold
    together), the secondary-eclipse test of the primary sees nothing at phase 0.5. No two
    planets share a period, so such a pair is judged here:

    - same period (the two ephemerides drift apart by less than the shorter duration over
      the data), dips at different phases: when the depths differ (odd/even thresholds) or the
      second dip is not half an orbit away, the deeper is a primary and the other its secondary;
      equal dips half an orbit apart (both planet-like) are one planet at half the period found
      twice, reported as one candidate at that period (:func:`_at_half_period`);
    - half the period, the short signal's dips on the long one's (needs ``t`` and ``flux``): the
      depth half an orbit after the long signal's dips is measured on all the data; when it is
      not significant the pair is left alone (two planets near a 2:1 resonance drift apart).

    Then, with the secondary test's thresholds: a significant secondary reaching
    ``secondary_ratio`` of the primary (or a primary deeper than ``secondary_primary_depth``)
    makes both a binary's eclipses (a raised ``secondary`` flag replaces their own); a
    shallower one is a planet's occultation at most and only the second signal is rejected
    (``same_source``).
    """
    th = thresholds or VetThresholds()
    span = None if t is None or len(t) < 2 else float(np.nanmax(t) - np.nanmin(t))
    out = list(candidates)
    thirds: set[int] = set()  # candidates already one planet's thirds
    for i, a in enumerate(candidates):
        for j in range(i + 1, len(candidates)):
            if i in thirds or j in thirds:
                continue
            b = candidates[j]
            long_, short = (a, b) if a.period_days >= b.period_days else (b, a)
            k_long, k_short = (i, j) if long_ is a else (j, i)
            d_a, d_b = a.duration_hours / 24.0, b.duration_hours / 24.0
            budget = min(d_a, d_b)  # two BLS periods of one signal differ by about a grid step
            if _same_clock(a.period_days, b.period_days, span=span, budget=budget):
                if _same_dips(a, b):
                    continue  # the same dips found twice: not a pair of eclipses
                p = 0.5 * (a.period_days + b.period_days)
                dphi = ((b.t0 - a.t0) / p + 0.5) % 1.0 - 0.5
                k_prim, k_sec = (i, j) if a.depth_ppm >= b.depth_ppm else (j, i)
                prim, sec = candidates[k_prim], candidates[k_sec]
                err = math.hypot(prim.depth_ppm_err, sec.depth_ppm_err)
                differ = (
                    prim.depth_ppm - sec.depth_ppm > th.odd_even_sigma * err
                    and prim.depth_ppm - sec.depth_ppm > th.odd_even_min_fraction * prim.depth_ppm
                )
                half_orbit = abs(abs(dphi) - 0.5) * p < 0.5 * (d_a + d_b)
                if half_orbit and not differ:
                    # equal dips half an orbit apart: one planet at P/2, found twice (its period
                    # below the search's shortest, or its transits split between two passes)
                    if t is not None and out[i].is_planet_like and out[j].is_planet_like:
                        out[k_prim], out[k_sec] = _at_half_period(prim, sec, t, flux)
                    continue
                third = abs(abs(dphi) - 1.0 / 3.0) * p < 0.5 * (d_a + d_b)
                if third and not differ and t is not None:
                    # equal dips a third of an orbit apart: one planet at P/3 (under a third of
                    # the shortest period searched), when its fold shows the dip at the third
                    # phase too (an eccentric binary's eclipses a third apart leave it empty)
                    merged, _ = _at_half_period(prim, sec, t, flux, n=3)
                    if merged.depth_ppm >= THIRD_DEPTH * 0.5 * (prim.depth_ppm + sec.depth_ppm):
                        # the tests at 3P saw the other thirds as a secondary: run at P/3
                        out[k_prim] = _revetted(merged, t, flux, th)
                        planet = out[k_prim].is_planet_like
                        out[k_sec] = _other_part(sec, merged.period_days, 3, planet=planet)
                        thirds |= {i, j}
                        for m, c in enumerate(candidates):  # the last third, found as well
                            if m in thirds or not _same_clock(
                                c.period_days, p, span=span, budget=budget
                            ):
                                continue
                            dm = ((c.t0 - prim.t0) / p + 0.5) % 1.0 - 0.5
                            if abs(abs(dm) - 1.0 / 3.0) * p < 0.5 * (d_a + d_b):
                                out[m] = _other_part(c, merged.period_days, 3, planet=planet)
                                thirds.add(m)
                        continue
                sec_depth, sec_snr = sec.depth_ppm, sec.snr
                where = f"phase {abs(dphi):.2f} of the {prim.period_days:.5g}-d orbit"
            elif t is not None and _same_clock(
                long_.period_days, 2.0 * short.period_days, span=span, budget=budget
            ):
                ps = short.period_days
                dphi = ((short.t0 - long_.t0) / ps + 0.5) % 1.0 - 0.5
                if abs(dphi) * ps >= 0.5 * (d_a + d_b):
                    continue  # the short signal's dips are not on the long one's
                k_prim, k_sec = k_long, k_short
                prim = long_
                # the primary eclipses out of the noise estimate (a binary's are deep)
                off = ~transit_mask(
                    t, period=prim.period_days, t0=prim.t0, duration=2.0 * prim.duration_hours / 24
                )
                st = box_stats(
                    np.asarray(t)[off],
                    np.asarray(flux)[off],
                    period=prim.period_days,
                    t0=prim.t0 + 0.5 * prim.period_days,
                    duration=prim.duration_hours / 24.0,
                )
                sec_depth, sec_snr = 1e6 * st.depth, st.snr
                if not (np.isfinite(sec_snr) and sec_snr >= th.secondary_sigma):
                    continue  # nothing half an orbit away: not explained by one binary
                where = (
                    f"phase 0.5 of the {prim.period_days:.5g}-d orbit (the "
                    f"{ps:.5g}-d signal folds it onto the masked primaries)"
                )
            else:
                continue
            if not (prim.depth_ppm > 0 and np.isfinite(sec_depth)):
                continue
            ratio = sec_depth / prim.depth_ppm
            occ = th.secondary_max_occultation
            binary = sec_snr >= th.secondary_sigma and not _occultation_sized(
                sec_depth, prim.depth_ppm, th
            )
            if binary:
                text = (
                    f"two dips per orbit: {prim.depth_ppm:.0f} ppm and, at {where}, "
                    f"{sec_depth:.0f} ppm (SNR {sec_snr:.1f}), found as two signals: the "
                    "eclipses of a binary (or a periodic systematic), not a planet (depth ratio "
                    f"{ratio:.2f}; raised when significant and reaching {th.secondary_ratio:g} of "
                    f"the deeper, or the deeper exceeds {1e6 * th.secondary_primary_depth:.0f} ppm"
                    + (
                        f", or the shallower exceeds {1e6 * occ:.0f} ppm, deeper than any planet's"
                        " occultation)"
                        if occ is not None
                        else ")"
                    )
                )
                for k in (k_prim, k_sec):
                    flag = VetFlag("secondary", True, float(sec_snr), text)
                    c = out[k]
                    flags = tuple(f for f in c.vetting if f.name != "secondary") + (flag,)
                    out[k] = dataclasses.replace(c, vetting=flags, is_planet_like=False)
            elif sec_snr >= th.secondary_sigma:
                flag = VetFlag(
                    "same_source",
                    True,
                    float(ratio),
                    f"a dip at {where} of the deeper signal ({prim.depth_ppm:.0f} ppm), "
                    f"{100 * ratio:.1f}% as deep: its occultation (secondary eclipse) at most, "
                    "not a second object",
                )
                c = out[k_sec]
                out[k_sec] = dataclasses.replace(
                    c, vetting=c.vetting + (flag,), is_planet_like=False
                )
    return out


#: Least depth, as a fraction of the two signals' mean, of the fold at a third of their period
#: for equal dips a third of an orbit apart to be one planet's (all three phases dipping).
THIRD_DEPTH = 0.8


def _at_half_period(
    first: Candidate, second: Candidate, t, flux, *, n: int = 2
) -> tuple[Candidate, Candidate]:
    """The planet behind two equal signals at one period, half an orbit (``n`` = 2) or a third
    of one (3) apart: ``first`` at that fraction of the period (re-measured on all its
    transits) and ``second`` kept as the same source."""
    period = first.period_days / n
    st = box_stats(
        np.asarray(t), np.asarray(flux), period=period, t0=first.t0,
        duration=first.duration_hours / 24.0,
    )  # fmt: skip
    part = {2: "half", 3: "a third of"}[n]
    note = VetFlag(
        "alias",
        False,
        float(n),
        f"found as two equal signals at {first.period_days:.5g} d {part} an orbit apart: one "
        f"source at {part} that period, {period:.5g} d (reported here)",
    )
    merged = dataclasses.replace(
        first,
        period_days=float(period),
        depth_ppm=float(1e6 * st.depth) if np.isfinite(st.depth) else first.depth_ppm,
        depth_ppm_err=float(1e6 * st.depth_err)
        if np.isfinite(st.depth_err)
        else first.depth_ppm_err,
        snr=float(st.snr) if np.isfinite(st.snr) else first.snr,
        n_transits=int(st.n_transits),
        vetting=tuple(f for f in first.vetting if f.name != "alias") + (note,),
    )
    return merged, _other_part(second, period, n)


def _other_part(c: Candidate, period: float, n: int, *, planet: bool = True) -> Candidate:
    """``c`` rejected as the other half (``n`` = 2) or thirds (3) of the transits of a planet
    (or, when ``planet`` is False, a signal rejected as one) reported at ``period``."""
    same = VetFlag(
        "same_source",
        True,
        1.0,
        f"the other {'half' if n == 2 else 'thirds'} of the {period:.5g}-d"
        f" {'planet' if planet else 'signal'}'s dips (see the candidate at that period): not a"
        " second object",
    )
    # one reason of a kind; its alias note (measured against the other signal's period before
    # the move) is superseded by this one
    kept = tuple(f for f in c.vetting if f.name not in ("same_source", "alias"))
    return dataclasses.replace(c, vetting=kept + (same,), is_planet_like=False)


def _revetted(c: Candidate, t, flux, thresholds: VetThresholds) -> Candidate:
    """``c`` with its vetting tests run again at its period and epoch: a candidate moved to a
    fraction of the period it was found at keeps its significance flags and its alias note."""
    try:
        flags = vet_candidate(
            np.asarray(t),
            np.asarray(flux),
            None,
            period=c.period_days,
            t0=c.t0,
            duration=c.duration_hours / 24.0,
            depth=max(c.depth_ppm * 1e-6, 1e-9),
            thresholds=thresholds,
        )
    except StarskopeError:
        return c
    new = tuple(f for f in flags if f.name != "alias")
    deep = next((f for f in c.vetting if f.name == "depth" and f.raised), None)
    if deep is not None:  # the same dips: a depth limit raised by the transit fit stays raised
        new = tuple(deep if f.name == "depth" else f for f in new)
    names = {f.name for f in new} | {"same_source"}  # judged against signals at the old period
    vetting = tuple(f for f in c.vetting if f.name not in names) + new
    return dataclasses.replace(c, vetting=vetting, is_planet_like=_planet_like(vetting))


def _period_aliases(c: Candidate, t: np.ndarray, min_period: float) -> VetFlag | None:
    """An informational flag for a candidate with two transits with data when other periods,
    their separation over a whole number, put every other transit in the data's gaps (two
    sectors a year apart, a transit in each): those periods fit the data as well, and the
    reported one is only the search's pick. None when the period is the only one."""
    if c.n_transits != 2:
        return None
    tt = np.sort(np.asarray(t, dtype=float)[np.isfinite(t)])
    p, d = c.period_days, c.duration_hours / 24.0
    if tt.size < 2 or not (p > 0 and d > 0 and np.isfinite(c.t0)):
        return None

    def with_data(centres):
        return np.searchsorted(tt, centres + 0.5 * d) > np.searchsorted(tt, centres - 0.5 * d)

    k = np.arange(np.floor((tt[0] - c.t0) / p) - 1, np.ceil((tt[-1] - c.t0) / p) + 2)
    seen = (c.t0 + k * p)[with_data(c.t0 + k * p)]
    if seen.size != 2:
        return None
    first, gap = float(seen[0]), float(seen[1] - seen[0])
    fits = []
    for n in range(1, int(gap / max(min_period, 2.0 * d)) + 1):
        q = gap / n
        # the transits next to the two seen first (most periods put one in their data)
        near = np.array([k for k in (-1, 1, n - 1, n + 1) if k not in (0, n)], dtype=float)
        if near.size and with_data(first + q * near).any():
            continue
        j = np.arange(np.floor((tt[0] - first) / q) - 1, np.ceil((tt[-1] - first) / q) + 2)
        others = first + j[(j != 0) & (j != n)] * q
        if not with_data(others).any():
            fits.append(q)
    if len(fits) < 2:
        return None
    return VetFlag(
        "period_aliases",
        True,
        float(len(fits)),
        f"the two transits with data are {gap:.5g} d apart, and {len(fits)} periods (that"
        f" separation over a whole number, from {min(fits):.5g} to {max(fits):.5g} d) put every"
        f" other transit in the data's gaps: each fits as well as the {p:.5g} d reported (more"
        " data, or the transit's duration against the star's density, decide)",
    )


def _rank(candidates: list[Candidate]) -> list[int]:
    """Order of the candidates: planet-like ones first, then by SNR (highest first).

    The first candidate is the pipeline's best planet candidate: a stronger signal that vetting
    rejects (an eclipsing binary, a period assembled from single transits of different planets)
    does not hide a planet-like one found after it.
    """
    return sorted(
        range(len(candidates)),
        key=lambda k: (not candidates[k].is_planet_like, -candidates[k].snr),
    )


def _fit_red_noise(flat, s) -> float:
    """The red-noise factor beta (>= 1) of the flattened light curve's out-of-transit points at
    the signal's duration, which scales the fit's white-noise uncertainties (Winn et al.
    2008)."""
    from .vet.base import red_noise_beta

    ok = np.isfinite(flat.t) & np.isfinite(flat.flux)
    t, f = flat.t[ok], flat.flux[ok]
    oot = ~transit_mask(t, period=s.period, t0=s.t0, duration=1.5 * s.duration)
    if np.count_nonzero(oot) <= 20:
        return 1.0
    order = np.argsort(t[oot], kind="stable")
    tt, ff = t[oot][order], f[oot][order]
    beta = red_noise_beta(tt, ff, float(robust_std(ff)), float(s.duration))
    return float(beta) if np.isfinite(beta) else 1.0


def _annotate(candidates: list[Candidate], meta) -> tuple[list[Candidate], str | None]:
    """Mark candidates that match a known planet, false positive or binary of the same star."""
    from .known import try_annotate_candidates  # loads the catalogue and astropy coordinates

    out, note = try_annotate_candidates(
        candidates, target=meta.target, ra=meta.ra, dec=meta.dec, mission=meta.mission
    )
    return list(out), note


#: A transit fit whose depth or duration is this many times the box's (or under its inverse)
#: is noted: the box and the fit then describe different shapes (a brightening beside a dip,
#: a ramp), and the fit's figures are not a transit's.
FIT_BOX_RATIO = 3.0


def _fit_apart(fit, depth_ppm: float, duration_hours: float) -> list[str]:
    """The transit fit's depth and duration where they lie more than `FIT_BOX_RATIO` from the
    search box's (both positive), each said against the box's; empty when they agree."""
    pairs = (("depth", fit.depth_ppm, depth_ppm, "ppm"),
             ("duration", fit.duration_hours, duration_hours, "h"))  # fmt: skip
    return [
        f"{name} {a:.3g} {unit} against the box's {b:.3g} {unit}"
        for name, a, b, unit in pairs
        if a > 0 and b > 0 and not 1.0 / FIT_BOX_RATIO <= a / b <= FIT_BOX_RATIO
    ]


def _fit_note(fit, c: Candidate) -> str | None:
    """Why a successful transit fit should not be quoted, or None."""
    off = _fit_apart(fit, c.depth_ppm, c.duration_hours)
    if not off:
        return None
    return (
        "the transit fit's " + " and ".join(off) + f" (more than {FIT_BOX_RATIO:g}x apart): the"
        " fit describes another shape than the dip the search found, so its figures are not"
        " a transit's"
    )


def _single(flat: LightCurve, c: Candidate, min_period: float) -> dict | None:
    """``extra["single_transit"]`` of a candidate seen in one transit: one transit with data,
    or one dip that carries the signal (``single_event`` raised: its other transits flat, the
    grid's period any that puts them in the data). That transit's time and the periods the
    data allow a lone transit there (:func:`starskope.search.single.single_transit`)."""
    d = c.duration_hours / 24.0
    if c.n_transits == 1:
        tc = transit_with_data(flat.t, period=c.period_days, t0=c.t0, duration=d)
    elif "single_event" in c.flags:
        tc = _deepest_transit(flat, c)
    else:
        return None
    if tc is None:
        return None
    return single_transit(flat.t, t0=tc, duration=d, min_period=min_period).to_dict()


def _deepest_transit(flat: LightCurve, c: Candidate) -> float | None:
    """Centre of the candidate's deepest transit among those with at least half the most
    cadences of any."""
    d = c.duration_hours / 24.0
    m = transit_mask(flat.t, period=c.period_days, t0=c.t0, duration=d) & np.isfinite(flat.flux)
    if not m.any():
        return None
    k = np.round((flat.t[m] - c.t0) / c.period_days).astype(np.int64)
    k0 = k.min()
    n = np.bincount(k - k0)
    mean = np.bincount(k - k0, weights=flat.flux[m]) / np.maximum(n, 1)
    mean[n < 0.5 * n.max()] = np.inf
    return float(c.t0 + (k0 + int(np.argmin(mean))) * c.period_days)


def _single_note(c: Candidate) -> str:
    """The reasons' sentence on a single transit (empty for other candidates)."""
    one = (c.extra or {}).get("single_transit")
    if not one:
        return ""
    lo, unbroken = one["min_period_days"], one["all_periods_from_days"]
    allowed = (
        f"at least {lo:.4g} d"
        if lo >= unbroken
        else f"at least {lo:.4g} d (between that and {unbroken:.4g} d only where its other"
        f" transits fall in gaps; any period from {unbroken:.4g} d)"
    )
    if c.n_transits == 1:
        return (
            f" A single transit, at t = {one['t0']:.4f}: if no other transit of it is in the"
            f" data (another dip elsewhere may be one), its period is unknown, {allowed}; the"
            f" {c.period_days:.5g} d above is only one of them."
        )
    return (
        f" One dip carries the signal, at t = {one['t0']:.4f}: if it is a single transit, its"
        f" period is unknown, {allowed}."
    )


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (the vetting tests' reasons, joined into one line, ran
    together: "... confirmed by a repeat period may be an alias")."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _reasons(candidates, method: str, *, window: float) -> list[str]:
    out = [
        "Not detrended (detrend method none)."
        if method == "none"
        else f"Detrended with {method} over a {window * 24:.1f}-hour window."
    ]
    for k, c in enumerate(candidates, 1):
        head = (
            f"Signal {k}: P = {c.period_days:.5f} d, depth {c.depth_ppm:.0f} ppm, "
            f"duration {c.duration_hours:.2f} h, SNR {c.snr:.1f}, SDE {c.sde:.1f}, "
            f"{c.n_transits} transit(s)"
        )
        raised = [f for f in c.vetting if f.raised]
        if c.is_planet_like:
            # informational flags raised (alias: the period may be twice this) are said too
            noted = " ".join(f"Noted: {_sentence(f.reason)}" for f in raised)
            note = (c.extra or {}).get("fit_note")
            out.append(
                head
                + ": significant and passes vetting (planet-like)."
                + (f" {noted}" if noted else "")
                + (f" Noted: {note}." if note else "")
            )
        elif raised:
            out.append(
                head
                + ": not planet-like. "
                + " ".join(_sentence(f.reason) for f in raised)
                + _single_note(c)
            )
        else:
            out.append(head + ": not confirmed by vetting.")
    if not candidates:
        out.append("No periodic transit-like signal was found.")
    return out


def analyse(
    lc: LightCurve, config: PipelineConfig = PipelineConfig(), *, keep: bool = False
) -> StarResult:
    """Analyse one light curve; see :func:`analyse_full`.

    Parameters
    ----------
    lc : LightCurve
        The light curve.
    config : PipelineConfig, optional
        Settings.
    keep : bool, optional
        Also put the strongest periodogram (period, power, SDE; float32-rounded lists) in
        ``result.explanation["periodogram"]``; off by default to keep results small.

    Returns
    -------
    StarResult
    """
    full = analyse_full(lc, config)
    if not keep or not full.searches:
        return full.result
    pg = full.searches[0].periodogram
    expl = dict(full.result.explanation or {})
    expl["periodogram"] = {
        "period": np.asarray(pg.period, np.float32).tolist(),
        "power": np.asarray(pg.power, np.float32).tolist(),
        "sde": np.asarray(pg.sde, np.float32).tolist(),
        "method": pg.method,
    }
    return dataclasses.replace(full.result, explanation=expl)


def analyse_path(path, config: PipelineConfig = PipelineConfig(), **read_options) -> StarResult:
    """Read a file with :func:`starskope.io.read` and analyse it; never raises for bad input.

    Any :class:`~starskope.exceptions.StarskopeError` (unreadable file, too little data)
    becomes ``StarResult.failed(path, message)``.
    """
    try:
        lc = read(path, **read_options)
        res = analyse(lc, config)
        if res.path is None:
            res = dataclasses.replace(res, path=str(path))
        return res
    except StarskopeError as exc:
        return StarResult.failed(path, str(exc))


#: Segments whose cadences differ by more than this factor are binned to the coarsest before
#: stitching, unless a cadence is given ...
MIXED_CADENCES = 1.5
#: ... among those of an hour or less (days): a ground survey's nightly points would blur every
#: transit.
MAX_AUTO_BIN = 1.0 / 24.0


def _start_bjd(lc: LightCurve) -> float:
    """A light curve's first time in BJD (its own days when it has no absolute epoch)."""
    t = lc.t[np.isfinite(lc.t)]
    return float(t.min() if t.size else np.inf) + float(lc.bjd_offset or 0.0)


def _group_position(kept, given) -> dict:
    """The sky position (and proper motion) of the first member that has one, kept members
    first (one left out, as another reduction of the same observations, is the same star);
    empty when none has one."""
    m = next(
        (x.meta for x in [*kept, *given] if x.meta.ra is not None and x.meta.dec is not None),
        None,
    )
    return {} if m is None else {"ra": m.ra, "dec": m.dec, "pmra": m.pmra, "pmdec": m.pmdec}


def _in_members_system(lc: LightCurve, members) -> LightCurve:
    """The stitched light curve (BJD) in its members' own day numbers when they share BKJD or
    BTJD: a group of Kepler quarters reports ``t0`` in BKJD as one quarter does (it was BJD
    for two quarters and BKJD for one), Kepler and K2 (both BKJD) in BKJD; members of
    different systems (K2 and TESS) stay in BJD."""
    from .time import TIME_OFFSETS

    formats = {x.time_format for x in members}
    fmt = formats.pop() if len(formats) == 1 else None
    if fmt not in ("bkjd", "btjd") or lc.time_format != "jd":
        return lc
    return LightCurve(
        lc.t - TIME_OFFSETS[fmt],
        lc.flux,
        lc.flux_err,
        lc.quality,
        time_format=fmt,
        meta=lc.meta,
    )


def analyse_group(
    lcs: list[LightCurve],
    config: PipelineConfig = PipelineConfig(),
    *,
    name: str | None = None,
    bin_cadence_days: float | None = None,
) -> Analysis:
    """Analyse several light curves of one star (quarters, campaigns, sectors, missions) at once.

    The segments are stitched on BJD_TDB (:func:`starskope.stitch.stitch`: mission quality
    masks, per-segment normalisation, optional binning), the pipeline runs on the combined
    baseline (so a planet with one transit per segment can still be found), and each candidate
    gets per-mission depths with a ``depth_consistency`` vetting flag: a planet's depth agrees
    between instruments, a blended binary's often does not.

    Parameters
    ----------
    lcs : list of LightCurve
        Light curves of one star with absolute times.
    config : PipelineConfig, optional
    name : str, optional
        The group's name (default: the first light curve's target).
    bin_cadence_days : float, optional
        Bin finer segments (e.g. TESS 2-min) to this cadence before stitching. By default,
        segments whose cadences differ by more than `MIXED_CADENCES` are binned to the
        coarsest (said in the reasons). Members with relative times are left out, with a
        warning (``result.group["left_out"]``), when others have absolute ones.

    Returns
    -------
    Analysis
        ``result.group`` lists the members and missions.
    """
    import warnings

    import astropy.units as u

    from .exceptions import StarskopeWarning
    from .stitch import candidate_depths, stitch

    if bin_cadence_days is not None:  # a Quantity (30 * u.min) as days
        from .units import to_days

        bin_cadence_days = to_days(bin_cadence_days, name="bin_cadence_days")
        if not (np.isfinite(bin_cadence_days) and bin_cadence_days > 0):
            raise StarskopeError(
                "bin_cadence_days (--bin, in minutes) must be a positive time; got"
                f" {bin_cadence_days} days"
            )
    given = list(lcs)
    relative = [x for x in given if x.time_format == "relative"]
    if relative and len(relative) < len(given):
        # no absolute epoch to place them by: the others are stitched without them
        for x in relative:
            warnings.warn(
                f"{x.meta.source}: left out of the group {name or ''}: its times are relative"
                " (no absolute epoch to stitch it with the others by; give BKJD/BTJD/BJD times)",
                StarskopeWarning,
                stacklevel=2,
            )
        lcs = [x for x in given if x.time_format != "relative"]
    notes: list[str] = []
    position = _group_position(lcs, given)
    if len(lcs) == 1:
        one = lcs[0]
        if one.meta.ra is None and position:  # the left-out member's position: the same star
            one = one.copy(meta=one.meta.replace(**position))
        full = analyse_full(one, config)
        if len(given) > 1 and name:  # the others left out: still the group's star
            full = dataclasses.replace(full, result=dataclasses.replace(full.result, target=name))
    else:
        cadence = None if bin_cadence_days is None else bin_cadence_days * u.day
        st = stitch(lcs, cadence=cadence)
        kept = {info.index for info in st.segments}  # one reduction per observation
        lcs = [x for i, x in enumerate(lcs) if i in kept]
        # space-like cadences (an hour or less; a ground survey's nightly points keep theirs)
        cadences = [
            x.cadence for x in lcs if np.isfinite(x.cadence) and 0 < x.cadence <= MAX_AUTO_BIN
        ]
        if bin_cadence_days is None and cadences and max(cadences) > MIXED_CADENCES * min(cadences):
            # one cadence for the stitched curve: the detrending window, the active-star test
            # and the noise estimates take the median spacing, which the finer segments set
            notes.append(
                f"The segments' cadences differ ({min(cadences) * 1440:.3g} to"
                f" {max(cadences) * 1440:.3g} min): the finer ones were binned to"
                f" {max(cadences) * 1440:.3g} min before stitching (--bin chooses another)."
            )
            st = stitch(lcs, cadence=max(cadences) * u.day)
        first = lcs[0].meta
        missions = st.missions
        meta = first.replace(
            mission="+".join(missions)
            if len(missions) > 1
            else (missions[0] if missions else None),
            flux_unit=st.lightcurve.meta.flux_unit,  # relative (the first's were magnitudes?)
            source=first.source,
            target=name or next((x.meta.target for x in lcs if x.meta.target), None),
            segment=",".join(s.meta.segment or "?" for s in lcs),
            # the first member with a position (the first given or kept may have none: an
            # EVEREST table kept over the K2SFF FITS file, whose position named K2-3's planets)
            **(position if first.ra is None else {}),
        )
        lc = _in_members_system(st.lightcurve.copy(meta=meta), lcs)
        full = analyse_full(lc, config)
        if len(missions) > 1:
            cands = []
            for c in full.result.candidates:
                try:
                    dc = candidate_depths(st, c)
                except StarskopeError:
                    cands.append(c)
                    continue
                flag = dc.to_vetflag()
                extra = dict(c.extra)
                extra["per_mission_depths"] = dc.to_dict()
                cands.append(
                    dataclasses.replace(
                        c,
                        vetting=c.vetting + (flag,),
                        is_planet_like=c.is_planet_like and not flag.raised,
                        extra=extra,
                    )
                )
            order = _rank(cands)
            ranked = [cands[k] for k in order]
            # the candidates' lines said again: the depth check may have rejected one, and
            # the ranking may have moved them
            said = re.compile(r"Signal \d+: P = ")  # _reasons' lines (not the catalogue's)
            lines = [r for r in full.result.reasons if not said.match(r)]
            at = next(
                (i for i, r in enumerate(full.result.reasons) if said.match(r)),
                len(lines),
            )
            res = dataclasses.replace(
                full.result,
                candidates=tuple(ranked),
                is_candidate=any(c.is_planet_like for c in cands),
                reasons=tuple(
                    lines[:at]
                    + (_reasons(ranked, "", window=0.0)[1:] if ranked else [])
                    + lines[at:]
                ),
            )
            fits = tuple(full.fits[k] for k in order) if len(full.fits) == len(cands) else full.fits
            full = dataclasses.replace(full, result=res, fits=fits)
    # left out: relative times, or another reduction of the same observations; the members
    # in time order (they came in the order given: Kepler-90's Q3, Q4, Q5, Q1, Q2, ...)
    used = sorted(lcs, key=_start_bjd)
    left_out = [str(x.meta.source) for x in given if not any(x is y for y in lcs)]
    if notes:
        full = dataclasses.replace(
            full,
            result=dataclasses.replace(
                full.result, reasons=tuple(notes) + tuple(full.result.reasons)
            ),
        )
    members = [str(x.meta.source) for x in used]
    missions = sorted({x.meta.mission for x in used if x.meta.mission})
    group = {
        "name": name or lcs[0].meta.target,
        "members": members,
        "missions": missions,
        "segments": [x.meta.segment for x in used],
        **({"left_out": left_out} if left_out else {}),
    }
    return dataclasses.replace(full, result=dataclasses.replace(full.result, group=group))
