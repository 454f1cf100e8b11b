"""FITS readers on trimmed real files (tests/data/io) and on products built from their specs."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from starskope.exceptions import StarskopeError, StarskopeWarning
from starskope.io import READERS, identify_format, read

KEPLER_LC = 29.4244 / 1440
IO_DATA = Path(__file__).resolve().parents[1] / "data" / "io"


@pytest.mark.parametrize(
    ("name", "product", "mission", "target", "segment", "fmt", "flux_col", "unit"),
    [
        (
            "kplr011442793-2009350155506_llc.fits.gz",
            "kepler",
            "Kepler",
            "KIC 11442793",
            "Q3",
            "bkjd",
            "PDCSAP_FLUX",
            "electron / s",
        ),
        (
            "ktwo211436265-c05_llc.fits.gz",
            "kepler",
            "K2",
            "EPIC 211436265",
            "C5",
            "bkjd",
            "PDCSAP_FLUX",
            "electron / s",
        ),
        (
            "tess2019032160000-s0008-0000000413248763-0136-s_lc.fits.gz",
            "tess",
            "TESS",
            "TIC 413248763",
            "S8",
            "btjd",
            "PDCSAP_FLUX",
            "electron / s",
        ),
        (
            "hlsp_tess-data-alerts_tess_phot_00160148385-s02_tess_v1_lc.fits.gz",
            "tess",
            "TESS",
            "TIC 160148385",
            "S2",
            "btjd",
            "PDCSAP_FLUX",
            "electron / s",
        ),
        (
            "hlsp_k2sff_k2_lightcurve_201367065-c01_kepler_v1_llc.fits.gz",
            "k2sff",
            "K2",
            "EPIC 201367065",
            "C1",
            "bkjd",
            "FCOR",
            "relative",
        ),
        (
            "hlsp_k2sc_k2_llc_211099743-c04_kepler_v2_lc.fits.gz",
            "k2sc",
            "K2",
            "EPIC 211099743",
            "C4",
            "bkjd",
            "flux-trposi",
            "electron / s",
        ),
        (
            "EPIC_210491860_mast.fits.gz",
            "k2sc",
            "K2",
            "EPIC 210491860",
            "C13",
            "bkjd",
            "flux-trposi",
            "electron / s",
        ),
        (
            "kic010797460_q01_lightkurve.fits.gz",
            "lightkurve",
            "Kepler",
            "KIC 10797460",
            "Q1",
            "bkjd",
            "FLUX",
            "electron / s",
        ),
        (
            "lightkurve_wasp18_tic100100827_s02.fits.gz",
            "lightkurve",
            "TESS",
            "TIC 100100827",
            "S2",
            "btjd",
            "FLUX",
            "relative",
        ),
        (
            "tic10111251.fits.gz",
            "lightkurve",
            "TESS",
            "TIC 10111251",
            "S22",
            "btjd",
            "FLUX",
            "electron / s",
        ),
    ],
)
def test_trimmed_real_files(io_data, name, product, mission, target, segment, fmt, flux_col, unit):
    path = io_data / name
    assert identify_format(path) == product
    lc = read(path)
    m = lc.meta
    assert (m.product, m.mission, m.target, m.segment) == (product, mission, target, segment)
    assert lc.time_format == fmt and m.flux_column == flux_col and m.flux_unit == unit
    assert m.source == str(path)
    assert 200 <= len(lc) <= 300 and lc.n_valid > 150
    assert m.ra is not None and m.dec is not None
    assert np.all(np.diff(lc.t) > 0)
    expected_cadence = 2.0 / 1440 if product == "tess" or "wasp18" in name else KEPLER_LC
    if name.startswith("tic"):
        expected_cadence = 30.0 / 1440
    assert lc.cadence == pytest.approx(expected_cadence, rel=2e-3)


def test_kepler_time_and_quality_match_the_file(io_data):
    path = io_data / "kplr011442793-2009350155506_llc.fits.gz"
    lc = read(path)
    with fits.open(path) as h:
        d = h[1].data
        good = np.isfinite(d["TIME"])
        np.testing.assert_array_equal(lc.t, d["TIME"][good])
        np.testing.assert_array_equal(lc.quality, d["SAP_QUALITY"][good])
        np.testing.assert_array_equal(lc.flux, d["PDCSAP_FLUX"][good].astype(float))
        np.testing.assert_array_equal(lc.flux_err, d["PDCSAP_FLUX_ERR"][good].astype(float))
    assert lc.bjd_offset == 2454833.0
    # absolute time: BJD = TIME + 2454833
    assert lc.time[0].jd == pytest.approx(lc.t[0] + 2454833.0, abs=1e-6)
    # Kepler headers give proper motion in arcsec/yr; meta holds mas/yr
    assert lc.meta.pmra == 0.0 and "KEPMAG" in lc.meta.extra


def test_sap_flux_on_request(io_data):
    path = io_data / "tess2019032160000-s0008-0000000413248763-0136-s_lc.fits.gz"
    pdc, sap = read(path), read(path, flux_column="sap_flux")
    assert sap.meta.flux_column == "SAP_FLUX"
    assert not np.allclose(pdc.flux, sap.flux, equal_nan=True)
    with fits.open(path) as h:
        np.testing.assert_array_equal(sap.flux, h[1].data["SAP_FLUX"].astype(float))
    assert pdc.meta.pmdec == pytest.approx(-990.303)  # TESS header: mas/yr already


def test_warns_when_pdcsap_is_missing_where_sap_is_not(tmp_path, io_data):
    src = io_data / "kplr011442793-2009350155506_llc.fits.gz"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the file as shipped: PDC has (nearly) every cadence
        read(src)
    with fits.open(src) as h:
        n = len(h[1].data)
        h[1].data["PDCSAP_FLUX"][: n // 2] = np.nan
        h.writeto(tmp_path / "half.fits")
    with pytest.warns(StarskopeWarning, match=r"half.fits .*PDCSAP_FLUX is NaN in \d+ of the"):
        pdc = read(tmp_path / "half.fits")
    assert np.isnan(pdc.flux).mean() > 0.45
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # SAP asked for: nothing to warn about
        sap = read(tmp_path / "half.fits", flux_column="sap_flux")
    assert np.isfinite(sap.flux).mean() > 0.9


def test_k2_proper_motion_converted_to_mas(io_data):
    lc = read(io_data / "ktwo211436265-c05_llc.fits.gz")
    assert lc.meta.pmra == pytest.approx(1.9) and lc.meta.pmdec == pytest.approx(-9.0)


def test_k2sc_default_flux_is_systematics_corrected(io_data):
    path = io_data / "EPIC_210491860_mast.fits.gz"
    lc = read(path)
    with fits.open(path) as h:
        d = h["K2SC"].data
        tp = d["trposi"].astype(float)
        expected = d["flux"] - tp + np.nanmedian(tp)
    np.testing.assert_allclose(lc.flux, expected)
    raw = read(path, flux_column="flux")
    np.testing.assert_array_equal(raw.flux, d["flux"].astype(float))
    flat = read(path, flux_column="flux-trposi-trtime")
    assert np.nanstd(flat.flux) < np.nanstd(raw.flux)
    assert "trposi" in lc.meta.extra["flux_meaning"]


def test_k2sc_sap_extension(io_data):
    path = io_data / "hlsp_k2sc_k2_llc_211099743-c04_kepler_v2_lc.fits.gz"
    pdc, sap = read(path), read(path, flux_column="sap_flux")
    assert pdc.meta.extra["k2sc_extension"] == "PDC" and sap.meta.extra["k2sc_extension"] == "SAP"


def test_k2sff_moving_becomes_quality(io_data):
    path = io_data / "hlsp_k2sff_k2_lightcurve_201367065-c01_kepler_v1_llc.fits.gz"
    lc = read(path)
    with fits.open(path) as h:
        moving = h["BESTAPER"].data["MOVING"]
    np.testing.assert_array_equal(lc.quality > 0, moving > 0)
    assert np.all(lc.quality[moving > 0] == 1 << 20)
    assert read(path, flux_column="FRAW").meta.flux_column == "FRAW"


def _bkjd(n=200, t0=2000.0):
    return t0 + np.arange(n) * KEPLER_LC


def test_everest_product(tmp_path, rng, fits_maker):
    t = _bkjd()
    p = fits_maker(
        tmp_path / "hlsp_everest_k2_llc_201367065-c01_kepler_v2.0_lc.fits",
        {
            "CADN": np.arange(200),
            "TIME": t,
            "FLUX": 1e4 + rng.normal(0, 5, 200),
            "FCOR": 1e4 + rng.normal(0, 5, 200),
            "FRAW": 1e4 + rng.normal(0, 9, 200),
            "FRAW_ERR": np.full(200, 7.0),
            "QUALITY": np.zeros(200, dtype=np.int32),
        },
        primary={
            "TELESCOP": "Kepler",
            "MISSION": "k2",
            "KEPLERID": 201367065,
            "CAMPAIGN": 1,
            "COMMENT": "EVEREST: EPIC Variability Extraction and Removal",
        },
        table={"MISSION": "k2"},
        extname="LC ARRAYS",
        units={"TIME": "BJD - 2454833", "FLUX": "e-/s"},
    )
    lc = read(p)
    assert lc.meta.product == "everest" and lc.meta.mission == "K2"
    assert lc.meta.target == "EPIC 201367065" and lc.meta.segment == "C1"
    assert lc.meta.flux_column == "FLUX" and np.all(lc.flux_err == 7.0)
    assert lc.time_format == "bkjd" and lc.meta.flux_unit == "electron / s"
    np.testing.assert_array_equal(lc.t, t)
    assert read(p, flux_column="fcor").meta.flux_column == "FCOR"


def test_everest_with_its_pixels_extension_is_a_light_curve(tmp_path, rng, fits_maker):
    """EVEREST v2 writes its aperture's pixels (a PIXELS table) beside the light curve
    (ARRAYS): a light curve, read as EVEREST, never refused as a target pixel file; a pixel
    file without a CREATOR (TESScut) is still refused."""
    t = _bkjd()
    p = fits_maker(
        tmp_path / "ktwo201367065-c01_everest.fits",
        {"CADN": np.arange(200), "TIME": t, "FLUX": 1e4 + rng.normal(0, 5, 200),
         "FCOR": 1e4 + rng.normal(0, 5, 200), "FRAW": 1e4 + rng.normal(0, 9, 200),
         "FRAW_ERR": np.full(200, 7.0), "QUALITY": np.zeros(200, dtype=np.int32)},
        primary={"TELESCOP": "Kepler", "MISSION": "k2", "KEPLERID": 201367065},
        table={}, extname="ARRAYS",
    )  # fmt: skip
    with fits.open(p) as hdul:
        pix = fits.BinTableHDU.from_columns(
            [fits.Column(name="FPIX", format="20D", array=np.zeros((200, 20)))], name="PIXELS"
        )
        fits.HDUList([*hdul, pix]).writeto(p, overwrite=True)
    lc = read(p)
    assert lc.meta.product == "everest" and lc.t.size == 200
    cols = [
        fits.Column(name="TIME", format="D", array=t),
        fits.Column(name="FLUX", format="9E", dim="(3,3)", array=np.ones((200, 3, 3))),
    ]
    q = tmp_path / "tess-s0005-1-1_cutout.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(cols, name="PIXELS")]).writeto(q)
    with pytest.raises(StarskopeError, match="target pixel file"):
        read(q)


def test_k2varcat_product(tmp_path, rng, fits_maker):
    t = _bkjd()
    p = fits_maker(
        tmp_path / "hlsp_k2varcat_k2_lightcurve_202059697-c00_kepler_v2_llc.fits",
        {
            "TIME": t,
            "APTFLUX": 5e3 + rng.normal(0, 5, 200),
            "DETFLUX": 1 + rng.normal(0, 1e-3, 200),
        },
        primary={"TELESCOP": "Kepler", "OBJECT": "EPIC 202059697", "CAMPAIGN": 0},
        table={},
        units={"TIME": "BJD - 2454833"},
    )
    lc = read(p)
    assert lc.meta.product == "k2varcat" and lc.time_format == "bkjd"
    assert lc.meta.flux_column == "DETFLUX" and lc.meta.flux_unit == "relative"
    np.testing.assert_array_equal(lc.t, t)
    assert read(p, flux_column="APTFLUX").meta.flux_column == "APTFLUX"


def test_qlp_product(tmp_path, rng, fits_maker):
    t = 1325.3 + np.arange(300) * 30 / 1440
    p = fits_maker(
        tmp_path / "hlsp_qlp_tess_ffi_s0001-0000000410214986_tess_v01_llc.fits",
        {
            "TIME": t,
            "SAP_FLUX": 1 + rng.normal(0, 1e-3, 300),
            "KSPSAP_FLUX": 1 + rng.normal(0, 5e-4, 300),
            "KSPSAP_FLUX_ERR": np.full(300, 5e-4),
            "QUALITY": np.zeros(300, dtype=np.int32),
        },
        primary={
            "ORIGIN": "MIT/QLP",
            "TELESCOP": "TESS",
            "OBJECT": "TIC 410214986",
            "TICID": 410214986,
            "SECTOR": 1,
        },
        table={"BJDREFI": 2457000, "BJDREFF": 0.0, "TIMESYS": "TDB"},
    )
    lc = read(p)
    assert lc.meta.product == "qlp" and lc.time_format == "btjd" and lc.meta.segment == "S1"
    assert lc.meta.flux_column == "KSPSAP_FLUX" and np.all(lc.flux_err == 5e-4)
    assert read(p, flux_column="sap_flux").meta.flux_column == "SAP_FLUX"


@pytest.mark.parametrize(("sector", "low_bit"), [(11, 1 << 12), (56, 1 << 30)])
def test_qlp_low_precision_cadences_dropped_by_hard_bitmask_only(
    tmp_path, rng, fits_maker, sector, low_bit
):
    from starskope.clean import clean

    n = 400
    quality = np.zeros(n, dtype=np.int64)
    quality[50:80] = low_bit  # QLP's "low precision" bit of this era
    quality[200] = 32  # a momentum dump: dropped by every bitmask but "none"
    p = fits_maker(
        tmp_path / f"hlsp_qlp_tess_ffi_s{sector:04d}-0000000410214986_tess_v01_llc.fits",
        {
            "TIME": 1325.3 + np.arange(n) * 10 / 1440,
            "SAP_FLUX": 1 + rng.normal(0, 1e-3, n),
            "DET_FLUX": 1 + rng.normal(0, 5e-4, n),
            "DET_FLUX_ERR": np.full(n, 5e-4),
            "QUALITY": quality,
        },
        primary={"ORIGIN": "MIT/QLP", "TELESCOP": "TESS", "OBJECT": "TIC 1", "SECTOR": sector},
        table={"BJDREFI": 2457000, "BJDREFF": 0.0, "TIMESYS": "TDB"},
    )
    lc = read(p)
    assert lc.meta.product == "qlp"
    assert np.all(lc.quality[50:80] == 4096) and lc.quality[200] == 32
    kept = {b: clean(lc, bitmask=b, sigma_upper=None, sigma_isolated=None).t.size for b in
            ("none", "default", "hard")}  # fmt: skip
    assert kept == {"none": n, "default": n - 1, "hard": n - 31}


def test_lightkurve_roundtrip(tmp_path, io_data):
    """A file written by lightkurve's own ``to_fits`` reads back with the same numbers."""
    lc = read(io_data / "tess2019032160000-s0008-0000000413248763-0136-s_lc.fits.gz")
    out = tmp_path / "lk.fits"
    lc.to_lightkurve().to_fits(out, overwrite=True)
    back = read(out)
    assert back.meta.product == "lightkurve" and back.time_format == "btjd"
    np.testing.assert_allclose(back.t, lc.t, rtol=0, atol=1e-9)
    np.testing.assert_allclose(back.flux, lc.flux, rtol=1e-6)


