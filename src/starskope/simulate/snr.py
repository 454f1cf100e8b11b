"""The one definition of expected transit SNR, and the noise measures it rests on.

Expected SNR (used by the campaign truth table, injection-recovery and the docs)::

    SNR_exp = depth / sigma_robust * sqrt(N_in_transit)

- ``depth``: the fractional depth of the noiseless injected model at mid-transit, after
  integration over the exposure (``1 - min(model)``).
- ``sigma_robust``: ``1.4826 * MAD`` of the *detrended* relative flux, measured on the light curve
  before the signal is added (or with known transits masked). Detrending is a running median over
  :data:`DETREND_WINDOW_DAYS` (long compared with a transit, short compared with stellar rotation).
- ``N_in_transit``: the number of valid cadences whose time lies inside a transit window
  (``|phase| < T14 / 2``), summed over all transits in the data.

This is an upper bound, not what a search measures: ``depth`` is the deepest point, and a box
(or even the true transit shape) matched to a limb-darkened, exposure-smeared transit sees about
0.84 (0.86) of it on white noise, less for grazing or short transits, and ``sigma_robust`` reads
about 2.5% low on white noise (the running median follows part of it). Kepler's pipeline
threshold of 7.1 on a measured SNR therefore sits near an expected SNR of 9 (docs/simulation.md).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter

__all__ = [
    "DETREND_WINDOW_DAYS",
    "MAD_TO_SIGMA",
    "cdpp",
    "detrend_running_median",
    "expected_snr",
    "in_transit_mask",
    "n_in_transit",
    "psd_slope",
    "red_noise_beta",
    "robust_std",
    "robust_sigma",
    "transits_with_data",
]

MAD_TO_SIGMA = 1.4826
#: Running-median window (days) used to detrend before measuring the per-point noise.
DETREND_WINDOW_DAYS = 1.0


def robust_std(x, *, axis=-1):
    """``1.4826 * median(|x - median(x)|)``, ignoring NaNs.

    Parameters
    ----------
    x : array-like
        Values; reduced along ``axis``.
    axis : int, optional
        Axis to reduce.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> float(np.round(robust_std(np.random.default_rng(0).normal(0, 2, 100_000)), 1))
    2.0
    """
    x = np.asarray(x, dtype=float)
    med = np.nanmedian(x, axis=axis, keepdims=True)
    return MAD_TO_SIGMA * np.nanmedian(np.abs(x - med), axis=axis)


def _fill_nans(y: np.ndarray) -> np.ndarray:
    """Linear interpolation over NaNs along the last axis (edges held)."""
    y = np.array(y, dtype=float, copy=True)
    flat = y.reshape(-1, y.shape[-1])
    idx = np.arange(flat.shape[1])
    for row in flat:
        bad = ~np.isfinite(row)
        if bad.all():
            continue
        if bad.any():
            row[bad] = np.interp(idx[bad], idx[~bad], row[~bad])
    return flat.reshape(y.shape)


def detrend_running_median(flux, *, cadence_days: float, window_days: float = DETREND_WINDOW_DAYS):
    """Relative residuals ``flux / running_median(flux) - 1`` along the last axis.

    Parameters
    ----------
    flux : array-like, shape (..., n)
        Flux (any positive units). NaNs are bridged for the filter and kept NaN in the output.
    cadence_days : float
        Sampling interval in days.
    window_days : float, optional
        Width of the running median.

    Returns
    -------
    ndarray
        Same shape as ``flux``.
    """
    flux = np.asarray(flux, dtype=float)
    w = max(3, int(round(window_days / cadence_days)) | 1)
    filled = _fill_nans(flux)
    size = (1,) * (flux.ndim - 1) + (w,)
    trend = median_filter(filled, size=size, mode="reflect")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = flux / trend - 1.0
    return out


def robust_sigma(flux, *, cadence_days: float, window_days: float = DETREND_WINDOW_DAYS):
    """Per-point noise of the detrended relative flux (``1.4826 * MAD``), along the last axis.

    This is the ``sigma_robust`` of :func:`expected_snr`. Where the running median is
    degenerate (smooth variability much larger than the noise, monotonic over the window: the
    window's median is then the point itself and most residuals are exactly 0), the estimate
    falls below half of the point-to-point scatter (``1.4826 * MAD(diff) / sqrt(2)``), which is
    used instead.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(3000) * 0.0204
    >>> ramp = 1 + 0.02 * t + 1e-4 * np.random.default_rng(0).normal(size=t.size)
    >>> float(robust_std(detrend_running_median(ramp, cadence_days=0.0204)))
    0.0
    >>> float(np.round(robust_sigma(ramp, cadence_days=0.0204) * 1e5))  # 1e-4 / median 1.61
    6.0
    """
    flux = np.asarray(flux, dtype=float)
    resid = detrend_running_median(flux, cadence_days=cadence_days, window_days=window_days)
    return _sigma_of(flux, resid)


def _sigma_of(flux: np.ndarray, resid: np.ndarray):
    """:func:`robust_sigma` from the flux and its running-median residuals."""
    sigma = robust_std(resid)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = flux / np.nanmedian(flux, axis=-1, keepdims=True)
    p2p = robust_std(np.diff(rel, axis=-1)) / np.sqrt(2.0)
    return (
        np.where(sigma < 0.5 * p2p, p2p, sigma)
        if np.ndim(sigma)
        else (float(p2p) if sigma < 0.5 * p2p else sigma)
    )


def red_noise_beta(
    t, flux, *, cadence_days: float, duration_days: float, window_days: float = DETREND_WINDOW_DAYS
) -> float:
    """Red-noise factor at a transit's time scale (the time-averaging method, Pont et al. 2006).

    ``beta = sigma_bin / (sigma_robust / sqrt(n_bin))``: the robust scatter of the means of the
    detrended relative flux (:func:`detrend_running_median`) over consecutive bins one
    ``duration_days`` long, against what white noise of the per-point scatter
    (:func:`robust_sigma`, the expected SNR's ``sigma_robust``) would give; at least 1. A transit of expected SNR ``S`` (:func:`expected_snr`, a
    white-noise figure) stands at about ``S / beta`` against the noise a search meets at its
    duration. Variability faster than the running median's day (fast rotation, pulsation,
    the K2 roll) counts as red noise here, as for a search that did not model it.

    Parameters
    ----------
    t, flux : array-like
        Times (days) and flux (any positive units), the signal not yet added.
    cadence_days : float
        Sampling interval.
    duration_days : float
        Bin length: the transit duration.
    window_days : float, optional
        Running-median detrending window.

    Returns
    -------
    float
        ``beta >= 1``; NaN when fewer than five bins hold at least half their cadences.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(20000) * 0.0204
    >>> f = 1 + 1e-3 * np.random.default_rng(1).normal(size=t.size)
    >>> float(np.round(red_noise_beta(t, f, cadence_days=0.0204, duration_days=0.125), 1))
    1.0
    """
    from ..clean.binning import bin_in_time

    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    resid = detrend_running_median(flux, cadence_days=cadence_days, window_days=window_days)
    ok = np.isfinite(t) & np.isfinite(resid)
    if np.count_nonzero(ok) < 10 or not duration_days > 0:
        return float("nan")
    # the per-point noise exactly as the expected SNR measures it (with its point-to-point
    # fallback where the running median is degenerate)
    sigma = float(_sigma_of(flux, resid))
    _, means, n = bin_in_time(t[ok], resid[ok], duration_days)
    full = n >= max(1.0, 0.5 * duration_days / cadence_days)
    if np.count_nonzero(full) < 5 or not sigma > 0:
        return float("nan")
    white = sigma / np.sqrt(float(np.mean(n[full])))
    return float(max(robust_std(means[full]) / white, 1.0))


def in_transit_mask(t, *, period: float, t0: float, duration: float) -> np.ndarray:
    """True where ``t`` (days) lies within ``duration / 2`` of a transit centre."""
    t = np.asarray(t, dtype=float)
    phase = np.mod(t - t0 + 0.5 * period, period) - 0.5 * period
    return np.abs(phase) < 0.5 * duration


def n_in_transit(t, *, period: float, t0: float, duration: float, valid=None) -> int:
    """Number of (valid) cadences inside a transit window."""
    m = in_transit_mask(t, period=period, t0=t0, duration=duration)
    if valid is not None:
        m &= np.asarray(valid, dtype=bool)
    return int(np.count_nonzero(m))


def transits_with_data(
    t, *, period: float, t0: float, duration: float, cadence: float, min_fraction: float = 0.5
) -> int:
    """Number of transits with at least ``min_fraction`` of their cadences in the data.

    The window function of a search (Burke et al. 2015, ApJ 809, 8): a planet whose transits
    fall in gaps cannot be found at any SNR, so completeness is also reported for the trials
    that have enough transits (the Kepler pipeline needed three).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 30.0, 0.02)
    >>> t = t[(t < 12.0) | (t > 13.0)]  # the transit at 12.5 d falls in a gap
    >>> transits_with_data(t, period=5.0, t0=2.5, duration=0.2, cadence=0.02)
    5
    """
    t = np.asarray(t, dtype=float)
    t = t[np.isfinite(t)]
    if t.size == 0 or not (period > 0 and duration > 0 and cadence > 0):
        return 0
    m = in_transit_mask(t, period=period, t0=t0, duration=duration)
    if not m.any():
        return 0
    epoch = np.round((t[m] - t0) / period).astype(np.int64)
    counts = np.bincount(epoch - epoch.min())
    full = max(1.0, duration / cadence)
    return int(np.count_nonzero(counts >= min_fraction * full))


def expected_snr(*, depth, sigma, n_points):
    """``depth / sigma * sqrt(n_points)``: the expected SNR of a transit (see module docs).

    Parameters
    ----------
    depth : float or ndarray
        Fractional depth (not ppm).
    sigma : float or ndarray
        Robust per-point noise of the detrended relative flux.
    n_points : int or ndarray
        Cadences in transit.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> expected_snr(depth=1e-3, sigma=1e-3, n_points=49)
    7.0
    """
    depth = np.asarray(depth, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = depth / sigma * np.sqrt(np.asarray(n_points, dtype=float))
    return float(out) if out.ndim == 0 else out


def cdpp(flux, *, cadence_days: float, window_hours: float = 6.5, detrend_days: float = 2.0):
    """Combined differential photometric precision (ppm) over ``window_hours``.

    A simple estimator in the spirit of the Kepler CDPP (Christiansen et al. 2012; Gilliland et al.
    2011): detrend with a running median of ``detrend_days``, clip 5-sigma outliers, take the
    running mean over ``window_hours`` and return its robust standard deviation in ppm.

    The running median absorbs part of each window's mean, so on white noise this reads about
    7% below ``sigma / sqrt(points per window)`` (lightkurve's ``estimate_cdpp``, with its
    Savitzky-Golay filter, about 15% below). The real-versus-simulated comparison in
    docs/simulation.md uses this estimator on both sides; quote absolute values with that in
    mind.

    Parameters
    ----------
    flux : array-like, shape (..., n)
        Flux along the last axis.
    cadence_days : float
        Sampling interval.
    window_hours : float, optional
        Averaging window (Kepler quotes 6.5 h).
    detrend_days : float, optional
        Running-median detrending window.

    Returns
    -------
    float or ndarray
        CDPP in ppm.
    """
    r = detrend_running_median(flux, cadence_days=cadence_days, window_days=detrend_days)
    s = robust_std(r)
    s_b = np.expand_dims(np.asarray(s), -1)
    r = np.where(np.abs(r) > 5 * s_b, np.nan, r)
    n = max(1, int(round(window_hours / 24.0 / cadence_days)))
    r = _fill_nans(r)
    kernel = np.ones(n) / n
    flat = r.reshape(-1, r.shape[-1])
    means = np.stack([np.convolve(row, kernel, mode="valid") for row in flat])
    out = 1e6 * robust_std(means).reshape(r.shape[:-1])
    return float(out) if np.ndim(out) == 0 else out


def psd_slope(flux, *, cadence_days: float, fmin: float = 0.5, fmax: float = 8.0) -> float:
    """Log-log slope of the power spectrum of relative flux between ``fmin`` and ``fmax`` (1/day).

    White noise gives about 0; granulation and activity (red noise) give negative slopes. Gaps are
    bridged linearly; the spectrum is a periodogram of the mean-subtracted relative flux, averaged
    in logarithmic frequency bins before the straight-line fit.
    """
    y = np.asarray(flux, dtype=float)
    y = _fill_nans(y / np.nanmedian(y) - 1.0)
    y = y - np.mean(y)
    freq = np.fft.rfftfreq(y.size, d=cadence_days)
    power = np.abs(np.fft.rfft(y * np.hanning(y.size))) ** 2
    keep = (freq >= fmin) & (freq <= fmax)
    if np.count_nonzero(keep) < 8:
        return float("nan")
    edges = np.geomspace(fmin, fmax, 13)
    idx = np.digitize(freq[keep], edges)
    lf, lp = [], []
    for k in np.unique(idx):
        sel = idx == k
        lf.append(np.log10(np.mean(freq[keep][sel])))
        lp.append(np.log10(np.mean(power[keep][sel])))
    return float(np.polyfit(lf, lp, 1)[0])
