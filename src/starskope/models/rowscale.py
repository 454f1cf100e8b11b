"""Raw flux rows brought into a range where their per-star scaling cannot overflow.

The raw-flux models standardise each star's row (zero mean, unit variance:
:func:`starskope.features.rawflux.standardize_rows`), which squares the deviations: a row
holding a value near 1e300 (a corrupt cadence) overflowed to an infinite spread, numpy's
``RuntimeWarning: overflow encountered in square`` reached the user, and the row was scored as
a flat line. Such a row's standardised values do not depend on its scale, so
:func:`tame_rows` divides it by a power of two (exact in floating point) that brings its
largest value near 1 first; rows of ordinary fluxes are left as they are.
"""

from __future__ import annotations

import numpy as np

__all__ = ["HUGE", "tame_rows"]

#: Rows whose largest finite absolute value is above this are rescaled: their squares
#: (1e200 and more) summed over a light curve's points approach float64's 1.8e308.
HUGE = 1e100


def tame_rows(X) -> np.ndarray:
    """``X`` (n_stars, n_points) as float64, each row whose largest finite absolute value is
    above :data:`HUGE` divided by the power of two just above that value, so that it lies in
    [0.5, 1) (exact: the row's standardised values are unchanged); other rows, and NaN and
    inf, as they are.

    Examples
    --------
    >>> x = tame_rows([[1.0, 2.0], [1e300, -3e299]])
    >>> x[0].tolist(), bool(0.5 <= x[1, 0] < 1.0), float(x[1, 1] / x[1, 0])
    ([1.0, 2.0], True, -0.3)
    """
    X = np.array(X, dtype=np.float64)
    if X.ndim != 2 or not X.size:
        return X
    top = np.max(np.where(np.isfinite(X), np.abs(X), 0.0), axis=1)
    for i in np.flatnonzero(top > HUGE):
        X[i] = np.ldexp(X[i], -int(np.frexp(top[i])[1]))
    return X
