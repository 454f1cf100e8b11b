"""pipeline.analyse: synthetic planets recovered and vetted, binaries and variables rejected."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from starskope import LightCurve, LightCurveMeta, PipelineConfig, StarResult
from starskope.clean.masking import transit_mask
from starskope.pipeline import Analysis, analyse, analyse_full, analyse_path

FAST = PipelineConfig(fit_transit=False, max_planets=2)


def _k2(rng, *, planets=(), noise=3e-4, variability=None, eb=None):
    t = 2000.0 + np.arange(3197) * 0.02043
    flux = 1.0 + rng.normal(0, noise, t.size)
    for period, t0, duration, depth in planets:
        flux[transit_mask(t, period=period, t0=t0, duration=duration)] -= depth
    if variability is not None:
        amp, prot = variability
        flux *= 1 + amp * np.sin(2 * np.pi * t / prot)
    if eb is not None:  # primary and secondary eclipses of unequal depth
        period, t0, duration, d1, d2 = eb
        flux[transit_mask(t, period=period, t0=t0, duration=duration)] -= d1
        flux[transit_mask(t, period=period, t0=t0 + period / 2, duration=duration)] -= d2
    meta = LightCurveMeta(mission="K2", target="EPIC 1", source="synthetic.fits")
    return LightCurve(t, 5000 * flux, np.full(t.size, 1.5), time_format="bkjd", meta=meta)


def test_planet_recovered_within_tolerances(rng):
    lc = _k2(rng, planets=[(4.1, 2001.7, 0.125, 1.2e-3)], variability=(0.004, 6.0))
    res = analyse(lc, FAST)
    assert isinstance(res, StarResult) and res.error is None
    c = res.candidates[0]
    assert c.period_days == pytest.approx(4.1, rel=1e-3)
    assert c.depth_ppm == pytest.approx(1200, rel=0.15)
    assert c.duration_hours == pytest.approx(3.0, rel=0.35)
    assert c.t0_bjd == pytest.approx(c.t0 + 2454833.0)
    assert c.t0_format == "bkjd" and c.n_transits >= 14
    assert c.snr > 10 and c.sde > 7
    assert set(res.timings) >= {"clean", "detrend", "search", "fit", "vet", "total"}
    assert res.reasons and all(isinstance(r, str) for r in res.reasons)
    json.loads(res.to_json())
    pytest.importorskip("starskope.vet")
    assert res.is_candidate and c.is_planet_like


def test_two_planets_separated(rng):
    lc = _k2(rng, planets=[(5.3, 2001.1, 0.15, 1.5e-3), (2.17, 2000.6, 0.08, 9e-4)], noise=2.5e-4)
    res = analyse(lc, FAST.replace(max_planets=3))
    periods = sorted(c.period_days for c in res.candidates if c.snr >= 7.1)
    assert len(periods) == 2
    assert periods[0] == pytest.approx(2.17, rel=2e-3)
    assert periods[1] == pytest.approx(5.3, rel=2e-3)


def test_noise_is_not_a_candidate(rng):
    res = analyse(_k2(rng), FAST)
    assert not res.is_candidate
    assert all(not c.is_planet_like for c in res.candidates)


def test_a_period_range_below_a_few_cadences_is_noted(rng):
    """Periods of a few cadences cannot resolve a transit: the result says so (a 0.02-d
    "period" at 29.4-min cadence came back without a word); the default range does not."""
    lc = _k2(rng)
    short = analyse(lc, FAST.replace(min_period_days=0.01, max_period_days=0.05))
    assert any("holds too few points per orbit" in r for r in short.reasons)
    assert not any("too few points per orbit" in r for r in analyse(lc, FAST).reasons)


def test_durations_shorter_than_two_cadences_are_noted(rng):
    """--durations 0.5 at 29.4-min cadence: the grid cannot resolve such transits and the
    detrending window spans three cadences; the result says so (nothing did)."""
    lc = _k2(rng)
    short = analyse(lc, FAST.replace(durations_hours=(0.5, 1.0)))
    (note,) = [r for r in short.reasons if r.startswith("Transit durations from 0.5 h")]
    assert "under 2 cadences (0.981 h at this 29.4-min cadence) is not resolved" in note
    assert not any("durations from" in r for r in analyse(lc, FAST).reasons)
    assert not any("durations from" in r for r in analyse(lc, PipelineConfig()).reasons)


def test_reasons_say_a_catalogued_false_positive_and_noted_flags(rng, monkeypatch):
    """A planet-like signal the catalogues call a false positive is said in the reasons (the
    label never changes the decision); informational flags raised on a planet-like signal
    (alias) are said beside "passes vetting" (they were left out)."""
    import dataclasses

    import starskope.pipeline as pl
    from starskope.result import Candidate, VetFlag

    def fake(cands, meta):
        return [dataclasses.replace(c, known="known false positive K00001.01") for c in cands], None

    monkeypatch.setattr(pl, "_annotate", fake)
    lc = _k2(rng, planets=[(4.1, 2001.7, 0.125, 1.2e-3)])
    res = analyse(lc, FAST)
    assert res.candidates[0].is_planet_like
    assert any("catalogues list it as a false positive K00001.01" in r for r in res.reasons)

    def binary(cands, meta):
        return [dataclasses.replace(c, known="known eclipsing binary KIC 1") for c in cands], None

    monkeypatch.setattr(pl, "_annotate", binary)
    assert any("list it as an eclipsing binary KIC 1" in r for r in analyse(lc, FAST).reasons)
    c = Candidate(22.28, 2001.0, "bkjd", None, 3.0, 900.0, 60.0, 12.0, 15.0, 1.0, 3,
                  vetting=(VetFlag("alias", True, 1.0, "every other transit is empty"),),
                  is_planet_like=True)  # fmt: skip
    (_, line) = pl._reasons([c], "biweight", window=1.0)
    assert "passes vetting (planet-like). Noted: every other transit is empty" in line


def test_eclipsing_binary_flagged_by_vetting(rng):
    pytest.importorskip("starskope.vet")
    lc = _k2(rng, eb=(2.9, 2001.2, 0.15, 0.02, 0.006))
    res = analyse(lc, FAST.replace(max_planets=1))
    assert not res.is_candidate
    c = res.candidates[0]
    assert {"secondary", "odd_even"} & set(c.flags), c.flags


def test_sinusoid_flagged_as_variability(rng):
    pytest.importorskip("starskope.vet")
    lc = _k2(rng, variability=(0.01, 0.9))
    res = analyse(lc, FAST.replace(detrend_method="none", max_planets=1))
    assert not res.is_candidate
    c = res.candidates[0]
    # the box search locks onto the sinusoid's troughs; vetting calls it variability
    assert c.period_days == pytest.approx(0.9, rel=0.01)
    assert "sinusoid" in c.flags


def test_analyse_full_products_and_fit(rng):
    lc = _k2(rng, planets=[(4.1, 2001.7, 0.125, 2e-3)])
    full = analyse_full(lc, PipelineConfig(max_planets=1))
    assert isinstance(full, Analysis)
    assert full.trend.shape == (len(full.cleaned),) and len(full.flat) == len(full.cleaned)
    assert full.searches[0].period == pytest.approx(4.1, rel=1e-3)
    assert len(full.fits) == len(full.result.candidates)
    if full.fits[0] is not None and full.fits[0].success:
        c = full.result.candidates[0]
        assert c.rp_rs == pytest.approx(np.sqrt(2e-3), rel=0.3)
        assert c.a_rs is not None and c.impact is not None
        # the fit's own ephemeris is reported beside the search's
        fit = full.fits[0]
        assert c.extra["fit_period_days"] == fit.period == pytest.approx(4.1, abs=1e-3)
        beta = c.extra["fit_red_noise_beta"]  # the fit's errors widened by red noise
        assert beta >= 1.0 and c.extra["fit_t0"] == fit.t0
        assert c.extra["fit_t0_err_days"] == pytest.approx(fit.t0_err * beta, rel=1e-3)
        assert c.extra["fit_period_err_days"] == pytest.approx(fit.period_err * beta, rel=1e-3)
        assert fit.period_err > 0
        # and the shape's errors (a catalog's star page had none to show)
        for name in ("depth_ppm_err", "rp_rs_err", "a_rs_err", "impact_err"):
            assert c.extra[f"fit_{name}"] == pytest.approx(getattr(fit, name) * beta, rel=1e-3)


def test_analyse_keep_periodogram(rng):
    res = analyse(_k2(rng, planets=[(4.1, 2001.7, 0.125, 2e-3)]), FAST, keep=True)
    pg = res.explanation["periodogram"]
    assert len(pg["period"]) == len(pg["power"]) > 100


def test_analyse_path_turns_errors_into_failed_results(tmp_path):
    res = analyse_path(tmp_path / "nope.fits")
    assert res.error and "nope.fits" in res.error and not res.is_candidate
    bad = tmp_path / "short.csv"
    bad.write_text("time,flux\n1,1\n2,1\n3,1\n")
    res = analyse_path(bad)
    assert res.error


def test_unknown_detrender_is_starskope_error(rng):
    from starskope import StarskopeError

    with pytest.raises(StarskopeError, match="detrend_method must be one of"):
        analyse(_k2(rng), FAST.replace(detrend_method="gp"))


def test_kaggle_row_without_flux_level(rng):
    from starskope.io.kaggle import kaggle_lightcurve

    t = np.arange(3197) * 0.020434
    f = rng.normal(0, 30, t.size) + 200 * np.sin(t / 4)
    f[transit_mask(t, period=4.1, t0=1.3, duration=0.12)] -= 150
    res = analyse(kaggle_lightcurve(f, label=1, row=0), FAST)
    c = res.candidates[0]
    assert c.period_days == pytest.approx(4.1, rel=2e-3)
    assert c.t0_bjd is None and c.t0_format == "relative"
    assert "no absolute level" in res.reasons[0]
    # the depth reads in noise units: 150 / 30 = 5 sigma -> about 5000 "ppm"
    assert c.depth_ppm == pytest.approx(5000, rel=0.2)


def test_two_transit_signal_needs_higher_snr(rng):
    # two dips 30 d apart, SNR ~8: significant by the plain threshold, not for a pair
    lc = _k2(rng, planets=[(30.0, 2010.0, 0.15, 1.15e-3)], noise=5e-4)
    res = analyse(lc, FAST.replace(max_planets=1, min_period_days=5.0))
    c = res.candidates[0]
    assert c.n_transits == 2 and c.period_days == pytest.approx(30.0, rel=0.01)
    assert 7.1 <= c.snr < 9.0
    assert "n_transits" in c.flags and not res.is_candidate
    lax = analyse(
        lc, FAST.replace(max_planets=1, min_period_days=5.0, snr_threshold_two_transits=0)
    )
    assert "n_transits" not in lax.candidates[0].flags


def test_a_single_transit_says_when_it_was_and_which_periods_the_data_allow(rng):
    # one 3000-ppm transit at 2040.0 in 65 days of data: no period, at least its distance to
    # the farther end of the data (the grid, up to half the baseline, puts a second transit
    # in the data, flat: the dip carries the signal); another star's periodic planet says
    # nothing of it
    lc = _k2(rng, planets=[(100.0, 2040.0, 0.2, 3e-3)])
    res = analyse(lc, FAST.replace(max_planets=1))
    c = res.candidates[0]
    assert "single_event" in c.flags and not res.is_candidate
    one = c.extra["single_transit"]
    assert one["t0"] == pytest.approx(2040.0, abs=0.05)
    assert one["min_period_days"] == pytest.approx(40.0, abs=0.3)
    assert one["all_periods_from_days"] == pytest.approx(40.0, abs=0.3)
    assert "One dip carries the signal, at t = 2040.0" in res.reasons[-1]
    assert "its period is unknown, at least 40" in res.reasons[-1]
    json.loads(res.to_json())
    # a gap of 2012-2016 d can hold the transit before it: one transit with data (at a grid
    # period of 24-28 d), and the periods allowed from the data's end, 25.3 d after it, up to
    # 28 d, then from 40 d on
    cut = lc.select((lc.t < 2012.0) | (lc.t > 2016.0))
    res = analyse(cut, FAST.replace(max_planets=1))
    c = res.candidates[0]
    one = c.extra["single_transit"]
    assert c.n_transits == 1 and "n_transits" in c.flags
    assert one["t0"] == pytest.approx(2040.0, abs=0.05)
    assert one["min_period_days"] == pytest.approx(cut.t[-1] - 2040.0, abs=0.3)
    assert one["all_periods_from_days"] == pytest.approx(40.0, abs=0.3)
    assert "A single transit, at t = 2040.0" in res.reasons[-1]
    assert "only where its other transits fall in gaps; any period from 40.0" in res.reasons[-1]
    # the tests' reasons are sentences: they ran together ("... by a repeat A single ...")
    assert "confirmed by a repeat. A single transit" in res.reasons[-1]
    periodic = analyse(_k2(rng, planets=[(4.1, 2001.7, 0.125, 1.2e-3)]), FAST)
    assert "single_transit" not in periodic.candidates[0].extra


def test_astropy_engine_gives_the_same_planet(rng):
    lc = _k2(rng, planets=[(4.1, 2001.7, 0.125, 1.5e-3)])
    fast = analyse(lc, FAST.replace(max_planets=1))
    ref = analyse(lc, FAST.replace(max_planets=1, bls_engine="astropy"))
    assert ref.candidates[0].period_days == pytest.approx(fast.candidates[0].period_days, rel=1e-3)
    assert ref.candidates[0].depth_ppm == pytest.approx(fast.candidates[0].depth_ppm, rel=0.1)


def test_planet_like_candidate_ranks_before_a_stronger_rejected_one(rng):
    # a blended eclipsing binary (deep, unequal eclipses) and a planet on one light curve: the
    # binary is found first and rejected; the planet found after it is the top candidate
    lc = _k2(rng, planets=[(7.3, 2003.0, 0.15, 1.5e-3)], eb=(3.1, 2001.0, 0.12, 0.02, 0.01))
    r = analyse(lc, FAST)
    assert r.is_candidate
    top = r.candidates[0]
    assert top.is_planet_like
    assert top.period_days == pytest.approx(7.3, rel=0.01)
    rejected = [c for c in r.candidates if not c.is_planet_like]
    assert rejected and max(c.snr for c in rejected) > top.snr


def _cand(period, *, planet_like, raised=()):
    from starskope.result import Candidate, VetFlag

    flags = tuple(VetFlag(n, True, 1.0, n) for n in raised)
    return Candidate(
        period_days=period,
        t0=0.0,
        t0_format="relative",
        t0_bjd=None,
        duration_hours=2.0,
        depth_ppm=1000.0,
        depth_ppm_err=50.0,
        snr=20.0,
        sde=10.0,
        power=1.0,
        n_transits=10,
        vetting=flags,
        is_planet_like=planet_like,
    )


def test_residuals_of_a_rejected_binary_are_not_planets():
    from starskope.pipeline import _same_source

    eb = _cand(1.4001, planet_like=False, raised=("v_shape",))
    out = _same_source(
        [
            eb,
            _cand(1.3996, planet_like=True),
            _cand(2.8004, planet_like=True),
            _cand(5.1, planet_like=True),
        ]
    )
    assert [c.is_planet_like for c in out] == [False, False, False, True]
    assert "v_shape" in next(f.reason for f in out[1].vetting if f.name == "same_source")
    # a signal rejected only for low SNR or a lone transit is not a source of residuals
    weak = _cand(3.0, planet_like=False, raised=("snr", "single_event"))
    assert _same_source([weak, _cand(3.0, planet_like=True)])[1].is_planet_like
    # a later rejected detection at the very same period takes the first one with it,
    # but not a planet at a harmonic of it
    out = _same_source(
        [_cand(1.5435, planet_like=True), _cand(1.5408, planet_like=False, raised=("sinusoid",))]
    )
    assert not out[0].is_planet_like
    out = _same_source(
        [_cand(3.0, planet_like=True), _cand(6.0, planet_like=False, raised=("odd_even",))]
    )
    assert out[0].is_planet_like


def test_a_residual_found_before_its_binary_is_checked_again_after_the_pairing():
    from starskope.pipeline import _same_source

    # the residual comes first, planet-like; the primary and secondary after it are rejected
    # as a pair by _eclipse_pairs, which runs after the first check
    pair = [_cand(0.6031, planet_like=False, raised=("secondary",)) for _ in range(2)]
    out = _same_source([_cand(0.6027, planet_like=True), *pair], planets_only=True)
    assert not out[0].is_planet_like
    assert "secondary" in next(f.reason for f in out[0].vetting if f.name == "same_source")
    # the second pass leaves the rejected signals as they were (the first pass already
    # checked them against each other)
    assert out[1:] == pair
    assert any(f.name == "same_source" for f in _same_source(pair)[1].vetting)


def test_eclipsing_binary_of_the_independent_simulator_is_not_a_planet(tmp_path):
    """Row 45 of the independent simulator's false-positive table (a 0.603-d binary with
    filled gaps): the first pass finds a residual of its secondary at a period 0.07% off, the
    later passes its primary and secondary, rejected only as a pair."""
    from benchmarks import independent_tables as it

    from starskope.io import read

    n, mix, seed = it.TABLES["fp"]
    rows = it.iter_rows("fp", n, mix, seed)
    label, flux, truth = next(itertools.islice(rows, 45, None))
    assert truth["kind"] == "eb"
    path = tmp_path / "row45.csv"
    it.write_table(str(path), [(label, flux)], [truth])
    res = analyse(read(path))
    assert res.candidates[0].period_days == pytest.approx(truth["period"], rel=0.002)
    assert not res.is_candidate
    assert any("same_source" in c.flags for c in res.candidates)


def test_prewhitening_finds_a_planet_behind_fast_coherent_rotation(rng):
    # a 0.8-day rotator at 1 % (plus a harmonic): the sliding windows leave more rotation than
    # the 3 ppt transit; removing the coherent sinusoids first (opt-in) recovers the planet
    t = 2000.0 + np.arange(3197) * 0.02043
    spots = 1 + 0.01 * np.sin(2 * np.pi * t / 0.8) + 0.004 * np.sin(4 * np.pi * t / 0.8 + 1.0)
    inn = transit_mask(t, period=9.94, t0=2003.8, duration=0.14)
    flux = spots * (1 - 3e-3 * inn) + rng.normal(0, 3e-4, t.size)
    meta = LightCurveMeta(mission="K2", target="EPIC 2", source="spotted.fits")
    lc = LightCurve(t, 5000 * flux, np.full(t.size, 1.5), time_format="bkjd", meta=meta)
    off = analyse(lc, FAST.replace(active_detrend_method="localpoly"))
    on = analyse(lc, FAST.replace(active_detrend_method="localpoly", prewhiten_active=True))
    assert on.is_candidate and on.candidates[0].period_days == pytest.approx(9.94, rel=0.01)
    assert on.candidates[0].extra["detrend"].startswith("prewhiten+")
    assert on.candidates[0].extra["rotation_periods"][0] == pytest.approx(0.8, rel=0.01)
    assert "rotational modulation removed" in on.reasons[0]

    # without it, the sliding windows distort the transits: one reads below a third of the
    # others at its place, and the planet passes only by the timing allowance (thirty-fifth
    # session) taking that transit 2 h off its place; with it, every transit is where it is
    def moved(res):
        return any("timing variations" in v.reason for v in res.candidates[0].vetting)

    assert not (
        off.is_candidate
        and off.candidates[0].period_days == pytest.approx(9.94, rel=0.01)
        and not moved(off)
    )
    assert not moved(on)
    # an eclipsing binary on a quiet star is left alone (its eclipses are not 'rotation')
    eb = _k2(rng, eb=(2.9, 2001.2, 0.15, 0.02, 0.006))
    res = analyse(eb, FAST.replace(max_planets=1, prewhiten_active=True))
    assert not res.is_candidate and not res.reasons[0].startswith("Active star")


def _k2_white(seed: int, depth_model=None) -> LightCurve:
    cad = 29.4244 / 1440
    t = np.arange(3197) * cad
    f = 1.0 if depth_model is None else depth_model(t, cad)
    f = f + np.random.default_rng(seed).normal(0.0, 1e-3, t.size)
    return LightCurve(t, f, time_format="relative")


def test_borderline_signal_of_a_quiet_star_is_decided_on_the_masked_redetrending():
    """A 3.7-hour, 930-ppm transit at SNR ~7 in white noise: the first detrending takes part
    of its depth (first-pass SNR 6.7); re-detrended with its transits masked it reaches 7.9."""
    from starskope.fit import transit_model

    def planet(t, cad):
        return transit_model(t, period=9.8, t0=3.3, rp_rs=0.028, a_rs=20.0, impact=0.3, exptime=cad)

    lc = _k2_white(2, planet)
    res = analyse(lc)
    assert res.is_candidate
    c = res.candidates[0]
    assert abs(c.period_days - 9.8) < 0.05 and c.snr >= 7.1
    off = analyse(lc, PipelineConfig(borderline_snr_fraction=np.inf))
    assert not off.is_candidate and off.candidates[0].snr < 7.1


def test_borderline_remeasurement_does_not_flag_white_noise():
    flagged = [analyse(_k2_white(seed)).is_candidate for seed in range(100, 130)]
    assert not any(flagged)


def _spotted_k2(rng, *, prot, amp, planet=None, noise=3e-4):
    """A fast rotator whose two harmonics drift in amplitude and phase (spot evolution)."""
    t = 2000.0 + np.arange(3197) * 0.02043
    drift = 1 + 0.3 * np.sin(2 * np.pi * t / 11.0)
    phase = 0.4 * np.sin(2 * np.pi * t / 17.0)
    spots = 1 + amp * drift * np.sin(2 * np.pi * t / prot + phase)
    spots += 0.4 * amp * np.sin(4 * np.pi * t / prot + 2 * phase + 1.0)
    flux = spots + rng.normal(0, noise, t.size)
    if planet is not None:
        period, t0, duration, depth = planet
        flux *= 1 - depth * transit_mask(t, period=period, t0=t0, duration=duration)
    meta = LightCurveMeta(mission="K2", target="EPIC 3", source="spotted.fits")
    return LightCurve(t, 5000 * flux, np.full(t.size, 1.5), time_format="bkjd", meta=meta)


def test_rotation_detrending_finds_a_planet_behind_an_evolving_fast_rotator(rng):
    # a 0.45-day rotator at 1.5 % whose spots evolve: a local cubic over 0.75 d cannot follow
    # it, and what it leaves is stronger than the 2.5 ppt transit; the default "rotation"
    # detrender fits the rotation's harmonics locally and finds the planet
    lc = _spotted_k2(rng, prot=0.45, amp=0.015, planet=(6.3, 2001.7, 0.125, 2.5e-3))
    new = analyse(lc, FAST)
    old = analyse(lc, FAST.replace(active_detrend_method="localpoly"))
    assert PipelineConfig().active_detrend_method == "rotation"
    assert new.is_candidate and new.candidates[0].period_days == pytest.approx(6.3, rel=0.01)
    assert new.candidates[0].extra["detrend"] == "rotation"
    assert new.candidates[0].extra["rotation_periods"][0] == pytest.approx(0.45, rel=0.01)
    assert not (old.is_candidate and old.candidates[0].period_days == pytest.approx(6.3, rel=0.01))
    # the same star without a planet stays quiet
    assert not analyse(_spotted_k2(rng, prot=0.45, amp=0.015), FAST).is_candidate


def test_multiperiodic_pulsator_is_detrended_with_the_local_cubic(rng):
    # four incommensurate modes of 1-2 ppt near one day (a gamma Dor star): harmonics of the
    # strongest period leave the others; the local cubic leaves less than half of that noise
    # on two-hour means, so the pipeline uses it, and the 1.5-ppt transit is found
    t = 2000.0 + np.arange(3197) * 0.02043
    modes = ((1.09, 2e-3, 0.3), (1.23, 1.5e-3, 1.1), (0.87, 1.2e-3, 2.0), (1.61, 1e-3, 0.7))
    f = 1 + sum(a * np.sin(2 * np.pi * t / p + ph) for p, a, ph in modes)
    f = (f + rng.normal(0, 3e-4, t.size)) * (
        1 - 1.5e-3 * transit_mask(t, period=4.6, t0=2001.3, duration=0.1)
    )
    meta = LightCurveMeta(mission="K2", target="EPIC 4", source="pulsator.fits")
    res = analyse(
        LightCurve(t, 5000 * f, np.full(t.size, 1.5), time_format="bkjd", meta=meta), FAST
    )
    assert res.is_candidate
    top = res.candidates[0]
    assert top.period_days == pytest.approx(4.6, rel=0.01) and top.extra["detrend"] == "localpoly"
    assert not any("followed with" in r for r in res.reasons)  # no harmonic model claimed
    assert any("detrended with the local cubic" in r for r in res.reasons)
    assert top.extra["rotation_periods"] is None


def test_contact_binary_is_not_a_planet_after_rotation_detrending(rng):
    # a W UMa-like binary (P = 0.7 d): a double-humped light curve with unequal minima and
    # sharp eclipse cores; the harmonics at P/2 come out as "rotation" and what is left
    # repeats at P: rejected, not a planet
    t = 2000.0 + np.arange(3197) * 0.02043
    phi = ((t - 2000.1) / 0.7) % 1.0
    flux = 1 - 0.05 * np.cos(4 * np.pi * phi) - 0.01 * np.cos(2 * np.pi * phi)
    core = np.minimum(phi, 1 - phi)
    flux -= 0.02 * np.exp(-0.5 * (core / 0.02) ** 2)
    flux += rng.normal(0, 3e-4, t.size)
    meta = LightCurveMeta(mission="K2", target="EPIC 4", source="wuma.fits")
    lc = LightCurve(t, 5000 * flux, np.full(t.size, 1.5), time_format="bkjd", meta=meta)
    res = analyse(lc, FAST)
    assert res.candidates[0].extra["detrend"] == "rotation"
    assert not res.is_candidate


def test_variability_match_at_ratios_of_the_removed_rotation():
    from starskope.vet.variability import ROTATION_RATIOS, Variability, variability_match

    def removed(period, amplitude):
        return Variability(period, 2 * amplitude, 1.0, 65.0, ratios=ROTATION_RATIOS)

    # 2x the modulation, 1000 ppm < its 2 % peak-to-peak
    flag = variability_match(1.0006, 1e-3, removed(0.5, 0.01))
    assert flag.raised and "modulation" not in flag.reason and "2 x" in flag.reason
    assert not variability_match(0.7, 1e-3, removed(0.5, 0.01)).raised
    # 3x a rotation period counts for a removed modulation, not for a Lomb-Scargle period;
    # a non-integer ratio (3/2) for neither
    assert variability_match(1.5, 1e-3, removed(0.5, 0.01)).raised
    assert not variability_match(1.5, 1e-3, Variability(0.5, 0.02, 1.0, 65.0)).raised
    assert not variability_match(0.75, 1e-3, removed(0.5, 0.01)).raised
    # another coherent period of the star (a pulsator's second mode) counts too
    assert variability_match(0.7, 1e-3, (removed(0.43, 0.01), removed(0.35, 0.01))).raised
    # a transit deeper than the modulation's peak-to-peak is not its residual
    assert not variability_match(1.0006, 1e-3, removed(0.5, 1e-4)).raised


def test_ellipsoidal_binary_eclipses_are_its_variability(rng):
    # a 1.3-day ellipsoidal binary (1 % at P/2) with a 4 ppt flat-bottomed eclipse: the
    # harmonics at P/2 come out as "rotation", and the eclipses are left as a clean box at P.
    # Vetting alone would pass it; at twice the modulation's period and shallower than it, it
    # is the binary's residual
    t = 2000.0 + np.arange(3197) * 0.02043
    phi = ((t - 2000.1) / 1.3) % 1.0
    flux = 1 - 0.01 * np.cos(4 * np.pi * phi)
    flux *= 1 - 4e-3 * transit_mask(t, period=1.3, t0=2000.1, duration=0.09)
    flux += rng.normal(0, 3e-4, t.size)
    meta = LightCurveMeta(mission="K2", target="EPIC 5", source="ellipsoidal.fits")
    lc = LightCurve(t, 5000 * flux, np.full(t.size, 1.5), time_format="bkjd", meta=meta)
    res = analyse(lc, FAST)
    assert not res.is_candidate
    top = res.candidates[0]
    assert top.period_days == pytest.approx(1.3, rel=0.01)
    assert [f.name for f in top.vetting if f.raised] == ["variability"]


def test_two_eclipses_found_as_two_signals_are_a_binary():
    """A binary's primary and secondary eclipses found as two signals at one period: vetting
    each leaves out the other's dips, so only the pair says 'binary'. A planet's occultation
    (a few per cent of the transit) rejects only itself; the same dips twice, nothing."""
    import dataclasses

    from starskope.pipeline import _eclipse_pairs

    prim = dataclasses.replace(_cand(2.5, planet_like=True), t0=1.0, depth_ppm=3000.0, snr=60.0)
    sec = dataclasses.replace(_cand(2.5004, planet_like=True), t0=2.26, depth_ppm=1200.0)
    out = _eclipse_pairs([prim, sec])
    assert [c.is_planet_like for c in out] == [False, False]
    for c in out:
        (flag,) = [f for f in c.vetting if f.name == "secondary"]
        assert flag.raised and "phase 0.5" in flag.reason and "ratio 0.40" in flag.reason
    occ = dataclasses.replace(sec, depth_ppm=90.0)
    out = _eclipse_pairs([prim, occ])
    assert [c.is_planet_like for c in out] == [True, False]
    assert "occultation" in next(f.reason for f in out[1].vetting if f.name == "same_source")
    twice = dataclasses.replace(sec, t0=1.0 + 2 * 2.5)  # the same transits, another epoch
    other = dataclasses.replace(sec, period_days=3.7)
    assert [c.is_planet_like for c in _eclipse_pairs([prim, twice, other])] == [True] * 3
    # equal dips half an orbit apart: one planet at P/2 found twice at 2P, not a binary
    half = dataclasses.replace(prim, t0=2.25, depth_ppm=2950.0)
    assert [c.is_planet_like for c in _eclipse_pairs([prim, half])] == [True, True]
    # a period 1% off drifts by 0.9 d over 90 days: not the same clock once the span is known
    t = np.arange(0.0, 90.0, 0.02)
    drift = dataclasses.replace(sec, period_days=2.525)
    assert not _eclipse_pairs([prim, drift])[0].is_planet_like  # span unknown: within 1%
    assert _eclipse_pairs([prim, drift], t, np.ones(t.size))[0].is_planet_like


def test_planets_near_a_two_to_one_resonance_are_not_a_binary(rng):
    """4.02 and 2.0 d (1.2 and 0.8 ppt) from the same epoch: the inner planet's dips drift off
    the outer one's phases 0 and 0.5, so neither is taken for the other's secondary eclipse."""
    lc = _k2(rng, planets=[(4.02, 2001.0, 0.125, 1.2e-3), (2.0, 2001.0, 0.11, 0.8e-3)], noise=2e-4)
    res = analyse(lc, PipelineConfig(fit_transit=False, max_planets=3))
    planets = sorted(c.period_days for c in res.candidates if c.is_planet_like)
    assert planets == pytest.approx([2.0, 4.02], rel=0.01)


def test_diluted_binary_found_twice_is_rejected(rng):
    """End to end: 3000 and 800 ppm eclipses half an orbit apart (a diluted binary), no other
    clue. The search finds the primary at 2.2 d, then (primaries masked) the secondaries folded
    onto them at 1.1 d; vetting each leaves the other's dips out, so only the pair says
    'binary': neither is planet-like."""
    lc = _k2(rng, noise=2e-4, eb=(2.2, 2001.0, 0.09, 3e-3, 8e-4))
    res = analyse(lc, FAST)
    periods = sorted(c.period_days for c in res.candidates[:2])
    assert periods == pytest.approx([1.1, 2.2], rel=0.01)
    assert not res.is_candidate
    prim = next(c for c in res.candidates if c.period_days > 2)
    (flag,) = [f for f in prim.vetting if f.name == "secondary"]
    assert flag.raised and "0.5" in flag.reason


@pytest.mark.parametrize("max_planets", [1, 2])
def test_deep_binary_with_a_shallow_but_stellar_secondary(rng, max_planets):
    """3.8% eclipses and 2600-ppm secondaries (7% of the primary, below the 10% ratio): found
    as two signals (P and P/2), the secondary was measured against noise that held the
    primaries (SNR 1.8) and both passed; alone, the secondary test let a 22-sigma dip through
    by the ratio. No planet's occultation is 1000 ppm deep: a binary either way."""
    lc = _k2(rng, noise=1e-3, eb=(4.1155, 2001.0, 0.166, 0.038, 0.0026))
    res = analyse(lc, PipelineConfig(fit_transit=False, max_planets=max_planets))
    assert res.candidates[0].period_days == pytest.approx(4.1155, rel=0.005)
    assert not res.is_candidate
    (flag,) = [f for f in res.candidates[0].vetting if f.name == "secondary"]
    assert flag.raised and ("occultation" in flag.reason)


