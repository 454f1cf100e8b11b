"""Star labels against detection labels for gbm: two model files scored on every data set.

``starskope train --host-labels detected`` trains the trees on the truth of each star's strongest
candidate (hosts whose planet the search did not find left out); the shipped file was trained on
star labels. This scores both files on the same stars -- the validation campaigns the choice is
made on, the held-out test campaigns, the real labelled light curves and the independent
simulator's tables -- and prints PR-AUC, ROC-AUC and recall at 90% precision of each, with a
stratified bootstrap interval of each difference (the same resamples for both files).

    starskope train --model gbm --data /tmp/sk_models/train.csv --injections 600 --seed 1 \\
        --host-labels detected --out /tmp/s18/gbmB --jobs 2
    python -m benchmarks.compare_host_labels --new /tmp/s18/gbmB/gbm.pkl \\
        --val /tmp/s16/val/val301.csv --val /tmp/s16/val/val302.csv \\
        --test /tmp/sk_models/test101.csv --test /tmp/sk_models/test102.csv \\
        --test /tmp/sk_models/test103.csv --test /tmp/s4/test201_full.csv --jobs 2

Writes ``benchmarks/results/host_labels.md``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from .common import REPO, SHARED_DATA, command_line, write_table_report

OUT = REPO / "benchmarks" / "results" / "host_labels.md"
METRICS = ("PR-AUC", "ROC-AUC", "recall at 90% precision")


def _metrics(y, s) -> tuple[float, float, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    from starskope.evaluate import recall_at_precision

    return (
        float(average_precision_score(y, s)),
        float(roc_auc_score(y, s)),
        float(recall_at_precision(y, s, precision=0.9)),
    )


def compare(y, s_old, s_new, *, n_boot: int, seed: int = 0) -> list[tuple[float, float, tuple]]:
    """Per metric: old value, new value and the 95% interval of new - old over stratified
    bootstrap resamples of the stars (the same resamples for both scores)."""
    from starskope.evaluate import stratified_resamples

    old, new = _metrics(y, s_old), _metrics(y, s_new)
    diffs = np.array(
        [
            np.subtract(_metrics(y[i], s_new[i]), _metrics(y[i], s_old[i]))
            for i in stratified_resamples(y, n_boot=n_boot, random_state=seed)
        ]
    )
    lo, hi = np.percentile(diffs, [2.5, 97.5], axis=0)
    return [(o, n, (a, b)) for o, n, a, b in zip(old, new, lo, hi, strict=True)]


def _table_features(path: Path, *, jobs: int, cache: Path | None) -> tuple[np.ndarray, np.ndarray]:
    from starskope.io.kaggle import iter_kaggle, kaggle_arrays
    from starskope.models.views import file_key

    from .bench_models import _features

    X = _features(lambda: list(iter_kaggle(path)), file_key(path), jobs, cache)
    return np.asarray(kaggle_arrays(path).label, dtype=int), X


def _real_features(shared: Path, *, jobs: int, cache: Path | None):
    """The labelled real light curves of ``bench_models_real`` (hosts 1, non-hosts 0), under
    its cache key, so the two benchmarks share one pipeline run."""
    from .bench_models import _features
    from .bench_models_real import read_real

    rows, lcs, key = read_real(shared)
    X = _features(lcs, key, jobs, cache)
    y = np.array(
        [int(r["is_planet_host"]) if r["is_planet_host"] in ("0", "1") else -1 for r in rows]
    )
    return y[y >= 0], X[y >= 0]


def feature_sets(args) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
    """``(role, name, labels, tabular features)`` of the ``--val`` and ``--test`` tables and,
    unless ``--no-real``, the real labelled light curves (parsed ``args`` of this module or of
    ``compare_tie_break``)."""
    sets = []
    for role, paths in (("validation", args.val), ("test", args.test)):
        for p in paths:
            sets.append((role, p.name, *_table_features(p, jobs=args.jobs, cache=args.cache)))
    if not args.no_real and (args.shared / "labels.csv").exists():
        y, X = _real_features(args.shared, jobs=args.jobs, cache=args.cache)
        sets.append(("test (real)", "real labelled light curves", y, X))
    return sets


def data_arguments(ap: argparse.ArgumentParser) -> None:
    """The options :func:`feature_sets` reads (shared with ``compare_tie_break``)."""
    ap.add_argument("--val", type=Path, action="append", default=[], help="validation table")
    ap.add_argument("--test", type=Path, action="append", default=[], help="test table")
    ap.add_argument("--no-real", action="store_true", help="skip the real light curves")
    ap.add_argument("--shared", type=Path, default=SHARED_DATA)
    ap.add_argument("--cache", type=Path, default=None, help="pipeline-run cache folder")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--boot", type=int, default=1000)


def parse_data_arguments(ap: argparse.ArgumentParser, argv) -> argparse.Namespace:
    """``ap``'s arguments, every ``--val`` and ``--test`` table checked to exist."""
    args = ap.parse_args(argv)
    for p in args.val + args.test:
        if not p.is_file():
            ap.error(f"no table at {p}")
    return args


def main(argv: list[str] | None = None) -> int:
    from starskope.models.registry import load_model

    from . import independent_tables

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="gbm", help="model file or shipped name (default: gbm)")
    ap.add_argument("--new", required=True, help="model file or shipped name")
    data_arguments(ap)
    ap.add_argument("--independent", default="realistic,fp", help="independent tables ('' none)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = parse_data_arguments(ap, argv)
    t_start = time.perf_counter()
    warnings.simplefilter("ignore")
    _, old = load_model(args.old)
    _, new = load_model(args.new)

    sets = feature_sets(args)
    names = [t for t in args.independent.split(",") if t]
    if names:
        with tempfile.TemporaryDirectory() as tmp:
            for name, path in zip(names, independent_tables.make(tmp, names), strict=True):
                y, X = _table_features(Path(path), jobs=args.jobs, cache=None)
                sets.append(("test (independent)", f"independent {name}", y, X))

    rows = []
    for role, name, y, X in sets:
        s_old, s_new = old.score_planet(X), new.score_planet(X)
        cells = [role, name, f"{int(y.sum())} / {int((y == 0).sum())}"]
        for o, n, (lo, hi) in compare(y, s_old, s_new, n_boot=args.boot):
            cells.append(f"{o:.3f} / {n:.3f} [{lo:+.3f}, {hi:+.3f}]")
        rows.append(cells)
        print(" | ".join(cells), flush=True)
    header = ["data", "set", "hosts / non-hosts"] + [
        f"{m}: old / new [new - old 95%]" for m in METRICS
    ]
    write_table_report(
        args.out,
        title="gbm: star labels (old) against detection labels (new)",
        intro=(
            f"Command: `{command_line('benchmarks.compare_host_labels', argv)}` "
            f"({time.perf_counter() - t_start:.0f} s). Old: `{args.old}`; new: `{args.new}`. "
            "Intervals: stratified bootstrap over the stars (hosts and non-hosts resampled apart, "
            f"{args.boot} draws, the same for both files)."
        ),
        header=header,
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
