import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time

from starskope import LightCurve, LightCurveMeta, StarskopeError
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
    assert k.to_value("bkjd") == pytest.approx(2455000.0 - BKJD_OFFSET)
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
    code = "import starskope; print(starskope.search.TransitSearch.__name__, 'io' in dir(starskope))"
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
    ],
)
def test_shape_and_time_format_errors_are_starskope_value_errors(kwargs, match):
    """Bad shapes are one-line StarskopeErrors for the CLI and still ValueErrors for code."""
    from starskope.exceptions import StarskopeValueError

    with pytest.raises(StarskopeValueError, match=match) as info:
        LightCurve(**kwargs)
    assert isinstance(info.value, ValueError) and isinstance(info.value, StarskopeError)