def test_secondary_depth_rule_needs_a_flux_level():
    import dataclasses

    from starskope.pipeline import _eclipse_pairs
    from starskope.vet import VetThresholds

    prim = dataclasses.replace(_cand(2.5, planet_like=True), t0=1.0, depth_ppm=38000.0, snr=600)
    sec = dataclasses.replace(_cand(2.5004, planet_like=True), t0=2.26, depth_ppm=2600.0, snr=20)
    assert [c.is_planet_like for c in _eclipse_pairs([prim, sec])] == [False, False]
    level_less = VetThresholds(secondary_max_occultation=None)
    out = _eclipse_pairs([prim, sec], thresholds=level_less)
    assert [c.is_planet_like for c in out] == [True, False]


def test_a_deep_transit_train_is_not_its_own_variability():
    """A 2000-ppm planet at 3.7 d on a 0.9-d rotator (TESS 20-s cadence, 116,640 points): the
    star's coherent periods, measured with the transits in, included the train's own harmonic
    at 1.85 d, and the planet was rejected as 'a residual of the variability' at twice it."""
    rng = np.random.default_rng(0)
    t = 1500 + np.arange(0, 27, 20 / 86400)
    rng.standard_normal(t.size)  # (the state that reproduced the case)
    f = 1 + 1e-3 * rng.standard_normal(t.size)
    f *= 1 + 0.01 * np.sin(2 * np.pi * t / 0.9) + 0.004 * np.sin(4 * np.pi * t / 0.9 + 1)
    f[((t - 1500.3) % 3.7) < 0.1] -= 2e-3
    meta = LightCurveMeta(mission="TESS", target="TIC 1")
    lc = LightCurve(t, f, np.full(t.size, 1e-3), time_format="btjd", meta=meta)
    res = analyse(lc, PipelineConfig(fit_transit=False))
    c = res.candidates[0]
    assert c.period_days == pytest.approx(3.7, rel=0.002)
    assert res.is_candidate and c.is_planet_like
    assert not next(f for f in c.vetting if f.name == "variability").raised


