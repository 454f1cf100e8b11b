"""The campaign simulator: a K2-like field of stars with a few planet hosts, and its truth table.

Every star has its own random stream, ``SeedSequence(seed, spawn_key=(0, row))``, so a campaign is
the same whatever the chunking or the number of worker processes. Star roles (host, eclipsing
binary, variable, quiet) come from a separate stream; thruster firings are shared by all stars
(one spacecraft).

Default composition (non-hosts): 3% eclipsing binaries (detached, grazing and diluted by a
brighter neighbour: planet-deep), 5% pulsators (delta Scuti, gamma Dor), 50% spotted fast rotators
(:data:`.noise.FIELD_FRAC_SPOTTED`, the share that matches real K2 C13 noise), the rest quiet dwarfs
and giants. Hosts are drawn from the same noise mix (the same share of them are spotted), and get
a planet drawn from the archive tables (Kepler KOIs and K2 planets), so most transits are shallow:
many hosts sit near the noise, as in the real campaign.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..exceptions import StarskopeError
from ..parallel import process_pool
from .binaries import draw_eclipsing_binary, draw_pulsator
from .inject import quadratic_ld
from .noise import (
    FIELD_FRAC_SPOTTED,
    LONG_CADENCE_DAYS,
    draw_field_star_params,
    draw_star_params,
    k2_firing_times,
    simulate_noise,
)
from .population import draw_loguniform_planet, draw_planet
from .snr import expected_snr, n_in_transit, robust_sigma

__all__ = [
    "CLASSES",
    "TRUTH_COLUMNS",
    "Campaign",
    "CampaignConfig",
    "StarSim",
    "simulate_campaign",
    "simulate_star",
    "star_rng",
]

#: The true classes a simulated star can have.
CLASSES = ("planet", "eclipsing_binary", "variable", "quiet")

#: Columns of the truth table, in order.
TRUTH_COLUMNS = (
    "row",
    "label",
    "class",
    "subclass",
    "period_days",
    "epoch_days",
    "depth_ppm",
    "duration_hours",
    "expected_snr",
    "n_in_transit",
    "sigma_ppm",
    "rp_rs",
    "a_rs",
    "impact",
    "kepmag",
    "flux_level",
    "cdpp_white_ppm",
    "noise_source",
    "population",
)

#: K2 Campaign 3 began near BKJD 2144 (2014 November); simulated FITS times start there.
C3_START_BKJD = 2144.0


@dataclass(frozen=True)
class CampaignConfig:
    """Settings of a simulated campaign (defaults: the Kaggle K2 Campaign 3 training table).

    Attributes
    ----------
    n_stars, n_hosts : int
        Stars in total and how many host a transiting planet (label 2).
    n_points : int
        Cadences per star.
    cadence_days : float
        Sampling interval (K2 long cadence, 29.4244 min).
    seed : int
        Master seed.
    population : str
        Planet population for hosts: ``"koi"``, ``"k2"``, ``"koi+k2"`` or ``"loguniform"``.
    min_host_snr : float
        Redraw a host's planet (up to 50 times) while its expected SNR is below this (the real
        hosts were found in such data); 0 keeps every draw.
    frac_eb, frac_pulsator, frac_spotted : float
        Shares of the non-hosts that are eclipsing binaries, pulsators and spotted stars.
        ``frac_spotted`` is also the chance that a host's noise is a spotted star's.
    k2_systematics, gaps : bool
        Add the roll sawtooth / thruster outliers, and data gaps.
    hosts_first : bool
        Put the hosts in the first rows, as the Kaggle files do; otherwise shuffle.
    """

    n_stars: int = 5087
    n_hosts: int = 37
    n_points: int = 3197
    cadence_days: float = LONG_CADENCE_DAYS
    seed: int = 0
    population: str = "koi+k2"
    min_host_snr: float = 5.0
    frac_eb: float = 0.03
    frac_pulsator: float = 0.05
    frac_spotted: float = FIELD_FRAC_SPOTTED
    k2_systematics: bool = True
    gaps: bool = True
    hosts_first: bool = True

    def __post_init__(self):
        if self.n_stars < 1 or not 0 <= self.n_hosts <= self.n_stars:
            raise StarskopeError(
                "a campaign needs at least one star (--n-stars) and from 0 to that many planet"
                f" hosts (--n-hosts); got --n-stars {self.n_stars} and --n-hosts {self.n_hosts}"
                " (Python: n_stars, n_hosts)"
            )
        span = self.n_points * self.cadence_days
        if self.n_points < 10 or (self.n_hosts and span < 2 * 0.5):
            raise StarskopeError(
                f"--n-points {self.n_points} spans {span:.2f} d: too short for planets (two "
                "transits of at least 0.5 d need 1 d; 3197 points span 65 d)"
                if self.n_points >= 10
                else f"--n-points must be at least 10; got {self.n_points}"
            )
        from .population import POPULATIONS

        if self.population not in (*POPULATIONS, "loguniform"):
            raise StarskopeError(
                f"unknown population {self.population!r}; use one of "
                f"{sorted(POPULATIONS) + ['loguniform']}"
            )
        fr = self.frac_eb + self.frac_pulsator + self.frac_spotted
        if not (min(self.frac_eb, self.frac_pulsator, self.frac_spotted) >= 0 and fr <= 1):
            raise StarskopeError(
                "the shares of eclipsing binaries, pulsators and spotted stars (--frac-eb"
                f" {self.frac_eb:g}, --frac-pulsator {self.frac_pulsator:g}, --frac-spotted"
                f" {self.frac_spotted:g}; Python: frac_eb, frac_pulsator, frac_spotted) must each"
                f" be >= 0 and sum to at most 1 (they sum to {fr:g}); lower one of them"
            )

        if not np.isfinite(self.min_host_snr) or self.min_host_snr < 0:
            raise StarskopeError(
                "the hosts' least expected SNR (--min-host-snr) must be a number >= 0 (0: keep"
                f" every draw); got {self.min_host_snr}"
            )
        if self.seed < 0:
            raise StarskopeError(f"the seed must be >= 0; got {self.seed}")
        gib = 4 * 8 * self.n_stars * self.n_points / 2**30  # flux, errors, quality, the table
        have = _memory_gib()
        if gib > have:
            raise StarskopeError(
                f"{self.n_stars} stars x {self.n_points} cadences would need about {gib:,.0f} GiB"
                f" of memory, more than this machine's {have:,.0f} GiB; simulate it in parts"
                " with different seeds"
            )

    @property
    def time(self) -> np.ndarray:
        """Cadence times, days from the first cadence."""
        return np.arange(self.n_points) * self.cadence_days

    def replace(self, **changes) -> CampaignConfig:
        return dataclasses.replace(self, **changes)


def _memory_gib() -> float:
    """This machine's physical memory, GiB (infinite where it cannot be read)."""
    import os

    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (AttributeError, ValueError, OSError):
        return float("inf")


