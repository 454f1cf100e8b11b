"""The fit-pull benchmark's arithmetic (benchmarks/bench_fit_pulls.py) on synthetic numbers."""

import math

import numpy as np
import pytest
from benchmarks.bench_fit_pulls import (
    nearest_transit,
    propagated_epoch,
    pull,
    robust_std,
    summarise,
    summary_row,
)


def test_pull_sign_and_quadrature():
    assert pull(10.2, 10.0, 0.1) == pytest.approx(2.0)  # fit above the truth: positive
    assert pull(9.8, 10.0, 0.1) == pytest.approx(-2.0)
    assert pull(10.5, 10.0, 0.3, 0.4) == pytest.approx(1.0)
    assert math.isnan(pull(10.0, 9.0, 0.0))
    assert math.isnan(pull(10.0, 9.0, float("nan"), 0.1))


def test_nearest_transit_either_side():
    assert nearest_transit(100.0, 3.0, 130.4) == (130.0, 10)
    assert nearest_transit(100.0, 3.0, 41.6) == (43.0, -19)


def test_summary_of_unit_normal_pulls():
    rng = np.random.default_rng(1)
    s = summarise(rng.normal(size=20000))
    assert s["n"] == 20000
    assert abs(s["median"]) < 0.03
    assert s["robust_std"] == pytest.approx(1.0, abs=0.03)
    assert s["std"] == pytest.approx(1.0, abs=0.03)
    assert s["beyond_1"] == pytest.approx(0.3173, abs=0.01)
    assert s["beyond_2"] == pytest.approx(0.0455, abs=0.005)
    assert s["beyond_3"] == pytest.approx(0.0027, abs=0.002)
    assert s["scale"] == s["robust_std"]
    # errors half the true scatter: the factor to scale them by is 2
    assert summarise(2.0 * rng.normal(size=20000))["scale"] == pytest.approx(2.0, abs=0.06)
    assert summarise([float("nan")])["n"] == 0
    assert summary_row("x", "t0", [])[2] == 0
    assert robust_std([1.0, 1.0, 1.0]) == 0.0


def test_injection_epoch_pull_uses_the_nearest_true_transit():
    """A fitted t0 near transit 37 of a truth given at transit 0: the pull is the offset over
    the error, of the right sign, not the offset from t0 itself."""
    rng = np.random.default_rng(2)
    period, t0, err = 4.3, 1000.0, 0.002
    offsets = err * rng.normal(size=4000)
    pulls = []
    for k, d in enumerate(offsets):
        n = 37 - (k % 75)  # transits both sides of the truth's epoch
        fit = t0 + n * period + d
        near, m = nearest_transit(t0, period, fit)
        assert m == n
        pulls.append(pull(fit, near, err))
    pulls = np.asarray(pulls)
    assert np.allclose(pulls, offsets / err)
    assert robust_std(pulls) == pytest.approx(1.0, abs=0.05)


def test_catalogue_epoch_propagation_calibrates_the_pull():
    """Catalogue ephemerides with errors, a fit 40-400 cycles away: the pull against the
    propagated epoch is N(0, 1) only when the catalogue's epoch error grows as n * err_P (here
    it dominates the fit's error), and the sign is fit minus catalogue."""
    rng = np.random.default_rng(3)
    p_true, e_true = 7.0, 2455000.0
    s_p, s_e, s_fit = 2e-5, 1e-3, 1e-3
    good, no_growth = [], []
    for _ in range(4000):
        n = int(rng.integers(40, 400))
        p_cat = p_true + s_p * rng.normal()
        e_cat = e_true + s_e * rng.normal()
        t_fit = e_true + n * p_true + s_fit * rng.normal()
        pred, pred_err, m = propagated_epoch(e_cat, s_e, p_cat, s_p, t_fit)
        assert m == n
        assert pred_err == pytest.approx(math.hypot(s_e, n * s_p))
        good.append(pull(t_fit, pred, s_fit, pred_err))
        no_growth.append(pull(t_fit, pred, s_fit, s_e))
    assert robust_std(good) == pytest.approx(1.0, abs=0.06)
    assert robust_std(no_growth) > 1.5  # forgetting n * err_P would look miscalibrated
    # the sign: a fit 3 errors late is +3
    pred, pred_err, _ = propagated_epoch(e_true, 0.0, p_true, 0.0, e_true + 10 * p_true + 0.003)
    assert pull(e_true + 10 * p_true + 0.003, pred, 0.001, pred_err) == pytest.approx(3.0)
    # an unknown catalogue error counts 0
    assert propagated_epoch(0.0, float("nan"), 2.0, None, 10.1)[1] == 0.0