def test_bad_inputs_and_settings_are_one_clear_error(rng):
    from starskope.exceptions import StarskopeError

    lc = _k2(rng, planets=[(3.3, 2001.0, 0.1, 2e-3)])

    with pytest.raises(StarskopeError, match="takes a LightCurve .* got str; for a file"):
        analyse("planet.fits")
    from starskope.stitch import stitch

    with pytest.raises(StarskopeError, match="got StitchedLightCurve: pass the segments to"):
        analyse(stitch([lc]))
    with pytest.raises(StarskopeError, match="max_planets must be an integer >= 1; got '3'"):
        PipelineConfig(max_planets="3")
    with pytest.raises(StarskopeError, match="min_period_days must be a number > 0"):
        PipelineConfig(min_period_days=0)
    with pytest.raises(StarskopeError, match="durations_hours must be positive hours"):
        PipelineConfig(durations_hours=())
    with pytest.raises(StarskopeError, match="config must be a PipelineConfig"):
        analyse(lc, config=3)
    # a dict is taken as changes to the defaults; +inf switches a test off
    assert PipelineConfig(borderline_snr_fraction=float("inf")).borderline_snr_fraction > 1e300
    res = analyse(lc, {"max_planets": 1, "fit_transit": False})
    assert res.candidates[0].period_days == pytest.approx(3.3, rel=0.01)


