"""Cleaning: quality masks, NaN removal, filled gaps, upper-only outlier clipping, segments,
normalisation.

Pure functions on arrays, plus :func:`clean`, the `~starskope.lightcurve.LightCurve` wrapper that
chains them. Dips are never clipped by depth: transits are what we look for. Only a dip held by
one cadence, with both neighbours at the baseline, is dropped: a transit lasts at least two
cadences of any mission's long cadence (an hour at 30 min), so it lowers a neighbour too.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.ndimage import median_filter

from ..exceptions import StarskopeError, StarskopeWarning
from ..io.quality import quality_mask
from ..lightcurve import LightCurve
from ..units import is_magnitude_unit, magnitudes_to_flux

__all__ = [
    "clean",
    "clip_window",
    "filled_runs",
    "finite_mask",
    "NO_LEVEL",
    "find_segments",
    "has_flux_level",
    "is_relative_offset",
    "isolated_dips",
    "normalize_segments",
    "offset_to_relative",
    "quality_mask",
    "point_noise",
    "robust_std",
    "sigma_clip_upper",
    "transit_mask",
    "unit_offsets",
]


def robust_std(x) -> float:
    """Standard deviation estimated from the median absolute deviation (NaNs ignored; NaN for
    fewer than two finite values)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return float("nan")
    return float(1.4826 * np.median(np.abs(x - np.median(x))))


def point_noise(flux) -> float:
    """White (point-to-point) noise of a light curve: the robust standard deviation of
    successive differences over sqrt(2), blind to variability slower than a few cadences (NaNs
    ignored; NaN for fewer than three finite differences' worth of data).

    Examples
    --------
    >>> import numpy as np
    >>> f = np.random.default_rng(0).normal(1.0, 1e-3, 10_000) + np.linspace(0, 0.1, 10_000)
    >>> round(point_noise(f) * 1e3, 1)
    1.0
    """
    return robust_std(np.diff(np.asarray(flux, dtype=float))) / math.sqrt(2.0)


def finite_mask(t, flux) -> np.ndarray:
    """True where both time and flux are finite."""
    return np.isfinite(np.asarray(t, dtype=float)) & np.isfinite(np.asarray(flux, dtype=float))


#: Fewest consecutive cadences on one straight line (constant or sloped) that are taken for a
#: filled gap rather than for measurements.
FILLED_RUN = 10
#: A cadence is "on the line" of its two neighbours when it lies within this fraction of the
#: light curve's median distance from that line (or within its value quantum, when coarser).
FILLED_TOLERANCE = 0.01


def filled_runs(t, flux, *, min_run: int = FILLED_RUN, tol: float = FILLED_TOLERANCE):
    """Cadences of gaps filled by constant or linear interpolation.

    Tables without NaNs (the Kaggle K2 files, starskope's own Kaggle output, many exports)
    bridge their gaps with a constant or a straight line (:func:`clean` calls this once per
    segment, as the noise and the values' rounding may differ between segments). Those cadences are not measurements:
    a noise-free stretch below the mean is a deep, long "transit" to a box search, and a
    bridge across a real transit hides it. A run of at least ``min_run`` consecutive cadences,
    each on the line through its two neighbours (within ``tol`` of the light curve's median
    distance from that line, or within the values' decimal quantum), is such a fill: real
    photometry with any noise never does that (ten cadences in a row at 1 % of the typical
    distance: ~1e-20). Light curves too quantised to tell (typical distance within ten quanta),
    or where such runs would be most of the data, get no mask.

    Parameters
    ----------
    t, flux : array-like
        Sorted times (days) and flux, finite.
    min_run : int, optional
        Shortest run taken for a fill.
    tol : float, optional
        Tolerance as a fraction of the median distance from the neighbours' line.

    Returns
    -------
    ndarray of bool
        True for filled cadences. A linear fill is found from ``min_run`` cadences, a constant
        one from ``min_run + 1`` (its last cadence is off the line to the next real one), and
        the value a constant fill repeats is dropped with it (one real cadence). Flat-topped
        stretches that are not fills (a saturated or clipped star) are dropped as well.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(200) * 0.02
    >>> f = 1 + 1e-3 * rng.standard_normal(200)
    >>> f[50:80] = np.linspace(f[49], f[80], 32)[1:-1]  # a linear bridge over 30 cadences
    >>> int(filled_runs(t, f).sum())
    30
    """
    t = np.asarray(t, dtype=float)
    f = np.asarray(flux, dtype=float)
    n = f.size
    out = np.zeros(n, dtype=bool)
    if n < min_run + 2:
        return out
    span = t[2:] - t[:-2]
    lam = np.divide(t[1:-1] - t[:-2], span, out=np.full(n - 2, 0.5), where=span > 0)
    dist = np.abs(f[1:-1] - (f[:-2] + lam * (f[2:] - f[:-2])))
    typical = float(np.median(dist))
    values = np.unique(f)
    steps = np.diff(values)
    quantum = float(steps.min()) if steps.size else 0.0
    if not typical > 10.0 * quantum:
        return out  # constant, or quantised about as coarsely as the noise
    on = np.zeros(n, dtype=bool)
    on[1:-1] = dist <= max(tol * typical, 1.01 * quantum)
    edges = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if e - s < min_run:
            continue
        # a constant fill repeats the value before it and ends beside a real cadence: its last
        # repeat is off the line, and the first copy is where the fill began
        while e < n and f[e] == f[e - 1]:
            e += 1
        while s > 0 and f[s - 1] == f[s]:
            s -= 1
        out[s:e] = True
    if out.mean() > 0.5:
        return np.zeros(n, dtype=bool)
    return out


