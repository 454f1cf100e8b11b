"""Survey photometry tables (ZTF, ASAS-SN, Gaia epoch photometry, AstroImageJ) and column names
that carry the time system: cases found by the thirteenth session's audit of related formats."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from starskope.exceptions import StarskopeWarning
from starskope.io import read
from starskope.io.text import _number


def _mags(n, seed=0, period=3.7, depth=5e-3):
    """Days and magnitudes of a star with a box transit (and the in-transit mask)."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 25.0, n))
    inn = ((t - 0.4) % period) < 0.12
    mag = 15.0 + 1e-3 * rng.standard_normal(n) + 2.5 * np.log10(1 / (1 - depth)) * inn
    return t, mag, inn


def _table(path, header, rows):
    """A CSV of a ``header`` line and ``rows`` (strings), without a final newline."""
    path.write_text(header + "\n" + "\n".join(rows))
    return path


def _asassn_v1(path, rows):
    """An ASAS-SN Sky Patrol (v1) CSV of ``rows`` (strings in its column order)."""
    return _table(path, "HJD,UT Date,Camera,FWHM,Limit,mag,mag_err,flux(mJy),flux_err,Filter", rows)


def _read_warn(path, **kw):
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        lc = read(path, **kw)
    return lc, [str(w.message) for w in got if issubclass(w.category, StarskopeWarning)]


def test_ztf_table_two_bands_hjd_and_mjd(tmp_path):
    t, mag, inn = _mags(600)
    band = np.where(np.arange(t.size) % 3 == 0, "zg", "zr")
    mag = mag + np.where(band == "zg", 0.4, 0.0)  # the bands differ in level
    rows = [
        f"633206200004321,{70000000 + i},{2458500.5 + x:.6f},{58500.0 + x:.6f},{m:.5f},0.0011,0,"
        f"{b},284.1234,44.5678,1.38,-0.02"
        for i, (x, m, b) in enumerate(zip(t, mag, band, strict=True))
    ]
    p = tmp_path / "ztf.csv"
    _table(p, "oid,expid,hjd,mjd,mag,magerr,catflags,filtercode,ra,dec,chi,sharp", rows)
    lc, msgs = _read_warn(p)
    # the magnitude with its error is the flux, never the other time column or the positions
    assert lc.meta.flux_column == "mag"
    assert lc.time_format == "jd" and lc.t.min() > 2.4585e6
    # heliocentric times, read as they are: the time system says so
    assert lc.meta.extra["time_scale"] == "HJD" and "times are HJD" in lc.time_system
    # one band, the most common, with a warning that names both
    assert lc.t.size == int((band == "zr").sum())
    assert any("'filtercode' holds 2 photometric bands" in m and "'zr'" in m for m in msgs)
    assert np.nanstd(lc.flux[~inn[band == "zr"]]) < 3e-3  # no 0.4-mag jumps between bands


def test_asassn_limit_rows_are_left_out_and_limit_is_not_flux(tmp_path):
    t, mag, _ = _mags(300, seed=1)
    cells = [f"{m:.3f}" for m in mag]
    cells[5] = ">17.1"
    cells[9] = ">16.9"
    flux = 10 ** (-0.4 * (mag - 15.0)) * 12.0
    rows = [
        f"{2458000 + x:.5f},2017-09-04,bd,1.5,17.2,{c},0.02,{fl:.4f},0.05,V"
        for x, c, fl in zip(t, cells, flux, strict=True)
    ]
    p = _asassn_v1(tmp_path / "asassn.csv", rows)
    lc, msgs = _read_warn(p)
    assert lc.meta.flux_column == "flux(mJy)"
    # the two non-detections' rows are left out (their flux is noise), with a warning
    assert lc.t.size == 298
    assert any("2 rows hold an upper or lower limit" in m for m in msgs)
    lc, msgs = _read_warn(p, flux_column="mag")  # the limits are no text in a numeric column
    assert lc.t.size == 298 and any("holds magnitudes" in m for m in msgs)
    assert np.isnan(_number(">17.1")) and np.isnan(_number("< 3")) and _number("17.1") == 17.1


