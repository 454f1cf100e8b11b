import warnings

import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time

from starskope import LightCurve, LightCurveMeta, StarskopeError
from starskope.exceptions import StarskopeWarning
from starskope.time import BKJD_OFFSET, BTJD_OFFSET
from starskope.units import to_days


def make_lc(n=100, fmt="btjd"):
    t = np.linspace(1000, 1010, n)
    f = 1000 + np.arange(n, dtype=float)
    return LightCurve(t, f, np.full(n, 2.0), time_format=fmt, meta=LightCurveMeta(mission="TESS"))


def test_time_formats_roundtrip_to_bjd():
    lc = make_lc(fmt="btjd")
    assert lc.time.format == "btjd" and lc.time.scale == "tdb"
    np.testing.assert_allclose(lc.time.jd, lc.t + BTJD_OFFSET)
    k = Time(2455000.0, format="jd", scale="tdb")
    assert k.to_value("bkjd") == pytest.approx(2455000.0 - BKJD_OFFSET, rel=0, abs=1e-5)
    assert lc.to_bjd().time_format == "jd"
    np.testing.assert_allclose(lc.to_bjd().t, lc.t + BTJD_OFFSET)


def test_transforms_return_new_objects():
    lc = make_lc()
    lc.flux[3] = np.nan
    clean = lc.remove_nans()
    assert len(clean) == len(lc) - 1 and np.isnan(lc.flux[3])
    norm = clean.normalize()
    assert np.nanmedian(norm.flux) == pytest.approx(1.0)
    assert norm.meta.flux_unit == "relative" and lc.meta.flux_unit is None


def test_cadence_and_span():
    lc = make_lc(n=11)
    assert lc.cadence == pytest.approx(1.0)
    assert lc.time_span == pytest.approx(10.0)


def test_normalize_zero_median_raises():
    lc = LightCurve(np.arange(3.0), np.zeros(3))
    with pytest.raises(StarskopeError, match="median flux"):
        lc.normalize()


def test_timeseries_roundtrip():
    lc = make_lc()
    ts = lc.to_timeseries()
    back = LightCurve.from_timeseries(ts)
    np.testing.assert_allclose(back.t, lc.t)
    np.testing.assert_allclose(back.flux, lc.flux)
    assert back.meta.mission == "TESS"


def test_lightkurve_roundtrip():
    lk = pytest.importorskip("lightkurve")
    lc = make_lc()
    lklc = lc.to_lightkurve()
    assert isinstance(lklc, lk.LightCurve)
    back = LightCurve.from_lightkurve(lklc)
    np.testing.assert_allclose(back.t, lc.t)
    np.testing.assert_allclose(back.flux, lc.flux)
    # relative flux, the reader and header extras come back (they were lost: a Python-API
    # audit), and the original's meta is not shared
    lc.meta = lc.meta.replace(product="tess", extra={"TEFF": 5800.0, "TIMEDEL": 0.0013889})
    back = LightCurve.from_lightkurve(lc.normalize().to_lightkurve())
    assert back.meta.flux_unit == "relative" and back.meta.product == "tess"
    assert back.meta.extra == {"TEFF": 5800.0, "TIMEDEL": 0.0013889}
    back.meta.extra["TEFF"] = 1.0
    assert lc.meta.extra["TEFF"] == 5800.0


def test_relative_time_has_no_epoch():
    lc = LightCurve(np.arange(5.0), np.ones(5), time_format="relative")
    assert lc.bjd_offset is None
    with pytest.raises(StarskopeError):
        lc.to_bjd()


