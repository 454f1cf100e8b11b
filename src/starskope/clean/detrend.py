"""Detrending through a registry: time-windowed biweight (default), Savitzky-Golay, robust
spline, robust local cubic (active stars).

Every detrender has the signature ``fn(t, flux, *, window, mask) -> trend`` on one gap-free
segment (``mask`` True = in transit, ignored when fitting the trend); :func:`flatten` splits the
light curve at gaps, calls the detrender per segment and divides the flux by the trend.

References
----------
Hippke, M., David, T. J., Mulders, G. D., Heller, R. 2019, AJ 158, 143 (wotan): the biweight with
a window of about three transit durations is the best general choice.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve
from ..units import is_magnitude_unit, to_days
from .masking import find_segments, offset_scale, point_noise, robust_std
from .rotation import RotationModel, rotation_trend

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
        with warnings.catch_warnings():
            # a window with no usable point (e.g. all in masked transits) has a NaN trend:
            # flatten_arrays interpolates it, so wotan's warning would only be noise in a scan
            warnings.filterwarnings(
                "ignore", message=r".*received a NaN trend", category=UserWarning
            )
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


def _localpoly(t, flux, *, window, mask):
    """Robust local cubic (Tukey biweight IRLS) on nodes every window/12, for active stars."""
    from ._kernels import local_poly_trend

    use = np.ones(t.size, dtype=bool) if mask is None else ~np.asarray(mask, dtype=bool)
    if t[-1] - t[0] < 0.5 * window or use.sum() < 10:
        return _biweight(t, flux, window=window, mask=mask)
    spacing = max(window / 12.0, float(np.median(np.diff(t))))
    return local_poly_trend(
        np.ascontiguousarray(t, dtype=float),
        np.ascontiguousarray(flux, dtype=float),
        use,
        float(window),
        float(spacing),
        3,
        6,
        6.0,
    )


def _none(t, flux, *, window, mask):
    return np.ones_like(flux)


#: Name -> ``fn(t, flux, *, window, mask) -> trend`` for one gap-free segment.
DETRENDERS: dict[str, Callable[..., np.ndarray]] = {
    "biweight": _biweight,
    "savgol": _savgol,
    "spline": _spline,
    "localpoly": _localpoly,
    "none": _none,
}


def suggest_window(
    t,
    flux,
    *,
    max_duration: float = DEFAULT_MAX_DURATION,
    min_window: float = 0.25,
    tolerance: float = 0.5,
) -> float:
    """A detrending window in days: three times the longest transit searched, shorter for
    strongly variable (fast-rotating, spotted) stars.

    A sliding window of width ``w`` leaves about ``|f''| w**2 / 24`` of a smooth trend with
    curvature ``f''`` behind (for a sinusoid of amplitude ``A`` and period ``P``:
    ``A (pi w / P)**2 / 6``). The curvature is measured from second differences of the light
    curve binned to ``H = 0.25`` d (its amplitude, after subtracting the white-noise
    contribution in quadrature), and the window is the longest for which the leftover stays
    below ``tolerance`` times the white noise averaged over two hours, clipped to
    ``[min_window, 3 * max_duration]``. O(N), no periodogram.

    Parameters
    ----------
    t, flux : array-like
        Finite, sorted times (days) and relative flux.
    max_duration : float, optional
        Longest transit duration searched, in days.
    min_window : float, optional
        Shortest window returned, in days.
    tolerance : float, optional
        Allowed residual variability, in units of the two-hour white noise.

    Returns
    -------
    float
        ``3 * max_duration`` for a quiet star; less means the star is strongly variable.
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    base = 3.0 * max_duration
    if t.size < 50 or t[-1] - t[0] < 2.0:
        return base
    white = point_noise(flux)
    if not np.isfinite(white) or white <= 0:
        return base
    cadence = float(np.median(np.diff(t)))
    h = max(0.25, 2.0 * cadence)
    idx = np.floor((t - t[0]) / h).astype(np.int64)
    n = np.bincount(idx)
    sums = np.bincount(idx, weights=flux)
    # second differences of consecutive, well-filled bins (no gaps in between)
    full = n >= max(2, 0.5 * np.median(n[n > 0]))
    fb = np.where(full, sums / np.maximum(n, 1), np.nan)
    d2 = (fb[2:] - 2.0 * fb[1:-1] + fb[:-2]) / h**2
    d2 = d2[np.isfinite(d2)]
    if d2.size < 10:
        return base
    per_bin = float(np.median(n[full]))
    noise_d2 = np.sqrt(6.0) * white / np.sqrt(per_bin) / h**2
    # median |d2| is robust to transits; for a sinusoid it is ~0.7 of the amplitude
    spread = np.median(np.abs(d2)) / 0.6745
    if spread <= 2.0 * noise_d2:  # curvature not clearly above the noise: a quiet star
        return base
    curvature = np.sqrt(spread**2 - noise_d2**2)
    noise_2h = white / np.sqrt(max(1.0, (2.0 / 24.0) / cadence))
    window = np.sqrt(24.0 * tolerance * noise_2h / curvature)
    return float(np.clip(window, min_window, base))


