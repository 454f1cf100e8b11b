"""Light curves as users export them (lightkurve, astropy, pandas, spreadsheets, HLSPs): each case
was found by a reader audit where the wrong column or time was taken without an error."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.io import fits

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.io import read

T0 = 1517.3  # BTJD
JD0 = 2457000.0 + T0


def _curve(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    t = T0 + np.arange(n) * (2.0 / 1440)
    f = 1 + 3e-4 * rng.standard_normal(n)
    f[((t - T0 - 0.4) % 1.3) < 0.06] -= 4e-3
    return t, f


def _frame(path, columns: dict, **kw):
    import pandas as pd

    pd.DataFrame(columns).to_csv(path, index=False, **kw)
    return path


# ------------------------------------------------------------------------ which column is time
def test_time_beats_timecorr_and_other_time_prefixed_columns(tmp_path):
    """TESS/Kepler's TIMECORR (a barycentric correction of ~0.004 d) is never the time, wherever
    the time column sits (pandas puts an index named time last)."""
    t, f = _curve()
    cols = {"flux": f, "timecorr": 0.0044 + 1e-7 * np.arange(t.size), "time_err": 1e-5 + 0 * t}
    cols["time"] = t
    lc = read(_frame(tmp_path / "a.csv", cols))
    np.testing.assert_allclose(lc.t, t)
    assert "by name 'time'" in lc.meta.extra["columns"]


def test_a_lightkurve_table_saved_without_its_time_index_is_refused(tmp_path):
    """``lc.to_pandas().to_csv(index=False)`` drops lightkurve's time (the frame's index): the
    cadence numbers, the only increasing column left, were searched as days (a 17,742-day TESS
    sector at a one-day cadence). Now an error says where the time went."""
    t, f = _curve()
    cols = {"flux": f, "flux_err": 3e-4 + 0 * t, "quality": 0 * t.astype(int),
            "timecorr": 0.0044 + 1e-7 * np.arange(t.size), "cadenceno": 208730 + np.arange(t.size),
            "sap_flux": f, "pdcsap_flux": f}  # fmt: skip
    path = _frame(tmp_path / "lk.csv", cols)
    with pytest.raises(
        StarskopeError, match=r"'timecorr', 'cadenceno'\) count cadences.*index=True"
    ):
        read(path)
    cols["time"] = t  # saved with the index: read as before
    np.testing.assert_allclose(read(_frame(tmp_path / "ok.csv", cols)).t, t)
    # a time named otherwise that begins like a width (``time_bin``) is still the time when it
    # is the only increasing column (a bin width is constant); a cadence number beside it is
    # not taken
    lc = read(_frame(tmp_path / "bin.csv", {"cadenceno": 5000 + np.arange(t.size),
                                             "time_bin": t, "flux": f}))  # fmt: skip
    np.testing.assert_allclose(lc.t, t)


def test_named_time_with_text_cells_says_so_beside_a_cadence_counter(tmp_path):
    t, f = _curve(n=200)
    rows = [
        f"{a:.6f}{'d' if i % 2 else ''},{5000 + i},{b:.7f}"
        for i, (a, b) in enumerate(zip(t, f, strict=True))
    ]
    p = tmp_path / "txt.csv"
    p.write_text("time,cadenceno,flux\n" + "\n".join(rows) + "\n")
    with pytest.raises(StarskopeError, match="'time' is named like the time but"):
        read(p)


def test_aperture_fluxes_numbered_like_kaggle_columns_stay_one_light_curve(tmp_path):
    """``time,flux_0..flux_24`` (25 apertures of one star) is not a Kaggle table whose first
    column is a row index."""
    t, f = _curve(n=300)
    for start in (0, 1):
        cols = {"time": t, **{f"flux_{k}": f * (1 + 0.01 * k) for k in range(start, start + 25)}}
        lc = read(_frame(tmp_path / f"ap{start}.csv", cols), flux_column=f"flux_{start}")
        assert len(lc) == t.size
        np.testing.assert_allclose(lc.t, t)


def test_a_folded_lightkurve_table_is_read_on_its_own_times(tmp_path):
    """``FoldedLightCurve.to_csv()``: ``time`` holds the phase in days (sorted), the times are
    in ``time_original``; the phase was searched as a 1.3-day light curve."""
    t, f = _curve()
    phase = (t - T0 + 0.65) % 1.3 - 0.65
    order = np.argsort(phase)
    cols = {"time": phase[order], "flux": f[order], "flux_err": 3e-4 + 0 * t,
            "time_original": t[order], "cadenceno": 5000 + order}  # fmt: skip
    with pytest.warns(StarskopeWarning, match="not in order"):  # sorted back into time order
        lc = read(_frame(tmp_path / "folded.csv", cols))
    np.testing.assert_allclose(lc.t, t)
    np.testing.assert_allclose(lc.flux, f)
    assert "'time_original'" in lc.meta.extra["columns"]


# ------------------------------------------------------------------------ which column is flux
def test_a_cadence_counter_is_never_the_flux(tmp_path):
    """With no flux name in the table the flux is the next column after time, but never a
    cadence number (by name, or consecutive integers), a flag or an error column."""
    t, f = _curve()
    cad = 208730 + np.arange(t.size)
    lc = read(_frame(tmp_path / "a.csv", {"time": t, "cadenceno": cad, "brightness": f}))
    np.testing.assert_allclose(lc.flux / np.median(lc.flux), f / np.median(f), rtol=1e-9)
    gappy = np.delete(cad, [10, 11, 12])  # cadence numbers skip across gaps
    lc = read(
        _frame(tmp_path / "b.csv", {"time": np.delete(t, [10, 11, 12]), "cadence_num": gappy,
                                    "value": np.delete(f, [10, 11, 12])})
    )  # fmt: skip
    assert "value" in lc.meta.extra["columns"]
    lc = read(_frame(tmp_path / "c.csv", {"time": t, "idx": np.arange(t.size), "val": f}))
    assert "'val'" in lc.meta.extra["columns"]


def test_tglc_light_curves_use_the_calibrated_psf_flux_and_tess_flags(tmp_path):
    """TGLC's HLSP columns (in either order it has been written): cal_psf_flux, as lightkurve
    reads it, and TESS_flags as the quality."""
    t, f = _curve()
    q = np.zeros(t.size, dtype=np.int32)
    q[:7] = 4096
    base = {
        "time": t,
        "cadence_num": 1000 + np.arange(t.size),
        "aperture_flux": 900 * f + 40,
        "psf_flux": 1000 * f + 50,
        "background": 20 + 0 * t,
        "cal_psf_flux": f,
        "cal_aper_flux": f * 1.001,
        "TESS_flags": q,
        "TGLC_flags": np.zeros(t.size, dtype=np.int32),
    }
    cols = [
        fits.Column(name=k, format="J" if v.dtype.kind == "i" else "D", array=v)
        for k, v in base.items()
    ]
    prim = fits.PrimaryHDU()
    prim.header["TELESCOP"] = "TESS"
    p = tmp_path / "hlsp_tglc_tess_ffi_gaiaid-1-s0008-cam1-ccd1_tess_v1_llc.fits"
    fits.HDUList([prim, fits.BinTableHDU.from_columns(cols, name="LIGHTCURVE")]).writeto(p)
    lc = read(p)
    assert lc.meta.flux_column == "cal_psf_flux"
    assert int((lc.quality != 0).sum()) == 7


# ------------------------------------------------------------------------ astropy Time columns
def test_astropy_time_columns_in_fits_and_parquet(tmp_path):
    """``Table.write`` stores a Time column as jd1 + jd2: two doubles per row in FITS, two
    columns ``time.jd1`` / ``time.jd2`` in Parquet. Both are read as one absolute JD."""
    from astropy.table import Table
    from astropy.time import Time

    t, f = _curve()
    tab = Table({"time": Time(t + 2457000.0, format="jd", scale="tdb"), "flux": f})
    tab.write(tmp_path / "t.fits")
    tab.write(tmp_path / "t.parquet")
    for name in ("t.fits", "t.parquet"):
        lc = read(tmp_path / name)
        np.testing.assert_allclose(lc.t + (lc.bjd_offset or 0.0), t + 2457000.0, rtol=0, atol=1e-8)
    utc = Table({"time": Time(t + 2457000.0, format="jd", scale="utc"), "flux": f})
    utc.write(tmp_path / "u.fits")
    with pytest.warns(StarskopeWarning, match="in UTC, not barycentric"):
        read(tmp_path / "u.fits")


# ------------------------------------------------------------------------ spreadsheets
@pytest.mark.parametrize("n_cols", [2, 4, 5])
def test_european_csv_semicolons_and_decimal_commas(tmp_path, n_cols):
    t, f = _curve()
    cols = {"time": t, "flux": f, "flux_err": 3e-4 + 0 * t, "quality": 0 * t.astype(int)}
    cols = dict(list(cols.items())[:n_cols])
    if n_cols == 5:
        cols["sap_bkg"] = 12.5 + 0 * t
    p = _frame(tmp_path / "eu.csv", cols, sep=";", decimal=",")
    lc = read(p)
    np.testing.assert_allclose(lc.t, t, atol=1e-9)
    np.testing.assert_allclose(lc.flux / np.median(lc.flux), f / np.median(f), rtol=1e-6)


def test_lightkurve_csv_quality_in_binary_digits(tmp_path):
    """lightkurve's ``to_csv`` writes quality flags in binary (2048 as 100000000000)."""
    t, f = _curve()
    q = np.array(["0"] * t.size, dtype=object)
    q[5:9] = "100000000000"
    p = _frame(tmp_path / "tess_lk.csv", {"time": t, "flux": f, "quality": q})
    lc = read(p)
    assert sorted(set(lc.quality.tolist())) == [0, 2048]


