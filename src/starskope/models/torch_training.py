"""What the torch classifiers share: the device, a seeded session, batched inference and the
training loop with early stopping, history, progress bar and checkpoints.

:func:`train_epochs` runs the epochs of any of them. The estimator brings the network
(``module_``), its batches (a callable that yields one epoch's ``(x, y)`` numpy batches, drawing
from the session's random generator as it goes) and its validation (a callable returning the
validation loss, PR-AUC and ROC-AUC). The loop keeps the weights of the best epoch (highest
validation PR-AUC, then lowest validation loss) and stops after ``patience`` epochs without one.

torch is imported when a model is built, trained or loaded, never at ``import starskope``.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from ..exceptions import StarskopeError

__all__ = ["forward_batches", "ranking_metrics", "seeded_session", "torch_device", "train_epochs"]


def torch_device(name: str):
    """``torch.device`` for ``"cpu"``, ``"cuda"`` or ``"cuda:N"``; a StarskopeError otherwise or
    when CUDA is asked for but absent."""
    import torch

    if name not in ("cpu", "cuda") and not str(name).startswith("cuda:"):
        raise StarskopeError(f"device must be 'cpu' or 'cuda'; got {name!r}")
    if str(name).startswith("cuda") and not torch.cuda.is_available():
        raise StarskopeError("device 'cuda' requested but torch sees no CUDA GPU; use cpu")
    return torch.device(name)


@contextmanager
def seeded_session(random_state, num_threads: int | None) -> Iterator[np.random.Generator]:
    """A numpy generator seeded with ``random_state`` (torch is seeded from its first draw), and
    ``num_threads`` torch threads until the block ends (None: torch's setting is left)."""
    import torch

    rng = np.random.default_rng(random_state)
    torch.manual_seed(int(rng.integers(2**31)))
    old_threads = torch.get_num_threads()
    if num_threads:
        torch.set_num_threads(int(num_threads))
    try:
        yield rng
    finally:
        torch.set_num_threads(old_threads)


def forward_batches(module, x: np.ndarray, *, batch: int = 512) -> np.ndarray | None:
    """The module's outputs for ``x`` in evaluation mode, ``batch`` rows at a time, on the
    module's device; None for an empty ``x``."""
    import torch

    dev = next(module.parameters()).device
    module.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(x), batch):
            out.append(module(torch.from_numpy(x[i : i + batch]).to(dev)).cpu().numpy())
    return np.concatenate(out) if out else None


def ranking_metrics(y: np.ndarray, score: np.ndarray) -> tuple[float, float]:
    """``(PR-AUC, ROC-AUC)`` of ``score`` for binary ``y``; NaN when ``y`` has one class only.

    Examples
    --------
    >>> ranking_metrics(np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8]))
    (1.0, 1.0)
    >>> ranking_metrics(np.array([1, 1]), np.array([0.1, 0.9]))
    (nan, nan)
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    from ..evaluate import binary_labels

    y = binary_labels(y)
    if not 0 < y.sum() < len(y):
        return float("nan"), float("nan")
    return float(average_precision_score(y, score)), float(roc_auc_score(y, score))


def train_epochs(
    est,
    *,
    optimizer,
    loss_fn,
    batches: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]],
    steps: int,
    validate: Callable[[], tuple[float, float, float]],
    device,
) -> None:
    """Train ``est.module_`` for up to ``est.epochs`` epochs, keeping its best epoch.

    Parameters
    ----------
    est : estimator
        Has ``module_``, ``epochs``, ``patience``, ``progress`` and ``_checkpoint(name)``; gets
        ``history_`` (per epoch: ``epoch``, ``loss``, ``val_loss``, ``val_pr_auc``,
        ``val_roc_auc``, ``seconds``) and ``best_epoch_``, and ends with the best epoch's
        weights (``best.pt`` written on every improvement, ``last.pt`` after every epoch).
    optimizer, loss_fn
        A torch optimiser over the module's parameters and the training loss.
    batches : callable
        Yields one epoch's ``(x, y)`` numpy batches.
    steps : int
        Batches per epoch (the progress bar's unit).
    validate : callable
        ``(val_loss, val_pr_auc, val_roc_auc)`` of the module as it is; a NaN PR-AUC ranks below
        any number.
    device : torch.device
        Where the batches go.
    """
    import torch

    est.history_ = []
    best = (-np.inf, np.inf)
    best_state = copy.deepcopy(est.module_.state_dict())
    est.best_epoch_ = 0
    bar = _Bar(est.epochs * steps) if est.progress else None
    waited = 0
    try:
        for epoch in range(1, est.epochs + 1):
            t0 = time.perf_counter()
            est.module_.train()
            losses = []
            for xb, yb in batches():
                optimizer.zero_grad()
                loss = loss_fn(
                    est.module_(torch.from_numpy(xb).to(device)), torch.from_numpy(yb).to(device)
                )
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                if bar:
                    bar.advance(f"epoch {epoch} loss {np.mean(losses):.3f}")
            val_loss, ap, roc = validate()
            rec = {
                "epoch": epoch,
                "loss": float(np.mean(losses)) if losses else float("nan"),
                "val_loss": val_loss,
                "val_pr_auc": ap,
                "val_roc_auc": roc,
                "seconds": time.perf_counter() - t0,
            }
            est.history_.append(rec)
            if bar:
                bar.advance(
                    f"epoch {epoch} loss {rec['loss']:.3f} val_loss {val_loss:.3f} "
                    f"val_PR-AUC {ap:.3f} val_ROC-AUC {roc:.3f}",
                    steps=0,
                )
            key = (np.nan_to_num(ap, nan=-1.0), -val_loss)
            if key > (best[0], -best[1]):
                best = key[0], val_loss
                best_state = copy.deepcopy(est.module_.state_dict())
                est.best_epoch_ = epoch
                waited = 0
                est._checkpoint("best.pt")
            else:
                waited += 1
            est._checkpoint("last.pt")
            if waited >= est.patience:
                break
    finally:
        if bar:
            bar.stop()
    est.module_.load_state_dict(best_state)


class _Bar:
    """Minimal rich progress bar (stderr) with a status text."""

    def __init__(self, total: int):
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._p = Progress(
            TextColumn("[bold]train"),
            BarColumn(),
            TextColumn("{task.description}"),
            TimeRemainingColumn(),
            transient=False,
        )
        self._p.start()
        self._task = self._p.add_task("", total=total)

    def advance(self, text: str, steps: int = 1) -> None:
        self._p.update(self._task, advance=steps, description=text)

    def stop(self) -> None:
        self._p.stop()
