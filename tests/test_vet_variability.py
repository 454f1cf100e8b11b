"""The variability match: a 'transit' at the star's own dominant period is not a planet."""

from __future__ import annotations

import numpy as np
import pytest

from starskope import PipelineConfig
from starskope.pipeline import analyse
from starskope.vet.variability import Variability, dominant_variability, variability_match

K2_CADENCE = 29.4244 / 1440


def test_dominant_variability_finds_period_and_amplitude(rng):
    t = np.arange(3197) * K2_CADENCE
    flux = 1000.0 * (1 + 0.008 * np.sin(2 * np.pi * t / 2.7 + 0.3) + rng.normal(0, 1e-3, t.size))
    v = dominant_variability(t, flux)
    assert abs(v.period / 2.7 - 1) < 0.005
    assert abs(v.peak_to_peak - 0.016) < 0.001
    assert v.power > 0.9 and abs(v.baseline - t[-1]) < 1e-9
    assert dominant_variability(t[:10], flux[:10]) is None
    assert dominant_variability(t, -flux) is None


@pytest.mark.parametrize(
    ("period", "depth", "raised"),
    [
        (1.4655, 0.002, True),  # same period
        (2.9300, 0.002, True),  # twice it (an ellipsoidal binary's eclipses)
        (0.7330, 0.002, True),  # half it
        (1.5500, 0.002, False),  # 6% off: another period
        (1.4655, 0.050, False),  # a dip deeper than the variability is not its residual
    ],
)
def test_variability_match_decisions(period, depth, raised):
    v = Variability(period=1.465, peak_to_peak=0.034, power=0.95, baseline=65.0)
    flag = variability_match(period, depth, v)
    assert flag.name == "variability" and flag.raised is raised
    assert flag.value == pytest.approx(0.034 / depth)
    assert ("residual of the variability" in flag.reason) is raised


def test_variability_match_needs_power_and_a_measurement():
    weak = Variability(period=1.465, peak_to_peak=0.034, power=0.01, baseline=65.0)
    assert not variability_match(1.4655, 0.002, weak).raised
    assert not variability_match(1.4655, 0.002, None).raised


def test_transit_cannot_fake_its_own_variability(rng):
    """A deep box transit's Lomb-Scargle harmonics are weaker than its depth."""
    t = np.arange(3197) * K2_CADENCE
    flux = 1 + rng.normal(0, 3e-4, t.size)
    flux[np.abs((t - 1.1 + 1.6) % 3.2 - 1.6) < 0.12] -= 0.01  # duty cycle 7.5%
    v = dominant_variability(t, flux)
    assert v.peak_to_peak < 0.01
    assert not variability_match(3.2, 0.01, v).raised


def test_planet_in_a_quiet_star_passes_the_variability_match(rng):
    t = np.arange(3197) * K2_CADENCE
    flux = 1 + rng.normal(0, 5e-4, t.size)
    flux[np.abs((t - 2.0 + 2.05) % 4.1 - 2.05) < 0.06] -= 2e-3
    res = analyse(
        __import__("starskope").LightCurve(t, flux, time_format="relative"), PipelineConfig()
    )
    assert res.is_candidate
    flag = next(f for f in res.candidates[0].vetting if f.name == "variability")
    assert not flag.raised


def test_real_pulsator_residual_is_rejected(shared_data):
    """EPIC 247069684 (K2 C13) varies by 3.4% peak to peak at 1.465 d. In this 3197-cadence
    window (as the injection-recovery benchmark cuts it: relative flux, no errors) the
    local-polynomial detrending of active stars (the default before the rotation detrender,
    which removes these dips) leaves dips at that period that pass every other test."""
    from starskope.simulate.backgrounds import real_background

    path = shared_data / "bulk" / "k2" / "EPIC_247069684_mast.fits.gz"
    if not path.exists():
        pytest.skip(f"{path} not in the shared data")
    bg = real_background(path, rng=np.random.default_rng(0), n_points=3197)
    res = analyse(bg.lc, PipelineConfig(active_detrend_method="localpoly"))
    assert not res.is_candidate
    top = res.candidates[0]
    assert abs(top.period_days / 1.465 - 1) < 0.01
    raised = [f.name for f in top.vetting if f.raised]
    assert raised == ["variability"]
