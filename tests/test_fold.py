"""Phase folding, binning and the fixed-length views (starskope.fold)."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.fold import (
    FoldedLightCurve,
    Views,
    bin_phase,
    fold,
    global_view,
    local_view,
    make_views,
    normalize_view,
    odd_view,
    phase_fold,
    secondary_view,
    transit_number,
)
from starskope.lightcurve import LightCurve

P, T0, DUR = 3.2, 1.1, 0.12


def box_lc(rng, *, depth=2e-3, odd_depth=None, secondary=0.0, noise=2e-4, span=40.0, cad=0.01):
    """Box transits at (P, T0); odd transits get ``odd_depth``; a dip of ``secondary`` at 0.5."""
    t = np.arange(0.0, span, cad)
    ph = phase_fold(t, period=P, t0=T0)
    n = transit_number(t, period=P, t0=T0)
    flux = 1.0 + rng.normal(0.0, noise, t.size)
    intr = np.abs(ph) < DUR / 2
    dep = np.where(n % 2 == 1, depth if odd_depth is None else odd_depth, depth)
    flux[intr] -= dep[intr]
    ph2 = phase_fold(t, period=P, t0=T0 + P / 2)
    flux[np.abs(ph2) < DUR / 2] -= secondary
    return t, flux


def test_phase_fold_range_and_centre():
    t = np.linspace(-10, 50, 10001)
    ph = phase_fold(t, period=P, t0=T0)
    assert ph.min() >= -P / 2 and ph.max() < P / 2
    np.testing.assert_allclose(
        phase_fold([T0, T0 + 5 * P, T0 - 2 * P], period=P, t0=T0), 0.0, atol=1e-12
    )
    # a point just before the next transit is at small negative phase
    assert phase_fold([T0 + P - 0.01], period=P, t0=T0)[0] == pytest.approx(-0.01)


def test_phase_fold_accepts_quantities():
    a = phase_fold([5.0], period=P * u.day, t0=T0 * 24 * u.hour)
    b = phase_fold([5.0], period=P, t0=T0)
    np.testing.assert_allclose(a, b)
    with pytest.raises(u.UnitsError):
        phase_fold([5.0], period=3 * u.m, t0=T0)
    with pytest.raises(StarskopeError, match="period"):
        phase_fold([5.0], period=0.0, t0=T0)


def test_transit_number_parity():
    t = T0 + P * np.array([-1, 0, 1, 2, 3]) + 0.01
    np.testing.assert_array_equal(transit_number(t, period=P, t0=T0), [-1, 0, 1, 2, 3])


def test_fold_lightcurve(rng):
    t, flux = box_lc(rng)
    flux[5] = np.nan
    lc = LightCurve(t, flux, time_format="btjd")
    f = lc.fold(period=P * u.day, epoch=T0)
    assert isinstance(f, FoldedLightCurve)
    assert len(f) == t.size - 1
    assert np.all(np.diff(f.phase) >= 0)
    assert f.period == P and f.epoch == T0 and f.time_format == "btjd"
    assert f.odd.sum() + f.even.sum() == len(f)
    # in-transit points are the low ones
    intr = np.abs(f.phase) < DUR / 2
    assert np.median(f.flux[intr]) < np.median(f.flux[~intr]) - 1e-3


def test_fold_epoch_as_time_and_full_bjd(rng):
    t, flux = box_lc(rng)
    lc = LightCurve(t, flux, time_format="btjd")
    a = fold(lc, period=P, epoch=Time(T0 + 2457000.0, format="jd", scale="tdb"))
    assert a.epoch == pytest.approx(T0, abs=1e-6)
    with pytest.warns(StarskopeWarning, match="full BJD"):
        b = fold(lc, period=P, epoch=T0 + 2457000.0)
    assert b.epoch == pytest.approx(T0, abs=1e-6)


def test_bin_phase_matches_slow_loop(rng):
    x = rng.uniform(-1, 1, 5000)
    y = rng.normal(size=5000)
    mean, count = bin_phase(x, y, lo=-1.0, hi=1.0, n_bins=37)
    edges = np.linspace(-1, 1, 38)
    for i in range(37):
        sel = (x >= edges[i]) & (x < edges[i + 1])
        assert count[i] == sel.sum()
        assert mean[i] == pytest.approx(y[sel].mean(), abs=1e-12)


def test_bin_phase_overlapping_bins_and_empty():
    x = np.array([0.0, 0.1, 0.2, 0.9])
    y = np.array([1.0, 2.0, 3.0, 4.0])
    mean, count = bin_phase(x, y, lo=0.0, hi=1.0, n_bins=4, bin_width=0.5)
    # centres 0.125, 0.375, 0.625, 0.875, each +-0.25
    np.testing.assert_array_equal(count, [3, 1, 0, 1])
    assert mean[0] == pytest.approx(2.0)
    m2, c2 = bin_phase(x, y, lo=0.0, hi=1.0, n_bins=4)
    np.testing.assert_array_equal(c2, [3, 0, 0, 1])
    assert np.isnan(m2[1]) and m2[3] == 4.0


def test_normalize_view_guards_zero_depth():
    flat = normalize_view(np.ones(10))
    assert np.all(flat == 0) and np.all(np.isfinite(flat))


def test_views_shapes_normalisation_and_nan_free(rng):
    t, flux = box_lc(rng, depth=2e-3, odd_depth=1e-3, secondary=5e-4)
    v = make_views(t, flux, period=P, t0=T0, duration=DUR)
    assert isinstance(v, Views)
    assert v.global_.shape == (2001,) and v.local.shape == (201,)
    for arr in v.as_dict().values():
        assert np.all(np.isfinite(arr))
    assert v.local.min() == pytest.approx(-1.0)
    assert v.global_.min() == pytest.approx(-1.0)
    assert abs(np.median(v.local[:40])) < 0.1 and abs(np.median(v.global_)) < 0.05
    assert v.depth == pytest.approx(1.5e-3, rel=0.15)  # mean of 2e-3 (even) and 1e-3 (odd)
    # odd/even/secondary share the local view's scale: relative depths survive
    assert v.even[100] == pytest.approx(-2e-3 / v.depth, abs=0.2)
    assert v.odd[100] == pytest.approx(-1e-3 / v.depth, abs=0.2)
    assert v.secondary[100] == pytest.approx(-5e-4 / v.depth, abs=0.2)
    # the transit sits in the middle of the local view and spans ~1/4 of it
    low = np.flatnonzero(v.local < -0.5)
    assert 100 - 30 < low.min() and low.max() < 100 + 30


def test_views_with_sparse_data_interpolate(rng):
    # 30-minute cadence, few transits: many empty bins, still NaN-free
    t, flux = box_lc(rng, cad=29.4 / 1440, span=20.0)
    v = make_views(t, flux, period=P, t0=T0, duration=DUR)
    for arr in v.as_dict().values():
        assert np.all(np.isfinite(arr))


def test_single_transit_gives_zero_odd_view(rng):
    t, flux = box_lc(rng, span=3.0)  # only transit 0 (even)
    v = make_views(t, flux, period=P, t0=T0, duration=DUR)
    assert np.all(v.odd == 0)
    assert v.even.min() < -0.5


def test_view_functions_agree_with_make_views(rng):
    t, flux = box_lc(rng)
    v = make_views(t, flux, period=P, t0=T0, duration=DUR)
    np.testing.assert_allclose(global_view(t, flux, period=P, t0=T0), v.global_)
    np.testing.assert_allclose(local_view(t, flux, period=P, t0=T0, duration=DUR), v.local)
    assert odd_view(t, flux, period=P, t0=T0, duration=DUR).shape == (201,)
    assert secondary_view(t, flux, period=P, t0=T0, duration=DUR).shape == (201,)


def test_views_bad_input():
    with pytest.raises(StarskopeError, match="duration"):
        make_views(np.arange(10.0), np.ones(10), period=2.0, t0=0.0, duration=0.0)
    with pytest.raises(StarskopeError, match="finite"):
        make_views(np.arange(3.0), np.full(3, np.nan), period=2.0, t0=0.0, duration=0.1)


def test_views_of_a_two_minute_sector(rng):
    """(Their speed is measured in benchmarks/bench_vetting.py, not in a timed test.)"""
    t, flux = box_lc(rng, span=27.0, cad=2 / 1440)  # a TESS 2-minute sector
    views = make_views(t, flux, period=P, t0=T0, duration=DUR)
    assert np.isfinite(views.local).all() and views.local.min() < views.local.max()


def test_an_epoch_in_another_time_system_is_refused_not_folded_off_phase():
    import starskope
    from starskope.vet import vet_candidate

    t = 1000.0 + np.arange(0, 27, 2 / 1440)
    f = np.ones(t.size)
    f[np.abs((t - 1001.0 + 1.6) % 3.2 - 1.6) < 0.05] -= 2e-3
    lc = starskope.LightCurve(t, f, time_format="btjd")
    with pytest.raises(StarskopeError, match="another time system"):
        vet_candidate(t, f, None, period=3.2, t0=2458001.0, duration=0.1, depth=2e-3)
    with pytest.raises(StarskopeError, match="another time system"):
        lc.to_bjd().fold(period=3.2, epoch=1001.0)  # a BTJD epoch on BJD times
    folded = lc.to_bjd().fold(period=3.2, epoch=2458001.0)
    assert np.median(folded.flux[np.abs(folded.phase) < 0.02]) < 0.999
    # an MJD epoch (JD - 2400000.5) for BTJD or BKJD times is 150 years off: it was folded
    # 1.4 d off phase 0 without a word (a Python-API audit); injected the same
    for times in (lc, starskope.LightCurve(t - 1000 + 120, f, time_format="bkjd")):
        with pytest.raises(StarskopeError, match="an MJD"):
            times.fold(period=3.2, epoch=58000.7)
    from starskope.simulate import PlanetSignal, inject

    with pytest.raises(StarskopeError, match="another time system"):
        inject(lc, PlanetSignal(period=3.2, t0=58000.7, rp_rs=0.05, a_rs=10.0, impact=0.1))


def test_plots_fold_a_candidate_in_the_light_curves_own_system(tmp_path):
    import dataclasses

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from starskope.plotting import _epoch_in, plot_folded
    from starskope.result import Candidate

    t = 1000.0 + np.arange(0, 27, 10 / 1440)
    lc = LightCurve(t, np.ones(t.size), time_format="btjd")
    c = Candidate(
        period_days=3.2, t0=1001.0, t0_format="btjd", t0_bjd=2458001.0, duration_hours=2.4,
        depth_ppm=2000.0, depth_ppm_err=50.0, snr=20.0, sde=15.0, power=1.0, n_transits=8,
    )  # fmt: skip
    assert _epoch_in(lc, c) == 1001.0
    assert _epoch_in(lc.to_bjd(), c) == pytest.approx(2458001.0, rel=0, abs=1e-5)
    assert _epoch_in(lc, dataclasses.replace(c, t0_bjd=None)) == 1001.0
    fig, ax = plt.subplots()
    plot_folded(lc.to_bjd(), candidate=c, ax=ax)
    plt.close(fig)


def test_a_nan_epoch_is_refused():
    """lc.fold(epoch=nan) gave all-NaN phases with numpy's RuntimeWarning."""
    lc = LightCurve(np.arange(0.0, 10.0, 0.02), np.ones(500), time_format="btjd")
    with pytest.raises(StarskopeError, match="epoch must be a finite time"):
        lc.fold(period=3.3, epoch=np.nan)
