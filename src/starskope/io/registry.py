"""The reader registry, :func:`read` and :func:`iter_read`.

Readers register in the manner of astropy's unified I/O: a name, an ``identify(path, header)``
predicate and a ``read`` function. ``header`` is the opened ``astropy.io.fits.HDUList`` for FITS
files and the first 64 KiB of (decompressed) bytes for anything else, so one file is opened once
for all the predicates. Specific readers are tried in registration order, fallbacks (any FITS
table, any text table) last.
"""

from __future__ import annotations

import glob
import inspect
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import StarskopeError, UnrecognisedFormatError, first_line
from ..lightcurve import LightCurve
from . import kaggle as _kaggle
from . import parquet as _parquet
from . import series as _series
from ._columns import MANIFEST, MANIFEST_COLUMNS
from ._open import peek, strip_compression
from .fits import FITS_READERS, guard, is_fits, open_fits
from .text import (
    identify_ecsv,
    identify_mrt,
    identify_text,
    identify_votable,
    read_ecsv,
    read_mrt,
    read_text,
    read_votable,
)

__all__ = [
    "READERS",
    "Reader",
    "UnrecognisedFormatError",
    "identify_format",
    "iter_read",
    "read",
    "register_reader",
]

log = logging.getLogger(__name__)
_PEEK = 65536
#: File suffixes that folders may hold beside light curves and that are never read.
SKIP_SUFFIXES = frozenset(
    ".md .rst .json .yaml .yml .toml .ini .cfg .py .ipynb .png .jpg .jpeg .gif .pdf .svg .html "
    ".log .npy .npz .pkl .pickle .zip .tar .db .duckdb .wal .sqlite .tmp .lock .bak .orig .part"
    " .crdownload .swp .md5 .sha1 .sha256 .sh .dirlock".split()
)
#: Names without a suffix that folders hold beside light curves.
SKIP_NAMES = frozenset({"readme", "license", "licence", "makefile", "changelog", "notes"})


def walk_skips(name: str) -> bool:
    """True for a file a folder walk leaves out: hidden, an editor's backup (``a.csv~``), a
    suffix no light curve has (:data:`SKIP_SUFFIXES`, compressed or not) or a README (also
    ``README.txt``, ``notes.txt``: :data:`SKIP_NAMES` with ``.txt``)."""
    if name.startswith(".") or name.endswith("~") or name.lower() in SKIP_NAMES:
        return True
    path = Path(strip_compression(name))
    if path.suffix.lower() == ".txt" and path.stem.lower() in SKIP_NAMES:
        return True  # README.txt, notes.txt: a scan stored them as error rows
    return path.suffix in SKIP_SUFFIXES


def no_light_curves(inputs) -> StarskopeError:
    """The error for inputs that hold no light curve, naming the files the folder walks passed
    over (:func:`walk_skips`: a folder of ``.npy`` arrays said only "no light curves found")."""
    skipped: list[str] = []
    for item in inputs:
        p = Path(str(item))
        if not p.is_dir():
            continue
        for _root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            skipped += [f for f in sorted(files) if walk_skips(f) and not f.startswith(".")]
    names = " ".join(map(str, inputs))
    if not skipped:
        return StarskopeError(f"no light curves found in {names}")
    shown = ", ".join(skipped[:3]) + (", ..." if len(skipped) > 3 else "")
    arrays = any(Path(strip_compression(f)).suffix in _ARRAYS for f in skipped)
    return StarskopeError(
        f"no light curves found in {names}: {len(skipped)} file(s) passed over as never light"
        f" curves by their names ({shown})"
        + (
            "; NumPy arrays and pickles are not read: save the flux as a table (CSV, FITS or"
            " Parquet; a Kaggle-layout table for many stars)"
            if arrays
            else ""
        )
    )


_ARRAYS = frozenset({".npy", ".npz", ".pkl", ".pickle"})