@dataclass(frozen=True)
class StarSim:
    """One simulated star: flux in e-/s (NaN in gaps), errors, quality and its truth row."""

    flux: np.ndarray
    flux_err: np.ndarray
    quality: np.ndarray
    truth: dict


@dataclass(frozen=True)
class Campaign:
    """A simulated campaign.

    Attributes
    ----------
    config : CampaignConfig
    time : ndarray, shape (n_points,)
        Days from the first cadence.
    flux, flux_err : ndarray, shape (n_stars, n_points)
        e-/s around each star's level; NaN in data gaps.
    quality : ndarray of int32, shape (n_stars, n_points)
        Kepler quality bits (thruster firings, gaps).
    labels : ndarray of int
        Kaggle convention: 2 = host, 1 = not.
    truth : pandas.DataFrame
        One row per star, columns :data:`TRUTH_COLUMNS`.
    """

    config: CampaignConfig
    time: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray
    quality: np.ndarray
    labels: np.ndarray
    truth: object

    def filled_flux(self) -> np.ndarray:
        """Flux with gaps bridged by linear interpolation (for formats without NaNs)."""
        from .snr import _fill_nans

        return _fill_nans(self.flux)


def star_rng(seed: int, row: int) -> np.random.Generator:
    """The random stream of star ``row`` in a campaign with master ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, int(row))))


def _roles(config: CampaignConfig) -> list[tuple[str, str]]:
    """(class, subclass) per row, from the campaign's role stream."""
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(1,)))
    n_non = config.n_stars - config.n_hosts
    draws = rng.random((n_non, 2))  # row by row, so a star's role does not depend on n_stars
    u, sub = draws[:, 0], draws[:, 1]
    roles = []
    e1 = config.frac_eb
    e2 = e1 + config.frac_pulsator
    e3 = e2 + config.frac_spotted
    for x, s in zip(u, sub, strict=True):
        if x < e1:
            kind = "detached" if s < 0.5 else ("grazing" if s < 0.75 else "diluted")
            roles.append(("eclipsing_binary", kind))
        elif x < e2:
            roles.append(("variable", "dsct" if s < 0.5 else "gdor"))
        elif x < e3:
            roles.append(("variable", "spotted"))
        else:
            roles.append(("quiet", "quiet"))
    hosts = [("planet", config.population)] * config.n_hosts
    out = hosts + roles
    if not config.hosts_first:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def _firing_times(config: CampaignConfig) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(2,)))
    t = config.time
    return k2_firing_times(t[0], t[-1], rng) if config.k2_systematics else np.array([])


