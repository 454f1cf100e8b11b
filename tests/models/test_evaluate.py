"""Metric functions against scikit-learn; bootstrap intervals; CV-only thresholds."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from starskope.evaluate import (
    METRICS,
    binary_metrics,
    bootstrap_metrics,
    calibration_metrics,
    cv_scores,
    cv_threshold,
    precision_at_recall,
    recall_at_precision,
    reliability,
)
from starskope.exceptions import StarskopeError


@pytest.fixture
def ys():
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(20, int), np.zeros(300, int)]
    s = np.r_[rng.normal(2, 1, 20), rng.normal(0, 1, 300)]
    return y, 1 / (1 + np.exp(-s))


def test_metrics_match_sklearn(ys):
    y, s = ys
    m = binary_metrics(y, s, threshold=0.7)
    yp = (s >= 0.7).astype(int)
    assert m["pr_auc"] == pytest.approx(skm.average_precision_score(y, s))
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, s))
    assert m["f1"] == pytest.approx(skm.f1_score(y, yp))
    assert m["precision"] == pytest.approx(skm.precision_score(y, yp))
    assert m["recall"] == pytest.approx(skm.recall_score(y, yp))
    assert m["fowlkes_mallows"] == pytest.approx(skm.fowlkes_mallows_score(y, yp))
    assert m["confusion"] == skm.confusion_matrix(y, yp).tolist()
    assert set(METRICS) <= set(m) and m["n_pos"] == 20


def test_recall_at_precision_brute_force(ys):
    y, s = ys
    best_r90, best_p100 = 0.0, 0.0
    for t in np.unique(s):
        yp = s >= t
        tp = (yp & (y == 1)).sum()
        prec, rec = tp / yp.sum(), tp / y.sum()
        if prec >= 0.9:
            best_r90 = max(best_r90, rec)
        if rec == 1:
            best_p100 = max(best_p100, prec)
    assert recall_at_precision(y, s, precision=0.9) == pytest.approx(best_r90)
    assert precision_at_recall(y, s, recall=1.0) == pytest.approx(best_p100)


def test_perfect_and_hopeless_scores():
    y = np.r_[np.ones(5, int), np.zeros(565, int)]
    m = binary_metrics(y, y.astype(float))
    assert m["recall_at_p99"] == 1 and m["precision_at_r100"] == 1 and m["pr_auc"] == 1
    m = binary_metrics(y, 1.0 - y)
    assert m["recall_at_p90"] == 0 and m["roc_auc"] == 0


def test_bootstrap_intervals_cover_and_warn(ys):
    y, s = ys
    tab = bootstrap_metrics(y, s, n_boot=200, random_state=1)
    for k, v, lo, hi in tab.rows():
        assert lo <= v + 1e-9 and v - 1e-9 <= hi, k
    assert tab.high["pr_auc"] - tab.low["pr_auc"] > 0.01
    y5 = np.r_[np.ones(5, int), np.zeros(100, int)]
    tab5 = bootstrap_metrics(y5, np.r_[np.full(5, 0.9), np.linspace(0, 0.95, 100)], n_boot=50)
    assert "wide" in tab5.note


def test_single_class_notes_say_what_is_undefined():
    none = bootstrap_metrics(np.zeros(6, int), np.linspace(0, 1, 6), n_boot=20)
    assert "no hosts" in none.note and np.isnan(none.value["pr_auc"])
    only = bootstrap_metrics(np.ones(6, int), np.linspace(0, 1, 6), n_boot=20)
    assert "no non-hosts: ROC-AUC is undefined" in only.note
    assert np.isnan(only.value["roc_auc"]) and only.value["pr_auc"] == 1.0


def test_cv_threshold_reaches_precision_on_training_folds(ys):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(2)
    y = np.r_[np.ones(20, int), np.zeros(300, int)]
    X = np.r_[rng.normal(4, 1, 20), rng.normal(0, 1, 300)][:, None]
    oof = cv_scores(lambda: LogisticRegression(), X, y, random_state=0)
    assert oof.shape == y.shape
    t = cv_threshold(y, oof, min_precision=0.9)
    sel = oof >= t
    assert (y[sel] == 1).mean() >= 0.9


def test_bad_input():
    with pytest.raises(StarskopeError):
        binary_metrics([1, 0], [0.5])
    with pytest.raises(StarskopeError):
        binary_metrics([1, 0], [np.nan, 0.1])


def test_plots_draw(ys):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from starskope.models import plots

    y, s = ys
    fig, axes = plt.subplots(2, 4)
    plots.plot_roc(y, s, ax=axes[0, 0])
    plots.plot_pr(y, s, ax=axes[0, 1])
    plots.plot_confusion(binary_metrics(y, s)["confusion"], ax=axes[0, 2])
    plots.plot_score_distributions(y, s, ax=axes[0, 3])
    hist = [{"epoch": 1, "loss": 0.7, "val_loss": 0.6, "val_pr_auc": 0.5}]
    plots.plot_history(hist, ax=axes[1, 0])
    plots.plot_saliency(np.sin(np.arange(100)), np.linspace(0, 1, 100), ax=axes[1, 1])
    plots.plot_contributions([0.1, -0.3, 0.05], ["a", "b", "c"], ax=axes[1, 2])
    plots.plot_reliability(y, s, ax=axes[1, 3])
    assert any("Brier" in t.get_text() for t in axes[1, 3].get_legend().get_texts())
    assert axes[1, 2].get_yticklabels()[-1].get_text() == "b"
    assert len(axes[0, 0].lines) == 2
    plt.close(fig)


def test_clopper_pearson_matches_scipy_exact_interval():
    from scipy.stats import binomtest

    from starskope.evaluate import clopper_pearson

    for k, n in [(0, 5), (3, 5), (5, 5), (17, 40)]:
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        np.testing.assert_allclose(clopper_pearson(k, n), (ci.low, ci.high), atol=1e-10)
    assert all(np.isnan(clopper_pearson(0, 0)))


def test_recall_interval_of_five_found_hosts_is_not_a_point():
    """A bootstrap redraws 5 found hosts as 5 found hosts; the interval must still say that
    5 of 5 is compatible with a recall of 0.5."""
    from starskope.evaluate import bootstrap_metrics

    y = np.r_[np.ones(5), np.zeros(100)]
    s = np.r_[np.full(5, 0.9), np.linspace(0.0, 0.4, 100)]
    t = bootstrap_metrics(y, s, n_boot=200, random_state=0)
    assert t.value["recall"] == 1.0 and t.high["recall"] == 1.0
    assert t.low["recall"] == pytest.approx(0.478, abs=1e-3)
    assert t.low["precision"] == pytest.approx(0.478, abs=1e-3)
    assert "understate" in t.note


def test_precision_is_undefined_when_nothing_is_called_a_host():
    """With no score at the threshold precision is undefined (null), not 0; and bootstrap
    draws that call nothing a host do not drag its interval to 0: two of two called hosts
    right give the exact binomial [0.158, 1], not [0, 1]."""
    from starskope.evaluate import bootstrap_metrics

    y = np.r_[np.ones(5), np.zeros(100)]
    s = np.r_[0.9, 0.8, np.full(3, 0.3), np.linspace(0.0, 0.4, 100)]
    t = bootstrap_metrics(y, s, n_boot=300, random_state=0)
    assert t.value["precision"] == 1.0
    assert t.low["precision"] == pytest.approx(0.158, abs=1e-3) and t.high["precision"] == 1.0
    none = binary_metrics(y, np.full(105, 0.1))
    assert np.isnan(none["precision"]) and none["recall"] == 0 and none["f1"] == 0


def test_cv_scores_keep_a_group_in_one_fold():
    """Injections into one real star are never both trained on and validated."""
    from starskope.evaluate import cv_scores

    rng = np.random.default_rng(0)
    n = 120
    groups = np.repeat(np.arange(30), 4)
    y = (rng.uniform(size=n) < 0.4).astype(int)
    X = rng.normal(size=(n, 3))
    seen: list[set] = []

    class Probe:
        def fit(self, X_, y_):
            self.train = {tuple(r) for r in X_}
            return self

        def predict_proba(self, Z):
            seen.append((self.train, {tuple(r) for r in Z}))
            return np.full((len(Z), 2), 0.5)

    cv_scores(Probe, X, y, groups=groups, random_state=1)
    row_group = {tuple(r): g for r, g in zip(X, groups, strict=True)}
    for train, val in seen:
        assert not {row_group[r] for r in train} & {row_group[r] for r in val}
    with pytest.raises(StarskopeError, match="one group per row"):
        cv_scores(Probe, X, y, groups=groups[:-1])


@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
def test_reliability_matches_sklearn_calibration_curve(ys, strategy):
    from sklearn.calibration import calibration_curve

    y, s = ys
    r = reliability(y, s, n_bins=8, strategy=strategy)
    frac, mean = calibration_curve(y, s, n_bins=8, strategy=strategy)
    np.testing.assert_allclose(r["fraction"], frac)
    np.testing.assert_allclose(r["mean_score"], mean)
    assert r["count"].sum() == len(y)
    assert np.all(r["low"] <= r["fraction"]) and np.all(r["fraction"] <= r["high"])
    assert np.all(r["lower"] <= r["mean_score"]) and np.all(r["mean_score"] <= r["upper"])


def test_calibration_metrics_match_sklearn_and_tell_calibrated_from_not():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(1)
    p = rng.beta(0.3, 3.0, 20000)  # most stars near 0, as in a survey
    y = (rng.random(p.size) < p).astype(int)  # labels drawn from the scores: calibrated
    m = calibration_metrics(y, p)
    assert m["brier"] == pytest.approx(skm.brier_score_loss(y, p))
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, p))
    frac, mean = calibration_curve(y, p, n_bins=10, strategy="quantile")
    count = np.full(10, p.size / 10)
    assert m["ece"] == pytest.approx(np.sum(count * np.abs(frac - mean)) / p.size)
    assert m["ece"] < 0.01 and m["mean_score"] == pytest.approx(m["host_rate"], abs=0.01)
    assert m["brier"] < m["brier_reference"]
    # the same ranking, over-confident (a prior of 50% on a population at ~9%): worse
    odds = p / (1 - p) * 10.0
    over = odds / (1 + odds)
    worse = calibration_metrics(y, over)
    assert worse["ece"] > 0.1 and worse["brier"] > m["brier"]
    assert worse["mean_score"] > 2 * worse["host_rate"]


def test_calibration_needs_probabilities():
    with pytest.raises(StarskopeError, match="probabilities in"):
        calibration_metrics([0, 1], [-0.2, 0.8])
    with pytest.raises(StarskopeError, match="strategy"):
        reliability([0, 1], [0.2, 0.8], strategy="equal")
    with pytest.raises(StarskopeError, match="n_bins"):
        reliability([0, 1], [0.2, 0.8], n_bins=0)


def test_log_bins_give_the_rare_high_scores_their_own_bins():
    rng = np.random.default_rng(2)
    s = np.r_[rng.uniform(1e-3, 1e-2, 990), [0.0], rng.uniform(0.3, 0.9, 9)]
    y = np.r_[np.zeros(991, int), np.ones(9, int)]
    r = reliability(y, s, n_bins=6, strategy="log")
    assert r["count"].sum() == s.size and r["lower"][0] == 0.0 and r["upper"][-1] == 1.0
    assert np.all(r["upper"][:-1] <= r["lower"][1:])  # increasing; empty bins left out
    top = r["lower"] >= 0.1  # the high scores are alone in their bins, all hosts
    assert r["count"][top].sum() == 9 and np.all(r["fraction"][top] == 1.0)
    q = reliability(y, s, n_bins=6, strategy="quantile")
    assert q["count"][-1] > 100  # equal counts lump them with 150-odd others


def test_log_bins_start_no_higher_than_a_tenth_and_no_lower_than_half_a_star():
    s = np.array([0.3, 0.5, 0.7, 0.9])
    r = reliability([0, 1, 1, 1], s, n_bins=5, strategy="log")
    assert r["lower"][0] >= 0.1 and r["count"].sum() == 4  # all above 0.1: bins from 0.1
    tiny = np.r_[1e-300, np.full(99, 0.02), 0.8]
    r = reliability(np.r_[np.zeros(100, int), 1], tiny, n_bins=4, strategy="log")
    # the 1e-300 does not stretch the grid: it joins the first bin, from 0.5 / 101 up
    assert r["count"].tolist() == [1, 99, 1]
    assert r["upper"][0] == pytest.approx((0.5 / 101) ** 0.75, rel=1e-6)


def test_log_loss_of_certain_scores_matches_sklearn():
    y, s = [0, 1, 1, 0], [0.0, 1.0, 0.0, 0.3]
    assert calibration_metrics(y, s)["log_loss"] == pytest.approx(skm.log_loss(y, s))


def test_calibration_needs_binary_labels():
    with pytest.raises(StarskopeError, match="labels 0 and 1"):
        calibration_metrics([0, 2, 2], [0.1, 0.9, 0.8])


def test_a_kaggle_label_column_is_refused_where_labels_are_0_and_1():
    """The Kaggle LABEL column (2 a host, 1 not) given to the Python API was taken as 0/1:
    binary_metrics gave a PR-AUC of 1.53 and 95 hosts among 80 stars, gbm's planet column
    scored the non-hosts (ROC-AUC 0.066) and the views CNN named class 1 the planet (an
    audit of the training workflow). Each now says what to pass."""
    from starskope.evaluate import binary_metrics, bootstrap_metrics
    from starskope.models.gbm import GBMClassifier
    from starskope.models.training_data import to_class_names

    label = np.array([1, 2, 1, 1, 2, 1] * 5)
    scores = np.linspace(0, 1, label.size)
    for fn in (binary_metrics, bootstrap_metrics):
        with pytest.raises(
            StarskopeError, match=r"got 2: a Kaggle table's LABEL .* \(LABEL == 2\)"
        ):
            fn(label, scores)
    assert binary_metrics((label == 2).astype(int), scores)["n_pos"] == 10
    # the siblings (a review): resamples drew the non-hosts as hosts
    from starskope.evaluate import stratified_resamples
    from starskope.models.torch_training import ranking_metrics

    with pytest.raises(StarskopeError, match="LABEL == 2"):
        next(stratified_resamples(label, n_boot=1))
    with pytest.raises(StarskopeError, match="LABEL == 2"):
        ranking_metrics(label, scores)
    assert binary_metrics(np.array((label == 2).astype(int), dtype=object), scores)["n_pos"] == 10
    with pytest.raises(StarskopeError, match="LABEL == 2"):
        to_class_names(label)
    X = np.random.default_rng(0).normal(size=(label.size, 3))
    gbm = GBMClassifier(max_iter=10, cv=2, random_state=0).fit(X, label)  # scikit-learn's way
    with pytest.raises(StarskopeError, match="labels 1 and 2"):
        gbm.score_planet(X)
