"""Shared pieces of the readers: header metadata, time systems, final checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from ..time import BKJD_OFFSET, BTJD_OFFSET

__all__ = [
    "declared_time_scale",
    "finish",
    "guess_mission_from_name",
    "header_meta",
    "infer_time_format",
    "mission_from_header",
    "parse_time_unit",
    "relative_flux_unit",
    "target_from_name",
    "segment_from_name",
]

_MISSION_OFFSET = {"Kepler": BKJD_OFFSET, "K2": BKJD_OFFSET, "TESS": BTJD_OFFSET}
_OFFSET_FORMAT = {BKJD_OFFSET: "bkjd", BTJD_OFFSET: "btjd", 0.0: "jd"}

#: Header keywords copied into ``meta.extra`` when present (primary or table header).
EXTRA_KEYS = (
    "KEPMAG",
    "TESSMAG",
    "TEFF",
    "LOGG",
    "RADIUS",
    "FEH",
    "CDPP0_5",
    "CDPP1_0",
    "CDPP2_0",
    "CDPP3_0",
    "CDPP6_0",
    "CDPP12_0",
    "CROWDSAP",
    "FLFRCSAP",
    "TIMEDEL",
    "OBSMODE",
    "DATA_REL",
    "PROCVER",
    "CREATOR",
    "SIMCLASS",  # starskope simulate: the true class of a simulated star
    "ORIGIN",
    "CHANNEL",
    "MODULE",
    "OUTPUT",
    "CAMERA",
    "CCD",
    "TICID",
    "KEPLERID",
)


# ---------------------------------------------------------------------------- headers
def _get(headers, key):
    for h in headers:
        if h is None:
            continue
        v = h.get(key)
        if v is not None and not (isinstance(v, str) and not v.strip()):
            return v.strip() if isinstance(v, str) else v
    return None


def mission_from_header(*headers) -> str | None:
    """``"Kepler"``, ``"K2"`` or ``"TESS"`` from MISSION / TELESCOP / CAMPAIGN / QUARTER keys."""
    mission = str(_get(headers, "MISSION") or "").strip().lower()
    telescop = str(_get(headers, "TELESCOP") or "").strip().lower()
    if mission in ("k2",) or (telescop == "kepler" and _get(headers, "CAMPAIGN") is not None):
        return "K2"
    if mission == "tess" or telescop == "tess":
        return "TESS"
    if mission == "kepler" or telescop == "kepler":
        return "Kepler"
    if mission or telescop:  # another telescope's
        return None
    # no MISSION or TELESCOP (a stripped or rewritten header): the mission's own keys, its
    # segment and its catalogue number both (a ground-based CAMPAIGN or SECTOR key alone is not)
    kepler_id = _get(headers, "KEPLERID") is not None
    if _get(headers, "CAMPAIGN") is not None and kepler_id:
        return "K2"
    if _get(headers, "SECTOR") is not None and _get(headers, "TICID") is not None:
        return "TESS"
    if _get(headers, "QUARTER") is not None and kepler_id:
        return "Kepler"
    return None


_ID_PREFIX = {"Kepler": "KIC", "K2": "EPIC", "TESS": "TIC"}


def _target(headers, mission: str | None) -> str | None:
    obj = _get(headers, "OBJECT")
    if obj is not None:
        s = str(obj).strip()
        if re.fullmatch(r"\d+", s):
            return f"{_ID_PREFIX.get(mission, 'ID')} {int(s)}"
        m = re.fullmatch(r"(KIC|EPIC|TIC|KTWO|KPLR)\s*[-_ ]?\s*0*(\d+)", s, flags=re.I)
        if m:
            pre = {"KTWO": "EPIC", "KPLR": "KIC"}.get(m.group(1).upper(), m.group(1).upper())
            return f"{pre} {int(m.group(2))}"
        if s:
            return s
    for key, pre in (("TICID", "TIC"), ("TIC_ID", "TIC"), ("KEPLERID", None), ("TARGETID", None)):
        v = _get(headers, key)
        if v is not None:
            try:
                n = int(v)
            except (TypeError, ValueError):
                continue
            return f"{pre or _ID_PREFIX.get(mission, 'ID')} {n}"
    return None


def _segment(headers, mission) -> str | None:
    for key, pre in (("QUARTER", "Q"), ("CAMPAIGN", "C"), ("SECTOR", "S")):
        v = _get(headers, key)
        if v is not None:
            try:
                return f"{pre}{int(v)}"
            except (TypeError, ValueError):
                return f"{pre}{v}"
    return None


def _float(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def _proper_motion(headers, key, mission) -> float | None:
    """Proper motion in mas/yr; Kepler/K2 headers give arcsec/yr (read from the comment)."""
    for h in headers:
        if h is None or key not in h:
            continue
        v = _float(h.get(key))
        if v is None:
            continue
        comment = (h.comments[key] if hasattr(h, "comments") else "") or ""
        comment = comment.lower()
        if "mas" in comment:
            return v
        if "arcsec" in comment or mission in ("Kepler", "K2"):
            return v * 1000.0
        return v
    return None


def header_meta(primary, table=None, *, mission: str | None = None) -> dict[str, Any]:
    """Metadata fields (mission, target, ra, dec, pmra, pmdec, segment, extra) from FITS headers."""
    headers = (primary, table)
    mission = mission or mission_from_header(*headers)
    extra = {}
    for key in EXTRA_KEYS:
        v = _get(headers, key)
        if v is not None and isinstance(v, (int, float, str, bool)):
            extra[key] = v
    return {
        "mission": mission,
        "target": _target(headers, mission),
        "ra": _float(_get(headers, "RA_OBJ")),
        "dec": _float(_get(headers, "DEC_OBJ")),
        "pmra": _proper_motion(headers, "PMRA", mission),
        "pmdec": _proper_motion(headers, "PMDEC", mission),
        "segment": _segment(headers, mission),
        "extra": extra,
    }


# ---------------------------------------------------------------------------- time systems
def parse_time_unit(unit: str | None) -> str | None:
    """Time format from a column unit or name: ``"bkjd"``, ``"btjd"``, ``"BJD - 2454833"``,
    ``"jd"``, or a name that carries one of them (``"Time (BTJD)"``, ``"TIME [BJD - 2457000]"``).

    Examples
    --------
    >>> [parse_time_unit(u) for u in ("BTJD", "Time (BTJD)", "time_bkjd", "TIME [BJD - 2457000]")]
    ['btjd', 'btjd', 'bkjd', 'btjd']
    >>> parse_time_unit("timecorr") is None
    True
    """
    if not unit:
        return None
    u = str(unit).strip().lower()
    if u in ("bkjd", "btjd"):
        return u
    m = re.match(r"^\s*bjd\s*-\s*(\d+(?:\.\d*)?)", u)
    if m:
        return _OFFSET_FORMAT.get(float(m.group(1)))
    if u in ("jd", "bjd", "bjd_tdb", "bjd-tdb"):
        return "jd"
    # a name that carries the system: "Time (BTJD)", "time_btjd", "TIME [BJD - 2457000]"
    m = re.search(r"(?:^|[^a-z])(btjd|bkjd)(?:[^a-z]|$)", u)
    if m:
        return m.group(1)
    m = re.search(r"(?:^|[^a-z])bjd\s*-\s*(\d+(?:\.\d*)?)", u)
    if m:
        return _OFFSET_FORMAT.get(float(m.group(1)))
    return None


#: Time units other than days, in days (a column unit or TIMEUNIT; or a name suffix, below).
_TIME_SCALES = {
    "s": 1.0 / 86400.0,
    "sec": 1.0 / 86400.0,
    "secs": 1.0 / 86400.0,
    "second": 1.0 / 86400.0,
    "seconds": 1.0 / 86400.0,
    "min": 1.0 / 1440.0,
    "mins": 1.0 / 1440.0,
    "minute": 1.0 / 1440.0,
    "minutes": 1.0 / 1440.0,
    "h": 1.0 / 24.0,
    "hr": 1.0 / 24.0,
    "hrs": 1.0 / 24.0,
    "hour": 1.0 / 24.0,
    "hours": 1.0 / 24.0,
}
_SCALE_IN_NAME = re.compile(
    r"(?:[_\s(\[])(s|sec|secs|seconds?|min|mins|minutes?|h|hr|hrs|hours?)[)\]]?$"
)


#: Units that name a time column alone (not the letters ``s``, ``h`` or ``min``, which may
#: name other things).
_BARE_SCALE_NAMES = frozenset(_TIME_SCALES) - {"s", "h", "min"}


def time_scale(unit: str | None = None, name: str | None = None) -> tuple[float, str] | None:
    """``(days per unit, unit)`` when a time column is in seconds, minutes or hours, from its
    unit (``"s"``, ``"min"``, ``"h"``...) or a name such as ``time_s``, ``t [hours]``; None for
    days or when neither says.

    Examples
    --------
    >>> time_scale("s")
    (1.1574074074074073e-05, 's')
    >>> time_scale(name="time_hours")[1], time_scale(name="time"), time_scale("d")
    ('hours', None, None)
    >>> time_scale(name="Minutes")[1], time_scale(name="h")
    ('minutes', None)
    """
    u = str(unit or "").strip().lower()
    if u in _TIME_SCALES:
        return _TIME_SCALES[u], u
    n = str(name or "").strip().lower()
    if n in _BARE_SCALE_NAMES:  # a time column named by its unit alone: "hours", "minutes"
        return _TIME_SCALES[n], n
    m = _SCALE_IN_NAME.search(n)
    if m and n != m.group(1):
        return _TIME_SCALES[m.group(1)], m.group(1)
    return None


def is_mjd_unit(unit: str | None) -> bool:
    """True for a column unit that says the times are MJD (``"MJD"``, ``"mjd_tdb"``...)."""
    return bool(re.match(r"^\s*mjd(?:[_ -]?(tdb|utc))?\s*$", str(unit or ""), re.I))


#: Longest time span (days) accepted from a reader: 270 years. Beyond it the times are almost
#: certainly not days (seconds or a counter), and the period search would not fit in memory.
MAX_SPAN_DAYS = 1.0e5


_JD_MINUS = re.compile(r"^\s*(?:b|h)?jd(?:_?tdb|_?utc)?\s*[-_ ]\s*(\d{5,7}(?:\.\d*)?)\s*$")
_MJD_MINUS = re.compile(r"^\s*mjd(?:_?tdb|_?utc)?\s*[-_ ]\s*(\d{5}(?:\.\d*)?)\s*$")


def time_offset_from_name(text: str | None) -> tuple[str, float] | None:
    """``("jd", offset)`` for a name or unit like ``BJD-2450000``, ``HJD - 2450000``,
    ``JD-2400000``, ``MJD-50000`` or ``RJD`` (times are ``column + offset``); None otherwise. HJD is taken as BJD: they
    differ by seconds to about a minute, far below a transit's duration."""
    if not text:
        return None
    if re.sub(r"[\s_\-\[\]()]+", "", str(text).lower()) in ("rjd", "rhjd", "rbjd"):
        return ("jd", 2400000.0)  # reduced JD: JD - 2400000 (ground-based photometry)
    m = _MJD_MINUS.match(str(text).lower())
    if m and 1.0e4 <= float(m.group(1)) <= 7.0e4:  # MJD - 50000: JD - 2450000.5
        return ("jd", 2400000.5 + float(m.group(1)))
    m = _JD_MINUS.match(str(text).lower())
    if not m:
        return None
    off = float(m.group(1))
    return ("jd", off) if 2.0e6 <= off <= 2.5e6 else None


