"""JSON plot specifications of a star's panels, drawn in the browser by ``static/plot.js``.

Each panel is a dict ``{"id", "title", "xlabel", "ylabel", "logx", "series", "vlines"}``; a
series is ``{"label", "kind": "points"|"line"|"markers", "color", "x", "y"}``. Long series are
thinned to ``max_points`` (every n-th point; in-transit points are always kept) so that a page
of a 70,000-point light curve stays small.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..fold import bin_phase, phase_fold, transit_number
from ..plotting import _break_gaps, raw_as_relative

__all__ = ["COLORS", "star_plot_data"]

COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def _list(a, digits: int = 7) -> list:
    a = np.asarray(a, dtype=float)
    out = np.round(a, digits)
    return [None if not np.isfinite(v) else float(v) for v in out]


def _thin(n: int, max_points: int, keep=None) -> np.ndarray:
    idx = np.arange(n)
    if n <= max_points:
        return idx
    step = int(np.ceil(n / max_points))
    sel = (idx % step) == 0
    if keep is not None:
        sel |= keep
    return idx[sel]


def _thinned(x, y, max_points: int):
    idx = _thin(len(x), max_points)
    return np.asarray(x)[idx], np.asarray(y)[idx]


def _series(label, kind, color, x, y, digits=7) -> dict[str, Any]:
    return {
        "label": label,
        "kind": kind,
        "color": color,
        "x": _list(x, digits),
        "y": _list(y, digits),
    }


def _panel(pid, title, xlabel, ylabel, series, *, vlines=(), logx=False) -> dict[str, Any]:
    return {
        "id": pid,
        "title": title,
        "xlabel": xlabel,
        "ylabel": ylabel,
        "logx": logx,
        "series": list(series),
        "vlines": list(vlines),
    }


def star_plot_data(analysis, *, max_points: int = 6000, max_candidates: int = 4) -> dict[str, Any]:
    """Plot specifications for one star (light curves, periodogram, per-candidate folds).

    Parameters
    ----------
    analysis : `~starskope.pipeline.Analysis`
        The pipeline's products.
    max_points : int, optional
        Most points of a thinned series.
    max_candidates : int, optional
        Per-candidate panels for at most this many candidates.

    Returns
    -------
    dict
        ``{"panels": [...], "candidates": [[folded, odd_even, secondary], ...]}``.
    """
    from ..plotting import time_label

    res = analysis.result
    cands = tuple(res.candidates)[:max_candidates]
    fits = tuple(analysis.fits or ())
    raw, cleaned, flat = analysis.raw, analysis.cleaned, analysis.flat
    tl = time_label(flat.time_format)

    i_raw = _thin(len(raw), max_points)
    i_cl = _thin(len(cleaned), max_points)
    rel = raw_as_relative(raw)  # None: offsets of no stated unit, not on this scale
    raw_panel = _panel(
        "raw",
        "Raw and cleaned flux with the trend" if rel is not None else "Cleaned flux with the trend",
        tl,
        "Relative flux",
        [
            *(
                []
                if rel is None
                else [_series("raw", "points", "#bbbbbb", raw.t[i_raw], rel[i_raw])]
            ),
            _series("cleaned", "points", "#222222", cleaned.t[i_cl], cleaned.flux[i_cl]),
            _series(
                "trend",
                "line",
                "#d62728",
                *_break_gaps(cleaned.t[i_cl], np.asarray(analysis.trend)[i_cl]),
            ),
        ],
    )

    t, f = flat.t, flat.flux
    intr_any = np.zeros(len(t), dtype=bool)
    intr = []
    for c in cands:
        m = np.abs(phase_fold(t, period=c.period_days, t0=c.t0)) < 0.5 * c.duration_hours / 24
        intr.append(m)
        intr_any |= m
    i_fl = _thin(len(t), max_points, keep=intr_any)
    series = [_series("flattened", "points", "#222222", t[i_fl], f[i_fl])]
    vlines = []
    finite_t = t[np.isfinite(t)]
    for k, (c, m) in enumerate(zip(cands, intr, strict=True)):
        col = COLORS[k % len(COLORS)]
        series.append(_series(f"#{k + 1} in transit", "points", col, t[m], f[m]))
        if finite_t.size:
            n0 = np.ceil((finite_t.min() - c.t0) / c.period_days)
            n1 = np.floor((finite_t.max() - c.t0) / c.period_days)
            for e in c.t0 + c.period_days * np.arange(n0, n1 + 1)[:500]:
                vlines.append({"x": float(e), "color": col, "dash": True, "label": ""})
    flat_panel = _panel(
        "flat", "Detrended light curve, transits marked", tl, "Relative flux", series, vlines=vlines
    )

    panels = [raw_panel, flat_panel]
    pg = analysis.searches[0].periodogram if analysis.searches else None
    if pg is not None and np.size(pg.period):
        y = np.asarray(pg.sde, dtype=float)
        use_sde = y.shape == np.shape(pg.period) and np.isfinite(y).any()
        if not use_sde:
            y = np.asarray(pg.power, dtype=float)
        per = np.asarray(pg.period, dtype=float)
        idx = _thin(per.size, 4 * max_points)
        vl = []
        for k, c in enumerate(cands):
            col = COLORS[k % len(COLORS)]
            vl.append({"x": c.period_days, "color": col, "dash": False, "label": f"P{k + 1}"})
            for a, name in ((0.5, "P/2"), (2.0, "2P")):
                p = a * c.period_days
                if per.min() <= p <= per.max():
                    vl.append({"x": p, "color": col, "dash": True, "label": name})
        panels.append(
            _panel(
                "periodogram",
                "Periodogram: candidates (solid) and aliases P/2, 2P (dashed)",
                "Period [d]",
                f"{pg.method.upper()} {'SDE' if use_sde else 'power'}",
                [_series("periodogram", "line", "#222222", per[idx], y[idx], 6)],
                vlines=vl,
                logx=True,
            )
        )

    per_cand = []
    ok = np.isfinite(t) & np.isfinite(f)
    tt, ff = t[ok], f[ok]
    for k, c in enumerate(cands):
        col = COLORS[k % len(COLORS)]
        dur = c.duration_hours / 24.0
        half = min(3.0 * dur, 0.5 * c.period_days)
        ph = phase_fold(tt, period=c.period_days, t0=c.t0)
        near = np.abs(ph) < half
        n_bins = int(np.clip(16 * half / max(dur, 1e-6), 20, 200))
        mean, count = bin_phase(ph[near], ff[near], lo=-half, hi=half, n_bins=n_bins)
        centres = -half + (np.arange(n_bins) + 0.5) * (2 * half / n_bins)
        good = count > 0
        s = [
            _series("data", "points", "#aaaaaa", *_thinned(ph[near] * 24, ff[near], max_points)),
            _series("binned", "markers", "#000000", centres[good] * 24, mean[good]),
        ]
        fit = fits[k] if k < len(fits) else None
        if fit is not None and getattr(fit, "success", False):
            grid = np.linspace(-half, half, 400)
            s.append(_series("transit fit", "line", col, grid * 24, fit.model(c.t0 + grid)))
        folded = _panel(
            f"folded-{k + 1}",
            f"#{k + 1} folded at P = {c.period_days:.5f} d",
            "Hours from mid-transit",
            "Relative flux",
            s,
        )
        parity = transit_number(tt, period=c.period_days, t0=c.t0) % 2
        oe = []
        for par, name, color in ((1, "odd", "#1f77b4"), (0, "even", "#ff7f0e")):
            sel = near & (parity == par)
            oe.append(
                _series(name, "points", color, *_thinned(ph[sel] * 24, ff[sel], max_points // 2))
            )
        flag = next((v for v in c.vetting if v.name == "odd_even"), None)
        odd_even = _panel(
            f"oddeven-{k + 1}",
            "Odd vs even transits"
            + (f": {flag.value:.1f} sigma" if flag is not None and flag.value is not None else ""),
            "Hours from mid-transit",
            "Relative flux",
            oe,
        )
        ph2 = phase_fold(tt, period=c.period_days, t0=c.t0 + 0.5 * c.period_days)
        near2 = np.abs(ph2) < half
        m2, n2 = bin_phase(ph2[near2], ff[near2], lo=-half, hi=half, n_bins=n_bins)
        g2 = n2 > 0
        sec = _panel(
            f"secondary-{k + 1}",
            "Secondary eclipse window (phase 0.5)",
            "Hours from phase 0.5",
            "Relative flux",
            [
                _series(
                    "data", "points", "#aaaaaa", *_thinned(ph2[near2] * 24, ff[near2], max_points)
                ),
                _series("binned", "markers", "#000000", centres[g2] * 24, m2[g2]),
            ],
        )
        per_cand.append([folded, odd_even, sec])
    return {"panels": panels, "candidates": per_cand}
