"""A star's rows stay in one calibration fold / on one side of the validation split
(``fit(X, y, groups=...)``); without groups the models fit exactly as before."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from starskope.exceptions import StarskopeWarning
from starskope.models import make_model
from starskope.models.splits import calibration_folds, shared_groups, validation_split

from .test_gbm_registry import _tab


def _star_groups(y, per_star=3, seed=0):
    """Rows of one class share stars ``per_star`` at a time (as injections into one star do);
    the order shuffled so a star's rows are not neighbours."""
    rng = np.random.default_rng(seed)
    g = np.empty(len(y), dtype=object)
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        g[rows] = [f"{c}-star{i // per_star}.fits" for i in range(len(rows))]
    return g


def _assert_no_group_split(folds, groups, n):
    seen = np.zeros(n, int)
    for tr, te in folds:
        assert not set(groups[tr]) & set(groups[te])
        seen[te] += 1
    assert np.all(seen == 1)  # the held-out parts cover every row once


def test_gbm_calibration_folds_keep_a_star_in_one_fold():
    X, y = _tab()
    groups = _star_groups(y)
    est = make_model("gbm", random_state=0, max_iter=20, cv=3).fit(X, y, groups=groups)
    folds = est.calibrated_.cv
    assert isinstance(folds, list) and len(folds) == 3
    assert len(est.calibrated_.calibrated_classifiers_) == 3
    _assert_no_group_split(folds, groups, len(y))
    # the row-wise folds of the same seed do split stars (the leak this removes)
    rowwise = StratifiedKFold(3, shuffle=True, random_state=0).split(X, y)
    assert any(set(groups[tr]) & set(groups[te]) for tr, te in rowwise)
    p = est.predict_proba(X)
    assert p.shape == (300, 2) and np.allclose(p.sum(axis=1), 1)


def test_gbm_without_shared_groups_fits_exactly_as_before():
    X, y = _tab()
    kw = {"random_state": 0, "max_iter": 20, "cv": 3}
    plain = make_model("gbm", **kw).fit(X, y)
    cv = plain.calibrated_.cv  # the row-wise folds, as before groups existed
    assert isinstance(cv, StratifiedKFold) and cv.n_splits == 3 and cv.random_state == 0
    p = plain.predict_proba(X)
    for groups in (None, np.arange(len(y)), [f"t.csv#row={i}" for i in range(len(y))]):
        again = make_model("gbm", **kw).fit(X, y, groups=groups)
        assert isinstance(again.calibrated_.cv, StratifiedKFold)
        np.testing.assert_array_equal(again.predict_proba(X), p)
    grouped = make_model("gbm", **kw).fit(X, y, groups=_star_groups(y))
    assert not np.array_equal(grouped.predict_proba(X), p)


def test_gbm_trees_stop_early_on_whole_stars(monkeypatch):
    # each calibration fold's trees stop early on a validation part that holds whole stars
    # (scikit-learn's own early-stopping split is row-wise)
    from sklearn.ensemble import HistGradientBoostingClassifier

    import starskope.models.gbm as gbm_module

    X, y = _tab()
    groups = _star_groups(y)
    splits, vals, fold_labels = [], [], []
    real_split = gbm_module.validation_split

    def split_spy(yy, gg, *args, **kw):
        out = real_split(yy, gg, *args, **kw)
        splits.append((np.asarray(gg), out))
        fold_labels.append(np.asarray(yy))
        return out

    real_fit = HistGradientBoostingClassifier.fit

    weights, n_fit = [], []

    def fit_spy(self, Xf, yf, sample_weight=None, **kw):
        vals.append(kw.get("X_val"))
        n_fit.append(len(yf))
        weights.append((kw.get("y_val"), kw.get("sample_weight_val")))
        return real_fit(self, Xf, yf, sample_weight=sample_weight, **kw)

    monkeypatch.setattr(gbm_module, "validation_split", split_spy)
    monkeypatch.setattr(HistGradientBoostingClassifier, "fit", fit_spy)
    est = make_model("gbm", random_state=0, max_iter=300, cv=3).fit(X, y, groups=groups)
    assert len(splits) == 3 and len(vals) == 3  # one per calibration fold
    for (g, (tr, va)), x_val, n in zip(splits, vals, n_fit, strict=True):
        assert not set(g[tr]) & set(g[va])  # no star on both sides
        assert n == len(tr)  # the held-out stars are not boosted on
        assert 0.05 < len(va) / len(g) < 0.2 and x_val is not None and len(x_val) == len(va)
    assert est.n_iter_ < 300  # the held-out stars did stop it
    # the held-out rows carry the classes' balanced weights, as scikit-learn's own split's do
    for fold_y, (y_val, w_val) in zip(fold_labels, weights, strict=True):
        assert w_val is not None and len(w_val) == len(y_val)
        for c in (0, 1):
            share = np.mean(fold_y == c)
            assert np.allclose(w_val[y_val == c], 1.0 / (2 * share))
    assert all(
        type(c.estimator) is gbm_module._GroupStoppedTrees
        for c in est.calibrated_.calibrated_classifiers_
    )
    # without shared groups: scikit-learn's own trees and split, no X_val
    vals.clear()
    plain = make_model("gbm", random_state=0, max_iter=300, cv=3).fit(X, y)
    assert vals == [None, None, None]
    assert all(
        type(c.estimator) is HistGradientBoostingClassifier
        for c in plain.calibrated_.calibrated_classifiers_
    )


