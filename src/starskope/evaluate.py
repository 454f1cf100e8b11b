"""Honest evaluation of classifiers: metrics, bootstrap intervals, thresholds from CV only.

Metrics (:func:`binary_metrics`): PR-AUC (average precision), ROC-AUC, recall at 90% and 99%
precision, precision at 100% recall, F1, Fowlkes-Mallows (scikit-learn's pair-counting index, as the
original study reported it) and the confusion matrix at a given
threshold. :func:`bootstrap_metrics` adds percentile confidence intervals by resampling stars
(stratified, so each resample keeps the number of hosts); with 5 hosts in a test set they are
wide, and the table says so. :func:`cv_threshold` picks a decision threshold from stratified
k-fold out-of-fold scores on the *training* data, so the test set is touched once, at the end.
Whether a score is a probability: :func:`reliability` (observed host share against the mean
score, bin by bin, with exact binomial intervals) and :func:`calibration_metrics` (Brier score,
log loss, expected calibration error, mean score against the host share).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .exceptions import StarskopeError

__all__ = [
    "METRICS",
    "MetricTable",
    "binary_metrics",
    "bootstrap_metrics",
    "calibration_metrics",
    "clopper_pearson",
    "cv_scores",
    "cv_threshold",
    "precision_at_recall",
    "recall_at_precision",
    "reliability",
    "stratified_resamples",
]


def binary_labels(y) -> np.ndarray:
    """``y`` as integers 0 (not a host) and 1 (a host), or a StarskopeError: the Kaggle
    table's LABEL (2 a host, 1 not) was taken as 0/1 by the metrics (a PR-AUC of 1.5, 95 hosts
    among 80 stars) and by the estimators (a model scoring non-hosts).

    Examples
    --------
    >>> binary_labels([0, 1, True]).tolist()
    [0, 1, 1]
    >>> binary_labels([1, 2, 1])
    Traceback (most recent call last):
    ...
    starskope.exceptions.StarskopeError: labels must be 0 (not a host) or 1 (a host); got 2: ...
    """
    arr = np.asarray(y).ravel()
    if arr.dtype.kind not in "biuf":  # an object column of 0/1 (pandas), strings of them
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise StarskopeError(
                f"labels must be 0 (not a host) or 1 (a host); got {arr.dtype} values such as"
                f" {str(arr[0])!r}"
                if arr.size
                else "labels must be 0 or 1"
            ) from None
    bad = np.unique(arr[~np.isin(arr, (0, 1))])
    if bad.size:
        hint = (
            ": a Kaggle table's LABEL is 2 for a host and 1 for not; pass (LABEL == 2)"
            if set(np.unique(arr).tolist()) <= {1, 2}
            else ""
        )
        shown = ", ".join(f"{v:g}" for v in bad[:5].astype(float))
        raise StarskopeError(f"labels must be 0 (not a host) or 1 (a host); got {shown}{hint}")
    return arr.astype(int)


def _check(y, s):
    y = binary_labels(y)
    s = np.asarray(s, dtype=float).ravel()
    if y.shape != s.shape:
        raise StarskopeError(f"labels and scores differ in length: {len(y)} vs {len(s)}")
    if not np.isfinite(s).all():
        raise StarskopeError("scores contain NaN or inf")
    return y, s


def _pr(y, s):
    from sklearn.metrics import precision_recall_curve

    return precision_recall_curve(y, s)


def recall_at_precision(y, s, *, precision: float) -> float:
    """Highest recall reached at a threshold whose precision is at least ``precision``."""
    y, s = _check(y, s)
    if y.sum() == 0:
        return float("nan")
    p, r, _ = _pr(y, s)
    ok = p >= precision
    return float(r[ok].max()) if ok.any() else 0.0


def precision_at_recall(y, s, *, recall: float = 1.0) -> float:
    """Highest precision at a threshold that keeps recall at least ``recall``."""
    y, s = _check(y, s)
    if y.sum() == 0:
        return float("nan")
    p, r, _ = _pr(y, s)
    ok = r >= recall - 1e-12
    return float(p[ok].max())


def _curve(y: np.ndarray, s: np.ndarray):
    """Cumulative (tp, fp) at each distinct score, highest first (as sklearn's curves)."""
    order = np.argsort(-s, kind="mergesort")
    ys, ss = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(ss) != 0), len(ss) - 1]
    tp = np.cumsum(ys)[last].astype(float)
    fp = (last + 1 - tp).astype(float)
    return tp, fp