def sigma_clip_upper(
    t, flux, *, sigma_upper: float = 4.0, window_days: float = 0.5, white_floor: bool = False
) -> np.ndarray:
    """Mask of points to keep after clipping *upward* outliers only (flares, cosmic rays).

    Each point is compared with a running median over about ``window_days``; points more than
    ``sigma_upper`` robust standard deviations above it are dropped. Points below the running
    median are always kept, so transits survive whatever their depth.

    Parameters
    ----------
    t, flux : array-like
        Time in days and flux; both finite.
    sigma_upper : float, optional
        Clip threshold in robust standard deviations; ``inf`` or None keeps everything.
    window_days : float, optional
        Width of the running median.
    white_floor : bool, optional
        Never take the scatter below the white noise measured from second differences: a
        short running median on a smooth, steep light curve returns most points themselves
        (residual scatter near zero), which would leave a flare unclipped.

    Returns
    -------
    ndarray of bool
        True = keep.
    """
    flux = np.asarray(flux, dtype=float)
    keep = np.ones(flux.size, dtype=bool)
    if sigma_upper is None or not np.isfinite(sigma_upper) or flux.size < 5:
        return keep
    resid, sigma = _running_residual(t, flux, window_days)
    if white_floor and flux.size > 3:
        sigma = np.nanmax([sigma, robust_std(np.diff(flux, 2)) / np.sqrt(6.0)])
    if not np.isfinite(sigma) or sigma <= 0:
        return keep
    return resid <= sigma_upper * sigma


