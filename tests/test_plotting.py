"""Diagnostic plots (starskope.plotting), on an Analysis-like object built here."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from starskope.fit import fit_transit, transit_model
from starskope.lightcurve import LightCurve, LightCurveMeta
from starskope.result import Candidate, StarResult
from starskope.search.base import Periodogram, SearchResult
from starskope.vet import is_planet_like, vet_candidate

matplotlib = pytest.importorskip("matplotlib")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CAD = 29.4 / 1440


def make_analysis(rng, *, n_candidates=2, time_format="bkjd"):
    """A K2-like star: a slow trend, two planets, a periodogram with peaks at both."""
    off = 2454833.0 if time_format == "jd" else 0.0  # full BJDs for "jd"
    t = np.arange(2000.0, 2065.0, CAD) + off
    planets = [(4.3, 2001.1 + off, 0.06, 12.0, 0.3), (9.7, 2003.4 + off, 0.04, 20.0, 0.1)]
    planets = planets[:n_candidates]
    model = np.ones(t.size)
    for p, t0, k, a, b in planets:
        model *= transit_model(t, period=p, t0=t0, rp_rs=k, a_rs=a, impact=b, exptime=CAD)
    trend = 1 + 2e-3 * np.sin(2 * np.pi * (t - t[0]) / 23.0)
    flat_flux = model + rng.normal(0, 3e-4, t.size)
    meta = LightCurveMeta(mission="K2", target="EPIC 0000001", source="synthetic.fits")
    raw = LightCurve(t, 1.5e4 * flat_flux * trend, time_format=time_format, meta=meta)
    cleaned = LightCurve(t, flat_flux * trend, time_format=time_format, meta=meta)
    flat = LightCurve(t, flat_flux, np.full(t.size, 3e-4), time_format=time_format, meta=meta)
    grid = np.geomspace(0.5, 30.0, 3000)
    power = rng.normal(0, 1, grid.size)
    for p, *_ in planets:
        power += 30 * np.exp(-0.5 * ((grid - p) / (0.002 * p)) ** 2)
    pg = Periodogram(period=grid, power=power, sde=power, method="bls")
    searches, candidates, fits = [], [], []
    for p, t0, k, _a, _b in planets:
        dur = 0.12 if p < 5 else 0.14
        s = SearchResult(p, t0, dur, k * k, 3e-5, 30.0, 25.0, 30.0, int(65 // p), pg)
        fit = fit_transit(
            t, flat_flux, None, period=p, t0=t0, duration=dur, depth=k * k, exptime=CAD
        )
        flags = vet_candidate(t, flat_flux, None, period=p, t0=t0, duration=dur, depth=k * k)
        candidates.append(
            Candidate(
                period_days=p,
                t0=t0,
                t0_format=time_format,
                t0_bjd=None,
                duration_hours=dur * 24,
                depth_ppm=k * k * 1e6,
                depth_ppm_err=30.0,
                snr=30.0,
                sde=25.0,
                power=30.0,
                n_transits=int(65 // p),
                vetting=flags,
                is_planet_like=is_planet_like(flags),
            )
        )
        searches.append(s)
        fits.append(fit)
    result = StarResult(
        path="synthetic.fits",
        mission="K2",
        target="EPIC 0000001",
        candidates=tuple(candidates),
        is_candidate=any(c.is_planet_like for c in candidates),
        reasons=("no periodic signal above SNR 7.1",) if not candidates else (),
    )
    return SimpleNamespace(
        result=result,
        raw=raw,
        cleaned=cleaned,
        trend=trend,
        flat=flat,
        searches=tuple(searches),
        fits=tuple(fits),
    )


@pytest.fixture(scope="module")
def analysis():
    from matplotlib.figure import Figure

    Figure().savefig(__import__("io").BytesIO(), format="png")  # warm up fonts and Agg
    return make_analysis(np.random.default_rng(7))


def test_plot_diagnostics_writes_png(analysis, tmp_path):
    """(Its speed is measured in benchmarks/bench_realsky.py, not here.)"""
    from starskope.plotting import plot_diagnostics

    out = plot_diagnostics(analysis, path=tmp_path / "star.png")
    assert out == tmp_path / "star.png"
    data = out.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 20_000


def test_plot_diagnostics_writes_other_image_types_and_refuses_a_star_result(analysis, tmp_path):
    from starskope.exceptions import StarskopeError
    from starskope.plotting import plot_diagnostics

    out = plot_diagnostics(analysis, path=tmp_path / "diag.pdf", dpi=40)
    assert out.is_file() and out.read_bytes()[:4] == b"%PDF"  # a file, not a folder
    with pytest.raises(StarskopeError, match="analyse_full"):
        plot_diagnostics(analysis.result, path=tmp_path / "x.png")


def test_plot_diagnostics_into_a_directory_names_file_after_target(analysis, tmp_path):
    from starskope.plotting import plot_diagnostics

    out = plot_diagnostics(analysis, path=tmp_path / "plots", dpi=40)
    assert out.parent == tmp_path / "plots" and out.name == "EPIC_0000001.png"
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_plot_diagnostics_without_candidates_or_fits(rng, analysis, tmp_path):
    from starskope.plotting import plot_diagnostics

    none = make_analysis(rng, n_candidates=0)
    out = plot_diagnostics(none, path=tmp_path / "none.png", dpi=40)
    assert out.read_bytes()[:8] == PNG_MAGIC
    # a failed fit (None) is simply not drawn
    nofit = SimpleNamespace(**{**vars(analysis), "fits": (None, None)})
    assert plot_diagnostics(nofit, path=tmp_path / "nofit.png", dpi=40).exists()


@pytest.mark.parametrize(
    ("time_format", "label"),
    [("btjd", "Time [BTJD]"), ("bkjd", "Time [BKJD]"), ("jd", "Time [BJD_TDB]")],
)
def test_panels_have_labelled_axes(rng, time_format, label):
    from matplotlib.figure import Figure

    from starskope.plotting import (
        plot_flattened,
        plot_folded,
        plot_odd_even,
        plot_periodogram,
        plot_raw,
    )

    a = make_analysis(rng, time_format=time_format)
    fig = Figure()
    axes = fig.subplots(5)
    c = a.result.candidates[0]
    assert plot_raw(a.raw, cleaned=a.cleaned, trend=a.trend, ax=axes[0]) is axes[0]
    plot_flattened(a.flat, candidates=a.result.candidates, ax=axes[1])
    plot_periodogram(a.searches[0].periodogram, candidates=a.result.candidates, ax=axes[2])
    plot_folded(a.flat, candidate=c, fit=a.fits[0], ax=axes[3])
    plot_odd_even(a.flat, candidate=c, ax=axes[4])
    assert axes[0].get_xlabel() == label and axes[1].get_xlabel() == label
    assert axes[0].get_ylabel() == "Relative flux"
    assert axes[2].get_xlabel() == "Period [d]"
    assert axes[3].get_xlabel() == "Hours from mid-transit"
    assert axes[3].get_ylabel() == "Relative flux"
    assert axes[4].get_xlabel().startswith("Hours from mid-transit")
    # the fitted model is drawn and dips to about the planet's depth
    model_line = next(ln for ln in axes[3].get_lines() if ln.get_label() == "transit fit")
    assert 1 - model_line.get_ydata().min() == pytest.approx(0.06**2, rel=0.3)
    # candidates and their aliases are marked on the periodogram (2 per candidate + aliases)
    vlines = [ln for ln in axes[2].get_lines() if ln.get_xdata()[0] == ln.get_xdata()[-1]]
    assert len(vlines) >= 2 * 2


def test_plotting_is_not_imported_by_core_modules():
    code = (
        "import sys, starskope, starskope.fit, starskope.vet, starskope.fold; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; "
        "assert 'starskope.plotting' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _two_panels():
    from matplotlib.figure import Figure

    return Figure().subplots(2)


def test_flattened_limits_keep_a_short_dips_points(rng):
    """Two in-transit points below the 0.1 percentile of 5000 were cut off by the robust
    limits (EPIC 211495446), leaving the transit ticks under empty space."""
    from starskope.plotting import plot_flattened

    t = np.arange(5000) * CAD
    f = 1 + rng.normal(0, 2e-4, t.size)
    f[[1200, 3700]] = 0.9975  # one point in each of two transits, 12 sigma deep
    c = Candidate(
        75.0, t[1200], "bkjd", None, 0.5, 2500.0, 200.0, 12.0, 8.0, 1.0, 2, is_planet_like=True
    )
    flat = LightCurve(t, f, time_format="bkjd")
    ax = _two_panels()[0]
    plot_flattened(flat, candidates=[c], ax=ax)
    lo, hi = ax.get_ylim()
    assert lo < 0.9975 < hi
    assert not ax.xaxis.get_major_formatter().get_useOffset()  # whole day numbers


def test_odd_even_panel_shows_the_depths_vetting_measured(rng):
    from starskope.plotting import plot_odd_even
    from starskope.vet import odd_even

    t = np.arange(0, 40, CAD)
    period, t0, dur = 2.0, 0.7, 0.125
    f = 1 + rng.normal(0, 3e-4, t.size)
    number = np.round((t - t0) / period)
    intr = np.abs(t - t0 - number * period) < 0.5 * dur
    f[intr & (number % 2 == 1)] -= 2e-3  # odd transits deeper: a binary at 2P
    f[intr & (number % 2 == 0)] -= 1e-3
    flag = odd_even(t, f, period=period, t0=t0, duration=dur)
    c = Candidate(
        period, t0, "bkjd", None, dur * 24, 1500.0, 50.0, 30.0, 20.0, 1.0, 20, vetting=(flag,)
    )
    ax = _two_panels()[0]
    plot_odd_even(LightCurve(t, f, time_format="bkjd"), candidate=c, ax=ax)
    title = ax.get_title()
    assert f"{flag.value:.1f} sigma" in title
    import re

    odd = re.search(r"odd depth (\d+) ppm", flag.reason).group(1)
    even = re.search(r"vs even (\d+) ppm", flag.reason).group(1)
    assert f"odd {odd} ± " in title and f"even {even} ± " in title
    # the JSON form of the candidate draws the same panels (a review: only two panels took
    # it); the folded and secondary-eclipse panels too
    from starskope.plotting import plot_folded
    from starskope.report.panels import plot_secondary

    ax = _two_panels()[0]
    plot_odd_even(LightCurve(t, f, time_format="bkjd"), candidate=c.to_dict(), ax=ax)
    assert ax.get_title() == title
    flat = LightCurve(t, f, time_format="bkjd")
    a, b = _two_panels()
    plot_folded(flat, candidate=c, ax=a)
    plot_folded(flat, candidate=c.to_dict(), ax=b)
    assert a.get_title() == b.get_title() and len(a.lines) == len(b.lines)
    a, b = _two_panels()
    plot_secondary(flat, candidate=c, ax=a)
    plot_secondary(flat, candidate=c.to_dict(), ax=b)
    assert a.get_title() == b.get_title()
    # one parity without data: said, not drawn empty without a word
    one = Candidate(
        2 * period, t0, "bkjd", None, dur * 24, 1e3, 50.0, 30.0, 20.0, 1.0, 2, (), False
    )
    short = LightCurve(t[t < 3.0], f[t < 3.0], time_format="bkjd")  # transit 0 only
    ax = _two_panels()[1]
    plot_odd_even(short, candidate=one, ax=ax)
    assert "no odd transit" in ax.get_title()
    # the even transit is drawn and said so, not "not measured" beside its own points
    assert "even: shown, not compared" in ax.get_title()


def test_periodogram_shows_a_candidate_beyond_the_searched_periods(rng):
    from starskope.plotting import plot_periodogram

    grid = np.geomspace(0.5, 13.0, 500)
    pg = Periodogram(
        period=grid, power=rng.normal(size=500), sde=rng.normal(size=500), method="bls"
    )
    c = Candidate(
        16.37, 1.0, "btjd", None, 3.0, 1800.0, 100.0, 18.0, 8.0, 1.0, 2, is_planet_like=True
    )
    ax = _two_panels()[0]
    plot_periodogram(pg, candidates=[c], ax=ax)
    assert ax.get_xlim()[1] > 16.37
    labels = ax.get_legend_handles_labels()[1]
    assert any("beyond the searched periods" in s for s in labels)
    # the JSON form of a candidate (a line of search --json read back) draws the same (it
    # ended in an AttributeError: a Python-API audit)
    ax = _two_panels()[0]
    plot_periodogram(pg, candidates=[c.to_dict()], ax=ax)
    assert ax.get_legend_handles_labels()[1] == labels


def test_folded_panel_uses_the_fit_ephemeris(analysis):
    """The grid's epoch and duration are coarse: a dip off phase 0, a window cut short."""
    import dataclasses

    from starskope.plotting import plot_folded

    c, fit = analysis.result.candidates[0], analysis.fits[0]
    extra = {"fit_t0": fit.t0, "fit_period_days": fit.period, "fit_duration_hours": 5.0}
    moved = dataclasses.replace(c, t0=c.t0 + 0.02, extra=extra)
    ax = _two_panels()[0]
    plot_folded(analysis.flat, candidate=moved, fit=fit, ax=ax)
    assert ax.get_xlabel().endswith("(fit ephemeris)") and "(fit 5.00 h)" in ax.get_title()
    binned = next(ln for ln in ax.get_lines() if ln.get_label() == "binned")
    x, y = binned.get_xdata(), binned.get_ydata()
    assert abs(x[np.argmin(y)]) < 1.0  # hours: the dip at mid-transit


