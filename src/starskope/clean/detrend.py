"""Detrending through a registry: time-windowed biweight (default), Savitzky-Golay, robust spline.

Every detrender has the signature ``fn(t, flux, *, window, mask) -> trend`` on one gap-free
segment (``mask`` True = in transit, ignored when fitting the trend); :func:`flatten` splits the
light curve at gaps, calls the detrender per segment and divides the flux by the trend.

References
----------
Hippke, M., David, T. J., Mulders, G. D., Heller, R. 2019, AJ 158, 143 (wotan): the biweight with
a window of about three transit durations is the best general choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve
from .masking import find_segments, robust_std

__all__ = ["DETRENDERS", "DetrendResult", "flatten", "flatten_arrays", "suggest_window"]

#: Longest transit duration (days) that the default search looks for; the default window is 3x it.
DEFAULT_MAX_DURATION = 8.0 / 24.0


@dataclass(frozen=True)
class DetrendResult:
    """A flattened light curve and the trend that was divided out.

    Attributes
    ----------
    lightcurve : LightCurve
        Flux divided by the trend (relative flux around 1).
    trend : ndarray
        The trend, same length and units as the input flux.
    method : str
        Registry key of the detrender.
    window : float
        Window length (or knot spacing) in days.
    """

    lightcurve: LightCurve
    trend: np.ndarray
    method: str
    window: float


def _wotan(method: str, **extra):
    def run(t, flux, *, window, mask):
        from wotan import flatten as wflatten

        kw = dict(method=method, window_length=window, return_trend=True, **extra)
        if mask is not None and mask.any():
            kw["mask"] = mask
        _, trend = wflatten(t, flux, **kw)
        return np.asarray(trend, dtype=float)

    return run


def _biweight(t, flux, *, window, mask):
    return _wotan("biweight", edge_cutoff=0.0, break_tolerance=0)(t, flux, window=window, mask=mask)


def _spline(t, flux, *, window, mask):
    # wotan's robust iterative spline (rspline): knots every `window` days, sigma-clipped refits.
    if t.size < 8 or t[-1] - t[0] < 1.5 * window:
        return _biweight(t, flux, window=window, mask=mask)
    return _wotan("rspline", break_tolerance=0)(t, flux, window=window, mask=mask)


def _savgol(t, flux, *, window, mask):
    """Savitzky-Golay (quadratic) with two rounds of symmetric 3-sigma clipping."""
    from scipy.signal import savgol_filter

    dt = np.median(np.diff(t)) if t.size > 1 else 1.0
    n = int(round(window / max(dt, 1e-9)))
    n = max(5, n + 1 - n % 2)
    if n >= t.size:
        n = t.size - 1 + (t.size % 2) - 2 if t.size > 5 else 0
    if n < 5:
        return np.full(t.size, np.nanmedian(flux))
    use = np.ones(t.size, dtype=bool) if mask is None else ~mask
    y = flux.copy()
    for _ in range(3):
        if not use.all():
            y = np.interp(t, t[use], flux[use]) if use.sum() > 1 else flux.copy()
        trend = savgol_filter(y, n, 2, mode="interp")
        r = flux - trend
        s = robust_std(r[use])
        if not np.isfinite(s) or s == 0:
            break
        new = use & (np.abs(r) < 3 * s)
        if new.sum() < 5 or np.array_equal(new, use):
            break
        use = new
    return trend


def _none(t, flux, *, window, mask):
    return np.ones_like(flux)


#: Name -> ``fn(t, flux, *, window, mask) -> trend`` for one gap-free segment.
DETRENDERS: dict[str, Callable[..., np.ndarray]] = {
    "biweight": _biweight,
    "savgol": _savgol,
    "spline": _spline,
    "none": _none,
}


def suggest_window(
    t, flux, *, max_duration: float = DEFAULT_MAX_DURATION, min_window: float | None = None
) -> float:
    """A detrending window in days: three times the longest transit searched, shorter for
    strongly variable (fast-rotating, spotted) stars.

    The stellar variability is measured as the scatter of the light curve smoothed over half a
    day compared with the point-to-point (white) noise. When it dominates, the window is cut
    toward ``min_window`` (default 1.5 x ``max_duration``, never below 0.25 d) in proportion to
    how fast the smoothed flux changes: the window must be short against the time over which
    the variability changes by one noise unit.

    Parameters
    ----------
    t, flux : array-like
        Finite, sorted times (days) and relative flux.
    max_duration : float, optional
        Longest transit duration searched, in days.
    min_window : float, optional
        Shortest window allowed, in days.

    Returns
    -------
    float
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    base = 3.0 * max_duration
    if min_window is None:
        min_window = max(0.25, 1.5 * max_duration)
    if t.size < 20:
        return base
    white = robust_std(np.diff(flux)) / np.sqrt(2.0)
    if not np.isfinite(white) or white <= 0:
        return base
    # curvature timescale of the variability: the flux slope in noise units per day
    dt = np.median(np.diff(t))
    k = max(3, int(round(0.25 / max(dt, 1e-9))))
    k += 1 - k % 2
    from scipy.ndimage import median_filter, uniform_filter1d

    smooth = uniform_filter1d(median_filter(flux, size=k, mode="nearest"), k, mode="nearest")
    seg = find_segments(t)
    slopes = []
    for s in np.unique(seg):
        m = seg == s
        if m.sum() > 2 * k:
            sl = np.abs(np.gradient(smooth[m], t[m]))[k:-k]
            if sl.size:
                slopes.append(sl)
    if not slopes:
        return base
    slope = np.percentile(np.concatenate(slopes), 90)  # flux per day
    # the biweight lags a curved trend; keep the change over a window within ~3 noise units
    window = 3.0 * white / max(slope, 1e-12) * 8.0
    return float(np.clip(window, min_window, base))