def test_gaia_epoch_photometry_time_and_bands(tmp_path):
    t, mag, _ = _mags(200, seed=2)
    rows = []
    for i, (x, m) in enumerate(zip(t, mag, strict=True)):
        for b, off in (("G", 0.0), ("BP", 0.3), ("RP", -0.4)):
            f = 1e5 * 10 ** (-0.4 * (m + off - 15.0))
            rows.append(f"1,4295806720,{17147220576346830 + i},{b},{2100 + x:.6f},{m + off:.5f},"
                        f"{f:.3f},{f / 1000:.3f}")  # fmt: skip
    p = tmp_path / "EPOCH_PHOTOMETRY-Gaia_DR3_4295806720.csv"
    _table(p, "solution_id,source_id,transit_id,band,time,mag,flux,flux_error", rows)
    lc, msgs = _read_warn(p)
    # days from J2010.0 in BJD (TCB): full BJD; the G band on a tie
    assert lc.time_format == "jd"
    assert lc.t.min() == pytest.approx(2455197.5 + 2100 + t.min(), abs=1e-5)
    assert lc.t.size == 200
    assert any("3 photometric bands" in m and "'G'" in m for m in msgs)
    assert lc.meta.extra["time_rule"].startswith("Gaia epoch photometry")


@pytest.mark.parametrize("name", ["Time (BTJD)", "time_btjd", "TIME [BJD - 2457000]"])
def test_btjd_in_the_column_name_beyond_the_kepler_range(tmp_path, name):
    t = 2200.0 + np.arange(500) * 10.0 / 1440
    f = np.ones(t.size)
    p = tmp_path / "a.csv"
    np.savetxt(p, np.column_stack([t, f]), delimiter=",", header=f"{name},flux", comments="")
    lc = read(p)
    assert lc.time_format == "btjd"
    assert lc.t[0] == pytest.approx(2200.0)


def test_an_unnamed_row_index_shifts_no_name(tmp_path):
    t, mag, _ = _mags(300, seed=3)
    f = 10 ** (-0.4 * (mag - 15.0))
    p = tmp_path / "pandas.tsv"
    lines = ["\ttime\tflux\tflux_err"] + [
        f"{i}\t{1500 + x:.6f}\t{y:.6f}\t0.001" for i, (x, y) in enumerate(zip(t, f, strict=True))
    ]
    p.write_text("\n".join(lines) + "\n")
    with pytest.warns(StarskopeWarning, match="times of 1325-1591"):  # Kepler or TESS: unsaid
        lc = read(p)
    assert lc.meta.flux_column == "flux"
    assert lc.t[0] == pytest.approx(1500 + t[0], abs=1e-6)


def test_astroimagej_measurements(tmp_path):
    t, mag, _ = _mags(300, seed=4)
    f = 10 ** (-0.4 * (mag - 15.0))
    p = tmp_path / "TIC1-01_20211020_LCO_measurements.xls"
    lines = ["\tLabel\tJD_UTC\tALT_OBJ\trel_flux_T1\trel_flux_err_T1\trel_flux_C2"] + [
        f"{i + 1}\tframe{i}\t{2459507.5 + x:.6f}\t{40 + x:.3f}\t{y:.6f}\t0.001\t{1.0 + 0 * y:.6f}"
        for i, (x, y) in enumerate(zip(t, f, strict=True))
    ]
    p.write_text("\n".join(lines) + "\n")
    lc = read(p)
    assert lc.meta.flux_column == "rel_flux_T1"
    assert lc.flux_err is not None and np.allclose(lc.flux_err / lc.flux, 0.001, rtol=0.02)


