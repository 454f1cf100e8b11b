"""FITS light-curve products: mission pipelines (Kepler, K2, TESS SPOC), high-level products
(K2SFF, K2SC, EVEREST, K2VARCAT, TESS data alerts, QLP) and files written by lightkurve.

Each product has an ``identify_*(path, hdul) -> bool`` and a ``read_*(path, *, flux_column=None,
time_column=None, opened=None) -> LightCurve``; :mod:`starskope.io.registry` registers them.
Times are built from ``TIME`` + ``BJDREFI``/``BJDREFF`` with ``TIMESYS`` checked (a scale other
than TDB is read with a warning), or from the time column's unit (``bkjd``/``btjd``/``BJD - 2454833``) for files that
carry no reference keywords.

References
----------
Kepler Archive Manual (KDMC-10008-006), section 2.3; TESS Science Data Products Description
(SDPDD, EXP-TESS-ARC-ICD-TM-0014); MAST HLSP pages for K2SFF (Vanderburg & Johnson 2014), K2SC
(Aigrain et al. 2016), EVEREST (Luger et al. 2016, 2018), K2VARCAT (Armstrong et al. 2016) and
QLP (Huang et al. 2020).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from ..time import float32_time_step
from ._columns import choose_columns, is_magnitude, warn_suspect_magnitudes
from ._common import (
    AMBIGUOUS_RULE,
    REDUCED_JD_RULE,
    below_full_jd,
    declared_time_scale,
    finish,
    fits_time_format,
    header_meta,
    infer_time_format,
    magnitude_flux,
    parse_time_unit,
    relative_flux_unit,
    time_offset_from_name,
    time_scale,
    warn_file,
    warn_if_reduced_jd,
    warn_named_jd_reduced,
)
from ._fitsfile import (
    _TFORM,
    FITS_MAGIC,
    _colnames,
    _Cols,
    _hdr,
    _name,
    _opened,
    _table,
    _tables,
    _where,
    guard,
    is_fits,
    open_fits,
)

__all__ = [
    "FITS_MAGIC",
    "FITS_READERS",
    "K2SC_FLUXES",
    "guard",
    "is_fits",
    "open_fits",
]

#: Kepler/K2 quality bit for a thruster firing (Kepler Archive Manual, Table 2.3): K2SFF MOVING.
_K2_THRUSTER_FIRING = 1 << 20


def _time(cols: _Cols, tcol: str, primary, *, mission, path, where):
    t = cols.get(tcol)
    if cols.is_jd_pair(tcol):  # astropy Time column: absolute JD, its scale in TCTYPn
        scale = str(_hdr(cols.hdu).get(f"TCTYP{cols.names.index(cols.real(tcol)) + 1}", "TDB"))
        if scale.strip().upper() != "TDB":
            warn_file(
                f"time column {tcol!r} is in {scale.strip()}, not barycentric TDB: read as is, so"
                " epochs may be off by up to ~8 minutes; periods are not affected",
                path=path,
                where=where,
            )
        return t, "jd", f"astropy Time column {tcol!r} (jd1 + jd2)"
    unit = cols.unit(tcol)
    timeunit = _hdr(cols.hdu).get("TIMEUNIT") or primary.get("TIMEUNIT")
    zero = _hdr(cols.hdu).get("TIMEZERO", primary.get("TIMEZERO"))
    scale = time_scale(unit or timeunit, tcol)
    _warn_float32_times(cols, tcol, t, 1.0 if scale is None else scale[0], path=path, where=where)
    if isinstance(zero, int | float) and not isinstance(zero, bool) and zero and np.isfinite(zero):
        t = t + float(zero)  # the FITS time standard's zero point, in the times' own unit
    if scale is not None:  # seconds, minutes or hours since the reference: days
        t = t * scale[0]
        unit = None
    elif not unit and timeunit is not None and str(timeunit).strip().lower() != "d":
        unit = str(timeunit)  # TIMEUNIT = 'MJD' says the system as a column unit would
    fmt, add = fits_time_format(
        _hdr(cols.hdu), primary, time_unit=unit, mission=mission, path=path, where=where
    )
    rule = "BJDREF/MJDREF/TIMESYS or column unit"
    named = parse_time_unit(tcol)
    if fmt is None and scale is None and named in ("bkjd", "btjd"):
        fmt, rule = named, f"column named {tcol!r}"  # DIAmante's BTJD column
    offset = None if scale is not None else time_offset_from_name(unit or tcol)
    if fmt is None and offset is not None:  # a column named RJD or BJD-2400000
        (fmt, add), rule = offset, f"column {tcol!r}: JD minus {offset[1]:.0f}"
    if fmt == "jd" and not add and below_full_jd(t):
        fmt = None  # a unit "BJD" on reduced values (58354.1): inferred from the values below
    elif fmt is not None and (fmt != "jd" or add) and not below_full_jd(t):
        # a header reference (BJDREFI = 2457000) over times that are already full JDs: the
        # writer added it (or copied the header from another file); adding it again would put
        # every epoch ~2.4 million days late
        warn_file(
            f"time column {tcol!r} holds full Julian dates ({np.nanmin(t):.1f} ...) although the"
            " header gives a reference to add to it (BJDREFI/BJDREFF or MJDREF): read as BJD,"
            " the reference not added",
            path=path,
            where=where,
        )
        fmt, add, rule = "jd", 0.0, f"column {tcol!r}: full Julian dates (the reference not added)"
    if scale is not None:
        rule += f" (times in {scale[1]}, converted to days)"
    if fmt is None:
        if scale is not None:
            fmt, add, rule = "relative", 0.0, f"column {tcol!r} in {scale[1]}: relative days"
        else:
            # MJD is the FITS default for bare values of ~5e4, unless the name says a JD
            named_jd = "jd" in tcol.lower() and "mjd" not in tcol.lower()
            fmt, add, rule = infer_time_format(t, mission=mission, column=tcol, fits=not named_jd)
            if not named_jd or rule == AMBIGUOUS_RULE:
                warn_if_reduced_jd(rule, path=path, where=where)
            elif rule == REDUCED_JD_RULE:  # the name says JD, not which half of a day
                warn_named_jd_reduced(tcol, path=path, where=where, fits=True)
    return (t + add if add else t), fmt, rule


def _warn_float32_times(cols: _Cols, tcol: str, t, days_per_unit: float, *, path, where) -> None:
    """Say so when a time column of 32-bit floats (TFORM ``E``) cannot resolve its values to a
    minute (full JDs in float32 are 0.25 d apart): its cadences then collapse onto shared times.
    ``t`` is the column as stored, in units of ``days_per_unit`` days."""
    i = cols.names.index(cols.real(tcol)) + 1
    form = str(_hdr(cols.hdu).get(f"TFORM{i}", "")).strip().upper().lstrip("0123456789")
    lost = float32_time_step(t, days_per_unit=days_per_unit) if form == "E" else None
    if lost:
        warn_file(
            f"time column {tcol!r} is stored as 32-bit floats, which resolve values near"
            f" {lost[0]:.1f} only to {lost[1]:.0f} minutes: cadences closer than that"
            " share a time (and are dropped as repeats); store times as 64-bit floats or as"
            " offsets from a reference (BTJD, BKJD)",
            path=path,
            where=where,
        )


#: ``_build``'s default flux unit: the flux column's own (TUNIT).
_UNIT_OF_COLUMN = object()


def _build(
    path,
    hdul,
    i,
    cols: _Cols,
    *,
    product,
    tcol,
    fcol,
    err,
    quality,
    flux=None,
    flux_unit=_UNIT_OF_COLUMN,
    mission=None,
    extra=None,
) -> LightCurve:
    """The light curve of a product's table ``cols`` (extension ``i`` of ``hdul``): times from
    ``tcol`` (:func:`_time`), flux from ``fcol`` unless ``flux`` is given (a corrected or
    converted copy; ``fcol`` then names it), unit from ``fcol``'s TUNIT unless ``flux_unit``
    is given, header metadata, and :func:`finish`'s checks."""
    hdu = cols.hdu
    if flux is None:
        flux = cols.get(fcol)
    if flux_unit is _UNIT_OF_COLUMN:
        flux_unit = cols.unit(fcol)
    where = _where(i, hdu)
    primary = _hdr(hdul[0])
    hm = header_meta(primary, _hdr(hdu), mission=mission)
    t, fmt, rule = _time(cols, tcol, primary, mission=hm["mission"], path=path, where=where)
    ex = dict(hm.pop("extra"))
    ex["hdu"] = i
    ex["time_rule"] = rule
    declared = _declared_scale(cols, tcol, primary)
    if declared:
        ex["time_scale"] = declared
    if extra:
        ex.update(extra)
    meta = LightCurveMeta(
        flux_column=fcol,
        flux_unit=relative_flux_unit(flux, flux_unit),
        source=str(path),
        product=product,
        extra=ex,
        # a star of `starskope simulate --format fits` carries its truth: 1 planet, 0 not
        label=int(str(ex["SIMCLASS"]).strip().lower() == "planet") if "SIMCLASS" in ex else None,
        **hm,
    )
    try:
        return finish(path, t, flux, err, quality, time_format=fmt, meta=meta, where=where)
    except StarskopeError as exc:
        if _datasum_fails(hdu):  # impossible values in a file whose checksum fails
            raise StarskopeError(
                f"{exc.message} (and the data do not match the file's checksum: corrupt, or "
                "edited without updating it; fetch it again)",
                path=path,
                where=where,
            ) from exc
        raise


