"""Gaps filled by a constant or a straight line (tables without NaNs) are not measurements."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.clean.masking import clean, filled_runs
from starskope.io.kaggle import iter_kaggle, write_kaggle
from starskope.lightcurve import LightCurve

CAD = 29.4244 / 1440.0


def _noise(seed, n=3197, level=5000.0, ppm=300.0):
    rng = np.random.default_rng(seed)
    return np.arange(n) * CAD, level * (1 + ppm * 1e-6 * rng.standard_normal(n))


def _bridge(f, s, length, kind):
    f = f.copy()
    if kind == "linear":
        f[s : s + length] = np.linspace(f[s - 1], f[s + length], length + 2)[1:-1]
    else:  # constant: the last value before the gap, repeated
        f[s : s + length] = f[s - 1]
    return f


@pytest.mark.parametrize("kind", ["linear", "constant"])
def test_filled_runs_finds_bridges_and_nothing_else(kind):
    t, f = _noise(1)
    g = _bridge(_bridge(f, 400, 120, kind), 2000, 25, kind)
    found = filled_runs(t, g)
    want = np.zeros(t.size, dtype=bool)
    want[400:520] = want[2000:2025] = True
    if kind == "constant":  # the repeated value is where the fill began
        want[399] = want[1999] = True
    assert np.array_equal(found, want)
    # shorter than the minimum run: left alone
    assert not filled_runs(t, _bridge(f, 900, 8, kind)).any()
    assert not filled_runs(t, f).any()


def test_filled_runs_at_the_kaggle_files_two_decimals():
    """Kaggle rows hold two decimals: a rounded bridge is still found, and rounded noise is
    not taken for one."""
    t, f = _noise(2, level=80.0, ppm=2000.0)  # noise 0.16 per cadence, quantum 0.01
    g = np.round(_bridge(f, 1000, 60, "linear"), 2)
    found = filled_runs(t, g)
    assert found[1000:1060].all() and found.sum() <= 62  # a rounded anchor may sit on the line
    assert not filled_runs(t, np.round(f, 2)).any()


def test_filled_runs_leaves_quantised_and_degenerate_data_alone():
    rng = np.random.default_rng(3)
    t = np.arange(3000) * CAD
    counts = rng.poisson(4.0, t.size).astype(float)  # noise about the quantum: cannot tell
    assert not filled_runs(t, counts).any()
    assert not filled_runs(t, np.r_[np.ones(1500), np.ones(1500) * 2.0]).any()
    t2, f = _noise(4)
    mostly = _bridge(f, 100, 2800, "linear")  # fills would be most of the data
    assert not filled_runs(t2, mostly).any()
    # uneven sampling: a bridge is a line in time, not in index
    tu = np.cumsum(rng.uniform(0.5, 1.5, 400)) * CAD
    fu = 1 + 1e-3 * rng.standard_normal(400)
    fu[100:150] = np.interp(tu[100:150], [tu[99], tu[150]], [fu[99], fu[150]])
    assert filled_runs(tu, fu)[100:150].all() and filled_runs(tu, fu).sum() == 50


def test_clean_drops_fills_and_says_how_many(tmp_path):
    t, f = _noise(5)
    g = _bridge(f, 1500, 100, "constant")
    out = clean(LightCurve(t, g, time_format="relative"))
    assert len(out) == t.size - 101
    assert out.meta.extra["filled_cadences"] == 101
    assert not np.any((out.t >= t[1499]) & (out.t < t[1600]))
    assert "filled_cadences" not in clean(LightCurve(t, f, time_format="relative")).meta.extra
    # a Kaggle row (no times: the reader's 29.4-min cadence) the same way
    path = write_kaggle(tmp_path / "k.csv", np.vstack([g, f]), [1, 1])
    rows = [clean(lc) for lc in iter_kaggle(path, cache=False)]
    assert rows[0].meta.extra["filled_cadences"] == 101
    assert "filled_cadences" not in rows[1].meta.extra


def test_clean_looks_for_fills_segment_by_segment():
    """A quiet segment exported with four decimals next to a noisier one: judged together, the
    finest quantum and the typical distance come from the noisy segment and runs of the quiet
    one's rounded values looked like fills (a review found 296 real cadences dropped)."""
    rng = np.random.default_rng(7)
    ta = np.arange(0, 30, CAD)
    fa = np.round(1 + 4e-5 * rng.standard_normal(ta.size), 4)
    tb = 1000 + np.arange(0, 60, CAD)
    fb = 1 + 6e-4 * rng.standard_normal(tb.size)
    out = clean(LightCurve(np.r_[ta, tb], np.r_[fa, fb], time_format="relative"))
    assert "filled_cadences" not in out.meta.extra


def test_the_result_says_how_many_filled_cadences_were_left_out():
    from starskope.config import PipelineConfig
    from starskope.pipeline import analyse

    t, f = _noise(8)
    g = _bridge(f, 2000, 80, "linear")
    res = analyse(LightCurve(t, g, time_format="relative"), PipelineConfig(fit_transit=False))
    said = [r for r in res.reasons if "cadences were gaps filled" in r]
    # the 80 filled, and a real neighbour that happens to sit on the same line
    assert len(said) == 1 and 80 <= int(said[0].split()[0]) <= 82, res.reasons
    plain = analyse(LightCurve(t, f, time_format="relative"), PipelineConfig(fit_transit=False))
    assert not any("gaps filled" in r for r in plain.reasons)
