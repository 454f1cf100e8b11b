"""Period and duration grids derived from the baseline.

The period grid is uniform in ``frequency ** (1/3)``: the optimal sampling for transits when the
duration scales as ``P ** (1/3)`` (Ofir 2014), with a frequency step of ``q / (baseline *
oversample)`` where ``q`` is the duty cycle of a transit across a reference star.

References
----------
Ofir, A. 2014, A&A 561, A138. Hippke, M., Heller, R. 2019, A&A 623, A39 (TLS grid).
"""

from __future__ import annotations

import numpy as np

from ..exceptions import StarskopeError

__all__ = ["DEFAULT_DURATIONS_HOURS", "duration_grid", "period_grid", "reference_duration"]

#: Default trial transit durations in hours.
DEFAULT_DURATIONS_HOURS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)

#: Most trial periods of one grid (a 30-year ground-based baseline needs about a million).
MAX_PERIODS = 20_000_000

# Central-transit duration across a Sun-like star at 1 day, times the `star_scale` below.
_T_SUN_1D = 13.0 / 24.0 * 365.25 ** (-1.0 / 3.0)  # days: 13 h at 1 yr, scaling as P^(1/3)


def reference_duration(period, *, star_scale: float = 1.0):
    """Duration (days) used to space the grid: ``star_scale`` x a central transit across the Sun.

    The default (1, a Sun-like star) gives the same grid density as transitleastsquares'
    default grid; ``star_scale`` below one samples more finely, for small stars and grazing
    transits, at a proportional cost in time.
    """
    return star_scale * _T_SUN_1D * np.asarray(period, dtype=float) ** (1.0 / 3.0)


def period_grid(
    *,
    baseline: float,
    min_period: float = 0.5,
    max_period: float | None = None,
    oversample: float = 3.0,
    star_scale: float = 1.0,
    min_transits: int = 2,
) -> np.ndarray:
    """Trial periods in days, increasing.

    Parameters
    ----------
    baseline : float
        Time from first to last cadence, in days.
    min_period : float, optional
        Shortest period, days.
    max_period : float, optional
        Longest period; default (and cap) ``baseline / min_transits``, so that
        ``min_transits`` transits fall in the baseline whatever the phase (half the baseline
        for the default of two). A planet with two transits and a longer period (up to the
        baseline, when the phase allows) is not searched: its half period is found, which the
        pipeline moves to the true period when every other transit there is empty.
    oversample : float, optional
        Grid points per transit-duration phase shift across the baseline.
    star_scale : float, optional
        See :func:`reference_duration`.
    min_transits : int, optional
        Transits that must fit in the baseline.

    Returns
    -------
    ndarray

    Raises
    ------
    StarskopeError
        When the baseline is too short for ``min_transits`` transits above ``min_period``.

    Examples
    --------
    >>> p = period_grid(baseline=27.0, min_period=0.5)
    >>> bool(p[0] >= 0.5 and p[-1] <= 13.5)
    True
    """
    if not baseline > 0:
        raise StarskopeError(f"baseline must be positive; got {baseline}")
    longest = baseline / max(min_transits, 1)
    max_period = longest if max_period is None else min(float(max_period), longest)
    if max_period <= min_period:
        raise StarskopeError(
            f"a {baseline:.2f}-day light curve cannot hold {min_transits} transits of period "
            f">= {min_period} d; search shorter periods (--min-period; Python: PipelineConfig("
            "min_period_days=...)) or give a longer light curve"
        )
    # frequency step df = q f / ... with q = A f^(2/3): uniform step in f^(1/3) of A / (3 B os)
    a = star_scale * _T_SUN_1D
    step = a / (3.0 * baseline * oversample)
    x_lo = (1.0 / max_period) ** (1.0 / 3.0)
    x_hi = (1.0 / min_period) ** (1.0 / 3.0)
    n = max(int(np.ceil((x_hi - x_lo) / step)) + 1, 2)
    if n > MAX_PERIODS:
        raise StarskopeError(
            f"a {baseline:.4g}-day baseline needs {n:.3g} trial periods from {min_period:g} to "
            f"{max_period:.4g} d (at most {MAX_PERIODS:.0e}): pass a smaller max_period or a "
            "larger min_period, or check that the times are in days"
        )
    x = np.linspace(x_lo, x_hi, n)
    return np.sort(1.0 / x**3)


def duration_grid(hours=DEFAULT_DURATIONS_HOURS) -> np.ndarray:
    """Trial durations in days (sorted, positive) from hours."""
    d = np.sort(np.asarray(hours, dtype=float)) / 24.0
    if d.size == 0 or np.any(d <= 0):
        raise StarskopeError(f"durations must be positive; got {hours}")
    return d
