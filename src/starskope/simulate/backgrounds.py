"""Noise backgrounds for injection: real light curves (non-hosts and masked hosts) and simulated stars.

Real backgrounds are the labelled light curves of ``../shared/data`` and ``bulk`` (K2, Kepler and
TESS):

- non-hosts: quiet stars and variables; eclipsing binaries, false positives and candidates are
  left out so that an uninjected background holds no transit;
- planet hosts, with every catalogued transit cut. Ephemerides come from the KOI cumulative table
  (Kepler stars, and Kepler stars re-observed by TESS, by ``KOI-<n>`` in the target name) and
  the TOI table (TESS stars by TIC id; K2 hosts by position, since the K2 planet table has no
  epochs). A host is used only when every period its labels list matches an ephemeris with an
  epoch. Around each predicted transit a window of :data:`MASK_DURATIONS` durations, widened by
  :data:`MASK_SIGMAS` times the propagated epoch uncertainty, is cut.

Each background is normalised (flux / median); short cadences (TESS 2 min) are binned to the
K2 long cadence; a window of the wanted length is cut at a random offset; flagged cadences are
dropped.
"""

from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from .noise import LONG_CADENCE_DAYS, draw_field_star_params, simulate_noise

__all__ = [
    "BACKGROUND_KINDS",
    "Background",
    "Ephemeris",
    "catalog_ephemerides",
    "host_ephemerides",
    "known_ephemerides",
    "known_periods",
    "real_background",
    "real_background_files",
    "real_background_pool",
    "shared_data_dir",
    "simulated_background",
    "transit_mask",
    "white_background",
]

_EXCLUDE = ("eclipsing", "false_positive", "blend", "candidate", "substellar", "unknown", "alarm")
_FORMATS = (".fits", ".fits.gz", ".csv", ".csv.gz", ".dat", ".dat.gz")


@dataclass(frozen=True)
class Background:
    """A noise light curve (relative flux around 1) and where it came from.

    ``t_offset``: days to add to ``lc.t`` to get the file's own times (0 for simulations).
    """

    lc: LightCurve
    source: str
    t_offset: float = 0.0


