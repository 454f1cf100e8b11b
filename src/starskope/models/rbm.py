"""A Restricted Boltzmann Machine feature model with a linear classifier (comparison entry).

The original study's future-work idea: learn features of the raw flux with scikit-learn's
``BernoulliRBM`` and classify them with a logistic regression.

The RBM sees what a transit does to the raw flux wherever it falls, not the flux cadence by
cadence: a position-bound RBM on standardised flux (this entry's first version) learned 16
hidden units that were off for every star (mean activation 0.002, spread 1e-4), so every star
got the same score. Its visible units are now

- the flux distribution: :data:`N_QUANTILES` quantiles, dense in the low tail, of the flux with a
  running median of :data:`HIGHPASS` cadences taken out and scaled by its robust standard
  deviation (transits and eclipses make the low tail, flares the high one);
- the power spectrum: the standardised flux's log power in up to :data:`N_BANDS` logarithmic
  frequency bands (:func:`_band_edges`), standardised band by band on the training stars (periodic dips put power at their
  harmonics; spots and pulsations at low frequencies);

each squashed into (0, 1) by a logistic function (visible units are Bernoulli probabilities).
The logistic regression uses balanced class weights and the whole pipeline is calibrated
(sigmoid) on stratified folds of the training data (stratified group folds, a star's rows in
one fold, with ``fit(..., groups=...)``).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ..exceptions import StarskopeError
from ..features.rawflux import row_cadence, standardize_rows
from .occlusion import log_odds, occlusion_drop, scale_rows
from .prior import at_host_prior
from .splits import calibration_folds

__all__ = ["RBMClassifier", "rbm_features"]

#: Quantiles of the flux distribution (half of them below the median, packed toward the minimum).
N_QUANTILES = 64
#: Logarithmic frequency bands of the power spectrum.
N_BANDS = 64
#: Running-median window (cadences) taken out before the quantiles: a day at K2's 29.4 minutes.
HIGHPASS = 49
#: Quantile levels: squares of an even grid from the minimum toward the median, mirrored above
#: it (the median itself is 0 by construction).
_LOW = np.linspace(0.0, 1.0, N_QUANTILES // 2 + 1)[:-1] ** 2 * 0.5
_LEVELS = np.r_[_LOW, 1.0 - _LOW[::-1]]


def _filled(X: np.ndarray) -> np.ndarray:
    """Rows with NaN replaced by the row's median (0 for an all-NaN row)."""
    import warnings

    X = np.array(X, dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        with warnings.catch_warnings():  # an all-NaN row: its median is NaN, filled with 0
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(np.where(bad, np.nan, X), axis=1, keepdims=True)
        X[bad] = np.broadcast_to(np.nan_to_num(med), X.shape)[bad]
    return X


def rbm_features(X) -> tuple[np.ndarray, np.ndarray]:
    """Raw flux rows -> ``(quantiles, log band power)``, translation-invariant.

    Parameters
    ----------
    X : array-like (n_stars, n_points)
        Raw flux, any level and unit.

    Returns
    -------
    quantiles : ndarray (n_stars, N_QUANTILES)
        Quantiles of the high-passed flux in robust standard deviations (unbounded).
    log_power : ndarray (n_stars, n_bands)
        log10 of the mean power of the standardised flux in each band (unscaled; up to
        N_BANDS bands, see :func:`_band_edges`). An all-NaN row reads as a constant one.
    """
    from scipy.ndimage import median_filter

    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 2 * HIGHPASS:
        raise StarskopeError(
            f"X must be (n_stars, n_points) with at least {2 * HIGHPASS} points; got {X.shape}"
        )
    X = _filled(X)
    hp = X - median_filter(X, size=(1, HIGHPASS), mode="nearest")
    med = np.median(hp, axis=1, keepdims=True)
    mad = 1.4826 * np.median(np.abs(hp - med), axis=1, keepdims=True)
    z = (hp - med) / np.where(mad > 0, mad, 1.0)
    quantiles = np.quantile(z, _LEVELS, axis=1).T
    power = np.abs(np.fft.rfft(standardize_rows(X), axis=1)[:, 1:]) ** 2
    edges = _band_edges(power.shape[1])
    bands = np.add.reduceat(power, edges[:-1], axis=1) / np.diff(edges)
    return quantiles, np.log10(bands + 1e-12)


def _band_edges(n_freq: int) -> np.ndarray:
    """Edges (indices into ``n_freq`` frequencies, the last one ``n_freq``) of up to
    :data:`N_BANDS` logarithmic bands; at low frequencies, where a band would be narrower than
    one frequency, one band per frequency (52 bands for 3197 cadences)."""
    return np.unique(np.geomspace(1, n_freq + 1, N_BANDS + 1).astype(int)) - 1


def _squash(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50.0, 50.0)))


