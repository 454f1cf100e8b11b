"""The original STARSKØPE CNN: architecture, balanced sampler, training, save/load, saliency."""

from __future__ import annotations

import numpy as np
import pytest

from starskope.exceptions import StarskopeError
from starskope.features.rawflux import raw_flux_channels, standardize_rows

torch = pytest.importorskip("torch")

from starskope.models.cnn import OriginalCNN, conv_output_length  # noqa: E402
from starskope.models.torch_estimator import (  # noqa: E402
    RawFluxCNNClassifier,
    balanced_batch,
    circular_shift,
)

from .conftest import make_flux  # noqa: E402


@pytest.fixture(autouse=True)
def _one_thread():
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def test_architecture_matches_original():
    m = OriginalCNN()
    convs = [lay for lay in m.features if isinstance(lay, torch.nn.Conv1d)]
    assert [c.out_channels for c in convs] == [8, 16, 32, 64]
    assert all(c.kernel_size == (11,) for c in convs)
    pools = [lay for lay in m.features if isinstance(lay, torch.nn.MaxPool1d)]
    assert len(pools) == 4 and all(p.stride == 4 and p.kernel_size == 2 for p in pools)
    assert sum(isinstance(lay, torch.nn.BatchNorm1d) for lay in m.features) == 3
    drops = [lay.p for lay in m.head if isinstance(lay, torch.nn.Dropout)]
    assert drops == [0.5, 0.25]
    dense = [lay for lay in m.head if isinstance(lay, torch.nn.Linear)]
    assert [d.out_features for d in dense] == [64, 64, 1]
    # Keras valid conv + MaxPool1D(strides=4): 3197 -> 797 -> 197 -> 47 -> 9 samples x 64 filters
    assert conv_output_length(3197) == 9 and dense[0].in_features == 9 * 64
    m.eval()
    assert m(torch.zeros(5, 2, 3197)).shape == (5,)


def test_too_short_input_rejected():
    with pytest.raises(ValueError):
        OriginalCNN(n_points=500)


def test_channels_standardised_and_filtered():
    rng = np.random.default_rng(0)
    flux = 50 + 3 * rng.normal(size=(4, 1000))
    flux[1, 10:20] = np.nan
    x = raw_flux_channels(flux)
    assert x.shape == (4, 2, 1000) and x.dtype == np.float32 and np.isfinite(x).all()
    np.testing.assert_allclose(x[:, 0].mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(x[:, 0].std(axis=1), 1, atol=1e-4)
    # second channel = 200-point running mean of the first (away from the edges)
    np.testing.assert_allclose(x[0, 1, 400], x[0, 0, 300:500].mean(), atol=1e-5)
    assert np.all(standardize_rows(np.ones((1, 5))) == 0)


def test_high_pass_keeps_short_dips_and_removes_slow_variability():
    from starskope.features.rawflux import subtract_running_median

    t = np.arange(3197) * 0.0204
    slow = 1000.0 + 30.0 * np.sin(2 * np.pi * t / 12.0)  # spots: 3% over 12 days
    dip = np.zeros_like(t)
    dip[1000:1006] = -5.0  # a 3-hour transit of 0.5% where the spots change fastest
    hp = subtract_running_median(np.stack([slow + dip, slow + dip - 1000.0]), window=49)
    # what is left of the spots: under 2% of their amplitude (curvature at the extrema)
    assert np.abs(hp[0, :990]).max() < 0.02 * 30.0 and hp[0, 1000:1006].max() < -3.5
    np.testing.assert_allclose(hp[1], hp[0], atol=1e-9)  # no flux level needed
    x = raw_flux_channels(slow + dip, filter_size=1, detrend_window=49)[0]
    np.testing.assert_array_equal(x[0], x[1])  # filter_size=1: the flux alone
    assert np.argmin(x[0]) in range(1000, 1006) and x[0].min() < -10  # the dip stands out
    for bad in (0, 1, 48, 49.0, float("nan"), True):
        with pytest.raises(StarskopeError, match="detrend window must be an odd number"):
            raw_flux_channels(slow, detrend_window=bad)


@pytest.mark.filterwarnings("ignore:calibration. the validation split ranks")  # tiny, noise
def test_high_passed_model_round_trip(tmp_path):
    X, y, _ = make_flux(60, 12, 1000, seed=4, depth=3.0)
    clf = RawFluxCNNClassifier(epochs=1, steps_per_epoch=3, random_state=0, detrend_window=49)
    clf.fit(X, y)
    again = RawFluxCNNClassifier.load(clf.save(tmp_path / "hp.pt"))
    assert again.detrend_window == 49
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X), rtol=1e-6)
    # the option reaches the inputs: the same weights score other inputs without it
    plain = RawFluxCNNClassifier.load(clf.save(tmp_path / "hp2.pt"))
    plain.detrend_window = None
    assert not np.allclose(plain.predict_proba(X), clf.predict_proba(X))


def test_balanced_batch_half_hosts():
    rng = np.random.default_rng(3)
    y = np.r_[np.ones(5, int), np.zeros(500, int)]  # fewer hosts than half a batch
    for _ in range(20):
        b = balanced_batch(y, batch_size=32, rng=rng)
        assert len(b) == 32 and y[b[:16]].all() and not y[b[16:]].any()
    assert len(set(balanced_batch(y, batch_size=32, rng=rng)[16:])) == 16  # no repeats
    with pytest.raises(StarskopeError):
        balanced_batch(np.zeros(10, int), batch_size=8, rng=rng)


