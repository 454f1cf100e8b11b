"""search.single: a signal seen in one transit, and the periods the data allow."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.search.single import single_transit, transit_with_data


def _sector(gap=(10.0, 13.5), span=24.0, cadence=0.02):
    t = np.arange(0.0, span, cadence)
    return t[(t < gap[0]) | (t > gap[1])]


def test_periods_allowed_around_a_gap():
    t = _sector()
    s = single_transit(t, t0=22.5, duration=0.2)
    assert s.t0 == pytest.approx(22.5)
    # the distance to the data's start, and the quarter-duration a transit may overlap them
    # without "having data"
    assert s.unbroken_from == pytest.approx(22.5 + 0.2 / 4, abs=0.02)
    # the transit before it in the gap (P 9-12.5 d) and the one before that before the data
    # (P > 11.25 d, less the quarter-duration it may overlap without "having data")
    assert 11.25 - 0.05 < s.min_period < 11.35
    # the same rule as the count of transits with data
    for p, ok in ((s.min_period + 0.3, True), (12.8, False), (20.0, False), (23.0, True)):
        assert (transit_with_data(t, period=p, t0=22.5, duration=0.2) is not None) is ok


def test_the_transit_with_data_is_found_from_any_epoch_of_the_signal():
    # the search's epoch may be an empty transit before the data
    t = _sector()
    assert transit_with_data(t, period=30.0, t0=22.5 - 30.0, duration=0.2) == pytest.approx(22.5)


def test_without_gaps_the_period_exceeds_the_distance_to_the_farther_end():
    t = np.arange(0.0, 27.0, 0.0204)
    s = single_transit(t, t0=8.0, duration=0.25)
    end = t[-1] - 8.0 + 0.25 / 4  # 19.05 d
    assert s.min_period == pytest.approx(end, abs=0.04)
    assert s.unbroken_from == pytest.approx(end, abs=0.04)
    d = s.to_dict()
    assert d == {
        "t0": 8.0,
        "min_period_days": s.min_period,
        "all_periods_from_days": s.unbroken_from,
    }


def test_two_transits_with_data_are_not_a_single_transit():
    t = np.arange(0.0, 27.0, 0.0204)
    assert transit_with_data(t, period=12.0, t0=8.0, duration=0.25) is None
    # a transit in a gap does not count: the one left with data is single
    t = t[(t < 19.5) | (t > 20.5)]
    assert transit_with_data(t, period=12.0, t0=8.0, duration=0.25) == pytest.approx(8.0)


def test_the_search_lower_limit_bounds_the_period():
    t = _sector(gap=(10.0, 23.5))  # a long gap: short periods hide the other transits too
    s = single_transit(t, t0=5.0, duration=0.2, min_period=0.5)
    assert s.min_period >= 0.5
    lax = single_transit(t, t0=5.0, duration=0.2, min_period=8.0)
    assert lax.min_period >= 8.0 and lax.min_period >= s.min_period


def test_a_long_baseline_stays_quick():
    t = np.arange(0.0, 1400.0, 0.0204)
    t = t[t < 1300.0]
    s = single_transit(t, t0=1250.0, duration=0.25, min_period=0.5)
    assert s.min_period == pytest.approx(1250.0, abs=1.0)


@pytest.mark.parametrize("seed", range(5))
def test_the_least_period_agrees_with_the_count_of_transits_with_data(seed):
    # random gaps: every period a little below the least one puts another transit in the
    # data by the search's own count, and one a little above it does not
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 60.0, 0.0204)
    for start in rng.uniform(0, 60, 4):
        t = t[(t < start) | (t > start + rng.uniform(0.5, 6.0))]
    d = 0.15
    tc = float(t[rng.integers(t.size)])
    s = single_transit(t, t0=tc, duration=d, min_period=0.5)
    tol = 0.2 * d  # the runs of the data are found on a grid of d / 8
    below = np.linspace(0.5, s.min_period - tol, 400)
    below = below[below > 0.5]
    assert all(transit_with_data(t, period=p, t0=tc, duration=d) is None for p in below)
    above = s.min_period + tol / 4
    if above < s.unbroken_from:
        # inside an allowed window when it is wider than the grid's error
        ok = transit_with_data(t, period=above, t0=tc, duration=d)
        near = [
            transit_with_data(t, period=s.min_period + x, t0=tc, duration=d)
            for x in np.linspace(0, tol, 9)
        ]
        assert ok is not None or any(n is not None for n in near)
    assert transit_with_data(t, period=s.unbroken_from + tol, t0=tc, duration=d) is not None


def test_no_data_bounds_nothing():
    s = single_transit(np.array([np.nan]), t0=5.0, duration=0.2, min_period=0.5)
    assert s.min_period == s.unbroken_from == 0.5
