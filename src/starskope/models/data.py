"""Labelled training/evaluation sets from Kaggle tables and labelled light-curve files.

A Kaggle table (``LABEL,FLUX.1,...``; simulated campaigns are written in it) gives its rows and
labels directly; other files give their light curves with ``meta.label`` when the reader knows
one. :func:`load_labelled` returns the input matrix a registry model needs. For ``"views"``
models it runs the search pipeline once per star and caches the views (and the tabular features)
on disk (:func:`starskope.models.views.view_matrix`), and a simulated campaign's truth table
gives the multi-class labels (planet / eclipsing_binary / other).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError

__all__ = ["LabelledSet", "file_md5", "load_labelled"]


@dataclass(frozen=True)
class LabelledSet:
    """Inputs and labels of a data set.

    Attributes
    ----------
    X : ndarray
        Raw flux rows or tabular features, one star per row.
    y : ndarray of int
        1 = planet host, 0 = not.
    ids : list of str
        Where each row came from.
    n_skipped : int
        Light curves without a label or unreadable.
    classes : ndarray of str or None
        Multi-class labels (``"planet"``, ``"eclipsing_binary"``, ``"other"``) for ``"views"``
        inputs: from a simulated campaign's truth table, else from the binary label.
    """

    X: np.ndarray
    y: np.ndarray
    ids: list[str]
    n_skipped: int
    classes: np.ndarray | None = None


def file_md5(path) -> str:
    """MD5 of a file (for model cards)."""
    h = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _is_kaggle(path: Path) -> bool:
    from ..io._open import peek
    from ..io.kaggle import identify_kaggle

    try:
        return identify_kaggle(str(path), peek(path, 65536))
    except Exception:
        return False


def load_labelled(
    paths: Sequence,
    *,
    kind: str,
    n_points: int | None = None,
    n_jobs: int = 1,
    limit: int | None = None,
) -> LabelledSet:
    """Load labelled stars as the input a model of ``kind`` ("rawflux"/"tabular") needs.

    Raw flux: a Kaggle table's rows as they are (all tables must share one row length, and it
    must equal ``n_points`` when given); other light curves are resampled to ``n_points``
    (default: the first table's row length, else 3197).

    Raises
    ------
    StarskopeError
        When no labelled star is found.
    """
    from ..features.rawflux import resample_flux
    from ..io import iter_read
    from ..io.kaggle import kaggle_arrays

    if kind == "views":
        return _load_views(paths, n_jobs=n_jobs, limit=limit)
    rows, labels, ids, lcs = [], [], [], []
    skipped = 0
    for p in paths:
        p = Path(p)
        if kind == "rawflux" and p.is_file() and _is_kaggle(p):
            arr = kaggle_arrays(p)
            n = len(arr.label) if limit is None else min(limit, len(arr.label))
            n_points = n_points or arr.flux.shape[1]
            if arr.flux.shape[1] != n_points:
                raise StarskopeError(
                    f"table rows have {arr.flux.shape[1]} fluxes, the model {n_points}", path=p
                )
            rows.append(np.asarray(arr.flux[:n], dtype=np.float64))
            labels.append(np.asarray(arr.label[:n], dtype=int))
            ids += [f"{p}#row={i}" for i in range(n)]
            continue
        for ident, lc in iter_read([str(p)]):
            if limit is not None and len(ids) >= limit:
                break
            if isinstance(lc, StarskopeError) or lc.meta.label is None:
                skipped += 1
                continue
            if kind == "rawflux":
                try:
                    n_points = n_points or 3197
                    rows.append(resample_flux(lc, n_points=n_points)[None, :])
                except StarskopeError:
                    skipped += 1
                    continue
                labels.append(np.array([int(lc.meta.label)]))
                ids.append(str(ident))
            else:
                lcs.append(lc)
                labels.append(np.array([int(lc.meta.label)]))
                ids.append(str(ident))
    if kind == "tabular" and lcs:
        from ..features.tabular import feature_matrix

        rows = [feature_matrix(lcs, n_jobs=n_jobs)]
    if not ids:
        raise StarskopeError(f"no labelled light curves in {[str(p) for p in paths]}")
    return LabelledSet(np.vstack(rows), np.concatenate(labels).astype(int), ids, skipped)


def _load_views(paths: Sequence, *, n_jobs: int, limit: int | None) -> LabelledSet:
    """Views inputs (cached per file), binary labels and multi-class labels."""
    from ..io import iter_read
    from ..io.kaggle import iter_kaggle, kaggle_arrays
    from .training_data import to_class_names, truth_classes
    from .views import view_matrix

    Xs, ys, cls, ids = [], [], [], []
    skipped = 0
    for p in paths:
        p = Path(p)
        if p.is_file() and _is_kaggle(p):
            arr = kaggle_arrays(p)
            n = len(arr.label) if limit is None else min(limit, len(arr.label))
            key = "file-" + file_md5(p) + ("" if n == len(arr.label) else f"-first{n}")

            def lcs(p=p, n=n):
                return [lc for _, lc in zip(range(n), iter_kaggle(p), strict=False)]

            X, _ = view_matrix(lcs, key=key, n_jobs=n_jobs)
            y = np.asarray(arr.label[:n], dtype=int)
            c = truth_classes(p, n=n)
            Xs.append(X)
            ys.append(y)
            cls.append(c if c is not None else to_class_names(y))
            ids += [f"{p}#row={i}" for i in range(n)]
            continue
        lcs, y = [], []
        for ident, lc in iter_read([str(p)]):
            if limit is not None and len(ids) + len(lcs) >= limit:
                break
            if isinstance(lc, StarskopeError) or lc.meta.label is None:
                skipped += 1
                continue
            lcs.append(lc)
            y.append(int(lc.meta.label))
            ids.append(str(ident))
        if lcs:
            Xs.append(view_matrix(lcs, n_jobs=n_jobs)[0])
            ys.append(np.array(y, dtype=int))
            cls.append(to_class_names(y))
    if not ids:
        raise StarskopeError(f"no labelled light curves in {[str(p) for p in paths]}")
    return LabelledSet(np.vstack(Xs), np.concatenate(ys), ids, skipped, classes=np.concatenate(cls))