def shared_data_dir() -> Path:
    """``$STARSKOPE_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    env = os.environ.get("STARSKOPE_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


def _label_rows(root: Path) -> list[tuple[Path, dict]]:
    """(file path, labels row) of ``labels.csv`` and ``bulk/labels.csv`` under ``root``."""
    out = []
    for base in (root, root / "bulk"):
        labels = base / "labels.csv"
        if not labels.exists():
            continue
        with labels.open(newline="") as fh:
            out += [(base / row["file"], row) for row in csv.DictReader(fh)]
    return out


@functools.cache
def _label_index(root: str) -> dict[str, dict]:
    return {str(p.resolve()): row for p, row in _label_rows(Path(root))}


def _label_row(path: Path, root=None) -> dict | None:
    """The labels row of ``path`` (looked up under ``root`` or the shared data), else None."""
    roots = [Path(root)] if root is not None else []
    roots += [shared_data_dir(), path.parent, path.parent.parent, path.parent.parent.parent]
    key = str(path.resolve())
    for r in roots:
        if (r / "labels.csv").exists():
            row = _label_index(str(r.resolve())).get(key)
            if row is not None:
                return row
    return None


def real_background_pool(*, missions=("K2",), root=None, hosts: bool = True) -> dict:
    """Background light curves by mission: ``{mission: [path, ...]}``.

    Non-hosts (without eclipsing binaries, false positives, candidates) and, with ``hosts``,
    planet hosts whose every known transit can be masked (:func:`host_ephemerides` finds an
    epoch for every period the labels list). Files of any format :func:`starskope.io.read`
    reads (FITS, CSV, DAT).
    """
    root = shared_data_dir() if root is None else Path(root)
    pool: dict[str, list[Path]] = {}
    for path, row in _label_rows(root):
        if row["mission"] not in missions:
            continue
        if not path.name.endswith(_FORMATS):
            continue
        flag = row["is_planet_host"].strip()
        if flag == "1":
            if not (hosts and host_ephemerides(row) is not None):
                continue
        elif flag != "0" or any(x in row["label_class"] for x in _EXCLUDE):
            continue
        pool.setdefault(row["mission"], []).append(path)
    return {m: sorted(v) for m, v in sorted(pool.items())}


def real_background_files(*, missions=("K2",), root=None, hosts: bool = True) -> list[Path]:
    """Light curves usable as backgrounds (all missions of :func:`real_background_pool`)."""
    pool = real_background_pool(missions=missions, root=root, hosts=hosts)
    return sorted(p for v in pool.values() for p in v)


# ------------------------------------------------------------------ known transits of hosts
#: Days to add to each time format to get BJD_TDB.
_BJD_OFFSET = {"bkjd": 2454833.0, "btjd": 2457000.0, "jd": 0.0}
#: Mask a window of this many transit durations around every predicted transit centre.
MASK_DURATIONS = 3.0
#: ... widened on each side by this many standard deviations of the propagated ephemeris.
MASK_SIGMAS = 3.0
#: A listed period and a catalog ephemeris are the same planet within this relative difference.
PERIOD_MATCH = 0.005
#: Hosts with a transiting planet that no table here gives an ephemeris for, and the labels do
#: not list: left out. HIP 67522 c (P = 14.33 d; Barber et al. 2024) is not in the TOI table.
_UNMASKABLE = frozenset({"TIC 166527623"})


@dataclass(frozen=True)
class Ephemeris:
    """A known transiting planet: period and duration in days, mid-transit in BJD_TDB."""

    period: float
    t0_bjd: float
    duration: float
    period_err: float = 0.0
    t0_err: float = 0.0
    source: str = ""

    def halfwidth(self, t_bjd) -> np.ndarray:
        """Half-width (days) of the masked window around the transit nearest each time."""
        n = np.round((np.asarray(t_bjd, dtype=float) - self.t0_bjd) / self.period)
        drift = np.sqrt(self.t0_err**2 + (n * self.period_err) ** 2)
        return 0.5 * MASK_DURATIONS * self.duration + MASK_SIGMAS * drift

    def mask(self, t_bjd, *, cadence_days: float = 0.0) -> np.ndarray:
        """True within :meth:`halfwidth` (plus half a cadence) of a predicted transit."""
        t = np.asarray(t_bjd, dtype=float)
        phase = np.mod(t - self.t0_bjd + 0.5 * self.period, self.period) - 0.5 * self.period
        return np.abs(phase) < self.halfwidth(t) + 0.5 * cadence_days


def _err(x) -> float:
    x = float(x)
    return abs(x) if np.isfinite(x) else 0.0


def _catalog(pattern: str, cols):
    import pandas as pd

    from .population import _find

    return pd.read_csv(_find(pattern), comment="#", usecols=cols)


@functools.cache
def _koi_table():
    cols = [
        "kepid",
        "kepoi_name",
        "koi_period",
        "koi_period_err1",
        "koi_time0bk",
        "koi_time0bk_err1",
        "koi_duration",
    ]
    koi = _catalog("nasa_exoplanet_archive_koi_cumulative_*.csv*", cols)
    return koi.dropna(subset=["koi_period", "koi_time0bk", "koi_duration"])


@functools.cache
def _toi_table():
    cols = [
        "toi",
        "tid",
        "ra",
        "dec",
        "pl_tranmid",
        "pl_tranmiderr1",
        "pl_orbper",
        "pl_orbpererr1",
        "pl_trandurh",
    ]
    toi = _catalog("nasa_exoplanet_archive_toi_*.csv*", cols)
    return toi.dropna(subset=["pl_tranmid", "pl_orbper", "pl_trandurh"])


@functools.cache
def _k2_hosts() -> dict[str, tuple[float, float]]:
    ps = _catalog("nasa_exoplanet_archive_ps_k2_*.csv*", ["hostname", "ra", "dec"]).dropna()
    return {h: (float(r), float(d)) for h, r, d in zip(ps.hostname, ps.ra, ps.dec, strict=True)}


def _koi_ephemerides(rows) -> list[Ephemeris]:
    return [
        Ephemeris(
            period=float(r.koi_period),
            t0_bjd=float(r.koi_time0bk) + _BJD_OFFSET["bkjd"],
            duration=float(r.koi_duration) / 24.0,
            period_err=_err(r.koi_period_err1),
            t0_err=_err(r.koi_time0bk_err1),
            source=f"KOI {r.kepoi_name}",
        )
        for r in rows.itertuples()
    ]


def _toi_ephemerides(rows) -> list[Ephemeris]:
    return [
        Ephemeris(
            period=float(r.pl_orbper),
            t0_bjd=float(r.pl_tranmid),
            duration=float(r.pl_trandurh) / 24.0,
            period_err=_err(r.pl_orbpererr1),
            t0_err=_err(r.pl_tranmiderr1),
            source=f"TOI-{r.toi}",
        )
        for r in rows.itertuples()
    ]


def catalog_ephemerides(catalog_id: str, target: str = "") -> tuple[Ephemeris, ...]:
    """Every catalogued transit ephemeris of a star, from the KOI and TOI tables.

    ``KIC <n>``: its KOIs (all dispositions). ``TIC <n>``: its TOIs, plus the KOIs of a
    ``KOI-<n>`` named in ``target``. ``EPIC <n>``: the TOIs within 10 arcsec of the K2 host named
    in ``target`` (the K2 planet table has no epochs).
    """
    import re

    cid = (catalog_id or "").strip().upper()
    out: list[Ephemeris] = []
    try:
        number = int(cid.split()[-1]) if cid else -1
    except ValueError:
        number = -1
    try:
        if cid.startswith("KIC"):
            koi = _koi_table()
            out += _koi_ephemerides(koi[koi["kepid"] == number])
        for k in re.findall(r"KOI-(\d+)", target or ""):
            koi = _koi_table()
            names = koi["kepoi_name"].astype(str)
            out += _koi_ephemerides(koi[names.str.match(rf"K0*{int(k)}\.\d+$")])
        if cid.startswith("TIC"):
            toi = _toi_table()
            out += _toi_ephemerides(toi[toi["tid"] == number])
        if cid.startswith("EPIC"):
            hosts = _k2_hosts()
            names = [n for n in hosts if re.search(rf"(^|[\s(]){re.escape(n)}($|[\s)])", target)]
            if names:
                ra, dec = hosts[names[0]]
                toi = _toi_table()
                sep = np.hypot((toi["ra"] - ra) * np.cos(np.radians(dec)), toi["dec"] - dec)
                out += _toi_ephemerides(toi[sep * 3600.0 < 10.0])
    except StarskopeError:
        return ()
    return tuple(out)


def known_periods(text: str) -> list[float]:
    """The orbital periods (days) listed in a labels ``known_periods_days`` cell."""
    import re

    return [float(x) for x in re.findall(r"(?<![\w.\-])~?(\d+\.\d+)(?![\d%])", text or "")]


def host_ephemerides(row: dict) -> tuple[Ephemeris, ...] | None:
    """The ephemerides to mask on a planet host's light curve, or None when it cannot be used.

    Every period the labels list must match (within :data:`PERIOD_MATCH`) a catalogued
    ephemeris with an epoch; every catalogued ephemeris of the star is masked, candidates and
    false positives included (generous masking). Hosts with a period without an epoch, or in
    :data:`_UNMASKABLE`, give None.
    """
    cid = (row.get("catalog_id") or "").strip()
    if cid.upper() in _UNMASKABLE:
        return None
    eph = catalog_ephemerides(cid, row.get("target", ""))
    periods = known_periods(row.get("known_periods_days", ""))
    if not eph or not periods:
        return None
    for p in periods:
        if not any(abs(e.period - p) <= PERIOD_MATCH * p for e in eph):
            return None
    return eph


def known_ephemerides(catalog_id: str) -> tuple[tuple[float, float, float], ...]:
    """``(period, t0_bkjd, duration_days)`` of every KOI of a ``"KIC <n>"`` star (else empty)."""
    cid = (catalog_id or "").strip()
    if not cid.upper().startswith("KIC"):
        return ()
    return tuple(
        (e.period, e.t0_bjd - _BJD_OFFSET["bkjd"], e.duration) for e in catalog_ephemerides(cid)
    )


def transit_mask(t, time_format: str, ephemerides, *, cadence_days: float = 0.0) -> np.ndarray:
    """True for cadences (times ``t`` in ``time_format``) inside any ephemeris' masked window."""
    if time_format not in _BJD_OFFSET:
        raise StarskopeError(f"cannot mask known transits on {time_format!r} times")
    tb = np.asarray(t, dtype=float) + _BJD_OFFSET[time_format]
    m = np.zeros(tb.size, dtype=bool)
    for e in ephemerides:
        m |= e.mask(tb, cadence_days=cadence_days)
    return m


