"""Text light-curve tables: CSV, ECSV and whitespace-separated ``.dat`` / ``.txt``.

With or without a header line (a ``# time,flux,flux_err`` comment line right before the data
counts as a header). The delimiter is a comma when the first data line has one, a semicolon or
tab likewise, else whitespace. Columns are chosen by
:func:`~starskope.io._columns.choose_columns` (by name, else by position), and the time system is
inferred by :func:`~starskope.io._common.infer_time_format` unless the ECSV metadata or a column
unit says it.
"""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from ._columns import (
    _QUALITY_NAMES,
    choose_columns,
    column_key,
    is_magnitude,
    warn_suspect_magnitudes,
)
from ._common import (
    AMBIGUOUS_RULE,
    MISSING_TOKENS,
    REDUCED_JD_RULE,
    below_full_jd,
    declared_time_scale,
    finish,
    guess_mission_from_name,
    infer_time_format,
    magnitude_flux,
    parse_time_unit,
    relative_flux_unit,
    segment_from_name,
    target_from_name,
    time_offset_from_name,
    time_scale,
    warn_file,
    warn_if_reduced_jd,
    warn_named_jd_reduced,
)
from ._open import DECOMPRESSION_ERRORS, open_binary, open_text

__all__ = [
    "identify_ecsv",
    "identify_text",
    "identify_votable",
    "read_ecsv",
    "read_text",
    "read_votable",
]

_NUM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$|^[+-]?(nan|inf)$", re.I)
_MAX_HEADER_LINES = 2000
#: A calendar date and time in ISO 8601 ("2019-08-01T00:30:00Z", "2019-08-01 00:30:00.5").
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d*)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$", re.I
)
#: A date alone, and a clock time alone (a whitespace table splits "2019-08-01 00:30:00" in two).
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d*)?)?(Z|[+-]\d{2}(:?\d{2})?)?$", re.I)


def _looks_text(header: bytes) -> bool:
    if not isinstance(header, bytes | bytearray) or not header:
        return False
    chunk = bytes(header[:4096])
    if b"\0" in chunk:
        return False
    # UTF-8 or not (a Latin-1 export: open_text reads it so), mostly printable ASCII
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in chunk)
    return printable / len(chunk) > 0.95


def identify_ecsv(path, header) -> bool:
    """An astropy ECSV file (first line ``# %ECSV``)."""
    return _looks_text(header) and bytes(header[:7]).lstrip(b"\xef\xbb\xbf") == b"# %ECSV"


def identify_mrt(path, header) -> bool:
    """An AAS Machine-Readable Table or CDS/VizieR table with its byte-by-byte description
    (``Title:``, ``Byte-by-byte Description of file``), as journals publish light curves."""
    return _looks_text(header) and b"Byte-by-byte Description" in bytes(header[:16384])


def read_mrt(path, *, flux_column=None, time_column=None, opened=None, time_format=None):
    """Read an MRT/CDS table with astropy (its byte ranges, names and units)."""
    return _astropy_text(
        path, "ascii.cds", "mrt", "machine-readable (MRT/CDS) table", flux_column=flux_column,
        time_column=time_column, time_format=time_format,
    )  # fmt: skip


def _astropy_text(path, fmt, product, what, *, flux_column, time_column, time_format):
    """A light curve from a text table astropy reads in format ``fmt``."""
    from astropy.table import Table

    path = str(path)
    try:
        with open_text(path) as fh:
            tab = Table.read(fh.read(), format=fmt)
    except StarskopeError:
        raise
    except Exception as exc:  # astropy raises many types for a malformed table
        raise StarskopeError(f"malformed {what}: {str(exc).splitlines()[0]}", path=path) from exc
    return _from_table(
        path, tab, flux_column=flux_column, time_column=time_column, time_format=time_format,
        product=product,
    )  # fmt: skip


def identify_text(path, header) -> bool:
    """Any text table with a data line of at least two numeric fields, or, under a header
    that names two or more columns, of one number and as many delimited fields (a flux
    column that opens with empty cells: ``1569.43,`` for the first 795 lines of a TESS
    sector's PDCSAP flux)."""
    if not _looks_text(header):
        return False
    text = bytes(header[:65536]).decode("utf-8", errors="replace")
    named = 0  # columns a header line names
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("|"):  # IPAC names and units (skipped), or a row of a "|" table
            s = s.strip("|")
            if sum(bool(_NUM.match(f.strip())) for f in s.split("|")) < 2:
                continue
        if not s or s.startswith(("#", "%", "!", "\\")):
            continue
        delim = _delimiter(s)
        fields = _split(s, delim)
        numbers = sum(bool(_NUM.match(f)) for f in fields)
        if numbers >= 2 or (numbers >= 1 and any(_ISO.match(f) for f in fields)):
            return True
        if numbers == 0 and not named and delim is not None:
            named = sum(bool(f) for f in fields)
        elif numbers == 1 and named >= 2 and delim is not None and len(fields) == named:
            return True
    return False


_QUOTED = re.compile(r'"[^"]*"' + r"|'[^']*'")


def _delimiter(line: str) -> str | None:
    """The line's field separator (None: whitespace), never one inside quotes.

    Semicolons first: a European spreadsheet export separates with ";" and writes decimal
    commas ("1517,02;0,99987"), which a comma split would cut in two; but a comma-separated
    row whose text cell holds a semicolon ("2000.1,0.998,ok; checked") has more numbers when
    split on its commas.
    """
    bare = _QUOTED.sub("", line)
    found = [d for d in (";", ",", "\t", "|") if d in bare]
    if found[:2] == [";", ","]:

        def numbers(d):
            return sum(bool(_NUM.match(f)) for f in _split(bare, d))

        return ";" if numbers(";") >= numbers(",") else ","
    return found[0] if found else None


def _split(line: str, delim: str | None) -> list[str]:
    parts = line.split(delim) if delim else line.split()
    parts = [p.strip().strip('"').strip("'") for p in parts]
    if delim == ";":  # decimal commas (see _delimiter)
        parts = [p.replace(",", ".") if _NUM.match(p.replace(",", ".")) else p for p in parts]
    return parts


