"""A Kaggle-layout table of TESS two-minute flux, read at the layout's cadence and at its own.

The Kaggle layout (``LABEL,FLUX.1,...``) carries no times; starskope reads its samples at K2
long cadence (29.4244 min) unless told otherwise (``--cadence-minutes``, ``cadence_minutes=``).
This benchmark puts the first 12 days of every labelled TESS two-minute light curve in
``../shared/data`` (quality-0 cadences, on a uniform two-minute grid, gaps as empty cells) into
such a table, then searches every row both ways and says which known planets are found at their
period (within 1%).

Run::

    python -m benchmarks.bench_cadence          # about a minute on 2 cores
"""

from __future__ import annotations

import argparse
import csv
import re
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from .common import SHARED_DATA

N_SAMPLES = 8640  # 12 days at two minutes
CADENCE_MIN = 2.0


def _periods(text: str) -> list[float]:
    """Known periods of a labels.csv cell ("b 3.9306; c 6.2678", "3.4253 (depth ~1.4%)")."""
    out = []
    for part in text.split(";"):
        m = re.search(r"(\d+\.\d+)", part)
        if m:
            out.append(float(m.group(1)))
    return out


def build_table(shared: Path, out: Path) -> list[dict]:
    """Write the table to ``out``; return one dict per row (target, host, known periods)."""
    from starskope.io import read, write_kaggle

    rows, labels, info = [], [], []
    with open(shared / "labels.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["mission"] != "TESS" or "2 min" not in r["cadence"]:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lc = read(shared / r["file"])
            ok = np.isfinite(lc.t) & np.isfinite(lc.flux) & (lc.quality == 0)
            t, f = lc.t[ok], lc.flux[ok]
            if t.size < 2 or np.median(np.diff(t)) * 1440.0 > 1.5 * CADENCE_MIN:
                continue
            idx = np.rint((t - t[0]) * 1440.0 / CADENCE_MIN).astype(int)
            row = np.full(N_SAMPLES, np.nan)
            keep = idx < N_SAMPLES
            row[idx[keep]] = f[keep]
            host = r["is_planet_host"] == "1"
            rows.append(row)
            labels.append(2 if host else 1)
            info.append(
                {
                    "target": r["target"],
                    "host": host,
                    "periods": _periods(r["known_periods_days"]) if host else [],
                }
            )
    write_kaggle(out, np.array(rows), labels, decimals=6)
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="benchmarks/results/cadence.md")
    args = ap.parse_args(argv)
    from starskope.io import iter_read
    from starskope.pipeline import analyse

    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "tess2min.csv"
        info = build_table(SHARED_DATA, table)
        found: dict[str, list] = {}
        seconds = {}
        for name, cadence in (("layout (29.4 min)", None), ("--cadence-minutes 2", CADENCE_MIN)):
            t0 = time.perf_counter()
            out = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for _ident, lc in iter_read(table, cadence_minutes=cadence):
                    res = analyse(lc)
                    out.append([c.period_days for c in res.candidates if c.is_planet_like])
            found[name] = out
            seconds[name] = time.perf_counter() - t0
    lines = [
        "# A Kaggle-layout table of TESS two-minute flux, at the layout's cadence and its own",
        "",
        "Command: `python -m benchmarks.bench_cadence`. Every labelled TESS two-minute light"
        f" curve in ../shared/data, its first {N_SAMPLES} samples (12 days) on a uniform grid, one"
        " row each; a known planet counts as found when a planet-like candidate is within 1%"
        " of its period.",
        "",
        "| row | target | host | known periods [d] | "
        + " | ".join(f"found, {n}" for n in found)
        + " |",
        "|---|---|---|---|" + "---|" * len(found),
    ]
    totals = dict.fromkeys(found, 0)
    n_planets = 0
    for i, row in enumerate(info):
        cells = []
        for name, out in found.items():
            hit = [p for p in row["periods"] if any(abs(q / p - 1) < 0.01 for q in out[i])]
            totals[name] += len(hit)
            flagged = f"{len(out[i])} planet-like" if out[i] else "none"
            cells.append(", ".join(f"{p:g}" for p in hit) if hit else f"- ({flagged})")
        n_planets += len(row["periods"])
        periods = ", ".join(f"{p:g}" for p in row["periods"]) or "-"
        lines.append(
            f"| {i} | {row['target']} | {'yes' if row['host'] else 'no'} | {periods} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        f"Known planets found at their period, of {n_planets}: "
        + "; ".join(f"{n}: {k} ({seconds[n]:.0f} s)" for n, k in totals.items())
        + ".",
    ]
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
