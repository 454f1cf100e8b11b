"""The views CNN: architecture shapes, multi-class calibration, save/load, a tiny train."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from starskope.exceptions import StarskopeError  # noqa: E402
from starskope.models.registry import MODELS, load_model, make_model, save_model  # noqa: E402
from starskope.models.training_data import to_class_names, truth_classes  # noqa: E402
from starskope.models.views import (  # noqa: E402
    N_GLOBAL,
    N_INPUT,
    N_LOCAL,
    SCALAR_FEATURES,
    split_views,
)

CLASSES = ("planet", "eclipsing_binary", "other")


def make_views(n_per_class: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic views: planets a U dip in local/global, EBs also a secondary and odd/even
    difference, others only noise. Rows follow VIEW_LAYOUT."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    ph_g = np.linspace(-0.5, 0.5, N_GLOBAL)
    ph_l = np.linspace(-2, 2, N_LOCAL)
    for cls in CLASSES:
        for _ in range(n_per_class):
            g = rng.normal(0, 0.15, N_GLOBAL)
            loc, odd, even, sec = (rng.normal(0, 0.15, N_LOCAL) for _ in range(4))
            sc = rng.normal(0, 1, len(SCALAR_FEATURES))
            dip = -(np.clip(1 - np.abs(ph_l) / 0.5, 0, 1) ** 0.3)
            if cls != "other":
                w = rng.uniform(0.005, 0.02)
                g += np.where(np.abs(ph_g) < w, -1.0, 0.0)
                loc += dip
                odd += dip
                even += dip * (rng.uniform(0.4, 0.7) if cls == "eclipsing_binary" else 1.0)
                if cls == "eclipsing_binary":
                    sec += 0.6 * dip
            X.append(np.concatenate([g, loc, odd, even, sec, sc]))
            y.append(cls)
    order = rng.permutation(len(y))
    return np.array(X)[order], np.array(y, dtype=object)[order]


def test_views_cnn_shapes():
    from starskope.models.view_nets import ViewsCNN

    net = ViewsCNN(n_classes=3).eval()
    out = net(torch.zeros(5, N_INPUT))
    assert out.shape == (5, 3)
    assert net(torch.zeros(1, N_INPUT)).shape == (1, 3)
    with pytest.raises(RuntimeError):
        net(torch.zeros(2, N_INPUT - 1))


def test_split_views_layout():
    X = np.arange(2 * N_INPUT, dtype=float).reshape(2, N_INPUT)
    parts = split_views(X)
    assert [v.shape[1] for v in parts.values()] == [N_GLOBAL] + [N_LOCAL] * 4 + [
        len(SCALAR_FEATURES)
    ]
    assert parts["scalars"][0, -1] == N_INPUT - 1
    with pytest.raises(StarskopeError):
        split_views(X[:, :-1])


def test_class_names_map():
    assert list(to_class_names([1, 0])) == ["planet", "other"]
    assert list(to_class_names(["quiet", "variable", "eclipsing_binary", "planet"])) == [
        "other",
        "other",
        "eclipsing_binary",
        "planet",
    ]
    with pytest.raises(StarskopeError):
        to_class_names(["comet"])


def test_truth_classes(tmp_path):
    table = tmp_path / "c.csv"
    table.write_text("LABEL,FLUX.1\n")
    assert truth_classes(table) is None
    (tmp_path / "c.truth.csv").write_text(
        "row,label,class\n1,1,eclipsing_binary\n0,2,planet\n2,1,variable\n"
    )
    assert list(truth_classes(table)) == ["planet", "eclipsing_binary", "other"]


@pytest.fixture(scope="module")
def trained():
    X, y = make_views(40, seed=0)
    clf = make_model(
        "views-cnn", random_state=0, epochs=10, patience=10, batch_size=32, num_threads=1
    )
    return clf.fit(X, y)


def test_tiny_train_beats_chance(trained):
    from sklearn.metrics import roc_auc_score

    Xt, yt = make_views(20, seed=1)
    proba = trained.predict_proba(Xt)
    assert list(trained.classes_) == list(CLASSES)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert np.all(proba >= 0)
    acc = np.mean(trained.predict(Xt) == yt)
    assert acc > 0.6  # chance: 1/3
    auc = roc_auc_score(yt == "planet", trained.score_planet(Xt))
    assert auc > 0.75
    assert trained.temperature_ > 0 and len(trained.offsets_) == 3
    assert 1 <= trained.best_epoch_ <= len(trained.history_)


def test_save_load_round_trip(trained, tmp_path):
    X, _ = make_views(3, seed=5)
    path = save_model(trained, tmp_path / "views-cnn.pt")
    name, est = load_model(path)
    assert name == "views-cnn"
    np.testing.assert_allclose(est.predict_proba(X), trained.predict_proba(X), atol=1e-6)
    assert list(est.classes_) == list(trained.classes_)
    np.testing.assert_allclose(est.scalar_center_, trained.scalar_center_)


def test_host_prior_shift(trained):
    X, _ = make_views(4, seed=6)
    p0 = trained.score_planet(X)
    trained.set_params(host_prior=0.01)
    try:
        p1 = trained.score_planet(X)
    finally:
        trained.set_params(host_prior=None)
    assert np.all(p1 <= p0 + 1e-12)
    assert np.argsort(p1).tolist() == np.argsort(p0).tolist()


def test_saliency_over_phase(trained):
    X, y = make_views(4, seed=7)
    sal = trained.saliency(X)
    assert sal["global"].shape == (len(X), N_GLOBAL) and sal["local"].shape == (len(X), N_LOCAL)
    top = np.max([v.max(axis=1) for v in sal.values()], axis=0)
    assert np.all((top == 0) | np.isclose(top, 1.0))


def test_bad_inputs():
    clf = make_model("views-cnn", epochs=1)
    with pytest.raises(StarskopeError):
        clf.fit(np.zeros((6, 10)), ["planet", "other"] * 3)
    X, _ = make_views(2, seed=2)
    with pytest.raises(StarskopeError):
        clf.fit(X, ["planet"] * len(X))
    assert MODELS["views-cnn"].kind == "views"


def test_fit_temperature_recovers_scale():
    from starskope.models.torch_multiclass import fit_temperature

    rng = np.random.default_rng(0)
    true = rng.normal(0, 1.5, (4000, 3))
    p = np.exp(true) / np.exp(true).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=r) for r in p])
    t, b = fit_temperature(true * 3.0, y)  # over-confident by a factor 3
    assert t == pytest.approx(3.0, rel=0.15)
    assert np.ptp(b) < 0.2


def test_score_distributions_per_named_class():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from starskope.models.plots import plot_score_distributions

    fig, ax = plt.subplots()
    y = np.array(["planet", "other", "eclipsing_binary", "other"], dtype=object)
    plot_score_distributions(y, [0.9, 0.1, 0.2, 0.3], ax=ax)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)
    assert labels == ["eclipsing_binary", "other", "planet"]


def test_saliency_stretches_stay_in_their_view_and_centre_on_the_transit(trained, monkeypatch):
    # the global view's last stretch blanked the local view's first 99 bins too (and the
    # secondary view's, the scalars), and a stretch boundary split the transit at phase 0
    from starskope.models.views import VIEW_LAYOUT

    X = make_views(1, seed=3)[0][:1]
    seen = []
    real = trained.decision_function

    def spy(Z):
        seen.append(np.array(Z))
        return real(Z)

    monkeypatch.setattr(trained, "decision_function", spy)
    sal = trained.saliency(X)
    rows = np.vstack(seen[1:])  # after the unoccluded row
    bounds = np.cumsum([0] + [n for _, n in VIEW_LAYOUT])
    hidden = [np.flatnonzero((r != X[0]) & ~(np.isnan(r) & np.isnan(X[0]))) for r in rows]
    for h in hidden:
        if h.size:
            view = np.searchsorted(bounds, h[0], side="right") - 1
            assert h[-1] < bounds[view + 1], "an occlusion crossed into the next view"
    centred = [h for h in hidden if h.size and h[0] < 1000 < h[-1]]
    assert centred and centred[0][0] + centred[0][-1] == 2000  # centred on phase 0
    g = sal["global"][0]
    assert g[1000 - 40] == g[1000] == g[1000 + 40]