def test_a_planet_below_the_shortest_period_is_reported_at_its_own_period(rng):
    """A 0.37-d planet with the default 0.5-d shortest period: the search finds it at 0.74 d
    twice, half an orbit apart; the pair is reported as one planet at 0.37 d."""
    lc = _k2(rng, planets=[(0.37, 2000.1, 0.04, 1.2e-3)], noise=5e-4)
    res = analyse(lc, PipelineConfig(fit_transit=False))
    best = res.candidates[0]
    assert res.is_candidate and best.is_planet_like
    assert best.period_days == pytest.approx(0.37, rel=2e-3)
    assert any(f.name == "alias" and "half that period" in f.reason for f in best.vetting)
    twin = [c for c in res.candidates[1:] if abs(c.period_days / 0.74 - 1) < 0.01]
    assert twin and not twin[0].is_planet_like and "same_source" in twin[0].flags


def test_two_transits_beyond_half_the_baseline_are_reported_at_their_period(rng):
    """A 16-d planet in a 27-d light curve: two transits, a period the grid (up to half the
    baseline) cannot hold; found at 8 d with every other transit empty, reported at 16 d."""
    t = 1500.0 + np.arange(0, 27.0, 2.0 / 1440)
    flux = 1 + rng.normal(0, 8e-4, t.size)
    flux[transit_mask(t, period=16.0, t0=1503.2, duration=0.15)] -= 2.5e-3
    lc = LightCurve(t, flux, np.full(t.size, 8e-4), time_format="btjd",
                    meta=LightCurveMeta(mission="TESS", source="two.fits"))  # fmt: skip
    best = analyse(lc, PipelineConfig(fit_transit=False)).candidates[0]
    assert best.period_days == pytest.approx(16.0, rel=0.01) and best.n_transits == 2
    assert best.is_planet_like
    # a true 5-d planet stays at 5 d (its 10-d alias has every other transit too)
    flux = 1 + rng.normal(0, 8e-4, t.size)
    flux[transit_mask(t, period=5.0, t0=1501.0, duration=0.12)] -= 2.0e-3
    lc = LightCurve(t, flux, np.full(t.size, 8e-4), time_format="btjd",
                    meta=LightCurveMeta(mission="TESS", source="five.fits"))  # fmt: skip
    assert analyse(lc, PipelineConfig(fit_transit=False)).candidates[0].period_days == (
        pytest.approx(5.0, rel=0.01)
    )


def _pulsator(rng, period=0.5358):
    """An RR Lyrae-like pulsator: 35 % peak to peak, a fast rise and a slow decline."""
    t = 1325.0 + np.arange(0, 27.0, 30 / 1440)
    ph = ((t - 1325.1) / period) % 1.0
    shape = np.where(ph < 0.15, ph / 0.15, 1 - (ph - 0.15) / 0.85)
    flux = 1.0 + 0.35 * (shape - 0.5) + rng.normal(0, 1e-3, t.size)
    meta = LightCurveMeta(mission="TESS", target="TIC 1", source="rrl.fits")
    return LightCurve(t, 1e4 * flux, np.full(t.size, 10.0), time_format="btjd", meta=meta)


def test_a_pulsator_found_again_after_masking_is_one_source(rng):
    res = analyse(_pulsator(rng))
    cands = res.candidates
    assert len(cands) >= 2 and not res.is_candidate
    assert all(c.period_days == pytest.approx(0.5358, rel=2e-3) for c in cands)
    same = [c for c in cands if "same_source" in c.flags]
    assert len(same) == len(cands) - 1  # every repeat names the first signal as its source
    reasons = [f.reason for c in same for f in c.vetting if f.name == "same_source"]
    assert len(reasons) == len(same) and all("found again after masking" in r for r in reasons)


@pytest.mark.parametrize(
    "name, period",
    [
        ("lightcurves/tess/tess2018292075959-s0004-0000000257605131-0124-s_lc.fits.gz", 16.3649),
        ("bulk/kepler/kplr011442793-2010355172524_llc.fits.gz", 59.7371),
    ],
)
def test_planet_beyond_the_grid_found_at_its_period(shared_data, name, period):
    """Two real planets with two transits in their light curve, beyond the period grid (half
    the baseline), found at P/2 with every other "transit" empty. TOI-451 d (TESS sector 4,
    young star): the first detrending took enough of each transit that the box SNR at 2P was
    under 1.2 times that at P/2; the test is repeated after the masked re-detrend. Kepler-90 d
    (Q7): three epochs at P/2, the empty one partly covered, so the SNR ratio stays under 1.2
    however the detrending goes; the empty half is > 3 sigma shallower. Both were rejected at
    P/2 (an empty transit) and are now planet-like at their period."""
    from starskope.io import read

    path = shared_data / name
    if not path.exists():
        pytest.skip(f"{path} not in the shared data")
    res = analyse(read(path))
    top = res.candidates[0]
    assert abs(top.period_days / period - 1) < 0.002
    assert top.n_transits == 2 and top.is_planet_like and res.is_candidate


