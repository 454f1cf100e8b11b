"""Which light curves belong to the same star: identifiers, catalogue names and sky positions.

:func:`group_lightcurves` links light curves

* by identifier: the same ``KIC``/``EPIC``/``TIC`` number, however the file spells it
  (``"KIC 11442793"``, ``"kplr011442793"``, ``"11442793"`` with mission Kepler);
* by the cross-identifications the known-object catalogues provide (``"Kepler-90"`` and
  ``"KOI-351"`` are KIC 11442793; ``"TOI-185"`` is TIC 100100827; ``"K2-3"`` has a position);
* by sky position, with :class:`~astropy.coordinates.SkyCoord`: positions are first moved to a
  common epoch with their proper motion where it is known, then paired with
  :func:`~astropy.coordinates.search_around_sky` within ``radius``.

Links are merged with union-find. A position link is refused when it would join two different
numbers of the same catalogue (two TIC stars 1" apart stay two stars).

Positions: ``meta.ra``/``meta.dec`` in degrees (ICRS), ``meta.pmra``/``meta.pmdec`` in mas/yr.
The epoch of the position is ``meta.extra["position_epoch"]`` (Julian year) when the reader sets
it, else J2000.0, the epoch of the KIC, EPIC and TIC positions the mission headers carry
(``RA_OBJ``/``DEC_OBJ``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import astropy.units as u
import numpy as np

from .exceptions import StarskopeError
from .lightcurve import LightCurve

__all__ = [
    "DEFAULT_EPOCH",
    "StarGroup",
    "StarPosition",
    "group_lightcurves",
    "parse_identifier",
    "propagate",
    "resolve_name",
]

#: Epoch (Julian year) assumed for header positions that do not state one.
DEFAULT_EPOCH = 2000.0

# Identifier spellings -> catalogue prefix. Order matters: the file-stem forms first.
_ID_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^kplr0*(\d+)", re.I), "KIC"),
    (re.compile(r"^ktwo0*(\d+)", re.I), "EPIC"),
    (re.compile(r"^(?:KIC|KID)[\s_:#-]*0*(\d+)$", re.I), "KIC"),
    (re.compile(r"^EPIC[\s_:#-]*0*(\d+)$", re.I), "EPIC"),
    (re.compile(r"^TIC[\s_:#-]*0*(\d+)$", re.I), "TIC"),
)
# A bare number means the mission's own catalogue.
_MISSION_CATALOG = {"kepler": "KIC", "k2": "EPIC", "tess": "TIC"}
_NAMESPACES = ("KIC", "EPIC", "TIC")


def parse_identifier(text, *, mission: str | None = None) -> str | None:
    """Canonical ``"KIC n"``, ``"EPIC n"`` or ``"TIC n"`` for a target identifier.

    Parameters
    ----------
    text : str or int
        ``"KIC 11442793"``, ``"kic011442793"``, ``"kplr011442793-2009350155506"``,
        ``"EPIC_201367065"``, ``"ktwo201367065"``, ``"TIC100100827"``, or a bare number.
    mission : {"Kepler", "K2", "TESS"}, optional
        Needed to read a bare number (Kepler: KIC, K2: EPIC, TESS: TIC).

    Returns
    -------
    str or None
        None when ``text`` is not a catalogue number (e.g. a planet name such as ``"K2-3"``;
        see :func:`resolve_name` for those).

    Examples
    --------
    >>> parse_identifier("kplr011442793-2009350155506_llc")
    'KIC 11442793'
    >>> parse_identifier("100100827", mission="TESS")
    'TIC 100100827'
    >>> parse_identifier("K2-3") is None
    True
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    for pattern, prefix in _ID_PATTERNS:
        m = pattern.match(s)
        if m:
            return f"{prefix} {int(m.group(1))}"
    if re.fullmatch(r"\d+", s) and mission is not None:
        prefix = _MISSION_CATALOG.get(str(mission).strip().lower())
        if prefix is not None:
            return f"{prefix} {int(s)}"
    return None


def _namespace(ident: str) -> str:
    return ident.split(" ", 1)[0]


@dataclass(frozen=True)
class StarPosition:
    """A sky position with its epoch and (optional) proper motion.

    Attributes
    ----------
    ra, dec : float
        Degrees, ICRS, at ``epoch``.
    epoch : float
        Julian year of the position.
    pmra, pmdec : float or None
        Proper motion in mas/yr (``pmra`` includes the cos(dec) factor).
    """

    ra: float
    dec: float
    epoch: float = DEFAULT_EPOCH
    pmra: float | None = None
    pmdec: float | None = None

    @property
    def has_pm(self) -> bool:
        """True when both proper-motion components are finite."""
        return _finite(self.pmra) and _finite(self.pmdec)


