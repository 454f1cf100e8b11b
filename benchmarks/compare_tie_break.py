"""gbm's isotonic ties: ranking metrics with and without the trees' tie-break.

Isotonic calibration is a step function, so many stars share a calibrated probability and
their order is lost. `GBMClassifier.predict_proba` breaks those ties with the trees' own score
(a 1e-6 convex mixture). This scores the shipped gbm both ways on the same stars -- validation
campaigns, test campaigns, the real labelled light curves -- and prints PR-AUC, ROC-AUC and
recall at 90% precision with bootstrap intervals of the differences, and the ties left.

    python -m benchmarks.compare_tie_break --val /tmp/s16/val/val301.csv \\
        --val /tmp/s16/val/val302.csv --test /tmp/s4/test201_full.csv --jobs 2

Writes ``benchmarks/results/tie_break.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .common import REPO, SHARED_DATA, command_line, markdown_table, write_report
from .compare_host_labels import METRICS, _real_features, _table_features, compare

OUT = REPO / "benchmarks" / "results" / "tie_break.md"


def main(argv: list[str] | None = None) -> int:
    from starskope.models.gbm import _off_the_bounds, _sentinel
    from starskope.models.registry import load_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="gbm", help="gbm model file or shipped name")
    ap.add_argument("--val", type=Path, action="append", default=[], help="validation table")
    ap.add_argument("--test", type=Path, action="append", default=[], help="test table")
    ap.add_argument("--no-real", action="store_true", help="skip the real light curves")
    ap.add_argument("--shared", type=Path, default=SHARED_DATA)
    ap.add_argument("--cache", type=Path, default=None, help="pipeline-run cache folder")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    for p in args.val + args.test:
        if not p.is_file():
            ap.error(f"no table at {p}")
    t_start = time.perf_counter()
    _, est = load_model(args.model)

    sets = []
    for role, paths in (("validation", args.val), ("test", args.test)):
        for p in paths:
            sets.append((role, p.name, *_table_features(p, jobs=args.jobs, cache=args.cache)))
    if not args.no_real and (args.shared / "labels.csv").exists():
        y, X = _real_features(args.shared, jobs=args.jobs, cache=args.cache)
        sets.append(("test (real)", "real labelled light curves", y, X))
    rows = []
    for role, name, y, X in sets:
        pc = est.planet_column()
        steps = est.calibrated_.predict_proba(_sentinel(X))
        tied = _off_the_bounds(steps, getattr(est, "n_train_", None))[:, pc]
        broken = est.score_planet(X)
        cells = [role, name, f"{int(y.sum())} / {int((y == 0).sum())}",
                 f"{len(y) - len(np.unique(tied))} / {len(y) - len(np.unique(broken))}"]  # fmt: skip
        for o, n, (lo, hi) in compare(y, tied, broken, n_boot=args.boot):
            cells.append(f"{o:.3f} / {n:.3f} [{lo:+.3f}, {hi:+.3f}]")
        rows.append(cells)
        print(" | ".join(cells), flush=True)
    header = ["data", "set", "hosts / non-hosts", "tied stars: steps / broken"] + [
        f"{m}: steps / broken [difference 95%]" for m in METRICS
    ]
    write_report(
        args.out,
        [
            "# gbm: isotonic steps against ties broken by the trees",
            "",
            f"Command: `{command_line('benchmarks.compare_tie_break', argv)}` "
            f"({time.perf_counter() - t_start:.0f} s). Model: `{args.model}`. 'Steps': the "
            "calibrated probabilities as the isotonic steps give them (clipped off 0 and 1); "
            "'broken': as `predict_proba` gives them, ties ordered by the trees' score (within "
            "1e-6). Tied stars: stars sharing a score with another. Intervals: stratified "
            f"bootstrap over the stars ({args.boot} draws, the same for both).",
            "",
            markdown_table(header, rows),
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
