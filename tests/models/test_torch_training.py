"""The torch classifiers' shared training loop: early stopping, best weights, history, seeding."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from starskope.exceptions import StarskopeError  # noqa: E402
from starskope.models.torch_training import (  # noqa: E402
    ranking_metrics,
    seeded_session,
    torch_device,
    train_epochs,
)


class _Est:
    """The attributes train_epochs needs, around a one-weight module."""

    def __init__(self, epochs: int, patience: int):
        self.module_ = torch.nn.Linear(1, 1, bias=False)
        self.epochs, self.patience, self.progress = epochs, patience, False
        self.saved: list[tuple[str, float]] = []

    def _checkpoint(self, name: str) -> None:
        self.saved.append((name, float(self.module_.weight.detach())))


def _run(est, scores):
    """Train on y = 2x; validation reports the given PR-AUC per epoch (NaN allowed)."""
    it = iter(scores)
    x = np.linspace(-1, 1, 8, dtype=np.float32)[:, None]

    def batches():
        yield x, 2 * x

    train_epochs(
        est,
        optimizer=torch.optim.SGD(est.module_.parameters(), lr=0.1),
        loss_fn=torch.nn.MSELoss(),
        batches=batches,
        steps=1,
        validate=lambda: (0.0, next(it), 0.5),
        device=torch.device("cpu"),
    )


def test_stops_after_patience_and_keeps_the_best_epoch():
    est = _Est(epochs=10, patience=2)
    _run(est, [0.2, 0.5, 0.4, 0.45, 0.9, 0.9])
    # epochs 3 and 4 do not beat epoch 2: stop after epoch 4, weights of epoch 2 restored
    assert [h["epoch"] for h in est.history_] == [1, 2, 3, 4]
    assert est.best_epoch_ == 2
    best = [w for name, w in est.saved if name == "best.pt"]
    assert len(best) == 2 and float(est.module_.weight.detach()) == best[-1]
    assert [name for name, _ in est.saved].count("last.pt") == 4
    assert {"loss", "val_loss", "val_pr_auc", "val_roc_auc", "seconds"} <= set(est.history_[0])


def test_nan_pr_auc_ranks_below_any_number():
    est = _Est(epochs=3, patience=5)
    _run(est, [float("nan"), 0.0, float("nan")])
    assert est.best_epoch_ == 2  # NaN (one class in validation) counts as -1


def test_ranking_metrics_match_sklearn():
    from sklearn.metrics import average_precision_score, roc_auc_score

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 50)
    s = rng.normal(size=50) + y
    assert ranking_metrics(y, s) == (average_precision_score(y, s), roc_auc_score(y, s))
    assert all(np.isnan(ranking_metrics(np.zeros(4), s[:4])))


def test_seeded_session_repeats_and_restores_threads():
    before = torch.get_num_threads()
    with seeded_session(3, 1) as rng:
        a = (rng.integers(100, size=3).tolist(), torch.rand(2).tolist())
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with seeded_session(3, None) as rng:
        b = (rng.integers(100, size=3).tolist(), torch.rand(2).tolist())
    assert a == b


def test_device_names():
    assert torch_device("cpu").type == "cpu"
    with pytest.raises(StarskopeError, match="device must be"):
        torch_device("tpu")


def test_a_calibration_never_turns_the_networks_ranking_upside_down():
    """An unconstrained logistic fit on a small validation split gave the original CNN a
    negative slope: its calibrated scores ranked the test stars at ROC-AUC 0.41 where its
    logits ranked them at 0.59 (an audit of the training workflow). A slope of zero or less
    keeps the logits' order, shifted to the split's host rate, with a warning."""
    from starskope.exceptions import StarskopeWarning
    from starskope.models.torch_estimator import _platt

    rng = np.random.default_rng(0)
    y = np.r_[np.ones(10), np.zeros(40)].astype(int)
    z = np.r_[rng.normal(2.0, 1.0, 10), rng.normal(0.0, 1.0, 40)]
    a, b = _platt(z, y)
    assert a > 0
    with pytest.warns(StarskopeWarning, match="ranks no better than chance"):
        a, b = _platt(-z, y)
    assert a == 1.0
    p = 1 / (1 + np.exp(-(a * -z + b)))
    assert np.all(np.diff(p[np.argsort(-z)]) >= 0)  # the logits' order
    assert abs(p.mean() - y.mean()) < 0.05  # at the split's host rate
