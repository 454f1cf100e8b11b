"""False positives and planet populations (issue 4)."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.simulate.binaries import (
    EclipsingBinarySignal,
    HeartbeatSignal,
    PulsatorSignal,
    draw_eclipsing_binary,
    draw_pulsator,
)
from starskope.simulate.population import draw_loguniform_planet


def test_eb_primary_secondary_and_dilution():
    eb = EclipsingBinarySignal(period=4.0, t0=1.0, k=0.5, a_rs=10.0, impact=0.0, sb=0.4, u=(0, 0))
    t = np.array([1.0, 3.0, 2.0])  # primary, secondary, out of eclipse
    m = eb.model(t, exptime=None)
    l2 = 0.4 * 0.25
    assert 1 - m[0] == pytest.approx(0.25 / (1 + l2), rel=1e-3)  # uniform disc: k^2 of primary
    assert 1 - m[1] == pytest.approx(l2 / (1 + l2), rel=1e-3)  # total secondary eclipse
    assert m[2] == pytest.approx(1.0)
    diluted = EclipsingBinarySignal(**{**eb.__dict__, "dilution": 9.0})
    assert 1 - diluted.model(t[:1], exptime=None)[0] == pytest.approx((1 - m[0]) / 10, rel=1e-6)


def test_eb_odd_even_unequal_and_grazing_v_shape(rng):
    eb = draw_eclipsing_binary(rng, kind="detached", t_start=0.0)
    t = np.array([eb.t0, eb.t0 + eb.period / 2])
    prim, sec = 1 - eb.model(t)
    assert prim > sec >= 0
    gr = draw_eclipsing_binary(rng, kind="grazing", t_start=0.0)
    assert gr.impact > 1 - gr.k
    with pytest.raises(ValueError, match="kind"):
        draw_eclipsing_binary(rng, kind="contact", t_start=0.0)


def test_diluted_binary_is_planet_deep(rng):
    depths = []
    for _ in range(10):
        eb = draw_eclipsing_binary(rng, kind="diluted", t_start=0.0)
        depths.append(1 - eb.model(np.array([eb.t0]), exptime=0)[0])
    assert 2e-4 < np.median(depths) < 2e-2


def test_pulsators():
    p = PulsatorSignal(frequencies=(10.0,), amplitudes=(1e-3,), phases=(0.0,))
    t = np.linspace(0, 1, 2001)
    assert np.ptp(p.model(t, exptime=0)) == pytest.approx(2e-3, rel=1e-3)
    rng = np.random.default_rng(1)
    d = draw_pulsator(rng, kind="dsct")
    assert min(d.frequencies) >= 5
    g = draw_pulsator(rng, kind="gdor")
    assert max(g.frequencies) < 4


def test_heartbeat_flashes_once_per_orbit_at_periastron():
    """Edge-on with omega = 90 deg the distortion seen at periastron is a pure dip, face-on a
    pure brightening; the largest excursion is the amplitude, once per period; the cadence's
    exposure smooths the flash."""
    t = np.linspace(0.0, 20.0, 20001)
    kw = dict(period=5.0, t_periastron=1.0, eccentricity=0.6, amplitude=2e-3)
    edge = HeartbeatSignal(inclination=90.0, omega=90.0, **kw).model(t, exptime=0)
    face = HeartbeatSignal(inclination=0.0, omega=90.0, **kw).model(t, exptime=0)
    assert np.median(edge) == pytest.approx(1.0, abs=1e-6)
    assert np.max(np.abs(edge - 1)) == pytest.approx(2e-3, rel=1e-3)
    assert edge.min() == pytest.approx(1 - 2e-3, rel=1e-6) and face.max() > 1 + 1.9e-3
    assert t[np.argmin(edge)] % 5.0 == pytest.approx(1.0, abs=1e-3)
    assert t[np.argmax(face)] % 5.0 == pytest.approx(1.0, abs=1e-3)
    assert np.allclose(edge[t < 15], np.interp(t[t < 15] + 5.0, t, edge), atol=1e-9)
    tilted = HeartbeatSignal(inclination=60.0, omega=45.0, **kw).model(t, exptime=0)
    near = np.abs(t - 1.0) < 0.5  # a brightening beside a dip around periastron
    assert tilted[near].max() > 1 + 3e-4 and tilted[near].min() < 1 - 3e-4
    smeared = HeartbeatSignal(inclination=90.0, omega=90.0, **kw).model(t, exptime=0.0204)
    assert 0 < 1 - smeared.min() < 1 - edge.min()
    with pytest.raises(ValueError, match="eccentricity"):
        HeartbeatSignal(inclination=90.0, omega=0.0, **{**kw, "eccentricity": 0.0}).model(t)


def test_loguniform_planet_depth(rng):
    for _ in range(5):
        d = draw_loguniform_planet(rng, depth_range=(1e-3, 1e-3))
        s = d.signal
        depth = 1 - s.model(np.array([s.t0]), exptime=0)[0]
        assert depth == pytest.approx(1e-3, rel=0.05)


@pytest.mark.shared_data
def test_catalog_population(shared_data, rng):
    from starskope.simulate.population import draw_planet, load_population

    cols = load_population("koi")
    assert cols["period"].size > 1000
    draws = [draw_planet(rng, population="koi+k2", period_range=(0.5, 30)) for _ in range(50)]
    periods = [d.signal.period for d in draws]
    assert min(periods) >= 0.5 and max(periods) <= 30
    # real populations are dominated by small planets: most depths below 0.3%
    assert np.median([d.signal.rp_rs for d in draws]) < 0.055