@dataclass(frozen=True)
class Reader:
    """A registered reader.

    Attributes
    ----------
    name : str
        What ``format=`` / ``--format`` calls it.
    identify : callable
        ``identify(path, header) -> bool`` (``header``: HDUList for FITS, bytes otherwise).
    read : callable
        ``read(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve``;
        ``opened`` is the already-open HDUList for FITS files.
    rows : callable or None
        For multi-star tables: ``rows(path) -> Iterator[(row, LightCurve | StarskopeError)]``,
        and ``read`` then takes ``row=``.
    count : callable or None
        For multi-star tables: ``count(path) -> int``, the number of stars (counting may stop
        at 2: "several"); without it a multi-star table is taken to hold several.
    fallback : bool
        Tried after all specific readers.
    """

    name: str
    identify: Callable
    read: Callable
    rows: Callable | None = None
    count: Callable | None = None
    fallback: bool = False

    def accepts(self, keyword: str) -> bool:
        try:
            return keyword in inspect.signature(self.read).parameters
        except (TypeError, ValueError):  # pragma: no cover - builtins
            return False


#: name -> `Reader`, in the order they are tried.
READERS: dict[str, Reader] = {}


def register_reader(
    name: str,
    *,
    identify: Callable,
    read: Callable,
    rows: Callable | None = None,
    count: Callable | None = None,
    fallback: bool = False,
    overwrite: bool = False,
) -> Reader:
    """Register a reader under ``name`` (see `Reader` for the callables' signatures).

    Raises
    ------
    StarskopeError
        When ``name`` is taken and ``overwrite`` is false.
    """
    if name in READERS and not overwrite:
        raise StarskopeError(f"a reader named {name!r} is already registered")
    r = Reader(name=name, identify=identify, read=read, rows=rows, count=count, fallback=fallback)
    READERS[name] = r
    return r


def _kaggle_read(path, *, flux_column=None, time_column=None, opened=None, row=0):
    if flux_column is not None or time_column is not None:
        raise StarskopeError(
            "a Kaggle table has fixed columns; drop flux_column/time_column", path=path
        )
    return _kaggle.read_kaggle_row(path, row)


def _kaggle_count(path) -> int:
    return _kaggle.count_kaggle_rows(path, limit=2)


register_reader(
    "kaggle",
    identify=_kaggle.identify_kaggle,
    read=_kaggle_read,
    rows=_kaggle.iter_kaggle_rows,
    count=_kaggle_count,
)
register_reader(
    "parquet",
    identify=_parquet.identify_parquet,
    read=_parquet.read_parquet,
    rows=_parquet.iter_parquet_rows,
    count=_parquet.count_parquet_rows,
)
register_reader(
    "parquet-table", identify=_parquet.identify_parquet_table, read=_parquet.read_parquet
)
register_reader(
    "feather",
    identify=_parquet.identify_feather,
    read=_parquet.read_feather,
    rows=_parquet.iter_feather_rows,
    count=_parquet.count_feather_rows,
)
for _name, _ident, _read in FITS_READERS:
    register_reader(_name, identify=_ident, read=_read, fallback=_name == "fits-table")
register_reader("ecsv", identify=identify_ecsv, read=read_ecsv)
register_reader("mrt", identify=identify_mrt, read=read_mrt)
register_reader("votable", identify=identify_votable, read=read_votable)
register_reader("flux-series", identify=_series.identify_flux_series, read=_series.read_flux_series)
register_reader("text", identify=identify_text, read=read_text, fallback=True)


def _ordered() -> list[Reader]:
    rs = list(READERS.values())
    return [r for r in rs if not r.fallback] + [r for r in rs if r.fallback]


def _valid() -> str:
    return ", ".join(READERS)


def identify_format(path, header=None) -> str:
    """Name of the reader that recognises ``path``.

    Raises
    ------
    StarskopeError
        When no reader does.
    """
    path = str(path)
    head = peek(path, _PEEK) if header is None else header
    if is_fits(head):
        hdul = open_fits(path)
        try:
            return _identify(path, hdul)
        finally:
            hdul.close()
    return _identify(path, head)


