"""Shipped models against simple ensembles of them, on validation campaigns (never the test ones).

Model selection belongs on validation data: this scores the shipped gbm, views-cnn and
original-cnn on labelled Kaggle-layout tables (the validation campaigns, seeds 301 and 302, that
`compare_models_validation` uses) and prints, per table, PR-AUC, ROC-AUC and recall at 90%
precision of each model and of their mean, geometric mean, rank mean and maximum. An ensemble
that does not beat the default model on every validation table is not shipped.

Run::

    starskope simulate campaign --n-stars 1000 --n-hosts 50 --seed 301 --format kaggle \\
        --out val301.csv
    OMP_NUM_THREADS=1 python -m benchmarks.compare_ensembles val301.csv val302.csv --jobs 2
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .bench_models import load_models, score_table
from .common import markdown_table, write_report

MODELS_DIR = Path(__file__).resolve().parents[1] / "src" / "starskope" / "data" / "models"


def _recall_at_p90(y, s) -> float:
    from sklearn.metrics import precision_recall_curve

    p, r, _ = precision_recall_curve(y, s)
    ok = p >= 0.9
    return float(r[ok].max()) if ok.any() else 0.0


def combinations(g: np.ndarray, v: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
    """Scores of each model and of the ensembles compared."""
    from scipy.stats import rankdata

    def rank(a):
        return rankdata(a) / len(a)

    return {
        "gbm": g,
        "views-cnn": v,
        "original-cnn": c,
        "mean(gbm, views)": (g + v) / 2,
        "geometric mean(gbm, views)": np.sqrt(g * v),
        "rank mean(gbm, views)": (rank(g) + rank(v)) / 2,
        "max(gbm, views)": np.maximum(g, v),
        "mean(gbm, views, cnn)": (g + v + c) / 3,
    }


def main(argv=None) -> int:
    from sklearn.metrics import average_precision_score, roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tables", nargs="+", type=Path, help="labelled validation tables")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=None, help="pipeline-run cache folder")
    ap.add_argument("--out", type=Path, default=MODELS_DIR.parents[3] / "benchmarks" / "results"
                    / "ensembles.md")  # fmt: skip
    args = ap.parse_args(argv)

    models = {
        k: m
        for k, m in load_models(MODELS_DIR).items()
        if k in ("gbm", "views-cnn", "original-cnn")
    }
    rows = []
    for table in args.tables:
        y, sc = score_table(models, table, jobs=args.jobs, cache=args.cache)
        combos = combinations(sc["gbm"], sc["views-cnn"], sc["original-cnn"])
        for name, s in combos.items():
            rows.append(
                [
                    table.name,
                    int(y.sum()),
                    name,
                    f"{average_precision_score(y, s):.3f}",
                    f"{roc_auc_score(y, s):.3f}",
                    f"{_recall_at_p90(y, s):.3f}",
                ]
            )
    write_report(
        args.out,
        [
            "# Shipped models and their ensembles on validation campaigns",
            "",
            "Command: `OMP_NUM_THREADS=1 python -m benchmarks.compare_ensembles "
            + " ".join(t.name for t in args.tables)
            + f" --jobs {args.jobs}`",
            "",
            markdown_table(["table", "hosts", "score", "PR-AUC", "ROC-AUC", "recall at 90%"], rows),
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
