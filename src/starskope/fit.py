"""Limb-darkened transit model fit (batman) that refines a box-search candidate.

The model is the Mandel & Agol (2002) transit of an opaque sphere in front of a star with
quadratic limb darkening, computed with batman's compiled kernel (Kreidberg 2015) and
integrated over each exposure by supersampling (midpoint rule; the fit integrates a grid in
orbital phase instead, see :class:`_PhaseModel`). The fit adjusts mid-transit
time, period, radius ratio, scaled semi-major axis, impact parameter and a flux baseline on the
data within a few transit durations of the transits, with `scipy.optimize.least_squares`.

References
----------
.. [1] Mandel, K. & Agol, E. 2002, ApJ 580, L171, "Analytic Light Curves for Planetary Transit
   Searches".
.. [2] Kreidberg, L. 2015, PASP 127, 1161, "batman: BAsic Transit Model cAlculatioN in Python".
.. [3] Kipping, D. M. 2010, MNRAS 408, 1758, "Binning is sinful: morphological light-curve
   distortions due to finite integration time".
.. [4] Seager, S. & Mallen-Ornelas, G. 2003, ApJ 585, 1038 (transit duration, eq. 3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .clean.masking import robust_std as _robust_std
from .exceptions import StarskopeError
from .fold import phase_fold
from .units import to_days

__all__ = [
    "DEFAULT_LIMB_DARKENING",
    "TransitFit",
    "fit_transit",
    "supersample_factor",
    "transit_duration",
    "transit_model",
]

#: Quadratic limb-darkening coefficients of a Sun-like star (Teff 5750 K, log g 4.5, [Fe/H] 0)
#: in the Kepler band (Claret & Bloemen 2011); close to TESS-band values for the same star.
DEFAULT_LIMB_DARKENING = (0.4, 0.26)

_MAX_SUPERSAMPLE = 15
_MIN_A_RS = 1.5


#: Flux errors whose median differs from the scatter by more than this factor are rescaled
#: to it for the fit (:func:`fit_transit`).
_ERR_SCALE_LIMIT = 3.0


def supersample_factor(exptime) -> int:
    """Number of sub-exposures used to integrate the model over one exposure.

    One sub-exposure per ~2 minutes of integration (so TESS 2-minute data need none, Kepler
    29.4-minute long cadence gets 15), capped at 15 (Kipping 2010).

    Parameters
    ----------
    exptime : float or `~astropy.units.Quantity` ['time'] or None
        Integration time per cadence (float: days).

    Returns
    -------
    int

    Examples
    --------
    >>> supersample_factor(29.4 / 1440), supersample_factor(2 / 1440), supersample_factor(None)
    (15, 1, 1)
    """
    if exptime is None:
        return 1
    e = to_days(exptime, name="exptime") * 1440.0
    if not np.isfinite(e) or e <= 0:
        return 1
    return int(min(_MAX_SUPERSAMPLE, max(1, math.ceil(e / 2.0 - 1e-9))))


def _inclination_deg(a_rs: float, impact: float) -> float:
    return math.degrees(math.acos(min(1.0, max(0.0, impact / a_rs))))


def _params(*, period, t0, rp_rs, a_rs, impact, u):
    import batman

    p = batman.TransitParams()
    p.t0 = float(t0)
    p.per = float(period)
    p.rp = float(rp_rs)
    p.a = float(a_rs)
    p.inc = _inclination_deg(float(a_rs), float(impact))
    p.ecc = 0.0
    p.w = 90.0
    p.limb_dark = "quadratic"
    p.u = [float(u[0]), float(u[1])]
    return p


def _quadratic_kernel():
    """batman's compiled Mandel & Agol quadratic-limb-darkening kernel, or None."""
    try:
        from batman import _quadratic_ld
    except ImportError:  # pragma: no cover - depends on the batman build
        return None
    return getattr(_quadratic_ld, "_quadratic_ld", None)