def clip_window(t, flux, longest: float = 0.5) -> float:
    """Running-median window (days) for :func:`sigma_clip_upper`: ``longest``, or shorter for
    a fast, strong modulation that a median over ``longest`` cannot follow.

    A running median over half a day cuts every crest of a 0.9-d, 5 % rotation (a fifth of
    the cadences, taken for "outliers"). When the half-day median would clip more than
    :data:`MAX_CLIPPED` of the cadences and the star's dominant period (Lomb-Scargle) is under
    four times ``longest``, the window is shortened until a sinusoid of that period and
    amplitude leaves under half the white noise at its crests (``A (pi w / P)^2 / 6``), never
    below five cadences. Otherwise (quiet stars, slow variables, flares) ``longest`` stays.
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if t.size < 50:
        return float(longest)
    resid, sigma = _running_residual(t, flux, longest)
    if not (np.isfinite(sigma) and sigma > 0) or np.mean(resid > 4.0 * sigma) <= MAX_CLIPPED:
        return float(longest)
    from .rotation import modulation_amplitude, rotation_period

    period = rotation_period(t, flux)
    if period is None or period >= 4.0 * longest:
        return float(longest)
    amp = modulation_amplitude(t, flux, period=period, n_harmonics=1)
    white = robust_std(np.diff(flux, 2)) / np.sqrt(6.0)
    if not (np.isfinite(amp) and amp > 0 and np.isfinite(white) and white > 0):
        return float(longest)
    cadence = float(np.median(np.diff(t)))
    w = period / np.pi * np.sqrt(3.0 * white / amp)
    return float(np.clip(w, 5.0 * cadence, longest))


#: Share of cadences clipped by the half-day median above which :func:`clip_window` looks for
#: a fast modulation (flares and cosmic rays hit well under 1 % of a light curve's cadences).
MAX_CLIPPED = 0.01


def _running_residual(t, flux, window_days: float) -> tuple[np.ndarray, float]:
    """Flux minus its running median over about ``window_days``, and the residual's robust
    standard deviation."""
    t = np.asarray(t, dtype=float)
    dt = np.median(np.diff(t)) if t.size > 1 else 1.0
    size = int(np.clip(window_days / max(dt, 1e-6), 5, max(5, flux.size // 2)))
    size += 1 - size % 2
    resid = flux - median_filter(flux, size=size, mode="nearest")
    return resid, robust_std(resid)


def isolated_dips(
    t, flux, *, sigma: float | None = 5.0, window_days: float = 0.5, neighbour: float = 0.3
) -> np.ndarray:
    """Mask of points to keep after dropping *single-cadence* dips (cosmic-ray hits on the
    background, thruster or momentum-dump glitches the quality flags missed, bad values).

    A point is dropped when it lies more than ``sigma`` robust standard deviations below the
    running median and both adjacent cadences are there and lie above both -2 sigma and
    ``neighbour`` times the dip (0.3). A transit cannot look like that: it lasts at least two
    cadences (an hour at the 30-minute long cadence, the shortest duration searched), so one
    neighbour carries at least half of its depth. A dip next to a gap or at an end is kept: the
    missing cadence may have held the rest of a short transit (a K2 thruster firing masks one
    cadence in twelve).

    Parameters
    ----------
    t, flux : array-like
        Sorted times (days) and flux, both finite.
    sigma : float or None, optional
        Depth threshold in robust standard deviations; None or ``inf`` keeps everything.
    window_days : float, optional
        Width of the running median.
    neighbour : float, optional
        Largest share of the dip a neighbour may show for the dip to count as isolated.

    Returns
    -------
    ndarray of bool
        True = keep.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(500) * 0.0204
    >>> f = 1 + 1e-4 * np.random.default_rng(0).normal(size=500)
    >>> f[100] -= 3e-3                    # one bad cadence
    >>> f[300:306] -= 3e-3                # a transit
    >>> np.flatnonzero(~isolated_dips(t, f)).tolist()
    [100]
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    keep = np.ones(flux.size, dtype=bool)
    if sigma is None or not np.isfinite(sigma) or flux.size < 5:
        return keep
    resid, s = _running_residual(t, flux, window_days)
    if not np.isfinite(s) or s <= 0:
        return keep
    low = np.flatnonzero(resid < -sigma * s)
    if low.size == 0:
        return keep
    dt = np.diff(t)
    near = 1.5 * float(np.median(dt))

    def quiet(j, i):  # neighbour j of dip i: the adjacent cadence, near the baseline
        inside = (j >= 0) & (j < t.size)
        jj = np.clip(j, 0, t.size - 1)
        adjacent = inside & (np.abs(t[jj] - t[i]) <= near)
        return adjacent & (resid[jj] > -2.0 * s) & (resid[jj] > neighbour * resid[i])

    drop = low[quiet(low - 1, low) & quiet(low + 1, low)]
    keep[drop] = False
    return keep


def find_segments(t, *, min_gap_days: float = 0.5, min_gap_cadences: float = 10.0) -> np.ndarray:
    """Label contiguous stretches of data split at gaps.

    A gap is a jump between consecutive times larger than both ``min_gap_days`` and
    ``min_gap_cadences`` times the median cadence (so sparse data are not cut at every point).

    Parameters
    ----------
    t : array-like
        Increasing times in days.

    Returns
    -------
    ndarray of int
        Segment number per point, starting at 0.

    Examples
    --------
    >>> find_segments([0.0, 0.02, 0.04, 3.0, 3.02]).tolist()
    [0, 0, 0, 1, 1]
    """
    t = np.asarray(t, dtype=float)
    if t.size < 2:
        return np.zeros(t.size, dtype=int)
    dt = np.diff(t)
    cadence = np.median(dt)
    gap = max(min_gap_days, min_gap_cadences * cadence)
    return np.concatenate([[0], np.cumsum(dt > gap)]).astype(int)


