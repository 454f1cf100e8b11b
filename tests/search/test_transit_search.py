"""TransitSearch: the thin object API over the search functions gives the same answers."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest

from starskope import LightCurve
from starskope.exceptions import StarskopeError
from starskope.search import TransitSearch, period_grid, search_bls, search_multi


@pytest.fixture
def planet_lc():
    rng = np.random.default_rng(3)
    t = np.arange(0.0, 27.0, 10 / 1440)
    f = 1 + rng.normal(0, 3e-4, t.size)
    f[np.abs((t - 1.0 + 1.6) % 3.2 - 1.6) < 0.05] -= 2e-3
    f[np.abs((t - 2.0 + 3.65) % 7.3 - 3.65) < 0.06] -= 1.5e-3
    return LightCurve(t, f, np.full(t.size, 3e-4), time_format="relative")


def test_power_matches_the_function(planet_lc):
    s = TransitSearch.from_lightcurve(planet_lc)
    r = s.power()
    ref = search_bls(
        planet_lc.t,
        planet_lc.flux,
        planet_lc.flux_err,
        periods=s.autoperiod(),
        durations=s.durations,
    )
    assert r.period == ref.period and r.snr == ref.snr
    assert r.period == pytest.approx(3.2, rel=1e-3)
    grid = period_grid(baseline=s.baseline, min_period=0.5, oversample=2.0)
    assert np.array_equal(s.autoperiod(), grid)


def test_model_and_mask(planet_lc):
    s = TransitSearch.from_lightcurve(planet_lc)
    r = s.power()
    m = s.model(r)
    inn = s.transit_mask(r)
    assert m.shape == s.t.shape and np.all(m[~inn] == 1) and np.all(m[inn] == 1 - r.depth)
    wide = s.transit_mask(r, factor=2.0)
    assert wide.sum() > inn.sum() and np.all(wide[inn])
    # the model at other times
    assert s.model(r, t=[r.t0, r.t0 + r.period / 2]).tolist() == [1 - r.depth, 1.0]


def test_search_multi_finds_both_planets(planet_lc):
    s = TransitSearch.from_lightcurve(planet_lc, max_period=10 * u.day)
    found = s.search_multi(max_planets=2)
    periods = sorted(round(x.period, 1) for x in found[:2])
    assert periods == [3.2, 7.3]
    ref = search_multi(
        planet_lc.t,
        planet_lc.flux,
        planet_lc.flux_err,
        max_planets=2,
        max_period=10.0,
        oversample=2.0,
    )
    assert [x.period for x in found] == [x.period for x in ref]


def test_quantities_and_bad_input(planet_lc):
    s = TransitSearch.from_lightcurve(planet_lc, durations=[2, 3] * u.hour, min_period=1 * u.day)
    assert np.allclose(s.durations, [2 / 24, 3 / 24]) and s.min_period == 1.0
    with pytest.raises(StarskopeError, match="unknown search method"):
        TransitSearch.from_lightcurve(planet_lc, method="fourier")
    with pytest.raises(StarskopeError, match="LightCurve"):
        TransitSearch.from_lightcurve(np.ones(10))
    with pytest.raises(StarskopeError, match="at least 20"):
        TransitSearch(t=np.arange(5.0), flux=np.ones(5))
    with pytest.raises(u.UnitsError):
        TransitSearch.from_lightcurve(planet_lc, min_period=1 * u.m)


def test_durations_in_hours_given_as_days_are_warned():
    import astropy.units as u

    from starskope.exceptions import StarskopeWarning
    from starskope.search import TransitSearch

    t = np.arange(0, 20, 0.02)
    f = 1 + 1e-4 * np.random.default_rng(0).normal(size=t.size)
    with pytest.warns(StarskopeWarning, match="plain numbers are days"):
        TransitSearch(t, f, durations=[1.0, 2.0, 3.0])  # hours meant
    s = TransitSearch(t, f, durations=[1.0, 2.0, 3.0] * u.h)  # no warning
    np.testing.assert_allclose(s.durations, np.array([1.0, 2.0, 3.0]) / 24)


def test_trial_periods_beyond_the_baseline_are_warned_about():
    """Periods longer than the data hold one transit: the 'period' is not measured (a 50-d
    'period' of 27 days of data came back without a word)."""
    from starskope.exceptions import StarskopeWarning

    rng = np.random.default_rng(1)
    t = np.arange(0, 27, 10 / 1440)
    f = 1 + rng.normal(0, 3e-4, t.size)
    with pytest.warns(StarskopeWarning, match="exceeds the 26.99-d baseline: at most one"):
        TransitSearch(t, f).power(periods=[40.0, 50.0, 60.0])


def test_a_light_curves_astropy_time_is_taken_as_its_day_numbers(planet_lc):
    """``TransitSearch(t=lc.time, ...)`` was refused with "times must be numbers, astropy Time
    or datetimes", and ``model``/``transit_mask`` at ``t=lc.time`` ended in a bare numpy
    error (a Python-API audit): a Time is its own BTJD/BKJD day numbers, else JD (TDB)."""
    from starskope.exceptions import StarskopeWarning

    lc = LightCurve(planet_lc.t + 1000.0, planet_lc.flux, time_format="btjd")
    ref = TransitSearch.from_lightcurve(lc)
    r = ref.power()
    s = TransitSearch(t=lc.time, flux=lc.flux)
    assert s.power().t0 == pytest.approx(r.t0) and 1000 < r.t0 < 1027
    np.testing.assert_array_equal(s.transit_mask(r, t=lc.time), ref.transit_mask(r))
    np.testing.assert_array_equal(s.model(r, t=lc.time), ref.model(r))
    bjd = TransitSearch(t=lc.to_bjd().time, flux=lc.flux).power()
    assert bjd.t0 == pytest.approx(r.t0 + 2457000.0)
    rel = TransitSearch(t=planet_lc.time, flux=planet_lc.flux).power()  # a TimeDelta: days
    assert rel.period == pytest.approx(TransitSearch.from_lightcurve(planet_lc).power().period)
    # the same instants as a Time in JD or MJD: converted into the search's own BTJD (they
    # were read by their own format, 2457000 days off, and masked the wrong cadences: a review)
    from astropy.time import Time

    for t in (Time(lc.t + 2457000.0, format="jd", scale="tdb"), Time(lc.time, format="mjd")):
        np.testing.assert_array_equal(ref.transit_mask(r, t=t), ref.transit_mask(r))
        np.testing.assert_array_equal(s.transit_mask(r, t=t), ref.transit_mask(r))
    with pytest.raises(StarskopeError, match="another time system"):
        ref.transit_mask(r, t=lc.t + 2457000.0)  # bare numbers of another system
    assert ref.time_format == "btjd" and s.time_format == "btjd"
    with pytest.warns(StarskopeWarning, match="times in UTC are converted to TDB"):
        TransitSearch(t=Time(lc.time.jd, format="jd", scale="utc"), flux=lc.flux)
    # a search of bare numbers has no system to convert a Time into; the field is checked,
    # and a new Time sets it (a second review)
    bare = TransitSearch(t=lc.t, flux=lc.flux)
    with pytest.raises(StarskopeError, match="bare numbers of no known system"):
        bare.transit_mask(r, t=lc.time)
    with pytest.raises(StarskopeError, match="time_format must be"):
        TransitSearch(t=lc.t, flux=lc.flux, time_format="mjd")
    assert TransitSearch(t=lc.t, flux=lc.flux, time_format="BTJD").time_format == "btjd"
    import dataclasses

    assert dataclasses.replace(ref, t=lc.to_bjd().time).time_format == "jd"


def test_flux_that_is_not_relative_is_warned_of(planet_lc):
    """A search of e-/s reported a depth of 88 (e/s) as a relative depth and a model going
    to -87, without a word (a Python-API audit)."""
    from starskope.exceptions import StarskopeWarning

    with pytest.warns(StarskopeWarning, match="flux is not relative .median 1000"):
        TransitSearch(t=planet_lc.t, flux=1000.0 * planet_lc.flux)
    with pytest.warns(StarskopeWarning, match="not relative"):
        TransitSearch(t=planet_lc.t, flux=planet_lc.flux - 1.0)
    TransitSearch(t=planet_lc.t, flux=planet_lc.flux)  # relative: no warning
