"""FITS light-curve products: mission pipelines (Kepler, K2, TESS SPOC), high-level products
(K2SFF, K2SC, EVEREST, K2VARCAT, TESS data alerts, QLP) and files written by lightkurve.

Each product has an ``identify_*(path, hdul) -> bool`` and a ``read_*(path, *, flux_column=None,
time_column=None, opened=None) -> LightCurve``; :mod:`starskope.io.registry` registers them.
Times are built from ``TIME`` + ``BJDREFI``/``BJDREFF`` with ``TIMESYS`` checked (only TDB is
accepted), or from the time column's unit (``bkjd``/``btjd``/``BJD - 2454833``) for files that
carry no reference keywords.

References
----------
Kepler Archive Manual (KDMC-10008-006), section 2.3; TESS Science Data Products Description
(SDPDD, EXP-TESS-ARC-ICD-TM-0014); MAST HLSP pages for K2SFF (Vanderburg & Johnson 2014), K2SC
(Aigrain et al. 2016), EVEREST (Luger et al. 2016, 2018), K2VARCAT (Armstrong et al. 2016) and
QLP (Huang et al. 2020).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import re
import warnings
import zlib
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from ._columns import choose_columns
from ._common import finish, fits_time_format, header_meta, infer_time_format, relative_flux_unit

__all__ = [
    "FITS_MAGIC",
    "FITS_READERS",
    "is_fits",
    "open_fits",
]

#: Every FITS file starts with this card.
FITS_MAGIC = b"SIMPLE  ="
#: Kepler/K2 quality bit for a thruster firing (Kepler Archive Manual, Table 2.3): K2SFF MOVING.
_K2_THRUSTER_FIRING = 1 << 20


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
            AttributeError,
        ) as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StarskopeError(
                f"corrupt or truncated FITS file: {msg}", path=path, where=where
            ) from exc
    for w in caught:
        text = str(w.message)
        if "truncated" in text.lower() or "unexpected end" in text.lower():
            raise StarskopeError(
                f"truncated FITS file: {text.splitlines()[0]}", path=path, where=where
            )


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
    """The first table HDU named in ``names`` (case-insensitive), else the first table."""
    tabs = _tables(hdul)
    if not tabs:
        raise StarskopeError("no table extension with a light curve", path=path)
    for want in names:
        for i, h in tabs:
            if _name(h).upper() == want.upper():
                return i, h
    return tabs[0]


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

    def _column(self, name: str) -> np.ndarray:
        j = self.names.index(name)
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


def _time(cols: _Cols, tcol: str, primary, *, mission, path, where):
    t = cols.get(tcol)
    fmt, add = fits_time_format(
        _hdr(cols.hdu), primary, time_unit=cols.unit(tcol), mission=mission, path=path, where=where
    )
    rule = "BJDREF/TIMESYS or column unit"
    if fmt is None:
        fmt, add, rule = infer_time_format(t, mission=mission, column=tcol)
    return (t + add if add else t), fmt, rule


def _build(
    path,
    hdul,
    i,
    hdu,
    cols,
    *,
    product,
    tcol,
    flux,
    fcol_label,
    err,
    quality,
    flux_unit=None,
    mission=None,
    extra=None,
) -> LightCurve:
    where = _where(i, hdu)
    primary = _hdr(hdul[0])
    hm = header_meta(primary, _hdr(hdu), mission=mission)
    t, fmt, rule = _time(cols, tcol, primary, mission=hm["mission"], path=path, where=where)
    ex = dict(hm.pop("extra"))
    ex["hdu"] = i
    ex["time_rule"] = rule
    if extra:
        ex.update(extra)
    meta = LightCurveMeta(
        flux_column=fcol_label,
        flux_unit=relative_flux_unit(flux, flux_unit),
        source=str(path),
        product=product,
        extra=ex,
        **hm,
    )
    return finish(path, t, flux, err, quality, time_format=fmt, meta=meta, where=where)


def _primary(hdul):
    return _hdr(hdul[0])


def _text_in(hdr, *keys) -> str:
    return " ".join(str(hdr.get(k, "")) for k in keys).lower()


# ---------------------------------------------------------------------------- SPOC (Kepler/K2/TESS)
def _is_spoc(hdul) -> bool:
    tabs = _tables(hdul)
    if not tabs:
        return False
    names = {n.upper() for n in _colnames(tabs[0][1])}
    return (
        "TIME" in names
        and ("PDCSAP_FLUX" in names or "SAP_FLUX" in names)
        and "KSPSAP_FLUX" not in names
    )


def identify_kepler(path, hdul) -> bool:
    """Official Kepler / K2 light-curve file (``kplr*_llc.fits``, ``ktwo*_llc.fits``)."""
    if isinstance(hdul, bytes | bytearray) or not _is_spoc(hdul):
        return False
    return str(_primary(hdul).get("TELESCOP", "")).strip().lower() == "kepler"


def identify_tess(path, hdul) -> bool:
    """TESS SPOC light-curve file, including the TESS data-alert HLSP (same layout)."""
    if isinstance(hdul, bytes | bytearray) or not _is_spoc(hdul):
        return False
    hdr = _primary(hdul)
    return "tess" in _text_in(hdr, "TELESCOP", "MISSION")


def read_spoc(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """Kepler, K2 or TESS SPOC light curve: PDCSAP_FLUX by default (``"sap_flux"`` on request),
    its ``_ERR`` column and SAP_QUALITY / QUALITY kept as is."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("PDCSAP_FLUX", "SAP_FLUX"), "flux")
        tcol = cols.pick(time_column, ("TIME",), "time")
        err = cols.first((f"{fcol}_ERR",))
        quality = cols.first(("SAP_QUALITY", "QUALITY"))
        name = Path(str(path)).name.lower()
        mission = mission_of(hdul)
        product = "tess" if mission == "TESS" else "kepler"
        extra = {"hlsp": "tess-data-alerts"} if "tess-data-alerts" in name else None
        return _build(
            path,
            hdul,
            i,
            hdu,
            cols,
            product=product,
            tcol=tcol,
            flux=cols.get(fcol),
            fcol_label=fcol,
            err=err,
            quality=quality,
            flux_unit=cols.unit(fcol),
            extra=extra,
        )