def test_gbm_groups_also_under_scikit_learn_metadata_routing():
    import sklearn

    X, y = _tab()
    groups = _star_groups(y)
    with sklearn.config_context(enable_metadata_routing=True):
        est = make_model("gbm", random_state=0, max_iter=20, cv=3).fit(X, y, groups=groups)
    _assert_no_group_split(est.calibrated_.cv, groups, len(y))


def test_too_few_stars_per_class_means_fewer_folds_or_row_wise_with_a_warning():
    X, y = _tab()
    groups = _star_groups(y, per_star=15)  # the 30 hosts lie in 2 stars
    with pytest.warns(StarskopeWarning) as caught:
        est = make_model("gbm", random_state=0, max_iter=10).fit(X, y, groups=groups)
    said = [str(w.message) for w in caught]
    assert any("2 grouped folds instead of 5" in m for m in said)
    # each fold trains on one host star: its trees cannot hold a host star out to stop early
    assert any(m.startswith("gbm early stopping: too few star groups") for m in said)
    assert len(est.calibrated_.cv) == 2
    _assert_no_group_split(est.calibrated_.cv, groups, len(y))
    one = np.where(y == 1, "host.fits", groups)  # every host in one star: cannot hold it out
    with pytest.warns(StarskopeWarning, match="row-wise folds instead"):
        est = make_model("gbm", random_state=0, max_iter=10, cv=3).fit(X, y, groups=one)
    assert isinstance(est.calibrated_.cv, StratifiedKFold)
    with pytest.raises(Exception, match="one group per row"):
        make_model("gbm", max_iter=10).fit(X, y, groups=groups[:-1])


