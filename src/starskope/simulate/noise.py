"""A stochastic K2-like star: white noise, granulation, rotation, flares, roll systematics, gaps.

Every component is a pure function of the time grid, its parameters and a numpy ``Generator``;
:func:`simulate_noise` sums them into relative flux (around 1) with quality flags. Parameters are
drawn by :func:`draw_star_params`, whose white-noise level was fitted to, and whose other
defaults were checked against, real K2 long-cadence light curves (``python -m
benchmarks.bench_simulate``, reported in ``docs/simulation.md``).

White noise per long cadence (relative)::

    sigma_phot^2 = shot^2 + read^2
    shot         = 1 / sqrt(F * T_exp),  F = 1.74e5 e-/s * 10**(-0.4 (Kp - 12)),  T_exp = 1626 s
    read         = sqrt(N_frames * N_pix) * 100 e- / (F * T_exp)
    sigma        = 2.68 sigma_phot * 10**N(0, 0.29 dex)   (fitted to real K2 light curves)

(Kepler Instrument Handbook: a Kp = 12 star gives about 1.74e5 e-/s; 270 co-added 6.02 s frames
per long cadence; about 100 e- read noise per pixel per read.)

K2 systematics: the spacecraft rolls slowly about its boresight and the thrusters fire about every
5.9 h to correct it (Howell et al. 2014; Vanderburg & Johnson 2014). What is left in PDC fluxes is
a sawtooth in phase with the firings plus one outlying cadence at each firing (quality bit 2**20).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

__all__ = [
    "K2_ROLL_PERIOD_DAYS",
    "LONG_CADENCE_DAYS",
    "QUALITY_GAP",
    "QUALITY_THRUSTER",
    "NoiseRealisation",
    "StarNoiseParams",
    "data_gaps",
    "draw_field_star_params",
    "draw_star_params",
    "flares",
    "granulation",
    "k2_firing_times",
    "k2_sigma",
    "kepmag_to_flux",
    "photometric_sigma",
    "roll_sawtooth",
    "rotation",
    "simulate_noise",
    "spotted_probability",
    "white_noise",
]

#: Kepler/K2 long cadence (29.4244 min) in days.
LONG_CADENCE_DAYS = 29.4244 / 1440.0
#: Mean interval between K2 attitude-correcting thruster firings (days).
K2_ROLL_PERIOD_DAYS = 5.885 / 24.0
#: Kepler quality bit for a (definite) thruster firing.
QUALITY_THRUSTER = 1048576
#: Kepler quality bit "no data" used for gap cadences.
QUALITY_GAP = 65536

_KP12_FLUX = 1.74e5  # e-/s
_EXPOSURE_S = 270 * 6.01980290327  # co-added exposure per long cadence
_READ_E = 100.0
_NPIX = 20


def kepmag_to_flux(kepmag):
    """Expected PDCSAP flux (e-/s) for a Kepler magnitude."""
    return _KP12_FLUX * 10.0 ** (-0.4 * (np.asarray(kepmag, dtype=float) - 12.0))


#: White noise of real K2 long cadences relative to the photometric prediction, and the noise
#: floor, fitted (least absolute log deviation, floor >= 0) to the second-difference scatter
#: (``1.4826 MAD(f[i-1] - 2 f[i] + f[i+1]) / sqrt(6)``, blind to smooth variability) of the 112
#: real K2 light curves in ../shared/data (C13 K2SC, C5 PDCSAP): sigma = 2.68 phot, no floor
#: needed, star-to-star scatter 0.29 dex. ``python -m benchmarks.bench_simulate`` refits and
#: reports it (``docs/simulation.md``).
K2_WHITE_FACTOR = 2.68
K2_WHITE_FLOOR = 0.0
K2_WHITE_SCATTER_DEX = 0.29

#: Share of rapidly rotating spotted stars in the default field (over :func:`draw_kepmag`'s
#: magnitudes). This share, its rise toward faint stars and the ranges below were chosen on a
#: small grid (share 0.1-0.6, step magnitude 12-13, bright weight 0.1-0.5, spot amplitudes and
#: periods, the dwarfs' red noise and rotation) for the simulated stars to match the
#: 10/25/50/75/90% quantiles of the 6.5-h CDPP, point-to-point scatter, red-noise excess and
#: power-spectrum slope, the per-magnitude medians and the median power spectrum of the real K2
#: Campaign 13 light curves (``docs/simulation.md``). C13 looks at Taurus and the Hyades, so
#: many of its stars are young, fast-rotating and spotted.
FIELD_FRAC_SPOTTED = 0.50

#: The share of spotted stars rises toward faint magnitudes (in a young field the active, fast
#: rotating stars are mostly M dwarfs, which are faint): a star's weight is ``SPOTTED_KP_BRIGHT``
#: when bright and 1 when faint, with a logistic step of 0.5 mag at ``SPOTTED_KP_MID``.
SPOTTED_KP_MID = 12.5
SPOTTED_KP_BRIGHT = 0.3

#: Variability ranges (log-uniform) of the star kinds; see :func:`draw_star_params`.
SPOTTED_ROT_AMP = (2e-3, 3e-2)
SPOTTED_ROT_PERIOD = (0.3, 4.0)
DWARF_GRAN_REL = (0.2, 1.5)
DWARF_GRAN_TAU = (0.1, 1.0)
DWARF_ROT_AMP = (2e-4, 1e-2)
GIANT_GRAN_AMP = (1e-4, 1e-3)


def photometric_sigma(kepmag, *, floor: float = 0.0):
    """Per-long-cadence relative white noise for a star of Kepler magnitude ``kepmag``.

    Shot noise, read noise over ``20`` pixels and ``270`` frames, and a ``floor`` added in
    quadrature (see the module docstring).
    """
    electrons = kepmag_to_flux(kepmag) * _EXPOSURE_S
    shot = 1.0 / np.sqrt(electrons)
    read = np.sqrt(270 * _NPIX) * _READ_E / electrons
    return np.sqrt(shot**2 + read**2 + floor**2)


def k2_sigma(kepmag):
    """Median per-cadence white noise of real K2 light curves at ``kepmag`` (fitted, relative).

    ``sqrt((K2_WHITE_FACTOR * photometric_sigma(kepmag))**2 + K2_WHITE_FLOOR**2)``.
    """
    return np.sqrt((K2_WHITE_FACTOR * photometric_sigma(kepmag)) ** 2 + K2_WHITE_FLOOR**2)


@dataclass(frozen=True)
class StarNoiseParams:
    """Parameters of one simulated star's variability and noise (relative units, days).

    Attributes
    ----------
    kepmag : float
        Kepler magnitude.
    flux_level : float
        Median flux in e-/s.
    sigma_white : float
        White noise per cadence (relative).
    gran_amp, gran_tau : float
        RMS (relative) and correlation time (days) of the AR(1) granulation / correlated noise.
    rot_amp, rot_period, rot_tau : float
        Semi-amplitude (relative), period and spot-evolution time (days) of rotational modulation.
    flare_rate, flare_amp_min, flare_amp_max : float
        Flares per day, and the log-uniform peak amplitude range (relative).
    roll_amp : float
        Peak-to-peak amplitude of the K2 roll sawtooth (relative; 0 for no sawtooth).
    outlier_amp : float
        Typical size of the thruster-firing outlier (relative; 0 for none).
    drift_amp : float
        Amplitude of a slow quadratic drift over the campaign (relative).
    kind : str
        ``"dwarf"``, ``"giant"`` or ``"spotted"``: what the parameters were drawn for.
    """

    kepmag: float
    flux_level: float
    sigma_white: float
    gran_amp: float = 0.0
    gran_tau: float = 0.1
    rot_amp: float = 0.0
    rot_period: float = 10.0
    rot_tau: float = 20.0
    flare_rate: float = 0.0
    flare_amp_min: float = 1e-3
    flare_amp_max: float = 1e-2
    roll_amp: float = 0.0
    outlier_amp: float = 0.0
    drift_amp: float = 0.0
    kind: str = "dwarf"

    @property
    def cdpp_white_ppm(self) -> float:
        """The 6.5-hour CDPP of the white-noise part alone (ppm)."""
        return 1e6 * self.sigma_white / np.sqrt(6.5 / 24.0 / LONG_CADENCE_DAYS)


@dataclass(frozen=True)
class NoiseRealisation:
    """One star's simulated noise: relative flux (around 1), quality flags and a gap mask."""

    flux: np.ndarray
    quality: np.ndarray
    gap: np.ndarray