def test_no_candidate_reasons_read_as_sentences(rng, tmp_path, monkeypatch):
    import dataclasses

    from starskope.plotting import plot_diagnostics

    none = make_analysis(rng, n_candidates=0)
    reasons = ("first reason.", "second reason")
    none.result = dataclasses.replace(none.result, reasons=reasons)
    texts = []
    from matplotlib.axes import Axes

    orig = Axes.text
    monkeypatch.setattr(
        Axes, "text", lambda self, x, y, s, *a, **k: texts.append(s) or orig(self, x, y, s, *a, **k)
    )
    plot_diagnostics(none, path=tmp_path / "n.png", dpi=30)
    said = " ".join(x.replace("\n", " ") for x in texts if x.startswith("No candidate"))
    assert "first reason. second reason." in said and ".;" not in said


def test_the_folded_model_is_drawn_whatever_the_light_curves_time_system():
    """The fit's model was evaluated at the light curve's times: with K2-3's flattened curve in
    full BJD and the fit in BKJD it was flat (an audit of the Python API)."""
    from starskope.datasets import demo_dir
    from starskope.io import read
    from starskope.pipeline import analyse_full
    from starskope.plotting import plot_folded

    path = demo_dir() / "hlsp_k2sff_k2_lightcurve_201367065-c01_kepler_v1_llc_bestaper.fits.gz"
    analysis = analyse_full(read(path))
    c, fit = analysis.result.candidates[0], analysis.fits[0]
    depths = []
    for flat in (analysis.flat, analysis.flat.to_bjd()):
        ax = _two_panels()[0]
        plot_folded(flat, candidate=c, fit=fit, ax=ax)
        model = next(ln for ln in ax.get_lines() if ln.get_label() == "transit fit")
        depths.append(1.0 - float(np.min(model.get_ydata())))
    assert depths[0] > 1e-3 and depths[1] == pytest.approx(depths[0], rel=1e-6)


