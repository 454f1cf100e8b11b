"""Shared pieces of the vetting tests: thresholds, flag classes, the folded context and noise.

The white scatter is the robust (MAD) standard deviation of out-of-transit flux; a red-noise
factor ``beta >= 1`` compares the scatter of duration-long averages with the white
expectation (Pont, Zucker & Queloz 2006), and every depth uncertainty is
``sigma * beta / sqrt(n)``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from ..clean.masking import robust_std as _robust_std
from ..exceptions import StarskopeError
from ..fold import check_epoch_system, phase_fold, transit_number
from ..units import to_days

__all__ = ["DISQUALIFYING", "INFORMATIONAL", "VetThresholds"]

#: Flags that, when raised, mean the signal is not a planet-like transit.
DISQUALIFYING = frozenset(
    {
        "odd_even",
        "secondary",
        "v_shape",
        "sinusoid",
        "single_event",
        "transit_depths",
        "duration_vs_period",
        "depth",
        "uniqueness",
        "data_edges",
    }
)
#: Flags that only say the period may be wrong (the transit itself may still be a planet's).
INFORMATIONAL = frozenset({"alias"})

_G_CGS = 6.674e-8
_DAY_S = 86400.0


@dataclass(frozen=True)
class VetThresholds:
    """Decision thresholds of the vetting tests (defaults in one place).

    Attributes
    ----------
    odd_even_sigma : float
        Raise when odd and even depths differ by more than this many sigma...
    odd_even_min_fraction : float
        ...and by more than this fraction of the deeper one (real light curves carry a few
        per cent of depth systematics: cadence sampling of ingress, detrending, spots). When one
        parity shows no significant transit the flag is not raised: that is a 2P alias.
    odd_even_robust_min : int
        With at least this many transits of each parity, the medians of the single-transit
        depths (errors from their spread: the MAD, corrected for small samples) are compared
        too, and the comparison that sees the larger difference speaks, when the transits of a
        parity disagree among themselves (``odd_even_outlier_p``); always, the means of the
        in-transit points with errors inflated by the within-parity chi-square. Five: with
        three per parity the MAD is too noisy (on planets whose single transits scatter by 12%,
        the flag fired on 24 of 400 instead of 7 at SNR 80).
    odd_even_outlier_p : float
        The medians are compared only when the within-parity chi-square has a p-value below
        this: outlying transits. On clean transits the larger of two statistics would double
        the false alarms (``benchmarks/bench_odd_even_null.py``).
    secondary_sigma : float
        Significance a dip at phase 0.5 needs to count as a secondary eclipse.
    secondary_other_sigma : float
        Significance needed for the strongest dip at any other phase (higher: many trials).
    secondary_ratio : float
        A significant secondary raises the flag when deeper than this fraction of the primary
        (hot-Jupiter occultations are below ~5 % of the transit)...
    secondary_primary_depth : float
        ...or whenever the primary is deeper than this (relative flux)...
    secondary_max_occultation : float or None
        ...or when the secondary itself is deeper than this (relative flux): no planet's
        occultation reaches it in the optical (KELT-9b's, the deepest known, is about 650 ppm
        in the TESS band), a star's eclipse does. None for flux without a level (depths in
        noise units).
    secondary_exclusion_days : float
        Dips closer to the transit than this (or 3 durations, whichever is more; at most 0.2 P)
        are not secondary candidates: detrending artefacts around the transits recur there.
    v_shape_ingress : float
        Raise when the trapezoid's ingress time over total duration reaches this (0.5 is a V)...
    v_shape_dchi2 : float
        ...and a flat-bottomed trapezoid (ingress fraction <= ``u_shape_ingress``) fits worse
        by at least this delta chi-square.
    u_shape_ingress : float
        Largest ingress fraction still called U-shaped.
    v_shape_min_depth : float
        A V shape disqualifies only when the dip is at least this deep (relative flux): a
        grazing eclipse that deep needs a companion of stellar size (the Robovetter's
        ``b + Rp/Rs > 1.04`` criterion), whereas ~10 % of real planets (impact parameter above
        ~0.87) are V-like but shallower.
    sinusoid_ratio : float
        Raise when a sinusoid at P and P/2 reduces chi-square by at least this fraction of
        what the box does.
    single_event_fraction : float
        Raise when one transit carries more than this share of the summed squared depths
        (transits with one point, or under 0.3 of the best-covered one's, left out; with equal
        coverage, the share of the summed SNR^2, which is used when fewer than two transits
        are that well covered).
    transit_depths_p : float
        Raise the transit_depths flag when the individual depths' chi-square probability is
        below this...
    transit_depths_low_fraction : float
        ...and transits shallower than this fraction of the mean (by 3 sigma)...
    transit_depths_missing : float
        ...make up at least this share of the transits with data (one bad transit among many
        is a gap edge or a flare, not a wrong period).
    transit_depths_scatter : float
        Also raise it (same chi-square condition) when the depths scatter, beyond their noise,
        by more than this fraction of the median depth with at least ``transit_depths_min_n``
        transits: a planet's transits agree to tens of per cent (spots, detrending, an
        overlapping transit), dips of a variable star or of systematics do not.
    transit_depths_min_n : int
        Fewest transits for the scatter condition.
    transit_depths_min_snr : float
        ...and a median single-transit SNR (depth over its error) of at least this: below it
        the excess scatter measures how much the detrending's noise at the transits exceeds
        the out-of-transit estimate (the trend is interpolated across masked transits but
        partly fitted to the noise elsewhere), not how the transits vary.
    rho_min, rho_max : float
        Main-sequence stellar density range, g/cm^3.
    duration_long_factor : float
        Raise when the duration exceeds the central-transit duration at ``rho_min`` by this
        factor (eccentric orbits and subgiants stretch transits)...
    duration_short_factor : float
        ...or is shorter than this fraction of the one at ``rho_max`` (grazing transits are
        short; 0.25 lets impact parameters up to about 0.97 through on the densest
        main-sequence star).
    duration_short_factor_unresolved : float
        ...this fraction instead when the transit spans fewer than ``resolved_cadences``
        cadences: a dip of one or two long cadences has no shape to check, and at long periods
        such dips are what long-cadence systematics make (K2 thruster firings). 0.35 lets
        impact parameters up to about 0.94 through on the densest main-sequence star (0.97 on
        the Sun; denser M dwarfs lose more: 0.83 at 20 g/cm^3); a one-hour box of a shallow
        transit at the 29.4-min cadence is too short from P = 13.8 d on (37.9 d at 0.25).
    resolved_cadences : float
        Cadences a transit must span for ``duration_short_factor`` to apply.
    max_depth : float
        Deepest transit (relative flux) accepted as a planet around a main-sequence star.
    uniqueness_sigma : float
        Raise the uniqueness flag when the transit's significance, divided by the folded-noise
        factor (the scatter of box dips at all other phases, 1 for white noise), is below this
        (the Robovetter's model-shift uniqueness test in spirit).
    alias_ratio : float
        Raise the alias flag when the box SNR at P/2 or 2P reaches this fraction of the SNR at P
        (a true signal at P gives about 0.71 at both).
    alias_period_tol : float
        Relative tolerance for calling a period ratio to another candidate an integer.
    edge_gap_days : float
        A data segment ends at a gap longer than this (and than two transit durations): TESS
        orbit gaps and momentum-dump pauses, Kepler downlinks, the ends of the data.
    edge_near_durations, edge_near_days : float
        A transit whose mid-time lies within the larger of these (transit durations, days)
        of a segment's end sits on its edge, where scattered light, thermal settling and
        one-sided detrending leave ramps (segments shorter than four times that are left out:
        in a ground-based night every transit is near an edge).
    edge_sigma : float
        Raise ``data_edges`` when the transits away from every edge do not show the dip at
        this significance (red noise counted), or there are none: the signal is the edges'.
    edge_min_transits : int
        ... there being none raises the flag only with at least this many transits with data
        (two of two at edges happens to a planet now and then), or when none of the transits
        has a baseline on both sides (two points within one duration before its ingress and
        two after its egress): a dip where the data begin or end has no baseline on one side
        to tell it from a ramp.
    """

    odd_even_sigma: float = 3.0
    odd_even_min_fraction: float = 0.1
    odd_even_robust_min: int = 5
    odd_even_outlier_p: float = 0.01
    secondary_sigma: float = 3.0
    secondary_other_sigma: float = 5.0
    secondary_ratio: float = 0.1
    secondary_primary_depth: float = 0.05
    secondary_max_occultation: float | None = 1e-3
    secondary_exclusion_days: float = 0.5
    v_shape_ingress: float = 0.35
    v_shape_min_depth: float = 0.02
    v_shape_dchi2: float = 9.0
    u_shape_ingress: float = 0.25
    sinusoid_ratio: float = 1.0
    single_event_fraction: float = 0.65
    transit_depths_p: float = 1e-4
    transit_depths_low_fraction: float = 0.3
    transit_depths_missing: float = 0.2
    transit_depths_scatter: float = 0.65
    transit_depths_min_n: int = 5
    transit_depths_min_snr: float = 2.5
    rho_min: float = 0.2
    rho_max: float = 5.0
    duration_long_factor: float = 1.5
    duration_short_factor: float = 0.25
    duration_short_factor_unresolved: float = 0.35
    resolved_cadences: float = 3.0
    max_depth: float = 0.1
    uniqueness_sigma: float = 5.0
    alias_ratio: float = 1.0
    alias_period_tol: float = 0.005
    edge_gap_days: float = 0.5
    edge_near_durations: float = 1.0
    edge_near_days: float = 0.25
    edge_sigma: float = 3.0
    edge_min_transits: int = 3

    def __post_init__(self) -> None:
        # every threshold is a number >= 0 (inf switches a test off; None only where the
        # field may be None): a negative sigma would raise every flag on every planet
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None and "None" in str(f.type):  # an optional threshold, switched off
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float | np.integer | np.floating)
                or np.isnan(value)
                or value < 0
            ):
                raise StarskopeError(f"VetThresholds.{f.name} must be a number >= 0; got {value!r}")

    @classmethod
    def coerce(cls, thresholds) -> VetThresholds:
        """``thresholds`` as VetThresholds: None (the defaults), an instance, or a dict of
        some fields by name (unknown names refused, naming the fields)."""
        if thresholds is None:
            return cls()
        if isinstance(thresholds, cls):
            return thresholds
        if isinstance(thresholds, dict):
            known = {f.name for f in dataclasses.fields(cls)}
            unknown = sorted(set(thresholds) - known)
            if unknown:
                raise StarskopeError(
                    f"unknown VetThresholds field(s) {unknown}; the fields are {sorted(known)}"
                )
            return cls(**thresholds)
        raise StarskopeError(
            f"thresholds must be a VetThresholds or a dict of its fields; got"
            f" {type(thresholds).__name__}"
        )


# --------------------------------------------------------------------------- shared context
@dataclass(frozen=True, eq=False)
class _Context:
    """The candidate's data, folded once, with the noise estimate every test shares."""

    t: np.ndarray
    flux: np.ndarray
    phase: np.ndarray
    cycle: np.ndarray
    period: float
    t0: float
    duration: float
    depth: float
    cadence: float
    in_transit: np.ndarray
    baseline: float
    sigma: float
    beta: float
    cache: dict = field(default_factory=dict)
    #: Sorted finite times before other candidates' transits were left out (segment edges).
    t_data: np.ndarray | None = None

    def box(self, mask: np.ndarray) -> tuple[float, float, int]:
        """Depth below the baseline of the points in ``mask``, its error and the count."""
        n = int(np.count_nonzero(mask))
        if n == 0:
            return float("nan"), float("nan"), 0
        d = self.baseline - float(np.mean(self.flux[mask]))
        return d, self.sigma * self.beta / math.sqrt(n), n


def red_noise_beta(t, flux, sigma, width) -> float:
    """Scatter of ``width``-long averages over its white-noise expectation (>= 1; the
    time-averaging beta of Pont et al. 2006 and Winn et al. 2008)."""
    if t.size < 20 or not np.isfinite(sigma) or sigma <= 0:
        return 1.0
    idx = np.floor((t - t[0]) / width).astype(np.int64)
    counts = np.bincount(idx)
    sums = np.bincount(idx, weights=flux - np.median(flux))
    full = counts >= max(3, 0.5 * np.median(counts[counts > 0]))
    if np.count_nonzero(full) < 6:
        return 1.0
    means = sums[full] / counts[full]
    observed = _robust_std(means)
    expected = sigma / math.sqrt(float(np.mean(counts[full])))
    return float(max(1.0, observed / expected)) if np.isfinite(observed) else 1.0


#: Other signals' transits are left out of one signal's measure, fit and vetting. They are kept
#: inside its own transits when they hold more than this share of its in-transit cadences ...
OTHERS_MOST = 0.5
#: ... or more than this share while covering more than :data:`OTHERS_COVER` of the light curve:
#: a pulsation's "transits" (a third or half of the data) overlap any signal's by chance, and
#: leaving them out would take its own data with it. Sparse ones that fall in a few of its
#: transits (a 1-2-d binary's eclipses in 14-23% of a planet's; another planet's transit in
#: one of a two-transit signal's, a period assembled from two planets) are left out.
OTHERS_OVERLAP = 0.3
OTHERS_COVER = 0.25


def others_left_out(t, exclude, *, period, t0, duration, valid=None) -> np.ndarray:
    """The cadences of ``exclude`` (other signals' transits) that measuring one signal leaves
    out: all of them, unless they hold most of its own in-transit cadences
    (:data:`OTHERS_MOST`: an alias of it), or many of them while covering much of the light
    curve (:data:`OTHERS_OVERLAP`, :data:`OTHERS_COVER`: a pulsation's), when its transits
    (within a duration of their centres) are kept.

    Another planet's or a binary's dip inside this signal's transits would deepen it, and
    shift its fitted epoch, by that dip's share of the points.

    Examples
    --------
    >>> t = np.arange(0.0, 10.0, 0.01)
    >>> other = np.abs(t - 2.0) < 0.05  # another signal's dip inside one of four transits
    >>> int(others_left_out(t, other, period=2.0, t0=0.0, duration=0.2).sum())
    10
    >>> int(others_left_out(t, np.abs((t + 1) % 2 - 1) < 0.1, period=2.0, t0=0.0,
    ...                     duration=0.2).sum())  # an alias: its own transits kept
    0
    """
    t = np.asarray(t, dtype=float)
    exclude = np.asarray(exclude, dtype=bool)
    ok = np.isfinite(t) if valid is None else np.asarray(valid, dtype=bool)
    phase = np.abs(phase_fold(t, period=period, t0=t0))
    own = (phase < 0.5 * duration) & ok
    n_own = np.count_nonzero(own)
    if not n_own:
        return exclude
    share = np.count_nonzero(own & exclude) / n_own
    cover = np.count_nonzero(exclude & ok) / max(np.count_nonzero(ok), 1)
    if share > OTHERS_MOST or (share > OTHERS_OVERLAP and cover > OTHERS_COVER):
        return exclude & ~(phase < duration)
    return exclude


def _context(t, flux, flux_err, *, period, t0, duration, depth, exclude=None) -> _Context:
    p = to_days(period, name="period")
    t0 = to_days(t0, name="t0")
    d = to_days(duration, name="duration")
    if not (np.isfinite(p) and p > 0 and np.isfinite(d) and d > 0 and np.isfinite(t0)):
        raise StarskopeError(
            f"vetting needs a positive period and duration and a finite t0; got P={p}, "
            f"duration={d}, t0={t0}"
        )
    if d >= p:
        raise StarskopeError(f"the duration ({d:g} d) must be shorter than the period ({p:g} d)")
    if depth is not None and not (np.isfinite(float(depth)) and float(depth) > 0):
        raise StarskopeError(
            f"vetting needs a positive transit depth (relative flux, e.g. 2e-3); got {depth}"
        )
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if t.ndim != 1 or t.shape != flux.shape:
        raise StarskopeError(f"t and flux must be 1-D of equal length; got {t.shape}, {flux.shape}")
    if flux_err is not None and np.ndim(flux_err) == 0:
        flux_err = np.full(t.shape, float(flux_err))  # one error for every point
    if flux_err is not None and np.shape(flux_err) != t.shape:
        raise StarskopeError(
            f"flux_err must have the shape of flux {t.shape} (or be one number); got"
            f" {np.shape(flux_err)}"
        )
    check_epoch_system(t0, t)
    ok = np.isfinite(t) & np.isfinite(flux)
    t_data = np.sort(t[ok])
    if exclude is not None:
        exclude = np.asarray(exclude, dtype=bool)
        if exclude.shape != t.shape:
            raise StarskopeError(
                f"exclude must be a boolean mask like t {t.shape}; got {exclude.shape}"
            )
        ok &= ~others_left_out(t, exclude, period=p, t0=t0, duration=d, valid=ok)
    t, flux = t[ok], flux[ok]
    if t.size < 10:
        raise StarskopeError(f"vetting needs at least 10 finite points; got {t.size}")
    order = np.argsort(t, kind="stable")
    t, flux = t[order], flux[order]
    phase = phase_fold(t, period=p, t0=t0)
    in_tr = np.abs(phase) < 0.5 * d
    oot = np.abs(phase) > d
    ref = flux[oot] if np.count_nonzero(oot) >= 10 else flux[~in_tr]
    if ref.size < 5:
        ref = flux
    sigma = _robust_std(ref)
    if not np.isfinite(sigma) or sigma <= 0:
        err = None if flux_err is None else np.asarray(flux_err, dtype=float)[ok]
        sigma = float(np.nanmedian(err)) if err is not None and np.isfinite(err).any() else 1e-6
        sigma = sigma if np.isfinite(sigma) and sigma > 0 else 1e-6
    baseline = float(np.median(ref))
    beta = red_noise_beta(t[oot], flux[oot], sigma, d) if np.count_nonzero(oot) > 20 else 1.0
    dt = np.diff(t)
    cadence = float(np.median(dt[dt > 0])) if np.any(dt > 0) else 0.0
    return _Context(
        t=t,
        flux=flux,
        phase=phase,
        cycle=transit_number(t, period=p, t0=t0),
        period=p,
        t0=t0,
        duration=d,
        depth=float(depth) if depth is not None else float("nan"),
        cadence=cadence,
        in_transit=in_tr,
        baseline=baseline,
        sigma=sigma,
        beta=beta,
        t_data=t_data,
    )


def _ppm(x: float) -> str:
    return f"{x * 1e6:.0f} ppm" if np.isfinite(x) else "n/a"


def _primary(ctx: _Context) -> tuple[float, float, int]:
    return ctx.box(ctx.in_transit)
