"""Flux level: do the shipped models score a Kaggle table the same with and without its level?

The Kaggle K2 tables (exoTrain/exoTest) hold fluxes scattered around zero for many stars (a
mean or trend was subtracted), whereas starskope's simulator, on which the models were
trained, writes electrons per second around a per-star level. A level-less star cannot be
divided by its median, so :func:`starskope.clean.clean` turns it into relative flux by scaling
its noise to 1000 ppm (:func:`starskope.clean.masking.offset_to_relative`): depths are then in
noise units, not true depths. This runs ``predict``'s code path on one simulated campaign
written twice, as simulated and with each row's median subtracted, and compares.

    python -m benchmarks.bench_flux_level [--n-stars 600 --n-hosts 60 --seed 401 --models gbm]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from .bench_independent import score_table
from .common import REPO, markdown_table

OUT = REPO / "benchmarks" / "results" / "flux_level.md"


def main(argv=None) -> None:
    from sklearn.metrics import average_precision_score, roc_auc_score

    from starskope.evaluate import recall_at_precision
    from starskope.io import write_kaggle
    from starskope.simulate.campaign import CampaignConfig, simulate_campaign

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-stars", type=int, default=600)
    ap.add_argument("--n-hosts", type=int, default=60)
    ap.add_argument("--seed", type=int, default=401)
    ap.add_argument("--models", default="gbm")
    args = ap.parse_args(argv)

    camp = simulate_campaign(
        CampaignConfig(
            n_stars=args.n_stars, n_hosts=args.n_hosts, seed=args.seed, hosts_first=False
        )
    )
    flux, labels = camp.filled_flux(), np.asarray(camp.labels)
    y = (labels == 2).astype(int)
    variants = {
        "with level (as simulated)": flux,
        "row median subtracted (like Kaggle)": flux - np.median(flux, axis=1, keepdims=True),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        scores = {}
        for model in args.models.split(","):
            for name, f in variants.items():
                path = write_kaggle(Path(tmp) / f"{len(scores)}.csv", f, labels)
                s, rate = score_table(path, model)
                scores[model, name] = s
                rows.append(
                    [
                        model,
                        name,
                        roc_auc_score(y, s),
                        average_precision_score(y, s),
                        recall_at_precision(y, s, precision=0.9),
                        int((s >= 0.5).sum()),
                        int(((s >= 0.5) & (y == 1)).sum()),
                        rate,
                    ]
                )
                print(rows[-1], flush=True)
    agree = []
    names = list(variants)
    for model in args.models.split(","):
        a, b = scores[model, names[0]], scores[model, names[1]]
        d = np.abs(a - b)
        agree.append(
            [
                model,
                float(np.corrcoef(a, b)[0, 1]),
                float(np.median(d)),
                float(np.percentile(d, 95)),
                float(d.max()),
                int(np.count_nonzero((a >= 0.5) != (b >= 0.5))),
            ]
        )
    lines = [
        "# Flux level: shipped models with and without the flux level",
        "",
        f"Command: `python -m benchmarks.bench_flux_level --n-stars {args.n_stars} --n-hosts"
        f" {args.n_hosts} --seed {args.seed} --models {args.models}`. One simulated campaign"
        " (starskope.simulate, a seed no model was trained or selected on), written as a Kaggle"
        " table twice: as simulated (electrons per second around each star's level) and with"
        " each row's median subtracted, as many rows of the Kaggle K2 tables are. Scored"
        " through `predict`'s code path in one process.",
        "",
        markdown_table(
            [
                "model",
                "table",
                "ROC-AUC",
                "PR-AUC",
                "recall at 90% precision",
                "scored >= 0.5",
                "hosts among them",
                "stars/s",
            ],
            rows,
        ),
        "",
        "Per-star agreement of the two scores:",
        "",
        markdown_table(
            [
                "model",
                "correlation",
                "median abs. difference",
                "95th percentile",
                "largest",
                "stars on different sides of 0.5",
            ],
            agree,
        ),
        "",
    ]
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