def _signal_truth(sig, t, valid, sigma, cadence):
    """depth, duration, n_in_transit, expected SNR of a periodic eclipse signal."""
    fine = sig.t0 + np.linspace(-0.02, 0.02, 41) * min(sig.period, 1.0)
    depth = float(1.0 - np.min(sig.model(fine, exptime=cadence)))
    dur = float(sig.duration)
    n_in = n_in_transit(t, period=sig.period, t0=sig.t0, duration=dur, valid=valid)
    return depth, dur, n_in, expected_snr(depth=depth, sigma=sigma, n_points=n_in)


def simulate_star(
    row: int,
    role: tuple[str, str],
    config: CampaignConfig,
    *,
    firing_times=None,
) -> StarSim:
    """Simulate star ``row`` of a campaign (deterministic in ``config.seed`` and ``row``)."""
    rng = star_rng(config.seed, row)
    cls, sub = role
    t = config.time
    cad = config.cadence_days
    if cls == "planet":
        # hosts share the field's noise mix, spotted fast rotators included
        params = draw_field_star_params(
            rng, frac_spotted=config.frac_spotted, k2_systematics=config.k2_systematics
        )
    else:
        kind = "spotted" if sub == "spotted" else "auto"
        params = draw_star_params(rng, kind=kind, k2_systematics=config.k2_systematics)
    noise = simulate_noise(
        t,
        params,
        rng,
        firing_times=firing_times if firing_times is not None else np.array([]),
        gaps=config.gaps,
    )
    rel = noise.flux
    valid = np.isfinite(rel)
    sigma = float(robust_sigma(rel, cadence_days=cad))
    truth = dict.fromkeys(TRUTH_COLUMNS, np.nan)
    truth.update(
        row=row,
        label=2 if cls == "planet" else 1,
        **{"class": cls},
        subclass=sub,
        sigma_ppm=1e6 * sigma,
        kepmag=params.kepmag,
        flux_level=params.flux_level,
        cdpp_white_ppm=params.cdpp_white_ppm,
        noise_source=f"simulated:{params.kind}",
        population="",
    )
    signal = None
    if cls == "planet":
        for _ in range(50):
            if config.population == "loguniform":
                draw = draw_loguniform_planet(rng, t_start=t[0], period_range=(0.5, np.ptp(t) / 2))
            else:
                draw = draw_planet(
                    rng,
                    population=config.population,
                    t_start=t[0],
                    period_range=(0.5, np.ptp(t) / 2),
                )
            depth, dur, n_in, snr = _signal_truth(draw.signal, t, valid, sigma, cad)
            if snr >= config.min_host_snr:
                break
        signal = draw.signal
        truth.update(
            rp_rs=signal.rp_rs, a_rs=signal.a_rs, impact=signal.impact, population=draw.source
        )
    elif cls == "eclipsing_binary":
        signal = draw_eclipsing_binary(
            rng, kind=sub, t_start=t[0], u=quadratic_ld(rng.uniform(4500, 7000))
        )
        depth, dur, n_in, snr = _signal_truth(signal, t, valid, sigma, cad)
        truth.update(rp_rs=signal.k, a_rs=signal.a_rs, impact=signal.impact)
    elif sub in ("dsct", "gdor"):
        signal = draw_pulsator(rng, kind=sub)
        truth.update(period_days=1.0 / signal.frequencies[int(np.argmax(signal.amplitudes))])
    elif sub == "spotted":
        truth.update(period_days=params.rot_period)
    if signal is not None:
        rel = rel * signal.model(t, exptime=cad)
        if cls in ("planet", "eclipsing_binary"):
            truth.update(
                period_days=signal.period,
                epoch_days=signal.t0,
                depth_ppm=1e6 * depth,
                duration_hours=24.0 * dur,
                n_in_transit=n_in,
                expected_snr=snr,
            )
    flux = params.flux_level * rel
    err = np.full(t.size, params.flux_level * params.sigma_white)
    err[~valid] = np.nan
    return StarSim(flux=flux, flux_err=err, quality=noise.quality, truth=truth)


