"""Planet populations: draws from the NASA Exoplanet Archive tables, or log-uniform grids.

- ``"koi"``: confirmed and candidate KOIs (cumulative table): period, Rp/R* from ``koi_prad`` and
  ``koi_srad``, stellar density from ``koi_slogg`` and ``koi_srad``, Teff for limb darkening.
- ``"k2"``: the K2 planetary-systems table: ``pl_orbper``, ``pl_rade`` / ``st_rad``, density from
  ``st_mass`` and ``st_rad``.
- ``"koi+k2"``: both pooled.
- :func:`draw_loguniform_planet`: log-uniform in period and depth, for completeness maps.

Impact parameters are uniform in [0, 0.9) (geometric for transiting orbits, excluding the
grazing tail) and epochs uniform over the first period. Catalog rows come from files in
``../shared/data/catalogs`` (or ``STARSKOPE_CATALOGS``); read once and cached.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError
from .inject import PlanetSignal, a_rs_from_density, quadratic_ld

__all__ = [
    "POPULATIONS",
    "PlanetDraw",
    "catalog_dir",
    "draw_loguniform_planet",
    "draw_planet",
    "load_population",
]

_R_SUN_CM = 6.957e10
_R_EARTH_PER_R_SUN = 109.076
_G_CGS = 6.674e-8
_RHO_SUN = 1.41  # g/cm^3


@dataclass(frozen=True)
class PlanetDraw:
    """One drawn planet and where it came from."""

    signal: PlanetSignal
    source: str
    teff: float


def catalog_dir() -> Path:
    """Folder with the archive tables: ``$STARSKOPE_CATALOGS`` or ``../shared/data/catalogs``."""
    env = os.environ.get("STARSKOPE_CATALOGS")
    if env:
        return Path(env)
    shared = os.environ.get("STARSKOPE_SHARED_DATA")
    if shared:
        return Path(shared) / "catalogs"
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "catalogs"


def _find(pattern: str) -> Path:
    d = catalog_dir()
    hits = sorted(d.glob(pattern))
    if not hits:
        raise StarskopeError(
            f"no catalog matching {pattern!r} (set STARSKOPE_CATALOGS)", path=str(d)
        )
    return hits[-1]


def _koi() -> dict[str, np.ndarray]:
    import pandas as pd

    path = _find("nasa_exoplanet_archive_koi_cumulative_*.csv*")
    cols = ["koi_disposition", "koi_period", "koi_prad", "koi_srad", "koi_slogg", "koi_steff"]
    try:
        df = pd.read_csv(path, comment="#", usecols=cols)
    except ValueError as exc:
        raise StarskopeError(f"KOI table lacks a needed column: {exc}", path=str(path)) from exc
    df = df[df.koi_disposition.isin(["CONFIRMED", "CANDIDATE"])].dropna()
    g = 10.0 ** df.koi_slogg.to_numpy()
    r_cm = df.koi_srad.to_numpy() * _R_SUN_CM
    rho = 3.0 * g / (4.0 * np.pi * _G_CGS * r_cm)
    return {
        "period": df.koi_period.to_numpy(float),
        "rp_rs": df.koi_prad.to_numpy(float) / (_R_EARTH_PER_R_SUN * df.koi_srad.to_numpy(float)),
        "rho": rho,
        "teff": df.koi_steff.to_numpy(float),
    }


def _k2() -> dict[str, np.ndarray]:
    import pandas as pd

    path = _find("nasa_exoplanet_archive_ps_k2_*.csv*")
    cols = ["pl_orbper", "pl_rade", "st_rad", "st_mass", "st_teff"]
    try:
        df = pd.read_csv(path, comment="#", usecols=cols)
    except ValueError as exc:
        raise StarskopeError(f"K2 table lacks a needed column: {exc}", path=str(path)) from exc
    df = df.dropna()
    df = df[(df.st_rad > 0) & (df.st_mass > 0)]
    return {
        "period": df.pl_orbper.to_numpy(float),
        "rp_rs": df.pl_rade.to_numpy(float) / (_R_EARTH_PER_R_SUN * df.st_rad.to_numpy(float)),
        "rho": _RHO_SUN * df.st_mass.to_numpy(float) / df.st_rad.to_numpy(float) ** 3,
        "teff": df.st_teff.to_numpy(float),
    }


def _both() -> dict[str, np.ndarray]:
    a, b = load_population("koi"), load_population("k2")
    return {k: np.concatenate([a[k], b[k]]) for k in a}


#: Catalog populations: name -> loader returning column arrays.
POPULATIONS = {"koi": _koi, "k2": _k2, "koi+k2": _both}


@functools.cache
def load_population(name: str) -> dict[str, np.ndarray]:
    """Columns ``period, rp_rs, rho, teff`` of a catalog population (cached).

    Rows with non-physical values (Rp/R* outside 0.003-0.5, density outside 0.01-50 g/cm^3) are
    dropped.
    """
    if name not in POPULATIONS:
        raise StarskopeError(f"unknown population {name!r}; use one of {sorted(POPULATIONS)}")
    cols = POPULATIONS[name]()
    ok = (
        np.isfinite(cols["period"])
        & (cols["period"] > 0)
        & (cols["rp_rs"] > 0.003)
        & (cols["rp_rs"] < 0.5)
        & (cols["rho"] > 0.01)
        & (cols["rho"] < 50)
    )
    return {k: v[ok] for k, v in cols.items()}


def draw_planet(
    rng: np.random.Generator,
    *,
    population: str = "koi",
    t_start: float = 0.0,
    period_range: tuple[float, float] = (0.5, 32.0),
) -> PlanetDraw:
    """Draw one planet from a catalog population, restricted to ``period_range`` (days).

    The catalog row gives period, Rp/R*, stellar density and Teff; the impact parameter is
    uniform in [0, 0.9), the epoch uniform in ``[t_start, t_start + P)``.
    """
    cols = load_population(population)
    sel = np.flatnonzero((cols["period"] >= period_range[0]) & (cols["period"] <= period_range[1]))
    if sel.size == 0:
        raise StarskopeError(
            f"population {population!r} has no planet with period in {period_range}"
        )
    i = sel[rng.integers(sel.size)]
    period = float(cols["period"][i])
    rho = float(cols["rho"][i])
    teff = float(cols["teff"][i])
    a_rs = max(a_rs_from_density(period=period, rho_star=rho), 1.5)
    sig = PlanetSignal(
        period=period,
        t0=t_start + rng.uniform(0.0, period),
        rp_rs=float(cols["rp_rs"][i]),
        a_rs=a_rs,
        impact=float(rng.uniform(0.0, 0.9)),
        u=quadratic_ld(teff),
    )
    return PlanetDraw(signal=sig, source=population, teff=teff)


def draw_loguniform_planet(
    rng: np.random.Generator,
    *,
    t_start: float = 0.0,
    period_range: tuple[float, float] = (0.5, 30.0),
    depth_range: tuple[float, float] = (1e-4, 1e-2),
) -> PlanetDraw:
    """Draw a planet log-uniform in period and in depth (for completeness maps).

    Stellar density is log-uniform in 0.5-3 g/cm^3, Teff uniform in 4000-6500 K. The radius ratio
    is chosen so that a central-transit depth with limb darkening,
    ``k^2 (1 - u1 (1 - mu) - u2 (1 - mu)^2) / (1 - u1/3 - u2/6)`` with ``mu = sqrt(1 - b^2)``,
    equals the drawn depth; the exact injected depth is whatever batman gives.
    """
    period = float(np.exp(rng.uniform(*np.log(period_range))))
    depth = float(np.exp(rng.uniform(*np.log(depth_range))))
    rho = float(np.exp(rng.uniform(np.log(0.5), np.log(3.0))))
    teff = float(rng.uniform(4000.0, 6500.0))
    u1, u2 = quadratic_ld(teff)
    b = float(rng.uniform(0.0, 0.9))
    mu = np.sqrt(1.0 - b * b)
    ld = (1 - u1 * (1 - mu) - u2 * (1 - mu) ** 2) / (1 - u1 / 3 - u2 / 6)
    k = float(np.sqrt(depth / ld))
    sig = PlanetSignal(
        period=period,
        t0=t_start + rng.uniform(0.0, period),
        rp_rs=k,
        a_rs=max(a_rs_from_density(period=period, rho_star=rho), 1.5),
        impact=b,
        u=(u1, u2),
    )
    return PlanetDraw(signal=sig, source="loguniform", teff=teff)