def normalize_segments(flux, flux_err, segments) -> tuple[np.ndarray, np.ndarray]:
    """Divide each segment's flux and error by its median flux.

    Returns
    -------
    flux, flux_err : ndarray
        Relative flux around 1 and its error.
    """
    flux = np.asarray(flux, dtype=float).copy()
    flux_err = np.asarray(flux_err, dtype=float).copy()
    for s in np.unique(segments):
        m = segments == s
        med = np.nanmedian(flux[m])
        if not np.isfinite(med) or med == 0:
            med = np.nanmedian(flux)
        flux[m] /= med
        flux_err[m] /= abs(med)
    return flux, flux_err


#: Times closer than this (days; 0.09 s, under any mission's cadence) are one cadence twice.
DUPLICATE_DAYS = 1e-6

#: ``meta.extra["flux_level"]`` when the input had no absolute flux level (mean-subtracted).
NO_LEVEL = "unknown (mean-subtracted input): relative flux = 1 + offset / (1000 x point noise)"


def _where(meta) -> str:
    """The input a warning concerns: its file, and its row in a table of many stars."""
    src = meta.source or "light curve"
    return f"{src} [row {meta.row}]" if meta.row is not None else src


#: A flux read as a level whose cadence-to-cadence noise reaches this fraction of it is
#: warned of (:func:`clean`): a faint star, or offsets not centred on zero.
NOISY_LEVEL = 0.1


def _warn_if_noise_swamps_the_level(flux, meta) -> None:
    """Warn when a flux read as a level has point noise of a tenth of it or more: a faint
    star's (whose deep eclipses the depth test then rejects), or a mean-subtracted row whose
    median sits a few noise units above zero, whose planets would be rejected as too deep."""
    finite = flux[np.isfinite(flux)]
    med = float(np.median(finite)) if finite.size else float("nan")
    if finite.size < 3 or not med > 0:
        return
    noise = point_noise(finite)
    if noise > NOISY_LEVEL * med:
        warnings.warn(
            f"{_where(meta)}: the flux is read as a star's level of {med:.4g} with a point noise"
            f" of {100 * noise / med:.0f}% of it; if these are offsets (a mean-subtracted row not"
            " centred on zero), subtract their median first, or every planet's dip will look"
            " too deep for a planet",
            StarskopeWarning,
            stacklevel=3,
        )


def has_flux_level(flux) -> bool:
    """False when the flux has no absolute level to divide by: its median is not clearly
    positive against its spread (e.g. the mean-subtracted fluxes of the Kaggle K2 table)."""
    flux = np.asarray(flux, dtype=float)
    med = float(np.nanmedian(flux))
    spread = robust_std(flux)
    if not med > 0:
        return False
    if _dips_below_zero(flux) and abs(float(np.nanmean(flux))) < 0.25 * med:
        # a deep transit of mean-subtracted flux: a run of varied values below zero, which a
        # star's flux cannot reach (missing-value markers repeat one value), and a mean of
        # about zero where a star's is its level (a bright star's few corrupt negative
        # cadences leave its mean at the level)
        return False
    if not spread > 0 or med > 5.0 * spread:
        return True
    if not med > 1.5 * spread:
        return False
    # a strongly variable star (an RR Lyrae, a 30 % spotted star) keeps a level: its flux stays
    # positive, where offsets about zero go negative for half the cadences; a faint star whose
    # noise is a third of its level or more has cadences below zero, but its mean stays at its
    # median, where offsets' mean is zero (with a transit's two cadences below zero, their
    # median above it)
    low = float(np.nanpercentile(flux, 0.5))
    return bool(low > 0 or abs(float(np.nanmean(flux)) - med) < 0.1 * med)


def _dips_below_zero(flux, run: int = 3) -> bool:
    """True when ``run`` or more consecutive finite cadences are below zero with different
    values: offsets around zero (a dip deeper than the median offset), not a flux level,
    whose only values below zero are repeated missing-value markers (-9999) or lone corrupt
    ones."""
    f = flux[np.isfinite(flux)]
    neg = f < 0
    if np.count_nonzero(neg) < run:
        return False
    # runs of consecutive negative cadences
    edges = np.flatnonzero(np.diff(np.r_[0, neg.astype(np.int8), 0]))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a >= run and np.unique(f[a:b]).size >= run:
            return True
    return False


