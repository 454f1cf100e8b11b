"""Is a detected signal a known planet, a known false positive, a known binary, or new?

:func:`annotate` finds the star in the known-object catalogue (:mod:`starskope.catalogs`) by
identifier or name, or by sky position, then compares the signal's period with every known
object of that star, allowing simple period aliases (the search may lock on to twice or half
the true period, or on to a 3:2 alias), and, given the signal's epoch, requiring its transits
to fall on the object's. The closest match within ``tolerance`` wins.

``kind`` is one of:

* ``"known planet"`` (confirmed, or TOI "KP"/"CP"),
* ``"known candidate"`` (KOI or TOI candidate not yet confirmed),
* ``"known false positive"``,
* ``"known eclipsing binary"`` (Kepler EB catalogue),
* ``"new"`` (the star has no known object at this period, or is not in the catalogue).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import astropy.units as u
import numpy as np

from .crossmatch import DEFAULT_EPOCH, StarPosition, parse_identifier, propagate, resolve_name
from .exceptions import StarskopeError
from .units import to_days

__all__ = [
    "ALIAS_FACTORS",
    "KIND_BY_DISPOSITION",
    "KnownMatch",
    "annotate",
    "annotate_candidates",
    "try_annotate_candidates",
]

#: Ratios (signal period / catalogue period) accepted as the same signal, simplest first.
ALIAS_FACTORS = (
    Fraction(1),
    Fraction(2),
    Fraction(1, 2),
    Fraction(3),
    Fraction(1, 3),
    Fraction(3, 2),
    Fraction(2, 3),
    Fraction(4),
    Fraction(1, 4),
)

#: Normalised disposition -> annotation kind.
KIND_BY_DISPOSITION = {
    "CONFIRMED": "known planet",
    "KNOWN PLANET": "known planet",
    "CANDIDATE": "known candidate",
    "FALSE POSITIVE": "known false positive",
    "ECLIPSING BINARY": "known eclipsing binary",
}


# When two tables describe the same signal, report the named planet (KOI/K2) first.
_CATALOG_PREFERENCE = {"koi": 0, "k2": 1, "toi": 2, "kepler_eb": 3}


@dataclass(frozen=True)
class KnownMatch:
    """What the catalogues say about a signal.

    Attributes
    ----------
    kind : str
        ``"known planet"``, ``"known candidate"``, ``"known false positive"``,
        ``"known eclipsing binary"`` or ``"new"``.
    name : str or None
        The matched object (``"Kepler-90 b"``, ``"K00114.01"``, ``"TOI-185.01"``).
    host : str or None
        The star's catalogue name or number, when the star was found.
    disposition : str or None
        Normalised catalogue disposition of the matched object.
    catalog : str or None
        ``"koi"``, ``"k2"``, ``"toi"`` or ``"kepler_eb"``.
    catalog_period : float or None
        The matched object's period, days.
    alias_factor : float or None
        Signal period / catalogue period that matched (1, 2, 0.5, 3, 1/3, 1.5, ...).
    period_error : float or None
        Relative difference between the signal period and ``alias_factor * catalog_period``.
    epoch_offset_hours : float or None
        Signal ``t0`` minus the nearest predicted catalogue transit (only for alias factor 1
        and when both epochs are known); large values over long baselines may just reflect
        period uncertainty.
    separation_arcsec : float or None
        Distance to the catalogue position when the star was found by position.
    matched_by : str
        ``"identifier"``, ``"name"``, ``"position"``, ``"identifier+position"``,
        ``"name+position"`` or ``""`` (how the star's catalogue rows were found).
    other_known : tuple of str
        Other known objects of the same star.
    """

    kind: str
    name: str | None = None
    host: str | None = None
    disposition: str | None = None
    catalog: str | None = None
    catalog_period: float | None = None
    alias_factor: float | None = None
    period_error: float | None = None
    epoch_offset_hours: float | None = None
    separation_arcsec: float | None = None
    matched_by: str = ""
    other_known: tuple[str, ...] = ()

    @property
    def is_known(self) -> bool:
        """True unless ``kind`` is ``"new"``."""
        return self.kind != "new"

    @property
    def label(self) -> str:
        """One line for reports and ``Candidate.known``, e.g. ``"known planet Kepler-90 b"``."""
        if self.kind == "new":
            if self.matched_by == UNLOCATED:
                return "new? (star not located: no position, and its identifier is not searchable)"
            return "new" if self.host is None else f"new (host {self.host})"
        text = f"{self.kind} {self.name}"
        if self.alias_factor is not None and self.alias_factor != 1:
            text += f" (period alias x{Fraction(self.alias_factor).limit_denominator(8)})"
        return text

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["label"] = self.label
        d["other_known"] = list(self.other_known)
        return d


def _rows_by_name(catalog, target):
    """Rows of the star named ``target`` (catalogue number or name), and how it was found."""
    if not target:
        return catalog.iloc[0:0], ""
    ident = parse_identifier(target)
    ids, _ = resolve_name(target, catalog=catalog)
    if ident is not None:
        ids = tuple(sorted({ident, *ids}))
    if ids:
        from .crossmatch import _name_index

        index = _name_index(catalog)
        hits = sorted({k for i in ids for k in index.get(("id", i), [])})
        rows = catalog.iloc[hits]
        return rows, ("identifier" if ident is not None else "name") if len(rows) else ""
    # a name that has no catalogue number (e.g. a K2 host): the rows of that host name
    from .crossmatch import _name_index, _norm_name

    hits = _name_index(catalog).get(("name", _norm_name(target)), [])
    if not hits:
        return catalog.iloc[0:0], ""
    hosts = set(catalog.iloc[hits]["host_name"])
    return catalog[catalog["host_name"].isin(hosts)], "name"


_POSITION_CACHE: list[tuple[object, float, tuple[np.ndarray, np.ndarray, np.ndarray]]] = []


def _catalog_positions(catalog, epoch: float):
    """Row positions, RA and Dec (degrees) of every catalogue row with a position, moved to
    ``epoch`` with proper motion; computed once per table and epoch."""
    for cat, ep, value in _POSITION_CACHE:
        if cat is catalog and ep == epoch:
            return value
    has = (catalog["ra"].notna() & catalog["dec"].notna()).to_numpy()
    rows = np.flatnonzero(has)
    sub = catalog.iloc[rows]

    def opt(x):
        return float(x) if np.isfinite(x) else None

    pos = [
        StarPosition(
            ra=float(r),
            dec=float(d),
            epoch=float(e) if np.isfinite(e) else DEFAULT_EPOCH,
            pmra=opt(pa),
            pmdec=opt(pd),
        )
        for r, d, e, pa, pd in zip(
            sub["ra"].to_numpy(float),
            sub["dec"].to_numpy(float),
            sub["pos_epoch"].to_numpy(float),
            sub["pmra"].to_numpy(float),
            sub["pmdec"].to_numpy(float),
            strict=True,
        )
    ]
    coords = propagate(pos, epoch=epoch) if pos else None
    value = (
        rows,
        coords.ra.deg if pos else np.zeros(0),
        coords.dec.deg if pos else np.zeros(0),
    )
    _POSITION_CACHE.append((catalog, epoch, value))
    del _POSITION_CACHE[:-4]
    return value


def _rows_by_position(catalog, ra, dec, *, radius_arcsec, epoch):
    """Rows within ``radius_arcsec`` (after proper motion), with a ``_sep`` column."""
    from astropy.coordinates import angular_separation

    empty = catalog.iloc[0:0]
    if ra is None or dec is None or not (np.isfinite(ra) and np.isfinite(dec)):
        return empty
    rows, cra, cdec = _catalog_positions(catalog, epoch)
    # coarse box first (cheap), then exact separations
    box = radius_arcsec / 3600.0 + 1e-4
    cosd = max(np.cos(np.radians(dec)), 1e-6)
    dra = np.abs(((cra - ra + 180.0) % 360.0) - 180.0) * cosd
    near = np.flatnonzero((dra < box) & (np.abs(cdec - dec) < box))
    if near.size == 0:
        return empty
    sep = np.degrees(
        angular_separation(
            np.radians(cra[near]), np.radians(cdec[near]), np.radians(ra), np.radians(dec)
        )
    )
    sep = np.asarray(sep) * 3600.0
    ok = sep <= radius_arcsec
    return catalog.iloc[rows[near[ok]]].assign(_sep=sep[ok])


#: ``KnownMatch.matched_by`` when the star could not be looked up at all: no position, and an
#: identifier no catalogue table is keyed by (an EPIC number: the K2 table has none). "new"
#: would then say more than is known.
UNLOCATED = "not located"


def _id_is_searchable(target) -> bool:
    """True for identifiers the tables are keyed by (KIC in the KOI and EB tables, TIC in the
    TOI table) and for names (Kepler-90, K2-3, TOI-185: the host names the tables hold; the
    TOI table names no host otherwise, so WASP-18 is found as TOI-185, by its TIC or by its
    position, not by that name); False for EPIC numbers and anything empty."""
    if not target:
        return False
    text = str(target).strip().upper()
    return not (text.startswith("EPIC") or text.replace(" ", "").isdigit())


def _star_rows(catalog, target, ra, dec, *, radius_arcsec, epoch):
    """Rows of the star found by identifier/name and by position (both when both are given).

    A TESS light curve of a Kepler star has a TIC number the KOI table does not know, and
    the K2 table has no EPIC numbers: the position finds those rows.
    """
    import pandas as pd

    by_name, how = _rows_by_name(catalog, target)
    by_pos = _rows_by_position(catalog, ra, dec, radius_arcsec=radius_arcsec, epoch=epoch)
    sep = float(by_pos["_sep"].min()) if len(by_pos) else None
    if by_pos.empty:
        return by_name, how, None
    if by_name.empty:
        return by_pos, "position", sep
    extra = by_pos[~by_pos.index.isin(by_name.index)]
    rows = pd.concat([by_name.assign(_sep=0.0), extra])
    return rows, f"{how}+position" if len(extra) else how, sep


def annotate(
    target: str | None = None,
    ra: float | None = None,
    dec: float | None = None,
    period_days=None,
    t0_bjd: float | None = None,
    *,
    tolerance: float = 0.01,
    radius=5 * u.arcsec,
    epoch: float = DEFAULT_EPOCH,
    mission: str | None = None,
    aliases: Sequence[Fraction] = ALIAS_FACTORS,
    catalog=None,
) -> KnownMatch:
    """Match a periodic signal against the known-object catalogue.

    Parameters
    ----------
    target : str, optional
        Catalogue number or name of the star (``"KIC 11442793"``, ``"TIC 100100827"``,
        ``"Kepler-90"``, ``"K2-3"``, ``"TOI-185"``).
    ra, dec : float, optional
        Position in degrees at ``epoch``. Rows found by position are added to those found by
        ``target`` (a TESS file of a Kepler star has a TIC number the KOI table lacks).
    period_days : float or `~astropy.units.Quantity` ['time']
        The signal's period (a bare number is days).
    t0_bjd : float, optional
        A mid-transit time of the signal, BJD_TDB: a known object matches only if the signal's
        transits fall on its own (within :data:`EPOCH_WINDOW_HOURS`); also reported as the
        epoch offset.
    tolerance : float, optional
        Largest accepted relative period difference, after alias correction.
    radius : `~astropy.units.Quantity` ['angle'], optional
        Position match radius (bare number: arcsec). Default 5 arcsec: archive positions
        may be at epoch J2015.5 without proper motion.
    epoch : float, optional
        Julian year of ``ra``/``dec`` (J2000 for mission headers).
    mission : {"Kepler", "K2", "TESS"}, optional
        Lets a bare number as ``target`` be read as KIC, EPIC or TIC.
    aliases : sequence of `fractions.Fraction`, optional
        Accepted ratios of signal to catalogue period, simplest first.
    catalog : `pandas.DataFrame`, optional
        Known-object table (default :func:`starskope.catalogs.known_objects`).

    Returns
    -------
    `KnownMatch`

    Raises
    ------
    StarskopeError
        If ``period_days`` is missing or not positive, or ``tolerance`` is not in (0, 0.5).

    Examples
    --------
    >>> annotate("KIC 11442793", period_days=7.0082).label
    'known planet Kepler-90 b'
    >>> annotate("KIC 11442793", period_days=14.0164).alias_factor
    2.0
    """
    if period_days is None:
        raise StarskopeError("annotate() needs period_days (the signal's period)")
    period = to_days(period_days, name="period_days")
    if not (np.isfinite(period) and period > 0):
        raise StarskopeError(f"period_days must be positive; got {period}")
    if not 0 < tolerance < 0.5:
        raise StarskopeError(
            f"tolerance is a relative period difference in (0, 0.5); got {tolerance}"
        )
    if isinstance(radius, u.Quantity):
        radius_arcsec = float(radius.to_value(u.arcsec))
    else:
        radius_arcsec = float(radius)
    if catalog is None:
        from .catalogs import known_objects

        catalog = known_objects()

    if target is not None and mission is not None:
        target = parse_identifier(target, mission=mission) or target
    rows, how, sep = _star_rows(catalog, target, ra, dec, radius_arcsec=radius_arcsec, epoch=epoch)
    if rows.empty:
        located = (ra is not None and dec is not None) or _id_is_searchable(target)
        return KnownMatch(kind="new", matched_by="" if located else UNLOCATED)
    host = _host_label(rows)
    best = None
    factors = [(f, float(f)) for f in aliases]
    seps = rows["_sep"].to_numpy() if "_sep" in rows else np.zeros(len(rows))
    if "period_err" not in rows:
        rows = rows.assign(period_err=np.nan)
    records = rows[["catalog", "planet_name", "period", "epoch_bjd", "disposition", "period_err"]]
    for r, rsep in zip(records.itertuples(index=False), seps, strict=True):
        kp = float(r.period)
        if not (np.isfinite(kp) and kp > 0):
            continue
        for rank, (f, ff) in enumerate(factors):
            err = abs(period - ff * kp) / (ff * kp)
            if err <= tolerance and _transits_coincide(
                t0_bjd, r.epoch_bjd, kp, f, period_err=r.period_err
            ):
                # closeness in period, then simpler alias, nearer star, named planets first
                score = (
                    err / tolerance
                    + 0.5 * rank
                    + 0.2 * rsep / radius_arcsec
                    + 0.1 * _CATALOG_PREFERENCE.get(r.catalog, 4)
                )
                if best is None or score < best[0]:
                    best = (score, r, f, err)
    all_names = tuple(dict.fromkeys(n for n in rows["planet_name"] if n))
    if best is None:
        return KnownMatch(
            kind="new",
            host=host,
            separation_arcsec=sep,
            matched_by=how,
            other_known=all_names,
        )
    _, r, f, err = best
    offset = None
    if t0_bjd is not None and f == 1 and np.isfinite(r.epoch_bjd):
        kp = float(r.period)
        n = np.round((float(t0_bjd) - r.epoch_bjd) / kp)
        offset = float((float(t0_bjd) - (r.epoch_bjd + n * kp)) * 24.0)
    disp = r.disposition or None
    return KnownMatch(
        kind=KIND_BY_DISPOSITION.get(r.disposition, "known candidate"),
        name=r.planet_name or None,
        host=host,
        disposition=disp,
        catalog=r.catalog,
        catalog_period=float(r.period),
        alias_factor=float(f),
        period_error=float(err),
        epoch_offset_hours=offset,
        separation_arcsec=sep,
        matched_by=how,
        other_known=tuple(n for n in all_names if n != r.planet_name),
    )


#: A signal matches a known object only if its transits fall on the object's, within this
#: many hours: a search grid's epoch is off by up to about 1.5 h, a catalogue epoch propagated
#: over a decade by up to about 2 h (a helper's comparison with the archive, 290 planets).
EPOCH_WINDOW_HOURS = 6.0


def _transits_coincide(
    t0_bjd, epoch_bjd, period: float, factor: Fraction, *, period_err=None
) -> bool:
    """Whether a signal at ``factor`` times a known period, with a transit at ``t0_bjd``, has
    transits on the known object's (True when either epoch is unknown). A signal at p/q of
    the period meets the known transits only if its epoch is a multiple of P/q away from
    theirs: every third transit of a 4.90-d planet (14.70 d) is not a 14.72-d planet whose
    transits are five days later. The window is :data:`EPOCH_WINDOW_HOURS`, or three times
    the catalogue epoch's drift over the cycles between the two (``period_err`` per cycle)
    when that is wider.

    Examples
    --------
    >>> _transits_coincide(1000.2, 900.0, 10.0, Fraction(1))  # 0.2 d = 4.8 h apart
    True
    >>> _transits_coincide(1005.0, 900.0, 10.0, Fraction(1))  # half a period apart
    False
    >>> _transits_coincide(1005.0, 900.0, 10.0, Fraction(1, 2))  # at P/2: every other one
    True
    >>> _transits_coincide(1002.0, 900.0, 10.0, Fraction(1))  # 48 h off
    False
    >>> _transits_coincide(1002.0, 900.0, 10.0, Fraction(1), period_err=0.1)  # 24 h per sigma
    True
    """
    if t0_bjd is None or epoch_bjd is None:
        return True
    t0_bjd, epoch_bjd = float(t0_bjd), float(epoch_bjd)
    if not (np.isfinite(t0_bjd) and np.isfinite(epoch_bjd)):
        return True
    spacing = period / factor.denominator
    d = (t0_bjd - epoch_bjd) % spacing
    off_hours = 24.0 * min(d, spacing - d)
    window = EPOCH_WINDOW_HOURS
    if period_err is not None and np.isfinite(float(period_err)) and float(period_err) > 0:
        cycles = abs(t0_bjd - epoch_bjd) / period
        window = max(window, 3.0 * 24.0 * cycles * float(period_err))
    return off_hours <= window


def _best_t0_bjd(c) -> float | None:
    """A candidate's mid-transit time in BJD: the transit fit's where it converged (the
    search grid's is coarser by up to an hour), else the grid's."""
    fit_t0 = (c.extra or {}).get("fit_t0")
    if c.t0_bjd is None or not isinstance(fit_t0, int | float) or fit_t0 != fit_t0:
        return c.t0_bjd
    return float(fit_t0) + (float(c.t0_bjd) - float(c.t0))


def _host_label(rows) -> str | None:
    for col in ("host_name", "host_id"):
        vals = [v for v in rows[col] if v]
        if vals:
            # prefer a planet-host name over a bare KOI/TOI number
            named = [v for v in vals if not v.startswith(("KOI-", "TOI-", "KIC ", "TIC "))]
            return (named or vals)[0]
    return None


def annotate_candidates(
    candidates,
    *,
    target: str | None = None,
    ra: float | None = None,
    dec: float | None = None,
    tolerance: float = 0.01,
    radius=5 * u.arcsec,
    epoch: float = DEFAULT_EPOCH,
    mission: str | None = None,
    catalog=None,
):
    """Fill ``Candidate.known`` with :attr:`KnownMatch.label` for each candidate.

    Parameters
    ----------
    candidates : sequence of `~starskope.result.Candidate`
    target, ra, dec, tolerance, radius, epoch, mission, catalog
        As for :func:`annotate`.

    Returns
    -------
    tuple of `~starskope.result.Candidate`
        Copies with ``known`` set and ``extra["known"]`` holding :meth:`KnownMatch.to_dict`.
    """
    out = []
    for c in candidates:
        m = annotate(
            target,
            ra,
            dec,
            c.period_days,
            _best_t0_bjd(c),
            tolerance=tolerance,
            radius=radius,
            epoch=epoch,
            mission=mission,
            catalog=catalog,
        )
        extra = dict(c.extra)
        extra["known"] = m.to_dict()
        out.append(dataclasses.replace(c, known=m.label, extra=extra))
    return tuple(out)


def try_annotate_candidates(
    candidates, *, target=None, ra=None, dec=None, mission=None
) -> tuple[tuple, str | None]:
    """:func:`annotate_candidates` that never raises for a catalogue problem.

    Returns
    -------
    candidates : tuple of `~starskope.result.Candidate`
        Annotated, or unchanged when the catalogue could not be used.
    note : str or None
        Why annotation was not possible, as a sentence for ``StarResult.reasons``.
    """
    try:
        out = annotate_candidates(candidates, target=target, ra=ra, dec=dec, mission=mission)
    except (StarskopeError, ImportError, OSError, ValueError) as exc:
        return tuple(candidates), f"Known-object annotation was not possible: {exc}."
    return tuple(out), None
