"""Raw-flux inputs for the original STARSKØPE CNN.

The original study scaled each star's flux to zero mean and unit variance and added a second
channel, a 200-point uniform (moving-average) filter of the scaled flux, so the network sees both
the cadence-level dips and the slow trend. Light curves of any length and cadence are first put
on the model's row: its number of samples at its cadence (:func:`resample_flux`).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from ..clean.masking import CONSTANT_FLUX
from ..exceptions import StarskopeError
from ..io.kaggle import KAGGLE_CADENCE_MIN

__all__ = [
    "fill_gaps",
    "model_cadence_minutes",
    "model_times",
    "row_cadence",
    "row_span",
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


#: Rows whose largest absolute value is above this are scaled down before the per-star
#: scaling: their squares (1e200 and more) summed over a light curve approach float64's 1.8e308.
HUGE = 1e100


def standardize_rows(flux) -> np.ndarray:
    """Per-star zero-mean, unit-variance scaling (gaps filled first); flat rows become zeros.

    Examples
    --------
    >>> standardize_rows([[1.0, 2.0, 3.0]]).round(3)
    array([[-1.225,  0.   ,  1.225]])
    >>> standardize_rows([[1e300, 2e300, 3e300]]).round(3)  # no overflow
    array([[-1.225,  0.   ,  1.225]])
    """
    x = fill_gaps(flux)
    # a row holding a value near 1e300 (a corrupt cadence) overflowed the squares of its
    # spread (numpy's warning, and the row scored as flat): divided first by the power of
    # two just above its largest value (exact, so its scaled values are unchanged)
    top = np.max(np.abs(x), axis=1) if x.size else np.zeros(len(x))
    for i in np.flatnonzero(top > HUGE):
        x[i] = np.ldexp(x[i], -int(np.frexp(top[i])[1]))
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


#: The cadence (minutes) of a raw-flux model's rows when it records none: K2 long cadence,
#: the Kaggle table's (every shipped raw-flux model was trained on such rows).
MODEL_CADENCE_MIN = KAGGLE_CADENCE_MIN

#: Cadences within this fraction of a model's are its own: one sample per slot of its row.
SAME_CADENCE = 0.01


def row_cadence(cadence_minutes: float | None) -> float:
    """A raw-flux row's cadence in minutes: ``cadence_minutes``, else `MODEL_CADENCE_MIN`."""
    return float(cadence_minutes or MODEL_CADENCE_MIN)


def model_cadence_minutes(est) -> float:
    """The cadence (minutes) of a raw-flux model's rows: recorded at training
    (``cadence_minutes_``), else `MODEL_CADENCE_MIN`."""
    return row_cadence(getattr(est, "cadence_minutes_", None))


def warn_if_resampled(lcs, n_points: int, cadence_minutes: float | None = None) -> None:
    """A ``StarskopeWarning`` (the same text each time, so shown once) when some light curves'
    cadences or lengths differ from a raw-flux model's rows (:func:`resample_flux`)."""
    import warnings

    from ..exceptions import StarskopeWarning

    cad = row_cadence(cadence_minutes)
    # only those :func:`resample_flux` will take (a curve it refuses says why itself)
    lcs = [lc for lc in lcs if np.isfinite(lc.flux).sum() >= MIN_FRACTION * n_points]
    other = [lc.cadence * 1440.0 for lc in lcs if len(lc) > 1]
    if any(not abs(c / cad - 1.0) <= SAME_CADENCE for c in other):
        warnings.warn(
            f"light curves at other cadences than the raw-flux model's ({cad:.4g} min) are"
            " averaged (faster cadences) or interpolated (slower ones) onto it: it was trained on"
            " rows of that cadence, and transits keep the width in samples it learned",
            StarskopeWarning,
            stacklevel=3,
        )
    if any(len(lc) != n_points for lc in lcs):
        warnings.warn(
            f"light curves of other lengths than the raw-flux model's {n_points} points are"
            " trimmed or padded on its cadence (a longer one cut at the row's end, a shorter one"
            " repeated to fill it): it was trained on rows of that length, and its scores are"
            " not calibrated for other lengths or cadences (the default model is)",
            StarskopeWarning,
            stacklevel=3,
        )


