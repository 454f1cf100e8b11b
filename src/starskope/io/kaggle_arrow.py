"""The Kaggle layout (``LABEL, FLUX.1 ... FLUX.n``) saved by pandas as Parquet or Feather.

``pd.read_csv("exoTrain.csv").to_parquet(...)`` (or ``to_feather``) keeps the CSV's columns, with
pandas' row index stored as an extra column after them. Such a table reads one star per row
with the CSV reader's rules (:mod:`starskope.io.kaggle`):

- LABEL 2 is a host and 1 is not; a table whose first :data:`~starskope.io.kaggle.LABEL_LOOKAHEAD`
  labels hold 0 and no 2 is read 0/1 (1 = host), with the CSV reader's warning;
- a LABEL outside the scheme or missing, or a row of NaN flux only, fails alone
  (:class:`~starskope.exceptions.RowError`, with the row and what could be read of its label);
- a table without LABEL reads unlabelled; relative times at the K2 long cadence.

Rows are decoded :data:`KAGGLE_BATCH` at a time (memory bounded whatever the Parquet row groups:
pandas writes up to a million rows as one); a Feather table is read once per file version and
process (it may be compressed) and sliced.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve

__all__ = [
    "KAGGLE_BATCH",
    "is_kaggle_table",
    "iter_kaggle_arrays",
    "kaggle_columns",
    "kaggle_rows",
    "read_row",
]

#: Rows decoded together.
KAGGLE_BATCH = 256


def data_names(schema) -> list[str]:
    """Column names without pandas' stored index (``__index_level_0__`` or a named index,
    which ``to_parquet`` writes after the data columns)."""
    index = set()
    try:
        stored = (schema.pandas_metadata or {}).get("index_columns", [])
        index = {c for c in stored if isinstance(c, str)}  # a RangeIndex is a dict: no column
    except (ValueError, TypeError, AttributeError):  # no or damaged pandas metadata
        pass
    return [n for n in schema.names if n not in index]


def kaggle_columns(schema) -> tuple[str | None, list[str]] | None:
    """``(label column or None, [FLUX.1, ..., FLUX.n])`` of an Arrow schema in the Kaggle
    layout (a row index or two in front allowed); None for any other table."""
    from .kaggle import _is_flux_name, kaggle_header, numbered_from_one

    names = [str(n) for n in data_names(schema)]
    fields = numbered_from_one(names)  # FLUX.0.. or LABEL,0,1,..: the layout's columns
    if not kaggle_header(fields):
        return None
    label = next((f for f in names if f.upper() == "LABEL"), None)
    if label is not None:
        start = names.index(label) + 1
    else:
        start = next(i for i, f in enumerate(fields) if _is_flux_name(f, 1))
    return label, names[start:]


def is_feather(path) -> bool:
    """Arrow IPC / Feather v2 magic bytes."""
    with open(path, "rb") as fh:
        return fh.read(6) == b"ARROW1"


def feather_table(path):
    """The whole Feather table (memory-mapped when uncompressed)."""
    import pyarrow.feather as feather

    try:
        return feather.read_table(str(path), memory_map=True)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise StarskopeError(
            f"cannot read Feather file: {str(exc).splitlines()[0]}", path=path
        ) from exc


@lru_cache(maxsize=1)
def _feather_cached(path: str, mtime_ns: int, size: int):
    return feather_table(path)


def cached_feather_table(path):
    """:func:`feather_table`, kept for the last file version read in this process (a compressed
    table is decompressed once for its schema, its row count and its rows)."""
    return _feather_cached(*_version(path))


def _version(path) -> tuple[str, int, int]:
    st = os.stat(path)
    return str(path), st.st_mtime_ns, st.st_size


def _source(path):
    """``(schema, n_rows, batches(columns, start) -> iterator of (first row, Arrow batch))``."""
    if is_feather(path):
        table = cached_feather_table(path)

        def batches(cols, start):
            sub = table.select(cols)
            for lo in range(start, table.num_rows, KAGGLE_BATCH):
                yield lo, sub.slice(lo, KAGGLE_BATCH)

        return table.schema, table.num_rows, batches
    from .parquet import _open

    pf = _open(path)

    def batches(cols, start):
        first = 0
        for batch in pf.iter_batches(batch_size=KAGGLE_BATCH, columns=cols):
            if first + batch.num_rows > start:
                yield first, batch
            first += batch.num_rows

    return pf.schema_arrow, int(pf.metadata.num_rows), batches


def _label_values(raw: np.ndarray) -> np.ndarray:
    """A LABEL column's values (``to_numpy``) as floats (NaN where missing or not a number)."""
    try:
        return np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        out = np.full(len(raw), np.nan)
        for i, x in enumerate(raw):
            try:
                out[i] = float(x)
            except (TypeError, ValueError):
                pass
        return out


def _numeric(t) -> bool:
    import pyarrow as pa

    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_null(t)


def name_column(schema) -> str | None:
    """The column naming the stars of a Kaggle-layout Arrow table
    (:func:`~starskope.io.kaggle.id_column`): one named column before the Kaggle columns
    (``KEPID,LABEL,FLUX.1,...``), or pandas' stored index when named (``set_index("KEPID")``);
    None without."""
    from .kaggle import id_column

    label, flux_cols = kaggle_columns(schema)
    names = [str(n) for n in data_names(schema)]
    first = names.index(label if label is not None else flux_cols[0])
    if first == 1 and id_column(names[0]) is not None:
        return names[0]
    stored = [str(n) for n in schema.names if n not in data_names(schema)]
    if len(stored) == 1 and not stored[0].startswith("__index_level_"):
        return id_column(stored[0])
    return None