def test_units_boundary():
    assert to_days(36 * u.hour) == pytest.approx(1.5)
    with pytest.raises(u.UnitsError):
        to_days(3 * u.m)


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, starskope; print(any(m in sys.modules for m in ('torch','matplotlib','numba')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    # the subpackages load on first use, after a bare import
    code = (
        "import starskope; print(starskope.search.TransitSearch.__name__, 'io' in dir(starskope))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["TransitSearch", "True"]


def test_masked_values_are_no_measurements():
    import astropy.units as u
    from astropy.utils.masked import Masked

    t = np.arange(10.0)
    f = np.ma.masked_array(np.ones(10), mask=np.arange(10) == 3)
    lc = LightCurve(t, f, time_format="relative")
    assert np.isnan(lc.flux[3]) and lc.n_valid == 9
    q = Masked(np.ones(10) * u.electron / u.s, mask=np.arange(10) >= 8)
    assert LightCurve(t, q, time_format="relative").n_valid == 8


def test_times_with_units_and_calendar_dates():
    import astropy.units as u
    import pandas as pd

    from starskope.exceptions import StarskopeWarning

    lc = LightCurve(np.arange(48.0) * u.hour, np.ones(48), time_format="relative")
    assert lc.t[-1] == pytest.approx(47 / 24)
    with pytest.raises(StarskopeError, match="unit of time"):
        LightCurve(np.arange(5.0) * u.m, np.ones(5), time_format="relative")
    stamps = pd.Series(pd.date_range("2020-01-01", periods=4, freq="30min"))
    with pytest.warns(StarskopeWarning, match="calendar dates"):
        lc = LightCurve(stamps, np.ones(4))
    assert lc.time_format == "jd"
    assert lc.t[0] == pytest.approx(2458849.5 + 69.184 / 86400, abs=1e-6)  # UTC -> TDB
    with pytest.warns(StarskopeWarning, match="32-bit floats"):
        LightCurve((2459000.0 + np.arange(5) / 48).astype(np.float32), np.ones(5), time_format="jd")


def test_mjd_values_read_as_the_default_btjd_are_warned_about():
    from starskope.exceptions import StarskopeWarning

    with pytest.warns(StarskopeWarning, match="if they are MJD, pass t \\+ 2400000.5"):
        LightCurve(58000.0 + np.arange(5.0), np.ones(5))


def test_time_zones_durations_masked_times_and_unsorted_spans():
    """Time-zone-aware pandas timestamps are their UTC instants (they were nanoseconds read as
    days), durations are relative days (they were nanoseconds or hours read as days), datetime
    objects are dates, a masked Time entry is no time (astropy fills J2000), and an unsorted
    light curve's span and cadence are positive."""
    import datetime

    import pandas as pd
    from astropy.time import Time

    from starskope.exceptions import StarskopeWarning

    naive = pd.date_range("2020-01-01", periods=3, freq="h")
    with pytest.warns(StarskopeWarning, match="calendar dates"):
        want = LightCurve(naive, np.ones(3)).t
    for aware in (naive.tz_localize("UTC"), naive.tz_localize("UTC").tz_convert("US/Pacific")):
        with pytest.warns(StarskopeWarning, match="calendar dates"):
            lc = LightCurve(pd.Series(aware), np.ones(3))
        assert lc.time_format == "jd"
        np.testing.assert_allclose(lc.t, want, rtol=0, atol=1e-9)
    with pytest.warns(StarskopeWarning, match="calendar dates"):
        lc = LightCurve([datetime.datetime(2020, 1, 1, h) for h in range(3)], np.ones(3))
    np.testing.assert_allclose(lc.t, want, rtol=0, atol=1e-9)
    for durations in (
        pd.Series(pd.to_timedelta([0, 1, 2], unit="h")),
        np.array([0, 1, 2], dtype="timedelta64[h]"),
    ):
        lc = LightCurve(durations, np.ones(3))
        assert lc.time_format == "relative"
        np.testing.assert_allclose(lc.t, [0, 1 / 24, 2 / 24])
    masked = Time(
        np.ma.masked_array([2459000.0, 2459001.0, 2459002.0], mask=[0, 1, 0]),
        format="jd",
        scale="tdb",
    )
    t = LightCurve(masked, np.ones(3)).t
    assert np.isnan(t[1]) and t[0] == pytest.approx(2459000.0, abs=1e-2)
    lc = LightCurve(np.arange(11.0)[::-1], np.ones(11), time_format="relative")
    assert (lc.time_span, lc.cadence) == (10.0, 1.0)


def test_normalize_refuses_a_level_that_is_not_positive():
    with pytest.raises(StarskopeError, match="not a positive level"):
        LightCurve(np.arange(5.0), np.array([-1e-4, 0, -2e-4, 1e-4, -1e-4])).normalize()


def test_flatten_of_times_out_of_order_keeps_their_order(rng):
    t = np.arange(0, 20, 0.02)
    f = 1 + 0.01 * np.sin(t) + rng.normal(0, 1e-4, t.size)
    p = rng.permutation(t.size)
    a = LightCurve(t, f, time_format="relative").flatten()
    b = LightCurve(t[p], f[p], time_format="relative").flatten()
    np.testing.assert_allclose(b.flux, a.flux[p])
    np.testing.assert_array_equal(b.t, t[p])
    # a transit mask is given in the caller's order and sorted with the cadences (it was
    # applied to the wrong cadences: a Python-API audit)
    f = f - 0.005 * (np.abs((t - 1.0 + 2.5) % 5.0 - 2.5) < 0.15)
    mask = np.abs((t - 1.0 + 2.5) % 5.0 - 2.5) < 0.3
    a = LightCurve(t, f, time_format="relative").flatten(window=1.0, transit_mask=mask)
    b = LightCurve(t[p], f[p], time_format="relative").flatten(window=1.0, transit_mask=mask[p])
    np.testing.assert_allclose(b.flux, a.flux[p], rtol=0, atol=1e-12)
    with pytest.raises(StarskopeError, match="one entry per cadence"):
        LightCurve(t[p], f[p], time_format="relative").flatten(transit_mask=mask[:10])


def test_a_missing_quality_flag_is_no_flag():
    lc = LightCurve(np.arange(3.0), np.ones(3), quality=np.array([0.0, np.nan, 4.0]))
    assert lc.quality.tolist() == [0, 0, 4]


def test_meta_as_a_dict_and_indexing_by_an_integer():
    lc = LightCurve(np.arange(10.0), np.ones(10), meta={"mission": "Kepler", "target": "X"})
    assert lc.meta.mission == "Kepler" and "X" in repr(lc)
    assert len(lc[3]) == 1 and lc[3].t[0] == 3.0 and len(lc[2:5]) == 3
    with pytest.raises(StarskopeError, match="LightCurveMeta's fields"):
        LightCurve(np.arange(3.0), np.ones(3), meta={"nope": 1})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"time": np.arange(5.0), "flux": np.ones(4)}, "equal length"),
        ({"time": np.arange(5.0), "flux": np.ones(5), "flux_err": np.ones(3)}, "same length"),
        ({"time": np.arange(5.0), "flux": np.ones(5), "time_format": "mjd"}, "time_format"),
        ({"time": np.ones((2, 3)), "flux": np.ones(6)}, "time must be 1-D"),
        ({"time": ["a", "b"], "flux": np.ones(2)}, "times must be numbers, astropy Time or da"),
        # day numbers called Julian dates (BKJD 2000 as JD: the year -4707)
        ({"time": 2000.0 + np.arange(5.0), "flux": np.ones(5), "time_format": "jd"}, "not full"),
        ({"time": np.arange(5.0), "flux": np.ones(5) + 1j}, "flux must be real numbers"),
        ({"time": np.arange(5.0), "flux": np.ones(5), "quality": [2**40] * 5}, "fit in 32 bits"),
    ],
)
def test_shape_and_time_format_errors_are_starskope_value_errors(kwargs, match):
    """Bad shapes are one-line StarskopeErrors for the CLI and still ValueErrors for code."""
    from starskope.exceptions import StarskopeValueError

    with pytest.raises(StarskopeValueError, match=match) as info:
        LightCurve(**kwargs)
    assert isinstance(info.value, ValueError) and isinstance(info.value, StarskopeError)


