"""Time units, magnitudes, masked cells and table layouts met in the wild (each case found by
an audit that wrote related formats from the real files)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from astropy.io import fits
from astropy.table import MaskedColumn, Table

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.io import read, write_kaggle
from starskope.io.kaggle import iter_kaggle
from starskope.search.grid import period_grid

DT = 2.0 / 1440  # TESS 2-min cadence, days


def _curve(n=2000, t0=1354.1, seed=0):
    rng = np.random.default_rng(seed)
    t = t0 + np.arange(n) * DT
    f = 1 + 2e-4 * rng.standard_normal(n)
    f[((t - t0 - 0.3) % 1.1) < 0.05] -= 3e-3
    return t, f


def _csv(path, header, *cols, fmt="%.8f"):
    np.savetxt(path, np.column_stack(cols), delimiter=",", header=header, comments="", fmt=fmt)
    return path


# ------------------------------------------------------------------------ time units
@pytest.mark.parametrize(
    ("name", "factor"),
    [
        ("time_s", 86400.0),
        ("t [hours]", 24.0),
        ("time_min", 1440.0),
        # named by the unit alone (these were read as days: a 25-d sector spanned 592 d)
        ("hours", 24.0),
        ("hrs", 24.0),
        ("minutes", 1440.0),
        ("mins", 1440.0),
        ("seconds", 86400.0),
    ],
)
def test_time_unit_in_the_column_name(tmp_path, name, factor):
    t, f = _curve()
    lc = read(_csv(tmp_path / "a.csv", f"{name},flux", (t - t[0]) * factor, f))
    np.testing.assert_allclose(np.median(np.diff(lc.t)), DT, rtol=1e-6)
    assert lc.time_format == "relative"
    assert "relative days" in lc.meta.extra["time_rule"]


@pytest.mark.parametrize(
    ("factor", "unit"), [(24.0, "hours"), (1440.0, "minutes")], ids=["hours", "minutes"]
)
def test_a_plain_time_column_in_hours_or_minutes_is_warned_about(tmp_path, factor, unit):
    # "time" says no unit: read as days (a 2-min cadence in hours is a 48-min one), but
    # the spacing is TESS's cadence counted in hours or minutes, so the reader says so
    t, f = _curve()
    p = _csv(tmp_path / "a.csv", "time,flux", (t - t[0]) * factor, f)
    with pytest.warns(
        StarskopeWarning, match=rf"step by [0-9.]+: 2 min if they are {unit}.*time_{unit}"
    ):
        lc = read(p)
    assert lc.time_format == "relative"
    np.testing.assert_allclose(np.median(np.diff(lc.t)), DT * factor, rtol=1e-6)
    assert unit in lc.meta.extra["time_unit_hint"]
    # the same times in days, or named by their unit, say nothing of it
    for header, times in (("time,flux", t - t[0]), (f"time_{unit},flux", (t - t[0]) * factor)):
        with warnings.catch_warnings():
            warnings.simplefilter("error", StarskopeWarning)
            lc = read(_csv(tmp_path / "b.csv", header, times, f))
        assert "time_unit_hint" not in lc.meta.extra


def test_time_unit_of_an_ecsv_column(tmp_path):
    t, f = _curve()
    tab = Table({"time": (t - t[0]) * 86400.0, "flux": f})
    tab["time"].unit = "s"
    tab.write(tmp_path / "a.ecsv", format="ascii.ecsv")
    lc = read(tmp_path / "a.ecsv")
    np.testing.assert_allclose(lc.time_span, t[-1] - t[0], rtol=1e-9)


def test_fits_time_in_seconds_since_the_bjd_reference(tmp_path):
    t, f = _curve()
    cols = [
        fits.Column(name="TIME", format="D", unit="s", array=(t - 1000.0) * 86400.0),
        fits.Column(name="FLUX", format="D", array=f),
    ]
    hdu = fits.BinTableHDU.from_columns(cols)
    hdu.header["BJDREFI"] = 2458000
    hdu.header["BJDREFF"] = 0.0
    hdu.header["TIMESYS"] = "TDB"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "s.fits")
    lc = read(tmp_path / "s.fits")
    np.testing.assert_allclose(lc.t[0] + lc.bjd_offset, 2458000 + t[0] - 1000.0, atol=1e-6)


def test_times_that_cannot_be_days_are_refused(tmp_path):
    t, f = _curve()
    p = _csv(tmp_path / "sec.csv", "col_a,flux", (t - t[0]) * 86400.0 + 5e8, f)
    with pytest.raises(StarskopeError, match=r"span 2\.399e\+05 days \(657 years\): they are not"):
        read(p)
    with pytest.raises(StarskopeError, match="trial periods"):
        period_grid(baseline=2.0e6)


@pytest.mark.parametrize("how", ["unit", "mjdref"])
def test_fits_mjd_times(tmp_path, how):
    t, f = _curve(t0=58354.1)  # MJD
    col = fits.Column(name="TIME", format="D", array=t, unit="MJD" if how == "unit" else "d")
    hdu = fits.BinTableHDU.from_columns([col, fits.Column(name="FLUX", format="D", array=f)])
    if how == "mjdref":
        hdu.header["MJDREF"] = 0.0
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "m.fits")
    lc = read(tmp_path / "m.fits")
    np.testing.assert_allclose(lc.t[0] + lc.bjd_offset, t[0] + 2400000.5, atol=1e-6)


def test_a_bjd_column_of_reduced_values(tmp_path):
    t, f = _curve(t0=58354.1)  # BJD - 2400000, in a column named "bjd"
    # the name says BJD but not which reduction: MJD-like values would be half a day off, which
    # a bare "time" column was warned of and a named one was not (an audit of the readers)
    with pytest.warns(StarskopeWarning, match="column 'bjd' holds times of ~5e4: read as BJD -"):
        lc = read(_csv(tmp_path / "r.csv", "bjd,flux", t, f))
    np.testing.assert_allclose(lc.t[0] + (lc.bjd_offset or 0.0), t[0] + 2400000.0, atol=1e-6)
    # the same column in a FITS table was read so without a word (a review)
    cols = [fits.Column(name="BJD", format="D", array=t), fits.Column("FLUX", "D", array=f)]
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(cols)]).writeto(
        tmp_path / "r.fits"
    )
    with pytest.warns(StarskopeWarning, match="column 'BJD' holds times of ~5e4: read as BJD -"):
        lc = read(tmp_path / "r.fits")
    np.testing.assert_allclose(lc.t[0] + (lc.bjd_offset or 0.0), t[0] + 2400000.0, atol=1e-6)
    t, f = _curve(t0=2458354.1)  # full BJD: unchanged
    lc = read(_csv(tmp_path / "f.csv", "bjd,flux", t, f))
    np.testing.assert_allclose(lc.t[0] + (lc.bjd_offset or 0.0), t[0], atol=1e-6)


@pytest.mark.parametrize(
    ("name", "t0", "add"),
    [
        ("bjd", 8354.1, 2450000.0),  # BJD - 2450000 of a TESS star (was read as BTJD)
        ("BJD_TDB", 5002.3, 2450000.0),  # of a Kepler star
        ("hjd", 4123.4, 2450000.0),  # ground-based survey, 2007 (below 4500: not taken)
        ("bjd", 1354.1, 2457000.0),  # BTJD in a column named bjd: still BTJD
        ("MJD-50000", 8516.8, 2450000.5),  # MJD - 50000 (was read as plain MJD: 50000 d early)
    ],
)
def test_a_bjd_column_in_other_reductions(tmp_path, name, t0, add):
    t, f = _curve(t0=t0)
    lc = read(_csv(tmp_path / "r.csv", f"{name},flux", t, f))
    got = lc.t[0] + (lc.bjd_offset or 0.0)
    if t0 < 4500 and add == 2450000.0:  # ambiguous with BTJD: the BJD - 2450000 rule stays out
        assert "2450000" not in lc.meta.extra["time_rule"]
    else:
        np.testing.assert_allclose(got, t[0] + add, atol=1e-6)


# ------------------------------------------------------------------------ flux columns
def test_magnitude_columns_become_relative_flux(tmp_path):
    t, f = _curve()
    m = 11.3 - 2.5 * np.log10(f)
    for name in ("Tmag", "kepmag", "MAG_AUTO", "rel_mag"):
        p = _csv(tmp_path / f"{name}.csv", f"time,{name},{name}_err", t, m, np.full(t.size, 2e-4))
        with pytest.warns(StarskopeWarning, match=f"'{name}' holds magnitudes"):
            lc = read(p)
        np.testing.assert_allclose(lc.flux, f / np.median(f), rtol=1e-6)
        np.testing.assert_allclose(lc.flux_err, 0.4 * np.log(10) * lc.flux * 2e-4, rtol=1e-6)
    # a FITS column whose unit is mag
    cols = [
        fits.Column(name="TIME", format="D", array=t),
        fits.Column(name="BRIGHTNESS", format="D", unit="mag", array=m),
    ]
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(cols)]).writeto(
        tmp_path / "m.fits"
    )
    with pytest.warns(StarskopeWarning, match="'BRIGHTNESS' holds magnitudes"):
        lc = read(tmp_path / "m.fits")
    np.testing.assert_allclose(lc.flux, f / np.median(f), rtol=1e-6)


@pytest.mark.parametrize(
    ("header", "err_name"),
    [("HJD,V,eV", "eV"), ("JD,Rc,Rc_err", "Rc_err"), ("bjd,g,sig_g", "sig_g"), ("time,V", None)],
)
def test_band_named_magnitude_columns(tmp_path, header, err_name):
    """Ground-based and AAVSO-style tables name the magnitude column by its band (``V``):
    converted to relative flux, dips staying dips, with the band's own error column."""
    t, f = _curve(t0=2459000.5)
    m = 12.4 - 2.5 * np.log10(f)
    cols = (t, m) if err_name is None else (t, m, np.full(t.size, 3e-4))
    p = _csv(tmp_path / "band.csv", header, *cols)
    with pytest.warns(StarskopeWarning, match="holds magnitudes"):
        lc = read(p)
    np.testing.assert_allclose(lc.flux, f / np.median(f), rtol=1e-6)
    assert np.argmin(lc.flux) == np.argmin(f)  # a transit is still a dip
    if err_name is not None:
        np.testing.assert_allclose(lc.flux_err, 0.4 * np.log(10) * lc.flux * 3e-4, rtol=1e-6)
    assert "a band name" in lc.meta.extra["columns"]