def fits_time_format(table_header, primary_header, *, time_unit, mission, path, where):
    """Format and additive offset for a FITS time column, from BJDREF/TIMESYS or the unit.

    Returns ``(format, add)``: times in ``format`` are ``column + add``.

    Raises
    ------
    StarskopeError
        For a BJD reference that cannot be expressed. (A TIMESYS other than TDB, the
        barycentric scale of all mission products, is read as is with a ``StarskopeWarning``.)
    """
    hdrs = (table_header, primary_header)
    timesys = _get(hdrs, "TIMESYS")
    if timesys is not None and str(timesys).strip().upper() not in ("TDB", "BJD_TDB"):
        warn_file(
            f"TIMESYS = {timesys!r}, not barycentric TDB: read as is, so epochs may be off by up"
            " to ~8 minutes (the light travel time across Earth's orbit) and a minute of leap"
            " seconds; periods are not affected",
            path=path,
            where=where,
        )
    refi, reff = _get(hdrs, "BJDREFI"), _get(hdrs, "BJDREFF")
    if refi is not None:
        ref = float(refi) + float(reff or 0.0)
        fmt = _OFFSET_FORMAT.get(ref)
        if fmt is not None:
            return fmt, 0.0
        base = _MISSION_OFFSET.get(mission, 0.0)
        return _OFFSET_FORMAT[base], ref - base
    fmt = parse_time_unit(time_unit)
    if fmt is not None:
        return fmt, 0.0
    if is_mjd_unit(time_unit):
        return "jd", 2400000.5
    mjdref = _get(hdrs, "MJDREFI")
    mjdref = (
        _get(hdrs, "MJDREF")
        if mjdref is None
        else float(mjdref) + float(_get(hdrs, "MJDREFF") or 0.0)
    )
    if mjdref is not None:  # times are MJD - MJDREF (the FITS time standard)
        return "jd", 2400000.5 + float(mjdref)
    return None, 0.0