def _transiting(n_days=27.0, period=3.2, depth=2e-3, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(0, n_days, 10 / 1440)
    f = 1 + rng.normal(0, 3e-4, t.size)
    f[np.abs((t - 1.0 + period / 2) % period - period / 2) < 0.05] -= depth
    return t, f


@pytest.mark.parametrize("kind", ["mag", "percent"])
def test_a_flux_quantity_keeps_its_unit_for_the_analysis(kind):
    """Magnitudes and percent given as Quantities are analysed as such (were read as fluxes)."""
    import starskope

    t, f = _transiting()
    flux = (10 - 2.5 * np.log10(f)) * u.mag if kind == "mag" else (f - 1) * 100 * u.percent
    lc = LightCurve(t, flux)
    assert lc.meta.flux_unit == {"mag": "mag", "percent": "%"}[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        best = starskope.analyse(lc).candidates[0]
    assert best.period_days == pytest.approx(3.2, rel=2e-3)
    assert best.depth_ppm == pytest.approx(2000, rel=0.15)
    # an explicit meta unit wins over the Quantity's
    assert LightCurve(t, f * u.electron / u.s, meta={"flux_unit": "x"}).meta.flux_unit == "x"


def test_full_bjd_times_are_not_taken_for_btjd():
    t = 2459000.0 + np.arange(10.0)
    with pytest.warns(StarskopeWarning, match="full BJDs: read as time_format='jd'"):
        lc = LightCurve(t, np.ones(10))
    assert lc.time_format == "jd" and lc.time[0].jd == pytest.approx(2459000.0, rel=0, abs=1e-5)
    with pytest.raises(StarskopeError, match="are full BJDs, not BTJD .*year 8747"):
        LightCurve(t, np.ones(10), time_format="btjd")
    assert LightCurve(np.arange(10.0), np.ones(10)).time_format == "btjd"  # the default


def test_numpy_sees_a_light_curve_as_one_object():
    """Not as a sequence of one-cadence light curves nested to numpy's 64 dimensions."""
    from starskope.crossmatch import group_lightcurves

    lc = make_lc(5000)
    pair = np.array([lc, lc], dtype=object)
    assert pair.shape == (2,) and pair[0] is lc
    with pytest.raises(TypeError, match="use lc.flux"):
        np.asarray(lc, dtype=float)
    with pytest.raises(TypeError, match="not iterable"):
        list(lc)
    with pytest.raises(StarskopeError, match="takes a list of LightCurve"):
        group_lightcurves(lc)


def test_timeseries_of_a_kepler_file_keeps_errors_quality_unit_and_target():
    """As astropy's ``TimeSeries.read(..., format="kepler.fits")`` gives it: lower-case
    columns with units, the primary header in meta."""
    from astropy.table import MaskedColumn
    from astropy.timeseries import TimeSeries

    n = 50
    ts = TimeSeries(time=Time(2455133.0 + np.arange(n) / 48, format="jd", scale="tdb"))
    ts["sap_flux"] = np.full(n, 900.0) * u.electron / u.s
    ts["pdcsap_flux"] = MaskedColumn(np.full(n, 1000.0), mask=np.arange(n) == 7, unit="electron/s")
    ts["pdcsap_flux_err"] = np.full(n, 2.0) * u.electron / u.s
    ts["sap_quality"] = np.r_[np.zeros(n - 3, int), 1, 2, 4]
    ts.meta.update({"OBJECT": "KIC 1", "TELESCOP": "Kepler", "RA_OBJ": 290.0, "DEC_OBJ": 44.0})
    lc = LightCurve.from_timeseries(ts)
    assert lc.meta.flux_column == "pdcsap_flux" and lc.meta.flux_unit == "electron / s"
    assert (lc.meta.target, lc.meta.mission, lc.meta.ra) == ("KIC 1", "Kepler", 290.0)
    np.testing.assert_allclose(lc.flux_err, 2.0)
    assert np.count_nonzero(lc.quality) == 3
    assert np.isnan(lc.flux[7]) and np.count_nonzero(np.isnan(lc.flux)) == 1  # the masked cell


def test_lightkurve_round_trip_keeps_provenance():
    lk = pytest.importorskip("lightkurve")
    meta = LightCurveMeta(
        mission="Kepler", target="KIC 5", ra=1.0, dec=2.0, pmra=3.0, pmdec=4.0,
        flux_column="PDCSAP_FLUX", flux_unit="electron / s", source="k.fits", segment="Q3",
    )  # fmt: skip
    lc = LightCurve(np.arange(10.0), np.ones(10), np.full(10, 0.1), time_format="bkjd", meta=meta)
    lkc = lc.to_lightkurve()
    assert isinstance(lkc, lk.LightCurve) and str(lkc.flux.unit) == "electron / s"
    back = LightCurve.from_lightkurve(lkc).meta
    for name in ("mission", "target", "pmra", "pmdec", "flux_unit", "source", "segment"):
        assert getattr(back, name) == getattr(meta, name), name


def test_times_in_seconds_are_not_taken_for_julian_dates():
    t = 5.94e7 + np.arange(10.0) * 120  # seconds since some epoch
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        assert LightCurve(t, np.ones(10)).time_format == "btjd"  # as before: no JD guess


def test_the_units_module_is_reached_from_the_package():
    """``starskope.units.ppm`` (which the level-less flux warning names) after a bare import."""
    import subprocess
    import sys

    code = "import starskope; print(starskope.units.ppm, starskope.fit.fit_transit.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["ppm", "fit_transit"]


def test_clear_errors_for_api_misuse(tmp_path):
    """Misuse is a StarskopeError naming the problem, not numpy's, wotan's or a
    constructor's message (each was, before)."""
    from starskope.result import StarResult
    from starskope.search import TransitSearch

    lc = LightCurve(np.arange(100.0) * 0.02, np.ones(100), time_format="relative")
    with pytest.raises(StarskopeError, match="one value per cadence \\(100\\); got \\(5,\\)"):
        lc.select(np.ones(5, bool))
    nan = LightCurve(np.arange(100.0) * 0.02, np.full(100, np.nan), time_format="relative")
    with pytest.raises(StarskopeError, match="every flux value is NaN"):
        nan.flatten()
    with pytest.raises(StarskopeError, match="oversample must be a number >= 1; got '2'"):
        TransitSearch(lc.t, lc.flux, oversample="2")
    with pytest.raises(StarskopeError, match="not a StarResult: missing field\\(s\\) \\['path'\\]"):
        StarResult.from_dict({})
    from starskope.io import read

    with pytest.raises(StarskopeError, match="use iter_read for patterns"):
        read(tmp_path / "*.fits")


def test_a_utc_time_is_said_not_to_be_barycentric():
    """An astropy Time in UTC was converted to TDB and labelled BJD_TDB without a word (the
    same instants as datetime64 were warned about)."""
    import warnings

    from astropy.time import Time

    from starskope.exceptions import StarskopeWarning

    t = Time(2459000.5 + np.arange(10) * 0.02, format="jd", scale="utc")
    with pytest.warns(StarskopeWarning, match="UTC are converted to TDB, not made barycentric"):
        LightCurve(t, np.ones(10))
    with warnings.catch_warnings():
        warnings.simplefilter("error", StarskopeWarning)
        LightCurve(Time(t.jd, format="jd", scale="tdb"), np.ones(10))


def test_the_style_guides_chain_with_lightkurves_names():
    """``lc.remove_nans().normalize().flatten(window_length=0.5 * u.day).fold(period=p,
    epoch_time=t0)``, the style guide's example, raised TypeError on both names."""
    rng = np.random.default_rng(0)
    t = np.arange(0, 20, 0.02)
    lc = LightCurve(t, 1000 * (1 + 1e-3 * rng.normal(size=t.size)), time_format="relative")
    folded = lc.remove_nans().normalize().flatten(window_length=0.5 * u.day)
    a = folded.fold(period=3.0, epoch_time=1.0)
    b = lc.remove_nans().normalize().flatten(window=0.5).fold(period=3.0, epoch=1.0)
    np.testing.assert_allclose(np.asarray(a.flux), np.asarray(b.flux))
    with pytest.raises(StarskopeError, match="counts it in cadences"):
        lc.flatten(window_length=101)
    with pytest.raises(StarskopeError, match="epoch once"):
        lc.fold(period=3.0)


def test_from_lightkurve_reads_a_folded_curve_on_its_times_and_refuses_collections():
    """A folded lightkurve curve became a light curve of phases (a 3-day "relative" curve
    and a negative-depth candidate); a collection ended in a bare AttributeError."""
    lk = pytest.importorskip("lightkurve")
    t = np.arange(1000, 1020, 0.02)
    f = np.ones(t.size)
    f[((t - 1001) % 3) < 0.1] -= 0.01
    k = lk.LightCurve(time=Time(t + 2457000, format="jd", scale="tdb"), flux=f)
    a = LightCurve.from_lightkurve(k)
    b = LightCurve.from_lightkurve(k.fold(period=3))
    np.testing.assert_allclose(b.t, a.t)
    np.testing.assert_allclose(b.flux, a.flux)
    with pytest.raises(StarskopeError, match="a collection: convert each"):
        LightCurve.from_lightkurve(lk.LightCurveCollection([k, k]))
    assert LightCurve.from_lightkurve(a) is a


def test_bin_append_and_plot_methods_as_in_lightkurve():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from starskope.stitch import bin_to

    lc = make_lc(n=500)  # 10 days, 28.8-min steps
    binned = lc.bin(2 * u.hour, min_count=2)
    ref = bin_to(lc, 2 * u.hour, min_count=2)
    np.testing.assert_array_equal(binned.t, ref.t)
    np.testing.assert_array_equal(binned.flux, ref.flux)
    assert binned.cadence == pytest.approx(to_days(2 * u.hour), rel=0.05)  # 4-5 points a bin

    later = LightCurve(lc.t + 20 + BTJD_OFFSET, lc.flux, time_format="jd")  # another format
    both = lc.append(later)
    assert len(both) == 1000 and both.time_format == "jd"
    np.testing.assert_allclose(both.t[:500], lc.t + BTJD_OFFSET)
    np.testing.assert_allclose(both.t[500:], lc.t + 20 + BTJD_OFFSET)
    np.testing.assert_array_equal(both.flux_err[500:], np.nan)
    assert both.meta.mission == "TESS"
    same = lc.append([lc, lc])
    assert same.time_format == "btjd" and len(same) == 1500
    with pytest.raises(StarskopeError, match="relative times .* cannot join absolute"):
        lc.append(LightCurve(np.arange(3.0), np.ones(3), time_format="relative"))
    with pytest.raises(StarskopeError, match="part 1 is ndarray"):
        lc.append([lc.flux])
    for bad in ({"a": lc}, None, lc.flux):
        with pytest.raises(StarskopeError, match="takes a LightCurve or a list of them"):
            lc.append(bad)
    kepler = LightCurve(lc.t, lc.flux, time_format="btjd", meta=LightCurveMeta(mission="Kepler"))
    with pytest.raises(StarskopeError, match=r"different missions \(Kepler, TESS\)"):
        lc.append(kepler)
    mags = LightCurve(lc.t, lc.flux, time_format="btjd", meta=LightCurveMeta(flux_unit="mag"))
    rel = LightCurve(lc.t, lc.flux, time_format="btjd", meta=LightCurveMeta(flux_unit="relative"))
    with pytest.raises(StarskopeError, match=r"flux units differ \(mag, relative\)"):
        mags.append(rel)

    ax = Figure().add_subplot()
    assert lc.plot(ax=ax) is ax
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), lc.flux / np.median(lc.flux))
    assert ax.get_ylabel() == "Relative flux" and ax.get_xlabel() == "Time [BTJD]"
    offsets = LightCurve(
        lc.t, np.sin(lc.t), time_format="btjd", meta=LightCurveMeta(flux_unit="ppm")
    )
    ax2 = Figure().add_subplot()
    offsets.plot(ax=ax2, color="tab:blue")
    np.testing.assert_allclose(ax2.get_lines()[0].get_ydata(), np.sin(lc.t))  # no level
    assert ax2.get_ylabel() == "Flux [ppm]"
    mag = 12.0 + np.where(np.abs(lc.t - 1005.0) < 0.2, 0.01, 0.0)  # a 1% transit, fainter
    ax3 = Figure().add_subplot()
    LightCurve(lc.t, mag, time_format="btjd", meta=LightCurveMeta(flux_unit="mag")).plot(ax=ax3)
    y = ax3.get_lines()[0].get_ydata()
    assert y.min() == pytest.approx(10 ** (-0.4 * 0.01)) and np.median(y) == 1.0
    assert ax3.get_ylabel() == "Relative flux (from magnitudes)"