def test_generic_fits_table_and_unusual_bjdref(tmp_path, rng, fits_maker):
    # A BJD reference that is neither BKJD nor BTJD: converted into the mission's format.
    t = np.arange(100) * 0.02
    p = fits_maker(
        tmp_path / "custom.fits",
        {"BJD": t, "RELFLUX": 1 + rng.normal(0, 1e-3, 100), "ERR": np.full(100, 1e-3)},
        primary={"TELESCOP": "TESS", "OBJECT": "TIC 1"},
        table={"BJDREFI": 2458000, "BJDREFF": 0.5, "TIMESYS": "TDB"},
    )
    lc = read(p)
    assert lc.meta.product == "fits-table" and lc.time_format == "btjd"
    np.testing.assert_allclose(lc.t, t + 1000.5)
    np.testing.assert_array_equal(lc.flux_err, 1e-3)


def test_full_julian_dates_under_a_header_reference_are_not_shifted(tmp_path, rng, fits_maker):
    """TIME already in full BJD while the header says BJDREFI = 2457000 (the writer added the
    reference, or copied a SPOC header): read as BJD with a warning, never 4.9 million."""
    t = 2458325.3 + np.arange(200) * 0.02
    p = fits_maker(
        tmp_path / "full.fits",
        {"TIME": t, "PDCSAP_FLUX": 1e4 + rng.normal(0, 3, 200)},
        primary={"TELESCOP": "TESS", "TICID": 7},
        table={"BJDREFI": 2457000, "BJDREFF": 0.0, "TIMESYS": "TDB"},
    )
    with pytest.warns(StarskopeWarning, match="holds full Julian dates .* the reference not added"):
        lc = read(p)
    assert lc.time_format == "jd"
    np.testing.assert_allclose(lc.t, t)


