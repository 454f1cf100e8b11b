"""Run every benchmark in turn (``make bench``); each prints its table and writes
``benchmarks/results/``. Long: an hour or more on 2 cores (the real-sky run dominates; its
per-file cache makes a re-run quick)."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    ["benchmarks.bench_read"],
    ["benchmarks.bench_search_speed", "--repeat", "3"],
    ["benchmarks.bench_detrend"],
    ["benchmarks.bench_vetting", "--repeat", "5"],
    ["benchmarks.bench_realsky", "--jobs", "2"],
    ["benchmarks.bench_simulate", "--n-stars", "5087", "--jobs", "1,2"],
    ["benchmarks.bench_injection", "--n", "160", "--n-null", "80", "--n-tls", "40", "--jobs", "2"],
    ["benchmarks.bench_vet_planets", "--n", "200", "--jobs", "2"],
    ["benchmarks.bench_preprocessing", "--jobs", "2", "--realsky"],
    ["benchmarks.oracle_masked_detrend", "--jobs", "2"],
    ["benchmarks.bench_scan", "--n-sim", "500", "--baseline-n", "60"],
    ["benchmarks.bench_common", "--n-stars", "5087", "--n-hosts", "37", "--seed", "201"],
    ["benchmarks.bench_multimission", "--sims", "100"],
    ["benchmarks.bench_app"],
    ["benchmarks.bench_independent", "--models", "gbm,views-cnn"],
    ["benchmarks.bench_flux_level", "--models", "gbm,views-cnn"],
    ["benchmarks.bench_models_real", "--jobs", "2"],
    ["benchmarks.bench_edge_cases"],
]


def main() -> int:
    failed = []
    for args in BENCHMARKS:
        print(f"\n=== python -m {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, "-m", *args]).returncode != 0:
            failed.append(args[0])
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
