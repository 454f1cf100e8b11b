"""Private numba kernels for detrending, with a slow reference each.

``local_poly_trend``: a robust local polynomial (Tukey-biweight iteratively reweighted least
squares) evaluated on a grid of nodes and interpolated. Unlike a sliding *location* (the
biweight of wotan), a local cubic follows the curvature of fast stellar rotation, so the
residual scatter stays small and transit points stand out as outliers and are down-weighted:
the approach of local-polynomial detrending for young, active stars (cf. Rizzuto et al. 2017,
AJ 154, 224, "Notch and LOCoR").
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "local_harmonic_trend",
    "local_harmonic_trend_slow",
    "local_poly_trend",
    "local_poly_trend_slow",
]

#: The reweighting stops early once an iteration moves the window's model by no more than this
#: fraction of the median absolute residual at any usable point. The biweight iterations
#: converge geometrically (each move about a quarter of the previous one on spotted K2 stars),
#: so the iterations skipped would move the trend by about 1 % of the noise in all. On the
#: spotted stars of ``benchmarks/bench_detrend.py`` a window uses five of the six allowed
#: iterations on average, and many use all six: a small saving (``results/detrend.md``).
CONVERGED = 1e-2


@njit(cache=True)
def _solve(a, b):
    # Gaussian elimination with partial pivoting for a tiny dense system
    n = b.size
    m = a.copy()
    v = b.copy()
    for k in range(n):
        p = k
        for i in range(k + 1, n):
            if abs(m[i, k]) > abs(m[p, k]):
                p = i
        if abs(m[p, k]) < 1e-300:
            return np.full(n, np.nan)
        if p != k:
            for j in range(n):
                tmp = m[k, j]
                m[k, j] = m[p, j]
                m[p, j] = tmp
            tmp = v[k]
            v[k] = v[p]
            v[p] = tmp
        for i in range(k + 1, n):
            fct = m[i, k] / m[k, k]
            for j in range(k, n):
                m[i, j] -= fct * m[k, j]
            v[i] -= fct * v[k]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        s = v[i]
        for j in range(i + 1, n):
            s -= m[i, j] * x[j]
        x[i] = s / m[i, i]
    return x


@njit(cache=True)
def _median_used(values, use, lo, buf, absolute):
    """Median of ``values[i]`` (or of ``|values[i]|``) over the ``i`` with ``use[lo + i]``,
    using ``buf`` as scratch; returns ``(median, count)`` (NaN when no point is usable)."""
    m = 0
    for i in range(values.size):
        if use[lo + i]:
            buf[m] = abs(values[i]) if absolute else values[i]
            m += 1
    return (np.median(buf[:m]) if m else np.nan), m


@njit(cache=True)
def _node_fit(t, f, use, lo, hi, node, half, degree, n_iter, cval, tol):
    n = hi - lo
    npar = degree + 1
    if n < npar + 2:
        return np.nan
    x = np.empty(n)
    w = np.empty(n)
    for i in range(n):
        x[i] = (t[lo + i] - node) / half
        w[i] = 1.0 if use[lo + i] else 0.0
    coef = np.zeros(npar)
    r = np.empty(n)
    absr = np.empty(n)
    pw = np.empty(npar)  # powers of x at one point (allocated once, not per point)
    ata = np.empty((npar, npar))
    atb = np.empty(npar)
    # robust start: weights from residuals about the window's median, not from a least-squares
    # fit, which a deep transit filling a fifth of the window drags down far enough to survive
    # the reweighting (the trend then eats the transit)
    med, m = _median_used(f[lo:hi], use, lo, absr, False)
    if m < npar + 2:
        return np.nan
    for i in range(n):
        r[i] = f[lo + i] - med
    mad, m = _median_used(r, use, lo, absr, True)
    if mad > 0.0:
        for i in range(n):
            u = r[i] / (cval * mad)
            if not use[lo + i] or abs(u) >= 1.0:
                w[i] = 0.0
            else:
                w[i] = (1.0 - u * u) ** 2
    prev = np.empty(n)  # the previous iteration's model (the window's median at the start)
    prev[:] = med
    for it in range(n_iter):
        ata[:, :] = 0.0
        atb[:] = 0.0
        for i in range(n):
            if w[i] <= 0.0:
                continue
            p = 1.0
            for k in range(npar):
                pw[k] = p
                p *= x[i]
            for a in range(npar):
                atb[a] += w[i] * pw[a] * f[lo + i]
                for b in range(npar):
                    ata[a, b] += w[i] * pw[a] * pw[b]
        coef = _solve(ata, atb)
        if np.isnan(coef[0]):
            return np.nan
        m = 0
        moved = 0.0
        for i in range(n):
            p = 1.0
            model = 0.0
            for k in range(npar):
                model += coef[k] * p
                p *= x[i]
            r[i] = f[lo + i] - model
            if use[lo + i]:
                absr[m] = abs(r[i])
                m += 1
                moved = max(moved, abs(model - prev[i]))
            prev[i] = model
        if m < npar + 2:
            return np.nan
        last = mad
        mad = np.median(absr[:m])
        if mad <= 0.0 or (it > 0 and moved <= tol * last):
            break
        for i in range(n):
            u = r[i] / (cval * mad)
            if not use[lo + i] or abs(u) >= 1.0:
                w[i] = 0.0
            else:
                w[i] = (1.0 - u * u) ** 2
    return coef[0]


@njit(cache=True)
def local_poly_trend(t, f, use, window, spacing, degree, n_iter, cval, tol=CONVERGED):
    """Trend at every point of one sorted, gap-free segment.

    Parameters
    ----------
    t, f : float64[n]
        Times (days) and flux.
    use : bool[n]
        Points allowed in the fits (False: in transit or otherwise ignored).
    window : float
        Full width of each local fit, days.
    spacing : float
        Distance between nodes, days.
    degree : int
        Polynomial degree (2 or 3).
    n_iter : int
        Most reweighting iterations (fewer once the model stops moving, see ``tol``).
    cval : float
        Tukey biweight tuning constant in units of the median absolute residual.
    tol : float, optional
        Stop reweighting a window once an iteration moves its model by at most this fraction
        of the median absolute residual (:data:`CONVERGED`; 0 runs all ``n_iter``).
    """
    n = t.size
    half = 0.5 * window
    n_nodes = int(np.ceil((t[-1] - t[0]) / spacing)) + 1
    nodes = np.empty(n_nodes)
    vals = np.empty(n_nodes)
    lo = 0
    hi = 0
    for k in range(n_nodes):
        node = t[0] + k * spacing
        if node > t[-1]:
            node = t[-1]
        nodes[k] = node
        while lo < n and t[lo] < node - half:
            lo += 1
        while hi < n and t[hi] <= node + half:
            hi += 1
        vals[k] = _node_fit(t, f, use, lo, hi, node, half, degree, n_iter, cval, tol)
    good = ~np.isnan(vals)
    out = np.empty(n)
    if good.sum() == 0:
        out[:] = np.nan
        return out
    out[:] = np.interp(t, nodes[good], vals[good])
    return out


def local_poly_trend_slow(t, f, use, window, spacing, degree=3, n_iter=5, cval=6.0, tol=CONVERGED):
    """NumPy reference of :func:`local_poly_trend` (same algorithm, ``np.linalg.lstsq``)."""
    half = 0.5 * window
    nodes = np.minimum(
        t[0] + np.arange(int(np.ceil((t[-1] - t[0]) / spacing)) + 1) * spacing, t[-1]
    )
    vals = np.full(nodes.size, np.nan)
    for k, node in enumerate(nodes):
        sel = (t >= node - half) & (t <= node + half)
        x = (t[sel] - node) / half
        y = f[sel]
        u_ok = use[sel]
        if sel.sum() < degree + 3:
            continue
        w = u_ok.astype(float)
        r0 = y - np.median(y[u_ok]) if u_ok.sum() >= degree + 3 else None
        if r0 is None:
            continue
        mad0 = np.median(np.abs(r0[u_ok]))
        if mad0 > 0:  # robust start (see _node_fit)
            u0 = r0 / (cval * mad0)
            w = np.where(u_ok & (np.abs(u0) < 1), (1 - u0**2) ** 2, 0.0)
        a = np.vander(x, degree + 1, increasing=True)
        coef = None
        prev = np.full(y.size, np.median(y[u_ok]))
        mad = mad0
        for it in range(n_iter):
            sw = np.sqrt(w)
            coef = np.linalg.lstsq(a * sw[:, None], y * sw, rcond=None)[0]
            model = a @ coef
            moved = np.max(np.abs(model - prev)[u_ok])
            prev = model
            r = y - model
            last = mad
            mad = np.median(np.abs(r[u_ok]))
            if mad <= 0 or (it > 0 and moved <= tol * last):
                break
            uu = r / (cval * mad)
            w = np.where(u_ok & (np.abs(uu) < 1), (1 - uu**2) ** 2, 0.0)
        vals[k] = coef[0]
    good = np.isfinite(vals)
    return np.interp(t, nodes[good], vals[good])


@njit(cache=True)
def _harm_row(tt, node, half, degree, period, n_harm, evolve, row, x_lo=-np.inf, x_hi=np.inf):
    # one design row: powers of x, then per harmonic sin, cos (and x sin, x cos when evolving);
    # x clipped to [x_lo, x_hi] (a node's model is never extrapolated past its data)
    x = min(max((tt - node) / half, x_lo), x_hi)
    p = 1.0
    for k in range(degree + 1):
        row[k] = p
        p *= x
    j = degree + 1
    for k in range(1, n_harm + 1):
        ph = 2.0 * np.pi * k * (tt - node) / period
        s = np.sin(ph)
        c = np.cos(ph)
        row[j] = s
        row[j + 1] = c
        j += 2
        if evolve:
            row[j] = x * s
            row[j + 1] = x * c
            j += 2


@njit(cache=True)
def _harm_node_fit(
    t, f, use, lo, hi, node, half, degree, period, n_harm, evolve, n_iter, cval, min_side, tol
):
    n = hi - lo
    npar = degree + 1 + 2 * n_harm * (2 if evolve else 1)
    coef = np.full(npar, np.nan)
    if n < 2 * npar:
        return coef
    # both halves of the window need data: a one-sided fit extrapolates wildly (segment edges)
    left = 0
    right = 0
    for i in range(n):
        if use[lo + i]:
            if t[lo + i] < node:
                left += 1
            else:
                right += 1
    if left < min_side or right < min_side:
        return coef
    a = np.empty((n, npar))
    row = np.empty(npar)
    for i in range(n):
        _harm_row(t[lo + i], node, half, degree, period, n_harm, evolve, row)
        a[i, :] = row
    w = np.empty(n)
    absr = np.empty(n)
    fs = np.ascontiguousarray(f[lo:hi])
    med, m = _median_used(fs, use, lo, absr, False)
    if m < 2 * npar:
        return coef
    r = fs - med
    aw = np.empty((n, npar))
    prev = np.full(n, med)  # the previous iteration's model
    for it in range(n_iter + 1):
        mad, _ = _median_used(r, use, lo, absr, True)
        for i in range(n):
            if not use[lo + i]:
                w[i] = 0.0
            elif mad <= 0.0:
                w[i] = 1.0
            else:
                u = r[i] / (cval * mad)
                w[i] = 0.0 if abs(u) >= 1.0 else (1.0 - u * u) ** 2
        if it == n_iter:
            break
        # weighted normal equations through BLAS (A^T W A, A^T W f): the window's design
        # matrix is tall and thin, where dgemm is several times faster than scalar loops
        for i in range(n):
            for p in range(npar):
                aw[i, p] = w[i] * a[i, p]
        ata = np.dot(aw.T, a)
        atb = np.dot(aw.T, fs)
        for p in range(npar):
            ata[p, p] += 1e-12 * (ata[p, p] + 1e-300)  # a whisker of ridge for rank safety
        new = _solve(ata, atb)
        if np.isnan(new[0]):
            return coef
        coef = new
        model = np.dot(a, coef)
        moved = 0.0
        for i in range(n):
            r[i] = fs[i] - model[i]
            if use[lo + i]:
                moved = max(moved, abs(model[i] - prev[i]))
            prev[i] = model[i]
        if it > 0 and moved <= tol * mad:
            break
    return coef


@njit(cache=True)
def local_harmonic_trend(
    t, f, use, window, spacing, degree, period, n_harm, evolve, n_iter, cval, min_side,
    tol=CONVERGED,
):  # fmt: skip
    """Trend of one sorted, gap-free segment: a robust local polynomial plus harmonics of a
    rotation period (amplitudes constant, or linear in time when ``evolve``), fitted in a window
    around nodes every ``spacing`` days; each point's trend blends the two nearest nodes' models.

    Parameters
    ----------
    t, f : float64[n]
        Times (days) and flux.
    use : bool[n]
        Points allowed in the fits.
    window, spacing : float
        Full width of each local fit and distance between nodes, days.
    degree : int
        Polynomial degree.
    period : float
        Rotation period, days.
    n_harm : int
        Harmonics of ``period`` fitted (1 = the fundamental only).
    evolve : bool
        Let each harmonic's amplitude vary linearly across the window (spot evolution).
    n_iter : int
        Most reweighting iterations (fewer once the model stops moving, see ``tol``).
    cval : float
        Tukey biweight tuning constant in units of the median absolute residual.
    min_side : int
        Fewest usable points on each side of a node for its fit (else the node is skipped and
        its points take the nearest fitted node's model).
    tol : float, optional
        Early stop of the reweighting, as in :func:`local_poly_trend`.
    """
    n = t.size
    half = 0.5 * window
    npar = degree + 1 + 2 * n_harm * (2 if evolve else 1)
    n_nodes = int(np.ceil((t[-1] - t[0]) / spacing)) + 1
    nodes = np.empty(n_nodes)
    coefs = np.empty((n_nodes, npar))
    lo = 0
    hi = 0
    x_lo = np.zeros(n_nodes)  # span of each node's fitted data, in its x units
    x_hi = np.zeros(n_nodes)
    for k in range(n_nodes):
        node = min(t[0] + k * spacing, t[-1])
        nodes[k] = node
        while lo < n and t[lo] < node - half:
            lo += 1
        while hi < n and t[hi] <= node + half:
            hi += 1
        coefs[k, :] = _harm_node_fit(
            t, f, use, lo, hi, node, half, degree, period, n_harm, evolve, n_iter, cval, min_side,
            tol,
        )  # fmt: skip
        first = hi
        last = lo - 1
        for i in range(lo, hi):
            if use[i]:
                if first == hi:
                    first = i
                last = i
        if first < hi:
            x_lo[k] = (t[first] - node) / half
            x_hi[k] = (t[last] - node) / half
    good = np.empty(n_nodes, dtype=np.bool_)
    for k in range(n_nodes):
        good[k] = not np.isnan(coefs[k, 0])
    out = np.full(n, np.nan)
    idx = np.flatnonzero(good)
    if idx.size == 0:
        return out
    row = np.empty(npar)
    j = 0
    for i in range(n):
        while j + 1 < idx.size and nodes[idx[j + 1]] <= t[i]:
            j += 1
        k0 = idx[j]
        k1 = idx[j + 1] if j + 1 < idx.size else k0
        if t[i] <= nodes[k0] or k1 == k0:
            lam = 0.0
        else:
            lam = min(1.0, (t[i] - nodes[k0]) / (nodes[k1] - nodes[k0]))
        v0 = 0.0
        _harm_row(t[i], nodes[k0], half, degree, period, n_harm, evolve, row, x_lo[k0], x_hi[k0])
        for p in range(npar):
            v0 += row[p] * coefs[k0, p]
        v1 = v0
        if lam > 0.0:
            v1 = 0.0
            _harm_row(
                t[i], nodes[k1], half, degree, period, n_harm, evolve, row, x_lo[k1], x_hi[k1]
            )
            for p in range(npar):
                v1 += row[p] * coefs[k1, p]
        out[i] = (1.0 - lam) * v0 + lam * v1
    return out


def local_harmonic_trend_slow(
    t, f, use, window, spacing, degree, period, n_harm, evolve, n_iter, cval, min_side,
    tol=CONVERGED,
):  # fmt: skip
    """NumPy reference of :func:`local_harmonic_trend` (same algorithm, ``np.linalg.solve``)."""
    t = np.asarray(t, dtype=float)
    f = np.asarray(f, dtype=float)
    use = np.asarray(use, dtype=bool)
    half = 0.5 * window

    def design(tt, node, lim=(-np.inf, np.inf)):
        x = np.clip((tt - node) / half, *lim)
        cols = [x**k for k in range(degree + 1)]
        for k in range(1, n_harm + 1):
            ph = 2.0 * np.pi * k * (tt - node) / period
            cols += [np.sin(ph), np.cos(ph)]
            if evolve:
                cols += [x * np.sin(ph), x * np.cos(ph)]
        return np.column_stack(cols)

    npar = degree + 1 + 2 * n_harm * (2 if evolve else 1)
    nodes = np.minimum(
        t[0] + np.arange(int(np.ceil((t[-1] - t[0]) / spacing)) + 1) * spacing, t[-1]
    )
    coefs = np.full((nodes.size, npar), np.nan)
    lims = np.zeros((nodes.size, 2))
    for k, node in enumerate(nodes):
        sel = (t >= node - half) & (t <= node + half)
        tt, ff, uu = t[sel], f[sel], use[sel]
        if uu.any():
            lims[k] = (tt[uu].min() - node) / half, (tt[uu].max() - node) / half
        if tt.size < 2 * npar or uu.sum() < 2 * npar:
            continue
        if (uu & (tt < node)).sum() < min_side or (uu & (tt >= node)).sum() < min_side:
            continue
        a = design(tt, node)
        prev = np.full(ff.size, np.median(ff[uu]))
        r = ff - prev
        coef = None
        for it in range(n_iter + 1):
            mad = np.median(np.abs(r[uu]))
            u = r / (cval * mad) if mad > 0 else np.zeros_like(r)
            w = np.where(uu & (np.abs(u) < 1.0), (1.0 - u**2) ** 2, 0.0)
            if it == n_iter:
                break
            ata = (a * w[:, None]).T @ a
            ata[np.diag_indices(npar)] *= 1.0 + 1e-12
            coef = np.linalg.solve(ata, (a * w[:, None]).T @ ff)
            model = a @ coef
            moved = np.max(np.abs(model - prev)[uu])
            prev = model
            r = ff - model
            if it > 0 and moved <= tol * mad:
                break
        coefs[k] = coef
    good = np.flatnonzero(np.isfinite(coefs[:, 0]))
    out = np.full(t.size, np.nan)
    if good.size == 0:
        return out
    j = np.clip(np.searchsorted(nodes[good], t, side="right") - 1, 0, good.size - 1)
    k0 = good[j]
    k1 = good[np.minimum(j + 1, good.size - 1)]
    gap = nodes[k1] - nodes[k0]
    lam = np.where(
        (t > nodes[k0]) & (k1 != k0),
        np.clip((t - nodes[k0]) / np.where(gap > 0, gap, 1.0), 0.0, 1.0),
        0.0,
    )
    for i in range(t.size):
        v0 = design(t[i : i + 1], nodes[k0[i]], lims[k0[i]])[0] @ coefs[k0[i]]
        v1 = design(t[i : i + 1], nodes[k1[i]], lims[k1[i]])[0] @ coefs[k1[i]] if lam[i] > 0 else v0
        out[i] = (1.0 - lam[i]) * v0 + lam[i] * v1
    return out