def test_plot_without_axes_opens_a_pyplot_figure():
    plt = pytest.importorskip("matplotlib.pyplot")
    before = plt.get_fignums()
    ax = make_lc().plot(label="TESS")
    try:
        assert plt.get_fignums() == [*before, ax.figure.number]
        assert ax.get_legend() is not None  # a label asked for a legend
    finally:
        plt.close(ax.figure)


def _magnitude_curve():
    """A 3000-ppm planet on a 10-mag star, in magnitudes."""
    rng = np.random.default_rng(3)
    t = np.arange(1400.0, 1427.0, 2.0 / 1440.0)
    flux = 1.0 - 3e-3 * (np.abs((t - 1401.3 + 1.35) % 2.7 - 1.35) < 0.05)
    mag = 10.0 - 2.5 * np.log10(flux) + 2e-4 * rng.standard_normal(t.size)
    meta = LightCurveMeta(mission="TESS", target="TIC 1", flux_unit="mag")
    return LightCurve(t, mag, np.full(t.size, 2e-4), time_format="btjd", meta=meta), flux


def test_normalize_and_flatten_turn_magnitudes_into_flux():
    """normalize() divided magnitudes by their median (a transit became a 0.03% bump) and
    flatten() did the same (an audit of the Python API)."""
    lc, flux = _magnitude_curve()
    norm = lc.normalize()
    assert norm.meta.flux_unit == "relative"
    assert np.median(norm.flux[flux < 1]) == pytest.approx(1 - 3e-3, abs=2e-4)
    flat = lc.flatten(window=0.75)
    assert np.median(flat.flux[flux < 1]) == pytest.approx(1 - 3e-3, abs=3e-4)
    assert lc.meta.flux_unit == "mag"  # the input is left as it was


