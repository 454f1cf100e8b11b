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
from functools import cached_property

import numpy as np


class TableInputs:
    """A Kaggle-layout table's model inputs, each made once, when a model first needs it: the
    rows' flux (raw-flux models, as `starskope predict` scores a table) and the default
    pipeline's folded views and tabular features (cached on disk by
    :func:`starskope.models.views.view_matrix`, in ``cache`` or the default cache folder)."""

    def __init__(self, table, *, jobs: int = 1, cache=None):
        self.table, self.jobs, self.cache = table, jobs, cache

    @cached_property
    def arrays(self):
        from starskope.io.kaggle import kaggle_arrays

        return kaggle_arrays(self.table)

    @cached_property
    def views_features(self):
        from starskope.io.kaggle import iter_kaggle
        from starskope.models.views import file_key, view_matrix

        table = self.table
        return view_matrix(
            lambda: list(iter_kaggle(table)),
            key=file_key(table),
            n_jobs=self.jobs,
            cache=self.cache,
        )

    @property
    def features(self) -> np.ndarray:
        """The tabular features (``starskope.features.tabular.FEATURE_NAMES``) of every row."""
        return self.views_features[1]

    def scores(self, kind: str, est) -> tuple[np.ndarray, np.ndarray | None]:
        """``est``'s planet score of every row, and its class probabilities (``None`` for a
        tabular model, which gives the planet score alone); ``kind`` is its registry kind."""
        if kind == "rawflux":
            col = est.planet_column() if hasattr(est, "planet_column") else 1
            proba = est.predict_proba(np.asarray(self.arrays.flux, dtype=float))
            return proba[:, col], proba
        if kind == "views":
            proba = est.predict_proba(self.views_features[0])
            return proba[:, est.planet_column()], proba
        return est.score_planet(self.features), None

    def planet_scores(self, kind: str, est) -> np.ndarray:
        """``est``'s planet score of every row; ``kind`` is its registry kind."""
        return self.scores(kind, est)[0]


def main(argv=None) -> None:
    from sklearn.metrics import average_precision_score, roc_auc_score

    from starskope.models.registry import load_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", required=True)
    ap.add_argument("--old", required=True, help="model file (or shipped name)")
    ap.add_argument("--new", required=True, help="model file (or shipped name)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--boot", type=int, default=1000)
    args = ap.parse_args(argv)
    from starskope.models.registry import MODELS

    inputs = TableInputs(args.table, jobs=args.jobs)
    y = inputs.arrays.label
    scores = {}
    for tag, path in (("old", args.old), ("new", args.new)):
        name, est = load_model(path)
        s = scores[tag] = inputs.planet_scores(MODELS[name].kind, est)
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
