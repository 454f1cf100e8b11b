"""Per-star HTML reports: content, self-containment, catalogs, the CLI."""

from __future__ import annotations

import dataclasses
import re
import types

import numpy as np
import pytest

from starskope.report import (
    candidate_parameters,
    render_index,
    render_star,
    report_catalog,
    report_files,
)
from starskope.report.html import IndexEntry
from starskope.report.panels import explanation_values
from starskope.result import Candidate, StarResult, VetFlag


def _candidate(**kw):
    base = dict(
        period_days=3.5,
        t0=1.25,
        t0_format="btjd",
        t0_bjd=2457001.25,
        duration_hours=2.0,
        depth_ppm=1500.0,
        depth_ppm_err=40.0,
        snr=20.0,
        sde=12.0,
        power=1.0,
        n_transits=7,
        rp_rs=0.038,
        a_rs=9.5,
        impact=0.3,
        vetting=(
            VetFlag("odd_even", True, 4.2, "Odd and even depths differ by 4.2 sigma."),
            VetFlag("secondary", False, 0.5, "No secondary eclipse at phase 0.5."),
        ),
        is_planet_like=False,
        known="known planet TOI-1 b",
        extra={"fit_depth_ppm": 1490.0, "fit_duration_hours": 2.1},
    )
    base.update(kw)
    return Candidate(**base)


def _external_refs(text: str) -> list[str]:
    """URLs the page would fetch (src/href to another host or a file next to it)."""
    refs = re.findall(r'(?:src|href)="([^"]+)"', text)
    return [r for r in refs if not r.startswith(("data:", "#"))]


def test_star_page_from_result_alone_has_flags_params_and_escapes():
    res = StarResult(
        path="x.fits",
        mission="TESS",
        target="TIC <script>alert(1)</script>",
        candidates=(_candidate(),),
        score=0.87,
        class_probabilities={"planet": 0.87, "eb": 0.13},
        explanation={"contributions": {"depth": 0.4, "odd_even": -0.2}, "model": "gbm"},
        reasons=("Signal 1: odd/even differs.",),
    )
    html = render_star(res, index_href=None)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "Odd and even depths differ by 4.2 sigma." in html
    assert 'class="raised"' in html and 'class="passed"' in html
    assert "known planet TOI-1 b" in html
    assert "0.870" in html  # the score
    assert "1500.0" in html and "40.0" in html and "ppm" in html  # depth, its error, unit
    assert "BJD_TDB" in html and "BTJD" in html
    assert "odd_even" in html and "-0.2" in html  # explanation table
    assert "No figures" in html
    assert _external_refs(html) == []


def test_a_page_for_an_input_that_failed_says_it_was_not_searched():
    """A failed input's page said "Candidates (0)" and "No periodic transit-like signal was
    found." under its error, which a reader skimming it took for a searched, empty star (an
    audit of the reports)."""
    from starskope.exceptions import StarskopeError

    res = StarResult.from_error("bad.fits", StarskopeError("no SIMPLE card", path="bad.fits"))
    html = render_star(res, index_href=None)
    assert "Could not be analysed" in html and "Not searched" in html
    assert "No periodic transit-like signal" not in html and "Candidates (" not in html


def test_a_single_transit_reports_its_least_period_and_time():
    one = {"t0": 1731.2, "min_period_days": 11.17, "all_periods_from_days": 22.2}
    rows = candidate_parameters(_candidate(n_transits=1, extra={"single_transit": one}))
    period = rows[0]
    assert period.name == "Period" and period.value == ">= 11.1700"
    assert "single transit" in period.note and "22.2000 d" in period.note
    assert any(r.name == "Single transit at" and r.value == "1731.20000" for r in rows)
    plain = candidate_parameters(_candidate())
    assert plain[0].value == "3.500000" and all(r.name != "Single transit at" for r in plain)