def test_warns_on_a_time_scale_other_than_tdb(tmp_path, io_data):
    src = io_data / "kplr011442793-2009350155506_llc.fits.gz"
    with fits.open(src) as h:
        h[1].header["TIMESYS"] = "UTC"
        h.writeto(tmp_path / "utc.fits")
    with pytest.warns(
        StarskopeWarning,
        match=r"utc.fits \[HDU 1 \(LIGHTCURVE\)\]: TIMESYS = 'UTC', not barycentric",
    ):
        lc = read(tmp_path / "utc.fits")
    np.testing.assert_array_equal(lc.t, read(src).t)
    assert lc.time_system.startswith("BKJD") and "the file's times are UTC" in lc.time_system
    assert read(src).time_system == "BKJD (BJD_TDB - 2454833)"


def test_unknown_flux_column_lists_columns(io_data):
    with pytest.raises(StarskopeError, match=r"no flux column 'nope'; columns are \["):
        read(io_data / "kplr011442793-2009350155506_llc.fits.gz", flux_column="nope")


@pytest.mark.parametrize("name", sorted(p.name for p in IO_DATA.glob("*.fits.gz")))
def test_fast_column_path_matches_astropy(io_data, name):
    """Columns read from the raw bytes equal those from astropy's ``hdu.data``."""
    path = io_data / name
    fast = read(path)
    with fits.open(path) as h:  # an HDUList opened elsewhere: the astropy path
        slow = READERS[identify_format(path)].read(path, opened=h)
    for a, b in ((fast.t, slow.t), (fast.flux, slow.flux), (fast.flux_err, slow.flux_err)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fast.quality, slow.quality)
    assert fast.meta == slow.meta


