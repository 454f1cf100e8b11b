"""Run the benchmarks in turn (``make bench``), each with the settings of the command in its
result file's header (``benchmarks/results/*.md``), so a run reproduces the README's tables.

Each benchmark prints its table and rewrites its file in ``benchmarks/results/``. Long: a few
hours on 2 cores (the real-sky run and the injection draws dominate; the real-sky per-file
cache makes a re-run quick). ``--only`` runs some of them, ``--list`` prints the commands.

The classifier benchmarks need the simulated campaigns of docs/models.md; with ``--campaigns
DIR`` they are made there first (``starskope simulate campaign``, seconds to a minute each)
and the model benchmarks run on them. Without it those are left out.

Examples
--------
>>> [c[0] for c in commands()][:2]
['benchmarks.bench_read', 'benchmarks.bench_search_speed']
>>> cmds = commands("/data/c")
>>> "/data/c/test201_full.csv" in cmds[-1]
True
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

#: Benchmarks that need nothing but ../shared/data (settings as in their result files).
SELF_CONTAINED = [
    ["benchmarks.bench_read"],
    ["benchmarks.bench_search_speed", "--repeat", "9"],
    ["benchmarks.bench_detrend", "--stars", "8", "--repeat", "5"],
    ["benchmarks.bench_vetting", "--repeat", "5"],
    ["benchmarks.bench_realsky", "--methods", "starskope", "--jobs", "2"],
    ["benchmarks.bench_realsky", "--report-only"],
    ["benchmarks.bench_simulate", "--n-stars", "5087", "--jobs", "1"],
    ["benchmarks.bench_injection", "--n", "300", "--n-null", "300", "--n-tls", "60", "--seed",
     "0", "--jobs", "2", "--detectors", "search,bls-sde,tls"],
    ["benchmarks.bench_injection", "--n", "300", "--n-null", "300", "--n-tls", "60", "--seed",
     "0", "--jobs", "2", "--detectors", "search,bls-sde,tls", "--snr-range", "4", "40", "--tag",
     "snr"],
    ["benchmarks.bench_vet_planets", "--n", "200", "--seed", "11", "--snr-range", "12", "40",
     "--jobs", "2"],
    ["benchmarks.bench_preprocessing", "--jobs", "2", "--realsky"],
    ["benchmarks.oracle_masked_detrend", "--jobs", "2"],
    ["benchmarks.bench_scan", "--only", "throughput", "--n-sim", "500", "--baseline-n", "100",
     "--repeat", "3"],
    ["benchmarks.bench_scan", "--only", "cost"],
    ["benchmarks.bench_common", "--n-stars", "5087", "--n-hosts", "37", "--seed", "201",
     "--workers", "2"],
    ["benchmarks.bench_multimission", "--sims", "100"],
    ["benchmarks.bench_app"],
    ["benchmarks.bench_independent", "--models", "search,gbm,views-cnn", "--tables",
     "easy,realistic,fp"],
    ["benchmarks.bench_flux_level", "--n-stars", "600", "--n-hosts", "60", "--seed", "401",
     "--models", "gbm,views-cnn"],
    ["benchmarks.bench_models_real", "--jobs", "2"],
    ["benchmarks.bench_edge_cases"],
    ["benchmarks.bench_cadence"],
    ["benchmarks.bench_cold_start"],
    ["benchmarks.bench_odd_even_null"],
    ["benchmarks.bench_fit_pulls", "--n", "3000", "--seed", "0", "--jobs", "2"],
    ["benchmarks.check_shipped_reproducible", "--jobs", "2"],
    ["benchmarks.bench_calibration", "--jobs", "2"],
]  # fmt: skip

#: The simulated campaigns of docs/models.md: file name, then ``simulate campaign`` options.
CAMPAIGNS = {
    "train.csv": ["--n-stars", "1000", "--n-hosts", "250", "--seed", "1"],
    "test101.csv": ["--n-stars", "570", "--n-hosts", "5", "--seed", "101"],
    "test102.csv": ["--n-stars", "570", "--n-hosts", "5", "--seed", "102"],
    "test103.csv": ["--n-stars", "570", "--n-hosts", "5", "--seed", "103"],
    "test201_full.csv": ["--n-stars", "5087", "--n-hosts", "37", "--seed", "201"],
}


def campaign_commands(folder: str | Path) -> list[list[str]]:
    """``starskope simulate campaign`` for every campaign of :data:`CAMPAIGNS` into
    ``folder`` (a command line starting with ``starskope``)."""
    return [
        ["starskope", "simulate", "campaign", *opts, "--format", "kaggle", "--shuffle",
         "--out", str(Path(folder) / name)]
        for name, opts in CAMPAIGNS.items()
    ]  # fmt: skip


def commands(campaigns: str | Path | None = None) -> list[list[str]]:
    """Every benchmark to run, as ``python -m`` arguments (the campaigns' as a ``starskope``
    command line); with ``campaigns``, the campaigns made there first and the classifier
    benchmarks after."""
    cmds = [list(c) for c in SELF_CONTAINED]
    if campaigns is None:
        return cmds
    c = Path(campaigns)
    tests = [
        a for n in ("test101.csv", "test102.csv", "test103.csv") for a in ("--test", str(c / n))
    ]
    full = str(c / "test201_full.csv")
    return [
        *campaign_commands(c),
        *cmds,
        ["benchmarks.bench_models", *tests, "--jobs", "2"],
        ["benchmarks.bench_cnn_preprocessing", "--train", str(c / "train.csv"), "--test",
         *tests[1::2], "--seeds", "1,2,3", "--jobs", "2"],
        ["benchmarks.bench_rbm", "--table", str(c / "train.csv"), "--seeds", "1,2,3"],
        ["benchmarks.bench_saliency", *tests, "--test", full],
        ["benchmarks.campaign_candidates", "--table", full],
        ["benchmarks.bench_models", "--test", full, "--no-real", "--no-speed", "--out-name",
         "models_fullsize", "--jobs", "2"],
    ]  # fmt: skip


def _argv(cmd: list[str]) -> list[str]:
    if cmd[0] == "starskope":  # the console script beside this interpreter
        return [str(Path(sys.executable).with_name("starskope")), *cmd[1:]]
    return [sys.executable, "-m", *cmd]


def _shown(cmd: list[str]) -> str:
    return " ".join(cmd if cmd[0] == "starskope" else ["python", "-m", *cmd])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run_all",
        description=__doc__.split("Examples")[0].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--campaigns", metavar="DIR", help="make the simulated campaigns here and "
                    "run the classifier benchmarks on them")  # fmt: skip
    ap.add_argument("--only", nargs="+", metavar="NAME",
                    help="run only these (module names, e.g. bench_read bench_scan)")  # fmt: skip
    ap.add_argument("--list", action="store_true", help="print the commands and stop")
    args = ap.parse_args(argv)
    cmds = commands(args.campaigns)
    if args.only:
        wanted = {n.removeprefix("benchmarks.") for n in args.only}
        known = {c[0].removeprefix("benchmarks.") for c in cmds} - {"starskope"}
        if unknown := sorted(wanted - known):
            ap.error(
                f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        cmds = [c for c in cmds if c[0].removeprefix("benchmarks.") in wanted | {"starskope"}]
        if not any(args.campaigns and c[0] != "starskope" and any(
            str(Path(args.campaigns)) in a for a in c) for c in cmds
        ):  # fmt: skip
            cmds = [c for c in cmds if c[0] != "starskope"]  # no campaign needed
    if args.list:
        print("\n".join(_shown(c) for c in cmds))
        return 0
    failed = []
    for cmd in cmds:
        print(f"\n=== {_shown(cmd)}", flush=True)
        if subprocess.run(_argv(cmd)).returncode != 0:
            failed.append(cmd[0])
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
