"""Streaming expansion of scan inputs into one item per star.

An input is a light-curve file, a folder (walked recursively with ``os.scandir``), a glob
(``glob.iglob``), a manifest CSV (a ``path`` or ``file`` column, optional ``target`` and ``label`` /
``is_planet_host`` columns; read in chunks) or a Kaggle-format table (one star per row; the file is
read line by line and only each row's byte offset and length leave this module, so workers read
their own rows). Everything is a generator: nothing is listed or loaded whole, so the coordinator's
memory does not grow with the number of inputs.
"""

from __future__ import annotations

import glob
import logging
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..exceptions import StarskopeError
from ..io._columns import MANIFEST_COLUMNS
from ..io._common import HOST_WORDS, MISSING_TOKENS, NOT_HOST_WORDS
from ..io._open import strip_compression
from ..io.registry import is_truth_table, walk_skips

__all__ = [
    "LIGHTCURVE_SUFFIXES",
    "TABLE_KINDS",
    "ScanItem",
    "count_items",
    "input_kind",
    "iter_items",
]

log = logging.getLogger(__name__)

#: File names a folder walk picks up (lower case; ``.gz``, ``.bz2`` and ``.xz`` variants too).
LIGHTCURVE_SUFFIXES = (
    ".fits",
    ".fit",
    ".fts",
    ".csv",
    ".tsv",
    ".ecsv",
    ".dat",
    ".tbl",
    ".vot",
    ".xml",  # VOTable
    ".txt",
    ".lc",
    ".parquet",
    ".feather",
)
_MANIFEST_TARGET = ("target", "target_id", "catalog_id")
_MANIFEST_LABEL = ("label", "is_planet_host")
_HEAD_BYTES = 65536


@dataclass(frozen=True)
class ScanItem:
    """One star to analyse.

    Attributes
    ----------
    input_id : str
        Stable identifier: the absolute path, or ``"<absolute path>#row=N"`` for a table row
        (0-based data row). The catalog's key.
    path : str
        The file to read (absolute).
    row : int or None
        0-based data row of a Kaggle table.
    offset, length : int or None
        Byte range of the row in an uncompressed Kaggle table.
    n_flux : int or None
        Flux values per row of that table.
    line : bytes or None
        The row itself, for compressed tables (which cannot be read at an offset).
    labelled : bool
        False for a Kaggle table without a LABEL column.
    zero_one : bool
        True for a Kaggle table labelled 0/1 instead of 1/2.
    flux_column, time_column : str or None
        Column overrides for a light-curve file (``starskope scan --flux-column``).
    cadence_minutes : float or None
        The samples' spacing of flux without times (a Kaggle row, a single column of flux;
        ``starskope scan --cadence-minutes``).
    target, label : str, int or None
        From a manifest: the target name and truth label (1 host, 0 not).
    """

    input_id: str
    path: str
    row: int | None = None
    offset: int | None = None
    length: int | None = None
    n_flux: int | None = None
    line: bytes | None = None
    labelled: bool = True
    zero_one: bool = False
    flux_column: str | None = None
    time_column: str | None = None
    cadence_minutes: float | None = None
    target: str | None = None
    label: int | None = None


def _is_lightcurve_name(name: str) -> bool:
    return strip_compression(name).endswith(LIGHTCURVE_SUFFIXES) and not name.startswith(".")


def _head(path: str) -> bytes:
    from ..io._open import peek

    try:
        return peek(path, _HEAD_BYTES)
    except StarskopeError:
        return b""


def _csv_fields(head: bytes) -> list[str]:
    from ..io.kaggle import header_fields

    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    return [f.strip() for f in header_fields(first)]