def test_calibration_folds_and_validation_split_directly():
    y = np.array([0] * 40 + [1] * 20)
    groups = _star_groups(y, per_star=4, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # enough stars: no warning
        folds = calibration_folds(y, groups, 5, random_state=1)
        tr, va = validation_split(y, groups, 0.2, random_state=1)
    assert len(folds) == 5
    _assert_no_group_split(folds, groups, len(y))
    assert not set(groups[tr]) & set(groups[va]) and len(tr) + len(va) == len(y)
    assert set(y[va]) == {0, 1} and 0.1 < len(va) / len(y) < 0.35
    assert shared_groups(np.arange(60), 60) is None  # one row per group: row-wise
    assert calibration_folds(y, None, 5) is None and validation_split(y, None, 0.2) is None
    with pytest.warns(StarskopeWarning, match="row-wise split instead"):
        assert validation_split(y, np.where(y == 1, "h", groups), 0.2, random_state=1) is None


def test_rbm_calibration_folds_keep_a_star_in_one_fold():
    from .conftest import make_flux

    X, y, _ = make_flux(60, 18, 400, seed=1, depth=3.0)
    groups = _star_groups(y, per_star=2)
    est = make_model("rbm", random_state=0, n_iter=3).fit(X, y, groups=groups)
    assert len(est.calibrated_.cv) == 3
    _assert_no_group_split(est.calibrated_.cv, groups, len(y))
    plain = make_model("rbm", random_state=0, n_iter=3).fit(X, y)
    again = make_model("rbm", random_state=0, n_iter=3).fit(X, y, groups=np.arange(len(y)))
    assert isinstance(plain.calibrated_.cv, StratifiedKFold)
    np.testing.assert_array_equal(again.predict_proba(X), plain.predict_proba(X))


@pytest.mark.filterwarnings("ignore:calibration. the validation split ranks")  # tiny, noise
@pytest.mark.parametrize("name", ["original-cnn", "views-cnn"])
def test_torch_validation_split_keeps_a_star_on_one_side(name, monkeypatch):
    pytest.importorskip("torch")
    import importlib

    module = importlib.import_module(
        "starskope.models." + ("torch_estimator" if name == "original-cnn" else "torch_multiclass")
    )
    if name == "original-cnn":
        from .conftest import make_flux

        X, y, _ = make_flux(60, 20, 1000, seed=2, depth=3.0)
        params = {"epochs": 1, "steps_per_epoch": 2, "num_threads": 1}
    else:
        from .test_views_cnn import make_views

        X, y = make_views(12, seed=0)
        params = {"epochs": 1, "num_threads": 1}
    splits = []

    def spy(*args, **kw):
        out = validation_split(*args, **kw)
        splits.append(out)
        return out

    monkeypatch.setattr(module, "validation_split", spy)
    groups = _star_groups(np.asarray(y), per_star=2)
    est = make_model(name, random_state=0, **params).fit(X, y, groups=groups)
    ((tr, va),) = splits
    assert not set(groups[tr]) & set(groups[va]) and len(tr) + len(va) == len(y)
    assert set(np.asarray(y)[va]) == set(np.asarray(y))  # every class validated
    assert est.history_
    # without shared groups: the row-wise split, the same model as without groups
    a = make_model(name, random_state=0, **params).fit(X, y)
    b = make_model(name, random_state=0, **params).fit(X, y, groups=np.arange(len(y)))
    assert splits[1:] == [None, None]
    np.testing.assert_array_equal(a.predict_proba(X[:8]), b.predict_proba(X[:8]))


def test_cv_scores_give_each_fold_model_its_rows_groups():
    from starskope.evaluate import cv_scores

    X, y = _tab(n=120, n_pos=40)
    groups = _star_groups(y, per_star=4)
    got = []

    class Probe:
        def fit(self, X_, y_, groups=None):
            got.append((X_, groups))
            return self

        def predict_proba(self, Z):
            return np.full((len(Z), 2), 0.5)

    cv_scores(Probe, X, y, groups=groups, random_state=1)
    assert len(got) == 5
    row_group = {tuple(np.nan_to_num(r)): g for r, g in zip(X, groups, strict=True)}
    for X_, g in got:
        assert [row_group[tuple(np.nan_to_num(r))] for r in X_] == list(g)
    got.clear()
    cv_scores(Probe, X, y, random_state=1)  # no groups: none passed
    assert all(g is None for _, g in got)


def test_train_passes_each_star_to_the_model_and_its_folds(tmp_path, monkeypatch):
    """`starskope train`: injections into one real star share a group, in the model's own
    calibration folds and in the out-of-fold metrics' models."""
    import starskope.models.data as data
    from starskope.cli import main
    from starskope.models.data import LabelledSet
    from starskope.models.gbm import GBMClassifier

    X, y = _tab(n=120, n_pos=40)
    stars = _star_groups(y, per_star=3)
    ids = [
        f"inject:{i}:{'planet' if c else 'other'}:{s}"
        for i, (c, s) in enumerate(zip(y, stars, strict=True))
    ]
    monkeypatch.setattr(data, "load_labelled", lambda *a, **k: LabelledSet(X, y, ids, 0))
    fits = []
    real_fit = GBMClassifier.fit

    def spy(self, X_, y_, groups=None):
        fits.append(None if groups is None else np.asarray(groups))
        return real_fit(self, X_, y_, groups=groups)

    monkeypatch.setattr(GBMClassifier, "fit", spy)
    out = tmp_path / "gbm"
    rc = main(["train", "--model", "gbm", "--data", str(tmp_path / "x.csv"), "--seed", "1",
               "--out", str(out)])  # fmt: skip
    assert rc == 0 and (out / "gbm.pkl").exists()
    assert len(fits) == 1 + 5  # the model, then the out-of-fold metrics' five
    assert list(fits[0]) == list(stars)
    assert all(g is not None and len(g) < len(y) for g in fits[1:])
    from starskope.models import load_model

    _, est = load_model(out / "gbm.pkl")
    _assert_no_group_split(est.calibrated_.cv, stars, len(y))
