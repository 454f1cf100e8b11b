"""Parquet light curves: starskope's own simulated campaigns, and plain column tables.

Two layouts are read:

- **one star per row** (``starskope simulate campaign --format parquet``): list columns ``flux``
  (and optionally ``flux_err``, ``quality``, ``time``), scalar columns such as ``label`` (the
  Kaggle convention, 2 = host, 1 = not) and ``row``; a shared time grid in days may sit in the
  file's key-value metadata (``starskope.time``). Each row is one light curve, as a Kaggle
  table's rows are;
- **the Kaggle layout** (``LABEL, FLUX.1 ... FLUX.n``, as pandas'
  ``pd.read_csv("exoTrain.csv").to_parquet(...)`` writes it): one star per row as in the CSV
  (:mod:`starskope.io.kaggle_arrow`);
- **one cadence per row**: numeric columns chosen like a text table's
  (:func:`~starskope.io._columns.choose_columns`: time, flux, error and quality by name).

Feather (Arrow IPC) files, pandas' ``to_feather``, are read as one cadence per row too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from ._common import infer_time_format, warn_if_reduced_jd

__all__ = [
    "count_parquet_rows",
    "count_feather_rows",
    "identify_feather",
    "identify_parquet",
    "identify_parquet_table",
    "iter_feather_rows",
    "iter_parquet_rows",
    "read_feather",
    "read_parquet",
]

_MAGIC = b"PAR1"


def _is_parquet(header) -> bool:
    return isinstance(header, bytes | bytearray) and bytes(header[:4]) == _MAGIC


def identify_parquet(path, header: bytes) -> bool:
    """True for a one-star-per-row Parquet file (``PAR1`` magic bytes, a list column ``flux``)."""
    try:
        return _is_parquet(header) and _is_per_star(_open(path))
    except StarskopeError:
        return False


def identify_parquet_table(path, header: bytes) -> bool:
    """True for any other Parquet file: one light curve, one cadence per row (a corrupt file
    too, so that reading it names the problem)."""
    return _is_parquet(header) and not identify_parquet(path, header)


def identify_feather(path, header: bytes) -> bool:
    """An Arrow IPC / Feather v2 file (pandas' ``to_feather``): magic bytes ``ARROW1``."""
    return isinstance(header, bytes | bytearray) and bytes(header[:6]) == b"ARROW1"


def read_feather(path, *, flux_column=None, time_column=None, opened=None, row=0) -> LightCurve:
    """One light curve from a Feather file: row ``row`` of a Kaggle-layout table
    (:mod:`starskope.io.kaggle_arrow`), else the whole table, one cadence per row (columns as
    for Parquet)."""
    from . import kaggle_arrow

    table = kaggle_arrow.cached_feather_table(path)
    if kaggle_arrow.kaggle_columns(table.schema) is not None:
        return kaggle_arrow.read_row(path, row, flux_column, time_column)
    if row:
        raise StarskopeError(f"row {row} of a one-star table (only row 0 exists)", path=path)
    return _table_lightcurve(path, table, flux_column, time_column, product="feather")


def iter_feather_rows(path) -> Iterator[tuple[int, LightCurve | StarskopeError]]:
    """``(row, light curve or error)`` per star of a Kaggle-layout Feather file; one light
    curve (row 0) for any other."""
    from . import kaggle_arrow

    table = kaggle_arrow.cached_feather_table(path)
    if kaggle_arrow.kaggle_columns(table.schema) is not None:
        yield from kaggle_arrow.kaggle_rows(path)
    else:
        yield 0, _table_lightcurve(path, table, None, None, product="feather")


def count_feather_rows(path) -> int:
    """Stars in a Feather file: its rows in the Kaggle layout, else 1."""
    from . import kaggle_arrow

    table = kaggle_arrow.cached_feather_table(path)
    return table.num_rows if kaggle_arrow.kaggle_columns(table.schema) is not None else 1


def _open(path):
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow comes with pandas' parquet support
        raise StarskopeError(
            "reading Parquet needs pyarrow (pip install pyarrow)", path=path
        ) from exc
    try:
        return pq.ParquetFile(str(path))
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        raise StarskopeError(f"cannot read Parquet: {exc}", path=path) from exc


def _is_per_star(pf) -> bool:
    import pyarrow as pa

    from .kaggle_arrow import kaggle_columns

    schema = pf.schema_arrow
    if kaggle_columns(schema) is not None:
        return True
    return "flux" in schema.names and pa.types.is_list(schema.field("flux").type)


def count_parquet_rows(path) -> int:
    """Stars in the file: its rows when it holds one star per row, else 1."""
    pf = _open(path)
    return int(pf.metadata.num_rows) if _is_per_star(pf) else 1


def _grid(pf) -> np.ndarray | None:
    meta = pf.schema_arrow.metadata or {}
    raw = meta.get(b"starskope.time")
    return None if raw is None else np.asarray(json.loads(raw), dtype=float)


def _mission(pf) -> str | None:
    raw = (pf.schema_arrow.metadata or {}).get(b"starskope.config")
    if raw is None:
        return None
    cfg = json.loads(raw)
    return "K2" if "k2_systematics" in cfg else None  # starskope's K2-like campaigns


def _binary_labels(pf) -> bool:
    """True when the file's ``label`` column holds 0/1 (1 = host) rather than Kaggle's 1/2."""
    name = next((n for n in pf.schema_arrow.names if n.lower() == "label"), None)
    if name is None:
        return False
    col = pf.read(columns=[name]).column(name).to_numpy(zero_copy_only=False)
    vals = {int(x) for x in map(_label_number, col) if x is not None}
    return bool(vals) and vals <= {0, 1} and 0 in vals


@lru_cache(maxsize=32)
def _binary_labels_of(path: str, mtime_ns: int, size: int) -> bool:
    """:func:`_binary_labels` once per file version: a scan reads a file row by row, and the
    scheme needs the whole label column."""
    return _binary_labels(_open(path))


def _label_of(rec: dict):
    """The row's ``label`` (or ``LABEL``, ``Label``: a name in any case) as a number, None
    without one (or with text such as ``CONFIRMED``, which is no Kaggle or 0/1 label)."""
    v = next((v for k, v in rec.items() if k.lower() == "label"), None)
    return _label_number(v)


def _label_number(v) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if x == x else None


def _star(rec: dict, i: int, *, grid, mission, path, binary: bool = False) -> LightCurve:
    flux = np.asarray(rec["flux"], dtype=float)
    where = f"row {i}"
    if rec.get("time") is not None:
        t = np.asarray(rec["time"], dtype=float)
    elif grid is not None:
        t = grid
    else:
        raise StarskopeError(
            "no time: neither a 'time' column nor a time grid in the file's metadata (flux"
            " without times is read, with --cadence-minutes, from a Kaggle-layout table:"
            " LABEL, FLUX.1, FLUX.2, ...)",
            path=path,
            where=where,
        )
    if t.size != flux.size:
        raise StarskopeError(f"{flux.size} flux values for {t.size} times", path=path, where=where)
    if not np.isfinite(flux).any():
        raise StarskopeError("all flux values are NaN", path=path, where=where)
    err = rec.get("flux_err")
    err = np.full(flux.size, np.nan) if err is None else np.asarray(err, dtype=float)
    quality = rec.get("quality")
    if quality is None:
        quality = np.zeros(flux.size, np.int32)
    else:  # a null flag (None in the list) is no flag
        quality = np.asarray(quality, dtype=float)
        if quality.shape != flux.shape:
            raise StarskopeError(
                f"{quality.size} quality flags for {flux.size} flux values", path=path, where=where
            )
        quality = np.where(np.isfinite(quality), quality, 0.0).astype(np.int64)
    label = _label_of(rec)
    label = None if label is None else int(label == 1) if binary else int(label == 2)
    row = int(rec["row"]) if rec.get("row") is not None else i
    fmt, add, rule = _row_time_format(t, mission)
    warn_if_reduced_jd(rule, path=path)  # the same words for every row: shown once
    if add:
        t = t + add
    meta = LightCurveMeta(
        mission=mission,
        target=str(rec.get("target") or f"row {row}"),
        source=str(path),
        row=row,
        label=label,
        flux_column="flux",
        product="parquet",
        extra={"time_rule": rule},
    )
    return LightCurve(t, flux, err, quality, time_format=fmt, meta=meta)


#: Per-star times starting below this many days count from the light curve's start (starskope's
#: own campaigns: days from the first cadence); later ones are dated (BKJD, BTJD, a JD).
_RELATIVE_BELOW = 50.0


def _row_time_format(t: np.ndarray, mission) -> tuple[str, float, str]:
    """``(format, add, rule)`` of one star's times: relative days from a start near zero, else
    the text tables' rule (:func:`~starskope.io._common.infer_time_format`: full JD, MJD or
    reduced JD, BKJD or BTJD by mission and range)."""
    finite = t[np.isfinite(t)]
    if finite.size == 0 or float(finite.min()) < _RELATIVE_BELOW:
        return "relative", 0.0, "days from the light curve's start"
    return infer_time_format(t, mission=mission, column="time")


def iter_parquet_rows(path) -> Iterator[tuple[int, LightCurve | StarskopeError]]:
    """``(row, light curve or error)`` per star of a one-star-per-row Parquet file, reading
    one row group at a time."""
    pf = _open(path)
    if not _is_per_star(pf):
        yield 0, read_parquet(path)
        return
    from . import kaggle_arrow

    if kaggle_arrow.kaggle_columns(pf.schema_arrow) is not None:
        yield from kaggle_arrow.kaggle_rows(path)
        return
    grid, mission, binary = _grid(pf), _mission(pf), _binary_labels(pf)
    i = 0
    for g in range(pf.num_row_groups):
        for rec in pf.read_row_group(g).to_pylist():
            try:
                yield i, _star(rec, i, grid=grid, mission=mission, path=path, binary=binary)
            except StarskopeError as err:
                yield i, err
            except (TypeError, ValueError) as exc:  # a cell of the wrong type: this row only
                yield i, StarskopeError(f"malformed row: {exc}", path=path, where=f"row {i}")
            i += 1


def read_parquet(path, *, flux_column=None, time_column=None, opened=None, row=0) -> LightCurve:
    """One light curve: row ``row`` of a one-star-per-row file, else the whole column table."""
    pf = _open(path)
    if _is_per_star(pf):
        if flux_column is not None or time_column is not None:
            raise StarskopeError(
                "a one-star-per-row Parquet file has fixed columns; drop flux_column/time_column",
                path=path,
            )
        from . import kaggle_arrow

        if kaggle_arrow.kaggle_columns(pf.schema_arrow) is not None:
            return kaggle_arrow.read_row(path, row, flux_column, time_column)
        start = 0  # read only the row group that holds the row (a scan reads row by row)
        for g in range(pf.num_row_groups):
            n = pf.metadata.row_group(g).num_rows
            if start <= row < start + n:
                (rec,) = pf.read_row_group(g).slice(row - start, 1).to_pylist()
                st = os.stat(path)
                return _star(
                    rec, row, grid=_grid(pf), mission=_mission(pf), path=path,
                    binary=_binary_labels_of(str(path), st.st_mtime_ns, st.st_size),
                )  # fmt: skip
            start += n
        raise StarskopeError(f"row {row} does not exist: the file has {start} rows", path=path)
    _refuse_other_lists(pf, path)
    return _table_lightcurve(path, pf.read(), flux_column, time_column, product="parquet")


def _refuse_other_lists(pf, path) -> None:
    """A table of list columns without one named ``flux``: say what one star per row needs."""
    import pyarrow as pa

    lists = [f.name for f in pf.schema_arrow if pa.types.is_list(f.type)]
    if lists:
        raise StarskopeError(
            f"list columns {lists} look like one star per row, which needs its flux in a list"
            " column named 'flux' (and optionally 'time', 'flux_err', 'quality', 'label'):"
            " rename it",
            path=path,
        )


def _table_lightcurve(path, table, flux_column, time_column, *, product) -> LightCurve:
    """A one-cadence-per-row Arrow table through the text tables' rules (column choice, units
    and names of times, calendar dates, mission and target from the file name)."""
    from .text import _date_time_column, _to_lightcurve

    names, cols, units, dates = _cadence_columns(table)
    if dates:  # as in text tables: one date column may be the time, the others stay unread
        where = {names.index(n): n for n in dates}
        plain = [None if i in where else c for i, c in enumerate(cols)]
        j = _date_time_column(names, plain, where, time_column)
        cols = [c if (i not in where or i == j) else None for i, c in enumerate(cols)]
        dates = frozenset() if j is None else frozenset({names[j]})
        unread = set(where.values()) - dates
        units = {k: v for k, v in units.items() if k not in unread}
    return _to_lightcurve(
        str(path),
        names,
        cols,
        comments=[],
        time_column=time_column,
        flux_column=flux_column,
        product=product,
        units=units,
        dates=dates,
    )


def _cadence_columns(table):
    """Names, float columns (None where not numeric), units and calendar-date columns of a
    one-cadence-per-row table.

    Timestamps (pandas ``datetime64``, with or without a time zone) become JD in TDB (UTC
    unless the zone says otherwise, converted as the text reader converts calendar dates, with
    its warning); an astropy Time column,
    which astropy writes as ``name.jd1`` and ``name.jd2``, becomes one JD column ``name``.
    """
    import pyarrow as pa

    names, cols, units, dates = [], [], {}, set()
    raw = list(table.column_names)
    for name in raw:
        col = table.column(name)
        if name.endswith(".jd2") and name[:-1] + "1" in raw:
            continue  # joined with its .jd1 below
        if name.endswith(".jd1") and name[:-1] + "2" in raw:
            jd = _floats(col) + _floats(table.column(name[:-1] + "2"))
            names.append(name[:-4])
            cols.append(jd)
            units[name[:-4]] = "jd"
            continue
        names.append(name)
        if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
            cols.append(_timestamps_to_jd(col))
            units[name] = "jd"
            dates.add(name)
            continue
        try:
            cols.append(_floats(col))
        except Exception:  # text, lists: not a numeric column
            cols.append(None)
    return names, cols, units, frozenset(dates)


def _floats(col) -> np.ndarray:
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=float)


def _timestamps_to_jd(col) -> np.ndarray:
    """A pyarrow timestamp or date column as JD (NaN where missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..time import datetimes_to_tdb_jd

    if pa.types.is_date(col.type):
        col = pc.cast(col, pa.timestamp("s"))
    tz = getattr(col.type, "tz", None)
    if tz:  # instants with a zone: in UTC
        col = pc.cast(col, pa.timestamp(col.type.unit, tz="UTC"))
    ns = pc.cast(col, pa.timestamp("ns", tz="UTC" if tz else None)).cast(pa.int64())
    missing = np.asarray(ns.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    stamps = np.array(pc.fill_null(ns, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    stamps = stamps.view("datetime64[ns]")
    stamps[missing] = np.datetime64("NaT", "ns")
    # civil (UTC) instants to TDB, as the text reader's calendar dates
    return datetimes_to_tdb_jd(stamps)
