"""The model registry (name -> factory and input kind), persistence, and shipped models.

Every model takes one of three inputs: ``"rawflux"`` (fixed-length flux rows, as the Kaggle table
has them; other light curves are resampled), ``"tabular"`` (:data:`~starskope.features.tabular.
FEATURE_NAMES`, computed by running the search pipeline) or ``"views"`` (folded views of the
strongest candidate plus scalars, :data:`~starskope.models.views.VIEW_LAYOUT`, also from the
search pipeline). :func:`model_inputs` builds whichever input a model needs from light curves
(:mod:`.predict` scores them).

Model files: torch models are written with ``torch.save`` of plain tensors and numbers (read back
with ``weights_only=True``); scikit-learn models are xz-compressed pickles with a small header. Only load
pickles you trust (the shipped ones, or your own).
"""

from __future__ import annotations

import lzma
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError, first_line

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "ModelSpec",
    "load_model",
    "make_model",
    "model_inputs",
    "save_model",
    "shipped_models",
]


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry.

    Attributes
    ----------
    name : str
    kind : {"rawflux", "tabular", "views"}
        Input the model takes.
    factory : callable
        ``factory(random_state=..., **params)`` -> unfitted estimator.
    suffix : str
        File suffix of saved models.
    description : str
    """

    name: str
    kind: str
    factory: Callable
    suffix: str
    description: str


def _cnn(**kw):
    from .torch_estimator import RawFluxCNNClassifier

    return RawFluxCNNClassifier(**kw)


def _gbm(**kw):
    from .gbm import GBMClassifier

    return GBMClassifier(**kw)


def _views_cnn(**kw):
    from .torch_multiclass import ViewsCNNClassifier

    return ViewsCNNClassifier(**kw)


def _spectrogram_cnn(**kw):
    from .torch_multiclass import SpectrogramCNNClassifier

    return SpectrogramCNNClassifier(**kw)


def _rbm(**kw):
    from .rbm import RBMClassifier

    return RBMClassifier(**kw)


MODELS: dict[str, ModelSpec] = {
    "original-cnn": ModelSpec(
        "original-cnn",
        "rawflux",
        _cnn,
        ".pt",
        "the original STARSKØPE 1D CNN on standardised raw flux (+200-point filter channel)",
    ),
    "gbm": ModelSpec(
        "gbm",
        "tabular",
        _gbm,
        ".pkl",
        "calibrated gradient-boosted trees on vetting statistics, candidate and Fourier features",
    ),
    "rbm": ModelSpec(
        "rbm",
        "rawflux",
        _rbm,
        ".pkl",
        "BernoulliRBM features of standardised raw flux + logistic regression (comparison entry)",
    ),
    "views-cnn": ModelSpec(
        "views-cnn",
        "views",
        _views_cnn,
        ".pt",
        "multi-view CNN (global, local, odd/even, secondary folded views of the strongest "
        "candidate + 8 scalars) with a planet / eclipsing binary / other softmax, "
        "temperature-calibrated",
    ),
    "spectrogram-cnn": ModelSpec(
        "spectrogram-cnn",
        "rawflux",
        _spectrogram_cnn,
        ".pt",
        "small 2D CNN on short-time Fourier images of standardised raw flux (comparison entry)",
    ),
}

#: torch model classes by the ``estimator`` name their files record.
_TORCH_CLASSES = {
    "RawFluxCNNClassifier": ("original-cnn", "torch_estimator"),
    "ViewsCNNClassifier": ("views-cnn", "torch_multiclass"),
    "SpectrogramCNNClassifier": ("spectrogram-cnn", "torch_multiclass"),
}

#: Model used when none is named (the best one in benchmarks/bench_models.py).
DEFAULT_MODEL = "gbm"


def _spec(name: str) -> ModelSpec:
    if name not in MODELS:
        raise StarskopeError(f"unknown model {name!r}; choose one of {sorted(MODELS)}")
    return MODELS[name]


def make_model(name: str, *, random_state: int | None = None, **params):
    """A new, unfitted estimator of registry model ``name``."""
    return _spec(name).factory(random_state=random_state, **params)


def _name_of(est) -> str:
    for spec in MODELS.values():
        if type(est).__name__ == type(spec.factory()).__name__:
            return spec.name
    raise StarskopeError(f"{type(est).__name__} is not a registered model")


def save_model(est, path, *, metadata: dict | None = None) -> Path:
    """Write a fitted registry model to ``path`` (suffix ``.pt`` for torch, ``.pkl`` otherwise)."""
    path = Path(path)
    name = _name_of(est)
    if _spec(name).suffix == ".pt":
        return est.save(path)
    import sklearn

    blob = {
        "format": "starskope-model",
        "format_version": 1,
        "model": name,
        "sklearn": sklearn.__version__,
        "metadata": dict(metadata or {}),
        "estimator": est,
    }
    with lzma.open(path, "wb", preset=9) as fh:  # trees compress ~3x
        pickle.dump(blob, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def shipped_models() -> dict[str, Path]:
    """Pretrained models inside the package: name -> file."""
    root = resources.files("starskope") / "data" / "models"
    out = {}
    for spec in MODELS.values():
        f = root / f"{spec.name}{spec.suffix}"
        if f.is_file():
            out[spec.name] = Path(str(f))
    return out


def load_model(name_or_path) -> tuple[str, object]:
    """Load a shipped model by registry name, or a model file; returns ``(name, estimator)``."""
    p = Path(str(name_or_path))
    if p.is_dir():  # a `starskope train --out` folder: the one model file in it
        found = sorted(f for f in p.iterdir() if f.suffix in (".pkl", ".pt", ".xz"))
        if len(found) == 1:
            p = found[0]
        elif found:  # (none: a folder named like a shipped model does not shadow it)
            raise StarskopeError(
                f"a folder holding {len(found)} model files ({', '.join(f.name for f in found)}):"
                " pass one",
                path=str(p),
            )
    if not p.is_file():
        shipped = shipped_models()
        if str(name_or_path) in shipped:
            p = shipped[str(name_or_path)]
        elif str(name_or_path) in MODELS:
            raise StarskopeError(
                f"model {name_or_path!r} has no shipped weights; train one with "
                f"`starskope train --model {name_or_path}` and pass its file"
            )
        else:
            raise StarskopeError(
                f"no model file or shipped model named {str(name_or_path)!r}; "
                f"shipped: {sorted(shipped)}"
            )
    try:
        empty = p.stat().st_size == 0
    except OSError:
        empty = False  # said by the read below
    if empty:
        raise StarskopeError(
            "cannot read model file: it is empty (0 bytes; a write or copy that did not finish?)",
            path=str(p),
        )
    if p.suffix == ".pt":
        import importlib

        import torch

        try:
            state = torch.load(p, map_location="cpu", weights_only=True)
        except Exception as exc:
            raise StarskopeError(f"cannot read model file: {first_line(exc)}", path=str(p)) from exc
        est_name = state.get("estimator") if isinstance(state, dict) else None
        if est_name not in _TORCH_CLASSES:
            raise StarskopeError("not a starskope torch model file", path=str(p))
        if state.get("checkpoint"):
            name = _TORCH_CLASSES[est_name][0]
            raise StarskopeError(
                "a training checkpoint (saved during training, before the model was calibrated):"
                f" its scores are not probabilities; use the finished model, {name}.pt, in the"
                " `starskope train --out` folder",
                path=str(p),
            )
        name, module = _TORCH_CLASSES[est_name]
        cls = getattr(importlib.import_module(f"{__package__}.{module}"), est_name)
        return name, cls.load(p)
    try:
        with open(p, "rb") as fh:
            head = fh.read(6)
    except OSError as exc:
        raise StarskopeError(f"cannot read model file: {exc.strerror or exc}", path=str(p)) from exc
    xz = head == b"\xfd7zXZ\x00"
    if not xz and not head.startswith(b"\x80"):  # neither xz nor a pickle (protocol 2+)
        raise StarskopeError(
            "not a starskope model file (expected a .pkl, .pkl.xz or .pt written by"
            " `starskope train`, or a shipped model's name)",
            path=str(p),
        )
    try:
        with (lzma.open if xz else open)(p, "rb") as fh:
            blob = pickle.load(fh)
    except Exception as exc:
        raise StarskopeError(f"cannot read model file: {first_line(exc)}", path=str(p)) from exc
    if not isinstance(blob, dict) or blob.get("format") != "starskope-model":
        raise StarskopeError("not a starskope model file", path=str(p))
    return blob["model"], _with_new_settings(blob["estimator"])


def _with_new_settings(est):
    """``est`` with the constructor settings added since its file was written set to their
    defaults (the shipped RBM predates ``cadence_minutes``): scikit-learn's ``get_params``,
    which ``set_params(host_prior=...)`` calls, reads every one of them."""
    import inspect

    try:
        params = inspect.signature(type(est).__init__).parameters.values()
    except (TypeError, ValueError):
        return est
    for p in params:
        if p.name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is not p.empty and not hasattr(est, p.name):
            setattr(est, p.name, p.default)
    return est


def model_inputs(
    kind: str,
    lcs: Sequence,
    *,
    n_points: int | None = None,
    n_jobs: int = 1,
    cadence_minutes: float | None = None,
):
    """Build a model's input matrix from light curves (``kind`` from :class:`ModelSpec`);
    raw flux on rows of ``n_points`` samples ``cadence_minutes`` apart (the model's)."""
    if kind == "rawflux":
        from ..features.rawflux import resample_flux, warn_if_resampled

        n = n_points or 3197
        warn_if_resampled(lcs, n, cadence_minutes)
        return np.vstack(
            [resample_flux(lc, n_points=n, cadence_minutes=cadence_minutes) for lc in lcs]
        )
    if kind == "tabular":
        from ..features.tabular import feature_matrix

        return feature_matrix(lcs, n_jobs=n_jobs)
    if kind == "views":
        from .views import view_matrix

        return view_matrix(lcs, n_jobs=n_jobs)[0]
    raise StarskopeError(f"unknown input kind {kind!r}")
