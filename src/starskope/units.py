"""Unit handling at the API boundary: Quantities in, plain floats in one unit inside."""

from __future__ import annotations

import astropy.units as u
import numpy as np

from .exceptions import StarskopeUnitsError, StarskopeValueError

__all__ = ["is_magnitude_unit", "magnitudes_to_flux", "to_days", "to_days_array", "ppm"]

ppm = u.def_unit("ppm", 1e-6 * u.dimensionless_unscaled)


def to_days(value, *, name: str = "value") -> float:
    """Return ``value`` in days as a float.

    A bare number is taken to be in days; a `~astropy.units.Quantity` (or a string astropy
    reads as one, ``"30 min"``) must have a time unit.

    Raises
    ------
    StarskopeUnitsError
        If ``value`` has units that are not a time (also an ``astropy.units.UnitsError``).
    StarskopeValueError
        If ``value`` is not one number or one time.

    Examples
    --------
    >>> import astropy.units as u
    >>> to_days(12 * u.hour)
    0.5
    >>> to_days(3.0)
    3.0
    >>> to_days("30 min") * 48
    1.0
    >>> to_days("2.5")  # a plain number is days, as 2.5 is
    2.5
    """
    if isinstance(value, str):
        value = _quantity(value, name)
    if isinstance(value, u.Quantity):
        if value.size != 1:
            raise StarskopeValueError(f"{name} must be one time; got {value.size} of them")
        try:
            return float(np.ravel(value.to_value(u.day))[0])  # (a one-element array too)
        except u.UnitConversionError as exc:
            raise StarskopeUnitsError(
                f"{name} must be a time (e.g. 2 * u.day); got {_unit(value)}"
            ) from exc
    try:
        return float(value)
    except (TypeError, ValueError):
        raise StarskopeValueError(
            f"{name} must be a number of days or a time (e.g. 2 * u.day, '30 min'); got {value!r}"
        ) from None


def to_days_array(value, *, name: str = "value") -> np.ndarray:
    """Array version of :func:`to_days`."""
    if isinstance(value, str):
        value = _quantity(value, name)
    if isinstance(value, u.Quantity):
        try:
            return np.asarray(value.to_value(u.day), dtype=float)
        except u.UnitConversionError as exc:
            raise StarskopeUnitsError(f"{name} must be a time; got {_unit(value)}") from exc
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise StarskopeValueError(
            f"{name} must be numbers of days or times (e.g. [1, 2] * u.day); got {value!r}"
        ) from None


def _quantity(text: str, name: str):
    """A string as a time: a plain number (``"30"``, days) as that number, else a Quantity
    (``"30 min"``)."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return u.Quantity(text)
    except (TypeError, ValueError):
        raise StarskopeValueError(
            f"{name} must be a number of days or a time such as '30 min'; got {text!r}"
        ) from None


def _unit(value: u.Quantity) -> str:
    return value.unit.to_string() or "a number without a unit (dimensionless)"


#: Flux units that are magnitudes (brighter is smaller).
MAGNITUDE_UNITS = frozenset({"mag", "mags", "magnitude", "magnitudes"})


def is_magnitude_unit(unit) -> bool:
    """True for a ``LightCurveMeta.flux_unit`` that says magnitudes."""
    return str(unit or "").strip().lower() in MAGNITUDE_UNITS


def magnitudes_to_flux(mag, err=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Relative flux ``10 ** (-0.4 (m - median m))`` and its error ``0.4 ln 10 f sigma_m``
    (magnitudes of 50 or more in size, the 99.999 or -99 of missing values, become NaN).

    Examples
    --------
    >>> f, e = magnitudes_to_flux([10.0, 10.0, 10.001], [0.001, 0.001, 0.001])
    >>> round(float(1 - f[2]) * 1e6), round(float(e[0]) * 1e6)  # ppm
    (921, 921)
    """
    mag = np.asarray(mag, dtype=float)
    mag = np.where(np.abs(mag) < 50.0, mag, np.nan)  # sentinels: 99.999, -99
    flux = 10.0 ** (-0.4 * (mag - np.nanmedian(mag)))
    if err is None:
        return flux, None
    return flux, 0.4 * np.log(10.0) * flux * np.abs(np.asarray(err, dtype=float))