def test_scaled_and_null_integer_columns(tmp_path):
    n = 50
    cols = [
        fits.Column(name="TIME", format="D", array=1400.0 + np.arange(n) * 0.02),
        fits.Column(name="FLUX", format="J", array=np.arange(n, dtype=np.int32) + 100),
        fits.Column(
            name="FLUX_ERR",
            format="J",
            array=np.where(np.arange(n) % 7 == 0, -1, 3).astype(np.int32),
        ),
        fits.Column(name="QUALITY", format="I", array=np.full(n, 40000 - 32768, dtype=np.int16)),
    ]
    hdr = fits.Header({"TIMESYS": "TDB", "BJDREFI": 2457000, "BJDREFF": 0.0})
    p = tmp_path / "scaled.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(cols, header=hdr)]).writeto(p)
    # scaling keywords added afterwards, so the stored integers stay as written
    for key, value in (("TSCAL2", 0.5), ("TZERO2", 10.0), ("TNULL3", -1), ("TZERO4", 32768)):
        fits.setval(p, key, value=value, ext=1)
    lc = read(p)
    np.testing.assert_allclose(lc.flux, (np.arange(n) + 100) * 0.5 + 10.0)
    assert np.isnan(lc.flux_err[0]) and lc.flux_err[1] == 3.0
    assert np.all(lc.quality == 40000)
    with fits.open(p) as h:
        slow = read(p, format="fits-table")
        np.testing.assert_allclose(np.asarray(h[1].data["FLUX"], float), lc.flux)
    np.testing.assert_array_equal(slow.flux, lc.flux)


