"""Which column is time, flux, flux error, quality: by name first, else by position."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..exceptions import StarskopeError, UnrecognisedFormatError
from ..units import magnitudes_to_flux

__all__ = [
    "ColumnChoice",
    "choose_columns",
    "band_magnitudes",
    "is_magnitude",
    "is_millimag",
    "magnitudes_to_flux",
    "resolve_column",
    "warn_suspect_magnitudes",
]

_TIME_NAMES = (
    "time",
    "times",
    "t",
    "bjd",
    "bjd_tdb",
    "btjd",
    "bkjd",
    "tbjd",
    "jd",
    "hjd",
    "mjd",
    "date",
    "dates",
    "barycentric_time",
    "tmid_bjd",  # CDIPS
    "tmid_utc",
    "rjd",  # reduced JD (JD - 2400000)
    "rhjd",
    "rbjd",
)
# flux names with a rank: higher = preferred when several are present
_FLUX_RANKS = (
    (r"^(pdcsap_flux|pdc_flux|pdcsap)$", 5),
    (
        r"^(fcor|corrflux|corr_flux|cor_flux|flux_corr|flux_cor|detflux|det_flux|kspsap_flux"
        r"|detrended_flux|flux_detrended|flatflux|flat_flux|dtr_flux|corrected_flux"
        r"|psf_flux_cor"  # PATHOS: the PSF flux, corrected (as lightkurve reads it)
        r"|cal_psf_flux"  # TGLC: the calibrated PSF flux (lightkurve's default)
        r"|lc_detrend)$",  # Kepler/TESS DV time series: the detrended light curve
        4,
    ),
    (
        r"^(flux|f|fnorm|flux_norm|norm_flux|normflux|rel_flux|relflux|normalized_flux"
        r"|normalised_flux|nflux|cal_aper_flux"  # TGLC: its calibrated aperture flux
        r"|rel_flux_t1"  # AstroImageJ: the target's relative flux (T1)
        r"|lc_init)$",  # Kepler/TESS DV time series: the initial (PDC) relative flux
        3,
    ),
    # raw fluxes; CDIPS: the first aperture's instrumental flux (as lightkurve reads it)
    (
        r"^(sap_flux|fraw|raw_flux|flux_raw|aptflux|sap|psf_flux_raw|ifl1|psf_flux|aperture_flux"
        r"|aper_flux)$",
        2,
    ),
    # magnitudes and magnitude differences (CDIPS IRM, PCA, TFA): converted to flux (below)
    (r"^(mag|magnitude|dmag|delta_mag|diff_mag|mag_diff|irm\d|pca\d|tfa\d)$", -1),
)
#: Column names of magnitudes beyond those above: ``Tmag``, ``kepmag``, ``mag_auto``,
#: ``rel_mag``, ``V_mag``, ``magnitudes``...
_MAG_NAME = re.compile(r"^([a-z]{0,5}mag|mag_[a-z0-9_]+|[a-z0-9_]+_mag|mags|magnitudes?)$")
#: Error columns of magnitudes (``mag_err``, ``magerr_auto``, ``e_Vmag``), never the flux.
_MAG_ERROR = re.compile(r"^(e_|err|magerr|sig)|(err|error|_unc|_sigma|_sig)$")
#: Photometric band names used alone as a column name (``V``, ``Rc``, ``g``, ``Ks``, ``BP``):
#: magnitudes when their values look like magnitudes (:func:`band_magnitudes`). Letters that
#: also name other things (``y``, ``I`` for intensity, ``r``, ``H``, ``J``, ``K``, ``z``) are
#: left out: a band is then named with a unit, ``mag`` or its filter system (``Rc``, ``Ks``).
_BAND_NAMES = frozenset(
    {"u", "b", "v", "g", "ks", "rc", "ic", "bp", "rp", "w1", "w2", "cv", "clear", "unfiltered"}
)  # fmt: skip
#: Error columns of a band beyond every flux column's own (``V_err``, ``e_V``...): ``eV``,
#: ``sigV``, ``sig_V`` (``{b}`` filled in).
_BAND_ERRORS = ("e{b}", "sig{b}", "sig_{b}")
#: Units of magnitudes (FITS TUNIT, ECSV).
_MAG_UNITS = frozenset({"mag", "mags", "magnitude", "magnitudes", "dmag", "mmag"})
#: Millimagnitudes, in a name or unit: ``mmag``, ``dmmag``, ``dmag_mmag``, ``V (mmag)``.
_MILLIMAG = re.compile(r"(^|[^a-z])d?mmag($|[^a-z])")


def column_key(name) -> str:
    """A column name as the detection compares it: lower case, blanks and hyphens as ``_``.

    Examples
    --------
    >>> column_key(" Mag Error "), column_key("flux-err")
    ('mag_error', 'flux_err')
    """
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def is_millimag(name: str | None, unit: str | None = None) -> bool:
    """True when a magnitude column's name or unit says millimagnitudes.

    Examples
    --------
    >>> [is_millimag(n) for n in ("mmag", "dmmag", "dmag_mmag", "mag", "dmag", "flux")]
    [True, True, True, False, False, False]
    >>> is_millimag("V", unit="mmag")
    True
    """
    return any(_MILLIMAG.search(str(x).strip().lower()) for x in (name, unit) if x is not None)


#: A band, filter or unit in brackets after a name: ``Mag(V)``, ``mag [Rc]``, ``flux (mag)``.
_BRACKETED = re.compile(r"^(.*?)_?[(\[]\s*([^)\]]*?)\s*[)\]]$")


def is_magnitude(name: str | None, unit: str | None = None) -> bool:
    """True when a column's name or unit says it holds magnitudes.

    Examples
    --------
    >>> names = ("Tmag", "mag_auto", "dmag", "Relative Magnitude", "Mag(V)", "flux (mag)")
    >>> [is_magnitude(n) for n in names]
    [True, True, True, True, True, True]
    >>> [is_magnitude(n) for n in ("flux", "magnetic_field", "eMag", "mag_err", "merr")]
    [False, False, False, False, False]
    >>> is_magnitude("FLUX", unit="mag")
    True
    """
    if unit is not None and str(unit).strip().lower() in _MAG_UNITS:
        return True
    n = column_key(name or "")
    if (b := _BRACKETED.match(n)) is not None:
        if b.group(2) in _MAG_UNITS:
            return True
        n = b.group(1)  # the band or unit in brackets is not part of the name
    n = re.sub(r"(?<![a-z])(d?)mmag(?![a-z])", r"\1mag", n)  # millimagnitudes: dmmag, mmag_err
    if _error_stem(n) is not None:
        return False  # mag_err, eMag, merr: the error of a magnitude
    return (
        bool(_MAG_NAME.match(n))
        or bool(re.match(r"^[a-z0-9_]+_magnitudes?$", n))
        or (_flux_rank(n) or 0) < 0
    )


#: Affixes that make a column the error of another: ``flux_err``, ``e_mag``, ``eMag``,
#: ``merr``, ``sigma``, ``Uncertainty``, ``sig_V``.
_ERROR_ALONE = re.compile(
    r"^(e|err|errs|error|errors|sigma|sig|unc|uncert|uncertainty|uncertainties)$"
)
_ERROR_PREFIX = re.compile(r"^(e_|err_|error_|sig_|sigma_|unc_|e(?=mag|flux|f$|m$))")
_ERROR_SUFFIX = re.compile(r"_?(errs?|errors?|uncert(ainty)?|unc|sigma|sig)$")


def _error_stem(name: str) -> str | None:
    """The name a column is the error of (``"flux"`` for ``flux_err``, ``"mag"`` for ``eMag``,
    ``"m"`` for ``merr``, ``""`` for ``sigma`` or ``Uncertainty``); None when its name does not
    say it is an error.

    Examples
    --------
    >>> [_error_stem(n) for n in ("flux_err", "emag", "merr", "uncertainty", "e_v", "flux")]
    ['flux', 'mag', 'm', '', 'v', None]
    """
    n = column_key(name)
    if (b := _BRACKETED.match(n)) is not None:
        n = b.group(1)
    if _ERROR_ALONE.match(n):
        return ""
    if (m := _ERROR_PREFIX.match(n)) is not None and len(n) > m.end():
        return n[m.end() :]
    if (m := _ERROR_SUFFIX.search(n)) is not None and m.start() > 0:
        return n[: m.start()]
    return None


#: Short names of magnitudes that need their values to say so: ``m``, and a band's magnitude
#: difference (``dV``, ``delta_R``, ``dRc``).
_SHORT_MAG = re.compile(r"^(m|(d|delta_?)(u|b|v|g|r|i|z|rc|ic|ks|bp|rp|cv))$")


def _named_magnitudes(name: str, col) -> bool:
    """A band (``V``) or short magnitude name (``m``, ``dV``) whose values look like
    magnitudes: within 50 of zero, spread by under 5 (a differential magnitude sits near 0);
    not a relative flux near 1 with a spread of a few percent."""
    if band_magnitudes(name, col):
        return True
    if not _SHORT_MAG.match(name) or col is None:
        return False
    c = np.asarray(col, dtype=float)
    c = c[np.isfinite(c) & (np.abs(c) < 50.0)]
    if c.size < 3:
        return False
    med = float(np.median(c))
    if name == "m":
        return 2.5 <= med <= 35.0 and float(np.ptp(c)) < 5.0
    return abs(med) < 35.0 and float(np.ptp(c)) < 5.0 and not 0.5 < med < 2.0


def band_magnitudes(name: str | None, col) -> bool:
    """True for a column named like a photometric band alone (``V``, ``Rc``, ``g``) whose
    finite values lie between 2.5 and 35 with a spread under 5: magnitudes, as ground-based and
    AAVSO-style tables write them (a relative flux sits near 1, counts far above 35).

    Examples
    --------
    >>> import numpy as np
    >>> band_magnitudes("V", np.array([12.31, 12.35, 12.30])), band_magnitudes("V", np.ones(3))
    (True, False)
    """
    n = column_key(name or "")
    if n not in _BAND_NAMES or col is None:
        return False
    c = np.asarray(col, dtype=float)
    c = c[np.isfinite(c) & (np.abs(c) < 50.0)]  # the 99.999 / -99 of missing magnitudes
    if c.size == 0:
        return False
    med = float(np.median(c))
    return 2.5 <= med <= 35.0 and float(np.ptp(c)) < 5.0


#: Names that are never the flux when it is chosen by position (no flux name in the table):
#: counters, flags, backgrounds, positions, errors, and an orbital phase or a model (a DV time
#: series file's PHASE and MODEL_INIT columns).
_NOT_FLUX = re.compile(
    r"(^|_)(cadence|cadenceno|cadence_num|cadence_number|index|frame|ffi_index|flag|flags"
    r"|phase|orbital_phase|model"
    r"|quality|background|bkg|sky|centroid|centr|pos_corr|mom_centr|xpos|ypos|xcen|ycen"
    r"|timecorr|airmass|fwhm|exptime|ra|dec|limit|id|oid|objid|expid|camera|ccd|alt_obj)(_|\d|$)"
    r"|(_?err|_?error|_unc|_sigma)$|^(e_|err_|sig_)"
)

#: Names of counters that are never the time, even when they increase: cadence and frame
#: numbers, row indices.
_COUNTER_NAME = re.compile(
    r"^(cadence|cadenceno|cadence_no|cadence_num|cadence_number|cadn|index|idx|level_0|frame"
    r"|frameno|frame_number|ffi_index|row|rownum|row_number)$"
)

#: The column naming each file of a manifest (a table of light-curve files), in order of
#: preference.
MANIFEST_COLUMNS = ("path", "file", "filename")
#: What a manifest is told when read as a light curve.
MANIFEST = (
    "a list of light-curve files (a manifest: a path or file column), not a light curve: give"
    " the files themselves, or the manifest to `starskope scan`, `train` or `evaluate`, which"
    " read manifests"
)
#: Columns of a catalogue of stars or planets (KOI, TOI, K2 and EB tables): identifiers, sky
#: positions, orbital and stellar parameters, dispositions. Three of them, and no time column:
#: a table with one row per object, not a light curve.
_CATALOGUE_NAME = re.compile(
    r"^(kic|kepid|kic_?id|kepoi_name|kepler_name|koi|tic|tid|tic_?id|toi|epic|epic_?id"
    r"|pl_name|hostname|ra|dec|ra_?deg|dec_?deg|raj2000|dej2000|rastr|decstr"
    r"|.*period.*|porb|orbper|pl_orbper|pdepth|sdepth|depth|koi_depth"
    r"|morph|teff|st_teff|koi_steff|pl_rade|koi_prad|st_rad|.*disp|.*disposition"
    r"|kepmag|koi_kepmag|tmag|st_tmag|vmag|gmag|jmag|hmag|kmag|phot_g_mean_mag)$"
)
#: A sky position (right ascension, declination): increasing in a target list sorted by it,
#: never a time.
_SKY_POSITION = re.compile(
    r"^(ra|dec|de|ra_?deg|dec_?deg|de_?deg|raj2000|dej2000|decj2000|ra_?icrs|de_?icrs|radeg"
    r"|decdeg|ra_?obj|dec_?obj)$"
)


def _not_a_light_curve(names: Sequence[str], low: Sequence[str], *, path, where) -> None:
    """Raise `UnrecognisedFormatError` for a table with no column that could be its time
    whose names (``low``: as :func:`choose_columns` normalises them) make it a manifest or a
    catalogue (folder walks then skip it with a word)."""
    if set(MANIFEST_COLUMNS) & set(low):
        raise UnrecognisedFormatError(MANIFEST, path=path, where=where)
    cat = [names[i] for i, n in enumerate(low) if _CATALOGUE_NAME.match(n)]
    if len(cat) >= 3:
        raise UnrecognisedFormatError(
            f"a catalogue of stars or planets (columns {', '.join(map(repr, cat[:5]))}), not a"
            " light curve: no column is a time (if one is, name it with --time-column; Python:"
            " time_column=)",
            path=path,
            where=where,
        )


#: Time corrections (TESS and Kepler's ``TIMECORR``): never the time, however they increase.
_TIME_CORRECTION = re.compile(r"^(time|bjd|btjd|bkjd)_?(corr|correction|del|delta)s?$")

_ERR_RX = re.compile(r"(_?err(or)?|_?e|_?unc|_?sigma|_?sig)$")
_GENERIC_ERR = (
    "flux_err",
    "err",
    "error",
    "e_flux",
    "eflux",
    "ferr",
    "sigma",
    "unc",
    "dflux",
    "flux_error",
    "flux_unc",
    "fraw_err",
)
_QUALITY_NAMES = (
    "quality",
    "sap_quality",
    "qual",
    "quality_flag",
    "quality_flags",
    "dquality",  # PATHOS
    "flag",
    "flags",
    "dq",
    "dqflag",
    "tess_flags",  # TGLC: the TESS quality flags (its own TGLC_flags are not)
    "catflags",  # ZTF
)


def _names(names: Sequence[str], most: int = 8) -> str:
    """A column list for a message: the first few names and how many more (a Kaggle-width
    table has thousands)."""
    names = list(names)
    head = ", ".join(repr(n) for n in names[:most])
    return f"[{head}, ... {len(names) - most} more]" if len(names) > most else f"[{head}]"


@dataclass(frozen=True)
class ColumnChoice:
    """Indices of the chosen columns (``err``/``quality`` None when absent) and how."""

    time: int
    flux: int
    err: int | None
    quality: int | None
    how: str
    magnitude: bool = False  # the flux column holds magnitudes (convert with magnitudes_to_flux)
    #: a named column read as flux whose values look like magnitudes (warn, unless its unit
    #: says magnitudes)
    suspect_magnitudes: bool = False


def resolve_column(spec, names: Sequence[str], *, role: str, path, where=None) -> int:
    """Index of ``spec`` (a name, case-insensitive, or a 0-based integer) among ``names``."""
    low = [n.lower() for n in names]
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        i = int(spec)
        if 0 <= i < len(names):
            return i
    elif isinstance(spec, str) and spec.strip().lower() in low:
        return low.index(spec.strip().lower())
    raise StarskopeError(
        f"no {role} column {spec!r}; columns are {_names(names)} (or a 0-based index)",
        path=path,
        where=where,
    )


_UNIT_SUFFIX = re.compile(
    r"[\s_]*[(\[]\s*(m?jy|[uµ]jy|e-?/s|electrons?/s|adu(/s)?|counts?(/s)?|dn(/s)?|ppm|ppt|rel"
    r"|relative|normalized|normalised|erg[^)\]]*|w/m\^?2[^)\]]*)\s*[)\]]$"
)


def _flux_rank(name: str) -> int | None:
    # a unit after the name is not part of it: "flux(mJy)", "flux [e-/s]" (but "flux(ap1)" is
    # a name of its own)
    n = _UNIT_SUFFIX.sub("", name.lower().strip())
    for rx, rank in _FLUX_RANKS:
        if re.match(rx, n):
            return rank
    return None


def _own_errors(name: str) -> tuple[str, ...]:
    """Usual names of a column's own error (``flux_err``, ``magerr``, ``e_mag``...)."""
    return (f"{name}_err", f"{name}_error", f"e_{name}", f"{name}err", f"{name}_unc")