def _finite(x) -> bool:
    try:
        return x is not None and bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False


def propagate(positions: Sequence[StarPosition], *, epoch: float = DEFAULT_EPOCH):
    """Move positions to a common epoch with their proper motions.

    Parameters
    ----------
    positions : sequence of `StarPosition`
    epoch : float, optional
        Target epoch, Julian year.

    Returns
    -------
    `~astropy.coordinates.SkyCoord`
        One coordinate per position at ``epoch``; positions without proper motion are
        returned unchanged.

    Notes
    -----
    Uses :meth:`~astropy.coordinates.SkyCoord.apply_space_motion` with a nominal 1 kpc
    distance and zero radial velocity; the light-travel and perspective terms that the distance
    controls are far below an arcsecond over decades.
    """
    from astropy.coordinates import SkyCoord
    from astropy.time import Time

    ra = np.array([p.ra for p in positions], dtype=float)
    dec = np.array([p.dec for p in positions], dtype=float)
    move = np.array([p.has_pm and p.epoch != epoch for p in positions], dtype=bool)
    if move.any():
        idx = np.flatnonzero(move)
        src = SkyCoord(
            ra=ra[idx] * u.deg,
            dec=dec[idx] * u.deg,
            pm_ra_cosdec=np.array([positions[i].pmra for i in idx], float) * u.mas / u.yr,
            pm_dec=np.array([positions[i].pmdec for i in idx], float) * u.mas / u.yr,
            distance=np.full(idx.size, 1.0) * u.kpc,
            obstime=Time(np.array([positions[i].epoch for i in idx], float), format="jyear"),
        )
        import erfa

        with warnings.catch_warnings():
            # pmsafe flags its (harmless) distance safeguard for nearby fast stars
            warnings.simplefilter("ignore", erfa.ErfaWarning)
            moved = src.apply_space_motion(new_obstime=Time(epoch, format="jyear"))
        ra[idx] = moved.ra.deg
        dec[idx] = moved.dec.deg
    return SkyCoord(ra=ra * u.deg, dec=dec * u.deg)


# --------------------------------------------------------------------------- catalogue names
def _norm_name(s: str) -> str:
    return re.sub(r"[\s_]+", " ", str(s).strip()).upper()


_INDEX_CACHE: list[tuple[object, dict]] = []


def _name_index(catalog) -> dict[tuple[str, str], list[int]]:
    """Map ("id", host_id) and ("name", NAME) to row positions; built once per table."""
    for cat, index in _INDEX_CACHE:
        if cat is catalog:
            return index
    index: dict[tuple[str, str], list[int]] = {}
    cols = [catalog[c].to_numpy() for c in ("host_id", "host_name", "planet_name", "aliases")]
    for pos, (hid, host, planet, aliases) in enumerate(zip(*cols, strict=True)):
        if hid:
            index.setdefault(("id", hid), []).append(pos)
        names = {host, planet, *str(aliases).split(";")}
        for nm in names:
            if nm:
                index.setdefault(("name", _norm_name(nm)), []).append(pos)
    _INDEX_CACHE.append((catalog, index))
    del _INDEX_CACHE[:-4]
    return index


def resolve_name(name: str, *, catalog=None) -> tuple[tuple[str, ...], StarPosition | None]:
    """Look a star or planet name up in the known-object catalogue.

    Parameters
    ----------
    name : str
        ``"Kepler-90"``, ``"KOI-351"``, ``"K00351.01"``, ``"K2-3"``, ``"TOI-185"``,
        ``"TOI-185.01"``, ``"Kepler-90 b"``, or a catalogue number.
    catalog : `pandas.DataFrame`, optional
        A table from :func:`starskope.catalogs.known_objects` (default: the packaged one).

    Returns
    -------
    identifiers : tuple of str
        The host's catalogue numbers (``"KIC n"``, ``"TIC n"``...), possibly empty.
    position : `StarPosition` or None
        The host's catalogue position, if any.

    Examples
    --------
    >>> ids, pos = resolve_name("Kepler-90")
    >>> ids
    ('KIC 11442793',)
    """
    if catalog is None:
        from .catalogs import known_objects

        catalog = known_objects()
    key = _norm_name(name)
    ident = parse_identifier(name)
    index = _name_index(catalog)
    if ident is not None:
        rows = index.get(("id", ident), [])
    else:
        # "KOI-0351" and "KOI 351" both mean KOI-351
        m = re.fullmatch(r"(KOI|TOI)[\s-]*0*(\d+)(\.\d+)?", key)
        if m:
            key = f"{m.group(1)}-{int(m.group(2))}{m.group(3) or ''}"
        rows = index.get(("name", key), [])
    if not rows:  # most light curves: no known object (and no pandas work)
        return (), None
    hits = catalog.iloc[sorted(set(rows))]
    ids = tuple(sorted({h for h in hits["host_id"] if h}))
    pos_rows = hits[hits["ra"].notna() & hits["dec"].notna()]
    if pos_rows.empty:
        return ids, None
    r = pos_rows.iloc[0]
    pos = StarPosition(
        ra=float(r["ra"]),
        dec=float(r["dec"]),
        epoch=float(r["pos_epoch"]) if _finite(r["pos_epoch"]) else DEFAULT_EPOCH,
        pmra=float(r["pmra"]) if _finite(r["pmra"]) else None,
        pmdec=float(r["pmdec"]) if _finite(r["pmdec"]) else None,
    )
    return ids, pos


