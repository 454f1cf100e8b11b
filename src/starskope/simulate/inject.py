"""Transit injection with batman: limb-darkened, supersampled, multiplicative.

A :class:`PlanetSignal` describes one transiting planet; :func:`transit_model` evaluates it with
batman (Kreidberg 2015) integrated over the exposure, and :func:`inject` multiplies any signal
(planet, eclipsing binary, pulsation: anything with ``.model(t) -> relative flux``) into a
:class:`~starskope.lightcurve.LightCurve`, whatever its flux units.

Quadratic limb darkening comes from :func:`quadratic_ld` (Kepler band, a small table in Teff) or
is given explicitly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..exceptions import StarskopeError
from ..units import to_days
from .noise import LONG_CADENCE_DAYS

__all__ = [
    "INJECTOR_VERSION",
    "LD_TABLE",
    "PlanetSignal",
    "Signal",
    "a_rs_from_density",
    "inject",
    "mask_transits",
    "quadratic_ld",
    "transit_duration",
    "transit_model",
]

#: Changes whenever an injected signal changes for the same draw (2: each exposure integrated
#: at its sub-exposures' midpoints), so caches of features computed on injections are remade.
INJECTOR_VERSION = 2

_G = 6.674e-11  # m^3 kg^-1 s^-2
_DAY = 86400.0

#: Approximate quadratic limb-darkening coefficients (u1, u2) in the Kepler band for dwarfs
#: (log g ~ 4.5, solar metallicity), rounded from the trends of Claret & Bloemen (2011).
#: Columns: Teff [K], u1, u2. Good enough for injections; pass ``u=`` for precise work.
LD_TABLE = np.array(
    [
        [3000.0, 0.30, 0.38],
        [3500.0, 0.36, 0.34],
        [4000.0, 0.50, 0.20],
        [4500.0, 0.56, 0.14],
        [5000.0, 0.51, 0.19],
        [5500.0, 0.44, 0.24],
        [5750.0, 0.40, 0.26],
        [6000.0, 0.37, 0.28],
        [6500.0, 0.31, 0.31],
        [7000.0, 0.27, 0.32],
        [7500.0, 0.24, 0.33],
        [8000.0, 0.22, 0.33],
    ]
)


def quadratic_ld(teff: float, logg: float = 4.5) -> tuple[float, float]:
    """Quadratic limb-darkening coefficients for a star (Kepler band, approximate).

    Parameters
    ----------
    teff : float
        Effective temperature in K (clipped to 3000-8000 K).
    logg : float, optional
        Surface gravity (cgs). Giants (log g < 3.5) get a slightly stronger linear term.

    Returns
    -------
    tuple of float
        ``(u1, u2)``.

    Examples
    --------
    >>> quadratic_ld(5750.0)
    (0.4, 0.26)
    """
    te = float(np.clip(teff, LD_TABLE[0, 0], LD_TABLE[-1, 0]))
    u1 = float(np.interp(te, LD_TABLE[:, 0], LD_TABLE[:, 1]))
    u2 = float(np.interp(te, LD_TABLE[:, 0], LD_TABLE[:, 2]))
    if logg < 3.5:
        u1 += 0.03
    return round(u1, 4), round(u2, 4)


def a_rs_from_density(*, period: float, rho_star: float) -> float:
    """Scaled semi-major axis a/R* from the period (days) and stellar density (g/cm^3).

    Kepler's third law for a planet of negligible mass (Seager & Mallen-Ornelas 2003):
    ``a/R* = (G rho P^2 / (3 pi))^(1/3)``.

    Examples
    --------
    >>> round(a_rs_from_density(period=365.25, rho_star=1.41), 0)
    215.0
    """
    rho = rho_star * 1000.0
    p = period * _DAY
    return float((_G * rho * p * p / (3.0 * np.pi)) ** (1.0 / 3.0))


def transit_duration(*, period: float, rp_rs: float, a_rs: float, impact: float) -> float:
    """Total (first to fourth contact) duration T14 in days for a circular orbit; 0 if none."""
    if a_rs <= 1.0:
        return 0.0
    inc = np.arccos(np.clip(impact / a_rs, 0.0, 1.0))
    arg = np.sqrt(max((1.0 + rp_rs) ** 2 - impact**2, 0.0)) / (a_rs * np.sin(inc))
    return float(period / np.pi * np.arcsin(min(arg, 1.0)))


class Signal(Protocol):
    """Anything that can be injected: relative flux (1 = no signal) at times ``t`` (days)."""

    def model(self, t, *, exptime: float = ..., supersample: int | None = ...) -> np.ndarray: ...


@dataclass(frozen=True)
class PlanetSignal:
    """A transiting planet on a circular orbit.

    Attributes
    ----------
    period : float
        Orbital period in days.
    t0 : float
        Mid-transit time in days, in the light curve's own time system.
    rp_rs : float
        Planet-to-star radius ratio.
    a_rs : float
        Semi-major axis over stellar radius.
    impact : float
        Impact parameter b (0 = central).
    u : tuple of float
        Quadratic limb-darkening coefficients.
    """

    period: float
    t0: float
    rp_rs: float
    a_rs: float
    impact: float
    u: tuple[float, float] = (0.4, 0.26)

    def __post_init__(self):
        for name in ("period", "t0"):  # Quantities of time (3 * u.day) as days
            object.__setattr__(self, name, to_days(getattr(self, name), name=name))
        if not self.period > 0:
            raise StarskopeError(f"planet period must be positive; got {self.period}")
        if not 0 < self.rp_rs < 1.5:
            raise StarskopeError(f"rp_rs must be in (0, 1.5); got {self.rp_rs}")
        if not self.a_rs > 1:
            raise StarskopeError(f"a_rs must exceed 1; got {self.a_rs}")
        if not 0 <= self.impact < self.a_rs:
            raise StarskopeError(f"impact must be in [0, a_rs); got {self.impact}")

    @property
    def duration(self) -> float:
        """T14 in days."""
        return transit_duration(
            period=self.period, rp_rs=self.rp_rs, a_rs=self.a_rs, impact=self.impact
        )

    @property
    def inclination(self) -> float:
        """Orbital inclination in degrees."""
        return float(np.degrees(np.arccos(self.impact / self.a_rs)))

    def replace(self, **changes) -> PlanetSignal:
        return dataclasses.replace(self, **changes)

    def model(self, t, *, exptime: float = LONG_CADENCE_DAYS, supersample: int | None = None):
        """Relative flux at ``t`` (days): see :func:`transit_model`."""
        return transit_model(
            t,
            period=self.period,
            t0=self.t0,
            rp_rs=self.rp_rs,
            a_rs=self.a_rs,
            impact=self.impact,
            u=self.u,
            exptime=exptime,
            supersample=supersample,
        )


def transit_model(
    t,
    *,
    period: float,
    t0: float,
    rp_rs: float,
    a_rs: float,
    impact: float,
    u=(0.4, 0.26),
    exptime: float | None = LONG_CADENCE_DAYS,
    supersample: int | None = None,
) -> np.ndarray:
    """batman quadratic limb-darkened transit, integrated over ``exptime``.

    Parameters
    ----------
    t : array-like
        Times in days.
    period, t0 : float
        Period and mid-transit time (days).
    rp_rs, a_rs, impact : float
        Radius ratio, scaled semi-major axis and impact parameter (circular orbit).
    u : tuple of float, optional
        Quadratic limb-darkening coefficients.
    exptime : float or None, optional
        Integration time in days (default: Kepler long cadence, 29.4 min). None or 0: no
        integration.
    supersample : int, optional
        Sub-exposures per cadence, each evaluated at its midpoint; default one per ~2 minutes
        of ``exptime`` (15 for long cadence).

    Returns
    -------
    ndarray
        Relative flux, 1 out of transit.

    References
    ----------
    Kreidberg (2015), PASP 127, 1161 (batman); Kipping (2010), MNRAS 408, 1758 (supersampling).
    """
    import batman

    t = np.asarray(t, dtype=float)
    period, t0 = to_days(period, name="period"), to_days(t0, name="t0")
    if exptime is not None:
        exptime = to_days(exptime, name="exptime")
    p = batman.TransitParams()
    p.t0, p.per, p.rp, p.a = float(t0), float(period), float(rp_rs), float(a_rs)
    p.inc = float(np.degrees(np.arccos(np.clip(impact / a_rs, 0.0, 1.0))))
    p.ecc, p.w = 0.0, 90.0
    p.u, p.limb_dark = [float(u[0]), float(u[1])], "quadratic"
    finite = np.isfinite(t)
    out = np.ones(t.size)
    if not finite.any():
        return out
    if exptime and exptime > 0:
        # (the 1e-9: 30 min given as a Quantity is 15.000000000000002 two-minute steps)
        ss = supersample or max(3, int(np.ceil(exptime * 1440.0 / 2.0 - 1e-9)) | 1)
        # batman spaces its sub-exposures from -exp_time/2 to +exp_time/2, end points
        # included: an exposure ss/(ss-1) too long (31.4 min for 29.4 min with ss=15). Given
        # exptime (ss-1)/ss, its points are the midpoints of ss equal sub-exposures, the
        # exposure integral that starskope.fit evaluates.
        m = batman.TransitModel(
            p, t[finite], supersample_factor=ss, exp_time=float(exptime) * (ss - 1) / ss
        )
    else:
        m = batman.TransitModel(p, t[finite])
    out[finite] = m.light_curve(p)
    return out


def inject(lc, signal, *, exptime: float | None = None):
    """Multiply ``signal`` into a light curve; returns a new light curve.

    Parameters
    ----------
    lc : `~starskope.lightcurve.LightCurve`
        Host light curve in any flux units, which it keeps: flux with a level (e-/s,
        relative) is multiplied by the model, magnitudes have ``-2.5 log10(model)`` added,
        and offsets around zero in ppm, ppt or per cent (``meta.flux_unit``) are multiplied
        as ``1 + offset``; offsets in no named unit are refused.
    signal : Signal or sequence of Signal
        Objects with ``model(t, exptime=...)``; times in ``lc.t``'s system.
    exptime : float, optional
        Integration time in days; default the light curve's cadence (or Kepler long cadence).

    Returns
    -------
    `~starskope.lightcurve.LightCurve`
        Same times, flux and flux_err with the model applied; ``meta.extra["injected"]``
        lists the injected signals as dicts.
    """
    signals = list(signal) if isinstance(signal, (list, tuple)) else [signal]
    if exptime is not None:
        exptime = to_days(exptime, name="exptime")
    if exptime is None:
        cad = lc.cadence
        exptime = cad if np.isfinite(cad) and cad > 0 else LONG_CADENCE_DAYS
    model = np.ones(len(lc))
    from ..fold import check_epoch_system

    for s in signals:
        t0 = getattr(s, "t0", None)
        if t0 is not None:  # a BJD or MJD epoch for BTJD times puts the transits elsewhere
            check_epoch_system(float(t0), lc.t)
        model = model * s.model(lc.t, exptime=exptime)
    injected = list(lc.meta.extra.get("injected", [])) + [
        {"type": type(s).__name__, **dataclasses.asdict(s)} for s in signals
    ]
    meta = lc.meta.replace(extra={**lc.meta.extra, "injected": injected})
    flux, err = _times_model(lc, model)
    return lc.copy(flux=flux, flux_err=err, meta=meta)


def _times_model(lc, model):
    """The light curve's flux and error with the relative flux multiplied by ``model``, in
    the light curve's own units: magnitudes have ``-2.5 log10(model)`` added (their error is
    already relative), offsets around zero in ppm, ppt or per cent become ``(1 + offset) x
    model - 1`` (multiplying offsets of about zero would leave the transit out)."""
    from ..clean.masking import has_flux_level, offset_scale
    from ..units import is_magnitude_unit

    unit = lc.meta.flux_unit
    if is_magnitude_unit(unit):
        return lc.flux - 2.5 * np.log10(model), lc.flux_err
    if not np.isfinite(lc.flux).any() or has_flux_level(lc.flux):  # (no flux: as it was)
        return lc.flux * model, lc.flux_err * model
    scale = offset_scale(unit)
    if scale is None:
        raise StarskopeError(
            "cannot inject into flux without a level (offsets around zero in unknown units,"
            f" median {float(np.nanmedian(lc.flux)):.3g}): normalise it first"
            " (lc.normalize()), or give its unit (LightCurve(..., meta={'flux_unit': 'ppm'}))",
            path=lc.meta.source,
        )
    return ((1.0 + scale * lc.flux) * model - 1.0) / scale, lc.flux_err * model


def mask_transits(t, *, periods, t0s, durations, pad: float = 1.5) -> np.ndarray:
    """True where ``t`` is inside any known transit (window ``pad x duration``).

    Use it to drop a real host's own transits before using its light curve as a noise
    background.
    """
    t = np.asarray(t, dtype=float)
    m = np.zeros(t.size, dtype=bool)
    for p, t0, d in zip(periods, t0s, durations, strict=True):
        phase = np.mod(t - t0 + 0.5 * p, p) - 0.5 * p
        m |= np.abs(phase) < 0.5 * pad * d
    return m