def _looks_like_magnitudes(col: np.ndarray) -> bool:
    """Values of a star's magnitudes: all positive, between 3 and 25 at the median, scattered
    by under a hundredth of their level (a flux that faint varies by far more)."""
    c = col[np.isfinite(col)]
    if c.size < 10 or np.any(c <= 0):
        return False
    med = float(np.median(c))
    return 3.0 <= med <= 25.0 and float(np.median(np.abs(c - med))) < 0.01 * med


def _is_constant(col: np.ndarray) -> bool:
    """One value throughout (a catalogue magnitude): never the light curve's magnitudes."""
    c = col[np.isfinite(col)]
    return c.size > 2 and bool(np.all(c == c[0]))


def _is_counter(col: np.ndarray) -> bool:
    """Consecutive integers (a row index, a cadence number)."""
    c = col[np.isfinite(col)]
    return c.size > 2 and bool(np.all(c == np.round(c)) and np.all(np.diff(c) == 1))


#: Names that begin like a time but hold something else: a barycentric correction (TESS and
#: Kepler's ``TIMECORR``), an exposure or bin width, an error, a flag.
_NOT_TIME = re.compile(
    r"^(time|bjd|btjd|bkjd|date)_?(corr|correction|del|delta|dt|err|error|unc|sigma|sig|flag|flags"
    r"|bin|binsize|bin_size|step|zone|tz|res|resolution|offset|sys|scale|ref|pixel|exp|exptime)s?$"
    r"|(_err|_error|_unc|_sigma)$"
)