def test_a_flux_column_of_several_numbers_per_row_is_refused_with_advice(tmp_path):
    t = 1500.0 + np.arange(100) * 0.02
    cols = [fits.Column("TIME", "D", array=t), fits.Column("FLUX", "3D", array=np.ones((100, 3)))]
    hdu = fits.BinTableHDU.from_columns(cols, name="LIGHTCURVE")
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "apertures.fits")
    for kw in ({}, {"flux_column": "FLUX"}):
        with pytest.raises(StarskopeError, match=r"'FLUX' \(3 per row\) holds several numbers"):
            read(tmp_path / "apertures.fits", **kw)


def test_float32_times_that_cannot_resolve_a_cadence_are_named(tmp_path):
    t = 2458325.3 + np.arange(300) * (2 / 1440)
    cols = [fits.Column("TIME", "E", array=t.astype("f4")), fits.Column("FLUX", "E", array=1 + 0 * t)]
    fits.BinTableHDU.from_columns(cols).writeto(tmp_path / "f32.fits")
    with pytest.warns(StarskopeWarning) as rec:
        read(tmp_path / "f32.fits")
    said = " ".join(str(w.message) for w in rec)
    assert "32-bit floats, which resolve values near 24583" in said
    assert "only to 360 minutes" in said and "repeated time" in said
    btjd = 1500.0 + np.arange(300) * (2 / 1440)  # float32 BTJD: 10-s steps, no warning
    cols = [fits.Column("TIME", "E", array=btjd.astype("f4")), fits.Column("FLUX", "E", array=1 + 0 * t)]
    fits.BinTableHDU.from_columns(cols).writeto(tmp_path / "ok.fits")
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        read(tmp_path / "ok.fits", flux_column="FLUX")


