"""What a light curve says of a signal seen in one transit: when it was, and which periods the
data allow.

A dip that is the only one of its kind in the data is a *single-transit* (or mono-transit)
event: the search's period for it is only some grid period whose other transits all fall
outside the data or in its gaps. Its period is bounded below by the window function (Osborn et
al. 2016; Cooke et al. 2018 for TESS): a period is allowed when none of its other transits in the
data's time range would have been observed, i.e. each has less than a quarter of its duration
covered by cadences (the rule by which the search counts a transit "with data",
:func:`starskope.search.bls.box_stats`). Gaps make the allowed periods a union of windows: a
TESS sector's mid-sector gap can hide a second transit of a 10-day planet, while every period
longer than the transit's distance to the farther end of the data is allowed.

References
----------
Osborn, H. P. et al. 2016, MNRAS 457, 2273, "Single transit candidates from K2: detection and
period estimation". Cooke, B. F. et al. 2018, A&A 619, A175, "Single site observations of TESS
single transit detections".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bls import MIN_TRANSIT_COVER, local_cadence


@dataclass(frozen=True)
class SingleTransit:
    """A signal seen in one transit.

    Attributes
    ----------
    t0 : float
        Centre of the transit that has data (the light curve's time system).
    min_period : float
        Shortest period (days) at which every other transit falls where the data are not
        (in a gap or outside the time range): the period is at least this.
    unbroken_from : float
        Every period from this one (days) is allowed: the transit's distance to the farther
        end of the data (plus the quarter of a duration a transit there could overlap it
        without having data). Between ``min_period`` and it, only some windows of periods are.
    """

    t0: float
    min_period: float
    unbroken_from: float

    def to_dict(self) -> dict:
        return {
            "t0": float(self.t0),
            "min_period_days": float(self.min_period),
            "all_periods_from_days": float(self.unbroken_from),
        }


def _cover(t: np.ndarray, weights: np.ndarray, centres: np.ndarray, duration: float) -> np.ndarray:
    """Time covered by cadences within ``duration / 2`` of each of ``centres`` (sorted ``t``)."""
    csum = np.concatenate(([0.0], np.cumsum(weights)))
    i0 = np.searchsorted(t, centres - 0.5 * duration, side="right")
    i1 = np.searchsorted(t, centres + 0.5 * duration, side="left")
    return csum[i1] - csum[np.minimum(i0, i1)]


def _has_data(t: np.ndarray, centres: np.ndarray, duration: float) -> np.ndarray:
    """Whether a transit centred at each of ``centres`` has data (sorted ``t``): cadences,
    each at its own sampling interval, cover
    :data:`~starskope.search.bls.MIN_TRANSIT_COVER` of it."""
    cover = _cover(t, np.minimum(local_cadence(t), duration), centres, duration)
    return cover >= MIN_TRANSIT_COVER * duration * (1.0 - 1e-6)


def transit_with_data(t, *, period: float, t0: float, duration: float) -> float | None:
    """Centre of the one transit of ``t0 + k * period`` that has data (:func:`_has_data`), or
    None when none or several have."""
    t = np.asarray(t, dtype=float)
    t = np.sort(t[np.isfinite(t)])
    if t.size < 2 or not (period > 0 and duration > 0 and np.isfinite(t0)):
        return None
    k = np.arange(np.floor((t[0] - t0) / period) - 1, np.ceil((t[-1] - t0) / period) + 2)
    centres = t0 + k * period
    covered = _has_data(t, centres, duration)
    return float(centres[np.argmax(covered)]) if np.count_nonzero(covered) == 1 else None


def single_transit(t, *, t0: float, duration: float, min_period: float = 0.0) -> SingleTransit:
    """The periods the data allow a transit centred at ``t0`` that is the only one observed.

    Parameters
    ----------
    t : array-like
        Times of the cadences (days).
    t0, duration : float
        Centre and duration of the transit (days).
    min_period : float, optional
        Shortest period worth reporting (the search's own lower limit).

    Returns
    -------
    SingleTransit

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 24.0, 0.02)
    >>> t = t[(t < 10.0) | (t > 13.5)]  # a gap of 3.5 days
    >>> s = single_transit(t, t0=22.5, duration=0.2)
    >>> round(s.t0, 2), round(s.min_period, 2), round(s.unbroken_from, 2)
    (22.5, 11.28, 22.56)

    A period of 11.3-12.4 days puts the transit before this one in the gap and the one
    before that before the data; every period from 22.56 days puts them all outside.
    """
    t = np.asarray(t, dtype=float)
    t = np.sort(t[np.isfinite(t)])
    tc = float(t0)
    lo = max(float(min_period), duration)
    if t.size == 0:  # no data: nothing bounds the period
        return SingleTransit(tc, lo, lo)
    # where a transit centred would have data, on a grid an eighth of a duration fine, as
    # runs: a period is allowed when no transit but this one falls in any run
    g0, dg = t[0] - duration, duration / 8.0
    grid = g0 + dg * np.arange(int((t[-1] - t[0] + 2.0 * duration) / dg) + 2)
    has_data = _has_data(t, grid, duration)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], has_data.astype(np.int8), [0]))))
    runs = [
        (g0 + dg * (a - 0.5), g0 + dg * (b - 0.5))
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]
    # every period from the farther end of the data (where a transit would still have a
    # quarter of its duration in it) is allowed
    unbroken = max(tc - runs[0][0], runs[-1][1] - tc, 0.0) if runs else 0.0
    if not lo < unbroken:
        return SingleTransit(tc, max(unbroken, lo), max(unbroken, lo))
    allowed = [(lo, unbroken)]
    k = 1
    while allowed and k * allowed[0][0] < unbroken:
        for a, b in runs:  # transit k after this one, and k before, in the run (a, b)
            allowed = _without(allowed, (a - tc) / k, (b - tc) / k)
            allowed = _without(allowed, (tc - b) / k, (tc - a) / k)
        k += 1
    return SingleTransit(tc, float(allowed[0][0]) if allowed else unbroken, float(unbroken))


def _without(intervals: list, a: float, b: float) -> list:
    """``intervals`` (sorted, disjoint) less the open interval ``(a, b)``."""
    out = []
    for x, y in intervals:
        if b <= x or a >= y:
            out.append((x, y))
            continue
        if a > x:
            out.append((x, a))
        if b < y:
            out.append((b, y))
    return out