@pytest.mark.parametrize(("unit", "scale"), [("ppm", 1e-6), ("ppt", 1e-3), ("%", 1e-2)])
def test_normalize_and_flatten_read_offsets_around_zero_as_1_plus_offset(unit, scale):
    """Offsets in ppm (median +100 ppm) were divided by their own median: a 3000-ppm transit
    became a relative flux of -38 in normalize() and -27 in flatten(), and a group of such
    sectors had three times the depth (a review of the thirty-third session's change)."""
    rng = np.random.default_rng(5)
    t = 1500.0 + np.arange(3000) * 2.0 / 1440.0
    off = (100.0 + 300.0 * rng.standard_normal(t.size)) * 1e-6
    off[1500:1540] -= 3e-3
    meta = LightCurveMeta(mission="TESS", target="TIC 1", flux_unit=unit)
    lc = LightCurve(t, off / scale, np.full(t.size, 3e-4 / scale), time_format="btjd", meta=meta)
    norm = lc.normalize()
    assert norm.meta.flux_unit == "relative"
    assert np.median(norm.flux[1505:1535]) == pytest.approx(1 - 2.9e-3, abs=2e-4)
    assert np.median(norm.flux_err) == pytest.approx(3e-4)
    flat = lc.flatten(window=1.0)
    assert np.median(flat.flux[1505:1535]) == pytest.approx(1 - 3e-3, abs=3e-4)
    assert np.median(flat.flux[:1400]) == pytest.approx(1.0, abs=1e-4)