@njit(cache=True)
def _near_separations(t, offsets, omega, t0, sin_i2, lim2, a_rs, phi_max):
    """Sky separations (stellar radii) of the sub-exposures that can be in front of the disc.

    ``t`` are the exposure mid-times, ``offsets`` the sub-exposure offsets (days). A whole
    exposure is skipped when its mid-time's orbital phase is further from conjunction than
    ``phi_max`` plus the half-exposure in phase (``phi_max = asin((1 + k) / a)``: beyond it
    ``sin^2(phase) > ((1 + k) / a)^2``, so no sub-exposure can touch the disc); the others are
    tested one by one exactly as the vectorised model does (``c > 0`` and ``r2 < lim2``).

    Returns the flat sub-exposure indices (``exposure * len(offsets) + sub``, increasing) and
    the separations ``a * sqrt(r2)``, as two arrays of the same length.
    """
    n = t.size
    ss = offsets.size
    reach = 0.0
    for j in range(ss):
        reach = max(reach, abs(offsets[j]))
    reach = omega * reach
    two_pi = 2.0 * np.pi
    idx = np.empty(n * ss, dtype=np.int64)
    ds = np.empty(n * ss)
    m = 0
    for i in range(n):
        ph = omega * (t[i] - t0)
        ph -= two_pi * np.floor(ph / two_pi + 0.5)
        if abs(ph) - reach > phi_max:
            continue
        for j in range(ss):
            c = np.cos(omega * ((t[i] + offsets[j]) - t0))
            r2 = 1.0 - c * c * sin_i2
            if c > 0.0 and r2 < lim2:
                idx[m] = i * ss + j
                ds[m] = a_rs * np.sqrt(r2)
                m += 1
    return idx[:m], ds[:m]


@njit(cache=True)
def _exposure_means(n, ss, idx, vals):
    """Mean flux per exposure: ``vals`` at the flat sub-exposure indices ``idx``, 1 elsewhere."""
    out = np.ones(n)
    i = 0
    while i < idx.size:
        e = idx[i] // ss
        total = 0.0
        cnt = 0
        while i < idx.size and idx[i] // ss == e:
            total += vals[i]
            cnt += 1
            i += 1
        out[e] = (total + (ss - cnt)) / ss
    return out


def _geometry(rp_rs, a_rs, impact) -> tuple[float, float, float, float, float]:
    """``k, a_rs, sin(i)^2, ((1 + k) / a)^2`` and the largest orbital phase (radians, with a
    hair of margin) at which the planet can touch the disc, for :func:`_near_separations`:
    ``(d / a)^2 = sin^2(phi) + cos^2(i) cos^2(phi)``; only times in front of the star and closer
    than ``1 + k`` go to the limb-darkening kernel."""
    k = abs(float(rp_rs))
    a_rs = float(a_rs)
    cos_i = min(1.0, max(0.0, impact / a_rs))
    lim = (1.0 + k) / a_rs
    phi_max = math.asin(lim) if lim < 1.0 else math.pi
    return k, a_rs, 1.0 - cos_i * cos_i, lim * lim, phi_max + 1e-9


class _Model:
    """Transit model on fixed times, evaluated many times (once per optimiser step).

    The sky-projected separation of a circular orbit is computed here (batman's general Kepler
    solver costs more than its limb-darkening integral) by a small numba kernel that skips
    whole exposures far from conjunction, then batman's compiled quadratic limb-darkening
    kernel gives the flux of the sub-exposures that can be in transit. Exposures are
    integrated with the midpoint rule over ``supersample`` sub-exposures. Falls back to
    ``batman.TransitModel`` when the kernel cannot be imported; ``tests/test_fit.py`` checks
    both agree.
    """

    def __init__(self, t, *, exptime=None, supersample=1, use_kernel=True):
        t = np.ascontiguousarray(t, dtype=float)
        self.n = t.size
        self.ss = int(supersample) if exptime else 1
        self.t_mid = t
        if self.ss > 1:
            self.offsets = ((np.arange(self.ss) + 0.5) / self.ss - 0.5) * float(exptime)
        else:
            self.offsets = np.zeros(1)
        self.kernel = _quadratic_kernel() if use_kernel else None
        self._t = None
        self._batman = None

    @property
    def t(self) -> np.ndarray:
        """Every sub-exposure time, exposure-major (``n * supersample``)."""
        if self._t is None:
            if self.ss > 1:
                self._t = (self.t_mid[:, None] + self.offsets[None, :]).ravel()
            else:
                self._t = self.t_mid
        return self._t

    def flux(self, *, period, t0, rp_rs, a_rs, impact, u) -> np.ndarray:
        """Relative flux at the model's times."""
        if self.kernel is None:
            params = _params(period=period, t0=t0, rp_rs=rp_rs, a_rs=a_rs, impact=impact, u=u)
            if self._batman is None:
                import batman

                self._batman = batman.TransitModel(params, self.t)
            f = self._batman.light_curve(params)
            if self.ss > 1:
                f = f.reshape(self.n, self.ss).mean(axis=1)
            return f
        k, a_rs, sin_i2, lim2, phi_max = _geometry(rp_rs, a_rs, impact)
        idx, ds = _near_separations(
            self.t_mid,
            self.offsets,
            2.0 * math.pi / float(period),
            float(t0),
            sin_i2,
            lim2,
            a_rs,
            phi_max,
        )
        vals = self.kernel(ds, k, float(u[0]), float(u[1]), 1) if ds.size else ds
        return _exposure_means(self.n, self.ss, idx, np.asarray(vals, dtype=float))


