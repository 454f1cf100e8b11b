"""Astrophysical false positives: eclipsing binaries (detached, grazing, diluted), pulsators and
heartbeat stars.

Spotted stars are a noise kind (``draw_star_params(kind="spotted")`` in :mod:`.noise`). Every
signal here has ``model(t, exptime=...) -> relative flux`` so :func:`.inject.inject` takes it.

Eclipsing-binary model (circular orbit, primary radius 1, companion radius ``k``): the geometric
overlap of the two discs is the same at both conjunctions, so with batman's uniform-disc model
``U(t)`` (``1 - U`` = overlap / pi)::

    binary(t) = (F1(t) + L2 * (1 - (1 - U(t - P/2)) / k^2)) / (1 + L2),   L2 = sb * k^2
    observed  = (binary + D) / (1 + D)                                    (D: third light)

where ``F1`` is the limb-darkened primary eclipse (batman with radius ratio ``k``), ``sb`` the
companion's surface-brightness ratio and ``D`` the flux of a brighter neighbour relative to the
binary (dilution). An ellipsoidal term ``-A cos(4 pi phase)`` is added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .inject import a_rs_from_density, transit_duration, transit_model
from .noise import LONG_CADENCE_DAYS

__all__ = [
    "EB_KINDS",
    "PULSATOR_KINDS",
    "EclipsingBinarySignal",
    "HeartbeatSignal",
    "PulsatorSignal",
    "draw_eclipsing_binary",
    "draw_pulsator",
]


@dataclass(frozen=True)
class EclipsingBinarySignal:
    """An eclipsing binary, possibly grazing and diluted by third light.

    Attributes
    ----------
    period : float
        Orbital period (days); primary eclipses at ``t0 + n P``, secondaries half-way.
    t0 : float
        Primary mid-eclipse time (days).
    k : float
        Companion-to-primary radius ratio (0 < k <= 1).
    a_rs : float
        Separation over primary radius.
    impact : float
        Impact parameter in primary radii (grazing when ``> 1 - k``).
    sb : float
        Companion-to-primary surface-brightness ratio (0 = dark companion).
    dilution : float
        Third light relative to the binary's light (0 = none).
    ellipsoidal : float
        Semi-amplitude of ellipsoidal variation (relative).
    u : tuple of float
        Primary's quadratic limb darkening.
    """

    period: float
    t0: float
    k: float
    a_rs: float
    impact: float
    sb: float = 0.5
    dilution: float = 0.0
    ellipsoidal: float = 0.0
    u: tuple[float, float] = (0.4, 0.26)

    @property
    def duration(self) -> float:
        """Primary-eclipse T14 in days."""
        return transit_duration(
            period=self.period, rp_rs=self.k, a_rs=self.a_rs, impact=self.impact
        )

    def model(self, t, *, exptime: float = LONG_CADENCE_DAYS, supersample: int | None = None):
        t = np.asarray(t, dtype=float)
        common = dict(
            period=self.period,
            rp_rs=self.k,
            a_rs=self.a_rs,
            impact=self.impact,
            exptime=exptime,
            supersample=supersample,
        )
        f1 = transit_model(t, t0=self.t0, u=self.u, **common)
        uni = transit_model(t, t0=self.t0 + 0.5 * self.period, u=(0.0, 0.0), **common)
        l2 = self.sb * self.k**2
        binary = (f1 + l2 * (1.0 - (1.0 - uni) / self.k**2)) / (1.0 + l2)
        phase = (t - self.t0) / self.period
        binary = binary - self.ellipsoidal * np.cos(4 * np.pi * phase)
        return (binary + self.dilution) / (1.0 + self.dilution)


@dataclass(frozen=True)
class PulsatorSignal:
    """A multi-periodic pulsator (delta Scuti, gamma Doradus): a sum of sinusoids.

    Attributes
    ----------
    frequencies : tuple of float
        Mode frequencies in cycles per day.
    amplitudes : tuple of float
        Semi-amplitudes (relative).
    phases : tuple of float
        Phases in radians at ``t = 0``.
    """

    frequencies: tuple[float, ...]
    amplitudes: tuple[float, ...]
    phases: tuple[float, ...]

    def model(self, t, *, exptime: float = LONG_CADENCE_DAYS, supersample: int | None = None):
        """Relative flux; each mode is averaged over the exposure (a sinc factor)."""
        t = np.asarray(t, dtype=float)
        out = np.ones(t.size)
        for f, a, ph in zip(self.frequencies, self.amplitudes, self.phases, strict=True):
            smear = np.sinc(f * exptime) if exptime else 1.0  # np.sinc(x) = sin(pi x)/(pi x)
            out += a * smear * np.sin(2 * np.pi * f * t + ph)
        return out


@dataclass(frozen=True)
class HeartbeatSignal:
    """A heartbeat star: an eccentric binary's tidal distortion flashing at periastron.

    The flux follows Kumar, Ao & Quataert (1995, ApJ 449, 294), as fitted to Kepler's heartbeat
    stars by Thompson et al. (2012, ApJ 753, 86)::

        dF/F  ~  [1 - 3 sin^2(i) sin^2(nu(t) - omega)] / R(t)^3

    with ``nu`` the true anomaly and ``R = (1 - e^2) / (1 + e cos nu)`` the separation in
    semi-major axes; the curve is shifted to a median of zero and scaled so that its largest
    excursion is ``amplitude``. Depending on ``inclination`` and ``omega`` it is a dip, a
    brightening, or a brightening beside a dip: a non-transit signal once per orbit, a known
    false positive of transit searches.

    Attributes
    ----------
    period : float
        Orbital period (days).
    t_periastron : float
        A time of periastron (days).
    eccentricity : float
        Orbital eccentricity (0 < e < 1).
    inclination : float
        Orbital inclination (degrees; 90 = edge-on).
    omega : float
        Argument of periastron (degrees).
    amplitude : float
        Largest excursion from the median, relative flux.
    """

    period: float
    t_periastron: float
    eccentricity: float
    inclination: float
    omega: float
    amplitude: float

    def _shape(self, t: np.ndarray) -> np.ndarray:
        e = self.eccentricity
        mean_anomaly = 2.0 * np.pi * (t - self.t_periastron) / self.period
        ecc = mean_anomaly.copy()
        for _ in range(60):  # Newton on Kepler's equation, converged for e < 0.95
            ecc = ecc - (ecc - e * np.sin(ecc) - mean_anomaly) / (1.0 - e * np.cos(ecc))
        nu = 2.0 * np.arctan2(np.sqrt(1 + e) * np.sin(ecc / 2), np.sqrt(1 - e) * np.cos(ecc / 2))
        sep = (1.0 - e**2) / (1.0 + e * np.cos(nu))
        inc, om = np.radians(self.inclination), np.radians(self.omega)
        return (1.0 - 3.0 * np.sin(inc) ** 2 * np.sin(nu - om) ** 2) / sep**3

    def model(self, t, *, exptime: float = LONG_CADENCE_DAYS, supersample: int | None = None):
        """Relative flux about 1, averaged over each exposure."""
        if not 0.0 < self.eccentricity < 0.95:
            raise ValueError(f"eccentricity must lie in (0, 0.95), got {self.eccentricity}")
        t = np.asarray(t, dtype=float)
        n = supersample or (max(int(np.ceil(exptime / (2.0 / 1440.0))), 1) if exptime else 1)
        offsets = ((np.arange(n) + 0.5) / n - 0.5) * exptime if n > 1 else np.zeros(1)
        shape = np.mean([self._shape(t + dt) for dt in offsets], axis=0)
        # normalised on a fine grid over one orbit (not on the samples given)
        grid = self._shape(self.t_periastron + np.linspace(0.0, self.period, 4001))
        med = float(np.median(grid))
        scale = float(np.max(np.abs(grid - med)))
        return 1.0 + self.amplitude * (shape - med) / scale


def _loguniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _eb_detached(rng, period, t0, a_rs, u):
    k = rng.uniform(0.3, 1.0)
    return EclipsingBinarySignal(
        period=period,
        t0=t0,
        k=k,
        a_rs=a_rs,
        impact=rng.uniform(0.0, 0.8) * (1 - k + 0.5 * k),
        sb=rng.uniform(0.05, 0.9),
        ellipsoidal=_loguniform(rng, 1e-5, 3e-3) / a_rs,
        u=u,
    )


def _eb_grazing(rng, period, t0, a_rs, u):
    k = rng.uniform(0.2, 1.0)
    return EclipsingBinarySignal(
        period=period,
        t0=t0,
        k=k,
        a_rs=a_rs,
        impact=1.0 + k * rng.uniform(-0.5, 0.85),
        sb=rng.uniform(0.1, 1.0),
        ellipsoidal=_loguniform(rng, 1e-5, 3e-3) / a_rs,
        u=u,
    )


def _eb_diluted(rng, period, t0, a_rs, u):
    eb = _eb_detached(rng, period, t0, a_rs, u)
    # a brighter neighbour: the blended eclipse looks planet-deep (0.05% - 1%)
    raw_depth = 1.0 - float(np.min(eb.model(t0 + np.linspace(-0.02, 0.02, 9), exptime=0)))
    target = _loguniform(rng, 5e-4, 1e-2)
    dil = max(raw_depth / target - 1.0, 0.5)
    return EclipsingBinarySignal(**{**eb.__dict__, "dilution": dil})


#: Eclipsing-binary flavours: name -> drawer(rng, period, t0, a_rs, u).
EB_KINDS = {"detached": _eb_detached, "grazing": _eb_grazing, "diluted": _eb_diluted}


def draw_eclipsing_binary(
    rng: np.random.Generator,
    *,
    kind: str,
    t_start: float,
    period_range: tuple[float, float] = (0.5, 30.0),
    u=(0.4, 0.26),
) -> EclipsingBinarySignal:
    """Draw an eclipsing binary of ``kind`` (``"detached"``, ``"grazing"``, ``"diluted"``).

    Periods are log-uniform in ``period_range``; the binary's density (0.3-2 g/cm^3, for the
    total mass) sets a/R*.
    """
    if kind not in EB_KINDS:
        raise ValueError(f"unknown eclipsing-binary kind {kind!r}; use one of {sorted(EB_KINDS)}")
    period = _loguniform(rng, *period_range)
    t0 = t_start + rng.uniform(0, period)
    a_rs = max(a_rs_from_density(period=period, rho_star=_loguniform(rng, 0.3, 2.0)), 2.5)
    return EB_KINDS[kind](rng, period, t0, a_rs, u)


def _dsct(rng):
    n = int(rng.integers(3, 9))
    return PulsatorSignal(
        frequencies=tuple(float(x) for x in rng.uniform(5.0, 50.0, n)),
        amplitudes=tuple(_loguniform(rng, 1e-4, 5e-3) for _ in range(n)),
        phases=tuple(float(x) for x in rng.uniform(0, 2 * np.pi, n)),
    )


def _gdor(rng):
    n = int(rng.integers(2, 6))
    f0 = rng.uniform(0.3, 3.0)
    freqs = f0 + rng.normal(0.0, 0.08, n)  # close modes: beating
    return PulsatorSignal(
        frequencies=tuple(float(abs(x)) for x in freqs),
        amplitudes=tuple(_loguniform(rng, 3e-4, 5e-3) for _ in range(n)),
        phases=tuple(float(x) for x in rng.uniform(0, 2 * np.pi, n)),
    )


#: Pulsator flavours: name -> drawer(rng).
PULSATOR_KINDS = {"dsct": _dsct, "gdor": _gdor}


def draw_pulsator(rng: np.random.Generator, *, kind: str) -> PulsatorSignal:
    """Draw a delta Scuti (``"dsct"``: 3-8 modes, 5-50 c/d) or gamma Dor (``"gdor"``) pulsator."""
    if kind not in PULSATOR_KINDS:
        raise ValueError(f"unknown pulsator kind {kind!r}; use one of {sorted(PULSATOR_KINDS)}")
    return PULSATOR_KINDS[kind](rng)
