"""Vetting tests on seeded synthetic light curves (starskope.vet)."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.exceptions import StarskopeError
from starskope.fit import transit_duration, transit_model
from starskope.result import VetFlag
from starskope.search.base import Periodogram
from starskope.vet import (
    DISQUALIFYING,
    INFORMATIONAL,
    VET_TESTS,
    VetThresholds,
    alias,
    central_duration,
    data_edges,
    depth_limit,
    duration_vs_period,
    is_planet_like,
    odd_even,
    secondary_eclipse,
    single_event,
    sinusoid,
    uniqueness,
    v_shape,
    vet_candidate,
)

TESS_2MIN = 2.0 / 1440
FFI_10MIN = 10.0 / 1440
KEPLER_LC = 29.4 / 1440


def raised(flags):
    return {f.name for f in flags if f.raised}


def planet(rng, *, snr=20.0, cadence=TESS_2MIN, span=27.0, period=3.5, t0=1.3, k=0.05, b=0.3):
    """A limb-darkened planet transit with white noise scaled to the requested total SNR."""
    t = np.arange(0.0, span, cadence)
    a_rs = 12.0 * (period / 3.5) ** (2 / 3)
    m = transit_model(t, period=period, t0=t0, rp_rs=k, a_rs=a_rs, impact=b, exptime=cadence)
    depth = 1 - m.min()
    sigma = depth * np.sqrt(np.count_nonzero(m < 1)) / snr
    dur = transit_duration(period=period, rp_rs=k, a_rs=a_rs, impact=b)
    return (
        t,
        m + rng.normal(0.0, sigma, t.size),
        dict(period=period, t0=t0, duration=dur, depth=depth),
    )


def eclipsing_binary(rng, *, cadence=FFI_10MIN, span=27.0):
    """True period 4 d: primary 3% deep, secondary 1.3% at phase 0.5."""
    t = np.arange(0.0, span, cadence)
    m1 = transit_model(t, period=4.0, t0=1.0, rp_rs=0.18, a_rs=8.0, impact=0.5)
    m2 = transit_model(t, period=4.0, t0=3.0, rp_rs=0.12, a_rs=8.0, impact=0.5)
    return t, m1 + m2 - 1 + rng.normal(0, 1e-3, t.size)


def test_clean_planet_snr20_passes_everything(rng):
    t, flux, eph = planet(rng)
    flags = vet_candidate(t, flux, None, **eph)
    assert [f.name for f in flags] == list(VET_TESTS)
    assert raised(flags) == set(), [f.reason for f in flags if f.raised]
    assert is_planet_like(flags)
    for f in flags:
        assert isinstance(f, VetFlag) and f.reason and f.reason[0].isalpha()


@pytest.mark.parametrize("seed", range(12))
def test_clean_planets_do_not_raise_flags(seed):
    """Random planets (P 1-8 d, b < 0.7, 2/10/30-minute cadence) at SNR 20: no flag."""
    rng = np.random.default_rng(seed)
    cad = (TESS_2MIN, FFI_10MIN, 29.4 / 1440)[seed % 3]
    t, flux, eph = planet(
        rng,
        cadence=cad,
        span=27.0 if cad < 0.01 else 70.0,
        period=rng.uniform(1.0, 8.0),
        t0=0.7,
        k=rng.uniform(0.02, 0.12),
        b=rng.uniform(0.0, 0.7),
    )
    flags = vet_candidate(t, flux, np.full(t.size, np.nan), **eph)
    assert raised(flags) == set(), [f.reason for f in flags if f.raised]


def test_eclipsing_binary_found_at_half_period_is_flagged_by_odd_even(rng):
    t, flux = eclipsing_binary(rng)
    flags = vet_candidate(t, flux, None, period=2.0, t0=1.0, duration=0.2, depth=0.02)
    assert "odd_even" in raised(flags)
    assert not is_planet_like(flags)
    oe = next(f for f in flags if f.name == "odd_even")
    assert oe.value > 20 and "sigma" in oe.reason


def test_one_outlying_transit_is_not_an_odd_even_binary(rng):
    """A planet with one transit made deeper (another planet's transit overlapping it, as in
    Kepler-89 d's quarter 5) is not a binary: its odd transits disagree among themselves."""
    t, flux, eph = planet(rng, snr=60.0, cadence=29.4 / 1440, span=90.0, period=22.3, t0=5.0)
    one = np.abs(t - (5.0 + 22.3)) < 0.5 * eph["duration"]  # transit number 1 (odd)
    flux = flux - 0.4 * eph["depth"] * one
    oe = odd_even(t, flux, **eph)
    assert not oe.raised, oe.reason
    assert "disagree among themselves" in oe.reason
    # the same transits with every odd one deeper is a binary and still raises
    odd = (np.floor((t - 5.0) / 22.3 + 0.5) % 2 == 1) & (
        np.abs((t - 5.0 + 11.15) % 22.3 - 11.15) < 0.5 * eph["duration"]
    )
    t2, flux2, _ = planet(rng, snr=60.0, cadence=29.4 / 1440, span=90.0, period=22.3, t0=5.0)
    assert odd_even(t2, flux2 - 0.4 * eph["depth"] * odd, **eph).raised


def test_deep_binary_at_half_period_with_broken_eclipses_is_flagged(rng):
    """A deep detached binary found at P/2 (primary 9%, secondary 7%) where one eclipse of each
    kind fell in a gap edge or was eaten by the detrending: the means of the odd and even
    transits move toward each other and their chi-square explodes, the medians do not."""
    cad = 29.4 / 1440
    t = np.arange(0.0, 66.0, cad)
    m1 = transit_model(t, period=8.0, t0=1.0, rp_rs=0.3, a_rs=12.0, impact=0.2, exptime=cad)
    m2 = transit_model(t, period=8.0, t0=5.0, rp_rs=0.26, a_rs=12.0, impact=0.2, exptime=cad)
    flux = m1 + m2 - 1.0
    dur = 0.2
    for centre in (1.0 + 3 * 8.0, 5.0 + 5 * 8.0):  # one primary and one secondary lost
        flux[np.abs(t - centre) < 0.5 * dur] = 1.0
    flux = flux + rng.normal(0.0, 5e-4, t.size)
    oe = odd_even(t, flux, period=4.0, t0=1.0, duration=dur, depth=0.08)
    assert oe.raised, oe.reason
    assert oe.reason.startswith("medians of") and oe.value > 5


def test_clean_transits_are_compared_by_their_means_only():
    """The medians are a second look for outlying transits; taken on every planet as well, the
    larger of two statistics doubled the odd/even false alarms (bench_odd_even_null)."""
    how = []
    for seed in range(8):
        r = np.random.default_rng(seed)
        t, flux, eph = planet(r, snr=40.0, cadence=29.4 / 1440, span=66.0, period=3.0, t0=1.0)
        oe = odd_even(t, flux, **eph)
        how.append(oe.reason.startswith("medians of"))
    assert not any(how)  # the larger of the two took the medians in 4 of these 8


def test_one_outlying_transit_among_many_is_not_an_odd_even_binary(rng):
    """Twelve transits, one of them 40% deeper: neither the means (chi-square inflated) nor the
    medians call it a binary."""
    t, flux, eph = planet(rng, snr=60.0, cadence=29.4 / 1440, span=70.0, period=5.5, t0=1.0)
    one = np.abs(t - (1.0 + 3 * 5.5)) < 0.5 * eph["duration"]
    oe = odd_even(t, flux - 0.4 * eph["depth"] * one, **eph)
    assert not oe.raised, oe.reason


def test_eclipsing_binary_at_true_period_is_flagged_by_secondary(rng):
    t, flux = eclipsing_binary(rng)
    flags = vet_candidate(t, flux, None, period=4.0, t0=1.0, duration=0.2, depth=0.03)
    assert "secondary" in raised(flags)
    sec = next(f for f in flags if f.name == "secondary")
    assert "phase 0.5" in sec.reason and sec.value > 10
    assert not is_planet_like(flags)


def test_eccentric_binary_secondary_away_from_half_phase(rng):
    t = np.arange(0.0, 27.0, FFI_10MIN)
    m1 = transit_model(t, period=5.0, t0=1.0, rp_rs=0.15, a_rs=10.0, impact=0.2)
    m2 = transit_model(t, period=5.0, t0=1.0 + 0.3 * 5.0, rp_rs=0.1, a_rs=10.0, impact=0.2)
    flux = m1 + m2 - 1 + rng.normal(0, 1e-3, t.size)
    flag = secondary_eclipse(t, flux, period=5.0, t0=1.0, duration=0.15, depth=0.025)
    assert flag.raised and "+0.30" in flag.reason


def test_hot_jupiter_occultation_is_not_a_secondary(rng):
    # 1% transit, 150 ppm occultation (1.5%): detected but too small for a stellar eclipse
    t, flux, eph = planet(rng, k=0.1, snr=200, cadence=TESS_2MIN)
    ph = ((t - eph["t0"]) / eph["period"] + 0.5) % 1.0 - 0.5
    flux = flux - 150e-6 * (np.abs(np.abs(ph) - 0.5) * eph["period"] < 0.4 * eph["duration"])
    flag = secondary_eclipse(t, flux, **eph)
    assert not flag.raised, flag.reason


def test_other_planet_transits_are_not_secondaries(rng):
    """In a two-planet system a deeper outer planet's transits must not read as a secondary."""
    t, flux, eph = planet(rng, period=3.1, t0=0.4, k=0.04, snr=25, cadence=FFI_10MIN, span=60.0)
    outer = transit_model(t, period=11.7, t0=2.0, rp_rs=0.07, a_rs=25.0, impact=0.1)
    flux = flux + outer - 1
    flags = vet_candidate(t, flux, None, **eph, other_periods=(11.7,))
    assert "secondary" not in raised(flags), next(f.reason for f in flags if f.name == "secondary")
    assert is_planet_like(flags)
    # and the pipeline can leave the other planet's transits out altogether
    other = np.abs(((t - 2.0) / 11.7 + 0.5) % 1 - 0.5) * 11.7 < 0.15
    flags = vet_candidate(t, flux, None, **eph, exclude=other)
    assert raised(flags) == set()
    with pytest.raises(StarskopeError, match="exclude"):
        vet_candidate(t, flux, None, **eph, exclude=other[:10])
    # an "other" candidate that is this one's alias (its mask covers our transits) is ignored
    # inside our own transit windows, so vetting still sees the transits
    own = np.abs(((t - 0.4) / 3.1 + 0.5) % 1 - 0.5) * 3.1 < 0.15
    flags = vet_candidate(t, flux, None, **eph, exclude=own | other)
    assert raised(flags) == set()


def test_sinusoid_is_flagged_as_variability(rng):
    t = np.arange(0.0, 27.0, FFI_10MIN)
    flux = 1 + 2e-3 * np.sin(2 * np.pi * t / 1.7) + rng.normal(0, 1e-3, t.size)
    # a box search locks on the minimum of the sinusoid
    flags = vet_candidate(t, flux, None, period=1.7, t0=1.7 * 0.75, duration=0.2, depth=3e-3)
    assert "sinusoid" in raised(flags)
    assert not is_planet_like(flags)
    s = next(f for f in flags if f.name == "sinusoid")
    assert s.value > 1.0


def test_single_event_is_flagged(rng):
    t = np.arange(0.0, 27.0, FFI_10MIN)
    flux = 1 + rng.normal(0, 1e-3, t.size)
    flux[np.abs(t - 10.0) < 0.08] -= 5e-3
    flags = vet_candidate(t, flux, None, period=3.0, t0=10.0, duration=0.16, depth=5e-3)
    assert "single_event" in raised(flags)
    se = next(f for f in flags if f.name == "single_event")
    assert se.value > 0.9
    assert not is_planet_like(flags)


def test_two_transits_one_half_in_a_gap_are_not_a_single_event(rng):
    # equal depths, but the first transit's second half falls in a gap: it has fewer points,
    # so the second carries most of the SNR^2 -- coverage, not one event dominating
    t = np.arange(0.0, 60.0, KEPLER_LC)
    t = t[(t < 12.67) | (t > 13.2)]
    flux = 1 + rng.normal(0, 4e-4, t.size)
    windows = [np.abs(t - tc) < 0.11 for tc in (12.70, 42.55)]
    for w in windows:
        flux[w] -= 1.2e-3
    snr2 = [w.sum() * (1 - flux[w].mean()) ** 2 for w in windows]
    assert max(snr2) / sum(snr2) > 0.65  # a share of SNR^2 would call it one event
    flag = single_event(t, flux, period=29.85, t0=12.70, duration=0.22, depth=1.2e-3)
    assert not flag.raised and "of their summed squared depths" in flag.reason
    assert 0.4 < flag.value < 0.65


def test_a_deep_event_paired_with_a_shallow_dip_is_a_single_event(rng):
    t = np.arange(0.0, 60.0, KEPLER_LC)
    flux = 1 + rng.normal(0, 1e-3, t.size)
    flux[np.abs(t - 12.7) < 0.11] -= 4e-3  # one real event
    flux[np.abs(t - 42.55) < 0.11] -= 1e-3  # and a dip a quarter as deep
    flag = single_event(t, flux, period=29.85, t0=12.70, duration=0.22, depth=2.5e-3)
    assert flag.raised and flag.value > 0.9


def test_one_dip_whose_repeats_fall_at_gap_edges_is_a_single_event(rng):
    # the classic single-event alarm: a period that puts every repeat in a gap, leaving a
    # sliver of two cadences each; slivers are measured against the best-covered transit
    t = np.arange(0.0, 95.0, KEPLER_LC)
    keep = np.ones(t.size, dtype=bool)
    for n in range(1, 9):
        tc = 5.0 + 10.0 * n
        keep &= ~((t > tc - 0.08) & (t < tc + 3.0))
    t = t[keep]
    flux = 1 + rng.normal(0, 1e-3, t.size)
    flux[np.abs(t - 5.0) < 0.125] -= 2e-3
    flag = single_event(t, flux, period=10.0, t0=5.0, duration=0.25, depth=2e-3)
    assert flag.raised and flag.value > 0.9 and "sliver(s) left out" in flag.reason


def test_a_single_point_does_not_measure_a_transit_depth(rng):
    # 1.5-hour dips at K2's cadence: three points in two transits, one point in the third (a
    # gap); a lone point's depth is not a transit's, so it does not dilute the share
    t = np.arange(0.0, 70.0, KEPLER_LC)
    t = t[(t < 59.97) | (t > 60.02)]  # leaves one point of the third transit
    flux = 1 + rng.normal(0, 3e-4, t.size)
    for tc, depth in ((2.0, 3.6e-3), (31.0, 1.8e-3), (60.0, 3.6e-3)):
        flux[np.abs(t - tc) < 0.031] -= depth
    flag = single_event(t, flux, period=29.0, t0=2.0, duration=0.0625, depth=3e-3)
    assert "of 2 well-covered transits" in flag.reason and "1 sliver(s) left out" in flag.reason
    assert flag.raised


def test_only_one_transit_in_data_is_single_event(rng):
    t, flux, eph = planet(rng, span=4.0, period=3.5, t0=1.3)
    flag = single_event(t, flux, **eph)
    assert flag.raised and "only one transit" in flag.reason
    # odd/even cannot be tested then, and says so
    oe = odd_even(t, flux, **eph)
    assert not oe.raised and oe.value is None and "not testable" in oe.reason


def test_v_shape_grazing_binary_versus_planet(rng):
    t = np.arange(0.0, 30.0, TESS_2MIN)
    m = transit_model(t, period=2.7, t0=0.9, rp_rs=0.3, a_rs=7.0, impact=1.05)
    flux = m + rng.normal(0, 1e-3, t.size)
    dur = transit_duration(period=2.7, rp_rs=0.3, a_rs=7.0, impact=1.05)
    grazing = v_shape(t, flux, period=2.7, t0=0.9, duration=dur, depth=1 - m.min())
    assert grazing.raised and grazing.value >= 0.35
    t, flux, eph = planet(rng, k=0.1, b=0.2, snr=100)
    flat = v_shape(t, flux, **eph)
    assert not flat.raised and flat.value < 0.25


def test_duration_vs_period():
    t = np.arange(0.0, 27.0, FFI_10MIN)
    flux = np.ones(t.size)
    flux[np.abs(((t - 1.0) + 0.5) % 1.0 - 0.5) < 0.2] -= 1e-3  # 9.6-hour dips every 1 day
    long = duration_vs_period(t, flux, period=1.0, t0=1.0, duration=0.4, depth=1e-3)
    assert long.raised and "too long" in long.reason and long.value < 0.05
    ok = duration_vs_period(t, flux, period=10.0, t0=1.0, duration=0.2, depth=1e-3)
    assert not ok.raised and "consistent" in ok.reason
    # a one-hour dip at 25 days spanning two long cadences: under 0.35 of the 3.59-h central
    # transit across the densest main-sequence star (grazing beyond b ~ 0.94 there), and with
    # no shape to check: a systematic's signature in long-cadence data
    lc = np.arange(0.0, 65.0, 29.4 / 1440)
    flat = np.ones(lc.size)
    short = duration_vs_period(lc, flat, period=25.0, t0=1.0, duration=1.0 / 24, depth=1e-3)
    assert short.raised and "too short" in short.reason and "under 3 cadences" in short.reason
    # ... the same hour at 10-min cadence (six cadences: resolved) only below 0.25 (b ~ 0.97)
    resolved = duration_vs_period(t, flux, period=25.0, t0=1.0, duration=1.0 / 24, depth=1e-3)
    assert not resolved.raised and "below 0.25" in resolved.reason
    shorter = duration_vs_period(t, flux, period=25.0, t0=1.0, duration=0.75 / 24, depth=1e-3)
    assert shorter.raised and "too short" in shorter.reason
    # ... and one hour at 5 days (2.10 h central) is a plausible grazing or M-dwarf transit
    ok = duration_vs_period(lc, flat, period=5.0, t0=1.0, duration=1.0 / 24, depth=1e-3)
    assert not ok.raised
    # the Sun: P = 365.25 d gives a 13-hour central transit
    assert central_duration(period=365.25, rho=1.41) * 24 == pytest.approx(13.0, abs=0.3)


def test_depth_limit():
    t = np.arange(0.0, 10.0, 0.01)
    flux = np.ones(t.size)
    assert depth_limit(t, flux, period=2.0, t0=0.5, duration=0.1, depth=0.3).raised
    assert not depth_limit(t, flux, period=2.0, t0=0.5, duration=0.1, depth=0.01).raised


def test_alias_names_half_and_double_period(rng):
    t, flux, eph = planet(rng, period=2.0, t0=0.5, snr=30)
    # searched at twice the true period: P/2 is stronger
    doubled = alias(t, flux, **{**eph, "period": 4.0})
    assert doubled.raised and "P/2" in doubled.reason
    # searched at half the true period: 2P is stronger (odd transits are empty)
    halved = alias(t, flux, **{**eph, "period": 1.0})
    assert halved.raised and "2P" in halved.reason
    right = alias(t, flux, **eph)
    assert not right.raised and right.value == pytest.approx(0.71, abs=0.15)
    # and alias is informational only
    assert "alias" in INFORMATIONAL and "alias" not in DISQUALIFYING


def test_alias_uses_periodogram_and_other_candidates(rng):
    t, flux, eph = planet(rng, period=2.0, t0=0.5, snr=30)
    grid = np.linspace(0.5, 10.0, 2000)
    power = np.exp(-0.5 * ((grid - 4.0) / 0.01) ** 2) + 0.5 * np.exp(
        -0.5 * ((grid - 2.0) / 0.01) ** 2
    )
    pg = Periodogram(period=grid, power=power, sde=power, method="bls")
    flag = alias(t, flux, **eph, periodogram=pg)
    assert flag.raised and "2P" in flag.reason and "periodogram" in flag.reason
    flag = alias(t, flux, **eph, other_periods=(1.0, 7.3))
    assert flag.raised and "2x the period of another candidate" in flag.reason


def test_is_planet_like_lists():
    assert DISQUALIFYING.isdisjoint(INFORMATIONAL)
    assert DISQUALIFYING | INFORMATIONAL == set(VET_TESTS)
    ok = VetFlag("v_shape", False, 0.1, "U")
    assert is_planet_like([ok, VetFlag("alias", True, 1.4, "P/2")])
    assert not is_planet_like([ok, VetFlag("sinusoid", True, 2.0, "variability")])
    assert is_planet_like([])


def test_thresholds_and_test_selection(rng):
    t, flux = eclipsing_binary(rng)
    lax = VetThresholds(odd_even_sigma=1e6)
    flags = vet_candidate(
        t, flux, None, period=2.0, t0=1.0, duration=0.2, depth=0.02, thresholds=lax
    )
    assert "odd_even" not in raised(flags)
    only = vet_candidate(
        t, flux, None, period=2.0, t0=1.0, duration=0.2, depth=0.02, tests=["depth", "sinusoid"]
    )
    assert [f.name for f in only] == ["depth", "sinusoid"]
    with pytest.raises(StarskopeError, match="unknown vetting tests"):
        vet_candidate(t, flux, None, period=2.0, t0=1.0, duration=0.2, depth=0.02, tests=["x"])


def test_bad_input_raises_starskope_error():
    t = np.arange(0.0, 10.0, 0.01)
    with pytest.raises(StarskopeError, match="positive period"):
        vet_candidate(t, np.ones(t.size), None, period=0.0, t0=0.5, duration=0.1, depth=0.01)
    with pytest.raises(StarskopeError, match="at least 10"):
        vet_candidate(t[:5], np.ones(5), None, period=2.0, t0=0.5, duration=0.1, depth=0.01)
    with pytest.raises(StarskopeError, match="equal length"):
        sinusoid(t, np.ones(3), period=2.0, t0=0.5, duration=0.1)
    # a negative or NaN depth, a duration of a whole period, a flux_err of another length: said
    # (the first two were planet-like, the last ignored)
    kw = dict(period=2.0, t0=0.5, duration=0.1)
    for depth in (-2e-3, np.nan):
        with pytest.raises(StarskopeError, match="positive transit depth"):
            vet_candidate(t, np.ones(t.size), None, depth=depth, **kw)
    with pytest.raises(StarskopeError, match="shorter than the period"):
        vet_candidate(t, np.ones(t.size), None, period=2.0, t0=0.5, duration=2.5, depth=0.01)
    with pytest.raises(StarskopeError, match="flux_err must have the shape of flux"):
        vet_candidate(t, np.ones(t.size), np.ones(3), depth=0.01, **kw)
    # one number for every point is an error column (it worked before the shape check)
    one = vet_candidate(t, np.ones(t.size), 5e-4, depth=0.01, **kw)
    assert one == vet_candidate(t, np.ones(t.size), np.full(t.size, 5e-4), depth=0.01, **kw)


def test_thresholds_as_a_dict_and_their_ranges():
    """Thresholds given as a dict of some fields are used (an AttributeError before); unknown
    names and negative values are refused naming the field."""
    from starskope.vet import VetThresholds

    t = np.arange(0.0, 10.0, 0.01)
    f = np.ones(t.size)
    f[np.abs((t - 0.5 + 1.0) % 2.0 - 1.0) < 0.05] -= 0.01
    kw = dict(period=2.0, t0=0.5, duration=0.1, depth=0.01)
    flags = vet_candidate(t, f, None, thresholds={"odd_even_sigma": 3}, **kw)
    assert flags == vet_candidate(t, f, None, thresholds=VetThresholds(odd_even_sigma=3), **kw)
    with pytest.raises(StarskopeError, match=r"unknown VetThresholds field\(s\) \['odd_even'\]"):
        vet_candidate(t, f, None, thresholds={"odd_even": 3}, **kw)
    with pytest.raises(StarskopeError, match="VetThresholds.odd_even_sigma must be a number >= 0"):
        VetThresholds(odd_even_sigma=-1)
    assert VetThresholds(secondary_max_occultation=None).secondary_max_occultation is None


def test_red_noise_inflates_errors(rng):
    """Correlated noise on the transit time scale inflates depth errors (beta > 1)."""
    from starskope.vet.base import _context

    t = np.arange(0.0, 27.0, FFI_10MIN)
    walk = np.convolve(rng.normal(0, 1e-3, t.size), np.ones(24) / 24, mode="same")
    white = 1 + rng.normal(0, 3e-4, t.size)
    kw = dict(period=3.0, t0=1.0, duration=0.12, depth=None)
    ctx_white = _context(t, white, None, **kw)
    ctx_red = _context(t, white + walk, None, **kw)
    assert ctx_white.beta == pytest.approx(1.0, abs=0.3)
    assert ctx_red.beta > 1.5
    # the same data then give a smaller odd/even significance than white-noise errors would
    m = transit_model(t, period=3.0, t0=1.0, rp_rs=0.06, a_rs=10.0, impact=0.2)
    red = odd_even(t, white + walk + m - 1, **{**kw, "depth": 3.6e-3})
    e_quoted = float(red.reason.split("+- ")[1].split(" ppm")[0])
    n_odd = np.count_nonzero(np.abs(((t - 1.0) / 3.0 + 0.5) % 1 - 0.5) * 3.0 < 0.06)
    assert e_quoted > 1.5 * ctx_red.sigma / np.sqrt(n_odd / 2) * 1e6


def test_vetting_a_two_minute_sector(rng):
    """(Its speed is measured in benchmarks/bench_vetting.py, not in a timed test.)"""
    t, flux, eph = planet(rng)  # a 27-day TESS 2-minute sector, ~19k points
    flags = vet_candidate(t, flux, None, **eph)
    assert not [f.name for f in flags if f.raised]


def test_exposure_averaged_trapezoid_matches_brute_force():
    from starskope.vet.checks import _trapezoid_shapes

    x = np.linspace(-0.3, 0.3, 301)
    totals, fracs, e = np.array([0.2, 0.3]), np.array([0.0, 0.2, 0.5]), 0.05
    exact = _trapezoid_shapes(x, totals, fracs, e)
    offs = ((np.arange(4001) + 0.5) / 4001 - 0.5) * e
    sharp = _trapezoid_shapes((x[:, None] + offs[None, :]).ravel(), totals, fracs, 0.0)
    brute = sharp.reshape(2, 3, 301, offs.size).mean(axis=3)
    np.testing.assert_allclose(exact, brute, atol=2e-4)
    # area is conserved by the exposure average
    np.testing.assert_allclose(
        exact.sum(axis=2), sharp.reshape(2, 3, 301, -1)[..., 0].sum(axis=2), rtol=1e-3
    )


def test_odd_even_tolerates_small_systematic_differences(rng):
    """A 5% odd/even depth difference at very high SNR (cadence sampling, detrending) passes;
    an empty parity is a 2P alias, not a binary."""
    t = np.arange(0.0, 60.0, FFI_10MIN)
    m = transit_model(t, period=3.0, t0=1.0, rp_rs=0.1, a_rs=10.0, impact=0.2)
    n = np.floor((t - 1.0) / 3.0 + 0.5)
    flux = 1 - (1 - m) * np.where(n % 2 == 1, 0.95, 1.0) + rng.normal(0, 2e-4, t.size)
    flag = odd_even(t, flux, period=3.0, t0=1.0, duration=0.12, depth=0.01)
    assert flag.value > 3 and not flag.raised, flag.reason
    doubled = 1 - (1 - m) * (n % 2 == 0) + rng.normal(0, 2e-4, t.size)
    flag = odd_even(t, doubled, period=3.0, t0=1.0, duration=0.12, depth=0.005)
    assert not flag.raised and "2P" in flag.reason


def test_shallow_v_shaped_planet_is_not_a_stellar_eclipse(rng):
    t = np.arange(0.0, 30.0, TESS_2MIN)
    m = transit_model(t, period=2.7, t0=0.9, rp_rs=0.1, a_rs=7.0, impact=0.97)
    flux = m + rng.normal(0, 5e-4, t.size)
    dur = transit_duration(period=2.7, rp_rs=0.1, a_rs=7.0, impact=0.97)
    flag = v_shape(t, flux, period=2.7, t0=0.9, duration=dur, depth=1 - m.min())
    assert flag.value >= 0.35 and "V-shaped" in flag.reason
    assert not flag.raised


def test_pulsator_dips_are_not_unique(rng):
    """Pulsations coherent at the trial period make many dips; the deepest one, although
    11 sigma against white noise, does not stand out and only uniqueness catches it."""
    from starskope.vet.base import _context

    t = np.arange(0.0, 27.0, TESS_2MIN)
    period, dur = 0.5, 0.04
    harmonics, amps = np.array([6, 9, 13]), np.array([1e-3, 8e-4, 6e-4])
    phases = rng.uniform(0, 2 * np.pi, 3)
    waves = amps[:, None] * np.sin(2 * np.pi * harmonics[:, None] / period * t + phases[:, None])
    flux = 1 + waves.sum(0) + rng.normal(0, 5e-4, t.size)

    def snr(t0):
        ctx = _context(t, flux, None, period=period, t0=t0, duration=dur, depth=None)
        d, e, _ = ctx.box(ctx.in_transit)
        return d / e

    t0 = max(np.linspace(0, period, 200, endpoint=False), key=snr)  # what a box search finds
    assert snr(t0) > 8
    flags = vet_candidate(t, flux, None, period=period, t0=t0, duration=dur, depth=9e-4)
    assert "uniqueness" in raised(flags)
    flag = next(f for f in flags if f.name == "uniqueness")
    assert flag.value < 5 and "folded-noise factor" in flag.reason
    t2, f2, eph = planet(rng, snr=12)
    assert not uniqueness(t2, f2, **eph).raised


def test_transit_depths_flags_a_period_assembled_from_unrelated_dips():
    """Issue 3: wrong periods assembled from single transits of different planets (Kepler-90)."""
    from starskope.vet import transit_depths

    rng = np.random.default_rng(7)
    t = np.arange(0.0, 80.0, 0.0204)
    flux = 1.0 + rng.normal(0.0, 2e-4, t.size)
    period, dur = 20.0, 0.2
    # dips at transit numbers 0, 2, 3 only (different 'planets'); number 1 has data but no dip
    for n in (0, 2, 3):
        flux[np.abs(t - (5.0 + n * period)) < dur / 2] -= 1e-3
    flag = transit_depths(t, flux, period=period, t0=5.0, duration=dur, depth=7.5e-4)
    assert flag.raised, flag.reason
    # a genuine planet with every transit present passes
    flux2 = 1.0 + rng.normal(0.0, 2e-4, t.size)
    for n in range(4):
        flux2[np.abs(t - (5.0 + n * period)) < dur / 2] -= 1e-3
    ok = transit_depths(t, flux2, period=period, t0=5.0, duration=dur, depth=1e-3)
    assert not ok.raised, ok.reason


def test_a_transit_moved_by_timing_variations_is_measured_where_it_is():
    """Kepler-90 g (11 Kepler quarters) was rejected by transit_depths: one of its five
    transits comes 28 h (3.4 durations) after its linear ephemeris, and the test found it
    missing (an audit of multi-file stars). A missing transit with a significant dip of about
    the mean depth within four durations (and a tenth of the period) is measured there; one
    with nothing there, or only a far deeper dip (another planet's), is still missing."""
    from starskope.vet import transit_depths

    rng = np.random.default_rng(7)
    t = np.arange(0.0, 90.0, 0.0204)
    period, dur = 20.0, 0.25
    base = 1.0 + rng.normal(0.0, 2e-4, t.size)

    def dips(shift, depth_moved=1e-3):
        flux = base.copy()
        for n in range(5):
            moved = n == 3
            at = 5.0 + n * period + (shift if moved else 0.0)
            flux[np.abs(t - at) < dur / 2] -= depth_moved if moved else 1e-3
        return flux

    kw = dict(period=period, t0=5.0, duration=dur, depth=1e-3)
    assert transit_depths(t, dips(0.0), **kw).raised is False
    moved = transit_depths(t, dips(3.4 * dur), **kw)
    assert not moved.raised, moved.reason
    import re

    hours = float(re.search(r"transit number 3 measured \+([\d.]+) h", moved.reason).group(1))
    assert abs(hours - 3.4 * 24 * dur) <= 1.5 and "timing variations" in moved.reason
    assert transit_depths(t, dips(3.4 * dur, depth_moved=0.0), **kw).raised  # nothing there
    assert transit_depths(t, dips(3.4 * dur, depth_moved=3e-3), **kw).raised  # far deeper
    assert transit_depths(t, dips(6.0 * dur), **kw).raised  # beyond four durations
    # two moved transits: the depth they must match is the transits' that are there (the
    # moved ones read shallow and pulled the mean of all five to half; a review)
    two = base.copy()
    for n, shift in enumerate([0, 2, 0, -2, 0]):
        two[np.abs(t - (5.0 + n * period + shift * dur)) < dur / 2] -= 1e-3
    flag = transit_depths(t, two, **kw)
    assert not flag.raised and flag.reason.count("timing variations") == 2, flag.reason
    # one outlying cadence is no transit (a review: a 60-sigma point stood in for one)
    point = dips(0.0)
    point[np.abs(t - 65.0) < dur / 2] += 1e-3  # transit 3 missing
    point[np.argmin(np.abs(t - 65.6))] -= 12e-3
    assert transit_depths(t, point, **kw).raised


_DIPS_T = np.arange(0.0, 70.0, 0.0204)
_DIPS_N = int(70 / 1.47) + 1


def _periodic_dips(rng, depths, *, period=1.47, t0=0.5, dur=0.2, noise=1e-3):
    """White noise with box dips of the given depths, one per period from t0."""
    flux = 1.0 + rng.normal(0.0, noise, _DIPS_T.size)
    for k, d in enumerate(depths):
        flux[np.abs(_DIPS_T - (t0 + k * period)) < dur / 2] -= d
    return flux


def test_transit_depths_flags_dips_of_varying_depth():
    """Dips at one period whose depths wander by ~100% (a spotted star, systematics) are not a
    transit; a planet whose transits vary by 20% (spot crossings, detrending) still passes."""
    from starskope.vet import transit_depths

    rng = np.random.default_rng(11)
    t, period, dur, n = _DIPS_T, 1.47, 0.2, _DIPS_N

    def dips(scale):
        return _periodic_dips(rng, 2e-3 * scale)

    wild = np.clip(rng.normal(1.0, 0.9, n), -0.5, None)
    flag = transit_depths(t, dips(wild), period=period, t0=0.5, duration=dur, depth=2e-3)
    assert flag.raised and "scatter" in flag.reason, flag.reason
    mild = rng.normal(1.0, 0.2, n)
    ok = transit_depths(t, dips(mild), period=period, t0=0.5, duration=dur, depth=2e-3)
    assert not ok.raised, ok.reason


def test_transit_depths_measures_each_transit_against_its_neighbours():
    """What detrending leaves of a star's variability moves each transit's baseline: each
    transit's depth is measured against the out-of-transit points on both its sides, so equal
    transits on a residual wave come out equal (against the light curve's baseline they
    follow the wave); a transit with a gap on one side falls back on that baseline."""
    from starskope.vet import transit_depths
    from starskope.vet.base import _context
    from starskope.vet.checks import _single_transits

    rng = np.random.default_rng(3)
    t, period, dur, n = _DIPS_T, 1.47, 0.2, _DIPS_N
    wave = 1.5e-3 * np.sin(2 * np.pi * t / 3.3)  # residual variability, about the depth
    equal = _periodic_dips(rng, np.full(n, 2e-3), noise=3e-4) + wave
    ok = transit_depths(t, equal, period=period, t0=0.5, duration=dur, depth=2e-3)
    assert not ok.raised, ok.reason
    ctx = _context(t, equal, None, period=period, t0=0.5, duration=dur, depth=2e-3)
    depth, err, number = _single_transits(ctx)
    assert number.size == n
    # against the global baseline the depths would scatter like the wave (1e-3 rms)
    assert np.std(depth) < 2.5e-4 and abs(np.mean(depth) - 2e-3) < 1e-4
    assert np.all(np.abs(depth - 2e-3) < 3 * err)
    # a gap right after transit 3: no right-hand neighbours, so the global baseline is used
    keep = ~((t > 0.5 + 3 * period + 0.05) & (t < 0.5 + 3 * period + 0.6))
    ctx = _context(t[keep], equal[keep], None, period=period, t0=0.5, duration=dur, depth=2e-3)
    d_gap, e_gap, number = _single_transits(ctx)
    k = int(np.flatnonzero(number == 3)[0])
    assert e_gap[k] < e_gap[k + 1]  # no neighbours' mean in its error
    own = ctx.flux[ctx.in_transit & (ctx.cycle == 3)]
    assert d_gap[k] == pytest.approx(ctx.baseline - np.mean(own), abs=1e-12)
    # a gap leaving one neighbour on the left and many on the right: the two sides weigh the
    # same (their means are averaged), so the wave's slope still cancels
    # (noise-free, so that the bias is not hidden in the errors)
    c4 = 0.5 + 4 * period
    keep = ~((t > c4 - 0.45) & (t < c4 - 0.17))
    clean_flux = _periodic_dips(rng, np.full(n, 2e-3), noise=0.0) + wave
    ctx = _context(t[keep], clean_flux[keep], None, period=period, t0=0.5, duration=dur,
                   depth=2e-3)  # fmt: skip
    left = (ctx.cycle == 4) & (ctx.phase < -0.15) & (ctx.phase > -0.45)
    assert np.count_nonzero(left) == 1
    d_one, _, number = _single_transits(ctx)
    k = int(np.flatnonzero(number == 4)[0])
    assert abs(d_one[k] - 2e-3) < 1e-4


def test_transit_depths_scatter_needs_measurable_single_transits():
    """Shallow transits (single-transit SNR ~1) whose depths scatter only through extra noise
    at the transits (a trend interpolated across masked transits is noisier than where it is
    fitted) are not rejected; the same relative scatter of deep transits (SNR ~6) is."""
    from starskope.vet import transit_depths

    rng = np.random.default_rng(5)
    t, period, dur = _DIPS_T, 1.47, 0.2

    def dips(depth):
        return _periodic_dips(rng, depth * (1.0 + rng.normal(0.0, 1.2, _DIPS_N)))

    shallow = transit_depths(t, dips(5e-4), period=period, t0=0.5, duration=dur, depth=5e-4)
    assert not shallow.raised, shallow.reason
    import re

    single = float(re.search(r"or more, here (-?[0-9.]+)", shallow.reason).group(1))
    assert single < 2.5  # the single-transit SNR is reported, below the condition's threshold
    deep = transit_depths(t, dips(2e-3), period=period, t0=0.5, duration=dur, depth=2e-3)
    assert deep.raised and "scatter" in deep.reason, deep.reason


def _segments(cadence, spans):
    return np.concatenate([np.arange(a, b, cadence) for a, b in spans])


def test_ramps_at_segment_edges_lined_up_by_a_period_are_not_a_transit(rng):
    # TESS-like: two orbits, each with a momentum-dump pause; every segment starts with a
    # ramp a few hours long (the false positive of tic169458450 in the bulk set)
    starts = (0.0, 7.4, 14.8, 22.2)
    t = _segments(FFI_10MIN / 3, [(a, a + 6.9) for a in starts])
    flux = 1 + rng.normal(0, 5e-4, t.size)
    for start in starts:
        w = (t >= start) & (t < start + 0.2)
        flux[w] -= 4e-3 * np.exp(-(t[w] - start) / 0.08)
    # a period that puts a "transit" on the start of every segment
    flags = vet_candidate(t, flux, None, period=7.4, t0=0.05, duration=0.15, depth=2e-3)
    flag = next(f for f in flags if f.name == "data_edges")
    assert flag.raised and ": 4 of 4 with data: no transit away from them" in flag.reason
    assert not is_planet_like(flags)
    # two of two at edges, each a dip where the data begin: no baseline before either one
    two = t < 14.0
    flag = data_edges(t[two], flux[two], period=7.4, t0=0.05, duration=0.15, depth=2e-3)
    assert flag.raised and "none has a baseline both before and after it" in flag.reason


def test_two_whole_transits_next_to_gaps_are_let_through(rng):
    # two of two at edges happens to a planet now and then (Kepler-106 e in one quarter): each
    # transit a few hours from a gap or the end, with data before its ingress and after egress
    t = _segments(FFI_10MIN / 3, [(0.0, 6.9), (7.4, 14.3)])
    flux = 1 + rng.normal(0, 5e-4, t.size)
    eph = dict(period=7.45, t0=6.75, duration=0.08, depth=3e-3)  # transits at 6.75 and 14.2
    for c in (6.75, 14.2):
        flux[np.abs(t - c) < 0.04] -= 3e-3
    flag = data_edges(t, flux, **eph)
    assert not flag.raised and "too few to tell" in flag.reason, flag.reason
    # the data end inside the second transit: let through while the first is whole
    one = t < 14.21
    flag = data_edges(t[one], flux[one], **eph)
    assert not flag.raised, flag.reason
    # ... and raised once the first has a single cadence after its egress (6.79 d)
    both = one & ~((t > 6.7925) & (t < 6.9))
    flag = data_edges(t[both], flux[both], **eph)
    assert flag.raised and "none has a baseline both before and after it" in flag.reason
    # two cadences after it are a baseline
    both = one & ~((t > 6.7948) & (t < 6.9))
    assert not data_edges(t[both], flux[both], **eph).raised
    # a baseline hidden by another candidate's transits is still data
    other = (t > 6.6) & (t < 6.7)
    flag = data_edges(t[one], flux[one], **eph, exclude=other[one])
    assert not flag.raised, flag.reason


def test_kepler_106_e_geometry_passes_the_edge_test(rng):
    # Kepler-106 e in Q12: 43.8 d, 6-h transits, 29.4-min cadence; the data stop 0.60 and 0.83
    # durations after the two mid-times (one and four cadences after egress), and resume later
    cad, dur, period = 29.4244 / 1440, 0.25, 43.79
    t = _segments(cad, [(0.0, 10.0 + 0.60 * dur), (12.0, 10.0 + period + 0.83 * dur),
                        (56.0, 80.0)])  # fmt: skip
    flux = 1 + rng.normal(0, 2e-4, t.size)
    for c in (10.0, 10.0 + period):
        flux[np.abs(t - c) < 0.5 * dur] -= 1e-3
    eph = dict(period=period, t0=10.0, duration=dur, depth=1e-3)
    flag = data_edges(t, flux, **eph)
    assert not flag.raised and "2 of 2" in flag.reason, flag.reason
    # the same two dips with the data stopping at each egress: no baseline after either
    cut = _segments(cad, [(0.0, 10.0 + 0.5 * dur), (12.0, 10.0 + period + 0.5 * dur),
                          (56.0, 80.0)])  # fmt: skip
    flux = 1 + rng.normal(0, 2e-4, cut.size)
    assert data_edges(cut, flux, **eph).raised


def test_a_single_dip_where_the_data_begin_is_raised(rng):
    t = _segments(FFI_10MIN, [(0.0, 12.0), (14.0, 26.0)])
    flux = 1 + rng.normal(0, 5e-4, t.size)
    w = (t >= 14.0) & (t < 14.1)
    flux[w] -= 3e-3
    flag = data_edges(t, flux, period=20.0, t0=14.05, duration=0.1, depth=3e-3)
    assert flag.raised and "1 of 1 with data" in flag.reason
    # the same dip a few hours into the segment is a transit the test cannot judge
    flux = 1 + rng.normal(0, 5e-4, t.size)
    flux[(t >= 14.2) & (t < 14.3)] -= 3e-3
    flag = data_edges(t, flux, period=20.0, t0=14.25, duration=0.1, depth=3e-3)
    assert not flag.raised, flag.reason


def test_a_planet_with_transits_at_edges_and_away_passes_the_edge_test(rng):
    t, flux, eph = planet(rng, snr=15.0, period=3.5, t0=1.3)
    keep = (t < 4.79) | (t > 6.5)  # a gap that begins in the transit at 4.8 d
    keep &= (t < 11.7) | (t > 13.0)  # and one that begins just before the transit at 11.8 d
    flag = data_edges(t[keep], flux[keep], **eph)
    assert not flag.raised
    assert ": 1 of 7 with data" in flag.reason and flag.value > 3.0


def test_edge_dips_with_a_flat_transit_away_from_them_are_raised(rng):
    # two ramps at segment starts 10 d apart and nothing at the period's third epoch
    t = _segments(FFI_10MIN, [(0.0, 8.0), (10.0, 18.0), (19.0, 27.0)])
    flux = 1 + rng.normal(0, 5e-4, t.size)
    for start in (0.0, 10.0):
        w = (t >= start) & (t < start + 0.15)
        flux[w] -= 3e-3
    flag = data_edges(t, flux, period=10.0, t0=0.07, duration=0.15, depth=3e-3)
    assert flag.raised and "the other 1 show" in flag.reason and flag.value < 3.0
    clean = planet(rng, snr=20.0)
    assert not data_edges(clean[0], clean[1], **clean[2]).raised


def test_edges_of_short_segments_are_not_held_against_a_transit(rng):
    # ground-based: 8-hour nights, each transit inside one; every mid-time is within a few
    # hours of dusk or dawn, so the edge test has nothing to say
    nights = [(n + 0.6, n + 0.93) for n in range(0, 30)]
    t = _segments(2.0 / 1440, nights)
    flux = 1 + rng.normal(0, 2e-3, t.size)
    tc = 0.7 + 3.0 * np.arange(10)
    for c in tc:
        flux[np.abs(t - c) < 0.04] -= 1e-2
    flag = data_edges(t, flux, period=3.0, t0=0.7, duration=0.08, depth=1e-2)
    assert not flag.raised and "long enough" in flag.reason


def test_odd_even_takes_no_binary_from_a_parity_whose_transits_are_all_at_segment_edges():
    """Kepler-20 d in Q6+Q7 (three transits) was rejected as a binary: its one odd transit
    begins three cadences after Q7's first, on the quarter's opening ramp, and read 979
    against 676 ppm (an audit of multi-file stars). A parity whose transits all lie at a data
    segment's start or end is no evidence of a binary; a binary whose odd eclipses are away
    from the edges is still one."""
    from starskope.vet import odd_even

    rng = np.random.default_rng(3)
    period, dur, t0 = 20.0, 0.25, 5.0
    t = np.r_[np.arange(0.0, 22.0, 0.0204), np.arange(24.9, 60.0, 0.0204)]  # Q7 starts at 24.9
    flux = 1.0 + rng.normal(0.0, 1e-4, t.size)
    n = np.round((t - t0) / period)
    inside = np.abs(t - t0 - n * period) < dur / 2
    flux[inside] -= 7e-4
    flux[inside & (n == 1)] -= 3e-4  # the edge transit reads deeper (the ramp below it)
    flag = odd_even(t, flux, period=period, t0=t0 + 0.0, duration=dur)
    assert not flag.raised and "every odd transit lies at a data segment's start or end" in (
        flag.reason
    ), flag.reason
    # the same depths with the odd transit in the middle of its segment: a binary's
    t_mid = np.arange(0.0, 60.0, 0.0204)
    f_mid = 1.0 + rng.normal(0.0, 1e-4, t_mid.size)
    n = np.round((t_mid - t0) / period)
    inside = np.abs(t_mid - t0 - n * period) < dur / 2
    f_mid[inside] -= 7e-4
    f_mid[inside & (n == 1)] -= 3e-4
    assert odd_even(t_mid, f_mid, period=period, t0=t0, duration=dur).raised