@njit(cache=True)
def _exposure_average(v, lo, h, f, e):
    """Mean of the piecewise-linear ``f`` (on the grid ``lo + j h``) over ``[v - e/2, v + e/2]``.

    The running integral of a piecewise-linear function is piecewise quadratic; it is
    evaluated exactly at both ends of every exposure, so the only approximation is the linear
    interpolation of the flux between grid nodes. Outside the grid the flux is 1.
    """
    m = f.size
    # cumulative integral at the nodes (trapezoid rule, exact for piecewise-linear f)
    c = np.empty(m)
    c[0] = 0.0
    for j in range(1, m):
        c[j] = c[j - 1] + 0.5 * h * (f[j - 1] + f[j])
    out = np.empty(v.size)
    hi_u = lo + (m - 1) * h
    for i in range(v.size):
        total = 0.0
        for sgn in (1.0, -1.0):
            x = v[i] + 0.5 * sgn * e
            if x <= lo:
                val = x - lo  # flux 1 before the grid
            elif x >= hi_u:
                val = c[m - 1] + (x - hi_u)
            else:
                j = int((x - lo) / h)
                if j > m - 2:
                    j = m - 2
                s = x - (lo + j * h)
                val = c[j] + f[j] * s + 0.5 * (f[j + 1] - f[j]) * s * s / h
            total += sgn * val
        out[i] = total / e
    return out


class _PhaseModel:
    """Exposure-averaged transit model through a fine grid in orbital phase (fits only).

    With the period fixed and a circular orbit, every transit has the same shape: the flux is
    computed once per evaluation on a grid of times from mid-transit (``exptime /
    supersample`` apart, the spacing of :class:`_Model`'s sub-exposures), and each exposure's
    mean is the exact integral of the piecewise-linear interpolant over the exposure. The cost
    no longer grows with the number of transits (a 29.4-minute light curve with 30 transits
    needs one grid of a few hundred nodes instead of 15 sub-exposures per point); the model
    agrees with :class:`_Model` at 301 sub-exposures to about 1e-3 of the depth
    (``tests/test_fit.py``).

    ``t`` are times relative to the reference mid-time, already wrapped to within half a
    period; ``reach`` bounds ``|t - shift|`` for the mid-time shifts the fit may try.
    """

    def __init__(self, phase, *, exptime, supersample, reach):
        self.phase = np.ascontiguousarray(phase, dtype=float)
        self.e = float(exptime)
        self.h = self.e / max(int(supersample), 1)
        half = float(reach) + 0.5 * self.e + 2.0 * self.h
        m = int(math.ceil(2.0 * half / self.h)) + 1
        self.lo = -half
        self.grid = self.lo + self.h * np.arange(m)
        self.kernel = _quadratic_kernel()
        self.size = m

    def flux(self, *, period, shift, rp_rs, a_rs, impact, u) -> np.ndarray:
        k, a_rs, sin_i2, lim2, phi_max = _geometry(rp_rs, a_rs, impact)
        idx, ds = _near_separations(
            self.grid, np.zeros(1), 2.0 * math.pi / float(period), 0.0, sin_i2, lim2, a_rs, phi_max
        )
        f = np.ones(self.size)
        if ds.size:
            f[idx] = self.kernel(ds, k, float(u[0]), float(u[1]), 1)
        return _exposure_average(self.phase - shift, self.lo, self.h, f, self.e)


