"""Vetting: is a periodic transit-like signal planet-like, or a binary, a variable star, noise?

Each test is a pure function of times (days), relative detrended flux and the candidate's
ephemeris, returning one :class:`~starskope.result.VetFlag` whose ``raised`` is True when the
test says the signal is *not* planet-like (or, for informational tests, that something needs a
look), with a ``reason`` sentence that quotes the numbers behind the decision.
:func:`vet_candidate` runs all of them through a registry, sharing the folding and the noise
estimate, in a few milliseconds; :func:`is_planet_like` turns the flags into a decision.

The tests follow the Kepler Robovetter (Coughlin et al. 2016; Thompson et al. 2018): odd/even
depth difference, secondary eclipse (at phase 0.5 and the strongest dip at any other phase),
V- versus U-shape (trapezoid ingress fraction), transit versus sinusoid (stellar variability),
single-event domination, uniqueness against the dips at all other phases (model-shift test),
plus the duration a main-sequence star allows at the period (Seager & Mallen-Ornelas 2003), a
depth limit, and period aliases (P/2, 2P, other candidates).

Noise: the white scatter is the robust (MAD) standard deviation of out-of-transit flux; a
red-noise factor ``beta >= 1`` compares the scatter of duration-long averages with the white
expectation (Pont, Zucker & Queloz 2006), and every depth uncertainty is
``sigma * beta / sqrt(n)``.

References
----------
.. [1] Coughlin, J. L. et al. 2016, ApJS 224, 12, "Planetary Candidates Observed by Kepler.
   VII. The First Fully Uniform Catalog Based on the Entire 48-month Data Set (Q1-Q17 DR24)".
.. [2] Thompson, S. E. et al. 2018, ApJS 235, 38, "Planetary Candidates Observed by Kepler.
   VIII. A Fully Automated Catalog with Measured Completeness and Reliability Based on Data
   Release 25".
.. [3] Seager, S. & Mallen-Ornelas, G. 2003, ApJ 585, 1038, "A Unique Solution of Planet and
   Star Parameters from an Extrasolar Planet Transit Light Curve".
.. [4] Pont, F., Zucker, S. & Queloz, D. 2006, MNRAS 373, 231, "The effect of red noise on
   planetary transit detection".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from .exceptions import StarskopeError
from .fold import phase_fold, transit_number
from .result import VetFlag
from .units import to_days

__all__ = [
    "DISQUALIFYING",
    "INFORMATIONAL",
    "VET_TESTS",
    "VetThresholds",
    "alias",
    "central_duration",
    "depth_limit",
    "duration_vs_period",
    "is_planet_like",
    "odd_even",
    "secondary_eclipse",
    "single_event",
    "sinusoid",
    "uniqueness",
    "v_shape",
    "vet_candidate",
]

#: Flags that, when raised, mean the signal is not a planet-like transit.
DISQUALIFYING = frozenset(
    {
        "odd_even",
        "secondary",
        "v_shape",
        "sinusoid",
        "single_event",
        "duration_vs_period",
        "depth",
        "uniqueness",
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
    secondary_sigma : float
        Significance a dip at phase 0.5 needs to count as a secondary eclipse.
    secondary_other_sigma : float
        Significance needed for the strongest dip at any other phase (higher: many trials).
    secondary_ratio : float
        A significant secondary raises the flag when deeper than this fraction of the primary
        (hot-Jupiter occultations are below ~5 % of the transit)...
    secondary_primary_depth : float
        ...or whenever the primary is deeper than this (relative flux).
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
        Raise when one transit carries more than this share of the summed SNR^2.
    rho_min, rho_max : float
        Main-sequence stellar density range, g/cm^3.
    duration_long_factor : float
        Raise when the duration exceeds the central-transit duration at ``rho_min`` by this
        factor (eccentric orbits and subgiants stretch transits)...
    duration_short_factor : float
        ...or is shorter than this fraction of the one at ``rho_max`` (grazing transits are
        short).
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
    """

    odd_even_sigma: float = 3.0
    odd_even_min_fraction: float = 0.1
    secondary_sigma: float = 3.0
    secondary_other_sigma: float = 5.0
    secondary_ratio: float = 0.1
    secondary_primary_depth: float = 0.05
    secondary_exclusion_days: float = 0.5
    v_shape_ingress: float = 0.35
    v_shape_min_depth: float = 0.02
    v_shape_dchi2: float = 9.0
    u_shape_ingress: float = 0.25
    sinusoid_ratio: float = 1.0
    single_event_fraction: float = 0.65
    rho_min: float = 0.2
    rho_max: float = 5.0
    duration_long_factor: float = 1.5
    duration_short_factor: float = 0.25
    max_depth: float = 0.1
    uniqueness_sigma: float = 5.0
    alias_ratio: float = 1.0
    alias_period_tol: float = 0.005


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

    def box(self, mask: np.ndarray) -> tuple[float, float, int]:
        """Depth below the baseline of the points in ``mask``, its error and the count."""
        n = int(np.count_nonzero(mask))
        if n == 0:
            return float("nan"), float("nan"), 0
        d = self.baseline - float(np.mean(self.flux[mask]))
        return d, self.sigma * self.beta / math.sqrt(n), n