# --------------------------------------------------------------------------- groups
@dataclass(frozen=True)
class StarGroup:
    """Light curves of one star.

    Attributes
    ----------
    name : str
        A display name: the first catalogue number, else the first target name, else
        ``"J<ra><dec>"``.
    members : tuple of int
        Indices of the light curves in the list given to :func:`group_lightcurves`.
    lightcurves : tuple of `~starskope.lightcurve.LightCurve`
    identifiers : tuple of str
        All catalogue numbers of the star (``"KIC n"``, ``"TIC n"``...).
    missions : tuple of str
        Missions of the members, sorted, without repeats.
    ra, dec : float or None
        Mean member position at the grouping epoch, degrees.
    links : tuple of str
        Why members were joined, e.g. ``"0~3: same KIC 11442793"``,
        ``"0~5: 0.41 arcsec apart"``.
    """

    name: str
    members: tuple[int, ...]
    lightcurves: tuple[LightCurve, ...]
    identifiers: tuple[str, ...]
    missions: tuple[str, ...]
    ra: float | None
    dec: float | None
    links: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.members)

    def to_dict(self) -> dict:
        """JSON-ready summary (no light-curve data): name, identifiers, missions, position,
        member sources and segments, links."""
        return {
            "name": self.name,
            "identifiers": list(self.identifiers),
            "missions": list(self.missions),
            "ra": self.ra,
            "dec": self.dec,
            "members": list(self.members),
            "sources": [lc.meta.source for lc in self.lightcurves],
            "segments": [lc.meta.segment for lc in self.lightcurves],
            "links": list(self.links),
        }


class _UnionFind:
    def __init__(self, n: int, ids: list[set[str]]):
        self.parent = list(range(n))
        self.ids = [set(s) for s in ids]  # per root: the identifiers of the component

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        for ns in _NAMESPACES:
            sa = {i for i in self.ids[ra] if _namespace(i) == ns}
            sb = {i for i in self.ids[rb] if _namespace(i) == ns}
            if sa and sb and not (sa & sb):
                return True
        return False

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[rb] = ra
        self.ids[ra] |= self.ids[rb]
        return True


def _lc_identifiers(lc: LightCurve) -> set[str]:
    m = lc.meta
    out = set()
    for text in (m.target,):
        ident = parse_identifier(text, mission=m.mission)
        if ident:
            out.add(ident)
    return out


def _lc_position(lc: LightCurve) -> StarPosition | None:
    m = lc.meta
    if not (_finite(m.ra) and _finite(m.dec)):
        return None
    extra = m.extra or {}
    epoch = extra.get("position_epoch", DEFAULT_EPOCH)
    epoch = float(epoch) if _finite(epoch) else DEFAULT_EPOCH
    return StarPosition(
        ra=float(m.ra),
        dec=float(m.dec),
        epoch=epoch,
        pmra=float(m.pmra) if _finite(m.pmra) else None,
        pmdec=float(m.pmdec) if _finite(m.pmdec) else None,
    )


