"""The Kaggle "Exoplanet Hunting in Deep Space" table (K2 Campaign 3): read, stream, cache, write.

Layout (``exoTrain.csv`` / ``exoTest.csv``): one star per row, a header line
``LABEL,FLUX.1,FLUX.2,...,FLUX.3197`` and then rows like ``2,93.85,83.81,20.10,...``.
``LABEL`` is 2 for a confirmed planet host and 1 otherwise; the 3197 fluxes are consecutive K2
long-cadence samples (29.4244 min apart). The variant without a header line is accepted when every
row has 1 + 3197 values; a header with fewer or more ``FLUX.i`` columns sets the row length.

Reading streams the text line by line in chunks (never the whole file in pandas). A complete,
error-free pass writes a binary cache (``.npy``, memory-mappable) keyed on the file's path, size and
modification time, so later reads of the same table are fast. The cache lives in
``$STARSKOPE_CACHE`` (or ``$STARSKOPE_CACHE_DIR``, as every cache; default
``~/.cache/starskope``), or in ``cache_dir=``.

Light curves from a table have relative times (days from 0), mission ``"K2"``,
``meta.label`` = 1 for a host (LABEL 2) and 0 otherwise, ``meta.row`` = 0-based data row and
``meta.target`` = ``"row 12"``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import io
import itertools
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exceptions import RowError, StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from ._common import HOST_WORDS, MISSING_TOKENS, NOT_HOST_WORDS, warn_file
from ._open import DECOMPRESSION_ERRORS, open_text

__all__ = [
    "KAGGLE_CADENCE_MIN",
    "KAGGLE_N_FLUX",
    "KaggleArrays",
    "count_kaggle_rows",
    "identify_kaggle",
    "iter_kaggle",
    "iter_kaggle_rows",
    "kaggle_arrays",
    "kaggle_cache_path",
    "kaggle_lightcurve",
    "parse_kaggle_row",
    "read_kaggle_row",
    "write_kaggle",
]

log = logging.getLogger(__name__)

#: Flux samples per star in the Kaggle tables.
KAGGLE_N_FLUX = 3197
#: K2 long cadence, in minutes.
KAGGLE_CADENCE_MIN = 29.4244
_CADENCE_D = KAGGLE_CADENCE_MIN / 1440.0
_LABELS = {1.0: 0, 2.0: 1}  # file LABEL -> meta.label (1 = host)
_LABELS_01 = {0.0: 0, 1.0: 1}  # the same, for a table relabelled 0/1 (0 = none, 1 = host)


# ---------------------------------------------------------------------------- layout
@dataclass(frozen=True)
class _Layout:
    n_flux: int
    has_header: bool
    index_col: bool = False  # a leading row-index column (pandas' ``to_csv`` default)
    labelled: bool = True  # False: ``FLUX.1,...,FLUX.n`` only (a blind test table)
    zero_one: bool = False  # labels 0/1 (0 = none, 1 = host) instead of the layout's 1/2
    id_column: str | None = None  # a named first column that names the stars (``KEPID``)


#: First header field of a table saved with its row index (pandas writes "" or "Unnamed: 0").
_INDEX_NAMES = frozenset({"", "unnamed: 0", "index"})


def index_column(fields: list[str]) -> bool:
    """True when a header's first field is a row index (of any name: "", "Unnamed: 0", "id")
    in front of ``LABEL,FLUX.1,...`` or of a flux-only ``FLUX.1,FLUX.2,...``."""
    return _may_be_index(fields) and (
        _parse_header_fields(fields[1:]) is not None or flux_only(fields[1:])
    )


def _may_be_index(fields: list[str]) -> bool:
    """The first of three or more header fields can be a row index in front of a Kaggle header:
    neither LABEL nor FLUX.1, and an index's name or one of many columns (a named first column
    before a few columns is a light curve's own table)."""
    from ._columns import is_time_name

    return (
        len(fields) >= 3
        and fields[0].upper() != "LABEL"
        and not _is_flux_name(fields[0], 1)
        and not is_time_name(fields[0])  # ``time,flux_1,...,flux_25``: one star's apertures
        and (fields[0].lower() in _INDEX_NAMES or len(fields) > _MIN_FLUX_ONLY)
    )


def _starts_labelled(fields: list[str]) -> bool:
    """Header fields that begin ``LABEL,FLUX.1`` (the rest may be cut off)."""
    return len(fields) >= 2 and fields[0].upper() == "LABEL" and _is_flux_name(fields[1], 1)


def _starts_flux_only(fields: list[str]) -> bool:
    """Header fields that begin ``FLUX.1,...,FLUX.20`` (a flux-only table; the rest may be
    cut off)."""
    return len(fields) >= _MIN_FLUX_ONLY and all(
        _is_flux_name(f, i) for i, f in enumerate(fields[:_MIN_FLUX_ONLY], start=1)
    )


def kaggle_header(fields: list[str]) -> bool:
    """True for a whole header of the Kaggle layout: ``LABEL,FLUX.1,...``, flux only, or either
    after one or two row-index columns (what a reader of another format must refuse)."""
    return (
        _parse_header_fields(fields) is not None
        or flux_only(fields)
        or index_column(fields)
        or _two_index_columns(fields)
    )


def _two_index_columns(fields: list[str]) -> bool:
    """A header with two leading index columns (a table read with its index and saved again
    with another: ``,Unnamed: 0,LABEL,FLUX.1,...``)."""
    return len(fields) >= 4 and not index_column(fields) and index_column(fields[1:])


#: Fewest columns of a flux-only table (no LABEL): fewer would be a light curve's own columns
#: (``flux_1,flux_2`` of two apertures), not one star per row.
_MIN_FLUX_ONLY = 20


def flux_only(fields: list[str]) -> bool:
    """True for a header ``FLUX.1,FLUX.2,...,FLUX.n`` without ``LABEL`` (unlabelled rows)."""
    return (
        len(fields) >= _MIN_FLUX_ONLY
        and _is_flux_name(fields[0], 1)
        and _parse_header_fields(["LABEL", *fields]) is not None
    )


def drop_index(line: str) -> str:
    """``line`` without its first field (the separators of :func:`split_fields`)."""
    return split_index(line)[1]


