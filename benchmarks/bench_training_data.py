"""gbm's training data: a simulated campaign alone, or with injections into real noise?

Validation on the training data only (no test campaign is read): 5-fold out-of-fold scores over
the campaign's stars and the injections together (folds stratified by label and by part, each
real star's injections in one fold, and the model's own calibration folds grouped so too). In
each fold one model is fitted on the campaign's training stars only, the other on the
campaign's and the injections' training rows; both score the same held-out rows. The
campaign-only model thus meets injection rows (real K2 noise, KOI planets, detached, grazing and
diluted eclipsing binaries) it has seen nothing like, which is the question: does it generalise
to them, and does adding them cost anything on the campaign's own stars?

Run (features come from the cached pipeline runs that ``starskope train`` uses; set
``STARSKOPE_CACHE`` to reuse them)::

    OMP_NUM_THREADS=1 python -m benchmarks.bench_training_data --train train.csv --injections 600
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .common import REPO, markdown_table, write_report

OUT = REPO / "benchmarks" / "results" / "training_data.md"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, required=True, help="Simulated campaign (Kaggle table).")
    ap.add_argument("--injections", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)

    from sklearn.model_selection import StratifiedGroupKFold

    from starskope.evaluate import binary_metrics
    from starskope.models.data import load_labelled
    from starskope.models.registry import make_model
    from starskope.models.training_data import (
        injection_classes,
        injection_ids,
        injection_key,
        injection_set,
        star_groups,
    )
    from starskope.models.views import view_matrix

    ds = load_labelled([args.train], kind="tabular", n_jobs=args.jobs)
    classes = injection_classes(args.injections)
    _, x_inj = view_matrix(
        lambda: injection_set(args.injections, seed=args.seed)[0],
        key=injection_key(args.injections, seed=args.seed),
        n_jobs=args.jobs,
    )
    X = np.vstack([ds.X, x_inj])
    y = np.r_[ds.y, (classes == "planet").astype(int)]
    is_inj = np.r_[np.zeros(len(ds.y), bool), np.ones(len(classes), bool)]
    is_eb = np.r_[np.zeros(len(ds.y), bool), classes == "eclipsing_binary"]
    variants = ("campaign only", f"campaign + {args.injections} injections")
    oof = {v: np.zeros(len(y)) for v in variants}
    # injections into one real star share its noise: they stay in one fold
    groups = star_groups(list(ds.ids) + injection_ids(args.injections, seed=args.seed))
    splitter = StratifiedGroupKFold(5, shuffle=True, random_state=args.seed)
    folds = splitter.split(X, y + 2 * is_inj, groups)
    for k, (tr, te) in enumerate(folds):
        camp = tr[~is_inj[tr]]
        for v, rows in zip(variants, (camp, tr), strict=True):
            model = make_model("gbm", random_state=args.seed)
            model = model.fit(X[rows], y[rows], groups=groups[rows])
            oof[v][te] = model.score_planet(X[te])
        print(f"fold {k + 1}/5 done", flush=True)
    table = []
    for v in variants:
        s = oof[v]
        row = [v]
        for sel in (np.ones(len(y), bool), is_inj, ~is_inj):
            m = binary_metrics(y[sel], s[sel])
            row += [m["pr_auc"], m["roc_auc"]]
        row.append(f"{int((s[is_eb] >= 0.5).sum())} of {int(is_eb.sum())}")
        table.append(row)
    head = [
        "gbm trained on",
        "PR-AUC, all rows",
        "ROC-AUC, all",
        "PR-AUC, injection rows",
        "ROC-AUC, injections",
        "PR-AUC, campaign rows",
        "ROC-AUC, campaign",
        "injected binaries scored >= 0.5",
    ]
    write_report(
        OUT,
        [
            "# gbm's training data: campaign alone or with injections into real noise",
            "",
            f"Command: `OMP_NUM_THREADS=1 python -m benchmarks.bench_training_data --train "
            f"{args.train.name} --injections {args.injections} --seed {args.seed}`: "
            f"{len(ds.y)} campaign stars ({int(ds.y.sum())} hosts) and {args.injections} "
            "injections; 5-fold out-of-fold scores, no test data read.",
            "",
            markdown_table(head, table),
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
