"""Move calibrated probabilities from the training host rate to another one (Bayes prior shift).

A model calibrated on training data with host fraction ``pi0`` gives probabilities for that rate;
for a population with host fraction ``pi`` the planet probability's odds scale by
``(pi / (1 - pi)) / (pi0 / (1 - pi0))`` (Saerens et al. 2002, Neural Computation 14, 21). Other
classes share the rest in proportion.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import StarskopeError

__all__ = ["at_host_prior", "score_prior", "shift_prior"]


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


def score_prior(estimator) -> float | None:
    """The host rate an estimator's probabilities assume: its ``host_prior`` when set, else
    the host share of its training data (``train_prior_``; None when unknown). A score is the
    probability that a star hosts a transiting planet in a population with this share."""
    prior = getattr(estimator, "host_prior", None)
    if prior is None:
        prior = getattr(estimator, "train_prior_", None)
    return None if prior is None else round(float(prior), 6)
