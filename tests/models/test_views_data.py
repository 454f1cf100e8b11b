"""Views inputs from the search pipeline, and their disk cache."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.lightcurve import LightCurve, LightCurveMeta
from starskope.models.views import N_GLOBAL, N_INPUT, N_LOCAL, split_views, view_matrix


def _transiting(seed: int = 0) -> LightCurve:
    rng = np.random.default_rng(seed)
    t = np.arange(3197) * 0.0204
    f = 1.0 + rng.normal(0, 3e-4, t.size)
    f[np.abs((t - 3.1 + 2.35) % 4.7 - 2.35) < 0.06] -= 4e-3  # P 4.7 d, 2.9 h, 4000 ppm
    return LightCurve(t, f, time_format="relative", meta=LightCurveMeta(flux_unit="relative"))


def test_views_of_a_transit_are_centred(tmp_path):
    lcs = [_transiting()]
    X, F = view_matrix(lcs, key="t1", cache=tmp_path)
    assert X.shape == (1, N_INPUT) and F.shape[0] == 1
    v = split_views(X)
    assert abs(int(np.argmin(v["local"][0])) - N_LOCAL // 2) <= 5
    assert abs(int(np.argmin(v["global"][0])) - N_GLOBAL // 2) <= 5
    assert v["local"][0].min() == pytest.approx(-1.0, abs=0.05)  # normalised to unit depth
    assert abs(v["secondary"][0].min()) < 0.3  # no secondary eclipse
    assert np.isfinite(v["scalars"][0, :3]).all()

    def boom():
        raise AssertionError("cache not used")

    X2, F2 = view_matrix(boom, key="t1", cache=tmp_path)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(F2, F)
    # the strongest candidate's ephemeris comes from the same cached run
    _, _, E = view_matrix(boom, key="t1", cache=tmp_path, ephemerides=True)
    period, t0, dur, span, significant = E[0]
    assert period == pytest.approx(4.7, rel=2e-3) and significant == 1.0
    assert abs((t0 - 3.1 + 2.35) % 4.7 - 2.35) < 0.03 and 0.08 < dur < 0.2
    assert span == pytest.approx(3196 * 0.0204)


def test_alternatives_hold_the_next_candidates(tmp_path):
    """Two planets: the second candidate's views, features and ephemeris come back as the first
    alternative (the same as folding on it directly), the missing third as NaN."""
    from starskope.config import PipelineConfig
    from starskope.features.tabular import tabular_features
    from starskope.models.views import N_ALTERNATIVES, analysis_views
    from starskope.pipeline import analyse_full

    lc = _transiting()
    t = lc.t
    f = lc.flux.copy()
    f[np.abs((t - 1.3 + 3.55) % 7.1 - 3.55) < 0.07] -= 2.5e-3  # P 7.1 d, 2500 ppm
    lc = LightCurve(t, f, time_format="relative", meta=lc.meta)
    X, F, E, alt = view_matrix([lc], key="t2", cache=tmp_path, ephemerides=True, alternatives=True)
    assert alt["X"].shape == (1, N_ALTERNATIVES, N_INPUT)
    periods = sorted([E[0, 0], alt["ephemerides"][0, 0, 0]])
    assert periods[0] == pytest.approx(4.7, rel=2e-3) and periods[1] == pytest.approx(7.1, rel=2e-3)
    full = analyse_full(lc, PipelineConfig())
    assert len(full.result.candidates) == 2
    assert np.isnan(alt["ephemerides"][0, 1]).all() and np.isnan(alt["features"][0, 1]).all()
    np.testing.assert_allclose(alt["features"][0, 0], tabular_features(full, candidate=1))
    np.testing.assert_allclose(
        alt["X"][0, 0, : N_INPUT - 8], analysis_views(full, candidate=1), atol=1e-6
    )
    # and from the cache
    _, _, _, alt2 = view_matrix(None, key="t2", cache=tmp_path, ephemerides=True, alternatives=True)
    np.testing.assert_array_equal(alt2["ephemerides"], alt["ephemerides"])


def test_unanalysable_light_curve_gives_zero_views():
    lc = LightCurve(np.arange(20) * 0.02, np.ones(20), time_format="relative")
    X, F, E = view_matrix([lc], ephemerides=True)
    assert np.all(X[0, : N_INPUT - 8] == 0) and np.isnan(F).all() and np.isnan(E).all()


def test_injection_classes_and_set():
    from starskope.exceptions import StarskopeError
    from starskope.models.training_data import injection_classes, injection_key, injection_set

    c = injection_classes(10)
    assert [int((c == k).sum()) for k in ("planet", "eclipsing_binary", "other")] == [4, 3, 3]
    try:
        key = injection_key(3, seed=4)
    except StarskopeError:
        pytest.skip("no shared real K2 backgrounds here")
    lcs, classes, ids, key2 = injection_set(3, seed=4)
    assert key2 == key and len(lcs) == 3 and list(classes) == list(injection_classes(3))
    assert all("bulk" not in i and i.startswith("inject:") for i in ids)
    lcs_again, *_ = injection_set(3, seed=4)
    np.testing.assert_array_equal(lcs[0].flux, lcs_again[0].flux)  # repeatable
    assert "injected" in lcs[0].meta.extra and "injected" not in lcs[2].meta.extra


def test_injection_key_follows_the_injector_version(monkeypatch):
    """Features cached on injections are remade when the injected signal changes."""
    import importlib

    from starskope.exceptions import StarskopeError
    from starskope.models.training_data import injection_key

    inject = importlib.import_module("starskope.simulate.inject")  # the module, not the function
    try:
        key = injection_key(3, seed=4)
    except StarskopeError:
        pytest.skip("no shared real K2 backgrounds here")
    monkeypatch.setattr(inject, "INJECTOR_VERSION", inject.INJECTOR_VERSION + 1)
    assert injection_key(3, seed=4) != key


def test_tabular_set_of_a_kaggle_table_reuses_the_views_pipeline_run(tmp_path, monkeypatch):
    """Trees and views CNN read one cached pipeline run per row; features equal feature_matrix."""
    from starskope.features.tabular import FEATURE_NAMES, feature_matrix
    from starskope.io.kaggle import iter_kaggle, write_kaggle
    from starskope.models import views
    from starskope.models.data import load_labelled

    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "cache"))
    lcs = [_transiting(1), _transiting(2)]
    flux = np.vstack([lc.flux for lc in lcs]) * 1000.0
    table = write_kaggle(tmp_path / "t.csv", flux, np.array([2, 1]))
    tab = load_labelled([table], kind="tabular")
    assert tab.X.shape == (2, len(FEATURE_NAMES)) and list(tab.y) == [1, 0]
    expected = feature_matrix(list(iter_kaggle(table)))
    np.testing.assert_allclose(tab.X, expected, equal_nan=True)

    def no_pipeline(args):
        raise AssertionError("the pipeline ran again")

    from starskope.features import tabular

    monkeypatch.setattr(views, "_one", no_pipeline)
    monkeypatch.setattr(tabular, "_one", no_pipeline)
    vw = load_labelled([table], kind="views")  # same cache entry
    assert vw.X.shape == (2, N_INPUT) and list(vw.y) == [1, 0]
    np.testing.assert_allclose(load_labelled([table], kind="tabular").X, tab.X, equal_nan=True)


def test_injection_ids_are_cached_and_match_the_set(monkeypatch):
    """`train` with cached features names the injections' stars without reading them again."""
    from starskope.exceptions import StarskopeError
    from starskope.models import training_data as td

    try:
        td.injection_key(3, seed=5)
    except StarskopeError:
        pytest.skip("no shared real K2 backgrounds here")
    ids = td.injection_ids(3, seed=5)
    assert ids == td.injection_set(3, seed=5)[2]

    def no_reading(*args, **kwargs):
        raise AssertionError("the backgrounds were read again")

    monkeypatch.setattr(td, "_injection_trials", no_reading)
    assert td.injection_ids(3, seed=5) == ids
    with pytest.raises(AssertionError, match="read again"):
        td.injection_ids(4, seed=5)  # other settings: another key, not the cached list