_K2_RE = re.compile(r"(?<![a-z0-9])(k2|ktwo|epic)(?![a-z])")
_TESS_RE = re.compile(r"(?<![a-z0-9])(tess|tic|toi)(?![a-z])")
_KEPLER_RE = re.compile(r"(?<![a-z0-9])(kepler|kplr|kic|koi)(?![a-z])")


#: A star named after the mission that found it (``K2-18``, ``Kepler-90``): the name says
#: nothing of which mission's data the file holds.
_STAR_NAME = re.compile(r"(?<![a-z0-9])(k2|kepler)[-_ ]\d")


def guess_mission_from_name(text: str) -> str | None:
    """Mission named in a file name or comment (K2 tokens first, then TESS, then Kepler); a
    star's name (``K2-18``, ``Kepler-90``) only when no other token names a mission, so
    ``K2-18_tess_s08.csv`` is TESS data.

    Examples
    --------
    >>> [guess_mission_from_name(n) for n in ("K2-18_tess_s08.csv", "K2-18.csv", "ktwo2011-c01")]
    ['TESS', 'K2', 'K2']
    """
    s = text.lower()
    bare = _STAR_NAME.sub(" ", s)
    for text_ in (bare, s):
        for mission, rx in (("K2", _K2_RE), ("TESS", _TESS_RE), ("Kepler", _KEPLER_RE)):
            if rx.search(text_):
                return mission
    return None


def target_from_name(name: str) -> str | None:
    """``"EPIC n"`` / ``"KIC n"`` / ``"TIC n"`` from a file name such as ``ktwo211436265-c05``."""
    s = name.lower()
    for rx, pre in (
        (r"(?:epic|ktwo)[_\- ]?0*(\d{6,10})", "EPIC"),
        (r"(?:kic|kplr)[_\- ]?0*(\d{4,10})", "KIC"),
        (r"tic[_\- ]?0*(\d{3,11})", "TIC"),
    ):
        m = re.search(rx, s)
        if m:
            return f"{pre} {int(m.group(1))}"
    m = re.search(r"(?<![a-z0-9])(k2|kepler|koi|toi|wasp|hat-p|kelt|trappist|gj)[-_ ](\d+)", s)
    if m:
        pre = {
            "k2": "K2",
            "kepler": "Kepler",
            "koi": "KOI",
            "toi": "TOI",
            "wasp": "WASP",
            "hat-p": "HAT-P",
            "kelt": "KELT",
            "trappist": "TRAPPIST",
            "gj": "GJ",
        }[m.group(1)]
        return f"{pre}-{int(m.group(2))}"
    return None