def flatten_arrays(
    t,
    flux,
    *,
    method: str = "biweight",
    window: float | None = None,
    transit_mask=None,
    segments=None,
) -> np.ndarray:
    """The trend of ``flux`` (same length), detrended per segment.

    Parameters
    ----------
    t, flux : array-like
        Finite, sorted times in days and flux.
    method : str, optional
        A key of :data:`DETRENDERS`.
    window : float, optional
        Window in days; default 3 x the longest default search duration.
    transit_mask : array-like of bool, optional
        In-transit cadences to ignore when fitting the trend.
    segments : array-like of int, optional
        Segment labels (default: :func:`~starskope.clean.masking.find_segments`).

    Returns
    -------
    ndarray
        The trend; NaN-free (segments too short to fit get their median).
    """
    if method not in DETRENDERS:
        raise StarskopeError(
            f"unknown detrending method {method!r}; choose one of {sorted(DETRENDERS)}"
        )
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    window = 3.0 * DEFAULT_MAX_DURATION if window is None else float(window)
    if not window > 0:
        raise StarskopeError(f"detrending window must be positive; got {window}")
    mask = None if transit_mask is None else np.asarray(transit_mask, dtype=bool)
    if mask is not None and mask.shape != t.shape:
        raise StarskopeError("transit_mask must have one entry per cadence")
    seg = find_segments(t) if segments is None else np.asarray(segments)
    fn = DETRENDERS[method]
    trend = np.empty_like(flux)
    bounds = np.flatnonzero(np.diff(seg)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, t.size], strict=True):
        tt, ff = t[lo:hi], flux[lo:hi]
        mm = None if mask is None else mask[lo:hi]
        if hi - lo < 5:
            part = np.full(hi - lo, np.median(ff))
        else:
            part = fn(tt, ff, window=window, mask=mm)
        bad = ~np.isfinite(part)
        if bad.any():
            good = ~bad
            part = (
                np.interp(tt, tt[good], part[good])
                if good.sum() > 1
                else np.full(hi - lo, np.median(ff))
            )
        trend[lo:hi] = part
    return trend


def flatten(
    lc: LightCurve,
    *,
    method: str = "biweight",
    window: float | None = None,
    transit_mask=None,
) -> DetrendResult:
    """Divide out stellar and instrumental trends.

    Parameters
    ----------
    lc : LightCurve
        A cleaned light curve (finite, sorted; see :func:`~starskope.clean.masking.clean`).
    method : {"biweight", "savgol", "spline", "none"}, optional
        Detrender (registry :data:`DETRENDERS`).
    window : float, optional
        Window length in days (knot spacing for "spline"). Default: 3 x the longest duration
        the default search looks for (8 h), i.e. 1 d.
    transit_mask : array-like of bool, optional
        Cadences in transit, ignored when fitting the trend (iterative re-detrending).

    Returns
    -------
    DetrendResult

    Examples
    --------
    >>> import numpy as np
    >>> from starskope import LightCurve
    >>> t = np.linspace(0, 10, 500)
    >>> lc = LightCurve(t, 1 + 0.01 * np.sin(t / 3), time_format="relative")
    >>> res = flatten(lc, window=1.0)
    >>> bool(np.allclose(res.lightcurve.flux, 1, atol=1e-4))
    True
    """
    w = 3.0 * DEFAULT_MAX_DURATION if window is None else float(window)
    trend = flatten_arrays(lc.t, lc.flux, method=method, window=w, transit_mask=transit_mask)
    with np.errstate(divide="ignore", invalid="ignore"):
        flat = lc.flux / trend
        err = lc.flux_err / np.abs(trend)
    out = lc.copy(flux=flat, flux_err=err, meta=lc.meta.replace(flux_unit="relative"))
    return DetrendResult(lightcurve=out, trend=trend, method=method, window=w)
