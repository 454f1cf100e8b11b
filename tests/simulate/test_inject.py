"""Injection: batman agreement, depth, duration, multiplicative flux units (issue 4)."""

from __future__ import annotations

import batman
import numpy as np
import pytest

from starskope import LightCurve, StarskopeError
from starskope.simulate.inject import (
    PlanetSignal,
    a_rs_from_density,
    inject,
    mask_transits,
    quadratic_ld,
    transit_duration,
    transit_model,
)
from starskope.simulate.noise import LONG_CADENCE_DAYS


def _batman_direct(t, sig, *, exptime, ss):
    p = batman.TransitParams()
    p.t0, p.per, p.rp, p.a = sig.t0, sig.period, sig.rp_rs, sig.a_rs
    p.inc = np.degrees(np.arccos(sig.impact / sig.a_rs))
    p.ecc, p.w, p.u, p.limb_dark = 0.0, 90.0, list(sig.u), "quadratic"
    if not exptime:
        return batman.TransitModel(p, t).light_curve(p)
    # the exposure integral by the midpoint rule: batman unintegrated at each sub-exposure's
    # middle, averaged
    offsets = ((np.arange(ss) + 0.5) / ss - 0.5) * exptime
    tt = (t[:, None] + offsets[None, :]).ravel()
    return batman.TransitModel(p, tt).light_curve(p).reshape(t.size, ss).mean(axis=1)


@pytest.fixture
def planet():
    return PlanetSignal(period=3.5, t0=1.2, rp_rs=0.05, a_rs=12.0, impact=0.3, u=(0.4, 0.26))


