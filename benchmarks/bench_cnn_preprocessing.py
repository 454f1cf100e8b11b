"""How the raw-flux CNN's pre-processing matters, and what it costs.

The original STARSKØPE CNN (:class:`~starskope.models.torch_estimator.RawFluxCNNClassifier`) is
trained with the same settings, seeds and data under four input pre-processings:

- ``original``: per-star standardised raw flux plus a 200-point uniform-filter channel (the
  study's);
- ``flux-only``: the same without the smoothed channel (``filter_size=1``: the channel repeats
  the flux);
- ``high-passed``: each star's running median over a day (49 cadences) subtracted first, then as
  the original (``detrend_window=49``);
- ``high-passed-flux-only``: both changes.

Each model is trained on one labelled Kaggle-layout table (its own stratified validation split
for early stopping and calibration, nothing else) and scored once on the test tables, which no
choice here looks at. Reported: the test PR-AUC averaged over seeds with a stratified bootstrap
interval (the same resampled stars for every seed), its range over seeds, ROC-AUC, recall at 90%
precision, the pre-processing time per star and the training time. Each (variant, seed) runs in
a fresh process with one thread.

Run (the shipped models' training campaign and the three 570-star test campaigns)::

    starskope simulate campaign --n-stars 1000 --n-hosts 250 --seed 1 --format kaggle \\
        --out /tmp/sk_models/train.csv --shuffle
    for s in 101 102 103; do starskope simulate campaign --n-stars 570 --n-hosts 5 --seed $s \\
        --format kaggle --out /tmp/sk_models/test$s.csv; done
    python -m benchmarks.bench_cnn_preprocessing --train /tmp/sk_models/train.csv \\
        --test /tmp/sk_models/test101.csv /tmp/sk_models/test102.csv /tmp/sk_models/test103.csv \\
        --seeds 1,2,3 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from .common import REPO, command_line, markdown_table, pick_names, write_report

OUT = REPO / "benchmarks" / "results" / "cnn_preprocessing.md"

#: name -> RawFluxCNNClassifier settings
VARIANTS: dict[str, dict] = {
    "original": {"filter_size": 200, "detrend_window": None},
    "flux-only": {"filter_size": 1, "detrend_window": None},
    "high-passed": {"filter_size": 200, "detrend_window": 49},
    "high-passed-flux-only": {"filter_size": 1, "detrend_window": 49},
}


def _load(paths: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    from starskope.io.kaggle import kaggle_arrays

    xs, ys = [], []
    for p in paths:
        arr = kaggle_arrays(p)
        xs.append(np.asarray(arr.flux, dtype=float))
        ys.append(np.asarray(arr.label, dtype=int))
    return np.concatenate(xs), np.concatenate(ys)


def _train_and_score(job: tuple[str, int, str, list[str], int]) -> dict:
    name, seed, train, tests, epochs = job
    os.environ["OMP_NUM_THREADS"] = "1"
    import torch

    from starskope.features.rawflux import raw_flux_channels
    from starskope.models.torch_estimator import RawFluxCNNClassifier

    torch.set_num_threads(1)
    X, y = _load([Path(train)])
    Xt, yt = _load([Path(p) for p in tests])
    raw_flux_channels(Xt[:2], **VARIANTS[name])  # imports and first-call costs left out
    t0 = time.perf_counter()
    raw_flux_channels(Xt, **VARIANTS[name])
    prep = (time.perf_counter() - t0) / len(Xt)
    clf = RawFluxCNNClassifier(epochs=epochs, random_state=seed, **VARIANTS[name])
    t0 = time.perf_counter()
    clf.fit(X, y)
    fit = time.perf_counter() - t0
    return {
        "variant": name,
        "seed": seed,
        "y": yt,
        "score": clf.predict_proba(Xt)[:, 1],
        "prep_ms": 1e3 * prep,
        "fit_s": fit,
        "best_epoch": int(clf.best_epoch_),
    }


def main(argv: list[str] | None = None) -> int:
    from sklearn.metrics import average_precision_score as average_precision

    from starskope.evaluate import binary_metrics, stratified_resamples

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, required=True, help="labelled Kaggle-layout table")
    ap.add_argument("--test", type=Path, nargs="+", required=True, help="test tables")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    names = pick_names(ap, args.variants, VARIANTS)
    missing = [str(p) for p in [args.train, *args.test] if not p.exists()]
    if missing:
        ap.error(f"no such table(s): {', '.join(missing)} (see the module docstring to make them)")
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        ap.error(f"--seeds takes integers separated by commas; got {args.seeds!r}")
    if not seeds:
        ap.error("--seeds needs at least one seed")
    jobs = [
        (n, s, str(args.train), [str(p) for p in args.test], args.epochs)
        for n in names
        for s in seeds
    ]
    _load([args.train, *args.test])  # builds the tables' binary caches once, before the workers
    t0 = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs, max_tasks_per_child=1) as pool:
            results = list(pool.map(_train_and_score, jobs))
    else:
        results = [_train_and_score(j) for j in jobs]
    wall = time.perf_counter() - t0

    rows = []
    y = results[0]["y"]
    # the same stratified resamples of the test stars for every model
    draws = list(stratified_resamples(y, n_boot=1000, random_state=0))
    for n in names:
        rs = [r for r in results if r["variant"] == n]
        per_seed = [binary_metrics(r["y"], r["score"]) for r in rs]
        seeds_pr = [m["pr_auc"] for m in per_seed]
        seeds_roc = [m["roc_auc"] for m in per_seed]
        boot = [np.mean([average_precision(y[d], r["score"][d]) for r in rs]) for d in draws]
        lo, hi = np.quantile(boot, [0.025, 0.975])
        rows.append(
            [
                n,
                f"{np.mean(seeds_pr):.3f} [{lo:.3f}, {hi:.3f}]",
                f"{min(seeds_pr):.3f}-{max(seeds_pr):.3f}",
                f"{np.mean(seeds_roc):.3f} ({min(seeds_roc):.3f}-{max(seeds_roc):.3f})",
                float(np.mean([m["recall_at_p90"] for m in per_seed])),
                float(np.mean([r["prep_ms"] for r in rs])),
                float(np.mean([r["fit_s"] for r in rs])),
                ", ".join(str(r["best_epoch"]) for r in rs),
            ]
        )
    header = [
        "pre-processing",
        "PR-AUC: mean over seeds [95% CI]",
        "PR-AUC per seed",
        "ROC-AUC: mean (range)",
        "recall at 90% precision: mean",
        "pre-processing ms/star",
        "training s (1 thread)",
        "best epochs",
    ]
    n_host = int(results[0]["y"].sum())
    cmd = command_line("benchmarks.bench_cnn_preprocessing", argv)
    text = (
        "# The raw-flux CNN's pre-processing\n\n"
        f"Command: `{cmd}`. Trained on `{args.train.name}`"
        f" ({args.epochs} epochs at most, early stopping on its own validation split), scored"
        f" once on {', '.join(p.name for p in args.test)} ({len(results[0]['y'])} stars,"
        f" {n_host} hosts) by the model of each training seed ({args.seeds}). The interval"
        " of the mean over seeds: 1000 stratified resamples of the test stars, the same ones"
        " for every model (so it is the test set's sampling error, with this few hosts wide)."
        f" Wall time {wall:.0f} s with {args.jobs} process(es), one task per process.\n\n"
        + markdown_table(header, rows)
        + "\n"
    )
    write_report(args.out, [text])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