def _datasum_fails(hdu) -> bool:
    """True when the HDU carries a DATASUM (or CHECKSUM) that its data (or header and data) do
    not match."""
    try:
        if "DATASUM" in hdu.header:
            return hdu.verify_datasum() == 0
        return "CHECKSUM" in hdu.header and hdu.verify_checksum() == 0
    except Exception:  # unreadable data: not this check's to say
        return False


def _declared_scale(cols: _Cols, tcol: str, primary) -> str | None:
    """The time scale the file declares when it is not TDB (TCTYPn of an astropy Time column,
    TIMESYS, or the column's name or unit: see :func:`declared_time_scale`); else None."""
    if cols.is_jd_pair(tcol):
        scale = _hdr(cols.hdu).get(f"TCTYP{cols.names.index(cols.real(tcol)) + 1}", "TDB")
    else:
        scale = _hdr(cols.hdu).get("TIMESYS") or primary.get("TIMESYS")
    scale = str(scale or "").strip().upper()
    if scale and scale not in ("TDB", "BJD_TDB"):
        return scale
    return declared_time_scale(cols.unit(tcol), tcol)


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
        if fcol.upper() == "PDCSAP_FLUX" and cols.has("SAP_FLUX"):
            _warn_pdc_gaps(cols, fcol, tcol, quality, mission, path=path, where=_where(i, hdu))
        return _build(
            path, hdul, i, cols, product=product, tcol=tcol, fcol=fcol, err=err, quality=quality,
            extra=extra,
        )  # fmt: skip