def test_injected_flux_equals_batman_directly(planet):
    t = np.arange(3197) * LONG_CADENCE_DAYS
    lc = LightCurve(t, np.full(t.size, 5000.0), np.full(t.size, 5.0), time_format="relative")
    out = inject(lc, planet)
    ref = _batman_direct(t, planet, exptime=LONG_CADENCE_DAYS, ss=15)
    np.testing.assert_allclose(out.flux / 5000.0, ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(out.flux_err / 5.0, ref, rtol=0, atol=1e-12)
    assert out.meta.extra["injected"][0]["period"] == 3.5


def test_injected_exposure_integral_matches_the_fit_model(planet):
    """Injector and fitter integrate one exposure alike: an injected transit is the model
    ``starskope.fit`` fits (batman's own supersampling would smear it over 31.4 min)."""
    from starskope.fit import transit_model as fit_model

    t = planet.t0 + np.arange(-40, 41) * LONG_CADENCE_DAYS / 7
    kw = dict(period=3.5, t0=1.2, rp_rs=0.05, a_rs=12.0, impact=0.3, u=(0.4, 0.26))
    injected = transit_model(t, exptime=LONG_CADENCE_DAYS, **kw)
    np.testing.assert_allclose(
        injected, fit_model(t, exptime=LONG_CADENCE_DAYS, **kw), rtol=0, atol=1e-12
    )
    # near the exact integral (301 sub-exposures): 1.7e-6 here, against 4.7e-5 for batman's
    fine = fit_model(t, exptime=LONG_CADENCE_DAYS, supersample=301, **kw)
    np.testing.assert_allclose(injected, fine, rtol=0, atol=5e-6)


def test_depth_and_duration_match_batman(planet):
    # unintegrated model on a fine grid: depth at mid-transit and first-to-fourth contact
    t = planet.t0 + np.linspace(-0.3, 0.3, 60001)
    m = transit_model(
        t, period=3.5, t0=1.2, rp_rs=0.05, a_rs=12.0, impact=0.3, u=(0.4, 0.26), exptime=None
    )
    ref = _batman_direct(t, planet, exptime=None, ss=1)
    np.testing.assert_allclose(m, ref, atol=1e-12)
    in_tr = t[m < 1.0]
    measured_t14 = in_tr[-1] - in_tr[0]
    assert measured_t14 == pytest.approx(planet.duration, abs=2e-5)
    # central limb-darkened depth: k^2 * I(mu)/<I>, mu = sqrt(1 - b^2)
    u1, u2 = planet.u
    mu = np.sqrt(1 - 0.3**2)
    expect = 0.05**2 * (1 - u1 * (1 - mu) - u2 * (1 - mu) ** 2) / (1 - u1 / 3 - u2 / 6)
    assert 1 - m.min() == pytest.approx(expect, rel=0.03)


def test_integration_smears_but_keeps_area(planet):
    t = planet.t0 + np.arange(-200, 200) * 0.001
    sharp = transit_model(t, period=3.5, t0=1.2, rp_rs=0.05, a_rs=12.0, impact=0.3, exptime=None)
    long = transit_model(t, period=3.5, t0=1.2, rp_rs=0.05, a_rs=12.0, impact=0.3)
    assert 1 - long.min() < 1 - sharp.min()
    assert np.sum(1 - long) == pytest.approx(np.sum(1 - sharp), rel=0.01)


def test_kepler_law_and_duration_formula():
    # Earth-Sun: a/R* ~ 215; T14 ~ 13 h for a central transit
    a = a_rs_from_density(period=365.25, rho_star=1.41)
    assert a == pytest.approx(215, rel=0.01)
    t14 = transit_duration(period=365.25, rp_rs=0.0092, a_rs=a, impact=0.0)
    assert 24 * t14 == pytest.approx(13.0, rel=0.03)


def test_limb_darkening_table_and_bad_input():
    assert quadratic_ld(5750) == (0.4, 0.26)
    assert quadratic_ld(20000) == quadratic_ld(8000)
    with pytest.raises(StarskopeError, match="period"):
        PlanetSignal(period=-1, t0=0, rp_rs=0.1, a_rs=10, impact=0)
    with pytest.raises(StarskopeError, match="impact"):
        PlanetSignal(period=1, t0=0, rp_rs=0.1, a_rs=10, impact=11)


def test_mask_transits(planet):
    t = np.arange(3197) * LONG_CADENCE_DAYS
    m = mask_transits(t, periods=[3.5], t0s=[1.2], durations=[planet.duration], pad=1.0)
    model = planet.model(t, exptime=None)
    assert np.all(m[model < 1.0])
    assert m.mean() == pytest.approx(planet.duration / 3.5, abs=0.01)


def test_quantities_of_time_are_taken_in_their_units():
    import astropy.units as u

    t = np.arange(0, 10, LONG_CADENCE_DAYS)
    lc = LightCurve(t, np.ones(t.size), time_format="relative")
    s = PlanetSignal(period=72 * u.h, t0=1 * u.d, rp_rs=0.1, a_rs=10.0, impact=0.1)
    assert (s.period, s.t0) == (3.0, 1.0)
    a = inject(lc, s, exptime=30 * u.min).flux
    b = inject(lc, PlanetSignal(period=3.0, t0=1.0, rp_rs=0.1, a_rs=10.0, impact=0.1),
               exptime=30 / 1440).flux  # fmt: skip
    np.testing.assert_array_equal(a, b)
    kw = dict(rp_rs=0.1, a_rs=10.0, impact=0.1)
    np.testing.assert_array_equal(
        transit_model(t, period=3 * u.d, t0=24 * u.h, **kw), transit_model(t, period=3, t0=1, **kw)
    )
    flat = lc.flatten(window=12 * u.h)
    np.testing.assert_allclose(flat.flux, lc.flatten(window=0.5).flux)


def test_injection_keeps_magnitudes_and_offsets_in_their_units(planet):
    """Magnitudes were multiplied by the model (a 0.25% transit became a brightening of
    several per cent) and offsets around zero in ppm lost the transit (about zero times the
    model): each now carries the same relative transit (a Python-API audit)."""
    import astropy.units as u

    t = np.arange(3197) * LONG_CADENCE_DAYS
    rel = 1 + 1e-4 * np.random.default_rng(1).standard_normal(t.size)
    ref = inject(LightCurve(t, rel, time_format="relative"), planet)
    model = ref.flux / rel
    assert model.min() < 0.9975
    mags = inject(LightCurve(t, (12 - 2.5 * np.log10(rel)) * u.mag, time_format="relative"), planet)
    assert mags.meta.flux_unit == "mag"
    np.testing.assert_allclose(mags.normalize().flux, ref.normalize().flux, rtol=0, atol=1e-12)
    ppm = LightCurve(t, 1e6 * (rel - 1), meta={"flux_unit": "ppm"}, time_format="relative")
    out = inject(ppm, planet)
    np.testing.assert_allclose(out.flux, 1e6 * (ref.flux - 1), rtol=0, atol=1e-6)
    np.testing.assert_allclose(out.normalize().flux, ref.flux, rtol=0, atol=1e-12)
    with pytest.raises(StarskopeError, match="without a level"):
        inject(LightCurve(t, rel - 1, time_format="relative"), planet)


def test_injection_into_no_flux_or_millimagnitudes(planet):
    """An all-NaN or empty light curve was refused as 'flux without a level' (it passed
    through before), and flux in mmag was told to give its unit (a review): no flux passes
    through, and millimagnitudes are magnitudes."""
    import astropy.units as u

    t = np.arange(3197) * LONG_CADENCE_DAYS
    nan = inject(LightCurve(t, np.full(t.size, np.nan), time_format="relative"), planet)
    assert np.isnan(nan.flux).all()
    assert len(inject(LightCurve(t[:0], np.ones(0), time_format="relative"), planet)) == 0
    mmag = LightCurve(t, np.zeros(t.size) * u.mmag, time_format="relative")
    assert mmag.meta.flux_unit == "mag"
    rel = inject(LightCurve(t, np.ones(t.size), time_format="relative"), planet).flux
    np.testing.assert_allclose(inject(mmag, planet).normalize().flux, rel, rtol=0, atol=1e-12)
