"""The local-polynomial detrending kernel against its NumPy reference; active-star behaviour."""

from __future__ import annotations

import numpy as np
import pytest

from starskope import LightCurve
from starskope.clean import flatten, transit_mask
from starskope.clean._kernels import (
    local_harmonic_trend,
    local_harmonic_trend_slow,
    local_poly_trend,
    local_poly_trend_slow,
)


def test_numba_matches_numpy_reference(rng):
    t = np.sort(rng.uniform(0, 5, 400))
    f = 1 + 0.01 * np.sin(2 * np.pi * t / 1.3) + rng.normal(0, 5e-4, t.size)
    use = np.ones(t.size, dtype=bool)
    use[100:110] = False
    fast = local_poly_trend(t, f, use, 0.75, 0.0625, 3, 6, 6.0)
    slow = local_poly_trend_slow(t, f, use, 0.75, 0.0625, degree=3, n_iter=6, cval=6.0)
    assert np.allclose(fast, slow, atol=2e-5)


@pytest.mark.parametrize("n_harm, evolve", [(3, True), (2, False), (0, False)])
def test_harmonic_kernel_matches_numpy_reference(rng, n_harm, evolve):
    t = np.sort(rng.uniform(0, 8, 500))
    f = 1 + 0.01 * np.sin(2 * np.pi * t / 0.9) + 0.003 * np.cos(4 * np.pi * t / 0.9)
    f += rng.normal(0, 5e-4, t.size)
    f[200:206] -= 4e-3  # a dip the reweighting must push out
    use = np.ones(t.size, dtype=bool)
    use[300:310] = False
    args = (t, f, use, 2.7, 0.225, 2, 0.9, n_harm, evolve, 6, 6.0, 5)
    fast = local_harmonic_trend(*args)
    slow = local_harmonic_trend_slow(*args)
    assert np.isfinite(fast).all()
    np.testing.assert_allclose(fast, slow, atol=1e-8)


@pytest.mark.parametrize("kernel", [local_harmonic_trend, local_harmonic_trend_slow])
def test_harmonic_kernel_never_extrapolates_a_node_past_its_data(rng, kernel):
    """A day of sparse usable data (every tenth cadence, as between momentum dumps) leaves its
    nodes without enough points on each side; the points there take the neighbouring nodes'
    models, which must stay within their own data's reach instead of running off as cubics
    (a 7% excursion erased a transit of TOI-200 in TESS sector 1 with every seventh cadence
    missing)."""
    t = np.arange(0, 6, 2 / 1440)
    truth = 1 + 0.01 * np.sin(2 * np.pi * t / 1.5 + 0.3)
    f = truth + rng.normal(0, 3e-4, t.size)
    use = np.ones(t.size, dtype=bool)
    sparse = (t > 2.2) & (t < 3.4)
    use[sparse] = np.arange(t.size)[sparse] % 10 == 0
    trend = kernel(t, f, use, 0.75, 0.0625, 3, 1.5, 0, False, 6, 6.0, 67)
    assert np.isfinite(trend).all()
    # before: 2.6% in the sparse day (over twice the modulation) and 1.3% beside it
    assert np.max(np.abs(trend - truth)[sparse]) < 0.008
    assert np.max(np.abs(trend - truth)[~sparse]) < 2e-3


def test_localpoly_keeps_transit_on_fast_rotator(rng):
    # 2.85-day rotation at 2 % plus a harmonic, a 3.2-hour, 3 ppt transit: the DS Tuc A regime
    t = np.arange(0, 27, 10 / 1440)
    inn = transit_mask(t, period=8.14, t0=2.0, duration=0.133)
    spots = 1 + 0.02 * np.sin(2 * np.pi * t / 2.85) + 0.008 * np.sin(4 * np.pi * t / 2.85 + 1)
    f = spots * (1 - 3e-3 * inn) + rng.normal(0, 3e-4, t.size)
    lc = LightCurve(t, f, time_format="relative")

    def measure(method, window):
        flat = flatten(lc, method=method, window=window).lightcurve.flux
        return np.median(flat[~inn]) - np.mean(flat[inn]), np.std(flat[~inn])

    depth, scatter = measure("localpoly", 0.75)
    assert depth == pytest.approx(3e-3, rel=0.1)
    assert scatter < 1.5 * 3e-4  # rotation removed down to about the white noise
    # the biweight either leaves the rotation (long window) or eats the transit (short one)
    assert measure("biweight", 1.0)[1] > 5 * 3e-4
    assert measure("biweight", 0.25)[0] < 0.5 * 3e-3


def test_localpoly_keeps_deep_transit_on_quiet_star(rng):
    # K2-140 b regime: a 1.5 % deep, 3.5-hour transit at 29.4-min cadence fills a fifth of a
    # 0.75-day window; a least-squares start let the cubic follow it down (trend 0.7 % low)
    t = np.arange(0, 20, 29.4 / 1440)
    inn = transit_mask(t, period=6.57, t0=2.0, duration=3.5 / 24)
    f = 1 - 0.015 * inn + rng.normal(0, 1e-4, t.size)
    use = np.ones(t.size, dtype=bool)
    for kernel in (local_poly_trend, local_poly_trend_slow):
        trend = kernel(t, f, use, 0.75, 0.0625, 3, 6, 6.0)
        assert np.max(np.abs(trend - 1)) < 5e-4


def test_early_stop_moves_the_trend_by_a_fraction_of_the_noise(rng):
    # a spotted star (3.1-d rotation, 1% and 0.4% harmonics) with 300-ppm noise and a transit
    t = np.arange(3197) * 0.0204
    f = 1 + 0.01 * np.sin(2 * np.pi * t / 3.1) + 0.004 * np.sin(4 * np.pi * t / 3.1 + 1)
    f += rng.normal(0, 3e-4, t.size)
    f[1500:1506] -= 1e-3
    use = np.ones(t.size, dtype=bool)
    cases = [
        (local_harmonic_trend, local_harmonic_trend_slow,
         (t, f, use, 9.3, 9.3 / 12, 2, 3.1, 2, True, 6, 6.0, 25)),
        (local_poly_trend, local_poly_trend_slow, (t, f, use, 0.75, 0.0625, 3, 6, 6.0)),
    ]  # fmt: skip
    for fast, slow, args in cases:
        every = fast(*args, 0.0)  # tol 0: all six reweighting iterations
        early = fast(*args)  # the default tolerance
        assert np.isfinite(early).all()
        moved = np.max(np.abs(early - every)) / 3e-4
        assert 0 < moved < 0.05  # it does stop early, and by a small fraction of the noise
        # the NumPy references take the same tolerance and agree with the kernels both ways
        np.testing.assert_allclose(slow(*args, tol=0.0), every, atol=1e-7)
        np.testing.assert_allclose(slow(*args), early, atol=1e-7)
