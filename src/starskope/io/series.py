"""Flux without times: evenly spaced samples given a cadence.

Two inputs carry flux but no times: a row of a Kaggle-layout table (``LABEL,FLUX.1,...``), whose
samples the layout defines as K2 long cadence (29.4244 min), and a text file holding one column
of numbers. Both are read as evenly spaced samples; ``cadence_minutes`` says how far apart
(``read(path, cadence_minutes=2)``, ``--cadence-minutes 2`` on the command line: a table of
TESS two-minute flux in the Kaggle layout, say). Without it a Kaggle row keeps the layout's K2
cadence, and a single column is refused, since no time scale can be guessed from the numbers.

Times are relative (days from the first sample); a NaN sample, or an empty line between values
in a single column, keeps its place, so the spacing holds across it.
"""

from __future__ import annotations

import math
import os
import re

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from ._common import MISSING_TOKENS, target_from_name
from ._open import DECOMPRESSION_ERRORS, open_text
from .kaggle import KAGGLE_CADENCE_MIN

__all__ = [
    "MAX_CADENCE_MINUTES",
    "MIN_CADENCE_MINUTES",
    "check_cadence",
    "identify_flux_series",
    "read_flux_series",
    "respace",
]

#: The longest cadence accepted, in minutes (one day): beyond it no transit is resolved.
MAX_CADENCE_MINUTES = 1440.0
#: The shortest (one second).
MIN_CADENCE_MINUTES = 1.0 / 60.0
#: Products whose times are their samples' numbers, which ``cadence_minutes`` may re-space.
SAMPLE_TIMED = frozenset({"kaggle", "flux-series"})

_COMMENT = ("#", "%", "!")
#: What the refusal without a cadence says.
NEEDS_CADENCE = (
    "a single column of numbers (flux without times?): starskope needs the times; give the"
    " spacing of the samples with --cadence-minutes (Python: cadence_minutes=), e.g. 29.4244"
    " for Kepler/K2 long cadence, 2 for TESS two-minute data, or add a time column in days"
)


def check_cadence(minutes) -> float:
    """``minutes`` as a float, or `StarskopeError` unless it is from one second to a day
    (:data:`MIN_CADENCE_MINUTES` to :data:`MAX_CADENCE_MINUTES`): no photometer samples faster,
    and a row of a Kaggle-layout table at 1e-9 minutes was "constant" (its times collapsed).

    Examples
    --------
    >>> check_cadence("2")
    2.0
    """
    try:
        value = float(minutes)
    except (TypeError, ValueError):
        raise StarskopeError(
            f"cadence_minutes (--cadence-minutes) must be a number of minutes; got {minutes!r}"
        ) from None
    if not (math.isfinite(value) and MIN_CADENCE_MINUTES <= value <= MAX_CADENCE_MINUTES):
        raise StarskopeError(
            "cadence_minutes (--cadence-minutes) must be from one second (1/60) to"
            f" {MAX_CADENCE_MINUTES:g} minutes (2 for TESS"
            f" two-minute data, 29.4244 for Kepler/K2 long cadence); got {minutes!r}"
        )
    return value


def respace(
    lc: LightCurve, cadence_minutes, *, layout_minutes: float = KAGGLE_CADENCE_MIN
) -> LightCurve:
    """The same samples ``cadence_minutes`` apart instead of ``layout_minutes``.

    ``lc`` holds times that are its samples' numbers at ``layout_minutes`` (by default the
    Kaggle layout's K2 long cadence: a Kaggle row). The
    mission stays only when the cadence is the layout's (K2 for the Kaggle table): a table of
    another cadence comes from another instrument, or from none.

    Examples
    --------
    >>> from starskope.io.kaggle import kaggle_lightcurve
    >>> lc = kaggle_lightcurve(np.ones(4), 1, row=0)
    >>> out = respace(lc, 2.0)
    >>> out.t * 1440.0, out.meta.mission
    (array([0., 2., 4., 6.]), None)
    """
    minutes = check_cadence(cadence_minutes)
    index = np.rint(lc.t * 1440.0 / layout_minutes)
    same = abs(minutes - layout_minutes) < 1e-3
    meta = lc.meta.replace(
        mission=lc.meta.mission if same else None,
        extra={**lc.meta.extra, "cadence_minutes": minutes},
    )
    return lc.copy(time=index * minutes / 1440.0, meta=meta)


