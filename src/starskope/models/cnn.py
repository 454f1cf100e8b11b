"""PyTorch architectures (pure ``nn.Module``; training lives in :mod:`.torch_estimator`).

:class:`OriginalCNN` reproduces the STARSKØPE raw-flux network (itself the Kaggle "Exoplanet
Hunting in Deep Space" CNN): four Conv1D blocks of 8, 16, 32 and 64 filters with kernel 11 and
ReLU, each followed by max pooling (window 2, stride 4, as Keras ``MaxPool1D(strides=4)``), batch
normalisation after the first three; then flatten, dropout 0.5, dense 64 (ReLU), dropout 0.25,
dense 64 (ReLU) and one sigmoid output. :meth:`OriginalCNN.forward` returns the *logit*; apply
``torch.sigmoid`` for the probability (numerically safer training with ``BCEWithLogitsLoss``).

This module imports torch at import time; :mod:`starskope` and :mod:`starskope.models` do not.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["OriginalCNN", "conv_output_length"]


def conv_output_length(
    n_points: int, *, n_blocks: int = 4, kernel: int = 11, pool: int = 2, stride: int = 4
) -> int:
    """Length of the time axis after ``n_blocks`` of valid conv + max-pool.

    Examples
    --------
    >>> conv_output_length(3197)
    9
    """
    n = int(n_points)
    for _ in range(n_blocks):
        n = n - kernel + 1
        if n < pool:
            return 0
        n = (n - pool) // stride + 1
    return n


class OriginalCNN(nn.Module):
    """The original STARSKØPE 1D CNN.

    Parameters
    ----------
    n_points : int, optional
        Input length (3197 for Kaggle K2 rows); at least 936 so that four blocks fit.
    in_channels : int, optional
        2: scaled flux and its 200-point uniform filter.
    filters : tuple of int, optional
        Filters per conv block.
    kernel_size : int, optional
    dense : int, optional
        Width of the two dense layers.
    dropout : tuple of float, optional
        Dropout before the first and the second dense layer.

    Notes
    -----
    Input shape ``(batch, in_channels, n_points)``; output shape ``(batch,)`` logits.
    """

    def __init__(
        self,
        *,
        n_points: int = 3197,
        in_channels: int = 2,
        filters: tuple[int, ...] = (8, 16, 32, 64),
        kernel_size: int = 11,
        dense: int = 64,
        dropout: tuple[float, float] = (0.5, 0.25),
    ):
        super().__init__()
        n_out = conv_output_length(n_points, n_blocks=len(filters), kernel=kernel_size)
        if n_out < 1:
            raise ValueError(f"n_points={n_points} is too short for {len(filters)} conv blocks")
        layers: list[nn.Module] = []
        c_in = in_channels
        for i, c in enumerate(filters):
            layers += [
                nn.Conv1d(c_in, c, kernel_size),
                nn.ReLU(),
                nn.MaxPool1d(kernel_size=2, stride=4),
            ]
            if i < len(filters) - 1:
                layers.append(nn.BatchNorm1d(c))
            c_in = c
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout[0]),
            nn.Linear(c_in * n_out, dense),
            nn.ReLU(),
            nn.Dropout(dropout[1]),
            nn.Linear(dense, dense),
            nn.ReLU(),
            nn.Linear(dense, 1),
        )
        self.n_points = int(n_points)
        self.in_channels = int(in_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits, shape ``(batch,)``, for input ``(batch, in_channels, n_points)``."""
        return self.head(self.features(x)).squeeze(-1)
