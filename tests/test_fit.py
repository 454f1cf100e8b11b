"""Limb-darkened transit model and its fit (starskope.fit)."""

from __future__ import annotations

import dataclasses
import re

import astropy.units as u
import numpy as np
import pytest

from starskope.fit import (
    DEFAULT_LIMB_DARKENING,
    TransitFit,
    fit_transit,
    supersample_factor,
    transit_duration,
    transit_model,
)

KEPLER_LC = 29.4 / 1440  # days
TESS_2MIN = 2.0 / 1440


def synthetic(rng, *, cadence, span, period, t0, rp_rs, a_rs, impact, noise):
    t = np.arange(0.0, span, cadence)
    truth = transit_model(
        t, period=period, t0=t0, rp_rs=rp_rs, a_rs=a_rs, impact=impact, exptime=cadence
    )
    return t, truth + rng.normal(0.0, noise, t.size), truth


def test_transit_model_basic_physics():
    t = np.linspace(-0.3, 0.3, 601)
    f = transit_model(t, period=3.0, t0=0.0, rp_rs=0.1, a_rs=10.0, impact=0.0)
    assert f.max() == pytest.approx(1.0)
    # limb darkening makes the centre deeper than k^2
    assert 0.01 < 1 - f.min() < 0.0125
    assert np.argmin(f) == 300
    np.testing.assert_allclose(f, f[::-1], atol=1e-12)  # symmetric about t0
    # no transit beyond the first/fourth contact
    t14 = transit_duration(period=3.0, rp_rs=0.1, a_rs=10.0, impact=0.0)
    assert np.all(f[np.abs(t) > 0.5 * t14 + 1e-3] == 1.0)
    assert np.all(f[np.abs(t) < 0.5 * t14 - 1e-3] < 1.0)


def test_transit_model_no_limb_darkening_depth_is_k_squared():
    f = transit_model([0.0], period=3.0, t0=0.0, rp_rs=0.1, a_rs=10.0, impact=0.2, u=(0.0, 0.0))
    assert 1 - f[0] == pytest.approx(0.01, rel=1e-6)


def test_supersampling_smears_long_cadence():
    t = np.linspace(-0.1, 0.1, 201)
    kw = dict(period=3.0, t0=0.0, rp_rs=0.1, a_rs=10.0, impact=0.0)
    sharp = transit_model(t, **kw)
    smeared = transit_model(t, **kw, exptime=KEPLER_LC * u.day)
    assert 1 - smeared.min() < 1 - sharp.min()  # shallower
    # smearing conserves the integrated deficit (area)
    wide = np.linspace(-0.2, 0.2, 4001)
    a1 = np.sum(1 - transit_model(wide, **kw))
    a2 = np.sum(1 - transit_model(wide, **kw, exptime=KEPLER_LC))
    assert a2 == pytest.approx(a1, rel=2e-3)
    assert supersample_factor(KEPLER_LC) == 15 and supersample_factor(TESS_2MIN) == 1


def test_transit_duration_formula():
    # small planet, central transit: T ~ P / (pi a)
    d = transit_duration(period=10.0, rp_rs=0.0, a_rs=20.0, impact=0.0)
    assert d == pytest.approx(10.0 / np.pi * np.arcsin(1 / 20.0))
    assert transit_duration(period=10.0, rp_rs=0.1, a_rs=20.0, impact=1.2) == 0.0


