"""``starskope train / predict / evaluate`` end to end on tiny Kaggle-format tables."""

from __future__ import annotations

import json

import numpy as np
import pytest

from starskope.cli import main
from starskope.io.kaggle import write_kaggle

from .conftest import make_flux

pytest.importorskip("torch")


@pytest.fixture
def tables(tmp_path):
    X, y, _ = make_flux(80, 20, 1000, seed=3, depth=3.0)
    Xt, yt, _ = make_flux(40, 5, 1000, seed=4, depth=3.0)
    train = write_kaggle(tmp_path / "train.csv", X, np.where(y == 1, 2, 1))
    test = write_kaggle(tmp_path / "test.csv", Xt, np.where(yt == 1, 2, 1))
    return train, test, yt


def test_train_predict_evaluate_cnn(tables, tmp_path, capsys):
    train, test, yt = tables
    out = tmp_path / "model"
    rc = main(
        ["train", "--model", "original-cnn", "--data", str(train), "--seed", "3",
         "--out", str(out), "--epochs", "2", "--no-progress"]
    )  # fmt: skip
    assert rc == 0
    card = (out / "original-cnn.md").read_text()
    assert "--seed 3" in card and "md5" in card and "val_pr_auc" in card
    assert (out / "checkpoints" / "best.pt").exists()
    capsys.readouterr()
    # a checkpoint, saved before calibration, is not taken for the model (its scores were
    # shown as probabilities: 0.9999 where the finished model said 0.09)
    rc = main(["predict", str(test), "--model", str(out / "checkpoints" / "best.pt")])
    err = capsys.readouterr().err
    assert rc == 2 and "a training checkpoint" in err and "original-cnn.pt" in err

    rc = main(["predict", str(test), "--model", str(out / "original-cnn.pt"), "--json"])
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rc == 0 and len(lines) == 40
    assert [d["row"] for d in lines] == list(range(40))
    assert [d["label"] for d in lines] == list(yt)
    for d in lines:
        assert 0 <= d["score"] <= 1
        assert d["class_probabilities"]["planet"] == pytest.approx(d["score"])
        assert d["explanation"]["saliency_method"] == "gradient"

    rc = main(
        ["evaluate", "--model", str(out / "original-cnn.pt"), "--data", str(test),
         "--out", str(tmp_path / "eval"), "--boot", "100"]
    )  # fmt: skip
    said = capsys.readouterr()
    text = said.out
    assert rc == 0 and "pr_auc" in text and "wide" in text
    assert "trained on this file" not in said.err
    rep = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert rep["value"]["n_pos"] == 5
    for name in ("roc", "pr", "reliability", "confusion", "scores", "history"):
        assert (tmp_path / "eval" / f"{name}.png").stat().st_size > 1000
    # each star's score beside the summary (an audit of the training workflow: checking the
    # metrics took a second predict run), in the order and with the scores predict gives
    import csv

    with open(tmp_path / "eval" / "scores.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["label"]) for r in rows] == list(yt)
    assert [r["id"].endswith(f"#row={i}") for i, r in enumerate(rows)] == [True] * 40
    for r, d in zip(rows, lines, strict=True):
        assert float(r["score"]) == pytest.approx(d["score"], rel=1e-5, abs=1e-6)
    cal = rep["calibration"]
    assert 0 <= cal["brier"] <= 1 and cal["host_rate"] == pytest.approx(5 / 40)
    assert cal["host_prior"] == pytest.approx(0.25)  # the balanced sampler's training share
    assert sum(rep["reliability"]["count"]) == 40
    assert "calibration (scores at a host prior of 0.25): Brier" in text
    # the training table itself: its md5 is in the card, and the metrics are said to be
    # training metrics (an audit of the training workflow)
    rc = main(
        ["evaluate", "--model", str(out), "--data", str(train), "--out", str(tmp_path / "e2"),
         "--boot", "0"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 0 and f"{train}: the model was trained on this file" in err


def test_bad_model_names(tables, capsys):
    train, test, _ = tables
    assert main(["train", "--model", "nope", "--data", str(train), "--out", "x"]) == 2
    assert "original-cnn" in capsys.readouterr().err
    assert main(["predict", str(test), "--model", "no-such-model"]) == 2
    assert "no-such-model" in capsys.readouterr().err


def test_train_gbm_with_injections_into_real_noise(tables, tmp_path, monkeypatch, shared_data):
    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "cache"))
    train, _, _ = tables
    out = tmp_path / "gbm"
    rc = main(["train", "--model", "gbm", "--data", str(train), "--seed", "1", "--out", str(out),
               "--injections", "10", "--jobs", "1"])  # fmt: skip
    assert rc == 0
    card = (out / "gbm.md").read_text()
    # the 80 table rows plus the 10 injections (4 planets, 3 binaries, 3 nothing)
    assert "trained on 90 stars (24 planet hosts)" in card
    assert "10 injections into real K2 noise, seed 1" in card and "--injections 10" in card
    # raw-flux models cannot take the pipeline's injections
    assert main(["train", "--model", "original-cnn", "--data", str(train), "--out",
                 str(tmp_path / "x"), "--injections", "4"]) == 2  # fmt: skip


def test_predict_names_a_bad_row_once_and_gives_the_cadence(tmp_path, capsys):
    """A truncated row's error line names the file and row once (it said them twice: the
    path ``t.csv#row=2`` before the error's own ``t.csv [row 2]``); raw-flux results carry the
    cadence as search's do."""
    pytest.importorskip("torch")
    X, y, _ = make_flux(4, 1, 3197, seed=3, depth=3.0)
    path = write_kaggle(tmp_path / "t.csv", X, np.where(y == 1, 2, 1))
    lines = path.read_text().splitlines()
    lines[3] = ",".join(lines[3].split(",")[:2000])  # row 2 cut short
    path.write_text("\n".join(lines) + "\n")
    rc = main(["predict", str(path), "--model", "original-cnn", "--json", "--no-explain"])
    out = capsys.readouterr()
    assert rc == 1
    err = [x for x in out.err.splitlines() if "error:" in x]
    assert len(err) == 1 and err[0].count("[row 2]") == 1 and "#row=" not in err[0]
    ok = [json.loads(x) for x in out.out.splitlines() if '"error":null' in x]
    assert len(ok) == 3
    assert all(r["cadence_minutes"] == pytest.approx(29.4244, rel=1e-6) for r in ok)


def test_a_raw_flux_model_keeps_its_training_cadence(tables, tmp_path, capsys):
    """A model trained on hourly rows (``--cadence-minutes 60``) records that cadence: its
    save and load keep it, ``predict`` scores hourly rows as they are, and puts rows of K2's
    29.4 minutes on its hourly slots (with a warning) instead of reading them as hourly."""
    from starskope.models.registry import load_model

    train, test, _ = tables
    out = tmp_path / "hourly"
    rc = main(
        ["train", "--model", "original-cnn", "--data", str(train), "--seed", "3",
         "--out", str(out), "--epochs", "1", "--no-progress", "--cadence-minutes", "60"]
    )  # fmt: skip
    assert rc == 0
    _, est = load_model(str(out / "original-cnn.pt"))
    assert est.cadence_minutes_ == 60.0
    capsys.readouterr()

    def scores(*extra):
        rc = main(["predict", str(test), "--model", str(out / "original-cnn.pt"), "--json",
                   "--no-explain", *extra])  # fmt: skip
        captured = capsys.readouterr()
        assert rc == 0
        return [json.loads(x)["score"] for x in captured.out.splitlines()], captured.err

    hourly, err = scores("--cadence-minutes", "60")
    assert "other cadences" not in err
    k2, err = scores()
    assert "other cadences than the raw-flux model's (60 min)" in err
    assert not np.allclose(hourly, k2)
