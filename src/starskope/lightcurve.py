"""The light-curve object: a thin, copy-on-transform facade over plain arrays.

Each transform returns a new `LightCurve` and delegates to a pure function that also works on
plain arrays (``starskope.clean``, ``starskope.fold``), so calls chain::

    lc.remove_nans().normalize().flatten().fold(period=3.2 * u.day, epoch=t0)
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from astropy.time import Time, TimeDelta

from . import time as _time  # registers BKJD/BTJD
from .exceptions import StarskopeError, StarskopeValueError

__all__ = ["LightCurve", "LightCurveMeta", "TIME_SYSTEMS"]

#: Human-readable description of each supported time format.
TIME_SYSTEMS = {
    "bkjd": "BKJD (BJD_TDB - 2454833)",
    "btjd": "BTJD (BJD_TDB - 2457000)",
    "jd": "BJD_TDB",
    "relative": "relative days (no absolute epoch)",
}


def _floats(x) -> np.ndarray:
    """``x`` as floats, NaN where it is masked (numpy masked arrays, astropy ``Masked`` and
    masked table columns): a masked value is no measurement."""
    mask = getattr(x, "mask", None)
    if mask is None or callable(mask):  # pandas' Series.mask is a method
        return np.array(getattr(x, "value", x), dtype=float)
    data = getattr(x, "unmasked", None)
    if data is None:
        data = np.ma.getdata(x)
    out = np.array(getattr(data, "value", data), dtype=float)
    out[np.broadcast_to(np.asarray(mask, dtype=bool), out.shape)] = np.nan
    return out


def _numbers(x, name: str) -> np.ndarray:
    """:func:`_floats`, or a `StarskopeValueError` naming ``name`` for values that are not
    numbers (text)."""
    try:
        return _floats(x)
    except (TypeError, ValueError) as exc:
        raise StarskopeValueError(f"{name} must be numbers; {exc}") from None


def _unit_name(x) -> str | None:
    """The unit of an astropy Quantity (``"mag"`` for any magnitude, ``"%"``, ``"electron /
    s"``) as ``LightCurveMeta.flux_unit`` names it; None for plain numbers or no unit."""
    unit = getattr(x, "unit", None)
    if unit is None or not hasattr(unit, "to_string"):
        return None
    name = unit.to_string()
    if not name:
        return None
    if name.startswith("mag"):  # mag, mag(AB), mag(ST)
        return "mag"
    return name


def _err_in_flux_unit(flux_err, flux_unit: str | None, unit):
    """A Quantity ``flux_err`` in the flux's unit (``mmag`` for ``mag`` flux, ``mJy`` for
    ``Jy``); its value was taken as it stood, a thousand times off. Plain numbers are left
    as they are; an error with a unit the flux has not (or no unit to convert to) is refused."""
    err_unit = _unit_name(flux_err)
    if err_unit is None:
        return flux_err
    if unit is None:  # (a dimensionless Quantity has a unit to convert to: percent to it)
        raise StarskopeValueError(
            f"flux_err is in {err_unit} but flux has no unit: give both as Quantities, or"
            " both as plain numbers"
        )
    import astropy.units as u

    target = u.mag if flux_unit == "mag" else unit
    try:
        if flux_unit == "mag" and err_unit == "mag":  # mag(AB) and the like: a difference
            return np.asarray(getattr(flux_err, "value", flux_err), dtype=float)
        return flux_err.to_value(target)
    except u.UnitsError:
        raise StarskopeValueError(
            f"flux_err is in {err_unit}, which does not convert to the flux's"
            f" {flux_unit or 'dimensionless values'}"
        ) from None


#: lightkurve's meta keys for a segment, by the first letter of starskope's segment name.
_SEGMENT_KEYS = {"Q": "QUARTER", "C": "CAMPAIGN", "S": "SECTOR"}


def _segment_keys(segment: str | None) -> dict:
    """``{"QUARTER": 3}`` for ``"Q3"`` (and C5, S8): lightkurve's meta for a segment."""
    if not segment or segment[:1] not in _SEGMENT_KEYS or not segment[1:].isdigit():
        return {}
    return {_SEGMENT_KEYS[segment[0]]: int(segment[1:])}


def _segment_from_keys(meta) -> str | None:
    for letter, key in _SEGMENT_KEYS.items():
        v = meta.get(key)
        if v is not None and str(v).strip().lstrip("-").isdigit():
            return f"{letter}{int(v)}"
    return None


def _full_jd(t: np.ndarray) -> bool:
    """Day numbers that are full Julian dates of the telescope era (2.2e6-2.7e6: the years
    1311-2680), not mission days (seconds since an epoch are neither)."""
    if not t.size or not np.fmax.reduce(t) > 2.2e6:  # (every LightCurve made passes here: the
        return False  # median, a sort, only where it can be in range)
    finite = t[np.isfinite(t)]
    return bool(finite.size) and 2.2e6 < float(np.median(finite)) < 2.7e6


def _year(jd: float) -> str:
    """The (Julian) year of a Julian date, to the nearest year."""
    return f"{2000 + (jd - 2451545.0) / 365.25:.0f}"


def _quality_flags(quality) -> np.ndarray:
    """Quality bit flags as integers; a float column's NaN (no flag given) is 0 rather than
    the integer conversion's -2**31, which would set every bit."""
    q = np.asarray(quality)
    if q.dtype.kind == "f":
        return np.where(np.isfinite(q), q, 0.0).astype(np.int64)
    return q


def _check_day_numbers(t: np.ndarray, fmt: str, *, given: bool) -> None:
    """Refuse Julian dates that are not (``time_format='jd'`` for values far below 2.2e6: the
    year -4707 for 2000); warn when times read as BTJD by default look like MJD (40000-70000:
    BTJD would put them in the 22nd century)."""
    if not t.size or not (fmt == "jd" or (fmt == "btjd" and not given)):
        return  # (the constructor's internal copies name their format: no median taken)
    finite = t[np.isfinite(t)]
    if not finite.size:
        return
    med = float(np.median(finite))
    if fmt == "jd" and med < 1.0e6:
        raise StarskopeValueError(
            f"times of {med:.6g} are not full Julian dates (that would be the year {_year(med)}):"
            " pass time_format='btjd', 'bkjd' or 'relative', or add the offset"
            " (t + 2457000 for BTJD, t + 2400000.5 for MJD)"
        )
    if fmt == "btjd" and not given and 4.0e4 <= med <= 7.0e4:
        import warnings

        from .exceptions import StarskopeWarning

        warnings.warn(
            f"times of {med:.6g} read as BTJD (the default) would be the year"
            f" {_year(med + _time.TIME_OFFSETS['btjd'])}: if they are MJD, pass"
            " t + 2400000.5 with time_format='jd'",
            StarskopeWarning,
            stacklevel=3,
        )


def _time_days(time) -> np.ndarray:
    """Times as days: an astropy Quantity of time converted (hours, seconds), calendar dates
    (``datetime64``, pandas timestamps) as JD in TDB (from UTC, with a warning), numbers as
    they are; a float32 column that cannot resolve a minute is said."""
    return _times(time, stacklevel=4)[0]


def _warn_not_tdb(scale: str, *, stacklevel: int) -> None:
    """Say that times of another scale (UTC, TT) are converted to TDB at the geocentre, not
    made barycentric (``stacklevel`` as the caller would give it to warnings.warn)."""
    import warnings

    from .exceptions import StarskopeWarning

    warnings.warn(
        f"times in {scale.upper()} are converted to TDB, not made barycentric (t0 may differ"
        " from BJD_TDB by up to 8.3 minutes; periods are unaffected; give BJD in TDB for"
        " barycentric epochs)",
        StarskopeWarning,
        stacklevel=stacklevel + 1,
    )


def _time_values(time: Time, *, stacklevel: int) -> tuple[np.ndarray, str]:
    """An astropy ``Time``'s day numbers in TDB, in its own format when that is BKJD, BTJD or
    JD, else in JD, and that format; masked entries NaN (astropy fills them with J2000).
    Another scale than TDB is converted at the geocentre, with a warning; ``local`` has no
    instant and is refused. ``stacklevel`` as the caller would give it to warnings.warn."""
    if time.scale == "local":
        raise StarskopeValueError("times of an astropy Time of scale 'local' name no instant")
    if time.scale != "tdb":  # UTC, TT...: converted to TDB at the geocentre
        _warn_not_tdb(time.scale, stacklevel=stacklevel + 1)
    fmt = time.format if time.format in _time.TIME_OFFSETS else "jd"
    t = np.array(time.tdb.to_value(fmt), dtype=float)
    if getattr(time, "masked", False):
        t[np.broadcast_to(np.asarray(time.mask, dtype=bool), t.shape)] = np.nan
    return t, fmt


def _times(time, *, stacklevel: int = 3) -> tuple[np.ndarray, str]:
    """:func:`_time_days` and what the times were: ``"M"`` calendar dates (datetime64, pandas
    timestamps, datetime objects), ``"m"`` durations (timedelta64), ``""`` numbers."""
    import astropy.units as u

    if isinstance(time, TimeDelta):
        return _floats(time.to_value("jd")), "m"
    if isinstance(time, Time):  # its own BTJD/BKJD day numbers (lc.time), else JD; in TDB
        return _time_values(time, stacklevel=stacklevel)[0], ""
    if isinstance(time, u.Quantity):
        if not time.unit.is_equivalent(u.day):
            raise StarskopeError(f"times must be in a unit of time; got {time.unit}")
        return _floats(time.to(u.day)), ""
    if getattr(getattr(time, "dtype", None), "tz", None) is not None:
        # pandas timestamps with a time zone: the UTC instants, as naive datetime64
        import pandas as pd

        time = pd.DatetimeIndex(time).tz_convert("UTC").tz_localize(None).to_numpy()
    arr = np.asarray(time)
    if arr.dtype.kind == "m":  # durations (timedelta64, pandas Timedelta): relative days
        return _floats(arr / np.timedelta64(1, "D")), "m"
    if (
        arr.dtype.kind == "O"
        and arr.size
        and all(isinstance(x, datetime.date) for x in arr.ravel()[:1000])
    ):  # a list of datetime objects (naive: UTC; aware: converted)
        import pandas as pd

        arr = pd.to_datetime(arr.ravel(), utc=True).tz_localize(None).to_numpy()
    if arr.dtype.kind in "USO" and arr.size:
        try:
            arr.astype(float)
        except (TypeError, ValueError):
            raise StarskopeValueError(
                f"times must be numbers, astropy Time or datetimes; got {arr.dtype} values such"
                f" as {str(arr.ravel()[0])!r}"
            ) from None
    if arr.dtype.kind == "M":
        import warnings

        from .exceptions import StarskopeWarning

        warnings.warn(
            "times are calendar dates: read as UTC and converted to JD in TDB, not barycentric"
            " (t0 may differ from BJD_TDB by up to 8.3 minutes; periods are unaffected)",
            StarskopeWarning,
            stacklevel=stacklevel,
        )
        return _time.datetimes_to_tdb_jd(arr), "M"
    t = _floats(time if arr.dtype.kind != "O" else arr)
    lost = _time.float32_time_step(t) if arr.dtype == np.float32 else None
    if lost:
        import warnings

        from .exceptions import StarskopeWarning

        warnings.warn(
            f"times are 32-bit floats, which resolve values near {lost[0]:.1f} only to"
            f" {lost[1]:.0f} minutes: cadences closer than that share a time; pass 64-bit floats"
            " or times relative to a reference (BTJD)",
            StarskopeWarning,
            stacklevel=stacklevel,
        )
    return t, ""


@dataclass(frozen=True)
class LightCurveMeta:
    """Where a light curve comes from and what its columns mean.

    Attributes
    ----------
    mission : str or None
        ``"Kepler"``, ``"K2"``, ``"TESS"`` or None when unknown.
    target : str or None
        Catalogue identifier, e.g. ``"KIC 11442793"``, ``"EPIC 201367065"``, ``"TIC 100100827"``.
    ra, dec : float or None
        Sky position in degrees (ICRS) when the file gives it.
    pmra, pmdec : float or None
        Proper motion in mas/yr when the file gives it.
    flux_column : str or None
        Which column of the file became ``flux`` (e.g. ``"PDCSAP_FLUX"``).
    flux_unit : str or None
        ``"electron / s"`` for pipeline fluxes, ``"relative"`` for normalised ones.
    source : str or None
        The file the light curve was read from.
    product : str or None
        The reader (format) that read it.
    segment : str or None
        Quarter, campaign or sector, e.g. ``"Q3"``, ``"C5"``, ``"S8"``.
    label : int or None
        A truth label carried by the file (Kaggle tables: 1 = host, 0 = not).
    row : int or None
        0-based row in a multi-star table.
    extra : dict
        Anything else the reader found useful (header keywords, trend columns' meaning).
    """

    mission: str | None = None
    target: str | None = None
    ra: float | None = None
    dec: float | None = None
    pmra: float | None = None
    pmdec: float | None = None
    flux_column: str | None = None
    flux_unit: str | None = None
    source: str | None = None
    product: str | None = None
    segment: str | None = None
    label: int | None = None
    row: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> LightCurveMeta:
        """Return a copy with some fields changed (``extra`` a dict of its own)."""
        changes.setdefault("extra", dict(self.extra or {}))
        return dataclasses.replace(self, **changes)


class LightCurve:
    """A time series of flux with errors, quality flags and provenance.

    Parameters
    ----------
    time : `~astropy.time.Time` or array-like
        Observation times. Plain numbers are days in ``time_format``.
    flux : array-like or `~astropy.units.Quantity`
        Flux, in the file's units (see ``meta.flux_unit``; a Quantity's unit, such as ``mag``,
        ``%`` or ``electron / s``, becomes ``meta.flux_unit`` unless meta gives one).
    flux_err : array-like, optional
        One-sigma flux uncertainty; NaN where unknown.
    quality : array-like of int, optional
        Mission quality bit flags (0 = good).
    time_format : {"bkjd", "btjd", "jd", "relative"}, optional
        Format of plain-number ``time``; ignored when ``time`` is a ``Time``. Default
        ``"btjd"``, or ``"jd"`` (with a warning) for values that are full BJDs (2.2e6-2.7e6).
    meta : `LightCurveMeta`, optional
        Provenance.

    Examples
    --------
    >>> import numpy as np
    >>> lc = LightCurve(np.arange(5.0), [1.0, 1.0, np.nan, 0.99, 1.0], time_format="btjd")
    >>> len(lc.remove_nans())
    4
    """

    __slots__ = ("_t", "_format", "flux", "flux_err", "quality", "meta")

    def __init__(
        self,
        time,
        flux,
        flux_err=None,
        quality=None,
        *,
        time_format: str | None = None,
        meta: LightCurveMeta | None = None,
    ):
        if isinstance(time, Time):
            t, fmt = _time_values(time, stacklevel=2)
        elif isinstance(time, TimeDelta):
            fmt, t = "relative", np.asarray(time.to_value("jd"), dtype=float)
        else:
            fmt = "btjd" if time_format is None else time_format
            t, kind = _times(time)
            if t.ndim != 1:
                raise StarskopeValueError(f"time must be 1-D; got shape {t.shape}")
            if kind == "M":  # calendar dates (datetime64, pandas, datetime objects)
                fmt = "jd"
            elif kind == "m":  # durations: days from a reference
                fmt = "relative"
            elif fmt in ("btjd", "bkjd") and _full_jd(t):
                if time_format is not None:
                    raise StarskopeValueError(
                        f"times of {np.nanmedian(t):.1f} are full BJDs, not {fmt.upper()} (that"
                        f" would be the year {_year(np.nanmedian(t) + _time.TIME_OFFSETS[fmt])}):"
                        " pass time_format='jd'"
                    )
                import warnings

                from .exceptions import StarskopeWarning

                warnings.warn(
                    f"times of {np.nanmedian(t):.1f} are full BJDs: read as time_format='jd'"
                    " (pass time_format to say so, or 'btjd'/'bkjd' for mission day numbers)",
                    StarskopeWarning,
                    stacklevel=2,
                )
                fmt = "jd"
        if fmt not in TIME_SYSTEMS:
            raise StarskopeValueError(
                f"time_format must be one of {sorted(TIME_SYSTEMS)}; got {fmt!r}"
            )
        _check_day_numbers(t, fmt, given=time_format is not None or isinstance(time, Time))
        flux_unit, unit = _unit_name(flux), getattr(flux, "unit", None)
        if flux_unit is not None and flux_unit != "mag" and flux_unit.endswith("mag"):
            import astropy.units as u

            try:  # millimagnitudes (mmag) and the like: magnitudes, as everything reads them
                flux, flux_unit, unit = flux.to(u.mag), "mag", u.mag
            except u.UnitsError:
                pass
        if np.iscomplexobj(flux):  # numpy would drop the imaginary part with a warning
            raise StarskopeValueError("flux must be real numbers; got complex values")
        flux = _numbers(flux, "flux")
        if t.ndim != 1 or flux.shape != t.shape:
            raise StarskopeValueError(
                f"time and flux must be 1-D of equal length; got {t.shape}, {flux.shape}"
            )
        n = t.size
        if flux_err is None:
            flux_err = np.full(n, np.nan)
        else:
            flux_err = _numbers(_err_in_flux_unit(flux_err, flux_unit, unit), "flux_err")
        quality = np.zeros(n, dtype=np.int32) if quality is None else _quality_flags(quality)
        wide = (
            quality.dtype.kind in "iu" and quality.dtype.itemsize >= 4 and quality.dtype != np.int32
        )
        if (
            wide and quality.size and (int(quality.max()) >= 2**31 or int(quality.min()) < -(2**31))
        ):  # stored as 32-bit flags: 2**40 would wrap to 0 (no flag)
            raise StarskopeValueError(
                f"quality flags must fit in 32 bits; got {int(np.abs(quality).max())}"
            )
        if flux_err.shape != t.shape or quality.shape != t.shape:
            raise StarskopeValueError("flux_err and quality must have the same length as time")
        self._t = t
        self._format = fmt
        self.flux = flux
        self.flux_err = flux_err
        self.quality = np.array(quality, dtype=np.int32)  # a copy, as flux and time are
        if isinstance(meta, dict):  # the fields by name: LightCurveMeta(**meta)
            try:
                meta = LightCurveMeta(**meta)
            except TypeError as exc:
                raise StarskopeError(f"meta: {exc}; LightCurveMeta's fields are expected") from exc
        elif meta is not None and not isinstance(meta, LightCurveMeta):
            raise StarskopeError(
                f"meta must be a LightCurveMeta or a dict; got {type(meta).__name__}"
            )
        self.meta = meta if meta is not None else LightCurveMeta()
        if flux_unit and self.meta.flux_unit is None:  # a Quantity's unit: magnitudes, %, e-/s
            self.meta = self.meta.replace(flux_unit=flux_unit)

    # ------------------------------------------------------------------ basic access
    @property
    def time(self) -> Time | TimeDelta:
        """Times as `~astropy.time.Time` (TDB), or `~astropy.time.TimeDelta` when relative."""
        if self._format == "relative":
            return TimeDelta(self._t, format="jd")
        return Time(self._t, format=self._format, scale="tdb")

    @property
    def t(self) -> np.ndarray:
        """Times as plain floats in days, in :attr:`time_format` (the fast path for science)."""
        return self._t

    @property
    def time_format(self) -> str:
        """``"bkjd"``, ``"btjd"``, ``"jd"`` (full BJD_TDB) or ``"relative"``."""
        return self._format

    @property
    def time_system(self) -> str:
        """A human-readable name for the time system.

        When the file declared another time scale (``meta.extra["time_scale"]``: UTC, HJD, a
        geocentric JD or MJD, Gaia's TCB), the times were read as they are and the name says so:
        epochs can then differ from BJD_TDB by up to ~8 minutes (periods are unaffected).
        """
        name = TIME_SYSTEMS[self._format]
        declared = (self.meta.extra or {}).get("time_scale")
        if declared and self._format != "relative":
            name += f"; the file's times are {declared}, read as they are (epochs within ~8 min)"
        return name

    @property
    def bjd_offset(self) -> float | None:
        """Days to add to :attr:`t` to get BJD_TDB; None when times are relative."""
        return _time.TIME_OFFSETS.get(self._format)

    def __len__(self) -> int:
        return self._t.size

    def __repr__(self) -> str:
        m = self.meta
        return (
            f"<LightCurve {m.mission or '?'} {m.target or '?'}: {len(self)} points, "
            f"{self.time_span:.2f} d, {self.time_system}>"
        )

    @property
    def cadence(self) -> float:
        """Median spacing of consecutive finite times, in days, in time order (NaN if fewer
        than 2)."""
        t = self._t[np.isfinite(self._t)]
        if t.size < 2:
            return float("nan")
        d = np.diff(t)
        if (d < 0).any():  # unsorted input (flatten and analyse sort it)
            d = np.diff(np.sort(t))
        return float(np.median(d))

    @property
    def time_span(self) -> float:
        """Latest minus earliest finite time, in days."""
        t = self._t[np.isfinite(self._t)]
        return float(t.max() - t.min()) if t.size > 1 else 0.0

    @property
    def n_valid(self) -> int:
        """Number of cadences with finite time and flux."""
        return int(np.count_nonzero(np.isfinite(self._t) & np.isfinite(self.flux)))

    # ------------------------------------------------------------------ copying
    def copy(self, **changes: Any) -> LightCurve:
        """Return a new light curve with some of ``time``, ``flux``, ``flux_err``, ``quality``,
        ``meta`` replaced (``time`` as plain days in the same format)."""
        bad = set(changes) - {"time", "flux", "flux_err", "quality", "meta"}
        if bad:
            raise TypeError(f"copy() got unexpected fields {sorted(bad)}")
        return LightCurve(
            changes.get("time", self._t.copy()),
            changes.get("flux", self.flux.copy()),
            changes.get("flux_err", self.flux_err.copy()),
            changes.get("quality", self.quality.copy()),
            time_format=self._format,
            meta=changes.get("meta", self.meta),
        )

    def select(self, mask) -> LightCurve:
        """Return the cadences where boolean ``mask`` is true (or at integer indices)."""
        mask = np.asarray(mask)
        if mask.dtype.kind == "b" and mask.shape != self._t.shape:
            raise StarskopeValueError(
                f"a boolean mask must have one value per cadence ({len(self)}); got {mask.shape}"
            )
        return LightCurve(
            self._t[mask],
            self.flux[mask],
            self.flux_err[mask],
            self.quality[mask],
            time_format=self._format,
            meta=self.meta,
        )

    def __getitem__(self, key) -> LightCurve:
        """Cadences by slice, index array or boolean mask (``lc[10:20]``, ``lc[good]``); a single
        integer gives a one-cadence light curve."""
        idx = np.arange(len(self))[key]
        return self.select(np.atleast_1d(idx))

    def __iter__(self):
        # without this, Python and numpy would iterate through __getitem__: one-cadence light
        # curves, each again a sequence, to numpy's 64 dimensions
        raise TypeError(
            "a LightCurve is not iterable: iterate over lc.t, lc.flux, or zip(lc.t, lc.flux)"
        )

    def __array__(self, dtype=None, copy=None):
        # one object to numpy (np.array([lc1, lc2], dtype=object) holds two light curves),
        # never a sequence of one-cadence light curves
        if dtype is not None and np.dtype(dtype) != np.dtype(object):
            raise TypeError(
                "a LightCurve is not an array of numbers: use lc.flux (or lc.t, lc.flux_err)"
            )
        out = np.empty((), dtype=object)
        out[()] = self
        return out

    # ------------------------------------------------------------------ transforms
    def remove_nans(self) -> LightCurve:
        """Drop cadences whose time or flux is not finite."""
        return self.select(np.isfinite(self._t) & np.isfinite(self.flux))

    def remove_outliers(
        self,
        sigma: float = 5.0,
        sigma_lower: float | None = None,
        sigma_upper: float | None = None,
        return_mask: bool = False,
        **kwargs,
    ):
        """Drop cadences whose flux lies more than ``sigma`` robust standard deviations from
        the median (astropy's ``sigma_clip`` with the median and the MAD standard deviation;
        lightkurve's ``remove_outliers`` takes the same arguments). Cadences without a finite
        flux are kept (:meth:`remove_nans` drops them).

        A transit is low flux: clip only above it with ``sigma_lower=float("inf")`` (or use
        :func:`starskope.clean.clean`, which clips upwards). In magnitudes, low values are the
        bright ones.

        Parameters
        ----------
        sigma : float, optional
            Clipping limit in both directions, unless ``sigma_lower`` or ``sigma_upper`` says.
        sigma_lower, sigma_upper : float, optional
            Limits below and above the median.
        return_mask : bool, optional
            Also return the boolean mask of the cadences removed (in this light curve's order).
        **kwargs
            Passed to astropy's ``sigma_clip`` (``maxiters``, default 5; ``cenfunc``,
            ``stdfunc``), as lightkurve passes them.

        Returns
        -------
        LightCurve, or (LightCurve, ndarray of bool)

        Examples
        --------
        >>> import numpy as np
        >>> f = np.ones(100); f[10] = 1.5; f[20] = 0.5
        >>> f += 1e-3 * np.random.default_rng(0).standard_normal(100)
        >>> lc = LightCurve(np.arange(100.0), f)
        >>> len(lc.remove_outliers()), len(lc.remove_outliers(sigma_lower=float("inf")))
        (98, 99)
        """
        import numbers

        from astropy.stats import sigma_clip

        for name, v in (
            ("sigma", sigma),
            ("sigma_lower", sigma_lower),
            ("sigma_upper", sigma_upper),
        ):
            if v is not None and (
                isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real) or not v > 0
            ):
                raise StarskopeValueError(f"{name} must be a positive number; got {v!r}")
        opts = {"maxiters": 5, "cenfunc": "median", "stdfunc": "mad_std", **kwargs}
        finite = np.isfinite(self.flux)
        out = np.zeros(self.flux.size, dtype=bool)
        if finite.sum() >= 3:
            clipped = sigma_clip(
                self.flux[finite],
                sigma=sigma,
                sigma_lower=sigma_lower,
                sigma_upper=sigma_upper,
                **opts,
            )
            out[finite] = np.ma.getmaskarray(clipped)
        kept = self.select(~out)
        return (kept, out) if return_mask else kept

    def normalize(self) -> LightCurve:
        """Divide flux and error by the median flux (result is relative, around 1); magnitudes
        (``meta.flux_unit`` ``"mag"``) become relative flux ``10^(-0.4 (m - median m))``, and
        offsets around zero in ppm, ppt or per cent by their unit ``1 + offset``, as
        :func:`starskope.clean.clean` reads them (offsets of no unit are refused: no level)."""
        from .clean.masking import unit_offsets
        from .units import is_magnitude_unit, magnitudes_to_flux

        relative = self.meta.replace(flux_unit="relative")
        if is_magnitude_unit(self.meta.flux_unit):
            flux, err = magnitudes_to_flux(self.flux, self.flux_err)
            return self.copy(flux=flux, flux_err=err, meta=relative)
        offsets = unit_offsets(self.flux, self.flux_err, self.meta.flux_unit)
        if offsets is not None:
            return self.copy(flux=offsets[0], flux_err=offsets[1], meta=relative)
        med = np.nanmedian(self.flux)
        if not np.isfinite(med) or med <= 0:
            raise StarskopeError(
                f"cannot normalise: the median flux is {med:.3g}, not a positive level (offsets"
                " around zero such as flux - 1 or ppm? starskope.analyse reads those as they are)",
                path=self.meta.source,
            )
        return self.copy(flux=self.flux / med, flux_err=self.flux_err / abs(med), meta=relative)

    def to_bjd(self) -> LightCurve:
        """Return the same light curve with times in full BJD_TDB (format ``"jd"``)."""
        if self._format == "relative":
            raise StarskopeError("relative times have no absolute epoch", path=self.meta.source)
        return LightCurve(
            self._t + self.bjd_offset,
            self.flux,
            self.flux_err,
            self.quality,
            time_format="jd",
            meta=self.meta,
        )

    def fold(self, *, period, epoch=None, epoch_time=None):
        """Phase-fold; see :func:`starskope.fold.fold`. ``epoch_time`` is lightkurve's name
        for ``epoch``."""
        from .fold import fold

        if (epoch is None) == (epoch_time is None):
            raise StarskopeError("fold() takes the transit epoch once: epoch= (or epoch_time=)")
        return fold(self, period=period, epoch=epoch if epoch is not None else epoch_time)

    def flatten(self, **kwargs):
        """Detrend; keyword arguments as :func:`starskope.clean.detrend.flatten`. Times out of
        order are detrended in time order and returned in the order given. ``window_length``
        (lightkurve's name) is taken as ``window`` when it is a time (``0.5 * u.day``)."""
        from .clean.detrend import flatten

        if "window_length" in kwargs:
            import astropy.units as u

            length = kwargs.pop("window_length")
            if not (isinstance(length, u.Quantity) and length.unit.physical_type == "time"):
                raise StarskopeError(
                    f"window_length={length!r}: lightkurve counts it in cadences; starskope's"
                    " window is a time: give window=<days> or window_length=0.5 * u.day"
                )
            if "window" in kwargs:
                raise StarskopeError("flatten() takes window= or window_length=, not both")
            kwargs["window"] = float(length.to_value(u.day))

        order = np.argsort(self._t, kind="stable")
        if np.any(np.diff(order) != 1):  # the running windows assume time order
            mask = kwargs.get("transit_mask")
            if mask is not None:  # given per cadence in the caller's order: sorted with them
                mask = np.asarray(mask, dtype=bool)
                if mask.shape != self._t.shape:
                    raise StarskopeError(
                        f"transit_mask must have one entry per cadence ({self._t.size});"
                        f" got shape {mask.shape}"
                    )
                kwargs["transit_mask"] = mask[order]
            flat = flatten(self.select(order), **kwargs).lightcurve
            return flat.select(np.argsort(order, kind="stable"))

        return flatten(self, **kwargs).lightcurve

    def bin(self, time_bin_size, *, min_count: int = 1) -> LightCurve:
        """Bin to a fixed cadence (lightkurve's ``time_bin_size``, e.g. ``30 * u.min``; a bare
        number is days); see :func:`starskope.stitch.bin_to`.

        Examples
        --------
        >>> import numpy as np, astropy.units as u
        >>> lc = LightCurve(np.arange(0, 1, 2 / 1440), np.ones(720), time_format="btjd")
        >>> len(lc.bin(30 * u.min))
        48
        """
        from .stitch import bin_to

        return bin_to(self, time_bin_size, min_count=min_count)

    def append(self, others) -> LightCurve:
        """This light curve followed by one or more others, cadences concatenated as they are
        (no normalisation or quality masking: :func:`starskope.stitch.stitch` does those).

        Times stay in this light curve's format when every part has it, else all go to full
        BJD_TDB (``"jd"``); relative times join only relative times, and the flux units that
        are stated must agree. The metadata are this light curve's.

        Raises
        ------
        StarskopeError
            If a part is not a `LightCurve`, relative and absolute times are mixed, the
            flux units differ (``meta.flux_unit``) or the missions do (their quality flags
            mean different things).
        """
        if isinstance(others, LightCurve):
            others = [others]
        if not isinstance(others, list | tuple):
            raise StarskopeError(
                f"append() takes a LightCurve or a list of them; got {type(others).__name__}"
            )
        parts = [self, *others]
        for i, p in enumerate(parts[1:], 1):
            if not isinstance(p, LightCurve):
                raise StarskopeError(
                    f"append() takes LightCurve objects; part {i} is {type(p).__name__}"
                )
        missions = {p.meta.mission for p in parts} - {None}
        if len(missions) > 1:  # quality flags mean different things in each
            raise StarskopeError(
                f"append(): the parts come from different missions ({', '.join(sorted(missions))}),"
                " whose quality flags differ; use starskope.stitch.stitch, which masks each"
                " with its own",
                path=self.meta.source,
            )
        formats = {p._format for p in parts}
        if "relative" in formats and len(formats) > 1:
            raise StarskopeError(
                "append(): relative times (no epoch) cannot join absolute ones",
                path=self.meta.source,
            )
        units = {p.meta.flux_unit for p in parts} - {None}  # None: not stated
        if len(units) > 1:
            shown = ", ".join(sorted(str(x) for x in units))
            raise StarskopeError(
                f"append(): the flux units differ ({shown}); normalise the parts first"
                " (lc.normalize()) or use starskope.stitch.stitch",
                path=self.meta.source,
            )
        if len(formats) > 1:
            parts = [p.to_bjd() for p in parts]
        return LightCurve(
            np.concatenate([p._t for p in parts]),
            np.concatenate([p.flux for p in parts]),
            np.concatenate([p.flux_err for p in parts]),
            np.concatenate([p.quality for p in parts]),
            time_format=parts[0]._format,
            meta=self.meta.replace(flux_unit=units.pop()) if units else self.meta,
        )

    def plot(self, ax=None, **kwargs):
        """Flux against time (divided by its median when it has a positive level), on ``ax``
        or, when none is given, on a new pyplot figure; keyword arguments go to
        `matplotlib.axes.Axes.plot`. Returns the `matplotlib.axes.Axes`."""
        from .plotting import plot_lightcurve

        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(10, 4))
        return plot_lightcurve(self, ax=ax, **kwargs)

    # ------------------------------------------------------------------ interoperability
    def to_timeseries(self):
        """Convert to an astropy `~astropy.timeseries.TimeSeries` (flux, flux_err, quality)."""
        from astropy.timeseries import TimeSeries

        if self._format == "relative":
            raise StarskopeError(
                "relative times have no absolute epoch; a TimeSeries needs absolute times",
                path=self.meta.source,
            )
        ts = TimeSeries(time=self.time)
        ts["flux"] = self.flux
        ts["flux_err"] = self.flux_err
        ts["quality"] = self.quality
        ts.meta.update({k: v for k, v in dataclasses.asdict(self.meta).items() if k != "extra"})
        return ts

    @classmethod
    def from_timeseries(
        cls, ts, *, flux_column: str | None = None, meta: LightCurveMeta | None = None
    ):
        """Build from an astropy ``TimeSeries`` (one written by :meth:`to_timeseries`, or
        ``TimeSeries.read`` of a Kepler/TESS file).

        ``flux_column`` defaults to ``flux``, else ``pdcsap_flux``, else ``sap_flux``; its
        error is ``flux_err`` or ``<flux_column>_err``; quality ``quality`` or
        ``sap_quality``. Masked cells become NaN, the column's unit ``meta.flux_unit``, and
        FITS header keys in ``ts.meta`` (``OBJECT``, ``MISSION``/``TELESCOP``, ``RA_OBJ``,
        ``DEC_OBJ``) the provenance.
        """
        names = {c.lower(): c for c in ts.colnames}
        if flux_column is None:
            flux_column = next(
                (names[c] for c in ("flux", "pdcsap_flux", "sap_flux") if c in names), "flux"
            )
        if flux_column not in ts.colnames:
            raise StarskopeError(f"TimeSeries has no column {flux_column!r}; has {ts.colnames}")

        def first(*candidates):
            return next((ts[names[c.lower()]] for c in candidates if c.lower() in names), None)

        err = first("flux_err", f"{flux_column}_err")
        quality = first("quality", "sap_quality")
        if meta is None:
            known = {f.name for f in dataclasses.fields(LightCurveMeta)} - {"extra"}
            tm = ts.meta
            fields = {k: v for k, v in tm.items() if k in known}
            header = {
                "target": tm.get("OBJECT"),
                "mission": tm.get("MISSION") or tm.get("TELESCOP"),
                "ra": tm.get("RA_OBJ"),
                "dec": tm.get("DEC_OBJ"),
            }
            fields.update({k: v for k, v in header.items() if v is not None and k not in fields})
            meta = LightCurveMeta(**fields)
        meta = meta.replace(flux_column=meta.flux_column or flux_column)
        return cls(
            ts.time,
            ts[flux_column],
            None if err is None else _floats(err),
            None if quality is None else _floats(quality),
            meta=meta,
        )

    def to_lightkurve(self):
        """Convert to a ``lightkurve.LightCurve`` (imports lightkurve on demand)."""
        try:
            import lightkurve as lk
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise StarskopeError(
                "to_lightkurve() needs lightkurve: pip install lightkurve"
            ) from exc
        if self._format == "relative":
            raise StarskopeError("relative times have no absolute epoch", path=self.meta.source)
        import astropy.units as u

        m = self.meta
        unit = None
        if m.flux_unit and m.flux_unit != "relative":
            try:
                unit = u.Unit(m.flux_unit)
            except ValueError:  # a name astropy does not know: the flux stays unitless
                unit = None
        flux = self.flux if unit is None else self.flux * unit
        err = None if np.all(np.isnan(self.flux_err)) else self.flux_err
        if err is not None and unit is not None:
            err = err * unit
        lc = lk.LightCurve(time=self.time, flux=flux, flux_err=err)
        lc["quality"] = self.quality
        lc.meta.update(
            {
                "MISSION": m.mission,
                "OBJECT": m.target,
                "RA": m.ra,
                "DEC": m.dec,
                "PMRA": m.pmra,
                "PMDEC": m.pmdec,
                "FLUX_ORIGIN": m.flux_column,
                "FILENAME": m.source,
                **_segment_keys(m.segment),
                # lightkurve's own mark of normalised flux, which from_lightkurve reads
                **({"NORMALIZED": True} if m.flux_unit == "relative" else {}),
            }
        )
        # what lightkurve has no key for (the reader, header extras such as TEFF and TIMEDEL)
        # travels in lightkurve's meta as attributes lightkurve leaves alone; to_fits does not
        # write them
        lc.meta["starskope_meta"] = {"product": m.product, "extra": dict(m.extra)}
        return lc

    @classmethod
    def from_lightkurve(cls, lklc, *, meta: LightCurveMeta | None = None) -> LightCurve:
        """Build from a ``lightkurve.LightCurve``."""

        def arr(x):
            return _floats(x)  # masked values are NaN

        kind = f"{type(lklc).__module__}.{type(lklc).__name__}"
        if isinstance(lklc, LightCurve):  # starskope's own already
            return lklc if meta is None else lklc.copy(meta=meta)
        if not kind.startswith("lightkurve.") or "Collection" in kind:
            what = "a collection: convert each of its light curves" if "Collection" in kind else ""
            raise StarskopeError(
                f"from_lightkurve() takes one lightkurve LightCurve; got {type(lklc).__name__}"
                + (f" ({what}, and pass the list to analyse_group)" if what else "")
            )
        time = lklc.time
        if "Folded" in kind:  # its time is phase: the times observed are time_original
            if "time_original" not in lklc.colnames:
                raise StarskopeError(
                    "a folded lightkurve light curve without time_original: pass the light curve"
                    " before folding"
                )
            time = lklc["time_original"]
            lklc = lklc[np.argsort(np.asarray(getattr(time, "value", time)), kind="stable")]
            time = lklc["time_original"]
        q = lklc["quality"] if "quality" in lklc.colnames else None
        if meta is None:
            lm = lklc.meta
            meta = LightCurveMeta(
                mission=lm.get("MISSION"),
                target=lm.get("OBJECT")
                or (str(lm.get("TARGETID")) if lm.get("TARGETID") else None),
                ra=lm.get("RA"),
                dec=lm.get("DEC"),
                pmra=lm.get("PMRA"),
                pmdec=lm.get("PMDEC"),
                flux_column=lm.get("FLUX_ORIGIN"),
                # lightkurve's normalize() leaves a dimensionless flux and NORMALIZED in meta
                flux_unit=_unit_name(lklc.flux) or ("relative" if lm.get("NORMALIZED") else None),
                source=lm.get("FILENAME"),
                segment=_segment_from_keys(lm),
            )
            own = lm.get("starskope_meta")  # written by to_lightkurve
            if isinstance(own, dict):
                meta = meta.replace(product=own.get("product"), extra=dict(own.get("extra") or {}))
        q = None if q is None else np.asarray(getattr(q, "value", q)).astype(np.int32)
        return cls(time, arr(lklc.flux), arr(lklc.flux_err), q, meta=meta)
