"""Prewhitening: remove a spotted star's coherent rotational modulation before detrending.

A fast rotator (periods of hours to a few days, amplitudes of per cent) leaves more residual
variability behind any sliding-window detrender than a transit's depth: the window would have
to be shorter than the transit to follow it. The modulation is, however, coherent over weeks,
so a few sinusoids at the rotation period and its harmonics (found one at a time with a
Lomb-Scargle periodogram, fitted by least squares with the dips clipped) take most of it out
while leaving short, incoherent transits alone. The sliding-window detrender then handles what
is left (spot evolution, systematics).

References
----------
.. [1] Lomb, N. R. 1976, Ap&SS 39, 447; Scargle, J. D. 1982, ApJ 263, 835.
.. [2] VanderPlas, J. T. 2018, ApJS 236, 16, "Understanding the Lomb-Scargle Periodogram".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .masking import point_noise, robust_std

__all__ = ["Prewhitening", "prewhiten"]


@dataclass(frozen=True)
class Prewhitening:
    """Result of :func:`prewhiten`.

    Attributes
    ----------
    model : ndarray
        The removed modulation, relative flux about 0 (divide the flux by ``1 + model``).
    periods : tuple of float
        Periods (days) of the accepted terms, strongest first.
    amplitudes : tuple of float
        Root-mean-square of each accepted term, relative flux.
    """

    model: np.ndarray
    periods: tuple[float, ...]
    amplitudes: tuple[float, ...]


def prewhiten(
    t,
    flux,
    *,
    max_terms: int = 3,
    min_period: float = 0.1,
    max_period: float = 20.0,
    shortest_harmonic: float = 0.25,
    max_harmonics: int = 5,
    min_amplitude: float = 2.0,
    min_variability: float = 3.0,
) -> Prewhitening:
    """Fit and remove up to ``max_terms`` periodic terms (a period and its harmonics each).

    Parameters
    ----------
    t, flux : array-like
        Finite times (days) and relative flux (about 1).
    max_terms : int, optional
        Most periods removed.
    min_period, max_period : float, optional
        Lomb-Scargle search range, days (``max_period`` is capped at half the baseline).
    shortest_harmonic : float, optional
        Harmonics are used down to this period (days), so that no term is as short as a
        transit.
    max_harmonics : int, optional
        Most harmonics per period.
    min_amplitude : float, optional
        A term is kept only when its rms exceeds this many times the two-hour white noise.
    min_variability : float, optional
        Nothing is removed unless the light curve's robust (MAD) scatter exceeds this many times
        its point-to-point white noise: rotation moves most of the points, whereas eclipses or
        transits move only a few, which the MAD ignores (an eclipsing binary is left alone).

    Returns
    -------
    Prewhitening
        ``model`` is all zeros when nothing significant was found.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 60.0, 0.0204)
    >>> f = 1 + 0.01 * np.sin(2 * np.pi * t / 0.8) + np.random.default_rng(0).normal(0, 3e-4, t.size)
    >>> pw = prewhiten(t, f)
    >>> round(pw.periods[0], 2), bool(np.std(f / (1 + pw.model)) < 5e-4)
    (0.8, True)
    """
    from .lombscargle import lomb_scargle, sinusoid_design

    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    model = np.zeros_like(flux)
    out = Prewhitening(model, (), ())
    if t.size < 100 or t[-1] - t[0] < 2.0 * min_period:
        return out
    white = point_noise(flux)
    cadence = float(np.median(np.diff(t)))
    noise_2h = white / np.sqrt(max(1.0, (2.0 / 24.0) / cadence))
    if not (np.isfinite(noise_2h) and noise_2h > 0):
        return out
    if not robust_std(flux) > min_variability * white:
        return out
    hi = min(max_period, 0.5 * (t[-1] - t[0]))
    if hi <= min_period:
        return out
    resid = flux / np.median(flux) - 1.0
    periods, amps = [], []
    for _ in range(max_terms):
        freq, power = lomb_scargle(
            t, resid, minimum_frequency=1.0 / hi, maximum_frequency=1.0 / min_period
        )
        period = float(1.0 / freq[int(np.argmax(power))])
        n_harm = int(max(1, min(max_harmonics, np.floor(period / shortest_harmonic))))
        x = sinusoid_design(t, [k / period for k in range(1, n_harm + 1)])
        w = np.ones_like(t)
        for _ in range(4):  # clip outliers (transits, flares) from the fit
            coef = np.linalg.lstsq(x * w[:, None], resid * w, rcond=None)[0]
            e = resid - x @ coef
            s = robust_std(e)
            w = (np.abs(e) < 3.0 * s).astype(float)
        term = x[:, 1:] @ coef[1:]
        rms = float(np.std(term))
        if not rms > min_amplitude * noise_2h:
            break
        model += term
        resid = resid - term
        periods.append(period)
        amps.append(rms)
    return Prewhitening(model, tuple(periods), tuple(amps))