#: Relative flux (the segment's median = 1) at or above which a cadence is not the star's: no
#: flare in a transit survey brightens a star tenfold, whereas corrupt values and missing-value
#: markers (99999) land there ...
MAX_RELATIVE_FLUX = 10.0
#: ... and at or below which it is not either: zero and negative flux (-9999, -99) are
#: impossible, and no eclipse takes 99.9 % of a star's light, whereas corrupt bytes read as
#: floats are mostly tiny or huge.
MIN_RELATIVE_FLUX = 1e-3

#: ``meta.extra["flux_offsets"]`` when the input was fractional deviations around zero.
RELATIVE_OFFSETS = "fractional deviations around 0 (flux - 1): read as 1 + flux"


def is_relative_offset(flux) -> bool:
    """True for level-less flux that reads as fractional deviations (``flux - 1``): scatter
    under 1 % and 99 % of the values within 0.2 of zero. Offsets in counts (the Kaggle K2
    tables: electrons per second, scatter of tens to thousands) are far larger; unlabelled
    offsets in per cent or ppt pass only for stars quieter than 100 ppm or 10 ppm per point
    (name the unit, e.g. a column ``flux_ppt``, to be sure)."""
    f = np.asarray(flux, dtype=float)
    f = f[np.isfinite(f)]
    if f.size == 0:
        return False
    return bool(robust_std(f) < 0.01 and np.percentile(np.abs(f), 99) < 0.2)


def offset_to_relative(flux, flux_err, segments) -> tuple[np.ndarray, np.ndarray]:
    """Turn level-less flux (offsets around zero) into relative flux around 1.

    Each segment's median is subtracted and everything is divided by 1000 times the
    point-to-point noise, so the noise becomes 1000 ppm and a depth in ppm reads as 1000 x the
    depth in noise units. Absolute depths cannot be recovered from such data.
    """
    flux = np.asarray(flux, dtype=float).copy()
    flux_err = np.asarray(flux_err, dtype=float).copy()
    for s in np.unique(segments):
        m = segments == s
        flux[m] -= np.nanmedian(flux[m])
    scale = 1000.0 * point_noise(flux)
    if not np.isfinite(scale) or scale <= 0:
        scale = 1000.0 * (robust_std(flux) or 1.0)
    return 1.0 + flux / scale, flux_err / scale


#: The error for a light curve whose flux values are all equal (cleaning and raw-flux models).
CONSTANT_FLUX = "every flux value is the same (a constant light curve): nothing to analyse"

#: Flux units that are offsets from the mean level (TASOC, many detrended products): scale to
#: relative flux around 1.
_RELATIVE_UNITS = {
    "ppm": 1e-6,
    "ppt": 1e-3,
    "%": 1e-2,
    "percent": 1e-2,
    "pct": 1e-2,
    # as astropy writes ppm, per mille and per cent units into a FITS TUNIT
    "10**-6": 1e-6,
    "10**-3": 1e-3,
    "10**-2": 1e-2,
}


def offset_scale(unit) -> float | None:
    """The factor that turns offsets in ``unit`` into relative flux (``"ppm"``: 1e-6; per
    cent, per mille, and astropy's FITS spellings of them), or None.

    Examples
    --------
    >>> offset_scale("ppm"), offset_scale("10**-2"), offset_scale("electron / s")
    (1e-06, 0.01, None)
    """
    return _RELATIVE_UNITS.get(str(unit or "").strip().lower())


def unit_offsets(flux, flux_err, unit):
    """Offsets around zero in ppm, ppt or per cent (named by ``unit``: :func:`offset_scale`)
    as relative flux ``1 + offset`` and its error (``flux_err`` may be None); None when the
    unit names no such offsets or the flux has a level to divide by (1e6 ppm, say).

    Examples
    --------
    >>> import numpy as np
    >>> f, e = unit_offsets(np.array([100.0, -200.0, 50.0, -3000.0]), None, "ppm")
    >>> f.round(4).tolist(), e
    ([1.0001, 0.9998, 1.0001, 0.997], None)
    >>> unit_offsets(np.array([1.0, 1.1]), None, "electron / s") is None
    True
    """
    scale = offset_scale(unit)
    if scale is None or has_flux_level(flux):
        return None
    return 1.0 + scale * flux, None if flux_err is None else scale * flux_err


