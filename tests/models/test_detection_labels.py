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


def test_truth_tables_that_cannot_give_periods_are_named(tmp_path):
    table = tmp_path / "c.csv"
    truth = tmp_path / "c.truth.csv"
    truth.write_text("row,label,class,period_days\n0,2,Planet,3.5\n1,1,quiet,\n")
    assert truth_periods(table)[0] == 3.5  # class names as truth_classes reads them
    truth.write_text("row,label,class,period_days\n0,2,planet,\n")
    with pytest.raises(StarskopeError, match=r"row 0: a planet's period_days '' is not a positive"):
        truth_periods(table)
    truth.write_text("row,label,class,period_days\nx,2,planet,3\n")
    with pytest.raises(StarskopeError, match="'row' that is not an integer"):
        truth_periods(table)
    truth.write_text("row,label,class\n0,2,planet\n")
    with pytest.raises(StarskopeError, match="no 'period_days' column") as err:
        truth_periods(table)
    assert "c.truth.csv" in str(err.value)
    with pytest.raises(StarskopeError, match="injection 4, but only 2 injections"):
        known_periods(["inject:4:planet:x.fits"], injections=2)


def test_injection_draws_are_pinned(shared_data):
    """The injection set's draws are cached by a key of its settings: a change of draw order
    would silently pair old cached features with new labels. Pinned on the 105 background
    files of ../shared/data/bulk."""
    from starskope.models.training_data import background_files, injection_set

    if len(background_files()) != 105:
        pytest.skip("a different set of K2 background files than the one pinned")
    lcs, classes, ids, _ = injection_set(3, seed=1)
    assert ids == [
        "inject:0:planet:EPIC_210551925_mast.fits.gz",
        "inject:1:eclipsing_binary:EPIC_247862511_mast.fits.gz",
        "inject:2:other:EPIC_246863569_mast.fits.gz",
    ]
    sums = [float(np.nansum(lc.flux)) for lc in lcs]
    np.testing.assert_allclose(sums, [2913.518, 2930.236, 2962.971], atol=2e-3)
    assert injection_periods(3, seed=1)[0] == pytest.approx(10.8614163, rel=1e-7)


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


def test_train_gbm_with_detection_labels_and_injections(tmp_path, monkeypatch, capsys, shared_data):
    """The injections' periods come from their trial numbers (``inject:I:...`` rows)."""
    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "cache"))
    camp = tmp_path / "camp.csv"
    assert main(["simulate", "campaign", "--n-stars", "20", "--n-hosts", "8", "--seed", "6",
                 "--min-host-snr", "15", "--out", str(camp)]) == 0  # fmt: skip
    out = tmp_path / "gbm"
    rc = main(["train", "--model", "gbm", "--data", str(camp), "--injections", "10", "--seed",
               "2", "--out", str(out), "--host-labels", "detected", "--no-progress"])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    card = (out / "gbm.md").read_text()
    import re

    left = int(re.search(r"detection labels: (\d+) hosts", card).group(1))
    kept = re.search(r"trained on (\d+) stars \((\d+) planet hosts\)", card)
    # 20 table rows and 10 injections (4 planets among them)
    assert int(kept.group(1)) == 30 - left and int(kept.group(2)) == 12 - left


def test_detection_labels_errors(tmp_path, capsys):
    from starskope.io.kaggle import write_kaggle

    rng = np.random.default_rng(0)
    t = write_kaggle(tmp_path / "t.csv", 1000 + rng.normal(size=(4, 300)), [2, 1, 1, 1])
    for model, needle in (("views-cnn", "for the tabular models"), ("gbm", "t.csv has none")):
        rc = main(["train", "--model", model, "--data", str(t), "--out", str(tmp_path / model),
                   "--host-labels", "detected", "--no-progress"])  # fmt: skip
        assert rc == 2 and needle in capsys.readouterr().err
    rc = main(["train", "--model", "gbm", "--data", str(t), "--out", str(tmp_path / "x"),
               "--host-labels", "planets"])  # fmt: skip
    assert rc == 2 and "'star' or 'detected'" in capsys.readouterr().err