def test_lightkurve_csv_quality_flags_of_many_binary_digits_are_exact(tmp_path):
    """Kepler and K2 flags of 2**17 and more (rolling band, K2's thruster firings at 2**20)
    have 18 or more binary digits, beyond a float's precision: each flag is read exactly (the
    whole column was once read as decimal, flags of 2**31 and more zeroed), and the thruster
    firings are dropped by the default mask."""
    t, f = _curve()
    t = t - t[0] + 2000.0  # K2's days (BKJD)
    true = np.zeros(t.size, dtype=np.int64)
    true[5:9] = 2048
    true[20:23] = 2**20  # K2 possible thruster firing
    true[30] = 2**20 + 2**13 + 2**7 + 16
    true[40] = 2**19  # K2: a flag the default mask keeps
    q = np.array([np.binary_repr(v) for v in true], dtype=object)
    p = _frame(tmp_path / "ktwo201367065-c01_lk.csv", {"time": t, "flux": f, "quality": q})
    lc = read(p)
    np.testing.assert_array_equal(lc.quality, true)
    assert lc.meta.mission == "K2"
    from starskope.io.quality import quality_mask

    keep = quality_mask(lc.quality, mission="K2")
    assert not keep[20:23].any() and not keep[30]
    # flags up to 2**19 (20 digits: pandas parses them as integers, not text)
    true = np.where(true >= 2**20, 2**13 + 2**19, true)
    q = np.array([np.binary_repr(v) for v in true], dtype=object)
    p = _frame(tmp_path / "ktwo201367065-c01_lk2.csv", {"time": t, "flux": f, "quality": q})
    np.testing.assert_array_equal(read(p).quality, true)


