"""Detrending: every registered method preserves a transit depth; masking helps; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from starskope import LightCurve, StarskopeError
from starskope.clean import DETRENDERS, flatten, suggest_window, transit_mask


def _lc(rng, *, amp=0.01, prot=5.0, depth=2e-3, noise=2e-4):
    t = np.arange(0.0, 30.0, 30.0 / 1440.0)
    inn = transit_mask(t, period=4.3, t0=1.2, duration=0.12)
    flux = (1 + amp * np.sin(2 * np.pi * t / prot)) * (1 - depth * inn)
    flux = flux + rng.normal(0, noise, t.size)
    return LightCurve(t, flux, time_format="relative"), inn


@pytest.mark.parametrize("method", ["biweight", "savgol", "spline", "localpoly"])
def test_detrending_preserves_transit_depth(rng, method):
    lc, inn = _lc(rng, amp=0.004)
    res = flatten(lc, method=method, window=0.75)
    f = res.lightcurve.flux
    depth = np.median(f[~inn]) - np.mean(f[inn])
    assert depth == pytest.approx(2e-3, rel=0.15)
    # the rotation signal (1% amplitude) is gone
    assert np.std(f[~inn]) < 5e-4
    assert res.trend.shape == lc.flux.shape and np.all(np.isfinite(res.trend))
    assert res.method == method and res.window == 0.75


def test_masked_redetrending_recovers_depth_better(rng):
    lc, inn = _lc(rng, amp=0.02, prot=1.5, depth=3e-3)
    plain = flatten(lc, method="biweight", window=0.5).lightcurve.flux
    masked = flatten(lc, method="biweight", window=0.5, transit_mask=inn).lightcurve.flux
    d_plain = np.median(plain[~inn]) - np.mean(plain[inn])
    d_mask = np.median(masked[~inn]) - np.mean(masked[inn])
    assert abs(d_mask - 3e-3) < abs(d_plain - 3e-3)
    assert d_mask == pytest.approx(3e-3, rel=0.15)


def test_none_and_registry():
    assert set(DETRENDERS) >= {"biweight", "savgol", "spline", "none"}
    lc = LightCurve(np.arange(100.0) * 0.02, np.ones(100) * 2, time_format="relative")
    assert np.allclose(flatten(lc, method="none").lightcurve.flux, 2.0)
    with pytest.raises(StarskopeError, match="unknown detrending method 'gp'"):
        flatten(lc, method="gp")
    with pytest.raises(StarskopeError, match="window must be positive"):
        flatten(lc, window=-1)


def test_suggest_window_shortens_for_fast_rotators(rng):
    quiet, _ = _lc(rng, amp=0.0)
    active, _ = _lc(rng, amp=0.03, prot=1.0)
    w_quiet = suggest_window(quiet.t, quiet.flux, max_duration=8 / 24)
    w_active = suggest_window(active.t, active.flux, max_duration=8 / 24)
    assert w_quiet == pytest.approx(1.0)
    assert 0.25 <= w_active < 0.6


@pytest.mark.filterwarnings("error::UserWarning")
def test_a_fully_masked_window_is_interpolated_silently(rng):
    """A masked stretch longer than the biweight window leaves wotan without points there: the
    trend is interpolated across it, with no warning (a scan would print one per star)."""
    lc, _ = _lc(rng, amp=0.004)
    mask = (lc.t > 10.0) & (lc.t < 11.5)
    res = flatten(lc, method="biweight", window=0.5, transit_mask=mask)
    assert np.all(np.isfinite(res.trend)) and np.all(np.isfinite(res.lightcurve.flux))
