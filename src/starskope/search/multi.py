"""Several planets: search, mask the found transits, search again.

The loop stops when the latest signal is not significant (SNR or SDE below threshold) or after
``max_planets`` significant signals. With ``repeats``, a short-period binary or pulsator that
masking does not remove (its secondary, then its residuals, found pass after pass) is
subtracted as its folded shape instead, without taking a planet's place. With ``alternates``,
a first pass whose strongest peak is
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
from .base import Periodogram, SearchResult
from .bls import _alias_neighbours, _local_maxima, search_bls, search_inputs
from .grid import duration_grid, period_grid

__all__ = ["SEARCHES", "folded_shape", "is_significant", "search_multi"]


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
    repeats: int = 0,
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
        BLS only (ignored by TLS): when a pass's strongest signal is not significant (the
        first pass's, or a later one's: a one-transit peak at a long period can top the raw
        power of a pass whose periodogram holds another planet), re-measure up to this many
        other periodogram peaks (SDE above ``sde_threshold``, over
        5% from the top's period and 1% from its 1:2 and 2:1 aliases), highest SDE first, each
        on the seven grid periods around it; the first that is significant with at least three
        transits is kept (its SDE is that pass's at that peak; its periodogram that pass's, with
        the grid around its own P/2 and 2P evaluated) and the search goes on from
        it. 0 (the default here; the pipeline uses 3) stops at once.
    repeats : int, optional
        A significant pass at the period of an earlier one (within 1%), of which the data
        hold at least :data:`MIN_CYCLES_SUBTRACTED` cycles, is one source
        found again after masking (a binary's secondary, a pulsator's or spotted star's
        residuals): the first time, that source's folded median shape is subtracted from the
        flux searched next and its masks are lifted; found once more, it is what the
        subtraction left (a box's sharp edges in bins a cadence wide), masked and not returned.
        Neither takes a planet slot. At most this many such passes (0, the default here, turns
        it off; the pipeline uses 2).
        Masking again instead would cut away a fifth of the data per pass and let the source
        take every slot before any planet is searched for.

    Returns
    -------
    tuple of SearchResult
        Every pass run, in order (but a subtracted source's residuals, see ``repeats``). The
        first element is always the strongest signal of the light curve. Without
        ``alternates``: the significant signals, then (when the loop stopped on significance)
        the first signal that was not. With them, an insignificant pass may be followed by
        the significant peak taken in its place and the passes after it.
    """
    if method not in SEARCHES:
        raise StarskopeError(f"unknown search method {method!r}; choose one of {sorted(SEARCHES)}")
    if isinstance(max_planets, bool) or not float(max_planets).is_integer() or max_planets < 1:
        raise StarskopeError(f"max_planets must be an integer of at least 1; got {max_planets}")
    max_planets = int(max_planets)
    t, flux, min_period, max_period = search_inputs(t, flux, min_period, max_period)
    err = None if flux_err is None else np.asarray(flux_err, dtype=float)
    if durations is None:
        durations = duration_grid()
    else:
        from ..units import to_days_array
        from .bls import warn_if_durations_look_like_hours

        given = durations
        durations = np.atleast_1d(to_days_array(durations, name="durations")).astype(float)
        warn_if_durations_look_like_hours(given, durations, stacklevel=3)
    import astropy.units as u

    # days, said with their unit: the searches below take them as they are, never as hours
    durations = durations * u.day
    baseline = float(np.nanmax(t) - np.nanmin(t))
    periods = period_grid(
        baseline=baseline, min_period=min_period, max_period=max_period, oversample=oversample
    )
    ok = np.isfinite(t) & np.isfinite(flux)
    t_ok = t[ok] if repeats > 0 else None  # the data's times, for the repeat's cycle count
    keep = ok.copy()
    found: list[SearchResult] = []
    n_sig = 0
    periods_found: list[float] = []  # of the significant passes, in order
    cuts: list[np.ndarray] = []  # the window each of them masks
    lifted: set[int] = set()  # passes whose source was subtracted: their windows are lifted
    n_repeats = 0

    def masked() -> np.ndarray:
        out = np.zeros_like(ok)
        for j, c in enumerate(cuts):
            if j not in lifted:
                out |= c
        return out

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
            if alternates > 0 and method == "bls":
                alt = _alternate(
                    t[keep], flux[keep], None if err is None else err[keep], res, periods,
                    durations, alternates, snr_threshold, sde_threshold, engine,
                )  # fmt: skip
            if alt is None:
                break
            found.append(alt)
            res = alt
        cut = transit_mask(t, period=res.period, t0=res.t0, duration=mask_factor * res.duration)
        src = _repeated_source(res.period, periods_found, t_ok) if n_repeats < repeats else None
        if src is not None:
            n_repeats += 1
            if src not in lifted:  # found again: subtract the source's folded shape
                lifted.add(src)  # (its shape from every point but the other signals')
                flux = flux - folded_shape(t, flux, ok & ~masked(), periods_found[src])
                cut = np.zeros_like(ok)
            else:  # what the subtraction left (sharp edges): masked, not reported
                found.pop()
        else:
            n_sig += 1
        periods_found.append(float(res.period))
        cuts.append(cut)
        keep = ok & ~masked()  # lifting one source's windows leaves the others' masked
    return tuple(found)


