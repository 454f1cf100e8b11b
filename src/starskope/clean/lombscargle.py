"""The Lomb-Scargle periodogram of rotation, variability and prewhitening, on one grid.

:func:`lomb_scargle` returns astropy's ``LombScargle(t, y).autopower(...)`` (standard
normalisation, floating mean, the same frequency grid) computed with nifty-ls (Garrison et al.
2024, a non-uniform FFT; 7x faster than astropy's ``autopower`` on a 3197-point K2 light curve
and 18x on a TESS 2-minute sector, ``benchmarks/bench_search_speed.py``) when it is installed,
and with astropy otherwise. The two agree to about 1e-10 in power (``tests/clean/test_lombscargle.py``).
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["lomb_scargle", "frequency_grid", "sinusoid_design"]


@cache
def _nifty_available() -> bool:
    # once per process: nifty-ls probes every backend by importing it (about a millisecond,
    # as long as the periodogram itself on a K2 light curve)
    try:
        from nifty_ls.backends import available_backends
    except ImportError:
        return False
    return "finufft" in available_backends()


#: Most frequencies a Lomb-Scargle grid may hold (memory: a grid this long and its power take
#: a few hundred MB; times in seconds read as days asked for billions).
MAX_FREQUENCIES = 20_000_000


def frequency_grid(t, *, minimum_frequency: float, maximum_frequency: float, samples_per_peak=10):
    """astropy's ``LombScargle.autofrequency`` for given limits: ``(f0, df, n)``.

    Examples
    --------
    >>> f0, df, n = frequency_grid([0.0, 10.0], minimum_frequency=0.1, maximum_frequency=1.0)
    >>> f0, round(df, 6), n  # doctest: +NORMALIZE_WHITESPACE
    (0.1, 0.01, 91)
    """
    t = np.asarray(t, dtype=float)
    span = float(t.max() - t.min()) if t.size else 0.0
    if not span > 0:
        raise ValueError("the Lomb-Scargle grid needs at least two distinct times")
    df = 1.0 / (span * samples_per_peak)
    n = 1 + int(np.round((maximum_frequency - minimum_frequency) / df))
    if n > MAX_FREQUENCIES:
        from ..exceptions import StarskopeError

        raise StarskopeError(
            f"a Lomb-Scargle grid of {n:.3g} frequencies over a {span:.4g}-day baseline (the"
            f" most is {MAX_FREQUENCIES:.0e}): are the times in days? (seconds or minutes read"
            " as days make a baseline of years; give them in days, or name their unit)"
        )
    return float(minimum_frequency), df, n


def lomb_scargle(
    t,
    y,
    *,
    minimum_frequency: float,
    maximum_frequency: float,
    samples_per_peak: int = 10,
    engine: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (1/day) and standard-normalised Lomb-Scargle power of ``y``.

    Parameters
    ----------
    t, y : array-like
        Sorted, finite times (days) and values.
    minimum_frequency, maximum_frequency : float
        Grid limits, 1/day.
    samples_per_peak : int, optional
        Grid points per peak width ``1 / baseline``.
    engine : {"auto", "nifty", "astropy"}, optional
        "auto": nifty-ls when importable, else astropy's ``method="fast"``.

    Returns
    -------
    freq, power : ndarray

    Examples
    --------
    >>> t = np.arange(0.0, 30.0, 0.02)
    >>> f, p = lomb_scargle(t, np.sin(2 * np.pi * t / 2.5), minimum_frequency=0.05,
    ...                     maximum_frequency=5.0)
    >>> round(float(1.0 / f[np.argmax(p)]), 2)
    2.5
    """
    if engine not in ("auto", "nifty", "astropy"):
        raise ValueError(f"unknown Lomb-Scargle engine {engine!r}: use auto, nifty or astropy")
    t = np.ascontiguousarray(t, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    f0, df, n = frequency_grid(
        t,
        minimum_frequency=minimum_frequency,
        maximum_frequency=maximum_frequency,
        samples_per_peak=samples_per_peak,
    )
    freq = f0 + df * np.arange(n)
    if engine != "astropy" and n >= 2:  # (nifty-ls needs fmin < fmax)
        if _nifty_available():
            import nifty_ls

            # the CPU backend (CUDA would open a context in every scan worker), one thread:
            # these periodograms are small, and a scan runs one star per core
            res = nifty_ls.lombscargle(
                t, y, fmin=f0, fmax=freq[-1], Nf=n, backend="finufft", nthreads=1
            )
            return freq, np.asarray(res.power, dtype=float)
        if engine == "nifty":
            raise ImportError("nifty-ls with its finufft backend is not installed")
    from astropy.timeseries import LombScargle

    power = LombScargle(t, y).power(freq, method="fast", assume_regular_frequency=True)
    return freq, np.asarray(power, dtype=float)


def sinusoid_design(t, frequencies) -> np.ndarray:
    """Least-squares design matrix of sinusoids: a constant column, then ``sin`` and ``cos``
    of ``2 pi f t`` for each frequency ``f`` (1/day) in turn.

    Examples
    --------
    >>> sinusoid_design(np.array([0.0, 0.25]), [1.0]).round(6).tolist()
    [[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    """
    t = np.asarray(t, dtype=float)
    cols = [np.ones_like(t)]
    for f in frequencies:
        ph = 2.0 * np.pi * f * t
        cols += [np.sin(ph), np.cos(ph)]
    return np.column_stack(cols)
