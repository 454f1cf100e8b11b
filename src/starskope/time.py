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
