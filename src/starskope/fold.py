"""Phase folding, vectorised phase binning and the fixed-length views the models read.

Everything here is a pure function of plain arrays (times in days, relative flux), except
:func:`fold`, which takes a `~starskope.lightcurve.LightCurve`. The views follow Shallue &
Vanderburg (2018): a *global* view of the whole orbit (2001 bins), a *local* view of a few
transit durations around the transit (201 bins), plus odd, even and secondary local views.

References
----------
.. [1] Shallue, C. J. & Vanderburg, A. 2018, AJ 155, 94, "Identifying Exoplanets with Deep
   Learning: A Five-planet Resonant Chain around Kepler-80 and an Eighth Planet around
   Kepler-90".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .exceptions import StarskopeError, StarskopeValueError, StarskopeWarning
from .units import to_days

__all__ = [
    "FoldedLightCurve",
    "Views",
    "bin_phase",
    "check_epoch_system",
    "even_view",
    "fold",
    "global_view",
    "local_view",
    "make_views",
    "normalize_view",
    "odd_view",
    "phase_fold",
    "secondary_view",
    "transit_number",
]


# --------------------------------------------------------------------------- folding
def _check_period(period) -> float:
    p = to_days(period, name="period")
    if not np.isfinite(p) or p <= 0:
        raise StarskopeError(f"period must be a positive number of days; got {p!r}")
    return p


def phase_fold(t, *, period, t0) -> np.ndarray:
    """Time since the nearest transit, in days, in ``[-period/2, period/2)``.

    Parameters
    ----------
    t : array-like
        Times in days.
    period : float or `~astropy.units.Quantity` ['time']
        Orbital period (float: days).
    t0 : float or `~astropy.units.Quantity` ['time']
        Mid-time of one transit, in the same system as ``t`` (float: days).

    Returns
    -------
    ndarray
        Phase in days, 0 at mid-transit.

    Raises
    ------
    StarskopeError
        If ``period`` is not positive.

    Examples
    --------
    >>> phase_fold([0.0, 0.9, 1.6, 2.5], period=2.0, t0=0.5)
    array([-0.5,  0.4, -0.9,  0. ])
    """
    p = _check_period(period)
    t0 = to_days(t0, name="t0")
    x = np.array(t, dtype=float)  # a copy, also for scalars, so the steps below are in place
    x -= t0
    x /= p
    x += 0.5
    x -= np.floor(x)  # in [0, 1); three times faster than np.mod
    x -= 0.5
    x *= p
    x[x >= 0.5 * p] -= p  # guard against rounding up to +P/2
    return x


def transit_number(t, *, period, t0) -> np.ndarray:
    """Integer index of the nearest transit (0 for the one at ``t0``) for each time.

    Parameters
    ----------
    t : array-like
        Times in days.
    period, t0 : float or `~astropy.units.Quantity` ['time']
        Ephemeris (float: days).

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> transit_number([0.0, 0.9, 1.6, 2.5], period=2.0, t0=0.5)
    array([0, 0, 1, 1])
    """
    p = _check_period(period)
    t0 = to_days(t0, name="t0")
    return np.floor((np.asarray(t, dtype=float) - t0) / p + 0.5).astype(np.int64)


@dataclass(frozen=True, eq=False)
class FoldedLightCurve:
    """A light curve folded on an ephemeris, sorted by phase.

    Attributes
    ----------
    phase : ndarray
        Days since the nearest transit, in ``[-period/2, period/2)``, increasing.
    flux, flux_err : ndarray
        Flux and its uncertainty at each phase.
    cycle : ndarray of int
        Transit number of each point (0 for the transit at ``epoch``).
    period : float
        Period in days.
    epoch : float
        Mid-transit time in days, in the light curve's own time system.
    time_format : str
        That time system (``"btjd"``, ``"bkjd"``, ``"jd"`` or ``"relative"``).
    """

    phase: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray
    cycle: np.ndarray
    period: float
    epoch: float
    time_format: str = "relative"

    def __len__(self) -> int:
        return self.phase.size

    @property
    def odd(self) -> np.ndarray:
        """Boolean mask of points in odd-numbered transits."""
        return self.cycle % 2 == 1

    @property
    def even(self) -> np.ndarray:
        """Boolean mask of points in even-numbered transits (the one at ``epoch`` is even)."""
        return self.cycle % 2 == 0


#: An epoch further than this from every time (days; a century) is in another time system:
#: an MJD against BTJD or BKJD times is 150 years off (it was let through at 270 years).
_EPOCH_REACH_DAYS = 36525.0


def check_epoch_system(t0: float, t) -> None:
    """Refuse an epoch in another time system than the times ``t`` (a BJD ``t0`` with BTJD
    or BKJD times, or the reverse): it would fold the transits off phase 0 without a word.

    Examples
    --------
    >>> check_epoch_system(1001.0, [1000.0, 1010.0])
    >>> check_epoch_system(2458001.0, [1000.0, 1010.0])
    Traceback (most recent call last):
    ...
    starskope.exceptions.StarskopeError: t0 = 2458001 is 2.457e+06 days from the times (1000 to 1010): ...
    """
    t = np.asarray(t, dtype=float)
    t = t[np.isfinite(t)]
    if not t.size or not np.isfinite(t0):
        return
    lo, hi = float(t.min()), float(t.max())
    gap = max(lo - t0, t0 - hi, 0.0)
    if gap > _EPOCH_REACH_DAYS:
        raise StarskopeError(
            f"t0 = {t0:.7g} is {gap:.4g} days from the times ({lo:.7g} to {hi:.7g}): another time"
            " system (a full BJD, or an MJD = JD - 2400000.5, against BTJD = BJD - 2457000 or"
            " BKJD = BJD - 2454833)? Give t0 in the times' own system"
        )


def _epoch_days(epoch, lc) -> float:
    """Epoch in the light curve's own day numbers; accepts Time, Quantity or float."""
    from astropy.time import Time

    if isinstance(epoch, Time):
        if epoch.size != 1:
            raise StarskopeValueError(f"epoch must be one time; got {epoch.size} of them")
        epoch = epoch.ravel()[0]  # (a one-element array too, as to_days takes)
        if lc.time_format == "relative":
            raise StarskopeError(
                "epoch is an absolute Time but the light curve has relative times; "
                "pass the epoch as days since its start",
                path=lc.meta.source,
            )
        return float(epoch.tdb.jd - lc.bjd_offset) if lc.time_format != "jd" else epoch.tdb.jd
    e = to_days(epoch, name="epoch")
    offset = lc.bjd_offset
    t = lc.t[np.isfinite(lc.t)]
    if offset and t.size and e > 2.0e6 and np.median(t) < 1.0e5:
        warnings.warn(
            f"epoch {e} looks like a full BJD but the light curve is in "
            f"{lc.time_format.upper()}; subtracting {offset:.0f}",
            StarskopeWarning,
            stacklevel=3,
        )
        e -= offset
    if not np.isfinite(e):
        raise StarskopeError(f"epoch must be a finite time; got {e}")
    check_epoch_system(e, lc.t)
    return e


