"""Real backgrounds: non-hosts and Kepler hosts with their known transits masked (issue 4)."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.simulate.backgrounds import (
    known_ephemerides,
    real_background,
    real_background_files,
    simulated_background,
)


def test_simulated_background_is_relative_and_clean(rng):
    bg = simulated_background(rng=rng, n_points=1000)
    assert bg.source.startswith("simulated:")
    assert np.all(np.isfinite(bg.lc.flux)) and abs(np.median(bg.lc.flux) - 1) < 0.01


@pytest.mark.shared_data
def test_real_backgrounds_exclude_binaries_and_mask_hosts(shared_data, rng):
    files = real_background_files(missions=("K2", "Kepler"), root=shared_data)
    names = {f.name for f in files}
    assert any(n.startswith("EPIC_") for n in names)  # K2 C13 non-hosts
    eph = known_ephemerides("KIC 11442793")  # Kepler-90: seven planets
    assert len(eph) >= 7
    host = [f for f in files if f.name.startswith("kplr011442793")]
    assert host, "Kepler-90 quarters should be usable with transits masked"
    bg = real_background(host[0], rng=rng, n_points=None)
    assert bg.source.startswith("real-host-masked:")
    # no cadence left within T14/2 of a known transit (times back in BKJD)
    t = bg.lc.t + bg.t_offset
    for p, t0, d in eph:
        phase = np.mod(t - t0 + 0.5 * p, p) - 0.5 * p
        assert not np.any(np.abs(phase) < 0.5 * d)
    assert abs(np.median(bg.lc.flux) - 1) < 1e-3