def _number_lines(header: bytes) -> list[str]:
    text = bytes(header[:65536]).decode("utf-8", errors="replace")
    lines = [ln.strip() for ln in text.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith(_COMMENT)]


def _value(cell: str) -> float | None:
    cell = cell.strip().strip(",;").strip()
    if cell.lower() in MISSING_TOKENS:
        return math.nan
    try:
        return float(cell)
    except ValueError:
        return None


#: A data line of pandas' ``Series.to_csv``: the row number, a separator, the value (or none).
_INDEXED = re.compile(r"^(\d+)\s*[,;\t ]\s*([^\s,;]*)$")


#: Names pandas gives, or users give, a saved index column.
_INDEX_NAMES = frozenset({"", "index", "unnamed: 0", "row", "rownum", "idx", "#"})


def _split_header(lines: list[str]) -> tuple[str | None, list[str]]:
    """The header line (a first line that is neither a number nor ``row,value``), or None,
    and the lines after it."""
    if lines and _value(lines[0]) is None and not _INDEXED.match(lines[0]):
        return lines[0], lines[1:]
    return None, lines


def _row_numbered(lines: list[str]) -> bool:
    """Lines ``0,v0``, ``1,v1``, ...: consecutive row numbers from 0 or 1, then one value."""
    m = [_INDEXED.match(ln) for ln in lines]
    if not all(m):
        return False
    rows = [int(x.group(1)) for x in m]
    return rows[0] in (0, 1) and rows == list(range(rows[0], rows[0] + len(rows)))


def identify_flux_series(path, header) -> bool:
    """A text file whose data lines hold one token each, numbers (at least ten, and nine in
    ten or more; one header line allowed before them), or each a row number and one number
    (pandas' ``Series.to_csv``: the index, then the values)."""
    if not isinstance(header, bytes | bytearray) or b"\0" in bytes(header[:4096]):
        return False
    lines = _number_lines(header)
    first = None  # the header's first name
    head, rest = _split_header(lines)
    if head is not None and rest:  # a header line ("flux", "SAP flux", "Flux [ppm]", ",flux")
        first = re.split(r"[,;\t]| +", head)[0].strip().strip("\"'").lower()
        names = [n for n in re.split(r"[,;\t]", head) if n.strip().strip("\"'")]
        if len(names) > 1 and first not in _INDEX_NAMES:
            return False  # "time,flux": columns, though the flux may open with empty cells
        lines = rest
    body = lines[:-1][:200]  # the last line may be cut by the peek
    if len(body) >= 10 and first in (None, *_INDEX_NAMES) and _row_numbered(body):
        # row numbers under no name or an index's (a first name such as "time" says that
        # column is the time, however it counts)
        body = [_INDEXED.match(ln).group(2) for ln in body]
    elif any(re.search(r"[\s,;]\S", ln.strip(",;")) for ln in lines[:-1]):
        # a second value anywhere in the peek: columns whose second opens with empty cells
        # ("1569.43," for the first 795 lines of a TESS sector's PDCSAP flux)
        return False
    if len(body) < 10 or any(re.search(r"[\s,;]\S", ln.strip(",;")) for ln in body):
        return False
    # one token per line, nearly all numbers: a stray word is then the reader's error, by line
    vals = [v for v in (_value(ln) for ln in body) if v is not None]
    return len(vals) >= max(10, 0.9 * len(body)) and any(v == v for v in vals)


