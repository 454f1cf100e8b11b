"""Survey-level ephemeris matching on a simulated campaign: what the common-signal test removes.

    python -m benchmarks.bench_common [--n-stars 5087] [--n-hosts 37] [--seed 201] [--workers 2]

Simulates a held-out K2-like campaign in the Kaggle layout (``starskope simulate campaign``:
campaign-wide thruster firings, binaries, pulsators, spotted stars; seed 201 is the models
benchmark's full-size test campaign), scans it with the default pipeline into a DuckDB catalog
(``starskope scan``), runs :meth:`starskope.catalog.Catalog.common_signals` and compares the
pipeline's candidate stars before and after leaving out those whose every planet-like candidate
is common, against the truth table. Writes ``benchmarks/results/common.md``.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import markdown_table

RESULTS = Path(__file__).resolve().parent / "results"
#: The simulator's mean interval between K2 thruster firings (days), for the period column.
FIRING_DAYS = 0.2446


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-stars", type=int, default=5087)
    ap.add_argument("--n-hosts", type=int, default=37)
    ap.add_argument("--seed", type=int, default=201)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--alpha", type=float, default=1e-3)
    ap.add_argument("--out", type=Path, default=RESULTS / "common.md")
    args = ap.parse_args(argv)

    import pandas as pd

    from starskope.catalog import Catalog
    from starskope.cli import main as cli
    from starskope.scan import scan

    tmp = Path(tempfile.mkdtemp(prefix="starskope-common-"))
    table = tmp / f"campaign{args.seed}.csv"
    t0 = time.perf_counter()
    cli(
        ["simulate", "campaign", "--n-stars", str(args.n_stars), "--n-hosts", str(args.n_hosts)]
        + ["--seed", str(args.seed), "--format", "kaggle", "--out", str(table)]
    )
    t_sim = time.perf_counter() - t0
    cat_path = tmp / "c.duckdb"
    t0 = time.perf_counter()
    scan([table], catalog=cat_path, workers=args.workers)
    t_scan = time.perf_counter() - t0
    truth = pd.read_csv(table.with_name(table.stem + ".truth.csv")).set_index("row")

    with Catalog(cat_path, read_only=True) as cat:
        t0 = time.process_time()
        cols, rows = cat.common_signals(alpha=args.alpha, include_all=True)
        t_match = time.process_time() - t0
        _, stars = cat.query("SELECT input_id, row, is_candidate FROM stars")
        _, cands = cat.query("SELECT input_id, candidate_index, is_planet_like FROM candidates")
    d = pd.DataFrame(rows, columns=cols)
    common = set(zip(d.input_id[d.common], d.candidate_index[d.common], strict=True))
    s = pd.DataFrame(stars, columns=["input_id", "row", "is_candidate"]).set_index("input_id")
    s["cls"] = truth.loc[s["row"].to_numpy(int), "class"].to_numpy()
    c = pd.DataFrame(cands, columns=["input_id", "candidate_index", "is_planet_like"])
    c["common"] = [(a, b) in common for a, b in zip(c.input_id, c.candidate_index, strict=True)]
    kept = set(c.input_id[c.is_planet_like & ~c.common])
    s["after"] = s.index.isin(kept)

    table_rows = []
    for name, col in (("per-star pipeline", "is_candidate"), ("+ ephemeris matching", "after")):
        sel = s[s[col].astype(bool)]
        hosts = int((sel.cls == "planet").sum())
        by = collections.Counter(sel.cls[sel.cls != "planet"])
        table_rows.append(
            [
                name,
                len(sel),
                f"{hosts} of {int((s.cls == 'planet').sum())}",
                len(sel) - hosts,
                by.get("eclipsing_binary", 0),
                by.get("variable", 0),
                by.get("quiet", 0),
                hosts / max(len(sel), 1),
            ]
        )
    com = d[d.common]
    mult = collections.Counter(np.round(com.period_days / FIRING_DAYS, 1))
    host_common = int(
        sum(
            1
            for i in com.input_id.unique()
            if s.loc[i, "cls"] == "planet" and i not in kept and s.loc[i, "is_candidate"]
        )
    )
    lines = [
        "# Ephemeris matching across a simulated campaign",
        "",
        f"Campaign: {args.n_stars} stars, {args.n_hosts} hosts, seed {args.seed} (simulated in"
        f" {t_sim:.0f} s); scanned with the default pipeline on {args.workers} workers in"
        f" {t_scan:.0f} s. {len(d)} significant candidates (SNR and SDE thresholds passed);"
        f" **{len(com)} common** at alpha {args.alpha:g} (matching took {t_match:.1f} CPU-s).",
        "",
        markdown_table(
            [
                "candidate stars",
                "stars",
                "hosts",
                "non-hosts",
                "binaries",
                "variables",
                "quiet",
                "precision",
            ],
            table_rows,
        ),
        "",
        f"Hosts that lose their last planet-like candidate to the test: {host_common}.",
        "Common signals by period in units of the simulator's thruster-firing interval"
        f" ({FIRING_DAYS} d), most frequent first: "
        + (", ".join(f"{k:g}x: {v}" for k, v in mult.most_common(10)) or "none")
        + ".",
        "",
        "Command: `python -m benchmarks.bench_common "
        f"--n-stars {args.n_stars} --n-hosts {args.n_hosts} --seed {args.seed}"
        f" --workers {args.workers}`.",
    ]
    shutil.rmtree(tmp, ignore_errors=True)  # the campaign table and the catalog
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
