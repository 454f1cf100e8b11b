"""``starskope train / predict`` end to end for the views CNN and the spectrogram CNN."""

from __future__ import annotations

import json

import numpy as np
import pytest

from starskope.cli import main
from starskope.io.kaggle import write_kaggle

from .conftest import make_flux

pytest.importorskip("torch")


def test_train_predict_spectrogram_cnn(tmp_path, capsys):
    X, y, _ = make_flux(40, 14, 1000, seed=3, depth=3.0)
    train = write_kaggle(tmp_path / "train.csv", X, np.where(y == 1, 2, 1))
    out = tmp_path / "spec"
    rc = main(
        ["train", "--model", "spectrogram-cnn", "--data", str(train), "--seed", "2",
         "--out", str(out), "--epochs", "2", "--no-progress"]
    )  # fmt: skip
    assert rc == 0 and (out / "checkpoints" / "best.pt").exists()
    assert "val_pr_auc" in (out / "spectrogram-cnn.md").read_text()
    capsys.readouterr()
    assert main(["predict", str(train), "--model", str(out / "checkpoints" / "last.pt")]) == 2
    assert "a training checkpoint" in capsys.readouterr().err
    rc = main(["predict", str(train), "--model", str(out / "spectrogram-cnn.pt"), "--json",
               "--no-explain"])  # fmt: skip
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rc == 0 and len(lines) == 40
    for d in lines:
        assert d["method"] == "spectrogram-cnn"
        assert sum(d["class_probabilities"].values()) == pytest.approx(1.0)
        assert d["class_probabilities"]["planet"] == pytest.approx(d["score"])
    rc = main(["evaluate", "--model", str(out / "spectrogram-cnn.pt"), "--data", str(train),
               "--out", str(tmp_path / "eval"), "--boot", "100"])  # fmt: skip
    text = capsys.readouterr().out
    assert rc == 0 and "confusion [[tn, fp], [fn, tp]]" in text  # not eaten as markup
    assert (tmp_path / "eval" / "history.png").exists()


def test_train_predict_views_cnn(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STARSKOPE_CACHE", str(tmp_path / "cache"))
    X, y, _ = make_flux(14, 7, 1000, seed=5, depth=6.0)
    train = write_kaggle(tmp_path / "train.csv", X, np.where(y == 1, 2, 1))
    out = tmp_path / "views"
    args = ["train", "--model", "views-cnn", "--data", str(train), "--seed", "1",
            "--out", str(out), "--epochs", "2", "--no-progress"]  # fmt: skip
    assert main(args) == 0
    card = (out / "views-cnn.md").read_text()
    assert "input: views" in card and "--seed 1" in card
    assert len(list((tmp_path / "cache" / "views").glob("file-*.npz"))) == 1  # views cached
    capsys.readouterr()
    one = write_kaggle(tmp_path / "one.csv", X[:1], np.where(y[:1] == 1, 2, 1))
    assert main(["predict", str(one), "--model", str(out / "views-cnn.pt"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out.splitlines()[0])
    assert set(d["class_probabilities"]) == {"planet", "other"}  # binary labels: 2 classes
    assert d["class_probabilities"]["planet"] == pytest.approx(d["score"])
    assert d["explanation"]["model"] == "views-cnn"


@pytest.mark.parametrize("name", ["rbm", "spectrogram-cnn", "original-cnn"])
def test_raw_flux_models_record_their_cadence_through_the_python_api(name, tmp_path):
    """``cadence_minutes`` is each raw-flux model's parameter (the CLI's --cadence-minutes
    sets it): recorded at fit as ``cadence_minutes_`` and kept by save and load; None is K2
    long cadence. Trained from Python, a two-minute model was saved as a 29.4-minute one."""
    from starskope.models.registry import load_model, make_model, save_model

    X, y, _ = make_flux(40, 14, 1000, seed=3, depth=3.0)
    extra = {} if name == "rbm" else {"epochs": 1}
    est = make_model(name, random_state=0, cadence_minutes=2.0, **extra).fit(X, y)
    assert est.cadence_minutes_ == 2.0
    suffix = ".pkl" if name == "rbm" else ".pt"
    _, back = load_model(save_model(est, tmp_path / f"{name}{suffix}"))
    assert back.cadence_minutes_ == 2.0
    assert make_model(name, random_state=0, **extra).fit(X, y).cadence_minutes_ == 29.4244
