"""Known transiting planets, candidates, false positives and eclipsing binaries.

The NASA Exoplanet Archive tables (KOI cumulative, Planetary Systems K2 subset, TOI) and the
Kepler Eclipsing Binary catalogue come in four different shapes. The readers here turn each into
one normalised table of *known objects*, one row per planet, candidate, false positive or binary:

============== ===============================================================================
column         meaning
============== ===============================================================================
catalog        ``"koi"``, ``"k2"``, ``"toi"`` or ``"kepler_eb"``
host_id        ``"KIC 11442793"`` / ``"TIC 100100827"`` / ``"EPIC 201367065"``, or empty
host_name      ``"Kepler-90"``, ``"K2-3"``, ``"TOI-185"``, ``"KOI-114"``...
planet_name    ``"Kepler-90 b"``, ``"K00114.01"``, ``"TOI-185.01"``, ``"KIC 9472174 EB"``
aliases        other names, ``";"``-separated (KOI name of a Kepler planet, ...)
period         orbital period, days
period_err     one-sigma period uncertainty, days (NaN when unknown)
epoch_bjd      a mid-transit time in BJD_TDB (NaN when the table gives none)
duration_hours transit duration (NaN when unknown)
depth_ppm      transit depth in ppm (for K2, estimated as (Rp/R*)^2; NaN when unknown)
disposition    ``CONFIRMED``, ``CANDIDATE``, ``FALSE POSITIVE``, ``KNOWN PLANET``,
               ``ECLIPSING BINARY`` (TOI's CP/KP/PC/APC/FP/FA are mapped to these)
ra, dec        position in degrees (ICRS) at ``pos_epoch`` (NaN when unknown)
pos_epoch      Julian year of that position (2000.0 for KIC, 2015.5 for Gaia-based ones)
pmra, pmdec    proper motion in mas/yr (NaN when the table gives none)
============== ===============================================================================

A compact copy of that table ships inside the package (``starskope/data/catalogs``, built by
``scripts/build_known_catalog.py``) so that annotation works without the raw tables;
:func:`known_objects` loads it by default and caches it.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import StarskopeError

__all__ = [
    "CATALOG_FILES",
    "COLUMNS",
    "DISPOSITIONS",
    "PACKAGED_TABLE",
    "find_catalog_dir",
    "known_objects",
    "load_catalogs",
    "read_k2",
    "read_kepler_eb",
    "read_koi",
    "read_toi",
]

#: The normalised columns, in order.
COLUMNS = (
    "catalog",
    "host_id",
    "host_name",
    "planet_name",
    "aliases",
    "period",
    "period_err",
    "epoch_bjd",
    "duration_hours",
    "depth_ppm",
    "disposition",
    "ra",
    "dec",
    "pos_epoch",
    "pmra",
    "pmdec",
)

_STRING_COLUMNS = ("catalog", "host_id", "host_name", "planet_name", "aliases", "disposition")

#: The normalised dispositions.
DISPOSITIONS = (
    "CONFIRMED",
    "KNOWN PLANET",
    "CANDIDATE",
    "FALSE POSITIVE",
    "ECLIPSING BINARY",
)

#: TFOPWG dispositions of the TOI table mapped to the normalised ones.
_TOI_DISPOSITION = {
    "CP": "CONFIRMED",
    "KP": "KNOWN PLANET",
    "PC": "CANDIDATE",
    "APC": "CANDIDATE",
    "FP": "FALSE POSITIVE",
    "FA": "FALSE POSITIVE",
}

#: File-name prefix of each raw table in a catalogue directory (the date suffix may vary).
CATALOG_FILES = {
    "koi": "nasa_exoplanet_archive_koi_cumulative",
    "k2": "nasa_exoplanet_archive_ps_k2",
    "toi": "nasa_exoplanet_archive_toi",
    "kepler_eb": "kepler_eb_catalog",
}

#: Name of the packaged compact table inside ``starskope/data/catalogs``.
PACKAGED_TABLE = "known_objects.csv.gz"

_BKJD_OFFSET = 2454833.0
_R_EARTH_OVER_R_SUN = 6371.0 / 695700.0
# Epoch of the positions: KIC (KOI table) positions are J2000; the archive's TOI and
# Planetary Systems positions come from Gaia DR2 (J2015.5).
_KIC_EPOCH = 2000.0
_GAIA_DR2_EPOCH = 2015.5


# --------------------------------------------------------------------------- helpers
_COLUMN_DOC = re.compile(r"^#\s*COLUMN\s+(\w+)\s*:\s*(.*?)\s*$")
_UNIT = re.compile(r"\[([^\[\]]+)\]\s*$")


def _read_archive_csv(path: Path) -> pd.DataFrame:
    """Read an Exoplanet Archive CSV (``#`` comment lines, then a plain CSV header).

    The ``# COLUMN name: description [unit]`` comment lines the archive writes are kept in
    ``df.attrs["units"]`` (column -> unit text) so that readers convert by the stated unit.
    """
    units: dict[str, str] = {}
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as fh:
            for line in fh:
                if not line.startswith("#"):
                    break
                m = _COLUMN_DOC.match(line.rstrip("\n"))
                if m:
                    u = _UNIT.search(m.group(2))
                    if u:
                        units[m.group(1)] = u.group(1).strip()
        df = pd.read_csv(path, comment="#", low_memory=False)
    except (OSError, ValueError, EOFError, pd.errors.ParserError) as exc:
        raise StarskopeError(f"cannot read catalogue table: {exc}", path=str(path)) from exc
    df.attrs["units"] = units
    return df


def _epoch_bjd(df: pd.DataFrame, name: str, *, default_unit: str) -> pd.Series:
    """A transit-epoch column as BJD_TDB, by its documented unit (BKJD, BTJD, BJD - n, BJD)."""
    values = _col(df, name)
    unit = df.attrs.get("units", {}).get(name, default_unit).strip().upper()
    if unit == "BKJD":
        return values + _BKJD_OFFSET
    if unit == "BTJD":
        return values + 2457000.0
    m = re.fullmatch(r"BJD\s*-\s*(\d+(?:\.\d*)?)", unit)
    if m:
        return values + float(m.group(1))
    return values  # BJD, or "days" for full BJD values


def _depth_ppm(df: pd.DataFrame, name: str, *, default_unit: str) -> pd.Series:
    """A transit-depth column in ppm, by its documented unit (ppm, ppt, %)."""
    values = _col(df, name)
    unit = df.attrs.get("units", {}).get(name, default_unit).strip().lower()
    scale = {"ppm": 1.0, "ppt": 1e3, "%": 1e4, "percent": 1e4}.get(unit)
    if scale is None:
        raise StarskopeError(f"unknown unit {unit!r} of depth column {name}")
    return values * scale


def _require(df: pd.DataFrame, cols, path) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise StarskopeError(
            f"not the expected catalogue table: missing columns {missing}", path=str(path)
        )


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    """A float column, or NaN when the table lacks it."""
    if name in df.columns:
        return pd.to_numeric(df[name], errors="coerce").astype(float)
    return pd.Series(np.nan, index=df.index, dtype=float)


def _period_err(df: pd.DataFrame, up: str, low: str) -> pd.Series:
    e1, e2 = _col(df, up).abs(), _col(df, low).abs()
    return pd.concat([e1, e2], axis=1).mean(axis=1, skipna=True)


def _finish(out: dict, index) -> pd.DataFrame:
    df = pd.DataFrame(out, index=index)
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = "" if c in _STRING_COLUMNS else np.nan
    df = df[list(COLUMNS)].reset_index(drop=True)
    for c in _STRING_COLUMNS:
        df[c] = df[c].fillna("").astype(str)
    return df


def _kepler_host(name) -> str:
    """``"Kepler-90 b"`` -> ``"Kepler-90"``."""
    if not isinstance(name, str) or not name.strip():
        return ""
    parts = name.strip().rsplit(" ", 1)
    return parts[0] if len(parts) == 2 and len(parts[1]) <= 2 else name.strip()


# --------------------------------------------------------------------------- readers
def read_koi(path) -> pd.DataFrame:
    """Read the Exoplanet Archive KOI cumulative table into the normalised shape.

    Parameters
    ----------
    path : str or `~pathlib.Path`
        The CSV (optionally gzip-compressed) downloaded from the archive.

    Returns
    -------
    `pandas.DataFrame`
        One row per KOI, with the columns of :data:`COLUMNS`.

    Raises
    ------
    StarskopeError
        If the file cannot be read or lacks the KOI columns.
    """
    path = Path(path)
    df = _read_archive_csv(path)
    _require(df, ["kepid", "kepoi_name", "koi_disposition", "koi_period"], path)
    kepid = pd.to_numeric(df["kepid"], errors="coerce").astype("Int64")
    koi_name = df["kepoi_name"].fillna("").astype(str)
    kep_name = (
        df["kepler_name"].fillna("").astype(str)
        if "kepler_name" in df
        else pd.Series("", index=df.index)
    )
    # KOI-351 for K00351.06
    koi_host = koi_name.str.extract(r"K0*(\d+)\.", expand=False).fillna("")
    koi_host = np.where(koi_host != "", "KOI-" + koi_host, "")
    host_name = np.where(kep_name != "", kep_name.map(_kepler_host), koi_host)
    planet = np.where(kep_name != "", kep_name, koi_name)
    aliases = np.where(
        kep_name != "", koi_name + ";" + pd.Series(koi_host, index=df.index), koi_host
    )
    out = {
        "catalog": "koi",
        "host_id": np.where(kepid.isna(), "", "KIC " + kepid.astype(str)),
        "host_name": host_name,
        "planet_name": planet,
        "aliases": aliases,
        "period": _col(df, "koi_period"),
        "period_err": _period_err(df, "koi_period_err1", "koi_period_err2"),
        "epoch_bjd": (
            _epoch_bjd(df, "koi_time0bk", default_unit="BKJD")
            if "koi_time0bk" in df
            else _epoch_bjd(df, "koi_time0", default_unit="BJD")
        ),
        "duration_hours": _col(df, "koi_duration"),
        "depth_ppm": _depth_ppm(df, "koi_depth", default_unit="ppm"),
        "disposition": df["koi_disposition"].fillna("").astype(str).str.upper().str.strip(),
        "ra": _col(df, "ra"),
        "dec": _col(df, "dec"),
        "pos_epoch": _KIC_EPOCH,
    }
    return _finish(out, df.index)


def read_k2(path) -> pd.DataFrame:
    """Read the Exoplanet Archive Planetary Systems table (K2 subset), one row per planet.

    The table holds several parameter sets per planet; the default set (``default_flag = 1``)
    is used, with missing periods filled from the median of the other sets. The table has no
    EPIC column: ``host_id`` is ``"EPIC n"`` when the host name is, else ``"TIC n"`` from a
    ``tic_id`` column when the export has one, else empty. ``depth_ppm`` comes from
    ``pl_trandep`` (by its documented unit, % by default) when present, else is estimated as
    ``(pl_rade / st_rad)**2``. Optional columns used when present: ``pl_tranmid`` (BJD),
    ``pl_trandur`` (hours), ``sy_pmra``/``sy_pmdec`` (mas/yr).

    Parameters
    ----------
    path : str or `~pathlib.Path`
        The archive CSV (optionally gzip-compressed).

    Returns
    -------
    `pandas.DataFrame`
        The normalised table (:data:`COLUMNS`).
    """
    path = Path(path)
    df = _read_archive_csv(path)
    _require(df, ["pl_name", "hostname", "pl_orbper"], path)
    df = df.copy()
    df["_per"] = _col(df, "pl_orbper")
    med_per = df.groupby("pl_name")["_per"].median()
    if "default_flag" in df:
        df["_default"] = pd.to_numeric(df["default_flag"], errors="coerce").fillna(0)
    else:
        df["_default"] = 0
    df = df.sort_values(["pl_name", "_default"], ascending=[True, False])
    df = df.drop_duplicates("pl_name", keep="first").reset_index(drop=True)
    per = df["_per"].fillna(df["pl_name"].map(med_per))
    host = df["hostname"].fillna("").astype(str)
    epic = host.str.extract(r"^EPIC\s*(\d+)$", expand=False)
    soltype = df.get("soltype", pd.Series("", index=df.index)).fillna("").astype(str)
    disposition = np.where(soltype.str.contains("Confirmed", case=False), "CONFIRMED", "CANDIDATE")
    estimate = (_col(df, "pl_rade") * _R_EARTH_OVER_R_SUN / _col(df, "st_rad")) ** 2 * 1e6
    depth = (
        _depth_ppm(df, "pl_trandep", default_unit="%").fillna(estimate)
        if "pl_trandep" in df
        else estimate
    )
    tic = (
        pd.to_numeric(df["tic_id"].astype(str).str.extract(r"(\d+)", expand=False), errors="coerce")
        if "tic_id" in df
        else pd.Series(np.nan, index=df.index)
    )
    host_id = np.where(
        epic.notna(),
        "EPIC " + epic.fillna(""),
        np.where(tic.notna(), "TIC " + tic.fillna(0).astype("int64").astype(str), ""),
    )
    out = {
        "catalog": "k2",
        "host_id": host_id,
        "host_name": host,
        "planet_name": df["pl_name"].astype(str),
        "aliases": "",
        "period": per,
        "period_err": _period_err(df, "pl_orbpererr1", "pl_orbpererr2"),
        "epoch_bjd": _epoch_bjd(df, "pl_tranmid", default_unit="BJD"),
        "duration_hours": _col(df, "pl_trandur"),
        "depth_ppm": depth,
        "disposition": disposition,
        "ra": _col(df, "ra"),
        "dec": _col(df, "dec"),
        "pos_epoch": _GAIA_DR2_EPOCH,
        "pmra": _col(df, "sy_pmra"),
        "pmdec": _col(df, "sy_pmdec"),
    }
    return _finish(out, df.index)


def read_toi(path) -> pd.DataFrame:
    """Read the Exoplanet Archive TESS Objects of Interest table.

    Parameters
    ----------
    path : str or `~pathlib.Path`
        The archive CSV (optionally gzip-compressed).

    Returns
    -------
    `pandas.DataFrame`
        The normalised table (:data:`COLUMNS`); TFOPWG dispositions are mapped with
        CP -> CONFIRMED, KP -> KNOWN PLANET, PC/APC -> CANDIDATE, FP/FA -> FALSE POSITIVE.
    """
    path = Path(path)
    df = _read_archive_csv(path)
    _require(df, ["toi", "tid", "tfopwg_disp", "pl_orbper"], path)
    tid = pd.to_numeric(df["tid"], errors="coerce").astype("Int64")
    toi = pd.to_numeric(df["toi"], errors="coerce")
    toi_name = toi.map(lambda x: "" if pd.isna(x) else f"TOI-{x:.2f}")
    toi_host = toi.map(lambda x: "" if pd.isna(x) else f"TOI-{int(x)}")
    disp = df["tfopwg_disp"].fillna("").astype(str).str.strip().str.upper()
    out = {
        "catalog": "toi",
        "host_id": np.where(tid.isna(), "", "TIC " + tid.astype(str)),
        "host_name": toi_host,
        "planet_name": toi_name,
        "aliases": "",
        "period": _col(df, "pl_orbper"),
        "period_err": _period_err(df, "pl_orbpererr1", "pl_orbpererr2"),
        "epoch_bjd": _epoch_bjd(df, "pl_tranmid", default_unit="BJD"),
        "duration_hours": _col(df, "pl_trandurh"),
        "depth_ppm": _depth_ppm(df, "pl_trandep", default_unit="ppm"),
        "disposition": disp.map(_TOI_DISPOSITION).fillna(disp),
        "ra": _col(df, "ra"),
        "dec": _col(df, "dec"),
        "pos_epoch": _GAIA_DR2_EPOCH,
        "pmra": _col(df, "st_pmra"),
        "pmdec": _col(df, "st_pmdec"),
    }
    return _finish(out, df.index)


def read_kepler_eb(path) -> pd.DataFrame:
    """Read an export of the Villanova Kepler Eclipsing Binary catalogue.

    The export has ``##`` comment lines, a header line that itself starts with ``#``
    (``#KIC,period,period_err,pdepth,...``) and a trailing comma on every line; all three are
    handled. ``pdepth`` (fractional primary depth) becomes ``depth_ppm``. Exports with the
    ``bjd0`` column (primary-eclipse epoch, BJD - 2400000 in the catalogue) get ``epoch_bjd``,
    and those with ``ra``/``dec`` columns (degrees) a position; otherwise they stay NaN.

    Parameters
    ----------
    path : str or `~pathlib.Path`
        The CSV (optionally gzip-compressed).

    Returns
    -------
    `pandas.DataFrame`
        The normalised table (:data:`COLUMNS`), disposition ``ECLIPSING BINARY``.
    """
    path = Path(path)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as fh:
            lines = fh.read().splitlines()
    except OSError as exc:
        raise StarskopeError(f"cannot read catalogue table: {exc}", path=str(path)) from exc
    body = [ln for ln in lines if ln.strip() and not ln.startswith("##")]
    if not body or not body[0].lstrip("#").strip():
        raise StarskopeError("no header line found in the eclipsing-binary table", path=str(path))
    header = [h.strip() for h in body[0].lstrip("#").split(",")]
    header = [h if h else f"_empty{i}" for i, h in enumerate(header)]
    text = "\n".join(ln.lstrip("#") if i == 0 else ln for i, ln in enumerate(body))
    try:
        df = pd.read_csv(io.StringIO(text), header=0, names=header, index_col=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise StarskopeError(f"cannot parse eclipsing-binary table: {exc}", path=str(path)) from exc
    df = df[[c for c in df.columns if not c.startswith("_empty")]]
    df.columns = [c.lower() for c in df.columns]
    _require(df, ["kic", "period"], path)
    kic = pd.to_numeric(df["kic"], errors="coerce").astype("Int64")
    depth = _col(df, "pdepth")
    out = {
        "catalog": "kepler_eb",
        "host_id": np.where(kic.isna(), "", "KIC " + kic.astype(str)),
        "host_name": np.where(kic.isna(), "", "KIC " + kic.astype(str)),
        "planet_name": np.where(kic.isna(), "", "KIC " + kic.astype(str) + " EB"),
        "aliases": "",
        "period": _col(df, "period"),
        "period_err": _col(df, "period_err"),
        "epoch_bjd": _eb_epoch(df),
        "depth_ppm": depth.where(depth >= 0) * 1e6,
        "disposition": "ECLIPSING BINARY",
        "ra": _col(df, "ra"),
        "dec": _col(df, "dec"),
        "pos_epoch": _KIC_EPOCH,
    }
    return _finish(out, df.index)


def _eb_epoch(df: pd.DataFrame) -> pd.Series:
    bjd0 = _col(df, "bjd0")
    # the catalogue lists BJD - 2400000; accept full BJD too
    return bjd0.where(bjd0 > 2_400_000, bjd0 + 2_400_000.0)


_READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "koi": read_koi,
    "k2": read_k2,
    "toi": read_toi,
    "kepler_eb": read_kepler_eb,
}


# --------------------------------------------------------------------------- locating
def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def find_catalog_dir(catalog_dir=None) -> Path:
    """Return the directory of the raw archive tables.

    Parameters
    ----------
    catalog_dir : str or `~pathlib.Path`, optional
        Explicit directory. Default: the ``STARSKOPE_CATALOGS`` environment variable, else
        ``../shared/data/catalogs`` beside the repository.

    Returns
    -------
    `~pathlib.Path`

    Raises
    ------
    StarskopeError
        If no such directory exists.
    """
    if catalog_dir is not None:
        d = Path(catalog_dir)
        if not d.is_dir():
            raise StarskopeError("catalogue directory does not exist", path=str(d))
        return d
    env = os.environ.get("STARSKOPE_CATALOGS")
    if env:
        d = Path(env)
        if not d.is_dir():
            raise StarskopeError(
                "STARSKOPE_CATALOGS does not name an existing directory", path=str(d)
            )
        return d
    d = _repo_root().parent / "shared" / "data" / "catalogs"
    if d.is_dir():
        return d
    raise StarskopeError(
        "no catalogue directory: pass catalog_dir= or set STARSKOPE_CATALOGS to the folder "
        "holding the NASA Exoplanet Archive tables"
    )


def _find_table(d: Path, name: str) -> Path | None:
    hits = sorted(d.glob(CATALOG_FILES[name] + "*.csv*"))
    return hits[-1] if hits else None  # the newest date sorts last


def load_catalogs(catalog_dir=None, *, names=None) -> pd.DataFrame:
    """Read the raw tables of a catalogue directory into one normalised table.

    Parameters
    ----------
    catalog_dir : str or `~pathlib.Path`, optional
        See :func:`find_catalog_dir`.
    names : sequence of str, optional
        Which tables (keys of :data:`CATALOG_FILES`); default all that are present.

    Returns
    -------
    `pandas.DataFrame`
        The concatenated normalised table (:data:`COLUMNS`). Eclipsing binaries get the
        position of the same KIC from the KOI table where there is one.

    Raises
    ------
    StarskopeError
        If the directory is missing, a named table is absent, or none is present.
    """
    d = find_catalog_dir(catalog_dir)
    wanted = list(_READERS) if names is None else list(names)
    bad = [n for n in wanted if n not in _READERS]
    if bad:
        raise StarskopeError(f"unknown catalogue(s) {bad}; choose from {sorted(_READERS)}")
    frames = []
    for name in wanted:
        path = _find_table(d, name)
        if path is None:
            if names is not None:
                raise StarskopeError(
                    f"no {CATALOG_FILES[name]}*.csv[.gz] table in the catalogue directory",
                    path=str(d),
                )
            continue
        frames.append(_READERS[name](path))
    if not frames:
        raise StarskopeError("no known catalogue table in the directory", path=str(d))
    df = pd.concat(frames, ignore_index=True)
    return _fill_eb_positions(df)


def _fill_eb_positions(df: pd.DataFrame) -> pd.DataFrame:
    koi = df[(df["catalog"] == "koi") & df["ra"].notna()].drop_duplicates("host_id")
    pos = koi.set_index("host_id")[["ra", "dec"]]
    eb = (df["catalog"] == "kepler_eb") & df["ra"].isna()
    if eb.any() and len(pos):
        df.loc[eb, "ra"] = df.loc[eb, "host_id"].map(pos["ra"])
        df.loc[eb, "dec"] = df.loc[eb, "host_id"].map(pos["dec"])
    return df


# --------------------------------------------------------------------------- the cached table
@functools.lru_cache(maxsize=8)
def _cached(catalog_dir: str | None) -> pd.DataFrame:
    if catalog_dir is None:
        ref = resources.files("starskope") / "data" / "catalogs" / PACKAGED_TABLE
        if ref.is_file():
            with ref.open("rb") as fh:
                df = pd.read_csv(fh, compression="gzip", keep_default_na=True)
            for c in _STRING_COLUMNS:
                df[c] = df[c].fillna("").astype(str)
            return df[list(COLUMNS)]
        return load_catalogs(None)
    return load_catalogs(catalog_dir)


def known_objects(catalog_dir=None) -> pd.DataFrame:
    """The normalised table of known objects, loaded once and cached.

    Parameters
    ----------
    catalog_dir : str or `~pathlib.Path`, optional
        Read the raw archive tables from this directory. By default the compact table shipped
        with the package is used (falling back to :func:`find_catalog_dir` if it is missing).

    Returns
    -------
    `pandas.DataFrame`
        Columns :data:`COLUMNS`. Treat it as read-only: it is shared between calls.

    Examples
    --------
    >>> df = known_objects()
    >>> row = df[df.planet_name == "Kepler-90 b"].iloc[0]
    >>> row.host_id, round(float(row.period), 4)
    ('KIC 11442793', 7.0082)
    """
    key = None if catalog_dir is None else str(Path(catalog_dir).resolve())
    return _cached(key)