def input_kind(path: str) -> str:
    """What a file is: ``"kaggle"``, ``"parquet"`` or ``"feather"`` (one star per row),
    ``"manifest"`` or ``"lightcurve"``.

    Only the first line is read. A manifest is a CSV whose header has a ``path``/``file`` column
    and no time or flux column; a Kaggle table is recognised by ``starskope.io.kaggle``.
    """
    name = strip_compression(path)
    if name.endswith(".parquet"):
        from ..io.parquet import identify_parquet

        try:  # one star per row, as the reader registry sees it; else the reader says more
            return "parquet" if identify_parquet(path, _head(path)) else "lightcurve"
        except OSError:
            return "lightcurve"
    if name.endswith((".feather", ".arrow")):
        from ..io.parquet import count_feather_rows

        try:  # a Kaggle-layout table: one star per row; else one light curve
            return "feather" if count_feather_rows(path) > 1 else "lightcurve"
        except (OSError, StarskopeError):
            return "lightcurve"  # the reader will say what is wrong
    if not name.endswith((".csv", ".txt")):
        return "lightcurve"
    try:
        head = _head(path)
    except OSError:
        return "lightcurve"  # the reader will say what is wrong
    from ..io.kaggle import identify_kaggle

    if identify_kaggle(path, head):
        return "kaggle"
    cols = {c.lower() for c in _csv_fields(head)}
    has_lc_columns = any(c in cols for c in ("time", "flux", "t", "bjd", "btjd", "bkjd"))
    if any(c in cols for c in MANIFEST_COLUMNS) and not has_lc_columns:
        return "manifest"
    return "lightcurve"


def _walk(folder: str) -> Iterator[str]:
    """Light-curve files under ``folder``, depth first, streamed (never listed whole). A
    folder reached again through a symbolic link (a link to a parent loops) is
    walked once (the set of real folder paths is the walk's only memory)."""
    stack = [folder]
    seen_dirs = {os.path.realpath(folder)}
    while stack:
        d = stack.pop()
        try:
            it = os.scandir(d)
        except OSError as exc:
            log.warning("cannot list %s: %s", d, exc)
            continue
        with it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=True):
                        real = os.path.realpath(entry.path)
                        if real in seen_dirs:
                            log.warning("%s: already walked (a symbolic link), skipped", entry.path)
                            continue
                        seen_dirs.add(real)
                        stack.append(entry.path)
                    elif not walk_skips(entry.name) and not is_truth_table(entry.path):
                        # every file the readers' own walk (info, search) reads: what is not a
                        # light curve becomes an error row, not a silent omission
                        yield entry.path
                except OSError:
                    continue


def _index_end(raw: bytes) -> int:
    """Bytes of a row's leading index field and its separator (as
    :func:`starskope.io.kaggle.drop_index` cuts it)."""
    from ..io.kaggle import drop_index

    rest = drop_index(raw.decode("utf-8", errors="surrogateescape"))
    return len(raw) - len(rest.encode("utf-8", errors="surrogateescape"))


def _kaggle_rows(path: str) -> Iterator[ScanItem]:
    """One item per data row of a Kaggle table, with its byte range (or text when compressed).

    The layout (header, row index, labels or not, 0/1 or 1/2 labels) is the reader's
    (:mod:`starskope.io.kaggle`); a table whose layout the reader refuses becomes one item
    for the whole file, which the worker then records as an error with the reader's message.
    """
    from ..io._open import DECOMPRESSION_ERRORS
    from ..io.kaggle import layout_of

    try:
        layout = layout_of(path)
    except StarskopeError as exc:
        log.info("%s", exc)
        yield ScanItem(input_id=path, path=path)
        return
    try:
        yield from _table_rows(path, layout)
    except DECOMPRESSION_ERRORS as exc:
        raise StarskopeError(f"cannot read (corrupt or truncated?): {exc}", path=path) from exc


def _table_rows(path: str, layout) -> Iterator[ScanItem]:
    from ..io._open import is_compressed, open_binary
    from ..io.kaggle import split_index, star_name

    compressed = is_compressed(path)
    with open_binary(path) as fh:
        offset = 0
        header = layout.has_header
        row = 0
        for raw in fh:
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            if header:
                header = False
                continue
            name = None
            if layout.index_col:
                cut = _index_end(raw)
                if layout.id_column is not None:
                    first = raw[:cut].decode("utf-8", errors="replace")
                    name = star_name(layout.id_column, split_index(first)[0])
                start, raw = start + cut, raw[cut:]
            yield ScanItem(
                input_id=f"{path}#row={row}",
                path=path,
                row=row,
                offset=None if compressed else start,
                length=None if compressed else len(raw),
                n_flux=layout.n_flux,
                line=raw if compressed else None,
                labelled=layout.labelled,
                zero_one=layout.zero_one,
                target=name,
            )
            row += 1