def _hints(path, comments: list[str]) -> tuple[str | None, str | None, str | None]:
    name = Path(str(path)).name
    if name.endswith(".gz"):
        name = name[:-3]
    text = name + " " + " ".join(comments)
    mission = guess_mission_from_name(text)
    target = target_from_name(text)
    if target is None and mission == "K2":  # HLSP names: ..._lightcurve_201367065-c01_...
        m = re.search(r"(?<!\d)(2\d{8})(?!\d)", name)
        target = f"EPIC {int(m.group(1))}" if m else None
    if target is None and mission == "TESS":  # SPOC names: ...-s0008-0000000413248763-...
        m = re.search(r"-(\d{16})-", name)
        target = f"TIC {int(m.group(1))}" if m else None
    return mission, target, segment_from_name(name, mission)


def _ipac_to_csv(header: str, body: str) -> str:
    """IPAC rows cut at the header's ``|`` positions (fixed width: a blank cell stays a blank
    field instead of shifting the next value into its column), joined by commas."""
    bars = [i for i, ch in enumerate(header) if ch == "|"]
    rows = [r for r in body.splitlines()[:200] if r.strip()]
    inner = bars[1:-1]
    if len(bars) < 2 or any(len(r) > i and r[i] != " " for r in rows for i in inner):
        # values cross the column boundaries: not fixed width, split on blanks
        return "\n".join(",".join(r.split()) for r in body.splitlines() if r.strip()) + "\n"
    cuts = list(zip(bars[:-1], bars[1:], strict=True))
    out = []
    for row in body.splitlines():
        if row.strip():
            out.append(",".join(row[a : b + 1].strip() for a, b in cuts))
    return "\n".join(out) + "\n"


def _bar_rows(lines) -> str:
    """Rows written between ``|`` bars (``| 1.0 | 2.0 |``) as comma-separated lines."""
    rows = (r.strip().strip("|") for r in lines)
    return "\n".join(r.replace("|", ",") for r in rows if r) + "\n"


def _fixed_width(ruler: str, header: str, body: str) -> tuple[list[str], str] | None:
    """Names and comma-joined rows of a fixed-width table whose ruler line (``-----  ----``)
    marks each column with a run of dashes: every line is cut where a run begins, so a blank
    cell stays blank instead of the next value moving into its column. None when the ruler
    marks fewer than two columns or a value crosses a column boundary (the rows are then split
    on blanks, as any whitespace table)."""
    starts = [m.start() for m in re.finditer(r"[-=]+", ruler)]
    if len(starts) < 2:
        return None
    lines = [r for r in body.splitlines() if r.strip()]
    bounds = starts[1:]
    spans = list(zip([0, *bounds], [*bounds, None], strict=True))

    def cells(row: str) -> list[str]:
        return [row[a:b].strip() for a, b in spans]

    rows = [cells(r) for r in [header, *lines]]
    # every line, not a sample: values that widen further down (a time passing 1000, a flux
    # passing 10000) would be cut mid-number; a cell of two values means a run spans two columns
    if any(len(r) > b - 1 and r[b - 1] != " " for r in [header, *lines] for b in bounds) or any(
        " " in c for row in rows[1:] for c in row
    ):
        return None
    return rows[0], "\n".join(",".join(r) for r in rows[1:]) + "\n"


def _is_header(fields: list[str]) -> bool:
    """A line of names (mostly non-numeric fields), not a data row (calendar dates and clock
    times are data)."""
    data = [bool(_NUM.match(f) or _ISO.match(f) or _CLOCK.match(f)) for f in fields]
    return not all(d or f == "" for d, f in zip(data, fields, strict=True)) and sum(data) < max(
        2, len(fields) // 2
    )


#: A QDP command line above the data (astropy's ``ascii.qdp`` writes ``READ SERR 2``: column
#: 2 has an error column after it); read as a comment, the ``!`` line below it names the columns.
_QDP_COMMAND = re.compile(r"^READ\s+[ST]ERR(\s+\d+)+$", re.IGNORECASE)

#: A spreadsheet's first line naming the table's delimiter (Excel: ``sep=,``).
_EXCEL_SEP = re.compile(r"^sep=(.)$", re.IGNORECASE)

#: A cell of a units line under the names: "[d]", "(ppm)", "[]" or nothing.
_UNIT_CELL = re.compile(r"^([\[(].*[\])])?$")

#: A ruler line under a header (astropy's fixed_width_two_line, Markdown, SQL shells).
_RULER = re.compile(r"^[\-=+|: ]*-[\-=+|: ]*$")


