"""Fixtures for the report tests: a synthetic transiting star written as a CSV file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


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


@pytest.fixture(scope="session")
def synthetic_file(tmp_path_factory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("lc") / "synthetic_star.csv")


@pytest.fixture(scope="session")
def synthetic_analysis(synthetic_file):
    from starskope.io import read
    from starskope.pipeline import analyse_full

    return analyse_full(read(synthetic_file))