def test_timezero_keyword_is_added_to_the_times(tmp_path):
    """The FITS time standard's TIMEZERO (Rots et al. 2015) is a zero point added to every
    time, in the times' own unit: BTJD - 1000 with TIMEZERO = 1000 is BTJD, not 1000 d early;
    with TIMEUNIT = 's' it is seconds."""
    t = 1325.3 + np.arange(500) * (2.0 / 1440.0)
    f = 1.0 + np.zeros(t.size)
    for name, values, unit, zero in (("d.fits", t - 1000.0, "d", 1000.0),
                                     ("s.fits", (t - 1325.0) * 86400.0, "s", 1325.0 * 86400.0)):  # fmt: skip
        tb = fits.BinTableHDU.from_columns(
            [fits.Column("TIME", "D", unit=unit, array=values), fits.Column("FLUX", "E", array=f)]
        )
        tb.header.update(TIMEZERO=zero, BJDREFI=2457000, BJDREFF=0.0, TIMESYS="TDB")
        fits.HDUList([fits.PrimaryHDU(), tb]).writeto(tmp_path / name)
        lc = read(tmp_path / name)
        np.testing.assert_allclose(lc.t + lc.bjd_offset, t + 2457000.0, rtol=0, atol=1e-7)


def test_vector_flux_columns_are_explained(tmp_path):
    """Flux in a column of several numbers per row: a few (apertures, bands) asks for the one
    wanted as its own column; thousands in each of several rows (the Kaggle layout written
    as FITS) says where one star per row is read, not 'name the time column'."""
    t = 1325.3 + np.arange(300) * (2.0 / 1440.0)
    tb = fits.BinTableHDU.from_columns(
        [fits.Column("TIME", "D", array=t), fits.Column("FLUX", "3E", array=np.ones((300, 3)))]
    )
    fits.HDUList([fits.PrimaryHDU(), tb]).writeto(tmp_path / "apertures.fits")
    with pytest.raises(StarskopeError, match=r"'FLUX' \(3 per row\).*one per aperture or band"):
        read(tmp_path / "apertures.fits")
    tb = fits.BinTableHDU.from_columns(
        [fits.Column("LABEL", "J", array=[2, 1, 1]),
         fits.Column("FLUX", "3197E", array=np.ones((3, 3197)))]
    )  # fmt: skip
    fits.HDUList([fits.PrimaryHDU(), tb]).writeto(tmp_path / "kaggle.fits")
    with pytest.raises(StarskopeError, match=r"one light curve per row .*Kaggle-layout table"):
        read(tmp_path / "kaggle.fits")


