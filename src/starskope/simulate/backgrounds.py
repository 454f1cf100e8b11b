"""Noise backgrounds for injection: real light curves (non-hosts) and simulated stars.

Real backgrounds are the labelled non-hosts of ``../shared/data`` and ``bulk`` (quiet stars and
variables; eclipsing binaries, false positives and candidates are left out so that an uninjected
background holds no transit), plus Kepler planet hosts with every known KOI transit masked
(ephemerides ``koi_period``, ``koi_time0bk``, ``koi_duration`` from the KOI cumulative table; a
window of twice the duration is cut). Each background is normalised (flux / median), cut to a
window of the wanted length at a random offset, and flagged cadences are dropped.
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
from .inject import mask_transits
from .noise import LONG_CADENCE_DAYS, draw_field_star_params, simulate_noise

__all__ = [
    "BACKGROUND_KINDS",
    "Background",
    "known_ephemerides",
    "real_background",
    "real_background_files",
    "shared_data_dir",
    "simulated_background",
    "white_background",
]

_EXCLUDE = ("eclipsing", "false_positive", "blend", "candidate", "substellar", "unknown", "alarm")


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


def real_background_files(*, missions=("K2",), root=None, hosts: bool = True) -> list[Path]:
    """Light curves usable as backgrounds, from ``labels.csv`` and ``bulk/labels.csv``.

    Non-hosts (without eclipsing binaries, false positives, candidates), and with ``hosts``
    also Kepler hosts whose KOI ephemerides are known (their transits are masked on loading).
    """
    root = shared_data_dir() if root is None else Path(root)
    out = []
    for base in (root, root / "bulk"):
        labels = base / "labels.csv"
        if not labels.exists():
            continue
        with labels.open(newline="") as fh:
            for row in csv.DictReader(fh):
                if row["mission"] not in missions:
                    continue
                if not row["file"].endswith((".fits", ".fits.gz")):
                    continue
                flag = row["is_planet_host"].strip()
                if flag == "1":
                    if not (hosts and known_ephemerides(row["catalog_id"])):
                        continue
                elif flag != "0" or any(x in row["label_class"] for x in _EXCLUDE):
                    continue
                out.append(base / row["file"])
    return sorted(out)


@functools.cache
def _koi_table():
    import pandas as pd

    from .population import _find

    cols = ["kepid", "koi_period", "koi_time0bk", "koi_duration"]
    return pd.read_csv(
        _find("nasa_exoplanet_archive_koi_cumulative_*.csv*"), comment="#", usecols=cols
    ).dropna()


def known_ephemerides(catalog_id: str) -> tuple[tuple[float, float, float], ...]:
    """``(period, t0_bkjd, duration_days)`` of every KOI of a ``"KIC <n>"`` star (else empty)."""
    cid = (catalog_id or "").strip()
    if not cid.upper().startswith("KIC"):
        return ()
    try:
        kic = int(cid.split()[-1])
        koi = _koi_table()
    except (ValueError, StarskopeError):
        return ()
    rows = koi[koi["kepid"] == kic]
    return tuple(
        (float(p), float(t0), float(d) / 24.0)
        for p, t0, d in zip(rows.koi_period, rows.koi_time0bk, rows.koi_duration, strict=True)
    )


def _catalog_id(path: Path) -> str:
    """``KIC <n>`` from an official Kepler file name (``kplr<KIC>-...``), else ``""``."""
    name = path.name
    if name.startswith("kplr"):
        digits = name[4:13]
        if digits.isdigit():
            return f"KIC {int(digits)}"
    return ""


def _read_fits_minimal(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """time, flux, quality from Kepler/K2 (PDCSAP), K2SC (PDC ``flux``) or lightkurve FITS."""
    from astropy.io import fits

    with fits.open(path, memmap=False) as hdul:
        for hdu in hdul[1:]:
            if not isinstance(hdu, fits.BinTableHDU):
                continue
            names = {n.upper(): n for n in hdu.columns.names}
            for fcol in ("PDCSAP_FLUX", "FLUX"):
                if fcol in names and "TIME" in names:
                    d = hdu.data
                    q = names.get("SAP_QUALITY") or names.get("QUALITY")
                    qual = np.asarray(d[q], dtype=np.int64) if q else np.zeros(len(d), np.int64)
                    return (
                        np.asarray(d[names["TIME"]], dtype=float),
                        np.asarray(d[names[fcol]], dtype=float),
                        qual,
                    )
    raise StarskopeError("no TIME and flux columns found", path=str(path))


def _load(path: Path) -> tuple[np.ndarray, np.ndarray, str]:
    try:
        from ..io import read  # the project's reader, when present
    except ImportError:
        read = None
    if read is not None:
        lc = read(path)
        good = np.isfinite(lc.t) & np.isfinite(lc.flux) & (lc.quality == 0)
        return lc.t[good], lc.flux[good], lc.meta.mission or "?"
    t, f, q = _read_fits_minimal(path)
    good = np.isfinite(t) & np.isfinite(f) & (q == 0)
    return t[good], f[good], "?"


def real_background(
    path, *, rng: np.random.Generator, n_points: int | None = 3197, min_points: int = 500
) -> Background:
    """A window of ``n_points`` consecutive cadences of a real light curve, normalised to 1.

    Times become relative days from the window's first cadence.
    """
    path = Path(path)
    t, f, mission = _load(path)
    eph = known_ephemerides(_catalog_id(path))
    masked = 0
    if eph:
        if mission not in ("Kepler", "?"):
            raise StarskopeError("known ephemerides are for Kepler BKJD times", path=str(path))
        m = mask_transits(
            t,
            periods=[e[0] for e in eph],
            t0s=[e[1] for e in eph],
            durations=[e[2] for e in eph],
            pad=2.0,
        )
        t, f, masked = t[~m], f[~m], int(m.sum())
    if t.size < min_points:
        raise StarskopeError(f"only {t.size} good cadences; need {min_points}", path=str(path))
    order = np.argsort(t)
    t, f = t[order], f[order]
    cad = float(np.median(np.diff(t)))
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