def _half_period_signal(rng, *, middle_depth: float):
    """A flattened 26-d curve with transits 16 d apart (3 and 19) and a third epoch at 11 d
    with ``middle_depth`` and only the start of its window observed; the signal as the
    period grid (longest 13 d) finds it, at 8 d."""
    from starskope.search.base import Periodogram, SearchResult

    t = np.arange(0.0, 26.0, 0.5 / 24.0)
    dur = 3.0 / 24.0
    t = t[~((t > 11.0 - dur / 5) & (t < 11.0 + dur / 2))]  # the middle epoch mostly in a gap
    flux = 1.0 + rng.normal(0.0, 3e-4, t.size)
    for tc, depth in ((3.0, 2e-3), (11.0, middle_depth), (19.0, 2e-3)):
        flux[np.abs(t - tc) < dur / 2] -= depth
    flat = LightCurve(t, flux, meta=LightCurveMeta())
    pg = Periodogram(np.array([8.0]), np.array([1.0]), np.array([10.0]), method="bls")
    s = SearchResult(8.0, 3.0, dur, 1.6e-3, 1e-4, 15.0, 10.0, 1.0, 3, pg)
    return flat, s


def test_every_other_transit_empty_moves_the_signal_beyond_the_grid(monkeypatch):
    """Three transits at P/2 with the middle one empty and partly observed: the box SNR at 2P
    is only ~1.1 times that at P/2 (under the 1.2 that an even number of empty transits clears),
    but the empty half is > 3 sigma shallower than the other: moved to 2P (Kepler-90 d in Q7,
    found at 29.85 d, was rejected there). A real transit at the middle epoch keeps P."""
    import starskope.pipeline as pl

    rng = np.random.default_rng(1)
    flat, s = _half_period_signal(rng, middle_depth=0.0)
    moved = pl._twice_beyond_grid(flat, s, longest=13.0)
    assert moved.period == pytest.approx(16.0) and moved.n_transits == 2
    assert moved.depth == pytest.approx(2e-3, rel=0.1)
    monkeypatch.setattr(pl, "TWICE_EMPTY_SIGMA", np.inf)  # the SNR ratio alone: not moved
    assert pl._twice_beyond_grid(flat, s, longest=13.0).period == 8.0
    monkeypatch.undo()
    flat, s = _half_period_signal(rng, middle_depth=2e-3)
    assert pl._twice_beyond_grid(flat, s, longest=13.0).period == 8.0


def _sector_with_two_transits(t0: float, period: float = 14.0, seed: int = 2):
    """A 23.7-d two-minute sector with a 1.1-d gap mid-way, white noise of 1000 ppm, and a
    ~900-ppm planet of ``period`` with its transits at ``t0`` and ``t0 + period``."""
    from starskope.simulate.inject import PlanetSignal, inject

    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 23.7, 2.0 / 1440.0)
    t = t[(t < 11.5) | (t > 12.6)]
    lc = LightCurve(t, 1.0 + 1e-3 * rng.standard_normal(t.size), time_format="relative")
    sig = PlanetSignal(period=period, t0=t0, rp_rs=0.03, a_rs=25.0, impact=0.3)
    return inject(lc, sig)


def test_a_planet_found_at_a_third_of_its_period_beyond_the_grid_is_moved_to_it(monkeypatch):
    """A 14-d planet with two transits in a 23.7-d sector (the grid stops at 11.85 d) was
    found at 4.66 d, P/3, where three of five "transits" are flat, and rejected by
    transit_depths as a variable star's dips (an audit's case; Kepler-20 d, 77.6 d, in a
    Kepler quarter, and KOI-6663's 14.09-d binary in a TESS sector the same way). Three times
    the period is tried beyond the grid as twice is."""
    import starskope.pipeline as pl
    from starskope.search.base import Periodogram, SearchResult
    from starskope.search.bls import box_stats

    res = analyse(_sector_with_two_transits(t0=8.0))
    c = res.candidates[0]
    assert res.is_candidate and c.period_days == pytest.approx(14.0, rel=0.01)
    assert c.n_transits == 2 and c.t0 == pytest.approx(8.0, abs=0.05)
    # the rule itself: the grid's P/3 signal, moved to 3P; a planet at that period is not
    flat = _sector_with_two_transits(t0=8.0)
    dur = c.duration_hours / 24.0
    st = box_stats(flat.t, flat.flux, period=14.0 / 3.0, t0=8.0, duration=dur)
    pg = Periodogram(np.array([14.0 / 3.0]), np.array([1.0]), np.array([10.0]), method="bls")
    s = SearchResult(14.0 / 3.0, 8.0, dur, st.depth, st.depth_err, st.snr, 10.0, 1.0, 5, pg)
    assert pl._twice_beyond_grid(flat, s, longest=11.85).period == pytest.approx(14.0)
    monkeypatch.setattr(pl, "BEYOND_GRID_MULTIPLES", (2,))  # twice only: not moved (before)
    assert pl._twice_beyond_grid(flat, s, longest=11.85).period == pytest.approx(14.0 / 3.0)
    monkeypatch.undo()
    real = _sector_with_two_transits(t0=1.3, period=14.0 / 3.0)
    st = box_stats(real.t, real.flux, period=14.0 / 3.0, t0=1.3, duration=dur)
    s = SearchResult(14.0 / 3.0, 1.3, dur, st.depth, st.depth_err, st.snr, 10.0, 1.0, 5, pg)
    assert pl._twice_beyond_grid(real, s, longest=11.85).period == pytest.approx(14.0 / 3.0)


def test_config_takes_numpy_numbers_and_refuses_an_unused_model():
    from starskope import PipelineConfig, StarskopeError

    c = PipelineConfig(max_planets=np.int64(2), min_period_days=np.float32(1.0))
    assert c.max_planets == 2 and type(c.max_planets) is int
    assert type(c.min_period_days) is float
    with pytest.raises(StarskopeError, match="PipelineConfig.model .* is not used by analyse"):
        PipelineConfig(model="gbm")


def test_unknown_settings_in_a_dict_config_are_named(rng):
    from starskope import StarskopeError

    with pytest.raises(StarskopeError, match="unknown PipelineConfig setting 'nope'"):
        analyse(_k2(rng), {"nope": 1})


def test_config_switches_are_true_or_false():
    from starskope import PipelineConfig, StarskopeError

    assert PipelineConfig(adaptive_window=np.bool_(False)).adaptive_window is False
    with pytest.raises(StarskopeError, match="adaptive_window must be True or False; got 'no'"):
        PipelineConfig(adaptive_window="no")


def test_config_takes_a_detrender_registered_at_run_time(monkeypatch):
    from starskope import PipelineConfig
    from starskope.clean.detrend import DETRENDERS

    monkeypatch.setitem(DETRENDERS, "mine", DETRENDERS["biweight"])
    assert PipelineConfig(detrend_method="mine").detrend_method == "mine"


def test_config_text_settings_are_checked_when_made_and_lists_become_tuples():
    """A misspelt method, detrender, engine or bitmask is refused when the configuration is
    made (an active star's detrender failed only when one came, mid-scan); durations given as
    a list are a tuple (hashable, equal after a JSON round trip); max_planets=2.0 is 2."""
    import json

    from starskope import PipelineConfig, StarskopeError
    from starskope.clean.detrend import DETRENDERS
    from starskope.config import _CHOICES
    from starskope.io.quality import BITMASKS
    from starskope.search.bls import _ENGINES
    from starskope.search.multi import SEARCHES

    # the checked names are the modules' own
    assert _CHOICES["method"] == set(SEARCHES) and _CHOICES["bls_engine"] == set(_ENGINES)
    assert _CHOICES["detrend_method"] == {*DETRENDERS, "rotation"}
    assert _CHOICES["active_detrend_method"] == {*DETRENDERS, "rotation", None}
    assert _CHOICES["quality_bitmask"] == set(BITMASKS["kepler"])
    for name in ("method", "detrend_method", "active_detrend_method", "bls_engine"):
        with pytest.raises(StarskopeError, match=f"PipelineConfig.{name} must be one of"):
            PipelineConfig(**{name: "foo"})
    with pytest.raises(StarskopeError, match="or an integer; got 'soft'"):
        PipelineConfig(quality_bitmask="soft")
    assert PipelineConfig(quality_bitmask=175).quality_bitmask == 175
    assert PipelineConfig(quality_bitmask="Default").quality_bitmask == "Default"  # any case
    with pytest.raises(StarskopeError, match="quality_bitmask must be one of"):
        PipelineConfig(quality_bitmask=["default"])
    c = PipelineConfig(durations_hours=[1, 2.5], max_planets=2.0)
    assert c.durations_hours == (1.0, 2.5) and c.max_planets == 2 and hash(c)
    assert PipelineConfig(**json.loads(json.dumps(c.to_dict()))) == c


def test_fit_errors_are_widened_by_the_red_noise_at_the_transit_duration():
    """The fit's covariance assumes white noise: beta (Pont et al. 2006) scales its errors."""
    from types import SimpleNamespace

    from starskope.lightcurve import LightCurve
    from starskope.pipeline import _fit_red_noise

    rng = np.random.default_rng(5)
    t = np.arange(0, 60, 0.0204)
    sig = SimpleNamespace(period=7.3, t0=1.1, duration=0.12)
    white = LightCurve(t, 1 + 1e-3 * rng.normal(size=t.size), time_format="relative")
    walk = np.convolve(rng.normal(size=t.size), np.ones(12) / 12, mode="same")
    red = LightCurve(t, 1 + 1e-3 * rng.normal(size=t.size) + 2e-3 * walk, time_format="relative")
    assert _fit_red_noise(white, sig) < 1.2
    assert _fit_red_noise(red, sig) > 1.5


