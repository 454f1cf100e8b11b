"""Prewhitening of coherent pulsations: a delta Scuti star's modes removed before detrending.

A delta Scuti star pulsates in several modes with periods of half an hour to a few hours and
amplitudes up to per cent: on a transit's own time scale, so no sliding-window detrender can
follow them, and a planet's transits drown in them. The modes are, however, coherent over the
whole light curve, so each is a sinusoid that the standard prewhitening takes out one at a
time (Breger et al. 1993): the highest peak of the Lomb-Scargle periodogram of what is left,
kept while its amplitude stands out of the periodogram's local noise (signal-to-noise 4 in
amplitude there; 5 here by default), refitted with the earlier modes by least squares.

A transit or eclipse train also has Fourier peaks, at the harmonics of its period, and
removing them would take the dips with them. What sets them apart is where their power
lies: a pulsation moves every point, a train of dips only the few points in them. So a mode
is kept only when taking it out lowers the light curve's robust (MAD) scatter by at least
half of what a sinusoid of its amplitude explains; a dip train's harmonic, subtracted from
the flat majority of points outside the dips, raises it instead, and prewhitening stops
there.

References
----------
.. [1] Breger, M., et al. 1993, A&A 271, 482, "Nonradial pulsation of the delta Scuti star
   BU Cancri in the Praesepe cluster" (the amplitude signal-to-noise criterion).
.. [2] VanderPlas, J. T. 2018, ApJS 236, 16, "Understanding the Lomb-Scargle Periodogram".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .masking import robust_std

__all__ = ["Pulsations", "remove_pulsations"]


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


def _high_pass(t: np.ndarray, y: np.ndarray, width: float) -> np.ndarray:
    """``y`` less its running median over ``width`` days (binned, then interpolated): the
    slow variability that would leak into the periodogram through the data's gaps."""
    edges = np.arange(t[0], t[-1] + width, width / 4.0)
    idx = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, edges.size - 1)
    counts = np.bincount(idx, minlength=edges.size)
    keep = np.flatnonzero(counts >= 3)
    if keep.size < 2:
        return y - np.median(y)
    med = np.array([np.median(y[idx == k]) for k in keep])
    centres = np.array([np.median(t[idx == k]) for k in keep])
    # a running median of the quarter-width bins' medians over the width
    smooth = np.array(
        [np.median(med[np.abs(centres - c) <= 0.5 * width]) for c in centres], dtype=float
    )
    return y - np.interp(t, centres, smooth)


def _design(t: np.ndarray, freqs: list[float]) -> np.ndarray:
    cols = [np.ones_like(t)]
    for f in freqs:
        ph = 2.0 * np.pi * f * t
        cols += [np.sin(ph), np.cos(ph)]
    return np.column_stack(cols)


def _refined(freq: np.ndarray, power: np.ndarray, k: int) -> float:
    """The peak's frequency from a parabola through the grid's three highest points."""
    if 0 < k < freq.size - 1:
        a, b, c = power[k - 1], power[k], power[k + 1]
        den = a - 2.0 * b + c
        if den < 0:
            return float(freq[k] + 0.5 * (a - c) / den * (freq[1] - freq[0]))
    return float(freq[k])