@pytest.mark.parametrize(
    "header",
    [
        "JD,Magnitude,Uncertainty",
        "time,mag,sigma",
        "HJD,dmag,unc",
        "BJD_TDB,Relative Magnitude,Error",
        "BJD,Mag(V),eMag",
        "# HJD mag merr",
        "time,m,dm",
        "BJD,dV,err",
        "time,mag,emag",
        "time,V,eV",
    ],
)
def test_magnitude_tables_read_the_magnitudes_and_their_error(tmp_path, header):
    """Photometry tables name a magnitude's error many ways (Uncertainty, sigma, unc, Error,
    eMag, merr, dm): the magnitude is the flux, a transit stays a dip, and its error is
    converted with it. The error column was once read as the flux (a flat light curve), or the
    magnitude read without its error."""
    t, f = _curve(t0=2459000.5)
    m = 10.0 - 2.5 * np.log10(f)
    body = np.column_stack([t, m, np.full(t.size, 2e-4)])
    p = tmp_path / "mags.txt"
    sep = " " if header.startswith("#") else ","
    np.savetxt(p, body, delimiter=sep, header=header, comments="", fmt="%.8f")
    with pytest.warns(StarskopeWarning, match="holds magnitudes") as rec:
        lc = read(p)
    assert not any("looks like magnitudes" in str(w.message) for w in rec)
    np.testing.assert_allclose(lc.flux, f / np.median(f), rtol=1e-6)
    assert np.argmin(lc.flux) == np.argmin(f)  # a transit is still a dip
    np.testing.assert_allclose(lc.flux_err, 0.4 * np.log(10) * lc.flux * 2e-4, rtol=1e-6)


