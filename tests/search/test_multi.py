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