def _fowlkes_mallows(tp: float, fp: float, fn: float, tn: float) -> float:
    """scikit-learn's (pair-counting) Fowlkes-Mallows index from the confusion counts."""
    n = tp + fp + fn + tn
    tk = tp**2 + fp**2 + fn**2 + tn**2 - n
    pk = (tp + fp) ** 2 + (fn + tn) ** 2 - n  # predicted clusters
    qk = (tp + fn) ** 2 + (fp + tn) ** 2 - n  # true clusters
    return float(np.sqrt(tk / pk) * np.sqrt(tk / qk)) if tk else 0.0


def _fast_metrics(y: np.ndarray, s: np.ndarray, threshold: float) -> dict:
    """All :data:`METRICS` with numpy only (fast enough for the bootstrap)."""
    n_pos = float(y.sum())
    n_neg = float(len(y) - n_pos)
    out = dict.fromkeys(METRICS, float("nan"))
    if n_pos > 0:
        tp, fp = _curve(y, s)
        prec = tp / (tp + fp)
        rec = tp / n_pos
        out["pr_auc"] = float(np.sum(np.diff(np.r_[0.0, rec]) * prec))
        ok = prec >= 0.9
        out["recall_at_p90"] = float(rec[ok].max()) if ok.any() else 0.0
        ok = prec >= 0.99
        out["recall_at_p99"] = float(rec[ok].max()) if ok.any() else 0.0
        out["precision_at_r100"] = float(prec[rec >= 1 - 1e-12].max())
        if n_neg > 0:
            from scipy.stats import rankdata

            r = rankdata(s)
            out["roc_auc"] = float((r[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    yp = s >= threshold
    tp = float(np.sum(yp & (y == 1)))
    fp = float(np.sum(yp & (y == 0)))
    fn = n_pos - tp
    p = tp / (tp + fp) if tp + fp else float("nan")  # nothing called a host: undefined
    r = tp / n_pos if n_pos else 0.0
    out["precision"], out["recall"] = p, r
    out["f1"] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    out["fowlkes_mallows"] = _fowlkes_mallows(tp, fp, fn, n_neg - fp)
    return out


#: Names of the metrics :func:`binary_metrics` reports, in order.
METRICS = (
    "pr_auc",
    "roc_auc",
    "recall_at_p90",
    "recall_at_p99",
    "precision_at_r100",
    "precision",
    "recall",
    "f1",
    "fowlkes_mallows",
)


def binary_metrics(y, s, *, threshold: float = 0.5) -> dict:
    """All metrics of scores ``s`` for labels ``y`` (1 = host), plus the confusion matrix.

    Parameters
    ----------
    y : array-like of int
    s : array-like of float
        Scores (higher = more planet-like); ``threshold`` applies to the threshold metrics.
    threshold : float, optional

    Returns
    -------
    dict
        :data:`METRICS` keys, ``"confusion"`` (``[[tn, fp], [fn, tp]]``), ``"n"``, ``"n_pos"``.
    """
    from sklearn.metrics import confusion_matrix

    y, s = _check(y, s)
    out = _fast_metrics(y, s, threshold)
    out["confusion"] = confusion_matrix(y, (s >= threshold).astype(int), labels=[0, 1]).tolist()
    out["n"] = int(len(y))
    out["n_pos"] = int(y.sum())
    out["threshold"] = float(threshold)
    return out


@dataclass(frozen=True)
class MetricTable:
    """Point estimates with bootstrap percentile intervals.

    Attributes
    ----------
    value : dict
        :func:`binary_metrics` on the full set.
    low, high : dict
        Lower/upper percentile bounds per metric.
    n_boot : int
    level : float
    note : str
    """

    value: dict
    low: dict
    high: dict
    n_boot: int
    level: float
    note: str = field(default="")

    def rows(self) -> list[tuple[str, float, float, float]]:
        """``(metric, value, low, high)`` for each of :data:`METRICS`."""
        return [(k, self.value[k], self.low[k], self.high[k]) for k in METRICS]


def stratified_resamples(y, *, n_boot: int = 1000, random_state=None):
    """Indices of ``n_boot`` stratified bootstrap resamples of labels ``y``: hosts and
    non-hosts drawn with replacement apart, so every resample keeps their numbers. Scoring
    several models on the same resamples makes their intervals comparable.

    Yields
    ------
    ndarray
        Indices into ``y``: the resampled hosts, then the resampled non-hosts.
    """
    y = binary_labels(y)
    rng = np.random.default_rng(random_state)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    for _ in range(int(n_boot)):
        yield np.concatenate(
            [rng.choice(pos, len(pos), replace=True), rng.choice(neg, len(neg), replace=True)]
        )


def bootstrap_metrics(
    y, s, *, threshold: float = 0.5, n_boot: int = 1000, level: float = 0.95, random_state=None
) -> MetricTable:
    """Metrics with stratified bootstrap confidence intervals (hosts and non-hosts resampled apart).

    Recall and precision at ``threshold`` get the wider of the bootstrap interval and the
    exact binomial one (:func:`clopper_pearson`): a bootstrap of 5 hosts that were all found
    redraws 5 found hosts, an interval of [1, 1]; the exact one is [0.48, 1].

    Returns
    -------
    MetricTable
        ``note`` warns when there are fewer than 20 hosts (the intervals are then wide).
    """
    y, s = _check(y, s)
    pos = np.flatnonzero(y == 1)
    draws = {k: [] for k in METRICS}
    for idx in stratified_resamples(y, n_boot=n_boot, random_state=random_state):
        m = _fast_metrics(y[idx], s[idx], threshold)
        for k in METRICS:
            draws[k].append(m[k])
    a = (1 - level) / 2
    low = {
        k: float(np.nanquantile(v, a)) if np.isfinite(v).any() else np.nan for k, v in draws.items()
    }
    high = {
        k: float(np.nanquantile(v, 1 - a)) if np.isfinite(v).any() else np.nan
        for k, v in draws.items()
    }
    value = binary_metrics(y, s, threshold=threshold)
    (_, fp), (fn, tp) = value["confusion"]
    for k, n in (("recall", tp + fn), ("precision", tp + fp)):
        # a bootstrap redraws 5 found hosts as 5 found hosts ([1, 1]): widen to the exact
        # binomial interval of the proportion
        lo, hi = clopper_pearson(tp, n, level=level)
        if np.isfinite(lo):
            low[k] = lo if not np.isfinite(low[k]) else min(low[k], lo)
            high[k] = hi if not np.isfinite(high[k]) else max(high[k], hi)
    note = ""
    if len(pos) == 0:
        note = (
            "no hosts: PR-AUC, ROC-AUC and the recall-precision trade-offs are undefined (null);"
            " give a test set with both classes"
        )
    elif len(pos) == len(y):
        note = (
            "no non-hosts: ROC-AUC is undefined (null) and every precision is 1 whatever the"
            " scores, so only recall measures the model; give a test set with both classes"
        )
    elif len(pos) < 20:
        note = (
            f"only {len(pos)} hosts: the {level:.0%} intervals are wide, and the bootstrap's"
            " still understate it (it redraws the same few hosts; recall and precision show"
            " the wider of the bootstrap's and the exact binomial (Clopper-Pearson) interval,"
            f" bound by bound); one host more or less found moves recall by"
            f" {1 / max(len(pos), 1):.2f}"
        )
    return MetricTable(value, low, high, int(n_boot), level, note)


def clopper_pearson(k: int, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) binomial interval of a proportion ``k / n``; NaNs for n = 0.

    Examples
    --------
    >>> lo, hi = clopper_pearson(5, 5)
    >>> round(lo, 3), hi
    (0.478, 1.0)
    """
    from scipy.stats import beta

    if n <= 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    lo = 0.0 if k <= 0 else float(beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k >= n else float(beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


def _probabilities(y, s) -> tuple[np.ndarray, np.ndarray]:
    labels = np.unique(np.asarray(y).ravel())
    if labels.size and not np.isin(labels, [0, 1]).all():
        raise StarskopeError(f"calibration needs labels 0 and 1 (1 = host); got {labels.tolist()}")
    y, s = _check(y, s)
    if s.size and (s.min() < 0 or s.max() > 1):
        raise StarskopeError(
            f"calibration needs probabilities in [0, 1]; the scores run from {s.min():.3g} to "
            f"{s.max():.3g}"
        )
    return y, s


def reliability(y, s, *, n_bins: int = 10, strategy: str = "quantile", level: float = 0.95):
    """Observed host share against the mean score, bin by bin (a reliability diagram's points).

    Bins as scikit-learn's :func:`~sklearn.calibration.calibration_curve`: ``"quantile"``
    (equal counts: a score piled near 0 still gets several bins) or ``"uniform"`` (equal
    widths on [0, 1]); or ``"log"``, equal widths in log score from the smallest positive
    score (at least ``0.5 / n``, at most 0.1) to 1, scores below joining the first bin (for a
    rare class: the few high scores, which decide what a survey follows up, get bins of their
    own instead of sharing the top tenth); empty bins are left out. Each share carries its exact binomial
    (:func:`clopper_pearson`) interval: with a few hosts per bin, a calibrated model's points
    scatter about the diagonal by about that much.

    Parameters
    ----------
    y : array-like of int
        1 = host.
    s : array-like of float
        Probabilities in [0, 1].
    n_bins : int, optional
    strategy : {"quantile", "uniform", "log"}, optional
    level : float, optional
        Confidence level of the intervals.

    Returns
    -------
    dict of ndarray
        ``mean_score``, ``fraction`` (hosts / stars in the bin), ``count``, ``low`` and ``high``
        (the fraction's interval), ``lower`` and ``upper`` (the bin's edges).

    Examples
    --------
    >>> r = reliability([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> r["mean_score"].round(3).tolist(), r["fraction"].tolist(), r["count"].tolist()
    ([0.15, 0.8], [0.0, 1.0], [2, 2])
    """
    y, s = _probabilities(y, s)
    if int(n_bins) < 1:
        raise StarskopeError(f"n_bins must be at least 1; got {n_bins}")
    if strategy == "quantile":
        edges = np.percentile(s, np.linspace(0.0, 100.0, int(n_bins) + 1))
    elif strategy == "uniform":
        edges = np.linspace(0.0, 1.0, int(n_bins) + 1)
    elif strategy == "log":
        # from the smallest positive score, but no lower than half a star's share (one tiny
        # score would stretch the grid over decades no other star reaches) and no higher than
        # 0.1 (scores all above it still get bins down to there)
        pos = s[s > 0]
        low = min(max(float(pos.min()), 0.5 / s.size), 0.1) if pos.size else 0.5 / max(s.size, 1)
        edges = np.geomspace(low, 1.0, int(n_bins) + 1)
        edges[0] = 0.0  # zeros join the first bin
    else:
        raise StarskopeError(f"strategy is 'quantile', 'uniform' or 'log'; got {strategy!r}")
    ids = np.searchsorted(edges[1:-1], s)
    count = np.bincount(ids, minlength=int(n_bins))
    sums = np.bincount(ids, weights=s, minlength=int(n_bins))
    hosts = np.bincount(ids, weights=y, minlength=int(n_bins))
    keep = count > 0
    pairs = zip(hosts, count, strict=True)
    ci = np.array([clopper_pearson(round(k), int(n), level=level) for k, n in pairs])
    ci = ci.reshape(-1, 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "mean_score": (sums / count)[keep],
            "fraction": (hosts / count)[keep],
            "count": count[keep],
            "low": ci[keep, 0],
            "high": ci[keep, 1],
            "lower": edges[:-1][keep],
            "upper": edges[1:][keep],
        }


def calibration_metrics(y, s, *, n_bins: int = 10, strategy: str = "quantile") -> dict:
    """How well scores ``s`` work as probabilities of ``y`` = 1.

    Returns
    -------
    dict
        ``brier`` (mean squared difference of score and label; scikit-learn's
        :func:`~sklearn.metrics.brier_score_loss`), ``brier_reference`` (the Brier score of
        always giving the observed host share: a score that does not beat it carries no
        information), ``log_loss``, ``ece`` (expected calibration error: the count-weighted
        mean of ``|fraction - mean_score|`` over :func:`reliability`'s bins; it includes the
        bins' own sampling noise), ``mean_score`` and ``host_rate`` (calibration in the large:
        a calibrated model's mean score is the population's host share), ``n``, ``n_pos``.

    Examples
    --------
    >>> m = calibration_metrics([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> round(m["brier"], 4), round(m["ece"], 3), m["host_rate"]
    (0.0375, 0.175, 0.5)
    """
    y, s = _probabilities(y, s)
    n = len(y)
    rate = float(y.mean()) if n else float("nan")
    eps = np.finfo(float).eps  # as scikit-learn's log_loss clips
    p = np.clip(s, eps, 1 - eps)
    r = reliability(y, s, n_bins=n_bins, strategy=strategy)
    return {
        "brier": float(np.mean((s - y) ** 2)) if n else float("nan"),
        "brier_reference": rate * (1 - rate),
        "log_loss": float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))) if n else np.nan,
        "ece": float(np.sum(r["count"] * np.abs(r["fraction"] - r["mean_score"])) / n)
        if n
        else float("nan"),
        "mean_score": float(s.mean()) if n else float("nan"),
        "host_rate": rate,
        "n": int(n),
        "n_pos": int(y.sum()),
    }


def cv_scores(
    make_estimator: Callable,
    X,
    y,
    *,
    n_splits: int = 5,
    random_state=None,
    score: Callable | None = None,
    groups=None,
) -> np.ndarray:
    """Out-of-fold scores from stratified k-fold on training data.

    Parameters
    ----------
    make_estimator : callable
        ``make_estimator()`` -> new unfitted estimator.
    X, y : arrays
    n_splits : int, optional
        Reduced to the number of hosts when there are fewer.
    score : callable, optional
        ``score(est, X)`` -> planet score (default ``predict_proba(X)[:, 1]``).
    groups : array-like, optional
        A group per row (e.g. :func:`starskope.models.training_data.star_groups`): rows of a
        group stay in one fold (stratified group k-fold), so injections into one real star
        are never both trained on and validated. Each fold's model gets its rows' groups too
        (``fit(X, y, groups=...)``, for its own calibration folds) when its ``fit`` takes them.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    y = binary_labels(y)
    k = int(min(n_splits, y.sum(), len(y) - y.sum()))
    if k < 2:
        raise StarskopeError("need at least 2 hosts and 2 non-hosts for cross-validation")
    score = score or (lambda est, Z: est.predict_proba(Z)[:, 1])
    out = np.empty(len(y))
    if groups is None:
        folds = StratifiedKFold(k, shuffle=True, random_state=random_state).split(X, y)
    else:
        groups = np.asarray(groups)
        if groups.shape != y.shape:
            raise StarskopeError(f"groups must give one group per row; got {groups.shape}")
        folds = StratifiedGroupKFold(k, shuffle=True, random_state=random_state).split(X, y, groups)
    for tr, va in folds:
        est = make_estimator()
        if groups is not None and _takes_groups(est):
            est = est.fit(X[tr], y[tr], groups=groups[tr])
        else:
            est = est.fit(X[tr], y[tr])
        out[va] = score(est, X[va])
    return out


def _takes_groups(est) -> bool:
    """Whether ``est.fit`` has a ``groups`` parameter."""
    import inspect

    try:
        return "groups" in inspect.signature(est.fit).parameters
    except (TypeError, ValueError):
        return False


def cv_threshold(y, oof_scores, *, min_precision: float = 0.9) -> float:
    """Decision threshold from out-of-fold scores: the lowest one reaching ``min_precision``.

    Falls back to the F1-optimal threshold when no threshold reaches ``min_precision``.
    """
    y, s = _check(y, oof_scores)
    p, r, t = _pr(y, s)
    p, r = p[:-1], r[:-1]
    ok = np.flatnonzero(p >= min_precision)
    if len(ok):
        return float(t[ok[np.argmax(r[ok])]])
    f1 = 2 * p * r / np.maximum(p + r, 1e-300)
    return float(t[int(np.argmax(f1))])
