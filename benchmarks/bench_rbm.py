"""The RBM comparison entry: what its hidden units keep, out of fold, on a training table.

For each seed, 5 stratified folds of a labelled Kaggle-layout table (the shipped models'
training campaign in the command below) give out-of-fold scores of

- ``rbm``: the registry's :class:`~starskope.models.rbm.RBMClassifier` (flux distribution and
  power spectrum -> 16 BernoulliRBM units -> logistic regression, sigmoid-calibrated);
- ``lr on the rbm inputs``: a balanced logistic regression on the same visible units, no RBM
  (what the 16 hidden units lose; the band powers are scaled on all stars, no labels used);
- ``rbm on standardised flux``: the entry's first, position-bound input (each star's
  standardised flux clipped at 4 sigma and mapped to [0, 1]);

with the hidden units' mean spread over stars for both RBMs, fitted on the whole table (near 0:
dead units, one score for every star).

Run::

    starskope simulate campaign --n-stars 1000 --n-hosts 250 --seed 1 --format kaggle \\
        --out /tmp/sk_models/train.csv --shuffle
    python -m benchmarks.bench_rbm --table /tmp/sk_models/train.csv
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .common import markdown_table, write_report

RESULTS = Path(__file__).resolve().parent / "results"


def _position_bound(X: np.ndarray) -> np.ndarray:
    from starskope.features.rawflux import standardize_rows

    return (np.clip(standardize_rows(X), -4.0, 4.0) + 4.0) / 8.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", type=Path, required=True, help="labelled Kaggle-layout CSV")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--out", type=Path, default=RESULTS / "rbm.md")
    args = ap.parse_args(argv)

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.neural_network import BernoulliRBM
    from sklearn.pipeline import Pipeline

    from starskope.io.kaggle import kaggle_arrays
    from starskope.models.rbm import RBMClassifier

    arr = kaggle_arrays(args.table)
    X, y = np.asarray(arr.flux, dtype=float), np.asarray(arr.label, dtype=int)
    t_start = time.perf_counter()
    rows = []
    for seed in (int(s) for s in args.seeds.split(",")):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        whole = RBMClassifier(random_state=seed).fit(X, y)  # for its inputs and hidden units
        visible = whole._visible(X)  # (band powers scaled on all stars: no labels involved)
        lr = LogisticRegression(class_weight="balanced", max_iter=3000)
        old = Pipeline(
            [
                (
                    "rbm",
                    BernoulliRBM(n_components=16, learning_rate=0.01, n_iter=15, random_state=seed),
                ),  # fmt: skip
                ("lr", LogisticRegression(class_weight="balanced", max_iter=1000)),
            ]
        )
        runs = {
            "rbm": (RBMClassifier(random_state=seed), X),
            "lr on the rbm inputs": (lr, visible),
            "rbm on standardised flux (first version)": (old, _position_bound(X)),
        }
        for name, (est, inputs) in runs.items():
            p = cross_val_predict(est, inputs, y, cv=folds, method="predict_proba")[:, 1]
            spread = ""
            if name.startswith("rbm on"):
                hidden = old.fit(inputs, y).named_steps["rbm"].transform(inputs)
                spread = f"{hidden.std(axis=0).mean():.2g}"
            elif name == "rbm":
                pipe = whole.calibrated_.calibrated_classifiers_[0].estimator
                spread = f"{pipe.named_steps['rbm'].transform(visible).std(axis=0).mean():.2g}"
            rows.append(
                [
                    seed,
                    name,
                    f"{average_precision_score(y, p):.3f}",
                    f"{roc_auc_score(y, p):.3f}",
                    f"{np.std(p):.3g}",
                    spread,
                ]
            )
    wall = time.perf_counter() - t_start
    write_report(
        args.out,
        [
            "# The RBM comparison entry, out of fold",
            "",
            f"Command: `python -m benchmarks.bench_rbm --table {args.table} --seeds {args.seeds}`"
            f" (wall {wall:.0f} s). Table: {len(y)} stars, {int(y.sum())} hosts (chance PR-AUC"
            f" {y.mean():.3f}); 5 stratified folds per seed.",
            "",
            markdown_table(
                ["seed", "model", "PR-AUC", "ROC-AUC", "score spread", "hidden-unit spread"],
                rows,
            ),
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