def fold(lc, *, period, epoch) -> FoldedLightCurve:
    """Fold a light curve on ``period`` around ``epoch``.

    Parameters
    ----------
    lc : `~starskope.lightcurve.LightCurve`
        The light curve (usually flattened).
    period : float or `~astropy.units.Quantity` ['time']
        Orbital period (float: days).
    epoch : float, `~astropy.units.Quantity` ['time'] or `~astropy.time.Time`
        Mid-transit time. A float is days in ``lc.time_format`` (e.g. BTJD); a ``Time`` is
        converted to that system.

    Returns
    -------
    FoldedLightCurve
        Points with finite time and flux, sorted by phase.

    Raises
    ------
    StarskopeError
        If ``period`` is not positive or ``epoch`` cannot be placed on the light curve's times.

    Warns
    -----
    StarskopeWarning
        If a float epoch looks like a full BJD while the data are in BKJD/BTJD (it is
        converted).

    Examples
    --------
    >>> import numpy as np
    >>> from starskope.lightcurve import LightCurve
    >>> lc = LightCurve(np.arange(10.0), np.ones(10), time_format="btjd")
    >>> f = fold(lc, period=4.0, epoch=1.0)
    >>> f.phase[:3]
    array([-2., -2., -1.])
    """
    p = _check_period(period)
    e = _epoch_days(epoch, lc)
    ok = np.isfinite(lc.t) & np.isfinite(lc.flux)
    t, flux, err = lc.t[ok], lc.flux[ok], lc.flux_err[ok]
    phase = phase_fold(t, period=p, t0=e)
    order = np.argsort(phase, kind="stable")
    return FoldedLightCurve(
        phase=phase[order],
        flux=flux[order],
        flux_err=err[order],
        cycle=transit_number(t, period=p, t0=e)[order],
        period=p,
        epoch=e,
        time_format=lc.time_format,
    )