def _scan(path):
    """Comment lines, header names (or None), delimiter, and the rest of the text."""
    comments: list[str] = []
    try:
        fh = open_text(path)
    except StarskopeError:
        raise
    with fh:
        try:
            line = fh.readline()
            n = 0
            while line and n < _MAX_HEADER_LINES:
                s = line.strip()
                if s and not s.startswith(("#", "%", "!", "\\")) and not _QDP_COMMAND.match(s):
                    break
                if s:
                    comments.append(s.lstrip("\\"))
                line = fh.readline()
                n += 1
            if line.lstrip().startswith("|"):
                # IPAC table (NASA Exoplanet Archive, astropy's ascii.ipac): "|"-separated
                # names, then optional type, unit and null lines, then whitespace columns
                header = line.rstrip("\r\n")
                names = [c.strip() for c in header.strip().strip("|").split("|")]
                nxt = fh.readline()
                below = [c.strip() for c in nxt.strip().strip("|").split("|")]
                if (
                    len(names) >= 2
                    and all(_NUM.match(c) for c in names)
                    and len(below) == len(names)
                    and all(_NUM.match(c) for c in below)
                    and not all(re.fullmatch(r"[-+]?\d+", c) for c in names)
                ):
                    # rows between bars and no header (astropy's fixed_width_no_header): the
                    # first line is all numbers, not all whole (names such as 0, 1 or 2019),
                    # and so is the next (not a "|---|" ruler)
                    return comments, None, ",", _bar_rows(itertools.chain([line, nxt], fh))
                line = nxt
                while line.lstrip().startswith("|"):
                    cells = line.strip().strip("|").split("|")
                    if sum(bool(_NUM.match(c.strip())) for c in cells) >= 2:
                        # rows between bars too: a "|" table (astropy's ascii.fixed_width)
                        return comments, names, ",", _bar_rows(itertools.chain([line], fh))
                    line = fh.readline()
                if not line.strip():
                    raise StarskopeError("IPAC table without data rows", path=path)
                return comments, names, ",", _ipac_to_csv(header, line + fh.read())
            forced = None
            if (sep := _EXCEL_SEP.match(line.strip())) is not None:
                # a spreadsheet's "sep=," line names the delimiter of the table below it
                forced = sep.group(1)
                comments.append(line.strip())
                line = fh.readline()
            elif set(line.strip()) <= set("= ") and "=" in line:
                # a reStructuredText table's top border ("====== ======") above its names
                line = fh.readline()
            if not line.strip():
                raise StarskopeError("no data rows (only comments or blank lines)", path=path)
            delim = forced or _delimiter(line.strip())
            tab_rule = delim is None and "\t" in line.strip("\r\n") and len(line.split()) == 1
            if tab_rule:
                # one value and a tab: a tab-separated row whose later cells are empty (a
                # headerless export whose flux opens with empty cells), not one column;
                # unless the body below has no tabs (checked there)
                delim = "\t"
            # a tab-separated header may begin with an empty name (pandas' index, AstroImageJ's
            # row label): strip only the line end then, or every name shifts left
            fields = _split(line.rstrip("\r\n") if delim == "\t" else line.strip(), delim)
            names = None
            ruler = None  # a fixed-width table's ruler line under the names
            first_data = line
            if _is_header(fields):
                names = fields  # a header line
                first_data = ""
                nxt = fh.readline()
                blank = 0
                while nxt and not nxt.strip() and blank < _MAX_HEADER_LINES:
                    nxt, blank = fh.readline(), blank + 1  # blank lines under a title
                if _RULER.match(nxt.strip()):  # "------- ----" under the names
                    ruler, nxt = nxt.rstrip("\r\n"), fh.readline()
                nd = forced or _delimiter(nxt.strip())
                nf = _split(nxt.strip(), nd)
                # a title line above the header: one field ("GJ 357, TESS sector 8,,": the
                # rest empty, as a spreadsheet writes it), none of the header's separators
                # ("TOI-247 light curve from TESS"), or a blank line after it; a units line
                # ("d,ppm") under the header is not a header
                # (a first name and empty cells; ",flux" is pandas' index and a name)
                one_field = bool(fields[0]) and not any(fields[1:])
                other_sep = nd is not None and nd not in line
                title = one_field or blank > 0 or other_sep
                if nxt.strip() and _is_header(nf) and len(nf) >= 2 and title:
                    comments.append(line.strip())
                    names, delim = nf, nd
                elif (one_field or other_sep and delim is None) and nxt.strip() and len(nf) >= 2:
                    # a title above headerless rows
                    comments.append(line.strip())
                    names, delim, first_data = None, nd, nxt
                else:
                    first_data = nxt
            elif comments:
                # IRAF DAOPHOT's "#N ID XCENTER ... MAG MERR" names (continued by "\\" on more
                # "#N" lines), between its "#K" keywords and "#U" units and "#F" formats
                daophot = " ".join(
                    c[2:].strip().rstrip("\\").strip() for c in comments if c.startswith("#N ")
                ).split()
                iraf = any(c.startswith(("#K ", "#U ", "#F ")) for c in comments)
                if iraf and daophot and len(daophot) == len(fields):
                    names = daophot
                # "# time,flux,flux_err" comment header, perhaps above a "# [d] [] []" units line
                for com in [] if names else reversed(comments[-2:]):
                    cand = _split(com.lstrip("#%! ").strip(), delim)
                    if len(cand) != len(fields) or any(_NUM.match(c) for c in cand):
                        break
                    if not all(_UNIT_CELL.match(c) for c in cand):
                        names = cand
                        break
            body = first_data + fh.read()
            if tab_rule and body.count("\t") < 0.5 * body.count("\n"):
                delim = None  # a stray tab on the first line of a space-separated table
            if names is fields and delim is None and ruler is not None:
                # astropy's fixed_width_two_line (lightkurve's too): columns at the ruler's
                # dash runs, where a blank cell (a masked value) keeps its place
                cut = _fixed_width(ruler, line.rstrip("\r\n"), body)
                if cut is not None:
                    names, body = cut
                    delim = ","
        except UnicodeDecodeError as exc:
            raise StarskopeError("not a text table (binary data)", path=path) from exc
        except DECOMPRESSION_ERRORS as exc:
            raise StarskopeError(f"cannot read (corrupt or truncated?): {exc}", path=path) from exc
    return comments, names, delim, body


#: An exponent this long breaks pandas' C number parser (a segfault in pandas 2.3 on, e.g., an
#: MD5 hash such as "5e89970752060f3a..."): such tables are parsed as text, then converted here.
_HUGE_EXPONENT = re.compile(r"[eEdD][+-]?\d{6,}")  # (no leading \d: 4x faster)


def _parse_body(body: str, delim, path):
    """Numeric columns of the table body (None for a non-numeric column, e.g. an instrument
    name), the columns of calendar dates (index -> cells) and the indices of joined date and
    clock columns. Missing-value tokens (``--``,
    ``nan``, empty...) become NaN; a column counts as numeric when more than 99% of its other
    cells are numbers; a column of ISO 8601 dates is kept as text (see :func:`_date_cells`)."""
    import pandas as pd

    as_text = _HUGE_EXPONENT.search(body) is not None
    try:
        df = _read_body(
            body,
            delim,
            on_bad_lines="error",
            dtype=str if as_text else None,
            keep_default_na=not as_text,
        )
    except (ValueError, pd.errors.ParserError) as exc:
        msg = str(exc).strip().splitlines()[0]
        m = re.search(r"line (\d+)", msg)
        where = f"row {int(m.group(1)) - 1}" if m else None
        raise StarskopeError(f"malformed table: {msg}", path=path, where=where) from exc
    joined: list[int] = []
    if delim is None:
        df, joined = _join_day_and_clock(df)
    cols, dates, texts = [], {}, {}
    limits = np.zeros(df.shape[0], dtype=bool)
    for j in range(df.shape[1]):
        c = df.iloc[:, j]
        if c.dtype.kind in "biuf":
            col = c.to_numpy(dtype=float)
            if not as_text and np.nanmax(np.abs(col), initial=0.0) >= 1e15:
                decoded = _long_binary(body, delim, j, df.shape[0], joined)
                col = col if decoded is None else decoded
            cols.append(col)
            continue
        cells = c.to_numpy(dtype=object)
        col = _binary_digits(cells)
        if col is not None:
            cols.append(col)
            continue
        col = _numeric_or_none(cells, decimal_comma=delim == ";")
        if col is not None:  # ">17.1": a non-detection's limit, not a measurement
            limits |= np.array(
                [isinstance(x, str) and bool(_LIMIT.match(x.strip())) for x in cells]
            )
        if col is None:
            stamps = _date_cells(cells)
            if stamps is not None:
                dates[j] = stamps  # converted only if it becomes the time (_dates_to_jd)
            else:
                texts[j] = cells  # e.g. a photometric band per row (see one_band)
        cols.append(col)
    return cols, dates, joined, texts, limits


