"""Unit handling at the API boundary: Quantities in, plain floats in one unit inside."""

from __future__ import annotations

import astropy.units as u
import numpy as np

__all__ = ["to_days", "to_days_array", "ppm"]

ppm = u.def_unit("ppm", 1e-6 * u.dimensionless_unscaled)


def to_days(value, *, name: str = "value") -> float:
    """Return ``value`` in days as a float.

    A bare number is taken to be in days; a `~astropy.units.Quantity` must have a time unit.

    Raises
    ------
    astropy.units.UnitsError
        If ``value`` has units that are not a time.

    Examples
    --------
    >>> import astropy.units as u
    >>> to_days(12 * u.hour)
    0.5
    >>> to_days(3.0)
    3.0
    """
    if isinstance(value, u.Quantity):
        try:
            return float(value.to_value(u.day))
        except u.UnitConversionError as exc:
            raise u.UnitsError(f"{name} must be a time (e.g. 2 * u.day); got {value.unit}") from exc
    return float(value)


def to_days_array(value, *, name: str = "value") -> np.ndarray:
    """Array version of :func:`to_days`."""
    if isinstance(value, u.Quantity):
        try:
            return np.asarray(value.to_value(u.day), dtype=float)
        except u.UnitConversionError as exc:
            raise u.UnitsError(f"{name} must be a time; got {value.unit}") from exc
    return np.asarray(value, dtype=float)
