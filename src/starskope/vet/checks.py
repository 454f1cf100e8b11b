"""The vetting tests: each takes the shared context and thresholds, returns one VetFlag.

References
----------
.. [1] Coughlin et al. 2016, ApJS 224, 12 (Robovetter DR24).
.. [2] Thompson et al. 2018, ApJS 235, 38 (Robovetter DR25).
.. [3] Seager & Mallen-Ornelas 2003, ApJ 585, 1038.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..fold import phase_fold, transit_number
from ..result import VetFlag
from ..units import to_days
from .base import _DAY_S, _G_CGS, VetThresholds, _Context, _ppm, _primary, _robust_std

__all__ = ["VET_TESTS", "central_duration"]


#: Efficiency of the median against the mean on Gaussian data: its error is this much larger.
_MEDIAN_ERR = math.sqrt(math.pi / 2.0)
#: Small-sample correction of the MAD as a Gaussian sigma estimate (Croux & Rousseeuw 1992;
#: ``n / (n - 0.8)`` above 9): the MAD of a few values is biased low.
_MAD_SMALL_N = {2: 1.196, 3: 1.495, 4: 1.363, 5: 1.206, 6: 1.200, 7: 1.140, 8: 1.129, 9: 1.107}


def _parity_median(depth: np.ndarray, err: np.ndarray) -> tuple[float, float, float]:
    """Median depth of one parity's transits, its error and the spread factor (>= 1).

    The error is the larger of the white one (the weighted mean's, times the median's
    efficiency factor) and the one the transits' own spread gives (1.4826 MAD, same factor,
    over the square root of their number): one outlying transit moves neither the median nor
    the MAD, whereas it dominates a mean and a chi-square.
    """
    med = float(np.median(depth))
    n = depth.size
    white = _MEDIAN_ERR / math.sqrt(float(np.sum(1.0 / err**2)))
    sigma = _robust_std(depth) * _MAD_SMALL_N.get(n, n / (n - 0.8))
    spread = _MEDIAN_ERR * sigma / math.sqrt(n)
    return med, max(white, spread), max(1.0, spread / white)


def _weighted_depths(depth: np.ndarray, err: np.ndarray) -> tuple[float, float, float]:
    """Inverse-variance mean of single-transit depths, the summed weight (the mean's error is
    its inverse square root) and the chi-square of the depths about the mean."""
    w = 1.0 / err**2
    total = np.sum(w)
    mean = float(np.sum(w * depth) / total)
    return mean, float(total), float(np.sum(w * (depth - mean) ** 2))


def parity_depths(ctx: _Context, th: VetThresholds) -> dict | None:
    """The odd and even depths the odd/even test compares, with their errors.

    A dict with ``odd``, ``odd_err``, ``even``, ``even_err`` (relative flux), ``n_odd``,
    ``n_even`` (transits with data), ``inflate`` (the errors' scale factor, >= 1) and ``how``
    (``""`` for the weighted means of the single-transit depths, else the text saying that
    their medians were compared); None when one parity has no transit with data.
    """
    depth, err, number = _per_transit_depths(ctx)
    is_odd = number % 2 == 1
    k_o, k_e = int(np.count_nonzero(is_odd)), int(np.count_nonzero(~is_odd))
    if k_o == 0 or k_e == 0:
        return None
    # each parity's mean of its transits' depths, each against its own neighbours (the
    # within-parity scatter below is measured on the same depths)
    d_o, w_o, _ = _weighted_depths(depth[is_odd], err[is_odd])
    d_e, w_e, _ = _weighted_depths(depth[~is_odd], err[~is_odd])
    e_o, e_e = 1.0 / math.sqrt(w_o), 1.0 / math.sqrt(w_e)
    from scipy.stats import chi2 as chi2_dist

    chi2, dof = _parity_chi2(ctx)
    inflate = math.sqrt(chi2 / dof) if dof > 0 and chi2 > dof else 1.0
    e_o, e_e = e_o * inflate, e_e * inflate
    how = ""
    outliers = dof > 0 and float(chi2_dist.sf(chi2, dof)) < th.odd_even_outlier_p
    if min(k_o, k_e) >= th.odd_even_robust_min and outliers:
        # the medians of single-transit depths too, when each parity has enough transits and
        # they disagree among themselves beyond the noise: one partial, flared or badly
        # detrended transit drags a parity's mean and inflates the chi-square (a deep
        # eclipse's, by orders of magnitude), not the median or the MAD. The comparison that
        # sees the larger difference speaks (taking the larger of two statistics on every
        # planet would double the false alarms: 0.53% above 3 sigma instead of 0.27%)
        m_o, s_o, f_o = _parity_median(depth[is_odd], err[is_odd])
        m_e, s_e, f_e = _parity_median(depth[~is_odd], err[~is_odd])
        if abs(m_o - m_e) / math.hypot(s_o, s_e) > abs(d_o - d_e) / math.hypot(e_o, e_e):
            d_o, e_o, d_e, e_e, inflate = m_o, s_o, m_e, s_e, max(f_o, f_e)
            how = f"medians of {k_o} odd and {k_e} even transits: "
    return {
        "odd": d_o,
        "odd_err": e_o,
        "even": d_e,
        "even_err": e_e,
        "n_odd": k_o,
        "n_even": k_e,
        "inflate": inflate,
        "how": how,
    }


def _odd_even(ctx: _Context, th: VetThresholds) -> VetFlag:
    p = parity_depths(ctx, th)
    if p is None:
        _, _, number = _per_transit_depths(ctx)
        which = "odd" if not np.any(number % 2 == 0) else "even"
        return VetFlag(
            "odd_even", False, None, f"only {which} transits have data; odd/even not testable"
        )
    d_o, e_o, d_e, e_e = p["odd"], p["odd_err"], p["even"], p["even_err"]
    inflate, how = p["inflate"], p["how"]
    sig = abs(d_o - d_e) / math.hypot(e_o, e_e)
    deeper = max(d_o, d_e)
    frac = abs(d_o - d_e) / deeper if deeper > 0 else float("inf")
    weakest = min(d_o / e_o, d_e / e_e)
    text = (
        f"{how}odd depth {_ppm(d_o)} +- {_ppm(e_o)} vs even {_ppm(d_e)} +- {_ppm(e_e)}: differ by "
        f"{sig:.1f} sigma and {100 * frac:.0f}%"
    )
    if inflate > 1.0:
        text += (
            f" (errors x{inflate:.1f}: transits of the same parity disagree among themselves "
            "by more than their noise)"
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
    if raised:
        _, _, number = _per_transit_depths(ctx)
        at_edge = _edge_numbers(ctx, th)
        for name, parity in (("odd", number % 2 == 1), ("even", number % 2 == 0)):
            if parity.any() and np.all(np.isin(number[parity], at_edge)):
                # Kepler-20 d in Q6+Q7: its one odd transit begins three cadences after Q7's
                # first, on the quarter's opening ramp, and read 979 against 676 ppm
                return VetFlag(
                    "odd_even",
                    False,
                    float(sig),
                    f"{text}, but every {name} transit lies at a data segment's start or end"
                    " (ramps there: Kepler's thermal settling, TESS's scattered light), so the"
                    " difference is not taken for a binary's",
                )
    return VetFlag(
        "odd_even",
        bool(raised),
        float(sig),
        f"{text} (raised above {th.odd_even_sigma:g} sigma and "
        f"{100 * th.odd_even_min_fraction:g}%: unequal eclipses of a binary at twice the period,"
        " or the transits of two different bodies paired into one period)",
    )


def _parity_chi2(ctx: _Context) -> tuple[float, int]:
    """Chi-square and degrees of freedom of the transits of each parity about their own
    parity's mean, pooled (needs at least two transits in some parity).

    An eclipsing binary's odd eclipses agree with each other and so do its even ones; a planet's
    transits can differ for reasons that have nothing to do with parity (an overlapping transit
    of another planet, a flare, a gap edge, spot crossings, detrending). The white-noise error
    of the odd and even means is then too small, and the odd/even test would call any one
    outlying transit a binary: it scales its errors by the square root of the reduced
    chi-square when that exceeds 1, and compares the medians when the chi-square is
    improbable.
    """
    depth, err, number = _per_transit_depths(ctx)
    chi2, dof = 0.0, 0
    for parity in (0, 1):
        sel = number % 2 == parity
        if np.count_nonzero(sel) < 2:
            continue
        chi2 += _weighted_depths(depth[sel], err[sel])[2]
        dof += int(np.count_nonzero(sel)) - 1
    return chi2, dof


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

    def verdict(sig, depth, need, occultation=False):
        ratio = depth / primary_depth if primary_depth > 0 else float("inf")
        big = (
            ratio > th.secondary_ratio
            or primary_depth > th.secondary_primary_depth
            or (
                occultation  # at phase 0.5 only, where an occultation would be
                and th.secondary_max_occultation is not None
                and depth > th.secondary_max_occultation
            )
        )
        return bool(np.isfinite(sig) and sig > need and big), ratio

    sig_o, d_o, phase_o, n_o, kappa = _dips_elsewhere(ctx, th)
    d_s, sig_s, n_s = _recurring_dip(ctx, 0.5 * ctx.period)
    sig_s, sig_o = sig_s / kappa, sig_o / kappa
    raised_s, ratio_s = verdict(sig_s, d_s, th.secondary_sigma, occultation=True)
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
        + (
            f" or the dip at 0.5 deeper than {_ppm(th.secondary_max_occultation)} (no planet's "
            "occultation is)"
            if th.secondary_max_occultation is not None
            else ""
        )
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
    n_tr = int(np.count_nonzero(have))
    if n_tr < 2:
        return VetFlag(
            "single_event",
            True,
            1.0,
            "only one transit has data, so the period is not confirmed by a repeat",
        )
    counts = n[have].astype(float)
    depth = s[have] / counts
    snr = depth / (ctx.sigma * ctx.beta / np.sqrt(counts))
    numbers = np.flatnonzero(have) + c0
    # each transit counts by its depth, not its SNR: a transit half in a gap has fewer points
    # and a lower SNR at the same depth, which is coverage, not one event dominating (with
    # equal coverage the two shares are the same). Slivers (a single point, or under 0.3 of
    # the best-covered transit's points: a period that puts the repeats at gap edges) neither
    # confirm nor refute a depth and are left out
    full = counts >= max(2.0, 0.3 * float(counts.max()))
    by_depth = np.where(full, np.clip(depth, 0.0, None), 0.0) ** 2
    # sparse sampling (a survey's point or two a night): when the slivers hold most of the
    # in-transit points they are the data, not gap edges, and every transit counts by its SNR
    sparse = counts[full].sum() < 0.5 * counts.sum()
    if np.count_nonzero(full) >= 2 and by_depth.sum() > 0 and not sparse:
        k = int(np.argmax(by_depth))
        frac = float(by_depth[k] / by_depth.sum())
        share = (
            f"the deepest of {np.count_nonzero(full)} well-covered transits (number "
            f"{numbers[k]}, depth {depth[k] * 1e6:.0f} ppm, SNR {snr[k]:.1f}) carries "
            f"{100 * frac:.0f}% of their summed squared depths"
            + (f" ({n_tr - np.count_nonzero(full)} sliver(s) left out)" if not full.all() else "")
        )
    else:  # under two well-covered transits, or mostly slivers: their SNR shares
        pos = np.clip(snr, 0.0, None) ** 2
        if pos.sum() <= 0:
            return VetFlag("single_event", True, None, f"none of the {n_tr} transits shows a dip")
        k = int(np.argmax(pos))
        frac = float(pos[k] / pos.sum())
        share = (
            f"the strongest of {n_tr} transits (number {numbers[k]}, SNR {snr[k]:.1f}) carries "
            f"{100 * frac:.0f}% of the summed SNR^2 ("
            + ("most points are in slivers" if sparse else "fewer than two are well covered")
            + ")"
        )
    raised = frac > th.single_event_fraction
    return VetFlag(
        "single_event",
        bool(raised),
        frac,
        f"{share} (raised above {100 * th.single_event_fraction:.0f}%)",
    )


def _per_transit_depths(ctx: _Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Depth, error and transit number of every transit that has data (computed once per
    candidate: the odd/even and transit-depth tests share it)."""
    if "transits" not in ctx.cache:
        ctx.cache["transits"] = _timing_allowed(ctx, *_single_transits(ctx))
    return ctx.cache["transits"]


#: Transit-timing variations move a transit off the linear ephemeris (Kepler-90 g's by 27 h,
#: 3.4 of its durations, in Kepler's Q13): a transit found missing at its predicted time is
#: measured at the deepest dip within this many durations of it ...
TTV_REACH_DURATIONS = 4.0
#: ... and at most this share of the period (timing variations are a small part of it; at a
#: quarter, a binary's secondary eclipse reached its primary's wing) ...
TTV_REACH_PERIOD = 0.1
#: ... when that dip's depth is at least this share of the mean depth (and at most its
#: inverse times it) ...
TTV_MIN_FRACTION = 0.5
#: ... and this many sigma on its own (a noise dip among the shifts does not stand in for a
#: missing transit) ...
TTV_MIN_SNR = 7.0
#: ... for at most this many transits of a candidate.
TTV_MAX_MOVED = 3


def _missing(depth, err, mean: float, fraction: float) -> np.ndarray:
    """Transits 'missing': a depth below ``fraction`` of the mean, by more than 3 sigma."""
    return (depth < fraction * mean) & ((mean - depth) / err > 3.0)


def _timing_allowed(ctx: _Context, depth, err, number):
    """The single-transit depths, with a transit missing at its predicted time (below 30% of
    the mean at > 3 sigma) measured where it is when a significant dip of at least half the
    mean depth of the transits that are there (and at most twice it) lies within
    :data:`TTV_REACH_DURATIONS` durations of it (and a tenth of the period): a planet whose
    transits wander (timing variations) keeps its transits, where a 'period' of dips that are
    not there has nothing deep nearby. The moves are kept in ``ctx.cache["ttv"]`` as
    ``(number, hours)`` for the reasons."""
    ctx.cache["ttv"] = []
    if depth.size < 3:
        return depth, err, number
    mean = _weighted_depths(depth, err)[0]
    # (the default threshold: the single-transit depths are measured, and cached, before any
    # test's thresholds are known)
    low = np.flatnonzero(_missing(depth, err, mean, VetThresholds.transit_depths_low_fraction))
    if not (mean > 0 and 0 < low.size <= TTV_MAX_MOVED):
        return depth, err, number
    # the depth a moved transit must match: the transits that are there (a moved one reads
    # shallow, even negative, and pulled the mean of all of them down: two moved transits of
    # a 1000-ppm planet gave a mean of 480 ppm, and a 1000-ppm dip failed "at most twice")
    there = np.ones(depth.size, dtype=bool)
    there[low] = False
    mean = _weighted_depths(depth[there], err[there])[0]
    if not mean > 0:
        return depth, err, number
    d = ctx.duration
    reach = min(TTV_REACH_DURATIONS * d, TTV_REACH_PERIOD * ctx.period)
    shifts = np.arange(-reach, reach + 1e-9, 0.25 * d)
    best = {int(k): (0.0, 0.0, 0.0) for k in low}  # depth, error, shift
    for shift in shifts[np.abs(shifts) > 0.5 * d]:  # the predicted time was measured
        moved = _shifted(ctx, shift)
        dd, ee, nn = _single_transits(moved)
        for k in low:
            j = np.flatnonzero(nn == number[k])
            if j.size and dd[j[0]] > best[int(k)][0] and _dip_not_a_point(moved, number[k], mean):
                best[int(k)] = (float(dd[j[0]]), float(ee[j[0]]), float(shift))
    depth, err = depth.copy(), err.copy()
    for k, (dk, ek, shift) in best.items():
        if TTV_MIN_FRACTION * mean <= dk <= mean / TTV_MIN_FRACTION and dk >= TTV_MIN_SNR * ek:
            depth[k], err[k] = dk, ek
            ctx.cache["ttv"].append((int(number[k]), 24.0 * shift))
    return depth, err, number


def _dip_not_a_point(moved: _Context, number: int, mean: float) -> bool:
    """Whether the transit ``number`` of a shifted context is a dip of its points, not of one
    or two: the median of its in-transit flux at least half the mean depth below the
    baseline (a single 60-sigma cadence stood in for a missing transit: a review)."""
    inside = moved.in_transit & (moved.cycle == number)
    f = moved.flux[inside]
    return f.size >= 3 and moved.baseline - float(np.median(f)) >= TTV_MIN_FRACTION * mean


def _shifted(ctx: _Context, shift: float) -> _Context:
    """The context folded on an epoch ``shift`` days later (same transit numbers for shifts
    under half a period)."""
    import dataclasses

    t0 = ctx.t0 + shift
    phase = phase_fold(ctx.t, period=ctx.period, t0=t0)
    return dataclasses.replace(
        ctx,
        t0=t0,
        phase=phase,
        cycle=transit_number(ctx.t, period=ctx.period, t0=t0),
        in_transit=np.abs(phase) < 0.5 * ctx.duration,
        cache={},
    )


#: Each transit's depth is measured against the out-of-transit points on both of its sides,
#: from this many durations from its centre ...
_LOCAL_FROM = 0.75
#: ... over this many durations on each side (at most to half the period).
_LOCAL_SPAN = 1.5


def _single_transits(ctx: _Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Depth of every transit against its own neighbourhood, its error and its number.

    A transit with out-of-transit points on both sides is measured against the straight line
    through the two sides' centroids, taken at its centre (what is left of a star's variability
    after detrending moves a single transit's baseline, not the difference with its
    neighbours; a slope cancels however unequal the sides' counts), the error counting that
    line's; one without is measured against the light curve's baseline.
    """
    cyc = ctx.cycle[ctx.in_transit]
    if cyc.size == 0:
        return np.empty(0), np.empty(0), np.empty(0, dtype=int)
    c0 = cyc.min()
    idx = cyc - c0
    n = np.bincount(idx)
    s = np.bincount(idx, weights=ctx.flux[ctx.in_transit])
    have = n > 0
    size = n.size
    d = ctx.duration
    lo, hi = _LOCAL_FROM * d, min(_LOCAL_FROM * d + _LOCAL_SPAN * d, 0.5 * ctx.period)
    a = np.abs(ctx.phase)
    near = (a > lo) & (a < hi) & (ctx.cycle >= c0) & (ctx.cycle < c0 + size)
    j = ctx.cycle[near] - c0
    x, fl = ctx.phase[near], ctx.flux[near]
    left = x < 0

    def side(sel):
        cnt = np.bincount(j[sel], minlength=size)
        c1 = np.maximum(cnt, 1)
        mean_x = np.bincount(j[sel], weights=x[sel], minlength=size) / c1
        mean_f = np.bincount(j[sel], weights=fl[sel], minlength=size) / c1
        return cnt, c1, mean_x, mean_f

    n_l, n_l1, x_l, f_l = side(left)
    n_r, n_r1, x_r, f_r = side(~left)
    local = (n_l > 0) & (n_r > 0)
    # the line through the two sides' centroids, at the transit's centre: a slope cancels
    # however unequal the sides' counts and spans
    gap = np.where(local, x_r - x_l, 1.0)
    w_l, w_r = x_r / gap, -x_l / gap
    base = np.where(local, w_l * f_l + w_r * f_r, ctx.baseline)
    inv = np.where(local, w_l**2 / n_l1 + w_r**2 / n_r1, 0.0)
    depth = base[have] - s[have] / n[have]
    err = ctx.sigma * ctx.beta * np.sqrt(1.0 / n[have] + inv[have])
    return depth, err, np.flatnonzero(have) + c0


def _transit_depths(ctx: _Context, th: VetThresholds) -> VetFlag:
    """Individual transits must agree in depth: a 'period' assembled from single transits of
    different planets (or from noise dips) has transits that are missing or far shallower."""
    depth, err, number = _per_transit_depths(ctx)
    if depth.size < 3:
        return VetFlag(
            "transit_depths",
            False,
            None,
            f"only {depth.size} transit(s) with data: too few to compare",
        )
    mean, _, chi2 = _weighted_depths(depth, err)
    dof = depth.size - 1
    from scipy.stats import chi2 as chi2_dist

    p = float(chi2_dist.sf(chi2, dof))
    # a transit 'missing': its depth is far below the mean, significantly
    low = _missing(depth, err, mean, th.transit_depths_low_fraction)
    n_low = int(np.count_nonzero(low))
    missing = n_low >= th.transit_depths_missing * depth.size
    med = float(np.median(depth))
    excess = float(np.var(depth, ddof=1) - np.mean(err**2))
    scatter = math.sqrt(excess) / med if med > 0 and excess > 0 else 0.0
    single_snr = float(np.median(depth / err))
    unstable = (
        depth.size >= th.transit_depths_min_n
        and scatter > th.transit_depths_scatter
        and single_snr >= th.transit_depths_min_snr
    )
    raised = bool(p < th.transit_depths_p and (missing or unstable))
    k = int(np.argmin(depth / max(mean, 1e-12)))
    return VetFlag(
        "transit_depths",
        raised,
        chi2 / dof,
        f"the {depth.size} transits' depths scatter with chi2/dof {chi2 / dof:.1f} about the mean "
        f"{mean * 1e6:.0f} ppm (p = {p:.1e}); shallowest, number {int(number[k])}, "
        f"{depth[k] * 1e6:.0f} +- {err[k] * 1e6:.0f} ppm; "
        + "".join(
            f"transit number {n} measured {h:+.1f} h from its predicted time (timing"
            " variations: a significant dip of at least half the mean depth there); "
            for n, h in ctx.cache.get("ttv", [])
        )
        + f"{n_low} transit(s) missing; scatter beyond the noise {100 * scatter:.0f}% of the median "
        f"depth (raised when p < {th.transit_depths_p:g} and either at least "
        f"{100 * th.transit_depths_missing:.0f}% of the transits are below "
        f"{100 * th.transit_depths_low_fraction:.0f}% of the mean at > 3 sigma, or the scatter "
        f"exceeds {100 * th.transit_depths_scatter:.0f}% with {th.transit_depths_min_n} or more "
        f"transits of median single-transit SNR {th.transit_depths_min_snr:g} or more, here "
        f"{single_snr:.1f}: depths that vary this much are dips of a variable star or of systematics)",
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
    # a dip of fewer than `resolved_cadences` cadences has no shape to check: a stricter limit
    unresolved = ctx.cadence > 0 and d < th.resolved_cadences * ctx.cadence
    factor = th.duration_short_factor_unresolved if unresolved else th.duration_short_factor
    too_short = d < factor * t_short
    verdict = "too long" if too_long else "too short" if too_short else "consistent"
    limit = f"too short below {factor:g} of the shorter"
    if unresolved:
        limit += f", the dip spanning under {th.resolved_cadences:g} cadences"
    return VetFlag(
        "duration_vs_period",
        bool(too_long or too_short),
        float(rho),
        f"duration {d * 24:.2f} h at P = {p:.4f} d implies a stellar density of {rho:.3g} g/cm^3"
        f" for a central transit; a main-sequence star ({th.rho_min:g}-{th.rho_max:g} g/cm^3) "
        f"gives {t_short * 24:.2f}-{t_long * 24:.2f} h: {verdict} ({limit})",
    )


def _depth(ctx: _Context, th: VetThresholds) -> VetFlag:
    d_p, e_p, _ = _primary(ctx)
    depth = ctx.depth if np.isfinite(ctx.depth) else d_p
    raised = bool(np.isfinite(depth) and depth > th.max_depth)
    if not np.isfinite(th.max_depth):
        return VetFlag(
            "depth", False, float(depth) if np.isfinite(depth) else None,
            "no depth limit: the flux has no absolute level, so depths are in noise units",
        )  # fmt: skip
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


def _segment_edges(t: np.ndarray, gap: float, *, min_length: float = 0.0) -> np.ndarray:
    """Start and end times of the data's segments (:func:`~starskope.clean.masking.find_segments`
    split at gaps longer than ``gap`` days) that last at least ``min_length`` days."""
    from ..clean.masking import find_segments

    if t.size == 0:
        return np.empty(0)
    seg = find_segments(t, min_gap_days=gap, min_gap_cadences=0.0)
    first = np.flatnonzero(np.diff(seg, prepend=-1))
    last = np.append(first[1:] - 1, t.size - 1)
    starts, ends = t[first], t[last]
    long = ends - starts >= min_length
    return np.concatenate([starts[long], ends[long]])


def _both_sides(t: np.ndarray, ctx: _Context, numbers: np.ndarray) -> np.ndarray:
    """For each transit in ``numbers``, whether the data ``t`` have a baseline on both sides:
    at least two points before its ingress and two after its egress, each clear of the transit
    by half a cadence (an exposure that overlaps it is not baseline) and within one duration of
    it. A dip where the data begin or end has none on that side: its first (or last) cadence
    sits on the box's edge."""
    phase = phase_fold(t, period=ctx.period, t0=ctx.t0)
    cyc = transit_number(t, period=ctx.period, t0=ctx.t0)
    d = ctx.duration
    near = np.abs(phase)
    out = (near > 0.5 * d + 0.5 * ctx.cadence) & (near <= 1.5 * d)
    before = np.unique(cyc[out & (phase < 0)], return_counts=True)
    after = np.unique(cyc[out & (phase > 0)], return_counts=True)
    ok_before = before[0][before[1] >= 2]
    ok_after = after[0][after[1] >= 2]
    return np.isin(numbers, ok_before) & np.isin(numbers, ok_after)


def _edge_zone(ctx: _Context, th: VetThresholds):
    """``(near, edges, numbers, at_edge)``: the edge zone's half-width (days), the data
    segments' starts and ends (only segments whose edge zones cover at most half of them: in a
    ground-based night, or a fragment between gaps, every transit is near an edge and the
    test cannot tell), the numbers of the transits with data, and which of them have their
    mid-time within the zone (None when there is no such segment or transit)."""
    t_all = ctx.t if ctx.t_data is None else ctx.t_data
    near = max(th.edge_near_durations * ctx.duration, th.edge_near_days)
    edges = _segment_edges(t_all, max(th.edge_gap_days, 2.0 * ctx.duration), min_length=4.0 * near)
    numbers = np.unique(ctx.cycle[ctx.in_transit])
    if edges.size == 0 or numbers.size == 0:
        return near, edges, numbers, None
    mids = ctx.t0 + numbers * ctx.period
    return near, edges, numbers, np.min(np.abs(mids[:, None] - edges[None, :]), axis=1) <= near


def _edge_numbers(ctx: _Context, th: VetThresholds) -> np.ndarray:
    """Numbers of the transits with data at a data segment's start or end (:func:`_edge_zone`)."""
    _, _, numbers, at_edge = _edge_zone(ctx, th)
    return numbers[:0] if at_edge is None else numbers[at_edge]


def _data_edges(ctx: _Context, th: VetThresholds) -> VetFlag:
    """Is the dip only where data segments begin or end?

    Segment edges carry ramps (TESS scattered light and momentum dumps, Kepler's thermal
    settling after a downlink) and one-sided detrending; a box search folds them into a
    "transit" when a period lines them up. The transits whose mid-times are away from every
    edge must show the dip on their own (the Robovetter asks the same of transits next to
    gaps).
    """
    t_all = ctx.t if ctx.t_data is None else ctx.t_data
    near, edges, numbers, at_edge = _edge_zone(ctx, th)
    if edges.size == 0:
        return VetFlag(
            "data_edges",
            False,
            None,
            "no data segment is long enough to tell its edges from its middle",
        )
    if numbers.size == 0:
        return VetFlag("data_edges", False, None, "no data inside any transit window")
    n_edge = int(np.count_nonzero(at_edge))
    where = (
        f"transits within {24 * near:.1f} h of a segment's start or end: {n_edge} of "
        f"{numbers.size} with data"
    )
    rule = (
        f"(raised when the others do not show the dip at {th.edge_sigma:g} sigma: ramps at the "
        "data's edges, not a transit)"
    )
    if n_edge == 0:
        return VetFlag("data_edges", False, 0.0, f"{where} {rule}")
    if n_edge == numbers.size:
        # each of a planet's transits lies at an edge by chance (a few per cent of the time
        # with Kepler's monthly downlinks): two of two is a planet now and then (Kepler-106 e
        # in one quarter), three of three hardly ever, while a period that lines up edges
        # finds three as readily as two
        if numbers.size < th.edge_min_transits:
            both = _both_sides(t_all, ctx, numbers)
            if not both.any():
                return VetFlag(
                    "data_edges",
                    True,
                    None,
                    f"{where}, and none has a baseline both before and after it (two points "
                    "within one duration of its ingress and of its egress): each dip is where "
                    "the data begin or end, so it "
                    "cannot be told from a ramp or a one-sided detrending (raised with fewer "
                    f"than {th.edge_min_transits} transits only then)",
                )
            return VetFlag(
                "data_edges",
                False,
                None,
                f"{where}: too few to tell a planet's transits from edge ramps lined up by a "
                f"period (raised from {th.edge_min_transits} transits, all at edges, or when "
                f"the transits away from the edges do not show the dip at {th.edge_sigma:g} "
                "sigma)",
            )
        return VetFlag(
            "data_edges",
            True,
            None,
            f"{where}: no transit away from them, so the dip cannot be told from ramps at the "
            f"edges lined up by the period (nor from a signal whose period keeps it at the "
            f"gaps) {rule}",
        )
    away = ctx.in_transit & np.isin(ctx.cycle, numbers[~at_edge])
    d, err, _ = ctx.box(away)
    sig = d / err if err > 0 else float("nan")
    raised = bool(np.isfinite(sig) and sig < th.edge_sigma)
    return VetFlag(
        "data_edges",
        raised,
        float(sig),
        f"{where}; the other {numbers.size - n_edge} show a dip of {_ppm(d)} +- {_ppm(err)}"
        f" ({sig:.1f} sigma) {rule}",
    )


#: Registry of vetting tests: flag name -> function(context, thresholds, **extra) -> VetFlag.
VET_TESTS: dict[str, Callable[..., VetFlag]] = {
    "odd_even": _odd_even,
    "secondary": _secondary,
    "v_shape": _v_shape,
    "sinusoid": _sinusoid,
    "single_event": _single_event,
    "transit_depths": _transit_depths,
    "duration_vs_period": _duration_vs_period,
    "depth": _depth,
    "uniqueness": _uniqueness,
    "data_edges": _data_edges,
    "alias": _alias,
}