def _fundamental(f, removed, freq, amp, resolution, lowest, below: bool) -> float | None:
    """A frequency of which ``f`` is a harmonic (or which is a harmonic of ``f``): one of the
    ``removed`` modes, or, with ``below``, a peak at ``f / k`` (k = 2-6, at least ``lowest``)
    at least half as high as ``f``'s; None when there is none."""
    for g in removed:
        hi, lo = max(f, g), min(f, g)
        k = round(hi / lo)
        if k >= 2 and abs(hi - k * lo) < resolution:
            return float(lo)
    if not below:
        return None
    a_f = float(np.interp(f, freq, amp))
    for k in range(2, 7):
        g = f / k
        if g < lowest:
            break
        near = np.abs(freq - g) <= resolution
        if near.any() and float(amp[near].max()) >= 0.5 * a_f:
            return float(freq[near][np.argmax(amp[near])])
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
        the prewhitening stops (the peak is a harmonic of a train of dips).
    high_pass_days : float, optional
        Width of the running median subtracted before the periodogram and the fits.
    lowest_fundamental : float, optional
        A peak that is a harmonic of the strongest mode, or a first peak that is one of a
        peak at least half as high down to this frequency (cycles per day), marks a
        non-sinusoidal periodic variable (an RR Lyrae star, a contact binary): nothing is
        removed then.

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
    from .lombscargle import lomb_scargle

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
    coef = np.zeros(1)
    model = np.zeros_like(flux)
    stopped = f"no further peak {min_snr:g} times the local noise"
    # the grid reaches below the modes' range, where a non-sinusoidal variable's fundamental
    # lies (an RR Lyrae star's, a contact binary's)
    lo_grid = max(min(min_frequency - 0.5 * noise_window, lowest_fundamental), 1.0 / span)
    resolution = 1.5 / span
    scatter = robust_std(resid) ** 2
    for _ in range(max_modes):
        freq, power = lomb_scargle(
            t, resid - model, minimum_frequency=lo_grid, maximum_frequency=hi
        )
        amp = np.sqrt(np.clip(power, 0.0, None))
        usable = np.flatnonzero(freq >= min_frequency)
        k = int(usable[np.argmax(amp[usable])])
        near = np.abs(freq - freq[k]) <= 0.5 * noise_window
        noise = float(np.mean(amp[near]))
        if not (noise > 0 and amp[k] >= min_snr * noise):
            break
        f = _refined(freq, power, k)
        if any(abs(f - g) < resolution for g in freqs):  # the same mode again: refit leftover
            stopped = f"a peak at {f:.4f} c/d beside a removed mode"
            break
        base = _fundamental(f, freqs[:1], freq, amp, resolution, lowest_fundamental, not freqs)
        if base is not None:
            # the strongest signal with its harmonics is a non-sinusoidal variable (an RR Lyrae
            # star, a contact binary): its shape is the detrending's and the search's (which
            # subtracts a repeating folded shape), not a sum of modes. (A weaker mode at a
            # simple ratio of another weak one is a mode, or a combination frequency.)
            return Pulsations(
                np.zeros_like(flux),
                (),
                (),
                f"the peak at {f:.4f} c/d is a harmonic of {base:.4f} c/d: a non-sinusoidal"
                " periodic variable, left to the detrending and the search",
            )
        x = _design(t, [*freqs, f])
        whole = np.linalg.lstsq(x, resid, rcond=None)[0]  # every point: what the peak holds
        a_whole = float(np.hypot(whole[-2], whole[-1]))
        trial, w = whole, np.ones_like(t)
        for _ in range(3):  # dips (transits, eclipses) and flares left out of the fit
            e = resid - x @ trial
            w = (np.abs(e) < 4.0 * robust_std(e)).astype(float)
            trial = np.linalg.lstsq(x * w[:, None], resid * w, rcond=None)[0]
        a_new = float(np.hypot(trial[-2], trial[-1]))
        after = robust_std(resid - x[:, 1:] @ whole[1:]) ** 2
        # a pulsation moves every point: the fit without the outliers keeps its amplitude,
        # and removing it lowers the bulk's scatter; a dip train's harmonic lives in the dips
        # alone: without them its amplitude vanishes, and subtracting it from the flat bulk
        # raises the scatter
        if not (a_new >= 0.5 * a_whole and scatter - after >= min_scatter_share * 0.5 * a_whole**2):
            stopped = (
                f"the peak at {f:.4f} c/d (amplitude {a_whole * 1e6:.0f} ppm, {a_new * 1e6:.0f}"
                " ppm without the outlying points) is not a pulsation's: a harmonic of dips"
            )
            break
        freqs.append(f)
        coef, model = trial, x[:, 1:] @ trial[1:]
        scatter = robust_std(resid - model) ** 2
    if not freqs:
        return Pulsations(np.zeros_like(flux), (), (), stopped)
    amps = tuple(float(np.hypot(coef[1 + 2 * i], coef[2 + 2 * i])) for i in range(len(freqs)))
    return Pulsations(model, tuple(freqs), amps, stopped)