# --------------------------------------------------------------------------- binning
def bin_phase(phase, flux, *, lo, hi, n_bins, bin_width=None) -> tuple[np.ndarray, np.ndarray]:
    """Mean flux in ``n_bins`` equally spaced bins between ``lo`` and ``hi``.

    Vectorised with a cumulative sum and `numpy.searchsorted`, so bins may overlap
    (``bin_width`` larger than the spacing, as in the AstroNet local view) at no extra cost.

    Parameters
    ----------
    phase, flux : array-like
        Phase (days) and flux; non-finite pairs are ignored.
    lo, hi : float
        Edges of the binned range (days).
    n_bins : int
        Number of bins (bin centres are equally spaced).
    bin_width : float, optional
        Width of each bin in days; default ``(hi - lo) / n_bins`` (contiguous bins).

    Returns
    -------
    mean : ndarray
        Mean flux per bin, NaN where a bin holds no point.
    count : ndarray of int
        Number of points per bin.

    Examples
    --------
    >>> m, n = bin_phase([0.1, 0.2, 0.7], [1.0, 3.0, 5.0], lo=0.0, hi=1.0, n_bins=2)
    >>> m, n
    (array([2., 5.]), array([2, 1]))
    """
    n_bins = int(n_bins)
    if n_bins < 1 or not hi > lo:
        raise StarskopeError(f"need n_bins >= 1 and hi > lo; got {n_bins}, [{lo}, {hi}]")
    x = np.asarray(phase, dtype=float)
    y = np.asarray(flux, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    ref = float(np.median(y)) if y.size else 0.0  # keeps the cumulative sum well-conditioned
    csum = np.concatenate(([0.0], np.cumsum(y - ref)))
    spacing = (hi - lo) / n_bins
    width = spacing if bin_width is None else float(bin_width)
    centres = lo + (np.arange(n_bins) + 0.5) * spacing
    i0 = np.searchsorted(x, centres - 0.5 * width, side="left")
    i1 = np.searchsorted(x, centres + 0.5 * width, side="left")
    count = i1 - i0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (csum[i1] - csum[i0]) / count + ref
    mean[count == 0] = np.nan
    return mean, count


def _fill_empty(view: np.ndarray) -> np.ndarray:
    """Replace NaN bins by linear interpolation between filled neighbours (0 if none)."""
    good = np.isfinite(view)
    if good.all():
        return view
    if not good.any():
        return np.zeros_like(view)
    x = np.arange(view.size)
    out = view.copy()
    out[~good] = np.interp(x[~good], x[good], view[good])
    return out


def normalize_view(view, *, oot=None, scale=None) -> np.ndarray:
    """Normalise a binned view the AstroNet way: median 0 out of transit, transit depth -1.

    Parameters
    ----------
    view : array-like
        Binned flux (NaN-free).
    oot : array-like of bool, optional
        Bins that are out of transit (for the median); default all bins.
    scale : float, optional
        Divide by this depth instead of the view's own (``-min`` after subtracting the
        median). Used to put odd/even/secondary views on the primary's scale.

    Returns
    -------
    ndarray
        The normalised view. If the depth is not positive (a flat view) only the median is
        subtracted, so the result stays finite.

    Examples
    --------
    >>> normalize_view([1.0, 1.0, 0.98, 1.0])
    array([ 0.,  0., -1.,  0.])
    """
    v = np.asarray(view, dtype=float)
    ref = v if oot is None or not np.any(oot) else v[np.asarray(oot, dtype=bool)]
    v = v - np.median(ref)
    depth = -float(v.min()) if scale is None else float(scale)
    if not np.isfinite(depth) or depth <= 1e-12:
        return v
    return v / depth


# --------------------------------------------------------------------------- views
def _finite(t, flux):
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if t.shape != flux.shape or t.ndim != 1:
        raise StarskopeError(f"t and flux must be 1-D of equal length; got {t.shape}, {flux.shape}")
    ok = np.isfinite(t) & np.isfinite(flux)
    return t[ok], flux[ok]


def global_view(t, flux, *, period, t0, n_bins=2001, normalize=True) -> np.ndarray:
    """The whole orbit, binned into ``n_bins`` bins from phase ``-P/2`` to ``P/2``.

    Parameters
    ----------
    t, flux : array-like
        Times (days) and relative, detrended flux.
    period, t0 : float or `~astropy.units.Quantity` ['time']
        Ephemeris (float: days).
    n_bins : int, optional
        Length of the view (default 2001, as in [1]_).
    normalize : bool, optional
        Apply :func:`normalize_view` (default True); else return binned relative flux.

    Returns
    -------
    ndarray
        Fixed-length, NaN-free view (empty bins interpolated).

    References
    ----------
    .. [1] Shallue & Vanderburg 2018, AJ 155, 94.
    """
    p = _check_period(period)
    t, flux = _finite(t, flux)
    ph = phase_fold(t, period=p, t0=t0)
    v, _ = bin_phase(ph, flux, lo=-0.5 * p, hi=0.5 * p, n_bins=n_bins)
    v = _fill_empty(v) if np.isfinite(v).any() else np.ones(int(n_bins))
    return normalize_view(v) if normalize else v


def _local(t, flux, *, period, centre, duration, n_bins, width_durations, bin_width_durations):
    p = _check_period(period)
    d = to_days(duration, name="duration")
    if not np.isfinite(d) or d <= 0:
        raise StarskopeError(f"duration must be a positive number of days; got {d!r}")
    half = min(0.5 * width_durations * d, 0.5 * p)
    ph = phase_fold(t, period=p, t0=centre)
    sel = np.abs(ph) <= half + d
    spacing = 2 * half / n_bins
    width = None if bin_width_durations is None else max(bin_width_durations * d, spacing)
    v, _ = bin_phase(ph[sel], flux[sel], lo=-half, hi=half, n_bins=n_bins, bin_width=width)
    v = _fill_empty(v) if np.isfinite(v).any() else np.full(int(n_bins), np.nan)
    centres = -half + (np.arange(n_bins) + 0.5) * spacing
    return v, np.abs(centres) > 0.5 * d


def local_view(
    t,
    flux,
    *,
    period,
    t0,
    duration,
    n_bins=201,
    width_durations=4.0,
    bin_width_durations=None,
    normalize=True,
) -> np.ndarray:
    """A window of ``width_durations`` transit durations around the transit, in ``n_bins`` bins.

    Parameters
    ----------
    t, flux : array-like
        Times (days) and relative, detrended flux.
    period, t0, duration : float or `~astropy.units.Quantity` ['time']
        Ephemeris and transit duration (float: days).
    n_bins : int, optional
        Length of the view (default 201).
    width_durations : float, optional
        Full width of the window in durations (default 4, i.e. +-2 durations; capped at one
        period).
    bin_width_durations : float, optional
        Width of each bin in durations; bins overlap when it exceeds the spacing (AstroNet uses
        0.16). Default: contiguous bins.
    normalize : bool, optional
        Apply :func:`normalize_view` with the median taken out of transit (default True).

    Returns
    -------
    ndarray
        Fixed-length, NaN-free view (empty bins interpolated; all zeros when no point falls
        in the window).

    References
    ----------
    .. [1] Shallue & Vanderburg 2018, AJ 155, 94.
    """
    t, flux = _finite(t, flux)
    v, oot = _local(
        t,
        flux,
        period=period,
        centre=t0,
        duration=duration,
        n_bins=n_bins,
        width_durations=width_durations,
        bin_width_durations=bin_width_durations,
    )
    if not np.isfinite(v).any():
        return np.zeros(int(n_bins))
    return normalize_view(v, oot=oot) if normalize else v


def _parity_view(t, flux, *, period, t0, duration, parity, **kw) -> np.ndarray:
    t, flux = _finite(t, flux)
    p = _check_period(period)
    keep = transit_number(t, period=p, t0=t0) % 2 == parity
    return local_view(t[keep], flux[keep], period=p, t0=t0, duration=duration, **kw)


def odd_view(t, flux, *, period, t0, duration, n_bins=201, width_durations=4.0, normalize=True):
    """Local view of the odd-numbered transits only (transit 0 is at ``t0``).

    Parameters and Returns as :func:`local_view`.
    """
    return _parity_view(
        t,
        flux,
        period=period,
        t0=t0,
        duration=duration,
        parity=1,
        n_bins=n_bins,
        width_durations=width_durations,
        normalize=normalize,
    )


def even_view(t, flux, *, period, t0, duration, n_bins=201, width_durations=4.0, normalize=True):
    """Local view of the even-numbered transits only (including the one at ``t0``).

    Parameters and Returns as :func:`local_view`.
    """
    return _parity_view(
        t,
        flux,
        period=period,
        t0=t0,
        duration=duration,
        parity=0,
        n_bins=n_bins,
        width_durations=width_durations,
        normalize=normalize,
    )


def secondary_view(
    t, flux, *, period, t0, duration, n_bins=201, width_durations=4.0, normalize=True
):
    """Local view centred on phase 0.5, where a secondary eclipse would fall.

    Parameters and Returns as :func:`local_view`.
    """
    p = _check_period(period)
    return local_view(
        t,
        flux,
        period=p,
        t0=to_days(t0, name="t0") + 0.5 * p,
        duration=duration,
        n_bins=n_bins,
        width_durations=width_durations,
        normalize=normalize,
    )


@dataclass(frozen=True, eq=False)
class Views:
    """The fixed-length, normalised, NaN-free views of one candidate.

    ``global_`` and ``local`` are normalised to median 0 out of transit and depth -1 by their
    own depth; ``odd``, ``even`` and ``secondary`` are divided by the *local* view's depth,
    so a shallower odd transit or a secondary eclipse keeps its size relative to the primary.

    Attributes
    ----------
    global_ : ndarray
        Whole orbit, ``n_global`` bins (2001).
    local : ndarray
        +-2 durations around the transit, ``n_local`` bins (201).
    odd, even : ndarray
        Local views of odd / even transits.
    secondary : ndarray
        Local view centred on phase 0.5.
    depth : float
        Depth of the binned local view (relative flux) used as the scale.
    """

    global_: np.ndarray
    local: np.ndarray
    odd: np.ndarray
    even: np.ndarray
    secondary: np.ndarray
    depth: float = float("nan")

    def as_dict(self) -> dict[str, np.ndarray]:
        """The five arrays by name (``"global"``, ``"local"``, ``"odd"``, ``"even"``,
        ``"secondary"``)."""
        return {
            "global": self.global_,
            "local": self.local,
            "odd": self.odd,
            "even": self.even,
            "secondary": self.secondary,
        }


def make_views(
    t,
    flux,
    *,
    period,
    t0,
    duration,
    n_global=2001,
    n_local=201,
    width_durations=4.0,
) -> Views:
    """Build the global, local, odd, even and secondary views of one candidate.

    Parameters
    ----------
    t, flux : array-like
        Times (days) and relative, detrended flux.
    period, t0, duration : float or `~astropy.units.Quantity` ['time']
        Ephemeris and transit duration (float: days).
    n_global, n_local : int, optional
        Lengths of the global (2001) and local-type (201) views.
    width_durations : float, optional
        Full width of the local-type views, in durations (default 4).

    Returns
    -------
    Views

    Raises
    ------
    StarskopeError
        If period or duration is not positive, or there is no finite data point.

    References
    ----------
    .. [1] Shallue & Vanderburg 2018, AJ 155, 94.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 30.0, 0.02)
    >>> f = np.where(np.abs((t - 1.0 + 1.5) % 3.0 - 1.5) < 0.05, 0.99, 1.0)
    >>> v = make_views(t, f, period=3.0, t0=1.0, duration=0.1)
    >>> v.global_.shape, v.local.shape, float(v.local.min()), float(np.median(v.global_))
    ((2001,), (201,), -1.0, 0.0)
    """
    t, flux = _finite(t, flux)
    if t.size == 0:
        raise StarskopeError("no finite data points to build views from")
    p = _check_period(period)
    t0 = to_days(t0, name="t0")
    d = to_days(duration, name="duration")
    kw = {"period": p, "duration": d, "n_bins": n_local, "width_durations": width_durations}

    glob = global_view(t, flux, period=p, t0=t0, n_bins=n_global)
    loc_raw, oot = _local(
        t,
        flux,
        period=p,
        centre=t0,
        duration=d,
        n_bins=n_local,
        width_durations=width_durations,
        bin_width_durations=None,
    )
    if not np.isfinite(loc_raw).any():
        loc_raw = np.ones(int(n_local))
    base = float(np.median(loc_raw[oot])) if oot.any() else float(np.median(loc_raw))
    depth = base - float(loc_raw.min())
    scale = depth if np.isfinite(depth) and depth > 1e-12 else None
    local = normalize_view(loc_raw, oot=oot, scale=scale)

    def scaled(view_fn, **extra):
        v = view_fn(t, flux, t0=t0, normalize=False, **kw, **extra)
        if not np.any(v):  # no data at all in that window
            return np.zeros(int(n_local))
        return normalize_view(v, oot=oot, scale=scale if scale is not None else 1.0)

    return Views(
        global_=glob,
        local=local,
        odd=scaled(odd_view),
        even=scaled(even_view),
        secondary=scaled(secondary_view),
        depth=float(depth),
    )