# ------------------------------------------------------------------------ Parquet tables
def test_parquet_tables_follow_the_text_rules(tmp_path):
    """Timestamps, times in seconds and a mission named by the file name, as for a CSV."""
    import pandas as pd

    t, f = _curve()
    stamps = pd.to_datetime(t + 2457000.0 - 2440587.5, unit="D")  # JD -> Unix days
    pd.DataFrame({"time": stamps, "flux": f}).to_parquet(tmp_path / "d.parquet")
    with pytest.warns(StarskopeWarning, match="calendar dates"):
        lc = read(tmp_path / "d.parquet")
    # civil (UTC) instants, converted to TDB as a CSV's calendar dates are: TDB - UTC = 69.184 s
    utc_to_tdb = 69.184 / 86400.0
    np.testing.assert_allclose(
        lc.t + (lc.bjd_offset or 0.0), t + 2457000.0 + utc_to_tdb, rtol=0, atol=1e-6
    )
    pd.DataFrame({"time": stamps.astype(str), "flux": f}).to_csv(tmp_path / "d.csv", index=False)
    with pytest.warns(StarskopeWarning, match="calendar dates"):
        np.testing.assert_allclose(read(tmp_path / "d.csv").t, lc.t, rtol=0, atol=1e-6)
    pd.DataFrame({"time_s": (t - T0) * 86400.0, "flux": f}).to_parquet(tmp_path / "s.parquet")
    lc = read(tmp_path / "s.parquet")
    assert lc.time_format == "relative"
    np.testing.assert_allclose(lc.t, t - T0, atol=1e-9)
    bkjd = 2987.58 + np.arange(t.size) * 0.0204
    pd.DataFrame({"time": bkjd, "flux": f}).to_parquet(tmp_path / "EPIC_210491860_k2.parquet")
    lc = read(tmp_path / "EPIC_210491860_k2.parquet")
    assert lc.time_format == "bkjd" and lc.meta.mission == "K2"