def _simulate_rows(args):
    rows, roles, config, firing = args
    return [
        simulate_star(r, role, config, firing_times=firing)
        for r, role in zip(rows, roles, strict=True)
    ]


def simulate_campaign(
    config: CampaignConfig = CampaignConfig(),
    *,
    n_jobs: int = 1,
    chunk: int = 256,
    progress: Callable[[int], None] | None = None,
) -> Campaign:
    """Simulate a whole campaign.

    Parameters
    ----------
    config : CampaignConfig, optional
        What to simulate (default: 5087 stars, 37 hosts, 3197 K2 long cadences).
    n_jobs : int, optional
        Worker processes (the output does not depend on it).
    chunk : int, optional
        Stars per work item.
    progress : callable, optional
        Called with the number of stars finished after each chunk.

    Returns
    -------
    Campaign
    """
    import pandas as pd

    roles = _roles(config)
    firing = _firing_times(config)
    n, m = config.n_stars, config.n_points
    flux = np.empty((n, m))
    err = np.empty((n, m))
    qual = np.empty((n, m), dtype=np.int32)
    truth = []
    starts = list(range(0, n, chunk))
    work = [
        (list(range(s, min(s + chunk, n))), roles[s : s + chunk], config, firing) for s in starts
    ]

    def store(start, sims):
        for j, sim in enumerate(sims):
            flux[start + j] = sim.flux
            err[start + j] = sim.flux_err
            qual[start + j] = sim.quality
            truth.append(sim.truth)
        if progress is not None:
            progress(len(sims))

    if n_jobs > 1:
        with process_pool(n_jobs) as pool:
            for s, sims in zip(starts, pool.map(_simulate_rows, work), strict=True):
                store(s, sims)
    else:
        for s, w in zip(starts, work, strict=True):
            store(s, _simulate_rows(w))
    table = pd.DataFrame(truth, columns=list(TRUTH_COLUMNS))
    labels = table["label"].to_numpy(dtype=int)
    hosts = table[table["class"] == "planet"]
    low = int((hosts["expected_snr"].astype(float) < config.min_host_snr).sum())
    if low > 0.1 * len(hosts):  # a few hosts on very noisy stars are expected, most are not
        import warnings

        from ..exceptions import StarskopeWarning

        warnings.warn(
            f"{low} of {len(hosts)} hosts stay below the expected SNR {config.min_host_snr:g} "
            "after 50 draws each (their stars are too noisy, or their light curves too short, "
            "for a planet of the population that deep); the truth table gives each its SNR",
            StarskopeWarning,
            stacklevel=2,
        )
    return Campaign(
        config=config,
        time=config.time,
        flux=flux,
        flux_err=err,
        quality=qual,
        labels=labels,
        truth=table,
    )
