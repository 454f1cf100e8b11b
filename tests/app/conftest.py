"""Fixtures for the web-app tests: a small catalog with one real (synthetic-file) star."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from starskope.result import Candidate, StarResult, VetFlag


def write_synthetic(path: Path, *, seed: int = 1, period: float = 2.1, depth: float = 3e-3) -> Path:
    """A 12-day, 10-minute light curve with box transits (period ``period``, t0 = 0.7 d)."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 12.0, 10 / 1440)
    f = 1 + rng.normal(0, 5e-4, t.size)
    ph = ((t - 0.7 + 0.5 * period) % period) - 0.5 * period
    f[np.abs(ph) < 0.05] -= depth
    lines = [f"{a:.6f},{b:.7f},0.0005" for a, b in zip(t, f, strict=True)]
    path.write_text("time,flux,flux_err\n" + "\n".join(lines) + "\n")
    return path


def fake_result(i: int, *, mission: str, snr: float, flags=(), score=None) -> StarResult:
    """A stored-looking result whose light-curve file does not exist."""
    vet = tuple(VetFlag(f, True, 5.0, f"{f} raised.") for f in flags)
    c = Candidate(
        period_days=1.0 + i,
        t0=0.5,
        t0_format="btjd",
        t0_bjd=2457000.5,
        duration_hours=2.0,
        depth_ppm=100.0 * (i + 1),
        depth_ppm_err=10.0,
        snr=snr,
        sde=9.0,
        power=1.0,
        n_transits=4,
        vetting=vet,
        is_planet_like=not flags,
    )
    return StarResult(
        path=f"/nowhere/star{i}.fits",
        mission=mission,
        target=f"TIC {1000 + i}",
        candidates=(c,),
        is_candidate=not flags,
        score=score,
    )


@pytest.fixture
def make_result():
    """:func:`fake_result`, for tests that build their own catalog."""
    return fake_result


@pytest.fixture(scope="session")
def synthetic_file(tmp_path_factory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("lc") / "synthetic_star.csv")


@pytest.fixture(scope="session")
def catalog_file(tmp_path_factory, synthetic_file) -> Path:
    """A catalog: the analysed synthetic star plus three stored-only fakes."""
    from starskope.catalog import Catalog, StarRecord
    from starskope.io import read
    from starskope.pipeline import analyse

    res = analyse(read(synthetic_file))
    res = dataclasses.replace(res, path=str(synthetic_file), target="SYN 1", mission="TESS")
    records = [
        StarRecord(str(synthetic_file), res),
        StarRecord("/nowhere/star1.fits", fake_result(1, mission="Kepler", snr=8.0, score=0.2)),
        StarRecord(
            "/nowhere/star2.fits",
            fake_result(2, mission="K2", snr=50.0, flags=("odd_even",), score=0.6),
        ),
        StarRecord(
            "/nowhere/star3.fits",
            fake_result(3, mission="TESS", snr=12.0, flags=("secondary", "v_shape"), score=0.9),
        ),
    ]
    f = tmp_path_factory.mktemp("cat") / "results.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=["x"])
        cat.write(records, run_id=run)
    return f
