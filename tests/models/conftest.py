"""Tiny labelled raw-flux data sets for the model tests (seeded, built in memory)."""

from __future__ import annotations

import numpy as np
import pytest


def make_flux(n_stars: int, n_hosts: int, n_points: int, *, seed: int, depth: float = 4.0):
    """White noise around 1000 e-/s; hosts get periodic box transits ``depth`` sigma deep."""
    rng = np.random.default_rng(seed)
    flux = 1000.0 + rng.normal(0.0, 1.0, size=(n_stars, n_points))
    flux += 0.5 * np.sin(np.arange(n_points)[None, :] / rng.uniform(50, 400, (n_stars, 1)))
    y = np.zeros(n_stars, dtype=int)
    y[:n_hosts] = 1
    t = np.arange(n_points)
    transits = np.zeros((n_stars, n_points), dtype=bool)
    for i in range(n_hosts):
        period = rng.uniform(60, 200)
        t0 = rng.uniform(0, period)
        dur = rng.integers(6, 12)
        transits[i] = ((t - t0) % period) < dur
        flux[i, transits[i]] -= depth
    order = rng.permutation(n_stars)
    return flux[order], y[order], transits[order]


@pytest.fixture
def tiny_flux():
    return make_flux(120, 30, 1000, seed=1)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """One OpenMP/BLAS thread: the shared 2-core machine makes thread pools much slower."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield
