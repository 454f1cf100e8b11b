"""Several planets: search, mask the found transits, search again.

The loop stops when the latest signal is not significant (SNR or SDE below threshold) or after
``max_planets`` significant signals. With ``alternates``, a first pass whose strongest peak is
not significant looks at the periodogram's next peaks before giving up: on spotted and
granulating stars the strongest box is often a long-period red-noise signal, whose SNR (red
noise counted) fails, while a planet sits a few peaks lower.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ..clean.masking import transit_mask
from ..exceptions import StarskopeError
from .base import SearchResult
from .bls import search_bls
from .grid import duration_grid, period_grid

__all__ = ["SEARCHES", "is_significant", "search_multi"]


def _tls(t, flux, flux_err, *, periods, durations, min_period, max_period, oversample, engine):
    from .tls import search_tls

    return search_tls(
        t, flux, flux_err, min_period=min_period, max_period=max_period, oversample=oversample
    )


def _bls(t, flux, flux_err, *, periods, durations, min_period, max_period, oversample, engine):
    return search_bls(t, flux, flux_err, periods=periods, durations=durations, engine=engine)


#: Method name -> search callable (same keyword signature).
SEARCHES: dict[str, Callable[..., SearchResult]] = {"bls": _bls, "tls": _tls}


def is_significant(
    res: SearchResult, *, snr_threshold: float = 7.1, sde_threshold: float = 7.0
) -> bool:
    """True when a search result passes both the SNR and the SDE thresholds."""
    return bool(res.snr >= snr_threshold and res.sde >= sde_threshold and res.depth > 0)


def search_multi(
    t,
    flux,
    flux_err=None,
    *,
    method: str = "bls",
    max_planets: int = 3,
    snr_threshold: float = 7.1,
    sde_threshold: float = 7.0,
    min_period: float = 0.5,
    max_period: float | None = None,
    oversample: float = 3.0,
    durations=None,
    mask_factor: float = 2.0,
    engine: str = "numba",
    alternates: int = 0,
) -> tuple[SearchResult, ...]:
    """Iterative multi-planet search.

    Parameters
    ----------
    t, flux, flux_err : array-like
        Times (days), flattened relative flux, optional errors.
    method : {"bls", "tls"}, optional
        Search (registry :data:`SEARCHES`).
    max_planets : int, optional
        Most significant signals to return.
    snr_threshold, sde_threshold : float, optional
        A signal below either ends the search.
    min_period, max_period, oversample : float, optional
        Period grid (see :func:`~starskope.search.grid.period_grid`); max defaults to half the
        baseline.
    durations : array-like, optional
        Trial durations in days.
    mask_factor : float, optional
        Width of the cut around each found transit, in transit durations.
    engine : {"numba", "astropy"}, optional
        BLS kernel (ignored by TLS).
    alternates : int, optional
        BLS only: when the first pass's strongest signal is not significant, re-measure up to
        this many of the periodogram's next-strongest peaks (SDE above ``sde_threshold``, more
        than 5% from the top's period and not its 1:2 or 2:1 alias), strongest first, on a
        fine grid around each; the first that is significant with at least three transits
        is kept (its SDE and periodogram are the first pass's) and the search goes on from
        it. 0 (the default here; the pipeline uses 3) stops at once.

    Returns
    -------
    tuple of SearchResult
        Every pass run, in order: the significant signals, then (when the loop stopped on
        significance) the first signal that was not. The first element is always the
        strongest signal of the light curve; with ``alternates`` it may be followed by the
        significant peak taken in its place.
    """
    if method not in SEARCHES:
        raise StarskopeError(f"unknown search method {method!r}; choose one of {sorted(SEARCHES)}")
    if max_planets < 1:
        raise StarskopeError(f"max_planets must be at least 1; got {max_planets}")
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    err = None if flux_err is None else np.asarray(flux_err, dtype=float)
    durations = duration_grid() if durations is None else np.asarray(durations, dtype=float)
    baseline = float(np.nanmax(t) - np.nanmin(t))
    periods = period_grid(
        baseline=baseline, min_period=min_period, max_period=max_period, oversample=oversample
    )
    keep = np.isfinite(t) & np.isfinite(flux)
    found: list[SearchResult] = []
    n_sig = 0
    while n_sig < max_planets:
        if keep.sum() < 20:
            break
        res = SEARCHES[method](
            t[keep],
            flux[keep],
            None if err is None else err[keep],
            periods=periods,
            durations=durations,
            min_period=min_period,
            max_period=max_period,
            oversample=oversample,
            engine=engine,
        )
        found.append(res)
        if not is_significant(res, snr_threshold=snr_threshold, sde_threshold=sde_threshold):
            alt = None
            if alternates > 0 and method == "bls" and n_sig == 0:
                alt = _alternate(
                    t[keep], flux[keep], None if err is None else err[keep], res, periods,
                    durations, alternates, snr_threshold, sde_threshold, engine,
                )  # fmt: skip
            if alt is None:
                break
            found.append(alt)
            res = alt
        n_sig += 1
        keep &= ~transit_mask(t, period=res.period, t0=res.t0, duration=mask_factor * res.duration)
    return tuple(found)


def _alternate(t, flux, err, top, periods, durations, k, snr_threshold, sde_threshold, engine):
    """The strongest of the ``k`` next periodogram peaks (SDE above threshold, apart from the
    top's peak and its 1:2 and 2:1 aliases) that is significant once measured, or None."""
    pg = top.periodogram
    pp, sde, pw = pg.period, pg.sde, pg.power
    if pp.size < 5:
        return None
    left = np.r_[-np.inf, sde[:-1]]
    right = np.r_[sde[1:], -np.inf]
    pk = np.flatnonzero((sde > left) & (sde >= right) & (sde >= sde_threshold))
    r = pp[pk] / top.period
    apart = (np.abs(r - 1.0) > 0.05) & (np.abs(r - 2.0) > 0.02) & (np.abs(r - 0.5) > 0.01)
    pk = pk[apart]
    pk = pk[np.argsort(-pw[pk], kind="stable")[:k]]
    for j in pk:
        i = int(np.searchsorted(periods, pp[j]))
        near = periods[max(i - 3, 0) : i + 4]
        res = search_bls(t, flux, err, periods=near, durations=durations, engine=engine, coarse=1)
        res = dataclasses.replace(res, sde=float(sde[j]), periodogram=pg)
        if res.n_transits >= 3 and is_significant(
            res, snr_threshold=snr_threshold, sde_threshold=sde_threshold
        ):
            return res
    return None
