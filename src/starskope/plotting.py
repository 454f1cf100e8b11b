"""Diagnostic plots: one PNG per star, and the panels it is made of.

Matplotlib is imported inside the functions (never at ``import starskope``), and figures are
built with `matplotlib.figure.Figure` and the Agg canvas, so no global pyplot state or GUI
backend is touched and nothing needs closing. Each panel function draws on an ``ax`` you pass,
so the panels can be reused in notebooks and reports.

Panels: raw flux with the detrending trend; flattened flux with each candidate's transits
marked; the periodogram with the candidates and their aliases (P/2, 2P); per candidate, the
folded light curve with the fitted transit model, and odd versus even transits.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import numpy as np

from .exceptions import StarskopeError
from .fold import bin_phase, phase_fold, transit_number

__all__ = [
    "TIME_LABELS",
    "plot_diagnostics",
    "plot_flattened",
    "plot_folded",
    "plot_lightcurve",
    "plot_odd_even",
    "plot_periodogram",
    "plot_raw",
    "time_label",
]

#: Axis label for each time format of `~starskope.lightcurve.LightCurve`.
TIME_LABELS = {
    "btjd": "Time [BTJD]",
    "bkjd": "Time [BKJD]",
    "jd": "Time [BJD_TDB]",
    "relative": "Time [d]",
}

_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown")
_POINT = dict(ls="none", marker=".", ms=1.5, rasterized=True)


def time_label(time_format: str) -> str:
    """Axis label for a time format, e.g. ``"Time [BTJD]"``."""
    return TIME_LABELS.get(time_format, "Time [d]")


def _color(i: int) -> str:
    return _COLORS[i % len(_COLORS)]


def _relative(flux: np.ndarray) -> np.ndarray:
    med = np.nanmedian(flux) if np.isfinite(flux).any() else 1.0
    return flux / med if np.isfinite(med) and med != 0 else flux


def raw_as_relative(lc) -> np.ndarray | None:
    """A light curve's flux as read, as relative flux to draw beside the cleaned one: divided
    by its median when it has a positive level, magnitudes and offsets in ppm, ppt or per cent
    converted; None for offsets of no stated unit (``flux - 1``, mean-subtracted Kaggle rows),
    which have no level to put on that scale (dividing by their median flips or blows them
    up, and the cleaned flux beside them becomes a flat line)."""
    from .clean.masking import has_flux_level, unit_offsets
    from .units import is_magnitude_unit, magnitudes_to_flux

    flux = np.asarray(lc.flux, dtype=float)
    if is_magnitude_unit(lc.meta.flux_unit):
        return magnitudes_to_flux(flux)[0]
    offsets = unit_offsets(flux, None, lc.meta.flux_unit)
    if offsets is not None:
        return offsets[0]
    return _relative(flux) if has_flux_level(flux) else None


def _plain_time_axis(ax) -> None:
    """Whole day numbers on a time axis (BJD_TDB 2455005, not "+2.455e6" beside 0.2)."""
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")


def _legend_above(ax, **kw) -> None:
    """A legend above the panel's top right corner, where it hides no data or marker."""
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, borderaxespad=0.1, **kw)