@pytest.mark.parametrize(
    "header", ["BJD_TDB,mmag,mmag_err", "time,dmmag,e_dmmag", "BJD_TDB,dmag_mmag,err_mmag"]
)
def test_millimagnitudes_are_divided_by_1000(tmp_path, header):
    """Millimagnitudes are converted as such (they were taken for magnitudes: a 3-ppt transit
    read as a 93% one), their error with them; ``err_mmag`` is never the flux."""
    t, f = _curve(t0=2459000.5)
    mmag = 1000 * (-2.5 * np.log10(f))
    body = np.column_stack([t, mmag, np.full(t.size, 0.2)])
    p = tmp_path / "mmag.csv"
    np.savetxt(p, body, delimiter=",", header=header, comments="", fmt="%.8f")
    with pytest.warns(StarskopeWarning, match="holds millimagnitudes"):
        lc = read(p)
    np.testing.assert_allclose(lc.flux, f / np.median(f), rtol=1e-6)
    np.testing.assert_allclose(lc.flux_err, 0.4 * np.log(10) * lc.flux * 2e-4, rtol=1e-6)


def test_an_error_named_column_is_never_chosen_as_the_flux():
    """Beside a column of flux with no usual name, a column named as an error is the error."""
    from starskope.io._columns import choose_columns

    t = np.arange(100.0)
    flux, err = 1000 + np.sin(t), np.full(100, 3.0)
    for names in (["time", "Uncertainty", "counts"], ["time", "sigma", "brightness"]):
        ch = choose_columns(names, [t, err, flux], path="x.csv")
        assert (ch.flux, ch.err) == (2, 1)
    # an error named by the flux's unit (err_ppt beside flux_ppt)
    ch = choose_columns(["time", "flux_ppt", "err_ppt"], [t, flux, err], path="x.csv")
    assert (ch.flux, ch.err) == (1, 2)
    # an error of something else (a background's) is not the flux's error
    ch = choose_columns(["time", "counts", "bkg_err"], [t, flux, err], path="x.csv")
    assert (ch.flux, ch.err) == (1, None)


def test_a_named_column_that_looks_like_magnitudes_is_flagged(tmp_path):
    """A column whose name says neither flux nor magnitude, holding values that look like
    magnitudes, is read as flux with a warning naming it (its transits would be brightenings);
    a FITS unit of mag converts it instead."""
    t, f = _curve(t0=2459000.5)
    m = 10.0 - 2.5 * np.log10(f)
    p = _csv(tmp_path / "b.csv", "time,brightness", t, m)
    with pytest.warns(StarskopeWarning, match="column 'brightness' .* looks like magnitudes"):
        read(p)
    lc = read(_csv(tmp_path / "c.csv", "time,brightness", t, 1000 * f))  # counts: no warning
    assert np.argmin(lc.flux) == np.argmin(f)


def test_band_named_columns_holding_flux_stay_flux():
    """A band-named column of relative flux (near 1) or counts is not taken for magnitudes."""
    from starskope.io._columns import band_magnitudes, choose_columns

    t = np.arange(100.0)
    for values in (1 + 1e-3 * np.sin(t), 5e4 + 10 * np.sin(t)):
        ch = choose_columns(["time", "V"], [t, values], path="x.csv")
        assert not ch.magnitude
    assert band_magnitudes("Ks", np.r_[9.1, 9.2, 99.999])  # a missing-value sentinel is ignored
    assert not band_magnitudes("flux", np.full(3, 12.0))


def test_lightkurve_tables_use_their_flux_column(tmp_path):
    t, f = _curve()
    p = tmp_path / "lk.csv"
    cols = {"time": t, "flux": f, "flux_err": np.full(t.size, 2e-4)}
    cols.update(pdcsap_flux=f * 900 + 50, pdcsap_flux_err=np.full(t.size, 0.2), sap_flux=f * 1000)
    _csv(p, ",".join(cols), *cols.values())
    lc = read(p)
    assert lc.meta.flux_column == "flux"
    np.testing.assert_allclose(lc.flux, f, rtol=1e-7)


def test_masked_ecsv_cells_are_nan_not_zero(tmp_path):
    t, f = _curve()
    mask = np.zeros(t.size, bool)
    mask[100:140] = True
    tab = Table({"time": t, "flux": MaskedColumn(f, mask=mask)})
    tab.write(tmp_path / "m.ecsv", format="ascii.ecsv")
    lc = read(tmp_path / "m.ecsv")
    assert np.isnan(lc.flux[100:140]).all() and np.isfinite(lc.flux[:100]).all()