#: PDCSAP flux missing in more than this share of the usable cadences that have SAP flux: warned
#: about (a few per cent is normal: PDC leaves out flagged cadences, up to ~15% of a TESS sector).
PDC_GAP_WARN = 0.25


def _warn_pdc_gaps(cols: _Cols, fcol: str, tcol: str, quality, mission, *, path, where) -> None:
    """Warn when the PDC flux is NaN in much of the light curve where the SAP flux is not (a
    cotrending failure, a sector PDC left out): the SAP flux has data there."""
    from .quality import quality_mask

    pdc, sap = cols.get(fcol), cols.get("SAP_FLUX")
    usable = np.isfinite(sap) & np.isfinite(cols.get(tcol))
    if quality is not None:
        usable &= quality_mask(quality, mission=mission)
    n = int(np.count_nonzero(usable))
    if n < 20:
        return
    missing = int(np.count_nonzero(usable & ~np.isfinite(pdc)))
    if missing > PDC_GAP_WARN * n:
        warn_file(
            f"{fcol} is NaN in {missing} of the {n} good cadences that have SAP_FLUX "
            f"({100 * missing / n:.0f}%): the search sees only the rest. To use them all, read "
            "the SAP flux (CLI --flux-column sap_flux; Python flux_column='sap_flux'), which is "
            "not corrected for systematics",
            path=path,
            where=where,
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
            path, hdul, i, cols, product="lightkurve", tcol=tcol, fcol=fcol, err=err,
            quality=quality, extra=extra,
        )  # fmt: skip


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
            path, hdul, i, cols, product="k2sff", tcol=tcol, fcol=fcol, err=None, quality=quality,
            flux_unit="relative" if fcol.upper() == "FCOR" else None, mission="K2",
            extra={"quality_from": "MOVING -> 2**20 (thruster firing)"},
        )  # fmt: skip


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
            path, hdul, i, cols, product="k2sc", tcol=tcol, flux=flux, fcol=label, err=err,
            quality=quality, flux_unit="electron / s", mission="K2",
            extra={"flux_meaning": K2SC_FLUXES.get(label, label), "k2sc_extension": _name(hdu)},
        )  # fmt: skip


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
            path, hdul, i, cols, product="everest", tcol=tcol, fcol=fcol, err=err, quality=quality,
            mission="K2",
        )  # fmt: skip


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
            path, hdul, i, cols, product="k2varcat", tcol=tcol, fcol=fcol, err=err, quality=quality,
            mission="K2",
        )  # fmt: skip


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


#: QLP's "low precision" cadence bit from sector 56 on (bit 31; bit 13, 4096, before: QLP data
#: product description; lightkurve's QLP reader drops either only with its "hard" bitmasks).
_QLP_LOW_PRECISION_56 = 1 << 30
#: ... mapped onto the TESS bit that the "hard" and "hardest" bitmasks drop (Straylight2, 4096).
_QLP_LOW_PRECISION = 1 << 12


def _qlp_quality(quality, sector) -> np.ndarray | None:
    """QLP quality words with the sector-56+ low-precision bit moved to bit 13 (4096), where
    QLP's earlier sectors have it: one meaning for the bitmasks across every sector."""
    if quality is None:
        return None
    try:
        late = int(sector) >= 56
    except (TypeError, ValueError):
        late = False
    if not late:
        return quality
    q = np.nan_to_num(np.asarray(quality, dtype=float)).astype(np.int64)
    low = (q & _QLP_LOW_PRECISION_56) != 0
    return np.where(low, (q & ~_QLP_LOW_PRECISION_56) | _QLP_LOW_PRECISION, q)


def read_qlp(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """QLP (Huang et al. 2020; Kunimoto et al. 2021): KSPSAP_FLUX (sectors 1-55) or DET_FLUX
    (56+), the detrended flux, by default; SAP_FLUX on request; error KSPSAP_FLUX_ERR /
    DET_FLUX_ERR. QUALITY uses TESS's bits; QLP's "low precision" flag (bit 13 = 4096 up to
    sector 55, bit 31 from sector 56, moved to bit 13 here) is dropped by the "hard" and
    "hardest" bitmasks only, as lightkurve's QLP reader does."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("KSPSAP_FLUX", "DET_FLUX", "SAP_FLUX"), "flux")
        tcol = cols.pick(time_column, ("TIME",), "time")
        err = cols.first((f"{fcol}_ERR", "KSPSAP_FLUX_ERR", "DET_FLUX_ERR"))
        sector = _primary(hdul).get("SECTOR", _hdr(hdu).get("SECTOR"))
        quality = _qlp_quality(cols.first(("QUALITY",)), sector)
        return _build(
            path, hdul, i, cols, product="qlp", tcol=tcol, fcol=fcol, err=err, quality=quality,
            mission="TESS",
        )  # fmt: skip


# ---------------------------------------------------------------------------- TESS HLSPs
#: TESS quality bit that every bitmask drops (ManualExclude): the products below set it where
#: their own flags say a cadence is bad, as K2SFF's MOVING sets the K2 thruster bit.
_TESS_EXCLUDE = 128


def _excluded(bad) -> np.ndarray:
    """TESS quality words for a product's own bad-cadence mask: ManualExclude where ``bad``."""
    return np.where(bad, _TESS_EXCLUDE, 0)


def _nonzero_excluded(flags) -> np.ndarray | None:
    """:func:`_excluded` for a product whose every nonzero flag marks a bad cadence."""
    return None if flags is None else _excluded(np.nan_to_num(flags) != 0)


def _names_of(hdul) -> set[str]:
    tabs = _tables(hdul)
    return {n.upper() for n in _colnames(tabs[0][1])} if tabs else set()


def identify_tasoc(path, hdul) -> bool:
    """TASOC / T'DA (TESS Asteroseismic Science Operations Center): ORIGIN 'TASOC/Aarhus', or
    FLUX_CORR beside FLUX_RAW."""
    if isinstance(hdul, bytes | bytearray):
        return False
    if "tasoc" in _text_in(_primary(hdul), "ORIGIN"):
        return True
    names = _names_of(hdul)
    return "FLUX_CORR" in names and "FLUX_RAW" in names


def read_tasoc(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """TASOC (Handberg et al. 2021; Lund et al. 2021): FLUX_CORR (ppm about 0) by default,
    FLUX_RAW on request. QUALITY holds TASOC's own flags, not SPOC's: bits 1 and 2 (flagged
    bad data, manual exclude) drop a cadence, as TASOC's default mask does; the jump, sigma-clip
    and interpolation bits do not. PIXEL_QUALITY (SPOC flags of the FFI pixels) is kept as
    quality when present."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("FLUX_CORR", "FLUX_RAW"), "flux")
        tcol = cols.pick(time_column, ("TIME",), "time")
        err = cols.first((f"{fcol}_ERR", "FLUX_CORR_ERR"))
        own = cols.first(("QUALITY",))
        pixel = cols.first(("PIXEL_QUALITY",))
        quality = np.zeros(cols.nrows, dtype=np.int64)
        if pixel is not None:
            quality |= np.nan_to_num(pixel).astype(np.int64)
        if own is not None:
            quality |= _excluded((np.nan_to_num(own).astype(np.int64) & 3) != 0)
        return _build(
            path, hdul, i, cols, product="tasoc", tcol=tcol,
            fcol=fcol, err=err, quality=quality, mission="TESS",
        )  # fmt: skip


def identify_eleanor(path, hdul) -> bool:
    """eleanor and GSFC-ELEANOR-LITE (Feinstein et al. 2019; Powell et al. 2022): a primary
    header with PCORIGIN or TVERSION beside TIC_ID, or CORR_FLUX with PCA_FLUX / PSF_FLUX."""
    if isinstance(hdul, bytes | bytearray):
        return False
    prim = _primary(hdul)
    if "TIC_ID" in prim and ("PCORIGIN" in prim or "TVERSION" in prim or "LITE" in prim):
        return True
    names = _names_of(hdul)
    return "CORR_FLUX" in names and ("PCA_FLUX" in names or "PSF_FLUX" in names)


def read_eleanor(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """eleanor: CORR_FLUX (systematics-corrected aperture flux) by default; RAW_FLUX, PCA_FLUX
    or PSF_FLUX on request; error FLUX_ERR; times in BTJD; every nonzero QUALITY dropped, as
    eleanor's own ``to_lightkurve`` does (its bits 17 and 18 are eleanor's, not SPOC's)."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("CORR_FLUX", "PCA_FLUX", "RAW_FLUX"), "flux")
        tcol = cols.pick(time_column, ("TIME",), "time")
        err = cols.first((f"{fcol}_ERR", "FLUX_ERR"))
        quality = _nonzero_excluded(cols.first(("QUALITY",)))
        return _build(
            path, hdul, i, cols, product="eleanor", tcol=tcol,
            fcol=fcol, err=err, quality=quality, mission="TESS",
        )  # fmt: skip


def identify_cdips(path, hdul) -> bool:
    """CDIPS (Bouma et al. 2019): TMID_BJD with the aperture columns IFL1 / IRM1."""
    if isinstance(hdul, bytes | bytearray):
        return False
    names = _names_of(hdul)
    return "TMID_BJD" in names and ("IFL1" in names or "IRM1" in names)


def read_cdips(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """CDIPS: times TMID_BJD (BJD_TDB; never TMID_UTC), flux IFL1 (aperture 1's instrumental
    flux, as lightkurve reads it; IRM/TFA/PCA magnitudes on request, converted), error IFE1,
    quality IRQ1 ('G' or '0' good, anything else dropped)."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("IFL1", "IRM1"), "flux")
        tcol = cols.pick(time_column, ("TMID_BJD",), "time")
        ap = fcol[-1] if fcol[-1].isdigit() else "1"
        flux = cols.get(fcol)
        err = cols.first((f"IFE{ap}",)) if fcol.upper().startswith("IFL") else None
        unit = cols.unit(fcol)
        if fcol.upper().startswith(("IRM", "TFA", "PCA")):
            flux, err = magnitude_flux(flux, cols.first((f"IRE{ap}",)), fcol, path)
            unit = "relative"
        quality = None
        if cols.has(f"IRQ{ap}"):
            raw = np.asarray(hdu.data[cols.real(f"IRQ{ap}")])
            good = np.isin(np.char.strip(raw.astype(str)), ("G", "0", ""))
            quality = _excluded(~good)
        return _build(
            path, hdul, i, cols, product="cdips", tcol=tcol, flux=flux, fcol=fcol,
            err=err, quality=quality, flux_unit=unit, mission="TESS",
        )  # fmt: skip


def identify_diamante(path, hdul) -> bool:
    """DIAmante (Montalto et al. 2020): BTJD with LC0_AP1 / LC1_AP1 columns."""
    if isinstance(hdul, bytes | bytearray):
        return False
    names = _names_of(hdul)
    return "BTJD" in names and "LC1_AP1" in names


def read_diamante(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """DIAmante: times BTJD, flux LC1_AP1 (the detrended light curve of aperture 1; LC0_AP1 is
    the raw one), error ELC1_AP1, quality FLAG_AP1 (nonzero dropped)."""
    with guard(path), _opened(path, opened) as hdul:
        i, hdu = _table(hdul, ("LIGHTCURVE",), path)
        cols = _Cols(hdul, i, hdu, path)
        fcol = cols.pick(flux_column, ("LC1_AP1", "LC0_AP1"), "flux")
        tcol = cols.pick(time_column, ("BTJD", "TIME"), "time")
        ap = fcol.upper().rsplit("_AP", 1)[-1] if "_AP" in fcol.upper() else "1"
        err = cols.first((f"E{fcol}",))
        quality = _nonzero_excluded(cols.first((f"FLAG_AP{ap}",)))
        return _build(
            path, hdul, i, cols, product="diamante", tcol=tcol,
            fcol=fcol, err=err, quality=quality, mission="TESS",
        )  # fmt: skip


# ---------------------------------------------------------------------------- pixel files
def identify_pixel_file(path, hdul) -> bool:
    """A target pixel file (Kepler/K2/TESS TPF, TESScut): a FLUX column of images, an extension
    named PIXELS or TARGETTABLES, or CREATOR naming TargetPixel."""
    if isinstance(hdul, bytes | bytearray):
        return False
    if "targetpixel" in _text_in(_primary(hdul), "CREATOR").replace(" ", ""):
        return True
    tables = _tables(hdul)
    if any(_is_light_curve_table(h) for _i, h in tables):
        return False  # EVEREST writes its aperture's pixels (PIXELS) beside its light curve
    for _i, h in tables:
        if _name(h).upper() in ("PIXELS", "TARGETTABLES"):
            return True
        hdr = _hdr(h)
        for k, n in enumerate(_colnames(h), start=1):
            if n.upper() == "FLUX" and "," in str(hdr.get(f"TDIM{k}", "")):
                return True
    return False


#: Flux columns of a light curve table (one number per cadence beside TIME).
_LC_FLUXES = frozenset({"FLUX", "FCOR", "FRAW", "PDCSAP_FLUX", "SAP_FLUX"})


def _is_light_curve_table(h) -> bool:
    """A table with a TIME column and a flux column of one number per row (not an image)."""
    hdr = _hdr(h)
    names = [n.upper() for n in _colnames(h)]
    if "TIME" not in names:
        return False
    for k, n in enumerate(names, start=1):
        form = _TFORM.match(str(hdr.get(f"TFORM{k}", "")))
        if n in _LC_FLUXES and (form is None or int(form.group(1) or 1) == 1):
            return True
    return False


def read_pixel_file(path, *, flux_column=None, time_column=None, opened=None) -> LightCurve:
    """Refuse a target pixel file with a message saying what to do."""
    raise StarskopeError(
        "a target pixel file (an image per cadence), not a light curve: extract one first, e.g."
        " with lightkurve (lk.read(path).to_lightcurve(aperture_mask='pipeline')), and pass that",
        path=path,
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
        try:
            ch = choose_columns(
                cols.names,
                arrays,
                time_column=time_column,
                flux_column=flux_column,
                path=str(path),
                where=where,
            )
        except StarskopeError as exc:
            raise _vector_columns_said(exc, hdu, cols.names, arrays) from None
        name = cols.names
        flux = arrays[ch.flux]
        err = None if ch.err is None else arrays[ch.err]
        unit = cols.unit(name[ch.flux])
        if ch.magnitude or is_magnitude(None, unit):
            flux, err = magnitude_flux(flux, err, name[ch.flux], path, where, unit=unit)
            unit = "relative"
        elif ch.suspect_magnitudes and not unit:
            warn_suspect_magnitudes(name[ch.flux], flux, path=path, where=where)
        return _build(
            path, hdul, i, cols, product="fits-table", tcol=name[ch.time], flux=flux,
            fcol=name[ch.flux], err=err, quality=None if ch.quality is None else arrays[ch.quality],
            flux_unit=unit, extra={"columns": ch.how},
        )  # fmt: skip


#: A column of this many numbers per row holds a light curve per row, not apertures or bands.
_STAR_PER_ROW = 100


def _vector_columns_said(exc: StarskopeError, hdu, names, arrays) -> StarskopeError:
    """``exc``, or a clearer error when the flux sits in a column of several numbers per row
    (one per aperture or band), which no column choice can use as it is."""
    vector, longest = [], 0
    for n, a in zip(names, arrays, strict=True):
        if a is None:
            shape = np.shape(hdu.data[n]) if hdu.data is not None else ()
            if len(shape) == 2 and shape[1] > 1 and np.asarray(hdu.data[n]).dtype.kind in "iuf":
                vector.append(f"{n!r} ({shape[1]} per row)")
                longest = max(longest, shape[1])
    if not vector or ("flux" not in exc.message and "time" not in exc.message):
        return exc
    if longest >= _STAR_PER_ROW and len(hdu.data) > 1:
        # the Kaggle layout in a FITS table: a light curve in each row
        return StarskopeError(
            f"one light curve per row ({', '.join(vector)}, in {len(hdu.data)} rows): starskope"
            " reads one star per row from a Kaggle-layout table (LABEL, FLUX.1, FLUX.2, ...: CSV,"
            " Parquet or Feather) or its own Parquet campaigns (a 'flux' list column), not from"
            " FITS; write the rows as one of those",
            path=exc.path,
            where=exc.where,
        )
    first = vector[0].split(" ")[0]
    return StarskopeError(
        f"no column holds one flux value per cadence: {', '.join(vector)} hold"
        f"{'' if len(vector) > 1 else 's'} several numbers per row (one per aperture or band?):"
        f" write the one you want as a column of its own (astropy: t['FLUX_2'] ="
        f" t[{first}][:, 1]) and read it with --flux-column",
        path=exc.path,
        where=exc.where,
    )


#: (name, identify, read) in the order they are tried; most specific first.
FITS_READERS = (
    ("pixel-file", identify_pixel_file, read_pixel_file),
    ("k2sff", identify_k2sff, read_k2sff),
    ("k2sc", identify_k2sc, read_k2sc),
    ("everest", identify_everest, read_everest),
    ("k2varcat", identify_k2varcat, read_k2varcat),
    ("qlp", identify_qlp, read_qlp),
    ("tasoc", identify_tasoc, read_tasoc),
    ("eleanor", identify_eleanor, read_eleanor),
    ("cdips", identify_cdips, read_cdips),
    ("diamante", identify_diamante, read_diamante),
    ("lightkurve", identify_lightkurve, read_lightkurve),
    ("kepler", identify_kepler, read_spoc),
    ("tess", identify_tess, read_spoc),
    ("fits-table", identify_fits_table, read_fits_table),
)