def mission_of(hdul) -> str | None:
    """Mission of an open FITS file from its primary (then first table) header."""
    from ._common import mission_from_header

    tabs = _tables(hdul)
    return mission_from_header(_primary(hdul), _hdr(tabs[0][1]) if tabs else None)


# ---------------------------------------------------------------------------- lightkurve to_fits
def identify_lightkurve(path, hdul) -> bool:
    """A file written by ``lightkurve.LightCurve.to_fits()`` (CREATOR names lightkurve)."""
    if isinstance(hdul, bytes | bytearray):
        return False
    if "lightkurve" not in _text_in(_primary(hdul), "CREATOR", "ORIGIN", "PROCVER"):
        return False
    tabs = _tables(hdul)
    return bool(tabs) and "FLUX" in {n.upper() for n in _colnames(tabs[0][1])}


def read_lightkurve(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """lightkurve re-export: TIME (``TUNIT1`` bkjd/btjd), FLUX (lightkurve's default flux, i.e.
    PDCSAP for mission products), FLUX_ERR, QUALITY or SAP_QUALITY."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("FLUX",), "flux")
        tcol = cols.pick(time_column, ("TIME",), "time")
        err = cols.first((f"{fcol}_ERR", "FLUX_ERR" if fcol.upper() == "FLUX" else None))
        quality = cols.first(("QUALITY", "SAP_QUALITY"))
        origin = _hdr(hdul[0]).get("FLUX_ORIGIN") or _hdr(hdu).get("FLUX_ORIGIN")
        extra = {"flux_origin": str(origin)} if origin else None
        return _build(
            path,
            hdul,
            i,
            hdu,
            cols,
            product="lightkurve",
            tcol=tcol,
            flux=cols.get(fcol),
            fcol_label=fcol,
            err=err,
            quality=quality,
            flux_unit=cols.unit(fcol),
            extra=extra,
        )


# ---------------------------------------------------------------------------- K2SFF
def identify_k2sff(path, hdul) -> bool:
    """K2SFF HLSP: a BESTAPER extension with T, FCOR, FRAW, ARCLENGTH, MOVING."""
    if isinstance(hdul, bytes | bytearray):
        return False
    for _i, h in _tables(hdul):
        if _name(h).upper() == "BESTAPER":
            names = {n.upper() for n in _colnames(h)}
            return {"T", "FCOR"} <= names
    return False


def read_k2sff(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """K2SFF (Vanderburg & Johnson 2014): extension BESTAPER, flux FCOR (relative, corrected)
    by default or FRAW; MOVING (thruster firing) becomes quality bit 2**20. No errors given."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("BESTAPER",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("FCOR", "FRAW"), "flux")
        tcol = cols.pick(time_column, ("T", "TIME"), "time")
        moving = cols.first(("MOVING",))
        quality = None
        if moving is not None:
            quality = np.where(np.nan_to_num(moving) > 0, _K2_THRUSTER_FIRING, 0)
        return _build(
            path,
            hdul,
            i,
            hdu,
            cols,
            product="k2sff",
            tcol=tcol,
            flux=cols.get(fcol),
            fcol_label=fcol,
            err=None,
            quality=quality,
            flux_unit="relative" if fcol.upper() == "FCOR" else None,
            mission="K2",
            extra={"quality_from": "MOVING -> 2**20 (thruster firing)"},
        )


# ---------------------------------------------------------------------------- K2SC
def identify_k2sc(path, hdul) -> bool:
    """K2SC HLSP / k2sc output: CREATOR or PROGRAM names k2sc, or columns trposi and trtime."""
    if isinstance(hdul, bytes | bytearray):
        return False
    if "k2sc" in _text_in(_primary(hdul), "CREATOR", "PROGRAM"):
        return True
    tabs = _tables(hdul)
    return bool(tabs) and {"trposi", "trtime", "flux"} <= {n.lower() for n in _colnames(tabs[0][1])}


#: K2SC flux choices: name -> (description, needs trposi, needs trtime)
K2SC_FLUXES = {
    "flux-trposi": "flux - trposi + median(trposi): PDC flux with pointing systematics removed",
    "flux-trposi-trtime": "flux - trposi - trtime + median(trposi) + median(trtime): "
    "systematics and stellar variability removed (flattened)",
    "flux": "the PDC (or SAP) input flux, uncorrected by K2SC",
}


def read_k2sc(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """K2SC (Aigrain et al. 2016): ``flux`` is K2SC's *input* (PDC or SAP) flux; ``trposi`` is
    the position-dependent (pointing) trend and ``trtime`` the time-dependent (stellar) trend.

    The default flux is the systematics-corrected ``flux - trposi + median(trposi)``
    (``meta.flux_column = "flux-trposi"``). ``flux_column="flux-trposi-trtime"`` also removes
    the stellar trend; ``"flux"`` gives the uncorrected input; ``"sap_flux"`` reads the SAP
    extension (when the file has one) with the same correction. Error: ``error``.
    """
    with guard(path), _opened(path, opened) as hdul:
        want = str(flux_column).lower() if flux_column is not None else "flux-trposi"
        exts = ("K2SC", "PDC", "SAP")
        if want in ("sap_flux", "sap"):
            exts, want = ("SAP",), "flux-trposi"
        i, hdu = _table(hdul, exts, path)
        cols = _Cols(hdul, i, hdu, path)
        tcol = cols.pick(time_column, ("time", "TIME"), "time")
        if want in K2SC_FLUXES:
            raw = cols.get("flux")
            flux = raw
            if "trposi" in want:
                tp = cols.get("trposi")
                flux = flux - tp + np.nanmedian(tp)
            if "trtime" in want:
                tt = cols.get("trtime")
                flux = flux - tt + np.nanmedian(tt)
            label = want
        else:
            label = cols.pick(flux_column, (), "flux")
            flux = cols.get(label)
        err = cols.first(("error", "flux_err"))
        quality = cols.first(("quality",))
        return _build(
            path,
            hdul,
            i,
            hdu,
            cols,
            product="k2sc",
            tcol=tcol,
            flux=flux,
            fcol_label=label,
            err=err,
            quality=quality,
            flux_unit="electron / s",
            mission="K2",
            extra={"flux_meaning": K2SC_FLUXES.get(label, label), "k2sc_extension": _name(hdu)},
        )


# ---------------------------------------------------------------------------- EVEREST
def identify_everest(path, hdul) -> bool:
    """EVEREST HLSP (Luger et al.): 'EVEREST' in the primary header, or FCOR+FRAW+CADN columns."""
    if isinstance(hdul, bytes | bytearray):
        return False
    hdr = _primary(hdul)
    text = _text_in(hdr, "CREATOR", "PROGRAM", "PIPELINE", "ORIGIN") + str(hdr.get("COMMENT", ""))
    if "everest" in text.lower() or "hlsp_everest" in Path(str(path)).name.lower():
        return True
    tabs = _tables(hdul)
    return bool(tabs) and {"FCOR", "FRAW", "CADN"} <= {n.upper() for n in _colnames(tabs[0][1])}


def read_everest(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """EVEREST (Luger et al. 2016, 2018): extension "LC ARRAYS" (or ARRAYS); flux FLUX (EVEREST de-trended) by
    default, FCOR (CBV-corrected) or FRAW on request; error FRAW_ERR; QUALITY kept."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LC ARRAYS", "ARRAYS"), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("FLUX", "FCOR", "FRAW"), "flux")
        tcol = cols.pick(time_column, ("TIME",), "time")
        err = cols.first((f"{fcol}_ERR", "FRAW_ERR"))
        quality = cols.first(("QUALITY",))
        return _build(
            path,
            hdul,
            i,
            hdu,
            cols,
            product="everest",
            tcol=tcol,
            flux=cols.get(fcol),
            fcol_label=fcol,
            err=err,
            quality=quality,
            flux_unit=cols.unit(fcol),
            mission="K2",
        )


# ---------------------------------------------------------------------------- K2VARCAT
def identify_k2varcat(path, hdul) -> bool:
    """K2VARCAT HLSP (Armstrong et al. 2016): DETFLUX and APTFLUX columns, or its file name."""
    if isinstance(hdul, bytes | bytearray):
        return False
    if "hlsp_k2varcat" in Path(str(path)).name.lower():
        return True
    tabs = _tables(hdul)
    return bool(tabs) and {"DETFLUX", "APTFLUX"} <= {n.upper() for n in _colnames(tabs[0][1])}


def read_k2varcat(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """K2VARCAT: first extension, TIME (``TUNIT1`` = "BJD - 2454833"), DETFLUX (detrended,
    relative) by default or APTFLUX (extracted, e-/s)."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _tables(hdul)[0] if _tables(hdul) else _table(hdul, (), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("DETFLUX", "APTFLUX"), "flux")
        tcol = cols.pick(time_column, ("TIME", "T"), "time")
        err = cols.first((f"{fcol}_ERR",))
        quality = cols.first(("QUALITY",))
        return _build(
            path,
            hdul,
            i,
            hdu,
            cols,
            product="k2varcat",
            tcol=tcol,
            flux=cols.get(fcol),
            fcol_label=fcol,
            err=err,
            quality=quality,
            flux_unit=cols.unit(fcol),
            mission="K2",
        )


# ---------------------------------------------------------------------------- QLP
def identify_qlp(path, hdul) -> bool:
    """MIT Quick-Look Pipeline HLSP: ORIGIN 'MIT/QLP' or KSPSAP_FLUX / DET_FLUX columns."""
    if isinstance(hdul, bytes | bytearray):
        return False
    if "mit/qlp" in _text_in(_primary(hdul), "ORIGIN"):
        return True
    tabs = _tables(hdul)
    names = {n.upper() for n in _colnames(tabs[0][1])} if tabs else set()
    return "KSPSAP_FLUX" in names or ("DET_FLUX" in names and "SAP_FLUX" in names)


def read_qlp(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """QLP (Huang et al. 2020): KSPSAP_FLUX (sectors 1-55) or DET_FLUX (56+), the detrended flux,
    by default; SAP_FLUX on request; error KSPSAP_FLUX_ERR / DET_FLUX_ERR; QUALITY kept."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("KSPSAP_FLUX", "DET_FLUX", "SAP_FLUX"), "flux")
        tcol = cols.pick(time_column, ("TIME",), "time")
        err = cols.first((f"{fcol}_ERR", "KSPSAP_FLUX_ERR", "DET_FLUX_ERR"))
        quality = cols.first(("QUALITY",))
        return _build(
            path,
            hdul,
            i,
            hdu,
            cols,
            product="qlp",
            tcol=tcol,
            flux=cols.get(fcol),
            fcol_label=fcol,
            err=err,
            quality=quality,
            flux_unit=cols.unit(fcol),
            mission="TESS",
        )


# ---------------------------------------------------------------------------- any FITS table
def identify_fits_table(path, hdul) -> bool:
    """Fallback: any FITS file with a table extension."""
    return not isinstance(hdul, bytes | bytearray) and bool(_tables(hdul))


def read_fits_table(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """Any FITS table: time / flux / error / quality columns detected by name as for text tables
    (see :func:`starskope.io._columns.choose_columns`)."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        where = _where(i, hdu)
        cols = _Cols(hdul, i, hdu, path)
        arrays = [cols.numeric_or_none(n) for n in cols.names]
        ch = choose_columns(
            cols.names,
            arrays,
            time_column=time_column,
            flux_column=flux_column,
            path=str(path),
            where=where,
        )
        name = cols.names
        return _build(
            path,
            hdul,
            i,
            hdu,
            cols,
            product="fits-table",
            tcol=name[ch.time],
            flux=arrays[ch.flux],
            fcol_label=name[ch.flux],
            err=None if ch.err is None else arrays[ch.err],
            quality=None if ch.quality is None else arrays[ch.quality],
            flux_unit=cols.unit(name[ch.flux]),
            extra={"columns": ch.how},
        )


#: (name, identify, read) in the order they are tried; most specific first.
FITS_READERS = (
    ("k2sff", identify_k2sff, read_k2sff),
    ("k2sc", identify_k2sc, read_k2sc),
    ("everest", identify_everest, read_everest),
    ("k2varcat", identify_k2varcat, read_k2varcat),
    ("qlp", identify_qlp, read_qlp),
    ("lightkurve", identify_lightkurve, read_lightkurve),
    ("kepler", identify_kepler, read_spoc),
    ("tess", identify_tess, read_spoc),
    ("fits-table", identify_fits_table, read_fits_table),
)