def split_index(line: str) -> tuple[str, str]:
    """``(first field, the rest of the line)`` (the separators of :func:`split_fields`)."""
    s = line.lstrip()
    for sep in (";", ",", "\t"):
        if sep in s and (sep != "," or ";" not in s):
            first, rest = s.split(sep, 1)
            return first, rest
    parts = s.split(None, 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (s.strip(), "")


#: Names of a first column of catalogue numbers, and the catalogue (lower case, letters and
#: digits only: ``kepid``, ``KIC_ID``, ``tic id``).
_ID_CATALOGUES = {
    "kepid": "KIC",
    "kic": "KIC",
    "kicid": "KIC",
    "keplerid": "KIC",
    "epic": "EPIC",
    "epicid": "EPIC",
    "k2id": "EPIC",
    "tic": "TIC",
    "ticid": "TIC",
}


def id_column(name: str) -> str | None:
    """``name`` when a first column so named before the Kaggle columns names the stars
    (``KEPID``, ``star``); None for a row index's name ("", ``Unnamed: 0``, ``index``, ``id``,
    ``row``)."""
    name = str(name).strip().strip('"')
    return None if name.lower() in _INDEX_NAMES | _ROW_NAMES else name


def star_name(column: str, cell) -> str | None:
    """A star's name from its cell in a naming first column (:func:`id_column`): ``KIC
    10666592`` from ``KEPID`` and ``10666592``; a name as written (``HAT-P-7``; ``kplr006850504``
    as ``KIC 6850504``); ``star 17`` from ``star`` and ``17``; None for an empty cell.

    Examples
    --------
    >>> star_name("KEPID", "10666592"), star_name("tic_id", 2.5e7), star_name("name", "WASP-18")
    ('KIC 10666592', 'TIC 25000000', 'WASP-18')
    """
    from ._common import target_from_name

    text = str(cell).strip().strip('"').strip()
    if text.lower() in MISSING_TOKENS:
        return None
    try:
        number = float(text)
    except ValueError:
        return target_from_name(text) or text
    if not np.isfinite(number):
        return None
    if number.is_integer():
        text = str(int(number))
    prefix = _ID_CATALOGUES.get(re.sub(r"[^a-z0-9]", "", column.lower()))
    return f"{prefix or column} {text}"


def _label_field(line: str, index_col: bool) -> str:
    """The LABEL field of a data line (after the row index, when there is one)."""
    if index_col:
        line = drop_index(line)
    fields = split_fields(line[:64])  # the label comes first: no need to split the row
    return fields[0].strip().strip('"') if fields else ""


#: Data lines read ahead to decide a table's label scheme (at most ~100 MB of text).
LABEL_LOOKAHEAD = 3000


def zero_one_labels(lines, *, index_col: bool = False, lookahead: int = LABEL_LOOKAHEAD) -> bool:
    """True when a table's labels are 0/1 (0 = no planet, 1 = host) rather than the Kaggle
    layout's 1/2.

    A LABEL of 1 means "no planet" in the layout and "host" in a table relabelled 0/1. Among
    the first ``lookahead`` data lines, a 2 decides for the layout (a stray 0 then stays an
    error of its row), and 0s without any 2 decide for 0/1; lines of 1s only follow the
    layout. The real tables list their hosts (2) first, so the look-ahead ends at once.
    """
    return label_scheme(lines, index_col=index_col, lookahead=lookahead) in ("0/1", "zeros")


def label_scheme(lines, *, index_col: bool = False, lookahead: int = LABEL_LOOKAHEAD) -> str:
    """What the first ``lookahead`` data lines' labels say: ``"1/2"`` (a 2), ``"0/1"`` (0s
    and 1s, no 2), ``"zeros"`` (0s only), ``"ones"`` (every label 1: the layout's non-hosts,
    read so) or ``""`` (no label read); see :func:`zero_one_labels`."""

    def values():
        for line in itertools.islice(lines, lookahead):
            try:
                yield float(_label_field(line, index_col))
            except ValueError:
                continue

    return scheme_of_labels(values())


def scheme_of_labels(values) -> str:
    """:func:`label_scheme` of label values already read (floats; the Parquet reader's)."""
    seen: set[float] = set()
    for value in values:
        if value == 2.0:
            return "1/2"
        seen.add(value)
    if 0.0 in seen:
        return "0/1" if 1.0 in seen else "zeros"
    return "ones" if seen == {1.0} else ""


def split_fields(line: str) -> list[str]:
    """The fields of one line: comma-separated (the Kaggle layout), or semicolon-separated
    (decimal commas allowed: a European spreadsheet export), tab- or space-separated."""
    s = line.rstrip("\r\n")
    if ";" in s:
        return [f.replace(",", ".") for f in s.split(";")]
    if "," in s:
        return s.split(",")
    if "\t" in s:
        return s.split("\t")
    return s.split()


def _labelled_flux_columns(fields: list[str]) -> bool:
    """``LABEL`` first and mostly ``FLUX``-numbered columns after it, in any order or with
    another column among them (``LABEL,KEPID,FLUX.1,...``, ``LABEL,FLUX.3197,...,FLUX.1``):
    a Kaggle table whose layout the reader can name, not a light curve of three columns."""
    if len(fields) < 4 or fields[0].upper() != "LABEL":
        return False
    numbered = sum(1 for f in fields[1:] if _FLUX_NUMBERED.fullmatch(f.upper()))
    return numbered >= 3 and numbered >= 0.5 * (len(fields) - 1)


_FLUX_NUMBERED = re.compile(r"FLUX[._ ]?\d+")


def _is_flux_name(name: str, i: int) -> bool:
    """``FLUX.i`` (the layout), or ``FLUX_i`` / ``FLUXi`` / ``FLUX i``."""
    n = name.upper()
    return n == f"FLUX.{i}" or (n.startswith("FLUX") and n[4:].lstrip("._ ") == str(i))


def header_fields(line: str, *, cut: bool = False) -> list[str]:
    """A header's (or first row's) fields, unquoted, without a trailing empty field; flux
    columns numbered from 0 renamed as the layout's (:func:`numbered_from_one`). ``cut``: the
    line may end inside its last field (a peek at the file's first bytes)."""
    fields = [f.strip().strip('"') for f in split_fields(line)]
    if len(fields) > 2 and fields[-1] == "":  # a trailing comma (spreadsheet exports)
        fields.pop()
    return numbered_from_one(fields, cut=cut)


def numbered_from_one(fields: list[str], *, cut: bool = False) -> list[str]:
    """``fields`` with flux columns numbered from 0 renamed ``FLUX.1..FLUX.n``.

    Names built with ``range(n)`` (``FLUX.0,...,FLUX.3196``, ``flux_0,...``), or pandas' own
    column numbers after a label (``LABEL,0,1,...,3196``: ``pd.DataFrame(X)`` with a label column
    inserted), hold the layout's columns in the layout's order. Renamed only when every field
    from the first such name on follows in order (all but a ``cut`` last one); else unchanged.

    Examples
    --------
    >>> numbered_from_one(["LABEL", "FLUX.0", "FLUX.1", "FLUX.2"])
    ['LABEL', 'FLUX.1', 'FLUX.2', 'FLUX.3']
    >>> numbered_from_one(["label", "0", "1", "2"])
    ['label', 'FLUX.1', 'FLUX.2', 'FLUX.3']
    >>> numbered_from_one(["0", "1", "2"])  # bare numbers without a label: a row of data
    ['0', '1', '2']
    """
    start = next(
        (
            i
            for i, f in enumerate(fields[:3])
            if _is_flux_name(f, 0) or (f == "0" and i > 0 and fields[i - 1].upper() == "LABEL")
        ),
        None,
    )
    if start is None:
        return fields
    bare = fields[start] == "0"
    rest = fields[start:]
    whole = rest[:-1] if cut else rest
    ok = all((f == str(j)) if bare else _is_flux_name(f, j) for j, f in enumerate(whole))
    if not ok or len(whole) < (3 if bare else 2):
        return fields
    return fields[:start] + [f"FLUX.{j + 1}" for j in range(len(whole))] + rest[len(whole) :]


def _parse_header_fields(fields: list[str]) -> int | None:
    """Number of FLUX columns when ``fields`` is a valid Kaggle header, else None."""
    if not fields or fields[0].upper() != "LABEL" or len(fields) < 2:
        return None
    for i, name in enumerate(fields[1:], start=1):
        if not _is_flux_name(name, i):
            return None
    return len(fields) - 1


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def blank_index_name(line: str) -> bool:
    """A space-separated header that starts with a blank: pandas' unnamed index column."""
    s = line.lstrip("\ufeff").rstrip("\r\n")
    return s[:1] == " " and not any(sep in s for sep in (",", ";", "\t"))


_WARNED: set[tuple[str, str]] = set()


def _warn_once(kind: str, path, message: str) -> None:
    """:func:`warn_file`, once per kind of warning and file in a process: a search reads each
    row under its own warnings filters, which forget what was shown."""
    key = (kind, os.path.abspath(str(path)))
    if key not in _WARNED:
        _WARNED.add(key)
        warn_file(message, path=path, stacklevel=4)


#: First-column names that say row numbers (pandas' index named "id"), not a star's id.
_ROW_NAMES = frozenset({"id", "row", "rowid", "row_id", "n"})


def _layout_from_first_line(line: str, path) -> _Layout:
    fields = header_fields(line)
    n = _parse_header_fields(fields)
    if n is not None:
        return _Layout(n, True, index_col=blank_index_name(line))
    if index_column(fields):
        name = id_column(fields[0])
        if flux_only(fields[1:]):
            return _Layout(len(fields) - 1, True, index_col=True, labelled=False, id_column=name)
        return _Layout(len(fields) - 2, True, index_col=True, id_column=name)
    if (
        len(fields) > 2
        and fields[0].upper() == "LABEL"
        and not _FLUX_NUMBERED.fullmatch(fields[1].upper())
        and _starts_labelled([fields[0], *fields[2:]])
    ):
        raise StarskopeError(
            f"column 2 is {fields[1]!r}, between LABEL and FLUX.1: the Kaggle layout is"
            " LABEL,FLUX.1,FLUX.2,...,FLUX.n; drop that column",
            path=path,
            where="header",
        )
    if _two_index_columns(fields):
        raise StarskopeError(
            f"two row-index columns ({fields[0]!r}, {fields[1]!r}) before the Kaggle columns: the"
            " table was saved twice with its index; save it with index=False (pandas) or drop"
            " the first column",
            path=path,
            where="header",
        )
    if flux_only(fields):
        return _Layout(len(fields), True, labelled=False)
    if fields and fields[0].upper() == "LABEL":
        bad = next(
            (i for i, name in enumerate(fields[1:], start=1) if not _is_flux_name(name, i)), None
        )
        what = ""
        if bad is not None:
            what = f": column {bad + 1} is {fields[bad]!r}, where FLUX.{bad} belongs"
            if bad > 1 and all(_is_flux_name(n, i) for i, n in enumerate(fields[1:bad], 1)):
                what += (
                    f" (after FLUX.1..FLUX.{bad - 1}; drop the extra column"
                    f"{'s' if len(fields) - bad > 1 else ''} from column {bad + 1} on)"
                )
        raise StarskopeError(
            f"header must be LABEL,FLUX.1,FLUX.2,...,FLUX.n in order{what}",
            path=path,
            where="header",
        )
    if "LABEL" in (f.upper() for f in fields):
        raise StarskopeError(
            f"LABEL is column {[f.upper() for f in fields].index('LABEL') + 1} of the header; the"
            " Kaggle layout has it first: LABEL,FLUX.1,FLUX.2,...,FLUX.n",
            path=path,
            where="header",
        )
    if len(fields) == KAGGLE_N_FLUX + 1 and _is_number(fields[0]):
        return _Layout(KAGGLE_N_FLUX, False)
    if _indexed_row(fields):
        return _Layout(KAGGLE_N_FLUX, False, index_col=True)
    if not _is_number(fields[0]):
        raise StarskopeError(
            "not a Kaggle table: the first line is neither a LABEL,FLUX.1,... header nor a row of"
            f" numbers (it starts {','.join(fields[:3])[:40]!r})",
            path=path,
            where="row 0",
        )
    raise StarskopeError(
        f"not a Kaggle table: no LABEL,FLUX.1,... header and the first row has {len(fields)} "
        f"values, not {KAGGLE_N_FLUX + 1}",
        path=path,
        where="row 0",
    )


def identify_kaggle(path, header: bytes) -> bool:
    """True when ``header`` (the first decompressed bytes of ``path``) looks like a Kaggle table.

    Either a ``LABEL,FLUX.1,FLUX.2`` header line, or a first row of 1 + 3197 numbers starting with
    a label 1 or 2.
    """
    if not isinstance(header, bytes | bytearray):
        return False
    text = bytes(header[:65536]).decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    fields = header_fields(first, cut="\n" not in text)
    # the header's beginning only (the peek may cut it): the rules of kaggle_header on prefixes
    if _starts_labelled(fields) or _starts_flux_only(fields):
        return True  # LABEL,FLUX.1,... or flux only, no LABEL column
    if _may_be_index(fields) and (_starts_labelled(fields[1:]) or _starts_flux_only(fields[1:])):
        return True  # saved with its row index (pandas' to_csv default), of any name
    if len(fields) >= 4 and _starts_labelled(fields[2:]):
        return True  # two index columns: the reader says what to do
    if _labelled_flux_columns(fields):
        return True  # LABEL first, FLUX columns out of order or among others: said by the reader
    if "\n" not in text:  # first row longer than what we were shown
        return False
    if _indexed_row(fields):
        return True  # no header, a row index first (pandas' to_csv(header=False))
    return len(fields) == KAGGLE_N_FLUX + 1 and fields[0] in _LABEL_TEXT


#: A first field that can be a Kaggle label.
_LABEL_TEXT = frozenset({"0", "1", "2", "0.0", "1.0", "2.0"})


def _indexed_row(fields: list[str]) -> bool:
    """A headerless first row of a row index (a non-negative integer: 0, or any for a slice or
    a shuffled split), a label and the 3197 fluxes."""
    return (
        len(fields) == KAGGLE_N_FLUX + 2
        and fields[0].strip().isdigit()
        and fields[1] in _LABEL_TEXT
    )


# ---------------------------------------------------------------------------- rows
def kaggle_lightcurve(
    flux: np.ndarray,
    label: int | None,
    *,
    row: int,
    source: str | None = None,
    name: str | None = None,
) -> LightCurve:
    """Build the light curve of one Kaggle row.

    Parameters
    ----------
    flux : numpy.ndarray
        The row's flux samples.
    label : {0, 1} or None
        1 for a planet host (file LABEL 2), 0 otherwise; None for a table without labels.
    row : int
        0-based data row.
    source : str, optional
        The file.
    name : str, optional
        The star's name (from a naming first column, :func:`star_name`); ``row N`` without.

    Returns
    -------
    LightCurve
        Relative times (days from 0) at the K2 long cadence.
    """
    flux = np.asarray(flux, dtype=float)
    meta = LightCurveMeta(
        mission="K2",
        target=name or f"row {row}",
        flux_column=f"FLUX.1..FLUX.{flux.size}",
        source=source,
        product="kaggle",
        label=None if label is None else int(label),
        row=int(row),
        extra={} if label is None else {"LABEL": 2 if label else 1},
    )
    t = np.arange(flux.size, dtype=float) * _CADENCE_D
    return LightCurve(t, flux, time_format="relative", meta=meta)


def parse_kaggle_row(
    line: str, row: int, n_flux: int, path: str, *, labelled: bool = True, zero_one: bool = False
) -> tuple[int | None, np.ndarray]:
    """Parse one data line of a Kaggle table.

    Parameters
    ----------
    line : str
        The text line (``LABEL,f1,...,fn``).
    row : int
        Its 0-based data row (for messages).
    n_flux : int
        Expected number of flux values (3197 for the Kaggle files).
    path : str
        The file (for messages).
    labelled : bool, optional
        False for a table without a LABEL column (the label comes back None).
    zero_one : bool, optional
        True for a table labelled 0/1 (0 = no planet, 1 = host; see :func:`zero_one_labels`).

    Returns
    -------
    tuple of (int or None, numpy.ndarray)
        ``meta.label`` (1 = host, i.e. file LABEL 2; 0 = not) and the flux values.

    Raises
    ------
    StarskopeError
        Wrong number of values, LABEL outside {1, 2}, a non-numeric value or all-NaN flux: a
        `~starskope.exceptions.RowError` carrying the row's label when that could be read.
    """
    fields = split_fields(line)
    if len(fields) == n_flux + 2 - (not labelled) and not fields[-1].strip():
        fields.pop()  # a trailing comma (spreadsheet exports)
    if not labelled:
        fields = ["", *fields]
    lab = fields[0].strip().strip('"')
    if lab.upper() == "LABEL" or (len(fields) > 1 and _is_flux_name(fields[1].strip(), 1)):
        raise RowError(
            "this row repeats the header line (LABEL,FLUX.1,...): two tables joined into one"
            " file? Keep one header (e.g. `tail -n +2 second.csv >> first.csv`) or read them"
            " apart",
            path=path,
            row=row,
        )
    label, bad_label = (
        cell_label(lab, zero_one=zero_one, path=path, row=row) if labelled else (None, None)
    )
    if labelled and label is None and bad_label is None and len(fields) == n_flux + 1:
        warn_blank_label(path, row)
    if len(fields) != n_flux + 1:
        raise RowError(
            f"expected {n_flux + 1} values (LABEL + {n_flux} FLUX), got {len(fields)}"
            if labelled
            else f"expected {n_flux} FLUX values, got {len(fields) - 1}",
            path=path,
            row=row,
            # a row of the wrong length may have lost its LABEL cell: its first value is then
            # a label only when written as one (an integer, not a flux such as 1.0002)
            label=label if lab.isdigit() else None,
        )
    if bad_label is not None:
        raise bad_label
    try:
        flux = np.array(fields[1:], dtype=float)
    except ValueError:
        flux = np.empty(n_flux)
        for i, f in enumerate(fields[1:]):
            f = f.strip().strip('"')
            if f.lower() in MISSING_TOKENS:  # "", NA, null, N/A: a missing value, as nan is
                flux[i] = np.nan
                continue
            try:
                flux[i] = float(f)
            except ValueError:
                raise RowError(
                    f"FLUX.{i + 1} is not a number: {f[:20]!r} (the row's flux value {i + 1},"
                    " counted from 1 whatever the header's numbering)",
                    path=path,
                    row=row,
                    label=label,
                ) from None
    require_flux(flux, path=path, row=row, label=label)
    return label, flux


def cell_label(cell, *, zero_one: bool, path, row: int) -> tuple[int | None, RowError | None]:
    """One LABEL cell under its table's scheme, the one rule of the CSV and the Arrow readers.

    ``cell`` is a CSV field's text, or an Arrow column's number or word. Returns ``(label,
    None)`` (1 = host); ``(None, None)`` for an empty cell (a missing-value word or NaN: a row
    without a label); ``(None, error)`` for a value that is no label, the row's error not yet
    raised (the CSV reader names a row of the wrong length first).
    """
    if isinstance(cell, str):
        text = cell.strip().strip('"')
        if text.lower() in MISSING_TOKENS:
            return None, None
        try:
            value = float(text)
        except ValueError:
            word = word_label(text, path)  # "planet", "no_planet": a manifest's words
            if word is not None:
                return word, None
            return None, label_error(repr(text), zero=False, zero_one=zero_one, path=path, row=row)
        got = repr(text)
    else:
        value = float(cell)
        if value != value:
            return None, None
        got = f"{value:g}"
    label = (_LABELS_01 if zero_one else _LABELS).get(value)
    if label is None:
        return None, label_error(got, zero=value == 0, zero_one=zero_one, path=path, row=row)
    return label, None


def label_error(got: str, *, zero: bool, zero_one: bool, path, row: int) -> RowError:
    """The error of a row whose LABEL is outside its table's scheme (``got``: the value as
    shown; ``zero``: it reads 0, which a table holding LABEL 2 cannot mean)."""
    return RowError(
        f"LABEL must be 0 (no planet) or 1 (planet host) in this table, labelled 0/1; got {got}"
        if zero_one
        else f"LABEL must be 1 (no planet) or 2 (planet host); got {got}"
        + (
            " (the table also holds LABEL 2, so its labels follow the Kaggle layout, not 0/1)"
            if zero
            else ""
        ),
        path=path,
        row=row,
    )


def word_label(text: str, path) -> int | None:
    """A LABEL word as a label (1 host: ``planet``, ``host``...; 0: ``no_planet``,
    ``not_planet``, ``false positive``...; the words a manifest takes), said once per file;
    None for any other text."""
    key = str(text).strip().lower()
    label = 1 if key in HOST_WORDS else 0 if key in NOT_HOST_WORDS else None
    if label is not None:
        _warn_once(
            "label-words",
            path,
            f"LABEL holds words ({text!r} the first): read as a manifest's labels (planet, host:"
            " a planet host; no_planet, not_planet, false positive, ...: none)",
        )
    return label


def warn_blank_label(path, row: int) -> None:
    """Say, once per file, that rows with an empty LABEL cell are read without a label: search,
    predict and scan take them; train and evaluate, which use every row, refuse them."""
    _warn_once(
        "blank-label",
        path,
        f"LABEL cell empty (row {row} the first): such rows are read without a label (train and"
        " evaluate refuse them; search, predict and scan take them)",
    )


def require_flux(flux: np.ndarray, *, path, row: int, label) -> None:
    """Refuse a row without a single finite flux value."""
    if not np.isfinite(flux).any():
        raise RowError("all flux values are NaN", path=path, row=row, label=label)


_parse_row = parse_kaggle_row  # kept: starskope.scan imports this name


def _data_lines(path: str) -> tuple[_Layout, Iterator[tuple[int, str]], object]:
    """Open ``path``; return its layout, an iterator of (row, line) and the handle to close."""
    fh = open_text(path)
    try:
        first = fh.readline()
        while first and not first.strip():
            first = fh.readline()
        if not first:
            raise StarskopeError("file has no rows", path=path)
        layout = _layout_from_first_line(first, path)
        if layout.labelled:
            layout = _with_label_scheme(layout, path)
    except UnicodeDecodeError as exc:
        fh.close()
        raise StarskopeError("not a text table (binary data)", path=path) from exc
    except DECOMPRESSION_ERRORS as exc:
        fh.close()
        raise StarskopeError(f"cannot read (corrupt or truncated?): {exc}", path=path) from exc
    except BaseException:
        fh.close()
        raise
    lines = fh if layout.has_header else itertools.chain([first], fh)
    if layout.index_col and layout.id_column is None:
        lines = (drop_index(line) for line in lines)  # (a naming column: cut by _parse_row)
    numbered = _at_least_one(enumerate(line for line in lines if line.strip()), path)
    return layout, numbered, fh


#: Said whenever a table relabelled 0/1 is read (from its text or from its cache).
_ZERO_ONE_WARNING = (
    "LABEL holds 0 and 1, not the Kaggle layout's 1 and 2: read 1 as a planet host and 0 as none"
)
_ZERO_ONLY_WARNING = (
    "LABEL holds 0 and no 2: read as labelled 0/1 (0 = no planet, 1 = planet host), not the"
    " Kaggle layout's 1 and 2"
)


#: Longer than any K2 campaign (the longest ran about 83 days), in days: a Kaggle-layout row
#: that spans more at the layout's cadence is probably of another cadence.
K2_CAMPAIGN_DAYS = 90.0


def warn_if_longer_than_a_campaign(n_flux: int, path) -> None:
    """Say so when rows of ``n_flux`` samples at the layout's K2 long cadence would span more
    than any K2 campaign (:data:`K2_CAMPAIGN_DAYS`): a table of another cadence (a TESS
    two-minute table's 19440 samples read so span 397 days, and stretch a 2-h transit to 29 h),
    which only ``--cadence-minutes`` can say. Once per file and row length in a process."""
    span = n_flux * _CADENCE_D
    if span > K2_CAMPAIGN_DAYS:
        _warn_once(
            f"span-{int(n_flux)}",
            path,
            f"rows of {n_flux} samples at the layout's K2 long cadence ({KAGGLE_CADENCE_MIN} min)"
            f" span {span:.0f} days, longer than any K2 campaign: a table of another cadence"
            " (TESS: 2, 10 or 30 min)? Give it with --cadence-minutes (Python: cadence_minutes=)",
        )


def warn_zero_one(path, scheme: str = "0/1") -> None:
    """Say that ``path``'s labels are read 0/1 (``scheme`` "zeros": it holds only 0s), always
    from this line: the command line shows a warning once per place and message, so a command
    that reads a table twice (its rows, then its cached arrays) says it once."""
    text = _ZERO_ONLY_WARNING if scheme == "zeros" else _ZERO_ONE_WARNING
    warn_file(text, path=path, stacklevel=2)


#: In a table's cache folder: present when the table's labels are 0/1.
_ZERO_ONE_MARK = "labels-0-1"

#: Label schemes decided, by (path, size, modification time): count, row reads and streams
#: of one table share one look-ahead.
_SCHEMES: dict[tuple[str, int, int], str] = {}


def _with_label_scheme(layout: _Layout, path) -> _Layout:
    """``layout`` with its label scheme (1/2, or 0/1 with a warning), read ahead on a second
    handle so that no row is read with the wrong meaning."""
    try:
        st = os.stat(path)
        key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    except OSError:
        key = None
    scheme = _SCHEMES.get(key) if key is not None else None
    if scheme is None:
        try:
            with open_text(path) as fh:
                lines = (line for line in fh if line.strip())
                if layout.has_header:
                    next(lines, None)
                scheme = label_scheme(lines, index_col=layout.index_col)
        except (*DECOMPRESSION_ERRORS, UnicodeDecodeError):
            # a corrupt or truncated stream: the rows before the damage still read, and the
            # row reader reports the damage where it is
            scheme = ""
        if key is not None:
            if len(_SCHEMES) > 256:
                _SCHEMES.clear()
            _SCHEMES[key] = scheme
    if scheme in ("0/1", "zeros") and layout.labelled:
        warn_zero_one(path, scheme)
    return dataclasses.replace(layout, zero_one=scheme in ("0/1", "zeros"))


def layout_of(path) -> _Layout:
    """The layout of the Kaggle table at ``path`` (header, row index, labels and their scheme).

    Raises
    ------
    StarskopeError
        When the file is empty, binary or not a Kaggle table.
    """
    layout, _numbered, fh = _data_lines(str(path))
    fh.close()
    return layout


def _parse_row(
    line: str, row: int, layout: _Layout, path
) -> tuple[int | None, np.ndarray, str | None]:
    """:func:`parse_kaggle_row` with the table's layout, and the star's name (None without a
    naming first column, or where its cell is empty)."""
    name = None
    if layout.id_column is not None:
        first, line = split_index(line)
        name = star_name(layout.id_column, first)
    label, flux = parse_kaggle_row(
        line, row, layout.n_flux, path, labelled=layout.labelled, zero_one=layout.zero_one
    )
    return label, flux, name


def _at_least_one(rows: Iterator[tuple[int, str]], path) -> Iterator[tuple[int, str]]:
    """``rows``, raising when there is none (a header without data rows)."""
    empty = True
    for r in rows:
        empty = False
        yield r
    if empty:
        raise StarskopeError("the table has a header but no data rows", path=path)


# ---------------------------------------------------------------------------- cache
def _cache_root(cache_dir) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    from ..config import cache_root

    return cache_root()  # shared with the views and MAST caches


def kaggle_cache_path(path, *, cache_dir=None) -> Path:
    """The cache folder for table ``path`` (exists only once a full pass has been made).

    The name combines a hash of the absolute path with the file's size and modification time,
    so an edited or replaced file never reuses a stale cache.
    """
    p = Path(path).resolve()
    st = p.stat()
    h = hashlib.sha1(str(p).encode()).hexdigest()[:16]
    return _cache_root(cache_dir) / "kaggle" / f"{h}-{st.st_size}-{st.st_mtime_ns}"


def _load_cache(path, cache_dir, *, warn: bool = True):
    """``(flux, labels, names or None)`` from the table's cache, or None; ``warn``: repeat the
    text reader's 0/1 warning (off when the text was read just now, as it warned then)."""
    d = kaggle_cache_path(path, cache_dir=cache_dir)
    f, lab, nam = d / "flux.npy", d / "label.npy", d / "names.npy"
    if not (f.exists() and lab.exists()):
        return None
    if not nam.exists() and _names_stars(path):
        return None  # a cache of an earlier version, which did not keep the names
    try:
        flux = np.load(f, mmap_mode="r")
        labels = np.load(lab)
        names = np.load(nam) if nam.exists() else None
        if flux.ndim != 2 or labels.shape != (flux.shape[0],):
            raise ValueError("shape mismatch")
        if names is not None and names.shape != labels.shape:
            raise ValueError("shape mismatch")
        if flux.shape[0] == 0:  # (older versions cached header-only tables)
            return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable Kaggle cache %s: %s", d, exc)
        return None
    if warn and (d / _ZERO_ONE_MARK).exists():  # the text's reader says so; so does its cache
        warn_zero_one(path, "0/1" if (labels == 1).any() else "zeros")  # (-1: no label)
    if warn and (labels < 0).any():  # empty LABEL cells, as the text's reader says
        warn_blank_label(path, int(np.flatnonzero(labels < 0)[0]))
    return flux, labels, names


def _names_stars(path) -> bool:
    """True when the table's header opens with a column naming the stars (:func:`id_column`)."""
    with contextlib.suppress(*DECOMPRESSION_ERRORS, UnicodeDecodeError, OSError):
        with open_text(path) as fh:
            fields = header_fields(fh.readline())
        return index_column(fields) and id_column(fields[0]) is not None
    return False


def _cached_name(names, i: int) -> str | None:
    """Row ``i``'s cached name (None without names, or where its cell was empty)."""
    return None if names is None or not names[i] else str(names[i])


def _cached_label(value) -> int | None:
    """A cached label: 1 host, 0 not, None for an empty LABEL cell (stored as -1)."""
    return None if int(value) < 0 else int(value)


def _prune(keep: Path) -> None:
    """Remove caches of earlier versions of the same file and of files that no longer exist."""
    prefix = keep.name.split("-")[0] + "-"
    for d in keep.parent.iterdir():
        if d == keep or not d.is_dir():
            continue
        src = d / "source.txt"
        stale = d.name.startswith(prefix)
        if not stale and src.exists():
            try:
                stale = not Path(src.read_text().strip()).exists()
            except OSError:
                continue
        if stale:
            for f in d.iterdir():
                f.unlink(missing_ok=True)
            d.rmdir()


class _CacheWriter:
    """Streams float64 rows into a ``.npy`` whose header is written once the shape is known."""

    _HEADER = 128  # bytes reserved for the .npy v1.0 header (enough for any 2-D float shape)

    def __init__(
        self, path, cache_dir, n_flux: int, *, zero_one: bool = False, named: bool = False
    ):
        self.n_flux = n_flux
        self.zero_one = zero_one
        self.source = str(Path(path).resolve())
        self.labels: list[int] = []
        self.names: list[str] | None = [] if named else None
        self.ok = True
        try:
            self.dir = kaggle_cache_path(path, cache_dir=cache_dir)
            self.dir.mkdir(parents=True, exist_ok=True)
            self.tmp = self.dir / f"flux.npy.{os.getpid()}.tmp"
            self.fh = open(self.tmp, "wb")
            self.fh.write(b"\0" * self._HEADER)
        except OSError as exc:
            log.info("Kaggle cache disabled: %s", exc)
            self.ok = False

    def add(self, label: int | None, flux: np.ndarray, name: str | None = None) -> None:
        if self.ok:
            self.labels.append(-1 if label is None else label)  # (-1: an empty LABEL cell)
            if self.names is not None:
                self.names.append(name or "")
            self.fh.write(np.ascontiguousarray(flux, dtype="<f8").tobytes())

    def fail(self) -> None:
        if self.ok:
            self.ok = False
            self.fh.close()
            self.tmp.unlink(missing_ok=True)

    def finish(self) -> None:
        if not self.ok:
            return
        self.ok = False
        shape = (len(self.labels), self.n_flux)
        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            buf, {"descr": "<f8", "fortran_order": False, "shape": shape}
        )
        header = buf.getvalue()
        try:
            if len(header) > self._HEADER:  # pragma: no cover - astronomically large tables
                raise OSError("npy header does not fit")
            header = header[:-1] + b" " * (self._HEADER - len(header)) + b"\n"
            self.fh.seek(0)
            self.fh.write(header)
            self.fh.close()
            np.save(self.dir / "label.npy", np.asarray(self.labels, dtype=np.int8))
            names = self.dir / "names.npy"
            if self.names is not None:
                np.save(names, np.asarray(self.names, dtype=str))
            else:
                names.unlink(missing_ok=True)
            mark = self.dir / _ZERO_ONE_MARK
            if self.zero_one:
                mark.touch()
            else:
                mark.unlink(missing_ok=True)
            (self.dir / "source.txt").write_text(self.source)
            os.replace(self.tmp, self.dir / "flux.npy")
            _prune(self.dir)
        except OSError as exc:
            log.info("could not write Kaggle cache: %s", exc)
            self.tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- public readers