def _row_numbered_file(path: str) -> bool:
    """True for a saved pandas Series: row numbers, then one value, per line."""
    from ._open import peek

    _, lines = _split_header(_number_lines(peek(path, 65536)))
    body = lines[:-1][:200]  # the last line may be cut by the peek
    return len(body) >= 2 and _row_numbered(body)


def read_flux_series(
    path,
    *,
    cadence_minutes=None,
    flux_column=None,
    time_column=None,
    time_format=None,
    opened=None,
) -> LightCurve:
    """Read a single column of flux as samples ``cadence_minutes`` apart.

    Raises
    ------
    StarskopeError
        Without ``cadence_minutes`` (no time scale can be guessed), with a column option (there
        is one column and no time), or for a cell that is not a number (its line is named).
    """
    from .registry import UnrecognisedFormatError

    path = str(path)
    if flux_column is not None or time_column is not None:
        if _row_numbered_file(path):  # a column named: the row numbers are a column too
            from .text import read_text

            return read_text(
                path, flux_column=flux_column, time_column=time_column, time_format=time_format
            )
        raise StarskopeError(
            "a single column of flux has no columns to choose: drop --flux-column/--time-column",
            path=path,
        )
    if cadence_minutes is None:
        # unrecognised, as before this reader: a folder walk skips the file with a word
        raise UnrecognisedFormatError(NEEDS_CADENCE, path=path)
    minutes = check_cadence(cadence_minutes)
    try:
        with open_text(path) as fh:
            lines = [(n, raw.strip()) for n, raw in enumerate(fh, start=1)]
    except DECOMPRESSION_ERRORS as exc:
        raise StarskopeError(f"cannot read: {exc}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise StarskopeError("not a text file (binary data)", path=path) from exc
    lines = [(n, ln) for n, ln in lines if not ln.startswith(_COMMENT)]
    header, data = _split_header([ln for _, ln in lines if ln])
    name = None if header is None else header.strip(",;").strip().strip("\"'").strip()
    # pandas' Series.to_csv: a row number before each value (an empty value: NaN)
    numbered = len(data) >= 2 and _row_numbered(data[:200])
    first_row = int(_INDEXED.match(data[0]).group(1)) if numbered else 0
    if numbered and name:
        name = re.split(r"[,;\t]| +", name)[-1].strip().strip("\"'") or None  # the values' name
    values: list[float] = []
    blanks = 0  # empty lines since the last value: missing samples if a value follows
    seen_header = name is None
    for number, line in lines:
        if not line:
            # a spreadsheet writes an empty cell of one column as an empty line: a missing
            # sample that keeps its place (trailing ones end the file)
            blanks += bool(values)
            continue
        if not seen_header:
            seen_header = True
            continue
        if numbered:
            m = _INDEXED.match(line)
            if m is None or int(m.group(1)) != first_row + len(values):
                raise StarskopeError(
                    f"line {number} ({line[:40]!r}) is not the next row number and a value: a"
                    " saved pandas Series holds one of each per line",
                    path=path,
                )
            line = m.group(2) or "nan"
        v = _value(line)
        if v is None:
            raise StarskopeError(
                f"line {number} ({line[:40]!r}) is not a number: a single column of flux holds"
                " one number per line",
                path=path,
            )
        values.extend([math.nan] * blanks)
        blanks = 0
        values.append(v)
    flux = np.asarray(values, dtype=float)
    if not np.isfinite(flux).any():
        raise StarskopeError("the column holds no finite flux value", path=path)
    meta = LightCurveMeta(
        target=target_from_name(os.path.basename(path)),
        flux_column=name or "column 1",
        source=path,
        product="flux-series",
        extra={"cadence_minutes": minutes},
    )
    t = np.arange(flux.size, dtype=float) * minutes / 1440.0
    return LightCurve(t, flux, time_format="relative", meta=meta)
