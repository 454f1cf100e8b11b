"""Why no classifier reaches recall 0.95 at precision 0.9: the planet-like candidates of a
simulated campaign, hosts against non-hosts, by SNR.

A model that scores stars from the search pipeline's output can only rank what the pipeline
finds. This counts, in a simulated campaign (truth table beside it), the hosts whose strongest
candidate is planet-like (every vetting test passed) at their true period, and the non-hosts
whose strongest candidate is planet-like too -- by their true class and above several SNRs.
The hosts found bound the recall; where the non-hosts' planet-like candidates outnumber a tenth
of them, precision 0.9 needs a model to tell apart candidates that every per-star test calls
planets.

    python -m benchmarks.campaign_candidates --table /tmp/s4/test201_full.csv \\
        --cache /tmp/s16/viewcache28

Writes ``benchmarks/results/campaign_candidates.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .common import REPO, command_line, match_period, write_table_report

OUT = REPO / "benchmarks" / "results" / "campaign_candidates.md"
SNR_CUTS = (7.1, 8.0, 9.0, 10.0, 12.0, 15.0)


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    from starskope.features.tabular import FEATURE_NAMES
    from starskope.io.kaggle import iter_kaggle
    from starskope.models.views import file_key, view_matrix
    from starskope.simulate.output import truth_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", type=Path, required=True, help="simulated Kaggle-layout table")
    ap.add_argument("--cache", type=Path, default=None, help="pipeline-run cache folder")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not truth_path(args.table).exists():
        ap.error(f"{args.table} has no truth table beside it ({truth_path(args.table).name})")
    t_start = time.perf_counter()
    _, X, E = view_matrix(
        lambda: list(iter_kaggle(args.table)), key=file_key(args.table), n_jobs=args.jobs,
        cache=args.cache, ephemerides=True,
    )  # fmt: skip
    truth = pd.read_csv(truth_path(args.table)).sort_values("row")
    host = truth["label"].to_numpy() == 2
    planet_like = X[:, FEATURE_NAMES.index("is_planet_like")] == 1
    snr = X[:, FEATURE_NAMES.index("snr")]
    at_period = np.array(
        [
            np.isfinite(p) and match_period(f, (p,)) == "match"
            for f, p in zip(E[:, 0], truth["period_days"].to_numpy(float), strict=True)
        ]
    )
    found = planet_like & host & at_period
    false = planet_like & ~host
    classes = sorted(set(truth["class"][~host]))
    rows = []
    for cut in SNR_CUTS:
        keep = snr >= cut
        n_found, n_false = int((found & keep).sum()), int((false & keep).sum())
        by_class = [int((false & keep & (truth["class"].to_numpy() == c)).sum()) for c in classes]
        best = n_found / (n_found + n_false) if n_found + n_false else float("nan")
        rows.append([f">= {cut:g}", n_found, n_false, *by_class, best])
    header = ["measured SNR", "hosts planet-like at their period", "non-hosts planet-like",
              *[f"of them {c}" for c in classes], "precision of all of them"]  # fmt: skip
    n_det = int((host & (truth["expected_snr"].to_numpy(float) >= 7.1)).sum())
    write_table_report(
        args.out,
        title="Planet-like candidates of a simulated campaign: hosts against non-hosts",
        intro=(
            f"Command: `{command_line('benchmarks.campaign_candidates', argv)}` "
            f"({time.perf_counter() - t_start:.0f} s). {args.table.name}: {int(host.sum())} hosts "
            f"({n_det} at expected SNR >= 7.1), {int((~host).sum())} non-hosts; the default "
            "pipeline's strongest candidate per star. 'Planet-like': every vetting test passed. "
            "The hosts found bound the recall of any score built on the strongest candidate "
            f"(at most {int(found.sum())} of {int(host.sum())} unless non-planet-like candidates "
            "are scored high); the last column is the precision of taking every planet-like "
            "candidate above the cut, what a score that cannot tell them apart would reach."
        ),
        header=header,
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