def _catalog_id(path: Path) -> str:
    """``KIC <n>`` from an official Kepler file name (``kplr<KIC>-...``), else ``""``."""
    name = path.name
    if name.startswith("kplr"):
        digits = name[4:13]
        if digits.isdigit():
            return f"KIC {int(digits)}"
    return ""


def _load(path: Path):
    """Good cadences of a light curve: time, flux, time format."""
    from ..io import read

    lc = read(path)
    good = np.isfinite(lc.t) & np.isfinite(lc.flux) & (lc.quality == 0)
    return lc.t[good], lc.flux[good], lc.time_format


def _bin(t, f, width: float, min_fill: float = 0.5):
    """Mean flux in consecutive bins of ``width`` days holding at least ``min_fill`` of their
    cadences; the bin centres as times."""
    cad = float(np.median(np.diff(t)))
    k = np.floor((t - t[0]) / width).astype(np.int64)
    counts = np.bincount(k)
    sums = np.bincount(k, weights=f)
    ok = counts >= min_fill * width / cad
    centres = t[0] + (np.arange(counts.size) + 0.5) * width
    return centres[ok], sums[ok] / counts[ok]


def real_background(
    path,
    *,
    rng: np.random.Generator,
    n_points: int | None = 3197,
    min_points: int = 500,
    bin_to_days: float | None = LONG_CADENCE_DAYS,
    root=None,
) -> Background:
    """A window of ``n_points`` consecutive cadences of a real light curve, normalised to 1.

    A planet host's known transits (:func:`host_ephemerides`, or the KOIs of a ``kplr`` file
    outside the labels) are cut first. Cadences shorter than a third of ``bin_to_days`` (TESS
    2-min) are then averaged into ``bin_to_days`` bins (None keeps them). Times become relative
    days from the window's first cadence; ``t_offset`` gives them back in the file's format.
    """
    path = Path(path)
    t, f, fmt = _load(path)
    row = _label_row(path, root)
    eph: tuple = ()
    if row is not None and row.get("is_planet_host", "").strip() == "1":
        eph = host_ephemerides(row)
        if eph is None:
            raise StarskopeError(
                "planet host without a known epoch for every planet", path=str(path)
            )
    elif row is None:
        eph = catalog_ephemerides(_catalog_id(path))
    masked = 0
    if eph and t.size:
        cad = float(np.median(np.diff(t))) if t.size > 1 else 0.0
        m = transit_mask(t, fmt, eph, cadence_days=cad)
        t, f, masked = t[~m], f[~m], int(m.sum())
    if t.size < 2:
        raise StarskopeError(f"only {t.size} good cadences", path=str(path))
    order = np.argsort(t)
    t, f = t[order], f[order]
    cad = float(np.median(np.diff(t)))
    if bin_to_days is not None and cad < bin_to_days / 3.0:
        t, f = _bin(t, f, bin_to_days)
        cad = bin_to_days
    if t.size < min_points:
        raise StarskopeError(f"only {t.size} good cadences; need {min_points}", path=str(path))
    if n_points is not None:
        # a window of n_points cadences of time, whatever the gaps
        span = n_points * cad
        if t[-1] - t[0] > span:
            start = rng.uniform(t[0], t[-1] - span)
            keep = (t >= start) & (t < start + span)
            t, f = t[keep], f[keep]
    med = np.nanmedian(f)
    if not np.isfinite(med) or med <= 0:
        raise StarskopeError("median flux is not positive", path=str(path))
    lc = LightCurve(
        t - t[0],
        f / med,
        time_format="relative",
        meta=LightCurveMeta(source=str(path), flux_unit="relative"),
    )
    tag = f"real-host-masked:{path.name}" if eph else f"real:{path.name}"
    return Background(lc=lc, source=tag if not masked else f"{tag}#{masked}", t_offset=float(t[0]))