def _loguniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def draw_kepmag(rng: np.random.Generator) -> float:
    """A K2-like Kepler magnitude: most targets faint (triangular 9 - 16.5, mode 15)."""
    return float(rng.triangular(9.0, 15.0, 16.5))


def _spotted_weight(kepmag):
    x = (np.asarray(kepmag, dtype=float) - SPOTTED_KP_MID) / 0.5
    return SPOTTED_KP_BRIGHT + (1.0 - SPOTTED_KP_BRIGHT) / (1.0 + np.exp(-x))


def _mean_spotted_weight() -> float:
    """The mean weight over :func:`draw_kepmag`'s distribution."""
    kp = np.linspace(9.0, 16.5, 1501)
    pdf = np.where(kp < 15.0, (kp - 9.0) / 6.0, (16.5 - kp) / 1.5)
    return float(np.sum(pdf * _spotted_weight(kp)) / np.sum(pdf))


def spotted_probability(kepmag, frac_spotted: float | None = None):
    """The chance that a field star of Kepler magnitude ``kepmag`` is a spotted fast rotator.

    ``frac_spotted`` (default :data:`FIELD_FRAC_SPOTTED`) is the share over the whole field
    (:func:`draw_kepmag`'s magnitudes); it rises toward faint stars (:data:`SPOTTED_KP_MID`).
    """
    frac = FIELD_FRAC_SPOTTED if frac_spotted is None else frac_spotted
    return np.clip(frac * _spotted_weight(kepmag) / _mean_spotted_weight(), 0.0, 1.0)