# ------------------------------------------------------------------------ reduced JD and MJD
def test_mjd_like_values_warn_and_fits_reads_them_as_mjd(tmp_path):
    """Values ~5e4 with nothing saying MJD or BJD - 2400000: a CSV reads BJD - 2400000, a FITS
    table without a reference MJD (the FITS time standard); both say the other is possible."""
    t, f = _curve()
    mjd = t + 2457000.0 - 2400000.5
    with pytest.warns(StarskopeWarning, match="half a day"):
        lc = read(_frame(tmp_path / "a.csv", {"t": mjd, "flux": f}))
    np.testing.assert_allclose(lc.t + (lc.bjd_offset or 0.0), mjd + 2400000.0, rtol=0, atol=1e-6)
    cols = [fits.Column(name="TIME", format="D", array=mjd), fits.Column("FLUX", "D", array=f)]
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(cols)]).writeto(
        tmp_path / "m.fits"
    )
    with pytest.warns(StarskopeWarning, match="half a day"):
        lc = read(tmp_path / "m.fits")
    np.testing.assert_allclose(lc.t + (lc.bjd_offset or 0.0), JD0 + (t - T0), rtol=0, atol=1e-6)
    lc = read(_frame(tmp_path / "r.csv", {"rjd": mjd + 0.5, "flux": f}))  # named: no doubt
    np.testing.assert_allclose(lc.t + (lc.bjd_offset or 0.0), t + 2457000.0, rtol=0, atol=1e-6)