def _check_u(u) -> tuple[float, float]:
    try:
        u1, u2 = (float(x) for x in u)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"u must be two quadratic limb-darkening coefficients; got {u!r}") from exc
    return u1, u2


def transit_model(
    t,
    *,
    period,
    t0,
    rp_rs,
    a_rs,
    impact,
    u=DEFAULT_LIMB_DARKENING,
    exptime=None,
    supersample=None,
) -> np.ndarray:
    """Relative flux of a circular-orbit transit with quadratic limb darkening.

    Parameters
    ----------
    t : array-like
        Times in days.
    period, t0 : float or `~astropy.units.Quantity` ['time']
        Period and mid-transit time (float: days).
    rp_rs : float
        Planet-to-star radius ratio.
    a_rs : float
        Semi-major axis in stellar radii.
    impact : float
        Impact parameter ``a cos(i) / R_s``.
    u : tuple of two floats, optional
        Quadratic limb-darkening coefficients (default: a Sun-like star).
    exptime : float or `~astropy.units.Quantity` ['time'], optional
        Integration time per point (float: days); the model is averaged over it.
    supersample : int, optional
        Sub-exposures per point; default :func:`supersample_factor` of ``exptime``.

    Returns
    -------
    ndarray
        Relative flux (1 out of transit).

    References
    ----------
    .. [1] Mandel & Agol 2002, ApJ 580, L171.
    .. [2] Kreidberg 2015, PASP 127, 1161.

    Examples
    --------
    >>> f = transit_model([0.0, 0.5], period=3.0, t0=0.0, rp_rs=0.1, a_rs=10.0, impact=0.0)
    >>> bool(0.985 < f[0] < 0.99), float(f[1])
    (True, 1.0)
    """
    e = None if exptime is None else to_days(exptime, name="exptime")
    ss = supersample_factor(e) if supersample is None else max(1, int(supersample))
    if e is None or e <= 0:
        ss = 1
    model = _Model(np.atleast_1d(np.asarray(t, dtype=float)), exptime=e, supersample=ss)
    f = model.flux(
        period=to_days(period, name="period"),
        t0=to_days(t0, name="t0"),
        rp_rs=float(rp_rs),
        a_rs=float(a_rs),
        impact=float(impact),
        u=_check_u(u),
    )
    return f.reshape(np.shape(t))


def transit_duration(*, period, rp_rs, a_rs, impact) -> float:
    """Total (first to fourth contact) duration of a circular-orbit transit, in days.

    ``T14 = P / pi * arcsin( sqrt((1 + k)^2 - b^2) / (a sin i) )`` (Seager & Mallen-Ornelas
    2003, eq. 3); 0 when the planet does not transit.

    Examples
    --------
    >>> round(transit_duration(period=3.0, rp_rs=0.1, a_rs=10.0, impact=0.0) * 24, 3)
    2.526
    """
    p = to_days(period, name="period")
    if not (np.isfinite(p) and p > 0):
        raise StarskopeError(f"period must be a positive time; got {p}")
    k, a, b = float(rp_rs), float(a_rs), float(impact)
    chord = (1.0 + k) ** 2 - b**2
    if not (np.isfinite(chord) and chord > 0 and a > 0):
        return 0.0
    sin_i = math.sqrt(max(0.0, 1.0 - (b / a) ** 2))
    x = math.sqrt(chord) / (a * sin_i) if sin_i > 0 else 1.0
    return p / math.pi * math.asin(min(1.0, x))


