"""Rotation-aware detrending of spotted, fast-rotating stars.

A spotted star's modulation is quasi-periodic: a few harmonics of the rotation period whose
amplitudes and phases drift as spots grow and decay (over one to a few rotations). A sliding
polynomial window short enough to follow a rotation of a day or less is about as short as a
transit, and eats it; a longer one leaves rotational residuals larger than a small planet's
transit, and the strongest box the search then finds is the rotation. Fitting, in each local
window, a low-order polynomial *plus* sinusoids at the rotation period and its harmonics (with
linearly drifting amplitudes) follows the modulation with a window several times longer than a
transit, so transits stay in the residuals; a Tukey-biweight reweighting ignores them and flares,
and the pipeline refits with the found transits masked. A node whose window has data on one side
only (a segment edge, a gap) is not fitted: its points take the nearest fitted node's model
instead of a runaway extrapolation.

Only rotators faster than two days get harmonics (slower ones a robust local cubic, which
follows them), and only when the modulation moves most of the points (robust scatter well above
the white noise): the eclipses of a binary or a hot Jupiter's transits on a quiet star are not a
rotation. A window of three rotations keeps the free parameters per rotation few enough that the
fit does not follow the noise; over two rotations it left noise dips that the search took for
transits on simulated spotted stars.

The rotation period comes from a Lomb-Scargle periodogram of the light curve [1]_ [2]_; the local
fit follows the approach of local polynomial detrending for young, active stars (Rizzuto et al.
2017, AJ 154, 224) with a harmonic basis as in quasi-periodic rotation models (Angus et al. 2018).

References
----------
.. [1] Lomb, N. R. 1976, Ap&SS 39, 447; Scargle, J. D. 1982, ApJ 263, 835.
.. [2] VanderPlas, J. T. 2018, ApJS 236, 16.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .binning import bin_in_time
from .masking import find_segments, point_noise, robust_std

__all__ = [
    "RotationModel",
    "choose_rotation_model",
    "coherent_periods",
    "periodogram_sample",
    "modulation_amplitude",
    "rotation_model",
    "rotation_period",
    "rotation_trend",
]


@dataclass(frozen=True)
class RotationModel:
    """How :func:`rotation_trend` follows a star's rotation.

    Attributes
    ----------
    period : float
        Rotation period, days (the strongest Lomb-Scargle peak).
    window : float
        Full width of each local fit, days.
    n_harmonics : int
        Harmonics of ``period`` fitted in each window (0: polynomial only, slow rotators).
    amplitude : float
        Semi-amplitude of the modulation (half its peak-to-peak), relative flux; NaN when not
        measured.
    other_periods : tuple of float
        Further coherent periods of the light curve (days; a pulsator's other modes, a
        second spotted star), not fitted but named so that their residuals can be recognised.
    """

    period: float
    window: float
    n_harmonics: int
    amplitude: float = float("nan")
    other_periods: tuple[float, ...] = ()


def periodogram_sample(t, y, *, width: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    """Means in ``width``-day time bins when the cadence is much shorter (TESS 2-min, Kepler
    short cadence): the periodograms of rotation and variability look for periods of 0.1 d and
    more, which 29-minute bins keep (a 0.1-d sinusoid loses 6% of its amplitude), at a tenth
    of the cost. Otherwise ``t, y`` unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 10.0, 2.0 / 1440)
    >>> tb, yb = periodogram_sample(t, np.sin(t))
    >>> t.size, tb.size
    (7200, 500)
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    if t.size < 2 or not np.median(np.diff(t)) < width / 3.0:
        return t, y
    tb, yb, _ = bin_in_time(t, y, width)
    return tb, yb