def group_lightcurves(
    lcs: Sequence[LightCurve],
    *,
    radius=2 * u.arcsec,
    use_ids: bool = True,
    use_catalog: bool = True,
    epoch: float = DEFAULT_EPOCH,
    catalog=None,
) -> list[StarGroup]:
    """Group light curves of the same star.

    Parameters
    ----------
    lcs : sequence of `~starskope.lightcurve.LightCurve`
    radius : `~astropy.units.Quantity` ['angle'], optional
        Two positions closer than this (after proper motion) are the same star. A bare
        number is arcseconds. Default 2 arcsec.
    use_ids : bool, optional
        Link light curves with the same catalogue number.
    use_catalog : bool, optional
        Use the known-object catalogue to read target names (``"Kepler-90"``, ``"TOI-185"``)
        and to give a position to light curves whose file has none.
    epoch : float, optional
        Julian year all positions are moved to before matching.
    catalog : `pandas.DataFrame`, optional
        The known-object table (default :func:`starskope.catalogs.known_objects`).

    Returns
    -------
    list of `StarGroup`
        In order of first member; every light curve is in exactly one group (a light curve
        with neither identifier nor position is a group of its own).

    Raises
    ------
    StarskopeError
        If ``radius`` is not a positive angle.

    Examples
    --------
    >>> from starskope.lightcurve import LightCurve, LightCurveMeta
    >>> a = LightCurve([0.0, 1.0], [1.0, 1.0], meta=LightCurveMeta(mission="Kepler",
    ...                target="KIC 11442793", ra=284.433491, dec=49.30516))
    >>> b = LightCurve([0.0, 1.0], [1.0, 1.0], meta=LightCurveMeta(mission="TESS",
    ...                target="TIC 999", ra=284.4335, dec=49.3052))
    >>> [g.members for g in group_lightcurves([a, b])]
    [(0, 1)]
    """
    if isinstance(radius, u.Quantity):
        try:
            radius_arcsec = float(radius.to_value(u.arcsec))
        except u.UnitConversionError as exc:
            raise StarskopeError(f"radius must be an angle; got {radius.unit}") from exc
    else:
        radius_arcsec = float(radius)
    if not radius_arcsec > 0:
        raise StarskopeError(f"radius must be positive; got {radius_arcsec} arcsec")
    if isinstance(lcs, LightCurve | str | bytes):
        raise StarskopeError("group_lightcurves() takes a list of LightCurve objects")
    lcs = list(lcs)
    n = len(lcs)
    ids = [_lc_identifiers(lc) if use_ids else set() for lc in lcs]
    positions = [_lc_position(lc) for lc in lcs]

    if use_catalog and n:
        if catalog is None:
            from .catalogs import known_objects

            catalog = known_objects()
        for i, lc in enumerate(lcs):
            names = [lc.meta.target] if lc.meta.target else []
            names += sorted(ids[i])
            for name in names:
                if not name:
                    continue
                cat_ids, cat_pos = resolve_name(name, catalog=catalog)
                if use_ids:
                    ids[i] |= set(cat_ids)
                if positions[i] is None and cat_pos is not None:
                    positions[i] = cat_pos
                if cat_ids or cat_pos is not None:
                    break

    uf = _UnionFind(n, ids)
    links: list[tuple[int, int, str]] = []  # (i, j, why)
    if use_ids:
        first_with: dict[str, int] = {}
        for i in range(n):
            for ident in sorted(ids[i]):
                j = first_with.setdefault(ident, i)
                if j != i and uf.union(j, i):
                    links.append((j, i, f"same {ident}"))

    have = [i for i in range(n) if positions[i] is not None]
    coords = None
    if len(have) > 1:
        from astropy.coordinates import search_around_sky

        coords = propagate([positions[i] for i in have], epoch=epoch)
        a, b, sep, _ = search_around_sky(coords, coords, radius_arcsec * u.arcsec)
        order = np.argsort(sep.arcsec, kind="stable")
        for k in order:
            i, j = have[int(a[k])], have[int(b[k])]
            if i >= j:
                continue
            if uf.find(i) == uf.find(j) or uf.conflict(i, j):
                continue
            uf.union(i, j)
            links.append((i, j, f"{sep[k].arcsec:.2f} arcsec apart"))
    elif len(have) == 1:
        coords = propagate([positions[have[0]]], epoch=epoch)

    where = {i: k for k, i in enumerate(have)}
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(uf.find(i), []).append(i)
    groups = []
    for root, members in sorted(comps.items(), key=lambda kv: kv[1][0]):
        mset = set(members)
        gl = tuple(f"{i}~{j}: {why}" for i, j, why in links if i in mset)
        gids = sorted(uf.ids[root], key=lambda s: (_NAMESPACES.index(_namespace(s)), s))
        missions = tuple(sorted({lcs[i].meta.mission for i in members if lcs[i].meta.mission}))
        ra = dec = None
        pos_idx = [where[i] for i in members if i in where]
        if pos_idx and coords is not None:
            c = coords[pos_idx]
            vec = c.cartesian.xyz.value.mean(axis=1)
            ra = float(np.degrees(np.arctan2(vec[1], vec[0])) % 360.0)
            dec = float(np.degrees(np.arctan2(vec[2], np.hypot(vec[0], vec[1]))))
        if gids:
            name = gids[0]
        elif any(lcs[i].meta.target for i in members):
            name = next(str(lcs[i].meta.target) for i in members if lcs[i].meta.target)
        elif ra is not None:
            name = f"J{ra:09.5f}{dec:+09.5f}"
        else:
            name = f"lightcurve {members[0]}"
        groups.append(
            StarGroup(
                name=name,
                members=tuple(members),
                lightcurves=tuple(lcs[i] for i in members),
                identifiers=tuple(gids),
                missions=missions,
                ra=ra,
                dec=dec,
                links=gl,
            )
        )
    return groups