def _robust_std(x: np.ndarray) -> float:
    if x.size < 2:
        return float("nan")
    return float(1.4826 * np.median(np.abs(x - np.median(x))))


def _red_noise_beta(t, flux, sigma, width) -> float:
    """Scatter of ``width``-long averages over its white-noise expectation (>= 1)."""
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


def _context(t, flux, flux_err, *, period, t0, duration, depth, exclude=None) -> _Context:
    p = to_days(period, name="period")
    t0 = to_days(t0, name="t0")
    d = to_days(duration, name="duration")
    if not (np.isfinite(p) and p > 0 and np.isfinite(d) and d > 0 and np.isfinite(t0)):
        raise StarskopeError(
            f"vetting needs a positive period and duration and a finite t0; got P={p}, "
            f"duration={d}, t0={t0}"
        )
    t = np.asarray(t, dtype=float)
    flux = np.asarray(flux, dtype=float)
    if t.ndim != 1 or t.shape != flux.shape:
        raise StarskopeError(f"t and flux must be 1-D of equal length; got {t.shape}, {flux.shape}")
    ok = np.isfinite(t) & np.isfinite(flux)
    if exclude is not None:
        exclude = np.asarray(exclude, dtype=bool)
        if exclude.shape != t.shape:
            raise StarskopeError(
                f"exclude must be a boolean mask like t {t.shape}; got {exclude.shape}"
            )
        # another candidate may be an alias of this one: if leaving its transits out would
        # remove most of this candidate's own in-transit points, keep those points
        own = np.abs(phase_fold(t, period=p, t0=t0)) < 0.5 * d
        n_own = np.count_nonzero(own & ok)
        if n_own and np.count_nonzero(own & ok & exclude) > 0.5 * n_own:
            exclude = exclude & ~(np.abs(phase_fold(t, period=p, t0=t0)) < d)
        ok &= ~exclude
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
    beta = _red_noise_beta(t[oot], flux[oot], sigma, d) if np.count_nonzero(oot) > 20 else 1.0
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
    )


def _ppm(x: float) -> str:
    return f"{x * 1e6:.0f} ppm" if np.isfinite(x) else "n/a"


def _primary(ctx: _Context) -> tuple[float, float, int]:
    return ctx.box(ctx.in_transit)


# --------------------------------------------------------------------------- the tests
def _odd_even(ctx: _Context, th: VetThresholds) -> VetFlag:
    odd = ctx.in_transit & (ctx.cycle % 2 == 1)
    even = ctx.in_transit & (ctx.cycle % 2 == 0)
    d_o, e_o, n_o = ctx.box(odd)
    d_e, e_e, n_e = ctx.box(even)
    if n_o == 0 or n_e == 0:
        which = "odd" if n_e == 0 else "even"
        return VetFlag(
            "odd_even", False, None, f"only {which} transits have data; odd/even not testable"
        )
    sig = abs(d_o - d_e) / math.hypot(e_o, e_e)
    deeper = max(d_o, d_e)
    frac = abs(d_o - d_e) / deeper if deeper > 0 else float("inf")
    weakest = min(d_o / e_o, d_e / e_e)
    text = (
        f"odd depth {_ppm(d_o)} +- {_ppm(e_o)} vs even {_ppm(d_e)} +- {_ppm(e_e)}: differ by "
        f"{sig:.1f} sigma and {100 * frac:.0f}%"
    )
    if sig > th.odd_even_sigma and weakest < th.odd_even_sigma:
        # one parity has no significant transit: the signal repeats every 2P, a period alias
        # (see the alias flag), not two unequal eclipses
        return VetFlag(
            "odd_even",
            False,
            float(sig),
            f"{text}, but the {'odd' if d_o / e_o < d_e / e_e else 'even'} transits are not "
            "significant: the period is probably 2P (see alias), not an eclipsing binary",
        )
    raised = sig > th.odd_even_sigma and frac > th.odd_even_min_fraction
    return VetFlag(
        "odd_even",
        bool(raised),
        float(sig),
        f"{text} (raised above {th.odd_even_sigma:g} sigma and "
        f"{100 * th.odd_even_min_fraction:g}%: unequal eclipses of a binary at twice the period)",
    )