def draw_star_params(
    rng: np.random.Generator,
    *,
    kind: str = "auto",
    kepmag: float | None = None,
    k2_systematics: bool = True,
) -> StarNoiseParams:
    """Draw a star's noise parameters.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    kind : {"auto", "dwarf", "giant", "spotted"}, optional
        ``"auto"``: 85% dwarfs, 15% giants (large granulation, as in K2 fields). ``"spotted"``:
        an active star with percent-level rotational modulation and frequent flares.
    kepmag : float, optional
        Kepler magnitude; drawn K2-like when omitted (spotted stars from a fainter mix, see
        :func:`spotted_probability`).
    k2_systematics : bool, optional
        Add the six-hour roll sawtooth and thruster outliers.

    Returns
    -------
    StarNoiseParams
    """
    if kind == "auto":
        kind = "giant" if rng.random() < 0.15 else "dwarf"
    if kind not in {"dwarf", "giant", "spotted"}:
        raise ValueError(f"kind must be 'auto', 'dwarf', 'giant' or 'spotted'; got {kind!r}")
    if kepmag is not None:
        kp = float(kepmag)
    elif kind == "spotted":
        # spotted stars are fainter than the field (see SPOTTED_KP_MID)
        kp = draw_kepmag(rng)
        while rng.random() > _spotted_weight(kp):
            kp = draw_kepmag(rng)
    else:
        kp = draw_kepmag(rng)
    # white noise as fitted to real K2 light curves, with their star-to-star scatter
    scatter = np.clip(
        rng.normal(0.0, K2_WHITE_SCATTER_DEX), -2 * K2_WHITE_SCATTER_DEX, 2 * K2_WHITE_SCATTER_DEX
    )
    sigma = float(k2_sigma(kp)) * 10.0**scatter
    if kind == "giant":
        gran_amp, gran_tau = _loguniform(rng, *GIANT_GRAN_AMP), _loguniform(rng, 0.1, 1.0)
        rot_amp, rot_period = _loguniform(rng, 2e-5, 3e-4), _loguniform(rng, 10.0, 60.0)
        flare_rate = 0.0
    elif kind == "spotted":
        gran_amp, gran_tau = _loguniform(rng, 2e-5, 1e-4), _loguniform(rng, 0.05, 0.3)
        rot_amp = _loguniform(rng, *SPOTTED_ROT_AMP)
        rot_period = _loguniform(rng, *SPOTTED_ROT_PERIOD)
        flare_rate = _loguniform(rng, 0.05, 1.0)
    else:
        # correlated noise (granulation plus residual systematics) scaled to the white noise, so
        # that the 6.5-h CDPP exceeds the white expectation as in quiet real K2 stars
        gran_amp = sigma * _loguniform(rng, *DWARF_GRAN_REL)
        gran_tau = _loguniform(rng, *DWARF_GRAN_TAU)
        rot_amp, rot_period = _loguniform(rng, *DWARF_ROT_AMP), _loguniform(rng, 3.0, 40.0)
        flare_rate = _loguniform(rng, 0.02, 0.3) if rng.random() < 0.1 else 0.0
    roll = _loguniform(rng, 2e-5, 5e-4) if k2_systematics else 0.0
    return StarNoiseParams(
        kepmag=kp,
        flux_level=float(kepmag_to_flux(kp)) * 10.0 ** np.clip(rng.normal(0.0, 0.2), -0.5, 0.3),
        sigma_white=sigma,
        gran_amp=gran_amp,
        gran_tau=gran_tau,
        rot_amp=rot_amp,
        rot_period=rot_period,
        rot_tau=rot_period * rng.uniform(1.0, 4.0),
        flare_rate=flare_rate,
        flare_amp_min=1e-3,
        flare_amp_max=3e-2 if kind == "spotted" else 5e-3,
        roll_amp=roll,
        outlier_amp=roll * rng.uniform(1.0, 5.0) if k2_systematics else 0.0,
        drift_amp=_loguniform(rng, 1e-5, 1e-3),
        kind=kind,
    )


