"""Generalisation: shipped models on tables from an independent simulator.

``benchmarks/independent_tables.py`` writes Kaggle-layout tables with its own noise, planets,
binaries and pulsators (no starskope code); this runs ``starskope predict``'s code path
(:func:`starskope.models.predict.predict_results`) on each with each requested model and
prints ROC-AUC, PR-AUC, precision and recall at score 0.5, the share of each true kind scored
0.5 or more, and stars per second (one process).

    python -m benchmarks.bench_independent [--models gbm,views-cnn,search] [--tables easy,realistic,fp]

``search`` scores each star by the pipeline's decision alone (1: a planet-like candidate), the
detector the models' features come from. Its ROC- and PR-AUC are those of a 0/1 score (PR-AUC
= precision x recall + (1 - recall) x host share), not comparable with a ranking model's;
compare its precision and recall at 0.5 with the models'.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from .common import REPO, markdown_table

OUT = REPO / "benchmarks" / "results" / "independent.md"


def _decision(lc) -> float:
    """The pipeline's decision on one row: 1 for a planet-like candidate, 0 otherwise, and 0
    for a row it cannot analyse (as ``predict`` scores such a row)."""
    from starskope.exceptions import StarskopeError
    from starskope.pipeline import analyse

    if isinstance(lc, Exception):
        return 0.0
    try:
        return float(analyse(lc).is_candidate)
    except StarskopeError:
        return 0.0


def score_table(path: Path, model: str) -> tuple[np.ndarray, float]:
    """Each row's planet score by ``model`` and the stars per second (reading, the pipeline and
    the model, one thread, as ``predict`` runs them). ``"search"``: the pipeline's own decision
    (:func:`_decision`), reading and the pipeline only."""
    from starskope.io import iter_read
    from starskope.models.predict import predict_results
    from starskope.parallel import one_thread

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if model == "search":
            with one_thread():
                s = [_decision(lc) for _, lc in iter_read(str(path))]
            return np.array(s), len(s) / (time.perf_counter() - t)
        res = list(predict_results(iter_read(str(path)), model=model, explain=False))
    s = np.array([r.score if r.score is not None else 0.0 for r in res], dtype=float)
    return s, len(res) / (time.perf_counter() - t)


def main(argv=None) -> None:
    import pandas as pd
    from sklearn.metrics import average_precision_score, roc_auc_score

    from . import independent_tables

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="gbm")
    ap.add_argument("--tables", default="easy,realistic,fp")
    args = ap.parse_args(argv)
    tables = args.tables.split(",")
    rows, kinds = [], []
    with tempfile.TemporaryDirectory() as tmp:
        independent_tables.make(tmp, tables)
        for name in tables:
            truth = pd.read_csv(f"{tmp}/{name}_truth.csv")
            y = (truth["LABEL"].to_numpy() == 2).astype(int)
            for model in args.models.split(","):
                s, rate = score_table(Path(tmp) / f"{name}.csv", model)
                flagged = s >= 0.5
                rows.append(
                    [
                        name,
                        model,
                        len(y),
                        int(y.sum()),
                        roc_auc_score(y, s),
                        average_precision_score(y, s),
                        float((y[flagged] == 1).mean()) if flagged.any() else float("nan"),
                        float(flagged[y == 1].mean()),
                        rate,
                    ]
                )
                for kind in sorted(set(truth["kind"])):
                    sel = truth["kind"].to_numpy() == kind
                    kinds.append([name, model, kind, int(sel.sum()), float(flagged[sel].mean())])
                print(rows[-1], flush=True)
    lines = [
        "# Generalisation: shipped models on an independent simulator's tables",
        "",
        f"Command: `python -m benchmarks.bench_independent --models {args.models} --tables"
        f" {args.tables}`. Tables from `benchmarks/independent_tables.py` (its own noise and"
        " binaries; no starskope code), scored through `predict`'s code path in one process"
        " (`search`: the pipeline's planet-like decision, 0 or 1; its AUCs are a 0/1 score's,"
        " not comparable with the models': compare precision and recall).",
        "",
        markdown_table(
            [
                "table",
                "model",
                "stars",
                "hosts",
                "ROC-AUC",
                "PR-AUC",
                "precision at 0.5",
                "recall at 0.5",
                "stars/s",
            ],
            rows,
        ),
        "",
        "Share scored 0.5 or more, by true kind:",
        "",
        markdown_table(["table", "model", "kind", "n", "scored >= 0.5"], kinds),
        "",
    ]
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