@pytest.mark.parametrize("style", ["astropy", "archive"])
def test_ipac_tables(tmp_path, style):
    t, f = _curve(t0=2458354.1)
    p = tmp_path / "a.tbl"
    if style == "astropy":
        Table({"time": t, "flux": f, "flux_err": np.full(t.size, 2e-4)}).write(
            p, format="ascii.ipac"
        )
    else:  # the NASA Exoplanet Archive's layout: keywords, names, types, units, nulls
        lines = [
            "\\fixlen = T",
            "\\ ORIGIN: 'NASA Exoplanet Archive'",
            "|          BJD|     NORM_FLUX|",
            "|       double|        double|",
            "|         days|              |",
            "|         null|          null|",
        ]
        lines += [f"  {a:.6f}  {b:.7f}" for a, b in zip(t, f, strict=True)]
        p.write_text("\n".join(lines) + "\n")
    lc = read(p)
    np.testing.assert_allclose(lc.t + lc.bjd_offset, t, rtol=0, atol=1e-6)
    np.testing.assert_allclose(lc.flux, f, atol=1e-7)


# ------------------------------------------------------------------------ Kaggle tables
def _kaggle_rows(n_rows=3, n_flux=3197):
    rng = np.random.default_rng(3)
    return 1000 + rng.standard_normal((n_rows, n_flux)), np.array([2, 1, 1][:n_rows])


def test_kaggle_trailing_commas(tmp_path):
    flux, labels = _kaggle_rows()
    ref = write_kaggle(tmp_path / "ref.csv", flux, labels)
    lines = ref.read_text().splitlines()
    (tmp_path / "a.csv").write_text("\n".join(line + "," for line in lines) + "\n")
    (tmp_path / "b.csv").write_text("\n".join(line + "," for line in lines[1:]) + "\n")
    want = [lc.flux for lc in iter_kaggle(ref, cache=False)]
    for name in ("a.csv", "b.csv"):
        got = list(iter_kaggle(tmp_path / name, cache=False))
        assert [lc.meta.label for lc in got] == [1, 0, 0]
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g.flux, w)


