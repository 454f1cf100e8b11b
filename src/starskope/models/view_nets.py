"""PyTorch architectures of the views CNN and the spectrogram CNN (pure ``nn.Module``).

:class:`ViewsCNN` (AstroNet / ExoMiner style; Shallue & Vanderburg 2018, Valizadegan et al.
2022): one convolutional column per folded view -- global (1 x 2001), local (1 x 201), odd/even
(2 x 201, the two parities as channels) and secondary (1 x 201) -- plus a small dense branch for
the candidate's scalars; the columns' outputs are concatenated and a dense head gives one logit
per class (multi-class softmax). Input: one flat row per star laid out as
:data:`starskope.models.views.VIEW_LAYOUT`.

:class:`SpectrogramCNN`: a small 2D CNN on a log-magnitude short-time Fourier image
(frequency x time) of the standardised raw flux; one logit per class.

Both return logits of shape ``(batch, n_classes)``. This module imports torch at import time.
"""

from __future__ import annotations

import torch
from torch import nn

from .views import N_GLOBAL, N_LOCAL, SCALAR_FEATURES

__all__ = ["SpectrogramCNN", "ViewsCNN"]


def _column(in_ch: int, filters: tuple[int, ...], *, kernel: int, pool: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    c = in_ch
    for f in filters:
        layers += [
            nn.Conv1d(c, f, kernel, padding=kernel // 2),
            nn.ReLU(),
            nn.Conv1d(f, f, kernel, padding=kernel // 2),
            nn.ReLU(),
            nn.BatchNorm1d(f),
            nn.MaxPool1d(pool, stride=pool),
        ]
        c = f
    return nn.Sequential(*layers, nn.Flatten())


def _out_len(n: int, n_blocks: int, pool: int) -> int:
    for _ in range(n_blocks):
        n = n // pool
    return n


class ViewsCNN(nn.Module):
    """Multi-view 1D CNN with a multi-class head.

    Parameters
    ----------
    n_classes : int, optional
        Output logits (3: planet, eclipsing binary, other).
    global_filters, local_filters : tuple of int, optional
        Filters per block (two convolutions each, batch norm, max pooling).
    dense : int, optional
        Width of the two dense layers of the head.
    dropout : float, optional
        Dropout before the head.
    n_scalars : int, optional
        Scalar inputs after the views (default ``len(SCALAR_FEATURES)``).

    Notes
    -----
    Input ``(batch, N_GLOBAL + 4 * N_LOCAL + n_scalars)``; output ``(batch, n_classes)``.
    """

    def __init__(
        self,
        *,
        n_classes: int = 3,
        global_filters: tuple[int, ...] = (8, 16, 32, 32),
        local_filters: tuple[int, ...] = (8, 16, 32),
        dense: int = 64,
        dropout: float = 0.3,
        n_scalars: int = len(SCALAR_FEATURES),
    ):
        super().__init__()
        gp, lp = 4, 3
        self.glob = _column(1, global_filters, kernel=5, pool=gp)
        self.local = _column(1, local_filters, kernel=5, pool=lp)
        self.oddeven = _column(2, local_filters, kernel=5, pool=lp)
        self.secondary = _column(1, local_filters, kernel=5, pool=lp)
        self.scalars = nn.Sequential(nn.Linear(n_scalars, 16), nn.ReLU())
        n_g = global_filters[-1] * _out_len(N_GLOBAL, len(global_filters), gp)
        n_l = local_filters[-1] * _out_len(N_LOCAL, len(local_filters), lp)
        self.head = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(n_g + 3 * n_l + 16, dense),
            nn.ReLU(),
            nn.Linear(dense, dense),
            nn.ReLU(),
            nn.Linear(dense, n_classes),
        )
        self.n_classes = int(n_classes)
        self.n_scalars = int(n_scalars)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, n_classes)`` for flat input rows (see :data:`VIEW_LAYOUT`)."""
        g = x[:, :N_GLOBAL].unsqueeze(1)
        i = N_GLOBAL
        loc = x[:, i : i + N_LOCAL].unsqueeze(1)
        oe = x[:, i + N_LOCAL : i + 3 * N_LOCAL].reshape(-1, 2, N_LOCAL)
        sec = x[:, i + 3 * N_LOCAL : i + 4 * N_LOCAL].unsqueeze(1)
        sc = x[:, i + 4 * N_LOCAL :]
        h = torch.cat(
            [
                self.glob(g),
                self.local(loc),
                self.oddeven(oe),
                self.secondary(sec),
                self.scalars(sc),
            ],
            dim=1,
        )
        return self.head(h)


class SpectrogramCNN(nn.Module):
    """Small 2D CNN on a (1, n_freq, n_time) spectrogram image.

    Parameters
    ----------
    n_classes : int, optional
    filters : tuple of int, optional
        Filters of the 3x3 conv blocks (each: conv, ReLU, batch norm, 2x2 max pool).
    dense : int, optional
    dropout : float, optional

    Notes
    -----
    Input ``(batch, 1, n_freq, n_time)`` with ``n_freq, n_time >= 2 ** len(filters)``; an
    adaptive max pool to 4 x 4 makes the head independent of the image size.
    """

    def __init__(
        self,
        *,
        n_classes: int = 2,
        filters: tuple[int, ...] = (8, 16, 32),
        dense: int = 32,
        dropout: float = 0.3,
    ):
        super().__init__()
        layers: list[nn.Module] = []
        c = 1
        for f in filters:
            layers += [nn.Conv2d(c, f, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(f), nn.MaxPool2d(2)]
            c = f
        self.features = nn.Sequential(*layers, nn.AdaptiveMaxPool2d((4, 4)), nn.Flatten())
        self.head = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(c * 16, dense), nn.ReLU(), nn.Linear(dense, n_classes)
        )
        self.n_classes = int(n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, n_classes)``."""
        return self.head(self.features(x))
