"""Noise backgrounds for injection: real light curves (non-hosts) and simulated stars.

Real backgrounds are the labelled non-hosts of ``../shared/data`` and ``bulk`` (quiet stars and
variables; eclipsing binaries, false positives, candidates and hosts are left out so that an
uninjected background holds no transit). Each background is normalised (flux / median), cut to
a window of the wanted length at a random offset, and flagged cadences are dropped.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError
from ..lightcurve import LightCurve, LightCurveMeta
from .noise import LONG_CADENCE_DAYS, draw_star_params, simulate_noise

__all__ = [
    "BACKGROUND_KINDS",
    "Background",
    "real_background",
    "real_background_files",
    "shared_data_dir",
    "simulated_background",
    "white_background",
]

_EXCLUDE = ("eclipsing", "false_positive", "blend", "candidate", "host", "substellar", "unknown")


@dataclass(frozen=True)
class Background:
    """A noise light curve (relative flux around 1) and where it came from."""

    lc: LightCurve
    source: str


def shared_data_dir() -> Path:
    """``$STARSKOPE_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    env = os.environ.get("STARSKOPE_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


def real_background_files(*, missions=("K2",), root=None) -> list[Path]:
    """Non-host light curves usable as backgrounds, from ``labels.csv`` and ``bulk/labels.csv``."""
    root = shared_data_dir() if root is None else Path(root)
    out = []
    for base in (root, root / "bulk"):
        labels = base / "labels.csv"
        if not labels.exists():
            continue
        with labels.open(newline="") as fh:
            for row in csv.DictReader(fh):
                if row["mission"] not in missions or row["is_planet_host"].strip() != "0":
                    continue
                if any(x in row["label_class"] for x in _EXCLUDE):
                    continue
                if not row["file"].endswith((".fits", ".fits.gz")):
                    continue
                out.append(base / row["file"])
    return sorted(out)


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
    t, f, _ = _load(path)
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
    return Background(lc=lc, source=f"real:{path.name}")


def simulated_background(
    *, rng: np.random.Generator, n_points: int = 3197, cadence_days: float = LONG_CADENCE_DAYS
) -> Background:
    """A simulated K2-like star (:mod:`.noise`), relative flux, gaps removed."""
    t = np.arange(n_points) * cadence_days
    params = draw_star_params(rng)
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