def test_circular_shift_rolls_each_sample():
    rng = np.random.default_rng(0)
    x = np.tile(np.arange(50, dtype=np.float32), (6, 2, 1))
    s = circular_shift(x, rng)
    for i in range(6):
        k = int(np.argmin(s[i, 0]))  # where sample 0 went
        np.testing.assert_array_equal(s[i], np.roll(x[i], k, axis=1))
        np.testing.assert_array_equal(s[i, 0], s[i, 1])  # both channels shifted together
    assert len({int(np.argmin(s[i, 0])) for i in range(6)}) > 1


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)
    X, y, _ = make_flux(100, 24, 1000, seed=1, depth=3.0)
    clf = RawFluxCNNClassifier(
        epochs=3, steps_per_epoch=12, learning_rate=3e-3, random_state=0, patience=3
    )
    return clf.fit(X, y)


def test_tiny_train_beats_chance(trained):
    from sklearn.metrics import average_precision_score, roc_auc_score

    Xt, yt, _ = make_flux(150, 15, 1000, seed=7, depth=3.0)
    p = trained.predict_proba(Xt)[:, 1]
    assert p.shape == (150,) and np.all((p >= 0) & (p <= 1))
    assert roc_auc_score(yt, p) > 0.8
    assert average_precision_score(yt, p) > 0.3  # chance is 0.1
    assert len(trained.history_) == 3 and 1 <= trained.best_epoch_ <= 3
    assert set(trained.predict(Xt)) <= {0, 1}


def test_save_load_round_trip(trained, tmp_path):
    Xt, _, _ = make_flux(10, 2, 1000, seed=8)
    path = trained.save(tmp_path / "cnn.pt")
    again = RawFluxCNNClassifier.load(path)
    np.testing.assert_allclose(again.predict_proba(Xt), trained.predict_proba(Xt), rtol=1e-6)
    assert again.get_params() == {**trained.get_params(), "checkpoint_dir": None}
    (tmp_path / "bad.pt").write_bytes(b"nonsense")
    with pytest.raises(StarskopeError, match="bad.pt"):
        RawFluxCNNClassifier.load(tmp_path / "bad.pt")


def test_saliency_peaks_on_transits(trained):
    X, y, transits = make_flux(40, 20, 1000, seed=11, depth=3.0)
    sal = trained.saliency(X, window=10)
    assert sal.shape == X.shape and np.all((sal >= 0) & (sal <= 1))
    grad = trained.saliency(X[:3], method="gradient", window=5)
    assert grad.shape == (3, 1000) and np.isclose(grad.max(axis=1), 1).all()
    with pytest.raises(StarskopeError, match="occlusion"):
        trained.saliency(X[:1], method="shap")
    hosts = np.flatnonzero(y == 1)
    inside = np.mean([sal[i, transits[i]].mean() for i in hosts])
    outside = np.mean([sal[i, ~transits[i]].mean() for i in hosts])
    assert inside > outside


def test_fit_validation_errors():
    clf = RawFluxCNNClassifier(epochs=1)
    with pytest.raises(StarskopeError, match="936"):
        clf.fit(np.zeros((10, 100)), np.r_[np.ones(5), np.zeros(5)])
    with pytest.raises(StarskopeError, match="host"):
        clf.fit(np.zeros((10, 1000)), np.zeros(10))
    with pytest.raises(StarskopeError, match="cpu"):
        RawFluxCNNClassifier(device="tpu").fit(
            np.random.default_rng(0).normal(size=(20, 1000)), np.r_[np.ones(10), np.zeros(10)]
        )
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        clf.predict_proba(np.zeros((2, 1000)))


def test_checkpoints_and_progress(tmp_path, capsys):
    X, y, _ = make_flux(40, 10, 1000, seed=2)
    clf = RawFluxCNNClassifier(
        epochs=1, steps_per_epoch=2, random_state=0, checkpoint_dir=str(tmp_path), progress=True
    ).fit(X, y)
    assert (tmp_path / "best.pt").exists() and (tmp_path / "last.pt").exists()
    assert RawFluxCNNClassifier.load(tmp_path / "last.pt").n_points_ == 1000
    assert clf.history_[0]["val_roc_auc"] >= 0


@pytest.mark.filterwarnings("ignore:calibration. the validation split ranks")  # tiny, noise
def test_same_seed_same_model():
    X, y, _ = make_flux(40, 10, 1000, seed=2)
    kw = dict(epochs=1, steps_per_epoch=2, random_state=5)
    a = RawFluxCNNClassifier(**kw).fit(X, y).decision_function(X[:5])
    b = RawFluxCNNClassifier(**kw).fit(X, y).decision_function(X[:5])
    np.testing.assert_allclose(a, b, rtol=1e-5)


@pytest.mark.parametrize("n_stars", [4, 5])
def test_too_few_stars_for_a_validation_split_is_a_clear_error(n_stars):
    # 20% of 4 or 5 stars is one star: scikit-learn's stratified split cannot hold 2 classes
    X = np.random.default_rng(0).normal(size=(n_stars, 1000))
    y = np.r_[np.ones(2), np.zeros(n_stars - 2)]
    msg = rf"20% of {n_stars} stars .* needs at least 6 stars.*got 2 hosts, {n_stars - 2} non-hosts"
    with pytest.raises(StarskopeError, match=msg):
        RawFluxCNNClassifier(epochs=1).fit(X, y)
