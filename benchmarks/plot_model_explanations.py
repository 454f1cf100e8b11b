"""Example explanation plots for docs/models.md: CNN saliency over time, GBM contributions,
views-CNN occlusion saliency over phase.

Run::

    python -m benchmarks.plot_model_explanations --models-dir src/starskope/data/models \
        --table /tmp/sk_models/test101.csv

Picks the first host (LABEL 2) of the table; writes ``docs/img/models_saliency.png``,
``docs/img/models_contributions.png`` and (when ``views-cnn.pt`` is in the models folder)
``docs/img/models_views_saliency.png``. The true transits (from the simulator's truth table
beside the table) are shaded in the saliency plot.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def _true_transits(table: Path, row: int, n: int):
    """In-transit mask from the simulator's truth table beside ``table`` (None if absent)."""
    truth = table.with_name(table.name.replace(".csv", ".truth.csv"))
    if not truth.exists():
        return None
    import pandas as pd

    r = pd.read_csv(truth).iloc[row]
    t = np.arange(n) * 29.4244 / 1440.0
    half = r["duration_hours"] / 48.0
    ph = (t - r["epoch_days"] + 0.5 * r["period_days"]) % r["period_days"] - 0.5 * r["period_days"]
    return np.abs(ph) < half


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models-dir", type=Path, default=REPO / "src/starskope/data/models")
    ap.add_argument("--table", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = ap.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from starskope.features.tabular import FEATURE_NAMES, tabular_features
    from starskope.io.kaggle import kaggle_arrays, read_kaggle_row
    from starskope.models.plots import plot_contributions, plot_saliency
    from starskope.models.registry import load_model
    from starskope.pipeline import analyse_full

    arr = kaggle_arrays(args.table)
    row = int(np.flatnonzero(arr.label == 1)[0])
    args.out.mkdir(parents=True, exist_ok=True)
    cnn_file = args.models_dir / "original-cnn.pt"
    if cnn_file.exists():
        _, cnn = load_model(cnn_file)
        flux = np.asarray(arr.flux[row : row + 1], dtype=float)
        sal = cnn.saliency(flux, method="occlusion", window=32)[0]
        p = cnn.predict_proba(flux)[0, 1]
        transits = _true_transits(args.table, row, flux.shape[1])
        fig, ax = plt.subplots(figsize=(9, 3.5))
        plot_saliency(flux[0], sal, ax=ax, transits=transits)
        ax.set_title(f"original CNN, {args.table.name} row {row} (host): P(planet) = {p:.3f}")
        fig.tight_layout()
        fig.savefig(args.out / "models_saliency.png", dpi=110)
        plt.close(fig)
    gbm_file = args.models_dir / "gbm.pkl"
    if gbm_file.exists():
        _, gbm = load_model(gbm_file)
        x = tabular_features(analyse_full(read_kaggle_row(args.table, row)))[None, :]
        c = gbm.contributions(x)[0]
        fig, ax = plt.subplots(figsize=(7, 4))
        plot_contributions(c, FEATURE_NAMES, ax=ax)
        ax.set_title(f"gbm, row {row} (host): P(planet) = {gbm.score_planet(x)[0]:.3f}")
        fig.tight_layout()
        fig.savefig(args.out / "models_contributions.png", dpi=110)
        plt.close(fig)
    views_file = args.models_dir / "views-cnn.pt"
    if views_file.exists():
        from starskope.models.plots import plot_view_saliency
        from starskope.models.views import split_views, views_and_features

        _, vcnn = load_model(views_file)
        x, _ = views_and_features(read_kaggle_row(args.table, row))
        x = x[None, :]
        proba = vcnn.predict_proba(x)[0]
        sal = vcnn.saliency(x)
        parts = split_views(x)
        fig, axes = plt.subplots(
            1, 5, figsize=(14, 3.2), gridspec_kw={"width_ratios": [2, 1, 1, 1, 1]}
        )
        plot_view_saliency({k: v[0] for k, v in parts.items()}, {k: v[0] for k, v in sal.items()},
                           axes=axes)  # fmt: skip
        probs = ", ".join(f"{c} {p:.2f}" for c, p in zip(vcnn.classes_, proba, strict=True))
        fig.suptitle(f"views CNN, {args.table.name} row {row} (host): {probs}")
        fig.tight_layout()
        fig.savefig(args.out / "models_views_saliency.png", dpi=100)
        plt.close(fig)
    print("wrote", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
