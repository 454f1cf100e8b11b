"""Opening FITS files fast: raw bytes, our own block walk and header cards, numpy columns.

``open_fits`` returns an ordinary astropy ``HDUList`` (what reader ``identify`` functions receive)
and attaches to it the decompressed bytes and a light header per HDU, so the product readers in
:mod:`starskope.io.fits` can read columns with ``numpy.frombuffer`` instead of building astropy's
``FITS_rec`` (the slow part of reading a light curve).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import lzma
import re
import warnings
import zlib

import numpy as np

from ..exceptions import StarskopeError, StarskopeWarning, first_line

__all__ = ["FITS_MAGIC", "guard", "is_fits", "open_fits"]

#: Every FITS file starts with this card.
FITS_MAGIC = b"SIMPLE  ="


def is_fits(header: bytes) -> bool:
    """True when ``header`` (the file's first decompressed bytes) is a FITS primary header."""
    return isinstance(header, bytes | bytearray) and bytes(header[:9]) == FITS_MAGIC


@contextlib.contextmanager
def guard(path, where: str | None = None):
    """Turn astropy/numpy failures on a broken FITS file into one-line `StarskopeError`."""
    path = str(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except StarskopeError:
            raise
        except (
            OSError,
            EOFError,
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            gzip.BadGzipFile,
            zlib.error,
            lzma.LZMAError,
            NotImplementedError,
            AttributeError,
        ) as exc:
            raise StarskopeError(
                f"corrupt or truncated FITS file: {first_line(exc)}", path=path, where=where
            ) from exc
    for w in caught:
        text = str(w.message)
        if "truncated" in text.lower() or "unexpected end" in text.lower():
            raise StarskopeError(
                f"truncated FITS file: {text.splitlines()[0]}", path=path, where=where
            )
    for w in caught:  # starskope's own notes (rows sorted, ...) reach the caller
        if issubclass(w.category, StarskopeWarning):
            warnings.warn(w.message, w.category, stacklevel=3)


def open_fits(path):
    """Open a FITS file (gzip-transparent) with every HDU header loaded.

    Raises
    ------
    StarskopeError
        For a corrupt or truncated file.
    """
    from astropy.io import fits

    from ._open import open_binary

    hdul = None
    try:
        with guard(path):
            with open_binary(path) as fh:
                raw = fh.read()
            hdul = fits.open(io.BytesIO(raw), memmap=False)
            hdul.readall()
            hdul._starskope_raw = raw  # the decompressed bytes: fast column access in _Cols
            spans, headers = _hdu_spans(raw)
            if len(spans) >= len(hdul):
                for h, (_start, data_start), fh in zip(hdul, spans, headers, strict=False):
                    h._starskope_header = fh
                    h._starskope_data_start = data_start
    except BaseException:
        if hdul is not None:
            hdul.close()
        raise
    return hdul


@contextlib.contextmanager
def _opened(path, opened):
    if opened is not None:
        yield opened
        return
    hdul = open_fits(path)
    try:
        yield hdul
    finally:
        hdul.close()


# ---------------------------------------------------------------------------- helpers
def _parse_card_value(text: str):
    """Value and comment of a FITS card's value field (after ``"= "``)."""
    t = text.lstrip()
    if t.startswith("'"):
        i, chars = 1, []
        while i < len(t):
            if t[i] == "'":
                if i + 1 < len(t) and t[i + 1] == "'":
                    chars.append("'")
                    i += 2
                    continue
                break
            chars.append(t[i])
            i += 1
        rest = t[i + 1 :]
        comment = rest.split("/", 1)[1].strip() if "/" in rest else ""
        return "".join(chars).rstrip(), comment
    val, _, comment = t.partition("/")
    v = val.strip()
    if v == "":
        return None, comment.strip()
    if v in ("T", "F"):
        return v == "T", comment.strip()
    try:
        return int(v), comment.strip()
    except ValueError:
        pass
    try:
        return float(v.replace("D", "E").replace("d", "e")), comment.strip()
    except ValueError:
        return v, comment.strip()


def _hdu_spans(raw: bytes):
    """``[(header start, data start)]`` and the parsed headers of each HDU, walking the
    2880-byte blocks of a FITS file."""
    spans, headers, pos, n = [], [], 0, len(raw)
    while pos + 2880 <= n:
        end = None
        k = pos
        while k + 80 <= n:
            if raw[k : k + 8] == b"END     ":
                end = k
                break
            k += 80
        if end is None:
            break
        data_start = pos + ((end - pos) // 2880 + 1) * 2880
        h = _FastHeader(raw[pos:data_start])
        headers.append(h)
        naxis = int(h.get("NAXIS", 0) or 0)
        size = 0
        if naxis:
            size = 1
            for i in range(1, naxis + 1):
                size *= int(h.get(f"NAXIS{i}", 0) or 0)
        bits = abs(int(h.get("BITPIX", 8) or 8))
        size = bits // 8 * int(h.get("GCOUNT", 1) or 1) * (int(h.get("PCOUNT", 0) or 0) + size)
        spans.append((pos, data_start))
        pos = data_start + -(-size // 2880) * 2880
    return spans, headers


class _FastHeader:
    """Read-only FITS header from the raw card images: ``get``, ``in``, ``[]``, ``comments``.

    Card values are parsed on first access. This is an order of magnitude cheaper than astropy's
    ``Header.get`` (which consults the configuration system on every call).
    """

    __slots__ = ("_cards", "_v", "_c")

    def __init__(self, block: bytes):
        self._cards: dict[str, str] = {}
        self._v: dict = {}
        self._c: dict = {}
        commentary = []
        text = block.decode("ascii", errors="replace")
        for k in range(0, len(text) - 79, 80):
            key = text[k : k + 8].rstrip().upper()
            if key == "END":
                break
            if key == "COMMENT":
                commentary.append(text[k + 8 : k + 80].strip())
            elif key and text[k + 8 : k + 10] == "= " and key not in self._cards:
                self._cards[key] = text[k + 10 : k + 80]
        if commentary:
            self._v["COMMENT"] = "\n".join(commentary)
            self._c["COMMENT"] = ""
            self._cards["COMMENT"] = ""

    def _parse(self, key: str):
        if key not in self._v:
            self._v[key], self._c[key] = _parse_card_value(self._cards[key])
        return self._v[key]

    def get(self, key, default=None):
        key = str(key).upper()
        return self._parse(key) if key in self._cards else default

    def __contains__(self, key) -> bool:
        return str(key).upper() in self._cards

    def __getitem__(self, key):
        return self._parse(str(key).upper())

    @property
    def comments(self) -> dict:
        for key in self._cards:
            self._parse(key)
        return self._c


def _hdr(hdu):
    """The fast header parsed at open time, else astropy's ``hdu.header``."""
    return getattr(hdu, "_starskope_header", None) or hdu.header


def _name(hdu) -> str:
    h = getattr(hdu, "_starskope_header", None)
    if h is None:
        return hdu.name
    name = h.get("EXTNAME")
    return str(name).strip().upper() if name else ("PRIMARY" if h.get("SIMPLE") else "")


def _tables(hdul):
    from astropy.io.fits import BinTableHDU, TableHDU

    return [(i, h) for i, h in enumerate(hdul) if isinstance(h, BinTableHDU | TableHDU)]


def _table(hdul, names, path):
    """The first table HDU named in ``names`` (case-insensitive), else the first with a time
    column, else the first table."""
    tabs = _tables(hdul)
    if not tabs:
        raise StarskopeError("no table extension with a light curve", path=path)
    for want in names:
        same = [(i, h) for i, h in tabs if _name(h).upper() == want.upper()]
        if same:
            if len(same) > 1:
                from ._common import warn_file

                warn_file(
                    f"{len(same)} {want} extensions (HDUs {', '.join(str(i) for i, _ in same)}):"
                    f" read HDU {same[0][0]} only; split the file to read the others",
                    path=path,
                )
            return same[0]
    # unnamed: the first table with a time-like column (a target or aperture table may come
    # first), else the first table
    for i, h in tabs:
        low = [c.lower() for c in _colnames(h)]
        if any(c in _TIME_LIKE or c.startswith(("time", "bjd", "btjd", "bkjd")) for c in low):
            return i, h
    return tabs[0]


_TIME_LIKE = frozenset({"time", "t", "bjd", "btjd", "bkjd", "jd", "hjd", "mjd", "tmid_bjd"})


def _where(i, hdu) -> str:
    return f"HDU {i} ({_name(hdu)})" if _name(hdu) else f"HDU {i}"


def _colnames(hdu) -> list[str]:
    """Column names of a table HDU, from its TTYPEn keywords (cheap: no column parsing)."""
    h = _hdr(hdu)
    n = int(h.get("TFIELDS", 0) or 0)
    return [str(h.get(f"TTYPE{i}", f"col{i}")).strip() for i in range(1, n + 1)]


_TFORM = re.compile(r"^\s*(\d*)([LXBIJKAEDCMPQ])")
_WIDTH = {"L": 1, "B": 1, "I": 2, "J": 4, "K": 8, "A": 1, "E": 4, "D": 8, "C": 8, "M": 16}
_NUMPY = {"B": "u1", "I": ">i2", "J": ">i4", "K": ">i8", "E": ">f4", "D": ">f8"}


def _layout(header):
    """Per column: (offset in the row, repeat, type letter), from TFORMn; None if unsupported."""
    out, off = [], 0
    for i in range(1, int(header.get("TFIELDS", 0) or 0) + 1):
        m = _TFORM.match(str(header.get(f"TFORM{i}", "")))
        if not m:
            return None
        r, t = int(m.group(1) or 1), m.group(2)
        if t == "X":
            width = (r + 7) // 8
        elif t in "PQ":
            width = (8 if t == "P" else 16) * min(r, 1)
        else:
            width = _WIDTH[t] * r
        out.append((off, r, t))
        off += width
    return out if off == int(header.get("NAXIS1", -1)) else None


class _Cols:
    """Case-insensitive access to a FITS table's columns, as float arrays.

    When the file was opened by :func:`open_fits`, columns are read straight from the
    decompressed bytes with numpy (TSCAL/TZERO/TNULL applied), which is several times faster
    than building astropy's ``FITS_rec``; otherwise through ``hdu.data``.
    """

    def __init__(self, hdul, index, hdu, path):
        where = _where(index, hdu)
        self.hdu, self.path, self.where = hdu, str(path), where
        self.names = _colnames(hdu)
        self.low = {n.lower(): n for n in self.names}
        self.nrows = int(_hdr(hdu).get("NAXIS2", 0) or 0)
        if self.nrows == 0:
            raise StarskopeError("table has no rows", path=self.path, where=where)
        self._fast = None
        raw = getattr(hdul, "_starskope_raw", None)
        layout = _layout(_hdr(hdu)) if raw is not None else None
        if layout is not None:
            start = getattr(hdu, "_starskope_data_start", None)
            if start is None:
                start = int(hdul.fileinfo(index)["datLoc"])
            rowlen = int(_hdr(hdu).get("NAXIS1"))
            if start + rowlen * self.nrows > len(raw):
                raise StarskopeError(
                    "truncated FITS file: table data end early", path=self.path, where=where
                )
            self._fast = (raw, start, rowlen, layout)

    def _jd_pair(self, j: int) -> bool:
        """Column ``j`` is an astropy Time column: two doubles per row, ``jd = jd1 + jd2``
        (astropy writes ``TDIMn = '(2)'`` with ``TCTYPn`` or the table keyword ``JDREF``)."""
        h = _hdr(self.hdu)
        k = j + 1
        form = str(h.get(f"TFORM{k}", "")).strip().upper()
        dim = str(h.get(f"TDIM{k}", "")).replace(" ", "")
        return form in ("2D", "2E") and dim == "(2)" and (f"TCTYP{k}" in h or "JDREF" in h)

    def _column(self, name: str) -> np.ndarray:
        j = self.names.index(name)
        if self._jd_pair(j):  # an astropy Time column: the JD is the sum of its two parts
            pair = np.asarray(self.hdu.data[name], dtype=float)
            return pair[:, 0] + pair[:, 1] + float(_hdr(self.hdu).get("JDREF", 0.0) or 0.0)
        if self._fast is not None:
            raw, start, rowlen, layout = self._fast
            off, r, t = layout[j]
            if t in _NUMPY and r == 1:
                dt = np.dtype(
                    {"names": ["c"], "formats": [_NUMPY[t]], "offsets": [off], "itemsize": rowlen}
                )
                col = np.frombuffer(raw, dtype=dt, count=self.nrows, offset=start)["c"]
                h = _hdr(self.hdu)
                k = j + 1
                null = h.get(f"TNULL{k}") if t in "BIJK" else None
                scale, zero = h.get(f"TSCAL{k}"), h.get(f"TZERO{k}")
                out = col.astype(float)
                if null is not None:
                    out[col == int(null)] = np.nan
                if scale is not None and float(scale) != 1.0:
                    out *= float(scale)
                if zero is not None and float(zero) != 0.0:
                    out += float(zero)
                return out
            if r != 1 and t in _NUMPY:
                raise StarskopeError(
                    f"column {name!r} is not one value per row", path=self.path, where=self.where
                )
        col = np.asarray(self.hdu.data[name])
        if col.ndim != 1:
            raise StarskopeError(
                f"column {name!r} is not one value per row", path=self.path, where=self.where
            )
        return col.astype(float)

    def has(self, name: str) -> bool:
        return name.lower() in self.low

    def is_jd_pair(self, name: str) -> bool:
        """``name`` is an astropy Time column (two parts of a JD per row)."""
        return self.has(name) and self._jd_pair(self.names.index(self.real(name)))

    def real(self, name: str) -> str:
        return self.low[name.lower()]

    def get(self, name: str) -> np.ndarray:
        if not self.has(name):
            raise StarskopeError(
                f"missing column {name!r}; columns are {self.names}",
                path=self.path,
                where=self.where,
            )
        return self._column(self.real(name))

    def numeric_or_none(self, name: str) -> np.ndarray | None:
        """The column as floats, or None when it is not numeric or not one value per row."""
        try:
            return self._column(self.real(name))
        except (StarskopeError, TypeError, ValueError):
            return None

    def unit(self, name: str) -> str | None:
        i = self.names.index(self.real(name)) + 1
        u = _hdr(self.hdu).get(f"TUNIT{i}")
        return str(u).strip() if u else None

    def pick(self, given, defaults, role) -> str:
        if given is not None:
            if not self.has(str(given)):
                raise StarskopeError(
                    f"no {role} column {given!r}; columns are {self.names}",
                    path=self.path,
                    where=self.where,
                )
            return self.real(str(given))
        for d in defaults:
            if self.has(d):
                return self.real(d)
        raise StarskopeError(
            f"missing {role} column (looked for {list(defaults)}); columns are {self.names}",
            path=self.path,
            where=self.where,
        )

    def first(self, names) -> np.ndarray | None:
        for n in names:
            if n and self.has(n):
                return self.get(n)
        return None