def _time_rank(name: str, *, dates: bool = True) -> int | None:
    """3 for ``time``; 2 for another usual time name (``bjd``, ``btjd``, ``t``...) or one that
    begins like it (``time_bjd``, ``TIME [BTJD]``), so the first of those in column order wins;
    1 for a UTC one or a plain ``jd`` or ``mjd``; None for anything else (``timecorr``,
    ``time_err``)."""
    low = column_key(name)
    if _NOT_TIME.search(low):
        return None
    if low in ("time", "times"):
        return 3  # the column named time (pandas puts a time index last)
    if low in _TIME_NAMES:
        # CDIPS: TMID_BJD before TMID_UTC; AAVSO, ZTF: a barycentric or heliocentric HJD/BJD
        # before a plain (geocentric) JD or MJD
        return 1 if "utc" in low or low in ("jd", "mjd") else 2
    prefixes = ("time", "bjd", "btjd", "bkjd") + (("date",) if dates else ())
    return 2 if low.startswith(prefixes) else None  # time_bjd as good as bjd (first wins)


def is_time_name(name: str, *, dates: bool = True) -> bool:
    """A column name that says time (``time``, ``bjd``, ``TIME_UTC``, ...; and ``date...``
    when ``dates``: a numeric column named ``date_obs`` may be a flag, not a time), never a
    correction, width or error of one (``timecorr``, ``time_err``)."""
    return _time_rank(name, dates=dates) is not None