@pytest.mark.parametrize(
    ("cadence", "span", "impact", "noise"),
    [(KEPLER_LC, 65.0, 0.3, 3e-4), (TESS_2MIN, 27.0, 0.5, 1.5e-3)],
    ids=["kepler-long-cadence", "tess-2min"],
)
def test_fit_recovers_parameters(rng, cadence, span, impact, noise):
    truth = dict(period=3.7, t0=1.3, rp_rs=0.08, a_rs=11.0, impact=impact)
    t, flux, model = synthetic(rng, cadence=cadence, span=span, noise=noise, **truth)
    true_depth = 1 - transit_model([1.3], **{k: v for k, v in truth.items()})[0]
    true_dur = transit_duration(period=3.7, rp_rs=0.08, a_rs=11.0, impact=impact)
    fit = fit_transit(
        t,
        flux,
        np.full(t.size, noise),
        period=3.7,
        t0=1.3 + 0.01,  # a box search's epoch is a little off
        duration=0.8 * true_dur,  # and its duration is quantised
        depth=0.8 * true_depth,
        exptime=cadence,
    )
    assert fit.success, fit.message
    assert fit.t0 == pytest.approx(1.3, abs=3 * max(fit.t0_err, 5e-4))
    assert fit.rp_rs == pytest.approx(0.08, rel=0.05)
    assert fit.depth_ppm == pytest.approx(true_depth * 1e6, abs=4 * fit.depth_ppm_err)
    assert fit.duration_hours == pytest.approx(true_dur * 24, rel=0.05)
    assert 0.0 <= fit.impact <= 1 + fit.rp_rs
    # the error bar is honest: comparable to the white-noise expectation
    n_in = np.count_nonzero(model < 1)
    expected = noise / np.sqrt(n_in) * 1e6
    assert 0.5 * expected < fit.depth_ppm_err < 3 * expected
    # chi2 per point about 1 with the right errors
    assert fit.chi2 / fit.n_points == pytest.approx(1.0, abs=0.2)
    # model() reproduces the truth
    assert np.max(np.abs(fit.model(t) - model)) < 5 * noise / np.sqrt(10)


def test_fit_without_errors_uses_scatter(rng):
    t, flux, _ = synthetic(
        rng,
        cadence=TESS_2MIN,
        span=20.0,
        period=2.5,
        t0=0.7,
        rp_rs=0.1,
        a_rs=8.0,
        impact=0.2,
        noise=1e-3,
    )
    err = np.full(t.size, np.nan)
    fit = fit_transit(
        t, flux, err, period=2.5, t0=0.7, duration=0.11, depth=0.01, exptime=TESS_2MIN
    )
    assert fit.success and fit.rp_rs == pytest.approx(0.1, rel=0.05)
    fit2 = fit_transit(
        t, flux, None, period=2.5, t0=0.7, duration=0.11, depth=0.01, exptime=TESS_2MIN
    )
    assert fit2.rp_rs == pytest.approx(fit.rp_rs, rel=1e-6)


def test_placeholder_errors_give_the_same_fit(rng):
    """A flux-error column of 1.0 beside a 1500-ppm scatter (a placeholder) gives the best fit
    of the right errors: the optimiser's tolerance once stopped it at the start (pi Men c's t0
    17 min early)."""
    t, flux, _ = synthetic(
        rng, cadence=TESS_2MIN, span=20.0, period=2.5, t0=0.7, rp_rs=0.05, a_rs=8.0,
        impact=0.2, noise=1.5e-3,
    )  # fmt: skip
    kw = dict(period=2.5, t0=0.69, duration=0.11, depth=0.0025, exptime=TESS_2MIN)
    right = fit_transit(t, flux, np.full(t.size, 1.5e-3), **kw)
    placeholder = fit_transit(t, flux, np.ones(t.size), **kw)
    assert right.success and placeholder.success
    assert placeholder.t0 == pytest.approx(right.t0, abs=0.1 * right.t0_err)
    assert placeholder.rp_rs == pytest.approx(right.rp_rs, rel=1e-3)
    # the uncertainties are those of the errors given, as ever, and the message says so
    assert placeholder.t0_err == pytest.approx(right.t0_err / 1.5e-3, rel=0.1)
    assert re.search(r"flux errors are 6\d\d times the scatter", placeholder.message)
    # no jump at the rescaling limit: errors 2.5 and 4 times the scatter give uncertainties in
    # their ratio (4x ones were once reported smaller than 2.5x ones)
    e25 = fit_transit(t, flux, np.full(t.size, 2.5 * 1.5e-3), **kw)
    e40 = fit_transit(t, flux, np.full(t.size, 4.0 * 1.5e-3), **kw)
    assert e40.depth_ppm_err / e25.depth_ppm_err == pytest.approx(1.6, rel=0.05)