# ------------------------------------------------------------------------ more layouts
def test_pipe_tables_rulers_and_units_comment_lines(tmp_path):
    """astropy's ascii.fixed_width ("| time | flux |") and fixed_width_two_line (a "----"
    ruler under the names), "|"-separated rows, and a "# [d] [] []" units line under a
    commented header."""
    from astropy.table import Table

    t, f = _curve(n=300)
    tab = Table({"time": t, "flux": f, "flux_err": 3e-4 + 0 * t})
    for fmt in ("ascii.fixed_width", "ascii.fixed_width_two_line"):
        p = tmp_path / f"{fmt}.txt"
        tab.write(p, format=fmt)
        lc = read(p)
        np.testing.assert_allclose(lc.t, t, atol=1e-9)
        assert lc.meta.flux_column == "flux"
    rows = "\n".join(f"{a:.7f}|{b:.7f}" for a, b in zip(t, f, strict=True))
    (tmp_path / "pipes.txt").write_text("time|flux\n" + rows + "\n")
    np.testing.assert_allclose(read(tmp_path / "pipes.txt").t, t, atol=1e-6)
    rows = "\n".join(f"{a:.7f}  {b:.7f}  0.0003" for a, b in zip(t, f, strict=True))
    (tmp_path / "u.dat").write_text(
        "# BJD_TDB-2457000  rel_flux  rel_flux_err\n# [d] [] []\n" + rows
    )
    lc = read(tmp_path / "u.dat")
    np.testing.assert_allclose(lc.t + (lc.bjd_offset or 0.0), t + 2457000.0, rtol=0, atol=1e-6)
    assert np.allclose(lc.flux_err, 3e-4)


def test_fixed_width_table_with_blank_cells_keeps_each_value_in_its_column(tmp_path):
    """astropy's fixed_width_two_line writes masked cells (a FITS column's NaNs) as blanks:
    the rows are cut at the ruler's dash runs, so a blank flux stays missing instead of the
    quality word moving into the flux column (read as 20 or 148 e-/s), whether or not the
    first row has blanks."""
    from astropy.table import MaskedColumn, Table

    t, f = _curve(n=300)
    flux = 4e4 * f
    gone = np.zeros(t.size, bool)
    gone[[0, 17, 18, 120]] = True
    quality = np.where(gone, 148, 0)
    tab = Table(
        {
            "TIME": t,
            "SAP_FLUX": MaskedColumn(3.4e4 * f, mask=gone),
            "PDCSAP_FLUX": MaskedColumn(flux, mask=gone),
            "SAP_QUALITY": quality,
        }
    )
    for name, rows in (("first_blank.txt", tab), ("first_full.txt", tab[1:])):
        p = tmp_path / name
        rows.write(p, format="ascii.fixed_width_two_line")
        lc = read(p)
        keep = slice(0, None) if rows is tab else slice(1, None)
        assert lc.meta.flux_column == "PDCSAP_FLUX"
        np.testing.assert_allclose(lc.t, t[keep], atol=1e-9)
        np.testing.assert_array_equal(np.isnan(lc.flux), gone[keep])
        np.testing.assert_allclose(lc.flux[~gone[keep]], flux[keep][~gone[keep]], rtol=1e-6)
        np.testing.assert_array_equal(lc.quality, quality[keep])


def test_ruler_tables_whose_values_widen_or_whose_runs_span_two_columns(tmp_path):
    """A dashed ruler over unpadded rows whose values widen past row 500 (a time passing
    1000, a flux passing 10000), and a dash run under two names: split on blanks as before,
    never cut mid-number."""
    t = 988.0 + np.arange(1000) * 0.02
    f = 9990.0 + np.arange(1000) * 0.02
    rows = "".join(f"{a:.6f} {b:.4f} 3.1234\n" for a, b in zip(t, f, strict=True))
    (tmp_path / "wide.txt").write_text("time flux flux_err\n---------- ---------- ------\n" + rows)
    lc = read(tmp_path / "wide.txt")
    np.testing.assert_allclose(lc.flux, f, rtol=1e-9)
    np.testing.assert_allclose(lc.flux_err, 3.1234)
    rows = "".join(f"{a:.6f}  {b:.4f}  0.001\n" for a, b in zip(t, f / 1e4, strict=True))
    (tmp_path / "spans.txt").write_text(
        "time      flux        err\n------------------  ------\n" + rows
    )
    lc = read(tmp_path / "spans.txt")
    np.testing.assert_allclose(lc.t, t, atol=1e-6)
    np.testing.assert_allclose(lc.flux_err, 0.001)