def rotation_period(t, flux, *, min_period: float = 0.1, max_period: float = 30.0) -> float | None:
    """The period of the strongest Lomb-Scargle peak of ``flux``, days (None when undefined).

    Parameters
    ----------
    t, flux : array-like
        Finite, sorted times (days) and relative flux.
    min_period, max_period : float, optional
        Search range, days; ``max_period`` is capped at half the baseline.

    Returns
    -------
    float or None
        None for fewer than 50 points or a baseline shorter than ``4 * min_period``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 30.0, 0.0204)
    >>> f = 1 + 0.01 * np.sin(2 * np.pi * t / 0.9)
    >>> round(rotation_period(t, f), 2)
    0.9
    """
    from .lombscargle import lomb_scargle

    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if t.size < 50 or t[-1] - t[0] < 4.0 * min_period:
        return None
    hi = min(max_period, 0.5 * (t[-1] - t[0]))
    if hi <= min_period:
        return None
    y = flux - np.median(flux)
    s = robust_std(y)
    if np.isfinite(s) and s > 0:  # flares and deep eclipses should not steer the periodogram
        y = np.clip(y, -5.0 * s, 5.0 * s)
    tb, yb = periodogram_sample(t, y)
    freq, power = lomb_scargle(
        tb, yb, minimum_frequency=1.0 / hi, maximum_frequency=1.0 / min_period, samples_per_peak=10
    )
    if not np.isfinite(power).any():
        return None
    return float(1.0 / freq[int(np.nanargmax(power))])


