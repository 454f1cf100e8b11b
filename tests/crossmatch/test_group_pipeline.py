"""The pipeline on a star seen by two missions years apart (issue 7, done-when)."""

from __future__ import annotations

import pytest

from starskope.config import PipelineConfig
from starskope.pipeline import analyse, analyse_group

from .test_stitch import PERIOD, _n_transits, _three_segments

# the period range searched is the user's to choose; restricting it keeps this test fast
CONFIG = PipelineConfig(
    min_period_days=20.0, max_period_days=90.0, max_planets=1, annotate_known=False
)


def test_long_period_planet_only_the_stitched_pipeline_finds(rng):
    segs = _three_segments(rng)
    assert [_n_transits(s) for s in segs] == [1, 1, 1]
    # no segment alone: each holds one transit, so no period of two or more transits exists
    for s in segs:
        r = analyse(s, PipelineConfig(max_planets=1, annotate_known=False))
        assert not r.is_candidate
    full = analyse_group(segs, CONFIG, name="sim")
    top = full.result.candidates[0]
    assert top.period_days == pytest.approx(PERIOD, rel=1e-3)
    assert top.n_transits >= 2  # transits with enough in-transit data
    assert full.result.is_candidate
    assert full.result.group["missions"] == ["K2", "TESS"]
    per = top.extra["per_mission_depths"]
    assert "depth_consistency" not in top.flags and per


def test_diluted_binary_flagged_by_depth_inconsistency(rng):
    # one eclipse per segment, twice as deep in K2 as in TESS (the TESS sectors binned to K2's
    # cadence, as a group of mixed cadences is): 2.5x, with its deep K2 eclipse alone as
    # strong as all three together, gave a single-event period as often as the true one
    segs = _three_segments(rng, depth_k2=3000e-6, depth_tess=1500e-6)
    full = analyse_group(segs, CONFIG)
    top = full.result.candidates[0]
    assert top.period_days == pytest.approx(PERIOD, rel=1e-3)
    assert "depth_consistency" in top.flags
    assert not full.result.is_candidate