def test_flatten_keeps_the_nan_cadences_of_a_light_curve_as_read():
    """flatten() on a light curve as read (NaN flux kept) raised wotan's "time and flux contain
    no finite values" (biweight, a sector with a segment of NaN) or "array must not contain
    infs or NaNs" (savgol)."""
    t = np.arange(0.0, 20.0, 0.02)
    f = 1.0 + 1e-3 * np.sin(t)
    f[100:400] = np.nan  # a whole segment of NaN between two gaps
    t = np.r_[t[:90], t[90:410] + 1.0, t[410:] + 2.0]
    lc = LightCurve(t, f, time_format="btjd")
    for method in ("biweight", "savgol", "spline"):
        flat = lc.flatten(method=method)
        assert np.isnan(flat.flux[100:400]).all()
        assert np.isfinite(flat.flux[:90]).all() and np.isfinite(flat.flux[420:]).all()
        assert np.nanstd(flat.flux[420:-20]) < 2e-4


def test_bad_arguments_are_starskope_errors():
    """Units that are not times, non-numbers and several epochs raised astropy's UnitsError,
    TypeError or ValueError, which the command line and the app show as tracebacks; a string
    astropy reads as a time is taken."""
    from starskope.exceptions import StarskopeUnitsError, StarskopeValueError

    t = np.arange(0.0, 10.0, 0.02)
    lc = LightCurve(t, np.ones(t.size), time_format="btjd")
    with pytest.raises(StarskopeUnitsError, match="period must be a time"):
        lc.fold(period=3 * u.m, epoch_time=1.0)
    with pytest.raises(u.UnitsError):  # still one for code that catches astropy's
        lc.bin(30 * u.m)
    with pytest.raises(StarskopeValueError, match="period must be a number of days"):
        lc.fold(period=None, epoch_time=1.0)
    with pytest.raises(StarskopeValueError, match="epoch must be one time"):
        lc.fold(period=3.0, epoch_time=Time([2459000.0, 2459001.0], format="jd", scale="tdb"))
    with pytest.raises(StarskopeValueError, match="flux must be numbers"):
        LightCurve([1, 2, 3], ["a", "b", "c"])
    assert len(lc.bin("30 min")) == len(lc.bin(30 * u.min))
    assert to_days("12 h") == 0.5
    assert to_days("30") == 30.0  # a plain number is days (it was refused as unitless)
    one = Time([2459001.5], format="jd", scale="tdb")  # one time in an array, as a Quantity is
    assert lc.fold(period=3.0, epoch_time=one).epoch == pytest.approx(2001.5)  # BTJD