def test_candidate_parameters_take_uncertainties_from_the_fit():
    fit = types.SimpleNamespace(
        success=True,
        t0_err=0.0012,
        rp_rs_err=0.002,
        a_rs_err=0.7,
        impact_err=0.1,
        depth_ppm_err=35.0,
        period_err=0.00004,
    )
    rows = {r.name: r for r in candidate_parameters(_candidate(), fit)}
    assert rows["Radius ratio Rp/R*"].error == "0.0020"
    # the search grid's epoch has no error bar; the fit's ephemeris has
    assert rows["Mid-transit time t0"].error == "–"
    extra = {"fit_period_days": 3.52101, "fit_t0": 1001.0102}
    rows = {r.name: r for r in candidate_parameters(_candidate(extra=extra), fit)}
    assert rows["Period (transit fit)"].value == "3.521010"
    assert rows["Period (transit fit)"].error == "0.000040"
    assert rows["Mid-transit time (transit fit)"].error == "0.00120"
    assert rows["Mid-transit time (transit fit)"].value == "1001.01020"
    c = _candidate()
    assert rows["t0 (transit fit)"].value == f"{c.t0_bjd + 1001.0102 - c.t0:.5f}"
    # from a stored result (no fit object), the errors kept beside the fit's ephemeris
    extra.update(fit_period_err_days=0.00003, fit_t0_err_days=0.0021)
    rows = {r.name: r for r in candidate_parameters(_candidate(extra=extra), None)}
    assert rows["Period (transit fit)"].error == "0.000030"
    assert rows["Mid-transit time (transit fit)"].error == "0.00210"
    assert rows["Depth"].unit == "ppm" and rows["Period"].unit == "d"
    no_fit = {r.name: r for r in candidate_parameters(_candidate(), None)}
    assert no_fit["Radius ratio Rp/R*"].error == "–"
    # beside the fit object, the stored (red-noise-widened) errors are the ones shown, as the
    # JSON gives them: the app's and the report's pages showed the fit's narrower ones
    rows = {r.name: r for r in candidate_parameters(_candidate(extra=extra), fit)}
    assert rows["Period (transit fit)"].error == "0.000030"
    assert rows["Mid-transit time (transit fit)"].error == "0.00210"
    extra.update(fit_rp_rs_err=0.003, fit_impact_err=0.25)  # a stored result's shape errors
    rows = {r.name: r for r in candidate_parameters(_candidate(extra=extra), None)}
    assert rows["Radius ratio Rp/R*"].error == "0.0030"
    assert rows["Impact parameter b"].error == "0.2500"


def test_explanation_values_keep_numbers_only():
    assert explanation_values({"a": 1, "b": "text", "c": True, "d": float("nan")}) == {"a": 1.0}
    assert explanation_values({"shap": {"x": -0.5}, "model": "m"}) == {"x": -0.5}
    assert explanation_values(None) == {}


def test_index_lists_stars_with_links():
    ok = StarResult(path="a.fits", target="A", mission="Kepler", candidates=(_candidate(),))
    bad = StarResult.failed("b.fits", "corrupt")
    html = render_index([IndexEntry(ok, "a.html"), IndexEntry(bad, "b.html")])
    assert 'href="a.html"' in html and 'href="b.html"' in html
    assert "2 star(s)" in html and "odd_even" in html and "error" in html
    # a star in several files (quarters) has a row for each, told apart by its file
    q = [StarResult(path=f"/d/kplr1-{k}_llc.fits", target="KIC 1") for k in (1, 2)]
    html = render_index([IndexEntry(r, f"{k}.html") for k, r in enumerate(q)])
    assert "<td>kplr1-1_llc.fits</td>" in html and "<td>kplr1-2_llc.fits</td>" in html


def test_report_files_writes_self_contained_pages(tmp_path, synthetic_file):
    bad = tmp_path / "broken.fits"
    bad.write_bytes(b"SIMPLE  = not really a fits file")
    summary = report_files([str(synthetic_file), str(bad)], out=tmp_path / "rep", known=False)
    assert summary.index.name == "index.html" and len(summary.pages) == 2
    assert summary.n_failed == 1
    good_html, bad_html = (p.read_text() for p in summary.pages)
    # every figure is embedded: raw, flattened, periodogram + 3 per candidate
    n_img = good_html.count('src="data:image/png;base64,')
    assert n_img >= 6
    assert _external_refs(good_html) == ["index.html"]
    assert "planet candidate" in good_html
    assert "P = 2.09" in good_html or "P = 2.10" in good_html  # found the 2.1-day period
    assert "could not be analysed" in bad_html.lower() or "Could not be analysed" in bad_html
    index = summary.index.read_text()
    for p in summary.pages:
        assert f'href="{p.name}"' in index


def test_report_catalog_redraws_from_files_and_says_when_it_cannot(
    tmp_path, synthetic_file, synthetic_analysis
):
    from starskope.catalog import Catalog, StarRecord

    res = dataclasses.replace(synthetic_analysis.result, path=str(synthetic_file), score=0.9)
    gone = StarResult(path=str(tmp_path / "gone.fits"), target="GONE", mission="K2")
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=["x"])
        cat.write(
            [StarRecord(str(synthetic_file), res), StarRecord(str(tmp_path / "gone.fits"), gone)],
            run_id=run,
        )
    summary = report_catalog(f, out=tmp_path / "rep", top=5, known=False)
    assert len(summary.pages) == 2
    first, second = (p.read_text() for p in summary.pages)
    assert "0.900" in first  # the stored score is shown, the figures redrawn
    assert first.count("data:image/png;base64,") >= 6
    assert "GONE" in second and "could not be read again" in second
    with pytest.raises(Exception, match="top"):
        report_catalog(f, out=tmp_path / "rep2", top=0)


