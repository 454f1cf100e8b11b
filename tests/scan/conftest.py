"""Fixtures for scan tests: one shared local Dask cluster, small generated Kaggle tables."""

from __future__ import annotations

import logging

import cloudpickle
import numpy as np
import pytest

from starskope.io.kaggle import write_kaggle

from . import _fakes

cloudpickle.register_pickle_by_value(_fakes)

N_FLUX = 300  # a few hundred points per star keeps the tests fast


@pytest.fixture(scope="module")
def scheduler():
    """Address of a one-worker LocalCluster shared by a test module (the --scheduler path)."""
    dask = pytest.importorskip("dask")
    from distributed import LocalCluster

    from starskope.scan.runner import _CLUSTER_CONFIG

    with dask.config.set(_CLUSTER_CONFIG):
        cluster = LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never clash with another cluster
            silence_logs=logging.ERROR,
        )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def make_flux(
    n_stars: int, *, seed: int = 0, n_flux: int = N_FLUX
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded noise around a per-star level, with box transits in every third star."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(50, 500, size=(n_stars, 1))
    flux = level * (1 + 1e-3 * rng.standard_normal((n_stars, n_flux)))
    labels = np.ones(n_stars, dtype=int)
    t = np.arange(n_flux)
    for i in range(0, n_stars, 3):
        period = rng.integers(40, 90)
        flux[i, (t % period) < 4] *= 0.99
        labels[i] = 2
    return flux, labels


@pytest.fixture
def kaggle_table(tmp_path):
    """A 40-star Kaggle-layout table of 300 points per star."""
    flux, labels = make_flux(40)
    return write_kaggle(tmp_path / "stars.csv", flux, labels)