def _is_monotonic(col: np.ndarray) -> bool:
    c = col[np.isfinite(col)]
    return c.size > 1 and bool(np.all(np.diff(c) > 0))


def choose_columns(
    names: Sequence[str] | None,
    columns: Sequence[np.ndarray],
    *,
    time_column=None,
    flux_column=None,
    path,
    where=None,
) -> ColumnChoice:
    """Pick time / flux / error / quality columns.

    By name when the table has names: time from a list of usual names (``time``, ``bjd``,
    ``btjd``, ``dates``, ...); flux by preference: PDCSAP > corrected/detrended (``fcor``,
    ``corrflux``, ``detflux``) > plain (``flux``) > raw (``sap_flux``, ``fraw``); two equally
    preferred candidates are ambiguous and raise. The error column is ``<flux>_err`` or a
    generic error name. Without usable names (or no header), by position: time is the first
    strictly increasing column, flux the next numeric column, and the one after it is the
    error when it is non-negative, smaller than the flux scatter would allow, and not all zero.
    ``time_column`` / ``flux_column`` override (name or 0-based index).
    """
    ncol = len(columns)
    positional = names is None
    names = list(names) if names is not None else [f"col{i}" for i in range(ncol)]
    low = [column_key(n) for n in names]
    numeric = [i for i, c in enumerate(columns) if c is not None]
    how = []

    # ---- time
    if time_column is not None:
        ti = resolve_column(time_column, names, role="time", path=path, where=where)
        how.append("time: given")
    else:
        ranks = {i: _time_rank(names[i], dates=False) for i in numeric}
        # (an empty column is no time: AAVSO's HJD is blank for most observers)
        cands = [i for i in numeric if ranks[i] is not None and np.isfinite(columns[i]).any()]
        original = [i for i in numeric if low[i] == "time_original"]
        if original:  # lightkurve's folded light curve: ``time`` is the phase, in days
            ti = original[0]
            how.append(f"time: {names[ti]!r} (a folded light curve's own times)")
        elif cands:  # a usual name (``time``) before a prefixed one, then in column order
            ti = max(cands, key=lambda i: (ranks[i], -i))
            how.append(f"time: by name {names[ti]!r}")
        else:
            mono = [i for i in numeric if _is_monotonic(columns[i])]
            # a column named as a counter (``cadenceno``) or a correction (``timecorr``) is
            # never the time, however it increases
            named = [
                i
                for i in mono
                if not positional
                and (_COUNTER_NAME.search(low[i]) or _TIME_CORRECTION.search(low[i]))
            ]
            mono = [i for i in mono if i not in named]
            if named and not mono:
                which = ", ".join(repr(names[i]) for i in named)
                raise StarskopeError(
                    f"cannot tell which column is time: none is named like time among"
                    f" {_names(names)}, and the "
                    f"increasing columns ({which}) count cadences or correct times; they are not"
                    " times. A table written from lightkurve's to_pandas() keeps the time in its"
                    " index: save it with index=True (or reset_index() first), or name the time"
                    " with --time-column (Python: time_column=)",
                    path=path,
                    where=where,
                )
            # a row index or cadence number (consecutive integers) is not a time when another
            # increasing column exists (pandas' to_csv(header=False) writes the index first)
            timelike = [i for i in mono if not _is_counter(columns[i])]
            if timelike:
                mono = timelike
            elif mono and np.nanmin(columns[mono[0]]) <= 1:  # 0, 1, 2...: a row index
                raise StarskopeError(
                    f"cannot tell which column is time: the only increasing column"
                    f" {names[mono[0]]!r} counts rows (0, 1, 2, ...), and"
                    f" none is named like time among {_names(names)}; name it with --time-column"
                    " (Python: time_column=)",
                    path=path,
                    where=where,
                )
            if not positional and (not mono or _CATALOGUE_NAME.match(low[mono[0]])):
                # no column could be the time but a catalogue's (a period sorted in order)
                _not_a_light_curve(names, low, path=path, where=where)
            if not positional and mono and _SKY_POSITION.match(low[mono[0]]):
                # a target list sorted by right ascension: its RA increases, and was taken
                # for the time (a 354-"day" light curve of magnitudes)
                raise UnrecognisedFormatError(
                    f"a list of stars (its only increasing column, {names[mono[0]]!r}, is a sky"
                    " position, never a time), not a light curve: no column is a time (if one"
                    " is, name it with --time-column; Python: time_column=)",
                    path=path,
                    where=where,
                )
            empty = [i for i in numeric if ranks[i] is not None and i not in cands]
            if not mono and empty:
                raise StarskopeError(
                    f"the time column {names[empty[0]]!r} holds no values (every cell is NaN or"
                    " blank)",
                    path=path,
                    where=where,
                )
            if not mono:
                # many numeric columns and none a time: one star per column, most likely
                many = sum(c is not None for c in columns) >= 8
                raise StarskopeError(
                    f"cannot tell which column is time (none named like time and none strictly "
                    f"increasing among {_names(names)}); name it with --time-column (Python:"
                    " time_column=)"
                    + (
                        "; stars in columns? Transpose them to rows (LABEL,FLUX.1,...)"
                        if many
                        else ""
                    ),
                    path=path,
                    where=where,
                )
            ti = mono[0]
            how.append(f"time: first increasing column {names[ti]!r}")
    if columns[ti] is None:
        raise StarskopeError(f"time column {names[ti]!r} is not numeric", path=path, where=where)

    # ---- flux
    if flux_column is not None:
        fi = resolve_column(flux_column, names, role="flux", path=path, where=where)
        how.append("flux: given")
    else:
        ranked = [
            (r, i) for i in numeric if i != ti and (r := _flux_rank(low[i])) is not None and r >= 0
        ]
        if "flux" in low and "pdcsap_flux" in low and low.index("flux") in numeric:
            # lightkurve's tables (to_csv, write): "flux" is the chosen or processed flux (a
            # flattened or SAP light curve), the mission columns ride along
            ranked = [(9, low.index("flux"))]
        if ranked:
            best = max(r for r, _ in ranked)
            top = [i for r, i in ranked if r == best]
            if len(top) > 1:
                raise StarskopeError(
                    f"ambiguous flux column: {_names([names[i] for i in top])}; choose one with"
                    " --flux-column (Python: flux_column=)",
                    path=path,
                    where=where,
                )
            fi = top[0]
            how.append(f"flux: by name {names[fi]!r}")
        else:
            # another time column (ZTF writes hjd and mjd) is never the flux
            cands = [i for i in numeric if i != ti and _time_rank(names[i], dates=False) is None]
            # an empty column (AAVSO's 'Comment Code(s)': every cell blank) is never preferred;
            # named as the flux, or alone, it is still taken, and the error then says so
            empty = {i for i in cands if not positional and not np.isfinite(columns[i]).any()}
            # magnitude columns (and their errors) are the flux only when nothing else is: a
            # catalogue magnitude or zero point often rides along with the counts; a column
            # named as an error (sigma, Uncertainty, eMag) is the flux only as a last resort
            is_mag = {
                i: not positional
                and (is_magnitude(low[i]) or _named_magnitudes(low[i], columns[i]))
                for i in cands
            }
            # ... and so are dX, eX and sigX beside a magnitude X (m and dm, V and eV)
            mag_errors = {f"{p}{low[k]}" for k in cands if is_mag[k] for p in ("d", "e", "sig")}
            errors = [
                i
                for i in cands
                if not positional and (_error_stem(low[i]) is not None or low[i] in mag_errors)
            ]
            plain = [
                i
                for i in cands
                if positional or ("mag" not in low[i] and not is_mag[i] and i not in errors)
            ]
            # never a cadence number or row index, a quality flag, or (by name) an error,
            # a background or a centroid: TGLC puts cadence_num before its fluxes
            preferred = [
                i
                for i in plain
                if i not in empty
                and not _is_counter(columns[i])
                and (positional or not _NOT_FLUX.search(low[i]) or "flux" in low[i])
                and low[i] not in _QUALITY_NAMES
            ]
            mags_all = [
                i for i in cands if is_mag[i] and not _MAG_ERROR.search(low[i]) and i not in errors
            ]
            # a constant magnitude is a catalogue value riding along: the last resort only
            mags = [i for i in mags_all if not _is_constant(columns[i]) and i not in empty]
            # a magnitude with its own error column (mag + magerr: a photometry table, ZTF,
            # ASAS-SN; else a generic error right after it: AAVSO's Magnitude, Uncertainty),
            # else a plausible column after the time, else any magnitude column, else a
            # plausible one before the time; anything numeric last (a preference: never
            # refuse what was read before)
            paired = [
                i
                for i in mags
                if any(e in low for e in (*_own_errors(low[i]), *(f"{p}{low[i]}" for p in "des")))
            ] or [i for i in mags if i + 1 in errors and _error_stem(low[i + 1]) == ""]
            after = (
                paired[:1]
                or [i for i in preferred if i > ti]
                or mags[:1]
                or preferred
                or [i for i in plain if i > ti]
                or plain
                or mags_all[:1]
                or errors[:1]
            )
            if not after:
                raise StarskopeError(
                    f"no numeric flux column besides time in {_names(names)}; name one with"
                    " --flux-column (Python: flux_column=)",
                    path=path,
                    where=where,
                )
            fi = after[0]
            before = [i for i in preferred if i < ti]
            if (
                positional
                and fi > ti
                and before
                and not _is_constant(columns[before[-1]])  # a pixel position, not a flux
                and _looks_like_error(columns[fi], columns[before[-1]])
            ):
                # a headerless "flux time err" table: the column after the time is the error
                # of the one before it (small, non-negative), not the flux
                fi = before[-1]
                how.append(f"flux: {names[fi]!r}, before the time (the column after it looks"
                           " like its error)")  # fmt: skip
            if not how[-1].startswith("flux:"):
                how.append(
                    f"flux: magnitudes {names[fi]!r}"
                    if fi in mags
                    else f"flux: next column after time {names[fi]!r}"
                )
    if columns[fi] is None:
        raise StarskopeError(f"flux column {names[fi]!r} is not numeric", path=path, where=where)
    if positional and flux_column is None and _looks_like_magnitudes(columns[fi]):
        from ._common import warn_file

        med = float(np.nanmedian(columns[fi]))
        warn_file(
            f"column {fi + 1} (values near {med:.3g}, scattered by under 1% of that) looks like"
            " magnitudes, but a table without a header is read as flux: a transit would be a"
            " brightening. If they are magnitudes, add a header naming the column (e.g."
            " 'time mag err'), and starskope converts them",
            path=path,
            where=where,
        )

    band = not positional and _named_magnitudes(low[fi], columns[fi])
    if band:
        kind = "a band name" if low[fi] in _BAND_NAMES else "a short magnitude name"
        how[-1] = f"flux: magnitudes {names[fi]!r} ({kind})"
    mag = band or (not positional and is_magnitude(low[fi]))
    # a named column read as flux whose values look like magnitudes (the reader warns unless
    # the column's unit says magnitudes)
    suspect = (
        not positional
        and not mag
        and flux_column is None
        and _flux_rank(low[fi]) is None
        and _looks_like_magnitudes(columns[fi])
    )

    # ---- error
    ei = None
    fname = low[fi]
    own = _own_errors(fname)
    if "flux" in fname:
        own += (fname.replace("flux", "flux_err", 1),)  # AstroImageJ: rel_flux_err_T1
    if band:
        own += tuple(e.format(b=fname) for e in _BAND_ERRORS)
    for cand in own:
        if cand in low and columns[low.index(cand)] is not None:
            ei = low.index(cand)
            break
    if ei is None:
        for cand in _GENERIC_ERR:
            if cand in low and columns[low.index(cand)] is not None and low.index(cand) != fi:
                ei = low.index(cand)
                break
    if ei is None and not positional:
        # a column named as an error of the flux, or of nothing else (sigma, Uncertainty,
        # eMag, merr; dm beside m), whose values can be one
        stems = {"", fname, _BRACKETED.sub(r"\1", fname)}
        if mag:
            stems |= {"mag", "m", "magnitude", "mmag"}
        elif "flux" in fname:
            stems |= {"flux", "f"}
        if (u := re.search(r"_(ppt|ppm|pct|percent|mmag)$", fname)) is not None:
            stems.add(u.group(1))  # err_ppt beside flux_ppt: an error in the flux's unit
        for j in range(ncol):
            if j in (ti, fi) or columns[j] is None:
                continue
            stem = _error_stem(low[j])
            named = stem in stems or (mag and low[j] == f"d{fname}")
            if named and _looks_like_error(columns[j], columns[fi], magnitude=mag):
                ei = j
                break
    if ei is None and positional:
        j = fi + 1 if fi + 1 != ti else ti + 1  # "flux time err": the error after the time
        if j < ncol and columns[j] is not None and _looks_like_error(columns[j], columns[fi]):
            ei = j
    # ---- quality
    qi = next(
        (low.index(q) for q in _QUALITY_NAMES if q in low and columns[low.index(q)] is not None),
        None,
    )
    return ColumnChoice(ti, fi, ei, qi, "; ".join(how), magnitude=mag, suspect_magnitudes=suspect)


