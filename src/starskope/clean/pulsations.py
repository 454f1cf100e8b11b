"""Prewhitening of coherent pulsations: a delta Scuti star's modes removed before detrending.

A delta Scuti star pulsates in several modes with periods of half an hour to a few hours and
amplitudes up to per cent: on a transit's own time scale, so no sliding-window detrender can
follow them, and a planet's transits drown in them. The modes are, however, coherent over the
whole light curve, so each is a sinusoid that the standard prewhitening takes out one at a
time (Breger et al. 1993): the highest peak of the Lomb-Scargle periodogram of what is left,
kept while its amplitude stands out of the periodogram's local noise (signal-to-noise 4 in
amplitude there; 5 here by default), each fitted by least squares on what the earlier ones
left, and all refitted together at the end.

A transit or eclipse train also has Fourier peaks, at the harmonics of its period, and
removing them would take the dips with them. Three rules keep them out:

- a mode must carry a share of the light curve's scatter (5% for the first, a star whose
  pulsations dominate it; 2% of what is left for later ones): a shallow planet's harmonics,
  significant in a long light curve but a tiny share of its scatter, never do;
- a pulsation moves every point, a train of dips only the few points in them: fitted without
  the outlying points, a deep train's harmonic loses its amplitude (the prewhitening stops
  there), and subtracting a shallower one raises the bulk's robust scatter instead of lowering
  it (that peak is left in, and the next one tried);
- harmonics of the strongest signal (5% of its amplitude or more, or a first peak whose
  fundamental, at a simple ratio, stands at least half as high) mark a non-sinusoidal
  variable, an RR Lyrae star or a contact binary: nothing is removed then, and the detrending
  and the search (which subtracts a repeating folded shape) treat it as before.

References
----------
.. [1] Breger, M., et al. 1993, A&A 271, 482, "Nonradial pulsation of the delta Scuti star
   BU Cancri in the Praesepe cluster" (the amplitude signal-to-noise criterion).
.. [2] VanderPlas, J. T. 2018, ApJS 236, 16, "Understanding the Lomb-Scargle Periodogram".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lombscargle import lomb_scargle, sinusoid_design
from .masking import robust_std

__all__ = ["Pulsations", "remove_pulsations"]

#: Largest light curve (points x fitted columns) whose modes are refitted together at the end
#: (a million points with ten modes is 21 million cells, 170 MB); a longer one keeps the
#: modes as fitted one at a time.
_JOINT_FIT_CELLS = 20_000_000


@dataclass(frozen=True)
class Pulsations:
    """Result of :func:`remove_pulsations`.

    Attributes
    ----------
    model : ndarray
        The removed pulsations, relative flux about 0 (divide the flux by ``1 + model``).
    frequencies : tuple of float
        Frequencies (cycles per day) of the removed modes, in the order found (strongest
        first).
    amplitudes : tuple of float
        Semi-amplitude of each removed mode, relative flux.
    stopped : str
        Why the prewhitening stopped (for the pipeline's reasons).
    """

    model: np.ndarray
    frequencies: tuple[float, ...]
    amplitudes: tuple[float, ...]
    stopped: str = ""


def _padded(values: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """``values[starts[i]:stops[i]]`` for every ``i`` as the rows of one NaN-padded array."""
    width = int((stops - starts).max())
    cols = starts[:, None] + np.arange(width)[None, :]
    inside = cols < stops[:, None]
    return np.where(inside, values[np.minimum(cols, values.size - 1)], np.nan)


def _high_pass(t: np.ndarray, y: np.ndarray, width: float) -> np.ndarray:
    """``y`` less its running median over ``width`` days (binned, then interpolated): the
    slow variability that would leak into the periodogram through the data's gaps. (``t``
    sorted: each quarter-width bin is one run of points.)"""
    edges = np.arange(t[0], t[-1] + width, width / 4.0)
    idx = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, edges.size - 1)
    counts = np.bincount(idx, minlength=edges.size)
    keep = np.flatnonzero(counts >= 3)
    if keep.size < 2:
        return y - np.median(y)
    starts = np.searchsorted(idx, keep, side="left")
    stops = starts + counts[keep]
    med = np.nanmedian(_padded(y, starts, stops), axis=1)
    centres = np.nanmedian(_padded(t, starts, stops), axis=1)
    # a running median of the quarter-width bins' medians over the width
    lo = np.searchsorted(centres, centres - 0.5 * width, side="left")
    hi = np.searchsorted(centres, centres + 0.5 * width, side="right")
    smooth = np.nanmedian(_padded(med, lo, hi), axis=1)
    return y - np.interp(t, centres, smooth)


def _sinusoid(t, y, f: float, keep=None) -> tuple[np.ndarray, float]:
    """Least-squares sinusoid at ``f`` (with an offset) through ``y`` (only where ``keep``):
    its values at every ``t`` (offset left out) and its semi-amplitude."""
    x = sinusoid_design(t, [f])
    rows = slice(None) if keep is None else keep
    coef = np.linalg.lstsq(x[rows], y[rows], rcond=None)[0]
    return x[:, 1:] @ coef[1:], float(np.hypot(coef[1], coef[2]))


def _refined(freq: np.ndarray, power: np.ndarray, k: int) -> float:
    """The peak's frequency from a parabola through the grid's three highest points."""
    if 0 < k < freq.size - 1:
        a, b, c = power[k - 1], power[k], power[k + 1]
        den = a - 2.0 * b + c
        if den < 0:
            return float(freq[k] + 0.5 * (a - c) / den * (freq[1] - freq[0]))
    return float(freq[k])


def _fundamental(f, removed, freq, amp, span, lowest, below: bool) -> float | None:
    """A frequency of which ``f`` is a harmonic (or which is a harmonic of ``f``): one of the
    ``removed`` modes, or, with ``below``, the top of a peak at ``f / k`` (k = 2-6, at least
    ``lowest``) at least half as high as ``f``'s; None when there is none.

    A harmonic is exact: within half a peak width (``0.5 / span``) of ``k`` times its
    fundamental, measured at ``f``; the periodogram is read at ``f / k`` itself, which must
    stand as high as the periodogram half a peak width to either side (a peak's top, not the
    flank of a neighbouring mode)."""
    tol = 0.5 / span
    for g in removed:
        hi, lo = max(f, g), min(f, g)
        k = round(hi / lo)
        if k >= 2 and abs(hi - k * lo) < tol:
            return float(lo)
    if not below:
        return None
    a_f = float(np.interp(f, freq, amp))
    for k in range(2, 7):
        g = f / k
        if g < lowest:
            break
        a_g, left, right = np.interp([g, g - tol, g + tol], freq, amp)
        if a_g >= 0.5 * a_f and a_g >= left and a_g >= right:
            return float(g)
    return None


def remove_pulsations(
    t,
    flux,
    *,
    min_frequency: float = 3.0,
    max_frequency: float | None = None,
    max_modes: int = 30,
    min_snr: float = 5.0,
    noise_window: float = 2.0,
    min_scatter_share: float = 0.5,
    high_pass_days: float = 1.0,
    lowest_fundamental: float = 1.0,
    min_first_share: float = 0.05,
    min_share: float = 0.02,
    strong_harmonic: float = 0.05,
    max_skipped: int = 3,
) -> Pulsations:
    """Find and remove coherent sinusoidal pulsations above ``min_frequency``.

    Parameters
    ----------
    t, flux : array-like
        Finite, sorted times (days) and flux (about a positive level).
    min_frequency : float, optional
        Lowest mode frequency, cycles per day (3: periods under 8 hours, which a detrending
        window cannot follow; slower variability is the detrender's).
    max_frequency : float, optional
        Highest, cycles per day; default the Nyquist frequency of the median cadence (modes
        above it appear at their aliases, which describe evenly sampled data as well), at most
        100.
    max_modes : int, optional
        Most modes removed.
    min_snr : float, optional
        A peak is a mode when its amplitude exceeds this many times the mean amplitude of the
        periodogram within ``noise_window / 2`` cycles per day of it (square roots of the
        Lomb-Scargle powers).
    noise_window : float, optional
        Width of that window, cycles per day.
    min_scatter_share : float, optional
        A mode is removed only when doing so lowers the light curve's robust variance by at
        least this share of the mode's own variance (half its amplitude squared); otherwise
        the peak is left in and the next one tried (``max_skipped`` such peaks in all).
    high_pass_days : float, optional
        Width of the running median subtracted before the periodogram and the fits.
    lowest_fundamental : float, optional
        A first peak that is a harmonic of a peak at least half as high down to this
        frequency (cycles per day), or a later one that is a harmonic of the strongest mode
        with ``strong_harmonic`` of its amplitude or more, marks a non-sinusoidal periodic
        variable (an RR Lyrae star, a contact binary): nothing is removed then.
    min_first_share, min_share : float, optional
        The first mode's variance (half its amplitude squared) must reach this share of the
        light curve's robust variance (a star whose pulsations dominate it), later ones
        ``min_share`` of what is left: a shallow planet's harmonics, significant in a long
        light curve but a tiny share of its scatter, are never removed.
    strong_harmonic : float, optional
        See ``lowest_fundamental``.
    max_skipped : int, optional
        Peaks that did not lower the scatter after which the prewhitening stops.

    Returns
    -------
    Pulsations
        ``model`` is all zeros when nothing was removed.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 60.0, 0.0204)
    >>> f = 1 + 0.004 * np.sin(2 * np.pi * 11.3 * t) + 0.002 * np.sin(2 * np.pi * 7.9 * t + 1)
    >>> f = f + np.random.default_rng(0).normal(0, 2e-4, t.size)
    >>> p = remove_pulsations(t, f)
    >>> [round(x, 3) for x in p.frequencies]
    [11.3, 7.9]
    >>> bool(np.std(f / (1 + p.model)) < 2.5e-4)
    True
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    none = Pulsations(np.zeros_like(flux), (), ())
    if t.size < 200:
        return none
    span = float(t[-1] - t[0])
    cadence = float(np.median(np.diff(t)))
    if not (span > 2.0 and cadence > 0):
        return none
    nyquist = 0.5 / cadence
    hi = min(nyquist if max_frequency is None else float(max_frequency), 100.0)
    if hi <= min_frequency + noise_window:
        return none
    level = float(np.median(flux))
    if not level > 0:
        return none
    resid = _high_pass(t, flux / level - 1.0, high_pass_days)
    freqs: list[float] = []
    amps: list[float] = []
    skipped: list[float] = []
    model = np.zeros_like(flux)
    keep = np.ones(t.size, dtype=bool)  # points no mode's fit left out
    stopped = f"no further peak {min_snr:g} times the local noise"
    # the grid reaches below the modes' range, where a non-sinusoidal variable's fundamental
    # lies (an RR Lyrae star's, a contact binary's)
    lo_grid = max(min(min_frequency - 0.5 * noise_window, lowest_fundamental), 1.0 / span)
    resolution = 1.5 / span
    for _step in range(max_modes + max_skipped):
        if len(freqs) >= max_modes:
            stopped = f"the most modes removed ({max_modes})"
            break
        left = resid - model
        freq, power = lomb_scargle(t, left, minimum_frequency=lo_grid, maximum_frequency=hi)
        amp = np.sqrt(np.clip(power, 0.0, None))
        pick = amp.copy()
        pick[freq < min_frequency] = 0.0
        for g in skipped:  # peaks judged not to be modes are not picked again
            pick[np.abs(freq - g) < resolution] = 0.0
        k = int(np.argmax(pick))
        near = np.abs(freq - freq[k]) <= 0.5 * noise_window
        noise = float(np.mean(amp[near]))
        if not (noise > 0 and amp[k] >= min_snr * noise):
            stopped = f"no further peak {min_snr:g} times the local noise"
            break
        f = _refined(freq, power, k)
        if any(abs(f - g) < resolution for g in freqs):  # the same mode again: refit leftover
            stopped = f"a peak at {f:.4f} c/d beside a removed mode"
            break
        term, a_whole = _sinusoid(t, left, f)  # every point: what the peak holds
        base = _fundamental(f, freqs[:1], freq, amp, span, lowest_fundamental, not freqs)
        if base is not None and (not freqs or a_whole >= strong_harmonic * amps[0]):
            # the strongest signal with strong harmonics is a non-sinusoidal variable (an RR
            # Lyrae star, a contact binary): its shape is the detrending's and the search's
            # (which subtracts a repeating folded shape), not a sum of modes. (A pulsator's own
            # weak harmonics, and a weaker mode at a simple ratio of another, are modes.)
            return Pulsations(
                np.zeros_like(flux),
                (),
                (),
                f"the peak at {f:.4f} c/d is a harmonic of {base:.4f} c/d: a non-sinusoidal"
                " periodic variable, left to the detrending and the search",
            )
        # a mode must carry a sizeable share of what varies (the first one more: a star whose
        # pulsations dominate it): a shallow planet's harmonics, significant in a long light
        # curve but a tiny share of its scatter, are never removed
        need = min_first_share if not freqs else min_share
        if 0.5 * a_whole**2 < need * robust_std(left) ** 2:
            stopped = (
                f"the next peak ({f:.4f} c/d, {a_whole * 1e6:.0f} ppm) carries under"
                f" {100 * need:g}% of the scatter left"
            )
            break
        w = np.ones(t.size, dtype=bool)
        clipped, a_clip = term, a_whole
        for _ in range(3):  # dips (transits, eclipses) and flares left out of the fit
            e = left - clipped
            w = np.abs(e - np.median(e)) < 4.0 * robust_std(e)
            clipped, a_clip = _sinusoid(t, left, f, keep=w)
        # a pulsation moves every point: the fit without the outliers keeps its amplitude
        # (a deep dip train's harmonic lives in the dips alone, and vanishes there) ...
        if a_clip < 0.5 * a_whole:
            stopped = (
                f"the peak at {f:.4f} c/d (amplitude {a_whole * 1e6:.0f} ppm, {a_clip * 1e6:.0f}"
                " ppm without the outlying points) is not a pulsation's: a harmonic of dips"
            )
            break
        # ... and removing it lowers the bulk's scatter (a dip train's harmonic, subtracted
        # from the flat majority of points, raises it); a peak that does not is left in and
        # the next one tried
        before = robust_std(left) ** 2
        if before - robust_std(left - term) ** 2 < min_scatter_share * 0.5 * a_whole**2:
            skipped.append(f)
            if len(skipped) >= max_skipped:
                stopped = (
                    f"{max_skipped} peaks (the last at {f:.4f} c/d) did not lower the scatter"
                    " as pulsations would"
                )
                break
            continue
        freqs.append(f)
        amps.append(a_clip)
        model = model + clipped
        keep &= w
    if not freqs:
        return Pulsations(np.zeros_like(flux), (), (), stopped)
    if t.size * (2 * len(freqs) + 1) <= _JOINT_FIT_CELLS:  # all modes refitted together
        x = sinusoid_design(t, freqs)
        coef = np.linalg.lstsq(x[keep], resid[keep], rcond=None)[0]
        model = x[:, 1:] @ coef[1:]
        amps = [float(np.hypot(coef[1 + 2 * i], coef[2 + 2 * i])) for i in range(len(freqs))]
    return Pulsations(model, tuple(freqs), tuple(amps), stopped)