#: Fewest valid samples, as a fraction of the model's input length, a raw-flux score is given
#: for: a few hours of a 65-day row say nothing about transits ...
MIN_FRACTION = 0.1
#: ... and fewest of the row's samples holding data (at the model's cadence): 6.5 days of a
#: 65-day row at K2 long cadence. A shorter curve would be mirrored ten times or more to fill
#: the row (a two-minute Kaggle table read at its own cadence, 4.4 days, fifteen times).
MIN_SLOT_FRACTION = 0.1


def resample_flux(lc, *, n_points: int = 3197, cadence_minutes: float | None = None) -> np.ndarray:
    """A light curve's valid flux as a raw-flux model's row: ``n_points`` slots
    ``cadence_minutes`` apart (K2 long cadence by default) from its first time.

    Each sample goes to its nearest slot. At the model's own cadence that is one sample a slot,
    so a row of that cadence (a Kaggle row) is kept as it is; samples sharing a slot (a faster
    cadence) are averaged, as a longer exposure would; slots without data (gaps, a slower
    cadence) are interpolated from their neighbours; data past the last slot are left out. A
    light curve shorter than the row is repeated back and forth (mirrored) to fill it, as a
    longer observation of the same star would show its noise (a constant fill changed the
    row's noise statistics; plain repeats put a jump at each seam). The row is the same
    whatever holds the light curve (a Kaggle table, a FITS file, a time-flux table), and
    transits are as wide in samples as in the model's training rows.

    Parameters
    ----------
    lc : starskope.lightcurve.LightCurve
    n_points : int, optional
        Output length (3197, the Kaggle K2 row length, by default).
    cadence_minutes : float, optional
        Spacing of the slots (the model's cadence, :func:`model_cadence_minutes`); K2 long
        cadence (29.4244 min) by default.

    Returns
    -------
    numpy.ndarray
        float64, shape ``(n_points,)``.
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
    cad = row_cadence(cadence_minutes) / 1440.0
    n_points = int(n_points)
    # slots from the first time (a table row's first cadence, even when its flux is missing)
    start = float(np.nanmin(t))
    slot = np.rint((t[ok] - start) / cad).astype(np.int64)
    inside = slot < n_points
    n = np.bincount(slot[inside], minlength=n_points)
    if np.count_nonzero(n) < MIN_SLOT_FRACTION * n_points:
        raise StarskopeError(
            f"only {np.count_nonzero(n)} of a raw-flux model's {n_points} samples"
            f" ({cad * 1440:.4g} min apart) hold data: it scores none below"
            f" {int(np.ceil(MIN_SLOT_FRACTION * n_points))} (a few hours, or a few points, of"
            " its row say nothing about transits)",
            path=lc.meta.source,
        )
    sums = np.bincount(slot[inside], weights=f[ok][inside], minlength=n_points)
    row = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
    # the slots the light curve's times span (a table row's missing last fluxes included,
    # filled as a table row's are); beyond them, the data repeated back and forth (mirrored:
    # no jump at the seams, and the noise is the star's)
    span = row_span(lc, n_points=n_points, cadence_minutes=cadence_minutes)
    row[:span] = fill_gaps(row[None, :span])[0]
    if span < n_points:
        m = np.arange(span, n_points) % (2 * span)
        row[span:] = row[np.where(m < span, m, 2 * span - 1 - m)]
    return row


def row_span(lc, *, n_points: int, cadence_minutes: float | None = None) -> int:
    """How many of :func:`resample_flux`'s slots the light curve's times span (the rest
    repeat its data)."""
    t = np.asarray(lc.t, dtype=float)
    cad = row_cadence(cadence_minutes) / 1440.0
    return min(int(n_points), int(np.rint((float(np.nanmax(t)) - float(np.nanmin(t))) / cad)) + 1)


def model_times(lc, *, n_points: int, cadence_minutes: float | None = None) -> np.ndarray:
    """The times of the slots of :func:`resample_flux`'s row (the light curve's time system)."""
    start = float(np.nanmin(np.asarray(lc.t, dtype=float)))
    return start + np.arange(int(n_points)) * row_cadence(cadence_minutes) / 1440.0