_BINARY = re.compile(r"^[01]+$")


def _read_body(body: str, delim, **kw):
    """pandas' C parser on the table body (no header; ``#`` comments and blank lines skipped;
    ``delim`` None: whitespace)."""
    import pandas as pd

    return pd.read_csv(
        io.StringIO(body),
        sep=delim if delim else r"\s+",
        header=None,
        comment="#",
        skip_blank_lines=True,
        engine="c",
        **kw,
    )


def _long_binary(body: str, delim, j: int, n_rows: int, joined) -> np.ndarray | None:
    """Column ``j`` decoded from binary digits when all its cells are 0/1 digit strings and
    some have 16 digits or more: lightkurve's ``to_csv`` quality flags of 2**15 and above
    (Kepler's rolling band, K2's thruster firings), whose digits a float keeps only to about
    16 places; None otherwise (see :func:`binary_flags` for the shorter ones)."""

    if joined:  # whitespace tables with joined date and clock columns: positions moved
        return None
    cells = _read_body(body, delim, usecols=[j], dtype=str, keep_default_na=False).iloc[:, 0]
    if len(cells) != n_rows:
        return None
    return _binary_digits(cells.to_numpy(dtype=object))


def _binary_digits(cells) -> np.ndarray | None:
    """Cells of 0/1 digit strings (empty or missing: NaN), some of 16 digits or more, as the
    numbers they write in binary; None for anything else."""
    text = [x.strip() if isinstance(x, str) else "" for x in cells]
    given = [x for x in text if x]
    if not given or max(len(x) for x in given) < 16 or not all(_BINARY.match(x) for x in given):
        return None
    return np.array([float(int(x, 2)) if x else np.nan for x in text])


def _is_column_of(cells, pattern) -> bool:
    given = [str(c).strip() for c in cells if isinstance(c, str) and c.strip()]
    return bool(given) and sum(bool(pattern.match(c)) for c in given) > 0.99 * len(given)


def _join_day_and_clock(df):
    """A whitespace table's date column followed by a clock column, joined into one; also
    returns the indices (in the joined table) of the joined columns."""
    j = 0
    joined_at: list[int] = []
    while j + 1 < df.shape[1]:
        a, b = df.iloc[:, j], df.iloc[:, j + 1]
        if (
            a.dtype == object
            and b.dtype == object
            and _is_column_of(a.to_numpy(), _DAY)
            and _is_column_of(b.to_numpy(), _CLOCK)
        ):
            joined = a.astype(str).str.strip() + "T" + b.astype(str).str.strip()
            df = df.drop(columns=[df.columns[j + 1]])
            df[df.columns[j]] = joined.to_numpy()
            joined_at.append(j)
        j += 1
    df.columns = range(df.shape[1])
    return df, joined_at


def _date_cells(cells: np.ndarray) -> list[str | None] | None:
    """A column of ISO 8601 calendar dates (more than 99% of its given cells) as upper-case
    text, None where a cell is missing or no date (a leap second); None for another column."""
    text = [
        None if c is None or (isinstance(c, float) and c != c) else str(c).strip().upper()
        for c in cells
    ]
    text = [None if t is None or t.lower() in MISSING_TOKENS else t for t in text]
    given = [t for t in text if t is not None]
    matched = [t if t is not None and _ISO.match(t) else None for t in text]
    if not given or sum(t is not None for t in matched) <= 0.99 * len(given):
        return None
    return matched


def _dates_to_jd(stamps: list[str | None]) -> np.ndarray:
    """ISO 8601 dates (:func:`_date_cells`) as JD in TDB (UTC unless an offset is given);
    NaN where None.

    Dates are civil (UTC) times at the observer: converting them to TDB leaves out the light
    travel time to the barycentre (up to 8.3 minutes), which needs the star's position.
    """
    import pandas as pd

    from ..time import datetimes_to_tdb_jd

    stamps = pd.to_datetime(
        pd.Series(stamps, dtype=object),
        utc=True,
        format="ISO8601",
        errors="coerce",
    )
    return datetimes_to_tdb_jd(stamps.to_numpy(dtype="datetime64[ns]"))