def test_fit_custom_limb_darkening_and_quantities(rng):
    t, flux, _ = synthetic(
        rng,
        cadence=TESS_2MIN,
        span=15.0,
        period=2.5,
        t0=0.7,
        rp_rs=0.1,
        a_rs=8.0,
        impact=0.2,
        noise=5e-4,
    )
    fit = fit_transit(
        t,
        flux,
        None,
        period=2.5 * u.day,
        t0=0.7,
        duration=2.6 * u.hour,
        depth=0.01,
        exptime=2 * u.min,
        u=(0.3, 0.2),
    )
    assert fit.success and fit.u == (0.3, 0.2)
    assert fit.period == pytest.approx(2.5, abs=5 * fit.period_err)
    assert fit.exptime == pytest.approx(TESS_2MIN)


def test_fit_polishes_a_search_period_that_smears_the_fold(rng):
    # a shallow K2-like transit; the search's period is off by a fraction of its grid step,
    # enough to smear the folded transit by a third of its duration end to end
    truth = dict(period=3.79331, t0=1.05, rp_rs=0.035, a_rs=18.8, impact=0.1)
    t, flux, _ = synthetic(rng, cadence=KEPLER_LC, span=80.0, noise=4e-4, **truth)
    dur = transit_duration(period=3.79331, rp_rs=0.035, a_rs=18.8, impact=0.1)
    off = 0.35 * dur / 21  # 21 orbits: the last transit 0.35 durations late
    fit = fit_transit(
        t, flux, None, period=3.79331 + off, t0=1.05, duration=dur, depth=1.2e-3, exptime=KEPLER_LC
    )
    assert fit.success, fit.message
    assert abs(fit.period - 3.79331) < 0.25 * off
    assert abs(fit.period - 3.79331) < 4 * fit.period_err
    assert 0 < fit.period_err < off
    assert fit.rp_rs == pytest.approx(0.035, rel=0.1)
    assert fit.impact + fit.rp_rs < 1.0  # not a grazing V


def test_fit_of_one_transit_keeps_its_period(rng):
    truth = dict(period=40.0, t0=5.0, rp_rs=0.06, a_rs=40.0, impact=0.3)
    # a noise draw (seed 2) where a period column in the covariance doubled rp_rs's error
    noisy = np.random.default_rng(2)
    t, flux, _ = synthetic(noisy, cadence=KEPLER_LC, span=20.0, noise=1e-4, **truth)
    fit = fit_transit(
        t, flux, None, period=40.0, t0=5.0, duration=0.3, depth=4e-3, exptime=KEPLER_LC
    )
    assert fit.success, fit.message
    assert fit.period == pytest.approx(40.0, abs=1e-9) and np.isnan(fit.period_err)
    assert fit.rp_rs == pytest.approx(0.06, rel=0.1)
    # the pinned period does not blur the other errors: it is left out of the covariance
    assert fit.rp_rs_err < 0.003 and fit.t0_err < 9e-4


def test_fit_does_not_depend_on_which_epoch_t0_names(rng):
    truth = dict(period=3.79331, t0=1.05, rp_rs=0.05, a_rs=15.0, impact=0.3)
    t, flux, _ = synthetic(rng, cadence=KEPLER_LC, span=80.0, noise=3e-4, **truth)
    dur = transit_duration(period=3.79331, rp_rs=0.05, a_rs=15.0, impact=0.3)
    p = 3.79331 + 2e-4  # the search's period, a little off
    near, far = (
        fit_transit(t, flux, None, period=p, t0=1.05 + n * p, duration=dur, depth=2e-3,
                    exptime=KEPLER_LC)
        for n in (0, 2000)
    )  # fmt: skip
    assert near.success and far.success
    assert far.rp_rs == pytest.approx(near.rp_rs, abs=near.rp_rs_err)
    assert far.impact == pytest.approx(near.impact, abs=near.impact_err)
    assert far.period == pytest.approx(near.period, abs=0.1 * near.period_err)
    # the mid-time comes back at the epoch asked for, its error grown by the period's
    assert far.t0 - 2000 * far.period == pytest.approx(near.t0, abs=near.t0_err)
    assert far.t0_err == pytest.approx(2000 * far.period_err, rel=0.05)