def test_cli_report(tmp_path, synthetic_file, capsys):
    from starskope.cli import main

    out = tmp_path / "cli"
    assert main(["report", str(synthetic_file), "--out", str(out), "--no-known"]) == 0
    assert (out / "index.html").exists()
    assert "open" in capsys.readouterr().out
    assert main(["report", "--out", str(out)]) == 2
    assert main(["report", str(synthetic_file), "--catalog", "x.duckdb"]) == 2
    assert main(["report", "--catalog", str(tmp_path / "none.duckdb")]) == 2


def test_report_on_a_real_bundled_file_names_the_known_host(tmp_path):
    from starskope.datasets import demo_files

    files = [p for p in demo_files() if p.name.startswith("kic010797460")]
    if not files:
        pytest.skip("bundled demo file kic010797460 not present")
    summary = report_files([str(files[0])], out=tmp_path)
    html = summary.pages[0].read_text()
    assert "KIC 10797460" in html
    assert "Kepler-227" in html  # known-object annotation of the host star


def test_report_analyses_writes_pages_for_ready_analyses(tmp_path, synthetic_analysis):
    from starskope.report import report_analyses

    summary = report_analyses([synthetic_analysis], out=tmp_path, known=False)
    assert len(summary.pages) == 1
    assert summary.pages[0].read_text().count("data:image/png;base64,") >= 6
    assert summary.pages[0].name in summary.index.read_text()


def test_model_explanation_is_drawn_when_it_has_numbers(synthetic_analysis, monkeypatch):
    from starskope.report import panels, star_page

    res = dataclasses.replace(
        synthetic_analysis.result,
        score=0.75,
        explanation={"feature_contributions": {"depth_snr": 0.3, "odd_even": -0.1}, "model": "gbm"},
    )
    html = star_page(synthetic_analysis, result=res, known=False)
    assert 'alt="model explanation"' in html and "depth_snr" in html
    # a raw-flux model explains by the times it looked at most: drawn on the light curve (its
    # host_prior, a setting of the model, was once drawn as a "contribution" bar instead)
    sal = dataclasses.replace(
        res,
        explanation={
            "model": "cnn",
            "host_prior": 0.25,
            "high_saliency_times": [1.0, 3.1],
            "time_format": "relative",
        },
    )

    def no_bars(*a, **k):
        raise AssertionError("a bar chart of a raw-flux model's explanation")

    monkeypatch.setattr(panels, "plot_explanation", no_bars)
    html = star_page(synthetic_analysis, result=sal, known=False)
    assert 'alt="model explanation"' in html and "1.0, 3.1" in html
    # a views model explains by the phases of its folded view it looked at most (no picture
    # was drawn: its explanation holds no numbers and no times)
    views = dataclasses.replace(
        res,
        explanation={
            "model": "views-cnn",
            "host_prior": 0.3,
            "high_saliency_global_phase": [-0.0, 0.05],
            "view_saliency": {"global": 1.0, "local": 0.4},
        },
    )
    html = star_page(synthetic_analysis, result=views, known=False)
    assert 'alt="model explanation"' in html and "-0.0, 0.05" in html
    plain = star_page(synthetic_analysis, known=False)
    assert 'alt="model explanation"' not in plain and "no model run" in plain


def test_cli_report_from_a_catalog(tmp_path, synthetic_file, synthetic_analysis):
    from starskope.catalog import Catalog, StarRecord
    from starskope.cli import main

    f = tmp_path / "c.duckdb"
    res = dataclasses.replace(synthetic_analysis.result, path=str(synthetic_file))
    with Catalog(f) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=["x"])
        cat.write([StarRecord(str(synthetic_file), res)], run_id=run)
    out = tmp_path / "rep"
    assert main(["report", "--catalog", str(f), "--top", "3", "--out", str(out), "--no-known"]) == 0
    assert len(list(out.glob("*.html"))) == 2  # the star and the index


def test_catalog_config_reads_the_run_parameters(tmp_path):
    from starskope.catalog import Catalog
    from starskope.config import PipelineConfig
    from starskope.report.build import catalog_config

    with Catalog(tmp_path / "c.duckdb") as cat:
        assert catalog_config(cat) == PipelineConfig()
        params = {**PipelineConfig().to_dict(), "max_planets": 1, "durations_hours": [1.0, 2.0]}
        params["not_a_field"] = 3
        params["model"] = "gbm"  # a scan with --model: its setting, not the pipeline's
        cat.start_run(parameters=params, inputs=["x"])
        got = catalog_config(cat)
    assert got.max_planets == 1 and got.durations_hours == (1.0, 2.0)