# ------------------------------------------------------ what the changes above must not touch
def _table(path, header, rows):
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_positional_choices_kept(tmp_path):
    t = 2459000.5 + np.arange(50) * 0.02
    # a constant flux is still the flux (its error column is never taken instead)
    lc = read(_table(tmp_path / "a.csv", "time,rel,sigma", [f"{x},1.0,0.001" for x in t]))
    assert lc.meta.flux_column == "rel"
    # counts beside a catalogue magnitude and its error: the counts
    rows = [f"{x},{1000 + i % 7},12.3,0.02" for i, x in enumerate(t)]
    lc = read(_table(tmp_path / "b.csv", "time,counts,Tmag,Tmag_err", rows))
    assert lc.meta.flux_column == "counts"
    # two apertures named with brackets: the first, as before, not an ambiguity
    rows = [f"{x},{1 + i % 3 * 1e-3},{1 + i % 5 * 1e-3}" for i, x in enumerate(t)]
    lc = read(_table(tmp_path / "c.csv", "time,flux(ap1),flux(ap2)", rows))
    assert lc.meta.flux_column == "flux(ap1)"
    # a trailing delimiter on every row, times counting 0, 1, 2: the names stay in place
    rows = [f"{i},{1 + i % 3 * 1e-3},0.001," for i in range(50)]
    lc = read(_table(tmp_path / "d.csv", "time,flux,flux_err", rows))
    assert lc.meta.flux_column == "flux" and lc.t[1] - lc.t[0] == 1


def test_time_names_do_not_override_full_julian_dates(tmp_path):
    t = 2459000.5 + np.arange(50) * 0.02
    p = _table(tmp_path / "a.csv", "time (btjd),flux", [f"{x},1.0" for x in t])
    lc, msgs = _read_warn(p)
    assert lc.time_format == "jd" and lc.t[0] == pytest.approx(t[0])
    assert any("named BTJD but holds full Julian dates" in m for m in msgs)
    # a Gaia table already in full JD is not shifted again
    rows = [f"1,2,{i},G,{x},15.0,100.0,0.1" for i, x in enumerate(t)]
    hdr = "solution_id,source_id,transit_id,band,time,mag,flux,flux_error"
    lc = read(_table(tmp_path / "g.csv", hdr, rows))
    assert lc.t[0] == pytest.approx(t[0])


def test_a_filter_column_of_flags_is_not_bands(tmp_path):
    t = 2459000.5 + np.arange(50) * 0.02
    rows = [f"{x},{1 + i % 3 * 1e-3},{'ok' if i % 4 else 'bad'}" for i, x in enumerate(t)]
    lc = read(_table(tmp_path / "a.csv", "time,flux,filter", rows))
    assert lc.t.size == 50


def test_fits_timeunit_mjd_is_the_answer_not_a_guess(tmp_path):
    from astropy.io import fits

    t = 58800.0 + np.arange(300) * 0.0125
    cols = [fits.Column("TIME", "D", array=t), fits.Column("FLUX", "D", array=np.ones(t.size))]
    hdu = fits.BinTableHDU.from_columns(cols)
    hdu.header["TIMEUNIT"] = "MJD"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "m.fits")
    lc, msgs = _read_warn(tmp_path / "m.fits")
    assert lc.time_format == "jd" and lc.t[0] == pytest.approx(2458800.5)
    assert msgs == []  # no "values ~5e4 without a reference" guess


def test_aavso_export_reads_its_magnitude(tmp_path):
    """An AAVSO International Database export: JD, Magnitude, Uncertainty, then many columns,
    some all empty ('Comment Code(s)': it was taken for the flux, all NaN) or numeric but not
    the star (Airmass, 'Comp Star 2'). The magnitude beside its error is the flux."""
    t, mag, inn = _mags(400)
    head = (
        '"JD","Magnitude","Uncertainty","HQuncertainty","Band","Observer Code",'
        '"Comment Code(s)","Comp Star 1","Comp Star 2","Charts","Comments","Transfomed",'
        '"Airmass","Validation Flag","Cmag","Kmag","HJD","Star Name"'
    )
    rows = [
        f'"{2458600.5 + x:.5f}","{m:.4f}","0.003","","V","XYZ","","000-BBB-111","",'
        f'"X12345","","0","{1.2 + 0.001 * i:.3f}","Z","","","","WASP-999"'
        for i, (x, m) in enumerate(zip(t, mag, strict=True))
    ]
    p = tmp_path / "aavsodata.txt"
    p.write_text(head + "\n" + "\n".join(rows) + "\n")
    lc, _ = _read_warn(p)
    assert lc.meta.flux_column == "Magnitude"
    np.testing.assert_allclose(lc.flux_err, 0.003 * np.log(10) / 2.5, rtol=0.05)
    assert np.mean(lc.flux[inn]) < np.mean(lc.flux[~inn]) - 3e-3  # the transit is a dip


