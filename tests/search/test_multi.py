"""Multi-planet search and TLS."""

from __future__ import annotations

import numpy as np
import pytest

from starskope import StarskopeError
from starskope.search import search_multi, search_tls

from .conftest import make_transits


def test_two_planets_are_separated(rng):
    planets = [(5.3, 2001.1, 0.15, 1.5e-3), (2.17, 2000.6, 0.08, 8e-4)]
    t, flux = make_transits(rng, planets=planets, noise=2.5e-4)
    found = search_multi(t, flux, max_planets=3)
    sig = [r for r in found if r.snr >= 7.1 and r.sde >= 7.0]
    assert len(sig) == 2
    got = sorted(r.period for r in sig)
    assert got[0] == pytest.approx(2.17, rel=2e-3)
    assert got[1] == pytest.approx(5.3, rel=2e-3)
    # stops on the first non-significant pass
    assert len(found) == 3 and (found[-1].snr < 7.1 or found[-1].sde < 7.0)


def test_max_planets_caps_and_noise_stops(rng):
    planets = [(5.3, 2001.1, 0.15, 1.5e-3), (2.17, 2000.6, 0.08, 8e-4)]
    t, flux = make_transits(rng, planets=planets, noise=2.5e-4)
    assert len(search_multi(t, flux, max_planets=1)) == 1
    t, flux = make_transits(rng, planets=[], noise=2.5e-4)
    found = search_multi(t, flux, max_planets=3)
    assert len(found) == 1 and found[0].snr < 7.1
    with pytest.raises(StarskopeError, match="unknown search method"):
        search_multi(t, flux, method="gls")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls_recovers_the_same_planet(rng):
    # short and sparse so TLS stays fast
    t = np.arange(0, 14, 0.0204)
    flux = 1 + rng.normal(0, 2e-4, t.size)
    flux[np.abs((t - 0.9 + 1.6) % 3.2 - 1.6) < 0.06] -= 2e-3
    res = search_tls(t, flux, oversample=2)
    assert res.period == pytest.approx(3.2, rel=5e-3)
    assert res.depth == pytest.approx(2e-3, rel=0.2)
    assert res.periodogram.method == "tls" and res.sde > 7


def _spotted(seed: int, depth: float):
    """70 days of K2-like cadence: white noise, correlated noise (0.4-d AR(1)), three broad
    dips 25 days apart (a red-noise signal whose box power beats a shallow planet's but whose
    SNR, with the correlated noise counted, does not pass) and a 3.37-d planet of ``depth``."""
    rng = np.random.default_rng(seed)
    t = 2000 + np.arange(0.0, 70.0, 0.0204)
    phi = np.exp(-0.0204 / 0.4)
    kick = rng.standard_normal(t.size) * 3e-4 * np.sqrt(1 - phi**2)
    red = np.zeros(t.size)
    for i in range(1, t.size):
        red[i] = phi * red[i - 1] + kick[i]
    flux = 1 + red + 2e-4 * rng.standard_normal(t.size)
    for c in (2010.0, 2035.0, 2060.0):
        flux -= 1.2e-3 * np.exp(-0.5 * ((t - c) / 0.25) ** 2)
    flux[np.abs((t - 2001.3 + 0.5 * 3.37) % 3.37 - 0.5 * 3.37) < 0.06] -= depth
    return t, flux


def _found(results, period):
    return any(abs(r.period / period - 1) < 3e-3 and r.snr >= 7.1 and r.sde >= 7.0 for r in results)