def _arrow_kaggle_rows(path: str) -> Iterator[ScanItem]:
    """One item per row of a Kaggle-layout Parquet or Feather table, carrying the row as a
    text line (as a compressed CSV's rows are): the file is decoded once, here, a batch of rows
    at a time, and the workers parse their rows as the CSV's."""
    from ..io import kaggle_arrow

    zero_one = kaggle_arrow.label_scheme(path)
    for row, value, flux, name in kaggle_arrow.iter_kaggle_arrays(path):
        if value is None:
            cells = []
        elif isinstance(value, str):  # a word: the worker names it in the row's error
            cells = [value.replace(",", " ")]
        else:
            cells = ["" if math.isnan(value) else repr(value)]
        line = ",".join(cells + [repr(x) for x in flux.tolist()]).encode()
        yield ScanItem(
            input_id=f"{path}#row={row}",
            path=path,
            row=row,
            n_flux=len(flux),
            line=line,
            labelled=value is not None,
            zero_one=zero_one,
            target=name,
        )


def _manifest_entries(
    path: str, *, chunk_rows: int
) -> Iterator[tuple[str, dict, str | None, str | None]]:
    """A manifest's entries, streamed in chunks: ``(absolute path, record, target column,
    label column)`` (paths relative to the manifest's folder; blank ones skipped)."""
    import pandas as pd

    base = os.path.dirname(path)
    reader = pd.read_csv(path, dtype=str, chunksize=chunk_rows, keep_default_na=False)
    with reader:
        for chunk in reader:
            cols = {c.lower().strip(): c for c in chunk.columns}
            pcol = next((cols[c] for c in MANIFEST_COLUMNS if c in cols), None)
            if pcol is None:
                raise StarskopeError("manifest has no 'path' or 'file' column", path=path)
            tcol = next((cols[c] for c in _MANIFEST_TARGET if c in cols), None)
            lcol = _label_column(chunk.columns)
            for rec in chunk.to_dict("records"):
                p = str(rec[pcol]).strip()
                if p:
                    p = os.path.abspath(os.path.join(base, os.path.expanduser(p)))
                    yield p, rec, tcol, lcol


def _manifest_rows(path: str, *, chunk_rows: int = 4096) -> Iterator[ScanItem]:
    kaggle = _kaggle_labels(path)
    for p, rec, tcol, lcol in _manifest_entries(path, chunk_rows=chunk_rows):
        target = (str(rec[tcol]).strip() or None) if tcol else None
        label = _label(rec[lcol], kaggle=kaggle) if lcol else None
        if os.path.isdir(p):
            for f in _walk(p):
                yield ScanItem(input_id=f, path=f, target=target, label=label)
        elif os.path.isfile(p) and input_kind(p) in TABLE_KINDS:
            # a table of many stars: its rows, with their own labels
            yield from _file_items(p, in_folder=True)
        else:
            yield ScanItem(input_id=p, path=p, target=target, label=label)


def _label_column(columns) -> str | None:
    """A manifest's label column: the first of :data:`_MANIFEST_LABEL` it has."""
    cols = {str(c).lower().strip(): c for c in columns}
    return next((cols[c] for c in _MANIFEST_LABEL if c in cols), None)


_HOST = {"1", "1.0"} | HOST_WORDS
_NOT_HOST = {"0", "0.0"} | NOT_HOST_WORDS
_KAGGLE = {"1": 0, "1.0": 0, "2": 1, "2.0": 1}


