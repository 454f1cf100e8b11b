"""Gradient boosting, the model registry and persistence."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.exceptions import StarskopeError
from starskope.models import MODELS, load_model, make_model, save_model
from starskope.models.gbm import GBMClassifier


def _tab(n=300, n_pos=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    y = np.zeros(n, int)
    y[:n_pos] = 1
    X[:n_pos, 0] += 3.0  # feature 0 carries the signal
    X[rng.random(X.shape) < 0.05] = np.nan
    return X, y


def test_gbm_calibrated_and_beats_chance():
    from sklearn.metrics import brier_score_loss, roc_auc_score

    X, y = _tab()
    Xt, yt = _tab(seed=1)
    clf = GBMClassifier(max_iter=20, random_state=0, cv=3).fit(X, y)
    p = clf.score_planet(Xt)
    assert roc_auc_score(yt, p) > 0.9
    assert abs(p.mean() - yt.mean()) < 0.05  # calibrated to the 10% host rate
    assert brier_score_loss(yt, p) < brier_score_loss(yt, np.full(len(yt), yt.mean()))


def test_gbm_contributions_point_at_the_signal():
    X, y = _tab()
    clf = GBMClassifier(max_iter=20, random_state=0, cv=3).fit(X, y)
    c = clf.contributions(X[:30])
    assert c.shape == (30, 6)
    assert np.argmax(np.abs(c).mean(axis=0)) == 0


def test_gbm_multiclass():
    X, y = _tab()
    labels = np.where(y == 1, "planet", np.where(X[:, 1] > 0.5, "eclipsing_binary", "other"))
    X[labels == "eclipsing_binary", 2] += 3
    clf = GBMClassifier(max_iter=20, random_state=0, cv=3).fit(X, labels)
    pr = clf.predict_proba(X)
    assert pr.shape == (300, 3) and np.allclose(pr.sum(axis=1), 1)
    assert clf.classes_[clf.planet_column()] == "planet"


def test_gbm_bad_calibration_name():
    with pytest.raises(StarskopeError, match="isotonic"):
        GBMClassifier(calibration="beta").fit(*_tab())


def test_gbm_sklearn_checks():
    from sklearn.utils.estimator_checks import check_estimator

    check_estimator(
        GBMClassifier(max_iter=10, cv=2, random_state=0),
        on_skip=None,
        expected_failed_checks={
            "check_class_weight_classifiers": "calibration on CV folds undoes class weights",
        },
    )


def test_registry_and_pickle_round_trip(tmp_path):
    assert {"original-cnn", "gbm"} <= set(MODELS)
    with pytest.raises(StarskopeError, match="gbm"):
        make_model("nope")
    X, y = _tab()
    est = make_model("gbm", random_state=0, max_iter=15, cv=3).fit(X, y)
    path = save_model(est, tmp_path / "m.pkl")
    name, again = load_model(path)
    assert name == "gbm"
    np.testing.assert_allclose(again.predict_proba(X), est.predict_proba(X))
    (tmp_path / "junk.pkl").write_bytes(b"junk")
    with pytest.raises(StarskopeError, match="junk.pkl.*not a starskope model file"):
        load_model(tmp_path / "junk.pkl")
    # a PNG: one line saying what it is not (it was pickle's two-line persistent-id message)
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    with pytest.raises(StarskopeError, match=r"pic.png: not a starskope model file") as info:
        load_model(tmp_path / "pic.png")
    assert "\n" not in str(info.value)
    (tmp_path / "cut.pkl").write_bytes(path.read_bytes()[:40])  # a pickle cut short
    with pytest.raises(StarskopeError, match="cut.pkl: cannot read model file") as info:
        load_model(tmp_path / "cut.pkl")
    assert "\n" not in str(info.value)
    with pytest.raises(StarskopeError, match="shipped"):
        load_model("no-such-model")


def test_host_prior_shift():
    from starskope.models.prior import shift_prior

    X, y = _tab(n=400, n_pos=100)
    est = GBMClassifier(max_iter=15, cv=3, random_state=0).fit(X, y)
    assert est.train_prior_ == pytest.approx(0.25)
    p0 = est.score_planet(X)
    est.set_params(host_prior=0.01)
    p1 = est.score_planet(X)
    assert p1.mean() < p0.mean() and np.all(np.diff(p1[np.argsort(p0)]) >= -1e-12)  # same order
    q = shift_prior([[0.2, 0.3, 0.5]], planet_col=2, train_prior=0.5, host_prior=0.5)
    np.testing.assert_allclose(q, [[0.2, 0.3, 0.5]])
    with pytest.raises(StarskopeError, match="host_prior"):
        shift_prior([[0.5, 0.5]], planet_col=1, train_prior=0.5, host_prior=0)


def test_no_probability_is_exactly_0_or_1_so_a_prior_can_move_it():
    X, y = _tab(n=400, n_pos=100)
    X[:100, 0] += 20.0  # hosts far apart: the isotonic steps reach 0 and 1
    est = GBMClassifier(max_iter=15, cv=3, random_state=0).fit(X, y)
    p = est.score_planet(X)
    eps = 1.0 / (400 + 2)
    assert p.max() == pytest.approx(1 - eps) and p.min() >= eps
    est.set_params(host_prior=0.01)
    assert est.score_planet(X).max() < 0.95  # "certain" at a 25% host rate is not at 1%


def test_rbm_comparison_model_beats_chance(tmp_path):
    from sklearn.metrics import roc_auc_score

    from .conftest import make_flux

    # transits at random epochs and periods: the RBM sees the flux distribution and power
    # spectrum, not cadences (its first, position-bound version gave every star one score)
    X, y, _ = make_flux(160, 40, 1000, seed=1, depth=3.0)
    Xt, yt, _ = make_flux(120, 30, 1000, seed=2, depth=3.0)
    est = make_model("rbm", random_state=0).fit(X, y)
    hidden = est.calibrated_.calibrated_classifiers_[0].estimator.named_steps["rbm"]
    assert hidden.transform(est._visible(Xt)).std(axis=0).mean() > 2e-3  # not dead (1e-4 before)
    p = est.predict_proba(Xt)[:, 1]
    assert roc_auc_score(yt, p) > 0.9
    from starskope.models.rbm import _band_edges, rbm_features

    with pytest.raises(StarskopeError, match="at least 98 points"):
        rbm_features(Xt[:, :50])
    edges = _band_edges(1598)  # every frequency of a 3197-cadence row in exactly one band
    assert edges[0] == 0 and edges[-1] == 1598 and np.all(np.diff(edges) >= 1)
    sine = np.sin(2 * np.pi * 100 * np.arange(3197) / 3197)[None, :]  # at frequency index 99
    band = np.searchsorted(edges, 99, side="right") - 1
    assert np.argmax(rbm_features(sine)[1][0]) == band
    old = make_model("rbm")  # a pickle of the first version: no band-power scaling
    old.__dict__.update({k: v for k, v in est.__dict__.items() if not k.startswith("power_")})
    with pytest.raises(StarskopeError, match="retrain it"):
        old.predict_proba(Xt[:2])
    name, again = load_model(save_model(est, tmp_path / "rbm.pkl"))
    assert name == "rbm"
    np.testing.assert_allclose(again.predict_proba(Xt[:5]), est.predict_proba(Xt[:5]))
    sal = est.saliency(Xt[:2], window=100)
    assert sal.shape == (2, 1000) and np.all((sal >= 0) & (sal <= 1))


def test_isotonic_ties_are_broken_by_the_trees_within_a_millionth():
    from starskope.models.gbm import _off_the_bounds, _sentinel

    X, y = _tab(n=600, n_pos=60)
    Xt, _ = _tab(n=600, n_pos=60, seed=2)
    clf = GBMClassifier(max_iter=30, random_state=0, cv=3).fit(X, y)
    cal = _off_the_bounds(clf.calibrated_.predict_proba(_sentinel(Xt)), clf.n_train_)
    p = clf.predict_proba(Xt)
    assert np.abs(p - cal).max() <= 1e-6 and np.allclose(p.sum(axis=1), 1.0)
    vals, counts = np.unique(cal[:, 1], return_counts=True)
    assert counts.max() > 50  # the isotonic steps tie many stars ...
    assert len(np.unique(p[:, 1])) > 2 * len(vals)  # ... which the trees' score orders
    # stars on different steps keep their calibrated order
    hi, lo = cal[:, 1][:, None] > cal[:, 1][None, :], p[:, 1][:, None] > p[:, 1][None, :]
    assert not (hi & ~lo).any()
    # the largest step is ordered by the trees
    raw = np.mean([c.estimator.predict_proba(_sentinel(Xt))[:, 1]
                   for c in clf.calibrated_.calibrated_classifiers_], axis=0)  # fmt: skip
    i = np.flatnonzero(cal[:, 1] == vals[counts.argmax()])
    assert np.corrcoef(np.argsort(np.argsort(p[i, 1])), np.argsort(np.argsort(raw[i])))[0, 1] > 0.99
    # sigmoid calibration has no steps: nothing is mixed in
    sig = GBMClassifier(max_iter=30, random_state=0, cv=3, calibration="sigmoid").fit(X, y)
    np.testing.assert_array_equal(
        sig.predict_proba(Xt), _off_the_bounds(sig.calibrated_.predict_proba(_sentinel(Xt)), 600)
    )


def test_tie_break_with_classes_a_prior_and_an_old_pickle():
    X, y = _tab(n=600, n_pos=60)
    labels = np.where(
        y == 1, "planet", np.where(np.arange(600) % 3 == 0, "eclipsing_binary", "other")
    )
    clf = GBMClassifier(max_iter=20, random_state=0, cv=3).fit(X, labels)
    p = clf.predict_proba(X)
    assert p.shape == (600, 3) and np.allclose(p.sum(axis=1), 1.0)
    assert list(clf.classes_) == ["eclipsing_binary", "other", "planet"]
    assert p[y == 1, 2].mean() > 0.5  # the planet column is the planets'
    clf.set_params(host_prior=0.01)
    assert clf.score_planet(X).max() < 0.9
    del clf.n_train_  # a model saved before the count was kept
    clf.set_params(host_prior=None)
    assert np.allclose(clf.predict_proba(X), p, atol=1e-3)


@pytest.mark.parametrize("name", ["empty.pt", "empty.pkl"])
def test_an_empty_model_file_is_said_to_be_empty(tmp_path, name):
    (tmp_path / name).write_bytes(b"")  # it said "cannot read model file: " and no reason
    with pytest.raises(StarskopeError, match=rf"{name}: cannot read model file: it is empty"):
        load_model(tmp_path / name)