def _number(cell, decimal_comma: bool = False) -> float | None:
    """A cell as a float; NaN for a missing-value token; None for text. Fortran exponents
    ("1.0D-03") are read; so are decimal commas in ";"-separated tables."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return float("nan")
    text = str(cell).strip()
    if text.lower() in MISSING_TOKENS or _LIMIT.match(text):
        return float("nan")  # missing, or a limit (ASAS-SN's ">17.1"): not a measurement
    if _FORTRAN.match(text):
        text = text.replace("D", "e").replace("d", "e")
    elif decimal_comma and "," in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


_FORTRAN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[dD][+-]?\d+$")  # Fortran "1.0D-03"
_LIMIT = re.compile(r"^[<>]=?\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")  # ">17.1", "<0.5"


def _numeric_or_none(cells: np.ndarray, *, decimal_comma: bool = False) -> np.ndarray | None:
    """Python-level conversion (never pandas': see :data:`_HUGE_EXPONENT`)."""
    vals = [_number(c, decimal_comma) for c in cells]
    given = [v for v in vals if v is None or v == v]  # cells that are not missing
    if not given:
        return np.full(len(vals), np.nan)
    numeric = sum(v is not None for v in given)
    if numeric <= 0.99 * len(given):
        return None
    return np.array([np.nan if v is None else v for v in vals], dtype=float)


def _is_gaia_epochs(names) -> bool:
    """A Gaia epoch-photometry table (its ``source_id``, ``transit_id`` and ``band`` columns)."""
    low = {str(n).strip().lower() for n in names or ()}
    return {"source_id", "transit_id", "band"} <= low


#: Columns that name each row's instrument (juliet and other fitting codes' combined files: K2
#: and ground-based rows) ...
_INSTRUMENT_COLUMNS = frozenset({"instrument", "instr", "inst", "telescope"})
#: ... or photometric band (ZTF, ASAS-SN, Gaia epoch photometry).
_BAND_COLUMNS = (
    frozenset(
        {
            "filter",
            "filtercode",
            "filter_code",
            "band",
            "passband",
            "phot_filter",
            "filt",
            "bandpass",
        }
    )
    | _INSTRUMENT_COLUMNS
)


#: Values of a "filter" column that are flags, not photometric bands.
_NOT_BANDS = frozenset(
    {"ok", "bad", "good", "t", "f", "true", "false", "yes", "no", "y", "n", "sat", "flag",
     "flagged", "clean", "pass", "fail"}
)  # fmt: skip


#: In a headerless four-column file, the share of rows one label must hold for the column to
#: be taken as juliet's instrument (K2-140: 96% K2 cadences beside LCOGT follow-up).
JULIET_MAIN_SHARE = 0.8


def _label_column(cells) -> bool:
    """A headerless text column of a few short names (``K2``, ``LCOGT``): an instrument or band
    per row, as juliet's ``time flux error instrument`` files have."""
    vals = {str(c).strip() for c in cells if c is not None and c == c and str(c).strip()}
    return 2 <= len(vals) <= 20 and all(len(v) <= 24 and _number(v) is None for v in vals)


def _cell_labels(cells) -> np.ndarray:
    """A text column's cells as stripped strings, ``""`` for a missing one."""
    return np.array(["" if c is None or c != c else str(c).strip() for c in cells])


def _letter_quality(names, texts: dict, path) -> np.ndarray | None:
    """Rows a quality column of ``G`` (good) and ``B`` (bad) calls good (ASAS-SN Sky Patrol),
    or None when there is no such column; the bad ones are left out, with a warning."""
    for j, cells in texts.items():
        if j >= len(names) or str(names[j]).strip().lower() not in _QUALITY_NAMES:
            continue
        flags = _cell_labels(cells)
        given = set(flags[flags != ""])
        if "G" not in given or not given <= {"G", "B"}:
            continue
        good = (flags == "G") | (flags == "")
        if not good.all():
            warn_file(
                f"column {names[j]!r} calls {int((~good).sum())} of {good.size} rows not good"
                f" ({', '.join(sorted(given - {'G'}))}): left out",
                path=path,
            )
        return good
    return None


def one_band(names, texts: dict, path, *, headerless: bool = False) -> np.ndarray | None:
    """Rows of the most common photometric band or instrument when a band column
    (``filtercode``, ``Filter``, ``band``, ``instrument``...; in a file without a header, the
    fourth of four columns, juliet's instrument) holds several; None when there is none or
    only one. Several bands or instruments in one light curve would put their offsets in the
    flux (a spurious signal): the others are left out, with a warning that names them."""
    for j, cells in texts.items():
        key = column_key(names[j])
        # without a header, only juliet's layout: time, flux, error, then an instrument name
        juliet = headerless and j == 3 and len(names) == 4 and _label_column(cells)
        if not (key in _BAND_COLUMNS or juliet):
            continue
        bands = _cell_labels(cells)
        kinds, counts = np.unique(bands[bands != ""], return_counts=True)
        if kinds.size < 2 or {k.lower() for k in kinds} <= _NOT_BANDS:
            return None
        top = kinds[counts == counts.max()]
        # a tie (Gaia writes every band at every transit): G, Gaia's broad band, else the first
        best = "G" if "G" in top else str(top[0])
        listed = ", ".join(f"{k} ({n})" for k, n in zip(kinds, counts, strict=True))
        if juliet and counts.max() < JULIET_MAIN_SHARE * counts.sum():
            # no instrument dominates: labels of another kind (nights, fields)? all rows stay
            warn_file(
                f"column {j + 1} holds {kinds.size} labels: {listed}; all rows read (give a"
                " header naming it 'instrument' to read the most common alone)",
                path=path,
            )
            return None
        if (bands == "").any():
            listed += f" and {int((bands == '').sum())} rows without a band"
        if juliet:
            what = "photometric bands or instruments"
        else:
            what = "instruments" if key in _INSTRUMENT_COLUMNS else "photometric bands"
        warn_file(
            f"column {j + 1 if headerless else repr(names[j])} holds {kinds.size} {what}:"
            f" {listed}; read the most common,"
            f" {best!r}, alone (they differ in level and depth; give a file of one to read"
            " another)",
            path=path,
        )
        return bands == best
    return None


#: Columns naming each row's camera (ASAS-SN's ``Camera``: ``bc``, ``bd``, ...) or, in ZTF's
#: tables, its field and CCD quadrant (``oid``), whose zero points differ by a per cent or more:
#: as much as a transit's depth.
_CAMERA_COLUMNS = frozenset({"camera", "cam", "camera_id", "cameraid", "camera_name", "oid"})

#: Most distinct values a numeric camera column may hold (more: a running number, not cameras).
MAX_CAMERAS = 50

#: Fewest valid rows of a camera whose level is measured (its median then carries a third of
#: the scatter or less); a camera with fewer is left out.
MIN_CAMERA_ROWS = 10


def camera_labels(names, texts: dict, cols=()) -> tuple[str, np.ndarray] | None:
    """The name and per-row labels of a column naming each row's camera (text, or whole
    numbers of at most `MAX_CAMERAS` values), when it names two or more; None otherwise."""
    for j, name in enumerate(names):
        if column_key(name) not in _CAMERA_COLUMNS:
            continue
        if j in texts:
            cells = texts[j]
            labels = _cell_labels(cells)
        elif j < len(cols) and cols[j] is not None:
            v = np.asarray(cols[j], dtype=float)
            ok = np.isfinite(v)
            if not ok.any() or np.any(v[ok] % 1) or np.unique(v[ok]).size > MAX_CAMERAS:
                continue
            labels = np.array([f"{x:.0f}" if k else "" for x, k in zip(v, ok, strict=True)])
        else:
            continue
        if np.unique(labels).size >= 2:
            return str(name), labels
    return None


def level_cameras(flux, err, cameras: tuple[str, np.ndarray], path):
    """Flux and error of each camera divided by that camera's median flux (rows without a
    camera label count as one more camera), with a warning; a camera with fewer than
    `MIN_CAMERA_ROWS` valid rows is left out (NaN). Unchanged, with a warning, when a camera's
    median is not positive (a flux that cannot be levelled by division) or when no camera has
    that many rows."""
    name, labels = cameras
    flux = np.asarray(flux, dtype=float)
    valid = np.isfinite(flux)
    kinds, counts = np.unique(labels[valid], return_counts=True)
    medians = {k: np.median(flux[valid & (labels == k)]) for k in kinds}
    listed = ", ".join(f"{k or 'none'} ({n})" for k, n in zip(kinds, counts, strict=True))
    if any(not m > 0 for m in medians.values()):
        warn_file(
            f"column {name!r} names {kinds.size} cameras or fields ({listed}) but one's median"
            " flux is not positive: their levels are left as they are",
            path=path,
        )
        return flux, err
    if not np.any(counts >= MIN_CAMERA_ROWS):
        warn_file(
            f"column {name!r} names {kinds.size} cameras or fields ({listed}), none with"
            f" {MIN_CAMERA_ROWS} rows to measure its level: their levels are left as they are",
            path=path,
        )
        return flux, err
    out = np.full_like(flux, np.nan)
    scaled = None if err is None else np.full_like(flux, np.nan)
    few = []
    for k, n in zip(kinds, counts, strict=True):
        if n < MIN_CAMERA_ROWS:
            few.append(k or "none")
            continue
        rows = labels == k
        out[rows] = flux[rows] / medians[k]
        if scaled is not None:
            scaled[rows] = np.asarray(err, dtype=float)[rows] / medians[k]
    left = f"; {', '.join(few)} with fewer than {MIN_CAMERA_ROWS} rows left out" if few else ""
    warn_file(
        f"column {name!r} names {kinds.size} cameras or fields: {listed}; each one's flux"
        f" divided by its own median, since their zero points differ{left}",
        path=path,
    )
    return out, scaled


def _keep_rows(cols: list, dates: dict, texts: dict, keep: np.ndarray):
    """The rows ``keep`` of the numeric columns (None stays None), of the date columns and of
    the text columns."""
    cols = [None if c is None else c[keep] for c in cols]
    dates = {j: [d for d, k in zip(v, keep, strict=True) if k] for j, v in dates.items()}
    texts = {j: np.asarray(v, dtype=object)[keep] for j, v in texts.items()}
    return cols, dates, texts


def _unit_in_name(name: str) -> str | None:
    """``"ppm"``, ``"ppt"`` or ``"%"`` named in a column name (``flux_ppm``, ``flux [ppm]``,
    ``flux (%)``, ``rel_flux_pct``, ``flux_percent``)."""
    m = re.search(r"(?:^|[_\s(\[])(ppm|ppt|pct|percent|%)[)\]]?$", str(name).strip().lower())
    if m is None:
        return None
    return "%" if m.group(1) in ("pct", "percent", "%") else m.group(1)


def read_text(
    path, *, flux_column=None, time_column=None, opened=None, time_format=None
) -> LightCurve:
    """Read a CSV / whitespace text light curve; see the module docstring for the rules.

    Parameters
    ----------
    path : str or path-like
        The file (plain or gzip).
    flux_column, time_column : str or int, optional
        Column name (case-insensitive) or 0-based index, overriding detection.
    time_format : {"bkjd", "btjd", "jd", "relative"}, optional
        Overrides the time-system inference.
    """
    path = str(path)
    comments, names, delim, body = _scan(path)
    cols, dates, joined, texts, limits = _parse_body(body, delim, path)
    if limits.any() and not limits.all():
        # rows of non-detections (ASAS-SN's ">17.1" magnitudes, whose flux is only noise)
        warn_file(
            f"{int(limits.sum())} rows hold an upper or lower limit ('>17.1') instead of a"
            " measurement (non-detections): left out",
            path=path,
        )
        cols, dates, texts = _keep_rows(cols, dates, texts, ~limits)
    if names is not None and len(names) == len(cols) + len(joined):
        # a header that names the date and the clock apart ("date time flux"): one name each
        for j in sorted(joined, reverse=True):
            names = names[: j + 1] + names[j + 2 :]
    if names is not None and len(names) != len(cols):
        if len(names) > len(cols):
            names = names[: len(cols)]
        else:
            names = names + [f"col{i}" for i in range(len(names), len(cols))]
    shown = names or [f"col{i}" for i in range(len(cols))]
    if texts:
        keep = one_band(
            shown, {j: texts[j] for j in texts if j < len(shown)}, path, headerless=names is None
        )
        if keep is not None:
            cols, dates, texts = _keep_rows(cols, dates, texts, keep)
        good = _letter_quality(names or [], texts, path)
        if good is not None:
            cols, dates, texts = _keep_rows(cols, dates, texts, good)
    cameras = camera_labels(names or [], texts, cols)
    j = _date_time_column(names, cols, dates, time_column)
    if j is not None:
        cols = [_dates_to_jd(dates[j]) if i == j else c for i, c in enumerate(cols)]
    elif names is not None:
        _named_but_not_numeric(shown, cols, texts, time_column, flux_column, path)
    return _to_lightcurve(
        path,
        names,
        cols,
        comments=comments,
        time_column=time_column,
        flux_column=flux_column,
        product="text",
        time_format=time_format,
        units={} if j is None else {shown[j]: "jd"},
        dates=frozenset() if j is None else {shown[j]},
        cameras=cameras,
    )


def _first_non_number(cells) -> tuple[int, int, str]:
    """How many cells of a text column are not numbers, and the first: (count, row, text)."""
    bad = [
        (i, str(c).strip())
        for i, c in enumerate(cells)
        if c is not None and c == c and str(c).strip() and _number(str(c), False) is None
    ]
    return len(bad), bad[0][0] if bad else -1, bad[0][1] if bad else ""


def _named_but_not_numeric(names, cols, texts: dict, time_column, flux_column, path) -> None:
    """One clear error when the column named like the time (or the flux) holds text and the
    column detection would otherwise fail (saying that none is named like a time), or, for the
    flux, fall back to position (reading a ``note`` as the flux). Whatever the detection picks
    by name or as the increasing column (a numeric ``bjd``, magnitudes, ``JD-2450000`` beside
    clock readings) is read as before."""
    from ._columns import _flux_rank, _time_rank, choose_columns

    def fail(j: int, role: str) -> None:
        n_bad, row, text = _first_non_number(texts[j])
        hint = ""
        if re.fullmatch(r"[-+]?\d+,\d+([eE][-+]?\d+)?", text):
            hint = (
                "; decimal commas are read in ';'-separated tables only: write decimal points,"
                " or separate the columns with ';'"
            )
        raise StarskopeError(
            f"column {names[j]!r} is named like the {role} but {n_bad} of its {len(texts[j])}"
            f" values are not numbers (the first, {text[:20]!r}, in data row {row + 1}): fix"
            f" those rows, or name another {role} column with --{role}-column (Python:"
            f" {role}_column=){hint}",
            path=path,
        )

    text_cols = [j for j in texts if j < len(names)]
    low = [column_key(n) for n in names]
    time_named = [j for j in text_cols if _time_rank(names[j], dates=False) is not None]
    flux_named = [j for j in text_cols if (r := _flux_rank(low[j])) is not None and r >= 0]
    if not (time_named and time_column is None) and not (flux_named and flux_column is None):
        return
    try:
        how = choose_columns(
            names, cols, time_column=time_column, flux_column=flux_column, path=path
        ).how
    except StarskopeError as exc:
        how = str(exc)
        if time_named and time_column is None and "which column is time" in how:
            fail(min(time_named), "time")
        if flux_named and flux_column is None and "no numeric flux column" in how:
            fail(min(flux_named), "flux")
        return  # the detection's own error says it better
    # (a strictly increasing numeric column beside a text "time" of clock readings is the time)
    if flux_named and flux_column is None and "flux: next column after time" in how:
        fail(min(flux_named), "flux")


def _date_time_column(names, cols, dates: dict, time_column) -> int | None:
    """The column of calendar dates to use as the time, or None: the one ``time_column`` names;
    else, when no numeric column is named like a time, the first date column named like one,
    or (no such name) the first date column when no numeric column increases. Other date
    columns stay unread, never flux."""
    if not dates:
        return None
    if time_column is not None:
        shown = names or [f"col{i}" for i in range(len(cols))]
        for j in dates:
            if str(time_column).strip().lower() in (shown[j].lower(), str(j)):
                return j
        return None
    from ._columns import _is_monotonic, is_time_name

    numeric = [i for i, c in enumerate(cols) if c is not None]
    if names is not None:
        if any(is_time_name(names[i]) for i in numeric):
            return None
        named = [j for j in sorted(dates) if is_time_name(names[j])]
        if named:
            return named[0]
    if len(numeric) >= 2 and any(_is_monotonic(cols[i]) for i in numeric):
        return None  # a numeric time (and a flux beside it)
    return min(dates)


#: More columns than this without a header: a table of stars (one per row), not a light curve.
WIDE_HEADERLESS = 100


def _to_lightcurve(
    path,
    names,
    cols,
    *,
    comments,
    time_column,
    flux_column,
    product,
    time_format=None,
    units=None,
    meta_in=None,
    dates=frozenset(),
    cameras=None,
) -> LightCurve:
    if not names and len(cols) > WIDE_HEADERLESS and time_column is None:
        # rows of thousands of numbers are stars, not cadences: never one light curve of them
        raise StarskopeError(
            f"{len(cols)} numbers per row and no header: a one-star-per-row table? The Kaggle"
            " layout needs a LABEL,FLUX.1,...,FLUX.n header, or no header and a label (1 or 2,"
            " or 0 or 1) before 3197 fluxes per row (a row index may come first); a light-curve"
            " table has a few columns (time, flux, error)",
            path=path,
        )
    ch = choose_columns(names, cols, time_column=time_column, flux_column=flux_column, path=path)
    shown = names or [f"col{i}" for i in range(len(cols))]
    mission, target, segment = _hints(path, comments + [n for n in (names or [])])
    t = cols[ch.time]
    tname = shown[ch.time]
    if tname in dates and time_format is None:
        warn_file(
            f"column {tname!r} holds calendar dates: read as JD in TDB, not barycentric (t0 may "
            "differ from BJD_TDB by up to 8.3 minutes; periods are unaffected)",
            path=path,
        )
    units = units or {}
    rule = "given"
    scale = time_scale(units.get(tname), tname)
    if scale is not None:  # seconds, minutes or hours: days, with no absolute epoch
        t = t * scale[0]
    if time_format is not None:
        fmt, add = time_format, 0.0
    elif scale is not None:
        fmt, add, rule = "relative", 0.0, f"column {tname!r} in {scale[1]}: relative days"
    elif _is_gaia_epochs(names) and tname.lower() == "time" and below_full_jd(t):
        # Gaia's epoch photometry: days of BJD in TCB from J2010.0 (TCB - TDB is ~20 s here)
        fmt, add, rule = "jd", 2455197.5, "Gaia epoch photometry: BJD(TCB) - 2455197.5"
    else:
        fmt = parse_time_unit(units.get(tname)) or parse_time_unit(tname)
        add = 0.0
        offset = time_offset_from_name(units.get(tname)) or time_offset_from_name(tname)
        if fmt == "jd" and below_full_jd(t):  # named BJD/JD, values reduced (58354.1)
            fmt, add, rule = infer_time_format(t, mission=mission, column=tname)
            if rule == AMBIGUOUS_RULE:  # K2 or TESS: said, as for any other name
                warn_if_reduced_jd(rule, path=path)
            elif rule == REDUCED_JD_RULE:  # the name says JD, not which half of a day
                warn_named_jd_reduced(tname, path=path)
            rule = f"column {tname!r} named JD/BJD with values below 2e6: {rule}"
        elif fmt in ("btjd", "bkjd") and np.nanmin(t) > 2.0e6:
            warn_file(
                f"column {tname!r} is named {fmt.upper()} but holds full Julian dates: read as"
                " BJD_TDB",
                path=path,
            )
            fmt, rule = "jd", f"column {tname!r} named {fmt.upper()} with values above 2e6: BJD"
        elif fmt is not None:
            rule = f"column {tname!r} unit/name"
        elif offset is not None:
            (fmt, add), rule = offset, f"column {tname!r}: JD minus {offset[1]:.0f}"
        else:
            fmt, add, rule = infer_time_format(t, mission=mission, column=tname)
            warn_if_reduced_jd(rule, path=path)
    if tname in dates and time_format is None:
        declared = "UTC calendar dates"
    elif rule.startswith("Gaia epoch photometry"):
        declared = "BJD in TCB"
    else:
        declared = declared_time_scale(units.get(tname), tname)
    scale_note = {"time_scale": declared} if declared and fmt != "relative" else {}
    flux = cols[ch.flux]
    err = None if ch.err is None else cols[ch.err]
    if err is not None and not np.any(err[np.isfinite(err)] > 0):
        err = None  # an all-zero error column carries no information
    flux_unit = units.get(shown[ch.flux]) or _unit_in_name(shown[ch.flux])
    if ch.magnitude or is_magnitude(None, units.get(shown[ch.flux])):
        flux, err = magnitude_flux(flux, err, shown[ch.flux], path, unit=units.get(shown[ch.flux]))
        flux_unit = "relative"
    elif ch.suspect_magnitudes and not flux_unit:
        warn_suspect_magnitudes(shown[ch.flux], flux, path=path)
    if cameras is not None:
        flux, err = level_cameras(flux, err, cameras, path)
        if np.isfinite(flux).any() and 0.5 < np.nanmedian(flux) < 1.5:
            flux_unit = "relative"
    mission_note = {}
    if mission is None and ch.quality is not None and fmt in ("btjd", "bkjd"):
        # a quality column is read with its mission's default mask: without a mission in the
        # name or header, the one whose days the times were recognised as (flags kept
        # unmasked otherwise)
        finite = t[np.isfinite(t)]
        mission = "TESS" if fmt == "btjd" else ("Kepler" if np.median(finite) < 1700 else "K2")
        mission_note = {"mission_rule": f"from the times ({fmt.upper()}), for the quality flags"}
    meta = LightCurveMeta(
        mission=mission,
        target=target,
        flux_column=shown[ch.flux],
        flux_unit=relative_flux_unit(flux, flux_unit),
        source=path,
        product=product,
        segment=segment,
        extra={
            "columns": ch.how,
            "time_rule": rule,
            **scale_note,
            **mission_note,
            **(meta_in or {}),
        },
    )
    return finish(
        path,
        t + add if add else t,
        flux,
        err,
        None if ch.quality is None else binary_flags(cols[ch.quality]),
        time_format=fmt,
        meta=meta,
    )


def binary_flags(q) -> np.ndarray:
    """Quality flags as numbers: lightkurve's ``to_csv`` writes them in binary digits (2048 as
    ``100000000000``); a column of 0/1 digits only, with a value of eight digits or more (no
    decimal flag word looks like that), is read as binary.

    Examples
    --------
    >>> binary_flags(np.array([0.0, 1e11, 1.0])).tolist()
    [0.0, 2048.0, 1.0]
    >>> binary_flags(np.array([0.0, 1024.0, 2048.0])).tolist()
    [0.0, 1024.0, 2048.0]
    """
    q = np.asarray(q, dtype=float)
    ok = np.isfinite(q) & (q != 0)
    v = q[ok]
    if v.size == 0 or v.max() < 1e7 or v.max() >= 1e17 or np.any(v < 0) or np.any(v % 1):
        return q
    digits = {f"{x:.0f}" for x in np.unique(v)}
    if any(set(d) - {"0", "1"} for d in digits):
        return q
    table = {d: float(int(d, 2)) for d in digits}
    out = q.copy()
    out[ok] = [table[f"{x:.0f}"] for x in v]
    return out


def read_ecsv(
    path, *, flux_column=None, time_column=None, opened=None, time_format=None
) -> LightCurve:
    """Read an astropy ECSV table (column names and units from its YAML header)."""
    return _astropy_text(
        path, "ascii.ecsv", "ecsv", "ECSV", flux_column=flux_column, time_column=time_column,
        time_format=time_format,
    )  # fmt: skip


def identify_votable(path, header) -> bool:
    """An IVOA VOTable (XML with a ``<VOTABLE`` element near the top)."""
    if not _looks_text(header):
        return False
    head = bytes(header[:4096]).lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") and b"<VOTABLE" in head.upper()


def read_votable(
    path, *, flux_column=None, time_column=None, opened=None, time_format=None
) -> LightCurve:
    """Read the first table of a VOTable (names and units from its FIELD elements)."""
    from astropy.io.votable import parse_single_table

    path = str(path)
    try:
        with open_binary(path) as fh:
            tab = parse_single_table(io.BytesIO(fh.read())).to_table()
    except StarskopeError:
        raise
    except Exception as exc:  # astropy raises many types for malformed XML
        raise StarskopeError(f"malformed VOTable: {str(exc).splitlines()[0]}", path=path) from exc
    return _from_table(
        path, tab, flux_column=flux_column, time_column=time_column, time_format=time_format,
        product="votable",
    )  # fmt: skip


def _from_table(path, tab, *, flux_column, time_column, time_format, product) -> LightCurve:
    """A light curve from an astropy Table (ECSV, VOTable): names, units, masks, Time columns."""
    names = list(tab.colnames)
    cols, units, texts = [], {}, {}
    for n in names:
        c = tab[n]
        if getattr(c, "unit", None) is not None:
            units[n] = str(c.unit)
        if hasattr(c, "jd") and hasattr(c, "format"):  # a Time column: keep BKJD/BTJD
            fmt = c.format if c.format in ("bkjd", "btjd") else "jd"
            cols.append(np.asarray(c.tdb.to_value(fmt), dtype=float))
            # a JD in TDB is the missions' BJD_TDB (lightkurve writes its times so); another
            # scale (UTC, TT) was geocentric, and says so
            units[n] = "bjd_tdb" if fmt == "jd" and c.scale == "tdb" else fmt
            continue
        try:
            if getattr(c, "mask", None) is not None and np.any(c.mask):  # masked cells: NaN
                a = np.ma.asarray(getattr(c, "value", c), dtype=float).filled(np.nan)
            else:
                a = np.asarray(getattr(c, "value", c), dtype=float)
            cols.append(a if a.ndim == 1 else None)
        except (TypeError, ValueError):
            cols.append(None)
            if getattr(c, "ndim", 1) == 1:
                texts[len(cols) - 1] = np.asarray(c, dtype=object)
    keep = one_band(names, texts, path) if texts else None
    if keep is not None:
        cols, _, texts = _keep_rows(cols, {}, texts, keep)
    meta = {str(k): v for k, v in tab.meta.items() if isinstance(v, (str, int, float))}
    comments = [f"{k} {v}" for k, v in meta.items()]
    lc = _to_lightcurve(
        path,
        names,
        cols,
        comments=comments,
        time_column=time_column,
        flux_column=flux_column,
        product=product,
        time_format=time_format,
        units=units,
        cameras=camera_labels(names, texts, cols),
    )
    low = {k.lower(): v for k, v in meta.items()}
    upd = {}
    mission = str(low.get("mission", low.get("telescop", ""))).strip()
    for known in ("Kepler", "K2", "TESS"):
        if mission.lower() == known.lower():
            upd["mission"] = known
    if low.get("object") or low.get("target"):
        upd["target"] = str(low.get("object") or low.get("target"))
    return lc.copy(meta=lc.meta.replace(**upd)) if upd else lc
