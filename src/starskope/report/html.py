"""Render star pages and the index page to HTML with jinja2 (templates in ``templates/``).

Pages are self-contained: styles are inline and images are ``data:`` URIs, so a page opens from
disk with no server and fetches nothing. Rendering works from a
`~starskope.result.StarResult` alone (for example from a catalog whose light curve is gone);
figures are added when the pipeline's `~starskope.pipeline.Analysis` is at hand.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..result import Candidate, StarResult

__all__ = [
    "IndexEntry",
    "ParameterRow",
    "candidate_parameters",
    "environment",
    "render_index",
    "render_star",
    "star_title",
]


@dataclass(frozen=True)
class ParameterRow:
    """One line of a candidate's parameter table."""

    name: str
    value: str
    error: str
    unit: str
    note: str = ""


@dataclass(frozen=True)
class IndexEntry:
    """One star on the index page: its result and the page file (relative to the index)."""

    result: StarResult
    href: str | None


@functools.cache
def environment():
    """The jinja2 environment (autoescaping on; templates from the package)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("starskope.report", "templates"),
        autoescape=jinja2.select_autoescape(("html", "j2"), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    return env


def _num(x: Any, fmt: str = ".4g") -> str:
    if x is None:
        return "–"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return html.escape(str(x))
    if not math.isfinite(v):
        return "–"
    return format(v, fmt)


def _fmt(x: Any, fmt: str) -> str:
    return _num(x, fmt)


def star_title(result: StarResult) -> str:
    """A human name for the star: target, else the file name, else ``"star"``."""
    if result.target:
        return result.target
    if result.path:
        return Path(result.path).name
    return "star"


def _time_unit(fmt: str) -> str:
    """A time system as a unit: ``BKJD``, ``BTJD``, ``BJD_TDB``; relative days as such."""
    if fmt == "relative":
        return "d (relative: from the data's own zero, no absolute epoch)"
    return "BJD_TDB" if fmt == "jd" else fmt.upper()


def candidate_parameters(c: Candidate, fit: Any = None) -> list[ParameterRow]:
    """The parameter table of a candidate: value, 1-sigma uncertainty (when known) and unit.

    Parameters
    ----------
    c : `~starskope.result.Candidate`
        The candidate.
    fit : `~starskope.fit.TransitFit`, optional
        The transit fit; gives uncertainties of ``t0``, ``rp_rs``, ``a_rs`` and ``impact``.

    Returns
    -------
    list of ParameterRow
    """
    ok = fit is not None and bool(getattr(fit, "success", False))

    extra = c.extra or {}

    def err(name: str, fmt: str, stored: str | None = None) -> str:
        """The error kept in ``extra`` (widened by the red-noise beta: what the JSON
        reports), else the fit's own (its covariance)."""
        if stored is not None and extra.get(stored) is not None and (ok or fit is None):
            return _fmt(extra[stored], fmt)
        if ok:
            return _fmt(getattr(fit, name, None), fmt)
        return "–"

    system = _time_unit(c.t0_format)
    rows = [
        ParameterRow("Period", _fmt(c.period_days, ".6f"), "–", "d", "from the search grid"),
        ParameterRow("Mid-transit time t0", _fmt(c.t0, ".5f"), "–", system, "search grid"),
    ]
    if c.t0_bjd is not None:  # relative times have no absolute epoch: no empty row
        rows.append(ParameterRow("t0", _fmt(c.t0_bjd, ".5f"), "–", "BJD_TDB", "search grid"))
    rows += [
        ParameterRow("Duration", _fmt(c.duration_hours, ".3f"), "–", "h", "box search"),
        ParameterRow("Depth", _fmt(c.depth_ppm, ".1f"), _fmt(c.depth_ppm_err, ".1f"), "ppm", "box"),
        ParameterRow("SNR", _fmt(c.snr, ".2f"), "–", "", "white + red noise"),
        ParameterRow("SDE", _fmt(c.sde, ".2f"), "–", "", "periodogram"),
        ParameterRow("Transits with data", str(c.n_transits), "–", ""),
    ]
    one = extra.get("single_transit")
    if one:
        rows[0] = ParameterRow(
            "Period",
            f">= {_fmt(one['min_period_days'], '.4f')}",
            "–",
            "d",
            "a single transit: the shortest period whose other transits miss the data (any"
            f" from {_fmt(one['all_periods_from_days'], '.4f')} d); the grid's"
            f" {_fmt(c.period_days, '.4f')} d is one of them",
        )
        rows.insert(2, ParameterRow("Single transit at", _fmt(one["t0"], ".5f"), "–", system))
    if extra.get("fit_depth_ppm") is not None:
        rows.append(
            ParameterRow(
                "Depth (transit fit)",
                _fmt(extra["fit_depth_ppm"], ".1f"),
                err("depth_ppm_err", ".1f", "fit_depth_ppm_err"),
                "ppm",
                "batman model" + ("; " + extra["fit_note"] if extra.get("fit_note") else ""),
            )
        )
    if extra.get("fit_period_days") is not None:
        rows.append(
            ParameterRow(
                "Period (transit fit)",
                _fmt(extra["fit_period_days"], ".6f"),
                err("period_err", ".6f", "fit_period_err_days"),
                "d",
                "batman model",
            )
        )
    if extra.get("fit_t0") is not None:
        t0_fit = float(extra["fit_t0"])
        rows.append(
            ParameterRow(
                "Mid-transit time (transit fit)",
                _fmt(t0_fit, ".5f"),
                err("t0_err", ".5f", "fit_t0_err_days"),
                system,
            )
        )
        if c.t0_bjd is not None:
            rows.append(
                ParameterRow(
                    "t0 (transit fit)",
                    _fmt(c.t0_bjd + (t0_fit - c.t0), ".5f"),
                    err("t0_err", ".5f", "fit_t0_err_days"),
                    "BJD_TDB",
                )
            )
    if extra.get("fit_duration_hours") is not None:
        rows.append(
            ParameterRow(
                "Duration (transit fit)", _fmt(extra["fit_duration_hours"], ".3f"), "–", "h"
            )
        )
    for name, attr, label in (
        ("rp_rs", "rp_rs_err", "Radius ratio Rp/R*"),
        ("a_rs", "a_rs_err", "Scaled semi-major axis a/R*"),
        ("impact", "impact_err", "Impact parameter b"),
    ):
        v = getattr(c, name)
        if v is not None:
            rows.append(ParameterRow(label, _fmt(v, ".4f"), err(attr, ".4f", f"fit_{attr}"), ""))
    return rows