def iter_kaggle_rows(
    path, *, chunk_rows: int = 256, cache: bool = True, cache_dir=None
) -> Iterator[tuple[int, LightCurve | StarskopeError]]:
    """Stream ``(row, light curve or error)`` for every row of a Kaggle table.

    A bad row (wrong number of values, LABEL outside {1, 2}, non-numeric or all-NaN flux) yields
    its `StarskopeError` and the stream goes on. A file-level problem (missing, empty, not a
    Kaggle table) raises.

    Parameters
    ----------
    path : str or path-like
        The table, plain or gzip-compressed.
    chunk_rows : int, optional
        Lines read per chunk.
    cache : bool, optional
        Use the binary cache when present; write it after a complete error-free pass.
    cache_dir : str or path-like, optional
        Where caches live (default ``$STARSKOPE_CACHE_DIR``, ``$STARSKOPE_CACHE`` or
        ``~/.cache/starskope``).

    Yields
    ------
    tuple of (int, LightCurve or StarskopeError)
    """
    if chunk_rows < 1:
        raise StarskopeError(f"chunk_rows must be >= 1; got {chunk_rows}")
    path = str(path)
    if cache:
        cached = _load_cache(path, cache_dir)
        if cached is not None:
            flux, labels, names = cached
            for i in range(flux.shape[0]):
                label, name = _cached_label(labels[i]), _cached_name(names, i)
                yield i, kaggle_lightcurve(np.array(flux[i]), label, row=i, source=path, name=name)
            return
    layout, numbered, fh = _data_lines(path)
    # the cache keeps labels as int8: an unlabelled table is simply not cached
    writer = (
        _CacheWriter(
            path,
            cache_dir,
            layout.n_flux,
            zero_one=layout.zero_one,
            named=layout.id_column is not None,
        )
        if cache and layout.labelled
        else None
    )
    complete = False
    try:
        while True:
            chunk = list(itertools.islice(numbered, chunk_rows))
            if not chunk:
                break
            for row, line in chunk:
                try:
                    label, flux, name = _parse_row(line, row, layout, path)
                except StarskopeError as err:
                    if writer is not None:
                        writer.fail()
                    yield row, err
                    continue
                if writer is not None:
                    writer.add(label, flux, name)
                yield row, kaggle_lightcurve(flux, label, row=row, source=path, name=name)
        complete = True
    except DECOMPRESSION_ERRORS as exc:
        raise StarskopeError(f"cannot read: {exc}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise StarskopeError("not a text table (binary data)", path=path) from exc
    finally:
        fh.close()
        if writer is not None:
            writer.finish() if complete else writer.fail()


def iter_kaggle(
    path, *, chunk_rows: int = 256, cache: bool = True, cache_dir=None
) -> Iterator[LightCurve]:
    """Stream the light curves of a Kaggle table, one per row, in file order.

    Parameters are those of :func:`iter_kaggle_rows`.

    Yields
    ------
    LightCurve

    Raises
    ------
    StarskopeError
        At the first bad row (use :func:`iter_kaggle_rows` to skip bad rows instead).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = write_kaggle(p, np.ones((2, 3197)), [2, 1])
    >>> [lc.meta.label for lc in iter_kaggle(p, cache=False)]
    [1, 0]
    """
    for _row, item in iter_kaggle_rows(
        path, chunk_rows=chunk_rows, cache=cache, cache_dir=cache_dir
    ):
        if isinstance(item, StarskopeError):
            raise item
        yield item


def read_kaggle_row(path, row: int, *, cache: bool = True, cache_dir=None) -> LightCurve:
    """Read one row (0-based) of a Kaggle table.

    Uses the binary cache when present (memory-mapped, no parsing); otherwise scans the text up
    to ``row`` and parses only that line.
    """
    path = str(path)
    if not isinstance(row, int | np.integer) or row < 0:
        raise StarskopeError(f"row must be an integer >= 0; got {row!r}", path=path)
    if cache:
        cached = _load_cache(path, cache_dir)
        if cached is not None:
            flux, labels, names = cached
            if row >= flux.shape[0]:
                raise StarskopeError(
                    f"row {row} does not exist: the table has {flux.shape[0]} rows", path=path
                )
            label, name = _cached_label(labels[row]), _cached_name(names, row)
            return kaggle_lightcurve(np.array(flux[row]), label, row=row, source=path, name=name)
    layout, numbered, fh = _data_lines(path)
    try:
        n = 0
        for i, line in numbered:
            n = i + 1
            if i == row:
                label, flux, name = _parse_row(line, row, layout, path)
                return kaggle_lightcurve(flux, label, row=row, source=path, name=name)
    except DECOMPRESSION_ERRORS as exc:
        raise StarskopeError(f"cannot read: {exc}", path=path) from exc
    finally:
        fh.close()
    raise StarskopeError(f"row {row} does not exist: the table has {n} rows", path=path)


def count_kaggle_rows(path, *, limit: int | None = None) -> int:
    """Number of data rows (stops counting at ``limit`` when given)."""
    _layout, numbered, fh = _data_lines(str(path))
    try:
        return sum(1 for _ in itertools.islice(numbered, limit))
    finally:
        fh.close()


@dataclass(frozen=True)
class KaggleArrays:
    """A whole Kaggle table as arrays.

    Attributes
    ----------
    flux : numpy.ndarray
        ``(n_stars, n_flux)`` float64, memory-mapped from the cache when there is one.
    label : numpy.ndarray
        ``(n_stars,)`` int8: 1 = planet host (file LABEL 2), 0 = not, -1 = no label (a table
        without a LABEL column).
    """

    flux: np.ndarray
    label: np.ndarray


def kaggle_arrays(path, *, cache: bool = True, cache_dir=None) -> KaggleArrays:
    """Load a Kaggle table as arrays (for machine learning); builds the cache on first call.

    Raises
    ------
    StarskopeError
        At the first bad row.
    """
    if cache:
        cached = _load_cache(str(path), cache_dir)
        if cached is None:
            for _ in iter_kaggle(path, cache=True, cache_dir=cache_dir):
                pass
            cached = _load_cache(str(path), cache_dir, warn=False)
        if cached is not None:
            return KaggleArrays(flux=cached[0], label=cached[1])
    lcs = list(iter_kaggle(path, cache=False))
    if not lcs:
        return KaggleArrays(np.empty((0, KAGGLE_N_FLUX)), np.empty(0, dtype=np.int8))
    return KaggleArrays(
        flux=np.stack([lc.flux for lc in lcs]),
        label=np.array([-1 if lc.meta.label is None else lc.meta.label for lc in lcs], np.int8),
    )


# ---------------------------------------------------------------------------- writer
def write_kaggle(path, flux, labels, *, header: bool = True, decimals: int = 2) -> Path:
    """Write light curves in the exact Kaggle layout.

    Parameters
    ----------
    path : str or path-like
        Output file; a name ending in ``.gz`` is gzip-compressed.
    flux : numpy.ndarray
        ``(n_stars, n_flux)`` fluxes; the Kaggle tables have ``n_flux`` = 3197.
    labels : array-like of int
        Per star: 2 = planet host, 1 = not (the file's own convention).
    header : bool, optional
        Write the ``LABEL,FLUX.1,...`` header line (the Kaggle files have one).
    decimals : int, optional
        Digits after the decimal point (the Kaggle files use 2, e.g. ``93.85``).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    StarskopeError
        For a wrong shape or labels other than 1 and 2.
    """
    flux = np.asarray(flux, dtype=float)
    labels = np.asarray(labels)
    if flux.ndim != 2 or flux.shape[1] < 1:
        raise StarskopeError(f"flux must be 2-D (n_stars, n_flux); got shape {flux.shape}")
    if labels.shape != (flux.shape[0],):
        raise StarskopeError(
            f"labels must have one value per star ({flux.shape[0]}); got shape {labels.shape}"
        )
    if not np.isin(labels, (1, 2)).all():
        bad = sorted(set(np.unique(labels[~np.isin(labels, (1, 2))]).tolist()))
        raise StarskopeError(f"labels must be 1 (no planet) or 2 (planet host); got {bad[:5]}")
    if not header and flux.shape[1] != KAGGLE_N_FLUX:
        raise StarskopeError(f"a table without header must have {KAGGLE_N_FLUX} flux columns")
    path = Path(path)
    n_flux = flux.shape[1]
    fmt = "%d" + f",%.{int(decimals)}f" * n_flux + "\n"
    with _text_writer(path) as fh:
        if header:
            fh.write("LABEL," + ",".join(f"FLUX.{i}" for i in range(1, n_flux + 1)) + "\n")
        for lab, row in zip(labels.tolist(), flux, strict=True):
            fh.write(fmt % (lab, *row.tolist()))
    return path


@contextlib.contextmanager
def _text_writer(path: Path):
    """ASCII text to ``path``, gzip-compressed for a ``.gz`` name with neither a time nor a
    file name in the gzip header, so that the same table gives the same bytes."""
    if not path.name.lower().endswith(".gz"):
        with open(path, "w", encoding="ascii", newline="") as fh:
            yield fh
        return
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        with io.TextIOWrapper(gz, encoding="ascii", newline="") as fh:
            yield fh