#: Magic bytes of binary formats that are not read, for a message naming them.
_BINARY_KINDS = (
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file"),
    (b"\x93NUMPY", "a NumPy .npy array"),
    (b"\xd0\xcf\x11\xe0", "an old Office (.xls) file"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\x80\x04", "a Python pickle"),
    (b"\x80\x05", "a Python pickle"),
)


def _binary_kind(head: bytes) -> str | None:
    return next((kind for magic, kind in _BINARY_KINDS if head.startswith(magic)), None)


#: What a JSON file is told (a records array or a column object: no reader takes JSON).
_JSON = (
    "a JSON file: starskope does not read light curves from JSON; write the table as CSV"
    " (pandas: pd.read_json(path).to_csv('lc.csv', index=False)) or FITS"
)


def _is_json(path, header) -> bool:
    """A JSON file: named ``.json``, or beginning with an object or an array of objects that
    is not a one-line metadata record above a table."""
    import json

    if not isinstance(header, bytes | bytearray):
        return False
    head = bytes(header).lstrip()
    if strip_compression(path).endswith(".json"):
        return head[:1] in (b"{", b"[")
    if not head.startswith((b'{"', b"[{")):
        return False
    first, _, rest = head.partition(b"\n")
    try:
        json.loads(first)
    except ValueError:
        return True  # a record or array across lines, or cut by the peek
    return not rest.strip()  # one line: the whole file; with rows below: their metadata


def _identify(path, header) -> str:
    if _is_json(path, header):
        raise UnrecognisedFormatError(_JSON, path=path)
    for r in _ordered():
        try:
            with guard(path):
                ok = r.identify(path, header)
        except StarskopeError:
            ok = False
        if ok:
            return r.name
    if isinstance(header, bytes | bytearray):
        if not header:
            raise StarskopeError("file is empty (0 bytes)", path=path)
        if b"\0" in bytes(header[:4096]) or not _mostly_text(header):
            kind = _binary_kind(bytes(header[:16]))
            raise StarskopeError(
                "not a light-curve file: binary data that is neither FITS nor text"
                + (f" ({kind}: write the light curve as FITS, Parquet or CSV)" if kind else ""),
                path=path,
            )
        if re.search(r"\.(fits?|fts)(\.gz)?$", str(path).lower()):
            raise StarskopeError(
                "named like a FITS file but does not begin like one (no SIMPLE card: a "
                "damaged or overwritten header?)",
                path=path,
            )
        lines = [
            ln.strip()
            for ln in bytes(header).decode("utf-8", "replace").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")
        ]
        fields = re.split(r"[,;\t ]+", lines[0]) if len(lines) == 1 else []
        words = [f for f in fields if f and not re.fullmatch(r"[-+]?[\d.]+(e[-+]?\d+)?", f, re.I)]
        if words and len(header) < _PEEK:
            raise UnrecognisedFormatError(
                f"one header line ({lines[0][:60]!r}) and no data rows", path=path
            )
        if _manifest_header(lines[0] if lines else ""):
            raise UnrecognisedFormatError(MANIFEST, path=path)
        raise UnrecognisedFormatError(
            f"unrecognised text format: no line with two numeric fields; valid formats: {_valid()}",
            path=path,
        )
    damage = _fits_damage(path)
    if damage:
        raise StarskopeError(f"damaged or truncated FITS file: {damage}", path=path)
    raise StarskopeError(
        f"no reader recognises this FITS file; valid formats: {_valid()}", path=path
    )


def _fits_damage(path) -> str | None:
    """What astropy finds wrong with a FITS file it cannot fully read (a cut-off download: a
    header or data shorter than declared), or None."""
    import warnings

    from astropy.io import fits

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            with fits.open(path) as hdul:  # memory-mapped: a large file is not copied
                for hdu in hdul:
                    _ = hdu.data
        except Exception as exc:  # astropy raises many types for a damaged file
            return first_line(exc)
    for w in said:
        text = " ".join(str(w.message).split())
        if "truncated" in text or "not multiple of 2880" in text:
            return text
    return None


def _manifest_header(line: str) -> bool:
    """A header line with a ``path`` / ``file`` / ``filename`` column: a manifest."""
    names = {f.strip().strip('"').lower() for f in re.split(r"[,;\t]", line)}
    return bool(names & set(MANIFEST_COLUMNS))


def _mostly_text(header: bytes) -> bool:
    chunk = bytes(header[:4096])
    return sum(32 <= b < 127 or b in (9, 10, 13) for b in chunk) / max(len(chunk), 1) > 0.9


def read(
    path,
    *,
    format: str | None = None,
    flux_column: str | None = None,
    time_column: str | None = None,
    row: int | None = None,
    time_format: str | None = None,
    cadence_minutes: float | None = None,
) -> LightCurve:
    """Read one light curve from a file, recognising its format.

    Parameters
    ----------
    path : str or path-like
        The file; gzip-compressed files are read transparently (by magic bytes, any name).
    format : str, optional
        Force a reader (one of ``READERS``: ``kepler``, ``tess``, ``k2sff``, ``k2sc``,
        ``everest``, ``k2varcat``, ``qlp``, ``tasoc``, ``eleanor``, ``cdips``, ``diamante``,
        ``lightkurve``, ``fits-table``, ``kaggle``, ``parquet``, ``parquet-table``, ``feather``,
        ``ecsv``, ``mrt``, ``votable``, ``flux-series``, ``text``; ``pixel-file`` only refuses
        target pixel files).
    flux_column, time_column : str, optional
        Override the column choice (``"sap_flux"`` for SAP flux in mission files; for K2SC
        ``"flux-trposi-trtime"`` or ``"flux"``; for text tables a name or 0-based index).
    row : int, optional
        0-based star in a multi-star table (Kaggle); required when the table has several rows.
    time_format : {"bkjd", "btjd", "jd", "relative"}, optional
        Text tables only: the time system, when inference from the values is not wanted.
    cadence_minutes : float, optional
        Flux without times only (Kaggle-layout tables, a single column of flux): the samples'
        spacing in minutes (default for the Kaggle layout: K2 long cadence, 29.4244; a single
        column needs it). See :mod:`starskope.io.series`.

    Returns
    -------
    LightCurve

    Raises
    ------
    StarskopeError
        For a missing, empty, corrupt or unrecognised file, missing columns or all-NaN flux;
        the message names the file and the HDU/row/column. (Rows out of time order are sorted,
        and of repeated times the first row kept, with a ``StarskopeWarning``.)

    Examples
    --------
    >>> from starskope.datasets import demo_files
    >>> lc = read(demo_files()[0])  # doctest: +SKIP
    """
    if not isinstance(path, str | os.PathLike):
        raise StarskopeError(
            f"read() takes one file path (str or pathlib.Path); got {type(path).__name__}"
            + (": use iter_read for several" if isinstance(path, list | tuple) else "")
        )
    path = os.fspath(path)
    if not str(path).strip():
        raise StarskopeError(EMPTY_PATH)
    path = str(path)
    if format is not None and format not in READERS:
        raise StarskopeError(f"unknown format {format!r}; valid formats: {_valid()}", path=path)
    head = peek(path, _PEEK)
    hdul = open_fits(path) if is_fits(head) else None
    try:
        if format is not None:
            reader = READERS[format]
        else:
            reader = READERS[_identify(path, hdul if hdul is not None else head)]
        kwargs = {"flux_column": flux_column, "time_column": time_column}
        if cadence_minutes is not None:
            cadence_minutes = _series.check_cadence(cadence_minutes)
            if reader.accepts("cadence_minutes"):
                kwargs["cadence_minutes"] = cadence_minutes
        if time_format is not None:
            if not reader.accepts("time_format"):
                raise StarskopeError(
                    f"time_format= applies to text tables only, not to {reader.name!r} files",
                    path=path,
                )
            kwargs["time_format"] = time_format
        if reader.rows is not None:
            if row is None:
                n = reader.count(path) if reader.count is not None else 2
                if n > 1:
                    raise StarskopeError(
                        "table holds several stars: pass row= (0-based) or use iter_read() to "
                        "stream them all",
                        path=path,
                    )
                row = 0
            kwargs["row"] = row
        elif row is not None and row != 0:
            raise StarskopeError(
                f"row= applies to multi-star tables; {reader.name!r} files hold one star", path=path
            )
        if hdul is not None:
            kwargs["opened"] = hdul
        try:
            return _spaced(reader.read(path, **kwargs), cadence_minutes, path)
        except StarskopeError:
            raise
        except MemoryError as exc:  # a huge table, or a small compressed file of gigabytes
            raise StarskopeError(
                "the file is too large to read into memory (decompressed, if compressed)",
                path=path,
            ) from exc
        except Exception as exc:  # a reader bug must not become a traceback for a user
            raise StarskopeError(
                f"{reader.name} reader failed: {type(exc).__name__}: {exc}", path=path
            ) from exc
    finally:
        if hdul is not None:
            hdul.close()


class _HasTimes(StarskopeError):
    """``cadence_minutes`` given for a light curve with times of its own."""


def _spaced(lc: LightCurve, cadence_minutes: float | None, path) -> LightCurve:
    """``lc`` with its samples ``cadence_minutes`` apart, when it has no times of its own (a
    Kaggle-layout row of more samples than a K2 campaign's without it is warned of)."""
    if cadence_minutes is None and lc.meta.product == "kaggle":
        from .kaggle import warn_if_longer_than_a_campaign

        warn_if_longer_than_a_campaign(len(lc), path)
    if cadence_minutes is None or lc.meta.product == "flux-series":
        return lc
    if lc.meta.product not in _series.SAMPLE_TIMED:
        raise _HasTimes(
            "cadence_minutes (--cadence-minutes) applies to flux without times (Kaggle-layout"
            f" tables, a single column of flux); this {lc.meta.product or 'file'} light curve"
            " has times of its own",
            path=str(path),
        )
    return _series.respace(lc, cadence_minutes)


# ---------------------------------------------------------------------------- streaming
#: First columns of the truth table ``starskope simulate`` writes beside (or, for FITS, inside
#: the folder of) its light curves: a table about the stars, not a light curve.
_TRUTH_HEADER = b"row,label,class,subclass,"


def is_truth_table(path) -> bool:
    """True for a simulation truth table (``truth.csv``, ``*.truth.csv``), which folder walks
    skip: it describes the light curves beside it and is not one."""
    name = Path(path).name.lower()
    if not name.endswith("truth.csv"):
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(len(_TRUTH_HEADER)) == _TRUTH_HEADER
    except OSError:
        return False


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if walk_skips(f):
                continue
            if is_truth_table(Path(root) / f):
                log.info("skipping the simulation truth table %s", Path(root) / f)
                continue
            yield Path(root) / f


#: The error for an empty path argument (an unset shell variable, an empty manifest cell).
EMPTY_PATH = "an empty path was given (an unset shell variable?); name a file, folder or glob"


def _expand(item) -> Iterator[tuple[str, Path | None, bool]]:
    """``(id, path or None when missing, found by walking a folder or a glob)``."""
    s = str(item)
    p = Path(s)
    if p.is_dir():
        for f in _walk(p):
            yield str(f), f, True
    elif p.exists():
        yield s, p, False
    elif any(c in s for c in "*?["):
        matches = sorted(glob.iglob(s, recursive=True))
        if not matches:
            yield s, None, False
        for m in matches:
            mp = Path(m)
            if mp.is_dir():
                for f in _walk(mp):
                    yield str(f), f, True
            else:
                yield m, mp, True
    else:
        yield s, None, False


def iter_read(
    paths,
    *,
    format: str | None = None,
    flux_column: str | None = None,
    time_column: str | None = None,
    row: int | None = None,
    time_format: str | None = None,
    cadence_minutes: float | None = None,
) -> Iterator[tuple[str, LightCurve | StarskopeError]]:
    """Stream ``(id, light curve or error)`` from files, folders, globs and multi-star tables.

    Folders are walked recursively in sorted order, lazily (one folder listing at a time);
    globs are expanded (``**`` allowed). A multi-star table gives one item per row, with ids like
    ``"train.csv#row=12"`` (unless ``row=`` picks one). A file or row that cannot be read
    yields its `StarskopeError` instead of raising, so the caller can go on with the rest.

    Parameters
    ----------
    paths : str, path-like or iterable of them
    format, flux_column, time_column, row, time_format, cadence_minutes
        As for :func:`read`.

    Yields
    ------
    tuple of (str, LightCurve or StarskopeError)
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    if format is not None and format not in READERS:
        raise StarskopeError(f"unknown format {format!r}; valid formats: {_valid()}")
    if cadence_minutes is not None:
        cadence_minutes = _series.check_cadence(cadence_minutes)
    opts = {
        "format": format,
        "flux_column": flux_column,
        "time_column": time_column,
        "time_format": time_format,
        "cadence_minutes": cadence_minutes,
    }
    for item in _as_iter(paths):
        if not str(item).strip():  # Path("") is the working folder: never walk it unasked
            yield str(item), StarskopeError(EMPTY_PATH)
            continue
        for ident, p, found in _expand(item):
            if p is None:
                yield ident, StarskopeError("no such file or folder", path=ident)
                continue
            for out in _read_one(ident, p, row=row, **opts):
                if found and out[0] == ident and isinstance(out[1], _HasTimes):
                    # a folder or glob of files with and without times: the cadence is for
                    # those without; this one keeps its own, with a word
                    import warnings

                    from ..exceptions import StarskopeWarning

                    warnings.warn(
                        f"{p}: has times of its own; --cadence-minutes (cadence_minutes=) applies"
                        " to flux without times and is not used for it",
                        StarskopeWarning,
                        stacklevel=2,
                    )
                    yield from _read_one(ident, p, row=row, **{**opts, "cadence_minutes": None})
                    continue
                if found and isinstance(out[1], UnrecognisedFormatError) and out[1].path == str(p):
                    # found by walking a folder and not a light curve at all (a labels table, a
                    # README): skipped, with a word, since it may be a light curve the readers
                    # cannot parse (a scan stores it as an error row)
                    import warnings

                    from ..exceptions import StarskopeWarning

                    warnings.warn(
                        f"{p}: skipped, not a light curve"
                        f" ({' '.join(out[1].message.split('; valid formats')[0].split())})",
                        StarskopeWarning,
                        stacklevel=2,
                    )
                    continue
                yield out


def _as_iter(paths) -> Iterable:
    try:
        return iter(paths)
    except TypeError:
        raise StarskopeError(
            f"paths must be a path or an iterable of paths; got {paths!r}"
        ) from None


def _read_one(ident, p, *, row, format, flux_column, time_column, time_format, cadence_minutes):
    try:
        multi = None
        if row is None:
            name = format
            if name is None:
                head = peek(p, _PEEK)
                if not is_fits(head):
                    name = _identify(str(p), head)
            if name is not None and READERS[name].rows is not None:
                multi = READERS[name]
        if multi is not None:
            if flux_column is not None or time_column is not None:
                raise StarskopeError(
                    f"a {multi.name} table has one star per row and fixed columns: drop "
                    "--flux-column/--time-column",
                    path=str(p),
                )
            for r, item in multi.rows(str(p)):
                if isinstance(item, LightCurve):
                    try:
                        item = _spaced(item, cadence_minutes, p)
                    except StarskopeError as err:
                        item = err
                yield f"{ident}#row={r}", item
            return
        lc = read(
            p,
            format=format,
            flux_column=flux_column,
            time_column=time_column,
            row=row,
            time_format=time_format,
            cadence_minutes=cadence_minutes,
        )
    except StarskopeError as err:
        yield (ident if row is None else f"{ident}#row={row}"), err
        return
    yield (ident if row is None else f"{ident}#row={row}"), lc