def test_panels_leave_out_what_vetting_left_out():
    """The panels left out every other candidate's transits, where vetting keeps a lone
    transit near one of a signal's that went missing (timing variations; thirty-fifth
    session): they take the pipeline's own rule, so they show what the tests measured."""
    from starskope.plotting import _others_in_transit

    t = np.arange(0.0, 90.0, 0.0204)
    flux = np.ones(t.size)
    for n in (0, 1, 2, 4):
        flux[np.abs(t - (5.0 + 20.0 * n)) < 0.125] -= 1e-3
    flux[np.abs(t - 65.85) < 0.125] -= 1e-3  # transit 3, 20 h late
    g = Candidate(20.0, 5.0, "bkjd", None, 6.0, 1000.0, 30.0, 30.0, 20.0, 1.0, 5)
    lone = Candidate(300.0, 65.85, "bkjd", None, 6.0, 1000.0, 30.0, 20.0, 10.0, 1.0, 1)
    flat = LightCurve(t, flux, time_format="bkjd")
    assert _others_in_transit(flat, [g, lone], 0) is None  # the lone dip is g's, moved
    there = flux.copy()
    there[np.abs(t - 65.0) < 0.125] -= 1e-3  # g's transit 3 at its place: the dip is another's
    mask = _others_in_transit(LightCurve(t, there, time_format="bkjd"), [g, lone], 0)
    assert mask is not None and mask[np.argmin(np.abs(t - 65.85))]
