"""Detection labels: a tabular model trained on the truth of each star's strongest candidate."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.cli import main
from starskope.exceptions import StarskopeError
from starskope.models.training_data import (
    detection_labels,
    injection_periods,
    known_periods,
    truth_periods,
)


def test_detection_labels_keep_non_hosts_and_hosts_found_at_their_period_or_an_alias():
    y = np.array([0, 0, 1, 1, 1, 1, 1, 1])
    known = np.array([np.nan, np.nan, 10.0, 10.0, 10.0, 10.0, 10.0, 3.0])
    found = np.array([4.0, np.nan, 10.05, 5.02, 19.9, 30.0, np.nan, 3.05])
    keep = detection_labels(y, found, known)
    # within 1% of P, P/2 or 2P; 3P, no candidate and 1.7% off are left out
    assert keep.tolist() == [True, True, True, True, True, False, False, False]
    assert detection_labels(y, found, known, tol=0.02)[-1]


def test_detection_labels_need_every_hosts_period():
    with pytest.raises(StarskopeError, match="1 host.*no known planet period"):
        detection_labels([1, 0], [2.0, 3.0], [np.nan, np.nan])
    with pytest.raises(StarskopeError, match="differ in length"):
        detection_labels([1, 0], [2.0], [2.0, np.nan])


def test_truth_periods_and_known_periods_of_table_rows(tmp_path):
    table = tmp_path / "c.csv"
    table.write_text("LABEL,FLUX.1\n")
    assert truth_periods(table) is None
    (tmp_path / "c.truth.csv").write_text(
        "row,label,class,period_days\n1,1,eclipsing_binary,2.5\n0,2,planet,7.25\n2,1,quiet,\n"
    )
    p = truth_periods(table)
    assert p[0] == 7.25 and np.isnan(p[1:]).all()  # a binary's period is not a planet's
    k = known_periods([f"{table}#row=0", f"{table}#row=2", "some/file.fits", f"{table}#row=9"])
    assert k[0] == 7.25 and np.isnan(k[1:]).all()
    (tmp_path / "d.truth.csv").write_text("row,label\n0,2\n")
    with pytest.raises(StarskopeError, match="no 'class' and 'period_days'"):
        truth_periods(tmp_path / "d.csv")


def test_injection_periods_are_the_injected_planets(shared_data):
    from starskope.models.training_data import injection_set

    lcs, classes, ids, _ = injection_set(6, seed=3)
    periods = injection_periods(6, seed=3)
    for lc, cls, p in zip(lcs, classes, periods, strict=True):
        injected = lc.meta.extra.get("injected", [])
        if cls == "planet":
            assert p == pytest.approx(injected[0]["period"], rel=1e-12)
        else:
            assert np.isnan(p)
    k = known_periods(ids, injections=6, seed=3)
    np.testing.assert_array_equal(k, periods)


def test_train_gbm_with_detection_labels(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "cache"))
    camp = tmp_path / "camp.csv"
    assert main(["simulate", "campaign", "--n-stars", "40", "--n-hosts", "14", "--seed", "5",
                 "--min-host-snr", "15", "--out", str(camp), "--shuffle"]) == 0  # fmt: skip
    out = tmp_path / "gbm"
    rc = main(["train", "--model", "gbm", "--data", str(camp), "--seed", "1", "--out", str(out),
               "--host-labels", "detected", "--no-progress"])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    card = (out / "gbm.md").read_text()
    assert "--host-labels detected" in card
    import re

    left = int(re.search(r"detection labels: (\d+) hosts", card).group(1))
    kept = re.search(r"trained on (\d+) stars \((\d+) planet hosts\)", card)
    assert int(kept.group(1)) == 40 - left and int(kept.group(2)) == 14 - left
    assert 0 < int(kept.group(2)) < 14  # deep planets found, some hosts' planets not
    # the same rows trained with star labels: every host
    rc = main(["train", "--model", "gbm", "--data", str(camp), "--seed", "1", "--out",
               str(tmp_path / "star"), "--no-progress"])  # fmt: skip
    assert (
        rc == 0
        and "trained on 40 stars (14 planet hosts)" in (tmp_path / "star" / "gbm.md").read_text()
    )


def test_detection_labels_errors(tmp_path, capsys):
    from starskope.io.kaggle import write_kaggle

    rng = np.random.default_rng(0)
    t = write_kaggle(tmp_path / "t.csv", 1000 + rng.normal(size=(4, 300)), [2, 1, 1, 1])
    for model, needle in (("views-cnn", "for the tabular models"), ("gbm", "no known planet")):
        rc = main(["train", "--model", model, "--data", str(t), "--out", str(tmp_path / model),
                   "--host-labels", "detected", "--no-progress"])  # fmt: skip
        assert rc == 2 and needle in capsys.readouterr().err
    rc = main(["train", "--model", "gbm", "--data", str(t), "--out", str(tmp_path / "x"),
               "--host-labels", "planets"])  # fmt: skip
    assert rc == 2 and "'star' or 'detected'" in capsys.readouterr().err