#: Fewest points within a detrending window for its trend to count: sparser points (sparse
#: survey data, a lone point between gaps) take the trend of their neighbours, or of the
#: segment's median when none has enough.
MIN_WINDOW_POINTS = 5


def flatten_arrays(
    t,
    flux,
    *,
    method: str = "biweight",
    window: float | None = None,
    transit_mask=None,
    segments=None,
    rotation: RotationModel | None = None,
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
    rotation : RotationModel, optional
        Required by ``method="rotation"`` (:func:`~starskope.clean.rotation.rotation_trend`,
        whose window is ``rotation.window``; ``window`` is then ignored).

    Returns
    -------
    ndarray
        The trend; NaN-free (segments too short to fit get their median).
    """
    if method == "rotation":
        if rotation is None:
            raise StarskopeError(
                "method 'rotation' needs a RotationModel (rotation=choose_rotation_model(...))"
            )
        mask = None if transit_mask is None else np.asarray(transit_mask, dtype=bool)
        if mask is not None and mask.shape != np.shape(t):
            raise StarskopeError("transit_mask must have one entry per cadence")
        return rotation_trend(t, flux, model=rotation, transit_mask=mask, segments=segments)
    if method not in DETRENDERS:
        raise StarskopeError(
            f"unknown detrending method {method!r}; choose one of "
            f"{sorted([*DETRENDERS, 'rotation'])}"
        )
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if flux.size and not np.isfinite(flux).any():
        raise StarskopeError("nothing to detrend: every flux value is NaN or infinite")
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
            # a point nearly alone in its window is its own trend (flattened to exactly 1, the
            # scatter then underestimated): its trend comes from the neighbours' instead
            near = np.searchsorted(tt, tt + 0.5 * window, "right") - np.searchsorted(
                tt, tt - 0.5 * window, "left"
            )
            part = np.where(near < MIN_WINDOW_POINTS, np.nan, part)
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
    rotation: RotationModel | None = None,
) -> DetrendResult:
    """Divide out stellar and instrumental trends.

    Parameters
    ----------
    lc : LightCurve
        A light curve in time order, best cleaned (:func:`~starskope.clean.masking.clean`);
        cadences without a finite time or flux keep NaN, and magnitudes are made relative
        flux first.
    method : {"biweight", "savgol", "spline", "localpoly", "rotation", "none"}, optional
        Detrender (registry :data:`DETRENDERS`): wotan's time-windowed biweight; a
        Savitzky-Golay filter with symmetric clipping; wotan's robust iterative spline
        ("rspline", knots every ``window``); a robust local cubic (for fast rotators, see
        :mod:`starskope.clean._kernels`); a robust local polynomial plus rotation harmonics
        (spotted stars, needs ``rotation``; :mod:`starskope.clean.rotation`); or nothing.
    window : float, optional
        Window length in days (knot spacing for "spline"). Default: 3 x the longest duration
        the default search looks for (8 h), i.e. 1 d.
    transit_mask : array-like of bool, optional
        Cadences in transit, ignored when fitting the trend (iterative re-detrending).
    rotation : RotationModel, optional
        For ``method="rotation"``: a spotted star's rotation period, window and harmonics
        (:mod:`starskope.clean.rotation`); ``window`` is then ``rotation.window``.

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
    >>> bool(np.allclose(res.lightcurve.flux[50:-50], 1, atol=1e-4))  # away from the edges
    True
    """
    w = 3.0 * DEFAULT_MAX_DURATION if window is None else to_days(window, name="window")
    if method == "rotation" and rotation is not None:
        w = float(rotation.window)
    if is_magnitude_unit(lc.meta.flux_unit) or offset_scale(lc.meta.flux_unit) is not None:
        # a dip in magnitudes is a rise, and offsets around zero in ppm have no level to
        # divide by: relative flux first
        lc = lc.normalize()
    # a light curve as read keeps NaN cadences: the trend of the others, NaN there
    good = np.isfinite(lc.t) & np.isfinite(lc.flux)
    if good.size and not good.any():
        raise StarskopeError("nothing to detrend: every flux value is NaN or infinite")
    mask = None if transit_mask is None else np.asarray(transit_mask, dtype=bool)
    if mask is not None and mask.shape != good.shape:
        raise StarskopeError("transit_mask must have one entry per cadence")
    trend = np.full(good.shape, np.nan)
    trend[good] = flatten_arrays(
        lc.t[good],
        lc.flux[good],
        method=method,
        window=w,
        transit_mask=None if mask is None else mask[good],
        rotation=rotation,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        flat = lc.flux / trend
        err = lc.flux_err / np.abs(trend)
    out = lc.copy(flux=flat, flux_err=err, meta=lc.meta.replace(flux_unit="relative"))
    return DetrendResult(lightcurve=out, trend=trend, method=method, window=w)
