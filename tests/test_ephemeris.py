"""Ephemeris matching across stars (starskope.vet.ephemeris) on seeded synthetic surveys."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.exceptions import StarskopeError
from starskope.vet.ephemeris import common_signals, ephemerides_match


def _survey(rng, n_planets: int, *, span: float = 65.0):
    """Candidates of ``n_planets`` unrelated stars: log-uniform periods, random epochs."""
    p = np.exp(rng.uniform(np.log(0.5), np.log(span / 2), n_planets))
    t0 = rng.uniform(0.0, p)
    dur = np.clip(0.12 * p ** (1 / 3), 1 / 24, 0.4)
    return p, t0, dur


def test_match_same_ephemeris_and_alias_but_not_drift_or_offset():
    assert ephemerides_match(0.735, 10.0, 0.1, 0.7352, 10.02, 0.12, span=65.0)
    assert ephemerides_match(0.735, 10.0, 0.1, 1.4701, 10.735, 0.1, span=65.0)  # 2P alias
    # the same period half a period later, or a period that drifts a duration off in the span
    assert not ephemerides_match(0.735, 10.0, 0.1, 0.735, 10.3675, 0.1, span=65.0)
    assert not ephemerides_match(0.735, 10.0, 0.1, 0.7365, 10.0, 0.1, span=65.0)
    assert not ephemerides_match(0.735, 10.0, 0.1, 2.205, 10.0, 0.1, span=65.0)  # ratio 3


def test_a_systematic_shared_by_many_stars_is_common_and_planets_are_not(rng):
    """Twelve stars of one campaign show the same thruster-like dip (0.735 d, same times, the
    measured periods and epochs jittered); 300 other stars each have an unrelated signal."""
    p, t0, dur = _survey(rng, 300)
    k = 12
    p_sys = 0.735 * (1 + rng.normal(0, 2e-4, k))
    t_sys = 3.2 + rng.normal(0, 0.01, k)
    period = np.r_[p, p_sys]
    epoch = np.r_[t0, t_sys]
    duration = np.r_[dur, np.full(k, 0.1)]
    star = [f"planet {i}" for i in range(300)] + [f"quiet {i}" for i in range(k)]
    res = common_signals(period, epoch, duration, star, 65.0)
    assert res.common[300:].all()
    assert (res.n_matches[300:] >= k - 3).all()
    # unrelated signals: chance matches are rare and never significant
    assert res.common[:300].sum() == 0
    assert res.expected[:300].mean() < 0.5
    partners = {j for i in range(300, 300 + k) for j in res.partners[i]}
    assert partners <= set(range(300, 300 + k))


def test_significance_depends_on_how_crowded_the_period_is(rng):
    """Three stars with one shared short-period signal: significant on their own, not among
    thousands of candidates at similar periods (chance then explains two matches). A pair
    alone is not significant at the default alpha (one chance match in ~200 for this signal)."""
    trio_p, trio_t, trio_d = [0.9, 0.9001, 0.8999], [5.0, 5.01, 4.99], [0.08, 0.08, 0.08]
    few = common_signals(trio_p, trio_t, trio_d, ["a", "b", "c"], 30.0)
    assert few.common.all() and (few.n_matches == 2).all()
    pair = common_signals(trio_p[:2], trio_t[:2], trio_d[:2], ["a", "b"], 30.0)
    assert (pair.n_matches == 1).all() and not pair.common.any()
    assert pair.p_value[0] == pytest.approx(1.0 - np.exp(-pair.expected[0]))
    p = rng.uniform(0.6, 1.2, 3000)
    crowd = common_signals(
        np.r_[trio_p, p],
        np.r_[trio_t, rng.uniform(0, p)],
        np.r_[trio_d, np.full(p.size, 0.08)],
        ["a", "b", "c"] + [f"s{i}" for i in range(p.size)],
        30.0,
    )
    assert crowd.expected[0] > 1.0
    assert not crowd.common[:3].any()


def test_same_star_and_other_time_systems_never_match():
    p, t, d = [1.5, 1.5, 1.5], [2.0, 2.0, 2.0], [0.1, 0.1, 0.1]
    res = common_signals(p, t, d, ["A", "A", "B"], 30.0, group=["bjd", "bjd", "table.csv"])
    assert (res.n_matches == 0).all() and not res.common.any()
    # not observed together: epochs a year apart in one time system
    res = common_signals([1.5, 1.5], [2.0, 367.0], [0.1, 0.1], ["A", "B"], 30.0)
    assert (res.n_matches == 0).all()


def test_bad_input_is_a_clear_error():
    with pytest.raises(StarskopeError, match="one entry per candidate"):
        common_signals([1.0, 2.0], [0.0], [0.1, 0.1], ["a", "b"], 30.0)
    res = common_signals([np.nan, 1.0], [0.0, 0.0], [0.1, 0.1], ["a", "b"], 30.0)
    assert (res.n_matches == 0).all()


def test_flag_common_signals_vetoes_the_shared_candidates_and_their_scores():
    """Six rows of one table share a 0.735-d dip; two more have their own planets. The shared
    candidates get a raised common_ephemeris flag, stop being planet-like, and a scored first
    candidate's score drops to 0 (its planet probability moves to 'other')."""
    import dataclasses

    from starskope.result import Candidate, StarResult, VetFlag
    from starskope.vet.ephemeris import flag_common_signals

    def cand(period, t0, *, weak=False):
        flags = (VetFlag("snr", True, 3.0, "weak"),) if weak else ()
        return Candidate(
            period_days=period,
            t0=t0,
            t0_format="relative",
            t0_bjd=None,
            duration_hours=2.0,
            depth_ppm=300.0,
            depth_ppm_err=30.0,
            snr=10.0,
            sde=9.0,
            power=1.0,
            n_transits=80,
            vetting=flags,
            is_planet_like=not weak,
        )

    def star(row, cands, score=0.7):
        return StarResult(
            path="campaign.csv",
            row=row,
            target=f"row {row}",
            time_span_days=65.0,
            candidates=tuple(cands),
            is_candidate=True,
            score=score,
            class_probabilities={"planet": score, "eclipsing_binary": 0.0, "other": 1 - score},
        )

    shared = [star(i, [cand(0.7350 + 1e-5 * i, 0.30 + 0.003 * i)]) for i in range(6)]
    shared[5] = dataclasses.replace(  # a host whose planet outranks the systematic
        shared[5], candidates=(cand(3.3, 1.1), shared[5].candidates[0])
    )
    own = [star(6, [cand(4.2, 2.0)]), star(7, [cand(0.7351, 0.3, weak=True)])]
    failed = StarResult.failed("bad.fits", "not a FITS file")
    out = flag_common_signals([*shared, *own, failed])
    for r in out[:5]:
        assert not r.is_candidate and r.score == 0.0
        assert r.class_probabilities["planet"] == 0.0
        assert r.class_probabilities["other"] == pytest.approx(1.0)
        (flag,) = [f for f in r.candidates[0].vetting if f.name == "common_ephemeris"]
        assert flag.raised and flag.value == 5 and "observed together" in flag.reason
        assert "Score set to 0" in r.reasons[-1]
    host = out[5]
    assert host.is_candidate and host.score == 0.7  # its scored planet is not common
    assert not host.candidates[1].is_planet_like and host.candidates[0].is_planet_like
    assert out[6] == own[0] and out[7] == own[1] and out[8] is failed  # weak: not compared

    # with the model's score of each candidate (as predict_results gives), a star whose first
    # signal is common is scored on its next one instead of 0
    def scored(c, s):
        extra = {"model_score": s, "model_class_probabilities": {"planet": s, "other": 1 - s}}
        return dataclasses.replace(c, extra=extra)

    second = dataclasses.replace(
        shared[4],
        candidates=(
            scored(shared[4].candidates[0], 0.7),
            scored(cand(5.5, 2.2), 0.91),  # its own planet, found second
        ),
    )
    third = dataclasses.replace(shared[3], candidates=(scored(shared[3].candidates[0], 0.7),))
    out = flag_common_signals([*shared[:3], third, second, *own])
    moved, zero = out[4], out[3]
    assert moved.score == 0.91 and moved.class_probabilities == {"planet": 0.91, "other": 1 - 0.91}
    assert moved.is_candidate and "from the next signal, P = 5.5000 d" in moved.reasons[-1]
    assert zero.score == 0.0 and "Score set to 0" in zero.reasons[-1]  # nothing else to score


def test_a_vetoed_gbm_star_moves_its_planet_probability_to_not_planet():
    # gbm's classes are planet and not_planet: the vetoed probability went to a class "other"
    # that gbm does not have, and the explanation kept no word of the veto
    from starskope.result import Candidate, StarResult
    from starskope.vet.ephemeris import _rescored

    c = Candidate(period_days=0.735, t0=0.3, t0_format="btjd", t0_bjd=None, duration_hours=2.0,
                  depth_ppm=500.0, depth_ppm_err=40.0, snr=12.0, sde=9.0, power=1.0,
                  n_transits=20)  # fmt: skip
    r = StarResult(path="a.fits", candidates=(c,), score=0.8,
                   class_probabilities={"planet": 0.8, "not_planet": 0.2},
                   explanation={"model": "gbm", "feature_contributions": {"snr": 0.4}})  # fmt: skip
    got = _rescored(r, [c], {0: (5, 1e-6)})
    assert got["score"] == 0.0
    assert got["class_probabilities"] == {"planet": 0.0, "not_planet": pytest.approx(1.0)}
    assert got["explanation"]["rescored"].startswith("Score set to 0 (was 0.800)")
    assert got["explanation"]["feature_contributions"] == {"snr": 0.4}
