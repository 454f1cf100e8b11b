"""Labelled training/evaluation sets from Kaggle tables and labelled light-curve files.

A Kaggle table (``LABEL,FLUX.1,...``; simulated campaigns are written in it) gives its rows and
labels directly; other files give their light curves with ``meta.label`` when the reader knows
one. :func:`load_labelled` returns the input matrix a registry model needs. For ``"views"`` and
``"tabular"`` models it runs the search pipeline once per star of a Kaggle table and caches the
views and the tabular features together on disk (:func:`starskope.models.views.view_matrix`;
training the trees after the views CNN, or again, reads them back), and a simulated campaign's
truth table gives the multi-class labels (planet / eclipsing_binary / other).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..exceptions import RowError, StarskopeError

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


def _check_truth(table: Path, classes, labels) -> None:
    """The truth table beside ``table`` must describe its rows: as many, and "planet" exactly
    where LABEL says host (a re-sliced or relabelled table beside an old truth file would
    train the classes of other stars)."""
    from ..simulate.output import truth_path

    tp = truth_path(table)
    if len(classes) < len(labels):
        raise StarskopeError(
            f"the truth table {tp.name} has {len(classes)} rows for {len(labels)} in the table:"
            " not this table's (move it away to train on LABEL alone)",
            path=str(table),
        )
    planet = np.asarray(classes) == "planet"
    bad = np.flatnonzero(planet != (np.asarray(labels) == 1))
    if bad.size:
        raise StarskopeError(
            f"the truth table {tp.name} disagrees with LABEL on {bad.size} row(s) (first: row"
            f" {int(bad[0])}): not this table's (move it away to train on LABEL alone)",
            path=str(table),
        )


def _check_inputs(paths: Sequence, limit: int | None) -> list[Path]:
    """The inputs, once each, each existing; ``limit`` positive."""
    if limit is not None and limit < 1:
        raise StarskopeError(f"--limit must be >= 1; got {limit}")
    import glob

    out: list[Path] = []
    seen: set[Path] = set()
    for raw in map(str, paths):
        if Path(raw).exists():
            found = [Path(raw)]
        elif glob.has_magic(raw):
            found = [Path(f) for f in sorted(glob.glob(raw, recursive=True))]
            if not found:
                raise StarskopeError("no file matches this pattern", path=raw)
        else:
            raise StarskopeError("no such file or folder", path=raw)
        for p in found:
            key = p.resolve()
            if key in seen:
                raise StarskopeError("given twice: each star would count twice", path=str(p))
            seen.add(key)
            out.append(p)
    for p in out:
        if p.is_file() and _is_kaggle(p):
            from ..io.kaggle import layout_of

            if not layout_of(p).labelled:
                raise StarskopeError(
                    "the table has no LABEL column (a FLUX.1,...,FLUX.n header only): no labels"
                    " to train or evaluate on; predict scores it",
                    path=str(p),
                )
    return out


def _labelled_curves(path: Path, cadence_minutes: float | None = None):
    """``(identifier, light curve with its label, or error)`` for every star of ``path``: a
    file, a folder, or a manifest CSV whose ``label`` (or ``is_planet_host``) column gives the
    truth (as ``starskope scan`` reads it). ``cadence_minutes`` spaces flux without times."""
    from ..io import iter_read, read
    from ..scan.inputs import TABLE_KINDS, input_kind, iter_items

    if path.is_file() and input_kind(str(path)) == "manifest":
        tables_read: set[str] = set()
        for item in iter_items([str(path)]):
            if item.label is None or input_kind(item.path) in TABLE_KINDS:
                # a table (its own labels; the manifest gives one item per row) or an
                # unlabelled entry: read as given on its own, a table once
                if item.row is not None:
                    if item.path in tables_read:
                        continue
                    tables_read.add(item.path)
                yield from _labelled_curves(Path(item.path), cadence_minutes)
                continue
            try:
                lc = read(item.path, cadence_minutes=cadence_minutes)
            except StarskopeError as exc:
                yield item.input_id, exc
                continue
            yield item.input_id, lc.copy(meta=lc.meta.replace(label=int(item.label)))
        return
    for ident, lc in iter_read([str(path)], cadence_minutes=cadence_minutes):
        yield ident, lc  # a simulated FITS star's label comes from its SIMCLASS header


def _require_labels(labels: np.ndarray, path) -> None:
    """Refuse a Kaggle-layout table with an empty LABEL cell (read as -1, no label): a table's
    rows are its data set, and train and evaluate use every one of them."""
    empty = np.flatnonzero(np.asarray(labels) < 0)
    if empty.size:
        raise RowError(
            f"LABEL cell empty ({empty.size} row(s) in all; search, predict and scan take such"
            " rows without a label)",
            path=str(path),
            row=int(empty[0]),
        )


def _warn_if_long(arr, path, cadence_minutes) -> None:
    """The readers' warning for rows longer than a K2 campaign at the layout's cadence."""
    if cadence_minutes is None and arr.flux.ndim == 2:
        from ..io.kaggle import warn_if_longer_than_a_campaign

        warn_if_longer_than_a_campaign(arr.flux.shape[1], path)


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
    warn_resampled: bool = False,
    cadence_minutes: float | None = None,
    model_cadence_minutes: float | None = None,
) -> LabelledSet:
    """Load labelled stars as the input a model of ``kind`` ("rawflux"/"tabular") needs.

    Raw flux: rows of ``n_points`` samples (default: the first table's row length, else 3197)
    ``model_cadence_minutes`` apart (a trained model's cadence; default: the tables' cadence).
    A Kaggle table's rows are kept as they are when they are such rows; other rows and light
    curves are put on them (:func:`~starskope.features.rawflux.resample_flux`), with a warning
    when ``warn_resampled`` (a trained model scored on light curves of another length or
    cadence, as ``predict`` warns). ``cadence_minutes`` spaces flux without times
    (Kaggle-layout tables, default K2 long cadence; see :mod:`starskope.io.series`).

    Raises
    ------
    StarskopeError
        When no labelled star is found, or a table has a bad row.
    """
    try:
        if cadence_minutes is not None:
            from ..io.series import check_cadence

            cadence_minutes = check_cadence(cadence_minutes)
        return _load_labelled(
            _check_inputs(paths, limit),
            kind,
            n_points,
            n_jobs,
            limit,
            warn_resampled,
            cadence_minutes=cadence_minutes,
            model_cadence_minutes=model_cadence_minutes,
        )
    except RowError as exc:
        # a table's rows are its data set: dropping one would quietly change what is trained
        # or measured, so a bad row stops here (predict and scan skip it and go on)
        raise RowError(
            f"{exc.message}; train and evaluate use every row of a table: fix or drop this row",
            path=exc.path,
            row=exc.row,
            label=exc.label,
        ) from None


def _load_labelled(
    paths,
    kind,
    n_points,
    n_jobs,
    limit,
    warn_resampled=False,
    *,
    cadence_minutes=None,
    model_cadence_minutes=None,
) -> LabelledSet:
    from ..features.rawflux import SAME_CADENCE, resample_flux, warn_if_resampled
    from ..io.kaggle import KAGGLE_CADENCE_MIN, kaggle_arrays

    # the cadence of a Kaggle table's rows, and of the rows a raw-flux model reads
    row_cadence = cadence_minutes or KAGGLE_CADENCE_MIN
    model_cadence = model_cadence_minutes or row_cadence

    if kind == "views":
        return _load_views(paths, n_jobs=n_jobs, limit=limit, cadence_minutes=cadence_minutes)
    rows, labels, ids, lcs = [], [], [], []
    skipped = 0
    left_out = _LeftOut()
    for p in paths:
        left = None if limit is None else limit - len(ids)  # --limit counts all inputs
        if left is not None and left <= 0:
            break
        if kind == "tabular" and p.is_file() and _is_kaggle(p):
            if lcs:  # keep rows in the order of ids and labels
                from ..features.tabular import feature_matrix

                rows.append(feature_matrix(lcs, n_jobs=n_jobs))
                lcs = []
            # the tabular features of the cached pipeline run that also gives the views
            _, F, y, row_ids = _kaggle_pipeline_rows(
                p, n_jobs=n_jobs, limit=left, cadence_minutes=cadence_minutes
            )
            rows.append(F)
            labels.append(y)
            ids += row_ids
            continue
        if kind == "rawflux" and p.is_file() and _is_kaggle(p):
            arr = kaggle_arrays(p)
            n = len(arr.label) if left is None else min(left, len(arr.label))
            _require_labels(arr.label[:n], p)
            _warn_if_long(arr, p, cadence_minutes)
            n_points = n_points or arr.flux.shape[1]
            flux = np.asarray(arr.flux[:n], dtype=np.float64)
            if (
                flux.shape[1] != n_points
                or not abs(row_cadence / model_cadence - 1) <= SAME_CADENCE
            ):
                # as `predict` does: put on the model's rows, with a warning
                from ..io.kaggle import kaggle_lightcurve
                from .registry import model_inputs

                curves = [
                    kaggle_lightcurve(f, None, row=i, source=str(p)) for i, f in enumerate(flux)
                ]
                if cadence_minutes is not None:
                    from ..io.series import respace

                    curves = [respace(c, cadence_minutes) for c in curves]
                flux = model_inputs(
                    "rawflux", curves, n_points=n_points, cadence_minutes=model_cadence
                )
            rows.append(flux)
            labels.append(np.asarray(arr.label[:n], dtype=int))
            ids += [f"{p}#row={i}" for i in range(n)]
            continue
        for ident, lc in _labelled_curves(p, cadence_minutes):
            if limit is not None and len(ids) >= limit:
                break
            if isinstance(lc, StarskopeError) or lc.meta.label is None:
                skipped += left_out(ident, lc)
                continue
            if kind == "rawflux":
                try:
                    n_points = n_points or 3197
                    if warn_resampled:  # scoring a trained model: the same text, said once
                        warn_if_resampled([lc], n_points, model_cadence)
                    row = resample_flux(lc, n_points=n_points, cadence_minutes=model_cadence)
                    rows.append(row[None, :])
                except StarskopeError as exc:
                    skipped += left_out(ident, exc)
                    continue
                labels.append(np.array([int(lc.meta.label)]))
                ids.append(str(ident))
            else:
                lcs.append(lc)
                labels.append(np.array([int(lc.meta.label)]))
                ids.append(str(ident))
    if kind == "tabular" and lcs:
        from ..features.tabular import feature_matrix

        rows.append(feature_matrix(lcs, n_jobs=n_jobs))
    left_out.close()
    if not ids:
        raise StarskopeError(_no_labels(paths, skipped))
    return LabelledSet(np.vstack(rows), np.concatenate(labels).astype(int), ids, skipped)


class _LeftOut:
    """Says (warnings naming the input) which stars are left out of a data set, unreadable or
    without a label: the first :attr:`NAMED` one by one, the rest in one line at the end."""

    NAMED = 20

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, ident, lc_or_error) -> int:
        """Count one star left out (returns 1); warn about it while fewer than NAMED were."""
        import warnings

        from ..exceptions import StarskopeWarning

        self.n += 1
        if self.n > self.NAMED:
            return 1
        if isinstance(lc_or_error, StarskopeError):
            text = str(lc_or_error)
            if str(ident) not in text:
                text = f"{ident}: {text}"
            text += " (left out)"
        else:
            text = (
                f"{ident}: no label (left out; labels come from a Kaggle or Parquet table's label"
                " column, a manifest's label column or a simulated light curve's SIMCLASS header)"
            )
        warnings.warn(text, StarskopeWarning, stacklevel=2)
        return 1

    def close(self) -> None:
        """One warning for the stars left out beyond the first NAMED."""
        if self.n > self.NAMED:
            import warnings

            from ..exceptions import StarskopeWarning

            warnings.warn(
                f"{self.n - self.NAMED} more inputs left out (unreadable or without a label)",
                StarskopeWarning,
                stacklevel=2,
            )


def _no_labels(paths, skipped: int) -> str:
    return (
        f"no labelled light curves in {', '.join(map(str, paths))} ({skipped} without a label or"
        " unreadable): labels come from a Kaggle table's LABEL column, a Parquet table's label"
        " column, a manifest CSV's label (or is_planet_host) column beside its paths, or the"
        " SIMCLASS header of a 'starskope simulate --format fits' light curve"
    )


def _kaggle_pipeline_rows(
    p: Path, *, n_jobs: int, limit: int | None, cadence_minutes: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Views rows, tabular features, labels and ids of a Kaggle table's (first ``limit``) rows.

    One search-pipeline run per star gives both inputs; they are cached by
    :func:`starskope.models.views.view_matrix` under the file's MD5 (and the cadence, when
    ``cadence_minutes`` spaces the rows), so training the trees and the views CNN (or
    re-training either) runs the pipeline once.
    """
    from ..io.kaggle import iter_kaggle, kaggle_arrays
    from ..io.series import respace
    from .views import view_matrix

    arr = kaggle_arrays(p)
    n = len(arr.label) if limit is None else min(limit, len(arr.label))
    _require_labels(arr.label[:n], p)
    _warn_if_long(arr, p, cadence_minutes)
    key = "file-" + file_md5(p) + ("" if n == len(arr.label) else f"-first{n}")
    if cadence_minutes is not None:
        key += f"-cadence{cadence_minutes!r}"

    def lcs(p=p, n=n):
        out = [lc for _, lc in zip(range(n), iter_kaggle(p), strict=False)]
        if cadence_minutes is None:
            return out
        return [respace(lc, cadence_minutes) for lc in out]

    X, F = view_matrix(lcs, key=key, n_jobs=n_jobs)
    y = np.asarray(arr.label[:n], dtype=int)
    return X, F, y, [f"{p}#row={i}" for i in range(n)]


def _load_views(
    paths: Sequence, *, n_jobs: int, limit: int | None, cadence_minutes: float | None = None
) -> LabelledSet:
    """Views inputs (cached per file), binary labels and multi-class labels."""
    from .training_data import to_class_names, truth_classes
    from .views import view_matrix

    Xs, ys, cls, ids = [], [], [], []
    skipped = 0
    left_out = _LeftOut()
    for p in paths:
        left = None if limit is None else limit - len(ids)  # --limit counts all inputs
        if left is not None and left <= 0:
            break
        if p.is_file() and _is_kaggle(p):
            X, _, y, row_ids = _kaggle_pipeline_rows(
                p, n_jobs=n_jobs, limit=left, cadence_minutes=cadence_minutes
            )
            c = truth_classes(p, n=len(y))
            if c is not None:
                _check_truth(p, c, y)
            Xs.append(X)
            ys.append(y)
            cls.append(c if c is not None else to_class_names(y))
            ids += row_ids
            continue
        lcs, y = [], []
        for ident, lc in _labelled_curves(p, cadence_minutes):
            if limit is not None and len(ids) >= limit:
                break
            if isinstance(lc, StarskopeError) or lc.meta.label is None:
                skipped += left_out(ident, lc)
                continue
            lcs.append(lc)
            y.append(int(lc.meta.label))
            ids.append(str(ident))
        if lcs:
            Xs.append(view_matrix(lcs, n_jobs=n_jobs)[0])
            ys.append(np.array(y, dtype=int))
            cls.append(to_class_names(y))
    left_out.close()
    if not ids:
        raise StarskopeError(_no_labels(paths, skipped))
    return LabelledSet(np.vstack(Xs), np.concatenate(ys), ids, skipped, classes=np.concatenate(cls))
