"""Valid but unusual light curves, each found by an audit where cleaning or detrending gave a
wrong answer: sparse survey sampling, magnitudes, large-amplitude variables, merged copies of a
light curve, fast rotators and a masked re-detrending that loses its footing."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.clean.detrend import flatten_arrays
from starskope.clean.masking import clean, clip_window, has_flux_level, sigma_clip_upper
from starskope.config import PipelineConfig
from starskope.exceptions import StarskopeWarning
from starskope.lightcurve import LightCurve, LightCurveMeta
from starskope.pipeline import _fits_as_well, analyse

CFG = PipelineConfig(annotate_known=False)


def _lc(t, f, fmt="btjd", **meta):
    return LightCurve(t, f, None, time_format=fmt, meta=LightCurveMeta(**meta))


def test_a_point_alone_in_its_window_is_not_its_own_trend(rng):
    """Sparse sampling (a point a night): a biweight of one point is that point, flattened to
    exactly 1; such points take the trend of their neighbours instead."""
    t = np.sort(2458000 + rng.uniform(0, 300, 400))
    f = 1 + 3e-3 * rng.standard_normal(t.size)
    trend = flatten_arrays(t, f, method="biweight", window=1.0)
    flat = f / trend
    assert np.mean(flat == 1.0) < 0.01
    assert np.std(flat) == pytest.approx(3e-3, rel=0.2)


def test_sparse_white_noise_is_no_candidate(rng):
    t = np.sort(2458000 + rng.uniform(0, 500, 800))
    r = analyse(_lc(t, 1 + 3e-3 * rng.standard_normal(t.size), fmt="jd"), CFG)
    assert not r.is_candidate


def test_magnitudes_in_memory_are_converted_not_clipped(rng):
    t = np.arange(0, 27, 30 / 1440)
    f = 1 + 3e-4 * rng.standard_normal(t.size)
    f[((t - 1.1) % 3.3) < 0.12] -= 3e-3
    mag = 12 - 2.5 * np.log10(f)
    with pytest.warns(StarskopeWarning, match="magnitudes converted"):
        c = clean(_lc(t, mag, flux_unit="mag"))
    assert c.t.size >= t.size - 3  # the transits (brightness minima) are not "upward outliers"
    np.testing.assert_allclose(np.median(c.flux), 1.0, atol=1e-4)
    assert c.flux.min() < 0.9975


def test_large_amplitude_variables_keep_their_flux_level(rng):
    t = np.arange(0, 27, 2 / 1440)
    f = (1 + 0.3 * np.sin(2 * np.pi * t / 3.7)) * (1 + 5e-4 * rng.standard_normal(t.size))
    assert has_flux_level(f)
    assert not has_flux_level(f - np.mean(f))  # offsets about zero still have none


def test_near_duplicate_times_are_one_cadence(rng):
    t = np.arange(0, 10, 30 / 1440)
    f = 1 + 3e-4 * rng.standard_normal(t.size)
    c = clean(_lc(np.r_[t, t + 1e-9], np.r_[f, f]))
    assert c.t.size == t.size


def test_fast_rotator_crests_are_not_clipped(rng):
    """A running median over half a day cuts every crest of a 0.9-d, 5 % modulation (a fifth
    of the cadences); a flare is still clipped."""
    t = np.arange(0, 80, 30 / 1440)
    f = (1 + 0.05 * np.sin(2 * np.pi * t / 0.9)) * (1 + 3e-4 * rng.standard_normal(t.size))
    f[500] += 0.02  # a flare
    w = clip_window(t, f)
    assert w < 0.5
    keep = sigma_clip_upper(t, f, window_days=w, white_floor=True)
    assert keep.sum() >= t.size - 5 and not keep[500]
    quiet = 1 + 3e-4 * rng.standard_normal(t.size)
    assert clip_window(t, quiet) == 0.5  # a quiet star keeps the half-day median
    assert clean(_lc(t, f)).t.size >= t.size - 5


def test_a_masked_redetrending_that_goes_wild_is_not_used(rng):
    first = 1 + 3e-4 * rng.standard_normal(2000)
    out = np.ones(2000, dtype=bool)
    assert _fits_as_well(first, first + 1e-5 * rng.standard_normal(2000), out)
    wild = first.copy()
    wild[100:120] += 0.1  # a trend extrapolated far from the data
    assert not _fits_as_well(first, wild, out)