def test_timezero_with_float32_offsets_is_not_called_imprecise(tmp_path):
    """float32 offsets of 10-13 d under TIMEZERO = 2459000 are as precise as float32 allows
    for them: the float32 check looks at the column as stored, not after the zero point."""
    t = 10.0 + np.arange(2000) * (2.0 / 1440.0)
    tb = fits.BinTableHDU.from_columns(
        [
            fits.Column("TIME", "E", unit="d", array=t.astype(np.float32)),
            fits.Column("FLUX", "E", array=np.ones(t.size)),
        ]
    )
    tb.header.update(TIMEZERO=2459000.0, TIMESYS="TDB")
    fits.HDUList([fits.PrimaryHDU(), tb]).writeto(tmp_path / "tz.fits")
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        lc = read(tmp_path / "tz.fits")
    assert len(lc) == t.size and lc.t[0] + (lc.bjd_offset or 0.0) == pytest.approx(2459010.0, rel=0, abs=1e-5)


@pytest.mark.parametrize(
    ("keys", "mission"),
    [
        ({"CAMPAIGN": 5, "KEPLERID": 211436265}, "K2"),
        ({"QUARTER": 3, "KEPLERID": 11442793}, "Kepler"),
        ({"SECTOR": 11, "TICID": 166527623}, "TESS"),
        ({}, None),
        ({"CAMPAIGN": 3, "OBJECT": "777"}, None),  # a ground-based campaign: no KEPLERID
        ({"SECTOR": 5}, None),
    ],
)
def test_mission_from_its_own_keys_without_telescop(tmp_path, keys, mission):
    """A header stripped of MISSION and TELESCOP still names the mission by its own keys
    (CAMPAIGN, QUARTER, SECTOR): K2's thruster-firing flags were kept, the target called
    'ID 211436265'."""
    from starskope.io._common import mission_from_header

    h = fits.Header(keys)
    assert mission_from_header(h) == mission
    assert mission_from_header(fits.Header({"TELESCOP": "NGTS", **keys})) is None