def segment_from_name(name: str, mission: str | None) -> str | None:
    """Quarter / campaign / sector from a file name (``_q02``, ``-c04``, ``-s0008-``)."""
    s = Path(name).name.lower()
    pats = {
        "Kepler": (r"(?<![a-z0-9])q(\d{1,2})(?![0-9])", "Q"),
        "K2": (r"(?<![a-z0-9])c(\d{1,2})(?![0-9])", "C"),
        "TESS": (r"(?<![a-z0-9])s(\d{1,4})(?![0-9])", "S"),
    }
    if mission not in pats:
        return None
    rx, pre = pats[mission]
    m = re.search(rx, s)
    return f"{pre}{int(m.group(1))}" if m else None


#: Kepler's long and short cadences, days.
_KEPLER_CADENCES = (29.4244 / 1440.0, 58.84876 / 86400.0)


#: TESS cadences, days: 2 min, 20 s, 200 s, 10 min and 30 min.
_TESS_CADENCES = (
    120.0 / 86400.0,
    20.0 / 86400.0,
    200.0 / 86400.0,
    600.0 / 86400.0,
    1800.0 / 86400.0,
)


def _tess_cadence(t) -> bool:
    """True when the typical spacing of ``t`` is a TESS cadence (within 0.05 %)."""
    return _cadence_in(t, _TESS_CADENCES)


def _kepler_cadence(t) -> bool:
    """True when the typical spacing of ``t`` is a Kepler cadence (within 0.05 %: the
    barycentric correction changes it by 0.01 %)."""
    return _cadence_in(t, _KEPLER_CADENCES)


def _median_step(t) -> float:
    """The typical spacing of ``t`` (days; NaN with fewer than two distinct times)."""
    d = np.diff(np.sort(np.asarray(t, dtype=float)))
    d = d[d > 0]
    return float(np.median(d)) if d.size else float("nan")


def _cadence_in(t, cadences) -> bool:
    """True when the typical spacing of ``t`` is one of ``cadences`` (days, within 0.05 %)."""
    cad = _median_step(t)
    return bool(np.isfinite(cad)) and any(abs(cad / k - 1.0) < 5e-4 for k in cadences)


def declared_time_scale(*texts: str | None) -> str | None:
    """The time scale a column's name or unit declares when it is not barycentric TDB: "UTC"
    (a ``_utc`` suffix), "HJD" (heliocentric), "MJD" or "JD" (geocentric, as ground-based
    tables and ZTF write); None for BJD, BKJD, BTJD and names that say nothing.

    Starskope reads such times as they are (a barycentric correction needs the star's position
    and the observatory's); :attr:`~starskope.lightcurve.LightCurve.time_system` names the
    declared scale, since epochs can then differ from BJD_TDB by up to ~8 minutes.

    Examples
    --------
    >>> declared_time_scale("hjd"), declared_time_scale("mjd"), declared_time_scale("BJD_TDB")
    ('HJD', 'MJD', None)
    >>> declared_time_scale(None, "JD_UTC"), declared_time_scale("time")
    ('UTC', None)
    """
    for text in texts:
        if not text:
            continue
        name = str(text).lower()
        if re.search(r"(^|[^a-z])(bjd|bkjd|btjd|tdb)", name) or "bjd" in name:
            return None
        if "utc" in name:
            return "UTC"
        if re.search(r"(^|[^a-z])hjd", name):
            return "HJD"
        if re.search(r"(^|[^a-z])mjd", name):
            return "MJD"
        if re.search(r"(^|[^a-z])r?jd([^a-z]|$)", name):
            return "JD"
    return None


def _named_jd(column: str | None) -> bool:
    """A column named JD or BJD (``bjd``, ``BJD_TDB``, ``hjd``), not BKJD, BTJD or MJD."""
    if not column:
        return False
    name = column.lower()
    return (
        re.search(r"(^|[^a-z])[bh]?jd", name) is not None
        and not any(k in name for k in ("bkjd", "btjd", "mjd"))
        and re.search(r"\d{4}", name) is None  # "BJD-2457000" says its own offset
    )


#: The rule of :func:`infer_time_format` that cannot tell MJD from BJD - 2400000 (half a day).
REDUCED_JD_RULE = "values ~5e4: BJD - 2400000"


#: Cells read as missing values, not as text (astropy's masked output "--", pandas' "NaN",
#: R's "NA"...), lower case.
MISSING_TOKENS = frozenset({"", "-", "--", "?", "na", "n/a", "nan", "null", "none", "masked"})

#: Label words read as a planet host / not one (lower case), in manifests and in a Kaggle-layout
#: table's LABEL column (``not_planet``: the class ``predict --json`` names).
HOST_WORDS = frozenset({"true", "yes", "host", "planet", "planet_host", "planet host"})
NOT_HOST_WORDS = frozenset(
    {"false", "no", "non-host", "non_host", "nonhost", "not_host", "no_planet", "no planet",
     "not_planet", "not planet", "eclipsing_binary", "eclipsing binary", "false_positive",
     "false positive", "variable", "quiet", "other"}
)  # fmt: skip