def test_from_lightkurve_keeps_its_normalisation():
    """A lightkurve light curve after normalize() came in without a flux unit, so append()
    joined it to raw electrons per second (flux from 0.99 to 8050)."""
    lk = pytest.importorskip("lightkurve")
    t = np.arange(1500.0, 1510.0, 0.02)
    e_s = u.electron / u.s
    raw = lk.LightCurve(
        time=Time(t, format="btjd", scale="tdb"),
        flux=np.full(t.size, 8000.0) * e_s,
        flux_err=np.full(t.size, 10.0) * e_s,
    )
    norm = LightCurve.from_lightkurve(raw.normalize())
    assert norm.meta.flux_unit == "relative"
    with pytest.raises(StarskopeError, match="flux unit"):
        LightCurve.from_lightkurve(raw).append(norm)


def test_a_derived_light_curves_extra_metadata_is_its_own():
    """normalize() shared meta.extra with its input: a note added to one appeared in both."""
    lc = LightCurve(np.arange(10.0), np.full(10, 5.0), meta=LightCurveMeta(extra={"a": 1}))
    norm = lc.normalize()
    norm.meta.extra["b"] = 2
    assert lc.meta.extra == {"a": 1} and norm.meta.extra == {"a": 1, "b": 2}


def test_a_flux_error_quantity_is_taken_in_the_flux_unit():
    """``flux_err`` in mJy beside flux in Jy, or in mmag beside magnitudes, kept its bare value
    (1000 times too large); an error with a unit and a flux without one, or units that do not
    convert, are refused; the quality flags are a copy, as flux and time are (a Python-API
    audit)."""
    import astropy.units as u

    t = np.arange(100.0)
    lc = LightCurve(t, np.ones(100) * u.Jy, flux_err=np.full(100, 0.3) * u.mJy)
    assert lc.flux_err[0] == pytest.approx(3e-4)
    mags = LightCurve(t, np.full(100, 12.0) * u.mag, flux_err=np.full(100, 1.0) * u.mmag)
    assert mags.flux_err[0] == pytest.approx(1e-3)
    assert mags.normalize().flux_err[0] == pytest.approx(0.4 * np.log(10) * 1e-3)
    ab = LightCurve(t, np.full(100, 12.0) * u.ABmag, flux_err=np.full(100, 0.01) * u.ABmag)
    assert ab.flux_err[0] == pytest.approx(0.01)
    with pytest.raises(StarskopeError, match="flux has no unit"):
        LightCurve(t, np.ones(100), flux_err=np.ones(100) * u.mJy)
    one = np.ones(100) * u.dimensionless_unscaled  # a Quantity without a unit's name (a review)
    assert LightCurve(t, one, flux_err=np.full(100, 0.1) * u.percent).flux_err[0] == 1e-3
    with pytest.raises(StarskopeError, match="does not convert"):
        LightCurve(t, np.ones(100) * u.Jy, flux_err=np.ones(100) * u.s)
    q = np.zeros(100, dtype=np.int32)
    LightCurve(t, np.ones(100), quality=q).quality[0] = 5
    assert q[0] == 0