@dataclass(frozen=True)
class TransitFit:
    """Result of :func:`fit_transit`.

    Attributes
    ----------
    t0 : float
        Fitted mid-transit time (days, the input's time system).
    rp_rs, a_rs, impact : float
        Radius ratio, scaled semi-major axis, impact parameter.
    depth_ppm, depth_ppm_err : float
        Model depth at mid-transit (limb darkened, not exposure-smeared) and its one-sigma
        uncertainty, in ppm.
    duration_hours : float
        First-to-fourth-contact duration of the fitted model.
    chi2 : float
        Chi-square of the fit over the fitted points.
    success : bool
        Whether the optimiser converged to a transiting, finite solution.
    message : str
        The optimiser's message, or why the fit was not attempted.
    period : float
        The fitted period, days (the starting one for a single transit).
    u : tuple of float
        Limb-darkening coefficients used.
    exptime : float or None
        Integration time (days) the model was averaged over.
    supersample : int
        Sub-exposures per point.
    baseline : float
        Fitted out-of-transit flux level.
    n_points : int
        Points fitted.
    t0_err, rp_rs_err, a_rs_err, impact_err, period_err : float
        One-sigma uncertainties from the Jacobian (scaled by sqrt of the reduced chi-square
        when that exceeds 1); NaN where undetermined.
    """

    t0: float
    rp_rs: float
    a_rs: float
    impact: float
    depth_ppm: float
    depth_ppm_err: float
    duration_hours: float
    chi2: float
    success: bool
    message: str
    period: float = float("nan")
    u: tuple[float, float] = DEFAULT_LIMB_DARKENING
    exptime: float | None = None
    supersample: int = 1
    baseline: float = 1.0
    n_points: int = 0
    t0_err: float = float("nan")
    rp_rs_err: float = float("nan")
    a_rs_err: float = float("nan")
    impact_err: float = float("nan")
    period_err: float = float("nan")

    @classmethod
    def failed(cls, message: str, **known) -> TransitFit:
        """A result for a fit that could not be made; all parameters NaN."""
        nan = float("nan")
        base = dict(
            t0=nan,
            rp_rs=nan,
            a_rs=nan,
            impact=nan,
            depth_ppm=nan,
            depth_ppm_err=nan,
            duration_hours=nan,
            chi2=nan,
            success=False,
            message=message,
        )
        base.update(known)
        return cls(**base)

    def model(self, t) -> np.ndarray:
        """The fitted model (times the fitted baseline) at times ``t`` (days).

        Returns ones when the parameters are not finite (a fit that was never made).
        """
        t = np.asarray(t, dtype=float)
        vals = (self.t0, self.rp_rs, self.a_rs, self.impact, self.period)
        if not all(np.isfinite(v) for v in vals):
            return np.full(t.shape, self.baseline if np.isfinite(self.baseline) else 1.0)
        return self.baseline * transit_model(
            t,
            period=self.period,
            t0=self.t0,
            rp_rs=self.rp_rs,
            a_rs=self.a_rs,
            impact=self.impact,
            u=self.u,
            exptime=self.exptime,
            supersample=self.supersample,
        )


