"""A Restricted Boltzmann Machine feature model with a linear classifier (comparison entry).

The original study's future-work idea: learn features of the raw flux with scikit-learn's
``BernoulliRBM`` and classify them with a logistic regression. Each star is scaled as for the
original CNN (zero mean, unit variance), clipped to +-4 sigma and mapped to [0, 1] (the RBM's
visible units are Bernoulli probabilities). The logistic regression uses balanced class weights
and the whole pipeline is calibrated (sigmoid) on stratified folds of the training data.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ..exceptions import StarskopeError
from ..features.rawflux import standardize_rows
from .occlusion import occlusion_drop, scale_rows

__all__ = ["RBMClassifier", "rbm_inputs"]


def rbm_inputs(X) -> np.ndarray:
    """Raw flux rows -> [0, 1] visible units (standardised, clipped at +-4 sigma)."""
    z = standardize_rows(np.asarray(X, dtype=np.float64))
    return (np.clip(z, -4.0, 4.0) + 4.0) / 8.0


class RBMClassifier(ClassifierMixin, BaseEstimator):
    """BernoulliRBM features + logistic regression on raw flux, calibrated.

    Parameters
    ----------
    n_components : int, default 16
        Hidden units.
    learning_rate : float, default 0.01
    n_iter : int, default 15
        RBM training epochs.
    C : float, default 1.0
        Inverse regularisation of the logistic regression.
    cv : int, default 3
        Stratified folds for the sigmoid calibration.
    host_prior : float or None, default None
        Shift probabilities to this host rate (:func:`~starskope.models.prior.shift_prior`).
    random_state : int or None, default None

    Attributes
    ----------
    classes_, n_points_, train_prior_, calibrated_
    """

    def __init__(
        self,
        *,
        n_components: int = 16,
        learning_rate: float = 0.01,
        n_iter: int = 15,
        C: float = 1.0,
        cv: int = 3,
        host_prior: float | None = None,
        random_state: int | None = None,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.n_iter = n_iter
        self.C = C
        self.cv = cv
        self.host_prior = host_prior
        self.random_state = random_state

    def fit(self, X, y):
        """Fit on raw flux ``X`` (n_stars, n_points) and labels ``y`` (1 = host); returns self."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
        from sklearn.neural_network import BernoulliRBM
        from sklearn.pipeline import Pipeline

        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y).astype(int).ravel()
        if X.ndim != 2 or len(X) != len(y):
            raise StarskopeError(
                f"X must be (n_stars, n_points) with one label per star; got {X.shape}"
            )
        if set(np.unique(y)) != {0, 1}:
            raise StarskopeError("labels must include both 0 (non-host) and 1 (host)")
        k = int(min(self.cv, y.sum(), len(y) - y.sum()))
        pipe = Pipeline(
            [
                (
                    "rbm",
                    BernoulliRBM(
                        n_components=self.n_components,
                        learning_rate=self.learning_rate,
                        n_iter=self.n_iter,
                        random_state=self.random_state,
                    ),
                ),
                ("lr", LogisticRegression(C=self.C, class_weight="balanced", max_iter=1000)),
            ]
        )
        if k >= 2:
            cv = StratifiedKFold(k, shuffle=True, random_state=self.random_state)
            self.calibrated_ = CalibratedClassifierCV(pipe, method="sigmoid", cv=cv, ensemble=False)
        else:
            raise StarskopeError("need at least 2 hosts and 2 non-hosts to calibrate")
        self.calibrated_.fit(rbm_inputs(X), y)
        self.classes_ = np.array([0, 1])
        self.n_points_ = int(X.shape[1])
        self.train_prior_ = float(y.mean())
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated ``[P(non-host), P(host)]``."""
        check_is_fitted(self, "calibrated_")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_points_:
            raise StarskopeError(f"model expects {self.n_points_} points per star; got {X.shape}")
        proba = self.calibrated_.predict_proba(rbm_inputs(X))
        if self.host_prior is None:
            return proba
        from .prior import shift_prior

        return shift_prior(
            proba, planet_col=1, train_prior=self.train_prior_, host_prior=self.host_prior
        )

    def predict(self, X) -> np.ndarray:
        """1 where the host probability is at least 0.5."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def saliency(self, X, *, method: str = "occlusion", window: int = 50) -> np.ndarray:
        """Occlusion saliency over time (drop of the host log-odds when a stretch is hidden)."""
        if method != "occlusion":
            raise StarskopeError(
                f"RBMClassifier saliency supports only 'occlusion'; got {method!r}"
            )
        X = np.asarray(X, dtype=np.float64)

        def logit(Z):
            p = np.clip(self.predict_proba(Z)[:, 1], 1e-9, 1 - 1e-9)
            return np.log(p / (1 - p))

        return scale_rows(occlusion_drop(logit, X, window))
