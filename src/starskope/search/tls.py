"""Transit least squares search (the ``transitleastsquares`` package, imported on first use).

References
----------
Hippke, M., Heller, R. 2019, A&A 623, A39.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import StarskopeError, StarskopeWarning
from .base import Periodogram, SearchResult
from .bls import box_stats, search_inputs

__all__ = ["search_tls"]

#: Above this baseline, TLS is slow enough to say so. Its cost follows its period grid, which
#: grows with the baseline, far more than the number of points (it bins them): measured on one
#: core of the development machine, a 27-day TESS sector took 1.0 s at 2-min and at 20-s
#: cadence alike (19,000 and 117,000 points), 270 days of Kepler long cadence 8 s, one year
#: (17,000 points) 32 s and four years (71,000) 437 s, where the box search takes 26 s.
TLS_SLOW_BASELINE_DAYS = 365.0


def warn_if_slow(n_points: int, baseline_days: float) -> bool:
    """Warn (and return True) when a TLS search of this light curve will take minutes."""
    if baseline_days <= TLS_SLOW_BASELINE_DAYS:
        return False
    # the baseline, rounded: one message for the passes of a multi-planet search (each masks
    # a few points), so the warning shows once
    warnings.warn(
        f"TLS over {baseline_days:.0f} days ({n_points / 1000:,.0f}k points) will take minutes"
        " (four years of Kepler long cadence took about 7 min on one core, the box search,"
        " method 'bls', 26 s): use the box search (a baseline over a year stays slow however"
        " binned)",
        StarskopeWarning,
        stacklevel=3,
    )
    return True


def search_tls(
    t,
    flux,
    flux_err=None,
    *,
    min_period: float = 0.5,
    max_period: float | None = None,
    oversample: float = 3.0,
    durations=None,
    use_threads: int = 1,
) -> SearchResult:
    """Search flattened relative flux with transit least squares.

    Parameters
    ----------
    t, flux, flux_err : array-like
        Times (days), flattened relative flux, optional errors.
    min_period, max_period : float, optional
        Period range in days (default maximum: half the baseline).
    oversample : float, optional
        TLS ``oversampling_factor`` of its period grid.
    durations : array-like, optional
        Ignored (TLS builds its duration grid from stellar limits); accepted so that the
        searches share one call shape.
    use_threads : int, optional
        Worker threads for TLS.

    Returns
    -------
    SearchResult
        ``power`` is TLS's SDE at the peak; depth and SNR are measured as for BLS, on the
        unbinned data, so the two methods are comparable.

    Raises
    ------
    StarskopeError
        When transitleastsquares is not installed or the data are too short.
    """
    try:
        from transitleastsquares import transitleastsquares
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise StarskopeError(
            "method 'tls' needs transitleastsquares: pip install 'starskope[tls]'"
        ) from exc
    t, flux, min_period, max_period = search_inputs(t, flux, min_period, max_period)
    ok = np.isfinite(t) & np.isfinite(flux)
    t, flux = t[ok], flux[ok]
    if t.size < 20:
        raise StarskopeError(f"need at least 20 finite points to search; got {t.size}")
    baseline = float(t.max() - t.min())
    pmax = baseline / 2.0 if max_period is None else min(float(max_period), baseline / 2.0)
    if pmax <= min_period:
        raise StarskopeError(
            f"a {baseline:.2f}-day light curve cannot hold two transits of period >= {min_period} d"
        )
    warn_if_slow(t.size, baseline)
    dy = None
    if flux_err is not None:
        e = np.asarray(flux_err, dtype=float)[ok]
        if np.all(np.isfinite(e) & (e > 0)):
            dy = e
    model = transitleastsquares(t, flux, dy, verbose=False)
    with warnings.catch_warnings():
        # TLS falls back to a solar-density grid and says so; that is expected here
        warnings.filterwarnings("ignore", message=".*period_grid defaults.*", category=UserWarning)
        # its per-transit statistics divide by zero for transits without data (NaN results,
        # which starskope does not use: depth and SNR are re-measured below)
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"transitleastsquares")
        res = model.power(
            period_min=float(min_period),
            period_max=float(pmax),
            oversampling_factor=float(oversample),
            use_threads=int(use_threads),
            show_progress_bar=False,
            verbose=False,
        )
    period = float(res.period)
    if not np.isfinite(period):
        raise StarskopeError("TLS found no transit-like signal")
    t0, duration = float(res.T0), float(res.duration)
    stats = box_stats(t, flux, period=period, t0=t0, duration=duration)
    periods = np.asarray(res.periods, dtype=float)
    sde = np.asarray(res.power, dtype=float)
    order = np.argsort(periods)
    return SearchResult(
        period=period,
        t0=t0,
        duration=duration,
        depth=stats.depth,
        depth_err=stats.depth_err,
        snr=stats.snr,
        sde=float(res.SDE),
        power=float(res.SDE),
        n_transits=stats.n_transits,
        periodogram=Periodogram(
            period=periods[order], power=sde[order], sde=sde[order], method="tls"
        ),
    )