def _recurring_dip(ctx: _Context, centre: float) -> tuple[float, float, int]:
    """Depth of a box dip at ``centre`` (days from mid-transit) that recurs every orbit.

    Per-orbit box depths are combined by their lower median (the smallest of two or three),
    so a dip seen in one or a few orbits only (another planet's transit, a flare's recovery,
    a momentum dump) does not count. Returns (depth, significance, number of orbits covered); NaN with fewer than two.
    """
    p, d = ctx.period, ctx.duration
    tc = ctx.t0 + centre
    sel = np.abs(phase_fold(ctx.t, period=p, t0=tc)) < 0.5 * d
    if not sel.any():
        return float("nan"), float("nan"), 0
    cyc = np.floor((ctx.t[sel] - tc) / p + 0.5).astype(np.int64)
    idx = cyc - cyc.min()
    cnt = np.bincount(idx)
    dip = np.bincount(idx, weights=ctx.baseline - ctx.flux[sel])
    ok = cnt >= max(2.0, 0.5 * float(cnt.max()))
    n_orbits = int(np.count_nonzero(ok))
    if n_orbits < 2:
        return float("nan"), float("nan"), n_orbits
    per_orbit = np.sort(dip[ok] / cnt[ok])
    # the smallest of two or three, the lower median of more: a dip must be in most orbits
    depth = float(per_orbit[0] if n_orbits <= 3 else per_orbit[(n_orbits - 1) // 2])
    err = 1.2533 * ctx.sigma * ctx.beta / math.sqrt(float(cnt[ok].sum()))
    return depth, depth / err, n_orbits


def _dips_elsewhere(ctx: _Context, th: VetThresholds) -> tuple[float, float, float, int, float]:
    """Cached :func:`_scan_dips` (the secondary and uniqueness tests share it)."""
    if "dips" not in ctx.cache:
        ctx.cache["dips"] = _scan_dips(ctx, exclusion_days=th.secondary_exclusion_days)
    return ctx.cache["dips"]


def _scan_dips(
    ctx: _Context, n_try: int = 5, exclusion_days: float = 0.5
) -> tuple[float, float, float, int, float]:
    """Strongest recurring box dip (significance, depth, phase/P, orbits) away from the primary
    and phase 0.5: scan box means over phase, then check the best few orbit by orbit.

    Also returns the folded-noise factor ``kappa >= 1``: the robust scatter of the scan's box
    significances, which are N(0, 1) for white noise; systematics that survive folding
    (residual variability, detrending wiggles) widen it, like the Robovetter's F_red.
    """
    nan = float("nan")
    p, d = ctx.period, ctx.duration
    away = np.abs(ctx.phase) > d
    ph = ctx.phase[away]
    if ph.size < 10:
        return nan, nan, nan, 0, 1.0
    order = np.argsort(ph)
    ph = ph[order]
    y = ctx.flux[away][order] - ctx.baseline
    csum = np.concatenate(([0.0], np.cumsum(y)))
    centres = np.arange(-0.5 * p, 0.5 * p, 0.25 * d)
    centres = centres[(np.abs(centres) > d) & (np.abs(np.abs(centres) - 0.5 * p) > 0.5 * d)]
    if centres.size == 0:
        return nan, nan, nan, 0, 1.0
    # dips near the transit recur with it by construction (detrending artefacts reach a
    # window, ~3 durations or up to ~1 day, around masked transits), while an eccentric
    # secondary needs an extreme e cos(w) to sit that close: they count for the noise only
    near = min(max(3.0 * d, exclusion_days), 0.2 * p)
    eligible = np.abs(centres) > near
    i0 = np.searchsorted(ph, centres - 0.5 * d)
    i1 = np.searchsorted(ph, centres + 0.5 * d)
    n = i1 - i0
    need = max(3, 0.5 * np.median(n[n > 0])) if np.any(n > 0) else 3
    good = n >= need
    if not good.any():
        return nan, nan, nan, 0, 1.0
    depth = -(csum[i1[good]] - csum[i0[good]]) / n[good]
    sig = depth / (ctx.sigma * ctx.beta / np.sqrt(n[good]))
    kappa = max(1.0, _robust_std(sig)) if sig.size >= 20 else 1.0
    best = (nan, nan, nan, 0)
    order = np.argsort(sig)[::-1]
    for k in order[eligible[good][order]][:n_try]:
        c = float(centres[good][k])
        d_r, s_r, n_o = _recurring_dip(ctx, c)
        if np.isfinite(s_r) and not (s_r <= best[0]):
            best = (s_r, d_r, c / p, n_o)
    return (*best, kappa)


def _secondary(ctx: _Context, th: VetThresholds) -> VetFlag:
    d_p, _, _ = _primary(ctx)
    primary_depth = d_p if np.isfinite(d_p) else ctx.depth
    if np.isfinite(ctx.depth):
        primary_depth = max(primary_depth, ctx.depth)

    def verdict(sig, depth, need):
        ratio = depth / primary_depth if primary_depth > 0 else float("inf")
        big = ratio > th.secondary_ratio or primary_depth > th.secondary_primary_depth
        return bool(np.isfinite(sig) and sig > need and big), ratio

    sig_o, d_o, phase_o, n_o, kappa = _dips_elsewhere(ctx, th)
    d_s, sig_s, n_s = _recurring_dip(ctx, 0.5 * ctx.period)
    sig_s, sig_o = sig_s / kappa, sig_o / kappa
    raised_s, ratio_s = verdict(sig_s, d_s, th.secondary_sigma)
    raised_o, ratio_o = verdict(sig_o, d_o, th.secondary_other_sigma)
    if not np.isfinite(sig_s):
        text = f"phase 0.5 covered in {n_s} orbit(s), fewer than the two a secondary needs"
    else:
        text = (
            f"phase 0.5: depth {_ppm(d_s)} ({sig_s:.1f} sigma, {100 * ratio_s:.1f}% of the "
            f"primary {_ppm(primary_depth)}; lower median of {n_s} orbits)"
        )
    if np.isfinite(sig_o):
        text += (
            f"; strongest recurring dip elsewhere at phase {phase_o:+.2f}: {_ppm(d_o)} "
            f"({sig_o:.1f} sigma, {100 * ratio_o:.1f}% of the primary, {n_o} orbits)"
        )
    if kappa > 1.05:
        text += f"; significances divided by {kappa:.2f}, the scatter of dips at other phases"
    rule = (
        f"raised when >{th.secondary_sigma:g} sigma at 0.5 (>{th.secondary_other_sigma:g} "
        f"elsewhere) and deeper than {100 * th.secondary_ratio:g}% of the primary or the "
        f"primary deeper than {_ppm(th.secondary_primary_depth)}"
    )
    value = sig_o if (raised_o and not raised_s) else sig_s
    return VetFlag(
        "secondary",
        raised_s or raised_o,
        float(value) if np.isfinite(value) else None,
        f"{text}; {rule}",
    )


def _uniqueness(ctx: _Context, th: VetThresholds) -> VetFlag:
    d_p, e_p, n_p = _primary(ctx)
    if n_p == 0 or not np.isfinite(d_p):
        return VetFlag("uniqueness", True, None, "no data inside the transit windows")
    *_, kappa = _dips_elsewhere(ctx, th)
    sig = d_p / e_p
    sig_k = sig / kappa
    raised = sig_k < th.uniqueness_sigma
    return VetFlag(
        "uniqueness",
        bool(raised),
        float(sig_k),
        f"transit depth {_ppm(d_p)} is {sig:.1f} sigma, {sig_k:.1f} after dividing by the "
        f"folded-noise factor {kappa:.2f} (scatter of box dips at all other phases); raised "
        f"below {th.uniqueness_sigma:g}: the transit does not stand out from the star's own "
        "variability and systematics",
    )


def _trapezoid_shapes(x, totals, fracs, exptime: float) -> np.ndarray:
    """Unit-depth trapezoid dips averaged over an exposure, shape (n_total, n_frac, n_x).

    The exposure average uses the trapezoid's antiderivative, so it is exact and costs two
    evaluations whatever the exposure time.
    """
    half = 0.5 * totals[:, None, None]
    tau = np.broadcast_to(
        fracs[None, :, None] * totals[:, None, None], (totals.size, fracs.size, 1)
    )
    flat_end = half - tau  # end of the flat bottom
    safe_tau = np.where(tau > 0, tau, 1.0)

    def antiderivative(u):  # integral of the unit trapezoid from 0 to u (odd in u)
        s = np.abs(u)[None, None, :]
        ramp = flat_end + (half * (s - flat_end) - 0.5 * (s * s - flat_end * flat_end)) / safe_tau
        h = np.where(s <= flat_end, s, np.where(s >= half, half - 0.5 * tau, ramp))
        return np.sign(u)[None, None, :] * h

    if exptime <= 0:
        s = np.abs(x)[None, None, :]
        return np.clip((half - s) / np.maximum(tau, 1e-12), 0.0, 1.0)
    return (antiderivative(x + 0.5 * exptime) - antiderivative(x - 0.5 * exptime)) / exptime


def _v_shape(ctx: _Context, th: VetThresholds) -> VetFlag:
    d = ctx.duration
    near = np.abs(ctx.phase) < 2.0 * d
    x = ctx.phase[near]
    y = ctx.flux[near] - ctx.baseline
    w = np.ones_like(x)
    if x.size > 240:  # bin finely (1/30 of a duration) for speed
        idx = np.clip(((x + 2.0 * d) / (4.0 * d) * 120).astype(np.int64), 0, 119)
        cnt = np.bincount(idx, minlength=120)
        sy = np.bincount(idx, weights=y, minlength=120)
        sx = np.bincount(idx, weights=x, minlength=120)
        keep = cnt > 0
        x, y, w = sx[keep] / cnt[keep], sy[keep] / cnt[keep], cnt[keep].astype(float)
    d_p, _, n_p = _primary(ctx)
    if n_p < 5 or not np.isfinite(d_p) or d_p <= 0:
        return VetFlag("v_shape", False, None, "too few in-transit points or no dip to fit a shape")
    e = ctx.cadence if ctx.cadence > 0.02 * d else 0.0
    totals = d * np.geomspace(0.5, 2.5, 17)
    fracs = np.linspace(0.0, 0.5, 21)
    shapes = -_trapezoid_shapes(x, totals, fracs, e)  # (n_total, n_frac, n_x)
    # best non-negative depth for each shape is linear: amp = sum(w s y) / sum(w s^2)
    sws = np.einsum("ijk,k->ij", shapes**2, w)
    swy = np.einsum("ijk,k->ij", shapes, w * y)
    with np.errstate(invalid="ignore", divide="ignore"):
        amp = np.where(sws > 0, np.clip(swy / sws, 0.0, None), 0.0)
    chi2 = (float(np.sum(w * y * y)) - 2 * amp * swy + amp**2 * sws) / (ctx.sigma * ctx.beta) ** 2
    i, j = np.unravel_index(int(np.argmin(chi2)), chi2.shape)
    frac = float(fracs[j])
    u_cols = fracs <= th.u_shape_ingress + 1e-9
    dchi2 = float(np.min(chi2[:, u_cols]) - chi2[i, j])
    v_like = frac >= th.v_shape_ingress and dchi2 >= th.v_shape_dchi2
    dip = max(float(amp[i, j]), ctx.depth if np.isfinite(ctx.depth) else 0.0)
    raised = v_like and dip >= th.v_shape_min_depth
    shape = "V-shaped" if frac >= th.v_shape_ingress else "U-shaped"
    return VetFlag(
        "v_shape",
        bool(raised),
        frac,
        f"trapezoid fit: ingress/total duration {frac:.2f} ({shape}; 0.5 is a V), total "
        f"{totals[i] * 24:.2f} h, depth {_ppm(float(amp[i, j]))}; a flat-bottomed shape "
        f"(<= {th.u_shape_ingress:g}) is worse by delta chi2 {dchi2:.1f} (raised when >= "
        f"{th.v_shape_ingress:g} and >= {th.v_shape_dchi2:g} and the dip is deeper than "
        f"{100 * th.v_shape_min_depth:g}%: a grazing stellar eclipse)",
    )


def _sinusoid(ctx: _Context, th: VetThresholds) -> VetFlag:
    # Fold into fine phase bins (weighted by counts): the chi2 *differences* between models
    # that are smooth on the bin scale are the same as unbinned, at a fraction of the cost.
    p = ctx.period
    n_bins = int(min(ctx.t.size, max(1024, math.ceil(8 * p / ctx.duration))))
    idx = np.minimum(((ctx.phase + 0.5 * p) / p * n_bins).astype(np.int64), n_bins - 1)
    cnt = np.bincount(idx, minlength=n_bins).astype(float)
    y_sum = np.bincount(idx, weights=ctx.flux - ctx.baseline, minlength=n_bins)
    keep = cnt > 0
    w = cnt[keep]
    y = y_sum[keep] / w
    centre = (np.flatnonzero(keep) + 0.5) / n_bins * p - 0.5 * p
    ang = 2.0 * np.pi * centre / p
    one = np.ones_like(y)
    sines = np.column_stack((one, np.cos(ang), np.sin(ang), np.cos(2 * ang), np.sin(2 * ang)))
    box = np.column_stack((one, (np.abs(centre) < 0.5 * ctx.duration).astype(float)))

    def chi2(design) -> float:
        dw = design * w[:, None]
        gram = design.T @ dw
        b = dw.T @ y
        try:
            coef = np.linalg.solve(gram, b)
        except np.linalg.LinAlgError:
            coef = np.linalg.lstsq(gram, b, rcond=None)[0]
        return float((w * y) @ y - b @ coef)

    mean = float(np.sum(w * y) / np.sum(w))
    chi0 = float(np.sum(w * (y - mean) ** 2))
    d_sin = chi0 - chi2(sines)
    d_box = chi0 - chi2(box) if box[:, 1].any() else 0.0
    ratio = d_sin / d_box if d_box > 0 else float("inf")
    raised = ratio >= th.sinusoid_ratio
    s2 = (ctx.sigma * ctx.beta) ** 2
    return VetFlag(
        "sinusoid",
        bool(raised),
        float(ratio) if np.isfinite(ratio) else None,
        f"a sinusoid at P and P/2 lowers chi2 by {d_sin / s2:.1f}, the transit box by "
        f"{d_box / s2:.1f} (ratio {ratio:.2f}; raised at >= {th.sinusoid_ratio:g}: the "
        "variability explains the signal as well as a transit)",
    )


def _single_event(ctx: _Context, th: VetThresholds) -> VetFlag:
    cyc = ctx.cycle[ctx.in_transit]
    if cyc.size == 0:
        return VetFlag("single_event", True, None, "no data points inside any transit window")
    y = ctx.baseline - ctx.flux[ctx.in_transit]
    c0 = cyc.min()
    idx = cyc - c0
    n = np.bincount(idx)
    s = np.bincount(idx, weights=y)
    have = n > 0
    depth = s[have] / n[have]
    snr = depth / (ctx.sigma * ctx.beta / np.sqrt(n[have]))
    pos = np.clip(snr, 0.0, None) ** 2
    n_tr = int(np.count_nonzero(have))
    if n_tr < 2:
        return VetFlag(
            "single_event",
            True,
            1.0,
            "only one transit has data, so the period is not confirmed by a repeat",
        )
    total = float(pos.sum())
    if total <= 0:
        return VetFlag("single_event", True, None, f"none of the {n_tr} transits shows a dip")
    k = int(np.argmax(pos))
    frac = float(pos[k] / total)
    raised = frac > th.single_event_fraction
    return VetFlag(
        "single_event",
        bool(raised),
        frac,
        f"the strongest of {n_tr} transits (number {int(np.flatnonzero(have)[k] + c0)}, SNR "
        f"{snr[k]:.1f}) carries {100 * frac:.0f}% of the summed SNR^2 (raised above "
        f"{100 * th.single_event_fraction:.0f}%)",
    )


def central_duration(*, period, rho, k=0.0) -> float:
    """Duration (days) of a central transit of a circular orbit around a star of density
    ``rho`` (g/cm^3): ``a/R = (G rho P^2 / 3 pi)^(1/3)``, ``T = P/pi asin((1 + k) / (a/R))``
    (Seager & Mallen-Ornelas 2003)."""
    p_s = period * _DAY_S
    a_rs = (_G_CGS * rho * p_s**2 / (3.0 * math.pi)) ** (1.0 / 3.0)
    return period / math.pi * math.asin(min(1.0, (1.0 + k) / a_rs))


def _duration_vs_period(ctx: _Context, th: VetThresholds) -> VetFlag:
    p, d = ctx.period, ctx.duration
    depth = ctx.depth if np.isfinite(ctx.depth) and ctx.depth > 0 else 0.0
    k = math.sqrt(min(depth, 1.0))
    t_long = central_duration(period=p, rho=th.rho_min, k=k)
    t_short = central_duration(period=p, rho=th.rho_max, k=k)
    # stellar density implied by the duration for a central transit
    s = math.sin(math.pi * min(d / p, 0.5))
    rho = 3.0 * math.pi / (_G_CGS * (p * _DAY_S) ** 2) * ((1.0 + k) / s) ** 3
    too_long = d > th.duration_long_factor * t_long
    too_short = d < th.duration_short_factor * t_short
    verdict = "too long" if too_long else "too short" if too_short else "consistent"
    return VetFlag(
        "duration_vs_period",
        bool(too_long or too_short),
        float(rho),
        f"duration {d * 24:.2f} h at P = {p:.4f} d implies a stellar density of {rho:.3g} g/cm^3"
        f" for a central transit; a main-sequence star ({th.rho_min:g}-{th.rho_max:g} g/cm^3) "
        f"gives {t_short * 24:.2f}-{t_long * 24:.2f} h: {verdict}",
    )


def _depth(ctx: _Context, th: VetThresholds) -> VetFlag:
    d_p, e_p, _ = _primary(ctx)
    depth = ctx.depth if np.isfinite(ctx.depth) else d_p
    raised = bool(np.isfinite(depth) and depth > th.max_depth)
    return VetFlag(
        "depth",
        raised,
        float(depth) if np.isfinite(depth) else None,
        f"transit depth {100 * depth:.2f}% (measured box depth {100 * d_p:.2f}%); deeper than "
        f"{100 * th.max_depth:g}% cannot be a planet in front of a main-sequence star",
    )


def _snr_at(ctx: _Context, period: float, t0: float) -> float:
    ph = phase_fold(ctx.t, period=period, t0=t0)
    d, e, n = ctx.box(np.abs(ph) < 0.5 * ctx.duration)
    return d / e if n else float("nan")


def _power_near(periodogram, period: float, rel: float = 0.01) -> float:
    per = np.asarray(periodogram.period, dtype=float)
    pw = np.asarray(periodogram.power, dtype=float)
    if per.size == 0 or period < per.min() * (1 - rel) or period > per.max() * (1 + rel):
        return float("nan")
    near = np.abs(per / period - 1.0) <= rel
    if not near.any():
        near = np.zeros(per.size, dtype=bool)
        near[int(np.argmin(np.abs(per - period)))] = True
    return float(np.nanmax(pw[near]))


def _alias(ctx: _Context, th: VetThresholds, *, periodogram=None, other_periods=()) -> VetFlag:
    p, t0 = ctx.period, ctx.t0
    snr = _snr_at(ctx, p, t0)
    snr_half = _snr_at(ctx, 0.5 * p, t0)
    snr_double = max(_snr_at(ctx, 2.0 * p, t0), _snr_at(ctx, 2.0 * p, t0 + p))
    ratios = {"P/2": snr_half / snr, "2P": snr_double / snr} if snr > 0 else {}
    ratios = {k: v for k, v in ratios.items() if np.isfinite(v)}
    hits = [k for k, v in ratios.items() if v >= th.alias_ratio]
    parts = [
        f"box SNR {snr:.1f} at P, {snr_half:.1f} at P/2, {snr_double:.1f} at 2P"
        if np.isfinite(snr)
        else "no in-transit data at P"
    ]
    if periodogram is not None:
        pw = {
            name: _power_near(periodogram, f * p) for name, f in (("P", 1), ("P/2", 0.5), ("2P", 2))
        }
        if np.isfinite(pw["P"]):
            for name in ("P/2", "2P"):
                if np.isfinite(pw[name]) and pw[name] >= pw["P"] and name not in hits:
                    hits.append(name)
            shown = ", ".join(f"{k} {v:.4g}" for k, v in pw.items() if np.isfinite(v))
            parts.append(f"periodogram power {shown}")
    for other in other_periods:
        other = to_days(other, name="other_periods")
        if not (np.isfinite(other) and other > 0) or other == p:
            continue
        for n in (1, 2, 3):
            for r, word in ((n, f"{n}x"), (1.0 / n, f"1/{n} of")):
                if abs(p / (other * r) - 1.0) < th.alias_period_tol:
                    hits.append(f"{word} the period of another candidate ({other:.5g} d)")
                    break
    value = max(ratios.values()) if ratios else None
    if hits:
        reason = (
            "period may be an alias: "
            + "; ".join(dict.fromkeys(hits))
            + " ("
            + "; ".join(parts)
            + ")"
        )
    else:
        reason = (
            f"P is preferred over P/2 and 2P ({'; '.join(parts)}; raised when an alias reaches "
            f"{th.alias_ratio:g} of the SNR at P)"
        )
    return VetFlag("alias", bool(hits), None if value is None else float(value), reason)


#: Registry of vetting tests: flag name -> function(context, thresholds, **extra) -> VetFlag.
VET_TESTS: dict[str, Callable[..., VetFlag]] = {
    "odd_even": _odd_even,
    "secondary": _secondary,
    "v_shape": _v_shape,
    "sinusoid": _sinusoid,
    "single_event": _single_event,
    "duration_vs_period": _duration_vs_period,
    "depth": _depth,
    "uniqueness": _uniqueness,
    "alias": _alias,
}


# --------------------------------------------------------------------------- public API
def vet_candidate(
    t,
    flux,
    flux_err,
    *,
    period,
    t0,
    duration,
    depth,
    periodogram=None,
    other_periods: Iterable = (),
    thresholds: VetThresholds | None = None,
    tests: Iterable[str] | None = None,
    exclude=None,
) -> tuple[VetFlag, ...]:
    """Run the vetting tests on one candidate.

    Parameters
    ----------
    t : array-like
        Times in days.
    flux : array-like
        Relative, detrended flux (about 1 out of transit).
    flux_err : array-like or None
        One-sigma errors; used only when the out-of-transit scatter cannot be measured.
    period, t0, duration : float or `~astropy.units.Quantity` ['time']
        Ephemeris and transit duration (float: days; ``t0`` in the system of ``t``).
    depth : float
        Transit depth, relative flux (e.g. from the search or the fit).
    periodogram : `~starskope.search.base.Periodogram`, optional
        The search's periodogram, to compare power at P/2 and 2P with P.
    other_periods : iterable of float, optional
        Periods (days) of the star's other candidates, to spot harmonics and duplicates.
    thresholds : VetThresholds, optional
        Decision thresholds; defaults in :class:`VetThresholds`.
    tests : iterable of str, optional
        Names from :data:`VET_TESTS` to run (default all, in registry order).
    exclude : array-like of bool, optional
        Points to leave out (True), e.g. the in-transit points of the star's other
        candidates, so that their transits are not mistaken for secondary eclipses or spoil
        odd/even depths. If it would remove more than half of this candidate's own in-transit
        points (the other candidate is an alias of this one), this candidate's transit
        windows are kept.

    Returns
    -------
    tuple of `~starskope.result.VetFlag`
        One flag per test, named as in :data:`VET_TESTS`.

    Raises
    ------
    StarskopeError
        If the ephemeris is not usable, fewer than 10 points are finite, or a test name is
        unknown.

    References
    ----------
    .. [1] Coughlin et al. 2016, ApJS 224, 12.
    .. [2] Thompson et al. 2018, ApJS 235, 38.
    .. [3] Seager & Mallen-Ornelas 2003, ApJ 585, 1038.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(0.0, 27.0, 10 / 1440)
    >>> flux = 1 + rng.normal(0, 5e-4, t.size)
    >>> flux[np.abs((t - 1.0 + 1.6) % 3.2 - 1.6) < 0.05] -= 2e-3
    >>> flags = vet_candidate(t, flux, None, period=3.2, t0=1.0, duration=0.1, depth=2e-3)
    >>> [f.name for f in flags if f.raised], is_planet_like(flags)
    ([], True)
    """
    th = thresholds if thresholds is not None else VetThresholds()
    names = list(VET_TESTS) if tests is None else list(tests)
    unknown = [n for n in names if n not in VET_TESTS]
    if unknown:
        raise StarskopeError(f"unknown vetting tests {unknown}; choose from {list(VET_TESTS)}")
    ctx = _context(
        t, flux, flux_err, period=period, t0=t0, duration=duration, depth=depth, exclude=exclude
    )
    out = []
    for name in names:
        if name == "alias":
            out.append(_alias(ctx, th, periodogram=periodogram, other_periods=tuple(other_periods)))
        else:
            out.append(VET_TESTS[name](ctx, th))
    return tuple(out)


def is_planet_like(flags: Iterable[VetFlag]) -> bool:
    """True unless a disqualifying flag (see :data:`DISQUALIFYING`) is raised.

    Informational flags (:data:`INFORMATIONAL`, e.g. ``alias``) and unknown names never
    disqualify.

    Examples
    --------
    >>> is_planet_like([VetFlag("alias", True, 1.4, "P/2"), VetFlag("depth", False, 0.01, "")])
    True
    >>> is_planet_like([VetFlag("odd_even", True, 5.0, "odd and even differ")])
    False
    """
    return not any(f.raised and f.name in DISQUALIFYING for f in flags)


def _single(name: str, doc: str):
    def test(
        t,
        flux,
        flux_err=None,
        *,
        period,
        t0,
        duration,
        depth=None,
        thresholds: VetThresholds | None = None,
        exclude=None,
    ) -> VetFlag:
        ctx = _context(
            t,
            flux,
            flux_err,
            period=period,
            t0=t0,
            duration=duration,
            depth=depth,
            exclude=exclude,
        )
        return VET_TESTS[name](ctx, thresholds if thresholds is not None else VetThresholds())

    test.__name__ = test.__qualname__ = {
        "secondary": "secondary_eclipse",
        "depth": "depth_limit",
    }.get(name, name)
    test.__doc__ = (
        doc
        + """

    Parameters
    ----------
    t, flux : array-like
        Times (days) and relative, detrended flux.
    flux_err : array-like, optional
        Used only when the out-of-transit scatter cannot be measured.
    period, t0, duration : float or `~astropy.units.Quantity` ['time']
        Ephemeris and duration (float: days).
    depth : float, optional
        Transit depth (relative flux) from the search or fit.
    thresholds : VetThresholds, optional
        Decision thresholds.
    exclude : array-like of bool, optional
        Points to leave out (e.g. other candidates' transits).

    Returns
    -------
    `~starskope.result.VetFlag`
    """
    )
    return test


odd_even = _single(
    "odd_even",
    "Odd versus even transit depth, difference in sigma (an eclipsing binary at twice the "
    "period shows unequal depths; Thompson et al. 2018).",
)
secondary_eclipse = _single(
    "secondary",
    "Secondary eclipse at phase 0.5 and the strongest dip at any other phase (eccentric "
    "binaries); significance and depth relative to the primary (Coughlin et al. 2016).",
)
v_shape = _single(
    "v_shape",
    "V- versus U-shape: ingress fraction of a trapezoid fit, exposure-smeared; raised for "
    "V-shaped (grazing or stellar) eclipses.",
)
sinusoid = _single(
    "sinusoid",
    "Transit versus sinusoid: chi-square reduction of harmonics at P and P/2 versus the "
    "transit box on the folded curve (stellar variability).",
)
single_event = _single(
    "single_event",
    "Single-event domination: share of the summed per-transit SNR^2 carried by the strongest "
    "transit.",
)
duration_vs_period = _single(
    "duration_vs_period",
    "Transit duration against the central-transit duration for a main-sequence stellar "
    "density at that period (Seager & Mallen-Ornelas 2003).",
)
uniqueness = _single(
    "uniqueness",
    "Uniqueness: the transit's significance against the scatter of box dips at all other "
    "phases (pulsators, spotted stars and systematics make many dips; Coughlin et al. 2016 "
    "model-shift test).",
)
depth_limit = _single("depth", "Depth too large for a planet transiting a main-sequence star.")


def alias(
    t,
    flux,
    flux_err=None,
    *,
    period,
    t0,
    duration,
    depth=None,
    periodogram=None,
    other_periods: Iterable = (),
    thresholds: VetThresholds | None = None,
    exclude=None,
) -> VetFlag:
    """Period aliases: is the box signal at P/2 or 2P as strong as at P, or does the period
    match another candidate's (1x, 2x, 3x, 1/2, 1/3)?

    Parameters
    ----------
    t, flux : array-like
        Times (days) and relative, detrended flux.
    flux_err : array-like, optional
        Used only when the out-of-transit scatter cannot be measured.
    period, t0, duration : float or `~astropy.units.Quantity` ['time']
        Ephemeris and duration (float: days).
    depth : float, optional
        Transit depth (relative flux).
    periodogram : `~starskope.search.base.Periodogram`, optional
        Compare the power at P/2 and 2P with that at P.
    other_periods : iterable of float, optional
        Periods (days) of the star's other candidates.
    thresholds : VetThresholds, optional
        Decision thresholds.
    exclude : array-like of bool, optional
        Points to leave out (e.g. other candidates' transits).

    Returns
    -------
    `~starskope.result.VetFlag`
        ``value`` is the larger of SNR(P/2)/SNR(P) and SNR(2P)/SNR(P) (about 0.71 for a true
        period P); the reason names the alias.
    """
    ctx = _context(
        t, flux, flux_err, period=period, t0=t0, duration=duration, depth=depth, exclude=exclude
    )
    th = thresholds if thresholds is not None else VetThresholds()
    return _alias(ctx, th, periodogram=periodogram, other_periods=tuple(other_periods))
