"""Raw-flux inputs for the original STARSKØPE CNN.

The original study scaled each star's flux to zero mean and unit variance and added a second
channel, a 200-point uniform (moving-average) filter of the scaled flux, so the network sees both
the cadence-level dips and the slow trend. Light curves of any length are first resampled onto a
fixed uniform grid (:func:`resample_flux`).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from ..clean.masking import CONSTANT_FLUX
from ..exceptions import StarskopeError

__all__ = [
    "fill_gaps",
    "raw_flux_channels",
    "resample_flux",
    "standardize_rows",
    "subtract_running_median",
    "warn_if_resampled",
]


def fill_gaps(flux) -> np.ndarray:
    """Replace non-finite samples of each row by linear interpolation (edges: nearest value).

    Parameters
    ----------
    flux : array-like, shape (n_stars, n_points)

    Returns
    -------
    numpy.ndarray
        float64 copy without NaN or inf; an all-NaN row becomes zeros.
    """
    x = np.array(flux, dtype=np.float64, ndmin=2, copy=True)
    if x.ndim != 2:
        raise StarskopeError(f"flux must be 2-D (n_stars, n_points); got shape {x.shape}")
    bad = ~np.isfinite(x)
    if bad.any():
        idx = np.arange(x.shape[1])
        for i in np.flatnonzero(bad.any(axis=1)):
            ok = ~bad[i]
            x[i] = np.interp(idx, idx[ok], x[i, ok]) if ok.any() else 0.0
    return x


def standardize_rows(flux) -> np.ndarray:
    """Per-star zero-mean, unit-variance scaling (gaps filled first); flat rows become zeros.

    Examples
    --------
    >>> standardize_rows([[1.0, 2.0, 3.0]]).round(3)
    array([[-1.225,  0.   ,  1.225]])
    """
    x = fill_gaps(flux)
    mu = x.mean(axis=1, keepdims=True)
    sd = x.std(axis=1, keepdims=True)
    sd[sd == 0] = 1.0
    return (x - mu) / sd


def subtract_running_median(flux, *, window: int) -> np.ndarray:
    """Each row minus its running median over ``window`` samples (gaps filled first): a
    high-pass that keeps dips much shorter than the window and removes slower variability.

    Subtracted rather than divided, so rows without a flux level (mean-subtracted tables, whose
    values cross zero) work too; the per-star scaling that follows makes the two alike.

    Examples
    --------
    >>> x = 100.0 + np.r_[np.zeros(5), -1.0, np.zeros(5)]
    >>> subtract_running_median([x], window=5)[0]
    array([ 0.,  0.,  0.,  0.,  0., -1.,  0.,  0.,  0.,  0.,  0.])
    """
    from scipy.ndimage import median_filter

    ok = isinstance(window, int | np.integer) and not isinstance(window, bool)
    if not ok or window < 3 or window % 2 == 0:
        # 1 would subtract every sample from itself; an even window is off-centre by half a sample
        raise StarskopeError(
            f"detrend window must be an odd number of samples, 3 or more; got {window!r}"
        )
    x = fill_gaps(flux)
    return x - median_filter(x, size=(1, int(window)), mode="nearest")


def raw_flux_channels(
    flux, *, filter_size: int = 200, detrend_window: int | None = None
) -> np.ndarray:
    """The original CNN's two input channels: scaled flux and its uniform filter.

    Parameters
    ----------
    flux : array-like, shape (n_stars, n_points)
        Raw fluxes on a uniform cadence (one star per row), NaN allowed in gaps.
    filter_size : int, optional
        Width of the uniform filter in samples (200 in the original study; 1 makes the second
        channel a copy of the first: the flux alone).
    detrend_window : int or None, optional
        None (the original study): the raw flux. Otherwise each row first loses its running
        median over this many samples, odd and 3 or more (:func:`subtract_running_median`; 49
        is a day of K2 long cadence): a pre-processing step the benchmarks compare.

    Returns
    -------
    numpy.ndarray
        float32, shape ``(n_stars, 2, n_points)``.
    """
    if int(filter_size) < 1:
        raise StarskopeError(f"filter_size must be >= 1; got {filter_size}")
    if detrend_window is not None:
        flux = subtract_running_median(flux, window=detrend_window)
    x = standardize_rows(flux)
    smooth = uniform_filter1d(x, size=int(filter_size), axis=1, mode="nearest")
    return np.stack([x, smooth], axis=1).astype(np.float32)


def warn_if_resampled(lcs, n_points: int) -> None:
    """A ``StarskopeWarning`` (the same text each time, so shown once) when some light curves'
    lengths differ from a raw-flux model's input length."""
    if any(len(lc) != n_points for lc in lcs):
        import warnings

        from ..exceptions import StarskopeWarning

        warnings.warn(
            f"light curves of other lengths than the raw-flux model's {n_points} points are"
            " trimmed or padded (on its cadence) or resampled (other cadences): it was trained on"
            " rows of that length, and its scores are not calibrated for other lengths or"
            " cadences (the default model is)",
            StarskopeWarning,
            stacklevel=3,
        )


#: Fewest valid samples, as a fraction of the model's input length, a raw-flux score is given
#: for: a few hours of a 65-day row say nothing about transits.
MIN_FRACTION = 0.1


def resample_flux(lc, *, n_points: int = 3197) -> np.ndarray:
    """Resample a light curve's valid flux onto ``n_points`` uniform times spanning its data.

    Parameters
    ----------
    lc : starskope.lightcurve.LightCurve
    n_points : int, optional
        Output length (3197, the Kaggle K2 row length, by default).

    Returns
    -------
    numpy.ndarray
        float64, shape ``(n_points,)``. A light curve already of that length on a uniform
        cadence is returned unchanged apart from gap filling.
    """
    t = np.asarray(lc.t, dtype=float)
    f = np.asarray(lc.flux, dtype=float)
    ok = np.isfinite(t) & np.isfinite(f)
    if ok.sum() < 2:
        raise StarskopeError("fewer than 2 valid flux samples to resample", path=lc.meta.source)
    if np.ptp(f[ok]) == 0:
        raise StarskopeError(CONSTANT_FLUX, path=lc.meta.source)
    if ok.sum() < MIN_FRACTION * n_points:
        raise StarskopeError(
            f"only {int(ok.sum())} valid flux samples: a raw-flux model reads rows of {n_points}"
            f" and scores none below {int(MIN_FRACTION * n_points)}",
            path=lc.meta.source,
        )
    uniform = t.size > 1 and np.allclose(np.diff(t), np.nanmedian(np.diff(t)), rtol=1e-3)
    if uniform and (len(f) == n_points or lc.meta.product == "kaggle"):
        # the model's own cadence (a Kaggle row of another width): keep the samples, trim the
        # end of a longer row or extend a shorter one with its last values
        row = np.full(int(n_points), np.nan)
        m = min(len(f), int(n_points))
        row[:m] = np.where(ok, f, np.nan)[:m]
        return fill_gaps(row[None, :])[0]
    grid = np.linspace(t[ok].min(), t[ok].max(), int(n_points))
    return np.interp(grid, t[ok], f[ok])