def test_remove_outliers_as_lightkurves():
    """lightkurve users reach for ``lc.remove_outliers()``, which was missing (a Python-API
    audit): sigma-clipped about the median with a robust spread, NaN flux kept, the mask in
    the light curve's order, limits checked."""
    rng = np.random.default_rng(2)
    f = 1 + 1e-3 * rng.standard_normal(500)
    f[[7, 300]] = 1.02  # flares
    f[150] = 0.98  # one low point
    f[10] = np.nan
    lc = LightCurve(np.arange(500.0), f, time_format="relative")
    kept, mask = lc.remove_outliers(return_mask=True)
    assert np.flatnonzero(mask).tolist() == [7, 150, 300] and len(kept) == 497
    assert np.isnan(kept.flux).sum() == 1
    assert np.flatnonzero(
        lc.remove_outliers(sigma_lower=float("inf"), return_mask=True)[1]
    ).tolist() == [7, 300]
    with pytest.raises(StarskopeError, match="sigma must be a positive number"):
        lc.remove_outliers(sigma=0)
    # numpy numbers and lightkurve's positional call; a bool is no limit (a review)
    assert len(lc.remove_outliers(np.int64(5))) == len(lc.remove_outliers(np.float32(5.0))) == 497
    assert lc.remove_outliers(5, None, None, True)[1].sum() == 3
    assert len(lc.remove_outliers(maxiters=1, stdfunc="std")) <= 500
    with pytest.raises(StarskopeError, match="sigma must be a positive number"):
        lc.remove_outliers(sigma=True)