#: A source is subtracted as its folded shape only when the data hold this many of its cycles:
#: each phase bin's median then spans as many cycles, and a planet's few transits in it do not
#: move it (a 14-d binary in 80 days gives five; its median would take the planet's transits).
MIN_CYCLES_SUBTRACTED = 20


def _repeated_source(period: float, earlier: list[float], t) -> int | None:
    """Index of the earlier significant pass whose period ``period`` repeats within 1%, when
    the times ``t`` hold data in :data:`MIN_CYCLES_SUBTRACTED` of its cycles (not the baseline:
    two sectors a year apart span many cycles of a 19-d signal but hold four). Not twice or
    half: planets near a 2:1 resonance are common, and a binary's secondary and residuals
    repeat its own period."""
    t = np.asarray(t, dtype=float)
    t = t[np.isfinite(t)]
    if t.size == 0:
        return None
    for i, p in enumerate(earlier):
        if abs(period / p - 1.0) >= 0.01:
            continue
        if np.unique(np.floor((t - t.min()) / p)).size >= MIN_CYCLES_SUBTRACTED:
            return i
    return None


def folded_shape(t, flux, use, period: float) -> np.ndarray:
    """The median folded shape of ``flux[use]`` at ``period`` (bins about a cadence wide,
    10-400 of them; empty bins interpolated), minus its median, evaluated at every ``t``.

    Examples
    --------
    >>> t = np.arange(0.0, 30.0, 0.02)
    >>> flux = 1.0 + 0.01 * np.sin(2 * np.pi * t / 0.6)
    >>> resid = flux - folded_shape(t, flux, np.ones(t.size, bool), 0.6)
    >>> bool(np.ptp(resid) < 0.1 * np.ptp(flux))
    True
    """
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    ok = np.asarray(use, dtype=bool) & np.isfinite(flux) & np.isfinite(t)
    dt = np.diff(np.sort(t[ok]))
    cadence = float(np.median(dt[dt > 0])) if np.any(dt > 0) else period / 50.0
    nb = int(np.clip(round(period / cadence), 10, 400))
    phase = np.mod(np.where(np.isfinite(t), t, 0.0) / period, 1.0)
    k = np.minimum((phase * nb).astype(np.int64), nb - 1)
    shape = np.full(nb, np.nan)
    where = np.full(nb, np.nan)  # each bin's value stands at its points' mean phase
    for b in np.unique(k[ok]):
        sel = ok & (k == b)
        if np.count_nonzero(sel) >= 3:
            shape[b] = np.median(flux[sel])
            where[b] = np.mean(phase[sel])
    good = np.isfinite(shape)
    if not good.any():
        return np.zeros_like(t)
    out = np.interp(phase, where[good], shape[good] - np.median(shape[good]), period=1.0)
    return np.where(np.isfinite(t), out, 0.0)