def fit_transit(
    t,
    flux,
    flux_err,
    *,
    period,
    t0,
    duration,
    depth,
    exptime,
    u=DEFAULT_LIMB_DARKENING,
    window_durations=1.5,
    max_nfev=200,
) -> TransitFit:
    """Fit a limb-darkened transit model to the data around the transits of a candidate.

    Parameters
    ----------
    t : array-like
        Times in days.
    flux : array-like
        Relative, detrended flux (about 1 out of transit).
    flux_err : array-like or None
        One-sigma errors; non-finite or non-positive values (or None) are replaced by the
        robust scatter of the out-of-transit data.
    period : float or `~astropy.units.Quantity` ['time']
        Starting period (float: days). It moves by at most the change that shifts the
        outermost fitted transit by half a duration; kept fixed with one transit.
    t0 : float or `~astropy.units.Quantity` ['time']
        Starting mid-transit time (float: days).
    duration : float or `~astropy.units.Quantity` ['time']
        Starting transit duration (float: days), e.g. the box duration of the search.
    depth : float
        Starting depth, relative flux (e.g. 0.001 for 1000 ppm).
    exptime : float or `~astropy.units.Quantity` ['time'] or None
        Integration time per cadence (float: days); the model is supersampled over it.
    u : tuple of two floats, optional
        Quadratic limb-darkening coefficients (default: Sun-like star).
    window_durations : float, optional
        Fit the points within this many (starting) durations of each mid-transit
        (default 1.5, i.e. a window three durations wide).
    max_nfev : int, optional
        Cap on model evaluations.

    Returns
    -------
    TransitFit
        Never raises for a fit that fails: ``success`` is False and ``message`` says why.

    Notes
    -----
    Free parameters: a mid-time shift bounded to +-half the starting duration, a period change
    (see ``period``), ``rp_rs`` in
    [1e-4, 1], ``a_rs`` in [1.5, 2000], the impact parameter as a fraction of ``1 + rp_rs``
    (so ``0 <= b <= 1 + rp_rs``), and the baseline flux. Each evaluation computes the
    circular-orbit sky separation in a small numba kernel and calls batman's compiled
    quadratic limb-darkening kernel only for times that can be in transit (identical to
    ``batman.TransitModel`` to 1e-12, checked in the tests). With supersampling (long cadence)
    the model is computed once per evaluation on a grid in time from mid-transit, spaced like
    the sub-exposures, and integrated exactly over each exposure (:class:`_PhaseModel`): the
    cost no longer grows with the number of transits, and the accuracy is that of the
    sub-exposures.
    ``depth_ppm_err`` propagates the parameter covariance to the mid-transit depth.

    The mid-time is fitted at the data's middle transit and reported (with its error) at the
    epoch ``t0`` names.

    References
    ----------
    .. [1] Mandel & Agol 2002, ApJ 580, L171.
    .. [2] Kreidberg 2015, PASP 127, 1161.
    .. [3] Kipping 2010, MNRAS 408, 1758.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 27.0, 2.0 / 1440)
    >>> truth = transit_model(t, period=3.0, t0=1.0, rp_rs=0.1, a_rs=10.0, impact=0.3)
    >>> flux = truth + np.random.default_rng(0).normal(0, 1e-3, t.size)
    >>> fit = fit_transit(t, flux, None, period=3.0, t0=1.01, duration=0.1, depth=0.01,
    ...                   exptime=2.0 / 1440)
    >>> fit.success, abs(fit.rp_rs - 0.1) < 0.005, abs(fit.t0 - 1.0) < 0.002
    (True, True, True)
    """
    try:
        p = to_days(period, name="period")
        t0 = to_days(t0, name="t0")
        dur = to_days(duration, name="duration")
        e = None if exptime is None else to_days(exptime, name="exptime")
        depth = float(depth)
        u = _check_u(u)
        t = np.asarray(t, dtype=float)
        flux = np.asarray(flux, dtype=float)
        err = np.full(t.shape, np.nan) if flux_err is None else np.asarray(flux_err, dtype=float)
        if t.ndim != 1 or flux.shape != t.shape or err.shape != t.shape:
            raise ValueError(
                f"t, flux, flux_err shapes differ: {t.shape}, {flux.shape}, {err.shape}"
            )
    except Exception as exc:  # bad input: report, never raise
        return TransitFit.failed(f"bad input: {exc}")
    known = {"period": p, "u": u, "exptime": e}
    if not (np.isfinite(p) and p > 0 and np.isfinite(dur) and dur > 0 and np.isfinite(t0)):
        return TransitFit.failed(
            f"need a positive period and duration and a finite t0; got P={p}, T={dur}, t0={t0}",
            **known,
        )
    try:  # an epoch in another time system would fit the noise far from any transit
        from .fold import check_epoch_system

        check_epoch_system(t0, t)
    except StarskopeError as exc:
        return TransitFit.failed(str(exc), **known)
    if e is not None and (e > 5.0 * dur or e > 0.5 * p):
        # an exposure of several transits (10 given for 10 minutes: days) smears it away
        return TransitFit.failed(
            f"an exposure of {e:.4g} d is over five times the {dur:.4g}-d transit or half the"
            " period: give exptime in days (or as a Quantity, e.g. 10 * u.min)",
            **known,
        )
    ss = supersample_factor(e)
    if e is None or e <= 0:
        e, ss = None, 1
    known.update(exptime=e, supersample=ss)

    ok = np.isfinite(t) & np.isfinite(flux)
    phase = phase_fold(t, period=p, t0=t0)
    sel = ok & (np.abs(phase) < window_durations * dur + (e or 0.0))
    t_s, f_s, e_s, ph_s = t[sel], flux[sel], err[sel], phase[sel]
    n_in = int(np.count_nonzero(np.abs(ph_s) < 0.5 * dur))
    if n_in < 3 or t_s.size < 8:
        return TransitFit.failed(
            f"too few points near the transits ({n_in} in transit, {t_s.size} in the window)",
            **known,
        )
    oot = np.abs(ph_s) > 0.75 * dur
    scatter = _robust_std(f_s[oot] if np.count_nonzero(oot) >= 5 else f_s)
    if not np.isfinite(scatter) or scatter <= 0:
        scatter = float(np.nanstd(f_s)) or 1e-6
    bad_err = ~(np.isfinite(e_s) & (e_s > 0))
    e_s = np.where(bad_err, scatter, e_s)
    # errors far from the scatter (a placeholder column of 1.0, errors in other units) are
    # rescaled to it for the optimiser, their relative weights kept: the best fit of weighted
    # least squares does not depend on their scale, but the optimiser's gradient tolerance
    # does (errors of 1.0 beside a 150-ppm scatter stopped it at the start). The chi-square
    # and the uncertainties are those of the errors given (below), as without the rescaling
    e_med = float(np.median(e_s))
    err_scale = 1.0
    if not _ERR_SCALE_LIMIT**-1 <= e_med / scatter <= _ERR_SCALE_LIMIT:
        err_scale = scatter / e_med
        e_s = e_s * err_scale
    base0 = float(np.median(f_s[oot])) if np.count_nonzero(oot) >= 5 else 1.0

    k0 = math.sqrt(min(max(depth if np.isfinite(depth) else 0.0, 1e-7), 0.8))
    # the period moves too, by up to the change that shifts the outermost fitted transit by
    # half a duration: a search period off by a fraction of its grid step smears the folded
    # transit into a V that a grazing geometry fits best. The mid-time is fitted at the middle
    # transit of the data (whichever epoch ``t0`` names: least correlated with the period)
    # and reported back at ``t0``'s epoch
    epoch = np.rint((t_s - t0) / p)
    mid = float(np.round(np.median(epoch))) if epoch.size else 0.0
    epoch = epoch - mid
    t_ref = t0 + mid * p
    n_max = float(np.max(np.abs(epoch))) if epoch.size else 0.0
    dp_max = 0.5 * dur / n_max if n_max > 0 else 0.0
    lo = np.array([-0.5 * dur, 1e-4, _MIN_A_RS, 0.0, base0 - 0.5, -dp_max])
    hi = np.array([0.5 * dur, 1.0, 2000.0, 1.0, base0 + 0.5, dp_max])
    if dp_max == 0.0:  # one transit: the period is not measured
        hi[5] = 1e-12

    x0 = 0.4
    b0 = x0 * (1 + k0)
    a0 = p / (math.pi * dur) * math.sqrt((1 + k0) ** 2 - b0**2)
    a0 = float(np.clip(a0, _MIN_A_RS + 0.01, 1999.0))
    x_start = np.array([0.0, k0, a0, x0, base0, 0.0])
    x_start = np.clip(x_start, lo + 1e-9 * (hi - lo), hi - 1e-9 * (hi - lo))

    model = _Model(t_s, exptime=e, supersample=ss)
    # |phase - shift - epoch dP| over the bounds
    reach = float(np.max(np.abs(ph_s))) + 1.0 * dur
    phase_model = None
    if ss > 1 and e is not None and model.kernel is not None:
        candidate = _PhaseModel(ph_s, exptime=e, supersample=ss, reach=reach)
        if candidate.size < t_s.size * ss:  # fewer model nodes than sub-exposures
            phase_model = candidate
    w = 1.0 / e_s

    memo: dict[tuple, np.ndarray] = {}

    def resid(x):
        # the transit shape does not depend on the baseline x[4]: the Jacobian's baseline
        # column (one model evaluation in seven) reuses the last shape
        key = (float(x[0]), float(x[1]), float(x[2]), float(x[3]), float(x[5]))
        f = memo.get(key)
        if f is None:
            b = x[3] * (1.0 + x[1])
            if phase_model is not None:
                f = phase_model.flux(
                    period=p + x[5], shift=x[0] + epoch * x[5], rp_rs=x[1], a_rs=x[2], impact=b, u=u
                )
            else:
                f = model.flux(
                    period=p + x[5], t0=t_ref + x[0], rp_rs=x[1], a_rs=x[2], impact=b, u=u
                )
            if len(memo) >= 8:  # a step and its Jacobian's columns
                memo.pop(next(iter(memo)))
            memo[key] = f
        return (x[4] * f - f_s) * w

    from scipy.optimize import least_squares

    try:
        res = least_squares(
            resid,
            x_start,
            bounds=(lo, hi),
            x_scale=np.array(
                [0.05 * dur, max(k0, 1e-3), a0 * 0.2, 0.2, scatter, 0.1 * dp_max or 1.0]
            ),
            max_nfev=max_nfev,
            method="trf",
            # stop when chi2 is within ~0.1 of its minimum (the 1-sigma region is 1 wide):
            # a third fewer model evaluations than scipy's default tolerances
            ftol=3e-5,
            xtol=3e-5,
            gtol=3e-5,
        )
    except Exception as exc:  # batman or scipy failure: report, never raise
        return TransitFit.failed(f"optimiser failed: {exc}", **known)

    x = res.x
    k, a, b = float(x[1]), float(x[2]), float(x[3] * (1 + x[1]))
    chi2 = float(np.sum(res.fun**2)) * err_scale**2  # of the errors given
    dof = max(1, t_s.size - x.size)

    # covariance and the depth at mid-transit with its propagated uncertainty
    depth_model = _Model(np.array([t0]))

    def central_depth(xx) -> float:
        f = depth_model.flux(
            period=p + x[5], t0=t0, rp_rs=xx[1], a_rs=xx[2], impact=xx[3] * (1 + xx[1]), u=u
        )
        return float(1.0 - f[0])

    d_mid = central_depth(x)
    errs = np.full(x.size, np.nan)
    d_err = float("nan")
    cov = np.full((x.size, x.size), np.nan)
    try:
        # with one transit the period is pinned by its bounds: its column would only blur the
        # others (the duration ties P to a/Rs)
        free = slice(None) if dp_max > 0 else slice(0, 5)
        jac = res.jac[:, free] * err_scale  # the Jacobian of the errors given
        c = np.zeros((x.size, x.size))
        c[free, free] = np.linalg.pinv(jac.T @ jac) * max(1.0, chi2 / dof)
        cov = c
        errs = np.sqrt(np.clip(np.diag(cov), 0, None))
        grad = np.zeros(x.size)
        for i in (1, 2, 3):
            h = 1e-6 * max(abs(x[i]), 1e-3)
            xp, xm = x.copy(), x.copy()
            xp[i] = min(x[i] + h, hi[i])
            xm[i] = max(x[i] - h, lo[i])
            grad[i] = (central_depth(xp) - central_depth(xm)) / (xp[i] - xm[i])
        d_err = float(math.sqrt(max(0.0, grad @ cov @ grad)))
    except (np.linalg.LinAlgError, ValueError):
        pass

    p_fit = float(p + x[5])
    # the mid-time at ``t0``'s epoch, and its error with the period's share
    t0_fit = float(t0 + x[0] - mid * x[5])
    t0_err = float(math.sqrt(max(0.0, cov[0, 0] + mid**2 * cov[5, 5] - 2 * mid * cov[0, 5])))
    period_err = float(errs[5]) if dp_max > 0 else float("nan")
    at_edge = dp_max > 0 and abs(float(x[5])) >= 0.98 * dp_max
    dur_fit = transit_duration(period=p_fit, rp_rs=k, a_rs=a, impact=b)
    finite = bool(np.all(np.isfinite(x)) and np.isfinite(chi2))
    transits = d_mid > 0 and dur_fit > 0
    success = bool(res.status > 0 and finite and transits)
    msg = str(res.message)
    if err_scale != 1.0:
        msg = (
            f"the flux errors are {1 / err_scale:.3g} times the scatter (uncertainties follow"
            " them); " + msg
        )
    if not transits:
        msg = "fitted model does not transit (impact parameter >= 1 + rp/rs); " + msg
    if at_edge:  # the search period is off by more than the fit may move it: no error bar
        period_err = float("nan")
        msg = "period at the edge of its range (half a duration over the data); " + msg
    return TransitFit(
        t0=t0_fit,
        rp_rs=k,
        a_rs=a,
        impact=b,
        depth_ppm=d_mid * 1e6,
        depth_ppm_err=d_err * 1e6,
        duration_hours=dur_fit * 24.0,
        chi2=chi2,
        success=success,
        message=msg,
        period=p_fit,
        u=u,
        exptime=e,
        supersample=ss,
        baseline=float(x[4]),
        n_points=int(t_s.size),
        t0_err=t0_err,
        rp_rs_err=float(errs[1]),
        a_rs_err=float(errs[2]),
        impact_err=float(errs[3] * (1 + k)),
        period_err=period_err,
    )