def twice_the_period(t, flux, period: float, *, n_harmonics: int = 3, gain: float = 0.5) -> bool:
    """True when the star turns in ``2 * period``: two spots on opposite sides make two dips per
    rotation, and the periodogram's strongest peak is then half the rotation period.

    Per segment (:func:`~starskope.clean.masking.find_segments`), a least-squares fit of a line
    plus ``n_harmonics`` harmonics of ``period`` is compared with one of twice as many
    harmonics of ``2 * period`` (which holds the first model, plus the odd harmonics of the
    doubled period). The doubled period wins when its summed squared residual is below
    ``gain`` times the first's: the odd harmonics carry half the variance or more, far beyond
    what they take from noise or spot evolution. Needs two cycles of ``2 * period``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 27.0, 10.0 / 1440)
    >>> one = 1 + 0.01 * np.sin(2 * np.pi * t / 0.7)
    >>> noise = 1e-3 * np.random.default_rng(0).standard_normal(t.size)
    >>> two_spots = one + 0.006 * np.sin(2 * np.pi * t / 1.4)
    >>> twice_the_period(t, two_spots + noise, 0.7), twice_the_period(t, one + noise, 0.7)
    (True, False)
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if not (np.isfinite(period) and period > 0) or t[-1] - t[0] < 4.0 * period:
        return False
    rss = np.zeros(2)
    seg = find_segments(t)
    for s in np.unique(seg):
        k = seg == s
        tt, ff = t[k], flux[k]
        if tt.size < 4 * n_harmonics + 10:
            continue
        x = tt - tt.mean()
        for j, (p, n) in enumerate(((period, n_harmonics), (2.0 * period, 2 * n_harmonics))):
            cols = [np.ones_like(x), x]
            for h in range(1, n + 1):
                ph = 2.0 * np.pi * h * x / p
                cols += [np.sin(ph), np.cos(ph)]
            a = np.column_stack(cols)
            coef, *_ = np.linalg.lstsq(a, ff, rcond=None)
            rss[j] += float(np.sum((ff - a @ coef) ** 2))
    return bool(rss[0] > 0 and rss[1] < gain * rss[0])


def choose_rotation_model(
    period: float | None,
    *,
    min_window: float = 0.75,
    harmonic_max_period: float = 2.0,
    shortest_harmonic: float = 0.2,
    max_harmonics: int = 3,
    cycles: float = 3.0,
) -> RotationModel:
    """Window and harmonics for a star rotating in ``period`` days.

    A robust local cubic over ``min_window`` follows a sinusoid of period ``P`` to about
    ``1e-3`` of its amplitude once ``min_window < 0.2 P``; for rotation periods above
    ``harmonic_max_period`` it is kept (no harmonics: the "localpoly" detrender). Faster
    rotators get harmonics down to ``shortest_harmonic`` days (at most ``max_harmonics``, at
    least the fundamental), fitted over ``cycles`` rotations (at least ``min_window``) with
    amplitudes drifting linearly across the window (spot evolution).

    Parameters
    ----------
    period : float or None
        Rotation period in days (:func:`rotation_period`); None: no harmonics.
    min_window : float, optional
        Shortest window, days; keeps transits up to about ``min_window / 2.5`` long.
    harmonic_max_period : float, optional
        Longest rotation period fitted with harmonics, days.
    shortest_harmonic : float, optional
        Shortest harmonic period fitted, days.
    max_harmonics : int, optional
        Most harmonics.
    cycles : float, optional
        Rotations per window when fitting harmonics.

    Returns
    -------
    RotationModel

    Examples
    --------
    >>> m = choose_rotation_model(0.5)
    >>> m.window, m.n_harmonics
    (1.5, 2)
    >>> m = choose_rotation_model(8.0)
    >>> m.window, m.n_harmonics
    (0.75, 0)
    """
    if period is None or not np.isfinite(period) or period <= 0:
        return RotationModel(float("nan"), float(min_window), 0)
    if period > harmonic_max_period:
        return RotationModel(float(period), float(min_window), 0)
    n_harm = int(np.clip(np.floor(period / shortest_harmonic), 1, max_harmonics))
    return RotationModel(float(period), float(max(min_window, cycles * period)), n_harm)


def modulation_amplitude(t, flux, *, period: float, n_harmonics: int = 3) -> float:
    """Semi-amplitude (half the peak-to-peak) of a periodic modulation, relative flux.

    A least-squares fit of ``n_harmonics`` harmonics of ``period`` to the whole light curve,
    refitted twice without the points beyond three robust sigma (transits, flares).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 20.0, 0.0204)
    >>> round(modulation_amplitude(t, 1 + 0.01 * np.sin(2 * np.pi * t / 0.9), period=0.9), 4)
    0.01
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(flux, dtype=float)
    y = y / np.median(y) - 1.0
    ph = 2.0 * np.pi * np.outer(t - t[0], np.arange(1, n_harmonics + 1)) / period
    x = np.column_stack([np.ones_like(t), np.sin(ph), np.cos(ph)])
    use = np.ones(t.size, dtype=bool)
    coef = np.zeros(x.shape[1])
    for _ in range(3):
        if use.sum() <= x.shape[1]:
            break
        coef = np.linalg.lstsq(x[use], y[use], rcond=None)[0]
        r = y - x @ coef
        s = robust_std(r[use])
        if not np.isfinite(s) or s <= 0:
            break
        use = np.abs(r) < 3.0 * s
    grid = np.linspace(0.0, period, 200, endpoint=False)
    gp = 2.0 * np.pi * np.outer(grid, np.arange(1, n_harmonics + 1)) / period
    model = np.column_stack([np.sin(gp), np.cos(gp)]) @ coef[1:]
    return float(0.5 * (model.max() - model.min()))


def _binned_variable(t, flux, period: float, white: float, min_variability: float) -> bool:
    """The variability test on means over a tenth of the rotation, or four cadences if longer
    (at most a quarter of the rotation), about their running median over 31 bins (three
    rotations for tenth-rotation bins: drifts are not rotation): a faint star's rotation can
    hide below its per-point noise and still dominate every transit-length average. The
    robust (MAD) scatter still ignores a binary's eclipses."""
    from scipy.ndimage import median_filter

    cadence = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    width = min(max(0.1 * period, 4.0 * cadence), 0.25 * period)
    if not (cadence > 0 and width > 1.5 * cadence):
        return False
    _, fb, nb = bin_in_time(t, flux, width)
    full = nb >= 0.5 * np.median(nb)
    if np.count_nonzero(full) < 40:
        return False
    fb, nb = fb[full], nb[full]
    spread = robust_std(fb - median_filter(fb, size=31, mode="nearest"))
    return bool(spread > min_variability * white / np.sqrt(float(np.median(nb))))