def test_feather_is_read_and_other_binary_formats_are_named(tmp_path):
    import pandas as pd

    from starskope.exceptions import StarskopeError

    t, f = _curve(n=300)
    pd.DataFrame({"time": t, "flux": f}).to_feather(tmp_path / "lc.feather")
    lc = read(tmp_path / "lc.feather")
    np.testing.assert_allclose(lc.t, t)
    assert lc.meta.product == "feather"
    np.save(tmp_path / "lc.npy", np.column_stack([t, f]))
    with pytest.raises(StarskopeError, match="NumPy .npy array"):
        read(tmp_path / "lc.npy")
    import zipfile

    with zipfile.ZipFile(tmp_path / "lc.xlsx", "w") as z:  # the skeleton of a workbook
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(StarskopeError, match="Excel workbook.*export the sheet as CSV"):
        read(tmp_path / "lc.xlsx")


def test_two_lightcurve_extensions_warn(tmp_path):
    t, f = _curve(n=300)

    def hdu():
        cols = [fits.Column("TIME", "D", array=t), fits.Column("FLUX", "D", array=f)]
        return fits.BinTableHDU.from_columns(cols, name="LIGHTCURVE")

    fits.HDUList([fits.PrimaryHDU(), hdu(), hdu()]).writeto(tmp_path / "two.fits")
    with pytest.warns(StarskopeWarning, match="2 LIGHTCURVE extensions"):
        lc = read(tmp_path / "two.fits")
    assert lc.t.size == t.size


# ------------------------------------------------------------------------ review regressions
@pytest.mark.parametrize("name", ["RJD", "BJD", "BJD-2400000"])
def test_fits_columns_named_like_a_reduced_jd_are_not_mjd(tmp_path, name):
    """The MJD default for bare ~5e4 values in FITS never overrides a name that says JD; a
    bare "BJD" does not say which half of a day, and is warned of as in a text table."""
    import contextlib

    from astropy.table import Table

    t, f = _curve(n=300)
    Table({name: t + 2457000.0 - 2400000.0, "flux": f}).write(tmp_path / "r.fits")
    said = pytest.warns(StarskopeWarning, match="half a day early")
    with said if name == "BJD" else contextlib.nullcontext():
        lc = read(tmp_path / "r.fits")
    np.testing.assert_allclose(lc.t + (lc.bjd_offset or 0.0), t + 2457000.0, rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    "names",
    [["time", "bkg_sub_flux", "bkg"], ["time", "sky_subtracted_flux"], ["time", "frame_flux"]],
)
def test_flux_names_with_a_background_word_still_read(names):
    from starskope.io._columns import choose_columns

    t = np.arange(100.0) * 0.02
    cols = [t] + [1 + 1e-3 * np.sin(t * (k + 1)) for k in range(len(names) - 1)]
    ch = choose_columns(names, cols, path="x.csv")
    assert names[ch.flux] == names[1]


@pytest.mark.parametrize("name", ["I", "y", "r", "H"])
def test_ambiguous_single_letters_are_not_magnitudes(tmp_path, name):
    """``I`` (intensity), ``y``, ``r``, ``H`` holding a flux of about 20 stay flux: dips stay dips
    (with a warning that the values look like magnitudes, naming the column)."""
    t, f = _curve()
    with pytest.warns(StarskopeWarning, match=f"column '{name}' .* looks like magnitudes"):
        lc = read(_frame(tmp_path / "a.csv", {"time": t, name: 20 * f}))
    assert "magnitudes" not in lc.meta.extra["columns"]
    assert np.argmin(lc.flux) == np.argmin(f)


def test_parquet_date_columns_beside_a_numeric_time_stay_unread(tmp_path):
    import pandas as pd

    t, f = _curve(n=300)
    stamps = pd.to_datetime(t + 2457000.0 - 2440587.5, unit="D")
    pd.DataFrame({"time": t, "obs_date": stamps, "counts": 1000 * f}).to_parquet(
        tmp_path / "d.parquet"
    )
    lc = read(tmp_path / "d.parquet")
    assert lc.meta.flux_column == "counts"