def _alternate(t, flux, err, top, periods, durations, k, snr_threshold, sde_threshold, engine):
    """The first of the ``k`` next periodogram peaks, highest SDE first (SDE above threshold,
    over 5% from the top's period and 1% from its 1:2 and 2:1 aliases), that is significant
    with at least three transits once measured on the seven grid periods around it; or None.

    Its SDE is the top pass's at that peak, and its periodogram the top pass's with every grid
    period within 1% of half and twice its period added (as :func:`search_bls` does around its
    own best period, for the vetting's alias comparison of power)."""
    pg = top.periodogram
    pp, sde = pg.period, pg.sde
    if pp.size < 5:
        return None
    pk = _local_maxima(sde)
    pk = pk[sde[pk] >= sde_threshold]
    r = pp[pk] / top.period
    apart = (
        (np.abs(r - 1.0) > 0.05) & (np.abs(r / 2.0 - 1.0) > 0.01) & (np.abs(2.0 * r - 1.0) > 0.01)
    )
    pk = pk[apart]
    # highest SDE first: raw BLS power rises toward long periods, where red noise lives
    pk = pk[np.argsort(-sde[pk], kind="stable")[:k]]
    for j in pk:
        i = int(np.searchsorted(periods, pp[j]))
        near = periods[max(i - 3, 0) : i + 4]
        res = search_bls(t, flux, err, periods=near, durations=durations, engine=engine, coarse=1)
        res = dataclasses.replace(res, sde=float(sde[j]))
        if res.n_transits >= 3 and is_significant(
            res, snr_threshold=snr_threshold, sde_threshold=sde_threshold
        ):
            return dataclasses.replace(
                res, periodogram=_with_aliases(pg, t, flux, err, periods, durations, engine, res)
            )
    return None


def _with_aliases(pg, t, flux, err, periods, durations, engine, res):
    """``pg`` with the grid periods within 1% (plus a grid step) of half and twice ``res``'s
    period evaluated and merged in; their SDE on ``pg``'s scale."""
    i = min(max(int(np.searchsorted(periods, res.period)), 1), periods.size - 1)
    step = periods[i] / periods[i - 1] - 1.0
    want = _alias_neighbours(periods, res.period, step) & ~np.isin(periods, pg.period)
    if not want.any():
        return pg
    extra = search_bls(
        t, flux, err, periods=periods[want], durations=durations, engine=engine, coarse=1,
        refine=False,
    ).periodogram  # fmt: skip
    # sde = (power - trend - mean) / scale with a trend that is flat between neighbours: the
    # scale is the ratio of neighbouring differences, the new points' trend interpolated
    dp, ds = np.diff(pg.power), np.diff(pg.sde)
    ok = np.abs(ds) > 1e-9
    scale = float(np.median(dp[ok] / ds[ok])) if ok.any() else 0.0
    if scale > 0:
        base = np.interp(extra.period, pg.period, pg.power)
        new_sde = np.interp(extra.period, pg.period, pg.sde) + (extra.power - base) / scale
    else:
        new_sde = np.interp(extra.period, pg.period, pg.sde)
    order = np.argsort(np.r_[pg.period, extra.period], kind="stable")
    snr = None
    if pg.snr is not None and extra.snr is not None:
        snr = np.r_[pg.snr, extra.snr][order]
    return Periodogram(
        period=np.r_[pg.period, extra.period][order],
        power=np.r_[pg.power, extra.power][order],
        sde=np.r_[pg.sde, new_sde][order],
        method=pg.method,
        snr=snr,
    )