@lru_cache(maxsize=32)
def _scheme(path: str, mtime_ns: int, size: int) -> str:
    """The CSV reader's label scheme (:func:`~starskope.io.kaggle.label_scheme`) from the
    first :data:`~starskope.io.kaggle.LABEL_LOOKAHEAD` labels: a 2 decides for 1/2 (``"1/2"``),
    0s without a 2 for 0/1 (``"0/1"``, or ``"zeros"`` for 0s only)."""
    from .kaggle import LABEL_LOOKAHEAD, scheme_of_labels

    schema, _, batches = _source(path)
    label = kaggle_columns(schema)[0]
    if label is None:
        return ""
    seen = []
    for _, batch in batches([label], 0):
        seen.append(_label_values(batch.column(label).to_numpy(zero_copy_only=False)))
        if sum(len(v) for v in seen) >= LABEL_LOOKAHEAD:
            break
    v = np.concatenate(seen)[:LABEL_LOOKAHEAD] if seen else np.empty(0)
    return scheme_of_labels(v[np.isfinite(v)].tolist())


def iter_kaggle_arrays(
    path, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, float | str | None, np.ndarray, str | None]]:
    """``(row, LABEL value or None, flux, star's name or None)`` of rows ``start`` to ``stop``
    (exclusive) of a Kaggle-layout Parquet or Feather file, decoded :data:`KAGGLE_BATCH` rows at
    a time; the LABEL value is None for a table without LABEL, NaN where a cell is missing and
    the cell's text where it is a word. The name comes from :func:`name_column`.

    Raises
    ------
    StarskopeError
        A FLUX column that does not hold numbers.
    """
    schema, n_rows, batches = _source(path)
    label, flux_cols = kaggle_columns(schema)
    for c in flux_cols:
        if not _numeric(schema.field(c).type):
            raise StarskopeError(
                f"Kaggle-layout table: column {c} holds {schema.field(c).type}, not numbers",
                path=path,
            )
    from .kaggle import star_name

    named = name_column(schema)
    stop = n_rows if stop is None else min(stop, n_rows)
    cols = ([label] if label else []) + flux_cols + ([named] if named else [])
    for first, batch in batches(cols, start):
        if first >= stop:
            return
        flux = np.column_stack(
            [batch.column(c).to_numpy(zero_copy_only=False).astype(float) for c in flux_cols]
        )
        raw = batch.column(label).to_numpy(zero_copy_only=False) if label else None
        values = None if raw is None else _label_values(raw)
        ids = batch.column(named).to_pylist() if named else None
        for j in range(max(start - first, 0), min(batch.num_rows, stop - first)):
            value = None if values is None else float(values[j])
            if value is not None and np.isnan(value) and isinstance(raw[j], str):
                value = raw[j]  # a word ("planet", "n/a"): read by kaggle.cell_label
            name = None
            if ids is not None and ids[j] is not None:
                name = star_name(named, ids[j])
            yield first + j, value, flux[j], name


def star(
    value: float | str | None,
    flux: np.ndarray,
    row: int,
    *,
    path,
    zero_one: bool,
    name: str | None = None,
) -> LightCurve:
    """One row's light curve, with :func:`~starskope.io.kaggle.parse_kaggle_row`'s rules and
    errors (``name``: the star's, from :func:`name_column`)."""
    from .kaggle import cell_label, kaggle_lightcurve, require_flux, warn_blank_label

    label = None
    if value is not None:
        label, error = cell_label(value, zero_one=zero_one, path=path, row=row)
        if error is not None:
            raise error
        if label is None:  # an empty LABEL cell: no label
            warn_blank_label(path, row)
    require_flux(flux, path=path, row=row, label=label)
    return kaggle_lightcurve(flux, label, row=row, source=str(path), name=name)


def label_scheme(path) -> bool:
    """True when the file's labels are read 0/1 (warned about, once per file)."""
    from .kaggle import warn_zero_one

    scheme = _scheme(*_version(path))
    if scheme in ("0/1", "zeros"):
        warn_zero_one(path, scheme)
    return scheme in ("0/1", "zeros")


def kaggle_rows(
    path, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, LightCurve | StarskopeError]]:
    """``(row, light curve or RowError)`` of rows ``start`` to ``stop`` (exclusive)."""
    zero_one = label_scheme(path)
    for row, value, flux, name in iter_kaggle_arrays(path, start, stop):
        try:
            yield row, star(value, flux, row, path=path, zero_one=zero_one, name=name)
        except StarskopeError as err:
            yield row, err


def is_kaggle_table(path) -> bool:
    """True for a Parquet or Feather file in the Kaggle layout; False for any other file,
    unreadable ones included (their reader says what is wrong)."""
    try:
        return kaggle_columns(_source(path)[0]) is not None
    except (OSError, StarskopeError):
        return False


def n_rows(path) -> int:
    """Stars in a Kaggle-layout Parquet or Feather file."""
    return _source(path)[1]


def read_row(path, row: int, flux_column=None, time_column=None) -> LightCurve:
    """Row ``row`` (0-based) of a Kaggle-layout Parquet or Feather file; its error raised. A
    row far down a Parquet file is reached by decoding the batches before it."""
    if flux_column is not None or time_column is not None:
        raise StarskopeError(
            "a Kaggle-layout table has one star per row and fixed columns; drop "
            "flux_column/time_column",
            path=path,
        )
    total = n_rows(path)
    if not 0 <= row < total:
        raise StarskopeError(f"row {row} does not exist: the file has {total} rows", path=path)
    _, item = next(kaggle_rows(path, row, row + 1))
    if isinstance(item, StarskopeError):
        raise item
    return item
