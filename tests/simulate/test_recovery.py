"""Injection-recovery: a deep transit is recovered, an uninjected curve is not (issue 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from starskope.exceptions import StarskopeError
from starskope.simulate.backgrounds import white_background
from starskope.simulate.inject import PlanetSignal, inject
from starskope.simulate.recovery import (
    RecoveryConfig,
    classify_recovery,
    get_detector,
    run_injection_recovery,
    snr_at_completeness,
    summarize,
)


def test_classify_recovery():
    kw = dict(period=5.0, t0=1.0, duration=0.1)
    assert classify_recovery(found_period=5.02, found_t0=11.01, **kw) == "match"
    assert classify_recovery(found_period=2.5, found_t0=1.0, **kw) == "half"
    assert classify_recovery(found_period=10.0, found_t0=6.0, **kw) == "double"
    assert classify_recovery(found_period=5.0, found_t0=2.0, **kw) == "miss"  # wrong epoch
    assert classify_recovery(found_period=5.2, found_t0=1.0, **kw) == "miss"  # 4% off
    assert classify_recovery(found_period=float("nan"), found_t0=1.0, **kw) == "miss"


def test_deep_transit_recovered_uninjected_not():
    rng = np.random.default_rng(5)
    bls = get_detector("bls-sde")
    bg = white_background(rng=rng, sigma=1e-3, n_points=1200).lc
    det0 = bls(bg)
    assert not det0.flagged
    sig = PlanetSignal(period=4.3, t0=1.7, rp_rs=0.06, a_rs=12.0, impact=0.2)
    det = bls(inject(bg, sig))
    assert det.flagged and det.sde > 7
    out = classify_recovery(
        found_period=det.period, found_t0=det.t0, period=4.3, t0=1.7, duration=sig.duration
    )
    assert out == "match"


def test_run_table_and_summary():
    cfg = RecoveryConfig(
        n=6,
        n_null=2,
        seed=1,
        backgrounds=("white",),
        depth_range=(3e-3, 5e-3),
        period_range=(0.5, 8.0),
        n_points=1200,
    )
    tab = run_injection_recovery(cfg, detectors=("bls-sde",))
    assert len(tab) == 8 and tab["injected"].sum() == 6
    assert tab.loc[tab["injected"], "recovered"].mean() >= 5 / 6
    assert (tab.loc[tab["injected"], "expected_snr"] > 15).all()
    # white noise without gaps: every transit of the 1200 cadences (24.5 d) has its data
    inj = tab[tab["injected"]]
    span = 1200 * 29.4 / 1440
    assert (inj["n_transits_data"] >= np.floor(span / inj["period"]) - 1).all()
    assert (inj["n_transits_data"] <= np.ceil(span / inj["period"]) + 1).all()
    s = summarize(tab)
    null = tab[~tab["injected"]]
    assert s.loc[0, "false_alarm_rate"] == pytest.approx(null["flagged"].mean())
    assert set(null["outcome"]) <= {"none", "false_alarm"}
    again = run_injection_recovery(cfg, detectors=("bls-sde",))
    pd.testing.assert_frame_equal(tab.drop(columns="seconds"), again.drop(columns="seconds"))


def test_snr_at_completeness_on_a_known_curve():
    rng = np.random.default_rng(0)
    x = np.exp(rng.uniform(np.log(1), np.log(50), 4000))
    p = 1 / (1 + np.exp(-(np.log(x) - np.log(8)) / 0.15))
    tab = pd.DataFrame({"injected": True, "expected_snr": x, "recovered": rng.random(x.size) < p})
    assert snr_at_completeness(tab, 0.5) == pytest.approx(8, rel=0.05)
    assert snr_at_completeness(tab, 0.9) == pytest.approx(8 * np.exp(0.15 * np.log(9)), rel=0.07)


def test_a_completeness_point_outside_the_injected_range_is_not_reported():
    """Completeness flat at 60% over SNR 8-12: the logistic's 50% point lies far below the
    range (it was reported as 2.9e-36); it is NaN, not an extrapolation."""
    rng = np.random.default_rng(1)
    x = rng.uniform(8, 12, 400)
    tab = pd.DataFrame({"injected": True, "expected_snr": x, "recovered": rng.random(400) < 0.6})
    assert np.isnan(snr_at_completeness(tab, 0.5))


def test_unknown_detector():
    with pytest.raises(StarskopeError, match="bls-sde"):
        get_detector("magic")
    with pytest.raises(StarskopeError, match="no-such-model"):
        get_detector("model:no-such-model")


def test_model_detector_wiring(monkeypatch):
    import starskope.models.predict as predict
    from starskope.result import Candidate, StarResult
    from starskope.simulate import recovery

    cand = Candidate(
        period_days=4.3,
        t0=1.7,
        t0_format="relative",
        t0_bjd=None,
        duration_hours=3.0,
        depth_ppm=3600.0,
        depth_ppm_err=100.0,
        snr=30.0,
        sde=20.0,
        power=1.0,
        n_transits=15,
    )

    def fake_predict(items, *, model, explain, config=None, chunk=256):
        for _ident, _lc in items:
            yield StarResult(path=None, score=0.8, candidates=(cand,))

    monkeypatch.setattr(predict, "predict_results", fake_predict)
    monkeypatch.setattr(recovery, "_loaded_model", lambda name: ("gbm", object()))
    rng = np.random.default_rng(0)
    det = recovery.detect_model(white_background(rng=rng, n_points=200).lc, name="gbm")
    assert det.flagged and det.period == 4.3 and det.duration == pytest.approx(0.125)
    assert det.score == 0.8  # the table's found_score (it had no model score column)


def test_cli_inject_recover(tmp_path):
    from starskope.cli import main

    rc = main(
        [
            "inject-recover",
            "--detector",
            "bls-sde",
            "--n",
            "4",
            "--n-null",
            "1",
            "--background",
            "white",
            "--min-depth-ppm",
            "2000",
            "--n-points",
            "1000",
            "--out",
            str(tmp_path),
        ]
    )
    assert rc == 0
    assert (tmp_path / "injections.csv").exists() and (tmp_path / "summary.csv").exists()
    assert (tmp_path / "completeness_snr.png").exists()
    assert (tmp_path / "completeness_map_bls-sde.png").exists()
    rc = main(
        ["inject-recover", "--detector", "bls-sde", "--n", "3", "--n-null", "1", "--background",
         "white", "--snr-range", "20", "30", "--n-points", "1000", "--out", str(tmp_path / "s")]
    )  # fmt: skip
    assert rc == 0
    tab = pd.read_csv(tmp_path / "s" / "injections.csv")
    assert tab.loc[tab["injected"], "expected_snr"].between(19, 31).all()
    # a detector named twice is run once (its rows were doubled, and the counts with them)
    rc = main(
        ["inject-recover", "--detector", "bls-sde", "--detector", "bls-sde", "--n", "3",
         "--n-null", "1", "--background", "white", "--n-points", "1000",
         "--out", str(tmp_path / "d")]
    )  # fmt: skip
    assert rc == 0 and len(pd.read_csv(tmp_path / "d" / "injections.csv")) == 4


def test_cli_inject_recover_keeps_an_earlier_run_unless_told(tmp_path, capsys):
    """A second run into the same --out replaced the first's table in silence, and left the
    maps of detectors it did not run beside its own."""
    from starskope.cli import main

    args = ["inject-recover", "--detector", "bls-sde", "--n", "2", "--n-null", "1",
            "--background", "white", "--n-points", "1000", "--out", str(tmp_path)]  # fmt: skip
    assert main([*args, "--seed", "1"]) == 0
    first = (tmp_path / "injections.csv").read_bytes()
    stale = tmp_path / "completeness_map_tls.png"  # an earlier run's other detector
    stale.write_bytes(b"png")
    capsys.readouterr()
    assert main([*args, "--seed", "2"]) != 0
    err = capsys.readouterr().err
    assert "earlier run's outputs (injections.csv and 5 more)" in err and "--overwrite" in err
    assert (tmp_path / "injections.csv").read_bytes() == first and stale.exists()
    assert main([*args, "--seed", "2", "--overwrite"]) == 0
    assert (tmp_path / "injections.csv").read_bytes() != first and not stale.exists()
    assert (tmp_path / "completeness_map_bls-sde.png").exists()


def test_a_detectors_warning_is_shown_once_not_once_per_curve(monkeypatch):
    import warnings

    from starskope.exceptions import StarskopeWarning
    from starskope.simulate import recovery

    def noisy(lc):
        warnings.warn("resampled onto the model's cadence", StarskopeWarning, stacklevel=2)
        warnings.warn(f"curve of {lc.t.size} points", UserWarning, stacklevel=2)
        return recovery.Detection(flagged=False)

    monkeypatch.setitem(recovery.DETECTORS, "noisy", noisy)
    cfg = RecoveryConfig(n=3, n_null=2, seed=1, backgrounds=("white",), n_points=600)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tab = run_injection_recovery(cfg, detectors=("noisy",))
    said = [(str(w.message), w.category) for w in caught]
    assert said == [
        ("resampled onto the model's cadence", StarskopeWarning),
        ("curve of 600 points", UserWarning),
    ]
    assert len(tab) == 5 and tab["found_score"].isna().all()


def test_equal_false_alarm_threshold():
    from starskope.simulate.recovery import at_equal_false_alarms, sde_threshold_for

    tab = pd.DataFrame(
        {
            "injected": [False] * 4 + [True] * 3,
            "found_sde": [5.0, 6.0, 9.0, 7.5, 8.0, 9.5, 12.0],
            "period_match": ["none"] * 4 + ["match", "match", "half"],
            "flagged": [False, False, True, True, True, True, True],
        }
    )
    thr = sde_threshold_for(tab, 0.01)
    assert 9.0 < thr < 9.0001
    eq, thr2 = at_equal_false_alarms(tab, 0.01)
    assert thr2 == thr
    assert not eq.loc[~eq["injected"], "flagged"].any()
    assert eq.loc[eq["injected"], "recovered"].tolist() == [False, True, False]


def test_search_detector_deep_transit_recovered_uninjected_not():
    pytest.importorskip("starskope.pipeline")
    rng = np.random.default_rng(11)
    search = get_detector("search")
    bg = white_background(rng=rng, sigma=1e-3, n_points=1500).lc
    assert not search(bg).flagged
    sig = PlanetSignal(period=3.1, t0=0.9, rp_rs=0.06, a_rs=11.0, impact=0.1)
    det = search(inject(bg, sig))
    assert det.flagged
    out = classify_recovery(
        found_period=det.period, found_t0=det.t0, period=3.1, t0=0.9, duration=sig.duration
    )
    assert out == "match"


def test_injection_found_as_a_second_candidate_counts(monkeypatch):
    """A multi-planet search that ranks another signal first still recovers the injection
    when one of its other planet-like candidates matches (found_rank 2); otherwise a miss."""
    from starskope.simulate import recovery

    bls = get_detector("bls-sde")

    def second(lc):
        det = bls(lc)
        return recovery.Detection(
            flagged=True, period=0.777, t0=0.1, others=((det.period, det.t0),)
        )

    def wrong(lc):
        return recovery.Detection(flagged=True, period=0.777, t0=0.1, others=((0.913, 0.2),))

    monkeypatch.setitem(recovery.DETECTORS, "second", second)
    monkeypatch.setitem(recovery.DETECTORS, "wrong", wrong)
    cfg = RecoveryConfig(
        n=3,
        n_null=0,
        seed=1,
        backgrounds=("white",),
        depth_range=(3e-3, 5e-3),
        period_range=(2.0, 8.0),
        n_points=1200,
    )
    tab = run_injection_recovery(cfg, detectors=("second", "wrong"))
    got = tab[tab["detector"] == "second"]
    assert got["recovered"].all() and (got["found_rank"] == 2).all()
    assert (got["period_match"] == "match").all()
    bad = tab[tab["detector"] == "wrong"]
    assert not bad["recovered"].any() and (bad["found_rank"] == 0).all()


def test_isotonic_completeness_on_a_step_and_a_plateau():
    x = np.geomspace(2.0, 100.0, 400)
    step = pd.DataFrame({"injected": True, "expected_snr": x, "recovered": x >= 10.0})
    assert snr_at_completeness(step, 0.5, method="isotonic") == pytest.approx(10.0, rel=0.02)
    assert snr_at_completeness(step, 0.9, method="isotonic") == pytest.approx(10.0, rel=0.02)
    # 85% completeness from SNR 10 to 40, 100% above: the 90% point is 40
    rng = np.random.default_rng(3)
    rec = np.where(x < 10, False, np.where(x < 40, rng.random(x.size) < 0.85, True))
    plateau = pd.DataFrame({"injected": True, "expected_snr": x, "recovered": rec})
    assert snr_at_completeness(plateau, 0.9, method="isotonic") == pytest.approx(40.0, rel=0.1)
    with pytest.raises(StarskopeError):
        snr_at_completeness(step, method="spline")


def test_snr_range_sets_the_expected_snr_and_keeps_the_draw():
    from starskope.simulate.recovery import make_trial

    base = RecoveryConfig(n=8, n_null=0, seed=3, backgrounds=("white", "simulated"), n_points=1500)
    snr = RecoveryConfig(
        n=8, n_null=0, seed=3, backgrounds=("white", "simulated"), n_points=1500,
        snr_range=(6.0, 12.0),
    )  # fmt: skip
    for i in range(8):
        _, _, s0, t0 = make_trial(i, base)
        _, lc, s1, t1 = make_trial(i, snr)
        # the period, epoch and geometry are the depth draw's; only the radius ratio moves
        assert (s1.period, s1.t0, s1.impact, s1.a_rs) == (s0.period, s0.t0, s0.impact, s0.a_rs)
        assert 6.0 * 0.97 <= t1["expected_snr"] <= 12.0 * 1.03
        assert t1["sigma_ppm"] == t0["sigma_ppm"]  # the same background
    with pytest.raises(StarskopeError, match="snr_range"):
        RecoveryConfig(snr_range=(10.0, 5.0))


def test_truth_has_red_noise_factor_and_the_snr_draw_caps_the_radius_ratio():
    from starskope.simulate.recovery import make_trial

    cfg = RecoveryConfig(
        n=6, n_null=1, seed=4, backgrounds=("white", "simulated"), n_points=1500,
        snr_range=(30.0, 40.0), depth_range=(1e-5, 2e-5), max_rp_rs=0.01,
    )  # fmt: skip
    for i in range(6):
        _, _, sig, truth = make_trial(i, cfg)
        assert sig.rp_rs <= 0.01 + 1e-12  # the target SNR is out of reach below the cap
        assert truth["expected_snr"] < 30.0
        assert truth["beta"] >= 1.0
        assert truth["effective_snr"] == pytest.approx(truth["expected_snr"] / truth["beta"])
    _, _, _, null = make_trial(6, cfg)
    assert "beta" not in null  # uninjected: no duration to measure it at
    with pytest.raises(StarskopeError, match="max_rp_rs"):
        RecoveryConfig(max_rp_rs=0.0)


def test_completeness_against_effective_snr():
    x = np.geomspace(2, 60, 400)
    beta = np.where(np.arange(x.size) % 2 == 0, 1.0, 2.0)
    # recovery decided by the red-noise-corrected SNR only
    tab = pd.DataFrame(
        {"injected": True, "expected_snr": x, "effective_snr": x / beta, "recovered": x / beta > 9}
    )
    assert snr_at_completeness(tab, 0.9, method="isotonic", by="effective_snr") == pytest.approx(
        9.0, rel=0.05
    )
    # against the white-noise SNR, half of the stars need twice the SNR: 90% is far later
    assert snr_at_completeness(tab, 0.9, method="isotonic") > 15.0
    with pytest.raises(StarskopeError, match="no column"):
        snr_at_completeness(tab, by="beta_snr")
    tab = tab.assign(
        detector="search", outcome=np.where(tab["recovered"], "match", "miss"), flagged=True,
        seconds=0.1,
    )  # fmt: skip
    row = summarize(tab).iloc[0]
    assert row.effective_snr_90 == pytest.approx(9.0, rel=0.1)
    assert row.snr_90 > 15.0


def test_recovery_plots_name_a_model_path_detector_safely(tmp_path):
    """``model:models/gbm.pkl`` must not become a folder in the PNG's name (it crashed after
    the whole run)."""
    from starskope.simulate.plots import write_recovery_plots

    rng = np.random.default_rng(1)
    n = 40
    table = pd.DataFrame(
        {
            "detector": "model:models/gbm.pkl",
            "injected": np.r_[np.ones(30, bool), np.zeros(10, bool)],
            "recovered": rng.uniform(size=n) < 0.5,
            "flagged": rng.uniform(size=n) < 0.5,
            "expected_snr": rng.uniform(3, 40, n),
            "effective_snr": rng.uniform(3, 40, n),
            "period": rng.uniform(1, 20, n),
            "depth_ppm": rng.uniform(100, 5000, n),
        }
    )
    paths = write_recovery_plots(table, tmp_path)
    assert tmp_path / "completeness_map_model_models_gbm.pkl.png" in paths
    assert all(p.parent == tmp_path and p.exists() for p in paths)


def test_completeness_bins_carry_exact_binomial_intervals():
    """A bin of one recovered trial is not "100% +- 0": its 68% interval reaches well down."""
    from starskope.simulate.recovery import completeness

    tab = pd.DataFrame(
        {"injected": True, "expected_snr": [7.5, 9.2, 9.4, 25.0] + [30.0] * 40,
         "recovered": [True, True, False, True] + [True] * 36 + [False] * 4}
    )  # fmt: skip
    c = completeness(tab).set_index("lo")
    one = c.loc[7]
    assert (one.n, one.fraction, one.err) == (1, 1.0, 0.0)
    assert one.high == 1.0 and one.low == pytest.approx(0.1585, abs=1e-3)  # the lower tail
    many = c.loc[30]
    assert many.low < many.fraction < many.high
    assert many.high - many.low == pytest.approx(2 * many.err, rel=0.35)


def test_perfectly_separated_trials_put_the_completeness_point_in_the_gaps_middle():
    """Every recovery above every miss: the logistic's maximum likelihood is a step anywhere in
    the gap, and the point reported was wherever the optimiser stopped."""
    x = np.r_[np.geomspace(2.0, 6.0, 30), np.geomspace(10.0, 60.0, 30)]
    tab = pd.DataFrame({"injected": True, "expected_snr": x, "recovered": x > 8.0})
    for level in (0.5, 0.9):
        assert snr_at_completeness(tab, level) == pytest.approx(np.sqrt(6.0 * 10.0))
    # injections whose transits all fell in gaps (SNR 0) are the window function's misses: left
    # out (they made the gap's lower end 0, and the point 0.0)
    gaps = pd.DataFrame({"injected": True, "expected_snr": 0.0, "recovered": False}, index=[0, 1])
    both = pd.concat([tab, gaps], ignore_index=True)
    for method in ("logistic", "isotonic"):
        assert snr_at_completeness(both, 0.5, method=method) == pytest.approx(
            snr_at_completeness(tab, 0.5, method=method)
        )
    assert snr_at_completeness(pd.concat([tab[tab.recovered], gaps]), 0.5) != 0.0


def test_a_background_too_short_for_the_shortest_period_is_drawn_again(monkeypatch):
    """``--min-period`` above half a real background's span crashed the whole run with numpy's
    "high - low < 0" (an audit of inject-recover): such a background is drawn again, and when
    none of ten will do, the error says which period is too long."""
    from starskope.simulate import recovery

    sizes = iter([100, 3000])  # 2 days, then 61 days of long cadences

    def background(kind, rng, config, files):
        return white_background(rng=rng, n_points=next(sizes, 100))

    monkeypatch.setattr(recovery, "_background", background)
    config = RecoveryConfig(n=2, n_null=0, seed=1, backgrounds=("white",), period_range=(3, 9))
    injected, lc, s, truth = recovery.make_trial(0, config, files={})
    assert injected and lc.time_span > 60 and 3 <= s.period <= 9
    with pytest.raises(StarskopeError, match=r"shortest period, 3 d .* below 1\.0 d"):
        recovery.make_trial(1, config, files={})