def simulated_background(
    *, rng: np.random.Generator, n_points: int = 3197, cadence_days: float = LONG_CADENCE_DAYS
) -> Background:
    """A simulated star of the default K2-like field (:func:`.noise.draw_field_star_params`),
    relative flux, gaps removed."""
    t = np.arange(n_points) * cadence_days
    params = draw_field_star_params(rng)
    r = simulate_noise(t, params, rng)
    good = np.isfinite(r.flux) & (r.quality == 0)
    lc = LightCurve(
        t[good],
        r.flux[good],
        np.full(good.sum(), params.sigma_white),
        time_format="relative",
        meta=LightCurveMeta(source="simulated", flux_unit="relative", mission="K2"),
    )
    return Background(lc=lc, source=f"simulated:{params.kind}")


def white_background(
    *,
    rng: np.random.Generator,
    n_points: int = 3197,
    cadence_days: float = LONG_CADENCE_DAYS,
    sigma: float = 1e-3,
) -> Background:
    """Pure Gaussian white noise: the matched-filter reference case."""
    t = np.arange(n_points) * cadence_days
    lc = LightCurve(
        t,
        1.0 + sigma * rng.standard_normal(n_points),
        np.full(n_points, sigma),
        time_format="relative",
        meta=LightCurveMeta(source="white", flux_unit="relative"),
    )
    return Background(lc=lc, source="white")


#: Background kinds accepted by injection-recovery.
BACKGROUND_KINDS = ("real", "simulated", "white")