def test_a_deep_planet_in_mean_subtracted_flux_is_not_rejected_by_its_depth():
    """Depths without a level are in noise units: no 10% limit applies to them."""
    import warnings

    import starskope
    from starskope.lightcurve import LightCurve

    rng = np.random.default_rng(8)
    t = np.arange(3197) * 0.0204
    f = 1000.0 * (1 + 2e-4 * rng.normal(size=t.size))
    f[np.abs((t - 1.0 + 1.5) % 3.0 - 1.5) < 0.06] *= 0.97
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = starskope.analyse(LightCurve(t, f - f.mean(), time_format="relative"))
    best = res.candidates[0]
    assert best.period_days == pytest.approx(3.0, rel=2e-3)
    assert "depth" not in best.flags and res.is_candidate


def test_a_deep_eclipse_boxed_under_the_depth_limit_is_rejected_by_its_fitted_size():
    """An eclipse by a companion of 0.33 stellar radii (impact 0.5) covers 10.9% of the disc,
    but the search box's mean depth is under 10%: the transit fit's radius ratio raises the
    10% limit. Companions of 0.3 (9% of the disc, 10.5% deep at the limb-darkened centre: a
    Jupiter before an M dwarf) and 0.19 stellar radii stay planet-like."""
    import warnings

    import starskope
    from starskope.lightcurve import LightCurve
    from starskope.simulate.binaries import EclipsingBinarySignal

    t = np.arange(3197) * 0.0204
    for k, b, a_rs, rejected in ((0.33, 0.5, 10.0, True), (0.3, 0.3, 15.0, False),
                                 (0.19, 0.0, 8.0, False)):  # fmt: skip
        eb = EclipsingBinarySignal(period=3.1, t0=0.7, k=k, a_rs=a_rs, impact=b, sb=0.0)
        model = eb.model(t)
        f = 1000.0 * (model + 3e-4 * np.random.default_rng(1).normal(size=t.size))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = starskope.analyse(LightCurve(t, f, time_format="relative"))
        best = res.candidates[0]
        assert best.period_days == pytest.approx(3.1, rel=2e-3)
        depth = next(v for v in best.vetting if v.name == "depth")
        assert depth.raised is rejected, depth.reason
        assert res.is_candidate is not rejected
        if rejected:  # the box alone is under the limit
            assert best.depth_ppm < 1e5 and "radius ratio 0.330" in depth.reason


def test_the_fitted_size_test_uses_the_red_noise_widened_error_the_result_reports():
    """A 0.33-stellar-radius companion on a star with red noise (beta about 3 at the transit's
    duration): the depth test's fitted-size veto took the fit's white-noise radius-ratio error
    (0.0026) and rejected it, where the result reports the same fit's error widened by beta
    (0.0073), by which the companion's area is within two errors of the 10% limit (a review of
    the thirty-third session's change)."""
    import warnings

    from scipy.ndimage import gaussian_filter1d

    import starskope
    from starskope.lightcurve import LightCurve
    from starskope.simulate.inject import PlanetSignal, inject

    t = 1500 + np.arange(0, 27, 10 / 1440)
    rng = np.random.default_rng(1)
    red = gaussian_filter1d(rng.normal(0, 1, t.size), 8)
    red *= 0.004 / red.std()
    lc = LightCurve(t, 1 + rng.normal(0, 1e-3, t.size) + red, time_format="btjd")
    lc = inject(lc, PlanetSignal(period=4.1, t0=1501.0, rp_rs=0.33, a_rs=12, impact=0.63))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        best = starskope.analyse(lc).candidates[0]
    assert best.period_days == pytest.approx(4.1, rel=2e-3)
    k, k_err = best.rp_rs, best.extra["fit_rp_rs_err"]
    assert best.extra["fit_red_noise_beta"] > 2
    assert k**2 - 4 * k * k_err < 0.1  # within two (reported) errors of the limit
    depth = next(v for v in best.vetting if v.name == "depth")
    assert not depth.raised, depth.reason


def test_a_planet_under_delta_scuti_pulsations_is_found_after_prewhitening():
    """Eight modes of up to 0.4% at 5-50 c/d (the simulator's delta Scuti) over a 1630-ppm
    planet: without prewhitening the search finds the pulsations' 0.585-d alias; with it the
    planet, at SNR over 50, and the reasons name the modes; the trend carries them (the flat
    light curve is the cleaned one over the trend)."""
    import warnings

    from starskope.config import PipelineConfig
    from starskope.lightcurve import LightCurve
    from starskope.pipeline import analyse_full
    from starskope.simulate.binaries import draw_pulsator
    from starskope.simulate.inject import PlanetSignal

    cad = 0.0204340278
    t = np.arange(3197) * cad
    rng = np.random.default_rng(0)
    pul = draw_pulsator(rng, kind="dsct")
    period = float(np.exp(rng.uniform(np.log(1.5), np.log(12))))
    planet = PlanetSignal(period=period, t0=rng.uniform(0, period), rp_rs=0.037,
                          a_rs=(period / 365.25) ** (2 / 3) * 215, impact=0.3)  # fmt: skip
    flux = pul.model(t, exptime=cad) * planet.model(t, exptime=cad)
    lc = LightCurve(t, 1000.0 * (flux + 2e-4 * rng.normal(size=t.size)), time_format="relative")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        off = analyse_full(lc, PipelineConfig(prewhiten_pulsations=False)).result
        a = analyse_full(lc)
    assert not any(abs(c.period_days / period - 1) < 0.01 and c.is_planet_like
                   for c in off.candidates)  # fmt: skip
    best = a.result.candidates[0]
    assert best.is_planet_like and best.period_days == pytest.approx(period, rel=1e-3)
    assert best.snr > 50 and a.result.is_candidate
    said = next(r for r in a.result.reasons if r.startswith("Coherent pulsations removed"))
    assert "6 modes at 17.14 c/d" in said
    assert best.extra["pulsation_frequencies"][0] == pytest.approx(17.14, abs=0.01)
    assert off.candidates[0].extra["pulsation_frequencies"] is None
    assert np.allclose(a.flat.flux, a.cleaned.flux / a.trend, rtol=1e-9)


def test_a_users_max_period_is_never_exceeded_by_the_doubling_beyond_the_grid():
    """Two transits 45 d apart in 60 d: found at 22.5 d and doubled to 45 d, beyond the grid
    of half the baseline; with max_period_days=25 no candidate may exceed 25 d."""
    import warnings

    import starskope
    from starskope.lightcurve import LightCurve

    rng = np.random.default_rng(9)
    t = np.arange(0, 60, 0.0204)
    f = 1 + 2e-4 * rng.normal(size=t.size)
    for tc in (7.0, 52.0):
        f[np.abs(t - tc) < 0.1] -= 3e-3
    lc = LightCurve(t, f, time_format="relative")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        free = starskope.analyse(lc)
        capped = starskope.analyse(lc, {"max_period_days": 25.0})
    assert free.candidates[0].period_days == pytest.approx(45.0, rel=1e-2)
    assert all(c.period_days <= 25.0 * (1 + 1e-6) for c in capped.candidates)


def test_a_shallow_dip_between_a_planets_transits_does_not_reject_it():
    """A later signal at the planet's period but half an orbit away, a few per cent as deep
    (an occultation at most, or the detrender's response between a short-period planet's
    transits), is rejected alone; at the planet's own phases, or as deep as the planet at
    other phases (a variable star's two dips per cycle), it still takes the planet with it."""
    import dataclasses

    from starskope.pipeline import _same_source

    planet = dataclasses.replace(_cand(0.55, planet_like=True), t0=0.1, depth_ppm=1520.0)
    wiggle = dataclasses.replace(
        _cand(0.5501, planet_like=False, raised=("sinusoid",)), t0=0.37, depth_ppm=104.0
    )
    assert [c.is_planet_like for c in _same_source([planet, wiggle])] == [True, False]
    deep = dataclasses.replace(wiggle, depth_ppm=1400.0)
    assert not _same_source([planet, deep])[0].is_planet_like
    on_it = dataclasses.replace(wiggle, t0=0.1 + 5 * 0.55)
    assert not _same_source([planet, on_it])[0].is_planet_like


def test_ultra_short_period_planet_is_not_rejected_by_its_own_residual():
    """A 0.55-d planet (1.9 ppt, 48 transits in a TESS-like 2-min sector, white noise): the
    transit train makes the star look active, and the local cubic leaves a 100-ppm wiggle
    half an orbit from the transits, found as a second signal at the same period. It used to
    reject the planet as 'the residual of the same variable star'."""
    from starskope.simulate.inject import PlanetSignal, a_rs_from_density

    t = np.arange(1400.0, 1427.4, 2.0 / 1440.0)
    t = t[(t < 1413.0) | (t >= 1414.2)]
    p = PlanetSignal(0.55, 1400.165, 0.04, a_rs_from_density(period=0.55, rho_star=1.41), 0.3)
    noise = np.random.default_rng(4).normal(0.0, 6e-4, t.size)
    lc = LightCurve(t, p.model(t, exptime=2.0 / 1440.0) + noise, np.full(t.size, 6e-4))
    res = analyse(lc)
    top = res.candidates[0]
    assert res.is_candidate and top.is_planet_like
    assert top.period_days == pytest.approx(0.55, rel=1e-3)


def test_planet_reported_at_half_the_found_period_is_fitted_at_that_period():
    """A 0.35-d planet below the default shortest period (0.5 d) is found as two signals at
    0.70 d half an orbit apart and reported at 0.35 d: the transit fit must use the reported
    period, not the search's 0.70 d (its ephemeris, extra.fit_period_days, said 0.70)."""
    from starskope.simulate.inject import PlanetSignal, a_rs_from_density

    t = np.arange(1400.0, 1427.4, 2.0 / 1440.0)
    t = t[(t < 1413.0) | (t >= 1414.2)]
    p = PlanetSignal(0.35, 1400.1435, 0.02, a_rs_from_density(period=0.35, rho_star=1.4), 0.2)
    noise = np.random.default_rng(7).normal(0.0, 1e-3, t.size)
    res = analyse(LightCurve(t, p.model(t, exptime=2.0 / 1440.0) + noise, np.full(t.size, 1e-3)))
    top = res.candidates[0]
    assert top.is_planet_like and top.period_days == pytest.approx(0.35, rel=1e-3)
    assert top.extra["fit_period_days"] == pytest.approx(0.35, rel=1e-3)
    assert top.extra["fit_depth_ppm"] == pytest.approx(482.0, rel=0.25)


