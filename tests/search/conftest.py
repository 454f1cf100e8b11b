"""Seeded synthetic transit light curves for the search tests."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.clean.masking import transit_mask


def make_transits(rng, *, planets, n=3197, cadence=0.02043, noise=3e-4, t_start=2000.0):
    """K2-like light curve (65 d, 29.4-min cadence) with box transits.

    ``planets`` is a list of (period, t0, duration, depth) in days / relative flux.
    """
    t = t_start + np.arange(n) * cadence
    flux = 1.0 + rng.normal(0.0, noise, n)
    for period, t0, duration, depth in planets:
        flux[transit_mask(t, period=period, t0=t0, duration=duration)] -= depth
    return t, flux


@pytest.fixture
def one_planet(rng):
    planet = (3.7, 2001.3, 0.12, 1.0e-3)
    t, flux = make_transits(rng, planets=[planet])
    return t, flux, planet