def test_a_table_changed_since_the_scan_gets_no_redrawn_figures(tmp_path):
    """Its row is another star now: the stored result stands, without another star's plots."""
    import numpy as np

    from starskope.catalog import Catalog, StarRecord
    from starskope.io.kaggle import write_kaggle

    rng = np.random.default_rng(4)
    table = write_kaggle(tmp_path / "t.csv", 1000 + rng.normal(size=(2, 3197)), [2, 1])
    res = StarResult(path=f"{table}#row=0", row=0, target="ROW0", mission="K2")
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        cat.check_table_file(str(table))  # as a scan records it
        run = cat.start_run(parameters={"method": "bls"}, inputs=[str(table)])
        cat.write([StarRecord(f"{table}#row=0", res)], run_id=run)
    write_kaggle(table, 1000 + rng.normal(size=(2, 3197)), [1, 1])  # regenerated
    with Catalog(f, read_only=True) as cat:
        assert cat.table_file_changed(str(table))
    summary = report_catalog(f, out=tmp_path / "rep", top=5, known=False)
    page = summary.pages[0].read_text()
    assert "changed since it was scanned" in page and "data:image/png;base64," not in page


def test_a_file_replaced_since_the_scan_gets_no_redrawn_figures(tmp_path, synthetic_file):
    """Another star's light curve under the stored result was drawn: the file's recorded size
    and modification time tell it was replaced."""
    import os
    import shutil

    from starskope.catalog import Catalog, StarRecord
    from starskope.catalog.store import file_stamp

    star = tmp_path / "star.csv"
    shutil.copy(synthetic_file, star)
    res = StarResult(path=str(star), target="STAR", mission="K2")
    f = tmp_path / "c.duckdb"
    with Catalog(f) as cat:
        run = cat.start_run(parameters={"method": "bls"}, inputs=[str(star)])
        cat.write([StarRecord(str(star), res)], run_id=run, stamps={str(star): file_stamp(star)})
    summary = report_catalog(f, out=tmp_path / "rep", top=5, known=False)
    assert "data:image/png;base64," in summary.pages[0].read_text()  # unchanged: redrawn
    star.write_text(star.read_text() + "\n")  # replaced: another size and time
    os.utime(star, ns=(1, 1))
    summary = report_catalog(f, out=tmp_path / "rep2", top=5, known=False)
    page = summary.pages[0].read_text()
    assert "changed since it was scanned" in page and "data:image/png;base64," not in page


def test_secondary_panel_leaves_out_other_candidates_transits():
    """Another planet's transit at phase 0.5 looked like a secondary eclipse beside "passed"."""
    from matplotlib.figure import Figure

    from starskope.lightcurve import LightCurve
    from starskope.report.panels import plot_secondary
    from starskope.result import Candidate

    t = np.arange(0.0, 30.0, 0.01)
    f = np.ones(t.size)
    other = np.abs(((t - 2.5) + 1.5) % 3.0 - 1.5) < 0.05  # another planet, every 3 d
    f[other] -= 1e-3
    c = Candidate(3.0, 1.0, "relative", None, 2.4, 500.0, 10.0, 20.0, 9.0, 1.0, 10)
    # (this candidate's phase 0.5 falls at 2.5 d: on the other planet's transits)
    lc = LightCurve(t, f, time_format="relative")
    for exclude, expect in ((None, 1 - 1e-3), (other, 1.0)):
        ax = Figure().subplots()
        plot_secondary(lc, candidate=c, ax=ax, exclude=exclude)
        y = ax.get_lines()[1].get_ydata()  # the binned means
        assert min(y) == pytest.approx(expect, abs=1e-6)


def test_relative_epochs_say_so_and_have_no_empty_bjd_row():
    """A file with relative times showed "t0 ... RELATIVE" beside an empty BJD_TDB row (an
    audit of the app); full-BJD times read "BJD_TDB", not "JD"."""
    rel = {r.name: r for r in candidate_parameters(_candidate(t0_format="relative", t0_bjd=None))}
    assert rel["Mid-transit time t0"].unit.startswith("d (relative") and "t0" not in rel
    jd = {r.name: r for r in candidate_parameters(_candidate(t0_format="jd", t0_bjd=2457001.25))}
    assert jd["Mid-transit time t0"].unit == "BJD_TDB"