def test_asassn_sky_patrol_letter_quality(tmp_path):
    """ASAS-SN Sky Patrol v2 marks each row G (good) or B (bad) in its quality column: the bad
    rows were kept (the column is not numeric); they are left out, with a warning."""
    t, mag, inn = _mags(300)
    q = np.where(np.arange(t.size) % 4 == 0, "B", "G")
    rows = [
        f"{2458000.5 + x:.5f},{10 ** (-0.4 * (m - 15)) * 50:.4f},0.02,{m:.4f},0.01,16.9,1.5,"
        f"{385888 + i},bB,{g}"
        for i, (x, m, g) in enumerate(zip(t, mag, q, strict=True))
    ]
    p = tmp_path / "asassn.csv"
    _table(p, "jd,flux,flux_err,mag,mag_err,limit,fwhm,image_id,camera,quality", rows)
    lc, warned = _read_warn(p)
    assert len(lc) == int((q == "G").sum())
    assert any("calls 75 of 300 rows not good (B)" in w for w in warned)


def test_heliocentric_time_before_a_plain_jd(tmp_path):
    """AAVSO writes JD first and HJD later (blank for most observers); ZTF-like tables mjd
    beside hjd: a filled HJD or BJD is the time, before a plain (geocentric) JD or MJD; a
    blank one is not."""
    t, mag, _ = _mags(200)
    rows = [f"{2458600.5 + x:.5f},{m:.4f},0.003,{2458600.5 + x + 0.004:.5f}" for x, m in zip(t, mag, strict=True)]  # fmt: skip
    p = tmp_path / "hjd.csv"
    _table(p, "JD,Magnitude,Uncertainty,HJD", rows)
    lc, _ = _read_warn(p)
    np.testing.assert_allclose(lc.t + lc.bjd_offset, 2458600.5 + t + 0.004, rtol=0, atol=1e-5)
    rows = [f"{2458600.5 + x:.5f},{m:.4f},0.003," for x, m in zip(t, mag, strict=True)]
    _table(p, "JD,Magnitude,Uncertainty,HJD", rows)
    lc, _ = _read_warn(p)
    np.testing.assert_allclose(lc.t + lc.bjd_offset, 2458600.5 + t, rtol=0, atol=1e-5)


def test_asassn_cameras_are_each_levelled_to_their_own_median(tmp_path):
    """ASAS-SN's cameras (bc, bd, ...) have zero points a few per cent apart: read as one, the
    offsets were most of the flux's scatter. Each camera is divided by its own median, with a
    warning; a camera of fewer than ten rows cannot be levelled and is left out."""
    rng = np.random.default_rng(4)
    n = 400
    t = 2458000.5 + np.sort(rng.uniform(0, 600, n))
    cams = np.array(["bc", "bd", "be"])[np.arange(n) % 3]
    cams[:6] = "bf"  # too few to level
    offset = {"bc": 1.0, "bd": 1.06, "be": 0.95, "bf": 1.1}
    flux = 40.0 * np.array([offset[c] for c in cams]) * (1 + 0.005 * rng.standard_normal(n))
    rows = [
        f"{x:.5f},2017-09-04,{c},1.5,17.2,12.3,0.01,{f:.4f},0.2,V"
        for x, c, f in zip(t, cams, flux, strict=True)
    ]
    p = _asassn_v1(tmp_path / "asassn.csv", rows)
    lc, msgs = _read_warn(p)
    ok = np.isfinite(lc.flux)
    assert np.count_nonzero(ok) == n - 6
    assert np.std(lc.flux[ok]) < 0.008  # the 0.5% noise, not the 6% offsets
    assert np.median(lc.flux[ok]) == pytest.approx(1.0, abs=0.002)
    assert np.all(lc.flux_err[ok] < 0.2 / 35)  # errors scaled with their flux
    assert any(
        "names 4 cameras or fields" in m and "bf with fewer than 10 rows left out" in m
        for m in msgs
    )
    # one camera: nothing to level, nothing said
    one = tmp_path / "one.csv"
    one.write_text(
        p.read_text().replace(",bd,", ",bc,").replace(",be,", ",bc,").replace(",bf,", ",bc,")
    )
    lc1, msgs1 = _read_warn(one)
    assert np.isfinite(lc1.flux).sum() == n and not any("cameras" in m for m in msgs1)