def warn_if_reduced_jd(rule: str, *, path, where: str | None = None) -> None:
    """The ``StarskopeWarning`` for times of ~5e4 read by :data:`REDUCED_JD_RULE` (or as MJD
    in a FITS table): the other reading moves every epoch by half a day."""
    if rule == AMBIGUOUS_KEPLER_TESS_RULE:
        warn_file(
            "times of 1325-1591 with no mission, unit or known cadence saying what they are:"
            " Kepler had them (BKJD, 2012-2013) and TESS (BTJD, 2018-2019); read as relative"
            " days, so epochs have no date: pass time_format='bkjd' or 'btjd' (or name the"
            " column)",
            path=path,
            where=where,
        )
        return
    if rule == AMBIGUOUS_RULE:
        warn_file(
            "times of 1940-3270 with no mission, unit or known cadence saying what they are: K2"
            " had them (BKJD, 2014-2018) and TESS (BTJD, 2020-2024); read as relative days, so"
            " epochs have no date: pass time_format='bkjd' or 'btjd' (or name the column)",
            path=path,
            where=where,
        )
        return
    if _BEFORE_MISSION in rule:
        warn_file(
            f"{rule.split(':')[0]}: read as relative days (no absolute epoch); pass"
            " time_format if they are mission days, or name the column (e.g. 'btjd')",
            path=path,
            where=where,
        )
        return
    if rule == FUTURE_BTJD_RULE:
        warn_file(
            "times beyond today's TESS time (BTJD) and no mission or unit saying what they are:"
            " read as BJD - 2450000, the ground-based convention; name the column (bjd, hjd,"
            " btjd) or pass time_format if that is wrong",
            path=path,
            where=where,
        )
        return
    if rule == REDUCED_JD_RULE:
        other = "MJD (JD - 2400000.5), every epoch is half a day early"
        fix = "name the column mjd or rjd, or pass time_format"
    elif rule.startswith("values ~5e4 in a FITS table"):
        other = "BJD - 2400000, every epoch is half a day late"
        # (read() takes time_format for text tables only)
        fix = "name the column rjd or mjd, or give the table an MJDREFI header"
    else:
        return
    warn_file(
        f"times of ~5e4 with no name or unit saying which: {rule}; if they are {other} (periods"
        f" are unaffected): {fix}",
        path=path,
        where=where,
    )


def warn_named_jd_reduced(column: str, *, path, where: str | None = None, fits: bool = False):
    """The ``StarskopeWarning`` for a column named JD or BJD holding times of ~5e4, read as
    BJD - 2400000 (:data:`REDUCED_JD_RULE`): the name says JD, not which half of a day."""
    # (read() takes time_format for text tables only)
    fix = "or give the table an MJDREFI header" if fits else "or pass time_format"
    warn_file(
        f"column {column!r} holds times of ~5e4: read as BJD - 2400000 (reduced JD); if they"
        " are JD - 2400000.5 (MJD-like), every epoch is half a day early (periods are"
        f" unaffected): name the column mjd or rjd, {fix}",
        path=path,
        where=where,
    )