def test_planet_found_at_half_its_period_inside_the_grid_is_moved_to_its_period():
    """A 2.2-d planet (4.6 ppt, 12 transits) on a delta Scuti star in a TESS-like 2-min sector:
    the pulsation's residuals let the search prefer 1.1 d, where every other 'transit' is
    empty. At 2P the box SNR is higher and the other half is empty, so it is reported at its
    period (only beyond the grid's longest period was this done before)."""
    from starskope.simulate.binaries import PulsatorSignal
    from starskope.simulate.inject import PlanetSignal, a_rs_from_density

    t = np.arange(1400.0, 1427.4, 2.0 / 1440.0)
    t = t[(t < 1413.0) | (t >= 1414.2)]
    planet = PlanetSignal(2.2, 1400.44, 0.06, a_rs_from_density(period=2.2, rho_star=0.4), 0.3)
    amp = (0.005, 0.003, 0.002, 0.0015)
    puls = PulsatorSignal((12.3, 19.1, 27.7, 41.0), amp, (0.1, 1.2, 2.2, 0.7))
    model = planet.model(t, exptime=2.0 / 1440.0) * puls.model(t, exptime=2.0 / 1440.0)
    noise = np.random.default_rng(3).normal(0.0, 1e-3, t.size)
    res = analyse(LightCurve(t, model + noise, np.full(t.size, 1e-3)))
    top = res.candidates[0]
    assert top.period_days == pytest.approx(2.2, rel=2e-3)
    assert res.is_candidate and top.is_planet_like


def test_a_planets_occultation_at_half_its_period_is_not_moved_onto_the_planet():
    """After a 3-d planet is masked the search finds its 300-ppm occultation at 1.5 d, whose
    every other epoch is a transit: measured on all the data, the half holding the transits is
    'stronger, the other empty', and the move to 2P made a planet-like copy of the planet.
    Inside the grid the halves are measured without the other signals' transits."""
    import starskope.pipeline as pl
    from starskope.search.base import Periodogram, SearchResult

    rng = np.random.default_rng(2)
    t = np.arange(0.0, 60.0, 0.5 / 24.0)
    dur = 3.0 / 24.0
    flux = 1.0 + rng.normal(0.0, 3e-4, t.size)
    phase = ((t - 1.0) / 3.0 + 0.5) % 1.0 - 0.5
    flux[np.abs(phase * 3.0) < dur / 2] -= 5e-3
    flux[np.abs((np.abs(phase) - 0.5) * 3.0) < dur / 2] -= 3e-4
    flat = LightCurve(t, flux, meta=LightCurveMeta())
    pg = Periodogram(np.array([1.5]), np.array([1.0]), np.array([10.0]), method="bls")
    planet = SearchResult(3.0, 1.0, dur, 5e-3, 1e-4, 150.0, 20.0, 1.0, 20, pg)
    occultation = SearchResult(1.5, 1.0, dur, 3e-4, 5e-5, 8.0, 8.0, 1.0, 40, pg)
    assert pl._twice_beyond_grid(flat, occultation, 30.0).period == 3.0  # alone: moved
    assert pl._twice_beyond_grid(flat, occultation, 30.0, [planet]).period == 1.5


def test_a_brightening_half_an_orbit_away_is_no_occultation():
    """A later signal of negative depth (the star's brightening) is not an occultation: it
    still takes the planet-like signal with it, as before."""
    import dataclasses

    from starskope.pipeline import _same_source

    planet = dataclasses.replace(_cand(0.55, planet_like=True), t0=0.1, depth_ppm=1520.0)
    bright = dataclasses.replace(
        _cand(0.5501, planet_like=False, raised=("sinusoid",)), t0=0.37, depth_ppm=-800.0
    )
    assert not _same_source([planet, bright])[0].is_planet_like


def test_a_weaker_rejected_signal_does_not_explain_a_planet_at_its_harmonic():
    """A delta Scuti's residual found first at 0.733 d (SNR 11.6, rejected) no longer rejects
    the 2.2-d planet (SNR 13) at three times its period; a stronger source at a harmonic (a
    binary's eclipses) still does."""
    import dataclasses

    from starskope.pipeline import _same_source

    junk = dataclasses.replace(
        _cand(0.73164, planet_like=False, raised=("uniqueness", "secondary")), snr=11.6
    )
    planet = dataclasses.replace(_cand(2.20011, planet_like=True), snr=13.0)
    assert _same_source([junk, planet])[1].is_planet_like
    eb = dataclasses.replace(junk, snr=30.0)
    assert not _same_source([eb, planet])[1].is_planet_like


def test_a_fit_far_from_the_box_is_noted_not_quoted():
    """A transit fit whose depth or duration is over three times the box's (or under a third)
    describes another shape than the dip found (a heartbeat star's brightening beside it):
    extra.fit_note and the reasons say so. A transit's own fit is not noted."""
    import dataclasses
    import types

    from starskope.pipeline import _fit_note

    box = dataclasses.replace(_cand(9.5, planet_like=True), depth_ppm=2684.0, duration_hours=4.0)
    odd = types.SimpleNamespace(depth_ppm=26700.0, duration_hours=30.2)
    note = _fit_note(odd, box)
    assert "depth 2.67e+04 ppm against the box's 2.68e+03 ppm" in note
    assert "duration 30.2 h against the box's 4 h" in note
    fine = types.SimpleNamespace(depth_ppm=3000.0, duration_hours=5.1)
    assert _fit_note(fine, box) is None
    # a real transit, fitted: no note
    from starskope.simulate.inject import PlanetSignal, a_rs_from_density

    t = np.arange(0.0, 60.0, 0.0204)
    p = PlanetSignal(5.3, 1.2, 0.05, a_rs_from_density(period=5.3, rho_star=1.4), 0.3)
    noise = np.random.default_rng(5).normal(0.0, 3e-4, t.size)
    res = analyse(LightCurve(t, p.model(t, exptime=0.0204) + noise, time_format="relative"))
    top = res.candidates[0]
    assert top.is_planet_like and "fit_depth_ppm" in top.extra and "fit_note" not in top.extra


@pytest.mark.parametrize(("cadence_min", "seed"), [(10.0, 5), (10.0, 6), (30.0, 5)])
def test_an_m_dwarfs_giant_planet_is_not_a_v_shaped_binary(cadence_min, seed):
    """A 5%-deep, 1.1-hour transit of a giant planet across an M dwarf (P = 1.5 d, b = 0.1)
    in TESS full-frame cadences: the search grid, spaced for Sun-like durations, left the
    period 0.0008 d off, the fold smeared by 20 minutes over the sector, and the V-shape
    test called the planet's U a binary's V. Re-checked at the transit fit's ephemeris."""
    import warnings

    from starskope.simulate.inject import PlanetSignal

    rng = np.random.default_rng(seed)
    t = 1500.0 + np.arange(0.0, 27.0, cadence_min / 1440)
    t = t[(t < 1513) | (t > 1514)]
    planet = PlanetSignal(
        period=1.5, t0=1500.4, rp_rs=0.2236, a_rs=12.3, impact=0.107, u=(0.3, 0.4)
    )
    flux = planet.model(t, exptime=cadence_min / 1440) + rng.normal(0, 1e-3, t.size)
    lc = LightCurve(t, flux, np.full(t.size, 1e-3), time_format="btjd")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = analyse(lc)
    best = result.candidates[0]
    assert best.period_days == pytest.approx(1.5, rel=1e-3)
    shape = next(v for v in best.vetting if v.name == "v_shape")
    assert not shape.raised, shape.reason
    assert best.is_planet_like and result.is_candidate


@pytest.mark.parametrize(("period", "seed"), [(0.24, 15), (0.2, 16)])
def test_an_ultra_short_period_planet_found_at_three_times_its_period(period, seed):
    """Under a third of the shortest period searched (0.5 d), a 4-5-hour planet is found at
    3P, then its other transits a third of that orbit away as a second signal: equal dips a
    third of an orbit apart were called a binary's two eclipses. They are one planet at P/3,
    re-vetted there, when the fold at P/3 dips at all three phases."""

    from starskope.simulate.inject import PlanetSignal

    t = np.arange(1500.0, 1527.0, 2 / 1440)
    planet = PlanetSignal(period=period, t0=1500.11, rp_rs=0.0387, a_rs=2.8, impact=0.1)
    result = _analysed_with(planet, t, noise=8e-4, cadence_min=2.0, seed=seed)
    best = result.candidates[0]
    assert best.period_days == pytest.approx(period, rel=1e-3)
    assert best.is_planet_like and result.is_candidate, best.flags
    assert any("a third of an orbit apart" in f.reason for f in best.vetting)
    rest = [c for c in result.candidates[1:] if "same_source" in c.flags]
    assert rest and all(f.name != "alias" for c in rest for f in c.vetting)  # no stale note
    assert all(sum(f.name == "same_source" for f in c.vetting) == 1 for c in rest)


def test_two_transits_a_year_apart_say_their_period_is_one_of_many():
    """One transit in each of two sectors a year apart: every period that puts the other
    transits in the year's gap fits as well. The period reported is the search's pick, and
    the result says how many others fit (an informational flag: still planet-like)."""
    import warnings

    from starskope.simulate.inject import PlanetSignal

    rng = np.random.default_rng(12)
    t = np.concatenate([1325.0 + np.arange(0, 27, 10 / 1440), 1690.0 + np.arange(0, 27, 10 / 1440)])
    planet = PlanetSignal(period=41.3, t0=1335.2, rp_rs=0.055, a_rs=40.0, impact=0.2)
    result = _analysed_with(planet, t, noise=7e-4, cadence_min=10.0, seed=12)
    flux = planet.model(t, exptime=10 / 1440) + rng.normal(0, 7e-4, t.size)
    best = result.candidates[0]
    assert best.is_planet_like and best.n_transits == 2
    flag = next(f for f in best.vetting if f.name == "period_aliases")
    assert flag.raised and flag.value >= 10
    assert "371.7" in flag.reason and any("Noted: the two transits" in r for r in result.reasons)
    # two transits in one sector pin the period: no such flag
    one = LightCurve(t[t < 1400], flux[t < 1400] * 0 + 1 + rng.normal(0, 7e-4, (t < 1400).sum()))
    one_t = one.t
    dips = PlanetSignal(period=13.0, t0=1330.0, rp_rs=0.055, a_rs=20.0, impact=0.2)
    single = LightCurve(one_t, one.flux * dips.model(one_t), time_format="btjd")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = analyse(single).candidates[0]
    assert again.n_transits == 2 and not any(f.name == "period_aliases" for f in again.vetting)


