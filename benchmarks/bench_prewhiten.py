"""Active (spotted) stars: hosts recovered and non-hosts flagged by each way of detrending them.

On simulated campaigns with truth tables (``starskope simulate campaign ... --format kaggle``
writes ``X.csv`` and ``X.truth.csv``), every planet host and the first ``--non-hosts`` other
stars of each table are analysed with each configuration of :data:`CONFIGS`: the robust local
cubic for every active star (the default before the rotation detrender), the same after
prewhitening (opt-in), and the rotation-aware detrender (the default). A host counts as
recovered when ``is_candidate`` is set and the top candidate's period is within 1% of the
injected one.

Run::

    python -m benchmarks.bench_prewhiten --test test101.csv --test test102.csv --test test103.csv
"""

from __future__ import annotations

import argparse
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .common import REPO, markdown_table

OUT = REPO / "benchmarks" / "results" / "prewhiten.md"


#: Name -> PipelineConfig changes.
CONFIGS = {
    "localpoly (default before)": {"active_detrend_method": "localpoly"},
    "localpoly + prewhiten_active=True": {
        "active_detrend_method": "localpoly",
        "prewhiten_active": True,
    },
    "rotation (default)": {"active_detrend_method": "rotation"},
}


def _one(args) -> list[tuple[int, str, float, list[tuple[bool, float | None]]]]:
    path, rows, periods = args
    from starskope import PipelineConfig
    from starskope.io.kaggle import iter_kaggle
    from starskope.pipeline import analyse

    warnings.simplefilter("ignore")
    configs = [PipelineConfig(**kw) for kw in CONFIGS.values()]
    out = []
    want = dict(zip(rows, periods, strict=True))
    for i, lc in enumerate(iter_kaggle(path, cache=False)):
        if i not in want:
            continue
        res = []
        for cfg in configs:
            r = analyse(lc, cfg)
            top = r.candidates[0] if r.candidates else None
            res.append((bool(r.is_candidate), None if top is None else top.period_days))
        out.append((i, str(path), want[i], res))
    return out


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--test", action="append", type=Path, required=True, help="Kaggle table")
    ap.add_argument("--non-hosts", type=int, default=100, help="non-hosts per table")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)

    jobs = []
    for path in args.test:
        truth = pd.read_csv(path.with_name(path.stem + ".truth.csv"))
        hosts = truth.index[truth["class"] == "planet"].tolist()
        non = truth.index[truth["class"] != "planet"].tolist()[: args.non_hosts]
        periods = [
            float(truth.loc[i, "period_days"]) if i in hosts else float("nan") for i in hosts + non
        ]
        jobs.append((path, hosts + non, periods))
    with ProcessPoolExecutor(args.jobs) as pool:
        results = [x for chunk in pool.map(_one, jobs) for x in chunk]
    rows = []
    for k, name in enumerate(CONFIGS):
        hosts = [r for r in results if r[2] == r[2]]  # period is not NaN
        non = [r for r in results if r[2] != r[2]]
        rec = sum(
            1
            for _, _, p, res in hosts
            if res[k][0] and res[k][1] is not None and abs(res[k][1] / p - 1) < 0.01
        )
        flagged = sum(1 for *_, res in non if res[k][0])
        rows.append([name, len(hosts), rec, len(non), flagged])
    table = markdown_table(
        ["pipeline", "hosts", "recovered (vetted, period within 1%)", "non-hosts", "flagged"], rows
    )
    per_host = [
        [Path(f).name, i, f"{p:.4f}"]
        + [
            "yes"
            if r[0] and r[1] is not None and abs(r[1] / p - 1) < 0.01
            else ("flagged at " + f"{r[1]:.4g}" if r[0] else "no")
            for r in res
        ]
        for i, f, p, res in sorted(results, key=lambda x: (x[1], x[0]))
        if p == p
    ]
    hosts_table = markdown_table(["table", "row", "period (d)", *CONFIGS], per_host)
    names = ", ".join(p.name for p in args.test)
    text = (
        f"# Active (spotted) stars: rotation-aware detrending\n\nTables: {names}.\n\n{table}"
        f"\n\nPer host (recovered = vetted and period within 1%):\n\n{hosts_table}\n\n"
        "Command: `python -m benchmarks.bench_prewhiten "
        + " ".join(f"--test {p.name}" for p in args.test)
        + f" --non-hosts {args.non_hosts}`\n"
    )
    print(text)
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
