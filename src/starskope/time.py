"""Mission time systems as astropy ``Time`` formats.

Kepler and K2 use BKJD = BJD_TDB - 2454833; TESS uses BTJD = BJD_TDB - 2457000. Both are
registered with astropy so that ``Time(x, format="bkjd")`` works. lightkurve registers formats of
the same names and meaning; whichever is imported last wins, with identical behaviour.
"""

from __future__ import annotations

import numpy as np
from astropy.time import Time, TimeFromEpoch
from astropy.time.formats import TIME_FORMATS

__all__ = [
    "BKJD_OFFSET",
    "BTJD_OFFSET",
    "TIME_OFFSETS",
    "TimeBKJD",
    "TimeBTJD",
    "datetimes_to_tdb_jd",
    "float32_time_step",
    "to_bjd",
    "make_time",
]

BKJD_OFFSET = 2454833.0
BTJD_OFFSET = 2457000.0
#: Offset of each supported format from BJD (days); ``relative`` has no absolute anchor.
TIME_OFFSETS = {"bkjd": BKJD_OFFSET, "btjd": BTJD_OFFSET, "jd": 0.0}


class TimeBKJD(TimeFromEpoch):
    """Barycentric Kepler Julian Date: BJD_TDB - 2454833 (Kepler and K2)."""

    name = "bkjd"
    unit = 1.0
    epoch_val = 2454833
    epoch_val2 = None
    epoch_scale = "tdb"
    epoch_format = "jd"


class TimeBTJD(TimeFromEpoch):
    """Barycentric TESS Julian Date: BJD_TDB - 2457000 (TESS)."""

    name = "btjd"
    unit = 1.0
    epoch_val = 2457000
    epoch_val2 = None
    epoch_scale = "tdb"
    epoch_format = "jd"


# Make sure ours are the registered ones even if another package registered first.
TIME_FORMATS["bkjd"] = TimeBKJD
TIME_FORMATS["btjd"] = TimeBTJD


def make_time(values, *, format: str) -> Time:
    """Build a TDB ``Time`` from plain day values in a mission format.

    Parameters
    ----------
    values : array-like
        Times in days.
    format : {"bkjd", "btjd", "jd"}
        The time system of ``values``. Full BJD values use ``"jd"``.

    Returns
    -------
    `~astropy.time.Time`
    """
    if format not in TIME_OFFSETS:
        raise ValueError(f"unknown time format {format!r}; use one of {sorted(TIME_OFFSETS)}")
    return Time(np.asarray(values, dtype=float), format=format, scale="tdb")


def to_bjd(values, *, format: str):
    """Convert day values in ``format`` to BJD_TDB floats."""
    return np.asarray(values, dtype=float) + TIME_OFFSETS[format]


def datetimes_to_tdb_jd(stamps) -> np.ndarray:
    """Civil instants (``datetime64``, read as UTC) as JD in TDB; NaN where NaT.

    Dates are times at the observer: TDB leaves out the light travel time to the barycentre
    (up to 8.3 minutes), which needs the star's position.

    Examples
    --------
    >>> jd = datetimes_to_tdb_jd(np.array(["2020-01-01T00:00"], dtype="datetime64[ns]"))
    >>> round(float((jd[0] - 2458849.5) * 86400), 2)  # TDB - UTC at the start of 2020, seconds
    69.18
    """
    ns = np.asarray(stamps).astype("datetime64[ns]")
    ok = ~np.isnat(ns)
    jd = np.full(ns.shape, np.nan)
    if ok.any():
        sec = (ns[ok] - np.datetime64("1970-01-01T00:00:00", "ns")) / np.timedelta64(1, "s")
        jd[ok] = Time(sec, format="unix", scale="utc").tdb.jd
    return jd


def float32_time_step(values, *, days_per_unit: float = 1.0) -> tuple[float, float] | None:
    """``(largest value, step in minutes)`` when 32-bit floats cannot resolve these times to a
    minute (full JDs in float32 are 0.25 d apart), else None. ``values`` in units of
    ``days_per_unit`` days.

    Examples
    --------
    >>> float32_time_step([2459000.0])
    (2459000.0, 360.0)
    >>> float32_time_step([1500.0]) is None  # BTJD in float32: 10-s steps
    True
    """
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    minutes = float(np.spacing(np.float32(v.max()))) * days_per_unit * 1440.0
    return (float(v.max()), minutes) if minutes > 1.0 else None
