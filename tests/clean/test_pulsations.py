"""Prewhitening of coherent pulsations (starskope.clean.pulsations)."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.clean.pulsations import remove_pulsations
from starskope.simulate.binaries import PulsatorSignal
from starskope.simulate.inject import PlanetSignal

CAD = 0.0204340278  # K2 long cadence, days
T = np.arange(3197) * CAD


def _planet(period: float, rp_rs: float, t0: float = 0.4) -> PlanetSignal:
    a_rs = (period / 365.25) ** (2 / 3) * 215
    return PlanetSignal(period=period, t0=t0, rp_rs=rp_rs, a_rs=a_rs, impact=0.3)


def _fold_depth(flux, planet: PlanetSignal) -> float:
    ph = ((T - planet.t0 + 0.5 * planet.period) % planet.period) - 0.5 * planet.period
    inside = np.abs(ph) < 0.25 * planet.duration
    outside = np.abs(ph) > planet.duration
    return float(np.median(flux[outside]) - np.mean(flux[inside]))


def test_delta_scuti_modes_are_removed_and_the_transits_kept():
    """Four modes of 1-4 parts per thousand on a 1600-ppm planet: the modes come out at their
    frequencies and amplitudes (exposure-smeared), the flux left is the planet and the noise,
    and the folded transit keeps its depth."""
    pul = PulsatorSignal(
        frequencies=(17.14, 6.84, 11.93, 21.5),
        amplitudes=(4e-3, 2.4e-3, 1.5e-3, 1e-3),
        phases=(0.3, 1.2, 2.0, 4.1),
    )
    planet = _planet(3.33, 0.037)
    rng = np.random.default_rng(0)
    transit = planet.model(T, exptime=CAD)
    flux = 1000.0 * (pul.model(T, exptime=CAD) * transit + 2e-4 * rng.normal(size=T.size))
    p = remove_pulsations(T, flux)
    assert sorted(round(f, 2) for f in p.frequencies) == [6.84, 11.93, 17.14, 21.5]
    smear = {f: a * np.sinc(f * CAD) for f, a in zip(pul.frequencies, pul.amplitudes, strict=True)}
    for f, a in zip(p.frequencies, p.amplitudes, strict=True):
        true = min(smear, key=lambda g: abs(g - f))
        assert a == pytest.approx(smear[true], rel=0.05)
    left = flux / 1000.0 / (1.0 + p.model)
    assert np.std(left - transit) == pytest.approx(2e-4, rel=0.1)
    truth = _fold_depth(transit, planet)
    assert _fold_depth(left, planet) == pytest.approx(truth, rel=0.1)


@pytest.mark.parametrize(("period", "rp_rs"), [(1.3, 0.1), (0.7, 0.15), (3.0, 0.05)])
def test_a_train_of_transits_is_not_prewhitened(period, rp_rs):
    """A deep planet on a quiet star has Fourier peaks at its harmonics far above the noise;
    they live in the transits alone and are left alone."""
    planet = _planet(period, rp_rs, t0=0.3)
    flux = planet.model(T, exptime=CAD) + 1e-4 * np.random.default_rng(1).normal(size=T.size)
    p = remove_pulsations(T, flux)
    assert p.frequencies == () and not p.model.any()
    assert "harmonic" in p.stopped


def test_non_sinusoidal_variables_are_left_alone():
    """An RR Lyrae star's sawtooth and a contact binary's unequal minima are periodic but not
    sinusoidal: their harmonics are found and nothing is removed (the search subtracts their
    folded shape)."""
    rng = np.random.default_rng(2)
    phase = (T * 2.2) % 1.0  # an RRab-like star: 0.45 d, a fast rise and a slow decline
    rrlyr = 1.0 + 0.15 * np.where(phase < 0.15, phase / 0.15, 1.0 - (phase - 0.15) / 0.85)
    p = remove_pulsations(T, rrlyr + 1e-3 * rng.normal(size=T.size))
    assert p.frequencies == () and "harmonic of" in p.stopped
    orbit = 2 * np.pi * T / 0.31  # a contact binary: minima of 8% and 7%
    contact = 1.0 - 0.04 * (1 - np.cos(2 * orbit)) - 0.005 * np.cos(orbit)
    p = remove_pulsations(T, contact + 3e-4 * rng.normal(size=T.size))
    assert p.frequencies == () and "non-sinusoidal" in p.stopped


def test_quiet_stars_and_short_light_curves_are_untouched():
    rng = np.random.default_rng(3)
    white = 1.0 + 2e-4 * rng.normal(size=T.size)
    p = remove_pulsations(T, white)
    assert p.frequencies == () and p.model.shape == T.shape and not p.model.any()
    assert remove_pulsations(T[:150], white[:150]).frequencies == ()
    assert remove_pulsations(T, -white).frequencies == ()  # no positive level


def test_a_shallow_planets_harmonics_in_a_long_light_curve_are_left_alone():
    """Four TESS sectors at two-minute cadence (1000 ppm per point) make a 1400-ppm planet's
    harmonics at 5/P and 6/P significant, and its transits, one sigma deep, are no outliers:
    they were removed as modes, and the planet rejected as the residual of a sinusoid (the
    review's case). A peak must carry a share of the scatter to be a mode."""
    cad = 2 / 1440
    t = np.concatenate([np.arange(a, b, cad) for a, b in ((0, 13), (14, 27), (55, 68), (69, 82))])
    rng = np.random.default_rng(0)
    for _ in range(7):  # the review's seventh draw: P = 1.3605 d, radius ratio 0.036
        period = float(np.exp(rng.uniform(np.log(0.5), np.log(6))))
        rp = float(rng.uniform(0.02, 0.06))
        planet = PlanetSignal(period=period, t0=rng.uniform(0, period), rp_rs=rp,
                              a_rs=(period / 365.25) ** (2 / 3) * 215, impact=0.3)  # fmt: skip
        flux = planet.model(t, exptime=cad) + 1e-3 * rng.normal(size=t.size)
    assert period == pytest.approx(1.3605, abs=1e-4)
    p = remove_pulsations(t, flux)
    assert p.frequencies == () and "of the scatter left" in p.stopped, p.stopped


def test_the_most_modes_and_a_weak_harmonic_of_a_pulsator():
    """Reaching ``max_modes`` says so; a delta Scuti mode's own harmonic at 4% of it is a
    mode, not the sign of a non-sinusoidal variable (which would switch everything off)."""
    pul = PulsatorSignal(frequencies=(11.93, 6.84, 17.14, 23.86), amplitudes=(4e-3, 2.4e-3,
                         1.5e-3, 1.6e-4), phases=(0.3, 1.2, 2.0, 0.7))  # fmt: skip
    flux = pul.model(T, exptime=0) + 2e-5 * np.random.default_rng(4).normal(size=T.size)
    p = remove_pulsations(T, flux, max_modes=2)
    assert len(p.frequencies) == 2 and p.stopped == "the most modes removed (2)"
    p = remove_pulsations(T, flux)
    assert sorted(round(f, 2) for f in p.frequencies)[:4] == [6.84, 11.93, 17.14, 23.86]


def test_the_high_pass_equals_its_plain_definition():
    """The vectorised running median of quarter-width bin medians (bins of under three points
    left out, gaps included) equals the loop that defines it."""
    from starskope.clean.pulsations import _high_pass

    rng = np.random.default_rng(5)
    t = np.sort(np.concatenate([rng.uniform(0, 9, 700), rng.uniform(12.3, 20, 600)]))
    y = np.sin(t / 2.0) + 0.1 * rng.normal(size=t.size)
    edges = np.arange(t[0], t[-1] + 1.0, 0.25)
    idx = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, edges.size - 1)
    keep = [k for k in np.unique(idx) if np.sum(idx == k) >= 3]
    med = np.array([np.median(y[idx == k]) for k in keep])
    centres = np.array([np.median(t[idx == k]) for k in keep])
    smooth = np.array([np.median(med[np.abs(centres - c) <= 0.5]) for c in centres])
    assert np.allclose(_high_pass(t, y, 1.0), y - np.interp(t, centres, smooth), atol=1e-12)


def test_a_mode_near_a_simple_ratio_of_another_is_no_harmonic():
    """A mode at 33.361 c/d and another at 6.609 c/d: 33.361 / 5 = 6.672 falls on the flank of
    the 6.609 c/d peak, which was read as the first mode's fundamental and switched the
    prewhitening off (a review's case); a harmonic must sit at the top of the peak."""
    t = np.concatenate([np.arange(0, 13, 10 / 1440), np.arange(14, 27, 10 / 1440)])
    pul = PulsatorSignal(frequencies=(33.3612, 6.609, 12.3), amplitudes=(4e-3, 3.5e-3, 2e-3),
                         phases=(0.4, 2.2, 5.0))  # fmt: skip
    flux = pul.model(t, exptime=0) + 3e-4 * np.random.default_rng(7).normal(size=t.size)
    p = remove_pulsations(t, flux)
    assert sorted(round(f, 2) for f in p.frequencies) == [6.61, 12.3, 33.36], p.stopped