def _analysed_with(planet, t, *, noise, cadence_min, seed):
    """The pipeline's result for ``planet`` at times ``t`` (BTJD) in white noise, warnings
    silenced."""
    import warnings

    rng = np.random.default_rng(seed)
    flux = planet.model(t, exptime=cadence_min / 1440) + rng.normal(0, noise, t.size)
    lc = LightCurve(t, flux, np.full(t.size, noise), time_format="btjd")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyse(lc)


def test_api_mistakes_get_advice():
    """A lightkurve light curve passed to analyse() was refused as "got LightCurve" (the
    same class name); durations under a minute were accepted and failed in the search."""
    from starskope.exceptions import StarskopeError

    lk = pytest.importorskip("lightkurve")
    t = np.arange(0, 20, 0.02)
    with pytest.raises(StarskopeError, match="lightkurve's.*from_lightkurve"):
        analyse(lk.LightCurve(time=t, flux=np.ones(t.size)))
    with pytest.raises(StarskopeError, match="one minute"):
        PipelineConfig(durations_hours=(0.01, 2.0))


def _k2_system(signals, seed, sigma=3e-4):
    cadence = 29.4244 / 1440.0
    t = np.arange(0.0, 80.0, cadence)
    model = np.ones_like(t)
    for s in signals:
        model *= s.model(t, exptime=cadence)
    flux = model + np.random.default_rng(seed).normal(0.0, sigma, t.size)
    return LightCurve(t + 2000.0, flux, np.full(t.size, sigma), time_format="btjd")


@pytest.mark.parametrize("seed", [0, 3])
def test_a_hot_jupiters_transits_stay_out_of_a_small_planets_fit_and_depth(seed):
    # a hot Jupiter's transits inside some of a 1000-ppm planet's pulled its fitted epoch by
    # hours (4-5 of its own errors) and deepened it by half
    from starskope.simulate.inject import PlanetSignal, a_rs_from_density

    def planet(period, t0, rp):
        a_rs = a_rs_from_density(period=period, rho_star=1.4)
        return PlanetSignal(period=period, t0=t0, rp_rs=rp, a_rs=a_rs, impact=0.3)

    rng = np.random.default_rng(1000 + seed)
    hot, small = planet(3.2, rng.uniform(0, 3.2), 0.1), planet(7.3, rng.uniform(0, 7.3), 0.03)
    alone = analyse(_k2_system([small], seed))
    both = analyse(_k2_system([hot, small], seed))

    def at(result, period):
        return next(c for c in result.candidates if abs(c.period_days / period - 1) < 0.003)

    c, ref = at(both, 7.3), at(alone, 7.3)
    assert c.is_planet_like
    off_hours = ((c.extra["fit_t0"] - 2000.0 - small.t0 + 3.65) % 7.3 - 3.65) * 24.0
    assert abs(off_hours) < max(3.0 * c.extra["fit_t0_err_days"] * 24.0, 0.3)
    assert c.depth_ppm == pytest.approx(ref.depth_ppm, rel=0.15)
    assert c.extra["fit_depth_ppm"] == pytest.approx(ref.extra["fit_depth_ppm"], rel=0.15)


@pytest.mark.parametrize("seed", [1, 4])
def test_a_binarys_eclipses_stay_out_of_a_planets_depth(seed):
    # a diluted 1-2-d binary sharing the light curve: its eclipses inside the planet's
    # transits were averaged into the planet's depth (2-3x) and SNR
    from starskope.simulate.binaries import EclipsingBinarySignal
    from starskope.simulate.inject import PlanetSignal, a_rs_from_density

    rng = np.random.default_rng(5000 + seed)
    rng.uniform(size=2)
    period = rng.uniform(3.0, 9.0)
    a_rs = a_rs_from_density(period=period, rho_star=1.4)
    planet = PlanetSignal(
        period=period, t0=rng.uniform(0, period), rp_rs=0.035, a_rs=a_rs, impact=0.3
    )
    binary = EclipsingBinarySignal(
        period=rng.uniform(0.8, 2.0), t0=0.3, k=0.5, a_rs=4.0, impact=0.3, sb=0.4, dilution=8.0
    )
    alone = analyse(_k2_system([planet], seed))
    both = analyse(_k2_system([binary, planet], seed))

    def at(result):
        return next(c for c in result.candidates if abs(c.period_days / period - 1) < 0.003)

    c, ref = at(both), at(alone)
    assert c.is_planet_like
    assert c.depth_ppm == pytest.approx(ref.depth_ppm, rel=0.25)
    assert c.snr < 1.1 * ref.snr


def test_the_other_thirds_of_a_rejected_signal_are_not_called_a_planets():
    # an eccentric binary (1% primary, 0.15% secondary at phase 0.38, K2): its 3P signals
    # merged at P and rejected, while their other thirds' reason spoke of "the planet"
    from starskope.simulate.inject import a_rs_from_density, transit_model

    rng = np.random.default_rng(5001)
    period = rng.uniform(2.5, 7.0)
    t0 = rng.uniform(0, period)
    rng.uniform(size=2)
    a_rs = 1.5 * a_rs_from_density(period=period, rho_star=1.4)
    phase2 = rng.uniform(0.3, 0.4)
    cadence = 29.4244 / 1440.0
    t = np.arange(0.0, 80.0, cadence)
    kw = dict(period=period, rp_rs=0.1, a_rs=a_rs, impact=0.2, exptime=cadence)
    primary = transit_model(t, t0=t0, u=(0.4, 0.26), **kw)
    secondary = transit_model(t, t0=t0 + phase2 * period, u=(0.0, 0.0), **kw)
    flux = 1 - (1 - primary) - 0.15 * (1 - secondary)
    flux = flux + np.random.default_rng(1).normal(0.0, 3e-4, t.size)
    result = analyse(LightCurve(t + 2000.0, flux, np.full(t.size, 3e-4), time_format="btjd"))
    assert not result.is_candidate
    planets = {round(c.period_days, 4) for c in result.candidates if c.is_planet_like}
    for c in result.candidates:
        for f in c.vetting:
            if f.name == "same_source" and "-d planet's" in f.reason:
                assert round(float(f.reason.split("of the ")[1].split("-d")[0]), 4) in planets
    assert any("-d signal's dips" in f.reason for c in result.candidates for f in c.vetting)


def test_others_left_out_of_a_signal_and_the_same_source_kept():
    from starskope.pipeline import _others_mask
    from starskope.search.base import SearchResult
    from starskope.vet.base import others_left_out

    t = np.arange(0.0, 20.0, 0.001)
    own = np.abs((t + 1.0) % 2.0 - 1.0) < 0.05  # a 0.1-d transit every 2 d
    elsewhere = (t % 0.5) < 0.2  # a pulsation's "transits": 40% of the light curve
    for share, spread, left_out in (
        (0.2, False, True),  # a binary's eclipses in a few of a planet's transits
        (0.4, False, True),  # sparse: another planet's transit in one of a few
        (0.6, False, False),  # most of its own: an alias of it
        (0.2, True, True),
        (0.4, True, False),  # a pulsation's, overlapping by chance
    ):
        other = own & (((t + 0.05) % 2.0) < share * 0.1)
        if spread:
            other |= elsewhere & ~own
        out = others_left_out(t, other, period=2.0, t0=0.0, duration=0.1)
        inside = out[own].sum()
        assert (inside == other[own].sum()) if left_out else inside == 0, (share, spread)
        far = np.abs((t + 1.0) % 2.0 - 1.0) >= 0.1  # beyond a duration of its transits
        assert np.array_equal(out[far], other[far])  # always left out

    def signal(period, t0, duration):
        return SearchResult(period=period, t0=t0, duration=duration, depth=1e-3, depth_err=1e-4,
                            snr=20.0, sde=10.0, power=1.0, n_transits=5, periodogram=None)  # fmt: skip

    s = signal(2.0, 0.0, 0.1)
    half = signal(4.0, 2.0, 0.1)  # the other half of s's transits (s merged at P/2)
    planet = signal(3.3, 0.7, 0.2)  # another planet
    mask = _others_mask(t, [half, planet], s)
    np.testing.assert_array_equal(mask, _others_mask(t, [planet]))
    assert _others_mask(t, [half, planet]).sum() > mask.sum()  # without s: both left out


def test_a_lone_dip_where_a_transit_went_missing_stays_in_that_signals_data():
    """Kepler-90 g's transit 28 h off its linear ephemeris came back as a one-transit signal,
    whose transit was then left out of g's own data, so g's timing allowance could not see it
    (an audit of multi-file stars). A lone dip of about the signal's depth near one of its
    transits that is missing stays in its data; beside a transit that is there, or one in a
    gap, or much deeper, it is another signal's and is left out."""
    from starskope.pipeline import _others_mask
    from starskope.search.base import Periodogram, SearchResult

    t = np.arange(0.0, 90.0, 0.0204)
    pg = Periodogram(period=np.array([1.0]), power=np.array([0.0]), sde=None, method="bls")

    def sr(period, t0, depth):
        return SearchResult(period, t0, 0.25, depth, 1e-5, 20.0, 10.0, 1.0, 1, pg)

    g = sr(20.0, 5.0, 1e-3)
    lone = sr(300.0, 65.0 + 0.85, 1e-3)  # 20 h after g's transit number 3
    flux = np.ones(t.size)
    flux[np.abs(t - 65.85) < 0.125] -= 1e-3
    assert _others_mask(t, [lone], g, flux=flux) is None  # g's transit at 65.0 is missing
    there = flux.copy()
    there[np.abs(t - 65.0) < 0.125] -= 1e-3
    assert _others_mask(t, [lone], g, flux=there).any()  # g's own transit is there
    gap = np.abs(t - 65.0) > 0.3
    assert _others_mask(t[gap], [lone], g, flux=flux[gap]).any()  # in a gap: nothing moved
    deep = sr(300.0, 65.85, 3e-3)
    assert _others_mask(t, [deep], g, flux=flux).any()  # three times deeper: another's
