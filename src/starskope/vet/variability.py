"""Is a transit-like signal the star's own variability? Match against the dominant period.

A spotted or pulsating star (or an ellipsoidal binary) varies coherently by per cent; a
sliding-window detrender leaves part of each cycle behind as a dip, at the variability period
(or twice it, or half), which the box search then finds with many 'transits'. The Kepler
Robovetter rejects a signal whose ephemeris matches another, stronger signal's; here the
stronger signal is the star's dominant Lomb-Scargle period on the *undetrended* light curve.

The test is raised when the candidate's period is within 1% of that period (or of twice or
half it) and the variability's peak-to-peak amplitude is at least the transit depth.
A transit cannot fake this: a box of depth ``d`` and duty cycle ``q`` puts a peak-to-peak
amplitude of at most ``4 d q / k`` into its ``k``-th harmonic, below ``0.6 d`` for ``q <= 0.15``.

References
----------
.. [1] Coughlin, J. L. et al. 2016, ApJS 224, 12 (Robovetter ephemeris matching).
.. [2] VanderPlas, J. T. 2018, ApJS 236, 16, "Understanding the Lomb-Scargle Periodogram".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..result import VetFlag

__all__ = [
    "HARMONICS",
    "ROTATION_RATIOS",
    "Variability",
    "dominant_variability",
    "variability_match",
]

#: Period ratios (candidate / variability) that count as a match.
HARMONICS = (1.0, 2.0, 0.5)
#: Wider set for a modulation that the rotation detrender followed with harmonics: what a
#: contact or ellipsoidal binary, an RR Lyrae or a two-spot star leaves behind (unequal minima,
#: features sharper than the fitted harmonics) repeats at its period's multiples and harmonics.
#: Only integer ratios: a residual of a periodic signal folds at P k or P / n, and the
#: non-integer ratios kept before (3/2, 2/3, 4/3, 3/4) matched clear injected planets by chance
#: (2-3 % of them at SNR 12-40; benchmarks/bench_vet_planets.py) without catching one more
#: false positive on the real light curves (benchmarks/bench_realsky.py).
ROTATION_RATIOS = (1.0, 2.0, 0.5, 3.0, 1.0 / 3.0)


@dataclass(frozen=True)
class Variability:
    """The dominant sinusoidal variability of a light curve.

    Attributes
    ----------
    period : float
        Period of the highest Lomb-Scargle peak, days.
    peak_to_peak : float
        Peak-to-peak amplitude of the best-fitting sinusoid at that period, relative flux.
    power : float
        Normalised Lomb-Scargle power of the peak (0-1).
    baseline : float
        Time span of the data, days.
    ratios : tuple of float
        Candidate / variability period ratios that count as this variability's residual
        (default :data:`HARMONICS`; :data:`ROTATION_RATIOS` for a modulation the rotation
        detrender removed).
    source : str
        Where it was measured (for the reason text).
    """

    period: float
    peak_to_peak: float
    power: float
    baseline: float
    ratios: tuple[float, ...] = HARMONICS
    source: str = "Lomb-Scargle"


def dominant_variability(
    t, flux, *, min_period: float = 0.1, max_period: float | None = None
) -> Variability | None:
    """Strongest Lomb-Scargle peak of a light curve that has *not* been detrended.

    Parameters
    ----------
    t : array-like
        Times in days.
    flux : array-like
        Flux (any level; normalised by its median here).
    min_period, max_period : float, optional
        Period range in days; the longest defaults to half the time span.

    Returns
    -------
    Variability or None
        None when there are too few finite points or no positive median flux.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 60, 0.02)
    >>> v = dominant_variability(t, 1 + 0.01 * np.sin(2 * np.pi * t / 3.3))
    >>> round(v.period, 2), round(v.peak_to_peak, 3)
    (3.3, 0.02)
    """
    from astropy.timeseries import LombScargle

    t = np.asarray(t, dtype=float)
    f = np.asarray(flux, dtype=float)
    ok = np.isfinite(t) & np.isfinite(f)
    t, f = t[ok], f[ok]
    if t.size < 20:
        return None
    med = float(np.median(f))
    if not med > 0:
        return None
    y = f / med - 1.0
    span = float(t.max() - t.min())
    longest = 0.5 * span if max_period is None else min(float(max_period), 0.5 * span)
    if not longest > min_period:
        return None
    from ..clean.lombscargle import lomb_scargle
    from ..clean.rotation import periodogram_sample

    tb, yb = periodogram_sample(t, y)
    freq, power = lomb_scargle(
        tb, yb, minimum_frequency=1.0 / longest, maximum_frequency=1.0 / min_period
    )
    if not np.isfinite(power).any():  # constant flux
        return None
    k = int(np.nanargmax(power))
    theta = LombScargle(tb, yb).model_parameters(freq[k])
    amp = 2.0 * math.hypot(float(theta[1]), float(theta[2]))
    return Variability(
        period=float(1.0 / freq[k]), peak_to_peak=amp, power=float(power[k]), baseline=span
    )


def variability_match(
    period: float,
    depth: float,
    variability: Variability | Sequence[Variability] | None,
    *,
    tolerance: float = 0.01,
    min_power: float = 0.05,
) -> VetFlag:
    """Flag a candidate whose period is the star's dominant variability period (or a harmonic).

    Parameters
    ----------
    period : float
        Candidate period, days.
    depth : float
        Candidate depth, relative flux.
    variability : Variability, sequence of Variability, or None
        From :func:`dominant_variability` on the cleaned, undetrended light curve, and/or the
        modulation the rotation detrender removed; the first that matches raises the flag.
    tolerance : float, optional
        Relative period match. Narrower than a periodogram peak of a few cycles on purpose:
        the variability residuals this catches have many cycles and match to 0.2%, whereas
        a 3% window rejected a real injected planet at 0.512 of a 9.7-d modulation (and any
        window rejects a planet whose period a strongly variable star happens to share, with
        a chance of about ``6 * tolerance / ln(P_max / P_min)``: 1.3% at 1%).
    min_power : float, optional
        Lomb-Scargle power the variability needs to count.

    Returns
    -------
    VetFlag
        Named ``"variability"``; its value is the peak-to-peak amplitude over the depth.

    Examples
    --------
    >>> v = Variability(period=1.465, peak_to_peak=0.034, power=0.95, baseline=65.0)
    >>> variability_match(1.4655, 0.002, v).raised
    True
    >>> variability_match(3.7, 0.002, v).raised
    False
    """
    sources = (
        ()
        if variability is None
        else (variability,)
        if isinstance(variability, Variability)
        else tuple(v for v in variability if v is not None)
    )
    if not sources or not (period > 0 and depth > 0):
        return VetFlag("variability", False, None, "no variability measured")
    tol = tolerance
    for v in sources:
        ratio = period / v.period
        hit = next((h for h in v.ratios if abs(ratio / h - 1.0) <= tol), None)
        if hit is None or v.peak_to_peak < depth or v.power < min_power:
            continue
        rel = v.peak_to_peak / depth
        return VetFlag(
            "variability",
            True,
            float(rel),
            f"the star varies at {v.period:.4g} d ({v.source}, power {v.power:.2f}, "
            f"peak-to-peak {v.peak_to_peak * 1e6:.0f} ppm, {rel:.1f}x the depth) and the signal's "
            f"period is {_ratio_text(hit)} that (within {100 * tol:.1f}%): a residual of the "
            "variability (spots, a binary's or a pulsator's light curve), not a transit",
        )
    v = sources[0]
    rel = v.peak_to_peak / depth
    return VetFlag(
        "variability",
        False,
        float(rel),
        f"dominant variability {v.period:.4g} d ({v.source}, power {v.power:.2f}, peak-to-peak "
        f"{v.peak_to_peak * 1e6:.0f} ppm, {rel:.1f}x the depth); the period is no simple "
        f"multiple of it within {100 * tol:.1f}%, or the variability is weaker than the dip",
    )


def _ratio_text(h: float) -> str:
    from fractions import Fraction

    f = Fraction(h).limit_denominator(4)
    return (
        "the same as"
        if f == 1
        else f"{f.numerator}/{f.denominator} x"
        if f.denominator > 1
        else f"{f.numerator} x"
    )
