"""Sparse ground-based photometry: nightly windows, weather gaps, airmass trends, magnitudes
with heliocentric JDs, as a WASP- or HAT-like survey exports them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import starskope
from starskope.simulate.inject import PlanetSignal


def _magnitudes(path, t, mag, err):
    """Write ``HJD,mag,mag_err`` rows to ``path`` (a ground-based export)."""
    np.savetxt(
        path, np.c_[t, mag, np.full(t.size, err)], delimiter=",", header="HJD,mag,mag_err",
        comments="", fmt="%.6f",
    )  # fmt: skip
    return path


def _ground_based_table(path, *, rp_rs=0.1, seed=3):
    rng = np.random.default_rng(seed)
    nights = []
    for night in range(90):
        if rng.uniform() < 0.3:  # weather
            continue
        start = 2459000.6 + night + rng.normal(0, 0.02)
        nights.append(start + np.arange(0, 0.3, 5 / 1440))  # 7.2 h at 5-min cadence
    t = np.concatenate(nights)
    planet = PlanetSignal(period=3.1234, t0=2459001.3, rp_rs=max(rp_rs, 1e-3), a_rs=9.0, impact=0.2)
    model = planet.model(t, exptime=5 / 1440) if rp_rs > 0 else np.ones(t.size)
    airmass = 1 / np.cos(np.clip(np.abs((t % 1) - 0.75) * 2.5, 0, 1.2))
    flux = model * (1 - 0.01 * (airmass - 1)) * (1 + 0.003 * rng.standard_normal(t.size))
    return _magnitudes(path, t, 11.2 - 2.5 * np.log10(flux), 0.0033), planet


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_hot_jupiter_in_sparse_ground_based_magnitudes_is_found(tmp_path):
    path, planet = _ground_based_table(tmp_path / "wasp_like.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lc = starskope.read(path)
    assert any("magnitudes" in str(w.message) for w in caught)  # converted, and said so
    first = float(np.loadtxt(path, delimiter=",", skiprows=1, max_rows=1)[0])
    assert lc.bjd_offset + lc.t[0] == pytest.approx(first, abs=1e-5)  # full JDs kept
    result = starskope.analyse(lc)
    assert result.is_candidate
    best = result.candidates[0]
    assert best.period_days == pytest.approx(planet.period, rel=1e-3)
    assert best.depth_ppm == pytest.approx(1e6 * 0.012, rel=0.2)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_no_planet_is_claimed_in_ground_based_noise_and_airmass_alone(tmp_path):
    path, _ = _ground_based_table(tmp_path / "quiet.csv", rp_rs=0.0)
    result = starskope.analyse(starskope.read(path))
    assert not result.is_candidate


def _survey_table(path, *, seed, rp_rs=0.14):
    """An all-sky survey's light curve (ASAS-SN-, KELT-like): one or two points a night over
    900 nights, 1% noise, so that most transits hold a single point."""
    rng = np.random.default_rng(seed)
    nights = [
        2458000.6 + night + np.sort(rng.uniform(0, 0.3, rng.integers(1, 3)))
        for night in range(900)
        if rng.uniform() > 0.4
    ]
    t = np.concatenate(nights)
    planet = PlanetSignal(period=2.8724, t0=2458001.3, rp_rs=max(rp_rs, 1e-3), a_rs=8.0, impact=0.2)
    model = planet.model(t, exptime=2 / 1440) if rp_rs > 0 else np.ones(t.size)
    mag = 12.0 - 2.5 * np.log10(model * (1 + 0.01 * rng.standard_normal(t.size)))
    return _magnitudes(path, t, mag, 0.01), planet


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("seed", [4, 10, 11])
def test_a_hot_jupiter_in_a_sparse_survey_is_not_a_single_event(tmp_path, seed):
    """With a point or two a night, a transit is mostly one point: the few that hold two were
    the only "well-covered" ones, and the deeper of them took 98% of the squared depths, so a
    2% planet seen in 30 transits was called a single event. The transits count by their SNR
    when most in-transit points are in such slivers."""
    path, planet = _survey_table(tmp_path / f"survey{seed}.csv", seed=seed)
    result = starskope.analyse(starskope.read(path))
    best = result.candidates[0]
    assert best.period_days == pytest.approx(planet.period, rel=1e-3)
    single = next(v for v in best.vetting if v.name == "single_event")
    assert not single.raised, single.reason
    assert result.is_candidate
    # the same survey without the planet claims none
    quiet, _ = _survey_table(tmp_path / f"quiet{seed}.csv", seed=seed, rp_rs=0.0)
    assert not starskope.analyse(starskope.read(quiet)).is_candidate