def rotation_model(
    t,
    flux,
    *,
    min_window: float = 0.75,
    min_variability: float = 3.0,
    other_periods: bool = True,
) -> RotationModel:
    """:func:`rotation_period`, :func:`choose_rotation_model` and, when harmonics are fitted,
    :func:`modulation_amplitude` and the other coherent periods
    (:func:`~starskope.clean.prewhiten.prewhiten`), in one call.

    Parameters
    ----------
    t, flux : array-like
        Finite, sorted times (days) and relative flux.
    min_window : float, optional
        Shortest window, days (see :func:`choose_rotation_model`).
    min_variability : float, optional
        No harmonics unless the light curve's robust (MAD) scatter exceeds this many times its
        point-to-point white noise: rotation moves most of the points, whereas the eclipses of a
        binary or the transits of a hot Jupiter move only a few, which the MAD ignores (their
        periodogram peak is not a rotation, and is left to the local cubic and the vetting).
        A rotation shorter than two days also passes when means over a tenth of it do
        (:func:`_binned_variable`; a faint, fast rotator).
    other_periods : bool, optional
        Also look for the other coherent periods (three more periodograms; the detrending does
        not need them, the vetting of a planet-like candidate does, see
        :func:`coherent_periods`).

    Returns
    -------
    RotationModel
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    white = point_noise(flux)
    variable = robust_std(flux) > min_variability * white
    m = choose_rotation_model(rotation_period(t, flux), min_window=min_window)
    if m.n_harmonics > 0 and twice_the_period(t, flux, m.period):
        m = choose_rotation_model(2.0 * m.period, min_window=min_window)
    if variable and m.n_harmonics == 0:
        return m
    if not variable and (
        m.n_harmonics == 0 or not _binned_variable(t, flux, m.period, white, min_variability)
    ):
        return choose_rotation_model(None, min_window=min_window)
    if not variable and dips_not_rotation(t, flux, m.period):
        # (a star whose points the variability moves is variable, whatever its folded shape: a
        # lone spot is hidden half a turn, a flat half and a broad dip)
        return choose_rotation_model(None, min_window=min_window)
    amp = modulation_amplitude(t, flux, period=m.period, n_harmonics=max(3, m.n_harmonics))
    m = dataclasses.replace(m, amplitude=amp)
    return coherent_periods(t, flux, m) if other_periods else m


def dips_not_rotation(
    t, flux, period: float, *, n_bins: int = 50, ratio: float = 5.0, widest: float = 0.2
) -> bool:
    """True when the light curve folded on ``period`` is flat but for a few phase bins far
    below it: a train of transits or eclipses, which the periodogram takes for the strongest
    periodicity of a quiet star with some red noise, not a rotation (whose dips are broad: a
    spot in view dims the star for half a turn or more). The medians of ``n_bins`` phase bins:
    their median's height above the lowest exceeds ``ratio`` times their robust spread, and at
    most ``widest`` of them are below half that height.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 30.0, 0.0204)
    >>> noise = 2e-4 * np.random.default_rng(0).standard_normal(t.size)
    >>> transits = 1 - 4e-3 * (np.abs((t + 0.6) % 1.2 - 0.6) < 0.07) + noise
    >>> spots = 1 + 4e-3 * np.sin(2 * np.pi * t / 1.2) + noise
    >>> one_spot = 1 - 4e-3 * np.clip(np.cos(2 * np.pi * t / 1.2), 0, None) + noise
    >>> [dips_not_rotation(t, f, 1.2) for f in (transits, spots, one_spot)]
    [True, False, False]
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if not (np.isfinite(period) and period > 0) or t.size < 5 * n_bins:
        return False
    k = np.minimum((((t - t[0]) / period) % 1.0 * n_bins).astype(int), n_bins - 1)
    counts = np.bincount(k, minlength=n_bins)
    prof = np.array([np.median(flux[k == b]) for b in np.flatnonzero(counts >= 3)])
    if prof.size < 0.8 * n_bins:
        return False
    spread = robust_std(prof)
    height = np.median(prof) - prof.min()
    narrow = np.mean(prof < np.median(prof) - 0.5 * height) <= widest
    return bool(spread > 0 and height > ratio * spread and narrow)


