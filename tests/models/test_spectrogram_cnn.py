"""The spectrogram CNN: image and architecture shapes, save/load, a tiny train."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from starskope.exceptions import StarskopeError  # noqa: E402
from starskope.models.registry import MODELS, load_model, make_model, save_model  # noqa: E402
from starskope.models.torch_multiclass import spectrogram_images  # noqa: E402

from .conftest import make_flux  # noqa: E402


def test_spectrogram_image_shape():
    X = 1000 + np.random.default_rng(0).normal(size=(3, 3197))
    img = spectrogram_images(X)
    assert img.shape == (3, 1, 65, (3197 - 128) // 32 + 1)
    assert img.dtype == np.float32
    np.testing.assert_allclose(img.mean(axis=(1, 2, 3)), 0.0, atol=1e-5)
    with pytest.raises(StarskopeError):
        spectrogram_images(X[:, :50])


def test_spectrogram_cnn_shapes():
    from starskope.models.view_nets import SpectrogramCNN

    net = SpectrogramCNN(n_classes=2).eval()
    assert net(torch.zeros(4, 1, 65, 96)).shape == (4, 2)
    assert net(torch.zeros(1, 1, 33, 40)).shape == (1, 2)  # adaptive pool: any size >= 8


@pytest.fixture(scope="module")
def trained():
    X, y, _ = make_flux(160, 60, 1000, seed=11, depth=10.0)
    clf = make_model(
        "spectrogram-cnn",
        random_state=0,
        epochs=15,
        patience=15,
        nperseg=32,
        noverlap=16,
        num_threads=1,
    )
    return clf.fit(X, y)


def test_tiny_train_beats_chance(trained):
    from sklearn.metrics import roc_auc_score

    Xt, yt, _ = make_flux(80, 30, 1000, seed=12, depth=10.0)
    proba = trained.predict_proba(Xt)
    assert proba.shape == (80, 2) and list(trained.classes_) == [0, 1]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert roc_auc_score(yt, proba[:, 1]) > 0.75


def test_save_load_round_trip(trained, tmp_path):
    X, _, _ = make_flux(5, 2, 1000, seed=13)
    path = save_model(trained, tmp_path / "spectrogram-cnn.pt")
    name, est = load_model(path)
    assert name == "spectrogram-cnn" and est.n_points_ == 1000 and est.nperseg == 32
    np.testing.assert_allclose(est.predict_proba(X), trained.predict_proba(X), atol=1e-6)
    with pytest.raises(StarskopeError):
        est.predict_proba(X[:, :900])
    assert MODELS["spectrogram-cnn"].kind == "rawflux"


def test_saliency_shape(trained):
    X, _, _ = make_flux(2, 1, 1000, seed=14, depth=10.0)
    s = trained.saliency(X, window=100)
    assert s.shape == X.shape and s.min() >= 0 and s.max() <= 1


def test_too_few_stars_for_a_validation_split_is_a_clear_error():
    X, y, _ = make_flux(5, 2, 1000, seed=3)
    clf = make_model("spectrogram-cnn", random_state=0, epochs=1, nperseg=32, noverlap=16)
    with pytest.raises(StarskopeError, match=r"20% of 5 stars .*got 2 hosts, 3 non-hosts"):
        clf.fit(X, y)
