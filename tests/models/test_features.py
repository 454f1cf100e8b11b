"""Tabular and Fourier features; raw-flux resampling; GBM predictions as StarResults."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.exceptions import StarskopeError
from starskope.features.rawflux import resample_flux
from starskope.features.tabular import FEATURE_NAMES, fourier_features, tabular_features
from starskope.lightcurve import LightCurve


def _transit_lc(seed=0, depth=0.002, n=3197):
    rng = np.random.default_rng(seed)
    t = np.arange(n) * 29.4244 / 1440
    f = 1 + 2e-4 * rng.normal(size=n)
    f[((t - 1.3) % 3.7) < 0.12] -= depth
    return LightCurve(t, f, time_format="relative")


def test_fourier_band_follows_the_signal_frequency():
    t = np.arange(3000) * 0.02
    slow = fourier_features(t, np.sin(2 * np.pi * t / 20.0))
    fast = fourier_features(t, np.sin(2 * np.pi * t / 0.2))
    assert np.nanargmax(slow) < np.nanargmax(fast)
    assert np.isnan(fourier_features(t[:5], t[:5])).all()


def test_tabular_features_of_a_transit():
    from starskope.pipeline import analyse_full

    x = tabular_features(analyse_full(_transit_lc()))
    assert x.shape == (len(FEATURE_NAMES),)
    f = dict(zip(FEATURE_NAMES, x, strict=True))
    assert 10 ** f["log_period"] == pytest.approx(3.7, rel=0.01)
    assert f["snr"] > 10 and f["is_planet_like"] == 1 and f["n_candidates"] >= 1
    assert 10 ** f["log_depth_ppm"] == pytest.approx(2000, rel=0.3)


def test_resample_flux_keeps_uniform_rows_and_resamples_others():
    lc = _transit_lc(n=3197)
    np.testing.assert_allclose(resample_flux(lc, n_points=3197), lc.flux)
    long = _transit_lc(n=5000)
    r = resample_flux(long, n_points=3197)
    assert r.shape == (3197,) and np.isfinite(r).all()


def test_the_model_row_is_its_cadence_whatever_holds_the_flux():
    """A raw-flux model's row is its samples at its cadence: a longer curve at that cadence is
    cut (it was stretched over the row, its transits narrowed, while the same flux as a Kaggle
    row was cut: two scores for one star); a faster cadence is averaged onto it; a gap is
    interpolated; a model of another cadence puts the slots that far apart."""
    long = _transit_lc(n=5000)
    np.testing.assert_allclose(resample_flux(long, n_points=3197), long.flux[:3197])
    rng = np.random.default_rng(1)
    fast_t = np.arange(0.0, 66.0, 2.0 / 1440)  # two-minute cadence over 66 days
    fast = LightCurve(fast_t, 1 + 1e-3 * rng.normal(size=fast_t.size), time_format="relative")
    r = resample_flux(fast, n_points=3197)
    slot = np.rint(fast_t / (29.4244 / 1440)).astype(int)
    k = 1000
    assert r[k] == pytest.approx(fast.flux[slot == k].mean(), rel=1e-12)  # averaged
    assert np.std(r) < 0.4e-3  # ~15 two-minute samples a slot: the noise over sqrt(15)
    gappy = _transit_lc(n=3197)
    gappy = LightCurve(np.delete(gappy.t, range(100, 110)), np.delete(gappy.flux, range(100, 110)))
    g = resample_flux(gappy, n_points=3197)
    np.testing.assert_allclose(g[100:110], np.linspace(g[99], g[110], 12)[1:-1])
    hourly = resample_flux(long, n_points=1000, cadence_minutes=60.0)  # every other sample
    assert hourly[10] == pytest.approx(long.flux[np.rint(long.t / (1 / 24)) == 10].mean())


def test_predict_results_gbm_returns_star_results():
    from starskope.models.gbm import GBMClassifier
    from starskope.models.predict import predict_results

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, len(FEATURE_NAMES)))
    y = np.r_[np.ones(15, int), np.zeros(45, int)]
    X[:15, FEATURE_NAMES.index("snr")] += 30
    est = GBMClassifier(max_iter=15, cv=3, random_state=0).fit(X, y)
    items = [("a", _transit_lc()), ("b", _error())]
    res = list(predict_results(items, model=("gbm", est)))
    assert len(res) == 2
    assert 0 <= res[0].score <= 1 and res[0].candidates
    assert set(res[0].class_probabilities) == {"not_planet", "planet"}
    assert "feature_contributions" in res[0].explanation
    assert res[1].error and res[1].score is None


def _error():
    from starskope.exceptions import StarskopeError

    return StarskopeError("unreadable", path="b")


def test_raw_flux_results_keep_the_stars_position():
    """A raw-flux model's result carries the star's position, as the search's does (it was
    null: ``predict --model original-cnn`` dropped it)."""
    pytest.importorskip("torch")
    from starskope.lightcurve import LightCurveMeta
    from starskope.models.predict import predict_results
    from starskope.models.registry import load_model

    lc = _transit_lc()
    lc = lc.copy(meta=LightCurveMeta(target="EPIC 201367065", ra=172.334955, dec=-1.454787))
    (res,) = predict_results([("a", lc)], model=load_model("original-cnn"), explain=False)
    assert (res.ra, res.dec) == (172.334955, -1.454787) and res.score is not None


def _rawflux_inputs():
    pytest.importorskip("torch")
    from starskope.models.rbm import rbm_features
    from starskope.models.torch_estimator import RawFluxCNNClassifier
    from starskope.models.torch_multiclass import spectrogram_images

    return {
        "original-cnn": lambda X: RawFluxCNNClassifier()._inputs(X),
        "spectrogram-cnn": lambda X: spectrogram_images(X),
        "rbm": lambda X: np.hstack(rbm_features(X)),
    }


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("model", ["original-cnn", "spectrogram-cnn", "rbm"])
def test_a_1e300_cadence_is_scaled_without_overflow(model):
    """A corrupt 1e300 cadence overflowed the per-star scaling (numpy's "overflow encountered
    in square" reached the user, and the row became a flat line): the row is read as the same
    row at a smaller scale, whose scaled inputs are the same."""
    inputs = _rawflux_inputs()[model]
    x = 1000.0 + np.random.default_rng(0).normal(size=(1, 1200))
    x[0, 300] = 1e300
    got = inputs(x)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, inputs(np.ldexp(x, -900)), rtol=1e-6, atol=1e-6)
    assert np.ptp(got) > 0  # not a flat line


def test_a_rows_missing_first_flux_keeps_its_slot():
    """A table row whose first flux is missing starts at its first time, as train and
    evaluate read the row's array (predict shifted it by one slot)."""
    lc = _transit_lc(n=3197)
    f = lc.flux.copy()
    f[0] = np.nan
    r = resample_flux(LightCurve(lc.t, f, time_format="relative"), n_points=3197)
    np.testing.assert_allclose(r[1:], f[1:])


def test_too_little_of_the_row_is_refused_not_repeated():
    """Two hours of 20-s data (5 of the row's samples), or data that begin past the row's
    end (missing flux for longer than the row): refused with a StarskopeError, not repeated
    640 times into a row, nor an IndexError."""
    from starskope.exceptions import StarskopeError

    t = np.arange(0, 2 / 24, 20 / 86400)
    short = LightCurve(t, 1 + 1e-3 * np.random.default_rng(0).normal(size=t.size))
    with pytest.raises(StarskopeError, match="only 5 of a raw-flux model's 3197 samples"):
        resample_flux(short, n_points=3197)
    late = _transit_lc(n=5000)
    f = late.flux.copy()
    f[:3300] = np.nan
    with pytest.raises(StarskopeError, match="only 0 of"):
        resample_flux(LightCurve(late.t, f, time_format="relative"), n_points=3197)


def test_a_two_minute_kaggle_row_is_refused_by_a_long_cadence_model():
    # 3197 samples two minutes apart are 4.4 days: 218 of a K2 row's 3197 slots, which the
    # mirrored fill would repeat fifteen times (3% of the row was let through)
    rng = np.random.default_rng(2)
    t = np.arange(3197) * 2.0 / 1440
    lc = LightCurve(t, 1 + 1e-3 * rng.normal(size=t.size), time_format="relative")
    with pytest.raises(StarskopeError, match=r"only 218 of a raw-flux model's 3197 samples"):
        resample_flux(lc, n_points=3197)
    # a TESS sector (27 days) fills 41% of the row and is scored
    t = np.arange(0.0, 27.0, 30.0 / 1440)
    sector = LightCurve(t, 1 + 1e-3 * rng.normal(size=t.size), time_format="relative")
    assert np.isfinite(resample_flux(sector, n_points=3197)).all()