def draw_field_star_params(
    rng: np.random.Generator,
    *,
    frac_spotted: float = FIELD_FRAC_SPOTTED,
    kepmag: float | None = None,
    k2_systematics: bool = True,
) -> StarNoiseParams:
    """A star of the default K2-like field: a spotted fast rotator with probability
    :func:`spotted_probability` (``frac_spotted`` over the field, more among faint stars), else
    ``kind="auto"`` (dwarf or giant). The defaults are calibrated on real K2 C13 noise."""
    if not 0.0 <= frac_spotted <= 1.0:
        raise ValueError(f"frac_spotted must be in [0, 1]; got {frac_spotted}")
    kp = draw_kepmag(rng) if kepmag is None else float(kepmag)
    kind = "spotted" if rng.random() < spotted_probability(kp, frac_spotted) else "auto"
    return draw_star_params(rng, kind=kind, kepmag=kp, k2_systematics=k2_systematics)


# ---------------------------------------------------------------------- components
def white_noise(n: int, *, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian white noise with standard deviation ``sigma``."""
    return sigma * rng.standard_normal(n)


def _ar1(n: int, *, sigma: float, tau: float, dt: float, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) (discretised damped random walk) with RMS ``sigma`` and time ``tau``."""
    if sigma <= 0:
        return np.zeros(n)
    phi = float(np.exp(-dt / tau))
    x0 = sigma * rng.standard_normal()
    eps = rng.standard_normal(n)
    y, _ = lfilter([sigma * np.sqrt(1.0 - phi * phi)], [1.0, -phi], eps, zi=[phi * x0])
    return y


def granulation(t, *, amp: float, tau: float, rng: np.random.Generator) -> np.ndarray:
    """Correlated (red) noise: an AR(1) process, the discrete damped random walk.

    A damped random walk has the Lorentzian ("Harvey") power spectrum used for granulation
    (Harvey 1985; Kallinger et al. 2014), flat below ``1 / (2 pi tau)`` and falling as f^-2 above.
    """
    t = np.asarray(t, dtype=float)
    dt = float(np.median(np.diff(t))) if t.size > 1 else LONG_CADENCE_DAYS
    return _ar1(t.size, sigma=amp, tau=tau, dt=dt, rng=rng)


def rotation(t, *, amp: float, period: float, tau: float, rng: np.random.Generator) -> np.ndarray:
    """Quasi-periodic spot modulation: two harmonics whose amplitude and phase evolve over ``tau``.

    Amplitudes and phases follow slow AR(1) processes (spot growth and decay), the behaviour that a
    quasi-periodic Gaussian-process kernel describes (e.g. Angus et al. 2018).
    """
    t = np.asarray(t, dtype=float)
    if amp <= 0:
        return np.zeros(t.size)
    dt = float(np.median(np.diff(t))) if t.size > 1 else LONG_CADENCE_DAYS
    out = np.zeros(t.size)
    for k, frac in ((1, 1.0), (2, rng.uniform(0.1, 0.5))):
        a = amp * frac * np.clip(1.0 + _ar1(t.size, sigma=0.3, tau=tau, dt=dt, rng=rng), 0.1, None)
        phase = rng.uniform(0, 2 * np.pi) + _ar1(t.size, sigma=0.5, tau=tau, dt=dt, rng=rng)
        out += a * np.sin(2 * np.pi * k * (t - t[0]) / period + phase)
    return out


def flares(
    t, *, rate: float, amp_min: float, amp_max: float, rng: np.random.Generator
) -> np.ndarray:
    """Upward flares: near-instant rise, exponential decay, averaged over each cadence.

    Flare times are a Poisson process of ``rate`` per day; peak amplitudes are log-uniform in
    ``[amp_min, amp_max]``; decay times 10-90 minutes (Davenport 2016 describe the shape).
    """
    t = np.asarray(t, dtype=float)
    out = np.zeros(t.size)
    if rate <= 0 or t.size < 2:
        return out
    span = t[-1] - t[0]
    n = rng.poisson(rate * span)
    dt = float(np.median(np.diff(t)))
    sub = (np.arange(5) + 0.5) / 5 - 0.5  # five sub-exposures per cadence
    for _ in range(n):
        tf = rng.uniform(t[0], t[-1])
        amp = _loguniform(rng, amp_min, amp_max)
        tau = rng.uniform(10.0, 90.0) / 1440.0
        t_rise = 4.0 / 1440.0
        i0 = max(0, np.searchsorted(t, tf - 2 * dt))
        i1 = min(t.size, np.searchsorted(t, tf + 8 * tau) + 1)
        ts = t[i0:i1, None] + sub[None, :] * dt
        dtf = ts - tf
        prof = np.where(
            dtf >= 0,
            np.exp(-np.clip(dtf, 0, None) / tau),
            np.clip(1 + dtf / t_rise, 0, 1),
        )
        out[i0:i1] += amp * prof.mean(axis=1)
    return out


def k2_firing_times(t_start: float, t_end: float, rng: np.random.Generator) -> np.ndarray:
    """Campaign-wide thruster-firing times: every ~5.9 h with jitter, a few missed firings.

    All stars of a campaign share these (one spacecraft), so draw them once per campaign.
    """
    times = []
    t = t_start + rng.uniform(0, K2_ROLL_PERIOD_DAYS)
    while t < t_end:
        if rng.random() > 0.05:  # occasionally a firing is skipped (a 12-h sawtooth)
            times.append(t)
        t += K2_ROLL_PERIOD_DAYS * rng.normal(1.0, 0.03)
    return np.asarray(times)


def roll_sawtooth(t, *, amp: float, firing_times, sign: float = 1.0) -> np.ndarray:
    """The K2 roll sawtooth: a linear ramp between firings that resets at each firing."""
    t = np.asarray(t, dtype=float)
    if amp <= 0 or len(firing_times) < 2:
        return np.zeros(t.size)
    ft = np.asarray(firing_times)
    k = np.clip(np.searchsorted(ft, t) - 1, 0, ft.size - 2)
    frac = np.clip((t - ft[k]) / (ft[k + 1] - ft[k]), 0.0, 1.0)
    return sign * amp * (frac - 0.5)


def data_gaps(t, *, rng: np.random.Generator, n_gaps: int | None = None) -> np.ndarray:
    """Boolean mask of gap cadences: a few 0.2-1.5 day gaps (downlinks, safe modes)."""
    t = np.asarray(t, dtype=float)
    gap = np.zeros(t.size, dtype=bool)
    if t.size < 2:
        return gap
    n = rng.integers(0, 3) if n_gaps is None else n_gaps
    for _ in range(int(n)):
        start = rng.uniform(t[0], t[-1])
        gap |= (t >= start) & (t < start + rng.uniform(0.2, 1.5))
    return gap


def simulate_noise(
    t,
    params: StarNoiseParams,
    rng: np.random.Generator,
    *,
    firing_times=None,
    gaps: bool = True,
) -> NoiseRealisation:
    """Simulate one star's relative flux (around 1) on times ``t`` (days).

    Parameters
    ----------
    t : array-like
        Cadence mid-times in days.
    params : StarNoiseParams
        The star.
    rng : numpy.random.Generator
        Source of randomness (give each star its own for reproducibility under parallelism).
    firing_times : array-like, optional
        Campaign thruster firings (:func:`k2_firing_times`); drawn here when omitted and the
        star has K2 systematics.
    gaps : bool, optional
        Insert data gaps (flux NaN, quality :data:`QUALITY_GAP`).

    Returns
    -------
    NoiseRealisation
    """
    t = np.asarray(t, dtype=float)
    n = t.size
    flux = 1.0 + white_noise(n, sigma=params.sigma_white, rng=rng)
    flux += granulation(t, amp=params.gran_amp, tau=params.gran_tau, rng=rng)
    flux += rotation(t, amp=params.rot_amp, period=params.rot_period, tau=params.rot_tau, rng=rng)
    flux += flares(
        t,
        rate=params.flare_rate,
        amp_min=params.flare_amp_min,
        amp_max=params.flare_amp_max,
        rng=rng,
    )
    x = (t - t.mean()) / max(np.ptp(t), 1e-9)
    flux += params.drift_amp * (rng.normal() * x + rng.normal() * (x * x - 1.0 / 12.0))
    quality = np.zeros(n, dtype=np.int32)
    if params.roll_amp > 0:
        if firing_times is None:
            firing_times = k2_firing_times(t[0], t[-1], rng)
        sign = 1.0 if rng.random() < 0.5 else -1.0
        flux += roll_sawtooth(t, amp=params.roll_amp, firing_times=firing_times, sign=sign)
        if params.outlier_amp > 0 and len(firing_times):
            dt = float(np.median(np.diff(t))) if n > 1 else LONG_CADENCE_DAYS
            ft = np.asarray(firing_times)
            idx = np.clip(np.searchsorted(t, ft), 0, n - 1)
            prev = np.clip(idx - 1, 0, n - 1)
            idx = np.where(np.abs(t[prev] - ft) < np.abs(t[idx] - ft), prev, idx)
            idx = np.unique(idx[np.abs(t[idx] - ft) < dt])
            size = params.outlier_amp * rng.uniform(0.3, 1.5, idx.size)
            flux[idx] += np.where(rng.random(idx.size) < 0.7, -size, size)
            quality[idx] |= QUALITY_THRUSTER
    gap = data_gaps(t, rng=rng) if gaps else np.zeros(n, dtype=bool)
    flux[gap] = np.nan
    quality[gap] |= QUALITY_GAP
    return NoiseRealisation(flux=flux, quality=quality, gap=gap)
