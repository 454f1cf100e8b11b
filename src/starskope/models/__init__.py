"""Classifiers: the original raw-flux CNN, gradient-boosted trees, a registry, persistence.

Nothing heavy is imported here: torch loads only when a CNN is built, trained or loaded.

- :mod:`.cnn` -- :class:`OriginalCNN` (pure ``nn.Module``, imports torch).
- :mod:`.torch_estimator` -- :class:`RawFluxCNNClassifier` (scikit-learn contract).
- :mod:`.gbm` -- :class:`GBMClassifier` (calibrated gradient boosting on tabular features).
- :mod:`.views`, :mod:`.view_nets`, :mod:`.torch_multiclass` -- the views CNN (folded views,
  planet / eclipsing binary / other) and the spectrogram CNN; :mod:`.training_data` -- truth-table
  classes and injections into real noise.
- :mod:`.registry` -- ``MODELS`` (name -> spec), :func:`make_model`, :func:`load_model`,
  :func:`save_model`, the shipped pretrained models.
"""

from __future__ import annotations

from .registry import MODELS as MODELS
from .registry import load_model as load_model
from .registry import make_model as make_model
from .registry import save_model as save_model

__all__ = ["MODELS", "load_model", "make_model", "save_model"]