def warn_suspect_magnitudes(name: str, flux, *, path, where=None) -> None:
    """Warn that a column read as flux looks like magnitudes (``ColumnChoice.suspect_magnitudes``):
    its transits would be brightenings."""
    from ._common import warn_file

    med = float(np.nanmedian(flux))
    warn_file(
        f"column {name!r} (values near {med:.3g}, scattered by under 1% of that) looks like"
        " magnitudes, but its name does not say so and it is read as flux: a transit would be a"
        " brightening. If they are magnitudes, name the column 'mag' (or give it the unit mag),"
        " and starskope converts them",
        path=path,
        where=where,
    )


def _looks_like_error(err: np.ndarray, flux: np.ndarray, *, magnitude: bool = False) -> bool:
    """Non-negative, not all zero, and small: under half the flux's level, or under a
    magnitude for magnitudes (whose level is a zero point); for offsets about zero (``flux_ppt``,
    ``flux (%)``: a level under three times their scatter) under three times that scatter
    (a cadence's error is at most about the scatter it makes)."""
    e = err[np.isfinite(err)]
    f = flux[np.isfinite(flux)]
    if e.size == 0 or f.size == 0 or (e < 0).any() or not (e > 0).any():
        return False
    if magnitude:
        return bool(np.median(e) < 1.0)
    level = float(np.median(np.abs(f)))
    scatter = 1.4826 * float(np.median(np.abs(f - np.median(f))))
    if scatter > 0 and level < 3.0 * scatter:
        return bool(np.median(e) < 3.0 * scatter)
    return bool(np.median(e) < 0.5 * max(level, 1e-12))