def _kaggle_labels(path: str, *, chunk_rows: int = 65536) -> bool:
    """Check a manifest's labels before any row is read; True (with a warning) when they follow
    the Kaggle tables' 2 = host, 1 = none (a 2 and no 0). A value that is no label is an error
    naming its line: a label silently dropped would change what is trained or measured."""
    import pandas as pd

    lcol = _label_column(pd.read_csv(path, dtype=str, nrows=0).columns)
    if lcol is None:
        return False
    values: set[str] = set()
    line = 1
    reader = pd.read_csv(
        path, dtype=str, usecols=[lcol], keep_default_na=False, chunksize=chunk_rows
    )
    with reader:
        for chunk in reader:
            for v in chunk[lcol]:
                line += 1
                key = str(v).strip().lower()
                if key not in _HOST | _NOT_HOST | MISSING_TOKENS | set(_KAGGLE):
                    raise StarskopeError(
                        f"{lcol} {v!r} on line {line} is not a planet-host label: use 1 (host)"
                        " or 0 (none), or the Kaggle tables' 2 (host) and 1 (none) throughout",
                        path=path,
                    )
                values.add(key)
    if values & {"2", "2.0"}:
        if values & _NOT_HOST:
            raise StarskopeError(
                f"the {lcol!r} column mixes the Kaggle tables' 2 (host) with 0 (none): use 1/0 or"
                " 2/1 throughout",
                path=path,
            )
        from ..io._common import warn_file

        warn_file(
            f"the {lcol!r} column holds 1 and 2, as the Kaggle tables' LABEL: read 2 as a planet "
            "host and 1 as none",
            path=path,
        )
        return True
    return False


def _label(v, *, kaggle: bool = False) -> int | None:
    """A manifest's truth label (checked by :func:`_kaggle_labels`): 1 host, 0 not, None for
    an empty cell."""
    s = str(v).strip().lower()
    if kaggle and s in _KAGGLE:
        return _KAGGLE[s]
    if s in _HOST:
        return 1
    if s in _NOT_HOST:
        return 0
    return None


#: Input kinds that hold many stars, one per row.
TABLE_KINDS = ("kaggle", "parquet", "feather")


def _file_items(path: str, *, in_folder: bool) -> Iterator[ScanItem]:
    kind = input_kind(path)
    if kind == "kaggle":
        yield from _kaggle_rows(path)
    elif kind in ("parquet", "feather"):
        from ..io.kaggle_arrow import is_kaggle_table
        from ..io.parquet import count_parquet_rows

        if is_kaggle_table(path):  # every "feather" table (one-star ones are light curves)
            yield from _arrow_kaggle_rows(path)
            return
        # starskope's own campaigns: one star per row
        for row in range(count_parquet_rows(path)):  # read on the worker by row number
            yield ScanItem(input_id=f"{path}#row={row}", path=path, row=row)
    elif kind == "manifest":
        if in_folder:  # a manifest found while walking a folder describes files we already walk
            from ..io._common import warn_file

            warn_file(
                "skipped: a manifest (a list of light-curve files) inside a scanned folder; its"
                " files are scanned as the folder's own (give the manifest itself to `scan` to"
                " use its targets and labels)",
                path=path,
            )
            return
        yield from _manifest_rows(path)
    else:
        yield ScanItem(input_id=path, path=path)


def iter_items(inputs: Iterable[str | os.PathLike]) -> Iterator[ScanItem]:
    """Expand scan inputs into one :class:`ScanItem` per star, lazily.

    Parameters
    ----------
    inputs : iterable of str or path-like
        Files, folders, glob patterns, manifest CSVs and Kaggle tables, in any mix.

    Yields
    ------
    ScanItem

    Raises
    ------
    StarskopeError
        When an input is neither an existing path nor a glob pattern.
    """
    for raw in inputs:
        p = os.path.expanduser(os.fspath(raw))
        if not p.strip():  # os.path.isdir("") is False, but never scan the working folder
            from ..io.registry import EMPTY_PATH

            raise StarskopeError(EMPTY_PATH)
        if os.path.isdir(p):
            for f in _walk(os.path.abspath(p)):
                yield from _file_items(f, in_folder=True)
        elif os.path.exists(p):
            yield from _file_items(os.path.abspath(p), in_folder=False)
        elif glob.has_magic(p):
            matched = False
            for m in glob.iglob(p, recursive=True):
                matched = True
                m = os.path.abspath(m)
                if os.path.isdir(m):
                    for f in _walk(m):
                        yield from _file_items(f, in_folder=True)
                else:
                    yield from _file_items(m, in_folder=False)
            if not matched:
                log.warning("glob %s matched no files", p)
        else:
            raise StarskopeError("no such file, folder or glob match", path=p)


