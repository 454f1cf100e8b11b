"""``--prior auto``: the population's host share estimated from the scores, every probability
of a result moved to it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from starskope.cli import main
from starskope.io.kaggle import write_kaggle
from starskope.models.predict import at_prior
from starskope.models.prior import estimate_prior, shift_planet
from starskope.result import Candidate, StarResult

from .conftest import make_flux


def _candidate(score):
    return Candidate(period_days=3.0, t0=1.0, t0_format="relative", t0_bjd=None,
                     duration_hours=2.0, depth_ppm=500.0, depth_ppm_err=50.0, snr=10.0,
                     sde=9.0, power=1.0, n_transits=5,
                     extra={"model_score": score, "model_class_probabilities":
                            {"planet": score, "eclipsing_binary": 0.1, "other": 0.9 - score}})  # fmt: skip


def test_at_prior_moves_every_probability_of_a_result():
    res = StarResult(path="a.fits", candidates=(_candidate(0.6), _candidate(0.2)), score=0.6,
                     class_probabilities={"planet": 0.6, "eclipsing_binary": 0.1, "other": 0.3},
                     explanation={"model": "views-cnn", "host_prior": 0.3})  # fmt: skip
    out = at_prior(res, train_prior=0.3, host_prior=0.01)
    want = float(shift_planet(0.6, train_prior=0.3, host_prior=0.01))
    assert out.score == pytest.approx(want) and out.score < 0.1
    assert out.class_probabilities["planet"] == pytest.approx(want)
    assert sum(out.class_probabilities.values()) == pytest.approx(1.0)
    # the other classes keep their ratio
    cp = out.class_probabilities
    assert cp["other"] / cp["eclipsing_binary"] == pytest.approx(3.0)
    assert out.candidates[1].extra["model_score"] == pytest.approx(
        float(shift_planet(0.2, train_prior=0.3, host_prior=0.01)), abs=1e-6
    )
    cand = out.candidates[0].extra["model_class_probabilities"]
    assert cand["planet"] == pytest.approx(want, abs=1e-6)
    assert cand["other"] / cand["eclipsing_binary"] == pytest.approx(3.0, rel=1e-4)
    assert "host_prior_estimated" not in out.explanation
    est = at_prior(res, train_prior=0.3, host_prior=0.01, estimated=True)
    assert est.explanation["host_prior_estimated"] is True
    assert out.explanation["host_prior"] == 0.01 and res.explanation["host_prior"] == 0.3
    failed = StarResult(path="b.fits", error="unreadable")
    assert at_prior(failed, train_prior=0.3, host_prior=0.01) is failed
    # what a result lacks is left out, not a crash
    bare = _candidate(0.5)
    bare = Candidate(**{**bare.__dict__, "extra": {"model_score": None}})
    odd = StarResult(path="c.fits", candidates=(bare,), score=0.5,
                     class_probabilities={"host": 0.5, "not": 0.5})  # fmt: skip
    moved = at_prior(odd, train_prior=0.3, host_prior=0.01)
    assert moved.class_probabilities == {"host": 0.5, "not": 0.5}
    assert moved.candidates[0].extra == {"model_score": None} and moved.score < 0.5


def _fixed_point(mean, share, n):
    """The EM's fixed point: the shifted scores' mean is the share, unless held at half a
    host (the scores of an uninformative model run the EM to that limit)."""
    held = share == pytest.approx(0.5 / n, rel=1e-4) and mean < share
    return mean == pytest.approx(share, rel=1e-4) or held


@pytest.fixture
def table(tmp_path):
    pytest.importorskip("torch")
    X, y, _ = make_flux(60, 3, 1000, seed=8, depth=3.0)
    return write_kaggle(tmp_path / "t.csv", X, np.where(y == 1, 2, 1)), y


def test_predict_prior_auto_rescores_at_the_estimated_share(table, capsys):
    path, _ = table
    assert main(["predict", str(path), "--model", "original-cnn", "--json", "--no-explain"]) == 0
    plain = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    rc = main(["predict", str(path), "--model", "original-cnn", "--json", "--no-explain",
               "--prior", "auto"])  # fmt: skip
    out = capsys.readouterr()
    auto = [json.loads(x) for x in out.out.splitlines()]
    assert rc == 0 and len(auto) == len(plain) == 60
    train = plain[0]["explanation"]["host_prior"]
    assert train == pytest.approx(0.25)
    # the share is estimate_prior's on the scores predict gives without --prior
    want_share = estimate_prior([p["score"] for p in plain], train_prior=train)
    share = auto[0]["explanation"]["host_prior"]
    assert share == pytest.approx(want_share, rel=1e-5, abs=1e-6)
    assert f"host share estimated at {want_share:.4g}" in out.err
    assert all(a["explanation"]["host_prior_estimated"] is True for a in auto)
    for a, p in zip(auto, plain, strict=True):
        want = float(shift_planet(p["score"], train_prior=train, host_prior=want_share))
        assert a["row"] == p["row"] and a["score"] == pytest.approx(want, rel=1e-4, abs=1e-9)
    # the table's title gives the estimated share
    assert main(["predict", str(path), "--model", "original-cnn", "--no-explain",
                 "--prior", "auto"]) == 0  # fmt: skip
    assert f"scores at a host share of {want_share:.3g}" in capsys.readouterr().out


def test_prior_auto_with_survey_flags_at_the_estimated_share(table, capsys):
    path, _ = table
    rc = main(["predict", str(path), "--model", "original-cnn", "--json", "--no-explain",
               "--prior", "auto", "--survey"])  # fmt: skip
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rc == 0 and len(lines) == 60
    assert all(d["explanation"]["host_prior_estimated"] for d in lines)


@pytest.mark.parametrize("bad", ["often", "1.5", "0", "nan", "inf", "-0.1"])
def test_prior_option_errors(table, capsys, bad):
    path, _ = table
    assert main(["predict", str(path), "--model", "original-cnn", "--prior", bad]) == 2
    assert "--prior is a host rate strictly between 0 and 1, or 'auto'" in capsys.readouterr().err


def test_prior_option_reads_auto_and_numbers_loosely(table, capsys):
    path, _ = table
    assert main(["predict", str(path), "--model", "original-cnn", "--json", "--no-explain",
                 "--prior", " AUTO "]) == 0  # fmt: skip
    assert "host share estimated" in capsys.readouterr().err
    assert main(["predict", str(path), "--model", "original-cnn", "--json", "--no-explain",
                 "--prior", "1e-2"]) == 0  # fmt: skip
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {d["explanation"]["host_prior"] for d in lines} == {0.01}
    assert not any("host_prior_estimated" in d["explanation"] for d in lines)


def test_evaluate_at_a_given_prior(table, tmp_path, capsys):
    path, _ = table
    rc = main(["evaluate", "--model", "original-cnn", "--data", str(path), "--out",
               str(tmp_path / "ev"), "--boot", "100", "--prior", "0.05"])  # fmt: skip
    out = capsys.readouterr().out
    rep = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    assert rc == 0 and rep["calibration"]["host_prior"] == 0.05
    assert "host_prior_estimated" not in rep["calibration"]
    assert "scores at a host prior of 0.05" in out


def test_evaluate_prior_auto_reports_the_estimate(table, tmp_path, capsys):
    path, _ = table
    rc = main(["evaluate", "--model", "original-cnn", "--data", str(path), "--out",
               str(tmp_path / "ev"), "--boot", "100", "--prior", "auto"])  # fmt: skip
    out = capsys.readouterr()
    rep = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    share = rep["calibration"]["host_prior"]
    assert rc == 0 and f"host share estimated at {share:.4g}" in out.err
    assert f"scores at a host prior of {share:.3g}" in out.out
    assert rep["calibration"]["host_prior_estimated"] is True
    mean = rep["calibration"]["mean_score"]
    assert _fixed_point(mean, share, 60)


def test_prior_auto_with_no_star_scored_still_reports_every_failure(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,flux\n1,2\n")
    assert main(["predict", str(bad), "--model", "original-cnn", "--json", "--prior", "auto"]) == 1
    err = capsys.readouterr().err
    assert "bad.csv" in err and "no star was scored, nothing to estimate" in err


def test_prior_auto_says_when_too_few_hosts_carry_the_estimate(capsys):
    """A 570-star table with 5 hosts gives an estimate resting on a handful of stars (gbm's
    has been 2-6 times low there): the stderr line says so; a large share does not."""
    from types import SimpleNamespace

    from starskope.cli.models import _estimated_prior

    rng = np.random.default_rng(3)
    est = SimpleNamespace(host_prior=None, train_prior_=0.3)
    few = np.r_[rng.uniform(0.995, 0.9995, 5), rng.uniform(0.001, 0.01, 565)]
    _estimated_prior(list(few), est)
    assert "too few to pin it" in capsys.readouterr().err
    many = np.r_[rng.uniform(0.6, 0.95, 300), rng.uniform(0.0, 0.2, 700)]
    _estimated_prior(list(many), est)
    err = capsys.readouterr().err
    assert "host share estimated at" in err and "too few" not in err


def test_at_prior_moves_gbms_feature_contributions_as_a_given_prior_would():
    # --prior auto moved the score but left the contributions at the training share
    from starskope.models.registry import load_model

    _, est = load_model("gbm")
    rng = np.random.default_rng(0)
    x = est.medians_[None, :] + rng.normal(0, 1.0, (1, est.medians_.size)) * np.abs(
        est.medians_[None, :] + 1.0
    )
    from starskope.models.prior import score_prior

    train = score_prior(est)
    p = float(est.score_planet(x)[0])
    contrib = est.contributions(x)[0]
    names = [f"f{j}" for j in range(contrib.size)]
    res = StarResult(path="a.fits", score=p, class_probabilities={"planet": p, "not_planet": 1 - p},
                     explanation={"model": "gbm", "host_prior": train,
                                  "feature_contributions": dict(zip(names, contrib.tolist(), strict=True))})  # fmt: skip
    out = at_prior(res, train_prior=train, host_prior=0.02)
    est.set_params(host_prior=0.02)
    try:
        want = est.contributions(x)[0]
    finally:
        est.set_params(host_prior=None)
    got = np.array([out.explanation["feature_contributions"].get(k, 0.0) for k in names])
    np.testing.assert_allclose(got, want, atol=2e-4)
    assert np.abs(want - contrib).max() > 1e-3  # the prior does move them


def test_every_shipped_model_takes_a_prior(table, capsys):
    # the shipped RBM's file predates its cadence_minutes setting: scikit-learn's
    # set_params(host_prior=...) read every setting and failed with a traceback
    from starskope.models.registry import load_model, shipped_models

    for name in shipped_models():
        est = load_model(name)[1]
        if hasattr(est, "get_params"):
            est.set_params(host_prior=0.01)
            assert est.get_params()["host_prior"] == 0.01
    path, _ = table
    rc = main(["predict", str(path), "--model", "rbm", "--json", "--no-explain",
               "--prior", "0.01"])  # fmt: skip
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rc == 0 and len(lines) == 60
    assert all(d["explanation"]["host_prior"] == 0.01 for d in lines)


def test_tiny_priors_and_scores_keep_their_significant_figures():
    # six decimals made a prior of 1e-7 read 0 and candidate scores of ~1e-6 coarse or 0
    res = StarResult(path="a.fits", candidates=(_candidate(0.6), _candidate(0.2)), score=0.6,
                     class_probabilities={"planet": 0.6, "eclipsing_binary": 0.1, "other": 0.3},
                     explanation={"model": "views-cnn", "host_prior": 0.3})  # fmt: skip
    out = at_prior(res, train_prior=0.3, host_prior=1e-7)
    assert out.explanation["host_prior"] == 1e-7
    for c, s in zip(out.candidates, (0.6, 0.2), strict=True):
        want = float(shift_planet(s, train_prior=0.3, host_prior=1e-7))
        assert 0 < want < 1e-6 and c.extra["model_score"] == pytest.approx(want, rel=1e-5)