def infer_time_format(
    t: np.ndarray, *, mission: str | None, column: str | None = None, fits: bool = False
):
    """Time system of plain numbers, for tables that do not say.

    The rule, in order:

    1. a column named like ``mjd``: MJD, converted to full JD (``+ 2400000.5``);
    2. values above 2,000,000: full BJD_TDB (``"jd"``); in a column named JD or BJD, values
       4,500-20,000 are ``BJD - 2450000`` (ground-based surveys, Kepler and K2 from 4,950;
       TESS's BTJD reaches 4,500 only in 2027);
    3. values between 40,000 and 80,000: reduced BJD (``BJD - 2400000``), converted to ``"jd"``;
       in a FITS table (``fits=True``) MJD, the FITS time standard's default (a reference
       MJDREF of 0); either way the callers warn (:func:`warn_if_reduced_jd`);
    4. a known mission (from headers, column names or the file name): BKJD for Kepler/K2,
       BTJD for TESS, unless the times begin before the mission's first day (BKJD 100, BTJD
       1300): then relative days, with a warning (a ground-based or simulated curve of a
       Kepler star, days from 0);
    5. no mission hint, by range (Kepler: BKJD 120-1591; K2: BKJD 1940-3270; TESS: BTJD from
       1325): values in 100-1325 are BKJD (Kepler); values in 1325-1591 sampled at Kepler's
       cadences (29.4244 min or 58.85 s) are BKJD, at 30 minutes or faster (TESS's cadences
       run from 20 s to 30 min) BTJD; values in 1591-1940, and values above 3270, are BTJD
       (only TESS was observing then);
    6. otherwise relative days, with no absolute epoch and a warning: values all in 1325-1591
       spaced wider than 30 minutes (binned Kepler or TESS data) in a column not named JD/BJD,
       and values in 1940-3270 at neither mission's cadence (K2 or TESS); pass
       ``time_format=`` to say which.

    Returns
    -------
    tuple of (str, float, str)
        ``(format, add, rule)``: times in ``format`` are ``t + add``; ``rule`` says why.
    """
    finite = t[np.isfinite(t)]
    if finite.size == 0:
        return "relative", 0.0, "no finite times"
    lo = float(np.min(finite))
    if column and "mjd" in column.lower():
        return "jd", 2400000.5, "column named MJD"
    if lo > 2.0e6:
        return "jd", 0.0, "values ~2.45e6: full BJD"
    if _named_jd(column) and 4.5e3 <= lo < 2.0e4:
        return "jd", 2450000.0, "column named JD/BJD with values 4500-20000: BJD - 2450000"
    if 4.0e4 < lo < 8.0e4:
        if fits:
            return "jd", 2400000.5, "values ~5e4 in a FITS table without a reference: MJD"
        return "jd", 2400000.0, REDUCED_JD_RULE
    if mission in ("Kepler", "K2", "TESS"):
        first = _MISSION_FIRST_DAY[mission]
        if lo >= first:
            return ("btjd", 0.0, "TESS hint: BTJD") if mission == "TESS" else (
                "bkjd", 0.0, f"{mission} hint: BKJD"
            )  # fmt: skip
        if lo > -100:
            # a file named after a Kepler star, but its times begin before the mission did (a
            # ground-based or simulated curve of that star, days from 0): not mission days
            return "relative", 0.0, BEFORE_MISSION_RULE.format(mission=mission, first=first)
    if 100.0 <= lo < 1325.0:
        return "bkjd", 0.0, "values 100-1325 with no mission hint: Kepler BKJD"
    if 1325.0 <= lo < 1591.0:  # Kepler (2012-2013, BKJD) or TESS (2018-2019, BTJD): the cadence
        if _kepler_cadence(finite):
            return (
                "bkjd",
                0.0,
                "values 1325-1591 at Kepler's 29.4-min or 58.8-s cadence: Kepler BKJD",
            )
        binned = _median_step(finite) > 1.02 * max(_TESS_CADENCES)  # Kepler's or TESS's
        # Kepler's BKJD ends at 1591: later times are TESS's; a column named JD/BJD holds the
        # TESS convention BJD - 2457000 (Kepler's BJD - 2454833 is named BKJD)
        if binned and float(np.max(finite)) < 1592.0 and not _named_jd(column):
            return "relative", 0.0, AMBIGUOUS_KEPLER_TESS_RULE
    if lo > 3270.0 and float(np.max(finite)) > _btjd_today() and lo < 2.0e4:
        # past today's TESS time: not BTJD, but the ground-based BJD - 2450000 (2009-2064)
        return "jd", 2450000.0, FUTURE_BTJD_RULE
    if 1325.0 <= lo < 1940.0 or lo > 3270.0:
        return "btjd", 0.0, "values outside the K2 range with no mission hint: TESS BTJD"
    if 1940.0 <= lo <= 3270.0:  # K2 (2014-2018, BKJD) or TESS (2020-2024, BTJD): the cadence
        if _kepler_cadence(finite):
            return "bkjd", 0.0, "values 1940-3270 at Kepler's 29.4-min or 58.8-s cadence: K2 BKJD"
        if _tess_cadence(finite):
            return "btjd", 0.0, "values 1940-3270 at a TESS cadence (20 s to 30 min): TESS BTJD"
        return "relative", 0.0, AMBIGUOUS_RULE
    return "relative", 0.0, "no mission hint and no absolute scale: relative days"


#: The first mission day of each mission's own time system, with a margin: Kepler's first
#: cadence is at BKJD 120.5, K2's engineering run (February 2014) at about 1860 and its
#: Campaign 0 data at 1940, TESS's first at BTJD 1325.3.
_MISSION_FIRST_DAY = {"Kepler": 100.0, "K2": 1850.0, "TESS": 1300.0}
#: The rule of :func:`infer_time_format` for times before the hinted mission's first day.
_BEFORE_MISSION = "times begin before the mission's first day"
BEFORE_MISSION_RULE = (
    "{mission} hint, but " + _BEFORE_MISSION + " ({first:g} in its own system): relative days"
)

#: The rule of :func:`infer_time_format` for times Kepler (BKJD) and TESS (BTJD) both had, at
#: neither's cadence (binned data, say).
AMBIGUOUS_KEPLER_TESS_RULE = "values 1325-1591 and no mission hint or known cadence: relative days"

#: The rule of :func:`infer_time_format` for times K2 (BKJD) and TESS (BTJD) both had.
AMBIGUOUS_RULE = "values 1940-3270 and no mission hint or known cadence: relative days"


#: The rule of :func:`infer_time_format` for times of 3270-20000 that TESS has not reached.
FUTURE_BTJD_RULE = "values past today's BTJD with no mission hint: BJD - 2450000"


def _btjd_today() -> float:
    """Today's date in BTJD (BJD - 2457000), to one day (times beyond it are not TESS's)."""
    import time

    return (time.time() / 86400.0 + 2440587.5) - BTJD_OFFSET + 1.0


