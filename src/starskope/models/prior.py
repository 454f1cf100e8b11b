"""Move calibrated probabilities from the training host rate to another one (Bayes prior shift).

A model calibrated on training data with host fraction ``pi0`` gives probabilities for that rate;
for a population with host fraction ``pi`` the planet probability's odds scale by
``(pi / (1 - pi)) / (pi0 / (1 - pi0))`` (Saerens et al. 2002, Neural Computation 14, 21). Other
classes share the rest in proportion. The rate of an unlabelled population can itself be
estimated from the scores (:func:`estimate_prior`, the same paper's EM).
"""

from __future__ import annotations

import numpy as np

from ..exceptions import StarskopeError

__all__ = ["at_host_prior", "estimate_prior", "score_prior", "shift_planet", "shift_prior"]


def shift_prior(proba, *, planet_col: int, train_prior: float, host_prior: float) -> np.ndarray:
    """Class probabilities re-weighted from planet rate ``train_prior`` to ``host_prior``.

    Examples
    --------
    >>> shift_prior([[0.5, 0.5]], planet_col=1, train_prior=0.5, host_prior=0.1).round(3)
    array([[0.9, 0.1]])
    """
    for name, v in (("train_prior", train_prior), ("host_prior", host_prior)):
        if not 0 < v < 1:
            raise StarskopeError(f"{name} must be strictly between 0 and 1; got {v}")
    p = np.array(proba, dtype=float, ndmin=2)
    w = np.full(p.shape[1], (1 - host_prior) / (1 - train_prior))
    w[planet_col] = host_prior / train_prior
    q = p * w
    return q / q.sum(axis=1, keepdims=True)


def at_host_prior(estimator, proba):
    """``proba`` moved from the estimator's training rate (``train_prior_``) to its
    ``host_prior``; returned unchanged when ``host_prior`` is None. The planet column is the
    estimator's ``planet_column()`` where it has one, else 1 (binary host / non-host)."""
    if estimator.host_prior is None:
        return proba
    column = getattr(estimator, "planet_column", None)
    return shift_prior(
        proba,
        planet_col=1 if column is None else column(),
        train_prior=estimator.train_prior_,
        host_prior=estimator.host_prior,
    )


def significant(x, digits: int = 6) -> float:
    """``x`` to ``digits`` significant figures (a probability of 1.8e-6 stays 1.8e-6, where
    six decimals made it 2e-6, and a prior of 1e-7 stays 1e-7, not 0).

    Examples
    --------
    >>> significant(1.83456789e-6), significant(0.123456789), significant(1e-7)
    (1.83457e-06, 0.123457, 1e-07)
    """
    return float(f"{float(x):.{digits}g}")


def score_prior(estimator) -> float | None:
    """The host rate an estimator's probabilities assume: its ``host_prior`` when set, else
    the host share of its training data (``train_prior_``; None when unknown). A score is the
    probability that a star hosts a transiting planet in a population with this share."""
    prior = getattr(estimator, "host_prior", None)
    if prior is None:
        prior = getattr(estimator, "train_prior_", None)
    return None if prior is None else significant(prior)


def shift_planet(scores, *, train_prior: float, host_prior: float) -> np.ndarray:
    """Planet probabilities alone moved from ``train_prior`` to ``host_prior`` (the planet
    column of :func:`shift_prior`; the other classes' share is the rest).

    Examples
    --------
    >>> shift_planet([0.5, 0.0, 1.0], train_prior=0.5, host_prior=0.1).round(3).tolist()
    [0.1, 0.0, 1.0]
    """
    p = np.asarray(scores, dtype=float)
    two = np.stack([1.0 - p, p], axis=-1).reshape(-1, 2)
    out = shift_prior(two, planet_col=1, train_prior=train_prior, host_prior=host_prior)[:, 1]
    return out.reshape(p.shape)


def estimate_prior(scores, *, train_prior: float) -> float:
    """Host share of an unlabelled population, from a calibrated model's planet scores.

    The maximum-likelihood share of Saerens, Latinne & Decaestecker (2002, Neural Computation
    14, 21), whose EM shifts every score to the current estimate and takes their mean until it
    settles; here its fixed point is found directly, as the root of the log-likelihood's
    derivative (concave in the share; :func:`scipy.optimize.brentq`). It is the right share if
    the model is calibrated at ``train_prior`` and the classes' light curves look as they did in
    training (only their mix changed); a model that scores some non-hosts of the new population
    high (binaries it never saw) inflates it, one that misses hosts it was trained to find
    deflates it.

    Parameters
    ----------
    scores : array-like of float
        Planet probabilities at ``train_prior``, one per star (in [0, 1]).
    train_prior : float
        The share the scores assume (:func:`score_prior` of the model before any shift).

    Returns
    -------
    float
        The estimated share, kept within half a star of 0 and of 1 (``0.5 / n`` and
        ``1 - 0.5 / n`` for ``n`` scores): when the scores carry too little information the
        likelihood is highest at a boundary, and fewer than half a host (or half a non-host)
        among the stars scored is all the data can say then.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> host = rng.random(20000) < 0.02                  # a population with 2% hosts
    >>> x = rng.normal(np.where(host, 2.5, 0.0), 1.0)    # a score-like statistic
    >>> odds = np.exp(2.5 * x - 3.125)                   # its likelihood ratio
    >>> at_half = odds / (1 + odds)                      # calibrated at a 50% share
    >>> round(estimate_prior(at_half, train_prior=0.5), 3)
    0.02
    """
    from scipy.optimize import brentq

    p = np.asarray(scores, dtype=float).ravel()
    if p.size == 0:
        raise StarskopeError("estimating the host share needs at least one score")
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise StarskopeError("estimating the host share needs scores in [0, 1]")
    if not 0 < train_prior < 1:
        raise StarskopeError(f"train_prior must be strictly between 0 and 1; got {train_prior}")
    # each star's likelihoods, up to a common factor: host p / pi0, non-host (1 - p) / (1 - pi0)
    lh, ln = p / train_prior, (1.0 - p) / (1.0 - train_prior)

    def slope(pi: float) -> float:  # d/d(pi) of sum log(pi lh + (1 - pi) ln)
        return float(np.sum((lh - ln) / (pi * lh + (1.0 - pi) * ln)))

    lo, hi = 0.5 / p.size, 1.0 - 0.5 / p.size
    if slope(lo) <= 0:
        return lo
    if slope(hi) >= 0:
        return hi
    return float(brentq(slope, lo, hi, xtol=1e-12, rtol=1e-10))