def transit_mask(t, *, period: float, t0: float, duration: float) -> np.ndarray:
    """True for cadences within ``duration / 2`` of a transit centre (all in days).

    Examples
    --------
    >>> transit_mask([0.0, 0.5, 1.0, 2.05], period=1.0, t0=0.0, duration=0.2).tolist()
    [True, False, True, True]
    """
    t = np.asarray(t, dtype=float)
    phase = np.abs((t - t0 + 0.5 * period) % period - 0.5 * period)
    return phase < 0.5 * duration


def clean(
    lc: LightCurve,
    *,
    bitmask: str | int = "default",
    sigma_upper: float | None = 4.0,
    sigma_isolated: float | None = 5.0,
    normalize: bool = True,
) -> LightCurve:
    """Quality-mask, drop NaNs and filled gaps (:func:`filled_runs`), clip upward outliers and
    single-cadence dips, and normalise each segment.

    Parameters
    ----------
    lc : LightCurve
        Raw light curve in any flux unit.
    bitmask : {"default", "hard", "hardest", "none"} or int, optional
        Mission quality bits to drop (lightkurve's definitions); K2 thruster firings are always
        dropped.
    sigma_upper : float or None, optional
        Upper-only clip threshold (None: no clipping).
    sigma_isolated : float or None, optional
        Threshold of :func:`isolated_dips` (None: keep every dip).
    normalize : bool, optional
        Divide each segment (split at gaps) by its median.

    Returns
    -------
    LightCurve
        Sorted, finite, relative flux (when ``normalize``).

    Raises
    ------
    StarskopeError
        When fewer than 10 usable cadences remain.
    """
    finite = finite_mask(lc.t, lc.flux)
    keep = finite & quality_mask(lc.quality, mission=lc.meta.mission, bitmask=bitmask)
    out = lc.select(keep)
    if len(out) < 10:
        n_finite = int(np.count_nonzero(finite))
        why = ""
        if n_finite >= 10:  # the quality flags took them
            flags = np.bitwise_or.reduce(np.asarray(lc.quality)[finite & ~keep].astype(np.int64))
            mission = lc.meta.mission
            bits = [  # the set bits the mask drops (counted from 1, as the missions' manuals)
                b + 1
                for b in range(32)
                if int(flags) >> b & 1
                and not quality_mask(np.array([1 << b]), mission=mission, bitmask=bitmask)[0]
            ]
            named = (
                f"{bitmask!r} quality bitmask" if isinstance(bitmask, str) else f"bitmask {bitmask}"
            )
            why = (
                f": the {named} drops {n_finite - len(out)} of the"
                f" {n_finite} cadences with finite time and flux (flag bits"
                f" {', '.join(map(str, bits[:8]))}{', ...' if len(bits) > 8 else ''}, counted"
                " from 1). To keep them: search or scan --quality-bitmask none (Python:"
                " PipelineConfig(quality_bitmask='none'))"
            )
        raise StarskopeError(
            f"only {len(out)} usable cadences after quality and NaN masking (need 10){why}",
            path=lc.meta.source,
        )
    order = np.argsort(out.t, kind="stable")
    if np.any(np.diff(order) != 1):
        out = out.select(order)
    # drop duplicate times, exact or within DUPLICATE_DAYS (merged copies; keep the first)
    dup = np.concatenate([[False], np.diff(out.t) <= DUPLICATE_DAYS])
    if dup.any():
        out = out.select(~dup)
    if np.ptp(out.flux) == 0:
        raise StarskopeError(CONSTANT_FLUX, path=lc.meta.source)
    filled = np.zeros(len(out), dtype=bool)
    seg = find_segments(out.t)
    for k in np.unique(seg):  # per segment: quanta and noise may differ between them
        part = seg == k
        filled[part] = filled_runs(out.t[part], out.flux[part])
    if filled.any():
        n_filled = int(filled.sum())
        out = out.select(~filled)
        out = out.copy(meta=out.meta.replace(extra={**out.meta.extra, "filled_cadences": n_filled}))
        if len(out) < 10:
            raise StarskopeError(
                f"only {len(out)} usable cadences once {n_filled} filled ones (gaps bridged by "
                "a constant or a straight line) are left out (need 10)",
                path=lc.meta.source,
            )
        seg = find_segments(out.t)  # a dropped fill is a gap
    flux, err = out.flux, out.flux_err
    meta = out.meta
    if is_magnitude_unit(meta.flux_unit):
        # magnitudes (brighter is smaller): relative flux, before the upward clip below would
        # take the transits for outliers
        warnings.warn(
            f"{_where(lc.meta)}: flux unit {meta.flux_unit!r}: magnitudes"
            " converted to relative flux 10^(-0.4 (m - median m))",
            StarskopeWarning,
            stacklevel=2,
        )
        flux, err = magnitudes_to_flux(flux, err)
        meta = meta.replace(flux_unit="relative")
    offsets = unit_offsets(flux, err, meta.flux_unit)
    if offsets is not None:
        # offsets in ppm, ppt or per cent around zero: relative flux 1 + offset (a level in
        # those units, e.g. 1e6 ppm, is left to the median normalisation below)
        flux, err = offsets
        meta = meta.replace(flux_unit="relative")
    if normalize:
        if has_flux_level(flux):
            _warn_if_noise_swamps_the_level(flux, lc.meta)
            flux, err = normalize_segments(flux, err, seg)
            if np.all(~np.isfinite(flux)):
                raise StarskopeError("cannot normalise: median flux is zero", path=lc.meta.source)
            sane = (flux > MIN_RELATIVE_FLUX) & (flux < MAX_RELATIVE_FLUX)
            if not sane.all():
                n_bad = int(np.count_nonzero(~sane))
                warnings.warn(
                    f"{_where(lc.meta)}: {n_bad} cadence(s) with a flux below "
                    f"{MIN_RELATIVE_FLUX:g} or over {MAX_RELATIVE_FLUX:g} times the median left out"
                    " (missing-value markers such as -9999, corrupt values): a star's flux cannot"
                    " be there",
                    StarskopeWarning,
                    stacklevel=2,
                )
                out, flux, err, seg = out.select(sane), flux[sane], err[sane], seg[sane]
                if len(out) < 10:
                    raise StarskopeError(
                        f"only {len(out)} usable cadences once {n_bad} with impossible flux are "
                        "left out (need 10)",
                        path=lc.meta.source,
                    )
        elif is_relative_offset(flux):  # flux - 1 (fractional deviations): 1 + flux
            flux, err = normalize_segments(1.0 + flux, err, seg)
            meta = meta.replace(extra={**meta.extra, "flux_offsets": RELATIVE_OFFSETS})
        else:
            flux, err = offset_to_relative(flux, err, seg)
            meta = meta.replace(extra={**meta.extra, "flux_level": NO_LEVEL})
            if lc.meta.source is None and lc.meta.row is None and not lc.meta.flux_unit:
                # arrays made in memory (a file or a table row says so in its reader): ppm
                # or ppt offsets given as plain numbers would be depths in noise units
                warnings.warn(
                    "the flux has no absolute level (values around zero): depths are in units"
                    " of the point noise (x 1000 ppm), not ppm. If it is in ppm or ppt around"
                    " zero, say so: LightCurve(t, flux * starskope.units.ppm) or"
                    " meta={'flux_unit': 'ppm'}",
                    StarskopeWarning,
                    stacklevel=2,
                )
        meta = meta.replace(flux_unit="relative")
    keep = sigma_clip_upper(out.t, flux, sigma_upper=sigma_upper)
    w = clip_window(out.t, flux)
    if w < 0.5:
        # an outlier must stand out from the short median too (a crest does not), and from the
        # half-day median too (a transit's shoulder, which lowers the short median, does not)
        keep |= sigma_clip_upper(out.t, flux, sigma_upper=sigma_upper, window_days=w,
                                 white_floor=True)  # fmt: skip
    keep &= isolated_dips(out.t, flux, sigma=sigma_isolated)
    res = out.copy(flux=flux, flux_err=err, meta=meta)
    return res.select(keep) if not keep.all() else res
