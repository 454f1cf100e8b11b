"""Shared vocabulary of period searches: the periodogram and the typed search result."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Periodogram", "SearchResult"]


@dataclass(frozen=True)
class Periodogram:
    """Power against trial period.

    Attributes
    ----------
    period : ndarray
        Trial periods in days, increasing.
    power : ndarray
        The method's power (BLS: log-likelihood or delta-chi2; TLS: SR).
    sde : ndarray
        Signal detection efficiency, ``(power - mean) / std`` over the grid.
    method : str
        ``"bls"`` or ``"tls"``.
    snr : ndarray or None
        Box depth over its white-noise error at each period's best box (BLS), or None.
    """

    period: np.ndarray
    power: np.ndarray
    sde: np.ndarray
    method: str
    snr: np.ndarray | None = None


@dataclass(frozen=True)
class SearchResult:
    """The best periodic box/transit signal found by one search pass.

    Times in days in the light curve's own time system; depth is relative (not ppm).
    """

    period: float
    t0: float
    duration: float
    depth: float
    depth_err: float
    snr: float
    sde: float
    power: float
    n_transits: int
    periodogram: Periodogram
