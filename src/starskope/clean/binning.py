"""Time binning shared by the period search and the rotation periodograms."""

from __future__ import annotations

import numpy as np

__all__ = ["bin_in_time"]


def bin_in_time(t, y, width: float, weights=None):
    """(Weighted) means in consecutive time bins of ``width`` days; empty bins are dropped.

    Parameters
    ----------
    t, y : array-like
        Sorted times (days) and values.
    width : float
        Bin width, days, counted from ``t[0]``.
    weights : array-like, optional
        Per-point weights (e.g. inverse variances); default 1.

    Returns
    -------
    tb, yb, wb : ndarray
        Weighted mean time and value of each non-empty bin, and its summed weight.

    Examples
    --------
    >>> tb, yb, wb = bin_in_time([0.0, 0.1, 1.0], [1.0, 3.0, 5.0], 0.5)
    >>> tb.tolist(), yb.tolist(), wb.tolist()
    ([0.05, 1.0], [2.0, 5.0], [2.0, 1.0])
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    idx = np.floor((t - t[0]) / width).astype(np.int64)
    ws = np.bincount(idx, weights=w)
    ok = ws > 0
    tb = np.bincount(idx, weights=w * t)[ok] / ws[ok]
    yb = np.bincount(idx, weights=w * y)[ok] / ws[ok]
    return tb, yb, ws[ok]
