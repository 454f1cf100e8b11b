"""Compare two model files (tabular, views or raw flux) on a validation table (never the test
campaigns).

Scores every star of a Kaggle-layout table with both models (features from the current default
pipeline, cached) and prints PR-AUC, ROC-AUC, the counts at score 0.5 and a bootstrap interval of
the PR-AUC difference. Used to choose between a shipped model file and its retrain.

    python -m benchmarks.compare_models_validation --table val301.csv --old gbm_old.pkl \
        --new gbm_new.pkl --jobs 2
"""

from __future__ import annotations

import argparse

import numpy as np


def main(argv=None) -> None:
    from sklearn.metrics import average_precision_score, roc_auc_score

    from starskope.io.kaggle import iter_kaggle, kaggle_arrays
    from starskope.models.registry import load_model
    from starskope.models.views import file_key, view_matrix

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", required=True)
    ap.add_argument("--old", required=True, help="model file (or shipped name)")
    ap.add_argument("--new", required=True, help="model file (or shipped name)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--boot", type=int, default=1000)
    args = ap.parse_args(argv)
    from starskope.models.registry import MODELS

    arr = kaggle_arrays(args.table)
    y = arr.label
    loaded = [
        (tag, path, *load_model(path)) for tag, path in (("old", args.old), ("new", args.new))
    ]
    if any(MODELS[name].kind != "rawflux" for _, _, name, _ in loaded):
        views, feats = view_matrix(
            lambda: list(iter_kaggle(args.table)), key=file_key(args.table), n_jobs=args.jobs
        )
    scores = {}
    for tag, path, name, est in loaded:
        kind = MODELS[name].kind
        if kind == "views":
            s = est.predict_proba(views)[:, est.planet_column()]
        elif kind == "rawflux":  # the table's own rows, as `starskope predict` scores them
            col = est.planet_column() if hasattr(est, "planet_column") else 1
            s = est.predict_proba(np.asarray(arr.flux, dtype=float))[:, col]
        else:
            s = est.score_planet(feats)
        scores[tag] = s
        tp, fp = int(((s > 0.5) & (y == 1)).sum()), int(((s > 0.5) & (y == 0)).sum())
        print(
            f"{tag} {path}: PR-AUC {average_precision_score(y, s):.3f}, ROC-AUC "
            f"{roc_auc_score(y, s):.3f}; at 0.5: {tp} true and {fp} false positives"
        )
    rng = np.random.default_rng(0)
    diff = []
    for _ in range(args.boot):
        i = rng.integers(0, len(y), len(y))
        if y[i].any():
            diff.append(
                average_precision_score(y[i], scores["new"][i])
                - average_precision_score(y[i], scores["old"][i])
            )
    lo, med, hi = np.percentile(diff, [5, 50, 95])
    print(f"new - old PR-AUC: {med:+.3f} (bootstrap 90% interval [{lo:+.3f}, {hi:+.3f}])")


if __name__ == "__main__":
    main()