class RBMClassifier(ClassifierMixin, BaseEstimator):
    """BernoulliRBM features + logistic regression on raw flux, calibrated.

    Parameters
    ----------
    n_components : int, default 16
        Hidden units.
    learning_rate : float, default 0.05
    n_iter : int, default 30
        RBM training epochs.
    C : float, default 1.0
        Inverse regularisation of the logistic regression.
    cv : int, default 3
        Stratified folds for the sigmoid calibration (with ``groups``: stratified group folds,
        fewer with a warning when some class lies in fewer groups).
    host_prior : float or None, default None
        Shift probabilities to this host rate (:func:`~starskope.models.prior.shift_prior`).
    random_state : int or None, default None
    cadence_minutes : float or None, default None
        Spacing of the rows' samples (None: K2 long cadence, 29.4244 min, the Kaggle table's);
        recorded as ``cadence_minutes_``, the cadence ``predict`` puts light curves on
        (:func:`~starskope.features.rawflux.resample_flux`).

    Attributes
    ----------
    classes_, n_points_, train_prior_, calibrated_
    power_mean_, power_scale_ : ndarray
        Per-band centre and scale of the training stars' log power.
    """

    def __init__(
        self,
        *,
        n_components: int = 16,
        learning_rate: float = 0.05,
        n_iter: int = 30,
        C: float = 1.0,
        cv: int = 3,
        host_prior: float | None = None,
        random_state: int | None = None,
        cadence_minutes: float | None = None,
    ):
        self.cadence_minutes = cadence_minutes
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.n_iter = n_iter
        self.C = C
        self.cv = cv
        self.host_prior = host_prior
        self.random_state = random_state

    def fit(self, X, y, groups=None):
        """Fit on raw flux ``X`` (n_stars, n_points) and labels ``y`` (1 = host); returns self.

        ``groups`` (one per row) keeps each group's rows in one calibration fold
        (:func:`~starskope.models.splits.calibration_folds`); None, or a group per row, gives
        the row-wise stratified folds.
        """
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
        from sklearn.neural_network import BernoulliRBM
        from sklearn.pipeline import Pipeline

        from ..evaluate import binary_labels

        X = np.asarray(X, dtype=np.float64)
        y = binary_labels(y)
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
        grouped = calibration_folds(
            y, groups, self.cv, random_state=self.random_state, what="rbm calibration"
        )
        if grouped is not None:
            self.calibrated_ = CalibratedClassifierCV(
                pipe, method="sigmoid", cv=grouped, ensemble=False
            )
        elif k >= 2:
            cv = StratifiedKFold(k, shuffle=True, random_state=self.random_state)
            self.calibrated_ = CalibratedClassifierCV(pipe, method="sigmoid", cv=cv, ensemble=False)
        else:
            raise StarskopeError("need at least 2 hosts and 2 non-hosts to calibrate")
        quantiles, log_power = rbm_features(X)
        self.power_mean_ = log_power.mean(axis=0)
        self.power_scale_ = np.where(log_power.std(axis=0) > 0, log_power.std(axis=0), 1.0)
        self.calibrated_.fit(self._visible(X, features=(quantiles, log_power)), y)
        self.classes_ = np.array([0, 1])
        self.n_points_ = int(X.shape[1])
        self.cadence_minutes_ = row_cadence(self.cadence_minutes)
        self.train_prior_ = float(y.mean())
        return self

    def _visible(self, X, *, features=None) -> np.ndarray:
        """The RBM's visible units in (0, 1): squashed quantiles (a scale of 3 robust standard
        deviations) beside squashed standardised band powers (``features``: already computed
        :func:`rbm_features` of ``X``)."""
        if not hasattr(self, "power_mean_"):
            raise StarskopeError(
                "this RBM model was trained by an earlier starskope, on the flux cadence by "
                "cadence (its hidden units never responded): retrain it with `starskope train "
                "--model rbm`"
            )
        quantiles, log_power = rbm_features(X) if features is None else features
        z = (log_power - self.power_mean_) / self.power_scale_
        return np.hstack([_squash(quantiles / 3.0), _squash(z)])

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated ``[P(non-host), P(host)]``."""
        check_is_fitted(self, "calibrated_")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_points_:
            raise StarskopeError(f"model expects {self.n_points_} points per star; got {X.shape}")
        proba = self.calibrated_.predict_proba(self._visible(X))
        return at_host_prior(self, proba)

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

        return scale_rows(
            occlusion_drop(lambda Z: log_odds(self.predict_proba(Z)[:, 1]), X, window)
        )