def _break_gaps(x, y):
    """Insert a NaN into a time-ordered line where the data have a gap (> 5 median steps), so
    that no line is drawn across it (the diagnostic PNG and the app's plots alike)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < 3:
        return x, y
    dx = np.diff(x)
    step = np.nanmedian(dx)
    if not (np.isfinite(step) and step > 0):
        return x, y
    cut = np.flatnonzero(dx > 5 * step) + 1
    return np.insert(x, cut, np.nan), np.insert(y, cut, np.nan)


def _limits(ax, y: np.ndarray, *, lo_q=0.1, hi_q=99.9, pad=0.15) -> None:
    """Robust y-limits that keep deep transits but ignore a few wild points; plain tick
    labels (no "+1" offset)."""
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    y = y[np.isfinite(y)]
    if y.size < 3:
        return
    lo, hi = np.percentile(y, [lo_q, hi_q])
    if hi > lo:
        span = hi - lo
        ax.set_ylim(lo - pad * span, hi + pad * span)


# --------------------------------------------------------------------------- panels
def plot_raw(raw, *, cleaned=None, trend=None, ax):
    """Raw flux (grey), cleaned flux (black) and the detrending trend (red).

    Parameters
    ----------
    raw : `~starskope.lightcurve.LightCurve`
        The light curve as read; shown as relative flux (:func:`raw_as_relative`), or not at
        all when it is offsets of no stated unit.
    cleaned : `~starskope.lightcurve.LightCurve`, optional
        After quality masking, clipping and per-segment normalisation.
    trend : array-like, optional
        The trend divided out of ``cleaned`` (same length).
    ax : `matplotlib.axes.Axes`
        Where to draw.

    Returns
    -------
    `matplotlib.axes.Axes`
    """
    rel = raw_as_relative(raw)
    if rel is not None:  # (offsets of no stated unit have no place on this scale)
        ax.plot(raw.t, rel, color="0.75", label="raw", **_POINT)
    shown = rel if rel is not None else np.ones(1)
    if cleaned is not None:
        ax.plot(cleaned.t, cleaned.flux, color="k", label="cleaned", **_POINT)
        shown = cleaned.flux
        if trend is not None and np.size(trend) == len(cleaned):
            ax.plot(*_break_gaps(cleaned.t, trend), color="tab:red", lw=1.0, label="trend")
    _limits(ax, np.asarray(shown, dtype=float))
    _plain_time_axis(ax)
    ax.set_xlabel(time_label(raw.time_format))
    ax.set_ylabel("Relative flux")
    _legend_above(ax, fontsize=7, markerscale=6, ncol=3)
    return ax


def plot_lightcurve(lc, *, ax, **kwargs):
    """A light curve's flux against time, divided by its median when that is a positive level
    (flux around zero, such as ``flux - 1`` or ppm, is drawn as it is; magnitudes are drawn as
    relative flux, so a transit dips).

    Parameters
    ----------
    lc : `~starskope.lightcurve.LightCurve`
    ax : `matplotlib.axes.Axes`
        Where to draw.
    **kwargs
        Passed to `matplotlib.axes.Axes.plot` (default: small black points).

    Returns
    -------
    `matplotlib.axes.Axes`
    """
    from .clean.masking import has_flux_level
    from .units import is_magnitude_unit, magnitudes_to_flux

    flux = np.asarray(lc.flux, dtype=float)
    mags = is_magnitude_unit(lc.meta.flux_unit)
    if mags:  # brighter is smaller: drawn as flux, so a transit dips
        flux = magnitudes_to_flux(flux)[0]
    relative = mags or has_flux_level(flux)
    y = _relative(flux) if relative else flux
    style = {**_POINT, "color": "k", **kwargs}
    ax.plot(lc.t, y, **style)
    _limits(ax, y)
    _plain_time_axis(ax)
    ax.set_xlabel(time_label(lc.time_format))
    label = "Relative flux (from magnitudes)" if mags else "Relative flux"
    ax.set_ylabel(label if relative else f"Flux [{lc.meta.flux_unit or 'as given'}]")
    if lc.meta.target:
        ax.set_title(lc.meta.target, fontsize=9, loc="left")
    if "label" in kwargs:
        _legend_above(ax, fontsize=7, markerscale=6)
    return ax


def _as_candidates(candidates) -> list:
    """Candidates as objects: a ``Candidate``, or its JSON form (``c.to_dict()``, a line of
    ``search --json`` read back)."""
    from .result import Candidate

    return [Candidate.from_dict(c) if isinstance(c, dict) else c for c in candidates]


def plot_flattened(flat, *, candidates=(), ax):
    """Flattened flux with each candidate's in-transit points coloured and transits ticked.

    Parameters
    ----------
    flat : `~starskope.lightcurve.LightCurve`
        The detrended light curve.
    candidates : sequence of `~starskope.result.Candidate` (or their ``to_dict()`` form)
        Each is drawn in its own colour (same order as the folded panels).
    ax : `matplotlib.axes.Axes`
        Where to draw.

    Returns
    -------
    `matplotlib.axes.Axes`
    """
    candidates = _as_candidates(candidates)
    t, f = flat.t, flat.flux
    ax.plot(t, f, color="k", **_POINT)
    _limits(ax, f)
    ylo, yhi = ax.get_ylim()
    shown = [dataclasses.replace(c, t0=_epoch_in(flat, c)) for c in candidates]
    dips = [
        np.abs(phase_fold(t, period=c.period_days, t0=c.t0)) < 0.5 * c.duration_hours / 24.0
        for c in shown
    ]
    if dips:  # the robust limits must not cut off the points a candidate rests on
        inside = f[np.logical_or.reduce(dips) & np.isfinite(f)]
        if inside.size:
            span = yhi - ylo
            ylo = min(ylo, float(inside.min()) - 0.15 * span)  # below them: the ticks
            yhi = max(yhi, float(inside.max()) + 0.05 * span)
    finite_t = t[np.isfinite(t)]
    for i, (c, intr) in enumerate(zip(shown, dips, strict=True)):
        ax.plot(t[intr], f[intr], color=_color(i), **{**_POINT, "ms": 2.5})
        if finite_t.size:
            n0 = np.ceil((finite_t.min() - c.t0) / c.period_days)
            n1 = np.floor((finite_t.max() - c.t0) / c.period_days)
            epochs = c.t0 + c.period_days * np.arange(n0, n1 + 1)
            y = ylo + (0.04 + 0.05 * i) * (yhi - ylo)
            ax.plot(
                epochs,
                np.full(epochs.size, y),
                ls="none",
                marker="^",
                ms=5,
                color=_color(i),
                label=f"P = {c.period_days:.4f} d",
            )
    ax.set_ylim(ylo, yhi)
    _plain_time_axis(ax)
    ax.set_xlabel(time_label(flat.time_format))
    ax.set_ylabel("Relative flux (flattened)")
    if len(candidates):
        _legend_above(ax, fontsize=7, ncol=min(4, len(candidates)))
    return ax


def plot_periodogram(periodogram, *, candidates=(), ax):
    """The periodogram (SDE when available) with candidates and their P/2, 2P aliases.

    Parameters
    ----------
    periodogram : `~starskope.search.base.Periodogram` or None
        The first search pass's periodogram; None draws an empty panel saying so.
    candidates : sequence of `~starskope.result.Candidate` (or their ``to_dict()`` form)
        Marked with solid lines; their aliases with dotted lines in the same colour.
    ax : `matplotlib.axes.Axes`
        Where to draw.

    Returns
    -------
    `matplotlib.axes.Axes`
    """
    candidates = _as_candidates(candidates)
    if periodogram is None or np.size(periodogram.period) == 0:
        ax.text(0.5, 0.5, "no periodogram", ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel("Period [d]")
        return ax
    period = np.asarray(periodogram.period, dtype=float)
    sde = np.asarray(periodogram.sde, dtype=float)
    use_sde = sde.shape == period.shape and np.isfinite(sde).any()
    y = sde if use_sde else np.asarray(periodogram.power, dtype=float)
    from matplotlib.ticker import FormatStrFormatter

    ax.plot(period, y, color="k", lw=0.6)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())  # no "6x10^-1" between the decades
    lo, hi = float(period.min()), float(period.max())
    # a candidate outside the searched periods (one beyond the grid, found at half its period;
    # one from a later pass's own grid) widens the axis, and the grid's end is marked
    ps = [float(c.period_days) for c in candidates if np.isfinite(c.period_days)]
    xlo, xhi = min([lo, *[p / 1.1 for p in ps]]), max([hi, *[1.1 * p for p in ps]])
    ax.set_xlim(xlo, xhi)
    for edge, outside, text, ha in (
        (lo, xlo < lo, " shortest period searched", "left"),
        (hi, xhi > hi, "longest period searched ", "right"),
    ):
        if outside:
            ax.axvline(edge, color="0.5", lw=0.8, ls="--")
            ax.text(edge, 0.97, text, fontsize=7, color="0.4", ha=ha, va="top",
                    transform=ax.get_xaxis_transform())  # fmt: skip
    for i, c in enumerate(candidates):
        p = c.period_days
        beyond = not lo <= p <= hi
        ax.axvline(
            p,
            color=_color(i),
            lw=1.5,
            alpha=0.8,
            label=f"P = {p:.4f} d" + (" (beyond the searched periods)" if beyond else ""),
        )
        for a in (0.5 * p, 2.0 * p):
            if xlo <= a <= xhi:
                ax.axvline(a, color=_color(i), lw=1.0, ls=":", alpha=0.8)
    ax.set_xlabel("Period [d]")
    ax.set_ylabel(f"{periodogram.method.upper()} {'SDE' if use_sde else 'power'}")
    if len(candidates):
        _legend_above(ax, fontsize=7, ncol=min(4, len(candidates)))
        ax.text(0.0, 1.02, "dotted: P/2 and 2P", fontsize=7, transform=ax.transAxes, va="bottom")
    return ax


def _fold_window(c) -> tuple[float, float]:
    dur = c.duration_hours / 24.0
    return dur, min(3.0 * dur, 0.5 * c.period_days)


def _epoch_in(lc, c) -> float:
    """A candidate's epoch in the light curve's own time system (its ``t0`` is in
    ``t0_format``; a light curve converted with ``to_bjd()`` counts from another zero)."""
    fmt = getattr(c, "t0_format", None)
    if fmt in (None, lc.time_format) or c.t0_bjd is None or lc.time_format == "relative":
        return c.t0
    return float(c.t0_bjd - lc.bjd_offset)


def plot_folded(flat, *, candidate, fit=None, ax, color="tab:red", index=None):
    """Folded light curve around the transit, binned, with the fitted model.

    Parameters
    ----------
    flat : `~starskope.lightcurve.LightCurve`
        The detrended light curve.
    candidate : `~starskope.result.Candidate` (or its ``to_dict()`` form)
        Its period, epoch and duration set the fold and the +-3-duration window.
    fit : `~starskope.fit.TransitFit`, optional
        Drawn over the data when given and successful.
    ax : `matplotlib.axes.Axes`
        Where to draw.
    color : str, optional
        Colour of the model and title marker.
    index : int, optional
        Candidate number for the title.

    Returns
    -------
    `matplotlib.axes.Axes`
    """
    candidate = _as_candidates([candidate])[0]
    c = dataclasses.replace(candidate, t0=_epoch_in(flat, candidate))
    fold = c  # folded on the fit's ephemeris and duration when the fit succeeded: the search
    # grid's are coarser (a dip off phase 0, a window cut to the grid's duration)
    ex = c.extra or {}
    fitted = fit is not None and bool(getattr(fit, "success", False))
    keys = ("fit_t0", "fit_period_days", "fit_duration_hours")
    if fitted and all(isinstance(ex.get(k), int | float) and np.isfinite(ex[k]) for k in keys):
        fold = dataclasses.replace(
            c,
            t0=c.t0 + (float(ex["fit_t0"]) - candidate.t0),
            period_days=float(ex["fit_period_days"]),
            duration_hours=float(ex["fit_duration_hours"]),
        )
    dur, half = _fold_window(fold)
    ok = np.isfinite(flat.t) & np.isfinite(flat.flux)
    t, f = flat.t[ok], flat.flux[ok]
    ph = phase_fold(t, period=fold.period_days, t0=fold.t0)
    near = np.abs(ph) < half
    ax.plot(ph[near] * 24, f[near], color="0.6", **_POINT)
    n_bins = int(np.clip(16 * half / dur, 20, 200))
    mean, count = bin_phase(ph[near], f[near], lo=-half, hi=half, n_bins=n_bins)
    centres = -half + (np.arange(n_bins) + 0.5) * (2 * half / n_bins)
    good = count > 0
    ax.plot(centres[good] * 24, mean[good], "o", color="k", ms=2.5, label="binned")
    if fit is not None and getattr(fit, "success", False):
        grid = np.linspace(-half, half, 600)
        # the fit's own time system (the candidate's), whatever the light curve's
        model = fit.model(fold.t0 - (c.t0 - candidate.t0) + grid)
        ax.plot(grid * 24, model, color=color, lw=1.5, label="transit fit")
    if near.sum() > 10 * n_bins and good.sum() > 3:
        # many points a bin (short cadence): their scatter would flatten a shallow dip to a
        # line, so the binned means set the range and the grey points may run past it
        _limits(ax, mean[good], lo_q=0.0, hi_q=100.0, pad=1.0)
    else:
        _limits(ax, np.concatenate([f[near], mean[good]]) if near.any() else f)
    raised = [v.name for v in c.vetting if v.raised]
    title = (
        f"{'' if index is None else f'#{index + 1}  '}P = {c.period_days:.5f} d, "
        f"depth {c.depth_ppm:.0f} ppm, {c.duration_hours:.2f} h"
        + (f" (fit {fold.duration_hours:.2f} h)" if fold is not c else "")
        + f", SNR {c.snr:.1f}"
    )
    if c.is_planet_like:
        verdict = "planet-like" + (f" (note: {', '.join(raised)})" if raised else "")
    else:
        verdict = "not planet-like; flags: " + (", ".join(raised) or "none")
    if c.known:  # what the catalogues say of it ("known false positive K00114.01")
        verdict += f"; {c.known}"
    ax.set_title(title + "\n" + verdict, fontsize=8, color=color)
    ax.set_xlabel("Hours from mid-transit" + (" (fit ephemeris)" if fold is not c else ""))
    ax.set_ylabel("Relative flux")
    ax.set_xlim(-half * 24, half * 24)
    ax.legend(loc="lower right", fontsize=7)
    return ax


def plot_odd_even(flat, *, candidate, ax, exclude=None):
    """Odd (left) and even (right) transits side by side, each with the depth the odd/even
    vetting test measured (:func:`starskope.vet.odd_even_depths`: the single transits' depths,
    each against its own neighbours).

    Parameters
    ----------
    flat : `~starskope.lightcurve.LightCurve`
        The detrended light curve.
    candidate : `~starskope.result.Candidate` (or its ``to_dict()`` form)
        Its ephemeris; transit 0 (at ``t0``) is even.
    ax : `matplotlib.axes.Axes`
        Where to draw.
    exclude : array-like of bool, optional
        Cadences the test left out (the star's other candidates' transits), as vetting did.

    Returns
    -------
    `matplotlib.axes.Axes`
    """
    candidate = _as_candidates([candidate])[0]
    from .vet import odd_even_depths

    c = dataclasses.replace(candidate, t0=_epoch_in(flat, candidate))
    dur, half = _fold_window(c)
    half = min(half, 2.0 * dur)
    try:
        depths = odd_even_depths(
            flat.t, flat.flux, flat.flux_err, period=c.period_days, t0=c.t0, duration=dur,
            exclude=exclude,
        )  # fmt: skip
    except StarskopeError:
        depths = None
    ok = np.isfinite(flat.t) & np.isfinite(flat.flux)
    t, f = flat.t[ok], flat.flux[ok]
    ph = phase_fold(t, period=c.period_days, t0=c.t0)
    parity = transit_number(t, period=c.period_days, t0=c.t0) % 2
    near = np.abs(ph) < half
    base = np.median(f[near & (np.abs(ph) > dur)]) if np.any(near & (np.abs(ph) > dur)) else 1.0
    gap = 0.3 * half
    parts: list[str] = []  # each parity's depth, (transits): the title's second line
    for par, name, color, shift in (
        (1, "odd", "tab:blue", -half - gap),
        (0, "even", "tab:orange", half + gap),
    ):
        sel = near & (parity == par)
        x = (ph[sel] + shift) * 24
        ax.plot(x, f[sel], color=color, **{**_POINT, "alpha": 0.5})
        if sel.any():
            n_bins = int(np.clip(12 * half / dur, 12, 100))
            mean, count = bin_phase(ph[sel], f[sel], lo=-half, hi=half, n_bins=n_bins)
            centres = -half + (np.arange(n_bins) + 0.5) * (2 * half / n_bins)
            good = count > 0
            ax.plot(
                (centres[good] + shift) * 24, mean[good], "o", color=color, ms=3, mec="k", mew=0.3
            )
        if depths is not None:
            d, e, k = depths[name], depths[f"{name}_err"], depths[f"n_{name}"]
            ax.hlines(
                base - d, (shift - 0.5 * dur) * 24, (shift + 0.5 * dur) * 24, color=color, lw=2
            )
            parts.append(f"{name} {d * 1e6:.0f} ± {e * 1e6:.0f} ppm ({k} tr.)")
        elif not sel.any():
            parts.append(f"no {name} transit")
        elif not (near & (parity == 1 - par)).any():  # drawn, but nothing to compare it with
            parts.append(f"{name}: shown, not compared")
        else:
            parts.append(f"{name}: not measured")
    ax.axhline(base, color="0.5", lw=0.6, ls="--")
    ax.set_xlim(-(2 * half + gap) * 24, (2 * half + gap) * 24)
    _limits(ax, f[near] if near.any() else f)
    flag = next((v for v in c.vetting if v.name == "odd_even"), None)
    head = "odd/even"
    if flag is not None and flag.value is not None:
        how = " (medians)" if depths is not None and depths["how"] else ""
        head = f"odd/even: {flag.value:.1f} sigma{how}"
    elif flag is not None:
        head = "odd/even: not testable"
    ax.set_title(
        head + "\n" + ", ".join(parts),
        fontsize=8,
        color="tab:red" if flag is not None and flag.raised else "k",
    )
    ax.set_xlabel("Hours from mid-transit (odd left, even right)")
    ax.set_ylabel("Relative flux")
    return ax


def _others_in_transit(flat, candidates, i: int) -> np.ndarray | None:
    """Cadences of ``flat`` in the transits of the candidates other than ``i`` that vetting
    left out when it tested candidate ``i``, by the pipeline's own rules
    (:func:`starskope.pipeline._others_mask`: not another candidate that is the same source,
    nor a lone transit where one of ``i``'s went missing, moved by timing variations; then
    :func:`starskope.vet.base.others_left_out`). The panels left out every other candidate's
    transits, so they could differ from what the tests measured."""
    from types import SimpleNamespace

    from .pipeline import _others_mask
    from .vet.base import others_left_out

    def signal(c):
        return SimpleNamespace(
            period=float(c.period_days),
            t0=float(_epoch_in(flat, c)),
            duration=float(c.duration_hours) / 24.0,
            depth=float(c.depth_ppm) * 1e-6,
        )

    s = signal(candidates[i])
    others = [signal(o) for j, o in enumerate(candidates) if j != i]
    mask = _others_mask(flat.t, others, s, flux=flat.flux)
    if mask is None:
        return None
    valid = np.isfinite(flat.t) & np.isfinite(flat.flux)
    return others_left_out(flat.t, mask, period=s.period, t0=s.t0, duration=s.duration, valid=valid)


# --------------------------------------------------------------------------- the figure
#: File types a diagnostic plot can be written as (matplotlib's); any other path is a folder.
_IMAGE_SUFFIXES = frozenset({".png", ".pdf", ".svg", ".jpg", ".jpeg", ".eps", ".ps", ".tif"})


def _output_path(path, result) -> Path:
    path = Path(path)
    if path.suffix.lower() in _IMAGE_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    path.mkdir(parents=True, exist_ok=True)
    stem = result.target or (Path(result.path).name.split(".")[0] if result.path else "star")
    return path / (re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_") + ".png")


def plot_diagnostics(analysis: Any, *, path, max_candidates: int = 4, dpi: int = 90) -> Path:
    """Draw one diagnostic PNG for a star.

    Parameters
    ----------
    analysis : `~starskope.pipeline.Analysis`
        Anything with ``result`` (`~starskope.result.StarResult`), ``raw``, ``cleaned``,
        ``flat`` (`~starskope.lightcurve.LightCurve`), ``trend`` (array, len(cleaned)),
        ``searches`` (tuple of `~starskope.search.base.SearchResult`) and ``fits`` (one
        `~starskope.fit.TransitFit` or None per candidate of ``result``).
    path : str or `~pathlib.Path`
        A ``.png`` (or ``.pdf``, ``.svg``, ...) file, or a directory (a PNG named after the
        target is written there).
    max_candidates : int, optional
        Draw folded and odd/even panels for at most this many candidates.
    dpi : int, optional
        Resolution.

    Returns
    -------
    `~pathlib.Path`
        The file written.
    """
    from matplotlib.figure import Figure

    from .result import StarResult

    if isinstance(analysis, StarResult) or not hasattr(analysis, "flat"):
        raise StarskopeError(
            "plot_diagnostics draws a pipeline run with its light curves: pass"
            " starskope.pipeline.analyse_full(lc), not the StarResult of analyse(lc)"
        )
    res = analysis.result
    cands = tuple(res.candidates)[:max_candidates]
    fits = tuple(getattr(analysis, "fits", ()) or ())
    n = len(cands)
    height = 7.2 + 2.8 * max(n, 1)
    fig = Figure(figsize=(12, height), dpi=dpi)
    # a fixed layout: constrained layout would double the drawing time
    grid = fig.add_gridspec(
        3 + max(n, 1),
        3,
        height_ratios=[1, 1, 0.9] + [1.25] * max(n, 1),
        left=0.075,
        right=0.985,
        bottom=0.45 / height,
        top=1 - 0.55 / height,
        hspace=0.62,
        wspace=0.28,
    )

    plot_raw(
        analysis.raw, cleaned=analysis.cleaned, trend=analysis.trend, ax=fig.add_subplot(grid[0, :])
    )
    plot_flattened(analysis.flat, candidates=cands, ax=fig.add_subplot(grid[1, :]))
    searches = tuple(getattr(analysis, "searches", ()) or ())
    pg = searches[0].periodogram if searches else None
    plot_periodogram(pg, candidates=cands, ax=fig.add_subplot(grid[2, :]))
    for i, c in enumerate(cands):
        fit = fits[i] if i < len(fits) else None
        plot_folded(
            analysis.flat,
            candidate=c,
            fit=fit,
            ax=fig.add_subplot(grid[3 + i, :2]),
            color=_color(i),
            index=i,
        )
        plot_odd_even(
            analysis.flat,
            candidate=c,
            ax=fig.add_subplot(grid[3 + i, 2]),
            exclude=_others_in_transit(analysis.flat, res.candidates, i),
        )
    if n == 0:
        ax = fig.add_subplot(grid[3, :])
        ax.axis("off")
        import textwrap

        why = (
            " ".join(r.strip().rstrip(".") + "." for r in res.reasons)
            if res.reasons
            else "No periodic signal passed the search."
        )
        text = textwrap.fill(f"No candidate. {why}", width=150)
        ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=9)

    status = "CANDIDATE" if res.is_candidate else "no planet-like candidate"
    if len(res.candidates) > n:
        status += f"  (panels for the first {n} of {len(res.candidates)} signals)"
    name = res.target or (Path(res.path).name if res.path else "")
    fig.suptitle(
        f"{name}  [{res.mission or '?'}]  {status}"
        + (f"  score {res.score:.2f}" if res.score is not None else ""),
        fontsize=11,
    )
    out = _output_path(path, res)
    # light zlib compression: PNG encoding was a third of the time at the default level
    extra = {"pil_kwargs": {"compress_level": 2}} if out.suffix.lower() == ".png" else {}
    fig.savefig(out, dpi=dpi, **extra)
    return out
