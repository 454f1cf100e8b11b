"""Flux without times: a single column of flux, and Kaggle-layout rows, at a given cadence."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from starskope.cli import main
from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.io import UnrecognisedFormatError, iter_read, read, write_kaggle
from starskope.io.kaggle import KAGGLE_CADENCE_MIN
from starskope.io.series import check_cadence


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STARSKOPE_CACHE_DIR", str(tmp_path / "cache"))


def _column(path, values, header="flux"):
    lines = ([header] if header else []) + ["nan" if v != v else f"{v:.6f}" for v in values]
    path.write_text("# a comment line\n" + "\n".join(lines) + "\n")
    return path


def _transits(n, minutes, *, period, t0, half_width, depth, seed=0):
    t = np.arange(n) * minutes / 1440.0
    f = 1000.0 + np.random.default_rng(seed).normal(0.0, 1.0, n)
    phase = ((t - t0) / period + 0.5) % 1.0 - 0.5
    f[np.abs(phase * period) < half_width] -= depth
    return f


def test_single_column_is_read_at_the_given_cadence(tmp_path):
    f = 1.0 + np.arange(40) * 1e-4
    f[7] = np.nan
    p = _column(tmp_path / "TIC_123456_flux.csv", f)
    lc = read(p, cadence_minutes=2)
    np.testing.assert_allclose(lc.t * 1440.0, 2.0 * np.arange(40))  # the NaN keeps its place
    np.testing.assert_array_equal(np.isnan(lc.flux), np.isnan(f))
    np.testing.assert_allclose(lc.flux[~np.isnan(f)], f[~np.isnan(f)], rtol=1e-6)
    assert lc.time_format == "relative" and lc.meta.mission is None
    assert lc.meta.product == "flux-series" and lc.meta.flux_column == "flux"
    assert lc.meta.target == "TIC 123456"
    # headerless, and gzip-compressed like every reader's input
    q = _column(tmp_path / "plain.txt", f, header=None)
    assert len(read(q, cadence_minutes=30)) == 40


def test_single_column_missing_cells_are_the_readers_missing_words(tmp_path):
    """``--`` (astropy's masked output), ``?`` and ``masked`` are missing values in a single
    column as in every other reader; the series reader had its own list and refused them."""
    p = tmp_path / "flux.txt"
    cells = [f"{1.0 + i * 1e-4:.6f}" for i in range(30)]
    cells[3], cells[9], cells[20] = "--", "?", "masked"
    p.write_text("flux\n" + "\n".join(cells) + "\n")
    lc = read(p, cadence_minutes=2)
    assert lc.t.size == 30 and np.flatnonzero(np.isnan(lc.flux)).tolist() == [3, 9, 20]


def test_single_column_without_a_cadence_says_how_to_give_one(tmp_path):
    p = _column(tmp_path / "flux.csv", np.ones(30))
    with pytest.raises(UnrecognisedFormatError, match=r"single column .*--cadence-minutes"):
        read(p)
    # found by walking a folder it is skipped with a word, as any file that is not a light curve
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert list(iter_read(tmp_path)) == []
    assert any("flux.csv: skipped" in str(w.message) for w in caught)


def test_single_column_refuses_column_options_and_text_cells(tmp_path):
    p = _column(tmp_path / "flux.csv", np.ones(30))
    with pytest.raises(StarskopeError, match="no columns to choose"):
        read(p, cadence_minutes=2, flux_column="flux")
    lines = p.read_text().splitlines()
    lines[20] = "oops"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(StarskopeError, match=r"flux.csv: line 21 \('oops'\) is not a number"):
        read(p, cadence_minutes=2)


@pytest.mark.parametrize("bad", [0, -2, float("nan"), float("inf"), 2000, "two", 1e-9, 0.01])
def test_cadence_must_be_a_positive_number_of_minutes(tmp_path, bad):
    with pytest.raises(StarskopeError, match=r"cadence_minutes \(--cadence-minutes\) must be"):
        check_cadence(bad)
    p = write_kaggle(tmp_path / "k.csv", np.ones((2, 50)), [2, 1])
    with pytest.raises(StarskopeError, match=r"cadence_minutes \(--cadence-minutes\) must be"):
        list(iter_read(p, cadence_minutes=bad))


def test_kaggle_rows_respaced_and_mission_kept_only_at_the_layouts_cadence(tmp_path):
    flux = np.ones((3, 100))
    flux[1, 10] = np.nan
    p = write_kaggle(tmp_path / "k.csv", flux, [2, 1, 1])
    rows = list(iter_read(p, cadence_minutes=2))
    assert [i for i, _ in rows] == [f"{p}#row={r}" for r in range(3)]
    for _, lc in rows:
        np.testing.assert_allclose(lc.t * 1440.0, 2.0 * np.arange(100))
        assert lc.meta.mission is None and lc.meta.extra["cadence_minutes"] == 2.0
    assert [lc.meta.label for _, lc in rows] == [1, 0, 0]
    one = read(p, row=1, cadence_minutes=2)
    assert np.isnan(one.flux[10]) and one.cadence * 1440.0 == pytest.approx(2.0)
    default = read(p, row=1)
    assert default.meta.mission == "K2"
    assert default.cadence * 1440.0 == pytest.approx(KAGGLE_CADENCE_MIN)
    same = read(p, row=1, cadence_minutes=KAGGLE_CADENCE_MIN)
    assert same.meta.mission == "K2"
    np.testing.assert_allclose(same.t, default.t)


def test_kaggle_layout_parquet_rows_respaced(tmp_path):
    flux = np.ones((2, 60))
    df = pd.DataFrame(flux, columns=[f"FLUX.{i + 1}" for i in range(60)])
    df.insert(0, "LABEL", [2, 1])
    df.to_parquet(tmp_path / "k.parquet")
    rows = [lc for _, lc in iter_read(tmp_path / "k.parquet", cadence_minutes=10)]
    assert len(rows) == 2
    assert all(lc.cadence * 1440.0 == pytest.approx(10.0) for lc in rows)


def test_cadence_refused_for_files_with_their_own_times(tmp_path):
    t = np.arange(50) * 0.02
    p = tmp_path / "lc.csv"
    p.write_text("time,flux\n" + "\n".join(f"{a},{1.0}" for a in t) + "\n")
    with pytest.raises(StarskopeError, match="lc.csv: .*has times of its own"):
        read(p, cadence_minutes=2)
    ((ident, err),) = list(iter_read(p, cadence_minutes=2))
    assert isinstance(err, StarskopeError) and "times of its own" in str(err)
    # in a folder beside flux without times, the cadence is theirs: the timed file keeps its
    # own times, with a warning (it used to fail, and the run with it)
    _column(tmp_path / "series.csv", 1.0 + np.zeros(40))
    with pytest.warns(StarskopeWarning, match="lc.csv: has times of its own"):
        got = dict(iter_read(tmp_path, cadence_minutes=2))
    np.testing.assert_allclose(got[str(p)].t, t)
    assert got[str(tmp_path / "series.csv")].cadence * 1440.0 == pytest.approx(2.0)


def test_transit_found_only_at_the_true_cadence(tmp_path):
    """A TESS two-minute table in the Kaggle layout: read at the layout's K2 cadence its 2-h
    transits would last 29 h and its 1.7-d period 25 d; at 2 minutes the period is found."""
    from starskope.pipeline import analyse

    f = _transits(9000, 2.0, period=1.7, t0=0.35, half_width=0.04, depth=1.0)
    p = write_kaggle(tmp_path / "tess.csv", f[None, :], [2], decimals=4)
    res = analyse(read(p, row=0, cadence_minutes=2))
    best = res.candidates[0]
    assert best.period_days == pytest.approx(1.7, rel=0.01) and best.is_planet_like
    assert res.cadence_minutes == pytest.approx(2.0)
    with pytest.warns(StarskopeWarning, match="span 184 days, longer than any K2 campaign"):
        wrong = analyse(read(p, row=0))  # (it said nothing: an audit of related formats)
    assert not any(c.is_planet_like for c in wrong.candidates)


def test_cli_search_and_info_take_the_cadence(tmp_path, capsys):
    f = _transits(4000, 2.0, period=1.1, t0=0.2, half_width=0.04, depth=2.0, seed=1)
    p = _column(tmp_path / "star.csv", f)
    assert main(["info", "--json", "--cadence-minutes", "2", str(p)]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["cadence_min"] == pytest.approx(2.0) and rec["product"] == "flux-series"
    assert main(["search", "--json", "--cadence-minutes", "2", str(p)]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["cadence_minutes"] == pytest.approx(2.0)
    assert res["candidates"][0]["period_days"] == pytest.approx(1.1, rel=0.01)
    assert main(["search", "--json", str(p)]) != 0
    assert "--cadence-minutes" in capsys.readouterr().err


def test_load_labelled_features_follow_the_cadence(tmp_path):
    from starskope.features.tabular import FEATURE_NAMES
    from starskope.models.data import load_labelled

    flux = np.vstack(
        [
            _transits(3000, 2.0, period=1.3, t0=0.3, half_width=0.04, depth=3.0, seed=s)
            for s in (1, 2)
        ]
    )
    p = write_kaggle(tmp_path / "t.csv", flux, [2, 1], decimals=4)
    k = FEATURE_NAMES.index("log_period")
    at2 = load_labelled([p], kind="tabular", cadence_minutes=2)
    assert 10.0 ** at2.X[0, k] == pytest.approx(1.3, rel=0.01)
    at_k2 = load_labelled([p], kind="tabular")  # cached apart: the layout's K2 cadence
    assert 10.0 ** at_k2.X[0, k] != pytest.approx(1.3, rel=0.05)


def test_cli_report_takes_the_cadence_for_files_only(tmp_path, capsys):
    f = _transits(4000, 2.0, period=1.1, t0=0.2, half_width=0.04, depth=2.0, seed=1)
    p = _column(tmp_path / "star.csv", f)
    out = tmp_path / "rep"
    assert main(["report", str(p), "--cadence-minutes", "2", "--out", str(out), "--no-known"]) == 0
    page = next(q for q in out.glob("*.html") if q.name != "index.html").read_text()
    assert re.search(r"Signal 1: P = 1\.(09[5-9]|10[0-4])\d* d", page)
    cat = tmp_path / "c.duckdb"
    cat.write_bytes(b"")
    assert main(["report", "--catalog", str(cat), "--cadence-minutes", "2"]) == 2
    assert "a catalog's stars are read as its scan read them" in capsys.readouterr().err


def test_times_before_the_named_mission_are_relative_with_a_warning(tmp_path):
    """A curve of a Kepler star named after it (kic..._ground.csv), days from 0, was read as
    BKJD and stitched with the star's Kepler quarters before Kepler's launch."""
    from starskope.exceptions import StarskopeWarning

    t = np.arange(0.0, 30.0, 0.02)
    body = "\n".join(f"{a:.4f},1.0" for a in t)
    p = tmp_path / "kic011454304_ground.csv"
    p.write_text("time,flux\n" + body + "\n")
    with pytest.warns(StarskopeWarning, match="before the mission's first day"):
        lc = read(p)
    assert lc.time_format == "relative" and lc.meta.target == "KIC 11454304"
    q = tmp_path / "kic011454304_q1.csv"
    q.write_text("time,flux\n" + "\n".join(f"{a + 131.5:.4f},1.0" for a in t) + "\n")
    assert read(q).time_format == "bkjd"
    tess = tmp_path / "tic0000257605131_x.csv"
    tess.write_text("time,flux\n" + body + "\n")
    with pytest.warns(StarskopeWarning, match="TESS hint"):
        assert read(tess).time_format == "relative"


def test_single_column_headers_of_several_words_and_blank_lines(tmp_path):
    """A header like "SAP flux" made the file unreadable; an empty line (a spreadsheet's empty
    cell) shifted every later sample by one cadence."""
    values = [f"{1 + 1e-4 * i:.6f}" for i in range(20)]
    p = tmp_path / "sap.txt"
    p.write_text(
        '"SAP flux [e-/s]"\n' + "\n".join(values[:5]) + "\n\n" + "\n".join(values[5:]) + "\n\n"
    )
    lc = read(p, cadence_minutes=2)
    assert lc.meta.flux_column == "SAP flux [e-/s]"
    assert len(lc) == 21 and np.isnan(lc.flux[5]) and lc.flux[6] == pytest.approx(1.0005)


def test_saved_pandas_series_is_a_flux_series(tmp_path):
    """pandas' Series.to_csv writes the row number before each value: that is flux without
    times (the row number is no time; it was refused as 'counts rows', and --time-column 0
    read row numbers as days), read at --cadence-minutes, NaN keeping its place."""
    f = 1.0 + 5e-4 * np.random.default_rng(0).normal(size=300)
    f[5] = np.nan
    for name, header in (("named.csv", True), ("bare.csv", False)):
        p = tmp_path / name
        pd.Series(f, name="flux").to_csv(p, header=header)
        lc = read(p, cadence_minutes=2)
        assert lc.meta.product == "flux-series"
        np.testing.assert_allclose(lc.t * 1440.0, 2.0 * np.arange(f.size))
        np.testing.assert_array_equal(np.isnan(lc.flux), np.isnan(f))
        np.testing.assert_allclose(lc.flux[~np.isnan(f)], f[~np.isnan(f)], rtol=1e-9)
        with pytest.raises(UnrecognisedFormatError, match="--cadence-minutes"):
            read(p)
    # a row number out of sequence is named, by line
    text = (tmp_path / "named.csv").read_text().replace("\n250,", "\n999,")
    (tmp_path / "broken.csv").write_text(text)
    with pytest.raises(StarskopeError, match=r"line 252 .*next row number"):
        read(tmp_path / "broken.csv", cadence_minutes=2)


def test_a_named_time_that_counts_from_zero_is_not_a_row_number(tmp_path):
    """``time,flux`` with times 0, 1, 2 (days) is a text table with its own times, not a saved
    Series: only an unnamed or index-named first column holds row numbers."""
    f = 1.0 + 1e-3 * np.sin(np.arange(60))
    p = tmp_path / "daily.csv"
    p.write_text("time,flux\n" + "".join(f"{k},{v:.6f}\n" for k, v in enumerate(f)))
    lc = read(p)
    np.testing.assert_allclose(lc.t, np.arange(60.0))
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)
    # a saved Series read with its row numbers as the time, when asked
    q = tmp_path / "s.csv"
    pd.Series(f, name="flux").to_csv(q)
    lc = read(q, flux_column="flux", time_column=0, time_format="relative")
    np.testing.assert_allclose(lc.t, np.arange(60.0))


@pytest.mark.parametrize(
    ("sep", "header"),
    [(",", True), ("\t", True), (";", True), (",", False), ("\t", False), (";", False)],
)
def test_a_flux_column_that_opens_with_empty_cells_is_a_column_not_a_series(tmp_path, sep, header):
    """A time and a PDCSAP flux column written by pandas from a TESS sector: the flux's
    first 795 cells are empty (NaN), so the first lines read ``1569.4356,``. Such a file was
    taken for a single column of flux (and refused without --cadence-minutes; with it, its
    797th line was "not a number"; headerless and tab-separated, its first lines end in a tab,
    were read as white space and refused as a malformed table)."""
    t = 1569.4 + np.arange(3000) * 2.0 / 1440.0
    flux = np.where(np.arange(3000) < 795, np.nan, 34000.0 + np.arange(3000) % 7)
    path = tmp_path / ("s10.tsv" if sep == "\t" else "s10.csv")
    pd.DataFrame({"time": t, "pdcsap_flux": flux}).to_csv(path, sep=sep, index=False, header=header)
    lc = read(path)
    assert lc.t.size == 3000 and lc.t[0] == pytest.approx(1569.4)
    assert np.isnan(lc.flux[:795]).all() and np.nanmedian(lc.flux) == pytest.approx(34003.0)
    assert lc.time_format == "btjd"  # TESS's range at two-minute cadence


def test_a_named_flux_column_with_no_values_says_so(tmp_path):
    path = tmp_path / "allnan.csv"
    pd.DataFrame({"time": np.arange(50.0), "flux": np.nan}).to_csv(path, index=False)
    with pytest.raises(StarskopeError, match="all flux values are NaN"):
        read(path)
