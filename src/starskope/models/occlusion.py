"""Occlusion saliency over time, shared by the raw-flux models (CNNs, spectrogram CNN, RBM)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["log_odds", "occlusion_drop", "scale_rows"]


def log_odds(p) -> np.ndarray:
    """``log(p / (1 - p))`` of probabilities clipped to [1e-9, 1 - 1e-9] (finite at 0 and 1).

    Examples
    --------
    >>> log_odds(np.array([0.5, 0.0])).round(2).tolist()
    [0.0, -20.72]
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def occlusion_drop(score: Callable[[np.ndarray], np.ndarray], X: np.ndarray, window: int):
    """How much ``score`` falls when each ``window``-sample stretch of every star's flux is
    replaced by that star's median: non-negative, shape of ``X``.

    Examples
    --------
    >>> X = np.array([[1.0, 1.0, 0.0, 1.0]])  # a one-sample dip; the score rises with dips
    >>> occlusion_drop(lambda Z: -Z.sum(axis=1), X, 2).tolist()
    [[0.0, 0.0, 1.0, 1.0]]
    """
    X = np.asarray(X, dtype=np.float64)
    w = max(1, int(window))
    base = score(X)
    med = np.nanmedian(X, axis=1, keepdims=True)
    out = np.zeros_like(X)
    for start in range(0, X.shape[1], w):
        Xo = X.copy()
        Xo[:, start : start + w] = med
        out[:, start : start + w] = np.maximum(base - score(Xo), 0.0)[:, None]
    return out


def scale_rows(s: np.ndarray) -> np.ndarray:
    """Each row divided by its maximum (rows of zeros stay zero)."""
    return s / np.maximum(s.max(axis=1, keepdims=True), 1e-300)
