"""scikit-learn-style multi-class torch classifiers: the views CNN and the spectrogram CNN.

:class:`TorchMultiClassifier` holds what both share: a stratified validation split carved from
the training data (a star's rows on one side with ``fit(..., groups=...)``), class-weighted cross-entropy with Adam over shuffled mini-batches, early
stopping on the validation PR-AUC of P(planet), ``best.pt`` / ``last.pt`` checkpoints and a rich
progress bar (the epochs run in :func:`starskope.models.torch_training.train_epochs`, as the
original CNN's do), and a calibration on the validation split: temperature scaling with one offset per
class (``softmax(z / T + b)``, fitted by minimising the validation log loss; the offsets undo
the class weighting, the temperature the over-confidence). ``score`` is the calibrated planet
probability; :meth:`predict_proba` gives every class.

- :class:`ViewsCNNClassifier`: input rows of :data:`starskope.models.views.VIEW_LAYOUT`
  (folded views of the strongest candidate + scalars); classes planet, eclipsing binary and
  other (binary 1/0 labels become planet/other). Augmentation: each training view is reversed
  in phase, and odd/even swapped, with probability 1/2.
- :class:`SpectrogramCNNClassifier`: raw flux rows (as the original CNN reads them); the input is
  the log-magnitude short-time Fourier transform (:func:`scipy.signal.stft`) of the standardised
  flux. Augmentation: a random circular shift of the image in time.

torch is imported when a model is built, trained or loaded, never at ``import starskope``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ..exceptions import StarskopeError
from .occlusion import log_odds, occlusion_drop, scale_rows
from .prior import at_host_prior
from .splits import check_row_split, validation_split
from .torch_training import (
    forward_batches,
    ranking_metrics,
    seeded_session,
    torch_device,
    train_epochs,
)
from .training_data import CLASS_NAMES, to_class_names

__all__ = [
    "SpectrogramCNNClassifier",
    "TorchMultiClassifier",
    "ViewsCNNClassifier",
    "fit_temperature",
    "spectrogram_images",
]


def fit_temperature(z: np.ndarray, y_idx: np.ndarray, *, n_iter: int = 200):
    """Temperature ``T`` and class offsets ``b`` minimising the log loss of ``softmax(z/T + b)``.

    Parameters
    ----------
    z : numpy.ndarray, shape (n, n_classes)
        Validation logits.
    y_idx : numpy.ndarray of int
        True class index per row.

    Returns
    -------
    (float, list of float)
    """
    import torch

    zt = torch.from_numpy(np.asarray(z, dtype=np.float64))
    yt = torch.from_numpy(np.asarray(y_idx, dtype=np.int64))
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(zt.shape[1], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t, b], lr=0.5, max_iter=n_iter, line_search_fn="strong_wolfe")
    loss_fn = torch.nn.CrossEntropyLoss()

    def closure():
        opt.zero_grad()
        # a weak ridge keeps b finite when a class is absent from the validation split
        loss = loss_fn(zt / log_t.exp() + b, yt) + 1e-3 * (b**2).sum() + 1e-3 * log_t.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp()), [float(v) for v in b.detach()]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class TorchMultiClassifier(ClassifierMixin, BaseEstimator):
    """Shared training loop, calibration and persistence (subclasses define the network).

    Subclasses implement ``_build(n_classes)`` (the module), ``_prepare(X, fit=False)`` (model
    input as a float32 array, one star per row along axis 0) and ``_augment(xb, rng)``.
    """

    def __init__(
        self,
        *,
        batch_size: int = 64,
        epochs: int = 40,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        validation_fraction: float = 0.2,
        patience: int = 8,
        calibrate: bool = True,
        host_prior: float | None = None,
        random_state: int | None = None,
        device: str = "cpu",
        num_threads: int | None = None,
        progress: bool = False,
        checkpoint_dir: str | None = None,
    ):
        self.batch_size = batch_size
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.calibrate = calibrate
        self.host_prior = host_prior
        self.random_state = random_state
        self.device = device
        self.num_threads = num_threads
        self.progress = progress
        self.checkpoint_dir = checkpoint_dir

    # ------------------------------------------------------------------ to override
    def _build(self, n_classes: int):  # pragma: no cover - abstract
        raise NotImplementedError

    def _prepare(self, X, *, fit: bool = False) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _augment(self, xb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return xb

    def _labels(self, y) -> np.ndarray:
        y = np.asarray(y).ravel()
        if y.dtype.kind in "biuf":  # numbers are 0/1 (1 the planet class); class names words
            from ..evaluate import binary_labels

            return binary_labels(y)
        return y

    def _extra_state(self) -> dict:
        return {}

    def _set_extra_state(self, state: dict) -> None:
        pass

    # ------------------------------------------------------------------ helpers
    def _logits(self, x: np.ndarray, *, batch: int = 512) -> np.ndarray:
        z = forward_batches(self.module_, x, batch=batch)
        if z is None:
            return np.empty((0, len(self.classes_)), dtype=np.float64)
        return z.astype(np.float64)

    def planet_column(self) -> int:
        """Index of the planet class in ``classes_`` (``"planet"``, else 1)."""
        check_is_fitted(self, "module_")
        for key in ("planet", 1):
            hits = [i for i, c in enumerate(self.classes_) if c == key]
            if hits:
                return hits[0]
        raise StarskopeError(f"no planet class among {list(self.classes_)}")

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, groups=None):
        """Train on ``X`` and class labels ``y``; returns self.

        ``groups`` (one per row, e.g. :func:`~starskope.models.training_data.star_groups`)
        keeps each group's rows on one side of the validation split
        (:func:`~starskope.models.splits.validation_split`); None, or a group per row, gives
        the row-wise stratified split.
        """
        import torch
        from sklearn.model_selection import train_test_split

        y = self._labels(y)
        if len(X) != len(y):
            raise StarskopeError(f"X has {len(X)} rows but y has {len(y)} labels")
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise StarskopeError("need at least two classes to train")
        if counts.min() < 2:
            raise StarskopeError(
                f"every class needs at least 2 members to train and validate; got "
                f"{dict(zip(classes.tolist(), counts.tolist(), strict=True))}"
            )
        if self.batch_size < 2 or self.epochs < 1:
            raise StarskopeError("batch_size must be >= 2 and epochs >= 1")
        order = {c: i for i, c in enumerate(CLASS_NAMES)}
        self.classes_ = np.array(sorted(classes, key=lambda c: (order.get(c, 99), str(c))))
        if "planet" not in self.classes_ and 1 not in self.classes_:
            raise StarskopeError(f"labels need a planet class; got {list(self.classes_)}")
        idx = {c: i for i, c in enumerate(self.classes_)}
        yi = np.array([idx[c] for c in y], dtype=np.int64)
        dev = torch_device(self.device)
        with seeded_session(self.random_state, self.num_threads) as rng:
            split_seed = int(rng.integers(2**31))
            grouped = validation_split(
                yi, groups, self.validation_fraction, random_state=split_seed,
                what=f"{type(self).__name__} validation split",
            )  # fmt: skip
            if grouped is None:
                check_row_split(
                    y, self.validation_fraction, what=f"{type(self).__name__} validation split"
                )
            idx_tr, idx_va = grouped or train_test_split(
                np.arange(len(y)),
                test_size=self.validation_fraction,
                stratify=yi,
                random_state=split_seed,
            )
            x_all = self._prepare(X, fit=True)
            x_tr, y_tr, x_va, y_va = x_all[idx_tr], yi[idx_tr], x_all[idx_va], yi[idx_va]
            pc = self.planet_column_ = idx["planet"] if "planet" in idx else idx[1]
            self.train_prior_ = float(np.mean(yi == pc))
            self.module_ = self._build(len(self.classes_)).to(dev)
            freq = np.bincount(y_tr, minlength=len(self.classes_)).astype(float)
            w = len(y_tr) / (len(self.classes_) * np.maximum(freq, 1.0))
            plain = torch.nn.CrossEntropyLoss()
            steps = max(1, int(np.ceil(len(y_tr) / self.batch_size)))

            def batches():
                perm = rng.permutation(len(y_tr))
                for s in range(steps):
                    b = perm[s * self.batch_size : (s + 1) * self.batch_size]
                    if len(b) >= 2:
                        yield self._augment(x_tr[b], rng), y_tr[b]

            def validate():
                z = self._logits(x_va)
                val_loss = float(plain(torch.from_numpy(z), torch.from_numpy(y_va)))
                return (val_loss, *ranking_metrics(y_va == pc, _softmax(z)[:, pc]))

            train_epochs(
                self,
                optimizer=torch.optim.Adam(
                    self.module_.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
                ),
                loss_fn=torch.nn.CrossEntropyLoss(
                    weight=torch.tensor(w, dtype=torch.float32).to(dev)
                ),
                batches=batches,
                steps=steps,
                validate=validate,
                device=dev,
            )
            self.temperature_, self.offsets_ = 1.0, [0.0] * len(self.classes_)
            if self.calibrate:
                self.temperature_, self.offsets_ = fit_temperature(self._logits(x_va), y_va)
            self.module_.to("cpu")
        return self

    def _checkpoint(self, name: str) -> None:
        if self.checkpoint_dir:
            Path(self.checkpoint_dir).mkdir(parents=True, exist_ok=True)
            self.temperature_ = getattr(self, "temperature_", 1.0)
            self.offsets_ = getattr(self, "offsets_", [0.0] * len(self.classes_))
            self.save(Path(self.checkpoint_dir) / name, checkpoint=True)

    # ------------------------------------------------------------------ predict
    def decision_function(self, X) -> np.ndarray:
        """Network logits (before calibration), shape ``(n_stars, n_classes)``."""
        check_is_fitted(self, "module_")
        return self._logits(self._prepare(X))

    def _calibrated(self, z: np.ndarray) -> np.ndarray:
        proba = _softmax(z / self.temperature_ + np.asarray(self.offsets_)[None, :])
        return at_host_prior(self, proba)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order (rows sum to 1)."""
        return self._calibrated(self.decision_function(X))

    def predict(self, X) -> np.ndarray:
        """Most probable class."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score_planet(self, X) -> np.ndarray:
        """Calibrated probability of the planet class, shape ``(n_stars,)``."""
        return self.predict_proba(X)[:, self.planet_column()]

    # ------------------------------------------------------------------ persistence
    def save(self, path, *, checkpoint: bool = False) -> Path:
        """Write the fitted model (parameters, weights, calibration, history) to one file;
        ``checkpoint``: a training checkpoint (uncalibrated), which ``load_model`` refuses."""
        import torch

        check_is_fitted(self, "module_")
        path = Path(path)
        classes = [str(c) if isinstance(c, str) else int(c) for c in self.classes_]
        state = {
            "format": "starskope-model",
            "format_version": 1,
            "estimator": type(self).__name__,
            "checkpoint": bool(checkpoint),
            "params": {k: v for k, v in self.get_params().items() if k != "checkpoint_dir"},
            "classes": classes,
            "train_prior": float(getattr(self, "train_prior_", 0.5)),
            "temperature": float(getattr(self, "temperature_", 1.0)),
            "offsets": [float(v) for v in getattr(self, "offsets_", [0.0] * len(classes))],
            "history": list(getattr(self, "history_", [])),
            "best_epoch": int(getattr(self, "best_epoch_", 0)),
            "extra": self._extra_state(),
            "state_dict": {k: v.detach().cpu() for k, v in self.module_.state_dict().items()},
        }
        torch.save(state, path)
        return path

    @classmethod
    def load(cls, path):
        """Read a model written by :meth:`save` (weights only; no code is unpickled)."""
        import torch

        try:
            state = torch.load(Path(path), map_location="cpu", weights_only=True)
        except Exception as exc:
            raise StarskopeError(f"cannot read model file: {exc}", path=str(path)) from exc
        if not isinstance(state, dict) or state.get("estimator") != cls.__name__:
            raise StarskopeError(f"not a {cls.__name__} model file", path=str(path))
        est = cls(**state["params"])
        cls_list = state["classes"]
        est.classes_ = np.array(cls_list, dtype=object if isinstance(cls_list[0], str) else int)
        est.train_prior_ = float(state["train_prior"])
        est._set_extra_state(state["extra"])
        est.module_ = est._build(len(est.classes_))
        est.module_.load_state_dict(state["state_dict"])
        est.module_.eval()
        est.temperature_ = float(state["temperature"])
        est.offsets_ = [float(v) for v in state["offsets"]]
        est.history_ = list(state["history"])
        est.best_epoch_ = int(state["best_epoch"])
        return est


# ---------------------------------------------------------------------------- views CNN
class ViewsCNNClassifier(TorchMultiClassifier):
    """Multi-class CNN on folded views (planet / eclipsing binary / other).

    ``X``: rows of :data:`starskope.models.views.VIEW_LAYOUT` (:func:`~starskope.models.views.
    view_matrix` builds them by running the search pipeline). ``y``: class names
    (``"planet"``, ``"eclipsing_binary"``, ``"other"``; truth-table names ``"variable"`` and
    ``"quiet"`` count as other) or binary 1/0 (planet / other).

    Parameters
    ----------
    See :class:`TorchMultiClassifier`; the scalars are centred on their training medians and
    divided by their interquartile ranges (missing -> 0, i.e. the median).

    Attributes
    ----------
    classes_, module_ (:class:`~starskope.models.view_nets.ViewsCNN`), temperature_, offsets_,
    history_, best_epoch_, train_prior_, scalar_center_, scalar_scale_
    """

    def _labels(self, y) -> np.ndarray:
        return to_class_names(y)

    def _build(self, n_classes: int):
        from .view_nets import ViewsCNN

        return ViewsCNN(n_classes=n_classes)

    def _prepare(self, X, *, fit: bool = False) -> np.ndarray:
        from .views import N_INPUT, SCALAR_FEATURES

        X = np.array(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != N_INPUT:
            raise StarskopeError(f"views input must be (n_stars, {N_INPUT}); got {X.shape}")
        k = len(SCALAR_FEATURES)
        sc = X[:, -k:]
        if fit:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                med = np.nanmedian(sc, axis=0)
                iqr = np.nanpercentile(sc, 75, axis=0) - np.nanpercentile(sc, 25, axis=0)
            self.scalar_center_ = np.where(np.isfinite(med), med, 0.0)
            self.scalar_scale_ = np.where(np.isfinite(iqr) & (iqr > 0), iqr, 1.0)
        z = (sc - self.scalar_center_) / self.scalar_scale_
        X[:, -k:] = np.clip(np.nan_to_num(z, nan=0.0, posinf=10.0, neginf=-10.0), -10, 10)
        views = X[:, :-k]
        X[:, :-k] = np.clip(np.nan_to_num(views, nan=0.0), -20.0, 20.0)
        return X.astype(np.float32)

    def _augment(self, xb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        from .views import N_GLOBAL, N_LOCAL

        xb = xb.copy()
        flip = rng.random(len(xb)) < 0.5
        if flip.any():
            i = N_GLOBAL
            xb[flip, :i] = xb[flip, :i][:, ::-1]
            for j in range(4):
                a, b = i + j * N_LOCAL, i + (j + 1) * N_LOCAL
                xb[flip, a:b] = xb[flip, a:b][:, ::-1]
        swap = rng.random(len(xb)) < 0.5
        if swap.any():
            a = N_GLOBAL + N_LOCAL
            odd = xb[swap, a : a + N_LOCAL].copy()
            xb[swap, a : a + N_LOCAL] = xb[swap, a + N_LOCAL : a + 2 * N_LOCAL]
            xb[swap, a + N_LOCAL : a + 2 * N_LOCAL] = odd
        return np.ascontiguousarray(xb)

    def _extra_state(self) -> dict:
        return {
            "scalar_center": [float(v) for v in self.scalar_center_],
            "scalar_scale": [float(v) for v in self.scalar_scale_],
        }

    def _set_extra_state(self, state: dict) -> None:
        self.scalar_center_ = np.array(state["scalar_center"], dtype=float)
        self.scalar_scale_ = np.array(state["scalar_scale"], dtype=float)

    def saliency(self, X, *, window: int = 10) -> dict[str, np.ndarray]:
        """Occlusion saliency over phase: which bins of each view drove the planet score.

        Each ``window``-bin stretch of a view (``10 * window`` bins in the 2001-bin global view)
        is set to 0 (the out-of-transit level) and the drop of the calibrated planet log-odds is
        recorded over the whole stretch (positive: hiding it lowers the score). The stretches
        stay within their view and one is centred on the view's centre (phase 0, the transit),
        so a transit is hidden whole, not in two halves.

        Returns
        -------
        dict
            ``"global"`` (n, 2001), ``"local"``, ``"odd"``, ``"even"``, ``"secondary"`` (n, 201);
            non-negative, each star scaled to a maximum of 1 over all views.
        """
        from .views import VIEW_LAYOUT

        check_is_fitted(self, "module_")
        X = np.asarray(X, dtype=np.float64)
        pc = self.planet_column()

        def logodds(Z):
            return log_odds(self._calibrated(self.decision_function(Z))[:, pc])

        base = logodds(X)
        w = max(1, int(window))
        out, start = {}, 0
        for name, n in VIEW_LAYOUT[:-1]:
            s = np.zeros((len(X), n))
            stretches = view_stretches(n, w)
            Z = []
            for a, b in stretches:
                Xo = X.copy()
                Xo[:, start + a : start + b] = 0.0  # this view's bins only
                Z.append(Xo)
            drops = base[None, :] - logodds(np.vstack(Z)).reshape(len(Z), len(X))
            for k, (a, b) in enumerate(stretches):
                s[:, a:b] = np.maximum(drops[k], 0.0)[:, None]
            out[name] = s
            start += n
        top = np.maximum(np.max([v.max(axis=1) for v in out.values()], axis=0), 1e-300)
        return {k: v / top[:, None] for k, v in out.items()}


def view_stretches(n: int, window: int) -> list[tuple[int, int]]:
    """The ``[start, stop)`` bin stretches a view of ``n`` bins is occluded in: ``window`` bins
    (``10 * window`` in the 2001-bin global view), within the view, one centred on its centre
    bin (phase 0; a bin wider when needed to be symmetric) so a transit is hidden whole.

    Examples
    --------
    >>> view_stretches(201, 10)[9:12]
    [(85, 95), (95, 106), (106, 116)]
    """
    step = max(1, min(int(window) * (10 if n > 1000 else 1), n))
    lo = n // 2 - step // 2
    hi = min(lo + step + (1 - step % 2 if n % 2 else 0), n)  # symmetric about the centre bin
    edges = np.unique(np.r_[0, np.arange(lo, 0, -step), lo, hi, np.arange(hi, n, step), n])
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


# ---------------------------------------------------------------------------- spectrogram
def spectrogram_images(X, *, nperseg: int = 128, noverlap: int = 96) -> np.ndarray:
    """Log-magnitude STFT images of standardised raw flux rows, ``(n, 1, n_freq, n_time)``.

    Each row is gap-filled and scaled to zero mean, unit variance
    (:func:`~starskope.features.rawflux.standardize_rows`), transformed with
    :func:`scipy.signal.stft` (Hann window of ``nperseg`` samples), and ``log1p|Z|`` is
    standardised per image.
    """
    from scipy.signal import stft

    from ..features.rawflux import standardize_rows

    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < nperseg:
        raise StarskopeError(f"raw flux must be (n_stars, >= {nperseg} points); got {X.shape}")
    z = standardize_rows(X)
    _, _, S = stft(z, nperseg=nperseg, noverlap=noverlap, axis=-1, boundary=None, padded=False)
    img = np.log1p(np.abs(S))
    mu = img.mean(axis=(1, 2), keepdims=True)
    sd = img.std(axis=(1, 2), keepdims=True)
    img = (img - mu) / np.where(sd > 0, sd, 1.0)
    return img[:, None].astype(np.float32)


class SpectrogramCNNClassifier(TorchMultiClassifier):
    """2D CNN on short-time Fourier images of standardised raw flux (comparison entry).

    ``X``: raw flux rows (n_stars, n_points), as for the original CNN; ``y``: 1 = host, 0 = not
    (or class names). Extra parameters ``nperseg`` (STFT window, default 128), ``noverlap``
    (default 96) and ``cadence_minutes`` (the rows' cadence, as for the original CNN: None is
    K2 long cadence; recorded as ``cadence_minutes_``).
    """

    def __init__(
        self,
        *,
        nperseg: int = 128,
        noverlap: int = 96,
        batch_size: int = 64,
        epochs: int = 40,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        validation_fraction: float = 0.2,
        patience: int = 8,
        calibrate: bool = True,
        host_prior: float | None = None,
        random_state: int | None = None,
        device: str = "cpu",
        num_threads: int | None = None,
        progress: bool = False,
        checkpoint_dir: str | None = None,
        cadence_minutes: float | None = None,
    ):
        super().__init__(
            batch_size=batch_size,
            epochs=epochs,
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            validation_fraction=validation_fraction,
            patience=patience,
            calibrate=calibrate,
            host_prior=host_prior,
            random_state=random_state,
            device=device,
            num_threads=num_threads,
            progress=progress,
            checkpoint_dir=checkpoint_dir,
        )
        self.nperseg = nperseg
        self.noverlap = noverlap
        self.cadence_minutes = cadence_minutes

    def _build(self, n_classes: int):
        from .view_nets import SpectrogramCNN

        return SpectrogramCNN(n_classes=n_classes)

    def _prepare(self, X, *, fit: bool = False) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if fit:
            from ..features.rawflux import row_cadence

            self.n_points_ = int(X.shape[1])
            self.cadence_minutes_ = row_cadence(self.cadence_minutes)
        elif X.ndim != 2 or X.shape[1] != self.n_points_:
            raise StarskopeError(f"model expects {self.n_points_} points per star; got {X.shape}")
        return spectrogram_images(X, nperseg=self.nperseg, noverlap=self.noverlap)

    def _augment(self, xb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        n_t = xb.shape[-1]
        shifts = rng.integers(0, n_t, size=len(xb))
        idx = (np.arange(n_t)[None, :] - shifts[:, None]) % n_t
        return np.ascontiguousarray(np.take_along_axis(xb, idx[:, None, None, :], axis=3))

    def _extra_state(self) -> dict:
        return {"n_points": int(self.n_points_)}

    def _set_extra_state(self, state: dict) -> None:
        from ..features.rawflux import row_cadence

        self.n_points_ = int(state["n_points"])
        self.cadence_minutes_ = row_cadence(self.cadence_minutes)  # earlier files: K2's

    def saliency(self, X, *, method: str = "occlusion", window: int = 50) -> np.ndarray:
        """Occlusion saliency over time (drop of the planet log-odds when a stretch is hidden)."""
        if method != "occlusion":
            raise StarskopeError(
                f"spectrogram CNN saliency supports only 'occlusion'; got {method!r}"
            )
        X = np.asarray(X, dtype=np.float64)
        pc = self.planet_column()

        return scale_rows(
            occlusion_drop(lambda Z: log_odds(self.predict_proba(Z)[:, pc]), X, window)
        )