def test_a_period_at_the_edge_of_its_range_has_no_error_bar(rng):
    truth = dict(period=3.79331, t0=1.05, rp_rs=0.05, a_rs=15.0, impact=0.3)
    t, flux, _ = synthetic(rng, cadence=KEPLER_LC, span=80.0, noise=3e-4, **truth)
    dur = transit_duration(period=3.79331, rp_rs=0.05, a_rs=15.0, impact=0.3)
    # off by two durations over the data: more than the fit may move the period (one)
    fit = fit_transit(
        t, flux, None, period=3.79331 + 2.0 * dur / 21, t0=1.05, duration=dur, depth=2e-3,
        exptime=KEPLER_LC,
    )  # fmt: skip
    assert np.isnan(fit.period_err) and "period at the edge of its range" in fit.message


def test_fit_never_raises(rng):
    t = np.arange(0.0, 10.0, 0.01)
    noise = 1 + rng.normal(0, 1e-3, t.size)
    bad = [
        dict(t=t, flux=noise, period=-1.0, t0=0.5, duration=0.1),  # bad period
        dict(t=t, flux=noise[:-1], period=2.0, t0=0.5, duration=0.1),  # shape mismatch
        dict(t=t, flux=np.full(t.size, np.nan), period=2.0, t0=0.5, duration=0.1),  # no data
        dict(t=t[:5], flux=noise[:5], period=2.0, t0=9.0, duration=0.1),  # no transit covered
    ]
    for kw in bad:
        fit = fit_transit(kw.pop("t"), kw.pop("flux"), None, depth=1e-3, exptime=None, **kw)
        assert isinstance(fit, TransitFit)
        assert not fit.success and fit.message
        assert np.all(fit.model(t) == 1.0)


def test_fit_pure_noise_does_not_claim_a_deep_transit(rng):
    t = np.arange(0.0, 20.0, TESS_2MIN)
    flux = 1 + rng.normal(0, 1e-3, t.size)
    fit = fit_transit(t, flux, None, period=2.0, t0=0.5, duration=0.1, depth=5e-4, exptime=None)
    assert isinstance(fit, TransitFit)
    if fit.success:
        assert fit.depth_ppm < 5 * fit.depth_ppm_err + 1


def test_transit_fit_is_frozen():
    fit = TransitFit.failed("nothing")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.t0 = 1.0  # type: ignore[misc]
    assert fit.u == DEFAULT_LIMB_DARKENING


def test_fit_of_long_cadence_uses_one_phase_grid(rng):
    # a 65-day K2 light curve of 3197 long-cadence points, 15 transits
    t = np.linspace(0.0, 65.0, 3197)
    truth = transit_model(
        t, period=4.3, t0=2.1, rp_rs=0.05, a_rs=12.0, impact=0.4, exptime=KEPLER_LC
    )
    flux = truth + rng.normal(0, 3e-4, t.size)
    fit = fit_transit(
        t, flux, None, period=4.3, t0=2.11, duration=0.12, depth=0.0025, exptime=KEPLER_LC
    )
    assert fit.success and fit.supersample == 15
    assert abs(fit.rp_rs - 0.05) < 0.003 and abs(fit.t0 - 2.1) < 0.003
    # the model the fit reports (15 sub-exposures per point) matches the data it was fitted to
    assert np.std(flux - fit.model(t)) < 1.05 * 3e-4