def relative_flux_unit(flux: np.ndarray, unit: str | None) -> str | None:
    """The flux unit to record: the file's, else ``"relative"`` when the level is ~1."""
    if unit:
        u = str(unit).strip()
        if u.lower() in ("e-/s", "electrons/s", "electron/s", "e/s"):
            return "electron / s"
        if u:
            return u
    med = np.nanmedian(np.abs(flux)) if np.isfinite(flux).any() else np.nan
    if np.isfinite(med) and 0.5 < med < 1.5:
        return "relative"
    return None


def magnitude_flux(mag, err, column: str, path, where: str | None = None, unit=None):
    """Relative flux (and error) from a column of magnitudes, with a ``StarskopeWarning``;
    millimagnitudes (``mmag`` in the name or unit) are divided by 1000 first."""
    from ._columns import is_millimag, magnitudes_to_flux

    milli = is_millimag(column, unit)
    warn_file(
        f"column {column!r} holds {'milli' if milli else ''}magnitudes: converted to relative"
        f" flux 10^(-0.4 (m - median m)){' with m in magnitudes (mmag / 1000)' if milli else ''}",
        path=path,
        where=where,
    )
    if milli:
        mag = np.asarray(mag, dtype=float) / 1000.0
        err = None if err is None else np.asarray(err, dtype=float) / 1000.0
    return magnitudes_to_flux(mag, err)


def warn_file(message: str, *, path, where: str | None = None, stacklevel: int = 3) -> None:
    """A ``StarskopeWarning`` naming the file (and HDU/row) as a `StarskopeError` would;
    ``stacklevel`` as :func:`warnings.warn` takes it, counted from this function."""
    import warnings

    from ..exceptions import StarskopeWarning

    warnings.warn(
        str(StarskopeError(message, path=str(path), where=where)),
        StarskopeWarning,
        stacklevel=stacklevel,
    )


def below_full_jd(t) -> bool:
    """True when the smallest finite time is below 2e6: not a full JD (reduced or relative)."""
    t = np.asarray(t, dtype=float)
    finite = t[np.isfinite(t)]
    return finite.size > 0 and float(np.min(finite)) < 2.0e6


# ---------------------------------------------------------------------------- final checks
#: A cadence this close to the one before it, relative to both neighbouring steps, with the
#: same flux, is a copy of it with shifted times (a sector stitched twice) ...
SHIFTED_COPY_STEP = 0.1
#: ... when there are at least this many such cadences and this share of them.
SHIFTED_COPY_MIN = 10
SHIFTED_COPY_SHARE = 0.05


def _shifted_copies(t: np.ndarray, flux: np.ndarray) -> np.ndarray:
    """Cadences that repeat the one before them with the same flux, a small fraction
    (:data:`SHIFTED_COPY_STEP`) of both neighbouring time steps later: a light curve stitched
    with a copy of itself whose times moved by a few seconds, which halves the median step
    that the transit counts rest on. Separate exposures minutes apart (ground-based dithers)
    differ in flux and are kept."""
    out = np.zeros(t.size, dtype=bool)
    if t.size < 4:
        return out
    d = np.diff(t)
    prev = np.r_[np.inf, d[:-1]]
    nxt = np.r_[d[1:], np.inf]
    same = np.isclose(flux[1:], flux[:-1], rtol=1e-12, atol=0.0) & np.isfinite(flux[1:])
    out[1:] = same & (d > 0) & (d < SHIFTED_COPY_STEP * np.minimum(prev, nxt))
    # a copy repeats many cadences; a few equal values close in time are rounding (a survey's
    # fluxes to four decimals), and those rows are measurements of their own
    if np.count_nonzero(out) < max(SHIFTED_COPY_MIN, SHIFTED_COPY_SHARE * t.size):
        out[:] = False
    return out


