"""gbm's isotonic ties: ranking metrics with and without the trees' tie-break.

Isotonic calibration is a step function, so many stars share a calibrated probability and
their order is lost. `GBMClassifier.predict_proba` breaks those ties with the trees' own score
(a 1e-6 convex mixture). This scores the shipped gbm both ways on the same stars -- validation
campaigns, test campaigns, the real labelled light curves -- and prints PR-AUC, ROC-AUC and
recall at 90% precision with bootstrap intervals of the differences, the same with the ties
broken in random order (what the metrics gain from breaking ties without any information),
and the ties left.

    python -m benchmarks.compare_tie_break --val /tmp/s16/val/val301.csv \\
        --val /tmp/s16/val/val302.csv --test /tmp/sk_models/test101.csv \\
        --test /tmp/sk_models/test102.csv --test /tmp/sk_models/test103.csv \\
        --test /tmp/s4/test201_full.csv --jobs 2 --cache /tmp/s16/viewcache28

Writes ``benchmarks/results/tie_break.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .common import REPO, command_line, write_table_report
from .compare_host_labels import (
    METRICS,
    compare,
    data_arguments,
    feature_sets,
    parse_data_arguments,
)

OUT = REPO / "benchmarks" / "results" / "tie_break.md"


def in_ties(s: np.ndarray) -> int:
    """Stars that share their score with at least one other star."""
    _, counts = np.unique(s, return_counts=True)
    return int(counts[counts > 1].sum())


def random_order_metrics(y, s, *, n: int, seed: int = 0) -> tuple[float, ...]:
    """The metrics of :data:`METRICS` with the ties of ``s`` broken in random order, averaged
    over ``n`` orders. Ranking metrics count a tied group as one step, which scores lower than
    any order inside it: this is what breaking ties gains without any information."""
    from .compare_host_labels import _metrics

    rng = np.random.default_rng(seed)
    # 1e-9: far below any two calibrated steps (and the tie-break's 1e-6), above float noise
    runs = [_metrics(y, s + 1e-9 * rng.random(s.size)) for _ in range(n)]
    return tuple(float(v) for v in np.mean(runs, axis=0))


def main(argv: list[str] | None = None) -> int:
    from starskope.models.gbm import _off_the_bounds, _sentinel
    from starskope.models.registry import load_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="gbm", help="gbm model file or shipped name")
    data_arguments(ap)
    ap.add_argument("--random", type=int, default=50, help="random tie orders to average")
    ap.add_argument("--out", type=Path, default=OUT)
    args = parse_data_arguments(ap, argv)
    t_start = time.perf_counter()
    _, est = load_model(args.model)

    rows = []
    for role, name, y, X in feature_sets(args):
        pc = est.planet_column()
        steps = est.calibrated_.predict_proba(_sentinel(X))
        tied = _off_the_bounds(steps, getattr(est, "n_train_", None))[:, pc]
        broken = est.score_planet(X)
        cells = [role, name, f"{int(y.sum())} / {int((y == 0).sum())}",
                 f"{in_ties(tied)} / {in_ties(broken)}"]  # fmt: skip
        random = random_order_metrics(y, tied, n=args.random)
        for (o, n, (lo, hi)), r in zip(compare(y, tied, broken, n_boot=args.boot), random,
                                       strict=True):  # fmt: skip
            cells.append(f"{o:.3f} / {r:.3f} / {n:.3f} [{lo:+.3f}, {hi:+.3f}]")
        rows.append(cells)
        print(" | ".join(cells), flush=True)
    header = ["data", "set", "hosts / non-hosts", "stars in ties: steps / broken"] + [
        f"{m}: steps / random order / trees' order [trees - steps 95%]" for m in METRICS
    ]
    write_table_report(
        args.out,
        title="gbm: isotonic steps against ties broken by the trees",
        intro=(
            f"Command: `{command_line('benchmarks.compare_tie_break', argv)}` "
            f"({time.perf_counter() - t_start:.0f} s). Model: `{args.model}`. 'Steps': the "
            "calibrated probabilities as the isotonic steps give them (clipped off 0 and 1); "
            "'trees' order': as `predict_proba` gives them, ties ordered by the trees' score "
            "(within 1e-6); 'random order': the steps' ties broken at random (mean of "
            f"{args.random} orders), which ranking metrics reward without any information, since "
            "they count a tied group as one step. Stars in ties: stars sharing a score with "
            "another. Intervals: stratified bootstrap over the stars of trees' order - steps "
            f"({args.boot} draws, the same for both)."
        ),
        header=header,
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
