"""The report's figures: each diagnostic panel drawn alone and encoded as a base64 PNG.

The light-curve panels come from :mod:`starskope.plotting`; this module adds the two the
diagnostic figure lacks (the secondary-eclipse fold at phase 0.5, and the model explanation)
and turns each figure into a ``data:`` URI so that a page needs no other file.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "CandidatePanels",
    "StarPanels",
    "explanation_values",
    "plot_explanation",
    "plot_secondary",
    "png_data_uri",
    "star_panels",
]


@dataclass(frozen=True)
class CandidatePanels:
    """The per-candidate images (``data:image/png;base64,...`` URIs)."""

    folded: str
    odd_even: str
    secondary: str


@dataclass(frozen=True)
class StarPanels:
    """Every image of one star's page (``data:`` URIs; None where there is nothing to draw)."""

    raw: str
    flattened: str
    periodogram: str
    candidates: tuple[CandidatePanels, ...]
    explanation: str | None = None


def png_data_uri(fig, *, dpi: int = 80) -> str:
    """Encode a matplotlib `~matplotlib.figure.Figure` as a ``data:image/png;base64`` URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 6})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    ax = fig.add_subplot(1, 1, 1)
    fig.subplots_adjust(left=min(0.3, 0.9 / width), right=0.98, bottom=0.6 / height, top=0.86)
    return fig, ax


def plot_secondary(flat, *, candidate, ax, exclude=None):
    """The light curve folded at phase 0.5 of a candidate, where a secondary eclipse would be.

    Parameters
    ----------
    flat : `~starskope.lightcurve.LightCurve`
        The detrended light curve.
    candidate : `~starskope.result.Candidate` (or its ``to_dict()`` form)
        Its ephemeris; the ``secondary`` vetting flag, when present, titles the panel.
    ax : `matplotlib.axes.Axes`
        Where to draw.
    exclude : array-like of bool, optional
        Cadences to leave out, as the secondary-eclipse test did (the star's other candidates'
        transits: another planet's dip is no secondary eclipse).

    Returns
    -------
    `matplotlib.axes.Axes`
    """
    import dataclasses

    from ..fold import bin_phase, phase_fold
    from ..plotting import _as_candidates, _epoch_in

    candidate = _as_candidates([candidate])[0]

    c = dataclasses.replace(candidate, t0=_epoch_in(flat, candidate))
    dur = c.duration_hours / 24.0
    half = min(3.0 * dur, 0.5 * c.period_days)
    ok = np.isfinite(flat.t) & np.isfinite(flat.flux)
    if exclude is not None and np.shape(exclude) == ok.shape:
        ok &= ~np.asarray(exclude, dtype=bool)
    t, f = flat.t[ok], flat.flux[ok]
    ph = phase_fold(t, period=c.period_days, t0=c.t0 + 0.5 * c.period_days)
    near = np.abs(ph) < half
    ax.plot(ph[near] * 24, f[near], ls="none", marker=".", ms=1.5, color="0.6", rasterized=True)
    if near.any():
        n_bins = int(np.clip(16 * half / max(dur, 1e-6), 20, 200))
        mean, count = bin_phase(ph[near], f[near], lo=-half, hi=half, n_bins=n_bins)
        centres = -half + (np.arange(n_bins) + 0.5) * (2 * half / n_bins)
        good = count > 0
        ax.plot(centres[good] * 24, mean[good], "o", color="k", ms=2.5)
        lo, hi = np.percentile(f[near], [0.5, 99.5])
        if hi > lo:
            pad = 0.15 * (hi - lo)
            ax.set_ylim(lo - pad, hi + pad)
    ax.axvspan(-0.5 * dur * 24, 0.5 * dur * 24, color="tab:purple", alpha=0.12, lw=0)
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    flag = next((v for v in c.vetting if v.name == "secondary"), None)
    title = "secondary eclipse window (phase 0.5)"
    if flag is not None:
        title += f": {'RAISED' if flag.raised else 'passed'}"
    ax.set_title(title, fontsize=8, color="tab:red" if flag is not None and flag.raised else "k")
    ax.set_xlabel("Hours from phase 0.5")
    ax.set_ylabel("Relative flux")
    ax.set_xlim(-half * 24, half * 24)
    return ax


#: Top-level numbers of a model's explanation that are settings of the model, not a feature's
#: contribution to this star's score.
_MODEL_SETTINGS = frozenset({"host_prior"})


def explanation_values(explanation: Mapping[str, Any] | None) -> dict[str, float]:
    """The numeric, scalar entries of a model explanation (feature -> contribution).

    Looks in ``explanation["contributions"]`` / ``["feature_importance"]`` / ``["attributions"]``
    when one of them is a mapping (in ``explanation["model"]`` too, where ``search --model``
    puts the model's own explanation), else in the top level, leaving out what describes the
    model rather than the star (``host_prior``). Non-numeric values are left out: a raw-flux
    CNN's explanation (its saliency times) gives none.

    Examples
    --------
    >>> explanation_values({"model": "original-cnn", "host_prior": 0.25})
    {}
    >>> explanation_values({"model": {"feature_contributions": {"log_snr": 1.5}}})
    {'log_snr': 1.5}
    """
    if not explanation:
        return {}
    inner = explanation.get("model")
    if isinstance(inner, Mapping):
        return explanation_values(inner)
    src: Mapping[str, Any] = explanation
    for key in (
        "feature_contributions",
        "contributions",
        "feature_importance",
        "attributions",
        "shap",
    ):
        if isinstance(explanation.get(key), Mapping):
            src = explanation[key]
            break
    out = {}
    for k, v in src.items():
        if src is explanation and k in _MODEL_SETTINGS:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            continue
        if np.isfinite(v):
            out[str(k)] = float(v)
    return out


def _saliency_times(explanation, key: str = "high_saliency_times") -> list[float]:
    """``explanation[key]`` (a raw-flux model's times, or a views model's
    ``high_saliency_global_phase``) as floats (empty when absent or malformed)."""
    if not explanation:
        return []
    if isinstance(explanation.get("model"), Mapping):  # search --model: the model's own
        return _saliency_times(explanation["model"], key)
    raw = explanation.get(key)
    if not isinstance(raw, (list, tuple)):
        return []
    out = []
    for v in raw:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v):
            out.append(float(v))
    return out


def plot_explanation(values: Mapping[str, float], *, ax, max_items: int = 15):
    """Horizontal bars of the largest (in absolute value) explanation entries.

    Parameters
    ----------
    values : mapping of str to float
        Feature name -> contribution to the model score.
    ax : `matplotlib.axes.Axes`
        Where to draw.
    max_items : int, optional
        Most bars drawn.

    Returns
    -------
    `matplotlib.axes.Axes`
    """
    items = sorted(values.items(), key=lambda kv: -abs(kv[1]))[:max_items][::-1]
    names = [k for k, _ in items]
    vals = np.array([v for _, v in items], dtype=float)
    colors = ["tab:green" if v >= 0 else "tab:red" for v in vals]
    ax.barh(np.arange(len(vals)), vals, color=colors)
    ax.set_yticks(np.arange(len(vals)), names, fontsize=7)
    ax.axvline(0, color="k", lw=0.6)
    ax.set_xlabel("contribution to the score")
    return ax


def star_panels(analysis, *, max_candidates: int = 4, dpi: int = 80) -> StarPanels:
    """Draw every panel of a star's report page.

    Parameters
    ----------
    analysis : `~starskope.pipeline.Analysis`
        The pipeline's products for the star.
    max_candidates : int, optional
        Draw per-candidate panels for at most this many candidates.
    dpi : int, optional
        Resolution of the PNGs.

    Returns
    -------
    StarPanels
    """
    from ..fold import bin_phase, phase_fold
    from ..plotting import (
        _POINT,
        _color,
        _limits,
        _others_in_transit,
        plot_flattened,
        plot_folded,
        plot_odd_even,
        plot_periodogram,
        plot_raw,
    )

    res = analysis.result
    cands = tuple(res.candidates)[:max_candidates]
    fits = tuple(analysis.fits or ())

    fig, ax = _figure(11, 2.8)
    plot_raw(analysis.raw, cleaned=analysis.cleaned, trend=analysis.trend, ax=ax)
    raw = png_data_uri(fig, dpi=dpi)
    fig, ax = _figure(11, 2.8)
    plot_flattened(analysis.flat, candidates=cands, ax=ax)
    flat = png_data_uri(fig, dpi=dpi)
    fig, ax = _figure(11, 2.6)
    pg = analysis.searches[0].periodogram if analysis.searches else None
    plot_periodogram(pg, candidates=cands, ax=ax)
    pgram = png_data_uri(fig, dpi=dpi)

    per = []
    for i, c in enumerate(cands):
        fit = fits[i] if i < len(fits) else None
        fig, ax = _figure(6.5, 3.2)
        fig.subplots_adjust(top=0.82)
        plot_folded(analysis.flat, candidate=c, fit=fit, ax=ax, color=_color(i), index=i)
        folded = png_data_uri(fig, dpi=dpi)
        fig, ax = _figure(4.5, 3.2)
        fig.subplots_adjust(top=0.82)
        others = _others_in_transit(analysis.flat, res.candidates, i)
        plot_odd_even(analysis.flat, candidate=c, ax=ax, exclude=others)
        odd_even = png_data_uri(fig, dpi=dpi)
        fig, ax = _figure(4.5, 3.2)
        plot_secondary(analysis.flat, candidate=c, ax=ax, exclude=others)
        per.append(CandidatePanels(folded, odd_even, png_data_uri(fig, dpi=dpi)))

    expl = None
    values = explanation_values(res.explanation)
    times = _saliency_times(res.explanation)
    phases = _saliency_times(res.explanation, "high_saliency_global_phase")
    if values:
        fig, ax = _figure(6, 0.5 + 0.25 * min(len(values), 15))
        fig.subplots_adjust(left=0.35)
        plot_explanation(values, ax=ax)
        expl = png_data_uri(fig, dpi=dpi)
    elif times:
        fig, ax = _figure(11, 2.6)
        plot_flattened(analysis.flat, candidates=(), ax=ax)
        for k, t in enumerate(times):
            ax.axvline(
                t,
                color="tab:orange",
                lw=1.2,
                alpha=0.7,
                label="highest saliency" if k == 0 else None,
            )
        ax.legend(loc="upper right", fontsize=7)
        ax.set_title("Times the model looked at most (highest saliency)", fontsize=8)
        expl = png_data_uri(fig, dpi=dpi)
    elif phases and res.candidates:
        # a views model: the phases of the folded light curve (its top candidate's, as the
        # model saw it) whose hiding lowered the score most
        fig, ax = _figure(11, 2.6)
        c = res.candidates[0]
        flat = analysis.flat
        ph = phase_fold(flat.t, period=c.period_days, t0=c.t0) / c.period_days
        ax.plot(ph, flat.flux, color="0.75", **_POINT)
        mean, _ = bin_phase(ph, flat.flux, lo=-0.5, hi=0.5, n_bins=200)
        ax.plot(np.linspace(-0.5, 0.5, 201)[:-1] + 0.0025, mean, color="k", lw=1.0)
        for k, p in enumerate(phases):
            ax.axvline(p, color="tab:orange", lw=1.2, alpha=0.7,
                       label="highest saliency" if k == 0 else None)  # fmt: skip
        _limits(ax, np.asarray(flat.flux, dtype=float))
        ax.set_xlim(-0.5, 0.5)
        ax.set_xlabel(f"Phase at P = {c.period_days:.5g} d (the model's folded view)")
        ax.set_ylabel("Relative flux")
        ax.legend(loc="upper right", fontsize=7)
        ax.set_title("Phases the model looked at most (occlusion of its global view)", fontsize=8)
        expl = png_data_uri(fig, dpi=dpi)
    return StarPanels(raw, flat, pgram, tuple(per), expl)