def test_qdp_and_daophot_tables_read_their_named_columns(tmp_path):
    """astropy's ascii.qdp ("READ SERR 2" above a "!time flux flux_err" comment: the command
    was taken for the header, the error read as the flux) and IRAF DAOPHOT ("#N" names among
    "#K", "#U", "#F" lines: the constant YCENTER was read as the flux)."""
    from astropy.table import Table

    t, f = _curve(n=300)
    tab = Table({"time": t, "flux": 36000.0 * f, "flux_err": 25.0 + 0 * t})
    tab.write(tmp_path / "lc.qdp", format="ascii.qdp", err_specs={"serr": [2]})
    lc = read(tmp_path / "lc.qdp")
    np.testing.assert_allclose(lc.flux, 36000.0 * f, rtol=1e-6)
    np.testing.assert_allclose(lc.flux_err, 25.0)
    rows = "".join(
        f"{k + 1:<10d} 100.000  200.000  {2458599.9 + x:.6f}  {10.0 - 2.5 * np.log10(y):.5f}  0.001\n"
        for k, (x, y) in enumerate(zip(t, f, strict=True))
    )
    head = (
        "#K IRAF = NOAO/IRAFV2.16\n#N ID    XCENTER   YCENTER   OTIME       MAG     MERR\n"
        "#U ##    pixels    pixels    days        mag     mag\n"
        "#F %-9d  %-10.3f   %-10.3f  %-14.6f  %-7.3f  %-6.3f\n#\n"
    )
    (tmp_path / "phot.mag").write_text(head + rows)
    with pytest.warns(StarskopeWarning, match="'MAG' holds magnitudes"):
        lc = read(tmp_path / "phot.mag")
    assert lc.meta.flux_column == "MAG"
    np.testing.assert_allclose(lc.flux / np.median(lc.flux), f / np.median(f), rtol=1e-4)


def test_headerless_bar_table_and_rst_table(tmp_path):
    """astropy's fixed_width_no_header ('| 1599.96 | 36028.2 |' from the first line: the first
    row was taken for the names and lost) and ascii.rst (its top '=====' border was the
    header: flux_column '==============')."""
    from astropy.table import Table

    t, f = _curve(n=300)
    tab = Table({"time": t, "flux": f, "flux_err": 3e-4 + 0 * t})
    tab.write(tmp_path / "bars.txt", format="ascii.fixed_width_no_header")
    lc = read(tmp_path / "bars.txt")
    assert len(lc) == t.size
    np.testing.assert_allclose(lc.t, t, atol=1e-9)
    tab.write(tmp_path / "lc.rst", format="ascii.rst")
    lc = read(tmp_path / "lc.rst")
    assert lc.meta.flux_column == "flux" and len(lc) == t.size
    np.testing.assert_allclose(lc.flux, f, rtol=1e-6)


def test_aas_machine_readable_table(tmp_path):
    """An AAS Machine-Readable Table (astropy's ascii.mrt, the journals' format for published
    light curves) was refused with a pandas tokenizer message."""
    import astropy.units as u
    from astropy.table import Table

    t, f = _curve(n=300)
    tab = Table({"BTJD": t * u.day, "Flux": 36000.0 * f * u.ct / u.s, "e_Flux": 25.0 + 0 * t})
    tab.write(tmp_path / "lc.mrt", format="ascii.mrt")
    lc = read(tmp_path / "lc.mrt")
    assert lc.meta.product == "mrt" and lc.meta.flux_column == "Flux"
    np.testing.assert_allclose(lc.t, t, atol=1e-6)
    np.testing.assert_allclose(lc.flux, 36000.0 * f, rtol=1e-6)
    np.testing.assert_allclose(lc.flux_err, 25.0)