def test_kaggle_header_only_and_label_not_first(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("LABEL," + ",".join(f"FLUX.{i}" for i in range(1, 3198)) + "\n")
    with pytest.raises(StarskopeError, match="header but no data rows"):
        list(iter_kaggle(p, cache=False))
    p = tmp_path / "last.csv"
    p.write_text(",".join(f"FLUX.{i}" for i in range(1, 3198)) + ",LABEL\n" + "1.0," * 3197 + "2\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(StarskopeError, match="LABEL is column 3198 of the header"):
            list(iter_kaggle(p, cache=False))


@pytest.mark.parametrize(
    ("header", "match"),
    [
        (["LABEL", "KEPID", *(f"FLUX.{i}" for i in range(1, 3198))], "column 2 is 'KEPID'"),
        (["LABEL", *(f"FLUX.{i}" for i in range(3197, 0, -1))], "column 2 is 'FLUX.3197'"),
    ],
)
def test_kaggle_header_with_an_extra_or_reordered_column_is_named(tmp_path, header, match):
    """Not read as a three-column light curve (time from a flux column): the layout is named."""
    p = tmp_path / "t.csv"
    row = ["2"] + ["1000.5"] * (len(header) - 1)
    p.write_text(",".join(header) + "\n" + ",".join(row) + "\n")
    with pytest.raises(StarskopeError, match=match):
        read(p)


# ------------------------------------------------------------------------ compression
@pytest.mark.parametrize("kind", ["bz2", "xz", "zip"])
def test_bzip2_xz_and_zip_files(tmp_path, kind):
    import bz2
    import lzma
    import zipfile

    t, f = _curve()
    plain = _csv(tmp_path / "a.csv", "time,flux", t, f)
    p = tmp_path / f"a.csv.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(p, "w") as z:
            z.write(plain, "a.csv")
    else:
        p.write_bytes((bz2 if kind == "bz2" else lzma).compress(plain.read_bytes()))
    np.testing.assert_array_equal(read(p).flux, read(plain).flux)


def test_zip_of_several_files_is_refused(tmp_path):
    import zipfile

    t, f = _curve()
    plain = _csv(tmp_path / "a.csv", "time,flux", t, f)
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as z:
        z.write(plain, "a.csv")
        z.write(plain, "b.csv")
    with pytest.raises(StarskopeError, match="zip archive of 2 files: unzip it"):
        read(tmp_path / "two.zip")
    # a NumPy .npz (a zip of .npy arrays): unzipping would give arrays starskope refuses too
    np.savez(tmp_path / "lc.npz", time=t, flux=f)
    with pytest.raises(StarskopeError, match=r"a NumPy \.npz archive.*CSV or Parquet"):
        read(tmp_path / "lc.npz")


def test_scan_items_of_compressed_kaggle_tables_with_trailing_commas(tmp_path):
    import bz2

    from starskope.scan.inputs import input_kind, iter_items
    from starskope.scan.runner import _read_item

    flux, labels = _kaggle_rows()
    ref = write_kaggle(tmp_path / "ref.csv", flux, labels)
    text = "\n".join(line + "," for line in ref.read_text().splitlines()) + "\n"
    (tmp_path / "k.csv.bz2").write_bytes(bz2.compress(text.encode()))
    p = str(tmp_path / "k.csv.bz2")
    assert input_kind(p) == "kaggle"
    items = list(iter_items([p]))
    assert [it.row for it in items] == [0, 1, 2]
    for it, want in zip(items, iter_kaggle(ref, cache=False), strict=True):
        np.testing.assert_array_equal(_read_item(it).flux, want.flux)


def test_light_curve_table_behind_another_table(tmp_path):
    t, f = _curve()
    target = fits.BinTableHDU.from_columns(
        [
            fits.Column(name="RA", format="D", array=[10.0]),
            fits.Column(name="DEC", format="D", array=[-5.0]),
        ]
    )
    lc_hdu = fits.BinTableHDU.from_columns(
        [
            fits.Column(name="TIME", format="D", array=t),
            fits.Column(name="FLUX", format="D", array=f),
        ]
    )
    fits.HDUList([fits.PrimaryHDU(), target, lc_hdu]).writeto(tmp_path / "two.fits")
    lc = read(tmp_path / "two.fits")
    assert lc.meta.extra["hdu"] == 2
    np.testing.assert_allclose(lc.flux, f)


def test_fractional_deviations_around_zero_keep_their_depth(tmp_path):
    from starskope.clean import clean

    t, f = _curve()
    lc = clean(read(_csv(tmp_path / "d.csv", "time,flux", t, f - 1.0)))
    ref = clean(read(_csv(tmp_path / "r.csv", "time,flux", t, f)))
    np.testing.assert_allclose(lc.flux, ref.flux, rtol=1e-9)
    assert "flux_level" not in lc.meta.extra and "flux - 1" in lc.meta.extra["flux_offsets"]
    # offsets in counts (the Kaggle K2 tables) still have no level: noise units
    counts = clean(read(_csv(tmp_path / "c.csv", "time,flux", t, 5e4 * (f - 1.0))))
    assert "flux_level" in counts.meta.extra


@pytest.mark.parametrize(
    ("sep", "name"),
    [("\t", "FLUX.{}"), (";", "FLUX.{}"), (" ", "FLUX.{}"), (",", "FLUX_{}"), (",", "FLUX{}")],
)
def test_kaggle_separators_and_flux_names(tmp_path, sep, name):
    flux, labels = _kaggle_rows()
    ref = write_kaggle(tmp_path / "ref.csv", flux, labels)
    head = sep.join(["LABEL"] + [name.format(i) for i in range(1, 3198)])
    body = []
    for lab, row in zip(labels, flux, strict=True):
        vals = [f"{v:.2f}" for v in row]
        if sep == ";":
            vals = [v.replace(".", ",") for v in vals]  # a European spreadsheet export
        body.append(sep.join([str(lab)] + vals))
    p = tmp_path / "k.txt"
    p.write_text("\n".join([head, *body]) + "\n")
    got = list(iter_kaggle(p, cache=False))
    assert [lc.meta.label for lc in got] == [1, 0, 0]
    for g, w in zip(got, iter_kaggle(ref, cache=False), strict=True):
        np.testing.assert_array_equal(g.flux, w.flux)


def test_two_flux_columns_are_not_a_kaggle_table(tmp_path):
    t, f = _curve()
    p = _csv(tmp_path / "ap.csv", "flux_1,flux_2,time", f, f * 1.01, t)
    lc = read(p)
    assert lc.meta.product == "text" and len(lc) == t.size


def test_votable(tmp_path):
    t, f = _curve(t0=2458354.1)
    tab = Table({"time": t, "flux": f, "flux_err": np.full(t.size, 2e-4)})
    tab["time"].unit = "d"
    tab.write(tmp_path / "a.xml", format="votable")
    lc = read(tmp_path / "a.xml")
    assert lc.meta.product == "votable"
    np.testing.assert_allclose(lc.t + lc.bjd_offset, t, rtol=0, atol=1e-6)
    np.testing.assert_allclose(lc.flux, f)


def test_a_single_column_of_flux_gets_an_actionable_error(tmp_path):
    _, f = _curve()
    p = tmp_path / "flux.csv"
    p.write_text("flux\n" + "\n".join(f"{v:.6f}" for v in f) + "\n")
    with pytest.raises(
        StarskopeError, match=r"single column of numbers .* needs the times; .*--cadence-minutes"
    ):
        read(p)


@pytest.mark.parametrize(
    "names",
    [
        ["time", "mag_auto_err", "mag_auto"],
        ["time", "e_Vmag", "Vmag"],
        ["time", "magerr", "kepmag"],
        ["time", "Tmag", "Tmag_err"],
    ],
)
def test_magnitude_error_columns_are_never_the_flux(names):
    from starskope.io._columns import choose_columns

    t = np.arange(100.0)
    cols = {"time": t}
    for n in names[1:]:
        cols[n] = np.full(100, 1e-3) if ("err" in n.lower() or n.startswith("e_")) else 10 + t * 0
    ch = choose_columns(names, [cols[n] for n in names], path="x.csv")
    assert (
        ch.magnitude and "err" not in names[ch.flux].lower() and not names[ch.flux].startswith("e_")
    )


def test_a_title_line_above_the_header(tmp_path):
    t, f = _curve()
    body = "\n".join(f"{a:.6f},{b:.7f}" for a, b in zip(t, f, strict=True))
    p = tmp_path / "title.csv"
    p.write_text("TOI-247 light curve from TESS sector 2\ntime,flux\n" + body + "\n")
    lc = read(p)
    assert lc.meta.flux_column == "flux" and lc.meta.target == "TOI-247" and len(lc) == t.size
    p = tmp_path / "units.csv"  # a units line under the header stays a (skipped) data row
    p.write_text("time,flux\nd,relative\n" + body + "\n")
    lc = read(p)
    assert lc.meta.flux_column == "flux" and len(lc) == t.size


@pytest.mark.parametrize(("minutes", "fmt"), [(29.4244, "bkjd"), (30.0, "btjd"), (2.0, "btjd")])
def test_times_1325_to_1591_by_cadence(tmp_path, minutes, fmt):
    """Kepler's BKJD runs to 1591 and TESS's BTJD starts at 1325: in between, without a
    mission hint, Kepler's cadences (29.4244 min, 58.85 s) say Kepler."""
    rng = np.random.default_rng(1)
    t = 1400.0 + np.arange(2000) * minutes / 1440
    lc = read(_csv(tmp_path / "x.csv", "time,flux", t, 1 + 1e-4 * rng.standard_normal(t.size)))
    assert lc.time_format == fmt


def test_binned_times_1325_to_1591_are_not_guessed(tmp_path):
    """Kepler Q14-Q17 binned to an hour (lightkurve's ``bin(1/24)``) were read as TESS BTJD,
    2167 days off: wider than TESS's slowest cadence, 1325-1591 belongs to either mission."""
    rng = np.random.default_rng(2)
    t = 1373.0 + np.arange(2000) * 60.0 / 1440
    p = _csv(tmp_path / "binned.csv", "time,flux", t, 1 + 1e-4 * rng.standard_normal(t.size))
    with pytest.warns(StarskopeWarning, match=r"times of 1325-1591 .* time_format='bkjd'"):
        lc = read(p)
    assert lc.time_format == "relative" and lc.t[0] == pytest.approx(1373.0)
    assert read(p, time_format="bkjd").time_format == "bkjd"  # the user says which
    # times running past 1591 are TESS's (Kepler's BKJD ends there): BTJD, as before
    t2 = 1569.0 + np.arange(700) * 60.0 / 1440
    p2 = _csv(tmp_path / "s10.csv", "time,flux", t2, 1 + 1e-4 * rng.standard_normal(t2.size))
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        assert read(p2).time_format == "btjd"
        # a column named BJD with such values is BJD - 2457000 (TESS's convention; Kepler's
        # BJD - 2454833 is named BKJD): BTJD, as before
        p3 = _csv(tmp_path / "bjd.csv", "BJD,flux", t, 1 + 1e-4 * rng.standard_normal(t.size))
        assert read(p3).time_format == "btjd"


def test_a_bjd_column_of_k2_or_tess_times_is_named_in_a_warning(tmp_path):
    """1940-3270 with no mission or cadence to say K2 or TESS: relative days, and now said for
    a column named BJD too (it was said only for other names)."""
    rng = np.random.default_rng(4)
    t = 2100.0 + np.sort(rng.uniform(0, 60, 300))
    p = _csv(tmp_path / "bjd.csv", "BJD,flux", t, 1 + 1e-4 * rng.standard_normal(t.size))
    with pytest.warns(StarskopeWarning, match="times of 1940-3270"):
        assert read(p).time_format == "relative"


def test_raw_flux_model_warns_when_it_resamples():
    from starskope import LightCurve
    from starskope.features.rawflux import warn_if_resampled

    short = LightCurve(np.arange(2000) * 0.0204, np.ones(2000), time_format="relative")
    with pytest.warns(StarskopeWarning, match="other lengths than the raw-flux model's 3197"):
        warn_if_resampled([short], 3197)
    k2 = 29.4244 / 1440
    one_more = LightCurve(np.arange(3198.0) * k2, np.ones(3198), time_format="relative")
    with pytest.warns(StarskopeWarning, match="trimmed or padded"):  # any other length is said
        warn_if_resampled([one_more], 3197)
    daily = LightCurve(np.arange(3197.0), np.ones(3197), time_format="relative")
    with pytest.warns(StarskopeWarning, match="other cadences than the raw-flux model's"):
        warn_if_resampled([daily], 3197)  # ... and any other cadence
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_if_resampled(
            [LightCurve(np.arange(3197.0) * k2, np.ones(3197), time_format="relative")], 3197
        )
        warn_if_resampled([daily], 3197, cadence_minutes=1440.0)  # a model of daily rows
        # a curve the model refuses (under a tenth of its row) is not said to be padded
        warn_if_resampled(
            [LightCurve(np.arange(100) * k2, np.ones(100), time_format="relative")], 3197
        )


def test_ipac_blank_cells_stay_in_their_column(tmp_path):
    lines = [
        "|        time|        flux|    flux_err| quality|",
        "|      double|      double|      double|     int|",
        "  1325.00139      1.00010       0.00010        0",
        "  1325.00278                    0.00010        0",
        "  1325.00417      0.99990                      0",
    ]
    lines += [
        f"  {1325.00556 + 0.00139 * k:10.5f}      1.00000       0.00010        0" for k in range(20)
    ]
    p = tmp_path / "blank.tbl"
    p.write_text("\n".join(lines) + "\n")
    lc = read(p)
    # the blank flux is missing (not the error value 1e-4 shifted left), the blank error too
    assert lc.flux[0] == pytest.approx(1.0001) and np.isnan(lc.flux[1])
    assert lc.flux[2] == pytest.approx(0.9999) and np.isnan(lc.flux_err[2])
    assert lc.flux_err[1] == pytest.approx(1e-4) and lc.quality[2] == 0


def test_review_cases(tmp_path):
    """Cases a review of the new rules found: a corrupt xz stream, a units line shorter than
    the header, a catalogue magnitude beside the counts, per-cent offsets."""
    import lzma

    from starskope.clean.masking import is_relative_offset

    t, f = _curve()
    raw = bytearray(lzma.compress(b"time,flux\n" + b"1,1\n" * 100))
    raw[12:40] = b"\x11" * 28
    (tmp_path / "bad.csv.xz").write_bytes(bytes(raw))
    with pytest.raises(StarskopeError, match="bad.csv.xz"):
        read(tmp_path / "bad.csv.xz")
    body = "\n".join(f"{a:.6f},{b:.7f},0.0002" for a, b in zip(t, f, strict=True))
    (tmp_path / "u.csv").write_text("time,flux,flux_err\nd,ppm\n" + body + "\n")
    with pytest.raises(StarskopeError, match="malformed table"):  # not a silent misread
        read(tmp_path / "u.csv")
    lc = read(_csv(tmp_path / "c.csv", "time,counts,Tmag", t, 5e4 * f, np.full(t.size, 10.52)))
    assert lc.meta.flux_column == "counts"
    rng = np.random.default_rng(0)
    assert is_relative_offset(2e-4 * rng.standard_normal(3000))  # flux - 1
    assert not is_relative_offset(0.05 * rng.standard_normal(3000))  # per cent, 500 ppm
    assert not is_relative_offset(5.0 * rng.standard_normal(3000))  # e/s (Kaggle)


# ------------------------------------------------------------------------ calendar dates
@pytest.mark.parametrize(
    ("fmt", "sep"),
    [("%Y-%m-%dT%H:%M:%SZ", ","), ("%Y-%m-%d %H:%M:%S", ","), ("%Y-%m-%dT%H:%M:%S+00:00", "\t")],
)
def test_iso_dates_as_the_time_column(tmp_path, fmt, sep):
    """Calendar dates (ISO 8601, UTC) become JD in TDB, with a warning that they are not
    barycentric; the transit period comes out unchanged."""
    from datetime import UTC, datetime, timedelta

    t, f = _curve(n=3000)
    start = datetime(2019, 8, 1, tzinfo=UTC)
    stamps = [(start + timedelta(days=float(x - t[0]))).strftime(fmt) for x in t]
    p = tmp_path / "dates.csv"
    p.write_text(
        f"date{sep}flux\n" + "".join(f"{s}{sep}{v:.8f}\n" for s, v in zip(stamps, f, strict=True))
    )
    with pytest.warns(StarskopeWarning, match="calendar dates: read as JD in TDB"):
        lc = read(p)
    # 2019-08-01 00:00 UTC is JD 2458696.5; TDB runs 69.184 s ahead of UTC then
    assert lc.time_format == "jd"
    assert lc.t[0] == pytest.approx(2458696.5 + 69.184 / 86400, abs=2e-6)
    np.testing.assert_allclose(np.diff(lc.t), np.diff(t), atol=2e-6)


def test_a_text_column_is_not_taken_for_dates(tmp_path):
    t, f = _curve(n=50)
    p = tmp_path / "a.csv"
    p.write_text(
        "time,flux,camera\n" + "".join(f"{a},{b},cam1\n" for a, b in zip(t, f, strict=True))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lc = read(p)
    assert lc.t[0] == pytest.approx(t[0])


def _stamps(n, fmt="%Y-%m-%dT%H:%M:%S"):
    from datetime import UTC, datetime, timedelta

    start = datetime(2019, 8, 1, tzinfo=UTC)
    return [(start + timedelta(minutes=30 * i)).strftime(fmt) for i in range(n)]


@pytest.mark.parametrize("header", ["x,stamp,y\n", ""])
def test_a_date_column_beside_a_numeric_time_is_left_alone(tmp_path, header):
    """The numeric time stays the time and the flux stays the flux (a date column is never
    flux); the dates are not read."""
    n = 300
    t = 1696.5 + np.arange(n) / 48
    f = 1 + 1e-3 * np.random.default_rng(0).standard_normal(n)
    p = tmp_path / "a.csv"
    rows = "".join(f"{a:.5f},{s},{b:.6f}\n" for a, s, b in zip(t, _stamps(n), f, strict=True))
    p.write_text(header + rows)
    lc = read(p)
    assert len(lc) == n
    np.testing.assert_allclose(lc.flux, f, atol=1e-6)
    assert "calendar" not in str(lc.meta.extra.get("time_rule"))


def test_whitespace_dates_with_a_clock_and_missing_cells(tmp_path):
    n = 300
    f = 1 + 1e-3 * np.random.default_rng(1).standard_normal(n)
    stamps = _stamps(n, "%Y-%m-%d %H:%M:%S")
    lines = [f"{s} {v:.6f}" for s, v in zip(stamps, f, strict=True)]
    lines[10] = f"-- {f[10]:.6f}"  # a missing date: that row is dropped, the file still reads
    p = tmp_path / "a.txt"
    p.write_text("date time flux\n" + "\n".join(lines) + "\n")
    with pytest.warns(StarskopeWarning, match="calendar dates"):
        lc = read(p)
    assert len(lc.remove_nans()) >= n - 1  # one day apart would collapse to 7 points
    assert np.nanmedian(np.diff(lc.t)) * 1440 == pytest.approx(30.0, abs=0.01)


def test_a_headerless_date_table_keeps_its_first_row(tmp_path):
    n = 50
    p = tmp_path / "a.csv"
    p.write_text("".join(f"{s}Z,{1 + 1e-4 * i:.6f}\n" for i, s in enumerate(_stamps(n))))
    with pytest.warns(StarskopeWarning):
        lc = read(p)
    assert len(lc) == n


@pytest.mark.parametrize(
    ("name", "declared"),
    [
        ("BJD_TDB", None),
        ("btjd", None),
        ("time", None),
        ("HJD", "HJD"),
        ("mjd", "MJD"),
        ("JD", "JD"),
        ("jd_utc", "UTC"),
        ("HJD-2450000", "HJD"),
    ],
)
def test_declared_time_scale_names_what_is_not_barycentric_tdb(tmp_path, name, declared):
    from starskope.io._common import declared_time_scale

    assert declared_time_scale(name) == declared
    t = 2459000.5 + np.arange(200) * 0.02
    if name == "HJD-2450000":
        t = t - 2450000.0
    elif name == "mjd":
        t = t - 2400000.5
    elif name == "btjd":
        t = t - 2457000.0
    p = tmp_path / "lc.csv"
    flux = 1 + 1e-3 * np.random.default_rng(0).normal(size=t.size)
    p.write_text(
        f"{name},flux\n" + "\n".join(f"{a:.6f},{b:.6f}" for a, b in zip(t, flux, strict=True))
    )
    lc = read(p)
    assert lc.meta.extra.get("time_scale") == declared
    assert (declared is None) == ("read as they are" not in lc.time_system)


def test_bare_times_past_todays_btjd_are_bjd_minus_2450000(tmp_path):
    """8500 in a plain 'time' column is not BTJD (TESS reaches it in 2038): the ground-based
    BJD - 2450000, with a warning; times TESS has reached stay BTJD."""
    from starskope.exceptions import StarskopeWarning

    flux = 1 + 1e-3 * np.random.default_rng(0).normal(size=300)
    for start, fmt, first in ((8500.0, "jd", 2458500.0), (3500.0, "btjd", 3500.0)):
        t = start + np.arange(300) * 0.02
        p = tmp_path / f"t{start:.0f}.csv"
        p.write_text(
            "time,flux\n" + "\n".join(f"{a:.5f},{b:.6f}" for a, b in zip(t, flux, strict=True))
        )
        if fmt == "jd":
            with pytest.warns(StarskopeWarning, match="beyond today's TESS time"):
                lc = read(p)
        else:
            lc = read(p)
        assert lc.time_format == fmt and lc.t[0] == pytest.approx(first)


def test_gzip_kaggle_tables_are_byte_identical(tmp_path):
    """Neither the time nor the file name goes into the gzip header: same table, same bytes."""
    import os

    flux, labels = _kaggle_rows(n_flux=50)
    a = write_kaggle(tmp_path / "a.csv.gz", flux, labels)
    (tmp_path / "d").mkdir()
    b = write_kaggle(tmp_path / "d" / "other.csv.gz", flux, labels)
    os.utime(a, (0, 0))
    assert a.read_bytes() == b.read_bytes()
    assert [lc.meta.label for lc in iter_kaggle(a, cache=False)] == [1, 0, 0]


@pytest.mark.parametrize(
    ("flux_name", "err_name"),
    [
        ("flux (%)", "err (%)"),
        ("flux [%]", "flux_err"),
        ("rel_flux_pct", "err_pct"),
        ("flux_percent", "flux_percent_err"),
        ("flux_ppt", "err_ppt"),  # the error was left out: offsets have no level to compare
    ],
)
def test_offsets_in_per_cent_and_their_errors_are_read_by_their_names(
    tmp_path, flux_name, err_name
):
    """Offsets named in per cent were taken for flux without a level (depths in noise units:
    1548 ppm where the same data in ppm gave 873), and an error named by the unit beside
    offsets about zero was not taken (an audit of the readers)."""
    from starskope.clean.masking import clean

    t, f = _curve()
    scale = 1e3 if "ppt" in flux_name else 1e2
    path = _csv(tmp_path / "pct.csv", f"time,{flux_name},{err_name}", t, (f - 1) * scale,
                np.full(t.size, 2e-4 * scale))  # fmt: skip
    lc = read(path)
    assert lc.meta.flux_unit == ("ppt" if "ppt" in flux_name else "%")
    np.testing.assert_allclose(lc.flux_err, 2e-4 * scale)
    np.testing.assert_allclose(
        clean(lc, sigma_upper=None, sigma_isolated=None).flux, f / np.median(f), atol=1e-7
    )


def test_a_fits_per_cent_unit_as_astropy_writes_it_is_per_cent(tmp_path):
    """astropy writes u.percent into a FITS TUNIT as '10**-2', which was kept as an unknown
    unit: the offsets were read as flux without a level."""
    import astropy.units as u
    from astropy.table import Table

    from starskope.clean.masking import clean

    t, f = _curve(t0=2459000.5)
    tab = Table({"time": t, "flux": (f - 1) * 100 * u.percent})
    tab.write(tmp_path / "pct.fits")
    lc = read(tmp_path / "pct.fits")
    assert lc.meta.flux_unit == "10**-2"
    np.testing.assert_allclose(
        clean(lc, sigma_upper=None, sigma_isolated=None).flux, f / np.median(f), atol=1e-7
    )


def test_a_bare_fits_time_of_5e4_says_a_fix_that_works(tmp_path):
    """The warning told the user to pass time_format, which read() refuses for FITS tables;
    the fixes it names now work: a column named rjd, or an MJDREFI header."""
    from astropy.table import Table

    t = np.arange(55092.0, 55100.0, 0.02)
    Table({"time": t, "flux": np.ones(t.size)}).write(tmp_path / "bare.fits")
    with pytest.warns(StarskopeWarning, match="name the column rjd or mjd, or give the table an"):
        lc = read(tmp_path / "bare.fits")
    assert lc.t[0] + lc.bjd_offset == pytest.approx(t[0] + 2400000.5)
    Table({"rjd": t, "flux": np.ones(t.size)}).write(tmp_path / "rjd.fits")
    lc = read(tmp_path / "rjd.fits")
    assert lc.t[0] + lc.bjd_offset == pytest.approx(t[0] + 2400000.0)
    tab = Table({"time": t, "flux": np.ones(t.size)})
    tab.meta.update(MJDREFI=0, MJDREFF=0.0)
    tab.write(tmp_path / "ref.fits")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lc = read(tmp_path / "ref.fits")
    assert lc.t[0] + lc.bjd_offset == pytest.approx(t[0] + 2400000.5)
