"""The pretrained models shipped in the package load, predict, and have model cards."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.models.registry import MODELS, load_model, shipped_models


@pytest.mark.parametrize("name", sorted(MODELS))
def test_shipped_model_loads_and_predicts(name):
    shipped = shipped_models()
    if name not in shipped:
        pytest.skip(f"no shipped {name} model")
    if MODELS[name].suffix == ".pt":
        pytest.importorskip("torch")
    card = shipped[name].with_suffix(".md")
    text = card.read_text()
    assert "starskope train" in text and "--seed" in text and "md5" in text
    got, est = load_model(name)
    assert got == name
    rng = np.random.default_rng(0)
    if MODELS[name].kind == "rawflux":
        X = 1000 + rng.normal(size=(3, est.n_points_))
    elif MODELS[name].kind == "views":
        from starskope.models.views import N_INPUT

        X = rng.normal(size=(3, N_INPUT))
    else:
        from starskope.features.tabular import FEATURE_NAMES

        X = rng.normal(size=(3, len(FEATURE_NAMES)))
    p = est.predict_proba(X)
    assert p.shape == (3, len(est.classes_)) and np.allclose(p.sum(axis=1), 1)


def test_a_folder_named_like_a_model_does_not_shadow_the_shipped_one(tmp_path, monkeypatch):
    """`starskope train --out gbm` leaves a folder called gbm; in that directory the name
    must still mean the shipped model."""
    if "gbm" not in shipped_models():
        pytest.skip("no shipped gbm model")
    (tmp_path / "gbm").mkdir()
    monkeypatch.chdir(tmp_path)
    name, _ = load_model("gbm")
    assert name == "gbm"


@pytest.mark.parametrize("name", ["original-cnn", "gbm"])
def test_failed_rows_keep_their_row_and_label(name, tmp_path):
    """A row that cannot be scored still says which row it is and whether it is a host, so a
    tally of predict's output counts the failed hosts."""
    if name not in shipped_models():
        pytest.skip(f"no shipped {name} model")
    if MODELS[name].suffix == ".pt":
        pytest.importorskip("torch")
    from starskope.io import iter_read
    from starskope.io.kaggle import KAGGLE_N_FLUX, write_kaggle
    from starskope.models.predict import predict_results

    rng = np.random.default_rng(1)
    flux = 1000 + rng.normal(size=(3, KAGGLE_N_FLUX))
    flux[1] = 1000.0  # constant: read, but nothing to analyse
    p = write_kaggle(tmp_path / "t.csv", flux, [1, 2, 2])
    lines = p.read_text().splitlines()
    lines[3] = "2" + ",nan" * KAGGLE_N_FLUX  # row 2: all-NaN, a host
    p.write_text("\n".join(lines) + "\n")
    got = list(predict_results(iter_read([p]), model=name, explain=False))
    assert [r.row for r in got] == [0, 1, 2]
    assert [r.label for r in got] == [0, 1, 1]
    assert got[0].error is None
    assert got[1].error.startswith(f"{p} [row 1]: every flux value is the same")
    assert got[2].error == f"{p} [row 2]: all flux values are NaN"


def test_predict_results_takes_light_curves_as_they_are():
    """Bare light curves (or one) are scored too, named by their source; anything else is a
    one-line error rather than an unpacking traceback."""
    pytest.importorskip("torch")
    from starskope import LightCurve, LightCurveMeta
    from starskope.exceptions import StarskopeError
    from starskope.io.kaggle import KAGGLE_N_FLUX
    from starskope.models.predict import predict_results

    rng = np.random.default_rng(2)
    t = np.arange(KAGGLE_N_FLUX) * 0.0204
    a = LightCurve(t, 1 + 1e-3 * rng.normal(size=t.size), time_format="relative",
                   meta=LightCurveMeta(source="a.fits"))  # fmt: skip
    b = LightCurve(t, 1 + 1e-3 * rng.normal(size=t.size), time_format="relative")
    got = list(predict_results([a, b], model="original-cnn", explain=False))
    assert [r.path for r in got] == ["a.fits", "lightcurve 1"]
    assert all(r.error is None and 0 <= r.score <= 1 for r in got)
    assert got[1].explanation["host_prior"] == pytest.approx(0.25)
    one = list(predict_results(a, model="original-cnn", explain=False))
    assert one[0].score == pytest.approx(got[0].score)
    with pytest.raises(StarskopeError, match="item 0 is a str"):
        list(predict_results(["a.fits"], model="original-cnn"))


def test_the_most_salient_times_are_listed_not_the_earliest():
    from starskope.models.predict import N_SALIENT_TIMES, _most_salient_times

    grid = 2000.0 + np.arange(3197) * 0.0204
    order = np.argsort(-np.r_[np.zeros(3000), np.linspace(1.0, 2.0, 197)])[:63]  # late slots
    got = _most_salient_times(grid, order)
    assert len(got) == N_SALIENT_TIMES and got == sorted(got)
    assert min(got) > grid[3000]  # the most salient (latest) times, not the first ones
    assert got[-1] == round(float(grid[-1]), 2)


def test_a_views_explanation_names_the_centres_of_the_top_stretches():
    from starskope.models.predict import _top_stretches

    phase = np.linspace(-0.5, 0.5, 2001)
    sal = np.zeros(2001)
    sal[950:1050] = 1.0  # the transit, hidden whole (stretches as the test below gives them)
    sal[0:50] = 0.2
    sal[1450:1550] = 0.1
    sal[1950:] = 0.05  # the fourth: left out
    stretches = [(0, 50), *[(a, a + 100) for a in range(50, 1950, 100)], (1950, 2001)]
    assert _top_stretches(sal, phase, stretches, digits=3) == [-0.488, 0.0, 0.25]
    tied = np.zeros(2001)
    tied[950:1250] = 0.5  # three neighbouring stretches with the same drop: three centres
    assert _top_stretches(tied, phase, stretches, digits=3) == [0.0, 0.05, 0.1]
    assert _top_stretches(np.zeros(2001), phase, stretches, digits=3) == []
    assert str(_top_stretches(sal, phase, [(950, 1051)], digits=3)) == "[0.0]"  # never -0.0