def count_items(
    inputs: Iterable[str | os.PathLike], *, max_bytes: int = 2_000_000_000
) -> int | None:
    """Number of stars in ``inputs`` when it is cheap to know, else None.

    Cheap means: plain files, and Kaggle tables or manifests whose lines can be counted by a fast
    byte scan (up to ``max_bytes`` in all). Folders and globs are not walked twice: None.
    """
    total = 0
    budget = max_bytes
    for raw in inputs:
        p = os.path.expanduser(os.fspath(raw))
        if not os.path.isfile(p):
            return None
        kind = input_kind(p)
        if kind == "lightcurve":
            total += 1
            continue
        if kind == "manifest":
            n, used = _count_manifest(p, budget=budget)
            if n is None:
                return None
            budget -= used
            total += n
            continue
        if kind in ("parquet", "feather"):  # binary tables: their own row counts
            from ..io.parquet import count_feather_rows, count_parquet_rows

            try:
                total += (count_parquet_rows if kind == "parquet" else count_feather_rows)(p)
            except (OSError, StarskopeError):
                return None
            continue
        size = os.path.getsize(p)
        from ..io._open import is_compressed

        if size > budget or is_compressed(p):
            return None  # compressed or too big to count cheaply
        budget -= size
        n = _count_lines(p)
        total += max(n - 1, 0) if _has_header(p, kind) else n
    return total


#: A manifest's entries that may be tables (their first line read to tell) counted at most.
_MANIFEST_TABLE_CHECKS = 1000


def _count_manifest(path: str, *, budget: int) -> tuple[int | None, int]:
    """Stars a manifest lists and the bytes read to count them: one per light-curve entry, a
    table's rows for a table (as :func:`_manifest_rows` expands them). None when it lists a
    folder (walked only once, by the scan), or more than :data:`_MANIFEST_TABLE_CHECKS`
    entries that may be tables, or when the manifest and the text tables it lists exceed
    ``budget`` bytes, or one of them is compressed."""
    from ..io._open import is_compressed

    used = os.path.getsize(path)
    if used > budget or is_compressed(path):
        return None, used
    total, checks = 0, 0
    try:
        for p, _, _, _ in _manifest_entries(path, chunk_rows=65536):
            # a folder, walked by the scan (only names no light curve has are stat-ed: a
            # manifest of a million FITS files costs no million stats)
            if not _is_lightcurve_name(os.path.basename(p)) and os.path.isdir(p):
                return None, used
            name = strip_compression(p)
            if not name.endswith((".csv", ".txt", ".parquet", ".feather", ".arrow")):
                total += 1  # a FITS file, or one that is missing: one outcome
                continue
            checks += 1
            if checks > _MANIFEST_TABLE_CHECKS:
                return None, used
            if os.path.isfile(p) and input_kind(p) in TABLE_KINDS:
                text = name.endswith((".csv", ".txt"))
                used += os.path.getsize(p) if text else 0
                n = count_items([p], max_bytes=budget - used) if used <= budget else None
                if n is None:
                    return None, used
                total += n
            else:
                total += 1
    except (OSError, ValueError, StarskopeError):  # the scan says what is wrong
        return None, used
    return total, used


def _has_header(path: str, kind: str) -> bool:
    if kind == "manifest":
        return True
    fields = _csv_fields(_head(path))
    return bool(fields) and fields[0].upper() == "LABEL"


def _count_lines(path: str) -> int:
    n = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while buf := fh.read(1 << 20):
            n += buf.count(b"\n")
            last = buf[-1:]
    return n + (last != b"\n")