def coherent_periods(t, flux, model: RotationModel) -> RotationModel:
    """``model`` with ``other_periods``: the star's coherent periods other than the rotation
    (:func:`~starskope.clean.prewhiten.prewhiten`; a pulsator's other modes, a second star)."""
    from .prewhiten import prewhiten

    others = tuple(p for p in prewhiten(t, flux).periods if abs(p / model.period - 1.0) > 0.01)
    return dataclasses.replace(model, other_periods=others)


def rotation_trend(
    t,
    flux,
    *,
    model: RotationModel,
    transit_mask=None,
    segments=None,
    degree: int = 2,
    n_iter: int = 6,
    cval: float = 6.0,
) -> np.ndarray:
    """The trend of a spotted star: robust local polynomial plus rotation harmonics, per segment.

    Parameters
    ----------
    t, flux : array-like
        Finite, sorted times (days) and flux.
    model : RotationModel
        Period, window and number of harmonics (see :func:`choose_rotation_model`).
    transit_mask : array-like of bool, optional
        Cadences to ignore in the fits (found transits).
    segments : array-like of int, optional
        Segment labels (default: :func:`~starskope.clean.masking.find_segments`).
    degree : int, optional
        Degree of the local polynomial (with harmonics; 3 without).
    n_iter : int, optional
        Most Tukey-biweight reweighting iterations (they stop once the fit stops moving).
    cval : float, optional
        Biweight tuning constant, in median absolute residuals.

    Returns
    -------
    ndarray
        The trend, same length as ``flux``, NaN-free.
    """
    from ._kernels import local_harmonic_trend

    t = np.ascontiguousarray(t, dtype=float)
    flux = np.ascontiguousarray(flux, dtype=float)
    use = (
        np.ones(t.size, dtype=bool)
        if transit_mask is None
        else ~np.ascontiguousarray(transit_mask, dtype=bool)
    )
    seg = find_segments(t) if segments is None else np.asarray(segments)
    n_harm = int(model.n_harmonics)
    deg = degree if n_harm > 0 else 3
    trend = np.empty_like(flux)
    bounds = np.flatnonzero(np.diff(seg)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, t.size], strict=True):
        tt, ff, uu = t[lo:hi], flux[lo:hi], use[lo:hi]
        part = np.full(hi - lo, np.nan)
        if hi - lo >= 10 and uu.sum() >= 10:
            cadence = float(np.median(np.diff(tt)))
            spacing = max(model.window / 12.0, cadence)
            min_side = max(3, int(0.25 * 0.5 * model.window / max(cadence, 1e-9)))
            part = local_harmonic_trend(
                tt,
                ff,
                uu,
                float(model.window),
                spacing,
                deg,
                float(model.period),
                n_harm,
                n_harm > 0,
                n_iter,
                cval,
                min_side,
            )
        # a window fitted on too little data can extrapolate far from the light curve (a trend
        # below zero under a star at 1): such nodes' points take their neighbours' trend
        lo_f, hi_f = np.percentile(ff, [0.1, 99.9]) if ff.size else (np.nan, np.nan)
        reach = hi_f - lo_f
        good = np.isfinite(part) & (part > lo_f - reach) & (part < hi_f + reach)
        if good.sum() > 1:
            part = np.interp(tt, tt[good], part[good])
        else:
            part = np.full(hi - lo, np.median(ff))
        trend[lo:hi] = part
    return trend