def test_alternate_peaks_find_a_planet_under_a_red_noise_peak():
    # seeds where the strongest peak is the broad dips' 25-d period, not significant
    for seed in (1, 11, 14, 15):
        t, flux = _spotted(seed, 6e-4)
        plain = search_multi(t, flux, max_planets=2, oversample=2)
        assert len(plain) == 1 and not _found(plain, 3.37)
        assert plain[0].period == pytest.approx(25.0, rel=0.01)
        found = search_multi(t, flux, max_planets=2, oversample=2, alternates=3)
        # the insignificant top pass is kept first; the planet follows it
        assert (found[0].period, found[0].snr) == (plain[0].period, plain[0].snr)
        assert _found(found[1:2], 3.37)
        alt = found[1]
        # its SDE is read off the first pass's periodogram, which it carries with the periods
        # around its own P/2 and 2P added (the vetting's alias test compares power there)
        top, pg = plain[0].periodogram, alt.periodogram
        shared = np.isin(pg.period, top.period)
        assert shared.sum() == top.period.size and np.all(np.diff(pg.period) > 0)
        assert np.array_equal(pg.power[shared], top.power)
        assert np.array_equal(pg.sde[shared], top.sde)
        j = np.argmin(np.abs(top.period - alt.period))
        assert alt.sde == pytest.approx(top.sde[j], abs=2.0)
        for f in (0.5, 2.0):
            added = pg.period[~shared]
            assert np.any(np.abs(added / (f * alt.period) - 1) < 0.01)
        assert np.all(np.isfinite(pg.sde))


def test_alternate_peaks_invent_nothing_in_noise():
    for seed in range(8):
        t, flux = _spotted(seed, 0.0)
        plain = search_multi(t, flux, max_planets=2, oversample=2)
        found = search_multi(t, flux, max_planets=2, oversample=2, alternates=3)
        assert [r.period for r in found] == [r.period for r in plain]


def test_tls_warns_before_a_search_that_takes_minutes(rng):
    from starskope.exceptions import StarskopeWarning
    from starskope.search.tls import warn_if_slow

    slow = r"TLS over 1460 days \(71k points\) will take minutes.*however binned"
    with pytest.warns(StarskopeWarning, match=slow):
        assert warn_if_slow(71_000, 1460.0)
    with pytest.warns(StarskopeWarning, match="box search"):
        assert warn_if_slow(5_000, 800.0)  # sparse but long
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not warn_if_slow(18_000, 80.0)  # a TESS sector at 2 minutes
        assert not warn_if_slow(117_000, 27.0)  # one at 20 s: 1 s, TLS bins the points


def _binary_and_planet(rng, *, binary_period=0.6, span=80.0):
    """A contact-like binary (8 ppt primary, 4 ppt secondary, ellipsoidal) and a 2.5-ppt
    planet at 5.3 d."""
    t = np.arange(0.0, span, 0.0204)
    ph = np.mod(t / binary_period, 1.0)
    flux = 1 + rng.normal(0, 1e-3, t.size)
    flux -= 8e-3 * ((ph < 0.05) | (ph > 0.95)) + 4e-3 * (np.abs(ph - 0.5) < 0.05)
    flux += 1.5e-3 * np.cos(4 * np.pi * ph)
    flux -= 2.5e-3 * (np.abs(np.mod(t - 2.1 + 2.65, 5.3) - 2.65) < 0.06)
    return t, flux


def test_a_binary_found_again_is_subtracted_and_the_planet_found():
    """Masked pass after pass, a short-period binary takes every slot (primary, secondary,
    residual); subtracted as its folded shape when found again, it leaves the planet."""
    t, flux = _binary_and_planet(np.random.default_rng(4))
    before = search_multi(t, flux, max_planets=3)
    assert all(r.period == pytest.approx(0.6, rel=0.01) for r in before)
    after = search_multi(t, flux, max_planets=3, repeats=2)
    assert any(r.period == pytest.approx(5.3, rel=2e-3) and r.snr > 10 for r in after)
    assert len(after) <= 3 + 2  # the repeats take no planet slot, and are capped