def test_ztf_fields_are_each_levelled(tmp_path):
    """A ZTF light curve from two fields (two ``oid``s in one band) has a zero-point step
    between them: each field is levelled apart. A running number is never taken for fields."""
    rng = np.random.default_rng(2)
    n = 300
    mjd = 58300.0 + np.sort(rng.uniform(0, 700, n))
    oid = np.where(np.arange(n) % 2 == 0, 633207400004730, 633307400004731)
    mag = 15.0 + np.where(oid == oid[0], 0.0, 0.04) + 0.003 * rng.standard_normal(n)
    rows = [f"{o},{m:.6f},{g:.4f},0.003,0,zg" for o, m, g in zip(oid, mjd, mag, strict=True)]
    p = tmp_path / "ztf.csv"
    _table(p, "oid,mjd,mag,magerr,catflags,filtercode", rows)
    lc, msgs = _read_warn(p)
    assert np.std(lc.flux) < 0.005  # the 0.3% noise, not the 4% step
    assert any("column 'oid' names 2 cameras or fields" in m for m in msgs)
    seq = tmp_path / "seq.csv"
    seq.write_text(
        "oid,mjd,mag,magerr\n"
        + "\n".join(
            f"{i},{m:.6f},{g:.4f},0.003" for i, (m, g) in enumerate(zip(mjd, mag, strict=True))
        )
    )
    lc, msgs = _read_warn(seq)
    assert not any("cameras or fields" in m for m in msgs)


def test_ztf_fields_are_levelled_in_a_votable_too(tmp_path):
    """IRSA serves ZTF light curves as VOTables and IPAC tables as well as CSV."""
    from astropy.table import Table

    rng = np.random.default_rng(3)
    n = 200
    oid = np.where(np.arange(n) % 2 == 0, 633207400004730, 633307400004731)
    tab = Table(
        {
            "oid": oid,
            "mjd": 58300.0 + np.sort(rng.uniform(0, 700, n)),
            "mag": 15.0 + np.where(oid == oid[0], 0.0, 0.04) + 0.003 * rng.standard_normal(n),
            "magerr": np.full(n, 0.003),
            "filtercode": np.where(np.arange(n) % 5 == 0, "zr", "zg"),
        }
    )
    for name, fmt in (("ztf.xml", "votable"), ("ztf.tbl", "ascii.ipac")):
        tab.write(tmp_path / name, format=fmt)
        lc, msgs = _read_warn(tmp_path / name)
        assert np.nanstd(lc.flux) < 0.005, name
        assert any("names 2 cameras or fields" in m for m in msgs), name
        assert np.isfinite(lc.flux).sum() == 160  # the zg rows


def test_cameras_too_small_to_level_are_left_as_they_are(tmp_path):
    """Twelve rows over two cameras: no camera has the rows to measure its level, so the flux
    stays as it is (levelling left every row NaN: 'all flux values are NaN')."""
    rows = [
        f"{2458000.5 + i:.5f},2017-09-04,{'bc' if i % 2 else 'bd'},1.5,17.2,12.3,0.01,{40 + i % 3},0.2,V"
        for i in range(12)
    ]
    p = _asassn_v1(tmp_path / "asassn.csv", rows)
    lc, msgs = _read_warn(p)
    assert np.isfinite(lc.flux).sum() == 12
    assert any("none with 10 rows to measure its level" in m for m in msgs)