def finish(
    path,
    t,
    flux,
    flux_err=None,
    quality=None,
    *,
    time_format: str,
    meta: LightCurveMeta,
    where: str | None = None,
) -> LightCurve:
    """Validate arrays and build the light curve.

    Drops cadences with non-finite time; raises `StarskopeError` for all-NaN flux. Rows out of
    time order are sorted and, of rows with the same time, the first with finite flux and no
    quality flag is kept (else the first); either comes with
    a :class:`~starskope.exceptions.StarskopeWarning` and a note in ``meta.extra["time_order"]``.
    """
    path = str(path)
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    n = t.size
    flux_err = np.full(n, np.nan) if flux_err is None else np.asarray(flux_err, dtype=float)
    quality = np.zeros(n, dtype=np.int32) if quality is None else np.asarray(quality)
    if quality.dtype.kind == "b":
        quality = quality.astype(np.int32)
    qf = quality.astype(float)
    # NaN or out of the 32-bit range (not a flag word; never a cast warning): no flag
    quality = np.where(np.isfinite(qf) & (np.abs(qf) < 2.0**31), qf, 0.0).astype(np.int32)
    if n == 0:
        raise StarskopeError("table has no rows", path=path, where=where)
    keep = np.isfinite(t)
    if not keep.all():
        t, flux, flux_err, quality = t[keep], flux[keep], flux_err[keep], quality[keep]
    if t.size == 0:
        raise StarskopeError("all time values are NaN", path=path, where=where)
    if not np.isfinite(flux).any():
        col = getattr(meta, "flux_column", None)
        hint = (
            f" in column {col!r}; another flux column may hold data (e.g. --flux-column"
            " sap_flux; Python: flux_column=)"
            if col
            else ""
        )
        raise StarskopeError(f"all flux values are NaN{hint}", path=path, where=where)
    finite_t = t[np.isfinite(t)]
    span = float(finite_t.max() - finite_t.min()) if finite_t.size else 0.0
    if span > MAX_SPAN_DAYS:
        raise StarskopeError(
            f"the times span {span:.4g} days ({span / 365.25:.3g} years): they are not in days "
            "(seconds? a counter?). Name the unit (a column unit 's', 'min' or 'h', or a name "
            "such as time_s or time_hours) or convert the times to days",
            path=path,
            where=where,
        )
    notes = []
    d = np.diff(t)
    if (d < 0).any():
        # concatenated sectors or quarters, a table sorted by another column: put the rows in
        # time order (stable, so equal times keep their order) and say so
        i = int(np.argmax(d < 0)) + 1
        notes.append(
            f"times were not in order (first at row {i}: {t[i]:.6f} after {t[i - 1]:.6f}); "
            "rows sorted by time"
        )
        order = np.argsort(t, kind="stable")
        t, flux, flux_err, quality = t[order], flux[order], flux_err[order], quality[order]
        d = np.diff(t)
    if (d == 0).any():
        # repeated timestamps (overlapping segments stitched twice): keep one row of each time,
        # the first with finite flux and no quality flag (a NaN or flagged first copy would
        # throw the good one away); say whether the repeats disagreed in flux
        rank = np.where(np.isfinite(flux), np.where(quality == 0, 0, 1), 2)
        order = np.lexsort((rank, t))  # by time, then rank; stable within both
        t, flux, flux_err, quality = t[order], flux[order], flux_err[order], quality[order]
        dup = np.concatenate([[False], np.diff(t) == 0])
        first = np.flatnonzero(~dup)
        group = np.cumsum(~dup) - 1
        differ = ~np.isclose(flux, flux[first][group], rtol=1e-9, atol=0.0, equal_nan=True)
        n_dup = int(dup.sum())
        i = int(np.argmax(dup))
        notes.append(
            f"{n_dup} repeated time(s) (first {t[i]:.6f}"
            + (
                f"; {int(np.count_nonzero(differ & dup))} with a different flux"
                if (differ & dup).any()
                else ", same flux"
            )
            + "): kept one row of each time, the first with finite flux and no quality flag (else"
            " the first)"
        )
        t, flux, flux_err, quality = t[~dup], flux[~dup], flux_err[~dup], quality[~dup]
    copies = _shifted_copies(t, flux)
    if copies.any():
        i = int(np.argmax(copies))
        notes.append(
            f"{int(copies.sum())} cadence(s) repeat the one before them a moment later (first"
            f" {t[i]:.6f}, {86400.0 * (t[i] - t[i - 1]):.3g} s after it) with the same flux: the"
            " same observations twice with shifted times; the repeats were left out"
        )
        t, flux, flux_err, quality = t[~copies], flux[~copies], flux_err[~copies], quality[~copies]
    if notes:
        text = "; ".join(notes)
        warn_file(text, path=path, where=where)
        meta = meta.replace(extra={**meta.extra, "time_order": text})
    if time_format == "relative":
        hint = time_unit_hint(t)
        if hint:
            warn_file(hint, path=path, where=where)
            meta = meta.replace(extra={**meta.extra, "time_unit_hint": hint})
    return LightCurve(t, flux, flux_err, quality, time_format=time_format, meta=meta)


#: Spacecraft cadences (minutes: Kepler's and K2's long and short, TESS's 2 min, 200 s, 10 and
#: 30 min) whose value in hours or in minutes, read as days, is what a time column kept in
#: hours or minutes looks like. TESS's 20 s in hours would be an 8-minute cadence in days, a
#: ground-based one, and is left out.
_UNIT_CADENCES_MIN = (29.4244, 58.84876 / 60.0, 2.0, 200.0 / 60.0, 10.0, 30.0)


def time_unit_hint(t) -> str | None:
    """A warning's text when relative times step by a spacecraft cadence counted in hours or
    minutes (0.4904 is K2's 29.4 minutes in hours, an 11.8-hour cadence in days): the column
    probably holds hours or minutes, which nothing in its name or unit said. None otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> time_unit_hint(np.arange(0.0, 600.0, 0.5))[:69]
    'the times step by 0.5: 30 min if they are hours, but 12 hours as days'
    >>> time_unit_hint(np.arange(0.0, 60.0, 29.4244 / 1440.0)) is None  # K2 cadence, in days
    True
    """
    step = _median_step(t)
    if not (np.isfinite(step) and step > 0):
        return None
    for cadence in _UNIT_CADENCES_MIN:
        for unit, per_minute in (("hours", 1.0 / 60.0), ("minutes", 1.0)):
            if abs(step / (cadence * per_minute) - 1.0) < 2e-3:
                as_days = f"{step * 24:.3g} hours" if step < 2 else f"{step:.3g} days"
                short = {"hours": "h", "minutes": "min"}[unit]
                return (
                    f"the times step by {step:.6g}: {cadence:.3g} min if they are {unit}, but"
                    f" {as_days} as days, a cadence no mission has; read as days. If they"
                    f" are {unit}, name the unit (a column unit {short!r} or a name such as"
                    f" time_{unit}) or convert them to days"
                )
    return None
