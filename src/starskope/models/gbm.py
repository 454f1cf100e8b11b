"""Gradient-boosted trees on tabular features, calibrated on cross-validation folds.

:class:`GBMClassifier` wraps scikit-learn's ``HistGradientBoostingClassifier`` (native NaN
handling, no extra dependency) in ``CalibratedClassifierCV`` (isotonic or sigmoid, stratified
k-fold on the training data only; with ``fit(..., groups=...)`` stratified group k-fold, so a
star's rows stay in one fold, and the trees of each fold stop early on a validation part that
holds whole stars too), so :meth:`GBMClassifier.predict_proba` is a calibrated
probability (ties of the isotonic steps broken by the trees' own score, within 1e-6 before
any prior shift). Labels may be binary (1 = host) or multi-class (e.g. ``"planet"``,
``"eclipsing_binary"``, ``"other"``); :meth:`GBMClassifier.score_planet` picks the planet column.
:meth:`GBMClassifier.contributions` explains each prediction: the change of the planet probability
when one feature is replaced by its training median (per star, per feature).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier as _HGB
from sklearn.utils.validation import check_is_fitted, validate_data

from ..exceptions import StarskopeError
from .prior import at_host_prior
from .splits import calibration_folds, shared_groups, validation_split

__all__ = ["GBMClassifier"]


class GBMClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated gradient boosting (scikit-learn ``HistGradientBoostingClassifier``).

    Parameters
    ----------
    learning_rate : float, default 0.05
    max_iter : int, default 300
        Boosting rounds (early stopping on an internal validation split when > 50 samples).
    max_leaf_nodes : int, default 15
    l2_regularization : float, default 1.0
    class_weight : {"balanced", None}, default "balanced"
        Reweight the rare hosts during boosting (calibration undoes the prior shift).
    calibration : {"isotonic", "sigmoid"}, default "isotonic"
    cv : int, default 5
        Stratified folds for calibration (reduced to the smallest class size when needed; with
        ``groups``, to the fewest groups holding a class, with a warning).
    host_prior : float or None, default None
        Planet-host rate of the population to be scored; probabilities are shifted to it from
        the training rate (:func:`~starskope.models.prior.shift_prior`). None: the training rate.
    random_state : int or None, default None

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    calibrated_ : sklearn.calibration.CalibratedClassifierCV
    n_iter_ : int
        Most boosting rounds used by any fold's trees.
    train_prior_ : float or None
        Planet share of the training labels (None without a planet class).
    medians_ : ndarray
        Training medians per feature (the reference for :meth:`contributions`).
    """

    def __init__(
        self,
        *,
        learning_rate: float = 0.05,
        max_iter: int = 300,
        max_leaf_nodes: int = 15,
        l2_regularization: float = 1.0,
        class_weight: str | None = "balanced",
        calibration: str = "isotonic",
        cv: int = 5,
        host_prior: float | None = None,
        random_state: int | None = None,
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.class_weight = class_weight
        self.calibration = calibration
        self.cv = cv
        self.host_prior = host_prior
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def fit(self, X, y, groups=None):
        """Fit the boosted trees and their calibration on ``X`` (n_stars, n_features); self.

        ``groups`` (one per row, e.g. :func:`~starskope.models.training_data.star_groups`)
        keeps each group's rows in one calibration fold (:func:`~starskope.models.splits.
        calibration_folds`), and the trees of each fold stop early on a tenth of the fold's
        training part that holds whole groups too (:func:`~starskope.models.splits.
        validation_split`; a fold with too few groups for that stops on rows, with a warning).
        None, or a group per row, gives the row-wise stratified folds and the trees' own
        row-wise early-stopping split, exactly as without groups; so do grouped folds that fell
        back to row-wise ones.
        """
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import StratifiedKFold
        from sklearn.utils.multiclass import check_classification_targets

        if self.calibration not in ("isotonic", "sigmoid"):
            raise StarskopeError(
                f"calibration must be 'isotonic' or 'sigmoid'; got {self.calibration!r}"
            )
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        if len(self.classes_) < 2:
            raise _LabelError(f"need at least two classes to train; got {len(self.classes_)} class")
        folds = int(min(self.cv, counts.min()))
        grouped = calibration_folds(
            y, groups, self.cv, random_state=self.random_state, what="gbm calibration"
        )
        # grouped folds: their trees stop early on whole groups too; where the folds fell back
        # to row-wise ones (a warning said so), so does the trees' early stopping
        base = (HistGradientBoostingClassifier if grouped is None else _GroupStoppedTrees)(
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            class_weight=self.class_weight,
            early_stopping=len(y) > 200,
            random_state=self.random_state,
        )
        if grouped is not None:
            self.calibrated_ = CalibratedClassifierCV(base, method=self.calibration, cv=grouped)
        elif folds >= 2:
            cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            self.calibrated_ = CalibratedClassifierCV(base, method=self.calibration, cv=cv)
        else:  # a single member in some class: no folds to calibrate on
            self.calibrated_ = _Uncalibrated(base)
        if grouped is None:
            self.calibrated_.fit(_sentinel(X), y)
        else:  # each fold's trees get their rows' groups (sliced by CalibratedClassifierCV)
            self.calibrated_.fit(_sentinel(X), y, groups=shared_groups(groups, len(y)))
        fitted = getattr(self.calibrated_, "calibrated_classifiers_", None)
        ests = [c.estimator for c in fitted] if fitted else [self.calibrated_.est]
        self.n_iter_ = int(max(e.n_iter_ for e in ests))
        self.n_train_ = int(len(y))
        try:
            self.train_prior_ = float(np.mean(y == self.classes_[self.planet_column()]))
        except StarskopeError:  # multi-class labels without a "planet" class
            self.train_prior_ = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
            med = np.nanmedian(X, axis=0)
        self.medians_ = np.where(np.isfinite(med), med, np.nan)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "calibrated_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        Xs = _sentinel(X)
        proba = _off_the_bounds(self.calibrated_.predict_proba(Xs), getattr(self, "n_train_", None))
        fitted = getattr(self.calibrated_, "calibrated_classifiers_", None)
        if fitted and self.calibration == "isotonic":
            # isotonic steps tie many stars (sigmoid has none): the trees' order breaks them.
            # This runs each fold's trees a second time (predict time doubles; still ~10 us
            # per star)
            raw = np.mean([_fold_trees(c).predict_proba(Xs) for c in fitted], axis=0)
            proba = _break_ties(proba, raw)
        return at_host_prior(self, proba)

    def predict(self, X) -> np.ndarray:
        """Most probable class."""
        check_is_fitted(self, "calibrated_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def planet_column(self) -> int:
        """Index of the planet class in ``classes_``: ``"planet"``, else 1, else the second of two."""
        check_is_fitted(self, "calibrated_")
        if [str(c) for c in self.classes_] == ["1", "2"]:
            # a Kaggle table's LABEL (2 a host): class 1 would score the non-hosts (the
            # estimator takes any classes, as scikit-learn's do; the planet column needs 0/1)
            raise StarskopeError(
                "trained on labels 1 and 2, a Kaggle table's LABEL (2 a host)? The planet"
                " class would be 1, the non-hosts: train on 0/1 labels, (LABEL == 2)"
            )
        for key in ("planet", 1):
            hits = [i for i, c in enumerate(self.classes_) if c == key]
            if hits:
                return hits[0]
        if len(self.classes_) == 2:
            return 1
        raise StarskopeError(f"no planet class among {list(self.classes_)}")

    def score_planet(self, X) -> np.ndarray:
        """Calibrated probability of the planet class, shape ``(n_stars,)``."""
        return self.predict_proba(X)[:, self.planet_column()]

    def contributions(self, X) -> np.ndarray:
        """Per star and feature: planet probability minus that with the feature at its median.

        Positive values pushed the star towards "planet". Shape ``(n_stars, n_features)``.
        """
        X = np.asarray(X, dtype=np.float64)
        n, m = X.shape
        # one batched prediction: star i with feature j at its median is row j * n + i
        Z = np.tile(X, (m + 1, 1))
        for j in range(m):
            Z[(j + 1) * n : (j + 2) * n, j] = self.medians_[j]
        p = self.score_planet(Z).reshape(m + 1, n)
        return (p[0][None, :] - p[1:]).T


_MISSING = -1.0e9


def _sentinel(X: np.ndarray) -> np.ndarray:
    """Missing values as a far-off number (a fold may hold a column of NaN only, which
    ``HistGradientBoostingClassifier`` cannot bin); trees split it off just as they would NaN."""
    return np.where(np.isnan(X), _MISSING, X)


class _GroupStoppedTrees(_HGB):
    """``HistGradientBoostingClassifier`` whose early stopping holds out whole groups.

    scikit-learn's own early stopping holds out a stratified tenth of the *rows*
    (``validation_fraction``), so injections into one star can be both boosted on and used to
    decide when to stop. With ``fit(X, y, groups=...)`` the held-out part is
    :func:`~starskope.models.splits.validation_split` of the groups, passed as ``X_val`` and
    ``y_val`` (scikit-learn 1.7), weighted by ``class_weight`` as scikit-learn weighs its own
    held-out rows (it applies class weights to the training rows only when given ``X_val``);
    without shared groups, or with too few groups for a split (a warning), the row-wise split
    as before. The class is pickled inside trained models: keep its name and module.
    """

    # ``groups`` is this fit's own argument, also under scikit-learn's metadata routing
    __metadata_request__fit = {"groups": True}

    def fit(self, X, y, sample_weight=None, groups=None):
        from sklearn.utils.class_weight import compute_sample_weight

        stops = len(y) > 10000 if self.early_stopping == "auto" else bool(self.early_stopping)
        split = None
        if stops and groups is not None:
            split = validation_split(
                y,
                groups,
                self.validation_fraction,
                random_state=self.random_state,
                what="gbm early stopping",
            )
        if split is None:
            return super().fit(X, y, sample_weight=sample_weight)
        tr, va = split
        X, y = np.asarray(X), np.asarray(y)
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        w_val = None if sw is None else sw[va]
        if self.class_weight is not None:  # balanced on the fold, as before the split
            cw = compute_sample_weight(self.class_weight, y)[va]
            w_val = cw if w_val is None else w_val * cw
        return super().fit(
            X[tr],
            y[tr],
            sample_weight=None if sw is None else sw[tr],
            X_val=X[va],
            y_val=y[va],
            sample_weight_val=w_val,
        )


class _LabelError(StarskopeError, ValueError):
    """Bad training labels (a StarskopeError that scikit-learn's checks see as ValueError)."""


class _Uncalibrated:
    """Stand-in with the CalibratedClassifierCV interface when there are too few samples."""

    def __init__(self, est):
        self.est = est

    def fit(self, X, y):
        self.est.fit(X, y)
        return self

    def predict_proba(self, X):
        return self.est.predict_proba(X)


def _fold_trees(calibrated_classifier):
    """The fitted trees of one calibration fold (``base_estimator`` before scikit-learn 1.2)."""
    est = getattr(calibrated_classifier, "estimator", None)
    return est if est is not None else calibrated_classifier.base_estimator


#: Weight of the uncalibrated probabilities in :func:`_break_ties`.
TIE_WEIGHT = 1e-6


def _break_ties(calibrated: np.ndarray, raw: np.ndarray, weight: float = TIE_WEIGHT) -> np.ndarray:
    """``(1 - weight) * calibrated + weight * raw``: calibrated probabilities whose ties are
    broken by the uncalibrated ones.

    Isotonic calibration is a step function: on a large survey thousands of stars share a
    step (and the clip of :func:`_off_the_bounds` ties the top), so their order, which the
    trees know, is lost to ranking metrics and to a sorted candidate list. The convex mixture
    keeps each probability within ``weight`` of the calibrated one (rows still sum to 1) and
    orders stars on the same step by the trees' score.

    Examples
    --------
    >>> cal = np.array([[0.8, 0.2], [0.8, 0.2], [0.4, 0.6]])
    >>> raw = np.array([[0.9, 0.1], [0.7, 0.3], [0.5, 0.5]])
    >>> p = _break_ties(cal, raw)
    >>> bool(p[1, 1] > p[0, 1]), bool(np.abs(p - cal).max() <= 1e-6), p.sum(axis=1).tolist()
    (True, True, [1.0, 1.0, 1.0])
    """
    return (1.0 - weight) * np.asarray(calibrated, dtype=float) + weight * np.asarray(raw, float)


def _off_the_bounds(proba: np.ndarray, n_train: int | None) -> np.ndarray:
    """Calibrated probabilities kept off exactly 0 and 1 (then renormalised).

    An isotonic calibration step at 0 or 1 rests on finitely many calibration stars, so it means
    "rare", not "impossible": the probabilities are clipped to ``[e, 1 - e]`` with the Laplace
    estimate ``e = 1 / (n + 2)`` of ``n`` training stars (1e-3 for a model saved without its
    count). Rankings and 0.5 decisions are unchanged; a prior shift (``--prior``) can then move
    a score of "1".
    """
    eps = 1.0 / (n_train + 2) if n_train else 1e-3
    p = np.clip(np.asarray(proba, dtype=float), eps, 1.0 - eps)
    return p / p.sum(axis=1, keepdims=True)