def test_phase_grid_model_matches_finely_supersampled_model():
    """The fit's phase-grid model is as accurate as 15 sub-exposures per point."""
    from starskope.fit import _Model, _PhaseModel
    from starskope.fold import phase_fold

    e = KEPLER_LC
    t = np.arange(3197) * e
    rng = np.random.default_rng(1)
    errors, current = [], []
    for _ in range(60):
        k, a = 10 ** rng.uniform(-2, -0.5), rng.uniform(2.0, 40.0)
        kw = dict(period=rng.uniform(0.5, 20.0), rp_rs=k, a_rs=a, impact=rng.uniform(0, 1 + k))
        kw["u"] = (rng.uniform(0, 0.8), rng.uniform(-0.1, 0.4))
        dur = transit_duration(**{x: kw[x] for x in ("period", "rp_rs", "a_rs", "impact")})
        if dur < 0.02:
            continue
        t0, shift = rng.uniform(0, kw["period"]), rng.uniform(-0.3, 0.3) * dur
        ph = phase_fold(t, period=kw["period"], t0=t0)
        sel = np.abs(ph) < 1.5 * dur + e
        fine = _Model(t[sel], exptime=e, supersample=301).flux(t0=t0 + shift, **kw)
        depth = 1.0 - fine.min()
        if depth <= 0:
            continue
        grid = _PhaseModel(ph[sel], exptime=e, supersample=15, reach=1.5 * dur + e + 0.5 * dur)
        assert grid.size < sel.sum() * 15
        errors.append(np.max(np.abs(grid.flux(shift=shift, **kw) - fine)) / depth)
        coarse = _Model(t[sel], exptime=e, supersample=15).flux(t0=t0 + shift, **kw)
        current.append(np.max(np.abs(coarse - fine)) / depth)
    assert len(errors) > 30
    assert max(errors) < 0.03  # worst case: Earth-sized planets, ingress shorter than 2 min
    assert np.median(errors) < 0.01
    assert np.median(errors) < 2.5 * np.median(current)


@pytest.mark.parametrize(
    ("rp_rs", "a_rs", "impact", "ld"),
    [(0.1, 10.0, 0.3, (0.4, 0.26)), (0.3, 5.0, 1.1, (0.3, 0.1)), (0.02, 30.0, 0.0, (0.6, 0.1))],
)
def test_fast_model_matches_batman_reference(rp_rs, a_rs, impact, ld):
    """The numpy sky-separation + batman kernel path equals batman.TransitModel."""
    import batman

    from starskope.fit import _Model, _params

    t = np.linspace(-1.0, 4.0, 5001)
    kw = dict(period=3.0, t0=0.2, rp_rs=rp_rs, a_rs=a_rs, impact=impact, u=ld)
    fast = _Model(t).flux(**kw)
    ref = batman.TransitModel(_params(**kw), t).light_curve(_params(**kw))
    np.testing.assert_allclose(fast, ref, atol=1e-12)
    np.testing.assert_allclose(_Model(t, use_kernel=False).flux(**kw), ref, atol=1e-12)
    # exposure integration converges to the finely sampled integral
    e = KEPLER_LC
    fine = _Model(t, exptime=e, supersample=301).flux(**kw)
    coarse = _Model(t, exptime=e, supersample=supersample_factor(e)).flux(**kw)
    assert np.max(np.abs(coarse - fine)) < 10e-6


def test_an_epoch_in_another_time_system_or_an_exposure_in_minutes_fails(rng):
    """A t0 in full BJD beside BTJD-like times, or an exposure of 10 days (minutes meant), is a
    failed fit saying why (it was a 'successful' fit of the noise far from any transit)."""
    t, flux, err = synthetic(
        rng, cadence=TESS_2MIN, span=27.0, period=3.2, t0=1.0, rp_rs=0.05, a_rs=10.0,
        impact=0.2, noise=3e-4,
    )  # fmt: skip
    kw = dict(period=3.2, duration=0.1, depth=2.5e-3)
    fit = fit_transit(t, flux, err, t0=2459001.0, exptime=TESS_2MIN, **kw)
    assert not fit.success and "another time system" in fit.message
    fit = fit_transit(t, flux, err, t0=1.0, exptime=10, **kw)
    assert not fit.success and "exptime in days" in fit.message
    assert fit_transit(t, flux, err, t0=1.0, exptime=TESS_2MIN, **kw).success


def test_transit_duration_refuses_a_period_that_is_not_positive():
    from starskope.exceptions import StarskopeError

    with pytest.raises(StarskopeError, match="period must be a positive time"):
        transit_duration(period=-3.2, rp_rs=0.1, a_rs=10.0, impact=0.0)