def _known(c: Candidate) -> dict[str, Any] | None:
    k = (c.extra or {}).get("known")
    if isinstance(k, dict):
        return k
    if c.known:
        return {"label": c.known}
    return None


def _candidate_context(c: Candidate, i: int, fit, panels) -> dict[str, Any]:
    return {
        "index": i + 1,
        "c": c,
        "params": candidate_parameters(c, fit),
        "flags": list(c.vetting),
        "known": _known(c),
        "panels": panels,
    }


def render_star(
    result: StarResult,
    *,
    panels=None,
    fits: Sequence[Any] = (),
    index_href: str | None = "index.html",
    note: str | None = None,
) -> str:
    """One star's self-contained HTML page.

    Parameters
    ----------
    result : `~starskope.result.StarResult`
        What the pipeline concluded.
    panels : `~starskope.report.panels.StarPanels`, optional
        The figures; without them the page says why there are none.
    fits : sequence of `~starskope.fit.TransitFit` or None, optional
        One per candidate, for the uncertainties in the parameter tables.
    index_href : str or None, optional
        Link back to the index page.
    note : str, optional
        Shown at the top (e.g. why the figures are missing).

    Returns
    -------
    str
    """
    cands = []
    for i, c in enumerate(result.candidates):
        fit = fits[i] if i < len(fits) else None
        cp = panels.candidates[i] if panels is not None and i < len(panels.candidates) else None
        cands.append(_candidate_context(c, i, fit, cp))
    from .panels import explanation_values

    return (
        environment()
        .get_template("star.html.j2")
        .render(
            title=star_title(result),
            r=result,
            candidates=cands,
            panels=panels,
            explanation=explanation_values(result.explanation),
            index_href=index_href,
            note=note,
        )
    )


def render_index(entries: Sequence[IndexEntry], *, title: str = "starskope report") -> str:
    """The index page: one row per star, linking to its page.

    Parameters
    ----------
    entries : sequence of IndexEntry
        Stars in display order.
    title : str, optional
        Page title.

    Returns
    -------
    str
    """
    rows = []
    for e in entries:
        r = e.result
        best = r.candidates[0] if r.candidates else None
        rows.append(
            {
                "name": star_title(r),
                # a star given in several files (quarters, sectors) has a row for each
                "file": Path(r.path).name if r.path else "",
                "href": e.href,
                "r": r,
                "best": best,
                "flags": ", ".join(best.flags) if best is not None else "",
                "known": (best.known or "") if best is not None else "",
            }
        )
    n_cand = sum(1 for e in entries if e.result.is_candidate)
    return (
        environment()
        .get_template("index.html.j2")
        .render(title=title, rows=rows, n_stars=len(entries), n_candidates=n_cand)
    )
