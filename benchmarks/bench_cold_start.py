"""First-call cost: numba compiles starskope's kernels on the first analysis after an install.

Runs the same analysis (the bundled K2-3 light curve) in fresh processes against an empty
numba cache, then against the cache that run filled, and prints the seconds of import and read,
the first ``analyse`` and a second one in the same process::

    python -m benchmarks.bench_cold_start [--repeat 1]

Writes ``benchmarks/results/cold_start.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import write_report

_CHILD = """
import json, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import starskope
from starskope.datasets import demo_dir
lc = starskope.read(demo_dir() / "hlsp_k2sff_k2_lightcurve_201367065-c01_kepler_v1_llc_bestaper.fits.gz")
t1 = time.perf_counter()
starskope.analyse(lc)
t2 = time.perf_counter()
starskope.analyse(lc)
t3 = time.perf_counter()
print(json.dumps({"import_read": t1 - t0, "first": t2 - t1, "second": t3 - t2}))
"""


def run_once(numba_cache: str) -> dict:
    """One fresh process: seconds of import and read, first and second ``analyse``."""
    env = {**os.environ, "NUMBA_CACHE_DIR": numba_cache}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="cold/warm pairs to run")
    args = ap.parse_args(argv)
    rows = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as cache:
            rows.append(("empty numba cache", run_once(cache)))
            rows.append(("filled numba cache", run_once(cache)))
    lines = [
        "| numba cache | import + read (s) | first analyse (s) | second analyse (s) |",
        "|---|---|---|---|",
        *(
            f"| {name} | {r['import_read']:.2f} | {r['first']:.2f} | {r['second']:.3f} |"
            for name, r in rows
        ),
    ]
    write_report(
        Path(__file__).parent / "results" / "cold_start.md",
        [
            "# First-call cost (numba compilation)",
            "",
            "Command: `python -m benchmarks.bench_cold_start"
            + (f" --repeat {args.repeat}" if args.repeat != 1 else "")
            + "`. The bundled K2-3 light curve (K2SFF), analysed twice per fresh process;"
            " NUMBA_CACHE_DIR an empty folder, then the folder that run filled.",
            "",
            *lines,
            "",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