def test_only_sources_with_many_cycles_are_subtracted():
    from starskope.search.multi import MIN_CYCLES_SUBTRACTED, _repeated_source

    t = np.arange(0.0, 80.0, 0.0204)
    assert _repeated_source(0.601, [0.6], t) == 0
    assert _repeated_source(0.6, [5.0, 0.6], t) == 1
    assert _repeated_source(1.206, [0.6], t) is None  # a planet near 2:1 is another planet
    assert _repeated_source(0.65, [0.6], t) is None
    # a 14-d binary in 80 days: five cycles, each phase bin's median would take a planet's
    # transits, so it is masked as before
    assert 80.0 / 14.0 < MIN_CYCLES_SUBTRACTED and _repeated_source(14.0, [14.0], t) is None
    # two sectors a year apart span 20 cycles of a 19-d signal but hold data in four
    two = np.concatenate([np.arange(0.0, 27.0, 0.0208), np.arange(365.0, 392.0, 0.0208)])
    assert _repeated_source(19.0, [19.0], two) is None
    assert _repeated_source(0.6, [0.6], two) == 0


def test_lifting_a_binary_keeps_a_planet_found_before_it_masked():
    """Primary, then the planet, then the (shallower) secondary: lifting the binary's windows
    must not bring back the planet's transits that fell in them (the planet was found twice and
    rejected as its own 2P alias)."""
    rng = np.random.default_rng(1)
    t = np.arange(0.0, 80.0, 0.0204)
    ph = np.mod(t / 0.6, 1.0)
    flux = 1 + rng.normal(0, 1e-3, t.size)
    flux -= 8e-3 * ((ph < 0.05) | (ph > 0.95)) + 1.2e-3 * (np.abs(ph - 0.5) < 0.05)
    flux -= 6e-3 * (np.abs(np.mod(t - 2.1 + 2.65, 5.3) - 2.65) < 0.06)
    found = search_multi(t, flux, max_planets=3, repeats=2)
    planet = [r for r in found if r.period == pytest.approx(5.3, rel=2e-3) and r.snr > 7.1]
    assert len(planet) == 1, [(round(r.period, 4), round(r.snr, 1)) for r in found]


def test_folded_shape_ignores_missing_times():
    from starskope.search.multi import folded_shape

    t = np.arange(0.0, 30.0, 0.02)
    t[::50] = np.nan
    flux = 1.0 + 0.01 * np.sin(2 * np.pi * np.nan_to_num(t) / 0.61)
    shape = folded_shape(t, flux, np.isfinite(t), 0.61)  # no cast warning (warnings are errors)
    assert np.all(shape[np.isnan(t)] == 0.0) and np.ptp(shape) > 0.015


def test_alternate_peaks_are_tried_on_every_pass_not_only_the_first():
    # TESS 2-min, three planets: after the 3.4-d planet is masked, the next pass's raw power
    # peaks at a one-transit long period (SDE < 7), which ended the search; the same
    # periodogram holds the 5.11-d planet (expected SNR ~36) above SDE 7
    from starskope import LightCurve, analyse
    from starskope.simulate.inject import PlanetSignal, a_rs_from_density

    t = np.arange(0.0, 27.0, 2.0 / 1440.0)
    t = t[(t < 13.0) | (t > 14.2)]
    model = np.ones_like(t)
    for period, t0, rp in ((3.4, 0.6, 0.05), (5.11, 2.2, 0.04), (11.8, 4.0, 0.05)):
        a_rs = a_rs_from_density(period=period, rho_star=1.4)
        planet = PlanetSignal(period=period, t0=t0, rp_rs=rp, a_rs=a_rs, impact=0.3)
        model *= planet.model(t, exptime=2.0 / 1440.0)
    flux = model + np.random.default_rng(0).normal(0.0, 1e-3, t.size)
    result = analyse(LightCurve(t + 2000.0, flux, np.full(t.size, 1e-3), time_format="btjd"))
    found = [c for c in result.candidates if abs(c.period_days / 5.11 - 1) < 0.003]
    assert found and found[0].is_planet_like
